/* case.c - parse and validate a case file (shared/spec/case-format.md).
 *
 * Every refusal names the field and, when known, the line; unknown IDs get a
 * "did you mean" list. Contradictions are accepted and reported. The parser
 * never computes anything clinical. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"

typedef struct pctx {
    const gl_kb *kb;
    const char *text;
    size_t len;
    const char *file;
    gl_case *c;
    gl_error *err;
} pctx;

static bool fail(pctx *p, gl_code code, const char *k1, const char *k2, const char *fmt, const char *a,
                 const char *b)
{
    char field[160];
    if (k2)
        snprintf(field, sizeof field, "%s.%s", k1, k2);
    else
        snprintf(field, sizeof field, "%s", k1 ? k1 : "");
    int line = k1 ? case_locate(p->text, p->len, k1, k2) : 0;
    char body[512];
    snprintf(body, sizeof body, fmt, a ? a : "", b ? b : "");
    err_set(p->err, code, p->file, line, field, "%s", body);
    return false;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "true/false";
    default: return "null";
    }
}

static bool add_msg(char ***list, int *n, const char *msg)
{
    char **nl = realloc(*list, (size_t)(*n + 1) * sizeof **list);
    if (!nl)
        return false;
    *list = nl;
    if (!(nl[*n] = strdup(msg)))
        return false;
    (*n)++;
    return true;
}

static bool warn(pctx *p, const char *fmt, const char *a)
{
    char msg[300];
    snprintf(msg, sizeof msg, fmt, a);
    if (!add_msg(&p->c->warn, &p->c->nwarn, msg))
        return fail(p, GL_ERR_NOMEM, NULL, NULL, "out of memory%s%s", "", "");
    return true;
}

static void suggestion_text(const char **s, int n, char *out, size_t size)
{
    out[0] = '\0';
    if (n == 0)
        return;
    size_t used = (size_t)snprintf(out, size, "; did you mean ");
    for (int i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%s", i ? (i == n - 1 ? " or " : ", ") : "", s[i]);
    if (used < size)
        snprintf(out + used, size - used, "?");
}

/* A number field with range; missing is allowed when !required. */
static bool get_number(pctx *p, json_t *obj, const char *k1, const char *key, bool required, double lo,
                       double hi, double *out, bool *present)
{
    json_t *v = json_object_get(obj, key);
    const char *k2 = k1 ? key : NULL;
    const char *f1 = k1 ? k1 : key;
    if (present)
        *present = v != NULL;
    if (!v) {
        if (required)
            return fail(p, GL_ERR_INVALID, f1, k2, "required field is missing%s%s", "", "");
        return true;
    }
    if (!json_is_number(v))
        return fail(p, GL_ERR_INVALID, f1, k2, "must be a number, not %s%s", type_name(v), "");
    double d = json_number_value(v);
    if (!(d >= lo && d <= hi)) {
        char range[80];
        snprintf(range, sizeof range, "%g is outside the allowed range %g-%g", d, lo, hi);
        return fail(p, GL_ERR_INVALID, f1, k2, "%s%s", range, "");
    }
    *out = d;
    return true;
}

/* An enumerated string; returns index or -1 when absent (and not required). */
static bool get_enum(pctx *p, json_t *obj, const char *k1, const char *key, const char *const *names, int n,
                     bool required, int *out)
{
    json_t *v = json_object_get(obj, key);
    const char *k2 = k1 ? key : NULL;
    const char *f1 = k1 ? k1 : key;
    *out = -1;
    if (!v) {
        if (required)
            return fail(p, GL_ERR_INVALID, f1, k2, "required field is missing%s%s", "", "");
        return true;
    }
    if (!json_is_string(v))
        return fail(p, GL_ERR_INVALID, f1, k2, "must be a string, not %s%s", type_name(v), "");
    for (int i = 0; i < n; i++)
        if (!strcmp(json_string_value(v), names[i])) {
            *out = i;
            return true;
        }
    char allowed[300] = "";
    size_t used = 0;
    for (int i = 0; i < n && used < sizeof allowed; i++)
        used += (size_t)snprintf(allowed + used, sizeof allowed - used, "%s%s", i ? ", " : "", names[i]);
    return fail(p, GL_ERR_INVALID, f1, k2, "\"%s\" is not one of: %s", json_string_value(v), allowed);
}

