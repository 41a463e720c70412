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
double gl_case_duration(const gl_case *c);          /* weeks since onset; -1 when not given */
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

/* --- cases built or changed in a consultation --- */
gl_case *gl_case_new(const gl_kb *kb, double age, const char *sex, gl_error *err); /* free with gl_case_free */
gl_case *gl_case_clone(const gl_case *c);                        /* free with gl_case_free */
/* value: 1 present, -1 absent, 0 unknown. Returns 0, or -1 for an unknown ID. */
int gl_case_set_finding(gl_case *c, const char *finding_id, int value);
int gl_case_finding(const gl_case *c, const char *finding_id);  /* 1, -1, 0 (or 0 if unknown ID) */
/* What the record implies for a finding it does not list: a generic finding
 * ("leg pain, site not recorded") is present when one of its specific forms is,
 * absent when all are; a specific form is absent when its generic is. Else as
 * gl_case_finding. The simulated patient answers this way. */
int gl_case_implied(const gl_case *c, const char *finding_id);
char *gl_case_json(const gl_case *c);                            /* gluteal-case/1 text; free() */
const char *gl_kb_finding_question(const gl_kb *kb, const char *finding_id);

/* --- next best question --- */
typedef struct gl_next gl_next;
gl_next *gl_next_questions(const gl_kb *kb, const gl_case *c, gl_error *err); /* free with gl_next_free */
void gl_next_free(gl_next **n);
int gl_next_count(const gl_next *n);
const char *gl_next_finding(const gl_next *n, int i);  /* red-flag questions first, then by information */
char *gl_next_json(const gl_next *n, int max, int flags); /* free() */
char *gl_next_text(const gl_next *n, int max, int flags); /* free() */

/* --- guided interview: asks, takes answers, can go back --- */
typedef struct gl_interview gl_interview;
gl_interview *gl_interview_new(const gl_kb *kb, const gl_case *start, gl_error *err); /* copies start */
void gl_interview_free(gl_interview **iv);
/* The first question is GL_ASK_DURATION ("how long?") when the starting case has
 * no duration: answer it with gl_interview_answer_duration (weeks; < 0 = not
 * known); gl_interview_answer on it with any yes/no/skip records "not known". */
#define GL_ASK_DURATION "duration_weeks"
const char *gl_interview_next(gl_interview *iv);       /* finding to ask now; NULL when done */
const char *gl_interview_question(const gl_interview *iv, const char *id); /* question text */
int gl_interview_answer(gl_interview *iv, const char *finding_id, int value); /* 1, -1, 0 = skip */
int gl_interview_answer_duration(gl_interview *iv, double weeks);
int gl_interview_back(gl_interview *iv);               /* undo the last answer; -1 if none */
int gl_interview_asked(const gl_interview *iv);        /* questions asked so far */
char *gl_interview_why(gl_interview *iv, const char *finding_id); /* what it separates; free() */
const gl_case *gl_interview_case(const gl_interview *iv);
/* Grouped questions (kb/groups.tsv): right after "how long?", gl_interview_next
 * returns a group id ("pain_sites": the pain map, then what makes it worse and
 * what eases it), one question for several findings. Its options are the
 * member findings not yet known (fills out[0..max), returns their count; -1
 * when id is not a group). The answer is a list of option numbers (1-based) or
 * finding ids, separated by spaces or commas: present as given, absent with a
 * leading "-", "rest-no" = every option not listed is absent. Options not
 * listed stay unknown and are not asked again, unless nothing was listed
 * ("unknown", "skip", ""): then each is asked on its own later. A bad item
 * refuses the whole answer (-1, err says which). It counts as one question;
 * gl_interview_answer(iv, group, 0) skips it. */
int gl_interview_group_options(const gl_interview *iv, const char *id, const char **out, int max);
const char *gl_interview_option_text(const gl_interview *iv, const char *finding_id); /* short label */
int gl_interview_answer_group(gl_interview *iv, const char *id, const char *answer, gl_error *err);
/* Ask every finding as its own yes/no question, no groups (the --jsonl
 * contract: "ask" is always a finding id or GL_ASK_DURATION). Call before the
 * first gl_interview_next. */
void gl_interview_one_by_one(gl_interview *iv);

/* --- neurological localisation: root L2-S4, plexus or peripheral nerve (kb/anatomy/) ---
 * Ranks lesion sites by how well they explain the case's motor, sensory, reflex and
 * EMG/NCS findings, present and documented normal. Shares are relative fit among the
 * sites, not probabilities of disease; the differential's posteriors are not changed. */
typedef struct gl_localization gl_localization;
gl_localization *gl_localize(const gl_kb *kb, const gl_case *c, gl_error *err); /* free with gl_localization_free */
void gl_localization_free(gl_localization **l);
int gl_localization_site_count(const gl_localization *l);
int gl_localization_findings_present(const gl_localization *l); /* localising findings present */
const char *gl_localization_site(const gl_localization *l, int rank);     /* 1-based; NULL out of range */
double gl_localization_share(const gl_localization *l, int rank);
const char *gl_localization_supports(const gl_localization *l, int rank); /* condition ID or NULL */
char *gl_localization_text(const gl_localization *l, int flags); /* GL_RENDER_COLOR; free() */
char *gl_localization_json(const gl_localization *l, int flags); /* GL_RENDER_PRETTY; free() */

/* --- work-up and treatment plan, patient handout (kb/plan/) --- */
typedef struct gl_plan gl_plan;
/* Work-up (must-not-miss first), scores and treatment ladders for the leading
 * conditions of r. Keeps a pointer to r: free the plan first. Free with gl_plan_free. */
gl_plan *gl_plan_make(const gl_result *r, gl_error *err);
void gl_plan_free(gl_plan **p);
char *gl_plan_text(const gl_plan *p, int flags); /* clinician plan; free() */
char *gl_plan_json(const gl_plan *p, int flags); /* gluteal-plan/1 (GL_RENDER_PRETTY); free() */
/* Printable patient handout (self-contained HTML, A4 and Letter) for condition
 * index `condition`, or -1 for the leading condition; free(). */
char *gl_handout_html(const gl_result *r, int condition, gl_error *err);

#ifdef __cplusplus
}
#endif
#endif
