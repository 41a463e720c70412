/* http_cds.c - EHR integration: CDS Hooks 2.0 (discovery, the patient-view
 * service, card feedback). FHIR output is in http_fhir.c.
 *
 * Authentication (CDS Hooks "Trusting CDS Clients"): the EHR sends
 * "Authorization: Bearer <JWT>". Accepted algorithms: ES384 and RS384 (the ones
 * the spec asks clients to support) verified with the client's public key from
 * `gluteal serve --cds-public-key FILE.pem` (the key type must match the alg),
 * and HS256 with a shared secret from `--cds-secret-file`. `alg: none` and every
 * other algorithm are refused (401). Claims: iss (must equal --cds-issuer when
 * given), iat, exp in the future, jti never seen before (kept in the store until
 * exp, against replay), aud naming this service. An API token of this server is
 * accepted too, for integrations that call from a trusted back end.
 *
 * Where the case comes from: prefetch "case" (a gluteal-case/1 object), or
 * prefetch "patient" (FHIR Patient: gender, birthDate) plus "findings" (a FHIR
 * Bundle of Observations coded in system urn:gluteal:finding with valueBoolean,
 * the same Observations http_fhir.c writes). */
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/http.h"
#include "kb/kb.h"
#include "render/render.h"
#include "util/util.h"

#define SERVICE_ID "gluteal-patient-view"
#define FINDING_SYSTEM "urn:gluteal:finding"

/* ---- helpers ---- */

/* Cut s to fewer than `max` bytes on a UTF-8 boundary, ending in "...". */
static void clip(char *s, size_t max)
{
    size_t n = strlen(s);
    if (n < max)
        return;
    size_t cut = max - 4;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    memcpy(s + cut, "...", 4);
}

static int b64url_val(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

/* Decode base64url (no padding) of n chars into out (cap bytes); -1 on error. */
static long b64url_decode(const char *s, size_t n, unsigned char *out, size_t cap)
{
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64url_val((unsigned char)s[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= cap)
                return -1;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    if (n % 4 == 1)
        return -1;
    return (long)o;
}

static json_t *b64url_json(const char *s, size_t n)
{
    unsigned char buf[4096];
    long len = b64url_decode(s, n, buf, sizeof buf);
    if (len < 0)
        return NULL;
    return json_loadb((const char *)buf, (size_t)len, JSON_REJECT_DUPLICATES, NULL);
}

/* RS384 / ES384 signature check with the configured public key. The key's type
 * must match the algorithm (no RSA key used for an EC alg or the reverse). ES384
 * signatures are raw r||s (RFC 7518 3.4), turned into DER for OpenSSL. */
static bool verify_pk(EVP_PKEY *key, const char *alg, const unsigned char *msg, size_t len, const unsigned char *sig,
                      size_t siglen)
{
    bool ec = !strcmp(alg, "ES384");
    if (EVP_PKEY_base_id(key) != (ec ? EVP_PKEY_EC : EVP_PKEY_RSA))
        return false;
    unsigned char *der = NULL;
    int derlen = 0;
    if (ec) {
        if (siglen != 96)
            return false;
        ECDSA_SIG *es = ECDSA_SIG_new();
        BIGNUM *r = BN_bin2bn(sig, 48, NULL), *s = BN_bin2bn(sig + 48, 48, NULL);
        if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s)) {
            BN_free(r);
            BN_free(s);
            ECDSA_SIG_free(es);
            return false;
        }
        derlen = i2d_ECDSA_SIG(es, &der);
        ECDSA_SIG_free(es);
        if (derlen <= 0)
            return false;
        sig = der;
        siglen = (size_t)derlen;
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok = md && EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL, key) == 1 &&
              EVP_DigestVerify(md, sig, siglen, msg, len) == 1;
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    return ok;
}

