/* note.c - findings mined from the case's free-text note (case-format.md:
 * "may be mined for findings where the project supports it").
 *
 * Deliberately simple and visible: the note is lower-cased and cut into
 * clauses (at . ; ! ? new lines and before "but", "although", "however",
 * "whereas", "except"); at each word start the longest phrases of
 * kb/note_phrases.tsv that match give their findings and the words they cover
 * are not read again. A phrase's value is flipped by a negation cue of the
 * clause: one before the phrase (no, denies, without, never, nor, none, free
 * of) up to where a new predicate starts, or a two-way one (not, n't,
 * negative, absent) also a few words after it (find_cues, negated below);
 * "positive"/"negative" right next to a test name overrides that
 * (local_polarity). Imaging findings need an imaging word in the sentence and
 * a clause about relatives gives only family history, and one that says results
 * are unknown ("not reported", "not done") gives nothing (clause_scope). A
 * finding entered in "findings" or set by a measurement is never changed; of
 * the note's statements the first wins, unless a specific one follows a
 * summary ("reflexes normal ... absent ankle jerk") or a statement of presence
 * follows a denial; a summary before "except" keeps its denials only when the
 * exception overrides one of them (take_back_denials). Lists that share a
 * verdict or a pain are read item by item (read_shared_verdict,
 * read_site_list). Every mined finding is kept with its phrase so the report
 * can show exactly what was read. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"

static bool word_start(const char *text, const char *at)
{
    return at == text || !isalnum((unsigned char)at[-1]);
}

/* Does the word at w carry the prefix "non-" or "non " ("non-antalgic gait",
 * "a non-capsular pattern")? A phrase read there would say the opposite of
 * the note, and the prefix does not always negate it plainly ("non-capsular"
 * restriction is still restriction), so nothing is read from that word; the
 * negated forms worth reading are phrases of their own ("non-smoker"). */
static bool after_non(const char *text, const char *w)
{
    return w - text >= 4 && (w[-1] == '-' || w[-1] == ' ') && !strncmp(w - 4, "non", 3) && word_start(text, w - 4);
}

/* Length of s when the text [p, e) starts with it, else 0. */
static size_t starts(const char *p, const char *e, const char *s)
{
    size_t l = strlen(s);
    return (size_t)(e - p) >= l && !strncmp(p, s, l) ? l : 0;
}

static bool starts_any(const char *p, const char *e, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (*p == words[i][0] && starts(p, e, words[i]))
            return true;
    return false;
}

#define SENTENCE_STOPS ".!?\n"

/* The start of the word after the one at r. */
static const char *next_word(const char *r, const char *e)
{
    while (r < e && *r != ' ')
        r++;
    return r + 1;
}

/* " and X were ..." with X a bare name of one or two words ends a list of
 * subjects that share the plural verb ("SLR, slump and FABER were negative"),
 * not a new statement ("and the tests were negative" has its own subject). */
static bool shared_plural_verb(const char *r, const char *e)
{
    static const char *const plural[] = {"were ", "are "};
    static const char *const own[] = {"the ", "his ", "her ", "its ", "their ", "a ", "an ", "this ",
                                      "these ", "those ", "my ", "it ", "she ", "he ", "they ", "all ",
                                      "both ", "other ", "no "};
    for (int word = 0; word < 3 && r < e; word++) {
        if (word > 0 && starts_any(r, e, plural, sizeof plural / sizeof *plural))
            return true;
        if (starts_any(r, e, own, sizeof own / sizeof *own))
            return false;
        r = next_word(r, e);
    }
    return false;
}

/* Where a pre-cue stops speaking: the clause end, or an earlier " and "
 * that starts a new predicate ("no pain at rest and is worse with sitting",
 * "without spreading and makes walking hard"). A list of what is denied
 * ("denies numbness, weakness and back pain") runs on. With lists, " and X
 * were" does not stop it: a two-way cue after a list of subjects speaks of
 * all of them ("SLR, slump and FABER were negative"). */
static const char *scope_end(const char *at, const char *e, bool lists)
{
    static const char *const verbs[] = {
        "is ", "are ", "was ", "were ", "has ", "have ", "had ", "make ", "makes ", "made ", "gets ",
        "becomes ", "hurts", "causes ", "gives ", "aggravate", "worsen", "bring", "provoke", "reports ",
        "describes ", "complains ", "it ", "she ", "he ", "they "};
    for (const char *q = at; q < e; q++) {
        size_t l = starts(q, e, " and ");
        if (!l)
            continue;
        /* the verb may follow a short subject: "and hiking makes it worse" */
        const char *r = q + l;
        if (lists && shared_plural_verb(r, e))
            continue;
        for (int word = 0; word < 3 && r < e; word++) {
            if (starts_any(r, e, verbs, sizeof verbs / sizeof *verbs))
                return q;
            r = next_word(r, e);
        }
    }
    return e;
}

/* Does a new statement start at r, the text after a comma? A statement of
 * normality, with or without a verb ("reflexes and power are normal",
 * "bladder function normal", "normal gait"; the verdict within seven words),
 * or a verb with the patient as its unwritten subject ("walks with a limp").
 * A list of denials sharing a verb is not one ("no fever, weight loss or
 * night sweats were reported"). */
static bool new_statement(const char *r, const char *e)
{
    static const char *const verbs[] = {"is ", "are ", "was ", "were "};
    static const char *const normal[] = {"normal", "intact", "symmetric", "full ", "preserved", "unremarkable",
                                         "within normal", "2+", "5/5"};
    static const char *const acts[] = {"walks ", "walked ", "stands ", "stood ", "sits ", "sat ", "limps",
                                       "reports ", "reported ", "describes ", "complains ", "has ", "had ",
                                       "uses ", "needs ", "shows ", "looks ", "appears ", "feels "};
    if (starts_any(r, e, acts, sizeof acts / sizeof *acts))
        return true;
    for (int word = 0; word < 7 && r < e; word++, r = next_word(r, e)) {
        if (starts_any(r, e, normal, sizeof normal / sizeof *normal))
            return true;
        if (word > 0 && starts_any(r, e, verbs, sizeof verbs / sizeof *verbs))
            return starts_any(next_word(r, e), e, normal, sizeof normal / sizeof *normal);
    }
    return false;
}

/* Where a pre-cue stops speaking: scope_end, or an earlier comma that starts
 * a new statement with its own subject and verb ("moves fully without pain,
 * the leg neurological examination is normal": the examination is not
 * denied; "no numbness, reflexes are normal", "no saddle anaesthesia, bladder
 * function normal, walks with a limp": neither is denied).
 * A list of what is denied runs on ("no tenderness over the piriformis, the
 * notch or the SIJ": no verb follows the subject). */
static const char *cue_scope_end(const char *at, const char *e)
{
    static const char *const subject[] = {", the ", ", his ", ", her ", ", their ", ", it ", ", she ",
                                          ", he ", ", they ", ", this ", ", these "};
    static const char *const verbs[] = {"is ", "are ", "was ", "were ", "has ", "have ", "had ", "developed ",
                                        "reports ", "reported ", "describes ", "described ", "noticed ",
                                        "presented ", "complains ", "complained ", "felt ", "feels ", "went "};
    static const char *const accompany[] = {", with a ", ", with an ", ", with the ", ", with some "};
    static const char *const and_subject[] = {", and the ", ", and a ", ", and an ", ", and his ", ", and her ",
                                              ", and their ", ", and it ", ", and she ", ", and he "};
    static const char *const predicates[] = {"is ", "are ", "was ", "were ", "has ", "have ", "had ", "bring",
                                             "reproduc", "provok", "caus", "make", "made ", "gives ", "gave ",
                                             "show", "elicit", "hurt", "increas", "limit"};
    const char *end = scope_end(at, e, false);
    for (const char *q = at; q < end; q++) {
        if (*q != ',')
            continue;
        if (starts(q, end, ", ") && new_statement(q + 2, e))
            return q;
        if (starts(q, end, ", only ")) /* "no longer in the leg, only in the buttock" */
            return q;
        /* "pain that does not radiate, with a popping felt at the front of
         * the hip": what the patient has besides */
        if (starts_any(q, end, accompany, sizeof accompany / sizeof *accompany))
            return q;
        /* ", and a right straight leg raise to 55 degrees brings on pain":
         * a new subject with its own verb, however long the subject */
        if (starts_any(q, end, and_subject, sizeof and_subject / sizeof *and_subject)) {
            const char *r = next_word(next_word(q + 2, end), end);
            for (int word = 0; word < 8 && r < end; word++, r = next_word(r, end))
                if (starts_any(r, end, predicates, sizeof predicates / sizeof *predicates))
                    return q;
        }
        if (!starts_any(q, end, subject, sizeof subject / sizeof *subject))
            continue;
        const char *r = next_word(q + 2, end); /* the word after the subject's first word */
        for (int word = 0; word < 5 && r < end; word++, r = next_word(r, end))
            if (starts_any(r, end, verbs, sizeof verbs / sizeof *verbs))
                return q;
    }
    return end;
}

/* Negation cues of one clause. A pre-cue ("no", "denies", "without", and the
 * contrasts "rather than", "instead of") speaks of what follows it ("no
 * fever", "denies numbness or weakness", "buttock rather than groin"); a
 * two-way cue ("not", "n't", "negative", "absent", "excluded", "ruled out")
 * also of what stands before it
 * ("the SLR was negative", "walking does not hurt"). "can't", "cannot" and
 * "unable" are not negations: "can't sit for long" states the finding; nor
 * is "not only" ("not only in the buttock but also in the groin"). "Neither"
 * is a pre-cue ("neither numbness nor tingling"). */
enum { MAX_CUES = 16 };
struct cue { const char *at, *end, *scope; bool pre_only; }; /* scope: where it stops speaking forwards */