static bool check_keys(pctx *p, json_t *obj, const char *where, const char *const *known)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        bool ok = false;
        for (int i = 0; known[i]; i++)
            ok |= !strcmp(key, known[i]);
        if (!ok) {
            char msg[300];
            snprintf(msg, sizeof msg, "unknown field \"%s%s%s\" was ignored", where, *where ? "." : "", key);
            if (!warn(p, "%s", msg))
                return false;
        }
    }
    return true;
}

static bool parse_patient(pctx *p, json_t *root)
{
    json_t *pt = json_object_get(root, "patient");
    if (!pt)
        return fail(p, GL_ERR_INVALID, "patient", NULL, "required field is missing%s%s", "", "");
    if (!json_is_object(pt))
        return fail(p, GL_ERR_INVALID, "patient", NULL, "must be an object, not %s%s", type_name(pt), "");
    static const char *const sexes[] = {"female", "male"};
    static const char *const known[] = {"age", "sex", NULL};
    return get_number(p, pt, "patient", "age", true, 0, 120, &p->c->age, NULL) &&
           get_enum(p, pt, "patient", "sex", sexes, 2, true, &p->c->sex) && check_keys(p, pt, "patient", known);
}

static bool parse_findings(pctx *p, json_t *root)
{
    json_t *fs = json_object_get(root, "findings");
    if (!fs)
        return fail(p, GL_ERR_INVALID, "findings", NULL, "required field is missing (it may be empty: {})%s%s", "",
                    "");
    if (!json_is_object(fs))
        return fail(p, GL_ERR_INVALID, "findings", NULL, "must be an object, not %s%s", type_name(fs), "");
    if (json_object_size(fs) > GL_MAX_FINDINGS)
        return fail(p, GL_ERR_TOO_LARGE, "findings", NULL, "more than %s findings%s", "10000", "");
    const char *key;
    json_t *v;
    json_object_foreach(fs, key, v) {
        int f = kb_find(p->kb, key);
        if (f < 0) {
            const char *s[3];
            char hint[300];
            suggestion_text(s, kb_suggest_findings(p->kb, key, s, 3), hint, sizeof hint);
            return fail(p, GL_ERR_INVALID, "findings", key, "unknown finding ID%s%s", hint, "");
        }
        if (!json_is_boolean(v))
            return fail(p, GL_ERR_INVALID, "findings", key,
                        "must be true (present) or false (absent), not %s; leave a finding out when unknown%s",
                        type_name(v), "");
        p->c->given[f] = json_is_true(v) ? 1 : -1;
    }
    return true;
}

static bool parse_measurements(pctx *p, json_t *root)
{
    json_t *ms = json_object_get(root, "measurements");
    if (!ms)
        return true;
    if (!json_is_object(ms))
        return fail(p, GL_ERR_INVALID, "measurements", NULL, "must be an object, not %s%s", type_name(ms), "");
    if (json_object_size(ms) > GL_MAX_FINDINGS)
        return fail(p, GL_ERR_TOO_LARGE, "measurements", NULL, "more than %s measurements%s", "10000", "");
    p->c->meas = calloc(json_object_size(ms) + 1, sizeof *p->c->meas);
    if (!p->c->meas)
        return fail(p, GL_ERR_NOMEM, NULL, NULL, "out of memory%s%s", "", "");
    const char *key;
    json_t *v;
    json_object_foreach(ms, key, v) {
        int m = kb_measure_index(p->kb, key);
        if (m < 0) {
            char known[400] = "";
            size_t used = 0;
            for (int i = 0; i < p->kb->nmeas && used < sizeof known; i++)
                used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
                                         p->kb->meas[i].id);
            return fail(p, GL_ERR_INVALID, "measurements", key, "unknown measurement; known: %s%s", known, "");
        }
        const kb_measure *km = &p->kb->meas[m];
        double d = 0;
        if (!get_number(p, ms, "measurements", key, true, km->min, km->max, &d, NULL))
            return false;
        p->c->meas[p->c->nmeas].meas = m;
        p->c->meas[p->c->nmeas++].value = d;
    }
    return true;
}

