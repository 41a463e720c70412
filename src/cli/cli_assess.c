/* cli_assess.c - `gluteal assess [--json] [--pretty] CASE` and `gluteal kb`. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_assess(cli_args *a)
{
    bool json = false, pretty = false;
    const char *path = NULL, *batch = NULL, *out = NULL;
    for (int i = 0; i < a->argc; i++) {
        if (!strcmp(a->argv[i], "--batch") && i + 1 < a->argc)
            batch = a->argv[++i];
        else if (!strcmp(a->argv[i], "-o") && i + 1 < a->argc)
            out = a->argv[++i];
        else if (!strcmp(a->argv[i], "--json"))
            json = true;
        else if (!strcmp(a->argv[i], "--pretty"))
            pretty = json = true;
        else if (a->argv[i][0] == '-' && a->argv[i][1])
            return cli_usage_error("assess: unknown option \"%s\"", a->argv[i]);
        else if (path)
            return cli_usage_error("assess: one case at a time (extra \"%s\")", a->argv[i]);
        else
            path = a->argv[i];
    }
    if (batch) {
        if (path)
            return cli_usage_error("assess: --batch takes the input itself (extra \"%s\")", path);
        gl_kb *kb = cli_load_kb(a->kb_dir);
        int rc = kb ? cli_batch(kb, batch, out) : 2;
        gl_kb_free(&kb);
        return rc;
    }
    if (!path)
        return cli_usage_error("%s", "assess: give a case file, or - for standard input");
    gl_kb *kb = cli_load_kb(a->kb_dir);
    if (!kb)
        return 2;
    gl_error err;
    gl_case *c = gl_case_read_file(kb, path, &err);
    if (!c) {
        fprintf(stderr, "gluteal: %s\n", err.msg);
        gl_kb_free(&kb);
        return 2;
    }
    gl_result *r = gl_assess(kb, c, &err);
    int rc = 0;
    if (!r) {
        fprintf(stderr, "gluteal: %s\n", err.msg);
        rc = 2;
    } else {
        char *text = json ? gl_result_json(r, pretty ? GL_RENDER_PRETTY : 0)
                          : gl_result_text(r, cli_color(stdout) ? GL_RENDER_COLOR : 0);
        if (!text) {
            fprintf(stderr, "gluteal: out of memory while rendering\n");
            rc = 2;
        } else {
            fputs(text, stdout);
            if (json)
                fputc('\n', stdout);
            free(text);
        }
    }
    gl_result_free(&r);
    gl_case_free(&c);
    gl_kb_free(&kb);
    if (fflush(stdout) != 0)
        rc = 2;
    return rc;
}

int cli_kb(cli_args *a)
{
    bool audit = a->argc >= 1 && !strcmp(a->argv[0], "audit");
    bool strict = audit && a->argc >= 2 && !strcmp(a->argv[1], "--strict");
    if (a->argc > (audit ? 1 + strict : 1))
        return cli_usage_error("kb: unexpected argument \"%s\"", a->argv[a->argc - 1]);
    gl_kb *kb = cli_load_kb(a->kb_dir);
    if (!kb)
        return audit ? 1 : 2; /* a knowledge base that breaks a rule fails the audit */
    int rc = 0;
    char *out;
    gl_error err;
    if (audit) {
        int problems = 0;
        out = gl_kb_audit(kb, &problems);
        if (strict && problems)
            rc = 1;
    } else
        out = gl_kb_describe(kb, a->argc ? a->argv[0] : NULL, &err);
    if (!out) {
        fprintf(stderr, "gluteal: %s\n", audit ? "out of memory" : err.msg);
        rc = 2;
    } else {
        fputs(out, stdout);
        free(out);
    }
    gl_kb_free(&kb);
    return rc;
}
