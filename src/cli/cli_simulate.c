/* cli_simulate.c - `gluteal interview --simulate DIR`: every case file with an
 * "expected" block is replayed as a simulated patient. The interview starts
 * from age, sex, side and buttock pain only; each question ("how long?"
 * included) is answered from the case file (unknown where it is silent). The
 * pain map and checklists (kb/groups.tsv) are one question each, answered
 * with the areas and factors the record gives; --one-by-one asks every
 * finding on its own, as the --jsonl contract does.
 * Reports whether the expected diagnosis (or its umbrella/sub-type) reaches
 * the top three, and after how many questions (from the last time it entered
 * the top three and stayed). */
#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A guard against a policy that never ends: the interview stops itself (stage
 * budgets, then the red-flag screen) well before this. */
#define SIM_MAX_QUESTIONS 400

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

/* The starting case: the full case with findings reduced to buttock pain. */
static gl_case *starting_case(const gl_kb *kb, const gl_case *full)
{
    char *text = gl_case_json(full);
    json_t *o = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (!o)
        return NULL;
    json_object_del(o, "measurements");
    json_object_del(o, "note");
    json_object_del(o, "duration_weeks");
    json_object_set_new(o, "findings", json_pack("{s:b}", "sx_pain_buttock", 1));
    char *start = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    gl_case *c = start ? gl_case_parse(kb, start, strlen(start), "<start>", NULL) : NULL;
    free(start);
    return c;
}

static bool in_top3(const gl_kb *kb, const gl_case *c, int expected)
{
    gl_result *r = gl_assess(kb, c, NULL);
    bool hit = false;
    for (int k = 1; r && k <= 3; k++)
        hit |= gl_kb_same_family(kb, gl_result_ranked(r, k), expected) != 0;
    gl_result_free(&r);
    return hit;
}

/* The record's answer to a question group: the options it has as present
 * or absent ("sx_pain_groin -sx_pain_low_back"); silent ones stay unknown. */
static char *group_answer(const gl_interview *iv, const gl_case *full, const char *group)
{
    const char *opt[64];
    int n = gl_interview_group_options(iv, group, opt, 64);
    char *out = calloc(1, 64 * 80 + 1);
    for (int i = 0; out && i < n && i < 64; i++) {
        int v = gl_case_implied(full, opt[i]);
        if (v)
            snprintf(out + strlen(out), 80, "%s%s ", v < 0 ? "-" : "", opt[i]);
    }
    return out;
}

/* Returns questions asked until the expected diagnosis entered the top three
 * (-1 if never), and sets *final_hit and *total. */
static int replay(const gl_kb *kb, const gl_case *full, int expected, bool one_by_one, bool *final_hit, int *total)
{
    gl_case *start = starting_case(kb, full);
    gl_interview *iv = start ? gl_interview_new(kb, start, NULL) : NULL;
    gl_case_free(&start);
    if (!iv)
        return -2;
    if (one_by_one)
        gl_interview_one_by_one(iv);
    int reached = in_top3(kb, gl_interview_case(iv), expected) ? 0 : -1;
    const char *q;
    bool trace = getenv("GLUTEAL_TRACE") != NULL;
    while ((q = gl_interview_next(iv)) && gl_interview_asked(iv) < SIM_MAX_QUESTIONS) {
        if (gl_interview_group_options(iv, q, NULL, 0) >= 0) { /* the pain map: what the record says */
            char *ans = group_answer(iv, full, q);
            if (trace)
                printf("    Q%d %s -> %s\n", gl_interview_asked(iv) + 1, q, ans && *ans ? ans : "unknown");
            if (!ans || gl_interview_answer_group(iv, q, *ans ? ans : "unknown", NULL) < 0)
                gl_interview_answer(iv, q, 0);
            free(ans);
        } else if (!strcmp(q, GL_ASK_DURATION)) { /* "how long?" answered from the record */
            if (trace)
                printf("    Q%d %s -> %g\n", gl_interview_asked(iv) + 1, q, gl_case_duration(full));
            gl_interview_answer_duration(iv, gl_case_duration(full));
        } else {
            int v = gl_case_implied(full, q);
            if (trace)
                printf("    Q%d %s -> %s\n", gl_interview_asked(iv) + 1, q, v > 0 ? "yes" : v < 0 ? "no" : "unknown");
            gl_interview_answer(iv, q, v);
        }
        /* counted from the last time it entered the top three: a diagnosis
         * that drops out again has not been reached */
        bool hit = in_top3(kb, gl_interview_case(iv), expected);
        if (!hit)
            reached = -1;
        else if (reached < 0)
            reached = gl_interview_asked(iv);
    }
    *final_hit = in_top3(kb, gl_interview_case(iv), expected);
    *total = gl_interview_asked(iv);
    if (!*final_hit)
        reached = -1;
    gl_interview_free(&iv);
    return reached;
}

