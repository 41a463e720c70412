/* plan.c - from an assessment to a work-up and treatment plan.
 *
 * The leading conditions are the top of the differential (up to three at 20%
 * or more; always the first). A work-up rule of kb/plan/workup.tsv applies when
 * its condition is leading (or it is an `any` rule: red flags and must-not-miss
 * posteriors) and its `when` expression holds for the case. Rules that name the
 * same test merge into one item that lists every reason; an item whose result
 * is already recorded in the case is shown as done. Items sort by tier, so the
 * must-not-miss work-up always comes first. Treatment ladders are shown for the
 * leading conditions; an umbrella (deep gluteal syndrome) gives way to a
 * leading sub-type. Scores are computed whenever the case has their inputs. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"

#define LEAD_MIN 0.20

static bool is_lead(const gl_plan *p, int c)
{
    for (int i = 0; i < p->nlead; i++)
        if (p->lead[i] == c)
            return true;
    return false;
}

static void pick_leading(gl_plan *p)
{
    const gl_result *r = p->r;
    for (int k = 0; k < r->kb->ncond && p->nlead < PLAN_MAX_LEAD; k++) {
        int c = r->order[k];
        if (k > 0 && r->prob[c] < LEAD_MIN)
            break;
        p->lead[p->nlead++] = c;
    }
}

/* Ladders: every leading condition except an umbrella whose sub-type also leads. */
static void pick_ladders(gl_plan *p)
{
    const gl_kb *kb = p->r->kb;
    for (int i = 0; i < p->nlead; i++) {
        int c = p->lead[i];
        bool child_leads = false;
        for (int j = 0; j < p->nlead; j++)
            child_leads |= kb->cond[p->lead[j]].parent == c;
        if (!child_leads)
            p->ladder[p->nladder++] = c;
    }
}

static bool row_applies(const gl_plan *p, const plan_workup *w, const expr_ctx *ctx)
{
    if (w->cond != PLAN_ANY && !is_lead(p, w->cond))
        return false;
    return !w->when || expr_eval(w->when, ctx);
}

static bool result_known(const gl_plan *p, const plan_workup *w)
{
    for (int i = 0; i < w->nresult; i++)
        if (p->r->state[w->result[i]] != 0)
            return true;
    return false;
}

/* The item for w's test (created when new); NULL when the plan is full. */
static plan_item *item_for(gl_plan *p, const plan_workup *w)
{
    for (int i = 0; i < p->nitem; i++) {
        const plan_workup *f = &p->pk->wu[p->item[i].rows[0]];
        if (!strcmp(f->test_id, w->test_id) && (f->tier == TIER_AVOID) == (w->tier == TIER_AVOID))
            return &p->item[i];
    }
    if (p->nitem >= PLAN_MAX_ITEMS)
        return NULL;
    plan_item *it = &p->item[p->nitem++];
    memset(it, 0, sizeof *it);
    it->tier = w->tier;
    return it;
}

static int by_tier(const void *a, const void *b)
{
    const plan_item *x = a, *y = b;
    if (x->tier != y->tier)
        return x->tier - y->tier;
    return x->rows[0] - y->rows[0]; /* knowledge-base order within a tier */
}

static void match_workup(gl_plan *p)
{
    expr_ctx ctx = result_ctx(p->r);
    for (int i = 0; i < p->pk->nwu; i++) {
        const plan_workup *w = &p->pk->wu[i];
        plan_item *it;
        if (!row_applies(p, w, &ctx) || !(it = item_for(p, w)) || it->nrows >= PLAN_MAX_LIST)
            continue;
        it->rows[it->nrows++] = i;
        if (w->tier < it->tier)
            it->tier = w->tier;
        it->done |= w->tier != TIER_AVOID && result_known(p, w);
    }
    qsort(p->item, (size_t)p->nitem, sizeof *p->item, by_tier);
}

const char *plan_item_status(const plan_item *it)
{
    if (it->tier == TIER_AVOID)
        return "avoid";
    if (it->done)
        return "done";
    return it->tier <= TIER_FIRST ? "order" : "consider";
}

bool plan_treat_applies(const gl_plan *p, const plan_treat *t)
{
    if (!t->when)
        return true;
    expr_ctx ctx = result_ctx(p->r);
    return expr_eval(t->when, &ctx);
}

