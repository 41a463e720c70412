/* test_plan.c - work-up and treatment plans and the patient handout, checked
 * for what a clinician relies on: must-not-miss work-up comes first, imaging
 * follows the seed rules (deficit or failed conservative care, not an early
 * uncomplicated case), every plan line carries a source and an evidence level,
 * scores follow their published cut-offs, and no handout has a blank, an
 * unescaped character or an external resource. Runs from the repo root. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assess/result.h"
#include "harness.h"
#include "plan/plan.h"

void test_plan(void);

static gl_result *assess_text(const gl_kb *kb, const char *text)
{
    gl_error err;
    gl_case *c = gl_case_parse(kb, text, strlen(text), "inline", &err);
    if (!c) {
        fprintf(stderr, "%s\n", err.msg);
        return NULL;
    }
    gl_result *r = gl_assess(kb, c, &err);
    gl_case_free(&c);
    return r;
}

static gl_result *assess_file(const gl_kb *kb, const char *path)
{
    gl_error err;
    gl_case *c = gl_case_read_file(kb, path, &err);
    gl_result *r = c ? gl_assess(kb, c, &err) : NULL;
    gl_case_free(&c);
    return r;
}

/* The plan of r as parsed JSON (caller decrefs), or NULL. */
static json_t *plan_json(const gl_result *r)
{
    gl_error err;
    gl_plan *p = r ? gl_plan_make(r, &err) : NULL;
    char *s = p ? gl_plan_json(p, 0) : NULL;
    json_t *o = s ? json_loads(s, 0, NULL) : NULL;
    free(s);
    gl_plan_free(&p);
    return o;
}

static const char *str(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }
static bool nonempty(json_t *o, const char *key) { return str(o, key) && *str(o, key); }

/* The work-up item for test_id, or NULL. */
static json_t *workup_item(json_t *plan, const char *test_id)
{
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(plan, "workup"), i, w) if (!strcmp(str(w, "test_id"), test_id)) return w;
    return NULL;
}

/* Every work-up item, reason and treatment step names a source; steps have an evidence level. */
static void every_line_sourced(json_t *plan)
{
    size_t i, j;
    json_t *w, *x, *t;
    json_array_foreach(json_object_get(plan, "workup"), i, w) {
        CHECK(nonempty(w, "source") && nonempty(w, "test") && nonempty(w, "status"));
        CHECK(nonempty(w, "changes_plan") && nonempty(w, "cost") && nonempty(w, "radiation"));
        json_array_foreach(json_object_get(w, "reasons"), j, x) CHECK(nonempty(x, "source") && nonempty(x, "why"));
    }
    json_array_foreach(json_object_get(plan, "treatment"), i, t) {
        CHECK(json_array_size(json_object_get(t, "steps")) > 0);
        json_array_foreach(json_object_get(t, "steps"), j, x)
            CHECK(nonempty(x, "source") && nonempty(x, "evidence") && nonempty(x, "outcome"));
    }
    json_array_foreach(json_object_get(plan, "scores"), i, x) CHECK(nonempty(x, "source"));
}

static bool reason_mentions(json_t *item, const char *what)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(item, "reasons"), i, x) if (strstr(str(x, "triggered_by"), what)) return true;
    return false;
}

/* UPMC seed: L5 deficit and 8 weeks of failed physiotherapy -> lumbar MRI now, with both reasons. */
static void upmc_gets_lumbar_mri(const gl_kb *kb)
{
    gl_result *r = assess_file(kb, "examples/upmc-golfer.json");
    json_t *plan = plan_json(r);
    CHECK(plan != NULL);
    json_t *mri = plan ? workup_item(plan, "mri_lumbar") : NULL;
    CHECK(mri != NULL);
    if (mri) {
        CHECK(!strcmp(str(mri, "status"), "order"));
        CHECK(reason_mentions(mri, "ex_weakness_ehl"));   /* the neurological deficit */
        CHECK(reason_mentions(mri, "duration 8 weeks")); /* persisting despite conservative care */
    }
    json_t *xr = plan ? workup_item(plan, "xray_lumbar") : NULL;
    CHECK(xr && !strcmp(str(xr, "status"), "avoid")); /* no radiographs to confirm a disc */
    if (plan)
        every_line_sourced(plan);
    json_decref(plan);
    gl_result_free(&r);
}

