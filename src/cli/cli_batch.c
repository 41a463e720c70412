/* cli_batch.c - `gluteal assess --batch FILE.ndjson [-o OUT]`: one case per
 * line in, one gluteal-result/1 object per line out (with "batch_line" so
 * results join back to their input). A bad line is reported on stderr with its
 * line number and skipped; the batch goes on. A progress bar is drawn on
 * stderr when it is a terminal. Exit 0 when every line was assessed, 1 when
 * some were refused, 2 when the batch could not run. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "render/render.h"

typedef struct progress {
    bool on;
    long total;     /* input bytes, 0 when unknown (a pipe) */
    double last;
} progress;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void draw(progress *p, long done_bytes, long lines, bool final)
{
    double t = now_s();
    if (!p->on || (!final && t - p->last < 0.2))
        return;
    p->last = t;
    if (p->total > 0) {
        int pct = (int)(100.0 * done_bytes / p->total), w = pct / 4;
        fprintf(stderr, "\r[%.*s%*s] %3d%%  %ld cases", w, "##########################", 25 - w, "", pct, lines);
    } else
        fprintf(stderr, "\r%ld cases", lines);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}

static bool assess_line(const gl_kb *kb, const char *line, size_t len, long no, FILE *out)
{
    char name[64];
    snprintf(name, sizeof name, "line %ld", no);
    gl_error err;
    gl_case *c = gl_case_parse(kb, line, len, name, &err);
    gl_result *r = c ? gl_assess(kb, c, &err) : NULL;
    bool ok = r != NULL;
    if (!ok)
        fprintf(stderr, "gluteal: batch %s\n", err.msg);
    else {
        json_t *o = render_result_object(r);
        json_object_set_new(o, "batch_line", json_integer(no));
        char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) : NULL;
        json_decref(o);
        if (!s || fputs(s, out) < 0 || fputc('\n', out) == EOF) {
            fprintf(stderr, "gluteal: batch line %ld: could not write the result\n", no);
            ok = false;
        }
        free(s);
    }
    gl_result_free(&r);
    gl_case_free(&c);
    return ok;
}

int cli_batch(const gl_kb *kb, const char *in_path, const char *out_path)
{
    FILE *in = strcmp(in_path, "-") ? fopen(in_path, "rb") : stdin;
    if (!in) {
        fprintf(stderr, "gluteal: cannot open %s\n", in_path);
        return 2;
    }
    FILE *out = out_path ? fopen(out_path, "w") : stdout;
    if (!out) {
        fprintf(stderr, "gluteal: cannot write %s\n", out_path);
        if (in != stdin)
            fclose(in);
        return 2;
    }
    struct stat st;
    progress p = {isatty(fileno(stderr)) != 0, fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode) ? (long)st.st_size : 0,
                  0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long no = 0, good = 0, bad = 0, bytes = 0;
    while ((n = getline(&line, &cap, in)) != -1) {
        no++;
        bytes += n;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0)
            continue; /* blank lines are allowed between cases */
        if (n > GL_MAX_CASE_BYTES) {
            fprintf(stderr, "gluteal: batch line %ld: larger than the 1 MiB limit; skipped\n", no);
            bad++;
        } else if (assess_line(kb, line, (size_t)n, no, out))
            good++;
        else
            bad++;
        draw(&p, bytes, good + bad, false);
    }
    draw(&p, bytes, good + bad, true);
    bool read_error = ferror(in);
    free(line);
    if (in != stdin)
        fclose(in);
    int wrote = fflush(out);
    if (out != stdout)
        wrote |= fclose(out);
    fprintf(stderr, "batch: %ld assessed, %ld refused%s\n", good, bad, read_error ? ", READ ERROR" : "");
    if (read_error || wrote)
        return 2;
    return bad ? 1 : 0;
}
