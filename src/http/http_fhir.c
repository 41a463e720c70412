/* http_fhir.c - FHIR R4 output of a result: a collection Bundle holding the
 * Patient (sex only), one Observation per finding (urn:gluteal:finding,
 * valueBoolean) and measurement (valueQuantity), a Condition per leading
 * condition with verificationStatus "differential" and ICD-10-CM / SNOMED CT
 * codes from kb/conditions.tsv, and one RiskAssessment carrying every
 * condition's probability. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http/http.h"
#include "kb/kb.h"

#define FINDING_SYSTEM "urn:gluteal:finding"

static json_t *coding(const char *system, const char *code, const char *display)
{
    json_t *c = json_object();
    json_object_set_new(c, "system", json_string(system));
    json_object_set_new(c, "code", json_string(code));
    if (display)
        json_object_set_new(c, "display", json_string(display));
    return c;
}

static json_t *ref(const char *uuid)
{
    char u[48];
    snprintf(u, sizeof u, "urn:uuid:%s", uuid);
    json_t *o = json_object();
    json_object_set_new(o, "reference", json_string(u));
    return o;
}

static void add_entry(json_t *entries, const char *uuid, json_t *res)
{
    char u[48];
    snprintf(u, sizeof u, "urn:uuid:%s", uuid);
    json_t *e = json_object();
    json_object_set_new(e, "fullUrl", json_string(u));
    json_object_set_new(e, "resource", res);
    json_array_append_new(entries, e);
}

static json_t *condition_code(json_t *d)
{
    json_t *cc = json_object();
    json_t *codings = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(d, "icd10"), i, v)
    {
        const char *c = json_string_value(v);
        if (c && !strchr(c, '-')) /* "M54.3-" is a category placeholder, not a code */
            json_array_append_new(codings, coding("http://hl7.org/fhir/sid/icd-10-cm", c, NULL));
    }
    json_array_foreach(json_object_get(d, "snomed_ct"), i, v) if (json_string_value(v))
        json_array_append_new(codings, coding("http://snomed.info/sct", json_string_value(v), NULL));
    json_array_append_new(codings, coding("urn:gluteal:condition", json_string_value(json_object_get(d, "condition")),
                                          json_string_value(json_object_get(d, "name"))));
    json_object_set_new(cc, "coding", codings);
    json_object_set_new(cc, "text", json_string(json_string_value(json_object_get(d, "name"))));
    return cc;
}

static const char *obs_category(const char *kind)
{
    if (!strcmp(kind, "exam"))
        return "exam";
    if (!strcmp(kind, "imaging"))
        return "imaging";
    if (!strcmp(kind, "lab"))
        return "laboratory";
    if (!strcmp(kind, "procedure"))
        return "procedure";
    return "survey";
}

/* A final Observation with a fresh id (written into u). */
static json_t *new_observation(char u[37])
{
    http_uuid4(u);
    json_t *o = json_object();
    json_object_set_new(o, "resourceType", json_string("Observation"));
    json_object_set_new(o, "id", json_string(u));
    json_object_set_new(o, "status", json_string("final"));
    return o;
}

