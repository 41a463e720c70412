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

/* Is there a negation cue in [b, e)? */
static bool negated(const char *b, const char *e)
{
    static const char *const cues[] = {"no ", "not ", "denies", "denied", "without", "never", "nor ", "negative",
                                       "absent", "free of", "none", "n't"};
    for (const char *p = b; p < e; p++)
        for (size_t i = 0; i < sizeof cues / sizeof *cues; i++) {
            size_t l = strlen(cues[i]);
            if ((size_t)(e - p) >= l && !strncmp(p, cues[i], l) && (cues[i][0] == 'n' && cues[i][1] == '\'' ? true : word_start(b, p)))
                return true;
        }
    return false;
}

/* End of the clause that starts at p. */
static const char *clause_end(const char *p)
{
    static const char *const joins[] = {" but ", " although ", " however", " whereas ", " except "};
    const char *best = p + strcspn(p, ".;!?\n");
    for (size_t i = 0; i < sizeof joins / sizeof *joins; i++) {
        const char *j = strstr(p, joins[i]);
        if (j && j > p && j < best)
            best = j;
    }
    return best;
}

static bool find_in(const char *b, const char *e, const char *phrase)
{
    size_t l = strlen(phrase);
    for (const char *p = b; p + l <= e; p++)
        if (!strncmp(p, phrase, l) && word_start(b, p))
            return true;
    return false;
}

int case_mine_note(gl_case *c)
{
    const gl_kb *kb = c->kb;
    if (!c->note || !kb->nphrase)
        return 0;
    size_t n = strlen(c->note);
    char *low = malloc(n + 1);
    c->mined = calloc((size_t)kb->nfind + 1, sizeof *c->mined);
    if (!low || !c->mined) {
        free(low);
        return -1;
    }
    for (size_t i = 0; i <= n; i++)
        low[i] = (char)tolower((unsigned char)c->note[i]);
    for (const char *p = low; *p;) {
        const char *e = clause_end(p);
        bool neg = negated(p, e);
        for (int i = 0; i < kb->nphrase; i++) {
            const kb_phrase *ph = &kb->phrase[i];
            if (c->state[ph->finding] || !find_in(p, e, ph->text))
                continue;
            int v = neg ? -ph->value : ph->value;
            c->state[ph->finding] = (signed char)v;
            c->mined[c->nmined++] = (struct case_mined){ph->finding, v, i};
        }
        p = *e ? e + 1 : e;
    }
    free(low);
    return c->nmined;
}
