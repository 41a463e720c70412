/* fuzz_case.c - libFuzzer target: any bytes as a case file, through parsing,
 * assessment, both renderings, the next-question ranking and write-back.
 * Nothing may crash, leak or trip a sanitizer; bad input must be refused. */
#include <stdint.h>
#include <stdlib.h>

#include "gluteal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static gl_kb *kb;
    if (!kb && !(kb = gl_kb_load_builtin(NULL)))
        abort();
    gl_error err;
    gl_case *c = gl_case_parse(kb, (const char *)data, size, "fuzz", &err);
    if (!c) {
        if (err.code == GL_OK || !err.msg[0])
            abort(); /* a refusal must say why */
        return 0;
    }
    gl_result *r = gl_assess(kb, c, &err);
    if (r) {
        free(gl_result_json(r, 0));
        free(gl_result_text(r, 0));
        for (int i = 0; i < gl_kb_condition_count(kb); i++) {
            double p = gl_result_probability(r, i);
            if (!(p >= 0 && p <= 1))
                abort();
        }
    }
    gl_result_free(&r);
    if (size > 0 && size < 4096 && (data[size - 1] & 7) == 0) { /* ranking is slow: 1 input in 8 */
        gl_next *n = gl_next_questions(kb, c, &err);
        gl_next_free(&n);
    }
    char *back = gl_case_json(c);
    if (back) { /* a written case must parse again */
        gl_case *again = gl_case_parse(kb, back, __builtin_strlen(back), "roundtrip", &err);
        if (!again)
            abort();
        gl_case_free(&again);
    }
    free(back);
    gl_case_free(&c);
    return 0;
}