/* Verify a CDS Hooks JWT; on failure writes the reason into why. */
static bool jwt_verify(const http_ctx *ctx, const char *tok, char *why, size_t cap)
{
    const char *d1 = strchr(tok, '.');
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d1 || !d2 || strchr(d2 + 1, '.') || strlen(tok) > 8192) {
        snprintf(why, cap, "the bearer token is not a JWT");
        return false;
    }
    json_t *hdr = b64url_json(tok, (size_t)(d1 - tok));
    const char *alg = json_string_value(json_object_get(hdr, "alg"));
    bool ok = false;
    json_t *pl = NULL;
    if (!alg) {
        snprintf(why, cap, "the JWT header has no alg");
        goto out;
    }
    if (!strcmp(alg, "none") || !strcmp(alg, "None") || !strcmp(alg, "NONE")) {
        snprintf(why, cap, "JWT alg none is refused");
        goto out;
    }
    unsigned char sig[1024];
    long siglen = b64url_decode(d2 + 1, strlen(d2 + 1), sig, sizeof sig);
    const unsigned char *signed_part = (const unsigned char *)tok;
    size_t signed_len = (size_t)(d2 - tok);
    if (!strcmp(alg, "HS256")) {
        if (!ctx->cds_secret || !*ctx->cds_secret) {
            snprintf(why, cap, "JWT alg HS256 needs a shared secret, and none is configured (--cds-secret-file)");
            goto out;
        }
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int maclen = 0;
        if (!HMAC(EVP_sha256(), ctx->cds_secret, (int)strlen(ctx->cds_secret), signed_part, signed_len, mac, &maclen) ||
            siglen != (long)maclen || CRYPTO_memcmp(sig, mac, maclen) != 0) {
            snprintf(why, cap, "the JWT signature does not verify");
            goto out;
        }
    } else if (!strcmp(alg, "RS384") || !strcmp(alg, "ES384")) {
        if (!ctx->cds_key) {
            snprintf(why, cap,
                     "JWT alg %s needs the CDS client's public key, and none is configured "
                     "(--cds-public-key)",
                     alg);
            goto out;
        }
        if (siglen < 0 || !verify_pk(ctx->cds_key, alg, signed_part, signed_len, sig, (size_t)siglen)) {
            snprintf(why, cap, "the JWT signature does not verify");
            goto out;
        }
    } else {
        snprintf(why, cap, "JWT alg %.20s is not accepted (accepted: ES384, RS384, HS256)", alg);
        goto out;
    }
    pl = b64url_json(d1 + 1, (size_t)(d2 - d1 - 1));
    if (!json_is_object(pl)) {
        snprintf(why, cap, "the JWT payload is not a JSON object");
        goto out;
    }
    json_t *exp = json_object_get(pl, "exp");
    if (!json_is_number(exp) || json_number_value(exp) < (double)time(NULL)) {
        snprintf(why, cap, "the JWT has expired or has no exp");
        goto out;
    }
    const char *iss = json_string_value(json_object_get(pl, "iss"));
    const char *jti = json_string_value(json_object_get(pl, "jti"));
    if (!iss || !jti || !*jti || strlen(jti) > 256 || strlen(iss) > 512 ||
        !json_is_number(json_object_get(pl, "iat"))) {
        snprintf(why, cap, "the JWT needs iss, iat and jti");
        goto out;
    }
    if (ctx->cds_issuer && strcmp(iss, ctx->cds_issuer)) {
        snprintf(why, cap, "the JWT issuer is not the configured CDS client (--cds-issuer)");
        goto out;
    }
    /* aud: this service's URL (a string or an array holding it) */
    json_t *aud = json_object_get(pl, "aud");
    bool aud_ok = false;
    for (size_t i = 0; i < (json_is_array(aud) ? json_array_size(aud) : 1); i++) {
        const char *a = json_string_value(json_is_array(aud) ? json_array_get(aud, i) : aud);
        if (!a)
            continue;
        if (ctx->public_url) {
            size_t n = strlen(ctx->public_url);
            aud_ok = aud_ok || (!strncmp(a, ctx->public_url, n) &&
                                (!strcmp(a + n, "/cds-services/" SERVICE_ID) || !strcmp(a + n, "/cds-services")));
        } else {
            size_t n = strlen(a), m = strlen("/cds-services/" SERVICE_ID);
            aud_ok = aud_ok || (n >= m && !strcmp(a + n - m, "/cds-services/" SERVICE_ID)) ||
                     (n >= 13 && !strcmp(a + n - 13, "/cds-services"));
        }
    }
    if (!aud_ok) {
        snprintf(why, cap, "the JWT aud does not name this service");
        goto out;
    }
    if (ctx->db) {
        int fresh = store_jti_use(ctx->db, iss, jti, (long long)json_number_value(exp));
        if (fresh <= 0) {
            snprintf(why, cap, fresh == 0 ? "the JWT jti was used before (replay)" : "cannot record the JWT jti");
            goto out;
        }
    }
    ok = true;
