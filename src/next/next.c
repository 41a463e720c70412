/* next.c - the next best question.
 *
 * Measure. Conditions coexist, so the differential is a set of per-condition
 * probabilities rather than one distribution. We score a candidate finding f
 * by the expected reduction of the summed binary entropy of every condition's
 * presence (plus the "other cause" state):
 *
 *     gain(f) = sum_c [ H(P(c)) - P(f) H(P(c|f)) - P(!f) H(P(c|!f)) ]
 *
 * in bits. It is the information f carries about each condition taken one at
 * a time; it ignores correlations between conditions, which keeps it cheap and
 * easy to explain ("answering this moves piriformis syndrome from 20% to 45%").
 *
 * Computation. One exact inference keeps the posterior of every state S (set of
 * coexisting conditions, infer_run_states). A yes/no to f re-weights each state
 * by P(f|S) from the same noisy-OR, so every candidate costs one pass over the
 * states, not two new inferences. This is exact for a single question (the
 * answer's likelihood under each state is what full inference would use);
 * composites derived from the new answer are the one approximation.
 *
 * Red flags. A finding named by a red-flag rule that has not been asked is
 * flagged; `gluteal next` lists those first, and the interview makes sure
 * they are asked before it ends (next_pick). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "infer/infer.h"
#include "next.h"

static double h2(double p)
{
    if (p <= 1e-12 || p >= 1 - 1e-12)
        return 0.0;
    return -(p * log2(p) + (1 - p) * log2(1 - p));
}

static int stage_of(const kb_finding *f)
{
    if (!strcmp(f->kind, "history") || !strcmp(f->kind, "symptom"))
        return STAGE_HISTORY;
    return !strcmp(f->kind, "exam") ? STAGE_EXAM : STAGE_TESTS;
}

/* Collect positive finding literals of an expression tree via evaluation with
 * each finding switched on: simpler than walking the private tree. A finding
 * counts as a red-flag question when turning it on makes the rule fire. */
static void red_flag_questions(const gl_kb *kb, const expr_ctx *ctx, int *urg)
{
    for (int f = 0; f < kb->nfind; f++) /* set first: an allocation failure leaves "no red flag" */
        urg[f] = -1;
    signed char *probe = malloc((size_t)kb->nfind);
    if (!probe)
        return;
    for (int r = 0; r < kb->nflag; r++) {
        expr_ctx x = *ctx;
        x.post = NULL;
        memcpy(probe, ctx->state, (size_t)kb->nfind);
        x.state = probe;
        if (expr_eval(kb->flag[r].when, &x))
            continue; /* fired already: shown as a red flag, not a question */
        for (int f = 0; f < kb->nfind; f++) {
            if (ctx->state[f])
                continue;
            probe[f] = 1;
            if (expr_eval(kb->flag[r].when, &x) && kb->flag[r].urgency > urg[f])
                urg[f] = kb->flag[r].urgency;
            probe[f] = 0;
        }
    }
    free(probe);
}

typedef struct work {
    const gl_kb *kb;
    infer_states st;
    double *own, *fam, other;   /* current marginals */
    double *own1, *fam1, *own0, *fam0;
    int *head;                  /* umbrella head per condition or -1 */
} work;

/* Reported probability (umbrella heads: the family), as the ranking uses. */
static double reported(const work *w, const double *own, const double *fam, int c)
{
    return w->kb->cond[c].has_children ? fam[c] : own[c];
}

static void top3(const work *w, const double *own, const double *fam, int *out)
{
    out[0] = out[1] = out[2] = -1;
    for (int c = 0; c < w->kb->ncond; c++) {
        double p = reported(w, own, fam, c);
        for (int i = 0; i < 3; i++)
            if (out[i] < 0 || p > reported(w, own, fam, out[i])) {
                for (int j = 2; j > i; j--)
                    out[j] = out[j - 1];
                out[i] = c;
                break;
            }
    }
}

