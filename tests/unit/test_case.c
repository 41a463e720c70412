/* test_case.c - case parsing details the corpus tests cannot see: line
 * numbers, suggestions, measurements, derived findings, contradictions. */
#include <string.h>

#include "case/case.h"
#include "harness.h"

void test_case_parse(void);

static gl_case *parse(const gl_kb *kb, const char *text, gl_error *err)
{
    return gl_case_parse(kb, text, strlen(text), "t.json", err);
}

void test_case_parse(void)
{
    gl_error err;
    gl_kb *kb = gl_kb_load_builtin(&err);
    CHECK(kb != NULL);
    if (!kb)
        return;
    /* unknown finding: refused, line named, nearest IDs suggested */
    gl_case *c = parse(kb, "{\"format\": \"gluteal-case/1\",\n \"patient\": {\"age\": 40, \"sex\": \"male\"},\n"
                           " \"findings\": {\n   \"sx_pain_buttock\": true,\n   \"ex_weaknes_ehl\": true}}", &err);
    CHECK(c == NULL);
    CHECK(err.code == GL_ERR_INVALID && err.line == 5);
    CHECK(strstr(err.msg, "did you mean ex_weakness_ehl") != NULL);
    CHECK(!strcmp(err.field, "findings.ex_weaknes_ehl"));
    /* wrong type inside patient: the nested key's line */
    c = parse(kb, "{\"format\": \"gluteal-case/1\",\n \"patient\": {\n  \"age\": \"forty\", \"sex\": \"male\"},\n"
                  " \"findings\": {}}", &err);
    CHECK(c == NULL && err.line == 3 && strstr(err.msg, "patient.age") && strstr(err.msg, "must be a number"));
    /* JSON syntax error: line and column from the parser */
    c = parse(kb, "{\"format\": \"gluteal-case/1\",\n \"patient\": {\"age\": 40,, \"sex\": \"male\"}}", &err);
    CHECK(c == NULL && err.code == GL_ERR_SYNTAX && err.line == 2);
    /* measurement through its cut-off; age-derived findings; contradiction reported, case accepted */
    c = parse(kb, "{\"format\": \"gluteal-case/1\", \"patient\": {\"age\": 55, \"sex\": \"male\"},"
                  " \"findings\": {\"hx_pregnancy_or_postpartum\": true, \"hx_age_over_50\": false},"
                  " \"measurements\": {\"img_ischiofemoral_space_mm\": 13.5}}", &err);
    CHECK(c != NULL);
    if (c) {
        CHECK(c->state[kb_find(kb, "img_mri_ifs_narrow_15mm")] == 1);
        CHECK(c->state[kb_find(kb, "hx_age_over_50")] == 1); /* the age wins */
        CHECK(c->state[kb_find(kb, "hx_age_under_20")] == -1);
        CHECK(c->ncontra == 2);
        CHECK(c->setting == SET_PMR && c->duration < 0);
        gl_case_free(&c);
        CHECK(c == NULL);
    }
    /* unknown optional field: accepted with a warning, never silently */
    c = parse(kb, "{\"format\": \"gluteal-case/1\", \"patient\": {\"age\": 30, \"sex\": \"female\"},"
                  " \"findings\": {}, \"notes\": \"x\"}", &err);
    CHECK(c && c->nwarn == 1 && strstr(c->warn[0], "notes"));
    gl_case_free(&c);
    /* an oversized input is refused before parsing */
    CHECK(gl_case_parse(kb, "{}", GL_MAX_CASE_BYTES + 1, "big.json", &err) == NULL && err.code == GL_ERR_TOO_LARGE);
    /* the note: phrases found, negation within the clause, entered findings win, reported */
    c = parse(kb, "{\"format\": \"gluteal-case/1\", \"patient\": {\"age\": 30, \"sex\": \"female\"},"
                  " \"findings\": {\"sx_pain_posterior_thigh\": false},"
                  " \"note\": \"Groin pain for a month. She denies numbness or fever, but has night pain;"
                  " pain spreads to the back of the thigh. No history of cancer.\"}", &err);
    CHECK(c != NULL);
    if (c) {
        CHECK(c->state[kb_find(kb, "sx_pain_groin")] == 1);
        CHECK(c->state[kb_find(kb, "sx_paresthesia_leg")] == -1); /* "denies numbness" */
        CHECK(c->state[kb_find(kb, "sx_fever")] == -1);
        CHECK(c->state[kb_find(kb, "sx_night_pain")] == 1);        /* after "but": not negated */
        CHECK(c->state[kb_find(kb, "hx_cancer")] == -1);
        CHECK(c->state[kb_find(kb, "sx_pain_posterior_thigh")] == -1); /* entered finding wins */
        CHECK(c->given[kb_find(kb, "sx_pain_groin")] == 0);         /* mined, not entered */
        CHECK(c->nmined == 5);
        gl_case_free(&c);
    }
    /* negation scope: a pre-cue ("no", "without") speaks only of what follows it, a
     * two-way cue ("not", "negative") of the whole clause; "can't" is no negation; a cue
     * inside the phrase belongs to the phrase */
    c = parse(kb, "{\"format\": \"gluteal-case/1\", \"patient\": {\"age\": 60, \"sex\": \"male\"},"
                  " \"findings\": {},"
                  " \"note\": \"Walking makes it worse and there is no numbness. He can't sit for long."
                  " Pain is not relieved by rest. Fever is absent. He walks without a limp.\"}", &err);
    CHECK(c != NULL);
    if (c) {
        CHECK(c->state[kb_find(kb, "sx_worse_walking")] == 1);    /* before "no": not negated */
        CHECK(c->state[kb_find(kb, "sx_paresthesia_leg")] == -1); /* after "no" */
        CHECK(c->state[kb_find(kb, "sx_pain_unrelieved_by_lying")] == 1); /* "not" is the phrase's */
        CHECK(c->state[kb_find(kb, "sx_fever")] == -1);           /* post-cue "absent" */
        CHECK(c->state[kb_find(kb, "ex_antalgic_gait")] == -1);   /* "without a limp" */
        gl_case_free(&c);
    }
    /* line finder */
    const char *t = "{\n\"a\": 1,\n\"findings\": {\n \"x\": true,\n \"y\": false\n}}";
    CHECK(case_locate(t, strlen(t), "findings", "y") == 5);
    CHECK(case_locate(t, strlen(t), "findings", NULL) == 3);
    CHECK(case_locate(t, strlen(t), "zzz", NULL) == 0);
    gl_kb_free(&kb);
}