/* The same story at 2 weeks, no deficit, no failed treatment: no lumbar MRI yet. */
static void early_uncomplicated_no_mri(const gl_kb *kb)
{
    gl_result *r = assess_text(kb, "{\"format\":\"gluteal-case/1\",\"patient\":{\"age\":49,\"sex\":\"female\"},"
                                   "\"duration_weeks\":2,\"findings\":{\"sx_pain_buttock\":true,"
                                   "\"sx_pain_below_knee\":true,\"ex_slr\":true,\"sx_pain_low_back\":true,"
                                   "\"ex_weakness_ehl\":false,\"sx_bowel_bladder_dysfunction\":false}}");
    json_t *plan = plan_json(r);
    CHECK(plan != NULL);
    json_t *mri = plan ? workup_item(plan, "mri_lumbar") : NULL;
    CHECK(!mri || strcmp(str(mri, "status"), "order"));
    json_decref(plan);
    gl_result_free(&r);
}

/* Cureus seed: piriformis enthesopathy -> US-guided dextrose prolotherapy, six sessions two weeks apart,
 * evidence level case report; the CT + dynamic ultrasound already done is not ordered again. */
static void cureus_prolotherapy(const gl_kb *kb)
{
    gl_result *r = assess_file(kb, "examples/cureus-piriformis.json");
    json_t *plan = plan_json(r), *t, *s;
    size_t i, j;
    bool found = false;
    json_array_foreach(json_object_get(plan, "treatment"), i, t) json_array_foreach(json_object_get(t, "steps"), j, s)
    {
        if (!strstr(str(s, "treatment"), "dextrose prolotherapy"))
            continue;
        found = true;
        CHECK(!strcmp(str(s, "tier"), "interventional"));
        CHECK(!strcmp(str(s, "evidence"), "case_report"));
        CHECK(strstr(str(s, "treatment"), "Ultrasound-guided") != NULL);
        CHECK(strstr(str(s, "details"), "Six sessions") && strstr(str(s, "details"), "two-week"));
    }
    CHECK(found);
    json_t *ct = plan ? workup_item(plan, "ct_dynamic_us") : NULL;
    CHECK(ct && !strcmp(str(ct, "status"), "done"));
    if (plan)
        every_line_sourced(plan);
    json_decref(plan);
    gl_result_free(&r);
}

/* Saddle anaesthesia and urinary retention: emergency MRI is the first item, every urgent item
 * precedes every other tier, and the plan carries the red flags. */
static void red_flags_first(const gl_kb *kb)
{
    gl_result *r = assess_text(kb, "{\"format\":\"gluteal-case/1\",\"patient\":{\"age\":40,\"sex\":\"male\"},"
                                   "\"findings\":{\"sx_pain_buttock\":true,\"sx_saddle_anesthesia\":true,"
                                   "\"sx_urinary_retention\":true,\"sx_pain_below_knee\":true}}");
    json_t *plan = plan_json(r), *w;
    size_t i;
    CHECK(plan && !strcmp(str(plan, "urgency"), "emergency"));
    CHECK(json_array_size(json_object_get(plan, "red_flags")) > 0);
    json_t *first = json_array_get(json_object_get(plan, "workup"), 0);
    CHECK(first && !strcmp(str(first, "test_id"), "mri_spine_emergency"));
    bool other_seen = false, order_ok = true;
    json_array_foreach(json_object_get(plan, "workup"), i, w) {
        bool urgent = !strcmp(str(w, "tier"), "urgent");
        order_ok &= !(urgent && other_seen);
        other_seen |= !urgent;
    }
    CHECK(order_ok);
    json_decref(plan);
    gl_result_free(&r);
}

static void score_cutoffs(void)
{
    CHECK(score_kerboul_group(0) == KERBOUL_LOW && score_kerboul_group(189.9) == KERBOUL_LOW);
    CHECK(score_kerboul_group(190) == KERBOUL_MODERATE && score_kerboul_group(240) == KERBOUL_MODERATE);
    CHECK(score_kerboul_group(240.1) == KERBOUL_HIGH && score_kerboul_group(330) == KERBOUL_HIGH);
    CHECK(score_block_verdict(NAN, NAN) == BLOCK_UNKNOWN);
    CHECK(score_block_verdict(90, NAN) == BLOCK_SINGLE_POSITIVE); /* one block is never enough */
    CHECK(score_block_verdict(NAN, 85) == BLOCK_SINGLE_POSITIVE);
    CHECK(score_block_verdict(90, 85) == BLOCK_DUAL_POSITIVE);
    CHECK(score_block_verdict(90, 50) == BLOCK_DISCORDANT);
    CHECK(score_block_verdict(60, 70) == BLOCK_NEGATIVE);
}