/* A cue inside a relative clause stops at the main verb after it: "a woman
 * who has never been pregnant has burning pain" denies the pregnancy, not the
 * pain. The relative pronoun stands at most two words before the cue. */
static const char *relative_scope_end(const char *b, const char *cue, const char *after, const char *end)
{
    static const char *const rel[] = {"who ", "which ", "that "};
    static const char *const verbs[] = {"has ", "have ", "had ", "is ", "are ", "was ", "were ", "felt ", "feels ",
                                        "developed ", "develops ", "presented ", "presents ", "noticed ",
                                        "reported ", "reports ", "complained ", "complains "};
    const char *q = cue;
    bool relative = false;
    for (int word = 0; word < 3 && q > b && !relative; word++) {
        q--; /* back over the space before this word, then to its start */
        while (q > b && q[-1] != ' ')
            q--;
        relative = starts_any(q, cue, rel, sizeof rel / sizeof *rel);
    }
    if (!relative)
        return end;
    for (const char *r = next_word(after, end); r < end; r = next_word(r, end))
        if (starts_any(r, end, verbs, sizeof verbs / sizeof *verbs))
            return r;
    return end;
}

/* Does a conjunction follow at r (" and", " but", ...)? After "negative" or
 * "absent" it means the word ended its statement as a predicate. */
static bool conjunction_after(const char *r, const char *e)
{
    static const char *const conj[] = {" and ", " but ", " or ", " while ", " whereas ", " so "};
    return starts_any(r, e, conj, sizeof conj / sizeof *conj);
}

/* Does "her usual", "his typical", "the familiar" ... follow at r? A
 * contrast with the patient's usual pain ("rather than her usual buttock
 * pain") says the pain is there. */
static bool usual_after(const char *r, const char *e)
{
    static const char *const owner[] = {" her ", " his ", " the ", " their "};
    static const char *const usual[] = {"usual ", "typical ", "familiar ", "habitual ", "presenting ", "customary "};
    for (size_t i = 0; i < sizeof owner / sizeof *owner; i++)
        if (starts(r, e, owner[i]))
            return starts_any(r + strlen(owner[i]), e, usual, sizeof usual / sizeof *usual);
    return false;
}

static bool contrast_cue(const char *cue)
{
    return !strcmp(cue, "rather than") || !strcmp(cue, "instead of") || !strcmp(cue, "as opposed to");
}

static int find_cues(const char *b, const char *e, struct cue *out)
{
    static const struct { const char *text; bool pre_only; } cues[] = {
        {"no", true},      {"denies", true},  {"denied", true}, {"deny", true},   {"without", true},
        {"never", true},   {"nor", true},     {"neither", true}, {"none", true},  {"free of", true}, {"not", false},
        {"negative", false}, {"absent", false}, {"excluded", false}, {"ruled out", false},
        {"rather than", true}, {"instead of", true}, {"as opposed to", true}};
    int n = 0;
    for (const char *p = b; p < e && n < MAX_CUES; p++) {
        if (*p == '\'' && p > b && p[-1] == 'n' && p + 1 < e && p[1] == 't') {
            bool can = p - b >= 3 && !strncmp(p - 3, "can", 3);
            if (!can) /* "doesn't", "isn't"; not "can't" */
                out[n++] = (struct cue){p - 1, p + 2, cue_scope_end(p + 2, e), false};
            continue;
        }
        if (!word_start(b, p) || !strchr("ndwfaeri", *p))
            continue;
        for (size_t i = 0; i < sizeof cues / sizeof *cues; i++) {
            size_t l = starts(p, e, cues[i].text);
            if (l && p + l < e && isalnum((unsigned char)p[l])) /* a word of its own: not "nothing", "north" */
                l = 0;
            if (l && !strcmp(cues[i].text, "not") && starts(p + l, e, " only ")) /* "not only ... but also" */
                l = 0;
            if (l && contrast_cue(cues[i].text) && usual_after(p + l, e)) /* "rather than her usual buttock pain" */
                l = 0;
            if (l) {
                /* "the pedal pulse is absent, and walking brings it on",
                 * "HLA-B27 is negative and the radiograph is normal": a
                 * two-way cue that ends its statement speaks only backwards */
                bool ends = !cues[i].pre_only && strcmp(cues[i].text, "not") &&
                            (p + l >= e || p[l] == ',' || conjunction_after(p + l, e));
                const char *scope = ends ? p + l : relative_scope_end(b, p, p + l, cue_scope_end(p + l, e));
                /* "pain in the buttock, not in the groin": a "not" that opens
                 * a contrast after a comma speaks only forwards */
                bool contrast = !cues[i].pre_only && p - b >= 2 && p[-2] == ',' && p[-1] == ' ';
                out[n++] = (struct cue){p, p + l, scope, cues[i].pre_only || contrast};
                break;
            }
        }
    }
    return n;
}

/* How far after a phrase a two-way cue still speaks of it: at most
 * AFTER_REACH words on ("SLR, slump and FABER were negative"; not "the onset
 * was insidious, the symptoms do not resolve"), within the scope above, and
 * not past ", and" or a comma before a new subject, which join a new
 * statement ("NSAIDs help little, and physiotherapy has not helped"; a list
 * of denials has its cue in front). */
enum { AFTER_REACH = 5, LIST_REACH = 9 };

static int words_between(const char *a, const char *b)
{
    int n = 0;
    for (const char *p = a; p < b; p++)
        n += isalnum((unsigned char)*p) && (p == a || !isalnum((unsigned char)p[-1]));
    return n;
}

/* Does a list of subjects sharing a plural verb go on at r ("the SLR, the
 * slump test and FABER were all negative")? An " and X were" within four
 * words after the comma. */
static bool list_goes_on(const char *r, const char *e)
{
    for (int word = 0; word < 4 && r < e; word++, r = next_word(r, e))
        if (starts(r, e, "and ") && shared_plural_verb(r + 4, e))
            return true;
    return false;
}

static const char *after_scope_end(const char *at, const char *e)
{
    static const char *const joins[] = {", and ", ", the ", ", his ", ", her ", ", their ", ", it ", ", she ",
                                        ", he ", ", they "}; /* ", " and a new subject */
    const char *end = scope_end(at, e, true);
    for (const char *q = at; q < end; q++)
        if (*q == ',' && starts_any(q, end, joins, sizeof joins / sizeof *joins) && !list_goes_on(q + 2, end))
            return q;
    return end;
}

/* Does a cue of the clause negate the phrase that runs from w to end? A cue
 * before it does (up to its scope end); a two-way cue after it does; a cue
 * in one of its gaps does (a cue in a gap speaks of the phrase: "SIJ block gave no relief"). A plain
 * phrase that holds a cue itself ("not relieved by rest", "did not fit") says
 * what it means and is not flipped again by the clause ("imaging has not
 * explained it: the MRI did not fit"), unless a cue stands right before it
 * ("does not walk without pain"). */
struct span { const char *at, *end; };

/* Does a relative pronoun stand between a and b? A verb negated after it
 * belongs to the relative clause ("pain in both hips that does not radiate
 * to the knee": the hips still hurt). "negative" and "absent" still reach
 * back over it ("a FABER test that was negative"). */
static bool relative_between(const char *a, const char *b)
{
    static const char *const rel[] = {" that ", " which ", " who "};
    for (const char *q = a; q < b; q++)
        if (*q == ' ' && starts_any(q, b + 1, rel, sizeof rel / sizeof *rel))
            return true;
    return false;
}

/* Does a list of subjects sharing a plural verb run from a to b ("distraction,
 * thigh thrust and compression tests were negative")? Then the cue after it
 * reaches LIST_REACH words back instead of AFTER_REACH. */
static bool shared_list(const char *a, const char *b)
{
    for (const char *q = a; q < b; q++)
        if (starts(q, b, " and ") && shared_plural_verb(q + 5, b + 1))
            return true;
    return false;
}

static bool verb_negation(const struct cue *c)
{
    return c->at[0] == 'n' && (c->at[1] == '\'' || (c->at[1] == 'o' && c->at[2] == 't'));
}

/* Is "negative" or "absent" used before a noun ("relieved by rest, with
 * absent femoral pulses", "and a negative SLR")? Then it speaks of what
 * follows, not of the phrase before it. After a phrase it ends the clause
 * or is followed by a side, a site or a joining word ("SLR negative
 * bilaterally", "reflexes absent at the ankle", "negative for fracture"). */
static bool attributive(const struct cue *c, const char *e)
{
    static const char *const after[] = {
        "on ", "in ", "at ", "bilaterally", "both", "for ", "and ", "or ", "throughout", "to ", "with ", "but ",
        "when ", "again", "also", "as ", "today", "then", "there", "here", "on the", "x ", "this ", "that ",
        "which", "left", "right", "until", "since", "after", "before", "during", "so ", "apart"};
    if (verb_negation(c))
        return false;
    const char *r = c->end;
    if (r >= e || *r != ' ')
        return false; /* a comma, a stop or the clause end */
    r++;
    if (r >= e || !isalpha((unsigned char)*r))
        return false;
    return !starts_any(r, e, after, sizeof after / sizeof *after);
}

/* Is the phrase from w part of a statement of its own, from the comma before
 * it (or the clause start b) to the first comma between its end and a later
 * cue ("FAIR reproduces her buttock pain, FADIR is negative";
 * "piriformis is tender, SIJ tests negative")? Then the cue speaks of what
 * follows that comma only. A bare name before the comma is a list of
 * subjects sharing the cue ("SLR, slump and FABER were negative"). */
