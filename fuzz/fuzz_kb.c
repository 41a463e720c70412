/* fuzz_kb.c - libFuzzer target for the knowledge-base loader: the first byte
 * picks which file of the built-in knowledge base the rest of the input
 * replaces (TSV reader, every table's validation, the `when` expression
 * parser). A broken file must be refused with a message, never crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gluteal.h"
#include "kb/kb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
    "model.tsv", "conditions.tsv", "priors.tsv", "findings.tsv", "composites.tsv", "modifiers.tsv",
    "measurements.tsv", "contradictions.tsv", "redflags.tsv", "profiles/malignancy.tsv",
    "profiles/piriformis_syndrome.tsv", "findings-neuro.tsv", "note_phrases.tsv", "note_numbers.tsv",
    "groups.tsv",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *name = files[data[0] % (sizeof files / sizeof *files)];
    gl_error err;
    gl_kb *kb = kb_load_override(name, (const char *)data + 1, size - 1, &err);
    if (!kb) {
        if (err.code == GL_OK || !err.msg[0])
            abort();
        return 0;
    }
    /* a knowledge base that loads must be usable */
    const char *text = "{\"format\":\"gluteal-case/1\",\"patient\":{\"age\":50,\"sex\":\"female\"},"
                       "\"findings\":{\"sx_pain_buttock\":true,\"sx_fever\":true},"
                       "\"note\":\"No numbness; the SLR was positive but reduced sensation over the lateral "
                       "foot, ABI 0.6. Her mother has psoriasis. MRI did not fit.\"}";
    gl_case *c = gl_case_parse(kb, text, strlen(text), "fuzz", &err);
    gl_result *r = c ? gl_assess(kb, c, &err) : NULL;
    if (r)
        free(gl_result_json(r, 0));
    /* ...and its interview, through the question groups with a list answer */
    gl_interview *iv = c ? gl_interview_new(kb, c, &err) : NULL;
    const char *q;
    for (int i = 0; iv && i < 8 && (q = gl_interview_next(iv)); i++)
        if (gl_interview_group_options(iv, q, NULL, 0) < 0 || gl_interview_answer_group(iv, q, "1 -2 rest-no", &err) < 0)
            gl_interview_answer(iv, q, i % 2 ? 1 : 0);
    gl_interview_free(&iv);
    int problems;
    free(gl_kb_audit(kb, &problems));
    gl_result_free(&r);
    gl_case_free(&c);
    gl_kb_free(&kb);
    return 0;
}
