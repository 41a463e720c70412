/* note.c - findings mined from the case's free-text note (case-format.md:
 * "may be mined for findings where the project supports it").
 *
 * Deliberately simple and visible: the note is lower-cased and cut into
 * clauses (at . ; ! ? new lines and before "but", "although", "however",
 * "whereas"); a phrase of kb/note_phrases.tsv found at the start of a word
 * gives its finding, and a negation cue anywhere in the same clause (no, not,
 * denies, without, never, nor, negative, absent, free of, n't) flips it. A
 * finding entered in "findings" or set by a measurement is never changed; the
 * first phrase to speak about a finding wins. Every mined finding is kept with
 * its phrase so the report can show exactly what was read. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"

static bool word_start(const char *text, const char *at)
{
    return at == text || !isalnum((unsigned char)at[-1]);
}

/* Is there a negation cue in [b, e)? Checked at word starts only. */
static bool negated(const char *b, const char *e)
{
    static const struct { const char *cue; size_t len; } cues[] = {
        {"no ", 3}, {"not ", 4}, {"denies", 6}, {"denied", 6}, {"without", 7}, {"never", 5}, {"nor ", 4},
        {"negative", 8}, {"absent", 6}, {"free of", 7}, {"none", 4}};
    for (const char *p = b; p < e; p++) {
        if (*p == '\'' && p > b && p[-1] == 'n' && p + 1 < e && p[1] == 't')
            return true; /* "doesn't", "can't" */
        if (!word_start(b, p) || !strchr("ndwafn", *p))
            continue;
        for (size_t i = 0; i < sizeof cues / sizeof *cues; i++)
            if (cues[i].cue[0] == *p && (size_t)(e - p) >= cues[i].len && !strncmp(p, cues[i].cue, cues[i].len))
                return true;
    }
    return false;
}

/* End of the clause that starts at p: the sentence end, or an earlier joining
 * word within the sentence. */
static const char *clause_end(const char *p)
{
    static const char *const joins[] = {" but ", " although ", " however", " whereas ", " except "};
    const char *end = p + strcspn(p, ".;!?\n");
    for (const char *q = p + 1; q < end; q++) {
        if (*q != ' ')
            continue;
        for (size_t i = 0; i < sizeof joins / sizeof *joins; i++) {
            size_t l = strlen(joins[i]);
            if ((size_t)(end - q) >= l && !strncmp(q, joins[i], l))
                return q;
        }
    }
    return end;
}

int case_mine_note(gl_case *c)
{
    const gl_kb *kb = c->kb;
    if (!c->note || !kb->nphrase)
        return 0;
    size_t n = strlen(c->note);
    char *low = calloc(n + 1, 1); /* zeroed: the terminator is there before the copy */
    c->mined = calloc((size_t)kb->nfind + 1, sizeof *c->mined);
    if (!low || !c->mined) {
        free(low);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)c->note[i]);
    /* one pass over the word starts of each clause; at each, only the phrases
     * that begin with that byte are tried (kb->phrase_by_char) */
    for (const char *p = low; *p;) {
        const char *e = clause_end(p);
        bool neg = negated(p, e);
        for (const char *w = p; w < e; w++) {
            if (!word_start(p, w))
                continue;
            unsigned char b = (unsigned char)*w;
            for (int k = kb->phrase_start[b]; k < kb->phrase_start[b + 1]; k++) {
                int i = kb->phrase_by_char[k];
                const kb_phrase *ph = &kb->phrase[i];
                size_t l = ph->len;
                if (c->state[ph->finding] || (size_t)(e - w) < l || (l > 1 && w[1] != ph->text[1]) ||
                    strncmp(w, ph->text, l))
                    continue;
                int v = neg ? -ph->value : ph->value;
                c->state[ph->finding] = (signed char)v;
                c->mined[c->nmined++] = (struct case_mined){ph->finding, v, i};
            }
        }
        p = *e ? e + 1 : e;
    }
    free(low);
    return c->nmined;
}
