/* main.c - runs every unit test group. */
#include <stdio.h>
#include <string.h>

#include "harness.h"

int t_pass, t_fail;

void test_util(void);
void test_kb(void);
void test_kb_phrases(void); /* test_kb.c */
void test_kb_trie(void);    /* test_kb.c */
void test_kb_numbers(void); /* test_kb.c */
void test_case_parse(void);
void test_infer(void);
void test_assess(void);
void test_store(void); /* test_store.c */
void test_localize(void); /* test_localize.c */
void test_plan(void); /* test_plan.c */
void test_next(void); /* test_next.c */
void test_note(void); /* test_note.c */

static const test_case groups[] = {
    {"util", test_util}, {"kb", test_kb}, {"phrases", test_kb_phrases}, {"trie", test_kb_trie},
    {"numbers", test_kb_numbers}, {"case", test_case_parse}, {"infer", test_infer}, {"assess", test_assess},
    {"store", test_store},
    {"localize", test_localize},
    {"plan", test_plan},
    {"next", test_next},
    {"note", test_note},
};

int main(int argc, char **argv)
{
    for (size_t i = 0; i < sizeof groups / sizeof *groups; i++) {
        if (argc > 1 && strcmp(argv[1], groups[i].name))
            continue;
        int before = t_fail;
        groups[i].fn();
        fprintf(stderr, "unit %-8s %s\n", groups[i].name, t_fail == before ? "ok" : "FAILED");
    }
    printf("unit: %d passed, %d failed\n", t_pass, t_fail);
    return t_fail ? 1 : 0;
}
