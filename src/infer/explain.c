/* explain.c - which knowledge-base rows moved a posterior, for the clinician
 * to check. Uses the same likelihood ratios as the model (infer_lr). */
#include <math.h>

#include "infer.h"

static void insert_sorted(infer_item *out, int *n, int max, infer_item it, double key,
                          double (*keyf)(const infer_item *))
{
    int pos = *n < max ? (*n)++ : max;
    while (pos > 0 && keyf(&out[pos - 1]) < key) {
        if (pos < max)
            out[pos] = out[pos - 1];
        pos--;
    }
    if (pos < max)
        out[pos] = it;
}

static double strength(const infer_item *it) { return fabs(log(it->lr)); }
static double weakness(const infer_item *it) { return -it->lr; }

int infer_explain(const gl_kb *kb, int c, const signed char *ev, const double *w, infer_item *out, int max)
{
    int n = 0;
    for (int f = 0; f < kb->nfind; f++) {
        int row = kb->row_of[c * kb->nfind + f];
        if (!ev[f] || row < 0)
            continue;
        double wf = w ? w[f] : 1.0;
        infer_item it = {f, row, (signed char)(ev[f] > 0), pow(infer_lr(kb, c, f, ev[f] > 0), wf), wf};
        if (fabs(log(it.lr)) < 1e-3) /* a row at the base rate, etc.: moved nothing */
            continue;
        insert_sorted(out, &n, max, it, strength(&it), strength);
    }
    return n;
}

double infer_lr_product(const gl_kb *kb, int c, const signed char *ev, const double *w)
{
    double lp = 0;
    for (int f = 0; f < kb->nfind; f++)
        if (ev[f])
            lp += (w ? w[f] : 1.0) * log(infer_lr(kb, c, f, ev[f] > 0));
    return exp(lp < -700 ? -700 : lp > 700 ? 700 : lp);
}

double infer_alone(double prior, double lr_product)
{
    double odds = prior / (1.0 - prior) * lr_product;
    return odds / (1.0 + odds);
}

int infer_weakeners(const gl_kb *kb, int c, const signed char *state, const int *via, infer_item *out,
                    int max)
{
    int n = 0;
    for (int f = 0; f < kb->nfind; f++) {
        int row = kb->row_of[c * kb->nfind + f];
        if (state[f] || row < 0 || kb->link[c * kb->nfind + f] <= 0 || (via && via[f] >= 0) ||
            infer_covered(kb, state, f))
            continue;
        infer_item it = {f, row, 0, infer_lr(kb, c, f, 0), 1.0};
        insert_sorted(out, &n, max, it, weakness(&it), weakness);
    }
    return n;
}

int infer_unexplained(const gl_kb *kb, int c, const signed char *ev, int *out, int max)
{
    int n = 0;
    for (int f = 0; f < kb->nfind && n < max; f++) {
        if (ev[f] <= 0 || kb->link[c * kb->nfind + f] > 0)
            continue;
        for (int d = 0; d < kb->ncond; d++)
            if (d != c && kb->link[d * kb->nfind + f] > 0) {
                out[n++] = f;
                break;
            }
    }
    return n;
}

bool infer_covered(const gl_kb *kb, const signed char *state, int f)
{
    for (int i = 0; i < kb->ncomp; i++) {
        const kb_composite *k = &kb->comp[i];
        int pos, neg;
        kb_comp_tally(k, state, &pos, &neg);
        /* a generic finding adds nothing once a specific form is present or
         * every one is absent (one absent form leaves the others open) */
        if (k->rule == COMP_ANY && k->finding == f && (pos > 0 || neg == k->ncomp))
            return true;
        /* parts are answered by a known cluster, or by an absent generic
         * ("no leg pain" answers "pain below the knee?") */
        bool parts_answered = k->rule == COMP_ANY ? state[k->finding] < 0 : state[k->finding] != 0;
        for (int j = 0; j < k->ncomp && parts_answered; j++)
            if (k->comp[j] == f)
                return true;
    }
    return false;
}