static bool stated_before_comma(const char *b, const char *w, const char *end, const char *cue_at)
{
    static const char *const said[] = {"is ", "are ", "was ", "were ", "reproduc", "provok", "tender", "positive",
                                       "painful", "normal", "weak", "elicit", "hurt", "2+", "intact", "full",
                                       "limited", "restricted", "reduced", "+ve", "has ", "had ", "have ",
                                       "reports ", "describes ", "complains "};
    const char *comma = memchr(end, ',', (size_t)(cue_at > end ? cue_at - end : 0));
    if (!comma)
        return false;
    const char *from = w; /* the statement runs from the comma before the phrase */
    while (from > b && from[-1] != ',')
        from--;
    for (const char *p = from; p < comma; p++)
        if (word_start(from, p) && starts_any(p, comma, said, sizeof said / sizeof *said))
            return true;
    return false;
}

/* "better with exercise and not with rest", "pain at rest but not at night":
 * a "not" right after "and", "but" or "or" starts a contrast of its own and
 * speaks forwards only. */
static bool joined_negation(const char *b, const char *cue_at)
{
    static const char *const joins[] = {" and ", " but ", " or "};
    for (size_t i = 0; i < sizeof joins / sizeof *joins; i++) {
        size_t l = strlen(joins[i]); /* the cue starts right after the trailing space */
        if ((size_t)(cue_at - b) >= l && !strncmp(cue_at - l, joins[i], l))
            return true;
    }
    return false;
}

/* Is the phrase at w the object of a negated verb of provocation ("lumbar
 * flexion does not reproduce her buttock pain", "the SLR did not bring on
 * the leg pain")? The test is denied, not the pain the patient has: the cue
 * speaks backwards only. An object without an owner word ("does not cause
 * any pain", "did not provoke leg pain") stays denied. */
/* The word after a verb negation ("not reproduce": "reproduce"), or NULL
 * when the cue is another kind. */
static const char *after_verb_negation(const struct cue *c, const char *e)
{
    if (!verb_negation(c))
        return NULL;
    const char *r = c->end;
    while (r < e && *r == ' ')
        r++;
    return r;
}

static bool provocation_object(const struct cue *c, const char *w, const char *e)
{
    static const char *const verbs[] = {"reproduc", "provok", "elicit", "bring", "brought", "aggravat", "worsen",
                                        "increas", "exacerbat", "recreat", "trigger"};
    static const char *const owner[] = {"her ", "his ", "their ", "the ", "its "};
    const char *r = after_verb_negation(c, e);
    if (!r || r >= w || !starts_any(r, e, verbs, sizeof verbs / sizeof *verbs))
        return false;
    r = next_word(r, e);
    if (starts(r, e, "on ")) /* "bring on", "brought on" */
        r = next_word(r, e);
    return r < w && starts_any(r, w, owner, sizeof owner / sizeof *owner);
}

/* Is a verb negation followed by a verb of relief or provocation ("the leg
 * pain is not relieved by sitting", "her buttock pain was not worse with
 * walking")? It denies the relief or the provocation, not the pain before
 * it (negated, for pain phrases). */
static bool modifier_denied(const struct cue *c, const char *e)
{
    static const char *const verbs[] = {"relieved", "eased", "helped", "improved", "better", "worse", "aggravated",
                                        "provoked", "reproduced", "brought on", "affected", "changed", "made worse",
                                        "exacerbated", "increased", "influenced"};
    const char *r = after_verb_negation(c, e);
    return r && starts_any(r, e, verbs, sizeof verbs / sizeof *verbs);
}

/* pain: the phrase names a pain (an sx_pain_ finding), which a denied
 * relief or provocation after it does not deny (modifier_denied). */
static bool negated(const struct cue *cue, int ncue, const char *b, const char *w, const char *end,
                    const struct span *gap, int ngap, const char *ce, bool pain)
{
    for (int i = 0; !ngap && i < ncue; i++)
        if (cue[i].at >= w && cue[i].end <= end) {
            /* ... unless a cue stands right before it: "does not walk
             * without pain" is a double negation, walking hurts */
            for (int j = 0; j < ncue; j++)
                if (cue[j].end <= w && words_between(cue[j].end, w) == 0)
                    return true;
            return false;
        }
    for (int i = 0; i < ncue; i++) {
        if (cue[i].end <= w && w < cue[i].scope && !provocation_object(&cue[i], w, ce))
            return true;
        if (cue[i].at >= end && !cue[i].pre_only && !joined_negation(b, cue[i].at) &&
            !(pain && modifier_denied(&cue[i], ce)) &&
            after_scope_end(end, ce) > cue[i].at &&
            (words_between(end, cue[i].at) <= AFTER_REACH ||
             (words_between(end, cue[i].at) <= LIST_REACH && shared_list(end, cue[i].at))) &&
            !(verb_negation(&cue[i]) && relative_between(end - 1, cue[i].at)) && !attributive(&cue[i], ce) &&
            !stated_before_comma(b, w, end, cue[i].at))
            return true;
        for (int g = 0; g < ngap; g++)
            if (cue[i].at >= gap[g].at && cue[i].end <= gap[g].end)
                return true;
    }
    return false;
}

/* The first of the stop characters from p, or the end of the text; a point
 * between digits ("ABI 0.6", "38.5 C") is a decimal point, not a stop. */
static const char *stop(const char *p, const char *stops)
{
    const char *q = p;
    for (q += strcspn(q, stops); *q == '.' && q > p && isdigit((unsigned char)q[-1]) && isdigit((unsigned char)q[1]);)
        q += 1 + strcspn(q + 1, stops);
    return q;
}

static bool has_word(const char *b, const char *e, const char *const *words, size_t n)
{
    for (const char *p = b; p < e; p++)
        if (word_start(b, p) && starts_any(p, e, words, n))
            return true;
    return false;
}

/* Words that open an exception to what the clause before them says: they
 * end that clause, and the clause before is read as a summary
 * (case_mine_note). " except" always does; the others only after a denial or
 * a verdict of normality, which would otherwise swallow the exception ("no
 * past history apart from osteoporosis", "no medication other than a
 * statin"), so that phrases spanning them still read ("lumbar movement is
 * full apart from forward bending"). */
static const char *const after_denial[] = {" apart from ", " other than ", " besides ", " aside from "};

static bool exception_at(const char *q, const char *e)
{
    return starts(q, e, " except ") || starts_any(q, e, after_denial, sizeof after_denial / sizeof *after_denial);
}

static bool denial_before(const char *p, const char *q)
{
    /* a verdict of normality is a summary too ("strength is normal apart
     * from weakness of the big toe extensor"); "full" is left out, as the
     * phrases that span the exception word read it ("... is full apart from") */
    static const char *const denials[] = {"no ", "denies ", "denied ", "without ", "never ", "none ", "nor ",
                                          "free of ", "not ", "normal ", "intact ", "unremarkable "};
    return has_word(p, q + 1, denials, sizeof denials / sizeof *denials); /* q + 1: "normal " before " apart" */
}

/* End of the clause that starts at p: the sentence end, or an earlier joining
 * word within the sentence. */
static const char *clause_end(const char *p)
{
    static const char *const joins[] = {" but ", " although ", " however", " whereas "};
    static const char *const opening[] = {"apart from ", "aside from ", "except for ", "other than ", "besides "};
    const char *end = stop(p, ".;!?\n");
    while (p < end && *p == ' ')
        p++;
    /* "Apart from mild piriformis tenderness, the examination was normal":
     * the exception comes first and ends at its comma, so the summary after
     * it does not reach back over it */
    if (starts_any(p, end, opening, sizeof opening / sizeof *opening)) {
        const char *comma = stop(p, ",");
        if (comma < end)
            return comma;
    }
    for (const char *q = p + 1; q < end; q++) {
        if (*q != ' ')
            continue;
        for (size_t i = 0; i < sizeof joins / sizeof *joins; i++)
            if (starts(q, end, joins[i]))
                return q;
        if (exception_at(q, end) && (starts(q, end, " except ") || denial_before(p, q)))
            return q;
    }
    return end;
}

/* Length of a list separator at r: ", and ", ", ", " and ", and with_or
 * also ", or " and " or "; 0 when none starts there. */
static size_t list_sep(const char *r, const char *e, bool with_or)
{
    static const char *const seps[] = {", and ", ", or ", ", ", " and ", " or "};
    for (size_t i = 0; i < sizeof seps / sizeof *seps; i++) {
        if (!with_or && strstr(seps[i], "or "))
            continue;
        size_t l = starts(r, e, seps[i]);
        if (l)
            return l;
    }
    return 0;
}

/* A verdict shared by a list that the test name opens: "FABER, gait and
 * reflexes are normal", "FADIR, FABER and the SLR were positive". From q,
 * just after the name: separators and items of at most four words without
 * a verb of their own, then the copula, then the verdict. 1, -1 or 0. */
static int list_verdict(const char *q, const char *e)
{
    static const char *const cop[] = {"is ", "are ", "was ", "were "};
    static const char *const stops[] = {"has ", "have ", "had ", "reports ", "shows ", "feels "};
    static const struct { const char *text; int value; } verdict[] = {
        {"positive", 1}, {"abnormal", 1}, {"negative", -1}, {"normal", -1}, {"unremarkable", -1}};
    const char *r = q;
    int items = 0;
    for (;;) {
        size_t l = list_sep(r, e, true);
        if (!l || items >= 6)
            return 0;
        r += l; /* an item: words up to the next separator or the copula */
        items++;
        for (int words = 0;; words++) {
            if (r >= e || words > 4 || starts_any(r, e, stops, sizeof stops / sizeof *stops))
                return 0;
            if (words && starts_any(r, e, cop, sizeof cop / sizeof *cop)) {
                r = next_word(r, e);
                if (starts(r, e, "all ") || starts(r, e, "both "))
                    r = next_word(r, e);
                for (size_t i = 0; i < sizeof verdict / sizeof *verdict; i++) {
                    size_t n = starts(r, e, verdict[i].text);
                    if (n && (r + n == e || !isalnum((unsigned char)r[n])))
                        return verdict[i].value;
                }
                return 0;
            }
            while (r < e && *r != ' ' && *r != ',')
                r++;
            if (r >= e || *r == ',' || starts(r, e, " and ") || starts(r, e, " or "))
                break;
            r++;
        }
    }
}

