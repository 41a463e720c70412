/* test_kb.c - the built-in knowledge base loads and is complete; a broken
 * copy is refused with the file and line named. Runs from the repo root. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "kb/kb.h"

void test_kb(void);

static char tmpl[64];

/* Copy kb/ to a temp folder and append `text` to `file` (or replace `from` by `to`). */
static const char *broken_copy(const char *file, const char *from, const char *to)
{
    char cmd[512];
    snprintf(tmpl, sizeof tmpl, "/tmp/gluteal-kb-XXXXXX");
    if (!mkdtemp(tmpl))
        return NULL;
    snprintf(cmd, sizeof cmd, "cp -r kb/. %s/", tmpl);
    if (system(cmd) != 0)
        return NULL;
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpl, file);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *at = strstr(buf, from);
    if (!at)
        return NULL;
    f = fopen(path, "wb");
    fwrite(buf, 1, (size_t)(at - buf), f);
    fputs(to, f);
    fputs(at + strlen(from), f);
    fclose(f);
    return tmpl;
}

static void cleanup(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpl);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", tmpl);
}

static void expect_refused(const char *file, const char *from, const char *to, const char *msg_part)
{
    const char *dir = broken_copy(file, from, to);
    CHECK(dir != NULL);
    if (!dir)
        return;
    gl_error err;
    gl_kb *kb = gl_kb_load_dir(dir, &err);
    CHECK(kb == NULL);
    if (kb) {
        fprintf(stderr, "  accepted a broken %s (%s)\n", file, msg_part);
        gl_kb_free(&kb);
    } else {
        CHECK(err.code == GL_ERR_KB);
        CHECK(strstr(err.msg, file) != NULL);  /* names the file */
        CHECK(strstr(err.msg, msg_part) != NULL);
        if (!strstr(err.msg, msg_part))
            fprintf(stderr, "  message was: %s\n", err.msg);
    }
    cleanup();
}

void test_kb(void)
{
    gl_error err;
    gl_kb *kb = gl_kb_load_builtin(&err);
    CHECK(kb != NULL);
    if (!kb) {
        fprintf(stderr, "builtin kb: %s\n", err.msg);
        return;
    }
    CHECK(kb->ncond == 33);
    CHECK(kb->nfind >= 318);
    CHECK(kb->max_k >= 2);
    /* every probability strictly inside (0, 1); links in [0, 1) */
    for (int c = 0; c < kb->ncond; c++)
        for (int s = 0; s < NSETTINGS; s++)
            CHECK(kb->cond[c].prior[s] > 0 && kb->cond[c].prior[s] < 1);
    int bad = 0;
    for (int i = 0; i < kb->ncond * kb->nfind; i++)
        bad += !(kb->link[i] >= 0 && kb->link[i] < 1);
    CHECK(bad == 0);
    /* deep gluteal syndrome is the umbrella of its four sub-types */
    int dgs = kb_cond(kb, "deep_gluteal_syndrome");
    CHECK(dgs >= 0 && kb->cond[dgs].has_children);
    CHECK(kb->cond[kb_cond(kb, "piriformis_syndrome")].parent == dgs);
    CHECK(gl_kb_same_family(kb, dgs, kb_cond(kb, "ischiofemoral_impingement")));
    CHECK(!gl_kb_same_family(kb, dgs, kb_cond(kb, "lumbosacral_radiculopathy")));
    /* the directory copy equals the built-in copy */
    gl_kb *dir = gl_kb_load_dir("kb", &err);
    CHECK(dir && !strcmp(dir->version, kb->version));
    gl_kb_free(&dir);
    /* did-you-mean */
    const char *s[3];
    int n = kb_suggest_findings(kb, "ex_weaknes_ehl", s, 3);
    CHECK(n >= 1 && !strcmp(s[0], "ex_weakness_ehl"));
    gl_kb_free(&kb);
    CHECK(kb == NULL);

    /* broken copies: each refused, naming file, line and the rule */
    expect_refused("priors.tsv", "lumbosacral_radiculopathy\t", "lumbosacral_radiculopathy\t1.5\t", "tab-separated columns");
    expect_refused("model.tsv", "size_prior\t0.81 0.19", "size_prior\t0.81 0.29", "add up to 1");
    expect_refused("model.tsv", "entry_finding\tsx_pain_buttock", "entry_finding\tsx_pain_butock",
                   "not a finding");
    /* an unknown key is refused by name (fuzz_kb found it written out of bounds) */
    expect_refused("model.tsv", "size_prior\t", "size_priop\t", "unknown model key");
    expect_refused("profiles/malignancy.tsv", "finding_id\tsensitivity\tspecificity\tquality\tsource\n",
                   "finding_id\tsensitivity\tspecificity\tquality\tsource\nhx_cancer_typo\t0.5\t0.9\testimate\tx\n",
                   "unknown finding");
    expect_refused("profiles/malignancy.tsv", "finding_id\tsensitivity\tspecificity\tquality\tsource\n",
                   "finding_id\tsensitivity\tspecificity\tquality\tsource\nsx_fever\t0.5\t0.9\testimate\t \n",
                   "needs a source");
    expect_refused("profiles/malignancy.tsv", "finding_id\tsensitivity\tspecificity\tquality\tsource\n",
                   "finding_id\tsensitivity\tspecificity\tquality\tsource\nsx_fever\t0.5\t0.9\tguess\tx\n",
                   "measured or estimate");
    expect_refused("profiles/malignancy.tsv", "finding_id\tsensitivity\tspecificity\tquality\tsource\n",
                   "finding_id\tsensitivity\tspecificity\tquality\tsource\nsx_fever\t0\t0.9\testimate\tx\n",
                   "outside (0, 1)");
    expect_refused("findings.tsv", "id\tkind", "identifier\tkind", "header must be");
    expect_refused("redflags.tsv", "sx_fever & (", "sx_fever & ((", "expected ')'");
    expect_refused("modifiers.tsv", "age > 70", "age >> 70", "expected a number");
    expect_refused("modifiers.tsv", "absent(lab_hla_b27_positive)", "absent(lab_hla_b27_positiv)",
                   "unknown finding ID in absent");
    expect_refused("modifiers.tsv", "absent(lab_hla_b27_positive)", "absent lab_hla_b27_positive",
                   "expected '(' after absent");
    expect_refused("conditions.tsv", "piriformis_syndrome\tPiriformis syndrome\tdeep_gluteal_syndrome",
                   "piriformis_syndrome\tPiriformis syndrome\tdeep_gluteal_syndromes", "is not another condition");
    expect_refused("composites.tsv", "ex_slr ex_slump", "ex_slr ex_slumpp", "components");
    /* question groups: history findings only, each in one group, no generic forms */
    expect_refused("groups.tsv", "sx_pain_low_back sx_pain_sacral", "sx_pain_low_back ex_slr", "not a history finding");
    expect_refused("groups.tsv", "sx_pain_low_back sx_pain_sacral", "sx_pain_low_back sx_worse_sitting",
                   "already grouped");
    expect_refused("groups.tsv", "sx_pain_low_back sx_pain_sacral", "sx_pain_low_back sx_pain_leg_unspecified",
                   "generic form");
    expect_refused("groups.tsv", "pain_worse\t", "sx_fever\t", "not a finding");
    expect_refused("measurements.tsv", "img_ischiofemoral_space_mm\tmm\t0\t100", "img_ischiofemoral_space_mm\tmm\t100\t0",
                   "min < max");
}

