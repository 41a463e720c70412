/* test_store.c - the encounter store (in memory and on disk: migrations,
 * round trip, constraints, tokens, audit) and the HTTP request handler called as
 * a plain function (status codes for hostile input, never a crash). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "http/http.h"
#include "store/store.h"

static void store_roundtrip(void)
{
    gl_error err;
    store *s = store_open(":memory:", &err);
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK(store_schema_version(s) == STORE_SCHEMA_VERSION);
    long long id =
        store_encounter_create(s, "tester", "p1", "{\"format\":\"gluteal-case/1\"}", "{\"urgency\":\"routine\"}",
                               "kb-test", "c1", "routine", "piriformis_syndrome", &err);
    CHECK(id == 1);
    /* invalid JSON is refused by the schema, nothing stored */
    CHECK(store_encounter_create(s, "tester", NULL, "{not json", "{}", "kb", NULL, "routine", NULL, &err) < 0);
    CHECK(store_followup_add(s, id, "tester", 7, "walks 1 km", "[\"injection\"]", "2026-01-02", NULL, &err) > 0);
    CHECK(store_followup_add(s, id, "tester", 11, NULL, "[]", NULL, NULL, &err) < 0); /* CHECK constraint */
    CHECK(store_followup_add(s, 999, "tester", 3, NULL, "[]", NULL, NULL, &err) < 0);
    CHECK(err.code == GL_ERR_INVALID);
    json_t *e = store_encounter_get(s, id, &err);
    CHECK(e && json_integer_value(json_object_get(e, "id")) == id);
    CHECK(e && !strcmp(json_string_value(json_object_get(e, "patient_ref")), "p1"));
    CHECK(e && json_array_size(json_object_get(e, "followups")) == 1);
    CHECK(e &&
          json_integer_value(json_object_get(json_array_get(json_object_get(e, "followups"), 0), "pain_nprs")) == 7);
    json_decref(e);
    CHECK(store_encounter_get(s, 42, &err) == NULL && err.code == GL_ERR_INVALID);
    json_t *l = store_encounter_list(s, "p1", 10, 0, &err);
    CHECK(l && json_array_size(l) == 1);
    json_decref(l);
    l = store_encounter_list(s, "nobody", 10, 0, &err);
    CHECK(l && json_array_size(l) == 0);
    json_decref(l);

    char *tok = store_token_create(s, "alice", &err);
    CHECK(tok && strlen(tok) == 68 && !strncmp(tok, "glt_", 4));
    char name[64] = "";
    CHECK(tok && store_token_check(s, tok, name, sizeof name) && !strcmp(name, "alice"));
    if (tok) {
        tok[10] ^= 1;
        CHECK(!store_token_check(s, tok, name, sizeof name));
    }
    free(tok);
    CHECK(!store_token_check(s, "", name, sizeof name));
    char hex[65];
    store_sha256_hex("abc", 3, hex);
    CHECK(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    json_t *au = store_audit_list(s, 10, &err);
    CHECK(au && json_array_size(au) == 2); /* create + followup */
    json_decref(au);
    store_close(&s);
    CHECK(s == NULL);
}

