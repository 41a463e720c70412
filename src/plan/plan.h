/* plan.h - work-up and treatment plans and the patient handout's content
 * (library-internal). The knowledge lives in the kb/plan/ tables; plan_kb_load reads
 * and checks it, plan.c matches it to an assessment, score.c holds the scoring
 * helpers (Tonnis, Kerboul, diagnostic blocks, ischiofemoral space). */
#ifndef GL_PLAN_H
#define GL_PLAN_H

#include <stdbool.h>

#include "assess/result.h"
#include "kb/kb.h"

enum { TIER_URGENT, TIER_FIRST, TIER_NEXT, TIER_IF_PERSISTING, TIER_AVOID, NTIERS };
extern const char *const plan_tier_names[NTIERS];
enum { TX_URGENT, TX_CONSERVATIVE, TX_INTERVENTIONAL, TX_SURGICAL, NTX };
extern const char *const plan_tx_names[NTX];
enum { POLICY_HOME, POLICY_CLINICIAN, POLICY_URGENT };

#define PLAN_MAX_LIST 16 /* findings per work-up row, steps per exercise, items per handout list */
#define PLAN_ANY (-2)    /* work-up row that applies whatever the differential */

typedef struct plan_workup {
    const char *id, *test_id, *test, *timing, *why, *changes, *cost, *radiation, *source, *when_text;
    int cond, tier, line;
    kb_expr *when;      /* NULL: always */
    int result[PLAN_MAX_LIST], nresult;
} plan_workup;

typedef struct plan_treat {
    const char *id, *treatment, *details, *outcome, *evidence, *source;
    int cond, tier, step, line;
    kb_expr *when;
} plan_treat;

typedef struct plan_exercise {
    const char *id, *name, *phase, *diagram, *source;
    const char *steps[PLAN_MAX_LIST];
    int nsteps, hold, reps, per_day;
    bool measured;
} plan_exercise;

typedef struct plan_handout {
    const char *title, *what, *source;
    const char *home[PLAN_MAX_LIST], *warn[PLAN_MAX_LIST];
    bool warn_urgent[PLAN_MAX_LIST]; /* item written with a leading `!` */
    int ex[PLAN_MAX_LIST];
    int cond, policy, nhome, nwarn, nex;
} plan_handout;

typedef struct plan_warning {
    const char *id, *text, *source;
    kb_expr *when;
} plan_warning;

typedef struct plan_kb {
    arena *A;
    plan_workup *wu;
    int nwu;
    plan_treat *tx;
    int ntx;
    plan_exercise *ex;
    int nex;
    plan_handout *ho; /* one per condition, indexed by condition (cond < 0: missing) */
    plan_warning *warn;
    int nwarn;
} plan_kb;

/* Load and check kb/plan/ (file and line named on error). Free with plan_kb_free. */
plan_kb *plan_kb_load(const gl_kb *kb, gl_error *err);
void plan_kb_free(plan_kb **pk);
int plan_exercise_index(const plan_kb *pk, const char *id);
bool plan_diagram_known(const char *name);

/* ---- scoring helpers (score.c) ---- */
enum { KERBOUL_LOW, KERBOUL_MODERATE, KERBOUL_HIGH };
enum { BLOCK_UNKNOWN, BLOCK_NEGATIVE, BLOCK_SINGLE_POSITIVE, BLOCK_DISCORDANT, BLOCK_DUAL_POSITIVE };
int score_kerboul_group(double combined_angle_deg);
int score_block_verdict(double relief1_pct, double relief2_pct); /* NAN = block not done */

typedef struct plan_score {
    char name[64], input[128], value[96], meaning[400];
    const char *source;
} plan_score;
/* Every score the case has the inputs for, into out[max]; returns the count. */
int score_case(const gl_result *r, plan_score *out, int max);

/* ---- the plan (plan.c) ---- */
typedef struct plan_item {     /* one test, possibly recommended by several rules */
    int rows[PLAN_MAX_LIST], nrows;
    int tier;
    bool done;                 /* a result finding is already recorded in the case */
} plan_item;

#define PLAN_MAX_LEAD 3
#define PLAN_MAX_ITEMS 64
#define PLAN_MAX_SCORES 8
struct gl_plan {
    const gl_result *r;
    plan_kb *pk;
    int lead[PLAN_MAX_LEAD], nlead;
    int ladder[PLAN_MAX_LEAD], nladder;  /* conditions whose treatment ladder is shown */
    plan_item item[PLAN_MAX_ITEMS];
    int nitem;
    plan_score score[PLAN_MAX_SCORES];
    int nscore;
};

/* Findings named in a rule's `when` that the case has present, as text ("a, b; duration 8 weeks"). */
void plan_triggers(const gl_plan *p, const plan_workup *w, sbuf *b);
/* order (urgent or first tier), consider (later tiers), done (result recorded), avoid. */
const char *plan_item_status(const plan_item *it);
/* True when treatment row t applies to this case. */
bool plan_treat_applies(const gl_plan *p, const plan_treat *t);
/* The condition a handout is written for: `condition`, or the leading one (a likely sub-type
 * replaces its umbrella). */
int plan_handout_condition(const gl_result *r, int condition);

#endif
