/* http_api.c - the JSON API under /v1: the route table (method, path pattern
 * where "{id}" matches a decimal encounter id, handler, whether an API token is
 * needed), the shared request parsers, and the endpoints that compute from a case
 * (assess, next, localize, plan, handout, fhir, about). Knowledge-base browsing
 * is in http_kb.c, encounters and the audit log in http_encounters.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_routes.h"
#include "kb/kb.h"
#include "render/render.h"
#include "util/util.h"

/* ---- small parsers ---- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Value of `key` in an application/x-www-form-urlencoded query, decoded into
 * out[cap]; false when absent, malformed or too long. */
bool api_query(const char *q, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    while (q && *q) {
        const char *end = strchr(q, '&');
        size_t n = end ? (size_t)(end - q) : strlen(q);
        if (n > kl && !strncmp(q, key, kl) && q[kl] == '=') {
            size_t o = 0;
            for (size_t i = kl + 1; i < n; i++) {
                int c = (unsigned char)q[i];
                if (c == '+')
                    c = ' ';
                else if (c == '%') {
                    if (i + 2 >= n || hexval(q[i + 1]) < 0 || hexval(q[i + 2]) < 0)
                        return false;
                    c = hexval(q[i + 1]) * 16 + hexval(q[i + 2]);
                    i += 2;
                }
                if (c == 0 || o + 1 >= cap)
                    return false;
                out[o++] = (char)c;
            }
            out[o] = 0;
            return true;
        }
        q = end ? end + 1 : NULL;
    }
    return false;
}

bool api_int(const char *s, long lo, long hi, long *out)
{
    if (!*s || strlen(s) > 10)
        return false;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (*p - '0');
    }
    if (v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* A string field of at most `max` bytes; NULL when absent or null. Sets *bad. */
const char *api_opt_string(json_t *o, const char *key, size_t max, http_resp *r, bool *bad)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        http_error(r, 400, "\"%s\" must be a string", key);
        *bad = true;
        return NULL;
    }
    if (json_string_length(v) > max || strlen(json_string_value(v)) != json_string_length(v)) {
        http_error(r, 400, "\"%s\" must be a string of at most %zu bytes without NUL characters", key, max);
        *bad = true;
        return NULL;
    }
    return json_string_value(v);
}

/* Refuse any key outside `allowed` (NULL-terminated). */
bool api_only_keys(json_t *o, const char *const *allowed, http_resp *r)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            ok = ok || !strcmp(k, *a);
        if (!ok) {
            http_error(r, 400, "unknown field \"%.100s\"", k);
            return false;
        }
    }
    return true;
}

void api_set_text(http_resp *r, char *s, const char *type, bool newline)
{
    if (s && newline) {
        size_t n = strlen(s);
        char *t = realloc(s, n + 2);
        if (!t) {
            free(s);
            s = NULL;
        } else {
            s = t;
            memcpy(s + n, "\n", 2);
        }
    }
    if (!s) {
        http_error(r, 503, "out of memory");
        return;
    }
    free(r->body);
    r->status = 200;
    r->type = type;
    r->body = s;
    r->len = strlen(s);
}

/* ---- /v1/assess ---- */

static void h_assess(route_args *a)
{
    gl_error err;
    gl_case *c = gl_case_parse(a->ctx->kb, a->req->body, a->req->len, "body", &err);
    if (!c) {
        http_error(a->r, err.code == GL_ERR_TOO_LARGE ? 413 : err.code == GL_ERR_NOMEM ? 503 : 400, "%s", err.msg);
        return;
    }
    gl_result *res = gl_assess(a->ctx->kb, c, &err);
    gl_case_free(&c);
    if (!res) {
        http_error(a->r, 400, "%s", err.msg);
        return;
    }
    char *s = gl_result_json(res, 0);
    gl_result_free(&res);
    api_set_text(a->r, s, "application/json", true); /* byte for byte `gluteal assess --json` */
}