/* True when `var` appears in `text` as a whole word (age, not hx_age_over_50). */
static bool names_variable(const char *text, const char *var)
{
    size_t n = strlen(var);
    for (const char *s = strstr(text, var); s; s = strstr(s + 1, var)) {
        bool start = s == text || !(isalnum((unsigned char)s[-1]) || s[-1] == '_');
        bool end = !(isalnum((unsigned char)s[n]) || s[n] == '_');
        if (start && end)
            return true;
    }
    return false;
}

/* "p(x) 34%" for every condition whose posterior the expression names. */
static void posteriors(const gl_result *r, const char *text, sbuf *b)
{
    for (const char *s = strstr(text, "p("); s; s = strstr(s + 2, "p(")) {
        if (s > text && (isalnum((unsigned char)s[-1]) || s[-1] == '_'))
            continue;
        const char *e = strchr(s, ')');
        char id[96];
        if (!e || (size_t)(e - s - 2) >= sizeof id)
            continue;
        memcpy(id, s + 2, (size_t)(e - s - 2));
        id[e - s - 2] = '\0';
        int c = kb_cond(r->kb, id);
        if (c >= 0)
            sb_printf(b, "%sp(%s) %.0f%%", b->len ? "; " : "", id, 100 * r->prob[c]);
    }
}

void plan_triggers(const gl_plan *p, const plan_workup *w, sbuf *b)
{
    const gl_result *r = p->r;
    int f[PLAN_MAX_LIST];
    expr_ctx ctx = result_ctx(r);
    int n = w->when ? expr_present_findings(w->when, &ctx, f, PLAN_MAX_LIST) : 0;
    for (int i = 0; i < n; i++)
        sb_printf(b, "%s%s", i ? ", " : "", r->kb->find[f[i]].id);
    if (w->when && strstr(w->when_text, "duration_weeks") && r->duration >= 0)
        sb_printf(b, "%sduration %g weeks", n ? "; " : "", r->duration);
    if (w->when && names_variable(w->when_text, "age"))
        sb_printf(b, "%sage %g", b->len ? "; " : "", r->age);
    if (w->when && expr_uses_posterior(w->when))
        posteriors(r, w->when_text, b);
    if (w->cond >= 0 && !b->len)
        sb_printf(b, "leading condition %s (%.0f%%)", r->kb->cond[w->cond].id, 100 * r->prob[w->cond]);
}

int plan_handout_condition(const gl_result *r, int condition)
{
    if (condition >= 0)
        return condition;
    int top = r->order[0];
    if (!r->kb->cond[top].has_children)
        return top;
    for (int k = 1; k < r->kb->ncond; k++) {
        int c = r->order[k];
        if (r->prob[c] < LEAD_MIN)
            break;
        if (r->kb->cond[c].parent == top)
            return c; /* the most likely sub-type is more specific advice */
    }
    return top;
}

/* The plan tables are parsed once per knowledge base (kb_cache). */
static void *build_plan_kb(const gl_kb *kb, gl_error *err) { return plan_kb_load(kb, err); }

static void destroy_plan_kb(void *p)
{
    plan_kb *pk = p;
    plan_kb_free(&pk);
}

gl_plan *gl_plan_make(const gl_result *r, gl_error *err)
{
    gl_error local;
    if (!err)
        err = &local;
    if (!r) {
        err_set(err, GL_ERR_USAGE, NULL, 0, NULL, "gl_plan_make: no result given");
        return NULL;
    }
    gl_plan *p = calloc(1, sizeof *p);
    if (!p) {
        err_set(err, GL_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        return NULL;
    }
    p->r = r;
    if (!(p->pk = kb_cache(r->kb, KB_CACHE_PLAN, build_plan_kb, destroy_plan_kb, err))) {
        free(p);
        return NULL;
    }
    pick_leading(p);
    pick_ladders(p);
    match_workup(p);
    p->nscore = score_case(r, p->score, PLAN_MAX_SCORES);
    return p;
}

void gl_plan_free(gl_plan **p)
{
    if (!p || !*p)
        return;
    free(*p); /* (*p)->pk belongs to the knowledge base's cache */
    *p = NULL;
}
