/* localize.c - ranks lesion sites (roots L2-S4, lumbosacral plexus, peripheral
 * nerves) by how well they explain a case's neurological findings.
 *
 * Scoring method (a likelihood per site, the way a clinician reasons from a
 * myotome/dermatome chart):
 *
 *   q(s, e)   probability that a lesion at site s affects tested structure e
 *             (a muscle with one test, a skin area, a reflex arc, an EMG/NCS
 *             test or a diagnostic block; kb/anatomy/ tables):
 *             - root site R: root_main if R is a predominant root of e,
 *               root_minor if a minor one, 0 otherwise (or an explicit value);
 *             - nerve/plexus site: the q the site lists for the closest
 *               ancestor of e's nerve in the nerve tree, 0 when none; a
 *               "local" segment (fibular head, sciatic at the piriformis) is
 *               affected only by a site that lists that segment itself;
 *             times the row's weight (a less sensitive test: atrophy, manual
 *             testing of the hamstrings).
 *   P_s(f)    = 1 - (1 - base_f) * (1 - max_e q(s, e)) over the structures e
 *             that finding f tests: a noisy-OR with the finding's own leak
 *             (findings*.tsv base_rate), as the differential uses.
 *   L(s)      = product over known findings of P_s(f) (present) or 1 - P_s(f)
 *             (documented absent): a normal finding counts against every site
 *             that should have affected it; unknown findings count for nothing.
 *
 * One more hypothesis, "no focal lesion", has q = 0 everywhere. With a uniform
 * prior over sites (no_lesion_prior weights the last hypothesis) the shares are
 * L(s) normalised. Ties (a site whose extra territory was not examined) go to
 * the site predicting the smaller territory: the most parsimonious lesion.
 * The model assumes one lesion on one side; a bilateral finding is flagged.
 * The shares are relative fit among these sites, not a diagnosis: they feed the
 * differential only as a reported "supports" line, never the posteriors. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "case/case.h"
#include "localize.h"

#define NHYP(l) ((l)->an->nsite + 1)

/* q of site s on the nerve node `node` (closest listed ancestor wins). */
static double node_q(const loc_anatomy *an, const loc_site *s, int node)
{
    bool local = node >= 0 && an->node[node].local;
    for (int n = node; n >= 0; n = an->node[n].parent) {
        for (int i = 0; i < s->ninv; i++)
            if (s->inv_node[i] == n)
                return s->inv_q[i];
        if (local)
            break;
    }
    return 0;
}

static double elem_q(const loc_anatomy *an, int site, const loc_elem *e)
{
    const loc_site *s = &an->site[site];
    double q = s->root >= 0 ? e->root[s->root] : node_q(an, s, e->node);
    return q * e->weight;
}

/* The distinct findings the anatomy tests, in table order. */
static bool collect_findings(gl_localization *l)
{
    const loc_anatomy *an = l->an;
    l->use = malloc((size_t)an->nelem * sizeof *l->use);
    if (!l->use)
        return false;
    for (int i = 0; i < an->nelem; i++) {
        int f = an->elem[i].finding;
        bool seen = f < 0;
        for (int j = 0; j < l->nuse && !seen; j++)
            seen = l->use[j] == f;
        if (!seen)
            l->use[l->nuse++] = f;
    }
    return true;
}

/* P(finding present | hypothesis) for every hypothesis and used finding. */
static void fill_probabilities(gl_localization *l)
{
    const loc_anatomy *an = l->an;
    for (int h = 0; h < NHYP(l); h++)
        for (int u = 0; u < l->nuse; u++) {
            double q = 0;
            int best = -1;
            for (int e = 0; e < an->nelem && h < an->nsite; e++) {
                if (an->elem[e].finding != l->use[u])
                    continue;
                double x = elem_q(an, h, &an->elem[e]);
                if (x > q) {
                    q = x;
                    best = e;
                }
            }
            double base = l->kb->find[l->use[u]].base;
            l->p[h * l->nuse + u] = 1 - (1 - base) * (1 - q);
            l->best[h * l->nuse + u] = best;
        }
}

