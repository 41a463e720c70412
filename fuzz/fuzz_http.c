/* fuzz_http.c - libFuzzer target for the HTTP request handling (src/http):
 * the request is built from the input (method, path, optional valid token,
 * body) and handed to http_handle against an in-memory store. Every outcome
 * must be an HTTP status with a body, never a crash or a sanitizer report.
 *
 * Input: byte 0 picks the method (bits 0-1), whether a valid token is sent
 * (bit 2) and whether the path comes from the input (bit 3: up to the first
 * newline) or from a table of real routes (byte 1). The rest is the body. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const routes[] = {
    "/v1/assess", "/v1/next", "/v1/localize", "/v1/plan", "/v1/handout", "/v1/fhir", "/v1/encounters",
    "/v1/encounters/1", "/v1/encounters/1/followups", "/v1/encounters/1/fhir", "/v1/kb", "/v1/kb/conditions",
    "/v1/kb/conditions/piriformis_syndrome", "/v1/kb/findings", "/v1/audit", "/v1/about", "/cds-services",
    "/cds-services/gluteal-patient-view", "/cds-services/gluteal-patient-view/feedback", "/", "/about",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static http_ctx ctx;
    static char bearer[160];
    if (!ctx.kb) {
        gl_error err;
        ctx.kb = gl_kb_load_builtin(&err);
        ctx.db = store_open(":memory:", &err);
        char *tok = ctx.db ? store_token_create(ctx.db, "fuzz", &err) : NULL;
        if (!ctx.kb || !ctx.db || !tok)
            abort();
        snprintf(bearer, sizeof bearer, "Bearer %s", tok);
        free(tok);
        ctx.public_url = "http://127.0.0.1:8080";
    }
    if (size < 2)
        return 0;
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE"};
    char path[512];
    const uint8_t *body = data + 2;
    size_t len = size - 2;
    if (data[0] & 8) {
        const uint8_t *nl = memchr(body, '\n', len < sizeof path - 1 ? len : sizeof path - 1);
        size_t pl = nl ? (size_t)(nl - body) : 0;
        memcpy(path, body, pl);
        path[pl] = '\0';
        body += nl ? pl + 1 : 0;
        len -= nl ? pl + 1 : 0;
    } else
        snprintf(path, sizeof path, "%s", routes[data[1] % (sizeof routes / sizeof *routes)]);
    http_req req = {methods[data[0] & 3], path, NULL, data[0] & 4 ? bearer : NULL, "127.0.0.1:8080",
                    (const char *)body, len};
    http_resp resp;
    http_handle(&ctx, &req, &resp);
    if (resp.status < 100 || resp.status > 599 || (resp.len && !resp.body))
        abort();
    http_resp_free(&resp);
    return 0;
}