out:
    json_decref(hdr);
    json_decref(pl);
    return ok;
}

static bool cds_auth(const http_ctx *ctx, const http_req *req, http_resp *r, char *actor, size_t cap)
{
    const char *a = req->auth;
    if (!a || strncmp(a, "Bearer ", 7)) {
        http_error(r, 401, "CDS Hooks calls need \"Authorization: Bearer <JWT>\"");
        r->www_auth = "Bearer realm=\"gluteal-cds\"";
        return false;
    }
    if (strchr(a + 7, '.')) {
        char why[160];
        if (!jwt_verify(ctx, a + 7, why, sizeof why)) {
            http_error(r, 401, "%s", why);
            r->www_auth = "Bearer realm=\"gluteal-cds\", error=\"invalid_token\"";
            return false;
        }
        snprintf(actor, cap, "cds-jwt");
        return true;
    }
    return http_require_token(ctx, req, r, actor, cap);
}

/* ---- discovery ---- */

static json_t *discovery(void)
{
    json_t *svc = json_object();
    json_object_set_new(svc, "hook", json_string("patient-view"));
    json_object_set_new(svc, "id", json_string(SERVICE_ID));
    json_object_set_new(svc, "title", json_string("gluteal: buttock and posterior hip pain"));
    json_object_set_new(svc, "description",
                        json_string("Ranked differential with red flags and evidence for buttock / posterior hip "
                                    "pain. Decision support for clinicians, not a diagnosis."));
    json_t *pf = json_object();
    json_object_set_new(pf, "patient", json_string("Patient/{{context.patientId}}"));
    json_object_set_new(pf, "findings",
                        json_string("Observation?patient={{context.patientId}}&code=" FINDING_SYSTEM "|"));
    json_object_set_new(svc, "prefetch", pf);
    json_object_set_new(svc, "usageRequirements",
                        json_string("Findings are Observations coded in " FINDING_SYSTEM
                                    " (IDs from GET /v1/kb/findings) with valueBoolean; or prefetch \"case\" "
                                    "holding a gluteal-case/1 object."));
    json_t *o = json_object();
    json_t *a = json_array();
    json_array_append_new(a, svc);
    json_object_set_new(o, "services", a);
    return o;
}

/* ---- building a case from the request ---- */

/* Whole digits of s[0..n) as a number, or -1. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Age in whole years from a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD); -1 when malformed. */
static int age_from_birthdate(const char *bd)
{
    size_t n = bd ? strlen(bd) : 0;
    if (n != 4 && n != 7 && n != 10)
        return -1;
    int y = digits(bd, 4), m = 1, d = 1;
    if (n >= 7 && (bd[4] != '-' || (m = digits(bd + 5, 2)) < 1 || m > 12))
        return -1;
    if (n == 10 && (bd[7] != '-' || (d = digits(bd + 8, 2)) < 1 || d > 31))
        return -1;
    if (y < 0)
        return -1;
    time_t now = time(NULL);
    struct tm t;
    gmtime_r(&now, &t);
    int age = t.tm_year + 1900 - y;
    if (t.tm_mon + 1 < m || (t.tm_mon + 1 == m && t.tm_mday < d))
        age--;
    return age;
}