int cli_simulate(const gl_kb *kb, const char *dir, double min_top3, double max_median, bool one_by_one);
int cli_simulate(const gl_kb *kb, const char *dir, double min_top3, double max_median, bool one_by_one)
{
    DIR *d = opendir(dir);
    if (!d)
        return cli_usage_error("interview: cannot read the folder \"%s\"", dir);
    char *names[1024] = {0};
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 1024) {
        size_t l = strlen(e->d_name);
        if (l > 5 && !strcmp(e->d_name + l - 5, ".json"))
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    int cases = 0, hits = 0, counts[1024] = {0}, ncounts = 0;
    printf("simulated interviews over %s (start: age, sex, side, buttock pain; %s)\n", dir,
           one_by_one ? "every finding its own question" : "pain map and checklists one question each");
    for (int i = 0; i < n; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        gl_error err;
        gl_case *full = gl_case_read_file(kb, path, &err);
        if (full && gl_case_expected_count(full) > 0) {
            bool hit = false;
            int total = 0, exp = gl_case_expected(full, 0);
            int reached = replay(kb, full, exp, one_by_one, &hit, &total);
            cases++;
            hits += hit;
            if (reached >= 0)
                counts[ncounts++] = reached;
            if (hit)
                printf("  %-58s %-36s top-3 after %d questions (asked %d)\n", names[i], gl_kb_condition_id(kb, exp),
                       reached, total);
            else
                printf("  %-58s %-36s MISSED (not in the top three after %d questions)\n", names[i],
                       gl_kb_condition_id(kb, exp), total);
        } else if (!full)
            printf("  ERROR %s\n", err.msg);
        gl_case_free(&full);
        free(names[i]);
    }
    qsort(counts, (size_t)ncounts, sizeof *counts, cmp_int);
    int mid = ncounts / 2;
    double median = !ncounts ? 0.0 : ncounts % 2 ? (double)counts[mid] : ((double)counts[mid - 1] + counts[mid]) / 2.0;
    double rate = cases ? (double)hits / cases : 0;
    printf("expected diagnosis in the top three: %d/%d = %.1f%%; median questions to reach it: %.1f\n", hits, cases,
           100 * rate, median);
    /* The median over the hits rises when a case that needs many questions
     * becomes a hit; over every case, a miss counted as never reached, it
     * can only fall as cases are reached sooner or at all. */
    int amid = cases / 2; /* the (upper) middle of the cases, hits sorted first */
    if (cases && amid < ncounts)
        printf("over all %d cases (a miss counts as never): median questions %.1f\n", cases,
               cases % 2 ? (double)counts[amid] : ((double)counts[amid - 1] + counts[amid]) / 2.0);
    else if (cases)
        printf("over all %d cases (a miss counts as never): median not reached (%d of %d missed)\n", cases,
               cases - ncounts, cases);
    if (rate < min_top3 || median > max_median) {
        printf("FAILED: below the thresholds (top-3 %.2f, median questions %.0f)\n", min_top3, max_median);
        return 1;
    }
    return 0;
}
