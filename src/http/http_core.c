/* http_core.c - request dispatch and the helpers every handler shares: JSON
 * responses, errors, body parsing, token checks, case assessment. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/http.h"
#include "util/util.h"

void http_uuid4(char out[37])
{
    unsigned char b[16] = {0};
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, b, sizeof b);
        (void)n;
        close(fd);
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
             b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

void http_resp_free(http_resp *resp)
{
    if (!resp)
        return;
    free(resp->body);
    resp->body = NULL;
    resp->len = 0;
}

static void set_body(http_resp *r, int status, const char *type, char *body)
{
    free(r->body);
    r->status = status;
    r->type = type;
    r->body = body;
    r->len = body ? strlen(body) : 0;
}

/* Last resort when even an error body cannot be allocated. */
static void out_of_memory(http_resp *r)
{
    static const char msg[] = "{\"error\":\"out of memory\"}";
    char *b = malloc(sizeof msg);
    if (b)
        memcpy(b, msg, sizeof msg);
    set_body(r, 503, "application/json", b);
}

void http_json(http_resp *r, int status, json_t *body)
{
    if (!body) {
        out_of_memory(r);
        return;
    }
    char *s = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(body);
    if (!s) {
        out_of_memory(r);
        return;
    }
    set_body(r, status, "application/json", s);
}

void http_error(http_resp *r, int status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *o = json_object();
    if (o) {
        json_object_set_new(o, "error", json_string(msg));
        json_object_set_new(o, "status", json_integer(status));
    }
    http_json(r, status, o);
}

json_t *http_body_object(const http_req *req, http_resp *r)
{
    if (req->len == 0) {
        http_error(r, 400, "the request body is empty: send a JSON object");
        return NULL;
    }
    json_error_t je;
    json_t *v = json_loadb(req->body, req->len, JSON_REJECT_DUPLICATES, &je);
    if (!v) {
        http_error(r, 400, "the request body is not valid JSON: line %d, column %d: %s", je.line, je.column, je.text);
        return NULL;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        http_error(r, 400, "the request body must be a JSON object");
        return NULL;
    }
    return v;
}

bool http_require_token(const http_ctx *ctx, const http_req *req, http_resp *r, char *actor, size_t cap)
{
    if (!ctx->db) {
        http_error(r, 503, "no encounter store: start the server with --db FILE");
        return false;
    }
    const char *a = req->auth;
    if (!a || strncmp(a, "Bearer ", 7) != 0 || !a[7]) {
        http_error(r, 401,
                   "this endpoint needs an API token: send \"Authorization: Bearer TOKEN\" "
                   "(create one with gluteal serve --create-token NAME)");
        r->www_auth = "Bearer realm=\"gluteal\"";
        return false;
    }
    if (!store_token_check(ctx->db, a + 7, actor, cap)) {
        http_error(r, 401, "the API token is not valid");
        r->www_auth = "Bearer realm=\"gluteal\", error=\"invalid_token\"";
        return false;
    }
    return true;
}

gl_result *http_assess_object(const http_ctx *ctx, json_t *case_obj, http_resp *r)
{
    if (!json_is_object(case_obj)) {
        http_error(r, 400, "\"case\" must be a JSON object in the gluteal-case/1 format");
        return NULL;
    }
    char *text = json_dumps(case_obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!text) {
        http_error(r, 503, "out of memory");
        return NULL;
    }
    gl_error err;
    gl_case *c = gl_case_parse(ctx->kb, text, strlen(text), "case", &err);
    free(text);
    if (!c) {
        http_error(r, err.code == GL_ERR_NOMEM ? 503 : err.code == GL_ERR_TOO_LARGE ? 413 : 400, "%s", err.msg);
        return NULL;
    }
    gl_result *res = gl_assess(ctx->kb, c, &err);
    gl_case_free(&c);
    if (!res)
        http_error(r, err.code == GL_ERR_NOMEM ? 503 : 400, "%s", err.msg);
    return res;
}

static bool has_prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

void http_handle(const http_ctx *ctx, const http_req *req, http_resp *resp)
{
    memset(resp, 0, sizeof *resp);
    if (!req->method || !req->path || req->path[0] != '/') {
        http_error(resp, 400, "bad request line");
        return;
    }
    if (strlen(req->path) > 512) {
        http_error(resp, 414, "the path is too long");
        return;
    }
    if (req->len > HTTP_MAX_BODY) {
        http_error(resp, 413, "the request body is larger than the 1 MiB limit");
        return;
    }
    if (has_prefix(req->path, "/v1/"))
        http_api(ctx, req, resp);
    else if (!strcmp(req->path, "/cds-services") || has_prefix(req->path, "/cds-services/"))
        http_cds(ctx, req, resp);
    else
        http_web(ctx, req, resp);
    if (!resp->body && resp->status != 204)
        http_error(resp, 500, "no response");
}