static bool same_set(const int *a, const int *b)
{
    for (int i = 0; i < 3; i++) {
        bool found = false;
        for (int j = 0; j < 3; j++)
            found |= a[i] == b[j];
        if (!found)
            return false;
    }
    return true;
}

/* P(finding f absent | state s) under the noisy-OR with leak factors:
 * U - b V, U = prod (1 - l), V = prod r (1 - l) (infer.c). */
static double p_absent(const gl_kb *kb, const infer_state *s, int f)
{
    double u = 1, v = 1;
    for (int j = 0; j < s->k; j++) {
        size_t at = (size_t)s->member[j] * (size_t)kb->nfind + (size_t)f;
        u *= 1 - kb->link[at];
        v *= (1 - kb->link[at]) * (kb->inhib ? kb->inhib[at] : 1.0);
    }
    return u - kb->find[f].base * v;
}

/* Marginals after a yes (own1/fam1) and after a no (own0/fam0) in one pass:
 * state weights times P(f | state) or 1 - P(f | state). With given >= 0 the
 * weights are first multiplied by P(given | state): the yes/no to f after a
 * yes to `given` (the two-step look-ahead). */
static void marginals(work *w, int f, int given, double *o1, double *o0, double *t1, double *t0)
{
    const gl_kb *kb = w->kb;
    int n = kb->ncond;
    memset(w->own1, 0, (size_t)n * sizeof *w->own1);
    memset(w->fam1, 0, (size_t)n * sizeof *w->fam1);
    memset(w->own0, 0, (size_t)n * sizeof *w->own0);
    memset(w->fam0, 0, (size_t)n * sizeof *w->fam0);
    double tot1 = 0, tot0 = 0, oth1 = 0, oth0 = 0;
    for (int i = 0; i < w->st.n; i++) {
        const infer_state *s = &w->st.s[i];
        double absent = p_absent(kb, s, f), sw = given >= 0 ? s->w * (1 - p_absent(kb, s, given)) : s->w;
        double y = sw * (1 - absent), no = sw * absent;
        tot1 += y;
        tot0 += no;
        if (!s->k) {
            oth1 += y;
            oth0 += no;
            continue;
        }
        int seen[7], ns = 0;
        for (int j = 0; j < s->k; j++) {
            int c = s->member[j], h = w->head[c];
            w->own1[c] += y;
            w->own0[c] += no;
            bool dup = h < 0;
            for (int q = 0; q < ns && !dup; q++)
                dup = seen[q] == h;
            if (!dup) {
                seen[ns++] = h;
                w->fam1[h] += y;
                w->fam0[h] += no;
            }
        }
    }
    for (int c = 0; c < n; c++) {
        w->own1[c] /= tot1, w->fam1[c] /= tot1;
        w->own0[c] /= tot0, w->fam0[c] /= tot0;
    }
    *o1 = oth1 / tot1, *o0 = oth0 / tot0;
    *t1 = tot1, *t0 = tot0;
}

static void score(work *w, next_item *it, const int *cur3)
{
    const gl_kb *kb = w->kb;
    double o1, o0, t1, t0;
    marginals(w, it->finding, -1, &o1, &o0, &t1, &t0);
    double p = t1 / (t1 + t0);
    double gain = h2(w->other) - p * h2(o1) - (1 - p) * h2(o0);
    it->up_yes = it->up_no = it->up_out = -1;
    double best_yes = 0.01, best_no = 0.01, best_out = 0;
    for (int c = 0; c < kb->ncond; c++) {
        gain += h2(w->own[c]) - p * h2(w->own1[c]) - (1 - p) * h2(w->own0[c]);
        double now = reported(w, w->own, w->fam, c);
        double y = reported(w, w->own1, w->fam1, c), no = reported(w, w->own0, w->fam0, c);
        if (y - now > best_out && c != cur3[0] && c != cur3[1] && c != cur3[2]) {
            best_out = y - now;
            it->up_out = c;
        }
        if (y - now > best_yes) {
            best_yes = y - now;
            it->up_yes = c;
            it->yes_from = now;
            it->yes_to = y;
        }
        if (no - now > best_no) {
            best_no = no - now;
            it->up_no = c;
            it->no_from = now;
            it->no_to = no;
        }
    }
    int t[3];
    top3(w, w->own1, w->fam1, t);
    it->changes_top3 = !same_set(t, cur3);
    top3(w, w->own0, w->fam0, t);
    it->changes_top3 |= !same_set(t, cur3);
    it->p_yes = p;
    it->gain = gain > 0 ? gain : 0;
}

