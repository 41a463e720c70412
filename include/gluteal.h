/* gluteal.h - public API of libgluteal, clinical decision support for buttock and
 * posterior hip pain.
 *
 * Decision support for clinicians, not a diagnosis for patients.
 *
 * Ownership: every gl_*_load / gl_*_parse / gl_assess call returns an object the
 * caller owns and frees with the matching gl_*_free(&p), which also sets the
 * caller's pointer to NULL. Strings returned as `char *` are malloc'd: free()
 * them. Strings returned as `const char *` belong to the object they came from.
 * A gl_case and a gl_result keep a pointer to the gl_kb they were made with: free
 * the knowledge base last.
 *
 * Errors: functions that can fail take a gl_error *err (may be NULL) and return
 * NULL (or a negative number). err->code says what went wrong; err->msg is a
 * complete sentence naming the field and, for files, the line. */
#ifndef GLUTEAL_H
#define GLUTEAL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GL_CASE_FORMAT "gluteal-case/1"
#define GL_RESULT_FORMAT "gluteal-result/1"
#define GL_MAX_CASE_BYTES (1024 * 1024) /* documented input limit: 1 MiB */
#define GL_MAX_FINDINGS 10000           /* documented input limit */

/* Error codes are append-only: a retired code keeps its number. */
typedef enum gl_code {
    GL_OK = 0,
    GL_ERR_NOMEM = 1,    /* out of memory */
    GL_ERR_IO = 2,       /* cannot read or write a file */
    GL_ERR_SYNTAX = 3,   /* JSON or TSV syntax error */
    GL_ERR_INVALID = 4,  /* missing field, wrong type, out of range, unknown ID */
    GL_ERR_TOO_LARGE = 5,/* input over a documented limit */
    GL_ERR_KB = 6,       /* knowledge base breaks a rule */
    GL_ERR_USAGE = 7     /* bad call (NULL argument, unknown option) */
} gl_code;

typedef struct gl_error {
    gl_code code;
    int line;         /* 1-based line in the input; 0 when not known */
    int column;       /* 1-based column; 0 when not known */
    char file[256];   /* input or knowledge-base file, when there is one */
    char field[160];  /* field path, e.g. "patient.age" or "findings.sx_pain_buttock" */
    char msg[768];    /* complete message, ready to print */
} gl_error;

typedef struct gl_kb gl_kb;
typedef struct gl_case gl_case;
typedef struct gl_result gl_result;

/* --- knowledge base --- */
gl_kb *gl_kb_load_builtin(gl_error *err);            /* free with gl_kb_free */
gl_kb *gl_kb_load_dir(const char *dir, gl_error *err);/* free with gl_kb_free */
void gl_kb_free(gl_kb **kb);
const char *gl_kb_version(const gl_kb *kb);           /* content hash, e.g. "kb-1a2b3c4d" */
int gl_kb_condition_count(const gl_kb *kb);
const char *gl_kb_condition_id(const gl_kb *kb, int i);
int gl_kb_condition_index(const gl_kb *kb, const char *id); /* -1 when unknown */
/* Same family: equal, or one is the umbrella (parent) of the other. */
int gl_kb_same_family(const gl_kb *kb, int a, int b);
/* Human-readable listing (id NULL) or one condition's evidence table; free(). */
char *gl_kb_describe(const gl_kb *kb, const char *condition_id, gl_error *err);
/* Coverage and rule report; *problems receives the count of rule breaks. free(). */
char *gl_kb_audit(const gl_kb *kb, int *problems);

/* --- cases (shared/spec/case-format.md) --- */
gl_case *gl_case_parse(const gl_kb *kb, const char *text, size_t len,
                       const char *filename, gl_error *err); /* free with gl_case_free */
gl_case *gl_case_read_file(const gl_kb *kb, const char *path, gl_error *err); /* "-" = stdin */
void gl_case_free(gl_case **c);
const char *gl_case_id(const gl_case *c);
/* Validation-set fields; count is 0 when the case has no "expected" block. */
int gl_case_expected_count(const gl_case *c);
int gl_case_expected(const gl_case *c, int i);       /* condition index, primary first */
int gl_case_acceptable_count(const gl_case *c);
int gl_case_acceptable(const gl_case *c, int i);
int gl_case_expected_red_flag(const gl_case *c);     /* 1, 0, or -1 when not given */

/* --- assessment --- */
gl_result *gl_assess(const gl_kb *kb, const gl_case *c, gl_error *err); /* free with gl_result_free */
void gl_result_free(gl_result **r);
int gl_result_rank(const gl_result *r, int condition); /* 1-based rank in the differential */
int gl_result_ranked(const gl_result *r, int rank);    /* condition index at 1-based rank */
double gl_result_probability(const gl_result *r, int condition);
const char *gl_result_urgency(const gl_result *r);     /* emergency|urgent|soon|routine */
int gl_result_red_flag_count(const gl_result *r);
int gl_result_outside_scope(const gl_result *r);

enum { GL_RENDER_COLOR = 1, GL_RENDER_PRETTY = 2 };
char *gl_result_json(const gl_result *r, int flags); /* gluteal-result/1; free() */
char *gl_result_text(const gl_result *r, int flags); /* clinician report; free() */

#ifdef __cplusplus
}
#endif
#endif
