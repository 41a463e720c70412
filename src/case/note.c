/* note.c - findings mined from the case's free-text note (case-format.md:
 * "may be mined for findings where the project supports it").
 *
 * Deliberately simple and visible: the note is lower-cased and cut into
 * clauses (at . ; ! ? new lines and before "but", "although", "however",
 * "whereas"); a phrase of kb/note_phrases.tsv found at the start of a word
 * gives its finding, and a negation cue of the same clause flips it: one
 * before the phrase (no, denies, without, never, nor, none, free of), or one
 * before or after it (not, n't, negative, absent; find_cues below). A
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

/* Negation cues of one clause. A pre-cue ("no", "denies", "without") speaks
 * of what follows it ("no fever", "denies numbness or weakness"); a two-way
 * cue ("not", "n't", "negative", "absent") also of what stands before it
 * ("the SLR was negative", "walking does not hurt"). "can't", "cannot" and
 * "unable" are not negations: "can't sit for long" states the finding. */
enum { MAX_CUES = 16 };
struct cue { const char *at, *end; bool pre_only; };

static int find_cues(const char *b, const char *e, struct cue *out)
{
    static const struct { const char *text; bool pre_only; } cues[] = {
        {"no ", true},     {"denies", true},  {"denied", true}, {"deny", true},   {"without", true},
        {"never", true},   {"nor ", true},    {"none", true},   {"free of", true}, {"not ", false},
        {"negative", false}, {"absent", false}};
    int n = 0;
    for (const char *p = b; p < e && n < MAX_CUES; p++) {
        if (*p == '\'' && p > b && p[-1] == 'n' && p + 1 < e && p[1] == 't') {
            bool can = p - b >= 3 && !strncmp(p - 3, "can", 3);
            if (!can) /* "doesn't", "isn't"; not "can't" */
                out[n++] = (struct cue){p - 1, p + 2, false};
            continue;
        }
        if (!word_start(b, p) || !strchr("ndwfa", *p))
            continue;
        for (size_t i = 0; i < sizeof cues / sizeof *cues; i++) {
            size_t l = strlen(cues[i].text);
            if ((size_t)(e - p) >= l && !strncmp(p, cues[i].text, l)) {
                out[n++] = (struct cue){p, p + l, cues[i].pre_only};
                break;
            }
        }
    }
    return n;
}

/* Does a cue of the clause negate the phrase at [w, we)? Cues inside the
 * phrase itself ("not relieved by rest") belong to the phrase. */
static bool negated(const struct cue *cue, int ncue, const char *w, const char *we)
{
    for (int i = 0; i < ncue; i++) {
        if (cue[i].end <= w)
            return true;
        if (cue[i].at >= we && !cue[i].pre_only)
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
        struct cue cue[MAX_CUES];
        int ncue = find_cues(p, e, cue);
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
                int v = negated(cue, ncue, w, w + l) ? -ph->value : ph->value;
                c->state[ph->finding] = (signed char)v;
                c->mined[c->nmined++] = (struct case_mined){ph->finding, v, i};
            }
        }
        p = *e ? e + 1 : e;
    }
    free(low);
    return c->nmined;
}
