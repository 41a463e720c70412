/* http.h - the clinic service: request handling as a plain function (so tests and
 * a libFuzzer target can drive it without a socket) and the libmicrohttpd server
 * around it. Library-internal; `gluteal serve` is the front end.
 *
 * A request is method + path + query + Authorization header + body (at most
 * HTTP_MAX_BODY bytes; the server answers 413 before calling http_handle with
 * more). http_handle never fails: every outcome, including bad input and out of
 * memory, is an HTTP status with a JSON body {"error": "..."}.
 *
 * Driving it without a socket (tests/unit/test_store.c, a libFuzzer target):
 *   http_ctx ctx = {.kb = gl_kb_load_builtin(&err), .db = store_open(":memory:", &err)};
 *   http_req req = {.method = "POST", .path = "/v1/assess", .body = data, .len = size};
 *   http_resp resp;
 *   http_handle(&ctx, &req, &resp);
 *   http_resp_free(&resp); */
#ifndef GL_HTTP_H
#define GL_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "gluteal.h"
#include "store/store.h"

#define HTTP_MAX_BODY GL_MAX_CASE_BYTES /* 1 MiB: larger bodies get 413 */

typedef struct http_ctx {
    const gl_kb *kb;
    store *db;                   /* may be NULL: encounter endpoints then answer 503 */
    const char *cds_secret;      /* HS256 key for CDS Hooks JWTs, or NULL */
    struct evp_pkey_st *cds_key; /* CDS client's public key (RS384 / ES384 JWTs), or NULL */
    const char *cds_issuer;      /* required JWT iss, or NULL for any */
    const char *public_url;      /* e.g. "http://127.0.0.1:8080" (CDS aud check, links) */
} http_ctx;

typedef struct http_req {
    const char *method; /* "GET", "POST", ... */
    const char *path;   /* without the query, e.g. "/v1/assess" */
    const char *query;  /* after '?', or NULL */
    const char *auth;   /* Authorization header value, or NULL */
    const char *host;   /* Host header value, or NULL */
    const char *body;   /* may contain NUL bytes; not NUL-terminated */
    size_t len;
} http_req;

typedef struct http_resp {
    int status;
    const char *type; /* Content-Type (static string) */
    char *body;       /* malloc'd; owned by the response */
    size_t len;
    bool cors;            /* add Access-Control-Allow-* headers (CDS Hooks) */
    bool cacheable;       /* static files: allow caching */
    const char *www_auth; /* WWW-Authenticate value on 401, or NULL */
    bool document;        /* self-contained HTML (handout): inline styles allowed, nothing else */
} http_resp;

/* Handle one request; fills *resp (free resp->body after sending). */
void http_handle(const http_ctx *ctx, const http_req *req, http_resp *resp);
void http_resp_free(http_resp *resp);

/* Run the server until SIGINT/SIGTERM. port 0 picks a free port. The line
 * "gluteal: serving on http://ADDR:PORT/" goes to stderr once listening. */
int http_serve(const http_ctx *ctx, const char *bind_addr, int port, int threads);

/* ---- internals shared by the http_*.c files ---- */
void http_json(http_resp *r, int status, json_t *body); /* steals body */
void http_error(http_resp *r, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Parse the body as one JSON object (duplicate keys refused); 400 on failure. */
json_t *http_body_object(const http_req *req, http_resp *r);
/* Token check: copies the token's name into actor; false after answering 401/503. */
bool http_require_token(const http_ctx *ctx, const http_req *req, http_resp *r, char *actor, size_t cap);
/* Parse a case object (via gl_case_parse) and assess it; NULL after answering 400. */
gl_result *http_assess_object(const http_ctx *ctx, json_t *case_obj, http_resp *r);

/* Route handlers (path already matched). */
void http_api(const http_ctx *ctx, const http_req *req, http_resp *r); /* /v1/... */
void http_cds(const http_ctx *ctx, const http_req *req, http_resp *r); /* /cds-services... */
void http_web(const http_ctx *ctx, const http_req *req, http_resp *r); /* /, /about, static */
/* A random (version 4) UUID from /dev/urandom, as text. */
void http_uuid4(char out[37]);
/* FHIR R4 Bundle for a case object + its result object (new reference). */
json_t *http_fhir_bundle(const gl_kb *kb, json_t *case_obj, json_t *result, const char *id);
/* The transparency page (Markdown): intended use, inputs, method, sources, the
 * latest validation figures, missing data. `gluteal about` prints it; /about
 * serves it as HTML. free(). */
char *http_about_text(const gl_kb *kb);

#endif
