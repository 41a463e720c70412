/* next_api.c - public face of the next-question ranking and the interview. */
#include <stdlib.h>
#include <string.h>

#include "assess/result.h"
#include "next.h"
#include "next_api.h"

static expr_ctx case_ctx(const gl_case *c)
{
    expr_ctx x = {c->state, c->age, c->duration, c->sex, c->setting, NULL};
    return x;
}

gl_next *gl_next_questions(const gl_kb *kb, const gl_case *c, gl_error *err)
{
    gl_next *n = calloc(1, sizeof *n);
    expr_ctx x = case_ctx(c);
    if (!n || next_rank(kb, &x, &n->list) < 0) {
        free(n);
        err_set(err, GL_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        return NULL;
    }
    n->kb = kb;
    return n;
}

void gl_next_free(gl_next **n)
{
    if (!n || !*n)
        return;
    next_list_free(&(*n)->list);
    free(*n);
    *n = NULL;
}

int gl_next_count(const gl_next *n) { return n->list.n; }

const char *gl_next_finding(const gl_next *n, int i)
{
    return i >= 0 && i < n->list.n ? n->kb->find[n->list.item[i].finding].id : NULL;
}

/* ---- interview ---- */
struct gl_interview {
    const gl_kb *kb;
    gl_case *c;
    bool *asked;
    int nasked;
    /* answers in order, for back: finding -1 is the duration question */
    struct { int finding; signed char before; double duration_before; } *hist;
    int nhist;
    bool duration_asked;
    gl_next *cur; /* ranking for the current state, computed on demand */
};

gl_interview *gl_interview_new(const gl_kb *kb, const gl_case *start, gl_error *err)
{
    gl_interview *iv = calloc(1, sizeof *iv);
    if (iv) {
        iv->kb = kb;
        iv->c = gl_case_clone(start);
        iv->asked = calloc((size_t)kb->nfind, sizeof *iv->asked);
        iv->hist = calloc((size_t)kb->nfind + 2, sizeof *iv->hist);
    }
    if (!iv || !iv->c || !iv->asked || !iv->hist) {
        gl_interview_free(&iv);
        err_set(err, GL_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        return NULL;
    }
    for (int f = 0; f < kb->nfind; f++) /* never ask what is already known */
        iv->asked[f] = iv->c->state[f] != 0;
    iv->duration_asked = iv->c->duration >= 0;
    return iv;
}

void gl_interview_free(gl_interview **ivp)
{
    if (!ivp || !*ivp)
        return;
    gl_interview *iv = *ivp;
    gl_case_free(&iv->c);
    gl_next_free(&iv->cur);
    free(iv->asked);
    free(iv->hist);
    free(iv);
    *ivp = NULL;
}

static gl_next *current(gl_interview *iv)
{
    if (!iv->cur)
        iv->cur = gl_next_questions(iv->kb, iv->c, NULL);
    return iv->cur;
}

/* "How long?" opens every history: time since onset sets the starting odds of
 * acute causes (disc herniation, fracture, infection, cauda equina) against
 * chronic ones (tendinopathy, deep gluteal syndrome, axial SpA; the duration
 * rows of kb/modifiers.tsv), and no yes/no finding carries it. */
static const char duration_text[] =
    "How long ago did the pain begin? (weeks, e.g. 6; 0.5 for a few days)";
static const char duration_why[] =
    "Time since onset sets the starting probabilities: acute causes (disc herniation, stress fracture, "
    "infection, cauda equina) against chronic ones (tendinopathy, deep gluteal syndrome, axial "
    "spondyloarthritis); see the duration rows of kb/modifiers.tsv.";

const char *gl_interview_next(gl_interview *iv)
{
    if (!iv->duration_asked)
        return GL_ASK_DURATION;
    gl_next *n = current(iv);
    if (!n || iv->nhist >= iv->kb->nfind)
        return NULL;
    int f = next_pick(iv->kb, &n->list, iv->asked, iv->c->state);
    return f < 0 ? NULL : iv->kb->find[f].id;
}

const char *gl_interview_question(const gl_interview *iv, const char *id)
{
    return !strcmp(id, GL_ASK_DURATION) ? duration_text : gl_kb_finding_question(iv->kb, id);
}

int gl_interview_answer_duration(gl_interview *iv, double weeks)
{
    if (weeks > 2600 || iv->nhist > iv->kb->nfind)
        return -1;
    iv->hist[iv->nhist].finding = -1;
    iv->hist[iv->nhist++].duration_before = iv->c->duration;
    iv->c->duration = weeks >= 0 ? weeks : -1;
    if (!iv->duration_asked)
        iv->nasked++;
    iv->duration_asked = true;
    gl_next_free(&iv->cur);
    return 0;
}

int gl_interview_answer(gl_interview *iv, const char *id, int value)
{
    if (!strcmp(id, GL_ASK_DURATION)) /* a yes/no answer to "how long?": not known */
        return value < -1 || value > 1 ? -1 : gl_interview_answer_duration(iv, -1);
    int f = kb_find(iv->kb, id);
    if (f < 0 || value < -1 || value > 1 || iv->nhist >= iv->kb->nfind)
        return -1;
    iv->hist[iv->nhist].finding = f;
    iv->hist[iv->nhist++].before = iv->c->given[f];
    gl_case_set_finding(iv->c, id, value);
    if (!iv->asked[f])
        iv->nasked++;
    iv->asked[f] = true;
    gl_next_free(&iv->cur);
    return 0;
}

int gl_interview_back(gl_interview *iv)
{
    if (!iv->nhist)
        return -1;
    iv->nhist--;
    int f = iv->hist[iv->nhist].finding;
    gl_next_free(&iv->cur);
    if (f < 0) { /* the duration question */
        iv->c->duration = iv->hist[iv->nhist].duration_before;
        if (iv->c->duration < 0) {
            iv->duration_asked = false;
            iv->nasked--;
        }
        return 0;
    }
    gl_case_set_finding(iv->c, iv->kb->find[f].id, iv->hist[iv->nhist].before);
    bool still = false; /* asked again later in the history? */
    for (int i = 0; i < iv->nhist; i++)
        still |= iv->hist[i].finding == f;
    if (!still && !iv->c->given[f]) {
        iv->asked[f] = false;
        iv->nasked--;
    }
    gl_next_free(&iv->cur);
    return 0;
}

int gl_interview_asked(const gl_interview *iv) { return iv->nasked; }
const gl_case *gl_interview_case(const gl_interview *iv) { return iv->c; }

char *gl_interview_why(gl_interview *iv, const char *id)
{
    if (!strcmp(id, GL_ASK_DURATION))
        return strdup(duration_why);
    gl_next *n = current(iv);
    int f = kb_find(iv->kb, id);
    if (!n || f < 0)
        return NULL;
    for (int i = 0; i < n->list.n; i++)
        if (n->list.item[i].finding == f)
            return next_item_text(iv->kb, &n->list.item[i]);
    return strdup("This finding is already known or cannot move the differential.");
}