/* Two-step look-ahead for a question no single answer of which changes the top
 * three: would a yes here, then a yes to the most specific other question for
 * the condition outside the top three this yes raises most, bring that
 * condition into the top three?
 * Risk factors of rare conditions ("recruit training?" before "does hopping
 * hurt?") pay off only together; one step ahead they never look worth asking.
 * Exact for the two-yes path (one more pass over the states). */
static void look_ahead(work *w, next_item *it, const int *spec)
{
    it->then = -1;
    int c = it->up_out;
    if (it->changes_top3 || c < 0)
        return;
    int g = spec[2 * c] != it->finding ? spec[2 * c] : spec[2 * c + 1];
    if (g < 0)
        return;
    double o1, o0, t1, t0;
    marginals(w, g, it->finding, &o1, &o0, &t1, &t0);
    int t[3];
    top3(w, w->own1, w->fam1, t);
    for (int i = 0; i < 3; i++)
        if (t[i] == c || (w->head[c] >= 0 && t[i] == w->head[c]))
            it->then = g;
}

/* Per condition, the two askable findings with the highest likelihood ratio
 * for it (link against the base rate): the "most specific next question"
 * of the look-ahead. spec[2c], spec[2c+1]; -1 when none. */
static void specific_questions(const gl_kb *kb, const next_list *l, int *spec)
{
    double best[2];
    for (int c = 0; c < kb->ncond; c++) {
        spec[2 * c] = spec[2 * c + 1] = -1;
        best[0] = best[1] = 0;
        for (int i = 0; i < l->n; i++) {
            int f = l->item[i].finding;
            double b = kb->find[f].base, lk = kb->link[(size_t)c * (size_t)kb->nfind + (size_t)f];
            if (lk <= 0)
                continue;
            double lr = (b + lk - b * lk) / (b > 1e-6 ? b : 1e-6);
            if (lr > best[0]) {
                best[1] = best[0], spec[2 * c + 1] = spec[2 * c];
                best[0] = lr, spec[2 * c] = f;
            } else if (lr > best[1])
                best[1] = lr, spec[2 * c + 1] = f;
        }
    }
}

/* Findings that can be asked: unknown, linked to some condition or named by a
 * red flag, not derived from age, not a part or a generic form of what is
 * already known, not a cluster that is better asked test by test. */
static bool askable(const gl_kb *kb, const signed char *state, int f, int red_urg)
{
    const kb_finding *k = &kb->find[f];
    if (state[f] || infer_covered(kb, state, f) || !strncmp(k->id, "hx_age_", 7))
        return false;
    /* clusters are asked test by test; a generic "not recorded which" finding
     * is kept (next_pick asks it only after its specific forms went unanswered) */
    if (k->composite >= 0 && kb->comp[k->composite].rule != COMP_GIVEN && kb->comp[k->composite].rule != COMP_ANY)
        return false;
    if (red_urg >= 0)
        return true;
    for (int c = 0; c < kb->ncond; c++)
        if (kb->link[c * kb->nfind + f] > 0)
            return true;
    return infer_inhibited(kb, f); /* a typical negative moves its condition too */
}

