/* infer.c - exact posterior probabilities of coexisting conditions.
 *
 * The model (kb/README.md). Each condition c is present or absent, a priori
 * independently with probability p_c, and at most K are present together. A
 * separate "other cause" state (prior eps) stands for pain from a cause the
 * knowledge base does not model. Findings follow a noisy-OR with leak:
 *
 *     P(f absent | S) = (1 - b_f prod_{c in S} r_cf) * prod_{c in S} (1 - l_cf),
 *
 * with b_f the finding's base rate and l_cf = (sens_cf - b_f) / (1 - b_f) its
 * link to c, so that a patient with c alone shows f with probability sens_cf.
 * A row below the base rate (a typical negative) has no link but scales the
 * leak, r_cf = sens_cf / b_f (else 1): c alone again gives exactly sens_cf.
 * Under "other cause", P(f) = b_f. Findings are independent given the set S
 * (the usual noisy-OR assumption, relaxed twice: a known criteria set replaces
 * its correlated parts before inference, infer_evidence(); and members of a
 * correlation group known together are damped, infer_weights(): their links
 * are shrunk so that each single-condition likelihood ratio becomes LR^w -
 * present: sens' = b (sens/b)^w; absent: 1 - l' = (1 - l)^w. The model stays a
 * noisy-OR, so inference stays exact and as fast).
 *
 * Inference is exact for this model: we enumerate every set S of 1..K
 * conditions (33 conditions: 561 sets for K = 2, 6,017 for K = 3) and "other".
 *   - Absent findings without a leak factor factorise: their product over S
 *     is prod_f (1-b_f) * prod_{c in S} w_c, with w_c = prod_f (1 - l_cf). The
 *     (1-b_f) factor is shared by every state, "other" included, so it cancels
 *     (this is the idea behind Quickscore, Heckerman 1989).
 *   - Present findings, and absent ones with a leak factor, do not: for each S
 *     we take U - b V (absent) or 1 - U + b V (present), U = prod (1 - l_cf),
 *     V = prod r_cf (1 - l_cf), building both products incrementally down the
 *     nested loops so each set costs one pass over these "tracked" findings.
 * The prior of S is (1 - eps) * pi_k * prod_{c in S} odds_c / e_k(odds), with
 * k = |S|: pi_k (kb/model.tsv size_prior) is the probability that exactly k
 * conditions are present, and within one size the sets are weighted by their
 * conditions' prior odds (e_k, the elementary symmetric polynomial, normalises
 * them). Independent priors alone would give two- and three-condition sets
 * about 45% of the mass when the priors sum above 1; measured co-occurrence
 * (about one patient in five has two sources, Sembrano & Polly 2009) is much
 * lower, and without this a pair of common conditions "explains" a case
 * piecemeal and dilutes the one diagnosis that explains it all.
 * Weights are accumulated in log space with a running maximum, so nothing
 * underflows however many findings a case lists.
 *
 * Explaining away falls out of the model: once S contains a condition that
 * explains a finding, adding a second condition barely raises P(f | S).
 * tests/test_infer.c checks this file against brute-force enumeration. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "infer.h"

void infer_priors(const gl_kb *kb, const expr_ctx *ctx, double *prior)
{
    for (int c = 0; c < kb->ncond; c++) {
        double p = kb->cond[c].prior[ctx->setting];
        double odds = p / (1.0 - p);
        for (int m = 0; m < kb->nmod; m++)
            if (kb->mod[m].cond == c && expr_eval(kb->mod[m].when, ctx))
                odds *= kb->mod[m].odds;
        p = odds / (1.0 + odds);
        prior[c] = p < 1e-9 ? 1e-9 : p > 0.999 ? 0.999 : p;
    }
}

static int needed(const kb_composite *k)
{
    return k->rule == COMP_ANY ? 1 : k->rule == COMP_ALL ? k->ncomp : k->rule;
}

void infer_evidence(const gl_kb *kb, const signed char *state, signed char *ev, int *via)
{
    memcpy(ev, state, (size_t)kb->nfind);
    if (via)
        for (int f = 0; f < kb->nfind; f++)
            via[f] = -1;
    bool *consumed = calloc((size_t)kb->nfind, sizeof *consumed);
    if (!consumed)
        return; /* worst case: components and composites both count */
    for (int i = 0; i < kb->ncomp; i++) {
        const kb_composite *k = &kb->comp[i];
        int pos, neg;
        kb_comp_tally(k, state, &pos, &neg);
        if (k->rule == COMP_ANY) {
            /* a generic finding ("SLR or slump, not recorded which"): the
             * specific tests carry the evidence once one is known present, or
             * all are known */
            if (state[k->finding] && (pos > 0 || neg == k->ncomp)) {
                ev[k->finding] = 0;
                if (via)
                    for (int j = 0; j < k->ncomp; j++)
                        if (state[k->comp[j]])
                            via[k->finding] = k->comp[j];
            }
            continue;
        }
        signed char v = state[k->finding];
        if (!v && k->rule != COMP_GIVEN) {
            if (pos >= needed(k))
                v = 1;
            else if (k->ncomp - neg < needed(k))
                v = -1;
        }
        if (!v)
            continue;
        bool overlap = false;
        for (int j = 0; j < k->ncomp; j++)
            overlap |= consumed[k->comp[j]];
        if (overlap) { /* an earlier composite already counts these parts */
            ev[k->finding] = 0;
            continue;
        }
        ev[k->finding] = v;
        for (int j = 0; j < k->ncomp; j++) {
            consumed[k->comp[j]] = true;
            if (ev[k->comp[j]] && via)
                via[k->comp[j]] = k->finding;
            ev[k->comp[j]] = 0;
        }
    }
    free(consumed);
}

