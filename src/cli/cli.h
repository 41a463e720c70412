/* cli.h - the command-line front end's shared declarations. */
#ifndef GL_CLI_H
#define GL_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "gluteal.h"

#ifndef GLUTEAL_VERSION
#define GLUTEAL_VERSION "0.1.0"
#endif

typedef struct cli_args {
    const char *kb_dir; /* --kb, or NULL for the built-in copy */
    char **argv;        /* the command's own arguments */
    int argc;
} cli_args;

int cli_usage_error(const char *fmt, const char *arg);
/* The common "[--json] [--pretty] CASE" arguments of `cmd`; returns 0, or the
 * exit status of the usage error it printed. */
int cli_case_args(const cli_args *a, const char *cmd, bool *json, bool *pretty, const char **path);
gl_kb *cli_load_kb(const char *dir);
bool cli_color(FILE *f);

int cli_assess(cli_args *a);
int cli_batch(const gl_kb *kb, const char *in_path, const char *out_path);
int cli_eval(cli_args *a);
int cli_kb(cli_args *a);
int cli_localize(cli_args *a); /* cli_localize.c */
int cli_serve(cli_args *a); /* cli_serve.c */
int cli_about(cli_args *a);
int cli_next(cli_args *a);
int cli_interview(cli_args *a);
int cli_plan(cli_args *a);    /* cli_plan.c */
int cli_handout(cli_args *a); /* cli_plan.c */

#endif