json_t *http_fhir_bundle(const gl_kb *kb, json_t *case_obj, json_t *result, const char *id)
{
    json_t *b = json_object();
    json_t *entries = json_array();
    char pat[37];
    http_uuid4(pat);
    json_object_set_new(b, "resourceType", json_string("Bundle"));
    json_object_set_new(b, "id", json_string(id));
    json_object_set_new(b, "type", json_string("collection"));
    char ts[32];
    time_t now = time(NULL);
    struct tm t;
    gmtime_r(&now, &t);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &t);
    json_object_set_new(b, "timestamp", json_string(ts));

    /* Patient: only what the case holds (sex); age is an assessment input, not an identity. */
    json_t *p = json_object();
    json_object_set_new(p, "resourceType", json_string("Patient"));
    json_object_set_new(p, "id", json_string(pat));
    const char *sex = json_string_value(json_object_get(json_object_get(case_obj, "patient"), "sex"));
    if (sex)
        json_object_set_new(p, "gender", json_string(sex));
    add_entry(entries, pat, p);

    /* Observations: one per finding in the case. */
    json_t *basis = json_array();
    const char *fid;
    json_t *fv;
    json_object_foreach(json_object_get(case_obj, "findings"), fid, fv)
    {
        int f = kb_find(kb, fid);
        if (f < 0 || !json_is_boolean(fv))
            continue;
        char u[37];
        json_t *o = new_observation(u);
        json_t *cat = json_object(), *cats = json_array(), *cc = json_array();
        json_array_append_new(cc, coding("http://terminology.hl7.org/CodeSystem/observation-category",
                                         obs_category(kb->find[f].kind), NULL));
        json_object_set_new(cat, "coding", cc);
        json_array_append_new(cats, cat);
        json_object_set_new(o, "category", cats);
        json_t *code = json_object(), *codings = json_array();
        json_array_append_new(codings, coding(FINDING_SYSTEM, fid, kb->find[f].description));
        json_object_set_new(code, "coding", codings);
        json_object_set_new(code, "text", json_string(kb->find[f].question));
        json_object_set_new(o, "code", code);
        json_object_set_new(o, "subject", ref(pat));
        json_object_set_new(o, "valueBoolean", json_boolean(json_is_true(fv)));
        json_array_append_new(basis, ref(u));
        add_entry(entries, u, o);
    }

    /* Measurements: one Observation each, with the value and unit as given. */
    json_object_foreach(json_object_get(case_obj, "measurements"), fid, fv)
    {
        int m = kb_measure_index(kb, fid);
        if (m < 0 || !json_is_number(fv))
            continue;
        char u[37];
        json_t *o = new_observation(u);
        json_t *code = json_object(), *codings = json_array();
        json_array_append_new(codings, coding("urn:gluteal:measurement", fid, NULL));
        json_object_set_new(code, "coding", codings);
        json_object_set_new(o, "code", code);
        json_object_set_new(o, "subject", ref(pat));
        json_t *q = json_object();
        json_object_set_new(q, "value", json_real(json_number_value(fv)));
        json_object_set_new(q, "unit", json_string(kb->meas[m].unit));
        json_object_set_new(o, "valueQuantity", q);
        json_array_append_new(basis, ref(u));
        add_entry(entries, u, o);
    }

    /* Conditions (differential) and one RiskAssessment with the probabilities. */
    json_t *ra = json_object();
    char rau[37];
    http_uuid4(rau);
    json_object_set_new(ra, "resourceType", json_string("RiskAssessment"));
    json_object_set_new(ra, "id", json_string(rau));
    json_object_set_new(ra, "status", json_string("final"));
    json_object_set_new(ra, "subject", ref(pat));
    json_object_set_new(ra, "occurrenceDateTime", json_string(ts));
    json_t *method = json_object();
    json_object_set_new(ra, "method", method);
    char mtext[128];
    snprintf(mtext, sizeof mtext, "gluteal noisy-OR Bayesian model, exact inference; knowledge base %s",
             json_string_value(json_object_get(result, "kb_version"))
                 ? json_string_value(json_object_get(result, "kb_version"))
                 : "");
    json_object_set_new(method, "text", json_string(mtext));
    json_object_set_new(ra, "basis", basis);
    json_t *preds = json_array();
    json_t *diff = json_object_get(result, "differential");
    size_t i;
    json_t *d;
    json_array_foreach(diff, i, d)
    {
        double prob = json_number_value(json_object_get(d, "probability"));
        json_t *pr = json_object();
        json_object_set_new(pr, "outcome", condition_code(d));
        json_object_set_new(pr, "probabilityDecimal", json_real(prob));
        json_array_append_new(preds, pr);
        if (i >= 5 && prob < 0.05)
            continue; /* Conditions for the leading entries and any with >= 5% */
        char cu[37];
        http_uuid4(cu);
        json_t *c = json_object();
        json_object_set_new(c, "resourceType", json_string("Condition"));
        json_object_set_new(c, "id", json_string(cu));
        json_t *vs = json_object(), *vsc = json_array();
        json_array_append_new(
            vsc, coding("http://terminology.hl7.org/CodeSystem/condition-ver-status", "differential", "Differential"));
        json_object_set_new(vs, "coding", vsc);
        json_object_set_new(c, "verificationStatus", vs);
        json_t *cat = json_object(), *cats = json_array(), *catc = json_array();
        json_array_append_new(catc, coding("http://terminology.hl7.org/CodeSystem/condition-category",
                                           "encounter-diagnosis", "Encounter Diagnosis"));
        json_object_set_new(cat, "coding", catc);
        json_array_append_new(cats, cat);
        json_object_set_new(c, "category", cats);
        json_object_set_new(c, "code", condition_code(d));
        json_object_set_new(c, "subject", ref(pat));
        json_t *notes = json_array(), *note = json_object();
        char nt[160];
        snprintf(nt, sizeof nt, "Probability present %.1f%% (rank %zu), from gluteal decision support.", 100 * prob,
                 i + 1);
        json_object_set_new(note, "text", json_string(nt));
        json_array_append_new(notes, note);
        json_object_set_new(c, "note", notes);
        add_entry(entries, cu, c);
    }
    json_object_set_new(ra, "prediction", preds);
    json_t *ranotes = json_array(), *ranote = json_object();
    const char *disc = json_string_value(json_object_get(result, "disclaimer"));
    json_object_set_new(ranote, "text", json_string(disc ? disc : "Decision support for clinicians, not a diagnosis."));
    json_array_append_new(ranotes, ranote);
    json_object_set_new(ra, "note", ranotes);
    add_entry(entries, rau, ra);
    json_object_set_new(b, "entry", entries);
    return b;
}