void infer_weights(const gl_kb *kb, const signed char *ev, double *w)
{
    for (int f = 0; f < kb->nfind; f++)
        w[f] = 1.0;
    for (int g = 0; g < kb->ncorr; g++) {
        int known = 0;
        for (int i = 0; i < kb->corr[g].n; i++)
            known += ev[kb->corr[g].member[i]] != 0;
        if (known >= 2)
            for (int i = 0; i < kb->corr[g].n; i++)
                w[kb->corr[g].member[i]] = kb->corr[g].weight;
    }
}

/* The link actually used for finding f observed present/absent at weight w. */
static double damped_link(double l, double b, int present, double w)
{
    if (w >= 1.0 || l <= 0)
        return l;
    if (!present)
        return 1.0 - pow(1.0 - l, w);
    double sens = b + (1.0 - b) * l;
    return b * (pow(sens / b, w) - 1.0) / (1.0 - b);
}

/* The leak factor likewise: the single-condition LR r (present) or
 * (1 - b r)/(1 - b) (absent) becomes LR^w. */
static double damped_inhib(double r, double b, int present, double w)
{
    if (w >= 1.0 || r >= 1.0)
        return r;
    if (present)
        return pow(r, w);
    return (1.0 - (1.0 - b) * pow((1.0 - b * r) / (1.0 - b), w)) / b;
}

static double inhib_of(const gl_kb *kb, int c, int f)
{
    return kb->inhib ? kb->inhib[(size_t)c * (size_t)kb->nfind + (size_t)f] : 1.0;
}

/* The leak factor applied to an observed finding. The presenting complaint
 * (model.tsv entry_finding) when present is what the priors are conditioned
 * on (priors.tsv: "a patient presenting with buttock / posterior hip pain"),
 * so its rows below the base rate do not count it a second time; absent, it
 * is a departure from the complaint the rows do describe. */
static double observed_inhib(const gl_kb *kb, int c, int f, int present)
{
    return present && f == kb->entry ? 1.0 : inhib_of(kb, c, f);
}

double infer_lr(const gl_kb *kb, int c, int f, int present)
{
    double b = kb->find[f].base, l = kb->link[c * kb->nfind + f];
    double p = 1.0 - (1.0 - l) * (1.0 - b * observed_inhib(kb, c, f, present));
    return present ? p / b : (1.0 - p) / (1.0 - b);
}

bool infer_inhibited(const gl_kb *kb, int f)
{
    for (int c = 0; kb->inhib && c < kb->ncond; c++)
        if (kb->inhib[(size_t)c * (size_t)kb->nfind + (size_t)f] < 1.0)
            return true;
    return false;
}

/* Accumulators with a running maximum of the log weight. */
typedef struct acc {
    double max, total, other;
    double *post, *fam;
    int n;
    infer_states *rec; /* when set: every state's log weight is recorded too */
    bool oom;
} acc;