static bool parse_condition_list(pctx *p, json_t *ex, const char *key, int **out, int *n)
{
    json_t *arr = json_object_get(ex, key);
    if (!arr)
        return true;
    if (!json_is_array(arr))
        return fail(p, GL_ERR_INVALID, "expected", key, "must be an array of condition IDs, not %s%s",
                    type_name(arr), "");
    if (json_array_size(arr) > 64)
        return fail(p, GL_ERR_TOO_LARGE, "expected", key, "more than 64 entries%s%s", "", "");
    *out = calloc(json_array_size(arr) + 1, sizeof **out);
    if (!*out)
        return fail(p, GL_ERR_NOMEM, NULL, NULL, "out of memory%s%s", "", "");
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        if (!json_is_string(v))
            return fail(p, GL_ERR_INVALID, "expected", key, "entries must be condition ID strings, not %s%s",
                        type_name(v), "");
        int c = kb_cond(p->kb, json_string_value(v));
        if (c < 0) {
            const char *s[3];
            char hint[300];
            suggestion_text(s, kb_suggest_conditions(p->kb, json_string_value(v), s, 3), hint, sizeof hint);
            return fail(p, GL_ERR_INVALID, "expected", key, "unknown condition ID \"%s\"%s",
                        json_string_value(v), hint);
        }
        (*out)[(*n)++] = c;
    }
    return true;
}

static bool parse_expected(pctx *p, json_t *root)
{
    json_t *ex = json_object_get(root, "expected");
    p->c->expected_rf = -1;
    if (!ex)
        return true;
    if (!json_is_object(ex))
        return fail(p, GL_ERR_INVALID, "expected", NULL, "must be an object, not %s%s", type_name(ex), "");
    json_t *rf = json_object_get(ex, "red_flag");
    if (rf && !json_is_boolean(rf))
        return fail(p, GL_ERR_INVALID, "expected", "red_flag", "must be true or false, not %s%s", type_name(rf), "");
    if (rf)
        p->c->expected_rf = json_is_true(rf);
    static const char *const known[] = {"diagnoses", "acceptable", "red_flag", NULL};
    return parse_condition_list(p, ex, "diagnoses", &p->c->expected, &p->c->nexpected) &&
           parse_condition_list(p, ex, "acceptable", &p->c->acceptable, &p->c->nacceptable) &&
           check_keys(p, ex, "expected", known);
}

static bool get_string(pctx *p, json_t *root, const char *key, size_t max, char **out)
{
    json_t *v = json_object_get(root, key);
    if (!v)
        return true;
    if (!json_is_string(v))
        return fail(p, GL_ERR_INVALID, key, NULL, "must be a string, not %s%s", type_name(v), "");
    if (json_string_length(v) > max)
        return fail(p, GL_ERR_TOO_LARGE, key, NULL, "longer than the %s-byte limit%s", max > 1000 ? "65536" : "256",
                    "");
    if (!(*out = strdup(json_string_value(v))))
        return fail(p, GL_ERR_NOMEM, NULL, NULL, "out of memory%s%s", "", "");
    return true;
}

static bool parse_root(pctx *p, json_t *root)
{
    if (!json_is_object(root))
        return fail(p, GL_ERR_INVALID, NULL, NULL, "a case must be a JSON object, not %s%s", type_name(root), "");
    json_t *fmt = json_object_get(root, "format");
    if (!fmt)
        return fail(p, GL_ERR_INVALID, "format", NULL, "required field is missing (use \"%s\")%s", GL_CASE_FORMAT,
                    "");
    if (!json_is_string(fmt) || strcmp(json_string_value(fmt), GL_CASE_FORMAT))
        return fail(p, GL_ERR_INVALID, "format", NULL, "must be the string \"%s\"%s", GL_CASE_FORMAT, "");
    static const char *const sides[] = {"left", "right", "bilateral"};
    static const char *const known[] = {"format", "id", "setting", "patient", "side", "duration_weeks", "findings",
                                        "measurements", "note", "expected", NULL};
    bool has_duration;
    if (!(get_string(p, root, "id", 256, &p->c->id) && get_string(p, root, "note", 65536, &p->c->note) &&
          get_enum(p, root, NULL, "setting", kb_setting_names, NSETTINGS, false, &p->c->setting) &&
          parse_patient(p, root) && get_enum(p, root, NULL, "side", sides, 3, false, &p->c->side) &&
          get_number(p, root, NULL, "duration_weeks", false, 0, 2600, &p->c->duration, &has_duration) &&
          parse_findings(p, root) && parse_measurements(p, root) && parse_expected(p, root) &&
          check_keys(p, root, "", known)))
        return false;
    if (p->c->setting < 0)
        p->c->setting = SET_PMR;
    if (!has_duration)
        p->c->duration = -1;
    return true;
}

/* ---- derived state: measurements, age, contradictions ---- */
static bool contradiction(pctx *p, const char *msg)
{
    if (!add_msg(&p->c->contra, &p->c->ncontra, msg))
        return fail(p, GL_ERR_NOMEM, NULL, NULL, "out of memory%s%s", "", "");
    return true;
}

