/* main.c - the `gluteal` command: argument handling and dispatch only; every
 * clinical decision lives in the library. Exit status: 0 success, 1 a check
 * failed (eval below a threshold, audit problems), 2 bad input or usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
    "usage: gluteal [--kb DIR] COMMAND [options]\n"
    "\n"
    "Decision support for buttock and posterior hip pain. For clinicians; not a diagnosis.\n"
    "\n"
    "commands:\n"
    "  assess [--json] [--pretty] CASE   ranked differential, red flags, evidence (CASE '-' = stdin)\n"
    "  assess --batch FILE.ndjson [-o OUT]  one case per line in, one result per line out;\n"
    "                                    bad lines reported with their number and skipped\n"
    "  eval [--min-top1 F] [--min-top3 F] [--min-red-flag-sensitivity F] DIR\n"
    "                                    accuracy over every case file with an \"expected\" block\n"
    "  kb [CONDITION|FINDING]            list the knowledge base, or one entry's evidence table\n"
    "  kb audit [--strict]               coverage and rule check (--strict: coverage gaps fail too)\n"
    "  localize [--json] [--pretty] CASE lesion site (root L2-S4, plexus, nerve) that best explains the\n"
    "                                    neurological findings, and the test that would separate the top two\n"
    "  next [--json] [--all] CASE        unknown findings ranked by how much their answer would change\n"
    "                                    the differential (red-flag questions never asked come first)\n"
    "  interview [CASE] [--save FILE]    guided consultation in the terminal: the pain map and two\n"
    "                                    checklists, then yes/no/skip questions (back, why, stop)\n"
    "  interview --jsonl [--groups] CASE machine mode: one JSON question per line, answers on stdin\n"
    "                                    (one finding per question; --groups: the lists too)\n"
    "  interview --simulate DIR [--one-by-one]  replay case files as simulated patients\n"
    "  serve [--port 8080] [--bind 127.0.0.1] [--db gluteal.db] [--threads N]\n"
    "        [--cds-public-key PEM] [--cds-issuer ISS] [--cds-secret-file FILE] [--public-url URL]\n"
    "                                    clinic service: JSON API, web page, encounters, CDS Hooks\n"
    "  serve --db FILE --create-token NAME  print a new API token (stored hashed)\n"
    "  serve --db FILE --revoke-token NAME | --list-tokens\n"
    "  plan [--json] [--pretty] CASE     work-up (must-not-miss first), scores, treatment ladder\n"
    "  handout CASE -o FILE.html [--condition ID]\n"
    "                                    printable patient handout for the leading condition\n"
    "  about                             intended use, inputs, method, sources, validation\n"
    "  version                           program and knowledge-base version\n"
    "\n"
    "options:\n"
    "  --kb DIR    load the knowledge base from DIR instead of the built-in copy\n";

int cli_usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "gluteal: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage);
    return 2;
}

int cli_case_args(const cli_args *a, const char *cmd, bool *json, bool *pretty, const char **path)
{
    char msg[96];
    *json = *pretty = false;
    *path = NULL;
    for (int i = 0; i < a->argc; i++) {
        if (!strcmp(a->argv[i], "--json"))
            *json = true;
        else if (!strcmp(a->argv[i], "--pretty"))
            *pretty = *json = true;
        else if ((a->argv[i][0] == '-' && a->argv[i][1]) || *path) {
            snprintf(msg, sizeof msg, "%s: %s \"%%s\"", cmd,
                     *path && a->argv[i][0] != '-' ? "one case at a time, extra" : "unknown option");
            return cli_usage_error(msg, a->argv[i]);
        } else
            *path = a->argv[i];
    }
    if (!*path) {
        snprintf(msg, sizeof msg, "%s: give a case file, or - for standard input%%s", cmd);
        return cli_usage_error(msg, "");
    }
    return 0;
}

gl_kb *cli_load_kb(const char *dir)
{
    gl_error err;
    gl_kb *kb = dir ? gl_kb_load_dir(dir, &err) : gl_kb_load_builtin(&err);
    if (!kb)
        fprintf(stderr, "gluteal: knowledge base: %s\n", err.msg);
    return kb;
}

static int cmd_version(cli_args *a)
{
    gl_kb *kb = cli_load_kb(a->kb_dir);
    if (!kb)
        return 2;
    printf("gluteal %s, knowledge base %s (%d conditions)\n", GLUTEAL_VERSION, gl_kb_version(kb),
           gl_kb_condition_count(kb));
    gl_kb_free(&kb);
    return 0;
}

static const struct {
    const char *name;
    int (*run)(cli_args *);
} commands[] = {
    {"assess", cli_assess},
    {"eval", cli_eval},
    {"kb", cli_kb},
    {"localize", cli_localize},
    {"next", cli_next},
    {"interview", cli_interview},
    {"serve", cli_serve},
    {"plan", cli_plan},
    {"handout", cli_handout},
    {"about", cli_about},
    {"version", cmd_version},
};

int main(int argc, char **argv)
{
    cli_args a = {0};
    a.argv = calloc((size_t)argc + 1, sizeof *a.argv);
    if (!a.argv)
        return 2;
    /* --kb DIR may stand anywhere; everything else is passed to the command */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--kb")) {
            if (i + 1 >= argc) {
                free(a.argv);
                return cli_usage_error("%s", "--kb needs a folder");
            }
            a.kb_dir = argv[++i];
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") || !strcmp(argv[i], "help")) {
            fputs(usage, stdout);
            free(a.argv);
            return 0;
        } else
            a.argv[a.argc++] = argv[i];
    }
    int rc;
    if (a.argc == 0)
        rc = cli_usage_error("%s", "no command given");
    else {
        rc = -1;
        for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
            if (!strcmp(a.argv[0], commands[i].name)) {
                a.argv++;
                a.argc--;
                rc = commands[i].run(&a);
                a.argv--;
                break;
            }
        if (rc == -1)
            rc = cli_usage_error("unknown command \"%s\"", a.argv[0]);
    }
    free(a.argv);
    return rc;
}

bool cli_color(FILE *f) { return isatty(fileno(f)) && !getenv("NO_COLOR"); }
