/* next.h - which unknown finding to ask or examine next (library-internal). */
#ifndef GL_NEXT_H
#define GL_NEXT_H

#include "kb/kb.h"

enum { STAGE_HISTORY, STAGE_EXAM, STAGE_TESTS };

typedef struct next_item {
    int finding;
    int stage;           /* consultation order: history/symptoms, examination, tests */
    bool red_flag;       /* named by a red-flag rule that has not fired */
    int red_urgency;     /* the most urgent such rule */
    double p_yes;        /* predictive probability that the finding is present */
    double gain;         /* expected reduction of uncertainty, bits (see next.c) */
    bool changes_top3;   /* some answer would change the set of the top three */
    int up_out;          /* condition outside the top three raised most by a yes */
    int then;            /* else: a yes here, then a yes to this finding, would
                          * bring up_out into the top three (-1: none; next.c) */
    int up_yes, up_no;   /* condition raised most by a yes / by a no (-1: none) */
    double yes_from, yes_to, no_from, no_to;
} next_item;

typedef struct next_list {
    next_item *item;     /* red-flag questions first, then by gain */
    int n;
    int top3[3];         /* current top three (reported probabilities) */
} next_list;

/* Rank every unknown, askable finding of the case state. `ctx` gives age, sex,
 * setting and duration (ctx->state must be `state`). Returns 0 or -1 (memory). */
int next_rank(const gl_kb *kb, const expr_ctx *ctx, next_list *out);
void next_list_free(next_list *l);

/* The question an interview asks now, in the earliest consultation stage
 * (history, examination, tests) that has budget left: the core screen
 * (kb/screen.tsv), then the more informative of the best red-flag question and
 * the best question one of whose answers would change the top three; when no
 * stage has one, any red-flag history question never asked; -1 when the
 * interview is done. `asked[f]` marks findings asked (answered or skipped) or
 * known from the start; budgets count answered and asked non-red-flag ones,
 * except those asked on a pain map or checklist (`grouped[f]`, may be NULL):
 * that was one question for all of them. */
int next_pick(const gl_kb *kb, const next_list *l, const bool *asked, const bool *grouped, const signed char *state);

#endif
