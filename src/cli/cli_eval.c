/* cli_eval.c - `gluteal eval DIR`: accuracy over a folder of case files that
 * carry an "expected" block. A hit is the primary diagnosis or its umbrella or
 * sub-type; the lenient figure also accepts the other listed diagnoses and the
 * case's acceptable alternatives. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct tally {
    int cases, errors, top1, top3, top1_len, top3_len;
    int rf_pos, rf_hit, rf_neg, rf_quiet;
} tally;

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static char **list_cases(const char *dir, int *n)
{
    DIR *d = opendir(dir);
    *n = 0;
    if (!d)
        return NULL;
    char **names = NULL;
    int cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".json"))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, (size_t)cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        size_t sz = strlen(dir) + l + 2;
        if (!(names[*n] = malloc(sz)))
            break;
        snprintf(names[(*n)++], sz, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (names)
        qsort(names, (size_t)*n, sizeof *names, cmp_names);
    return names;
}

/* Best rank of condition x or its family in r. */
static int family_rank(const gl_kb *kb, const gl_result *r, int x)
{
    int best = 0;
    for (int c = 0; c < gl_kb_condition_count(kb); c++)
        if (gl_kb_same_family(kb, c, x)) {
            int rk = gl_result_rank(r, c);
            if (rk && (!best || rk < best))
                best = rk;
        }
    return best;
}

static void score_case(const gl_kb *kb, const gl_case *c, const gl_result *r, const char *path, tally *t)
{
    int strict = family_rank(kb, r, gl_case_expected(c, 0)), lenient = strict;
    for (int i = 1; i < gl_case_expected_count(c); i++) {
        int rk = family_rank(kb, r, gl_case_expected(c, i));
        if (rk && rk < lenient)
            lenient = rk;
    }
    for (int i = 0; i < gl_case_acceptable_count(c); i++) {
        int rk = family_rank(kb, r, gl_case_acceptable(c, i));
        if (rk && rk < lenient)
            lenient = rk;
    }
    t->cases++;
    t->top1 += strict == 1;
    t->top3 += strict <= 3;
    t->top1_len += lenient == 1;
    t->top3_len += lenient <= 3;
    int rf = gl_case_expected_red_flag(c);
    bool flagged = gl_result_red_flag_count(r) > 0;
    if (rf == 1) {
        t->rf_pos++;
        t->rf_hit += flagged;
    } else if (rf == 0) {
        t->rf_neg++;
        t->rf_quiet += !flagged;
    }
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if (strict != 1) {
        printf("  %-58s %s: rank %d%s  (top:", name, gl_kb_condition_id(kb, gl_case_expected(c, 0)), strict,
               strict <= 3 ? "" : " MISS");
        for (int k = 1; k <= 3; k++) {
            int top = gl_result_ranked(r, k);
            printf(" %s %.0f%%", gl_kb_condition_id(kb, top), 100 * gl_result_probability(r, top));
        }
        printf(")\n");
    }
    if (rf == 1 && !flagged)
        printf("  %-58s red flag expected but none fired\n", name);
    if (rf == 0 && flagged)
        printf("  %-58s red flag fired (%s) but none expected\n", name, gl_result_urgency(r));
}

static double pct(int a, int b) { return b ? 100.0 * a / b : 100.0; }

static bool parse_threshold(const char *s, double *out)
{
    char *end;
    *out = strtod(s, &end);
    return *end == '\0' && *out >= 0 && *out <= 1;
}

int cli_eval(cli_args *a)
{
    const char *dir = NULL;
    double min1 = 0, min3 = 0, minrf = 0;
    for (int i = 0; i < a->argc; i++) {
        double *target = !strcmp(a->argv[i], "--min-top1")                   ? &min1
                         : !strcmp(a->argv[i], "--min-top3")                 ? &min3
                         : !strcmp(a->argv[i], "--min-red-flag-sensitivity") ? &minrf
                                                                             : NULL;
        if (target) {
            if (i + 1 >= a->argc || !parse_threshold(a->argv[++i], target))
                return cli_usage_error("eval: %s needs a fraction between 0 and 1", a->argv[i - 1]);
        } else if (a->argv[i][0] == '-')
            return cli_usage_error("eval: unknown option \"%s\"", a->argv[i]);
        else
            dir = a->argv[i];
    }
    if (!dir)
        return cli_usage_error("%s", "eval: give a folder of case files");
    int n = 0;
    char **files = list_cases(dir, &n);
    if (!files)
        return cli_usage_error("eval: cannot read the folder \"%s\"", dir);
    gl_kb *kb = cli_load_kb(a->kb_dir);
    if (!kb) {
        for (int i = 0; i < n; i++)
            free(files[i]);
        free(files);
        return 2;
    }
    tally t = {0};
    printf("gluteal eval %s (knowledge base %s)\nnot first (strict rank of the primary diagnosis or its family):\n",
           dir, gl_kb_version(kb));
    for (int i = 0; i < n; i++) {
        gl_error err;
        gl_case *c = gl_case_read_file(kb, files[i], &err);
        if (!c) {
            printf("  ERROR %s\n", err.msg);
            t.errors++;
        } else if (gl_case_expected_count(c) > 0) {
            gl_result *r = gl_assess(kb, c, &err);
            if (r)
                score_case(kb, c, r, files[i], &t);
            else {
                printf("  ERROR %s: %s\n", files[i], err.msg);
                t.errors++;
            }
            gl_result_free(&r);
        }
        gl_case_free(&c);
        free(files[i]);
    }
    free(files);
    printf("cases %d, unreadable %d\n", t.cases, t.errors);
    printf("top-1 %d/%d = %.1f%%   top-3 %d/%d = %.1f%%   (strict: primary diagnosis or its umbrella/sub-type)\n",
           t.top1, t.cases, pct(t.top1, t.cases), t.top3, t.cases, pct(t.top3, t.cases));
    printf("top-1 %d/%d = %.1f%%   top-3 %d/%d = %.1f%%   (lenient: also acceptable alternatives)\n", t.top1_len,
           t.cases, pct(t.top1_len, t.cases), t.top3_len, t.cases, pct(t.top3_len, t.cases));
    printf("red flags: sensitivity %d/%d = %.1f%%, specificity %d/%d = %.1f%%\n", t.rf_hit, t.rf_pos,
           pct(t.rf_hit, t.rf_pos), t.rf_quiet, t.rf_neg, pct(t.rf_quiet, t.rf_neg));
    gl_kb_free(&kb);
    bool below = pct(t.top1, t.cases) < 100 * min1 || pct(t.top3, t.cases) < 100 * min3 ||
                 pct(t.rf_hit, t.rf_pos) < 100 * minrf;
    if (below)
        printf("FAILED: below the thresholds (top-1 %.2f, top-3 %.2f, red-flag sensitivity %.2f)\n", min1, min3,
               minrf);
    return t.errors ? 2 : below ? 1 : 0;
}
