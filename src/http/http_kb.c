/* http_kb.c - knowledge-base browsing under /v1/kb: conditions with codes, one
 * condition's evidence table row by row with sources and knowledge-file lines,
 * and every finding grouped as the clinician gathers them. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "http/http_routes.h"
#include "infer/infer.h"
#include "kb/kb.h"

static json_t *split_codes(const char *s)
{
    json_t *a = json_array();
    const char *p = s;
    while (p && *p) {
        const char *e = strchr(p, ';');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n)
            json_array_append_new(a, json_stringn(p, n));
        p = e ? e + 1 : NULL;
    }
    return a;
}

static double round_to(double x, int digits)
{
    double m = pow(10, digits);
    return round(x * m) / m;
}

/* Take malloc'd text s as the 200 body (503 when NULL); newline: end with '\n'
 * as the command line does. */
/* ---- /v1/kb ---- */

static json_t *condition_summary(const gl_kb *kb, int c)
{
    const kb_condition *k = &kb->cond[c];
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(k->id));
    json_object_set_new(o, "name", json_string(k->name));
    json_object_set_new(o, "group", json_string(k->group));
    json_object_set_new(o, "parent", k->parent >= 0 ? json_string(kb->cond[k->parent].id) : json_null());
    json_object_set_new(o, "must_not_miss", json_boolean(k->must_not_miss));
    json_object_set_new(o, "icd10cm", split_codes(k->icd10));
    json_object_set_new(o, "snomed_ct", split_codes(k->snomed));
    json_object_set_new(o, "profile_rows", json_integer(k->nrows));
    return o;
}

void h_kb(route_args *a)
{
    const gl_kb *kb = a->ctx->kb;
    json_t *o = json_object();
    json_object_set_new(o, "kb_version", json_string(kb->version));
    json_object_set_new(o, "conditions", json_integer(kb->ncond));
    json_object_set_new(o, "findings", json_integer(kb->nfind));
    json_object_set_new(o, "profile_rows", json_integer(kb->nrows));
    json_object_set_new(o, "red_flag_rules", json_integer(kb->nflag));
    http_json(a->r, 200, o);
}

void h_conditions(route_args *a)
{
    const gl_kb *kb = a->ctx->kb;
    json_t *arr = json_array();
    for (int c = 0; c < kb->ncond; c++)
        json_array_append_new(arr, condition_summary(kb, c));
    json_t *o = json_object();
    json_object_set_new(o, "kb_version", json_string(kb->version));
    json_object_set_new(o, "conditions", arr);
    http_json(a->r, 200, o);
}

void h_condition(route_args *a)
{
    const gl_kb *kb = a->ctx->kb;
    char id[96];
    if (a->name_len >= sizeof id) {
        http_error(a->r, 404, "no such condition");
        return;
    }
    memcpy(id, a->name, a->name_len);
    id[a->name_len] = 0;
    int c = kb_cond(kb, id);
    if (c < 0) {
        const char *sug[3];
        int n = kb_suggest_conditions(kb, id, sug, 3);
        http_error(a->r, 404, "no condition \"%.96s\"%s%s", id, n ? "; did you mean " : "", n ? sug[0] : "");
        return;
    }
    const kb_condition *k = &kb->cond[c];
    json_t *o = condition_summary(kb, c);
    json_object_set_new(o, "codes_checked", json_boolean(k->codes_checked));
    json_object_set_new(o, "codes_source", json_string(k->codes_source));
    json_t *pr = json_object();
    for (int s = 0; s < NSETTINGS; s++)
        json_object_set_new(pr, kb_setting_names[s], json_real(k->prior[s]));
    json_object_set_new(o, "prior", pr);
    json_object_set_new(o, "prior_quality", json_string(k->prior_measured ? "measured" : "estimate"));
    json_object_set_new(o, "prior_source", json_string(k->prior_source));
    json_t *mods = json_array();
    for (int m = 0; m < kb->nmod; m++)
        if (kb->mod[m].cond == c) {
            json_t *x = json_object();
            json_object_set_new(x, "when", json_string(kb->mod[m].when_text));
            json_object_set_new(x, "odds_ratio", json_real(kb->mod[m].odds));
            json_object_set_new(x, "quality", json_string(kb->mod[m].measured ? "measured" : "estimate"));
            json_object_set_new(x, "source", json_string(kb->mod[m].source));
            json_array_append_new(mods, x);
        }
    json_object_set_new(o, "prior_modifiers", mods);
    json_t *rows = json_array();
    for (int i = k->first_row; i < k->first_row + k->nrows; i++) {
        const kb_row *row = &kb->rows[i];
        const kb_finding *f = &kb->find[row->finding];
        json_t *x = json_object();
        json_object_set_new(x, "finding", json_string(f->id));
        json_object_set_new(x, "question", json_string(f->question));
        json_object_set_new(x, "sensitivity", json_real(row->sens));
        json_object_set_new(x, "specificity", isnan(row->spec) ? json_null() : json_real(row->spec));
        json_object_set_new(x, "base_rate", json_real(f->base));
        json_object_set_new(x, "lr_present", json_real(round_to(infer_lr(kb, c, row->finding, 1), 3)));
        json_object_set_new(x, "lr_absent", json_real(round_to(infer_lr(kb, c, row->finding, 0), 3)));
        json_object_set_new(x, "quality", json_string(row->measured ? "measured" : "estimate"));
        json_object_set_new(x, "source", json_string(row->source));
        char where[300];
        snprintf(where, sizeof where, "kb/%s:%d", row->file, row->line);
        json_object_set_new(x, "kb_row", json_string(where));
        json_array_append_new(rows, x);
    }
    json_object_set_new(o, "rows", rows);
    json_object_set_new(o, "kb_version", json_string(kb->version));
    http_json(a->r, 200, o);
}