static void record(acc *a, double logw, const int *members, int k)
{
    infer_states *st = a->rec;
    if (st->n == st->cap) {
        int cap = st->cap ? st->cap * 2 : 1024;
        infer_state *ns = realloc(st->s, (size_t)cap * sizeof *ns);
        if (!ns) {
            a->oom = true;
            return;
        }
        st->s = ns;
        st->cap = cap;
    }
    infer_state *x = &st->s[st->n++];
    x->k = (short)k;
    for (int i = 0; i < k; i++)
        x->member[i] = (short)members[i];
    x->w = logw; /* normalised in infer_run_states */
}

/* Credit weight w to each member and, once, to each umbrella family it touches. */
static void add_members(acc *a, double w, const int *members, int k, const int *head)
{
    int seen[8], nseen = 0;
    for (int i = 0; i < k; i++) {
        a->post[members[i]] += w;
        int h = head[members[i]];
        if (h < 0)
            continue;
        bool dup = false;
        for (int j = 0; j < nseen; j++)
            dup |= seen[j] == h;
        if (!dup) {
            seen[nseen++] = h;
            a->fam[h] += w;
        }
    }
}

static void acc_add(acc *a, double logw, const int *members, int k, const int *head)
{
    if (a->rec)
        record(a, logw, members, k);
    if (logw > a->max) {
        double s = exp(a->max - logw);
        a->total *= s;
        a->other *= s;
        for (int i = 0; i < a->n; i++) {
            a->post[i] *= s;
            a->fam[i] *= s;
        }
        a->max = logw;
    }
    double w = exp(logw - a->max);
    a->total += w;
    if (k == 0) {
        a->other += w;
        return;
    }
    add_members(a, w, members, k, head);
}

/* Linear-domain accumulation (weights already relative to a common reference). */
static void acc_add_linear(acc *a, double w, const int *members, int k, const int *head)
{
    /* record only states that can matter: below 1e-13 of the running total a
     * state is far under any keep threshold (keeps memory flat on huge KBs) */
    if (a->rec && (k == 0 || w > 1e-13 * a->total))
        record(a, log(w), members, k);
    a->total += w;
    add_members(a, w, members, k, head);
}

typedef struct enum_ctx {
    int n, m, K;
    const double *a;   /* per condition: log odds + log w_c (absent findings) */
    const double *Q;   /* n x m: 1 - link for each tracked finding */
    const double *R;   /* n x m: leak factor r times (1 - link) */
    const double *tb;  /* per tracked finding: its base rate */
    const double *omb, *alpha, *sgn; /* per tracked finding: 1 - b; likelihood = alpha + sgn (U - b V) */
    int mp;            /* the first mp tracked are present with no leak factor: V = U */
    const double *E;   /* linear path: per condition exp(a_c - amax), else NULL */
    const double *B;   /* linear path: per set size exp(base_log + k amax - M) */
    double Bmax[9];    /* linear path: max of B over this size and larger */
    double *A, *V;     /* (K+1) x m partial products of Q and of R */
    const double *base_log; /* per set size k: log((1 - eps) * pi_k / e_k) */
    const int *ord;    /* visiting order of conditions: heaviest (largest a) first */
    const int *head;
    acc *acc;
    int members[8];
} enum_ctx;

/* The tracked findings' likelihood for one set from its products U = prod
 * (1 - l) and V = prod r (1 - l): P(absent) = U - b V, P(present) = 1 - U +
 * b V, written alpha + sgn (U - b V). The first mp findings (present, no leak
 * factor) have V = U: 1 - (1 - b) U. The linear path multiplies these; the log
 * path (extreme ranges, rare) sums their logs in chunks so nothing underflows. */
static double tracked_log(const enum_ctx *e, const double *U, const double *V)
{
    double s = 0.0, prod = 1.0;
    for (int j = 0; j < e->m; j++) {
        prod *= j < e->mp ? 1.0 - (1.0 - e->tb[j]) * U[j] : e->alpha[j] + e->sgn[j] * (U[j] - e->tb[j] * V[j]);
        if ((j & 31) == 31) {
            s += log(prod);
            prod = 1.0;
        }
    }
    return s + log(prod);
}