/* Note phrases: "{a|b}" alternatives expand to every combination, "a * b"
 * keeps its head length; malformed patterns are refused with the row named. */
void test_kb_phrases(void);
void test_kb_phrases(void)
{
    static const char head[] = "finding_id\tvalue\tphrase\tsource\n";
    char text[512];
    gl_error err;
    snprintf(text, sizeof text, "%sex_slr\t1\t{positive|negative} {slr|straight leg raise}\tdesign choice\n"
             "ex_sensory_lateral_foot\t1\t{reduced|lost} sensation * {|left }lateral foot\tdesign choice\n", head);
    gl_kb *kb = kb_load_override("note_phrases.tsv", text, strlen(text), &err);
    CHECK(kb != NULL);
    if (kb) {
        CHECK(kb->nphrase == 8);
        bool seen = false;
        for (int i = 0; i < kb->nphrase; i++) {
            const kb_phrase *p = &kb->phrase[i];
            if (!strcmp(p->text, "negative straight leg raise"))
                seen = p->head == p->len && p->value == 1;
            if (!strcmp(p->text, "lost sensation * left lateral foot"))
                CHECK(p->head == strlen("lost sensation"));
        }
        CHECK(seen);
        gl_kb_free(&kb);
    }
    static const char *const bad[] = {"{slr|straight leg", "slr}", "{a|{b}}", "a * ", " * b", "a  b", "a *b",
                                      "{| }slr", "Slr"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(text, sizeof text, "%sex_slr\t1\t%s\tdesign choice\n", head, bad[i]);
        kb = kb_load_override("note_phrases.tsv", text, strlen(text), &err);
        CHECK(kb == NULL && err.code == GL_ERR_KB && strstr(err.msg, "phrase"));
        if (kb) {
            fprintf(stderr, "  accepted phrase \"%s\"\n", bad[i]);
            gl_kb_free(&kb);
        }
    }
}