static int cmp_items(const void *a, const void *b)
{
    const next_item *x = a, *y = b;
    if (x->red_flag != y->red_flag)
        return x->red_flag ? -1 : 1;
    if (x->red_flag && x->stage != y->stage) /* ask before examining */
        return x->stage - y->stage;
    if (x->red_flag && x->red_urgency != y->red_urgency)
        return y->red_urgency - x->red_urgency;
    if (x->gain != y->gain)
        return x->gain < y->gain ? 1 : -1;
    return x->finding - y->finding;
}

static void work_free(work *w)
{
    infer_states_free(&w->st);
    free(w->own), free(w->fam), free(w->own1), free(w->fam1), free(w->own0), free(w->fam0), free(w->head);
}

int next_rank(const gl_kb *kb, const expr_ctx *ctx, next_list *out)
{
    memset(out, 0, sizeof *out);
    int n = kb->ncond, nf = kb->nfind;
    work w = {kb, {0}, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL};
    double *prior = malloc((size_t)n * sizeof *prior);
    signed char *ev = malloc((size_t)nf);
    int *urg = malloc((size_t)nf * sizeof *urg), *spec = NULL;
    w.own = malloc((size_t)n * sizeof *w.own), w.fam = malloc((size_t)n * sizeof *w.fam);
    w.own1 = malloc((size_t)n * sizeof *w.own1), w.fam1 = malloc((size_t)n * sizeof *w.fam1);
    w.own0 = malloc((size_t)n * sizeof *w.own0), w.fam0 = malloc((size_t)n * sizeof *w.fam0);
    w.head = malloc((size_t)n * sizeof *w.head);
    out->item = calloc((size_t)nf + 1, sizeof *out->item);
    int rc = -1;
    if (!prior || !ev || !urg || !w.own || !w.fam || !w.own1 || !w.fam1 || !w.own0 || !w.fam0 || !w.head ||
        !out->item)
        goto done;
    infer_priors(kb, ctx, prior);
    infer_evidence(kb, ctx->state, ev, NULL);
    double *wt = malloc((size_t)nf * sizeof *wt);
    if (!wt)
        goto done;
    infer_weights(kb, ev, wt);
    if (infer_run(kb, prior, ev, wt, kb->max_k, w.own, w.fam, &w.other) < 0 ||
        infer_run_states(kb, prior, ev, wt, kb->max_k, 1e-5, &w.st) < 0) {
        free(wt);
        goto done;
    }
    free(wt);
    for (int c = 0; c < n; c++)
        w.head[c] = kb->cond[c].family;
    top3(&w, w.own, w.fam, out->top3);
    red_flag_questions(kb, ctx, urg);
    for (int f = 0; f < nf; f++) {
        if (!askable(kb, ctx->state, f, urg[f]))
            continue;
        next_item *it = &out->item[out->n++];
        it->finding = f;
        it->stage = stage_of(&kb->find[f]);
        it->red_flag = urg[f] >= 0 && it->stage != STAGE_TESTS; /* a scan result is not a question */
        it->red_urgency = urg[f];
        score(&w, it, out->top3);
    }
    spec = calloc((size_t)n * 2, sizeof *spec); /* every entry set by specific_questions */
    if (!spec)
        goto done;
    specific_questions(kb, out, spec);
    for (int i = 0; i < out->n; i++)
        look_ahead(&w, &out->item[i], spec);
    qsort(out->item, (size_t)out->n, sizeof *out->item, cmp_items);
    rc = 0;
done:
    free(prior), free(ev), free(urg), free(spec);
    work_free(&w);
    if (rc < 0)
        next_list_free(out);
    return rc;
}

void next_list_free(next_list *l)
{
    free(l->item);
    memset(l, 0, sizeof *l);
}

/* Questions per consultation stage before moving on: a history, then an
 * examination, then at most a few tests (design choice; a clinician's
 * consultation does not take unlimited questions). */
