/* http_encounters.c - encounters and follow-ups under /v1/encounters, their
 * FHIR output and the audit log. Every read and write of an encounter leaves an
 * audit row with the token's name; a read whose audit row cannot be written is
 * not answered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_routes.h"
#include "render/render.h"
#include "util/util.h"

/* ---- encounters ---- */

static void store_error(http_resp *r, const gl_error *err)
{
    if (err->code == GL_ERR_INVALID)
        http_error(r, 404, "%s", err->msg);
    else
        http_error(r, 500, "%s", err->msg);
}

void h_encounter_create(route_args *a)
{
    json_t *body = http_body_object(a->req, a->r);
    if (!body)
        return;
    static const char *const keys[] = {"case", "patient_ref", NULL};
    bool bad = false;
    const char *pref = NULL;
    if (!api_only_keys(body, keys, a->r))
        goto out;
    pref = api_opt_string(body, "patient_ref", 128, a->r, &bad);
    if (bad)
        goto out;
    json_t *cobj = json_object_get(body, "case");
    if (!cobj) {
        http_error(a->r, 400, "missing field \"case\" (a gluteal-case/1 object)");
        goto out;
    }
    gl_result *res = http_assess_object(a->ctx, cobj, a->r);
    if (!res)
        goto out;
    json_t *robj = render_result_object(res);
    char *ctext = json_dumps(cobj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    char *rtext = robj ? json_dumps(robj, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) : NULL;
    const char *case_id = json_string_value(json_object_get(cobj, "id"));
    const char *leading = json_string_value(json_object_get(json_object_get(robj, "leading"), "condition"));
    gl_error err;
    long long id = -1;
    if (ctext && rtext)
        id = store_encounter_create(a->ctx->db, a->actor, pref, ctext, rtext, gl_kb_version(a->ctx->kb), case_id,
                                    gl_result_urgency(res), leading, &err);
    else
        err_set(&err, GL_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    free(ctext);
    free(rtext);
    json_decref(robj);
    gl_result_free(&res);
    if (id < 0) {
        http_error(a->r, 500, "%s", err.msg);
        goto out;
    }
    json_t *enc = store_encounter_get(a->ctx->db, id, &err);
    if (!enc)
        store_error(a->r, &err);
    else
        http_json(a->r, 201, enc);
out:
    json_decref(body);
}

void h_encounter_list(route_args *a)
{
    char buf[160];
    long limit = 50, offset = 0;
    const char *pref = NULL;
    if (api_query(a->req->query, "limit", buf, sizeof buf) && !api_int(buf, 1, 500, &limit)) {
        http_error(a->r, 400, "limit must be a whole number from 1 to 500");
        return;
    }
    if (api_query(a->req->query, "offset", buf, sizeof buf) && !api_int(buf, 0, 1000000000, &offset)) {
        http_error(a->r, 400, "offset must be a whole number from 0");
        return;
    }
    char pbuf[160];
    if (api_query(a->req->query, "patient_ref", pbuf, sizeof pbuf))
        pref = pbuf;
    gl_error err;
    json_t *list = store_encounter_list(a->ctx->db, pref, (int)limit, (int)offset, &err);
    if (!list) {
        store_error(a->r, &err);
        return;
    }
    /* the audit names every encounter the listing revealed; no audit row, no answer */
    long long ids[500];
    size_t i, n = 0;
    json_t *e;
    json_array_foreach(list, i, e) if (n < 500) ids[n++] = json_integer_value(json_object_get(e, "id"));
    if (store_audit_many(a->ctx->db, a->actor, "list", ids, n, &err) < 0) {
        json_decref(list);
        http_error(a->r, 500, "%s", err.msg);
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "encounters", list);
    json_object_set_new(o, "limit", json_integer(limit));
    json_object_set_new(o, "offset", json_integer(offset));
    http_json(a->r, 200, o);
}

void h_encounter_get(route_args *a)
{
    gl_error err;
    json_t *enc = store_encounter_get(a->ctx->db, a->id, &err);
    gl_error aerr;
    if (store_audit(a->ctx->db, a->actor, enc ? "read" : "read-missing", a->id, &aerr) < 0) {
        json_decref(enc); /* no audit row, no answer */
        http_error(a->r, 500, "%s", aerr.msg);
        return;
    }
    if (!enc)
        store_error(a->r, &err);
    else
        http_json(a->r, 200, enc);
}

static bool valid_date(const char *d)
{
    /* YYYY-MM-DD */
    if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
            return false;
    int m = (d[5] - '0') * 10 + d[6] - '0', day = (d[8] - '0') * 10 + d[9] - '0';
    return m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

void h_followup_add(route_args *a)
{
    json_t *body = http_body_object(a->req, a->r);
    if (!body)
        return;
    static const char *const keys[] = {"pain_nprs", "function", "treatments", "date", "note", NULL};
    bool bad = false;
    char *ttext = NULL;
    if (!api_only_keys(body, keys, a->r))
        goto out;
    json_t *p = json_object_get(body, "pain_nprs");
    if (!json_is_integer(p) || json_integer_value(p) < 0 || json_integer_value(p) > 10) {
        http_error(a->r, 400, "\"pain_nprs\" is required: a whole number from 0 (no pain) to 10 (worst imaginable)");
        goto out;
    }
    const char *function = api_opt_string(body, "function", 1000, a->r, &bad);
    const char *date = bad ? NULL : api_opt_string(body, "date", 10, a->r, &bad);
    const char *note = bad ? NULL : api_opt_string(body, "note", 4000, a->r, &bad);
    if (bad)
        goto out;
    if (date && !valid_date(date)) {
        http_error(a->r, 400, "\"date\" must be YYYY-MM-DD");
        goto out;
    }
    json_t *t = json_object_get(body, "treatments");
    if (t && !json_is_null(t)) {
        if (!json_is_array(t) || json_array_size(t) > 50) {
            http_error(a->r, 400, "\"treatments\" must be an array of at most 50 strings");
            goto out;
        }
        size_t i;
        json_t *v;
        json_array_foreach(t, i, v)
        {
            if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 200 ||
                strlen(json_string_value(v)) != json_string_length(v)) {
                http_error(a->r, 400, "\"treatments[%zu]\" must be a non-empty string of at most 200 bytes", i);
                goto out;
            }
        }
        ttext = json_dumps(t, JSON_COMPACT);
    } else
        ttext = strdup("[]");
    if (!ttext) {
        http_error(a->r, 503, "out of memory");
        goto out;
    }
    gl_error err;
    long long fid =
        store_followup_add(a->ctx->db, a->id, a->actor, (int)json_integer_value(p), function, ttext, date, note, &err);
    if (fid < 0) {
        store_error(a->r, &err);
        goto out;
    }
    json_t *enc = store_encounter_get(a->ctx->db, a->id, &err);
    if (!enc)
        store_error(a->r, &err);
    else {
        json_t *o = json_object();
        json_object_set_new(o, "followup_id", json_integer(fid));
        json_object_set_new(o, "encounter_id", json_integer(a->id));
        json_object_set(o, "followups", json_object_get(enc, "followups"));
        json_decref(enc);
        http_json(a->r, 201, o);
    }
out:
    free(ttext);
    json_decref(body);
}

void h_encounter_fhir(route_args *a)
{
    gl_error err;
    json_t *enc = store_encounter_get(a->ctx->db, a->id, &err);
    gl_error aerr;
    if (store_audit(a->ctx->db, a->actor, enc ? "fhir" : "fhir-missing", a->id, &aerr) < 0) {
        json_decref(enc);
        http_error(a->r, 500, "%s", aerr.msg);
        return;
    }
    if (!enc) {
        store_error(a->r, &err);
        return;
    }
    char id[32];
    snprintf(id, sizeof id, "encounter-%lld", a->id);
    json_t *b = http_fhir_bundle(a->ctx->kb, json_object_get(enc, "case"), json_object_get(enc, "result"), id);
    json_decref(enc);
    http_json(a->r, 200, b);
    a->r->type = "application/fhir+json";
}

void h_audit(route_args *a)
{
    char buf[32];
    long limit = 100;
    if (api_query(a->req->query, "limit", buf, sizeof buf) && !api_int(buf, 1, 1000, &limit)) {
        http_error(a->r, 400, "limit must be a whole number from 1 to 1000");
        return;
    }
    gl_error err;
    json_t *l = store_audit_list(a->ctx->db, (int)limit, &err);
    if (!l) {
        http_error(a->r, 500, "cannot read the audit log");
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "audit", l);
    http_json(a->r, 200, o);
}
