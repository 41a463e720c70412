/* infer.h - the probability model and its exact inference (library-internal). */
#ifndef GL_INFER_H
#define GL_INFER_H

#include "kb/kb.h"

/* Effective prior per condition: setting prior times matching modifiers (odds). */
void infer_priors(const gl_kb *kb, const expr_ctx *ctx, double *prior);

/* Evidence actually used: `state` with composites resolved (kb/README.md):
 * a known cluster replaces its components; a generic finding is dropped when a
 * specific component is known. `via[f]` (may be NULL) receives, for a dropped
 * finding, the finding that carries it instead, else -1. */
void infer_evidence(const gl_kb *kb, const signed char *state, signed char *ev, int *via);

/* Per-finding likelihood exponent: 1, or its correlation group's weight when
 * two or more members of the group are known in ev (kb/correlations.tsv). */
void infer_weights(const gl_kb *kb, const signed char *ev, double *w);

/* Posterior marginals. post[c]: P(c present); fam[c]: P(any member of c's
 * umbrella family present) for umbrella heads, else post[c]; *other: P(pain
 * from a cause outside the knowledge base). w: per-finding likelihood
 * exponents (infer_weights) or NULL for all 1. max_k: at most this many
 * conditions coexist. Returns 0, or -1 when out of memory. */
int infer_run(const gl_kb *kb, const double *prior, const signed char *ev, const double *w, int max_k,
              double *post, double *fam, double *other);

/* Likelihood ratio the model gives finding f for condition c alone versus no
 * modelled cause: present -> P(f|c)/base, absent -> P(!f|c)/(1-base). */
double infer_lr(const gl_kb *kb, int c, int f, int present);
/* Some condition makes finding f rarer than its base rate (a typical negative). */
bool infer_inhibited(const gl_kb *kb, int f);

#endif

/* ---- explanation (explain.c) ---- */
typedef struct infer_item {
    int finding, row;  /* row: profile row of the condition, or -1 */
    signed char present;
    double lr;         /* infer_lr(), raised to the finding's weight */
    double weight;     /* likelihood exponent used (1 unless correlated) */
} infer_item;

/* The known findings that move condition c, strongest first (|log lr|).
 * Returns the count written (at most max). */
int infer_explain(const gl_kb *kb, int c, const signed char *ev, const double *w, infer_item *out, int max);

/* Product of the likelihood ratios of every known finding for c (weights
 * applied): with the prior odds, what Bayes' rule gives c on its own, before
 * the conditions compete to explain the findings (infer_alone). */
double infer_lr_product(const gl_kb *kb, int c, const signed char *ev, const double *w);
double infer_alone(double prior, double lr_product);

/* Unknown findings whose absence would most lower c (smallest LR if absent). */
int infer_weakeners(const gl_kb *kb, int c, const signed char *state, const int *via, infer_item *out,
                    int max);

/* True when unknown finding f would add nothing: a generic finding whose
 * specific test is known, or a part of a known composite. */
bool infer_covered(const gl_kb *kb, const signed char *state, int f);

/* Present findings c does not explain (no link) that another condition does. */
int infer_unexplained(const gl_kb *kb, int c, const signed char *ev, int *out, int max);

/* ---- posterior over states, for what-if questions (next.c) ---- */
typedef struct infer_state {
    short member[7];
    short k;          /* 0: the "other cause" state */
    double w;         /* posterior probability of exactly this state */
} infer_state;

typedef struct infer_states {
    infer_state *s;
    int n, cap;
    double dropped;   /* total posterior of states below the keep threshold */
} infer_states;

/* Like infer_run, but keeps every state whose posterior is at least `keep`
 * (the rest, summing to `dropped`, are negligible by construction).
 * Free with infer_states_free. Returns 0, or -1 when out of memory. */
int infer_run_states(const gl_kb *kb, const double *prior, const signed char *ev, const double *w, int max_k,
                     double keep, infer_states *out);
void infer_states_free(infer_states *st);