/* A gluteal-case/1 object from prefetch, or NULL with a 400 answered. */
static json_t *case_from_request(json_t *body, http_resp *r)
{
    json_t *pf = json_object_get(body, "prefetch");
    if (pf && !json_is_object(pf)) {
        http_error(r, 400, "\"prefetch\" must be an object");
        return NULL;
    }
    json_t *c = json_object_get(pf, "case");
    if (c)
        return json_incref(c);
    json_t *pat = json_object_get(pf, "patient");
    json_t *obs = json_object_get(pf, "findings");
    if (!json_is_object(pat)) {
        http_error(r, 400, "prefetch needs \"patient\" (FHIR Patient) and \"findings\" (FHIR Bundle), or \"case\"");
        return NULL;
    }
    const char *g = json_string_value(json_object_get(pat, "gender"));
    int age = age_from_birthdate(json_string_value(json_object_get(pat, "birthDate")));
    c = json_object();
    json_object_set_new(c, "format", json_string(GL_CASE_FORMAT));
    json_t *p = json_object();
    json_object_set_new(p, "age", age >= 0 ? json_integer(age) : json_null());
    json_object_set_new(p, "sex", g ? json_string(g) : json_null());
    json_object_set_new(c, "patient", p);
    json_t *f = json_object();
    json_t *entries = json_object_get(obs, "entry");
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e)
    {
        json_t *res = json_object_get(e, "resource");
        json_t *coding = json_object_get(json_object_get(res, "code"), "coding");
        json_t *val = json_object_get(res, "valueBoolean");
        size_t j;
        json_t *cd;
        json_array_foreach(coding, j, cd)
        {
            const char *sys = json_string_value(json_object_get(cd, "system"));
            const char *code = json_string_value(json_object_get(cd, "code"));
            if (sys && code && !strcmp(sys, FINDING_SYSTEM) && json_is_boolean(val))
                json_object_set(f, code, val);
        }
    }
    json_object_set_new(c, "findings", f);
    return c;
}

/* ---- cards ---- */

static const char *indicator(const char *urgency)
{
    if (!strcmp(urgency, "emergency") || !strcmp(urgency, "urgent"))
        return "critical";
    if (!strcmp(urgency, "soon"))
        return "warning";
    return "info";
}

static void md_cell(sbuf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            sb_puts(b, "\\|");
        else if (*s == '\n' || *s == '\r')
            sb_puts(b, " ");
        else
            sb_putn(b, s, 1);
    }
}

static json_t *card(const char *summary, const char *ind, char *detail, const char *base, const char *cond)
{
    char uuid[37], sum[160], url[512];
    http_uuid4(uuid);
    snprintf(sum, sizeof sum, "%s", summary);
    clip(sum, 140);
    json_t *c = json_object();
    json_object_set_new(c, "uuid", json_string(uuid));
    json_object_set_new(c, "summary", json_string(sum));
    json_object_set_new(c, "indicator", json_string(ind));
    json_object_set_new(c, "detail", json_string(detail ? detail : ""));
    free(detail);
    json_t *src = json_object();
    json_object_set_new(src, "label", json_string("gluteal knowledge base"));
    snprintf(url, sizeof url, "%s/about", base);
    json_object_set_new(src, "url", json_string(url));
    json_object_set_new(c, "source", src);
    json_t *links = json_array();
    if (cond) {
        json_t *l = json_object();
        json_object_set_new(l, "label", json_string("Evidence table with sources"));
        snprintf(url, sizeof url, "%s/v1/kb/conditions/%s", base, cond);
        json_object_set_new(l, "url", json_string(url));
        json_object_set_new(l, "type", json_string("absolute"));
        json_array_append_new(links, l);
    }
    json_t *l = json_object();
    json_object_set_new(l, "label", json_string("How gluteal works (intended use, method, validation)"));
    snprintf(url, sizeof url, "%s/about", base);
    json_object_set_new(l, "url", json_string(url));
    json_object_set_new(l, "type", json_string("absolute"));
    json_array_append_new(links, l);
    json_object_set_new(c, "links", links);
    return c;
}