/* Scores appear exactly when the case has their inputs. */
static void scores_from_measurements(const gl_kb *kb)
{
    gl_result *r = assess_text(kb, "{\"format\":\"gluteal-case/1\",\"patient\":{\"age\":45,\"sex\":\"male\"},"
                                   "\"findings\":{\"sx_pain_groin\":true,\"hx_corticosteroid_use\":true},"
                                   "\"measurements\":{\"img_mri_necrotic_angle_deg\":250,"
                                   "\"img_xray_tonnis_grade\":1,\"proc_facet_block1_relief_pct\":90}}");
    json_t *plan = plan_json(r), *s;
    size_t i;
    int kerboul = 0, tonnis = 0, block = 0;
    json_array_foreach(json_object_get(plan, "scores"), i, s) {
        kerboul += strstr(str(s, "name"), "Kerboul") && !strcmp(str(s, "value"), "high");
        tonnis += strstr(str(s, "name"), "Tonnis") && strstr(str(s, "value"), "grade 1");
        block += strstr(str(s, "name"), "block") && strstr(str(s, "value"), "single") &&
                 strstr(str(s, "meaning"), "25-40%");
    }
    CHECK(kerboul == 1 && tonnis == 1 && block == 1);
    json_decref(plan);
    gl_result_free(&r);
    r = assess_file(kb, "examples/upmc-golfer.json");
    plan = plan_json(r);
    CHECK(plan && json_array_size(json_object_get(plan, "scores")) == 0);
    json_decref(plan);
    gl_result_free(&r);
}

/* A filled dose: "<b>Hold</b>" etc. followed by text that is not a blank. */
static bool doses_filled(const char *html, int *exercises)
{
    *exercises = 0;
    for (const char *s = strstr(html, "class=\"ex\""); s; s = strstr(s + 1, "class=\"ex\"")) {
        (*exercises)++;
        const char *labels[] = {"<b>Hold</b>", "<b>Repeat</b>", "<b>How often</b>"};
        for (int k = 0; k < 3; k++) {
            const char *l = strstr(s, labels[k]);
            if (!l || l[strlen(labels[k])] == '<' || l[strlen(labels[k])] == '_')
                return false;
        }
    }
    return true;
}

static void check_handout(const char *html, const char *cond)
{
    int n = 0;
    bool ok = html && !strstr(html, "__") && !strstr(html, "<li></li>") && !strstr(html, "<p></p>") &&
              !strstr(html, "(null)") && !strstr(html, "http://") && !strstr(html, "https://") &&
              !strstr(html, "<script") && !strstr(html, "<link") && !strstr(html, " src=") &&
              strstr(html, "not a diagnosis") && strstr(html, "Get help straight away") && doses_filled(html, &n) &&
              strstr(html, "@media print") && strstr(html, "@page");
    CHECK(ok);
    if (!ok)
        fprintf(stderr, "  handout for %s has a blank, an external resource or a missing section\n", cond);
}

/* Every condition gets a complete handout; a home programme always has its doses. */
static void handout_every_condition(const gl_kb *kb, const gl_result *r)
{
    gl_error err;
    plan_kb *pk = plan_kb_load(kb, &err);
    CHECK(pk != NULL);
    for (int c = 0; pk && c < kb->ncond; c++) {
        char *html = gl_handout_html(r, c, &err);
        check_handout(html, kb->cond[c].id);
        int n = 0;
        if (html && pk->ho[c].policy == POLICY_HOME && r->urgency < URG_URGENT) {
            doses_filled(html, &n);
            CHECK(n == pk->ho[c].nex && n > 0);
        }
        free(html);
    }
    plan_kb_free(&pk);
}

/* The side of the case fills the "painful side" of the steps. */
static void handout_uses_side(const gl_kb *kb)
{
    gl_result *r = assess_file(kb, "examples/upmc-golfer.json"); /* right side */
    char *html = r ? gl_handout_html(r, gl_kb_condition_index(kb, "gluteus_medius_myofascial_pain"), NULL) : NULL;
    CHECK(html && strstr(html, "right knee") && !strstr(html, "painful-side"));
    check_handout(html, "gluteus_medius_myofascial_pain");
    free(html);
    if (r)
        handout_every_condition(kb, r);
    gl_result_free(&r);
}

