/* plan_kb.c - reads and checks kb/plan/ (work-up rules, treatment ladders,
 * exercises, handout content, warning signs). Every row must resolve its IDs,
 * parse its expression and carry a source; an error names the file and line. */
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"

const char *const plan_tier_names[NTIERS] = {"urgent", "first", "next", "if_persisting", "avoid"};
const char *const plan_tx_names[NTX] = {"urgent", "conservative", "interventional", "surgical"};
static const char *const policy_names[] = {"home", "clinician", "urgent"};
static const char *const cost_names[] = {"low", "moderate", "high"};
static const char *const radiation_names[] = {"none", "low", "moderate", "high"};
static const char *const evidence_names[] = {"systematic_review", "rct", "cohort", "case_series",
                                             "case_report", "guideline", "expert_opinion"};

#define COUNT(a) ((int)(sizeof(a) / sizeof *(a)))

static int name_index(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], s))
            return i;
    return -1;
}

static bool fail(kb_table *t, gl_error *err, const char *field, const char *what, const char *value)
{
    err_set(err, GL_ERR_KB, t->file, t->line, field, "%s \"%s\"", what, value);
    return false;
}

/* Copy of field i, or NULL (error set) when empty. */
static const char *text(plan_kb *pk, kb_table *t, int i, const char *field, gl_error *err)
{
    if (!*t->f[i]) {
        fail(t, err, field, "empty field", field);
        return NULL;
    }
    const char *s = arena_strdup(pk->A, t->f[i]);
    if (!s)
        err_set(err, GL_ERR_NOMEM, t->file, t->line, NULL, "out of memory");
    return s;
}

/* `-` = always (NULL); otherwise an expression of kb/README.md. */
static bool when(const gl_kb *kb, plan_kb *pk, kb_table *t, int i, kb_expr **out, gl_error *err)
{
    *out = NULL;
    if (!strcmp(t->f[i], "-"))
        return true;
    const char *why = NULL;
    *out = expr_parse(kb, pk->A, t->f[i], &why);
    if (!*out)
        return fail(t, err, "when", why ? why : "bad expression", t->f[i]);
    return true;
}

/* Split a `sep`-separated field into arena strings (at most PLAN_MAX_LIST). */
static int split(plan_kb *pk, const char *s, char sep, const char **out)
{
    int n = 0;
    while (*s && n < PLAN_MAX_LIST) {
        const char *e = strchr(s, sep);
        size_t len = e ? (size_t)(e - s) : strlen(s);
        while (len && s[len - 1] == ' ')
            len--;
        if (len && !(out[n++] = arena_strndup(pk->A, s, len)))
            return -1;
        if (!e)
            break;
        s = e + 1;
        while (*s == ' ')
            s++;
    }
    return n;
}

/* Space-separated finding IDs (or `-`) into idx[]. */
static bool finding_list(const gl_kb *kb, plan_kb *pk, kb_table *t, int i, int *idx, int *n, gl_error *err)
{
    const char *ids[PLAN_MAX_LIST];
    *n = 0;
    if (!strcmp(t->f[i], "-"))
        return true;
    int k = split(pk, t->f[i], ' ', ids);
    for (int j = 0; j < k; j++) {
        if ((idx[j] = kb_find(kb, ids[j])) < 0)
            return fail(t, err, "result_findings", "unknown finding", ids[j]);
    }
    *n = k < 0 ? 0 : k;
    return k >= 0;
}

static void *grow(plan_kb *pk, void *old, int n, size_t size)
{
    if (n % 32)
        return old;
    void *p = arena_alloc(pk->A, (size_t)(n + 32) * size);
    if (p && old)
        memcpy(p, old, (size_t)n * size);
    return p;
}

static bool workup_row(const gl_kb *kb, plan_kb *pk, kb_table *t, gl_error *err)
{
    plan_workup *w = &pk->wu[pk->nwu];
    w->line = t->line;
    w->cond = strcmp(t->f[1], "any") ? kb_cond(kb, t->f[1]) : PLAN_ANY;
    w->tier = name_index(plan_tier_names, NTIERS, t->f[3]);
    if (w->cond == -1)
        return fail(t, err, "condition", "unknown condition", t->f[1]);
    if (w->tier < 0)
        return fail(t, err, "tier", "unknown tier", t->f[3]);
    if (name_index(cost_names, COUNT(cost_names), t->f[9]) < 0)
        return fail(t, err, "cost", "cost must be low, moderate or high, not", t->f[9]);
    if (name_index(radiation_names, COUNT(radiation_names), t->f[10]) < 0)
        return fail(t, err, "radiation", "radiation must be none, low, moderate or high, not", t->f[10]);
    if (!when(kb, pk, t, 2, &w->when, err) || !finding_list(kb, pk, t, 11, w->result, &w->nresult, err))
        return false;
    return (w->id = text(pk, t, 0, "id", err)) && (w->when_text = text(pk, t, 2, "when", err)) &&
           (w->test_id = text(pk, t, 4, "test_id", err)) && (w->test = text(pk, t, 5, "test", err)) &&
           (w->timing = text(pk, t, 6, "timing", err)) && (w->why = text(pk, t, 7, "why", err)) &&
           (w->changes = text(pk, t, 8, "changes_plan", err)) && (w->cost = text(pk, t, 9, "cost", err)) &&
           (w->radiation = text(pk, t, 10, "radiation", err)) && (w->source = text(pk, t, 12, "source", err));
}

