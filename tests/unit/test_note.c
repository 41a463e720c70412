/* test_note.c - the note miner against tests/note/sentences.tsv: for each
 * written note, exactly the listed findings must be read, with the listed
 * value. Reading a finding that is not listed fails (precision) as much as
 * missing one (recall); the totals are printed so a change of the phrase
 * table shows what it gained and what it broke. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/case.h"
#include "kb/kb.h"
#include "harness.h"

void test_note(void);

enum { NOTE_MAX = 2048 };

/* A case with no findings and this note (quotes and backslashes escaped). */
static gl_case *case_with_note(const gl_kb *kb, const char *note, gl_error *err)
{
    char json[2 * NOTE_MAX + 128];
    size_t n = (size_t)snprintf(json, sizeof json,
                                "{\"format\": \"gluteal-case/1\", \"patient\": {\"age\": 45, \"sex\": \"female\"},"
                                " \"findings\": {}, \"note\": \"");
    for (const char *p = note; *p && n + 8 < sizeof json; p++) {
        if (*p == '"' || *p == '\\')
            json[n++] = '\\';
        json[n++] = *p;
    }
    n += (size_t)snprintf(json + n, sizeof json - n, "\"}");
    return gl_case_parse(kb, json, n, "note.json", err);
}

/* The value expected for finding f in the list ("id" 1, "-id" -1), or 0. */
static int expected(const gl_kb *kb, const char *list, int f)
{
    char buf[NOTE_MAX];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        int v = *tok == '-' ? -1 : 1;
        if (kb_find(kb, tok + (v < 0)) == f)
            return v;
    }
    return 0;
}

/* Check one line; returns the number of wrong readings. */
static int check_line(const gl_kb *kb, const char *note, const char *list, int lineno, int *right)
{
    gl_error err;
    gl_case *c = case_with_note(kb, note, &err);
    if (!c) {
        fprintf(stderr, "sentences.tsv:%d: case refused: %s\n", lineno, err.msg);
        return 1;
    }
    int wrong = 0;
    for (int i = 0; i < c->nmined; i++) { /* every reading listed, with its value */
        int f = c->mined[i].finding, want = expected(kb, list, f);
        if (want == c->mined[i].value) {
            (*right)++;
            continue;
        }
        wrong++;
        fprintf(stderr, "sentences.tsv:%d: read %s%s (\"%s\"), expected %s\n", lineno, c->mined[i].value < 0 ? "-" : "",
                kb->find[f].id, kb->phrase[c->mined[i].phrase].text, want ? "the other value" : "nothing");
    }
    char buf[NOTE_MAX];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        int f = kb_find(kb, tok + (*tok == '-'));
        bool found = false;
        for (int i = 0; i < c->nmined; i++)
            found |= c->mined[i].finding == f;
        if (f < 0 || !found) {
            wrong++;
            fprintf(stderr, "sentences.tsv:%d: did not read %s\n", lineno, tok);
        }
    }
    gl_case_free(&c);
    return wrong;
}

/* Side words go between a determiner and a word, and only there. */
static void test_drop_sides(void)
{
    static const struct { const char *in, *out; } t[] = {
        {"tenderness over the left greater trochanter", "tenderness over the greater trochanter"},
        {"his right-sided sciatica", "his sciatica"},
        {"a left l5 radiculopathy", "a l5 radiculopathy"},
        {"4/5 on the left, 5/5 on the right", "4/5 on the left, 5/5 on the right"},
        {"the left and right buttocks", "the left and right buttocks"},
        {"left buttock pain", "left buttock pain"},
        {"she left the army", "she left the army"},
        {"theleft buttock", "theleft buttock"}};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char buf[128];
        snprintf(buf, sizeof buf, "%s", t[i].in);
        size_t n = kb_drop_sides(buf);
        CHECK(!strcmp(buf, t[i].out) && n == strlen(t[i].out));
    }
}

void test_note(void)
{
    test_drop_sides();
    gl_error err;
    gl_kb *kb = gl_kb_load_builtin(&err);
    FILE *f = fopen("tests/note/sentences.tsv", "r");
    CHECK(kb != NULL && f != NULL);
    if (!kb || !f) {
        if (f)
            fclose(f);
        gl_kb_free(&kb);
        return;
    }
    char line[2 * NOTE_MAX];
    int lineno = 0, lines = 0, wrong = 0, right = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab || !strncmp(line, "note\t", 5))
            continue;
        *tab = '\0';
        lines++;
        wrong += check_line(kb, line, tab + 1, lineno, &right);
    }
    fclose(f);
    fprintf(stderr, "note mining: %d notes, %d findings read right, %d wrong or missed\n", lines, right, wrong);
    CHECK(lines >= 50);
    CHECK(wrong == 0);
    gl_kb_free(&kb);
}
