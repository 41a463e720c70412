/* cli_plan.c - `gluteal plan [--json] [--pretty] CASE` and
 * `gluteal handout CASE -o FILE.html [--condition ID]`. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct session {
    gl_kb *kb;
    gl_case *c;
    gl_result *r;
} session;

static void session_end(session *s)
{
    gl_result_free(&s->r);
    gl_case_free(&s->c);
    gl_kb_free(&s->kb);
}

/* Load the knowledge base, read and assess `path`; false (message printed) on failure. */
static bool session_start(session *s, const char *kb_dir, const char *path)
{
    gl_error err;
    memset(s, 0, sizeof *s);
    if (!(s->kb = cli_load_kb(kb_dir)))
        return false;
    if (!(s->c = gl_case_read_file(s->kb, path, &err)) || !(s->r = gl_assess(s->kb, s->c, &err))) {
        fprintf(stderr, "gluteal: %s\n", err.msg);
        session_end(s);
        return false;
    }
    return true;
}

static int print_free(char *out, bool newline)
{
    if (!out) {
        fprintf(stderr, "gluteal: out of memory while rendering\n");
        return 2;
    }
    fputs(out, stdout);
    if (newline)
        fputc('\n', stdout);
    free(out);
    return fflush(stdout) ? 2 : 0;
}

int cli_plan(cli_args *a)
{
    bool json, pretty;
    const char *path;
    int usage = cli_case_args(a, "plan", &json, &pretty, &path);
    if (usage)
        return usage;
    session s;
    if (!session_start(&s, a->kb_dir, path))
        return 2;
    gl_error err;
    gl_plan *p = gl_plan_make(s.r, &err);
    int rc;
    if (!p) {
        fprintf(stderr, "gluteal: %s\n", err.msg);
        rc = 2;
    } else
        rc = print_free(json ? gl_plan_json(p, pretty ? GL_RENDER_PRETTY : 0) : gl_plan_text(p, 0), json);
    gl_plan_free(&p);
    session_end(&s);
    return rc;
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "gluteal: cannot write %s\n", path);
        return 2;
    }
    size_t n = strlen(text);
    bool ok = fwrite(text, 1, n, f) == n;
    ok = (fclose(f) == 0) && ok;
    if (!ok)
        fprintf(stderr, "gluteal: error writing %s\n", path);
    return ok ? 0 : 2;
}

typedef struct handout_args {
    const char *path, *out, *condition;
} handout_args;

static int parse_handout(cli_args *a, handout_args *h)
{
    memset(h, 0, sizeof *h);
    for (int i = 0; i < a->argc; i++) {
        const char *s = a->argv[i];
        if ((!strcmp(s, "-o") || !strcmp(s, "--condition")) && i + 1 >= a->argc)
            return cli_usage_error("handout: %s needs a value", s);
        if (!strcmp(s, "-o"))
            h->out = a->argv[++i];
        else if (!strcmp(s, "--condition"))
            h->condition = a->argv[++i];
        else if (s[0] == '-' && s[1])
            return cli_usage_error("handout: unknown option \"%s\"", s);
        else if (h->path)
            return cli_usage_error("handout: one case at a time (extra \"%s\")", s);
        else
            h->path = s;
    }
    if (!h->path || !h->out)
        return cli_usage_error("%s", "handout: usage: gluteal handout CASE -o FILE.html [--condition ID]");
    return 0;
}

int cli_handout(cli_args *a)
{
    handout_args h;
    int rc = parse_handout(a, &h);
    session s;
    if (rc || !session_start(&s, a->kb_dir, h.path))
        return rc ? rc : 2;
    int c = h.condition ? gl_kb_condition_index(s.kb, h.condition) : -1;
    gl_error err;
    char *html = NULL;
    if (h.condition && c < 0) {
        fprintf(stderr, "gluteal: handout: unknown condition \"%s\" (see gluteal kb)\n", h.condition);
        rc = 2;
    } else if (!(html = gl_handout_html(s.r, c, &err))) {
        fprintf(stderr, "gluteal: %s\n", err.msg);
        rc = 2;
    } else
        rc = write_file(h.out, html);
    free(html);
    session_end(&s);
    return rc;
}