/* "positive"/"negative" right next to a test name decides its value, whatever
 * else the clause says ("positive FABER, negative FADIR", "the SLR test was
 * negative"), also across a list that shares the verdict when the phrase is
 * the name of an examination finding (name: "FABER, gait and reflexes are
 * normal"; not "walks with a limp, reflexes are normal"): 1, -1, or 0 when
 * there is none. Only for phrases that name a finding as
 * present. */
static int local_polarity(const char *b, const char *e, const char *w, const char *we, bool name)
{
    static const struct { const char *text; int value; } before[] = {
        {"positive ", 1}, {"abnormal ", 1}, {"negative ", -1}, {"normal ", -1}, {"+ve ", 1}, {"-ve ", -1}};
    static const char *const noun[] = {" tests", " test", " signs", " sign", " manoeuvre", " maneuver"};
    static const char *const verb[] = {" was", " were", " is", " are"};
    static const struct { const char *text; int value; } after[] = {
        {" positive", 1}, {" abnormal", 1}, {" negative", -1}, {" normal", -1}, {" unremarkable", -1},
        {" +ve", 1}, {" -ve", -1}, {" neg", -1}, {" pos", 1}}; /* clinic shorthand: "FADIR neg", "FABER +ve" */
    for (size_t i = 0; i < sizeof before / sizeof *before; i++) {
        size_t l = strlen(before[i].text);
        if ((size_t)(w - b) >= l && starts(w - l, w, before[i].text) && word_start(b, w - l))
            return before[i].value;
    }
    const char *q = we;
    for (size_t i = 0, l; i < sizeof noun / sizeof *noun; i++)
        if ((l = starts(q, e, noun[i]))) {
            q += l;
            break;
        }
    const char *named = q; /* after "test", "sign" */
    for (size_t i = 0, l; i < sizeof verb / sizeof *verb; i++)
        if ((l = starts(q, e, verb[i]))) {
            q += l;
            break;
        }
    for (size_t i = 0; i < sizeof after / sizeof *after; i++) {
        size_t l = starts(q, e, after[i].text);
        if (l && (q + l == e || !isalnum((unsigned char)q[l])))
            return after[i].value;
    }
    return name ? list_verdict(named, e) : 0;
}

/* Does any of the words occur at a word start in [b, e)? */

/* What a clause may speak of. An imaging finding needs an imaging word in
 * its sentence: "was treated for trochanteric bursitis" is a label, not a
 * scan. A clause about relatives ("her mother has psoriasis"), from the
 * comma before the word for the relative (family_from), gives only the
 * family-history findings. */
struct scope { unsigned imaging; bool family, unknown; };

/* What a sentence is about, as a mask: the imaging words it names, as a
 * set of modalities (0: none), and the SENT_ bits below. A
 * finding of one modality is not read from a sentence that names only
 * others when the reading is a normal result (modality_fits). Generic
 * words ("imaging", "scan") name no modality. */
enum { MOD_ANY = 1, MOD_MR = 2, MOD_CT = 4, MOD_XR = 8, MOD_US = 16, MOD_NUC = 32, MOD_ANGIO = 64, MOD_ALL = 127 };

/* Not modalities: the sentence names a site that a scan or the examiner's
 * eye showed ("MRI showed a tear at the greater trochanter", "a pulsatile
 * mass in the left buttock"; SENT_SEEN_SITE) or that the examiner pressed
 * ("no tenderness over the SIJ or the ischial tuberosity"; SENT_TENDER_SITE),
 * and no pain. A bare site word there is no pain site (in_scope), and no
 * denial of one when pressed (apply_in): the examiner presses where it hurts,
 * so a tender site still reads as the pain's site ("pressing on the posterior
 * iliac crest is severely tender"), but a site that is not tender says
 * nothing of where the pain is. They ride in the same sentence mask. */
enum { SENT_SEEN_SITE = 256, SENT_TENDER_SITE = 512 };
static const char *const seen_site_words[] = {"mass ", "masses", "swelling", "lump", "pulsatile", "bruit",
                                              "bruis", "ecchymos", "wasting", "atroph"};
static const char *const tender_site_words[] = {"tender", "palpat"};
static const char *const pain_words[] = {"pain", "ache", "aching", "sciatica", "radiat", "spread", "shoot",
                                         "burning", "cramp", "hurt", "sore"};

static const char *const mod_mr[] = {"mri", "mr ", "magnetic resonance", "neurograph"};
static const char *const mod_ct[] = {"ct ", "ct-", "ct,", "computed tomogra"};
static const char *const mod_xr[] = {"radiograph", "x-ray", "xray", "x ray", "film"};
static const char *const mod_us[] = {"ultrasound", "sonograph", "us-guided", "us showed", "us shows", "us revealed",
                                      "us demonstrated", "us of the"};
static const char *const mod_nuc[] = {"scintigra", "spect", "bone scan"};
static const char *const mod_angio[] = {"angiogra", "duplex", "doppler"};
static const char *const mod_any[] = {"scan", "imaging", "arthrogra", "tomogra"};

static unsigned sentence_kinds(const char *sb, const char *se)
{
    static const struct { const char *const *words; size_t n; unsigned mod; } kinds[] = {
        {mod_mr, sizeof mod_mr / sizeof *mod_mr, MOD_MR},
        {mod_ct, sizeof mod_ct / sizeof *mod_ct, MOD_CT},
        {mod_xr, sizeof mod_xr / sizeof *mod_xr, MOD_XR},
        {mod_us, sizeof mod_us / sizeof *mod_us, MOD_US},
        {mod_nuc, sizeof mod_nuc / sizeof *mod_nuc, MOD_NUC},
        {mod_angio, sizeof mod_angio / sizeof *mod_angio, MOD_ANGIO},
        {mod_any, sizeof mod_any / sizeof *mod_any, MOD_ANY}};
    unsigned m = 0;
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (has_word(sb, se, kinds[i].words, kinds[i].n))
            m |= kinds[i].mod;
    if (has_word(sb, se, pain_words, sizeof pain_words / sizeof *pain_words))
        return m;
    if ((m & MOD_ALL & ~(unsigned)MOD_ANY) ||
        has_word(sb, se, seen_site_words, sizeof seen_site_words / sizeof *seen_site_words))
        m |= SENT_SEEN_SITE;
    if (has_word(sb, se, tender_site_words, sizeof tender_site_words / sizeof *tender_site_words))
        m |= SENT_TENDER_SITE;
    return m;
}

/* The modalities that can show an imaging finding, by the prefix of its ID. */
static const struct { const char *prefix; unsigned mod; } id_modality[] = {
    {"img_mri_", MOD_MR}, {"img_mrn_", MOD_MR},          {"img_ct_", MOD_CT},
    {"img_xray_", MOD_XR}, {"img_us_", MOD_US},          {"img_bone_scan_", MOD_NUC},
    {"img_duplex_", MOD_US | MOD_ANGIO | MOD_CT | MOD_MR}};
enum { N_ID_MODALITY = sizeof id_modality / sizeof *id_modality };

/* The entry of id_modality that fits id, or -1 (any modality). */
static int modality_entry(const char *id)
{
    for (int i = 0; i < N_ID_MODALITY; i++)
        if (!strncmp(id, id_modality[i].prefix, strlen(id_modality[i].prefix)))
            return i;
    return -1;
}

static unsigned finding_modality(const char *id)
{
    int k = modality_entry(id);
    return k < 0 ? 0 : id_modality[k].mod;
}

/* Where talk of relatives starts in the clause [b, e): at the comma before
 * the first word for a relative, so that what the clause said of the patient
 * before it stands ("buttock pain at night, with no family history of
 * rheumatic disease"), while "psoriasis in her mother" and "her mother, who
 * has psoriasis" are about the relative. NULL when there is none. */
static const char *family_from(const char *b, const char *e)
{
    static const char *const family[] = {
        "family history", "mother", "father", "brother", "sister", "sibling", "relative", "cousin", "aunt",
        "uncle", "grandmother", "grandfather", "son ", "daughter", "parent"};
    for (const char *p = b; p < e; p++)
        if (word_start(b, p) && starts_any(p, e, family, sizeof family / sizeof *family)) {
            while (p > b && p[-1] != ',')
                p--;
            return p;
        }
    return NULL;
}

static struct scope clause_scope(unsigned imaging, const char *b, const char *e)
{
    /* "FABER and SLR were done (results not reported)": the clause names tests, not findings;
     * "the SLR was equivocal" names one whose result is neither (a hedge is not a finding), and "an
     * MRI to exclude a sacral fracture" or "a labral tear cannot be excluded" one not yet known */
    static const char *const unknown[] = {
        "not reported", "not recorded", "not documented", "not stated", "not given", "not available",
        "not performed", "not done", "not tested", "not assessed", "not examined", "not known", "unknown",
        "results not", "were not reported", "no results", "equivocal", "inconclusive", "indeterminate",
        "questionable", "doubtful", "unreliable", "difficult to elicit", "difficult to assess",
        "could not be assessed", "could not be tested", "could not be performed", "possible", "possibly",
        "cannot be excluded", "can't be excluded", "could not be excluded", "not excluded", "cannot be ruled out",
        "could not be ruled out", "to exclude", "to rule out", "to look for", "query "};
    return (struct scope){imaging, false, has_word(b, e, unknown, sizeof unknown / sizeof *unknown)};
}

/* Does a phrase's own text name a pain ("buttock pain"), not only a site ("buttock")? */
static bool bare_pain_word(const char *text)
{
    return has_word(text, text + strlen(text), pain_words, sizeof pain_words / sizeof *pain_words);
}

static bool pain_finding(const gl_kb *kb, const kb_phrase *ph)
{
    return !strncmp(kb->find[ph->finding].id, "sx_pain_", 8);
}

