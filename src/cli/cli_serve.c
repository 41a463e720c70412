/* cli_serve.c - `gluteal serve` (the clinic service: API, web page, encounter
 * store, CDS Hooks) and `gluteal about` (the transparency page as text). */
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "http/http.h"
#include "store/store.h"

static bool parse_port(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0 || v > 65535)
        return false;
    *out = (int)v;
    return true;
}

/* The CDS Hooks HS256 secret: first line of FILE, at most 512 bytes. */
static char *read_secret(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char buf[520];
    char *s = fgets(buf, sizeof buf, f) ? strdup(buf) : NULL;
    fclose(f);
    if (s)
        s[strcspn(s, "\r\n")] = 0;
    if (s && strlen(s) < 16) {
        fprintf(stderr, "gluteal: serve: the CDS Hooks secret in %s is shorter than 16 characters\n", path);
        free(s);
        return NULL;
    }
    return s;
}

int cli_serve(cli_args *a)
{
    int port = 8080, threads = 4;
    const char *bind = "127.0.0.1", *db_path = "gluteal.db", *secret_file = NULL, *public_url = NULL,
               *token_name = NULL, *key_file = NULL, *issuer = NULL, *revoke = NULL;
    bool list_tokens = false;
    for (int i = 0; i < a->argc; i++) {
        const char *o = a->argv[i];
        const char *v = i + 1 < a->argc ? a->argv[i + 1] : NULL;
        if (!strcmp(o, "--list-tokens")) {
            list_tokens = true;
            continue;
        }
        bool takes = !strcmp(o, "--port") || !strcmp(o, "--bind") || !strcmp(o, "--db") || !strcmp(o, "--threads") ||
                     !strcmp(o, "--cds-secret-file") || !strcmp(o, "--public-url") || !strcmp(o, "--create-token") ||
                     !strcmp(o, "--cds-public-key") || !strcmp(o, "--cds-issuer") || !strcmp(o, "--revoke-token");
        if (!takes)
            return cli_usage_error("serve: unknown option \"%s\"", o);
        if (!v)
            return cli_usage_error("serve: %s needs a value", o);
        i++;
        if (!strcmp(o, "--port") && !parse_port(v, &port))
            return cli_usage_error("serve: --port takes 0-65535, not \"%s\"", v);
        if (!strcmp(o, "--threads") && (!parse_port(v, &threads) || threads < 1 || threads > 64))
            return cli_usage_error("serve: --threads takes 1-64, not \"%s\"", v);
        if (!strcmp(o, "--bind"))
            bind = v;
        if (!strcmp(o, "--db"))
            db_path = v;
        if (!strcmp(o, "--cds-secret-file"))
            secret_file = v;
        if (!strcmp(o, "--public-url"))
            public_url = v;
        if (!strcmp(o, "--cds-public-key"))
            key_file = v;
        if (!strcmp(o, "--cds-issuer"))
            issuer = v;
        if (!strcmp(o, "--revoke-token"))
            revoke = v;
        if (!strcmp(o, "--create-token")) {
            if (!*v || strlen(v) > 60)
                return cli_usage_error("serve: --create-token takes a name of 1-60 characters, not \"%s\"", v);
            token_name = v;
        }
    }
    gl_error err;
    store *db = store_open(db_path, &err);
    if (!db) {
        fprintf(stderr, "gluteal: %s\n", err.msg);
        return 2;
    }
    if (revoke) {
        int n = store_token_revoke(db, revoke, &err);
        store_close(&db);
        if (n < 0) {
            fprintf(stderr, "gluteal: %s\n", err.msg);
            return 2;
        }
        fprintf(stderr, "gluteal: %d token%s named \"%s\" revoked\n", n, n == 1 ? "" : "s", revoke);
        return n > 0 ? 0 : 1;
    }
    if (list_tokens) {
        json_t *l = store_token_list(db, &err);
        store_close(&db);
        if (!l) {
            fprintf(stderr, "gluteal: %s\n", err.msg);
            return 2;
        }
        size_t i;
        json_t *t;
        json_array_foreach(l, i, t) printf("%-32s %s%s\n", json_string_value(json_object_get(t, "name")),
                                           json_string_value(json_object_get(t, "created_at")),
                                           json_is_true(json_object_get(t, "revoked")) ? "  revoked" : "");
        json_decref(l);
        return 0;
    }
    if (token_name) {
        char *tok = store_token_create(db, token_name, &err);
        store_close(&db);
        if (!tok) {
            fprintf(stderr, "gluteal: %s\n", err.msg);
            return 2;
        }
        printf("%s\n", tok);
        fprintf(stderr,
                "gluteal: token \"%s\" created in %s; it is shown only this once (only its SHA-256 is "
                "kept). Send it as: Authorization: Bearer TOKEN\n",
                token_name, db_path);
        free(tok);
        return 0;
    }
    char *secret = NULL;
    if (secret_file && !(secret = read_secret(secret_file))) {
        fprintf(stderr, "gluteal: serve: cannot read a CDS Hooks secret from %s\n", secret_file);
        store_close(&db);
        return 2;
    }
    EVP_PKEY *key = NULL;
    if (key_file) {
        FILE *f = fopen(key_file, "r");
        key = f ? PEM_read_PUBKEY(f, NULL, NULL, NULL) : NULL;
        if (f)
            fclose(f);
        if (!key || (EVP_PKEY_base_id(key) != EVP_PKEY_RSA && EVP_PKEY_base_id(key) != EVP_PKEY_EC)) {
            fprintf(stderr, "gluteal: serve: %s is not a PEM RSA or EC public key\n", key_file);
            EVP_PKEY_free(key);
            free(secret);
            store_close(&db);
            return 2;
        }
    }
    gl_kb *kb = cli_load_kb(a->kb_dir);
    if (!kb) {
        EVP_PKEY_free(key);
        free(secret);
        store_close(&db);
        return 2;
    }
    fprintf(stderr, "gluteal: knowledge base %s, encounter store %s (schema %d)\n", gl_kb_version(kb), db_path,
            store_schema_version(db));
    if (strcmp(bind, "127.0.0.1") && strcmp(bind, "::1"))
        fprintf(stderr,
                "gluteal: warning: listening on %s, beyond this machine, without TLS: put a TLS reverse "
                "proxy in front and keep API tokens secret\n",
                bind);
    http_ctx ctx = {
        .kb = kb, .db = db, .cds_secret = secret, .cds_key = key, .cds_issuer = issuer, .public_url = public_url};
    int rc = http_serve(&ctx, bind, port, threads);
    EVP_PKEY_free(key);
    store_close(&db);
    gl_kb_free(&kb);
    free(secret);
    return rc;
}

int cli_about(cli_args *a)
{
    if (a->argc)
        return cli_usage_error("about: unexpected argument \"%s\"", a->argv[0]);
    gl_kb *kb = cli_load_kb(a->kb_dir);
    if (!kb)
        return 2;
    char *t = http_about_text(kb);
    gl_kb_free(&kb);
    if (!t) {
        fprintf(stderr, "gluteal: out of memory\n");
        return 2;
    }
    fputs(t, stdout);
    free(t);
    return fflush(stdout) ? 2 : 0;
}
