/* assess.c - the pipeline: case -> priors -> evidence -> exact posteriors ->
 * red flags -> ranking. Each stage is a plain function over the arrays of the
 * previous one; nothing here prints. */
#include <stdlib.h>
#include <string.h>

#include "infer/infer.h"
#include "result.h"
#include "triage/triage.h"

expr_ctx result_ctx(const gl_result *r)
{
    expr_ctx x = {r->state, r->age, r->duration, r->sex, r->setting, r->prob};
    return x;
}

/* Ranking order: probability, highest first; on a tie an umbrella before its
 * own members, then knowledge-base order. */
static int by_prob(const gl_result *r, int i, int j)
{
    double pi = r->prob[i], pj = r->prob[j];
    if (pi != pj)
        return pi < pj ? 1 : -1;
    if (r->kb->cond[j].parent == i)
        return -1;
    if (r->kb->cond[i].parent == j)
        return 1;
    return i - j;
}

/* Insertion sort: 33 items, and no global context (the server is threaded). */
static void rank_conditions(gl_result *r)
{
    int n = r->kb->ncond;
    for (int i = 0; i < n; i++) {
        int x = i, k = i;
        while (k > 0 && by_prob(r, r->order[k - 1], x) > 0) {
            r->order[k] = r->order[k - 1];
            k--;
        }
        r->order[k] = x;
    }
}

static char **copy_strings(char **src, int n)
{
    char **out = calloc((size_t)n + 1, sizeof *out);
    for (int i = 0; out && i < n; i++)
        if (!(out[i] = strdup(src[i]))) {
            for (int j = 0; j < i; j++)
                free(out[j]);
            free(out);
            return NULL;
        }
    return out;
}

static bool copy_case(gl_result *r, const gl_case *c)
{
    const gl_kb *kb = c->kb;
    size_t nf = (size_t)kb->nfind, n = (size_t)kb->ncond;
    r->setting = c->setting;
    r->sex = c->sex;
    r->side = c->side;
    r->age = c->age;
    r->duration = c->duration;
    r->case_id = c->id ? strdup(c->id) : NULL;
    r->state = malloc(nf);
    r->ev = malloc(nf);
    r->via = malloc(nf * sizeof *r->via);
    r->w = malloc(nf * sizeof *r->w);
    r->prior = malloc(n * sizeof *r->prior);
    r->post = malloc(n * sizeof *r->post);
    r->prob = malloc(n * sizeof *r->prob);
    r->order = malloc(n * sizeof *r->order);
    r->flags = malloc(((size_t)kb->nflag + 1) * sizeof *r->flags);
    r->contra = copy_strings(c->contra, c->ncontra);
    r->warn = copy_strings(c->warn, c->nwarn);
    r->meas = calloc((size_t)c->nmeas + 1, sizeof *r->meas);
    if ((c->id && !r->case_id) || !r->state || !r->ev || !r->via || !r->w || !r->prior || !r->post || !r->prob ||
        !r->order || !r->flags || !r->contra || !r->warn || !r->meas)
        return false;
    r->ncontra = c->ncontra;
    r->nwarn = c->nwarn;
    memcpy(r->state, c->state, nf);
    if (c->nmeas)
        memcpy(r->meas, c->meas, (size_t)c->nmeas * sizeof *r->meas);
    if (!(r->mined = calloc((size_t)c->nmined + 1, sizeof *r->mined)))
        return false;
    if (c->nmined)
        memcpy(r->mined, c->mined, (size_t)c->nmined * sizeof *r->mined);
    r->nmined = c->nmined;
    r->nmeas = c->nmeas;
    return true;
}

gl_result *gl_assess(const gl_kb *kb, const gl_case *c, gl_error *err)
{
    if (!kb || !c || c->kb != kb) {
        err_set(err, GL_ERR_USAGE, NULL, 0, NULL, "gl_assess needs a case parsed with the same knowledge base");
        return NULL;
    }
    gl_result *r = calloc(1, sizeof *r);
    if (!r || (r->kb = kb, !copy_case(r, c))) {
        gl_result_free(&r);
        err_set(err, GL_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        return NULL;
    }
    expr_ctx ctx = result_ctx(r);
    ctx.post = NULL;
    infer_priors(kb, &ctx, r->prior);
    infer_evidence(kb, r->state, r->ev, r->via);
    infer_weights(kb, r->ev, r->w);
    if (infer_run(kb, r->prior, r->ev, r->w, kb->max_k, r->post, r->prob, &r->other) < 0) {
        gl_result_free(&r);
        err_set(err, GL_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        return NULL;
    }
    rank_conditions(r);
    ctx = result_ctx(r);
    r->nflags = triage_run(kb, &ctx, r->flags, &r->urgency);
    r->outside_scope = r->other >= kb->scope_other || r->prob[r->order[0]] < kb->scope_top;
    return r;
}

void gl_result_free(gl_result **rp)
{
    if (!rp || !*rp)
        return;
    gl_result *r = *rp;
    for (int i = 0; r->contra && i < r->ncontra; i++)
        free(r->contra[i]);
    for (int i = 0; r->warn && i < r->nwarn; i++)
        free(r->warn[i]);
    free(r->contra), free(r->warn), free(r->case_id), free(r->state), free(r->ev), free(r->via), free(r->w);
    free(r->prior), free(r->post), free(r->prob), free(r->order), free(r->flags), free(r->meas), free(r->mined);
    free(r);
    *rp = NULL;
}

int gl_result_rank(const gl_result *r, int condition)
{
    for (int i = 0; i < r->kb->ncond; i++)
        if (r->order[i] == condition)
            return i + 1;
    return 0;
}

int gl_result_ranked(const gl_result *r, int rank)
{
    return rank >= 1 && rank <= r->kb->ncond ? r->order[rank - 1] : -1;
}

double gl_result_probability(const gl_result *r, int c)
{
    return c >= 0 && c < r->kb->ncond ? r->prob[c] : 0.0;
}

const char *gl_result_urgency(const gl_result *r) { return kb_urgency_names[r->urgency]; }
int gl_result_red_flag_count(const gl_result *r) { return r->nflags; }
int gl_result_outside_scope(const gl_result *r) { return r->outside_scope; }