/* A pain-site phrase that names only the site ("greater trochanter"), which
 * a sentence about a scan, a mass or tenderness uses for the place looked
 * at (SENT_SEEN_SITE, SENT_TENDER_SITE). */
static bool site_only(const gl_kb *kb, const kb_phrase *ph)
{
    return pain_finding(kb, ph) && !bare_pain_word(ph->text);
}

static bool in_scope(const gl_kb *kb, const kb_phrase *ph, struct scope sc)
{
    const char *id = kb->find[ph->finding].id;
    if (sc.unknown)
        return false;
    if (sc.family)
        return !strncmp(id, "hx_family", 9);
    if ((sc.imaging & SENT_SEEN_SITE) && site_only(kb, ph))
        return false;
    return (sc.imaging & MOD_ALL) || strncmp(id, "img_", 4);
}

/* Does the vocabulary hold the same imaging finding for one of the
 * modalities named ("img_us_gluteal_tendinopathy" for
 * "img_mri_gluteal_tendinopathy" when the sentence names ultrasound)? */
static bool named_sibling(const gl_kb *kb, const char *id, unsigned named)
{
    int k = modality_entry(id);
    if (k < 0)
        return false;
    const char *rest = id + strlen(id_modality[k].prefix); /* "gluteal_tendinopathy" */
    for (int i = 0; i < N_ID_MODALITY; i++) {
        char sib[128];
        int n = snprintf(sib, sizeof sib, "%s%s", id_modality[i].prefix, rest);
        if (i != k && (named & id_modality[i].mod) && n > 0 && (size_t)n < sizeof sib && kb_find(kb, sib) >= 0)
            return true;
    }
    return false;
}

/* May an imaging finding be read with value v in a sentence of these
 * modalities? A finding seen on another modality still counts as present (a
 * fracture on CT is a fracture), unless the vocabulary has the finding for
 * the modality named ("ultrasound showed gluteus medius tendinopathy" is the
 * ultrasound finding, not the MRI one); a normal result of one modality says
 * nothing of another: "lumbar radiographs show no central stenosis" is not a
 * normal MRI. */
static bool modality_fits(const gl_kb *kb, int phrase, int v, struct scope sc)
{
    unsigned named = sc.imaging & MOD_ALL & ~(unsigned)MOD_ANY;
    const char *id = kb->find[kb->phrase[phrase].finding].id;
    unsigned need = finding_modality(id);
    if (!named || !need || (named & need))
        return true;
    return v > 0 && !named_sibling(kb, id, named);
}

/* Where a finding already mined from the note is recorded, or -1. */
static int mined_at(const gl_case *c, int finding)
{
    for (int i = 0; i < c->nmined; i++)
        if (c->mined[i].finding == finding)
            return i;
    return -1;
}

/* Apply one matched phrase. The first statement about a finding wins, except
 * that a specific statement ("absent ankle jerk") overrides an earlier summary
 * one ("reflexes normal": a phrase whose row means absent), and a statement
 * that it is present overrides an earlier one that it was not: notes deny
 * first and describe what was found later ("no neurological signs ...
 * resisted hip flexion is weak"; "no limp at the time ... he now limps"). */
static void apply_text(gl_case *c, int i, int v, const char *text, size_t len)
{
    const kb_phrase *ph = &c->kb->phrase[i];
    int f = ph->finding;
    struct case_mined rec = {f, v, i, ""};
    if (text) {
        if (len >= sizeof rec.text) /* cut at a character, not inside a UTF-8 sequence */
            for (len = sizeof rec.text - 1; len && ((unsigned char)text[len] & 0xC0) == 0x80;)
                len--;
        memcpy(rec.text, text, len);
        rec.text[len] = '\0';
    }
    if (!c->state[f]) {
        c->state[f] = (signed char)v;
        c->mined[c->nmined++] = rec;
        return;
    }
    int m = mined_at(c, f);
    if (m >= 0 && ((ph->value > 0 && c->kb->phrase[c->mined[m].phrase].value < 0) ||
                   (v > 0 && c->mined[m].value < 0))) {
        c->state[f] = (signed char)v;
        c->mined[m] = rec;
    }
}

/* A phrase's reading; apply_text also keeps the words read (laboratory values). */
static void apply(gl_case *c, int i, int v) { apply_text(c, i, v, NULL, 0); }

/* apply, for a phrase read in a clause of scope sc (modality_fits) */
static void apply_in(gl_case *c, int i, int v, struct scope sc)
{
    if (v < 0 && (sc.imaging & SENT_TENDER_SITE) && site_only(c->kb, &c->kb->phrase[i]))
        return; /* "no tenderness over the greater trochanter" */
    if (modality_fits(c->kb, i, v, sc))
        apply(c, i, v);
}

/* Phrases match at a word start and may end inside a word, so that stems
 * read every inflection ("aggravat", "limp"). A part that ends in a short
 * function word must end the word too: "pain on" is not "pain only" or "pain
 * onset". at: the text just after the part. */
static bool part_end_ok(const char *part, size_t l, const char *at, const char *e)
{
    static const char *const fw[] = {" on", " in", " at", " to", " of", " by", " for",
                                     " up", " or", " no", " with", " from", " the"};
    if (at >= e || !isalnum((unsigned char)*at))
        return true;
    for (size_t i = 0; i < sizeof fw / sizeof *fw; i++) {
        size_t n = strlen(fw[i]);
        if (l >= n && !strncmp(part + l - n, fw[i], n))
            return false;
    }
    return true;
}

/* A phrase with gaps: each part after the first must start at a word within
 * MAX_GAP words of the end of the one before, in the same clause. Returns
 * the end of the last part, or NULL; the gaps are kept for the negation
 * check (a cue in a gap speaks of the phrase: "SIJ block gave no relief"). */
enum { MAX_GAP = 6, MAX_PARTS = 4 };

/* A gap that holds a word of contrast or relief joins two statements, not
 * one: "worse with walking and better with sitting" does not say that sitting
 * makes it worse. */
static const char *const contrast[] = {"better", "relie", "ease", "easing", "help", "improv", "settle", "whereas",
                                      "normal", "unremarkable"};

static const char *match_gaps(const kb_phrase *ph, const char *b, const char *e, const char *w,
                              struct span *gap, int *ngap, size_t *fail)
{
    const char *q = w + ph->head, *part = ph->text + ph->head;
    *ngap = 0;
    *fail = 0;
    while (*part) {
        part += 3; /* " * " */
        size_t l = strcspn(part, "*");
        while (l && part[l - 1] == ' ' && part[l])
            l--;
        const char *hit = NULL;
        int words = 0;
        for (const char *r = q; r < e && words <= MAX_GAP; r++) {
            if (*r == '(') {
                /* an aside does not count against the gap: "physiotherapy
                 * (core stability, clam shells, side-lying abduction) has
                 * not helped" */
                const char *close = memchr(r, ')', (size_t)(e - r));
                if (close)
                    r = close;
                continue;
            }
            if (!word_start(b, r))
                continue;
            /* the part runs up to the next " * " */
            if (*r == *part && (size_t)(e - r) >= l && !strncmp(r, part, l) && part_end_ok(part, l, r + l, e)) {
                hit = r;
                break;
            }
            if (starts_any(r, e, contrast, sizeof contrast / sizeof *contrast))
                break;
            words += isalnum((unsigned char)*r) != 0;
        }
        if (!hit || *ngap == MAX_PARTS) {
            *fail = (size_t)(part + l - ph->text); /* the text up to this part decided it */
            return NULL;
        }
        gap[(*ngap)++] = (struct span){q, hit};
        q = hit + l;
        part += l;
    }
    return q;
}

/* The nodes of the phrase trie on the path of word start w that hold
 * phrases whose first part ends well there (part_end_ok), in the order the
 * phrases are tried: first parts of four bytes or more, then of two or three,
 * then of one, each group in file order (the order of the rows that share a
 * first part matters: see match_at). Returns their number. */
struct hit_node { int node; size_t head; };

static int path_nodes(const gl_kb *kb, const char *e, const char *w, struct hit_node *out)
{
    const kb_trie *t = &kb->trie;
    int n = 0;
    for (int node = 0, d = 0; w + d < e && d < KB_HEAD_MAX;) {
        node = kb_trie_next(t, node, (unsigned char)w[d++]);
        if (node < 0)
            break;
        if (t->phrase_start[node] < t->phrase_start[node + 1] && part_end_ok(w, (size_t)d, w + d, e))
            out[n++] = (struct hit_node){node, (size_t)d};
    }
    return n;
}

/* The next phrase of the nodes in [lo, hi) of hit, in file order (a merge:
 * cur[j] is how far node j's list has been taken); -1 when none is left. */
static int next_phrase(const kb_trie *t, const struct hit_node *hit, int *cur, int lo, int hi)
{
    int best = -1, at = -1;
    for (int j = lo; j < hi; j++) {
        int k = t->phrase_start[hit[j].node] + cur[j];
        if (k < t->phrase_start[hit[j].node + 1] && (best < 0 || t->phrase[k] < best))
            best = t->phrase[k], at = j;
    }
    if (at >= 0)
        cur[at]++;
    return best;
}

/* A phrase with gaps that matched at a word, applied once the longest plain
 * phrase there is known. */
enum { MAX_GAPPED = 64 };
struct gapped { const char *end; int phrase; bool flip, filled; };

/* Does a phrase with gaps at the same word say more about the finding than
 * the plain phrase that ends at end ("SLR to 80 degrees without pain" against
 * the bare test name "SLR")? Then the plain one is not read. */
static bool said_further(const gl_kb *kb, const struct gapped *gapped, int ngapped, int finding, const char *end)
{
    for (int g = 0; g < ngapped; g++)
        if (kb->phrase[gapped[g].phrase].finding == finding && gapped[g].end > end)
            return true;
    return false;
}

