/* cli_localize.c - `gluteal localize [--json] [--pretty] CASE`: which root,
 * plexus or peripheral nerve lesion best explains the neurological findings. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int print_localization(const gl_localization *l, bool json, bool pretty)
{
    char *out = json ? gl_localization_json(l, pretty ? GL_RENDER_PRETTY : 0)
                     : gl_localization_text(l, cli_color(stdout) ? GL_RENDER_COLOR : 0);
    if (!out) {
        fprintf(stderr, "gluteal: out of memory while rendering\n");
        return 2;
    }
    fputs(out, stdout);
    if (json)
        fputc('\n', stdout);
    free(out);
    return 0;
}

int cli_localize(cli_args *a)
{
    bool json, pretty;
    const char *path;
    int usage = cli_case_args(a, "localize", &json, &pretty, &path);
    if (usage)
        return usage;
    gl_kb *kb = cli_load_kb(a->kb_dir);
    if (!kb)
        return 2;
    gl_error err;
    int rc = 2;
    gl_case *c = gl_case_read_file(kb, path, &err);
    gl_localization *l = c ? gl_localize(kb, c, &err) : NULL;
    if (!l)
        fprintf(stderr, "gluteal: %s\n", err.msg);
    else
        rc = print_localization(l, json, pretty);
    gl_localization_free(&l);
    gl_case_free(&c);
    gl_kb_free(&kb);
    if (fflush(stdout) != 0)
        rc = 2;
    return rc;
}