static bool treat_row(const gl_kb *kb, plan_kb *pk, kb_table *t, gl_error *err)
{
    plan_treat *x = &pk->tx[pk->ntx];
    double step = 0;
    x->line = t->line;
    x->cond = kb_cond(kb, t->f[1]);
    x->tier = name_index(plan_tx_names, NTX, t->f[3]);
    if (x->cond < 0)
        return fail(t, err, "condition", "unknown condition", t->f[1]);
    if (x->tier < 0)
        return fail(t, err, "tier", "unknown tier", t->f[3]);
    if (!parse_double(t->f[4], &step) || step < 1 || step > 99 || step != (int)step)
        return fail(t, err, "step", "step must be a whole number from 1 to 99, not", t->f[4]);
    if (name_index(evidence_names, COUNT(evidence_names), t->f[8]) < 0)
        return fail(t, err, "evidence", "unknown evidence level", t->f[8]);
    x->step = (int)step;
    return when(kb, pk, t, 2, &x->when, err) && (x->id = text(pk, t, 0, "id", err)) &&
           (x->treatment = text(pk, t, 5, "treatment", err)) && (x->details = text(pk, t, 6, "details", err)) &&
           (x->outcome = text(pk, t, 7, "outcome", err)) && (x->evidence = text(pk, t, 8, "evidence", err)) &&
           (x->source = text(pk, t, 9, "source", err));
}

/* A whole number in [lo, 999] from field i. */
static bool count_field(kb_table *t, int i, int lo, const char *field, int *out, gl_error *err)
{
    double d;
    if (!parse_double(t->f[i], &d) || d < lo || d > 999 || d != (int)d)
        return fail(t, err, field, "expected a whole number, got", t->f[i]);
    *out = (int)d;
    return true;
}

static bool exercise_row(const gl_kb *kb, plan_kb *pk, kb_table *t, gl_error *err)
{
    plan_exercise *x = &pk->ex[pk->nex];
    const char *conds[PLAN_MAX_LIST];
    int nc = split(pk, t->f[2], ' ', conds);
    for (int i = 0; i < nc; i++)
        if (kb_cond(kb, conds[i]) < 0)
            return fail(t, err, "conditions", "unknown condition", conds[i]);
    if (plan_exercise_index(pk, t->f[0]) >= 0)
        return fail(t, err, "id", "duplicate exercise", t->f[0]);
    if (!plan_diagram_known(t->f[8]))
        return fail(t, err, "diagram", "unknown diagram", t->f[8]);
    if (strcmp(t->f[9], "measured") && strcmp(t->f[9], "estimate"))
        return fail(t, err, "defaults", "defaults must be measured or estimate, not", t->f[9]);
    x->measured = !strcmp(t->f[9], "measured");
    if (!count_field(t, 4, 0, "hold_seconds", &x->hold, err) || !count_field(t, 5, 1, "reps", &x->reps, err) ||
        !count_field(t, 6, 1, "per_day", &x->per_day, err))
        return false;
    if ((x->nsteps = split(pk, t->f[3], '|', x->steps)) < 1)
        return fail(t, err, "steps", "no steps for", t->f[0]);
    return (x->id = text(pk, t, 0, "id", err)) && (x->name = text(pk, t, 1, "name", err)) &&
           (x->phase = text(pk, t, 7, "phase", err)) && (x->diagram = text(pk, t, 8, "diagram", err)) &&
           (x->source = text(pk, t, 10, "source", err));
}

static bool handout_exercises(plan_kb *pk, kb_table *t, plan_handout *h, gl_error *err)
{
    const char *ids[PLAN_MAX_LIST];
    int n = strcmp(t->f[5], "-") ? split(pk, t->f[5], ' ', ids) : 0;
    for (int i = 0; i < n; i++)
        if ((h->ex[i] = plan_exercise_index(pk, ids[i])) < 0)
            return fail(t, err, "exercises", "unknown exercise", ids[i]);
    h->nex = n < 0 ? 0 : n;
    if ((h->policy == POLICY_HOME) != (h->nex > 0))
        return fail(t, err, "exercises", "policy home needs exercises and other policies none; policy",
                    t->f[4]);
    return n >= 0;
}

