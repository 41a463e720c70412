/* localize.h - neurological localisation (library-internal): which lesion site
 * (root L2-S4, lumbosacral plexus or a peripheral nerve) best explains the
 * motor, sensory, reflex and electrodiagnostic findings of a case, present and
 * documented normal. Anatomy comes from kb/anatomy/ tables; the scoring method
 * is described at the top of localize.c. */
#ifndef GL_LOCALIZE_H
#define GL_LOCALIZE_H

#include <jansson.h>

#include "kb/kb.h"

#define LOC_NROOTS 10    /* L1..L5, S1..S5 */
#define LOC_MAX_NODES 64
#define LOC_MAX_SITES 32
#define LOC_MAX_ELEMS 128
#define LOC_MAX_INV 8

typedef struct loc_node {
    const char *id, *name;
    int parent;          /* index, or -1 */
    bool local;          /* tested only by a lesion at exactly this segment */
} loc_node;

typedef struct loc_site {
    const char *id, *name, *kind, *source;
    int root;            /* 0..LOC_NROOTS-1 for a root site, else -1 */
    int supports;        /* condition index, or -1 */
    int ninv;
    int inv_node[LOC_MAX_INV];
    double inv_q[LOC_MAX_INV];
} loc_site;

/* One tested structure: a muscle with one test, a skin area, a reflex arc or an
 * electrodiagnostic test. */
typedef struct loc_elem {
    const char *what, *detail, *roots_text, *file;
    int finding;         /* finding index, or -1 (documentation row) */
    int node;            /* nerve node, or -1 (roots only) */
    int line;
    double weight;
    double root[LOC_NROOTS]; /* probability that a lesion of each root affects it (before weight) */
} loc_elem;

typedef struct loc_anatomy {
    arena *A;
    loc_node node[LOC_MAX_NODES];
    int nnode;
    loc_site site[LOC_MAX_SITES];
    int nsite;
    loc_elem elem[LOC_MAX_ELEMS];
    int nelem;
    double root_main, root_minor, nerve_default, no_lesion_prior;
} loc_anatomy;

/* Load kb/anatomy/ from the knowledge base's source; NULL with err set. */
loc_anatomy *anatomy_load(const gl_kb *kb, gl_error *err);
void anatomy_free(loc_anatomy **an);
const char *anatomy_root_name(int root); /* "L1".."S5" */
int anatomy_root_index(const char *name); /* -1 when not a root name */

/* The localisation of one set of findings. Hypotheses 0..nsite-1 are the
 * sites of the anatomy; hypothesis nsite is "no focal lesion". */
struct gl_localization {
    const gl_kb *kb;
    loc_anatomy *an;
    char *case_id;
    signed char *state;  /* per finding: 1 present, -1 absent, 0 unknown (copy) */
    int nuse;            /* findings the anatomy tests */
    int *use;            /* their finding indices */
    int *best;           /* nhyp x nuse: element giving the largest probability, or -1 */
    double *p;           /* nhyp x nuse: P(finding present | hypothesis) */
    double *logl;        /* nhyp: log-likelihood of the known findings */
    double *share;       /* nhyp: posterior share under the uniform prior */
    int *order;          /* nsite: sites ranked, best first */
    int npresent, nabsent;
    bool bilateral;      /* a bilateral finding is present: one-site model may not apply */
};

/* Localise a finding state (per finding of kb). */
gl_localization *localize_state(const gl_kb *kb, const signed char *state, const char *case_id, gl_error *err);

/* Explanations. A "reason" is a known finding and how strongly it favours
 * hypothesis a over b (log likelihood ratio). */
typedef struct loc_reason {
    int use;             /* index into l->use */
    double llr;          /* log P(obs | a) - log P(obs | b) */
} loc_reason;
/* Known findings that favour a over b, strongest first; returns count. */
int localize_reasons(const gl_localization *l, int a, int b, loc_reason *out, int max);
/* Unknown findings that would best separate a from b (largest |P_a - P_b|). */
int localize_separators(const gl_localization *l, int a, int b, int *out_use, int max);
/* Strength of the top site over the next one that supports something else. */
double localize_margin(const gl_localization *l, int *next_site);

/* Rendering (loc_render.c). `r` may be NULL (stand-alone report); with a result
 * the support line names the condition's rank and probability. */
void localize_text(sbuf *b, const gl_localization *l, const gl_result *r, bool color);
json_t *localize_json(const gl_localization *l, const gl_result *r);

/* The assessment hooks: build the localisation from a result's findings and
 * render it (text section / JSON value, null when it cannot be built). */
void localize_result_text(sbuf *b, const gl_result *r, bool color);
json_t *localize_result_json(const gl_result *r);

#endif
