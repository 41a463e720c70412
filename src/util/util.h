/* util.h - small shared helpers: error filling, bounded string buffers, an arena,
 * a tab-separated-line splitter and edit distance. No clinical logic here. */
#ifndef GL_UTIL_H
#define GL_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "gluteal.h"

#if defined(__GNUC__)
#define GL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define GL_PRINTF(a, b)
#endif

/* Fill *err (if not NULL). file/field may be NULL; line 0 = unknown. Returns code. */
gl_code err_set(gl_error *err, gl_code code, const char *file, int line,
                const char *field, const char *fmt, ...) GL_PRINTF(6, 7);

/* True when *err holds an error (table readers signal "stop" with false and
 * tell end-of-table from failure by this). */
static inline bool err_pending(const gl_error *err) { return err && err->code != GL_OK; }

/* Growable string with a ceiling fixed at creation (curl's dynbuf idea): an
 * append that would pass `max` or fails to allocate sets `failed` and the
 * buffer stops growing, so callers check once at the end. */
typedef struct sbuf {
    char *p;
    size_t len, cap, max;
    bool failed;
} sbuf;
void sb_init(sbuf *b, size_t max);
void sb_puts(sbuf *b, const char *s);
void sb_putn(sbuf *b, const char *s, size_t n);
void sb_printf(sbuf *b, const char *fmt, ...) GL_PRINTF(2, 3);
void sb_repeat(sbuf *b, const char *s, int n);
char *sb_take(sbuf *b); /* returns the string (caller frees) or NULL if failed */
void sb_free(sbuf *b);

/* Arena: many small allocations, one free. Used for the knowledge base. */
typedef struct arena arena;
arena *arena_new(void);
void *arena_alloc(arena *a, size_t n); /* zeroed; NULL on failure */
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
void arena_free(arena *a);

/* Split one line (no newline) in place at tabs. Returns field count (max
 * `maxf`; extra fields are counted but not stored). */
int tsv_split(char *line, char **fields, int maxf);

/* Levenshtein distance, capped at `cap` (returns cap when larger). */
int edit_distance(const char *a, const char *b, int cap);

/* Parse a whole decimal number; false if text is not entirely a finite number. */
bool parse_double(const char *s, double *out);

#endif
