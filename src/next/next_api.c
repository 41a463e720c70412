/* next_api.c - public face of the next-question ranking and the interview. */
#include <ctype.h>
#include <stdio.h>
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
    /* answers in order, for back: finding -1 is the duration question, -2 - g
     * question group g (its members' earlier values in gbefore/gasked) */
    struct { int finding; signed char before; double duration_before; } *hist;
    int nhist;
    bool duration_asked;
    bool *group_asked;      /* per question group */
    signed char *gbefore;   /* per finding: given value before its group was answered */
    bool *gasked;           /* per finding: asked before its group was answered */
    bool *grouped;          /* per finding: asked on a pain map or checklist */
    bool one_by_one;        /* no question groups: every finding its own yes/no */
    gl_next *cur; /* ranking for the current state, computed on demand */
};

gl_interview *gl_interview_new(const gl_kb *kb, const gl_case *start, gl_error *err)
{
    gl_interview *iv = calloc(1, sizeof *iv);
    if (iv) {
        iv->kb = kb;
        iv->c = gl_case_clone(start);
        iv->asked = calloc((size_t)kb->nfind, sizeof *iv->asked);
        iv->hist = calloc((size_t)kb->nfind + 2 + (size_t)kb->ngroup, sizeof *iv->hist);
        iv->group_asked = calloc((size_t)kb->ngroup + 1, sizeof *iv->group_asked);
        iv->gbefore = calloc((size_t)kb->nfind, sizeof *iv->gbefore);
        iv->gasked = calloc((size_t)kb->nfind, sizeof *iv->gasked);
        iv->grouped = calloc((size_t)kb->nfind, sizeof *iv->grouped);
    }
    if (!iv || !iv->c || !iv->asked || !iv->hist || !iv->group_asked || !iv->gbefore || !iv->gasked ||
        !iv->grouped) {
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
    free(iv->group_asked), free(iv->gbefore), free(iv->gasked), free(iv->grouped);
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

static int group_index(const gl_kb *kb, const char *id)
{
    for (int g = 0; g < kb->ngroup; g++)
        if (!strcmp(kb->group[g].id, id))
            return g;
    return -1;
}

/* A group's options: its members not yet asked or known. */
static int options(const gl_interview *iv, int g, const char **out, int max)
{
    const kb_group *k = &iv->kb->group[g];
    int n = 0;
    for (int j = 0; j < k->n; j++)
        if (!iv->asked[k->member[j]] && !iv->c->state[k->member[j]]) {
            if (out && n < max)
                out[n] = iv->kb->find[k->member[j]].id;
            n++;
        }
    return n;
}

int gl_interview_group_options(const gl_interview *iv, const char *id, const char **out, int max)
{
    int g = group_index(iv->kb, id);
    return g < 0 ? -1 : options(iv, g, out, max);
}

const char *gl_interview_option_text(const gl_interview *iv, const char *finding_id)
{
    int f = kb_find(iv->kb, finding_id);
    return f < 0 ? NULL : iv->kb->find[f].description;
}

void gl_interview_one_by_one(gl_interview *iv) { iv->one_by_one = true; }

const char *gl_interview_next(gl_interview *iv)
{
    if (!iv->duration_asked)
        return GL_ASK_DURATION;
    for (int g = 0; !iv->one_by_one && g < iv->kb->ngroup; g++) /* the pain map and checklists open the history */
        if (!iv->group_asked[g] && options(iv, g, NULL, 0) > 0)
            return iv->kb->group[g].id;
    gl_next *n = current(iv);
    if (!n || iv->nhist >= iv->kb->nfind)
        return NULL;
    int f = next_pick(iv->kb, &n->list, iv->asked, iv->grouped, iv->c->state);
    return f < 0 ? NULL : iv->kb->find[f].id;
}

const char *gl_interview_question(const gl_interview *iv, const char *id)
{
    int g = group_index(iv->kb, id);
    return !strcmp(id, GL_ASK_DURATION) ? duration_text : g >= 0 ? iv->kb->group[g].question
                                                                 : gl_kb_finding_question(iv->kb, id);
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
    if (group_index(iv->kb, id) >= 0) /* a list question: only a skip is a yes/no answer */
        return value ? -1 : gl_interview_answer_group(iv, id, "unknown", NULL);
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
    if (f <= -2) { /* a question group: every member as it was */
        const kb_group *k = &iv->kb->group[-2 - f];
        for (int j = 0; j < k->n; j++) {
            int m = k->member[j];
            gl_case_set_finding(iv->c, iv->kb->find[m].id, iv->gbefore[m]);
            iv->asked[m] = iv->gasked[m];
            iv->grouped[m] = false;
        }
        iv->group_asked[-2 - f] = false;
        iv->nasked--;
        return 0;
    }
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
    int g = group_index(iv->kb, id);
    if (g >= 0)
        return strdup(iv->kb->group[g].source);
    gl_next *n = current(iv);
    int f = kb_find(iv->kb, id);
    if (!n || f < 0)
        return NULL;
    for (int i = 0; i < n->list.n; i++)
        if (n->list.item[i].finding == f)
            return next_item_text(iv->kb, &n->list.item[i]);
    return strdup("This finding is already known or cannot move the differential.");
}

/* One item of a group answer: an option number or finding id, "-" for absent.
 * Returns the option's index, or -1 (err says why). */
static int answer_item(const char *const *opt, int nopt, const char *tok, int *value, gl_error *err)
{
    const char *item = tok;
    *value = 1;
    if (*tok == '-')
        *value = -1, tok++;
    char *end = NULL;
    long k = isdigit((unsigned char)*tok) ? strtol(tok, &end, 10) : 0;
    const char *id = end && !*end && k >= 1 && k <= nopt ? opt[k - 1] : tok;
    for (int i = 0; i < nopt; i++)
        if (!strcmp(opt[i], id))
            return i;
    if (end && !*end)
        err_set(err, GL_ERR_INVALID, NULL, 0, NULL, "option %s is not in the list (1-%d)", item, nopt);
    else
        err_set(err, GL_ERR_INVALID, NULL, 0, NULL, "\"%s\" is not one of the listed options", item);
    return -1;
}

int gl_interview_answer_group(gl_interview *iv, const char *id, const char *answer, gl_error *err)
{
    int g = group_index(iv->kb, id);
    if (g < 0 || iv->group_asked[g] || iv->nhist >= iv->kb->nfind || !answer || strlen(answer) > 4096) {
        err_set(err, GL_ERR_USAGE, NULL, 0, NULL, "\"%s\" is not an open question group", id ? id : "");
        return -1;
    }
    const kb_group *k = &iv->kb->group[g];
    const char *opt[64];
    int nopt = options(iv, g, opt, 64);
    signed char val[64] = {0};
    bool rest_no = false;
    char buf[4097];
    snprintf(buf, sizeof buf, "%s", answer);
    for (char *save = NULL, *tok = strtok_r(buf, " ,\t", &save); tok; tok = strtok_r(NULL, " ,\t", &save)) {
        if (!strcmp(tok, "unknown") || !strcmp(tok, "skip")) /* next to items it adds nothing */
            continue;
        if (!strcmp(tok, "rest-no")) {
            rest_no = true;
            continue;
        }
        int v, i = answer_item(opt, nopt, tok, &v, err);
        if (i < 0)
            return -1;
        val[i] = (signed char)v;
    }
    iv->hist[iv->nhist++].finding = -2 - g;
    for (int j = 0; j < k->n; j++) {
        int m = k->member[j];
        iv->gbefore[m] = iv->c->given[m];
        iv->gasked[m] = iv->asked[m];
    }
    bool any = rest_no;
    for (int i = 0; i < nopt; i++)
        any |= val[i] != 0;
    for (int i = 0; any && i < nopt; i++) {
        int v = val[i] ? val[i] : rest_no ? -1 : 0;
        if (v)
            gl_case_set_finding(iv->c, opt[i], v);
        /* on a filled-in map an unmarked area is not asked again one by one; a
         * map not filled in at all (skip) leaves every area to its own question */
        int f = kb_find(iv->kb, opt[i]);
        iv->asked[f] = iv->grouped[f] = true;
    }
    iv->group_asked[g] = true;
    iv->nasked++;
    gl_next_free(&iv->cur);
    return 0;
}
