/* kb.h - the loaded knowledge base (library-internal). Everything lives in one
 * arena owned by gl_kb; indices, not pointers, link the tables. */
#ifndef GL_KB_H
#define GL_KB_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "gluteal.h"
#include "util/util.h"

enum { SET_PRIMARY, SET_SPORTS, SET_PMR, SET_SPINE, SET_EMERGENCY, NSETTINGS };
extern const char *const kb_setting_names[NSETTINGS];

enum { URG_ROUTINE, URG_SOON, URG_URGENT, URG_EMERGENCY };
extern const char *const kb_urgency_names[4];

typedef struct kb_expr kb_expr;

typedef struct kb_condition {
    const char *id, *name, *group, *icd10, *snomed, *codes_source;
    int parent;         /* index of the umbrella condition, or -1 */
    int family;         /* umbrella index for members of an umbrella family, else -1 */
    bool must_not_miss, codes_checked, has_children;
    double prior[NSETTINGS];
    bool prior_measured;
    const char *prior_source;
    int first_row, nrows; /* profile rows in kb->rows */
} kb_condition;

typedef struct kb_finding {
    const char *id, *kind, *question, *description;
    double base;
    bool base_measured;
    const char *base_source, *neutral; /* neutral: reason, or "" */
    int composite;      /* index in kb->comp when this finding is a composite, else -1 */
} kb_finding;

typedef struct kb_row {
    int cond, finding, line;
    double sens, spec;  /* spec is NAN when not reported */
    bool measured;
    const char *source, *file;
} kb_row;

enum { COMP_GIVEN = 0, COMP_ANY = -1, COMP_ALL = -2 }; /* >0: at least N */
typedef struct kb_composite {
    int finding, rule, ncomp;
    int *comp;
    const char *source;
} kb_composite;

/* How many parts of composite `k` are known present / absent in `state`. */
static inline void kb_comp_tally(const kb_composite *k, const signed char *state, int *pos, int *neg)
{
    *pos = *neg = 0;
    for (int j = 0; j < k->ncomp; j++) {
        *pos += state[k->comp[j]] > 0;
        *neg += state[k->comp[j]] < 0;
    }
}

typedef struct kb_corr {
    double weight;      /* likelihood exponent when 2+ members are known */
    int *member, n;
    const char *name, *source;
} kb_corr;

/* A grouped history question (kb/groups.tsv): "Where is the pain?" answered
 * once, with a pain map, for several findings. */
typedef struct kb_group {
    const char *id, *question, *source;
    int *member, n;
} kb_group;

typedef struct kb_modifier {
    int cond;
    kb_expr *when;
    const char *when_text, *source;
    double odds;
    bool measured;
} kb_modifier;

typedef struct kb_redflag {
    const char *id, *title, *action, *source, *when_text;
    int urgency;
    kb_expr *when;
} kb_redflag;

enum { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ };
typedef struct kb_measure {
    const char *id, *unit, *source;
    double min, max, cutoff;
    int finding, op;
} kb_measure;

typedef struct kb_phrase {
    int finding, value;  /* value 1: the phrase means present; -1: absent */
    const char *text;    /* lower case; " * " between parts that may stand a
                          * few words apart ("reduced sensation * lateral foot") */
    size_t len, head;    /* whole text; its first part (== len: no gap) */
} kb_phrase;


/* The miner's index: a trie over the phrases' first parts (the text before
 * any " * "). A word start walks it one byte at a time and meets only the
 * phrases whose first part stands there; each node lists them in file order.
 * Node 0 is the root, whose 256 edges are a table; the others keep a short
 * run of edges sorted by byte. */
enum { KB_HEAD_MAX = 200 }; /* longest first part (bytes) the loader accepts */
typedef struct kb_trie {
    int nnode;
    int root[256];            /* child of the root by byte, or -1 */
    int *edge_start;          /* nnode + 1: node n's edges are [edge_start[n], edge_start[n + 1]) */
    unsigned char *edge_byte; /* sorted within a node */
    int *edge_to;
    int *phrase_start;        /* nnode + 1: node n's phrases are phrase[phrase_start[n] .. [n + 1]) */
    int *phrase;              /* indices into kb->phrase, grouped by node, file order */
} kb_trie;

/* The child of node n along byte c, or -1. */
static inline int kb_trie_next(const kb_trie *t, int n, unsigned char c)
{
    if (!n)
        return t->root[c];
    for (int k = t->edge_start[n]; k < t->edge_start[n + 1] && t->edge_byte[k] <= c; k++)
        if (t->edge_byte[k] == c)
            return t->edge_to[k];
    return -1;
}

/* A laboratory value written in a note ("CRP 16.5 mg/dl", "ESR was 54"):
 * kb/note_numbers.tsv names the test and its units; the measurement's cut-off
 * (kb/measurements.tsv) decides the finding. `phrase` is a report-only entry
 * of kb->phrase (past nphrase, never matched) that shows what was read. */
enum { KB_NUMBER_UNITS = 12 };
typedef struct kb_number {
    const char *name;  /* lower case, e.g. "crp" */
    size_t len;
    int meas, phrase, nunit;
    const char *unit[KB_NUMBER_UNITS]; /* lower case, no spaces: "mg/dl" */
    double factor[KB_NUMBER_UNITS];    /* to the measurement's unit */
} kb_number;

typedef struct kb_contra {
    bool sex;           /* true: finding a impossible for sex b (0 female, 1 male) */
    int a, b;
    const char *message;
} kb_contra;

