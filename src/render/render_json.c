/* render_json.c - the gluteal-result/1 JSON of shared/spec/case-format.md, with
 * the evidence behind every number (rows, sources, likelihood ratios). */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assess/result.h"
#include "infer/infer.h"
#include "localize/localize.h"
#include "render.h"

#define DISCLAIMER "Decision support for clinicians, not a diagnosis. Verify every finding and probability " \
                   "against the patient; red flags override the ranking."

/* Round for display so the JSON stays readable; the ranking uses full precision. */
static json_t *num(double v, int digits)
{
    double s = pow(10, digits);
    return json_real(round(v * s) / s);
}

static json_t *split_codes(const char *list)
{
    json_t *a = json_array();
    const char *p = list;
    while (a && p && *p) {
        const char *e = strchr(p, ';');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n)
            json_array_append_new(a, json_stringn(p, n));
        p = e ? e + 1 : NULL;
    }
    return a;
}

static json_t *row_json(const gl_kb *kb, const infer_item *it)
{
    const kb_row *r = &kb->rows[it->row];
    const kb_finding *f = &kb->find[it->finding];
    json_t *o = json_object();
    json_object_set_new(o, "finding", json_string(f->id));
    json_object_set_new(o, "present", json_boolean(it->present));
    json_object_set_new(o, "lr", num(it->lr, 3));
    if (it->weight != 1.0) /* a correlated finding counted in part (kb/correlations.tsv) */
        json_object_set_new(o, "weight", num(it->weight, 2));
    json_object_set_new(o, "sensitivity", num(r->sens, 3));
    json_object_set_new(o, "specificity", isnan(r->spec) ? json_null() : num(r->spec, 3));
    if (!isnan(r->spec)) {
        json_object_set_new(o, "published_lr_pos", num(r->sens / (1 - r->spec), 2));
        json_object_set_new(o, "published_lr_neg", num((1 - r->sens) / r->spec, 2));
    }
    json_object_set_new(o, "base_rate", num(f->base, 4));
    json_object_set_new(o, "quality", json_string(r->measured ? "measured" : "estimate"));
    json_object_set_new(o, "source", json_string(r->source));
    char where[300];
    snprintf(where, sizeof where, "kb/%s:%d", r->file, r->line);
    json_object_set_new(o, "kb_row", json_string(where));
    return o;
}