static bool words_in_gaps(const struct span *gap, int ngap)
{
    for (int g = 0; g < ngap; g++)
        for (const char *p = gap[g].at; p < gap[g].end; p++)
            if (isalnum((unsigned char)*p))
                return true;
    return false;
}

/* Is the word before w a word of relief ("better after walking", "eases
 * with sitting")? Then an aggravator phrase at w says the opposite of what it
 * reads, and is not applied. */
static bool relief_before(const char *b, const char *w)
{
    static const char *const relief[] = {"better ", "eases ", "eased ", "easier ", "relieved ", "improves ",
                                         "improved ", "settles ", "settled ", "helps ", "helped ", "less "};
    if (w - b < 2 || w[-1] != ' ')
        return false;
    const char *p = w - 1;
    while (p > b && p[-1] != ' ')
        p--;
    return starts_any(p, w, relief, sizeof relief / sizeof *relief);
}

/* Is the phrase the bare name of an examination finding ("faber", "the
 * patrick test"), with no verb of its own ("walks with a limp")? */
static bool exam_name(const gl_kb *kb, const kb_phrase *ph)
{
    static const char *const verbs[] = {"walk", "limp", "has ", "have ", "had ", "is ", "was ", "are ", "were ",
                                        "reproduc", "provok", "hurt", "cause", "produc"};
    if (strncmp(kb->find[ph->finding].id, "ex_", 3))
        return false;
    for (const char *p = ph->text; *p; p++)
        if (word_start(ph->text, p) && starts_any(p, p + strlen(p), verbs, sizeof verbs / sizeof *verbs))
            return false;
    return true;
}

/* The phrases that match at word start w. Of the plain phrases (only when
 * plain: w is not covered by an earlier match) the longest win, and the words
 * they cover are not read again ("crossed SLR" is not also an "SLR"); phrases
 * with gaps are rules of their own and all apply, except one whose gaps hold
 * words of the longest plain phrase and that ends within it; and a plain
 * phrase yields to a phrase with gaps that names the same finding and reaches
 * further (said_further). At a hinge, the last word
 * of a covering match (hinge_word: "hip pain on walking"), every phrase may
 * start, a plain one only when it reaches past the covered words. Returns
 * the end of the longest plain match, or w when none matched. */
static const char *match_at(gl_case *c, const char *b, const char *e, const char *w, const struct cue *cue,
                            int ncue, struct scope sc, bool plain, bool hinge, const char *covered)
{
    const gl_kb *kb = c->kb;
    const kb_trie *t = &kb->trie;
    struct hit_node hit[KB_HEAD_MAX];
    int cur[KB_HEAD_MAX];
    int nhit = path_nodes(kb, e, w, hit);
    memset(cur, 0, (size_t)nhit * sizeof *cur); /* not all 200: this runs at every word */
    /* hit runs from short first parts to long: one byte, then two or three,
     * then four or more; the groups are tried from the last */
    int n1 = 0, n3 = 0;
    while (n1 < nhit && hit[n1].head < 2)
        n1++;
    for (n3 = n1; n3 < nhit && hit[n3].head < 4;)
        n3++;
    const int lo[3] = {n3, n1, 0}, hi[3] = {nhit, n3, n1};
    size_t best = 0;
    /* the phrases of one {a|b} row lie together and share their first parts:
     * once "pain * only with" is not found, no "pain * only with * ..." is */
    const char *failed = NULL;
    size_t nfailed = 0;
    struct gapped gapped[MAX_GAPPED];
    int ngapped = 0;
    for (int g = 0; g < 3; g++)
        for (int i; (i = next_phrase(t, hit, cur, lo[g], hi[g])) >= 0;) {
            const kb_phrase *ph = &kb->phrase[i];
            /* inside a plain match only a strength grade is read: a resisted
             * test grades the muscle ("resisted hip flexion is weak"), but pain
             * on it is not pain on passive motion */
            if (!plain && !hinge && (ph->head == ph->len || strncmp(kb->find[ph->finding].id, "ex_weakness_", 12)))
                continue;
            if (!in_scope(kb, ph, sc))
                continue;
            if (ph->head < ph->len) {
                if (nfailed && ph->len >= nfailed && !strncmp(ph->text, failed, nfailed) &&
                    (ph->text[nfailed] == '\0' || ph->text[nfailed] == ' '))
                    continue;
                struct span gap[MAX_PARTS];
                int ngap;
                size_t fail;
                const char *end = match_gaps(ph, b, e, w, gap, &ngap, &fail);
                if (!end && fail)
                    failed = ph->text, nfailed = fail;
                if (end) {
                    bool flip = negated(cue, ncue, b, w, end, gap, ngap, e, pain_finding(kb, ph));
                    if (ngapped < MAX_GAPPED) /* held until the longest plain phrase is known */
                        gapped[ngapped++] = (struct gapped){end, i, flip, words_in_gaps(gap, ngap)};
                    else /* more than the table holds: apply at once, as a rule of its own */
                        apply_in(c, i, flip ? -ph->value : ph->value, sc);
                }
            } else if ((plain || (hinge && w + ph->len > covered)) && ph->len > best)
                best = ph->len;
        }
    /* the longest plain phrases: all of them end at the deepest node that
     * holds a plain phrase of that length */
    for (int j = 0; best && j < nhit; j++) {
        if (hit[j].head != best)
            continue;
        for (int k = t->phrase_start[hit[j].node]; k < t->phrase_start[hit[j].node + 1]; k++) {
            int i = t->phrase[k];
            const kb_phrase *ph = &kb->phrase[i];
            if (ph->head != ph->len || !in_scope(kb, ph, sc))
                continue;
            if (ph->value > 0 && !strncmp(kb->find[ph->finding].id, "sx_worse_", 9) && relief_before(b, w))
                continue;
            int local = ph->value > 0 ? local_polarity(b, e, w, w + best, exam_name(kb, ph)) : 0;
            if (!local && said_further(kb, gapped, ngapped, ph->finding, w + best))
                continue;
            int v = local;
            if (!v)
                v = negated(cue, ncue, b, w, w + best, NULL, 0, e, pain_finding(kb, ph)) ? -ph->value : ph->value;
            apply_in(c, i, v, sc);
        }
    }
    /* a phrase whose gaps hold words of the longest plain phrase, and that
     * ends within it, says less than it: "standing up from a chair hurts" is
     * pain on rising, not pain on standing ("standing * hurt"); with empty
     * gaps it reads the same words and still applies ("without weakness") */
    for (int g = 0; g < ngapped; g++)
        if (!best || gapped[g].end > w + best || !gapped[g].filled)
            apply_in(c, gapped[g].phrase, gapped[g].flip ? -kb->phrase[gapped[g].phrase].value
                                                         : kb->phrase[gapped[g].phrase].value, sc);
    return w + best;
}

/* Length of the unit u at p (spaces in the text skipped: "x 10^9/l" is
 * "x10^9/l"), or 0; the unit must end the word. */
static size_t unit_at(const char *p, const char *e, const char *u)
{
    const char *q = p;
    for (; *u; u++) {
        while (q < e && *q == ' ' && *u != ' ')
            q++;
        if (q >= e || *q != *u)
            return 0;
        q++;
    }
    return q < e && isalnum((unsigned char)*q) ? 0 : (size_t)(q - p);
}

/* The number at p ("16.5", "15,000"); sets *end past it. False when p holds
 * no number or a range ("20-30", "10 to 20"), which is not one value. */
static bool number_at(const char *p, const char *e, double *v, const char **end)
{
    char num[32];
    size_t k = 0;
    for (; p < e && k < sizeof num - 1; p++) {
        if (isdigit((unsigned char)*p) || (*p == '.' && k && p + 1 < e && isdigit((unsigned char)p[1])))
            num[k++] = *p;
        else if (*p == ',' && k && p + 3 < e && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
                 isdigit((unsigned char)p[3]) && (p + 4 >= e || !isdigit((unsigned char)p[4])))
            continue; /* a thousands separator */
        else if (*p == ',' && k && !memchr(num, '.', k) && p + 1 < e && isdigit((unsigned char)p[1]))
            num[k++] = '.'; /* one or two digits after it: a decimal comma ("CRP 12,5 mg/l") */
        else
            break;
    }
    num[k] = '\0';
    const char *q = p;
    while (q < e && *q == ' ')
        q++;
    if (!k || (q < e && *q == '-' && q + 1 < e && isdigit((unsigned char)q[1])) ||
        (starts(q, e, "to ") && q + 3 < e && isdigit((unsigned char)q[3])))
        return false;
    *v = strtod(num, NULL);
    *end = p;
    return true;
}

/* A laboratory value at w ("crp 16.5 mg/dl", "esr was 54 mm/h", "wbc of
 * 15,000"): the test's name (kb/note_numbers.tsv), at most three linking
 * words, a number and perhaps a unit; the measurement's cut-off
 * (kb/measurements.tsv) decides present or absent. Without a unit the value
 * is read only when every unit that puts it in the measurement's range gives
 * the same answer: "crp 16.5" is raised in mg/L and in mg/dL, "crp 3" is
 * normal in mg/L but raised in mg/dL, so it is not read. A bound ("crp <5
 * mg/l", "esr above 100") is read when every value it allows gives the same
 * answer: "crp <5 mg/l" is normal, "crp <10 mg/l" says nothing. */

/* A bound before the number: -1 the value is below it, +1 above it, 0 none;
 * *strict when the number itself is excluded. */
static int bound_at(const char *p, const char *e, bool *strict, size_t *len)
{
    static const struct { const char *text; int bound; bool strict; } bounds[] = {
        {"<=", -1, false}, {"\xe2\x89\xa4", -1, false}, {"<", -1, true}, {"less than", -1, true}, {"below", -1, true},
        {"under", -1, true}, {">=", 1, false}, {"\xe2\x89\xa5", 1, false}, {">", 1, true}, {"greater than", 1, true},
        {"more than", 1, true}, {"above", 1, true}, {"over", 1, true}, {"exceeding", 1, true}};
    for (size_t i = 0; i < sizeof bounds / sizeof *bounds; i++)
        if ((*len = starts(p, e, bounds[i].text)) &&
            (!isalpha((unsigned char)bounds[i].text[0]) || p + *len >= e || !isalnum((unsigned char)p[*len]))) {
            *strict = bounds[i].strict;
            return bounds[i].bound;
        }
    return 0;
}

