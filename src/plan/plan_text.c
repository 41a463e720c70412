/* plan_text.c - the plan as a clinician reads it: red flags and must-not-miss
 * work-up first, then the tests to order with why, what result would change
 * the plan and their burden, scores, and the treatment ladder of each leading
 * condition with outcome figures, evidence level and source on every line. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"

#define WIDTH 100
#define PLAN_TEXT_MAX (4u << 20)

static const char *const tier_titles[NTIERS] = {
    "URGENT - must not miss (do first)", "FIRST", "NEXT", "IF NOT RESOLVING", "NOT RECOMMENDED"};

/* Word-wrap `text` after `label`, continuation lines indented by `indent`. */
static void wrap(sbuf *b, int indent, const char *label, const char *text)
{
    int col = indent + (int)strlen(label);
    sb_repeat(b, " ", indent);
    sb_puts(b, label);
    const char *s = text;
    while (*s) {
        const char *e = strchr(s, ' ');
        int n = e ? (int)(e - s) : (int)strlen(s);
        if (col + n + 1 > WIDTH && col > indent + (int)strlen(label)) {
            sb_puts(b, "\n");
            sb_repeat(b, " ", indent + 4);
            col = indent + 4;
        } else if (s != text) {
            sb_puts(b, " ");
            col++;
        }
        sb_putn(b, s, (size_t)n);
        col += n;
        s += n;
        while (*s == ' ')
            s++;
    }
    sb_puts(b, "\n");
}

static void header(sbuf *b, const gl_plan *p)
{
    const gl_result *r = p->r;
    sb_printf(b, "gluteal plan - work-up and treatment, decision support\n");
    static const char *const sides[] = {", left", ", right", ", bilateral"};
    sb_printf(b, "Case %s: %g y %s%s", r->case_id ? r->case_id : "(no id)", r->age, r->sex ? "male" : "female",
              r->side >= 0 && r->side <= 2 ? sides[r->side] : "");
    if (r->duration >= 0)
        sb_printf(b, ", %g weeks", r->duration);
    sb_printf(b, "; knowledge base %s\n", r->kb->version);
    sb_puts(b, "Decision support for clinicians, not a diagnosis: check each line against the patient.\n\n");
}

static void red_flags(sbuf *b, const gl_plan *p)
{
    const gl_result *r = p->r;
    sb_printf(b, "URGENCY: %s%s\n", kb_urgency_names[r->urgency], r->nflags ? "" : " (no red-flag rule fired)");
    for (int k = 0; k < r->nflags; k++) {
        const kb_redflag *f = &r->kb->flag[r->flags[k]];
        sb_printf(b, "  RED FLAG [%s] %s\n", kb_urgency_names[f->urgency], f->title);
        wrap(b, 4, "action: ", f->action);
        wrap(b, 4, "source: ", f->source);
    }
    if (r->outside_scope)
        sb_puts(b, "\nNOTE: no modelled condition fits well (outside scope). The plan below covers the leading "
                   "candidates only; consider causes outside this knowledge base.\n");
    sb_puts(b, "\nLEADING CONDITIONS: ");
    for (int i = 0; i < p->nlead; i++)
        sb_printf(b, "%s%s %.0f%%", i ? ", " : "", r->kb->cond[p->lead[i]].name, 100 * r->prob[p->lead[i]]);
    sb_puts(b, "\n\n");
}

static void reason(sbuf *b, const gl_plan *p, const plan_workup *w)
{
    sbuf t, why;
    sb_init(&t, 4096);
    sb_init(&why, 8192);
    plan_triggers(p, w, &t);
    sb_puts(&why, w->why);
    if (t.len && !t.failed)
        sb_printf(&why, " [%s]", t.p);
    if (why.failed)
        b->failed = true;
    else
        wrap(b, 8, "why: ", why.p);
    sb_free(&t);
    sb_free(&why);
    wrap(b, 8, "source: ", w->source);
}

/* The results the case already records for a done item. */
static void results(sbuf *b, const gl_plan *p, const plan_item *it)
{
    sbuf t;
    sb_init(&t, 4096);
    for (int i = 0; i < it->nrows; i++) {
        const plan_workup *w = &p->pk->wu[it->rows[i]];
        for (int j = 0; j < w->nresult; j++) {
            int f = w->result[j];
            if (p->r->state[f] && (!t.p || !strstr(t.p, p->r->kb->find[f].id)))
                sb_printf(&t, "%s%s %s", t.len ? ", " : "", p->r->kb->find[f].id,
                          p->r->state[f] > 0 ? "present" : "absent");
        }
    }
    if (t.p && !t.failed)
        wrap(b, 8, "result: ", t.p);
    sb_free(&t);
}

