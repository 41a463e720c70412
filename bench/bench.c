/* bench.c - `make bench`: latency and throughput figures (method in
 * bench/README.md). Prints numbers; never fails on a threshold (performance
 * goals live here, not in timed unit tests).
 *
 * usage: bench [--kb DIR] [--quick] CASE_DIR */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "gluteal.h"

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct text {
    char *s;
    size_t n;
} text;

static int load_cases(const char *dir, text *out, int max)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".json"))
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        char *buf = malloc(1 << 20);
        size_t r = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
        fclose(f);
        if (!buf)
            continue;
        buf[r] = '\0';
        out[n].s = buf;
        out[n++].n = r;
    }
    closedir(d);
    return n;
}

static void report(const char *what, double *v, int n, const char *unit, double scale)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += v[i];
    printf("%-44s median %9.1f %s   p99 %9.1f %s   mean %9.1f %s   (n=%d)\n", what, v[n / 2] / scale, unit,
           v[(int)(n * 0.99)] / scale, unit, sum / n / scale, unit, n);
}

/* assess latency per case, parsing included; optionally the JSON too */
static void bench_assess(const gl_kb *kb, text *cases, int nc, int reps, int render, const char *label)
{
    int n = nc * reps;
    double *t = malloc((size_t)n * sizeof *t);
    int k = 0;
    for (int r = 0; r < reps; r++)
        for (int i = 0; i < nc; i++) {
            double t0 = now_us();
            gl_case *c = gl_case_parse(kb, cases[i].s, cases[i].n, "bench", NULL);
            gl_result *res = c ? gl_assess(kb, c, NULL) : NULL;
            if (render && res)
                free(gl_result_json(res, 0));
            gl_result_free(&res);
            gl_case_free(&c);
            t[k++] = now_us() - t0;
        }
    report(label, t, k, "us", 1);
    free(t);
}

static void bench_batch(const gl_kb *kb, text *cases, int nc, double seconds)
{
    double t0 = now_us(), t1;
    long done = 0;
    do {
        for (int i = 0; i < nc; i++) {
            gl_case *c = gl_case_parse(kb, cases[i].s, cases[i].n, "bench", NULL);
            gl_result *res = c ? gl_assess(kb, c, NULL) : NULL;
            free(res ? gl_result_json(res, 0) : NULL);
            gl_result_free(&res);
            gl_case_free(&c);
            done++;
        }
        t1 = now_us();
    } while (t1 - t0 < seconds * 1e6);
    printf("%-44s %9.0f cases/s on one core (%ld cases, JSON rendered)\n", "batch throughput", done / ((t1 - t0) / 1e6),
           done);
}

static void bench_next(const gl_kb *kb, text *cases, int nc, int reps)
{
    int n = nc * reps, k = 0;
    double *t = malloc((size_t)n * sizeof *t);
    for (int r = 0; r < reps; r++)
        for (int i = 0; i < nc; i++) {
            gl_case *c = gl_case_parse(kb, cases[i].s, cases[i].n, "bench", NULL);
            if (!c)
                continue;
            double t0 = now_us();
            gl_next *q = gl_next_questions(kb, c, NULL);
            t[k++] = now_us() - t0;
            gl_next_free(&q);
            gl_case_free(&c);
        }
    report("next-question ranking (all unknown findings)", t, k, "ms", 1000);
    free(t);
}

int main(int argc, char **argv)
{
    const char *kbdir = NULL, *dir = NULL;
    int quick = 0;
    const char *only = "";
    int limit = 4096;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--kb") && i + 1 < argc)
            kbdir = argv[++i];
        else if (!strcmp(argv[i], "--quick"))
            quick = 1;
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            only = argv[++i];
        else if (!strcmp(argv[i], "--limit") && i + 1 < argc)
            limit = atoi(argv[++i]);
        else
            dir = argv[i];
    }
    if (!dir) {
        fprintf(stderr, "usage: bench [--kb DIR] [--quick] CASE_DIR\n");
        return 2;
    }
    gl_error err;
    double t0 = now_us();
    gl_kb *kb = kbdir ? gl_kb_load_dir(kbdir, &err) : gl_kb_load_builtin(&err);
    if (!kb) {
        fprintf(stderr, "bench: %s\n", err.msg);
        return 2;
    }
    double load_ms = (now_us() - t0) / 1000;
    static text cases[4096];
    int nc = load_cases(dir, cases, limit > 0 && limit < 4096 ? limit : 4096);
    printf("knowledge base %s (%s): %d conditions, loaded in %.1f ms; %d cases from %s\n", gl_kb_version(kb),
           kbdir ? kbdir : "built in", gl_kb_condition_count(kb), load_ms, nc, dir);
    if (!nc)
        return 2;
    int reps = quick ? 2 : 40;
    if (!*only || !strcmp(only, "assess"))
        bench_assess(kb, cases, nc, reps, 0, "assess latency (parse + infer + red flags)");
    if (!*only || !strcmp(only, "json"))
        bench_assess(kb, cases, nc, quick ? 1 : 10, 1, "assess latency incl. JSON with evidence");
    if (!*only)
        bench_batch(kb, cases, nc, quick ? 0.5 : 3.0);
    if (!*only || !strcmp(only, "next"))
        bench_next(kb, cases, nc, quick ? 1 : 5);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%-44s %9.1f MiB\n", "peak resident memory", ru.ru_maxrss / 1024.0);
    for (int i = 0; i < nc; i++)
        free(cases[i].s);
    gl_kb_free(&kb);
    return 0;
}