/* Linear path: extend the parent's products by condition (q, r) and return the
 * set's likelihood; the new products are stored only above the deepest level. */
static double extend_linear(const enum_ctx *e, const double *pu, const double *pv, const double *q,
                            const double *r, double *cu, double *cv, bool leaf)
{
    double prod = 1.0;
    int j = 0;
    if (leaf) {
        for (; j < e->mp; j++)
            prod *= 1.0 - e->omb[j] * pu[j] * q[j];
        for (; j < e->m; j++)
            prod *= e->alpha[j] + e->sgn[j] * (pu[j] * q[j] - e->tb[j] * pv[j] * r[j]);
        return prod;
    }
    for (; j < e->mp; j++) {
        cu[j] = pu[j] * q[j];
        prod *= 1.0 - e->omb[j] * cu[j];
    }
    for (; j < e->m; j++) {
        cu[j] = pu[j] * q[j];
        cv[j] = pv[j] * r[j];
        prod *= e->alpha[j] + e->sgn[j] * (cu[j] - e->tb[j] * cv[j]);
    }
    return prod;
}

/* Depth-first over sets in increasing index order; level d holds the products
 * over the d chosen conditions of (1 - l) in A[d] and of r (1 - l) in V[d]. */
static void enumerate(enum_ctx *e, int d, int from, double loga)
{
    size_t m = (size_t)e->m;
    const double *pu = e->A + (size_t)d * m, *pv = e->V + (size_t)d * m;
    double *cu = e->A + (size_t)(d + 1) * m, *cv = e->V + (size_t)(d + 1) * m;
    bool leaf = d + 1 == e->K;
    for (int ci = from; ci < e->n; ci++) {
        int c = e->ord[ci];
        const double *q = e->Q + (size_t)c * m, *r = e->R + (size_t)c * m;
        e->members[d] = c;
        double lin = 0;
        if (e->E) { /* linear domain: loga carries the product of E factors */
            lin = loga * e->E[c];
            /* no state below can weigh more than Bmax * lin: skip a subtree that
             * cannot move the total by 1e-16 (error < 1e-12 over all states) */
            if (e->Bmax[d + 1] * lin < 1e-16 * e->acc->total)
                continue;
        }
        double la = loga + e->a[c];
        if (e->E)
            acc_add_linear(e->acc, e->B[d + 1] * lin * extend_linear(e, pu, pv, q, r, cu, cv, leaf), e->members,
                           d + 1, e->head);
        else {
            for (size_t j = 0; j < m; j++) {
                cu[j] = pu[j] * q[j];
                cv[j] = pv[j] * r[j];
            }
            acc_add(e->acc, e->base_log[d + 1] + la + tracked_log(e, cu, cv), e->members, d + 1, e->head);
        }
        if (!leaf)
            enumerate(e, d + 1, ci + 1, e->E ? lin : la);
    }
}

/* Fill a (per condition: log prior odds + the absent findings that factorise)
 * and, for each tracked finding j (present, or absent with a leak factor
 * somewhere), Q = 1 - link and R = r (1 - link); correlated findings damped.
 * `trk[f]` marks the tracked absent findings. */
static void build_factors(const gl_kb *kb, const double *prior, const signed char *ev, const double *w,
                          const int *pos, int m, const bool *trk, double *a, double *Q, double *R)
{
    int nf = kb->nfind;
    for (int c = 0; c < kb->ncond; c++) {
        double la = log(prior[c] / (1.0 - prior[c]));
        const double *link = kb->link + (size_t)c * (size_t)nf;
        for (int f = 0; f < nf; f++)
            if (ev[f] < 0 && !trk[f] && link[f] > 0)
                la += log1p(-damped_link(link[f], kb->find[f].base, 0, w ? w[f] : 1.0));
        a[c] = la;
        for (int j = 0; j < m; j++) {
            int f = pos[j], present = ev[f] > 0;
            double b = kb->find[f].base, wf = w ? w[f] : 1.0;
            double q = 1.0 - damped_link(link[f], b, present, wf);
            Q[(size_t)c * (size_t)m + (size_t)j] = q;
            R[(size_t)c * (size_t)m + (size_t)j] = q * damped_inhib(observed_inhib(kb, c, f, present), b, present, wf);
        }
    }
}