/* The web page groups findings as the clinician gathers them. */
static const char *finding_group(const char *kind)
{
    if (!strcmp(kind, "history"))
        return "history";
    if (!strcmp(kind, "symptom"))
        return "symptoms";
    if (!strcmp(kind, "exam"))
        return "examination";
    if (!strcmp(kind, "imaging"))
        return "imaging";
    return "tests";
}

void h_findings(route_args *a)
{
    const gl_kb *kb = a->ctx->kb;
    json_t *arr = json_array();
    for (int f = 0; f < kb->nfind; f++) {
        const kb_finding *k = &kb->find[f];
        json_t *x = json_object();
        json_object_set_new(x, "id", json_string(k->id));
        json_object_set_new(x, "kind", json_string(k->kind));
        json_object_set_new(x, "group", json_string(finding_group(k->kind)));
        json_object_set_new(x, "question", json_string(k->question));
        json_object_set_new(x, "description", json_string(k->description));
        json_object_set_new(x, "base_rate", json_real(k->base));
        /* derived: set from the patient's age, not entered; neutral: entered but moves no probability */
        json_object_set_new(x, "derived", json_boolean(k->neutral && !strncmp(k->neutral, "derived from", 12)));
        json_object_set_new(x, "neutral", k->neutral && *k->neutral ? json_string(k->neutral) : json_null());
        json_object_set_new(x, "composite", json_boolean(k->composite >= 0));
        json_array_append_new(arr, x);
    }
    json_t *ms = json_array();
    for (int m = 0; m < kb->nmeas; m++) {
        json_t *x = json_object();
        json_object_set_new(x, "id", json_string(kb->meas[m].id));
        json_object_set_new(x, "unit", json_string(kb->meas[m].unit));
        json_object_set_new(x, "min", json_real(kb->meas[m].min));
        json_object_set_new(x, "max", json_real(kb->meas[m].max));
        json_object_set_new(x, "finding", json_string(kb->find[kb->meas[m].finding].id));
        json_array_append_new(ms, x);
    }
    /* the pain map and checklists (kb/groups.tsv): the page shows them first, as the
     * consultation opens with them; each member is also listed under its own group */
    json_t *cl = json_array();
    for (int g = 0; g < kb->ngroup; g++) {
        json_t *x = json_object(), *mem = json_array();
        json_object_set_new(x, "id", json_string(kb->group[g].id));
        json_object_set_new(x, "question", json_string(kb->group[g].question));
        for (int i = 0; i < kb->group[g].n; i++)
            json_array_append_new(mem, json_string(kb->find[kb->group[g].member[i]].id));
        json_object_set_new(x, "findings", mem);
        json_array_append_new(cl, x);
    }
    json_t *o = json_object();
    json_object_set_new(o, "kb_version", json_string(kb->version));
    json_object_set_new(o, "findings", arr);
    json_object_set_new(o, "checklists", cl);
    json_object_set_new(o, "measurements", ms);
    http_json(a->r, 200, o);
}