static void store_reopen(void)
{
    char path[] = "/tmp/gluteal-store-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    close(fd);
    unlink(path);
    gl_error err;
    store *s = store_open(path, &err);
    CHECK(s != NULL);
    long long id = s ? store_encounter_create(s, "t", NULL, "{}", "{}", "kb", NULL, "routine", NULL, &err) : -1;
    CHECK(id == 1);
    store_close(&s);
    s = store_open(path, &err); /* migrations do not run twice */
    CHECK(s && store_schema_version(s) == STORE_SCHEMA_VERSION);
    json_t *e = s ? store_encounter_get(s, 1, &err) : NULL;
    CHECK(e != NULL);
    json_decref(e);
    store_close(&s);
    /* a database from a newer program is refused, not migrated backwards */
    sqlite3 *raw = NULL;
    CHECK(sqlite3_open(path, &raw) == SQLITE_OK &&
          sqlite3_exec(raw, "PRAGMA user_version = 99", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(raw);
    s = store_open(path, &err);
    CHECK(s == NULL && strstr(err.msg, "newer"));
    store_close(&s);
    char side[sizeof path + 8];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

static int call(const http_ctx *ctx, const char *method, const char *path, const char *auth, const char *body,
                size_t len)
{
    http_req req = {.method = method, .path = path, .auth = auth, .body = body, .len = len};
    http_resp r;
    http_handle(ctx, &req, &r);
    int st = r.status;
    /* every error is a JSON object with a message */
    if (st >= 400) {
        json_t *v = json_loadb(r.body, r.len, 0, NULL);
        CHECK(json_is_string(json_object_get(v, "error")));
        json_decref(v);
    }
    http_resp_free(&r);
    return st;
}

static void http_plain(void)
{
    gl_error err;
    gl_kb *kb = gl_kb_load_builtin(&err);
    store *s = store_open(":memory:", &err);
    CHECK(kb && s);
    if (!kb || !s) {
        gl_kb_free(&kb);
        store_close(&s);
        return;
    }
    char *tok = store_token_create(s, "unit", &err);
    char auth[128];
    snprintf(auth, sizeof auth, "Bearer %s", tok ? tok : "");
    http_ctx ctx = {.kb = kb, .db = s};
    const char *c = "{\"format\":\"gluteal-case/1\",\"patient\":{\"age\":40,\"sex\":\"male\"},"
                    "\"findings\":{\"sx_pain_buttock\":true}}";
    CHECK(call(&ctx, "POST", "/v1/assess", NULL, c, strlen(c)) == 200);
    CHECK(call(&ctx, "POST", "/v1/assess", NULL, "{", 1) == 400);
    CHECK(call(&ctx, "POST", "/v1/assess", NULL, "", 0) == 400);
    CHECK(call(&ctx, "POST", "/v1/assess", NULL, "{\"a\":1,\"a\":2}", 13) == 400);
    CHECK(call(&ctx, "POST", "/v1/assess", NULL, "\0\0\0", 3) == 400);
    CHECK(call(&ctx, "GET", "/v1/assess", NULL, NULL, 0) == 405);
    CHECK(call(&ctx, "GET", "/v1/nothing", NULL, NULL, 0) == 404);
    CHECK(call(&ctx, "GET", "/v1/kb/conditions/piriformis_syndrome", NULL, NULL, 0) == 200);
    CHECK(call(&ctx, "GET", "/v1/kb/conditions/../../etc", NULL, NULL, 0) == 404);
    CHECK(call(&ctx, "GET", "/v1/encounters", NULL, NULL, 0) == 401);
    CHECK(call(&ctx, "GET", "/v1/encounters", "Bearer nope", NULL, 0) == 401);
    CHECK(call(&ctx, "GET", "/v1/encounters", auth, NULL, 0) == 200);
    CHECK(call(&ctx, "GET", "/v1/encounters/99999999999999999999", auth, NULL, 0) == 404);
    CHECK(call(&ctx, "GET", "/v1/encounters/1", auth, NULL, 0) == 404);
    char body[512];
    snprintf(body, sizeof body, "{\"case\":%s,\"patient_ref\":\"x\"}", c);
    CHECK(call(&ctx, "POST", "/v1/encounters", auth, body, strlen(body)) == 201);
    CHECK(call(&ctx, "POST", "/v1/encounters", auth, "{\"case\":1}", 10) == 400);
    CHECK(call(&ctx, "POST", "/v1/encounters", auth, "{\"case\":{},\"zzz\":1}", 19) == 400);
    const char *fu = "{\"pain_nprs\":4,\"treatments\":[\"PRP\"]}";
    CHECK(call(&ctx, "POST", "/v1/encounters/1/followups", auth, fu, strlen(fu)) == 201);
    CHECK(call(&ctx, "POST", "/v1/encounters/1/followups", auth, "{\"pain_nprs\":11}", 16) == 400);
    CHECK(call(&ctx, "POST", "/v1/encounters/1/followups", auth, "{\"pain_nprs\":4.5}", 17) == 400);
    CHECK(call(&ctx, "POST", "/v1/encounters/2/followups", auth, "{\"pain_nprs\":4}", 15) == 404);
    CHECK(call(&ctx, "GET", "/v1/encounters/1/fhir", auth, NULL, 0) == 200);
    CHECK(call(&ctx, "GET", "/cds-services", NULL, NULL, 0) == 200);
    CHECK(call(&ctx, "POST", "/cds-services/gluteal-patient-view", NULL, "{}", 2) == 401);
    /* alg none refused even with no signature to check */
    CHECK(call(&ctx, "POST", "/cds-services/gluteal-patient-view",
               "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJpc3MiOiJ4In0.", "{}", 2) == 401);
    CHECK(call(&ctx, "GET", "/", NULL, NULL, 0) == 200);
    CHECK(call(&ctx, "GET", "/about", NULL, NULL, 0) == 200);
    CHECK(call(&ctx, "GET", "/../etc/passwd", NULL, NULL, 0) == 404);
    CHECK(call(&ctx, "DELETE", "/", NULL, NULL, 0) == 405);
    free(tok);
    store_close(&s);
    gl_kb_free(&kb);
}

void test_store(void);
void test_store(void)
{
    store_roundtrip();
    store_reopen();
    http_plain();
}