static const int stage_budget[] = {20, 20, 6};
/* ...and questions asked, answered or not: a clinician moves on to the
 * examination after so many history questions even if many went unanswered
 * (red-flag questions are not counted: the screen is never cut short). Set
 * with the simulated patient, who answers "not known" to all the record is
 * silent on: 60/40/15 stopped interviews before the two-step questions for
 * rare conditions came up (textbook cases 110/124 in the top three), 100/80/30
 * reaches 117/124, 200/200/60 119/124 (every full-record hit) at the cost of
 * interviews of 270 questions. Session 6: 100/80/60 - a radiograph the record
 * holds (an old ischial avulsion) was never asked because 30 unanswered scan
 * and block questions came first; 60 reaches it (textbook 118 -> 120/124,
 * vignettes 20 -> 21/26, median questions to the top three 11.5 -> 12). Only
 * the tests stage grows: a clinician skips a test not done with one key. */
static const int stage_asked_budget[] = {100, 80, 60};

/* A generic finding (composite "any") is asked once one of its specific forms
 * was asked: "Does the pain go below the knee?" - "not sure" - "Does it spread
 * into the leg at all?" (the specific question carries more information, so it
 * goes first). Other findings are always ready. */
static bool generic_ready(const gl_kb *kb, int f, const bool *asked)
{
    int c = kb->find[f].composite;
    if (c < 0 || kb->comp[c].rule != COMP_ANY)
        return true;
    for (int j = 0; j < kb->comp[c].ncomp; j++)
        if (asked[kb->comp[c].comp[j]])
            return true;
    return false;
}

/* Within a stage: the core consultation first (kb/screen.tsv), then the
 * better of the most informative red-flag question (always worth asking: a
 * red flag is screened for, not inferred) and the most informative question
 * that could change the top three. Red-flag questions compete on information,
 * so the history flows from the presenting complaint to the screen as the
 * answers make each one relevant. Returns a finding or -1. */
static int pick_in_stage(const gl_kb *kb, const next_list *l, const bool *asked, int stage)
{
    int best = -1, core = -1, flag = -1;
    for (int i = 0; i < l->n; i++) {
        const next_item *it = &l->item[i];
        if (asked[it->finding] || it->stage != stage || !generic_ready(kb, it->finding, asked))
            continue;
        if (kb->screen[it->finding] && (core < 0 || it->gain > l->item[core].gain))
            core = i;
        if (it->red_flag && (flag < 0 || it->gain > l->item[flag].gain))
            flag = i;
        if ((it->changes_top3 || it->then >= 0) && (best < 0 || it->gain > l->item[best].gain))
            best = i;
    }
    if (core >= 0)
        return l->item[core].finding;
    if (flag >= 0 && (best < 0 || l->item[flag].gain >= l->item[best].gain))
        return l->item[flag].finding;
    return best >= 0 ? l->item[best].finding : -1;
}

int next_pick(const gl_kb *kb, const next_list *l, const bool *asked, const bool *grouped, const signed char *state)
{
    int used[3] = {0, 0, 0}, tried[3] = {0, 0, 0}; /* answered / asked per stage */
    bool *red = calloc((size_t)kb->nfind, sizeof *red);
    if (!red)
        return -1;
    for (int i = 0; i < l->n; i++)
        red[l->item[i].finding] = l->item[i].red_flag;
    for (int f = 0; f < kb->nfind; f++)
        if (asked[f] && !(grouped && grouped[f])) {
            tried[stage_of(&kb->find[f])] += !red[f];
            used[stage_of(&kb->find[f])] += state[f] != 0;
        }
    free(red);
    /* the earliest stage with budget and a question worth asking goes first */
    for (int stage = STAGE_HISTORY; stage <= STAGE_TESTS; stage++) {
        if (used[stage] >= stage_budget[stage] || tried[stage] >= stage_asked_budget[stage])
            continue;
        int f = pick_in_stage(kb, l, asked, stage);
        if (f >= 0)
            return f;
    }
    for (int i = 0; i < l->n; i++) /* the red-flag screen is never skipped */
        if (l->item[i].red_flag && l->item[i].stage == STAGE_HISTORY && !asked[l->item[i].finding])
            return l->item[i].finding;
    return -1;
}