static char *evidence_md(json_t *d)
{
    sbuf b;
    sb_init(&b, 64 * 1024);
    sb_printf(&b, "**%s**: probability %.0f%%.\n\n", json_string_value(json_object_get(d, "name")),
              100 * json_number_value(json_object_get(d, "probability")));
    sb_puts(&b, "| finding | present | LR used | quality | source |\n| --- | --- | --- | --- | --- |\n");
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(d, "evidence"), i, e)
    {
        if (i >= 12)
            break;
        sb_puts(&b, "| ");
        md_cell(&b, json_string_value(json_object_get(e, "finding")));
        sb_printf(&b, " | %s | %.3g | ", json_is_true(json_object_get(e, "present")) ? "yes" : "no",
                  json_number_value(json_object_get(e, "lr")));
        md_cell(&b, json_string_value(json_object_get(e, "quality")));
        sb_puts(&b, " | ");
        char src[240];
        snprintf(src, sizeof src, "%s",
                 json_string_value(json_object_get(e, "source")) ? json_string_value(json_object_get(e, "source"))
                                                                 : "");
        clip(src, 200);
        md_cell(&b, src);
        sb_puts(&b, " |\n");
    }
    sb_puts(&b, "\n_Decision support for clinicians, not a diagnosis._\n");
    return sb_take(&b);
}

static json_t *cards_for(const char *base, json_t *res)
{
    json_t *cards = json_array();
    const char *urg = json_string_value(json_object_get(res, "urgency"));
    json_t *flags = json_object_get(res, "red_flags");
    char sum[400];
    if (json_array_size(flags) > 0) {
        json_t *f = json_array_get(flags, 0);
        snprintf(sum, sizeof sum, "Red flag (%s): %s", urg ? urg : "?", json_string_value(json_object_get(f, "title")));
        sbuf b;
        sb_init(&b, 64 * 1024);
        sb_puts(&b, "| red flag | urgency | action | findings |\n| --- | --- | --- | --- |\n");
        size_t i;
        json_t *x;
        json_array_foreach(flags, i, x)
        {
            sb_puts(&b, "| ");
            md_cell(&b, json_string_value(json_object_get(x, "title")));
            sb_puts(&b, " | ");
            md_cell(&b, json_string_value(json_object_get(x, "urgency")));
            sb_puts(&b, " | ");
            md_cell(&b, json_string_value(json_object_get(x, "action")));
            sb_puts(&b, " | ");
            size_t j;
            json_t *fi;
            json_array_foreach(json_object_get(x, "findings"), j, fi)
            {
                md_cell(&b, json_string_value(fi));
                sb_puts(&b, " ");
            }
            sb_puts(&b, "|\n");
        }
        json_array_append_new(cards, card(sum, indicator(urg ? urg : "routine"), sb_take(&b), base, NULL));
    }
    json_t *diff = json_object_get(res, "differential");
    for (size_t i = 0; i < json_array_size(diff) && json_array_size(cards) < 3; i++) {
        json_t *d = json_array_get(diff, i);
        double p = json_number_value(json_object_get(d, "probability"));
        if (i > 0 && p < 0.2)
            break;
        snprintf(sum, sizeof sum, "%s %s: %.0f%% probability",
                 i == 0 ? "Leading:" : "Also consider:", json_string_value(json_object_get(d, "name")), 100 * p);
        const char *ind = json_is_true(json_object_get(d, "must_not_miss")) && p >= 0.2 ? "warning" : "info";
        json_array_append_new(cards,
                              card(sum, ind, evidence_md(d), base, json_string_value(json_object_get(d, "condition"))));
    }
    return cards;
}

static void patient_view(const http_ctx *ctx, const http_req *req, http_resp *r)
{
    char actor[64];
    if (!cds_auth(ctx, req, r, actor, sizeof actor))
        return;
    json_t *body = http_body_object(req, r);
    if (!body)
        return;
    const char *hook = json_string_value(json_object_get(body, "hook"));
    if (!hook || strcmp(hook, "patient-view") || !json_is_string(json_object_get(body, "hookInstance"))) {
        http_error(r, 400, "a CDS Hooks request needs \"hook\": \"patient-view\" and a \"hookInstance\"");
        json_decref(body);
        return;
    }
    json_t *c = case_from_request(body, r);
    json_decref(body);
    if (!c)
        return;
    json_t *out = json_object();
    if (json_object_size(json_object_get(c, "findings")) == 0 && !json_object_get(c, "measurements")) {
        json_object_set_new(out, "cards", json_array()); /* nothing recorded: nothing to say */
        json_decref(c);
        http_json(r, 200, out);
        return;
    }
    gl_result *res = http_assess_object(ctx, c, r);
    json_decref(c);
    if (!res) {
        json_decref(out);
        return;
    }
    json_t *robj = render_result_object(res);
    gl_result_free(&res);
    /* links must be absolute: --public-url, else the Host the client used */
    char base[300];
    const char *h = req->host;
    bool host_ok = h && *h && strlen(h) < 256 &&
                   strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") == strlen(h);
    snprintf(base, sizeof base, "%s%s", ctx->public_url ? "" : "http://",
             ctx->public_url ? ctx->public_url
             : host_ok       ? h
                             : "127.0.0.1");
    json_object_set_new(out, "cards", cards_for(base, robj));
    json_decref(robj);
    r->cors = true;
    http_json(r, 200, out);
}

