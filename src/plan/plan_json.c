/* plan_json.c - the plan as gluteal-plan/1 JSON: red flags, leading
 * conditions, work-up items (each reason with its rule, trigger and source),
 * scores and treatment ladders (each step with outcome, evidence and source). */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>

#include "plan/plan.h"

#define DISCLAIMER "Decision support for clinicians, not a diagnosis. Check every recommendation against the " \
                   "patient; red flags come first."

static json_t *red_flags_json(const gl_result *r)
{
    json_t *a = json_array();
    for (int k = 0; a && k < r->nflags; k++) {
        const kb_redflag *f = &r->kb->flag[r->flags[k]];
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", f->id, "urgency",
                                           kb_urgency_names[f->urgency], "title", f->title, "action", f->action,
                                           "source", f->source));
    }
    return a;
}

static json_t *leading_json(const gl_plan *p)
{
    json_t *a = json_array();
    for (int i = 0; a && i < p->nlead; i++) {
        const kb_condition *c = &p->r->kb->cond[p->lead[i]];
        double pr = round(p->r->prob[p->lead[i]] * 1000) / 1000;
        json_array_append_new(a, json_pack("{s:s, s:s, s:f}", "condition", c->id, "name", c->name, "probability", pr));
    }
    return a;
}

static json_t *reason_json(const gl_plan *p, const plan_workup *w)
{
    sbuf t;
    sb_init(&t, 4096);
    plan_triggers(p, w, &t);
    const char *cond = w->cond >= 0 ? p->r->kb->cond[w->cond].id : "any";
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "rule", w->id, "condition", cond, "why", w->why,
                          "triggered_by", t.p && !t.failed ? t.p : "", "when", w->when_text, "source", w->source);
    sb_free(&t);
    return o;
}

static json_t *result_json(const gl_plan *p, const plan_item *it)
{
    json_t *o = json_object();
    for (int i = 0; o && i < it->nrows; i++) {
        const plan_workup *w = &p->pk->wu[it->rows[i]];
        for (int j = 0; j < w->nresult; j++) {
            signed char s = p->r->state[w->result[j]];
            if (s)
                json_object_set_new(o, p->r->kb->find[w->result[j]].id, json_boolean(s > 0));
        }
    }
    return o;
}

static json_t *item_json(const gl_plan *p, const plan_item *it)
{
    const plan_workup *w = &p->pk->wu[it->rows[0]];
    const char *status = plan_item_status(it);
    json_t *reasons = json_array();
    for (int i = 0; reasons && i < it->nrows; i++)
        json_array_append_new(reasons, reason_json(p, &p->pk->wu[it->rows[i]]));
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:s}", "test_id", w->test_id, "test",
                     w->test, "tier", plan_tier_names[it->tier], "status", status, "timing", w->timing, "reasons",
                     reasons, "changes_plan", w->changes, "cost", w->cost, "radiation", w->radiation, "result",
                     result_json(p, it), "source", w->source);
}

static json_t *scores_json(const gl_plan *p)
{
    json_t *a = json_array();
    for (int i = 0; a && i < p->nscore; i++) {
        const plan_score *s = &p->score[i];
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", s->name, "input", s->input, "value",
                                           s->value, "meaning", s->meaning, "source", s->source));
    }
    return a;
}

static json_t *ladder_json(const gl_plan *p, int c)
{
    json_t *steps = json_array();
    for (int tier = 0; steps && tier < NTX; tier++)
        for (int i = 0; i < p->pk->ntx; i++) {
            const plan_treat *t = &p->pk->tx[i];
            if (t->cond != c || t->tier != tier || !plan_treat_applies(p, t))
                continue;
            json_array_append_new(steps, json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s}", "id", t->id, "tier",
                                                   plan_tx_names[tier], "step", t->step, "treatment", t->treatment,
                                                   "details", t->details, "outcome", t->outcome, "evidence",
                                                   t->evidence, "source", t->source));
        }
    const kb_condition *k = &p->r->kb->cond[c];
    return json_pack("{s:s, s:s, s:f, s:o}", "condition", k->id, "name", k->name, "probability",
                     round(p->r->prob[c] * 1000) / 1000, "steps", steps);
}

static json_t *programme_json(const gl_plan *p)
{
    static const char *const policy[] = {"home", "clinician", "urgent"};
    int c = plan_handout_condition(p->r, -1);
    const plan_handout *h = &p->pk->ho[c];
    bool home = h->policy == POLICY_HOME && p->r->urgency < URG_URGENT;
    json_t *ex = json_array();
    for (int i = 0; ex && home && i < h->nex; i++) {
        const plan_exercise *x = &p->pk->ex[h->ex[i]];
        json_array_append_new(ex, json_pack("{s:s, s:s, s:i, s:i, s:i, s:s, s:s}", "id", x->id, "name", x->name,
                                            "hold_seconds", x->hold, "reps", x->reps, "per_day", x->per_day,
                                            "defaults", x->measured ? "measured" : "estimate", "source", x->source));
    }
    return json_pack("{s:s, s:s, s:o, s:s}", "condition", p->r->kb->cond[c].id, "policy",
                     home ? "home" : h->policy == POLICY_HOME ? "urgent" : policy[h->policy], "exercises", ex,
                     "source", h->source);
}

static json_t *plan_object(const gl_plan *p)
{
    const gl_result *r = p->r;
    json_t *wu = json_array(), *tx = json_array();
    for (int i = 0; wu && i < p->nitem; i++)
        json_array_append_new(wu, item_json(p, &p->item[i]));
    for (int i = 0; tx && i < p->nladder; i++)
        json_array_append_new(tx, ladder_json(p, p->ladder[i]));
    return json_pack("{s:s, s:s?, s:s, s:s, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:s}", "format", "gluteal-plan/1",
                     "case_id", r->case_id, "kb_version", r->kb->version, "urgency", kb_urgency_names[r->urgency],
                     "outside_scope", r->outside_scope, "red_flags", red_flags_json(r), "leading", leading_json(p),
                     "workup", wu, "scores", scores_json(p), "treatment", tx, "home_programme", programme_json(p),
                     "disclaimer", DISCLAIMER);
}

char *gl_plan_json(const gl_plan *p, int flags)
{
    if (!p)
        return NULL;
    json_t *o = plan_object(p);
    if (!o)
        return NULL;
    char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6) | (flags & GL_RENDER_PRETTY ? JSON_INDENT(2) : JSON_COMPACT));
    json_decref(o);
    return s;
}
