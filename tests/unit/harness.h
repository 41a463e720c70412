/* harness.h - a minimal test harness: CHECK records a failure with file:line
 * and carries on; main() prints "N passed, N failed". */
#ifndef GL_HARNESS_H
#define GL_HARNESS_H
#include <math.h>
#include <stdio.h>

extern int t_pass, t_fail;
#define CHECK(cond)                                                                                                 \
    do {                                                                                                            \
        if (cond)                                                                                                   \
            t_pass++;                                                                                               \
        else {                                                                                                      \
            t_fail++;                                                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                               \
        }                                                                                                           \
    } while (0)
#define CHECK_NEAR(a, b, tol) CHECK(fabs((a) - (b)) <= (tol))

typedef struct test_case {
    const char *name;
    void (*fn)(void);
} test_case;
#endif