static void feedback(const http_ctx *ctx, const http_req *req, http_resp *r)
{
    char actor[64];
    if (!cds_auth(ctx, req, r, actor, sizeof actor))
        return;
    if (!ctx->db) {
        http_error(r, 503, "no encounter store: start the server with --db FILE");
        return;
    }
    json_t *body = http_body_object(req, r);
    if (!body)
        return;
    json_t *fb = json_object_get(body, "feedback");
    if (!json_is_array(fb) || json_array_size(fb) == 0 || json_array_size(fb) > 20) {
        http_error(r, 400, "\"feedback\" must be an array of 1 to 20 items");
        json_decref(body);
        return;
    }
    size_t i;
    json_t *f;
    json_array_foreach(fb, i, f)
    {
        const char *cardid = json_string_value(json_object_get(f, "card"));
        const char *outcome = json_string_value(json_object_get(f, "outcome"));
        const char *at = json_string_value(json_object_get(f, "outcomeTimestamp"));
        json_t *reason = json_object_get(f, "overrideReason");
        if (!cardid || strlen(cardid) > 64 || !outcome ||
            (strcmp(outcome, "accepted") && strcmp(outcome, "overridden")) || (at && strlen(at) > 40)) {
            http_error(r, 400, "feedback[%zu] needs \"card\" (uuid), \"outcome\" accepted|overridden", i);
            json_decref(body);
            return;
        }
        if (reason && !json_is_object(reason)) {
            http_error(r, 400, "feedback[%zu].overrideReason must be an object", i);
            json_decref(body);
            return;
        }
    }
    gl_error err;
    json_array_foreach(fb, i, f)
    {
        json_t *reason = json_object_get(f, "overrideReason");
        char *rtext = reason ? json_dumps(reason, JSON_COMPACT) : NULL;
        if (rtext && strlen(rtext) > 4000)
            rtext[4000] = 0;
        int rc = store_feedback_add(ctx->db, actor, json_string_value(json_object_get(f, "card")),
                                    json_string_value(json_object_get(f, "outcome")), rtext,
                                    json_string_value(json_object_get(f, "outcomeTimestamp")), &err);
        free(rtext);
        if (rc < 0) {
            http_error(r, 500, "%s", err.msg);
            json_decref(body);
            return;
        }
    }
    json_decref(body);
    r->cors = true;
    json_t *o = json_object();
    json_object_set_new(o, "recorded", json_integer((json_int_t)i));
    http_json(r, 200, o);
}

void http_cds(const http_ctx *ctx, const http_req *req, http_resp *r)
{
    r->cors = true;
    if (!strcmp(req->method, "OPTIONS")) {
        r->status = 204;
        r->type = "text/plain";
        r->cors = true;
        return;
    }
    if (!strcmp(req->path, "/cds-services")) {
        if (strcmp(req->method, "GET"))
            http_error(r, 405, "use GET for discovery");
        else
            http_json(r, 200, discovery());
    } else if (!strcmp(req->path, "/cds-services/" SERVICE_ID)) {
        if (strcmp(req->method, "POST"))
            http_error(r, 405, "use POST to call the service");
        else
            patient_view(ctx, req, r);
    } else if (!strcmp(req->path, "/cds-services/" SERVICE_ID "/feedback")) {
        if (strcmp(req->method, "POST"))
            http_error(r, 405, "use POST for feedback");
        else
            feedback(ctx, req, r);
    } else
        http_error(r, 404, "no CDS service %.200s", req->path);
    r->cors = true;
}
