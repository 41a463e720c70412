/* case_edit.c - cases made or changed during a consultation (interview, API):
 * a new case, a deep copy, setting one finding, and writing the case back as
 * gluteal-case/1 JSON so nothing entered is lost. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"

gl_case *gl_case_new(const gl_kb *kb, double age, const char *sex, gl_error *err)
{
    char text[200];
    snprintf(text, sizeof text, "{\"format\": \"%s\", \"patient\": {\"age\": %g, \"sex\": \"%s\"}, \"findings\": {}}",
             GL_CASE_FORMAT, age, sex && !strcmp(sex, "male") ? "male" : sex && !strcmp(sex, "female") ? "female" : "?");
    return gl_case_parse(kb, text, strlen(text), "<new case>", err);
}

static char **clone_strings(char **s, int n)
{
    char **out = calloc((size_t)n + 1, sizeof *out);
    for (int i = 0; out && i < n; i++)
        out[i] = strdup(s[i]);
    return out;
}

static int *clone_ints(const int *v, int n)
{
    int *out = calloc((size_t)n + 1, sizeof *out);
    if (out && n)
        memcpy(out, v, (size_t)n * sizeof *out);
    return out;
}

gl_case *gl_case_clone(const gl_case *c)
{
    if (!c)
        return NULL;
    size_t nf = (size_t)c->kb->nfind;
    gl_case *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    *d = *c;
    d->id = c->id ? strdup(c->id) : NULL;
    d->note = c->note ? strdup(c->note) : NULL;
    d->file = c->file ? strdup(c->file) : NULL;
    d->given = malloc(nf);
    d->state = malloc(nf);
    d->meas = calloc((size_t)c->nmeas + 1, sizeof *d->meas);
    d->contra = clone_strings(c->contra, c->ncontra);
    d->warn = clone_strings(c->warn, c->nwarn);
    d->expected = clone_ints(c->expected, c->nexpected);
    d->acceptable = clone_ints(c->acceptable, c->nacceptable);
    d->mined = calloc((size_t)c->nmined + 1, sizeof *d->mined);
    if (d->mined && c->nmined)
        memcpy(d->mined, c->mined, (size_t)c->nmined * sizeof *d->mined);
    if (!d->given || !d->state || !d->meas || !d->contra || !d->warn || !d->expected || !d->acceptable || !d->mined) {
        gl_case_free(&d);
        return NULL;
    }
    memcpy(d->given, c->given, nf);
    memcpy(d->state, c->state, nf);
    if (c->nmeas)
        memcpy(d->meas, c->meas, (size_t)c->nmeas * sizeof *d->meas);
    return d;
}

int gl_case_set_finding(gl_case *c, const char *id, int value)
{
    int f = kb_find(c->kb, id);
    if (f < 0 || value < -1 || value > 1)
        return -1;
    /* age-derived findings follow the age; measurements stay as measured */
    if (!strncmp(id, "hx_age_", 7))
        return 0;
    c->given[f] = (signed char)value;
    bool measured = false;
    for (int i = 0; i < c->nmeas; i++)
        measured |= c->kb->meas[c->meas[i].meas].finding == f && c->meas[i].effect != 0;
    if (!measured || value != 0)
        c->state[f] = (signed char)value;
    return 0;
}

int gl_case_finding(const gl_case *c, const char *id)
{
    int f = kb_find(c->kb, id);
    return f < 0 ? 0 : c->state[f];
}

int gl_case_implied(const gl_case *c, const char *id)
{
    const gl_kb *kb = c->kb;
    int f = kb_find(kb, id);
    if (f < 0 || c->state[f])
        return f < 0 ? 0 : c->state[f];
    for (int i = 0; i < kb->ncomp; i++) {
        const kb_composite *k = &kb->comp[i];
        if (k->rule != COMP_ANY)
            continue;
        int pos, neg;
        kb_comp_tally(k, c->state, &pos, &neg);
        if (k->finding == f && (pos || neg == k->ncomp))
            return pos ? 1 : -1;
        for (int j = 0; j < k->ncomp && c->state[k->finding] < 0; j++)
            if (k->comp[j] == f)
                return -1; /* a specific form of an absent generic */
    }
    return 0;
}

const char *gl_kb_finding_question(const gl_kb *kb, const char *id)
{
    int f = kb_find(kb, id);
    return f < 0 ? NULL : kb->find[f].question;
}

char *gl_case_json(const gl_case *c)
{
    static const char *sides[] = {"left", "right", "bilateral"};
    const gl_kb *kb = c->kb;
    json_t *o = json_object(), *pt = json_object(), *fs = json_object();
    json_object_set_new(o, "format", json_string(GL_CASE_FORMAT));
    if (c->id)
        json_object_set_new(o, "id", json_string(c->id));
    json_object_set_new(o, "setting", json_string(kb_setting_names[c->setting]));
    json_object_set_new(pt, "age", json_real(c->age));
    json_object_set_new(pt, "sex", json_string(c->sex ? "male" : "female"));
    json_object_set_new(o, "patient", pt);
    if (c->side >= 0)
        json_object_set_new(o, "side", json_string(sides[c->side]));
    if (c->duration >= 0)
        json_object_set_new(o, "duration_weeks", json_real(c->duration));
    for (int f = 0; f < kb->nfind; f++)
        if (c->given[f])
            json_object_set_new(fs, kb->find[f].id, json_boolean(c->given[f] > 0));
    json_object_set_new(o, "findings", fs);
    if (c->nmeas) {
        json_t *ms = json_object();
        for (int i = 0; i < c->nmeas; i++)
            json_object_set_new(ms, kb->meas[c->meas[i].meas].id, json_real(c->meas[i].value));
        json_object_set_new(o, "measurements", ms);
    }
    if (c->note)
        json_object_set_new(o, "note", json_string(c->note));
    char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(o);
    return s;
}
