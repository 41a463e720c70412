/* cli_next.c - `gluteal next CASE` and `gluteal interview [CASE]` (terminal,
 * --jsonl for programs, --simulate DIR for the simulated-patient test). */
#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_next(cli_args *a)
{
    bool json = false;
    const char *path = NULL;
    int max = 10;
    for (int i = 0; i < a->argc; i++) {
        if (!strcmp(a->argv[i], "--json"))
            json = true;
        else if (!strcmp(a->argv[i], "--all"))
            max = 100000;
        else if (a->argv[i][0] == '-' && a->argv[i][1])
            return cli_usage_error("next: unknown option \"%s\"", a->argv[i]);
        else
            path = a->argv[i];
    }
    if (!path)
        return cli_usage_error("%s", "next: give a case file, or - for standard input");
    gl_kb *kb = cli_load_kb(a->kb_dir);
    if (!kb)
        return 2;
    gl_error err;
    gl_case *c = gl_case_read_file(kb, path, &err);
    gl_next *n = c ? gl_next_questions(kb, c, &err) : NULL;
    int rc = 0;
    if (!n) {
        fprintf(stderr, "gluteal: %s\n", err.msg);
        rc = 2;
    } else {
        char *out = json ? gl_next_json(n, max, 0) : gl_next_text(n, max, 0);
        if (out)
            printf("%s%s", out, json ? "\n" : "");
        free(out);
    }
    gl_next_free(&n);
    gl_case_free(&c);
    gl_kb_free(&kb);
    return rc;
}

/* ---- interview ---- */
static char *read_line(char *buf, size_t n)
{
    if (!fgets(buf, (int)n, stdin))
        return NULL;
    buf[strcspn(buf, "\r\n")] = '\0';
    char *p = buf;
    while (*p == ' ')
        p++;
    return p;
}

static int parse_answer(const char *s)
{
    if (!strcmp(s, "y") || !strcmp(s, "yes") || !strcmp(s, "true"))
        return 1;
    if (!strcmp(s, "n") || !strcmp(s, "no") || !strcmp(s, "false"))
        return -1;
    if (!strcmp(s, "s") || !strcmp(s, "skip") || !strcmp(s, "unknown") || !strcmp(s, "?") || !*s)
        return 0;
    return 9;
}

/* "How long?": a number of weeks, or anything yes/no/skip-like for "not
 * known" (a program answering every question with yes/no/unknown still gets
 * through). Returns -1 when the interactive user should be asked again. */
static int answer_duration(gl_interview *iv, const char *s, bool jsonl)
{
    char *end;
    double w = strtod(s, &end);
    bool number = end != s && !*end && w >= 0 && w <= 2600;
    if (!number && !jsonl && parse_answer(s) == 9) {
        printf("   please give the number of weeks (e.g. 3, or 0.5 for a few days), or skip\n");
        return -1;
    }
    return gl_interview_answer_duration(iv, number ? w : -1);
}

static void print_top(const gl_kb *kb, const gl_case *c, FILE *out)
{
    gl_result *r = gl_assess(kb, c, NULL);
    if (!r)
        return;
    fprintf(out, "   top:");
    for (int k = 1; k <= 3; k++) {
        int cond = gl_result_ranked(r, k);
        fprintf(out, " %s %.0f%%%s", gl_kb_condition_id(kb, cond), 100 * gl_result_probability(r, cond), k < 3 ? "," : "");
    }
    fprintf(out, "   urgency %s\n", gl_result_urgency(r));
    gl_result_free(&r);
}

static gl_case *ask_patient(const gl_kb *kb)
{
    char buf[256];
    printf("New consultation. Age in years? ");
    fflush(stdout);
    char *s = read_line(buf, sizeof buf);
    double age = s ? strtod(s, NULL) : -1;
    printf("Sex (female/male)? ");
    fflush(stdout);
    char sex[32] = "";
    s = read_line(buf, sizeof buf);
    if (s)
        snprintf(sex, sizeof sex, "%s", !strcmp(s, "f") ? "female" : !strcmp(s, "m") ? "male" : s);
    gl_error err;
    gl_case *c = gl_case_new(kb, age, sex, &err);
    if (!c)
        fprintf(stderr, "gluteal: %s\n", err.msg);
    else
        gl_case_set_finding(c, "sx_pain_buttock", 1);
    return c;
}