/* ---- /v1/next: unknown findings ranked by how much their answer would matter ---- */

static void h_next(route_args *a)
{
    char buf[16];
    long max = 10;
    if (api_query(a->req->query, "max", buf, sizeof buf) && !api_int(buf, 1, 1000, &max)) {
        http_error(a->r, 400, "max must be a whole number from 1 to 1000");
        return;
    }
    gl_error err;
    gl_case *c = gl_case_parse(a->ctx->kb, a->req->body, a->req->len, "body", &err);
    if (!c) {
        http_error(a->r, err.code == GL_ERR_TOO_LARGE ? 413 : err.code == GL_ERR_NOMEM ? 503 : 400, "%s", err.msg);
        return;
    }
    gl_next *n = gl_next_questions(a->ctx->kb, c, &err);
    gl_case_free(&c);
    if (!n) {
        http_error(a->r, err.code == GL_ERR_NOMEM ? 503 : 400, "%s", err.msg);
        return;
    }
    char *s = gl_next_json(n, (int)max, 0);
    gl_next_free(&n);
    api_set_text(a->r, s, "application/json", true);
}

/* ---- /v1/localize, /v1/plan, /v1/handout: the same library calls as the CLI ---- */

static gl_case *body_case(route_args *a)
{
    gl_error err;
    gl_case *c = gl_case_parse(a->ctx->kb, a->req->body, a->req->len, "body", &err);
    if (!c)
        http_error(a->r, err.code == GL_ERR_TOO_LARGE ? 413 : err.code == GL_ERR_NOMEM ? 503 : 400, "%s", err.msg);
    return c;
}

static void h_localize(route_args *a)
{
    gl_case *c = body_case(a);
    if (!c)
        return;
    gl_error err;
    gl_localization *l = gl_localize(a->ctx->kb, c, &err);
    gl_case_free(&c);
    if (!l) {
        http_error(a->r, err.code == GL_ERR_NOMEM ? 503 : 400, "%s", err.msg);
        return;
    }
    char *s = gl_localization_json(l, 0);
    gl_localization_free(&l);
    api_set_text(a->r, s, "application/json", true);
}

/* Case from the body, assessed; NULL after answering. */
static gl_result *body_result(route_args *a)
{
    gl_case *c = body_case(a);
    if (!c)
        return NULL;
    gl_error err;
    gl_result *res = gl_assess(a->ctx->kb, c, &err);
    gl_case_free(&c);
    if (!res)
        http_error(a->r, err.code == GL_ERR_NOMEM ? 503 : 400, "%s", err.msg);
    return res;
}

static void h_plan(route_args *a)
{
    gl_result *res = body_result(a);
    if (!res)
        return;
    gl_error err;
    gl_plan *p = gl_plan_make(res, &err);
    if (!p) {
        http_error(a->r, err.code == GL_ERR_NOMEM ? 503 : 400, "%s", err.msg);
        gl_result_free(&res);
        return;
    }
    char *s = gl_plan_json(p, 0);
    gl_plan_free(&p); /* before the result it points to */
    gl_result_free(&res);
    api_set_text(a->r, s, "application/json", true);
}

/* Printable HTML handout; ?condition=ID picks the condition (default: leading). */
static void h_handout(route_args *a)
{
    char cond[96];
    int ci = -1;
    if (api_query(a->req->query, "condition", cond, sizeof cond)) {
        ci = gl_kb_condition_index(a->ctx->kb, cond);
        if (ci < 0) {
            http_error(a->r, 400, "unknown condition \"%.96s\"", cond);
            return;
        }
    }
    gl_result *res = body_result(a);
    if (!res)
        return;
    gl_error err;
    char *s = gl_handout_html(res, ci, &err);
    gl_result_free(&res);
    if (!s) {
        http_error(a->r, err.code == GL_ERR_NOMEM ? 503 : 400, "%s", err.msg);
        return;
    }
    api_set_text(a->r, s, "text/html; charset=utf-8", false);
    a->r->document = true;
}