static void score(gl_localization *l)
{
    double max = -INFINITY, sum = 0;
    for (int h = 0; h < NHYP(l); h++) {
        double s = 0;
        for (int u = 0; u < l->nuse; u++) {
            signed char v = l->state[l->use[u]];
            double p = l->p[h * l->nuse + u];
            s += v > 0 ? log(p) : v < 0 ? log1p(-p) : 0;
        }
        l->logl[h] = s;
        if (s > max)
            max = s;
    }
    for (int h = 0; h < NHYP(l); h++) {
        double prior = h == l->an->nsite ? l->an->no_lesion_prior : 1;
        l->share[h] = prior * exp(l->logl[h] - max);
        sum += l->share[h];
    }
    for (int h = 0; h < NHYP(l); h++)
        l->share[h] /= sum;
}

/* Predicted territory of a site: the sum of its involvement over the findings. */
static double footprint(const gl_localization *l, int s)
{
    double t = 0;
    for (int u = 0; u < l->nuse; u++)
        t += l->p[s * l->nuse + u] - l->p[l->an->nsite * l->nuse + u];
    return t;
}

static bool ranks_before(const gl_localization *l, int a, int b)
{
    double d = l->logl[a] - l->logl[b];
    if (fabs(d) > 1e-9)
        return d > 0;
    double fa = footprint(l, a), fb = footprint(l, b);
    if (fabs(fa - fb) > 1e-9)
        return fa < fb;
    return a < b;
}

static void rank_sites(gl_localization *l)
{
    int n = l->an->nsite;
    for (int i = 0; i < n; i++) {
        int x = i, k = i;
        while (k > 0 && ranks_before(l, x, l->order[k - 1])) {
            l->order[k] = l->order[k - 1];
            k--;
        }
        l->order[k] = x;
    }
}

static void count_known(gl_localization *l)
{
    for (int u = 0; u < l->nuse; u++) {
        l->npresent += l->state[l->use[u]] > 0;
        l->nabsent += l->state[l->use[u]] < 0;
    }
    static const char *bilateral[] = {"ex_saddle_sensory_loss", "sx_bilateral_leg_symptoms", "sx_saddle_anesthesia"};
    for (size_t i = 0; i < sizeof bilateral / sizeof *bilateral; i++) {
        int f = kb_find(l->kb, bilateral[i]);
        l->bilateral |= f >= 0 && l->state[f] > 0;
    }
}

static bool alloc_arrays(gl_localization *l, const signed char *state, const char *case_id)
{
    size_t nh = (size_t)NHYP(l), nu = (size_t)l->nuse;
    l->state = malloc((size_t)l->kb->nfind);
    l->p = malloc(nh * (nu ? nu : 1) * sizeof *l->p);
    l->best = malloc(nh * (nu ? nu : 1) * sizeof *l->best);
    l->logl = calloc(nh, sizeof *l->logl); /* every entry is set in score(); zeroed for the analyser */
    l->share = malloc(nh * sizeof *l->share);
    l->order = malloc(nh * sizeof *l->order);
    l->case_id = case_id ? strdup(case_id) : NULL;
    if (!l->state || !l->p || !l->best || !l->logl || !l->share || !l->order || (case_id && !l->case_id))
        return false;
    memcpy(l->state, state, (size_t)l->kb->nfind);
    return true;
}

/* The anatomy tables are parsed once per knowledge base (kb_cache). */
static void *build_anatomy(const gl_kb *kb, gl_error *err) { return anatomy_load(kb, err); }

static void destroy_anatomy(void *p)
{
    loc_anatomy *an = p;
    anatomy_free(&an);
}