static int save_case(const gl_case *c, const char *path)
{
    char *text = gl_case_json(c);
    FILE *f = text ? fopen(path, "w") : NULL;
    int rc = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF ? 0 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    free(text);
    if (rc)
        fprintf(stderr, "gluteal: could not save the case to %s\n", path);
    else
        fprintf(stderr, "case saved to %s\n", path);
    return rc;
}

static void finish(const gl_kb *kb, gl_interview *iv, bool jsonl)
{
    gl_result *r = gl_assess(kb, gl_interview_case(iv), NULL);
    char *out = !r ? NULL : jsonl ? gl_result_json(r, 0) : gl_result_text(r, cli_color(stdout) ? GL_RENDER_COLOR : 0);
    if (out)
        printf("%s%s", jsonl ? "" : "\n", out);
    if (jsonl)
        printf("\n");
    free(out);
    gl_result_free(&r);
}

static const char group_help[] =
    "numbers (or ids) present, -N absent, rest-no = the others absent; skip";

/* A question group's line in machine mode: its options with their labels. */
static json_t *group_json(gl_interview *iv, const char *q)
{
    const char *opt[64];
    int n = gl_interview_group_options(iv, q, opt, 64);
    json_t *o = json_pack("{s:s, s:s, s:[]}", "ask", q, "text", gl_interview_question(iv, q), "options");
    for (int i = 0; o && i < n && i < 64; i++)
        json_array_append_new(json_object_get(o, "options"),
                              json_pack("{s:s, s:s}", "id", opt[i], "text", gl_interview_option_text(iv, opt[i])));
    if (o)
        json_object_set_new(o, "answer", json_string("a list: ids or option numbers present, -id absent, rest-no, "
                                                     "or unknown"));
    return o;
}

/* An option's label without the interviewer's notes the descriptions end
 * with ("(ask)", "(pain map)"): on a checklist they are noise. */
static const char *label(const char *text, char *buf, size_t n)
{
    snprintf(buf, n, "%s", text ? text : "");
    char *open = strrchr(buf, '(');
    size_t len = strlen(buf);
    if (open && open > buf && len && buf[len - 1] == ')' && (!strncmp(open, "(ask", 4) || !strncmp(open, "(pain map", 9)))
        *open = '\0';
    len = strlen(buf);
    while (len && buf[len - 1] == ' ')
        buf[--len] = '\0';
    return buf;
}

static void print_group(gl_interview *iv, const char *q)
{
    const char *opt[64];
    char buf[512];
    int n = gl_interview_group_options(iv, q, opt, 64);
    printf("\nQ%d. %s  (%s)\n", gl_interview_asked(iv) + 1, gl_interview_question(iv, q), q);
    for (int i = 0; i < n && i < 64; i++)
        printf("   %2d  %s\n", i + 1, label(gl_interview_option_text(iv, opt[i]), buf, sizeof buf));
    printf("   %s, or: back, why, stop > ", group_help);
}

/* The answer to a question group; returns -1 when the interactive user should
 * be asked again, -2 when a program's answer is refused. */
static int answer_group(gl_interview *iv, const char *q, const char *s, bool jsonl)
{
    gl_error err;
    if (gl_interview_answer_group(iv, q, s, &err) == 0)
        return 0;
    if (jsonl) {
        fprintf(stderr, "gluteal: %s\n", err.msg);
        return -2;
    }
    printf("   %s\n", err.msg);
    return -1;
}

