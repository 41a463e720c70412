/* test_infer.c - the inference engine against brute-force enumeration on
 * random small knowledge bases, plus properties a clinician relies on. The
 * reference below is deliberately naive: it multiplies P(f | S) for every
 * known finding (absent ones included) over every allowed set S, with
 * P(f absent | S) = (1 - b prod r_c) prod (1 - l_c), each single-condition
 * likelihood ratio damped to LR^w. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "infer/infer.h"

void test_infer(void);

static unsigned rng_state = 12345u;
static double rnd(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return ((rng_state >> 8) & 0xffffff) / (double)0x1000000;
}

/* A synthetic knowledge base in memory: n conditions, m findings. */
typedef struct synth {
    gl_kb kb;
    kb_condition cond[10];
    kb_finding find[14];
    double link[10 * 14];
    double inhib[10 * 14];
} synth;

static void make_synth(synth *s, int n, int m, double link_density)
{
    memset(s, 0, sizeof *s);
    s->kb.ncond = n;
    s->kb.nfind = m;
    s->kb.cond = s->cond;
    s->kb.find = s->find;
    s->kb.link = s->link;
    s->kb.inhib = s->inhib;
    s->kb.entry = -1; /* no presenting-complaint finding */
    s->kb.other_prior = 0.02 + 0.2 * rnd();
    double sum = 0; /* random prior on the number of coexisting conditions */
    for (int k = 1; k <= 7; k++)
        sum += s->kb.size_prior[k] = 0.05 + rnd();
    for (int k = 1; k <= 7; k++)
        s->kb.size_prior[k] /= sum;
    for (int c = 0; c < n; c++) {
        s->cond[c].parent = s->cond[c].family = -1;
        s->cond[c].prior[SET_PMR] = 0.01 + 0.4 * rnd();
    }
    if (n >= 3) { /* one umbrella family: 0 heads 1 and 2 */
        s->cond[0].has_children = true;
        s->cond[0].family = 0;
        s->cond[1].parent = s->cond[2].parent = 0;
        s->cond[1].family = s->cond[2].family = 0;
    }
    for (int f = 0; f < m; f++) {
        s->find[f].base = 0.005 + 0.5 * rnd();
        for (int c = 0; c < n; c++) { /* a link, a typical negative (leak factor) or neither */
            double u = rnd();
            s->link[c * m + f] = u < link_density ? 0.95 * rnd() : 0.0;
            s->inhib[c * m + f] = u >= link_density && u < link_density + 0.25 ? 0.05 + 0.9 * rnd() : 1.0;
        }
    }
}

static void brute(const gl_kb *kb, const double *prior, const signed char *ev, const double *wt, int K,
                  double *post, double *fam, double *other)
{
    int n = kb->ncond, m = kb->nfind;
    double Z[16] = {0}, total = 0, pi[16] = {0}, pisum = 0;
    for (unsigned mask = 1; mask < (1u << n); mask++) {
        if (__builtin_popcount(mask) > K)
            continue;
        double w = 1;
        for (int c = 0; c < n; c++)
            if (mask & (1u << c))
                w *= prior[c] / (1 - prior[c]);
        Z[__builtin_popcount(mask)] += w;
    }
    for (int k = 1; k <= K; k++) /* sizes above K are impossible: renormalise */
        pisum += pi[k] = kb->size_prior[k];
    for (int k = 1; k <= K; k++)
        pi[k] /= pisum;
    memset(post, 0, (size_t)n * sizeof *post);
    memset(fam, 0, (size_t)n * sizeof *fam);
    double wo = kb->other_prior;
    for (int f = 0; f < m; f++)
        if (ev[f])
            wo *= ev[f] > 0 ? kb->find[f].base : 1 - kb->find[f].base;
    total = wo;
    for (unsigned mask = 1; mask < (1u << n); mask++) {
        if (__builtin_popcount(mask) > K)
            continue;
        int size = __builtin_popcount(mask);
        double w = (1 - kb->other_prior) * pi[size] / Z[size];
        for (int c = 0; c < n; c++)
            if (mask & (1u << c))
                w *= prior[c] / (1 - prior[c]);
        for (int f = 0; f < m; f++) {
            if (!ev[f])
                continue;
            double b = kb->find[f].base, links = 1, leak = b;
            for (int c = 0; c < n; c++)
                if (mask & (1u << c)) {
                    /* a correlated finding at weight wt: each single-condition
                     * likelihood ratio becomes LR^wt (kb/README.md) */
                    double l = kb->link[c * m + f], r = kb->inhib[c * m + f];
                    double lr = ev[f] > 0 ? (b + (1 - b) * l) / b : 1 - l;
                    double damped = ev[f] > 0 ? (b * pow(lr, wt[f]) - b) / (1 - b) : 1 - pow(lr, wt[f]);
                    links *= 1 - damped;
                    /* leak factor: LR r (present) or (1 - b r) / (1 - b) (absent), damped alike */
                    double lrr = ev[f] > 0 ? r : (1 - b * r) / (1 - b);
                    leak *= ev[f] > 0 ? pow(lrr, wt[f]) : (1 - (1 - b) * pow(lrr, wt[f])) / b;
                }
            double absent = (1 - leak) * links;
            w *= ev[f] > 0 ? 1 - absent : absent;
        }
        total += w;
        for (int c = 0; c < n; c++)
            if (mask & (1u << c))
                post[c] += w;
        if (n >= 3 && (mask & 7u))
            fam[0] += w;
    }
    for (int c = 0; c < n; c++)
        post[c] /= total;
    fam[0] /= total;
    for (int c = 1; c < n; c++)
        fam[c] = post[c];
    if (n < 3)
        fam[0] = post[0];
    *other = wo / total;
}