/* The finding a value x gives under measurement m: 1 present, -1 absent, 0
 * when a bound (below or above x, strict or not) allows values on both
 * sides of the cut-off. */
static int verdict_at(double x, int bound, bool strict, const kb_measure *m)
{
    if (!bound)
        return kb_compare(x, m->op, m->cutoff) ? 1 : -1;
    double c = m->cutoff;
    bool up = m->op == OP_GT || m->op == OP_GE; /* present above the cut-off */
    /* is the allowed value nearest the cut-off (x, or just inside x) present? */
    bool edge = !strict ? kb_compare(x, m->op, c) : bound < 0 ? (up ? x > c : x <= c) : (up ? x >= c : x < c);
    if (bound < 0) /* values below x */
        return up ? (edge ? 0 : -1) : (edge ? 1 : 0);
    return up ? (edge ? 1 : 0) : (edge ? 0 : -1);
}

static void read_number(gl_case *c, const char *e, const char *w, struct scope sc)
{
    static const char *const link[] = {"is", "was", "were", "of", "at", "level", "levels", "value", "rose",
                                       "to", "raised", "elevated", "increased", "high", "measured", "reached"};
    const gl_kb *kb = c->kb;
    for (int i = 0; i < kb->nnumber; i++) {
        const kb_number *nb = &kb->number[i];
        const char *p = w + nb->len;
        if (*w != nb->name[0] || !starts(w, e, nb->name) || (p < e && isalnum((unsigned char)*p)) ||
            !in_scope(kb, &kb->phrase[nb->phrase], sc))
            continue;
        int bound = 0;
        bool strict = false;
        for (int words = 0; p;) {
            while (p < e && (*p == ' ' || *p == ':' || *p == '=' || *p == '(' || *p == ','))
                p++;
            if (p < e && isdigit((unsigned char)*p))
                break;
            size_t bl;
            if (!bound && (bound = bound_at(p, e, &strict, &bl))) {
                p += bl;
                continue;
            }
            const char *q = p;
            while (q < e && isalpha((unsigned char)*q))
                q++;
            bool linking = false;
            for (size_t j = 0; j < sizeof link / sizeof *link; j++)
                linking |= strlen(link[j]) == (size_t)(q - p) && !strncmp(p, link[j], (size_t)(q - p));
            p = q > p && ++words <= 3 && linking ? q : NULL;
        }
        double v;
        const char *after;
        if (!p || !number_at(p, e, &v, &after))
            continue;
        int unit = -1;
        size_t ulen = 0;
        for (int j = 0; j < nb->nunit; j++) {
            size_t l = unit_at(after + (after < e && *after == ' '), e, nb->unit[j]);
            if (l > ulen)
                ulen = l, unit = j;
        }
        const kb_measure *m = &kb->meas[nb->meas];
        int verdict = 0;
        for (int j = 0; j < nb->nunit; j++) {
            double x = v * nb->factor[j];
            if ((unit >= 0 && j != unit) || x < m->min || x > m->max)
                continue;
            int vj = verdict_at(x, bound, strict, m);
            if (!vj || (verdict && vj != verdict)) {
                verdict = 0;
                break;
            }
            verdict = vj;
        }
        if (verdict) /* reported with the words read: "crp 16.5 mg/dl" */
            apply_text(c, nb->phrase, verdict, w, (size_t)(after + (ulen && *after == ' ') + ulen - w));
        return;
    }
}

/* The start of the last word of the plain match [w, m) when it is a hinge
 * word, else NULL. A hinge names what the match was about and may also start
 * the next statement: "hip pain on walking" (the site, then what provokes the
 * pain), "long hours sitting at the computer worsen it" (a sitting job, then
 * sitting as an aggravator). A test name is not a hinge: "crossed SLR" is
 * not an SLR. */
static const char *hinge_word(const char *b, const char *w, const char *m)
{
    static const char *const hinges[] = {"pain", "sitting", "walking", "standing", "running"};
    for (size_t i = 0; i < sizeof hinges / sizeof *hinges; i++) {
        size_t l = strlen(hinges[i]);
        if ((size_t)(m - w) > l && !strncmp(m - l, hinges[i], l) && word_start(b, m - l))
            return m - l;
    }
    return NULL;
}

/* Read one clause [p, e) of the lower-cased note; laboratory values only
 * when numbers is set (not in the short clauses rebuilt from a list, whose
 * numbers may belong to another item). */
static void mine_clause(gl_case *c, const char *p, const char *e, unsigned imaging, bool numbers)
{
    const gl_kb *kb = c->kb;
    struct cue cue[MAX_CUES];
    int ncue = find_cues(p, e, cue);
    struct scope sc = clause_scope(imaging, p, e);
    const char *family = family_from(p, e);
    /* plain phrases consume their words; strength phrases with gaps are
     * also tried inside them ("resisted hip flexion is weak": the
     * resisted-flexion test and "hip flexion * weak") */
    const char *covered = p, *hinge = NULL;
    for (const char *w = p; w < e; w++)
        if (word_start(p, w)) {
            sc.family = family && w >= family;
            if (numbers && kb->nnumber && w >= covered)
                read_number(c, e, w, sc);
            if (after_non(p, w))
                continue;
            const char *m = match_at(c, p, e, w, cue, ncue, sc, w >= covered, w == hinge, covered);
            if (m > covered) {
                covered = m;
                hinge = hinge_word(p, w, m);
            }
        }
}

/* A verdict of normality shared by a list of subjects: "leg strength, tendon
 * reflexes and sensation are normal", "tone, power, reflexes and sensation
 * were all normal". The phrases know "reflexes normal", "strength normal";
 * each subject is read as "<subject> <verdict>". A list item has at most
 * SUBJECT_WORDS words and no verb of its own ("she has buttock pain, reflexes
 * are normal": the pain is not normal); a single subject is read so too
 * ("sensation was all normal"). Test names in the list take the verdict in
 * place (list_verdict), so both readings agree. */
enum { SUBJECT_WORDS = 5, MAX_SUBJECTS = 8, SUBJECTS_REACH = 400 };
static const char *const copula[] = {"is ", "are ", "was ", "were "};
static const char *const normal_words[] = {"normal", "intact", "full", "symmetric", "unremarkable", "preserved",
                                           "within normal"};

/* Is the word at r a verb that gives an item its own statement? */
static bool own_verb(const char *r, const char *e)
{
    static const char *const verbs[] = {"is ", "are ", "was ", "were ", "has ", "have ", "had ", "reports ",
                                        "describes ", "complains ", "feels ", "walks ", "shows "};
    return starts_any(r, e, verbs, sizeof verbs / sizeof *verbs);
}

static void read_item(gl_case *c, const char *item, const char *item_end, const char *verdict, const char *e,
                      unsigned imaging)
{
    char buf[192];
    size_t il = (size_t)(item_end - item), vl = (size_t)(e - verdict);
    if (il + 2 >= sizeof buf)
        return;
    if (il + 1 + vl >= sizeof buf)
        vl = sizeof buf - il - 2;
    memcpy(buf, item, il);
    buf[il] = ' ';
    memcpy(buf + il + 1, verdict, vl);
    buf[il + 1 + vl] = '\0';
    mine_clause(c, buf, buf + il + 1 + vl, imaging, false);
}

static void read_shared_verdict(gl_case *c, const char *b, const char *e, unsigned imaging)
{
    for (const char *q = b + 1; q < e; q++) {
        if (q[-1] != ' ' || !starts_any(q, e, copula, sizeof copula / sizeof *copula))
            continue;
        const char *v = next_word(q, e);
        if (starts(v, e, "all ") || starts(v, e, "both "))
            v = next_word(v, e);
        if (v >= e || !starts_any(v, e, normal_words, sizeof normal_words / sizeof *normal_words))
            continue;
        /* the separators between the subjects, left to right, within a
         * window before the verb (a clause may be long: the work per verdict
         * stays bounded) */
        const char *subjects_end = q - 1, *sep[MAX_SUBJECTS];
        const char *from = subjects_end - b > SUBJECTS_REACH ? subjects_end - SUBJECTS_REACH : b;
        size_t len[MAX_SUBJECTS];
        int n = 0;
        for (const char *r = from; r < subjects_end && n < MAX_SUBJECTS;) {
            size_t l = list_sep(r, subjects_end, false);
            if (l) {
                sep[n] = r, len[n++] = l;
                r += l;
            } else {
                r++;
            }
        }
        /* the items, right to left, while they are short subjects without
         * a verb; the last one too ("gait were normal", "sensation were all
         * normal": the phrases know "gait normal") */
        for (int k = n; k >= 0; k--) {
            const char *start = k ? sep[k - 1] + len[k - 1] : from, *end = k < n ? sep[k] : subjects_end;
            bool verb = false;
            for (const char *r = start; r < end && !verb; r = next_word(r, end))
                verb = own_verb(r, end);
            if (verb || start >= end || words_between(start, end) > SUBJECT_WORDS)
                break;
            read_item(c, start, end, v, e, imaging);
        }
        q = v;
    }
}

/* Body sites listed after a pain ("spreading into the right buttock, groin
 * and leg", "pain in the right buttock and right leg"): the phrases read
 * the first site in place ("buttock"), but a bare "leg" or "groin" further
 * on is too ambiguous for a phrase of its own ("leg raise", "leg weakness").
 * When an item of the list names a pain and ends in a body site, each
 * following item that is a bare site (side and article words allowed, and
 * a phrase of its own after it: "and left leg for six weeks") is read as
 * the first site would be (read_site). */