static int interview_loop(const gl_kb *kb, gl_interview *iv, bool jsonl)
{
    char buf[1024];
    const char *q;
    while ((q = gl_interview_next(iv))) {
        bool duration = !strcmp(q, GL_ASK_DURATION), group = gl_interview_group_options(iv, q, NULL, 0) >= 0;
        if (jsonl) {
            json_t *o = group ? group_json(iv, q) : json_pack("{s:s, s:s}", "ask", q, "text", gl_interview_question(iv, q));
            if (duration) /* the one question answered with a number */
                json_object_set_new(o, "answer", json_string("weeks (a number) or unknown"));
            char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
            printf("%s\n", line ? line : "{}");
            free(line);
            json_decref(o);
        } else if (group)
            print_group(iv, q);
        else
            printf("\nQ%d. %s  (%s)\n   %s, or: back, why, stop > ", gl_interview_asked(iv) + 1,
                   gl_interview_question(iv, q), q, duration ? "weeks / skip" : "yes / no / skip");
        fflush(stdout);
        char *s = read_line(buf, sizeof buf);
        if (!s || !strcmp(s, "stop") || !strcmp(s, "q"))
            break;
        if (!strcmp(s, "back") || !strcmp(s, "b")) {
            if (gl_interview_back(iv) < 0)
                printf("   nothing to go back to\n");
            continue;
        }
        if (!strcmp(s, "why") || !strcmp(s, "w")) {
            char *why = gl_interview_why(iv, q);
            printf("   %s\n", why ? why : "");
            free(why);
            continue;
        }
        if (group) {
            int rc = answer_group(iv, q, s, jsonl);
            if (rc == -2)
                return 2;
            if (rc == 0 && !jsonl)
                print_top(kb, gl_interview_case(iv), stdout);
            continue;
        }
        if (duration) {
            if (answer_duration(iv, s, jsonl) < 0)
                continue;
            if (!jsonl)
                print_top(kb, gl_interview_case(iv), stdout);
            continue;
        }
        int v = parse_answer(s);
        if (v == 9) {
            if (jsonl) {
                fprintf(stderr, "gluteal: answer must be yes, no or unknown, not \"%s\"\n", s);
                return 2;
            }
            printf("   please answer yes, no or skip (or back, why, stop)\n");
            continue;
        }
        gl_interview_answer(iv, q, v);
        if (!jsonl)
            print_top(kb, gl_interview_case(iv), stdout);
    }
    if (!jsonl)
        printf("\nInterview finished after %d questions.\n", gl_interview_asked(iv));
    finish(kb, iv, jsonl);
    return 0;
}

int cli_simulate(const gl_kb *kb, const char *dir, double min_top3, double max_median, bool one_by_one);

int cli_interview(cli_args *a)
{
    bool jsonl = false, groups = false, one_by_one = false;
    const char *path = NULL, *save = NULL, *sim = NULL;
    double min3 = 0, maxmed = 1e9;
    for (int i = 0; i < a->argc; i++) {
        const char *o = a->argv[i];
        if (!strcmp(o, "--jsonl"))
            jsonl = true;
        else if (!strcmp(o, "--groups"))
            groups = true;
        else if (!strcmp(o, "--one-by-one"))
            one_by_one = true;
        else if ((!strcmp(o, "--save") || !strcmp(o, "--simulate") || !strcmp(o, "--min-top3") ||
                  !strcmp(o, "--max-median")) && i + 1 < a->argc) {
            const char *v = a->argv[++i];
            if (!strcmp(o, "--save"))
                save = v;
            else if (!strcmp(o, "--simulate"))
                sim = v;
            else if (!strcmp(o, "--min-top3"))
                min3 = strtod(v, NULL);
            else
                maxmed = strtod(v, NULL);
        } else if (o[0] == '-' && o[1])
            return cli_usage_error("interview: unknown or incomplete option \"%s\"", o);
        else
            path = o;
    }
    gl_kb *kb = cli_load_kb(a->kb_dir);
    if (!kb)
        return 2;
    if (sim) {
        int rc = cli_simulate(kb, sim, min3, maxmed, one_by_one);
        gl_kb_free(&kb);
        return rc;
    }
    gl_error err;
    gl_case *start = path ? gl_case_read_file(kb, path, &err) : (jsonl ? NULL : ask_patient(kb));
    if (!start && path)
        fprintf(stderr, "gluteal: %s\n", err.msg);
    if (!start && jsonl && !path)
        fprintf(stderr, "gluteal: interview --jsonl needs a starting case file\n");
    gl_interview *iv = start ? gl_interview_new(kb, start, &err) : NULL;
    /* machine mode keeps the contract of one finding per question unless the
     * program says it can answer the pain map and checklists (--groups) */
    if (iv && (one_by_one || (jsonl && !groups)))
        gl_interview_one_by_one(iv);
    int rc = iv ? interview_loop(kb, iv, jsonl) : 2;
    if (iv && save && save_case(gl_interview_case(iv), save) < 0)
        rc = 2;
    gl_interview_free(&iv);
    gl_case_free(&start);
    gl_kb_free(&kb);
    return rc;
}