static void random_case(int m, signed char *ev)
{
    for (int f = 0; f < m; f++) {
        double u = rnd();
        ev[f] = u < 0.35 ? 1 : u < 0.7 ? -1 : 0;
    }
}

static void check_against_brute(void)
{
    int worst_fail = 0;
    for (int trial = 0; trial < 300; trial++) {
        synth s;
        int n = 2 + (int)(rnd() * 8), m = 3 + (int)(rnd() * 11);
        make_synth(&s, n, m, 0.5);
        double prior[10], post[10], fam[10], bpost[10], bfam[10], other, bother;
        for (int c = 0; c < n; c++)
            prior[c] = s.cond[c].prior[SET_PMR];
        signed char ev[14];
        random_case(m, ev);
        int K = trial % 3 == 0 ? n : 1 + (int)(rnd() * n);
        if (K > 7)
            K = 7;
        double wt[14]; /* tempered likelihoods for some findings (correlation groups) */
        for (int f = 0; f < m; f++)
            wt[f] = trial % 2 && rnd() < 0.3 ? 0.3 + 0.7 * rnd() : 1.0;
        CHECK(infer_run(&s.kb, prior, ev, trial % 2 ? wt : NULL, K, post, fam, &other) == 0);
        brute(&s.kb, prior, ev, wt, K, bpost, bfam, &bother);
        bool same = fabs(other - bother) < 1e-9;
        for (int c = 0; c < n; c++) {
            same &= fabs(post[c] - bpost[c]) < 1e-9 && fabs(fam[c] - bfam[c]) < 1e-9;
            same &= post[c] >= 0 && post[c] <= 1 && fam[c] >= post[c] - 1e-12;
        }
        if (!same && worst_fail++ < 3)
            fprintf(stderr, "trial %d (n %d, m %d, K %d) differs from brute force\n", trial, n, m, K);
        CHECK(same);
    }
}