static const struct { const char *word, *site; } sites[] = {
    {"legs", "leg"},       {"leg", "leg"},         {"buttocks", "buttock"}, {"buttock", "buttock"},
    {"groins", "groin"},   {"groin", "groin"},     {"hips", "hip"},         {"hip", "hip"},
    {"calves", "calf"},    {"calf", "calf"},       {"feet", "foot"},        {"foot", "foot"},
    {"heels", "heel"},     {"heel", "heel"},       {"ankles", "ankle"},     {"ankle", "ankle"},
    {"shins", "shin"},     {"shin", "shin"},       {"toes", "toe"},         {"sacrum", "sacrum"},
    {"hamstrings", "hamstring"}, {"hamstring", "hamstring"}, {"lower back", "low back"},
    {"low back", "low back"}, {"back", "back"}, {"anus", "perineal"}, {"scrotum", "perineal"},
    {"perineum", "perineal"}, {"genitals", "genital"}};

/* The site an item of [b, e) names, or NULL: the item's words, after side
 * and article words, are one site word (or "lower leg" and the like). */
static const char *bare_site(const char *b, const char *e, bool *lower)
{
    static const char *const skip[] = {"the ", "his ", "her ", "their ", "both ", "left ", "right ", "each ",
                                       "also ", "into the ", "to the ", "down the "};
    *lower = false;
    for (bool more = true; more && b < e;) {
        more = false;
        for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
            if (starts(b, e, skip[i])) {
                b += strlen(skip[i]);
                more = true;
            }
    }
    if (starts(b, e, "lower ") && !starts(b, e, "lower back")) {
        *lower = true;
        b += 6;
    }
    /* the site may carry a phrase of its own ("left leg for six weeks") */
    static const char *const tail[] = {" for ", " since ", " that ", " which ", " with ", " when ", " after ",
                                       " during ", " over ", " on ", " at ", " in "};
    for (size_t i = 0; i < sizeof sites / sizeof *sites; i++) {
        size_t l = starts(b, e, sites[i].word);
        if (l && (b + l == e || starts_any(b + l, e, tail, sizeof tail / sizeof *tail)))
            return sites[i].site;
    }
    return NULL;
}

/* Where the body site that ends [b, e) starts, when the item names a pain;
 * else NULL. */
static const char *pain_at_site(const char *b, const char *e)
{
    if (!has_word(b, e, pain_words, sizeof pain_words / sizeof *pain_words))
        return NULL;
    const char *w = e;
    while (w > b && w[-1] != ' ')
        w--;
    for (size_t i = 0; i < sizeof sites / sizeof *sites; i++)
        if (starts(w, e, sites[i].word) == (size_t)(e - w))
            return w;
    return NULL;
}

/* Read "<text before the first site><site>" ("no pain in the buttock or leg":
 * "no pain in the leg"), so that a denial speaks of every site; when nothing
 * in that text denies, also "<site> pain", which more phrases know ("pain in
 * the right buttock and right leg": "leg pain"). */
static void read_site(gl_case *c, const char *b, const char *at, const char *site, bool lower, unsigned imaging)
{
    static const char *const deny[] = {"no ", "not ", "n't", "without", "denies", "denied", "deny", "never",
                                       "nor ", "free of", "absent", "negative"};
    char buf[256];
    size_t pl = (size_t)(at - b);
    int n = snprintf(buf, sizeof buf, "%.*s%s%s", (int)(pl < 200 ? pl : 200), pl < 200 ? b : at - 200,
                     lower ? "lower " : "", site);
    if (n > 0 && (size_t)n < sizeof buf)
        mine_clause(c, buf, buf + n, imaging, false);
    if (has_word(b, at, deny, sizeof deny / sizeof *deny))
        return;
    n = snprintf(buf, sizeof buf, "%s%s pain", lower ? "lower " : "", site);
    if (n > 0 && (size_t)n < sizeof buf)
        mine_clause(c, buf, buf + n, imaging, false);
}

static void read_site_list(gl_case *c, const char *b, const char *e, unsigned imaging)
{
    enum { MAX_ITEMS = 12 };
    const char *item[MAX_ITEMS + 1], *item_end[MAX_ITEMS + 1];
    int n = 0;
    item[0] = b;
    for (const char *r = b; r < e && n < MAX_ITEMS;) {
        size_t l = list_sep(r, e, true);
        if (!l) {
            r++;
            continue;
        }
        item_end[n++] = r;
        r += l;
        item[n] = r;
    }
    item_end[n++] = e;
    for (int k = 0; k + 1 < n; k++) {
        const char *at = pain_at_site(item[k], item_end[k]);
        if (!at)
            continue;
        for (int j = k + 1; j < n; j++) {
            bool lower;
            const char *site = bare_site(item[j], item_end[j], &lower);
            if (!site)
                break;
            read_site(c, b, at, site, lower, imaging);
        }
    }
}

/* A list of sites that share one word of tenderness: "no tenderness over
 * the SIJ, greater trochanter or ischial tuberosity", "tender over the
 * piriformis and the sciatic notch". The phrases know "tenderness over the
 * <site>"; each later item that is a bare site (at most TENDER_ITEM_WORDS
 * words, no verb) is read as "<text before the first site><site>", so that
 * the denial or the tenderness speaks of every site. */
enum { TENDER_ITEM_WORDS = 3 };

static bool bare_item(const char *b, const char *e)
{
    static const char *const verbs[] = {"is ", "are ", "was ", "were ", "has ", "have ", "had ", "with ",
                                        "without ", "but ", "not ", "no "};
    while (b < e && starts(b, e, "the "))
        b += 4;
    return b < e && words_between(b, e) <= TENDER_ITEM_WORDS && !has_word(b, e, verbs, sizeof verbs / sizeof *verbs);
}

static void read_tender_list(gl_case *c, const char *b, const char *e, unsigned imaging)
{
    static const char *const heads[] = {"tenderness over the ", "tenderness at the ", "tenderness of the ",
                                        "tender over the ", "tender at the ", "tenderness on palpation of the ",
                                        "tenderness to palpation of the ", "tenderness to palpation over the "};
    const char *at = NULL;
    for (const char *p = b; p < e && !at; p++)
        for (size_t i = 0; i < sizeof heads / sizeof *heads && !at; i++)
            if (word_start(b, p) && starts(p, e, heads[i]))
                at = p + strlen(heads[i]);
    if (!at)
        return;
    const char *r = at;
    while (r < e && !list_sep(r, e, true)) /* past the first site */
        r++;
    while (r < e) {
        const char *item = r + list_sep(r, e, true), *end = item;
        while (end < e && !list_sep(end, e, true))
            end++;
        if (!bare_item(item, end))
            return;
        while (starts(item, end, "the "))
            item += 4;
        char buf[256];
        size_t pl = (size_t)(at - b);
        int n = snprintf(buf, sizeof buf, "%.*s%.*s", (int)(pl < 160 ? pl : 160), pl < 160 ? b : at - 160,
                         (int)(end - item < 80 ? end - item : 80), item);
        if (n > 0 && (size_t)n < sizeof buf)
            mine_clause(c, buf, buf + n, imaging, false);
        r = end;
    }
}

/* "Lumbar movement is full except for forward bending", "strength is normal
 * except for weakness of the big toe extensor": the clause before "except"
 * is a summary the next one qualifies. When the exception changes none of
 * the summary's readings, what it excepts is unknown, so the denials made in
 * that clause are taken back (unknown, not absent); what it states present
 * stays. When the exception overrides one of the summary's own readings
 * ("reflexes are normal except for an absent ankle jerk"), it has said what
 * it excepts, and the rest of the summary stands. */
enum { MAX_SUMMARY = 64 };

static void take_back_denials(gl_case *c, int from, int to)
{
    int keep = from;
    for (int i = from; i < c->nmined; i++) {
        if (i < to && c->mined[i].value < 0)
            c->state[c->mined[i].finding] = 0;
        else
            c->mined[keep++] = c->mined[i];
    }
    c->nmined = keep;
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
    kb_drop_sides(low);
    unsigned imaging = sentence_kinds(low, stop(low, SENTENCE_STOPS));
    int summary_from = 0, summary_to = 0; /* readings of a clause before "except" */
    for (const char *p = low; *p;) {
        const char *e = clause_end(p);
        int before = c->nmined;
        signed char was[MAX_SUMMARY];
        for (int i = summary_from; i < summary_to && i - summary_from < MAX_SUMMARY; i++)
            was[i - summary_from] = (signed char)c->mined[i].value;
        mine_clause(c, p, e, imaging, true);
        /* the rebuilt clauses keep the clause's scope: nothing from one that
         * says results are unknown, nothing after a relative is named */
        if (!clause_scope(imaging, p, e).unknown) {
            const char *family = family_from(p, e), *own_end = family ? family : e;
            read_shared_verdict(c, p, own_end, imaging);
            read_site_list(c, p, own_end, imaging);
            read_tender_list(c, p, own_end, imaging);
        }
        if (summary_to > summary_from) { /* this clause is the exception */
            bool spoke = false; /* did the exception override one of the summary's readings? */
            for (int i = summary_from; i < summary_to && i - summary_from < MAX_SUMMARY; i++)
                spoke |= c->mined[i].value != was[i - summary_from];
            if (!spoke)
                take_back_denials(c, summary_from, summary_to);
            summary_from = summary_to = 0;
        }
        if (*e == ' ' && exception_at(e, e + strlen(e)))
            summary_from = before, summary_to = c->nmined;
        p = *e ? e + 1 : e;
        if (strchr(SENTENCE_STOPS, e[0]) && e[0]) /* a new sentence starts at p */
            imaging = sentence_kinds(p, stop(p, SENTENCE_STOPS));
    }
    free(low);
    return c->nmined;
}