static bool apply_measurements(pctx *p)
{
    const gl_kb *kb = p->kb;
    gl_case *c = p->c;
    for (int i = 0; i < c->nmeas; i++) {
        const kb_measure *m = &kb->meas[c->meas[i].meas];
        int sharing = 0;
        for (int j = 0; j < kb->nmeas; j++)
            sharing += kb->meas[j].finding == m->finding;
        bool hit = kb_compare(c->meas[i].value, m->op, m->cutoff);
        int effect = hit ? 1 : (sharing == 1 ? -1 : 0);
        c->meas[i].effect = effect;
        if (!effect)
            continue;
        if (c->given[m->finding] && c->given[m->finding] != effect) {
            char msg[300];
            snprintf(msg, sizeof msg, "measurement %s = %g says %s is %s, but the findings say %s; the findings entry "
                     "was used", m->id, c->meas[i].value, kb->find[m->finding].id, effect > 0 ? "present" : "absent",
                     effect > 0 ? "absent" : "present");
            if (!contradiction(p, msg))
                return false;
            continue;
        }
        if (c->state[m->finding] && c->state[m->finding] != effect) {
            c->state[m->finding] = 1; /* two measurements disagree: a positive one wins */
            continue;
        }
        c->state[m->finding] = (signed char)effect;
    }
    return true;
}

static bool apply_age(pctx *p)
{
    static const struct { const char *id; int op; double cut; } derived[] = {
        {"hx_age_over_50", OP_GE, 50}, {"hx_age_over_70", OP_GT, 70},
        {"hx_age_under_20", OP_LT, 20}, {"hx_age_under_60", OP_LT, 60}};
    for (size_t i = 0; i < sizeof derived / sizeof *derived; i++) {
        int f = kb_find(p->kb, derived[i].id);
        if (f < 0)
            continue;
        signed char v = kb_compare(p->c->age, derived[i].op, derived[i].cut) ? 1 : -1;
        if (p->c->given[f] && p->c->given[f] != v) {
            char msg[200];
            snprintf(msg, sizeof msg, "%s is recorded %s but the age is %g; the age was used", derived[i].id,
                     p->c->given[f] > 0 ? "present" : "absent", p->c->age);
            if (!contradiction(p, msg))
                return false;
        }
        p->c->state[f] = v;
    }
    return true;
}

/* side: "bilateral" means both buttocks hurt, "left"/"right" one only. The
 * finding entered by hand wins; a disagreement is reported. */
static bool apply_side(pctx *p)
{
    int f = kb_find(p->kb, "sx_pain_buttock_bilateral");
    if (f < 0 || p->c->side < 0)
        return true;
    signed char v = p->c->side == 2 ? 1 : -1;
    if (p->c->given[f] && p->c->given[f] != v) {
        char msg[200];
        snprintf(msg, sizeof msg, "side is \"%s\" but sx_pain_buttock_bilateral is recorded %s; the finding was used",
                 v > 0 ? "bilateral" : "one-sided", p->c->given[f] > 0 ? "present" : "absent");
        return contradiction(p, msg);
    }
    p->c->state[f] = v;
    return true;
}

/* Composite entered by hand vs what its entered components imply. */
static bool check_composites(pctx *p)
{
    const gl_kb *kb = p->kb;
    for (int i = 0; i < kb->ncomp; i++) {
        const kb_composite *k = &kb->comp[i];
        signed char g = p->c->state[k->finding];
        if (!g || k->rule == COMP_GIVEN)
            continue;
        int pos, neg;
        kb_comp_tally(k, p->c->state, &pos, &neg);
        int need = k->rule == COMP_ANY ? 1 : k->rule == COMP_ALL ? k->ncomp : k->rule;
        bool says_absent = k->ncomp - neg < need, says_present = pos >= need;
        if ((g > 0 && says_absent) || (g < 0 && says_present)) {
            char msg[300];
            snprintf(msg, sizeof msg, "%s is recorded %s but its recorded components say %s",
                     kb->find[k->finding].id, g > 0 ? "present" : "absent", g > 0 ? "absent" : "present");
            if (!contradiction(p, msg))
                return false;
        }
    }
    return true;
}

static bool check_contradictions(pctx *p)
{
    const gl_kb *kb = p->kb;
    for (int i = 0; i < kb->ncontra; i++) {
        const kb_contra *k = &kb->contra[i];
        bool hit = k->sex ? (p->c->state[k->a] > 0 && p->c->sex == k->b)
                          : (p->c->state[k->a] > 0 && p->c->state[k->b] > 0);
        if (hit && !contradiction(p, k->message))
            return false;
    }
    return check_composites(p);
}

