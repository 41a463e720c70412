/* triage.h - red-flag rules, separate from the probabilities (library-internal). */
#ifndef GL_TRIAGE_H
#define GL_TRIAGE_H

#include "kb/kb.h"

/* Evaluate every rule of kb/redflags.tsv. Writes the indices of the rules that
 * fire into fired[] (room for kb->nflag), most urgent first; returns the count
 * and sets *urgency (URG_ROUTINE when none fire). */
int triage_run(const gl_kb *kb, const expr_ctx *ctx, int *fired, int *urgency);

#endif