static json_t *modifiers_json(const gl_result *r, int c)
{
    json_t *a = json_array();
    expr_ctx ctx = result_ctx(r);
    for (int m = 0; m < r->kb->nmod; m++) {
        const kb_modifier *k = &r->kb->mod[m];
        if (k->cond != c || !expr_eval(k->when, &ctx))
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "when", json_string(k->when_text));
        json_object_set_new(o, "odds_ratio", num(k->odds, 3));
        json_object_set_new(o, "quality", json_string(k->measured ? "measured" : "estimate"));
        json_object_set_new(o, "source", json_string(k->source));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *condition_json(const gl_result *r, int c)
{
    const gl_kb *kb = r->kb;
    const kb_condition *k = &kb->cond[c];
    json_t *o = json_object();
    json_object_set_new(o, "condition", json_string(k->id));
    json_object_set_new(o, "name", json_string(k->name));
    json_object_set_new(o, "probability", num(r->prob[c], 4));
    if (k->has_children) {
        json_object_set_new(o, "umbrella", json_true());
        json_object_set_new(o, "own_probability", num(r->post[c], 4));
    }
    if (k->parent >= 0)
        json_object_set_new(o, "parent", json_string(kb->cond[k->parent].id));
    json_object_set_new(o, "must_not_miss", json_boolean(k->must_not_miss));
    json_object_set_new(o, "prior", num(r->prior[c], 4));
    /* Bayes' rule for this condition alone (prior odds x its likelihood ratios);
     * "probability" also weighs the other conditions that could explain the findings */
    double lrp = infer_lr_product(kb, c, r->ev, r->w);
    json_object_set_new(o, "lr_product", num(lrp, 4));
    json_object_set_new(o, "probability_alone", num(infer_alone(r->prior[c], lrp), 4));
    json_object_set_new(o, "prior_source", json_string(k->prior_source));
    json_object_set_new(o, "prior_modifiers", modifiers_json(r, c));
    json_object_set_new(o, "icd10", split_codes(k->icd10));
    json_object_set_new(o, "snomed_ct", split_codes(k->snomed));
    infer_item items[64];
    int n = infer_explain(kb, c, r->ev, r->w, items, 64);
    json_t *ev = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(ev, row_json(kb, &items[i]));
    json_object_set_new(o, "evidence", ev);
    return o;
}

static json_t *flags_json(const gl_result *r)
{
    json_t *a = json_array();
    expr_ctx ctx = result_ctx(r);
    for (int i = 0; i < r->nflags; i++) {
        const kb_redflag *f = &r->kb->flag[r->flags[i]];
        json_t *o = json_object();
        json_object_set_new(o, "flag", json_string(f->id));
        json_object_set_new(o, "title", json_string(f->title));
        json_object_set_new(o, "urgency", json_string(kb_urgency_names[f->urgency]));
        json_object_set_new(o, "action", json_string(f->action));
        int fs[32];
        int nf = expr_present_findings(f->when, &ctx, fs, 32);
        json_t *fa = json_array();
        for (int j = 0; j < nf; j++)
            json_array_append_new(fa, json_string(r->kb->find[fs[j]].id));
        json_object_set_new(o, "findings", fa);
        json_object_set_new(o, "rule", json_string(f->when_text));
        json_object_set_new(o, "source", json_string(f->source));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *strings_json(char **s, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_string(s[i]));
    return a;
}

static json_t *measurements_json(const gl_result *r)
{
    json_t *a = json_array();
    static const char *ops[] = {"<", "<=", ">", ">=", "=="};
    for (int i = 0; i < r->nmeas; i++) {
        const kb_measure *m = &r->kb->meas[r->meas[i].meas];
        json_t *o = json_object();
        char cut[64];
        snprintf(cut, sizeof cut, "%s %g %s", ops[m->op], m->cutoff, m->unit);
        json_object_set_new(o, "measurement", json_string(m->id));
        json_object_set_new(o, "value", json_real(r->meas[i].value));
        json_object_set_new(o, "finding", json_string(r->kb->find[m->finding].id));
        json_object_set_new(o, "cutoff", json_string(cut));
        json_object_set_new(o, "effect", json_string(r->meas[i].effect > 0   ? "present"
                                                     : r->meas[i].effect < 0 ? "absent"
                                                                             : "none"));
        json_object_set_new(o, "source", json_string(m->source));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *leading_json(const gl_result *r)
{
    const gl_kb *kb = r->kb;
    int top = r->order[0];
    json_t *o = json_object();
    json_object_set_new(o, "condition", json_string(kb->cond[top].id));
    infer_item w[8];
    int n = infer_weakeners(kb, top, r->state, r->via, w, 8);
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        json_t *x = json_object();
        json_object_set_new(x, "finding", json_string(kb->find[w[i].finding].id));
        json_object_set_new(x, "question", json_string(kb->find[w[i].finding].question));
        json_object_set_new(x, "lr_if_absent", num(w[i].lr, 3));
        json_array_append_new(a, x);
    }
    json_object_set_new(o, "would_weaken_if_absent", a);
    int un[32];
    int nu = infer_unexplained(kb, top, r->ev, un, 32);
    json_t *u = json_array();
    for (int i = 0; i < nu; i++)
        json_array_append_new(u, json_string(kb->find[un[i]].id));
    json_object_set_new(o, "findings_it_does_not_explain", u);
    return o;
}

json_t *render_result_object(const gl_result *r)
{
    const gl_kb *kb = r->kb;
    json_t *o = json_object();
    json_object_set_new(o, "format", json_string(GL_RESULT_FORMAT));
    json_object_set_new(o, "case_id", r->case_id ? json_string(r->case_id) : json_null());
    json_object_set_new(o, "kb_version", json_string(kb->version));
    json_object_set_new(o, "setting", json_string(kb_setting_names[r->setting]));
    json_object_set_new(o, "disclaimer", json_string(DISCLAIMER));
    json_object_set_new(o, "urgency", json_string(kb_urgency_names[r->urgency]));
    json_object_set_new(o, "red_flags", flags_json(r));
    json_t *diff = json_array();
    for (int i = 0; i < kb->ncond; i++)
        json_array_append_new(diff, condition_json(r, r->order[i]));
    json_object_set_new(o, "differential", diff);
    json_object_set_new(o, "other_cause_probability", num(r->other, 4));
    json_object_set_new(o, "outside_scope", json_boolean(r->outside_scope));
    json_object_set_new(o, "leading", leading_json(r));
    json_object_set_new(o, "localization", localize_result_json(r)); /* reported, not in the posteriors */
    json_object_set_new(o, "contradictions", strings_json(r->contra, r->ncontra));
    json_object_set_new(o, "warnings", strings_json(r->warn, r->nwarn));
    json_object_set_new(o, "measurements", measurements_json(r));
    json_t *mined = json_array(); /* findings read from the note, with the phrase that gave each */
    for (int i = 0; i < r->nmined; i++)
        json_array_append_new(mined, json_pack("{s:s, s:b, s:s}", "finding", kb->find[r->mined[i].finding].id,
                                               "present", r->mined[i].value > 0, "phrase",
                                               r->mined[i].text[0] ? r->mined[i].text
                                                                   : kb->phrase[r->mined[i].phrase].text));
    json_object_set_new(o, "note_findings", mined);
    return o;
}

char *gl_result_json(const gl_result *r, int flags)
{
    if (!r)
        return NULL;
    json_t *o = render_result_object(r);
    if (!o)
        return NULL;
    char *s = json_dumps(o, (flags & GL_RENDER_PRETTY ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER |
                                JSON_REAL_PRECISION(6));
    json_decref(o);
    return s;
}