/* Order of findings changes nothing; unknown equals not listed. */
static void check_order_and_unknown(void)
{
    synth s;
    make_synth(&s, 6, 10, 0.6);
    double prior[6], a[6], b[6], fa[6], fb[6], oa, ob;
    for (int c = 0; c < 6; c++)
        prior[c] = s.cond[c].prior[SET_PMR];
    signed char ev[10] = {1, -1, 0, 1, 0, -1, 1, 0, 0, 0};
    infer_run(&s.kb, prior, ev, NULL, 3, a, fa, &oa);
    /* permute findings: reverse both the evidence and the link columns */
    synth r = s;
    r.kb.cond = r.cond;
    r.kb.find = r.find;
    r.kb.link = r.link;
    r.kb.inhib = r.inhib;
    signed char rev[10];
    for (int f = 0; f < 10; f++) {
        rev[f] = ev[9 - f];
        r.find[f] = s.find[9 - f];
        for (int c = 0; c < 6; c++) {
            r.link[c * 10 + f] = s.link[c * 10 + 9 - f];
            r.inhib[c * 10 + f] = s.inhib[c * 10 + 9 - f];
        }
    }
    infer_run(&r.kb, prior, rev, NULL, 3, b, fb, &ob);
    for (int c = 0; c < 6; c++)
        CHECK_NEAR(a[c], b[c], 1e-12);
    /* a finding with no link anywhere and unknown: adding it as unknown changes nothing */
    signed char ev2[10];
    memcpy(ev2, ev, sizeof ev2);
    ev2[2] = 0;
    infer_run(&s.kb, prior, ev2, NULL, 3, b, fb, &ob);
    for (int c = 0; c < 6; c++)
        CHECK_NEAR(a[c], b[c], 1e-15);
}

/* A present finding linked only to c never lowers c; an absent one never
 * raises it. A typical negative of c only (present less often than its base
 * rate) works the other way: present never raises c, absent never lowers it. */
static void check_monotone(void)
{
    for (int trial = 0; trial < 400; trial++) {
        synth s;
        make_synth(&s, 5, 8, 0.5);
        int c = (int)(rnd() * 5), f = (int)(rnd() * 8);
        bool negative = trial % 2;
        for (int d = 0; d < 5; d++) {
            s.link[d * 8 + f] = d == c && !negative ? 0.1 + 0.8 * rnd() : 0.0;
            s.inhib[d * 8 + f] = d == c && negative ? 0.05 + 0.9 * rnd() : 1.0;
        }
        double prior[5], before[5], after[5], fam[5], o;
        for (int d = 0; d < 5; d++)
            prior[d] = s.cond[d].prior[SET_PMR];
        signed char ev[8];
        random_case(8, ev);
        ev[f] = 0;
        infer_run(&s.kb, prior, ev, NULL, 1 + trial % 5, before, fam, &o);
        ev[f] = 1;
        infer_run(&s.kb, prior, ev, NULL, 1 + trial % 5, after, fam, &o);
        CHECK(negative ? after[c] <= before[c] + 1e-12 : after[c] >= before[c] - 1e-12);
        ev[f] = -1;
        infer_run(&s.kb, prior, ev, NULL, 1 + trial % 5, after, fam, &o);
        CHECK(negative ? after[c] >= before[c] - 1e-12 : after[c] <= before[c] + 1e-12);
    }
}

/* Explaining away: once d explains f, f barely raises c. */
static void check_explaining_away(void)
{
    synth s;
    make_synth(&s, 3, 2, 0.0);
    for (int c = 0; c < 3; c++) {
        s.cond[c].parent = s.cond[c].family = -1;
        s.cond[c].has_children = false;
        s.cond[c].prior[SET_PMR] = 0.1;
    }
    s.kb.size_prior[1] = 0.85, s.kb.size_prior[2] = 0.12, s.kb.size_prior[3] = 0.03; /* mostly one cause */
    for (int i = 0; i < 6; i++)
        s.inhib[i] = 1.0;
    s.find[0].base = s.find[1].base = 0.02;
    s.link[0 * 2 + 0] = 0.8; /* c0 and c1 both cause f0 */
    s.link[1 * 2 + 0] = 0.8;
    s.link[1 * 2 + 1] = 0.9; /* only c1 causes f1 */
    double prior[3] = {0.1, 0.1, 0.1}, p1[3], p2[3], fam[3], o;
    signed char ev[2] = {1, 0};
    infer_run(&s.kb, prior, ev, NULL, 3, p1, fam, &o);
    ev[1] = 1; /* f1 present: c1 now explains f0 too */
    infer_run(&s.kb, prior, ev, NULL, 3, p2, fam, &o);
    CHECK(p1[0] > 0.3);
    CHECK(p2[0] < p1[0] / 2);
    CHECK(p2[1] > 0.9);
}

void test_infer(void)
{
    check_against_brute();
    check_order_and_unknown();
    check_monotone();
    check_explaining_away();
}