/* Linear-domain pass: every factor is taken relative to one reference so a
 * state's weight is a plain product (no exp or log per state). Returns false
 * when the ranges are too wide for doubles; the caller then uses logs. */
static bool try_linear(enum_ctx *ec, double lother, double *E, double *B)
{
    int n = ec->n, K = ec->K;
    double amax = -INFINITY, amin = INFINITY, M = -INFINITY;
    for (int c = 0; c < n; c++) {
        amax = fmax(amax, ec->a[c]);
        amin = fmin(amin, ec->a[c]);
    }
    for (int k = 1; k <= K; k++)
        M = fmax(M, ec->base_log[k] + k * amax);
    if (ec->m > 48 || amax - amin > 600 || lother - M > 600 || !isfinite(M))
        return false;
    for (int c = 0; c < n; c++)
        E[c] = exp(ec->a[c] - amax);
    for (int k = 1; k <= K; k++)
        B[k] = exp(ec->base_log[k] + k * amax - M);
    ec->Bmax[K + 1] = 0;
    for (int k = K; k >= 1; k--)
        ec->Bmax[k] = fmax(B[k], ec->Bmax[k + 1]);
    acc *ac = ec->acc;
    ac->max = 0.0; /* recorded log weights are relative to the reference */
    double wo = exp(lother - M);
    acc_add_linear(ac, wo, NULL, 0, ec->head);
    ac->other += wo;
    ec->E = E;
    ec->B = B;
    enumerate(ec, 0, 0, 1.0);
    ec->E = NULL;
    return ac->total > 0 && isfinite(ac->total) && !ac->oom;
}