static bool handout_row(const gl_kb *kb, plan_kb *pk, kb_table *t, gl_error *err)
{
    int c = kb_cond(kb, t->f[0]);
    if (c < 0)
        return fail(t, err, "condition", "unknown condition", t->f[0]);
    plan_handout *h = &pk->ho[c];
    if (h->cond >= 0)
        return fail(t, err, "condition", "second handout for", t->f[0]);
    if ((h->policy = name_index(policy_names, COUNT(policy_names), t->f[4])) < 0)
        return fail(t, err, "policy", "policy must be home, clinician or urgent, not", t->f[4]);
    h->nhome = split(pk, t->f[3], '|', h->home);
    h->nwarn = split(pk, t->f[6], '|', h->warn);
    if (h->nhome < 1 || h->nwarn < 1)
        return fail(t, err, "home", "home and warning_signs need at least one item for", t->f[0]);
    for (int i = 0; i < h->nwarn; i++)
        if ((h->warn_urgent[i] = h->warn[i][0] == '!'))
            h->warn[i]++;
    h->cond = c;
    return handout_exercises(pk, t, h, err) && (h->title = text(pk, t, 1, "title", err)) &&
           (h->what = text(pk, t, 2, "what_it_is", err)) && (h->source = text(pk, t, 7, "source", err));
}

static bool warning_row(const gl_kb *kb, plan_kb *pk, kb_table *t, gl_error *err)
{
    plan_warning *w = &pk->warn[pk->nwarn];
    return when(kb, pk, t, 1, &w->when, err) && (w->id = text(pk, t, 0, "id", err)) &&
           (w->text = text(pk, t, 2, "text", err)) && (w->source = text(pk, t, 3, "source", err));
}

typedef bool (*row_fn)(const gl_kb *, plan_kb *, kb_table *, gl_error *);

/* Read one table, growing *rows (element `size`) and calling fn per row. */
static bool read_table(const gl_kb *kb, plan_kb *pk, const char *name, const char *header, int ncol,
                       void **rows, int *n, size_t size, row_fn fn, gl_error *err)
{
    kb_table t;
    bool ok = kb_table_open(kb, &t, name, header, err);
    while (ok && kb_table_next(&t, ncol, err)) {
        if (rows && !(*rows = grow(pk, *rows, *n, size)))
            ok = !err_set(err, GL_ERR_NOMEM, name, t.line, NULL, "out of memory");
        else if ((ok = fn(kb, pk, &t, err)) && n)
            (*n)++;
    }
    ok = ok && !err_pending(err);
    kb_table_close(&t);
    return ok;
}

static bool every_condition_has_handout(const gl_kb *kb, const plan_kb *pk, gl_error *err)
{
    for (int c = 0; c < kb->ncond; c++)
        if (pk->ho[c].cond < 0) {
            err_set(err, GL_ERR_KB, "plan/handouts.tsv", 0, kb->cond[c].id, "no handout for condition %s",
                    kb->cond[c].id);
            return false;
        }
    return true;
}

static bool load_all(const gl_kb *kb, plan_kb *pk, gl_error *err)
{
    static const char wu_h[] = "id\tcondition\twhen\ttier\ttest_id\ttest\ttiming\twhy\tchanges_plan\tcost\t"
                               "radiation\tresult_findings\tsource";
    static const char tx_h[] = "id\tcondition\twhen\ttier\tstep\ttreatment\tdetails\toutcome\tevidence\tsource";
    static const char ex_h[] = "id\tname\tconditions\tsteps\thold_seconds\treps\tper_day\tphase\tdiagram\t"
                               "defaults\tsource";
    static const char ho_h[] = "condition\ttitle\twhat_it_is\thome\tpolicy\texercises\twarning_signs\tsource";
    static const char wa_h[] = "id\twhen\ttext\tsource";
    return read_table(kb, pk, "plan/workup.tsv", wu_h, 13, (void **)&pk->wu, &pk->nwu, sizeof *pk->wu,
                      workup_row, err) &&
           read_table(kb, pk, "plan/treatments.tsv", tx_h, 10, (void **)&pk->tx, &pk->ntx, sizeof *pk->tx,
                      treat_row, err) &&
           read_table(kb, pk, "plan/exercises.tsv", ex_h, 11, (void **)&pk->ex, &pk->nex, sizeof *pk->ex,
                      exercise_row, err) &&
           read_table(kb, pk, "plan/handouts.tsv", ho_h, 8, NULL, NULL, 0, handout_row, err) &&
           every_condition_has_handout(kb, pk, err) &&
           read_table(kb, pk, "plan/warnings.tsv", wa_h, 4, (void **)&pk->warn, &pk->nwarn, sizeof *pk->warn,
                      warning_row, err);
}

plan_kb *plan_kb_load(const gl_kb *kb, gl_error *err)
{
    plan_kb *pk = calloc(1, sizeof *pk);
    if (!pk || !(pk->A = arena_new()) || !(pk->ho = arena_alloc(pk->A, (size_t)kb->ncond * sizeof *pk->ho))) {
        err_set(err, GL_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        plan_kb_free(&pk);
        return NULL;
    }
    for (int c = 0; c < kb->ncond; c++)
        pk->ho[c].cond = -1;
    if (!load_all(kb, pk, err))
        plan_kb_free(&pk);
    return pk;
}

void plan_kb_free(plan_kb **pk)
{
    if (!pk || !*pk)
        return;
    arena_free((*pk)->A);
    free(*pk);
    *pk = NULL;
}

int plan_exercise_index(const plan_kb *pk, const char *id)
{
    for (int i = 0; i < pk->nex; i++)
        if (!strcmp(pk->ex[i].id, id))
            return i;
    return -1;
}