struct gl_kb {
    arena *A;
    kb_condition *cond;
    int ncond;
    kb_finding *find;
    int nfind;
    int *find_sorted;   /* finding indices sorted by id, for lookup */
    kb_row *rows;
    int nrows;
    int *row_of;        /* ncond x nfind: row index or -1 */
    double *link;       /* ncond x nfind: noisy-OR link probability (0 = none) */
    double *inhib;      /* ncond x nfind: factor on the leak, sens/base for a row
                         * below the base rate (a typical negative), else 1;
                         * NULL = all 1 (infer.c) */
    kb_composite *comp;
    int ncomp;
    kb_modifier *mod;
    int nmod;
    kb_corr *corr;
    int ncorr;
    int *corr_of;       /* per finding: its correlation group or -1 */
    kb_redflag *flag;
    int nflag;
    kb_measure *meas;
    int nmeas;
    kb_contra *contra;
    int ncontra;
    kb_phrase *phrase;  /* note mining (kb/note_phrases.tsv) */
    int nphrase;
    kb_trie trie;        /* the phrases by first part, for the miner */
    kb_number *number;  /* laboratory values in notes (kb/note_numbers.tsv) */
    int nnumber;
    bool *screen;       /* per finding: part of the core consultation (kb/screen.tsv) */
    kb_group *group;    /* grouped history questions, in asking order (kb/groups.tsv) */
    int ngroup;
    int *group_of;      /* per finding: its question group or -1 */
    int max_k;
    double size_prior[8];  /* P(exactly k conditions present), k = 1..max_k */
    double other_prior, scope_other, scope_top;
    const char *model_source[5];
    const char *entry_id; /* model.tsv entry_finding: the presenting complaint the priors are */
    int entry;            /* conditioned on (its leak factors do not count it again); -1 none */
    const char *dir;    /* folder it was loaded from, NULL for the built-in copy */
    char version[32];
    /* derived tables other subsystems build once per knowledge base (kb_cache) */
    pthread_mutex_t cache_lock;
    void *cache[4];
    void (*cache_free[4])(void *);
    gl_error cache_err[4];
};

/* ---- per-knowledge-base cache of derived tables (anatomy, plans) ----
 * Returns the slot's object, building it on first use with build(kb, err);
 * thread-safe (the server shares one gl_kb across threads). A failed build
 * is remembered: every later call returns NULL with the same error. The
 * object is freed with the knowledge base through destroy. */
enum { KB_CACHE_ANATOMY, KB_CACHE_PLAN, KB_NCACHE };
void *kb_cache(const gl_kb *kb, int slot, void *(*build)(const gl_kb *, gl_error *), void (*destroy)(void *),
               gl_error *err);

/* ---- reading further knowledge files (anatomy/, plan/ ...) ----
 * Files come from the same place as the loaded knowledge base (folder or the
 * built-in copy). kb_file returns malloc'd NUL-terminated text or NULL. */
char *kb_file(const gl_kb *kb, const char *name, size_t *len);

/* A TSV table: '#' comment lines and blank lines skipped, the first other line
 * must equal `header` (tab-separated). After kb_table_next returns true, f[0..nf)
 * hold the row's fields (valid until the next call) and line its line number.
 * It returns false at the end of the table, or on error with err->code set (a
 * row whose column count is not `want`): check err->code after the loop. */
typedef struct kb_table {
    const char *file;
    char *text, *cur;
    int line, nf;
    char *f[16];
} kb_table;
bool kb_table_open(const gl_kb *kb, kb_table *t, const char *name, const char *header, gl_error *err);
bool kb_table_next(kb_table *t, int want, gl_error *err);
void kb_table_close(kb_table *t);

/* The built-in knowledge base with file `name` replaced by `text` (a fuzz
 * target drives the loader through this). Free with gl_kb_free. */
gl_kb *kb_load_override(const char *name, const char *text, size_t len, gl_error *err);

int kb_find(const gl_kb *kb, const char *id);      /* finding index or -1 */
size_t kb_drop_sides(char *s);                      /* "the left buttock" -> "the buttock" (note text and phrases) */
int kb_cond(const gl_kb *kb, const char *id);      /* condition index or -1 */
int kb_measure_index(const gl_kb *kb, const char *id);
/* Up to `max` nearest finding IDs by edit distance into out[]; returns count. */
int kb_suggest_findings(const gl_kb *kb, const char *id, const char **out, int max);
int kb_suggest_conditions(const gl_kb *kb, const char *id, const char **out, int max);

/* ---- expressions (kb/README.md "Expressions") ---- */
typedef struct expr_ctx {
    const signed char *state; /* per finding: 1 present, -1 absent, 0 unknown */
    double age, duration;     /* duration < 0: unknown */
    int sex;                  /* 0 female, 1 male */
    int setting;
    const double *post;       /* per condition posterior, or NULL (then p() is 0) */
} expr_ctx;

/* a op b for the OP_* operators (expressions, measurement cut-offs). */
bool kb_compare(double a, int op, double b);

/* Parse `text`; NULL on error with *why set to a static message. */
kb_expr *expr_parse(const gl_kb *kb, arena *A, const char *text, const char **why);
bool expr_eval(const kb_expr *e, const expr_ctx *ctx);
/* Append to out[] the findings named in e that are present in ctx; returns count. */
int expr_present_findings(const kb_expr *e, const expr_ctx *ctx, int *out, int max);
/* True when the expression names condition posteriors (p(...)). */
bool expr_uses_posterior(const kb_expr *e);

#endif
