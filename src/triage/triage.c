/* triage.c - red flags. Rules are data (kb/redflags.tsv); a rule that fires is
 * reported whatever the posterior probabilities say, because a missed cauda
 * equina or infection costs far more than an extra scan. Rules may also look at
 * a must-not-miss condition's posterior (p(x) >= t) so that a combination of
 * weak findings still raises urgency. */
#include "triage.h"

int triage_run(const gl_kb *kb, const expr_ctx *ctx, int *fired, int *urgency)
{
    int n = 0;
    *urgency = URG_ROUTINE;
    for (int level = URG_EMERGENCY; level >= URG_SOON; level--)
        for (int i = 0; i < kb->nflag; i++)
            if (kb->flag[i].urgency == level && expr_eval(kb->flag[i].when, ctx)) {
                fired[n++] = i;
                if (level > *urgency)
                    *urgency = level;
            }
    return n;
}