/* The miner's trie (kb_trie): every phrase of the built-in table is found by
 * walking its first part from the root, in its node's list, and each list is
 * in file order (the miner relies on it); a first part longer than
 * KB_HEAD_MAX is refused. */
void test_kb_trie(void);
void test_kb_trie(void)
{
    gl_error err;
    gl_kb *kb = gl_kb_load_builtin(&err);
    CHECK(kb != NULL && kb->nphrase > 1000);
    int lost = 0, disorder = 0;
    for (int i = 0; kb && i < kb->nphrase; i++) {
        const kb_phrase *p = &kb->phrase[i];
        int node = 0;
        for (size_t d = 0; d < p->head && node >= 0; d++)
            node = kb_trie_next(&kb->trie, node, (unsigned char)p->text[d]);
        bool found = false;
        for (int k = node >= 0 ? kb->trie.phrase_start[node] : 0; node >= 0 && k < kb->trie.phrase_start[node + 1]; k++) {
            found |= kb->trie.phrase[k] == i;
            disorder += k > kb->trie.phrase_start[node] && kb->trie.phrase[k] <= kb->trie.phrase[k - 1];
        }
        lost += !found;
    }
    CHECK(lost == 0);
    CHECK(disorder == 0);
    CHECK(kb && kb_trie_next(&kb->trie, 0, (unsigned char)'\x01') < 0);
    gl_kb_free(&kb);
    char text[512], word[KB_HEAD_MAX + 2];
    memset(word, 'a', sizeof word - 1);
    word[sizeof word - 1] = '\0';
    snprintf(text, sizeof text, "finding_id\tvalue\tphrase\tsource\nex_slr\t1\t%s * b\tdesign choice\n", word);
    kb = kb_load_override("note_phrases.tsv", text, strlen(text), &err);
    CHECK(kb == NULL && err.code == GL_ERR_KB && strstr(err.msg, "first part"));
    gl_kb_free(&kb);
    word[KB_HEAD_MAX] = '\0'; /* exactly KB_HEAD_MAX: accepted */
    snprintf(text, sizeof text, "finding_id\tvalue\tphrase\tsource\nex_slr\t1\t%s * b\tdesign choice\n", word);
    kb = kb_load_override("note_phrases.tsv", text, strlen(text), &err);
    CHECK(kb != NULL && kb->nphrase == 1);
    gl_kb_free(&kb);
}

/* Laboratory values in notes (kb/note_numbers.tsv): a row names a known
 * measurement and lists lower-case unit=factor pairs; names expand like
 * phrases and each gets a report-only phrase past the indexed ones. */
void test_kb_numbers(void);
void test_kb_numbers(void)
{
    static const char head[] = "measurement_id\tname\tunits\tsource\n";
    char text[512];
    gl_error err;
    snprintf(text, sizeof text, "%slab_crp_mg_l\t{crp|c-reactive protein}\tmg/l=1 mg/dl=10\tunit arithmetic\n", head);
    gl_kb *kb = kb_load_override("note_numbers.tsv", text, strlen(text), &err);
    CHECK(kb != NULL);
    if (kb) {
        CHECK(kb->nnumber == 2);
        for (int i = 0; i < kb->nnumber; i++) {
            const kb_number *nb = &kb->number[i];
            CHECK(nb->nunit == 2 && nb->factor[1] == 10 && !strcmp(nb->unit[1], "mg/dl"));
            CHECK(nb->phrase >= kb->nphrase && kb->phrase[nb->phrase].finding == kb_find(kb, "lab_crp_elevated"));
        }
        gl_kb_free(&kb);
    }
    static const char *const bad[][3] = {
        {"lab_crp_unknown", "crp", "mg/l=1"},         /* no such measurement */
        {"lab_crp_mg_l", "CRP", "mg/l=1"},            /* upper case name */
        {"lab_crp_mg_l", "crp", "mg/L=1"},            /* upper case unit */
        {"lab_crp_mg_l", "crp", "mg/l"},              /* no factor */
        {"lab_crp_mg_l", "crp", "mg/l=0"},            /* factor must be > 0 */
        {"lab_crp_mg_l", "crp * level", "mg/l=1"},    /* no gaps */
        {"lab_crp_mg_l", "", "mg/l=1"},               /* empty name */
    };
    static const char *const field[] = {"measurement_id", "name", "units", "units", "units", "name", "name"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(text, sizeof text, "%s%s\t%s\t%s\tdesign choice\n", head, bad[i][0], bad[i][1], bad[i][2]);
        kb = kb_load_override("note_numbers.tsv", text, strlen(text), &err);
        CHECK(kb == NULL && err.code == GL_ERR_KB && strstr(err.msg, field[i]));
        if (kb) {
            fprintf(stderr, "  accepted number row %zu\n", i);
            gl_kb_free(&kb);
        }
    }
}
