/* http_routes.h - shared by the /v1 handler files (http_api.c routes, http_kb.c,
 * http_encounters.c). Library-internal. */
#ifndef GL_HTTP_ROUTES_H
#define GL_HTTP_ROUTES_H

#include "http/http.h"

typedef struct route_args {
    const http_ctx *ctx;
    const http_req *req;
    http_resp *r;
    long long id;     /* {id} in the pattern */
    const char *name; /* {name} in the pattern (points into the path) */
    size_t name_len;
    char actor[64]; /* token name when the route needs a token */
} route_args;

/* Value of `key` in a form-encoded query, decoded into out[cap]; false when
 * absent, malformed or too long. */
bool api_query(const char *q, const char *key, char *out, size_t cap);
/* A whole decimal number in [lo, hi]. */
bool api_int(const char *s, long lo, long hi, long *out);
/* String field of at most `max` bytes, NULL when absent/null; sets *bad after a 400. */
const char *api_opt_string(json_t *o, const char *key, size_t max, http_resp *r, bool *bad);
/* Refuse (400) any key outside `allowed` (NULL-terminated). */
bool api_only_keys(json_t *o, const char *const *allowed, http_resp *r);
/* malloc'd text s as the 200 body (503 when NULL); newline: end with a newline as the CLI does. */
void api_set_text(http_resp *r, char *s, const char *type, bool newline);

/* http_kb.c */
void h_kb(route_args *a);
void h_conditions(route_args *a);
void h_condition(route_args *a);
void h_findings(route_args *a);
/* http_encounters.c (token checked by the router; a->actor holds its name) */
void h_encounter_create(route_args *a);
void h_encounter_list(route_args *a);
void h_encounter_get(route_args *a);
void h_followup_add(route_args *a);
void h_encounter_fhir(route_args *a);
void h_audit(route_args *a);

#endif