gl_localization *localize_state(const gl_kb *kb, const signed char *state, const char *case_id, gl_error *err)
{
    gl_localization *l = calloc(1, sizeof *l);
    if (!l) {
        err_set(err, GL_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        return NULL;
    }
    l->kb = kb;
    if (!(l->an = kb_cache(kb, KB_CACHE_ANATOMY, build_anatomy, destroy_anatomy, err))) {
        gl_localization_free(&l);
        return NULL;
    }
    if (!collect_findings(l) || !alloc_arrays(l, state, case_id)) {
        err_set(err, GL_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        gl_localization_free(&l);
        return NULL;
    }
    fill_probabilities(l);
    count_known(l);
    score(l);
    rank_sites(l);
    return l;
}

/* ---- explanations ---- */
static double obs_logp(const gl_localization *l, int h, int u)
{
    double p = l->p[h * l->nuse + u];
    return l->state[l->use[u]] > 0 ? log(p) : log1p(-p);
}

/* Keep (u, v) in out/val, sorted by v descending, at most max entries. */
static int insert_top(int *out, double *val, int n, int max, int u, double v)
{
    if (max <= 0 || (n == max && val[n - 1] >= v))
        return n;
    int k = n < max ? n++ : max - 1;
    while (k > 0 && val[k - 1] < v) {
        out[k] = out[k - 1];
        val[k] = val[k - 1];
        k--;
    }
    out[k] = u;
    val[k] = v;
    return n;
}

int localize_reasons(const gl_localization *l, int a, int b, loc_reason *out, int max)
{
    int us[16], n = 0;
    double val[16];
    max = max > 16 ? 16 : max;
    for (int u = 0; u < l->nuse; u++) {
        if (!l->state[l->use[u]])
            continue;
        double llr = obs_logp(l, a, u) - obs_logp(l, b, u);
        if (llr >= 0.1) /* under 1.1-fold is not a reason */
            n = insert_top(us, val, n, max, u, llr);
    }
    for (int i = 0; i < n; i++)
        out[i] = (loc_reason){us[i], val[i]};
    return n;
}

int localize_separators(const gl_localization *l, int a, int b, int *out_use, int max)
{
    int n = 0;
    double val[16];
    max = max > 16 ? 16 : max;
    for (int u = 0; u < l->nuse; u++) {
        if (l->state[l->use[u]])
            continue;
        double g = fabs(l->p[a * l->nuse + u] - l->p[b * l->nuse + u]);
        if (g >= 0.15)
            n = insert_top(out_use, val, n, max, u, g);
    }
    return n;
}

/* Likelihood ratio of the top site over the best-ranked site that supports a
 * condition outside the top site's family (or none); *next_site receives that
 * site (-1 if none). */
double localize_margin(const gl_localization *l, int *next_site)
{
    int top = l->order[0], ct = l->an->site[top].supports;
    *next_site = -1;
    for (int i = 1; i < l->an->nsite; i++) {
        int s = l->order[i], cs = l->an->site[s].supports;
        if (ct < 0 || cs < 0 || !gl_kb_same_family(l->kb, ct, cs)) {
            *next_site = s;
            return exp(l->logl[top] - l->logl[s]);
        }
    }
    return INFINITY;
}

/* ---- public API ---- */
gl_localization *gl_localize(const gl_kb *kb, const gl_case *c, gl_error *err)
{
    if (!kb || !c) {
        err_set(err, GL_ERR_USAGE, NULL, 0, NULL, "gl_localize: knowledge base and case are required");
        return NULL;
    }
    return localize_state(kb, c->state, c->id, err);
}

void gl_localization_free(gl_localization **lp)
{
    if (!lp || !*lp)
        return;
    gl_localization *l = *lp; /* l->an belongs to the knowledge base's cache */
    free(l->case_id);
    free(l->state);
    free(l->use);
    free(l->best);
    free(l->p);
    free(l->logl);
    free(l->share);
    free(l->order);
    free(l);
    *lp = NULL;
}

int gl_localization_site_count(const gl_localization *l) { return l ? l->an->nsite : 0; }

static int site_at(const gl_localization *l, int rank)
{
    return l && rank >= 1 && rank <= l->an->nsite ? l->order[rank - 1] : -1;
}

const char *gl_localization_site(const gl_localization *l, int rank)
{
    int s = site_at(l, rank);
    return s < 0 ? NULL : l->an->site[s].id;
}

double gl_localization_share(const gl_localization *l, int rank)
{
    int s = site_at(l, rank);
    return s < 0 ? 0 : l->share[s];
}

const char *gl_localization_supports(const gl_localization *l, int rank)
{
    int s = site_at(l, rank);
    return s < 0 || l->an->site[s].supports < 0 ? NULL : l->kb->cond[l->an->site[s].supports].id;
}

int gl_localization_findings_present(const gl_localization *l) { return l ? l->npresent : 0; }