/* Urgent cases: the handout withholds the exercise programme. */
static void handout_urgent_no_exercise(const gl_kb *kb)
{
    gl_result *r = assess_text(kb, "{\"format\":\"gluteal-case/1\",\"patient\":{\"age\":40,\"sex\":\"male\"},"
                                   "\"findings\":{\"sx_saddle_anesthesia\":true,\"sx_urinary_retention\":true}}");
    char *html = r ? gl_handout_html(r, -1, NULL) : NULL;
    CHECK(html && !strstr(html, "class=\"ex\"") && strstr(html, "Do not start an exercise programme"));
    check_handout(html, "urgent case");
    free(html);
    gl_result_free(&r);
}

/* ---- a modified copy of the knowledge base ---- */
static char dir[64];

static bool edited_copy(const char *file, const char *from, const char *to)
{
    char cmd[256], path[256];
    snprintf(dir, sizeof dir, "/tmp/gluteal-plan-XXXXXX");
    if (!mkdtemp(dir))
        return false;
    snprintf(cmd, sizeof cmd, "cp -r kb/. %s/", dir);
    snprintf(path, sizeof path, "%s/%s", dir, file);
    static char buf[1 << 20];
    FILE *f = system(cmd) == 0 ? fopen(path, "rb") : NULL;
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    char *at = strstr(buf, from);
    if (!at || !(f = fopen(path, "wb")))
        return false;
    fwrite(buf, 1, (size_t)(at - buf), f);
    fputs(to, f);
    fputs(at + strlen(from), f);
    return fclose(f) == 0;
}

static void remove_copy(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

static gl_result *upmc_with(const char *file, const char *from, const char *to, gl_kb **kb)
{
    gl_error err;
    *kb = edited_copy(file, from, to) ? gl_kb_load_dir(dir, &err) : NULL;
    CHECK(*kb != NULL);
    return *kb ? assess_file(*kb, "examples/upmc-golfer.json") : NULL;
}

/* A broken plan file is refused with its name and line; a missing source is a break. */
static void broken_plan_refused(const char *file, const char *from, const char *to, const char *msg)
{
    gl_kb *kb;
    gl_result *r = upmc_with(file, from, to, &kb);
    gl_error err;
    gl_plan *p = r ? gl_plan_make(r, &err) : NULL;
    CHECK(r && !p && err.code == GL_ERR_KB && strstr(err.msg, file) && strstr(err.msg, msg));
    if (p || (r && !strstr(err.msg, msg)))
        fprintf(stderr, "  %s accepted or wrong message: %s\n", file, p ? "(accepted)" : err.msg);
    gl_plan_free(&p);
    gl_result_free(&r);
    gl_kb_free(&kb);
    remove_copy();
}

/* Text from the knowledge base is HTML-escaped in the handout. */
static void handout_escapes(void)
{
    gl_kb *kb;
    gl_result *r = upmc_with("plan/handouts.tsv", "Gluteus medius muscle pain (myofascial pain)",
                             "Muscle <script>alert(1)</script> & \"pain\"", &kb);
    int c = kb ? gl_kb_condition_index(kb, "gluteus_medius_myofascial_pain") : -1;
    char *html = r ? gl_handout_html(r, c, NULL) : NULL;
    CHECK(html && !strstr(html, "<script>") && strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;"));
    free(html);
    gl_result_free(&r);
    gl_kb_free(&kb);
    remove_copy();
}

void test_plan(void)
{
    gl_error err;
    gl_kb *kb = gl_kb_load_builtin(&err);
    CHECK(kb != NULL);
    if (!kb)
        return;
    upmc_gets_lumbar_mri(kb);
    early_uncomplicated_no_mri(kb);
    cureus_prolotherapy(kb);
    red_flags_first(kb);
    score_cutoffs();
    scores_from_measurements(kb);
    handout_uses_side(kb);
    handout_urgent_no_exercise(kb);
    gl_kb_free(&kb);
    handout_escapes();
    broken_plan_refused("plan/workup.tsv", "\tlumbosacral_radiculopathy\t", "\tlumbar_radiculopathy\t",
                        "unknown condition");
    broken_plan_refused("plan/treatments.tsv", "\tseed 002 (Yoon 2026 Cureus e102370)\n", "\t\n", "empty field");
    broken_plan_refused("plan/exercises.tsv", "\t30\t3\t2\tstretch\t", "\t30\t\t2\tstretch\t", "whole number");
    broken_plan_refused("plan/handouts.tsv", "\thome\texr_bird_dog", "\thome\texr_no_such", "unknown exercise");
}