static int run(const gl_kb *kb, const double *prior, const signed char *ev, const double *w, int max_k,
               double *post, double *fam, double *other, infer_states *rec)
{
    int n = kb->ncond, nf = kb->nfind, m = 0;
    int K = max_k < 1 ? 1 : max_k > n ? n : max_k;
    if (K > 7)
        K = 7;
    /* tracked per set: present findings, and absent ones some condition makes
     * rarer than the base rate (their leak factor does not factorise) */
    bool *trk = calloc(2 * ((size_t)nf + 1), sizeof *trk), *inh = trk + nf + 1;
    if (!trk)
        return -1;
    for (int f = 0; f < nf; f++) {
        inh[f] = ev[f] && infer_inhibited(kb, f); /* some condition makes f rarer than its base rate */
        trk[f] = ev[f] < 0 && inh[f];
        m += ev[f] > 0 || trk[f];
    }
    int *pos = malloc((size_t)(m + 1) * sizeof *pos);
    double *a = malloc((size_t)n * sizeof *a), *E = malloc((size_t)n * sizeof *E);
    double *Q = malloc(((size_t)n * (size_t)m + 1) * sizeof *Q), *R = malloc(((size_t)n * (size_t)m + 1) * sizeof *R);
    double *A = malloc(((size_t)(K + 1) * (size_t)m + 1) * sizeof *A);
    double *V = malloc(((size_t)(K + 1) * (size_t)m + 1) * sizeof *V), *tb = malloc(((size_t)m + 1) * 4 * sizeof *tb);
    int *head = malloc((size_t)n * sizeof *head);
    double *e = calloc((size_t)K + 1, sizeof *e);
    int *ord = malloc((size_t)n * sizeof *ord);
    if (!pos || !a || !E || !Q || !R || !A || !V || !tb || !head || !e || !ord) {
        free(trk), free(pos), free(a), free(E), free(Q), free(R), free(A), free(V), free(tb);
        free(head), free(e), free(ord);
        return -1;
    }
    int mtot = m, mp = 0;
    double *omb = tb + mtot + 1, *alpha = omb + mtot + 1, *sgn = alpha + mtot + 1;
    m = 0; /* present findings without a leak factor first (extend_linear's fast path) */
    for (int pass = 0; pass < 2; pass++)
        for (int f = 0; f < nf; f++) {
            bool plain = ev[f] > 0 && (f == kb->entry || !inh[f]);
            if ((ev[f] > 0 || trk[f]) && plain == (pass == 0)) {
                tb[m] = kb->find[f].base;
                omb[m] = 1.0 - tb[m];
                alpha[m] = ev[f] > 0 ? 1.0 : 0.0;
                sgn[m] = ev[f] > 0 ? -1.0 : 1.0;
                pos[m++] = f;
                mp += plain;
            }
        }
    /* e_k: elementary symmetric polynomials of the prior odds */
    e[0] = 1.0;
    for (int c = 0; c < n; c++) {
        double odds = prior[c] / (1.0 - prior[c]);
        for (int k = K; k >= 1; k--)
            e[k] += e[k - 1] * odds;
        head[c] = kb->cond[c].family;
    }
    build_factors(kb, prior, ev, w, pos, m, trk, a, Q, R);
    for (int c = 0; c < n; c++) { /* insertion sort by a, largest first (n is small) */
        int k = c;
        while (k > 0 && a[ord[k - 1]] < a[c]) {
            ord[k] = ord[k - 1];
            k--;
        }
        ord[k] = c;
    }
    double eps = kb->other_prior, base_log[8] = {0}, B[8] = {0}, pisum = 0;
    for (int k = 1; k <= K; k++) /* a caller limiting K renormalises the size prior */
        pisum += kb->size_prior[k];
    for (int k = 1; k <= K; k++)
        base_log[k] = log1p(-eps) + log(kb->size_prior[k] / pisum) - log(e[k]);
    /* "other cause": every tracked finding at its base rate */
    double lother = log(eps);
    for (int j = 0; j < m; j++)
        lother += log(alpha[j] > 0 ? tb[j] : 1.0 - tb[j]);
    for (int j = 0; j < m; j++)
        A[j] = V[j] = 1.0;
    acc ac = {-INFINITY, 0, 0, post, fam, n, rec, false};
    memset(post, 0, (size_t)n * sizeof *post);
    memset(fam, 0, (size_t)n * sizeof *fam);
    enum_ctx ec = {n, m, K, a, Q, R, tb, omb, alpha, sgn, mp, NULL, NULL, {0}, A, V, base_log, ord, head, &ac, {0}};
    if (!try_linear(&ec, lother, E, B)) { /* extreme ranges: the same sums in logs */
        ac = (acc){-INFINITY, 0, 0, post, fam, n, rec, false};
        memset(post, 0, (size_t)n * sizeof *post);
        memset(fam, 0, (size_t)n * sizeof *fam);
        if (rec)
            rec->n = 0;
        acc_add(&ac, lother, NULL, 0, head);
        enumerate(&ec, 0, 0, 0.0);
    }
    for (int c = 0; c < n; c++) {
        post[c] /= ac.total;
        fam[c] = head[c] == c ? fam[c] / ac.total : post[c];
    }
    *other = ac.other / ac.total;
    free(trk), free(pos), free(a), free(E), free(Q), free(R), free(A), free(V), free(tb);
    free(head), free(e), free(ord);
    if (rec && !ac.oom) /* turn recorded log weights into posterior probabilities */
        for (int i = 0; i < rec->n; i++)
            rec->s[i].w = exp(rec->s[i].w - ac.max) / ac.total;
    return ac.oom ? -1 : 0;
}

int infer_run(const gl_kb *kb, const double *prior, const signed char *ev, const double *w, int max_k,
              double *post, double *fam, double *other)
{
    return run(kb, prior, ev, w, max_k, post, fam, other, NULL);
}

int infer_run_states(const gl_kb *kb, const double *prior, const signed char *ev, const double *w, int max_k,
                     double keep, infer_states *out)
{
    memset(out, 0, sizeof *out);
    int n = kb->ncond;
    double *post = malloc((size_t)n * sizeof *post), *fam = malloc((size_t)n * sizeof *fam), other;
    int rc = post && fam ? run(kb, prior, ev, w, max_k, post, fam, &other, out) : -1;
    free(post);
    free(fam);
    if (rc < 0) {
        infer_states_free(out);
        return -1;
    }
    int kept = 0; /* drop negligible states: they cannot change a ranking */
    for (int i = 0; i < out->n; i++) {
        if (out->s[i].w >= keep || out->s[i].k == 0)
            out->s[kept++] = out->s[i];
        else
            out->dropped += out->s[i].w;
    }
    out->n = kept;
    return 0;
}

void infer_states_free(infer_states *st)
{
    free(st->s);
    memset(st, 0, sizeof *st);
}