static void item(sbuf *b, const gl_plan *p, const plan_item *it, int n)
{
    const plan_workup *w = &p->pk->wu[it->rows[0]];
    char label[16];
    snprintf(label, sizeof label, "%2d. ", n);
    wrap(b, 2, label, w->test);
    if (it->tier == TIER_AVOID) {
        wrap(b, 6, "why not: ", w->why);
        wrap(b, 6, "what would change this: ", w->changes);
        wrap(b, 6, "source: ", w->source);
        return;
    }
    char status[400];
    snprintf(status, sizeof status, "%s | when: %s | cost %s | radiation %s", plan_item_status(it), w->timing,
             w->cost, w->radiation);
    for (char *c = status; *c && *c != ' '; c++)
        *c = (char)toupper((unsigned char)*c);
    wrap(b, 6, "", status);
    if (it->done)
        results(b, p, it);
    for (int i = 0; i < it->nrows; i++)
        reason(b, p, &p->pk->wu[it->rows[i]]);
    wrap(b, 6, "result that changes the plan: ", w->changes);
}

static void workup(sbuf *b, const gl_plan *p)
{
    sb_puts(b, "WORK-UP\n");
    if (!p->nitem)
        sb_puts(b, "  No test is needed now: the diagnosis is clinical; review if it does not settle.\n");
    int tier = -1;
    for (int i = 0; i < p->nitem; i++) {
        if (p->item[i].tier != tier)
            sb_printf(b, " %s\n", tier_titles[tier = p->item[i].tier]);
        item(b, p, &p->item[i], i + 1);
    }
    sb_puts(b, "\n");
}

static void scores(sbuf *b, const gl_plan *p)
{
    if (!p->nscore)
        return;
    sb_puts(b, "SCORES (from the case's measurements and findings)\n");
    for (int i = 0; i < p->nscore; i++) {
        const plan_score *s = &p->score[i];
        sb_printf(b, "  %s: %s (%s)\n", s->name, s->value, s->input);
        wrap(b, 6, "", s->meaning);
        wrap(b, 6, "source: ", s->source);
    }
    sb_puts(b, "\n");
}

static void step(sbuf *b, const plan_treat *t)
{
    char label[16];
    snprintf(label, sizeof label, "%2d. ", t->step);
    wrap(b, 4, label, t->treatment);
    wrap(b, 8, "how: ", t->details);
    wrap(b, 8, "outcome: ", t->outcome);
    sb_puts(b, "        evidence: ");
    for (const char *s = t->evidence; *s; s++)
        sb_putn(b, *s == '_' ? " " : s, 1);
    sb_puts(b, "\n");
    wrap(b, 8, "source: ", t->source);
}

static void ladder(sbuf *b, const gl_plan *p, int c)
{
    const gl_result *r = p->r;
    sb_printf(b, "  %s (%.0f%%)\n", r->kb->cond[c].name, 100 * r->prob[c]);
    for (int tier = 0; tier < NTX; tier++) {
        bool title = false;
        for (int i = 0; i < p->pk->ntx; i++) {
            const plan_treat *t = &p->pk->tx[i];
            if (t->cond != c || t->tier != tier || !plan_treat_applies(p, t))
                continue;
            if (!title)
                sb_printf(b, "   %s\n", plan_tx_names[tier]);
            title = true;
            step(b, t);
        }
    }
}

/* The handout's home programme, so the clinician can check the doses before printing it. */
static void programme(sbuf *b, const gl_plan *p)
{
    int c = plan_handout_condition(p->r, -1);
    const plan_handout *h = &p->pk->ho[c];
    static const char *const policy[] = {
        "home exercise programme",
        "no home programme until the clinician or physiotherapist clears it",
        "tests first, no exercise programme",
    };
    bool home = h->policy == POLICY_HOME && p->r->urgency < URG_URGENT;
    sb_printf(b, "\nPATIENT HANDOUT (%s): %s\n", p->r->kb->cond[c].id,
              home ? policy[POLICY_HOME] : policy[h->policy == POLICY_HOME ? POLICY_URGENT : h->policy]);
    for (int i = 0; home && i < h->nex; i++) {
        const plan_exercise *x = &p->pk->ex[h->ex[i]];
        char hold[32] = "no hold";
        if (x->hold > 0)
            snprintf(hold, sizeof hold, "hold %d s", x->hold);
        sb_printf(b, "  %d. %s: %s, %d reps, %d x/day (%s)\n", i + 1, x->name, hold, x->reps, x->per_day,
                  x->measured ? "published dose" : "estimated starting dose");
        wrap(b, 6, "source: ", x->source);
    }
    sb_puts(b, "  print it with: gluteal handout CASE -o FILE.html\n");
}

static bool is_ladder(const gl_plan *p, int c)
{
    for (int i = 0; i < p->nladder; i++)
        if (p->ladder[i] == c)
            return true;
    return false;
}

char *gl_plan_text(const gl_plan *p, int flags)
{
    (void)flags;
    if (!p)
        return NULL;
    sbuf b;
    sb_init(&b, PLAN_TEXT_MAX);
    header(&b, p);
    red_flags(&b, p);
    workup(&b, p);
    scores(&b, p);
    sb_puts(&b, "TREATMENT LADDER\n");
    for (int i = 0; i < p->nlead; i++)
        if (p->r->kb->cond[p->lead[i]].has_children && !is_ladder(p, p->lead[i]))
            sb_printf(&b, "  %s: see its leading sub-type below\n", p->r->kb->cond[p->lead[i]].name);
    for (int i = 0; i < p->nladder; i++)
        ladder(&b, p, p->ladder[i]);
    programme(&b, p);
    return sb_take(&b);
}
