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
        if (fabs(log(it.lr)) < 1e-3) /* a typical negative that was absent, etc.: moved nothing */
            continue;
        insert_sorted(out, &n, max, it, strength(&it), strength);
    }
    return n;
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
        if (k->rule == COMP_ANY) {
            int pos = 0, neg = 0;
            for (int j = 0; j < k->ncomp; j++) {
                pos += state[k->comp[j]] > 0;
                neg += state[k->comp[j]] < 0;
                if (k->comp[j] == f && state[k->finding] < 0)
                    return true; /* "no leg pain" answers "pain below the knee?" */
            }
            /* a specific form present, or every one absent: the generic adds
             * nothing (one specific form absent leaves the others open) */
            if (k->finding == f && (pos > 0 || neg == k->ncomp))
                return true;
            continue;
        }
        if (state[k->finding])
            for (int j = 0; j < k->ncomp; j++)
                if (k->comp[j] == f)
                    return true; /* the known cluster already counts this part */
    }
    return false;
}
