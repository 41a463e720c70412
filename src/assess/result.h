/* result.h - an assessment (library-internal view of gl_result). It copies
 * what it needs from the case, so the case may be freed first; the knowledge
 * base must outlive it. */
#ifndef GL_RESULT_H
#define GL_RESULT_H

#include "case/case.h"

struct gl_result {
    const gl_kb *kb;
    char *case_id;
    int setting, sex, side;
    double age, duration;
    signed char *state;  /* findings as known (entered, measured, derived from age) */
    signed char *ev;     /* evidence used after composites (infer_evidence) */
    int *via;            /* for a finding not used directly: the one that carries it */
    double *w;           /* per-finding likelihood exponent (correlated findings) */
    double *prior;       /* effective prior per condition */
    double *post;        /* own posterior per condition */
    double *prob;        /* reported: umbrella family probability for heads, else post */
    double other;        /* P(cause outside the knowledge base) */
    int *order;          /* conditions by prob, highest first */
    int *flags, nflags, urgency;
    bool outside_scope;
    char **contra, **warn;
    int ncontra, nwarn;
    case_measure *meas;
    int nmeas;
    struct case_mined *mined; /* findings read from the note */
    int nmined;
};

/* expr_ctx for this result (posteriors included). */
expr_ctx result_ctx(const gl_result *r);

#endif