gl_case *gl_case_parse(const gl_kb *kb, const char *text, size_t len, const char *filename, gl_error *err)
{
    const char *file = filename ? filename : "<case>";
    if (!kb || !text) {
        err_set(err, GL_ERR_USAGE, file, 0, NULL, "no knowledge base or no text");
        return NULL;
    }
    if (len > GL_MAX_CASE_BYTES) {
        err_set(err, GL_ERR_TOO_LARGE, file, 0, NULL, "case is larger than the 1 MiB limit");
        return NULL;
    }
    gl_case *c = calloc(1, sizeof *c);
    pctx p = {kb, text, len, file, c, err};
    if (!c || !(c->given = calloc((size_t)kb->nfind, 1)) || !(c->state = calloc((size_t)kb->nfind, 1)) ||
        !(c->file = strdup(file))) {
        gl_case_free(&c);
        err_set(err, GL_ERR_NOMEM, file, 0, NULL, "out of memory");
        return NULL;
    }
    c->kb = kb;
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        err_set(err, GL_ERR_SYNTAX, file, je.line > 0 ? je.line : 0, NULL, "JSON syntax error at column %d: %s",
                je.column, je.text);
        if (err)
            err->column = je.column;
        gl_case_free(&c);
        return NULL;
    }
    bool ok = parse_root(&p, root);
    json_decref(root);
    if (ok) {
        memcpy(c->state, c->given, (size_t)kb->nfind);
        ok = apply_measurements(&p) && apply_age(&p) && apply_side(&p);
        if (ok && case_mine_note(c) < 0)
            ok = fail(&p, GL_ERR_NOMEM, NULL, NULL, "out of memory%s%s", "", "");
        ok = ok && check_contradictions(&p);
    }
    if (!ok)
        gl_case_free(&c);
    return c;
}

gl_case *gl_case_read_file(const gl_kb *kb, const char *path, gl_error *err)
{
    bool is_stdin = !strcmp(path, "-");
    const char *name = is_stdin ? "<stdin>" : path;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        err_set(err, GL_ERR_IO, name, 0, NULL, "cannot open the case file");
        return NULL;
    }
    size_t cap = GL_MAX_CASE_BYTES + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        if (!is_stdin)
            fclose(f);
        err_set(err, GL_ERR_NOMEM, name, 0, NULL, "out of memory");
        return NULL;
    }
    /* Read at most limit + 1 bytes: a larger input is refused without reading on. */
    size_t r;
    while (n < cap && (r = fread(buf + n, 1, cap - n, f)) > 0)
        n += r;
    bool bad = ferror(f);
    if (!is_stdin)
        fclose(f);
    gl_case *c = NULL;
    if (bad)
        err_set(err, GL_ERR_IO, name, 0, NULL, "read error");
    else if (n > GL_MAX_CASE_BYTES)
        err_set(err, GL_ERR_TOO_LARGE, name, 0, NULL, "case is larger than the 1 MiB limit");
    else
        c = gl_case_parse(kb, buf, n, name, err);
    free(buf);
    return c;
}

void gl_case_free(gl_case **cp)
{
    if (!cp || !*cp)
        return;
    gl_case *c = *cp;
    for (int i = 0; i < c->ncontra; i++)
        free(c->contra[i]);
    for (int i = 0; i < c->nwarn; i++)
        free(c->warn[i]);
    free(c->contra);
    free(c->warn);
    free(c->given);
    free(c->state);
    free(c->meas);
    free(c->id);
    free(c->note);
    free(c->file);
    free(c->expected);
    free(c->acceptable);
    free(c->mined);
    free(c);
    *cp = NULL;
}

const char *gl_case_id(const gl_case *c) { return c->id; }
double gl_case_duration(const gl_case *c) { return c->duration; }
int gl_case_expected_count(const gl_case *c) { return c->nexpected; }
int gl_case_expected(const gl_case *c, int i) { return i >= 0 && i < c->nexpected ? c->expected[i] : -1; }
int gl_case_acceptable_count(const gl_case *c) { return c->nacceptable; }
int gl_case_acceptable(const gl_case *c, int i) { return i >= 0 && i < c->nacceptable ? c->acceptable[i] : -1; }
int gl_case_expected_red_flag(const gl_case *c) { return c->expected_rf; }
