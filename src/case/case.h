/* case.h - a parsed, validated case (library-internal view of gl_case). */
#ifndef GL_CASE_H
#define GL_CASE_H

#include "kb/kb.h"

typedef struct case_measure {
    int meas;        /* index in kb->meas */
    double value;
    int effect;      /* 1 set present, -1 set absent, 0 no effect */
} case_measure;

struct gl_case {
    const gl_kb *kb;
    char *id, *note, *file;
    int setting;
    double age;
    int sex;         /* 0 female, 1 male */
    int side;        /* -1 not given, 0 left, 1 right, 2 bilateral */
    double duration; /* weeks; -1 when not given */
    signed char *given; /* per finding as entered: 1 present, -1 absent, 0 not listed */
    signed char *state; /* given + measurements + findings derived from age */
    case_measure *meas;
    int nmeas;
    char **contra;   /* contradiction messages */
    int ncontra;
    char **warn;     /* accepted but noteworthy: unknown optional fields */
    int nwarn;
    struct case_mined {
        int finding, value, phrase;
        char text[48]; /* the words read, for a laboratory value ("crp 16.5 mg/dl"); else empty */
    } *mined; /* from the note */
    int nmined;
    int *expected, nexpected, *acceptable, nacceptable, expected_rf;
};

/* Set findings the note states and the case does not (note.c); returns the
 * count, or -1 when out of memory. */
int case_mine_note(gl_case *c);

/* Line (1-based) of key k1 at the top level, or of k2 inside k1 when k2 is not
 * NULL; 0 when not found. Used only to name lines in error messages. */
int case_locate(const char *text, size_t len, const char *k1, const char *k2);

#endif