static void h_fhir(route_args *a)
{
    json_t *body = http_body_object(a->req, a->r);
    if (!body)
        return;
    gl_result *res = http_assess_object(a->ctx, body, a->r);
    if (res) {
        json_t *robj = render_result_object(res);
        gl_result_free(&res);
        http_json(a->r, 200, http_fhir_bundle(a->ctx->kb, body, robj, "assessment"));
        a->r->type = "application/fhir+json";
        json_decref(robj);
    }
    json_decref(body);
}

static void h_about(route_args *a)
{
    char *t = http_about_text(a->ctx->kb);
    if (!t) {
        http_error(a->r, 503, "out of memory");
        return;
    }
    free(a->r->body);
    a->r->status = 200;
    a->r->type = "text/markdown; charset=utf-8";
    a->r->body = t;
    a->r->len = strlen(t);
}

/* ---- routing ---- */

typedef struct route {
    const char *method, *pattern;
    void (*fn)(route_args *);
    bool token;
} route;

static const route routes[] = {
    {"POST", "/v1/assess", h_assess, false},
    {"POST", "/v1/next", h_next, false},
    {"POST", "/v1/localize", h_localize, false},
    {"POST", "/v1/plan", h_plan, false},
    {"POST", "/v1/handout", h_handout, false},
    {"GET", "/v1/kb", h_kb, false},
    {"GET", "/v1/kb/conditions", h_conditions, false},
    {"GET", "/v1/kb/conditions/{name}", h_condition, false},
    {"GET", "/v1/kb/findings", h_findings, false},
    {"GET", "/v1/about", h_about, false},
    {"POST", "/v1/fhir", h_fhir, false},
    {"POST", "/v1/encounters", h_encounter_create, true},
    {"GET", "/v1/encounters", h_encounter_list, true},
    {"GET", "/v1/encounters/{id}", h_encounter_get, true},
    {"POST", "/v1/encounters/{id}/followups", h_followup_add, true},
    {"GET", "/v1/encounters/{id}/fhir", h_encounter_fhir, true},
    {"GET", "/v1/audit", h_audit, true},
};

/* Match path against pattern; fills a->id / a->name. */
static bool match(const char *pat, const char *path, route_args *a)
{
    while (*pat) {
        if (!strncmp(pat, "{id}", 4) || !strncmp(pat, "{name}", 6)) {
            bool isid = pat[1] == 'i';
            const char *s = path;
            while (*path && *path != '/')
                path++;
            size_t n = (size_t)(path - s);
            if (n == 0 || n > 64)
                return false;
            if (isid) {
                if (n > 15 || *s == '0')
                    return false;
                long long v = 0;
                for (size_t i = 0; i < n; i++) {
                    if (s[i] < '0' || s[i] > '9')
                        return false;
                    v = v * 10 + (s[i] - '0');
                }
                a->id = v;
            } else {
                for (size_t i = 0; i < n; i++)
                    if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
                        return false;
                a->name = s;
                a->name_len = n;
            }
            pat += isid ? 4 : 6;
        } else if (*pat++ != *path++)
            return false;
    }
    return *path == 0;
}

void http_api(const http_ctx *ctx, const http_req *req, http_resp *r)
{
    route_args a = {.ctx = ctx, .req = req, .r = r};
    bool path_known = false;
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        if (!match(routes[i].pattern, req->path, &a))
            continue;
        path_known = true;
        if (strcmp(routes[i].method, req->method))
            continue;
        if (routes[i].token && !http_require_token(ctx, req, r, a.actor, sizeof a.actor))
            return;
        routes[i].fn(&a);
        return;
    }
    if (path_known)
        http_error(r, 405, "method %.16s is not allowed on %.200s", req->method, req->path);
    else
        http_error(r, 404, "no endpoint %.200s (see /v1 in docs/openapi.yaml)", req->path);
}
