/* test_localize.c - neurological localisation as a clinician relies on it: the
 * classic patterns (L4, L5, S1 roots; common fibular versus L5; sciatic versus
 * L5; superior gluteal; pudendal) put the right site first for the right
 * reason, the seed case localises to L5 and says why the common fibular nerve
 * is less likely, normal findings count against the sites that should affect
 * them, and the assessment reports the localisation without changing the
 * posteriors. Case files: tests/cases/localize/. Runs from the repo root. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assess/result.h"
#include "harness.h"
#include "localize/localize.h"

void test_localize(void);

static gl_localization *load(const gl_kb *kb, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "tests/cases/localize/%s.json", name);
    gl_error err;
    gl_case *c = gl_case_read_file(kb, path, &err);
    if (!c) {
        fprintf(stderr, "%s\n", err.msg);
        return NULL;
    }
    gl_localization *l = gl_localize(kb, c, &err);
    if (!l)
        fprintf(stderr, "%s\n", err.msg);
    gl_case_free(&c);
    return l;
}

static int site_index(const gl_localization *l, const char *id)
{
    for (int s = 0; s < l->an->nsite; s++)
        if (!strcmp(l->an->site[s].id, id))
            return s;
    return -1;
}

static int rank_of(const gl_localization *l, const char *id)
{
    for (int i = 0; i < l->an->nsite; i++)
        if (!strcmp(l->an->site[l->order[i]].id, id))
            return i + 1;
    return 0;
}

/* True when one of the strongest `max` reasons for `a` over `b` is finding f1 or f2. */
static bool reason_is(const gl_localization *l, const char *a, const char *b, int max, const char *f1,
                      const char *f2)
{
    loc_reason rs[8];
    int n = localize_reasons(l, site_index(l, a), site_index(l, b), rs, max);
    for (int i = 0; i < n; i++) {
        const char *id = l->kb->find[l->use[rs[i].use]].id;
        if (!strcmp(id, f1) || (f2 && !strcmp(id, f2)))
            return true;
    }
    return false;
}

static bool separator_is(const gl_localization *l, int max, const char *f1, const char *f2)
{
    int us[8];
    int n = localize_separators(l, l->order[0], l->order[1], us, max);
    for (int i = 0; i < n; i++) {
        const char *id = l->kb->find[l->use[us[i]]].id;
        if (!strcmp(id, f1) || !strcmp(id, f2))
            return true;
    }
    return false;
}

/* The localisation of l's case with one finding answered (v = 1 present, -1
 * absent): the counterfactuals below. NULL on a memory failure. */
static gl_localization *with_answer(const gl_kb *kb, const gl_localization *l, const char *finding, signed char v)
{
    signed char *st = malloc((size_t)kb->nfind);
    if (!st)
        return NULL;
    memcpy(st, l->state, (size_t)kb->nfind);
    st[kb_find(kb, finding)] = v;
    gl_localization *x = localize_state(kb, st, NULL, NULL);
    free(st);
    return x;
}

/* The classic root patterns: right root first, supporting radiculopathy, and
 * the neighbouring nerve loses for an anatomical reason. */
static void roots(const gl_kb *kb)
{
    gl_localization *l = load(kb, "l4_root");
    CHECK(l && !strcmp(gl_localization_site(l, 1), "root_L4"));
    CHECK(l && !strcmp(gl_localization_supports(l, 1), "lumbosacral_radiculopathy"));
    /* tibialis anterior is L4 but not femoral: the femoral nerve cannot explain it */
    CHECK(l && reason_is(l, "root_L4", "femoral", 2, "ex_weakness_ankle_dorsiflexion", NULL));
    gl_localization_free(&l);

    l = load(kb, "l5_root");
    CHECK(l && !strcmp(gl_localization_site(l, 1), "root_L5"));
    CHECK(l && reason_is(l, "root_L5", "common_fibular", 2, "ex_weakness_ankle_inversion", "ex_weakness_hip_abduction"));
    gl_localization_free(&l);

    l = load(kb, "s1_root");
    CHECK(l && !strcmp(gl_localization_site(l, 1), "root_S1"));
    /* gluteus maximus (inferior gluteal nerve) and a preserved sural SNAP place it above the tibial nerve */
    CHECK(l && reason_is(l, "root_S1", "tibial", 2, "ex_weakness_hip_extension", "proc_ncs_sural_snap_reduced"));
    gl_localization_free(&l);
}

/* Common fibular versus L5: normal hip abduction and inversion decide it; with
 * both untested they are what the report asks for. */
static void fibular_versus_l5(const gl_kb *kb)
{
    gl_localization *l = load(kb, "common_fibular");
    CHECK(l && !strcmp(gl_localization_site(l, 1), "common_fibular"));
    CHECK(l && rank_of(l, "root_L5") > 1);
    CHECK(l && reason_is(l, "common_fibular", "root_L5", 2, "ex_weakness_hip_abduction", "ex_weakness_ankle_inversion"));
    gl_localization_free(&l);

    l = load(kb, "footdrop_open");
    CHECK(l && rank_of(l, "common_fibular") <= 2 && rank_of(l, "root_L5") <= 2);
    CHECK(l && separator_is(l, 4, "ex_weakness_ankle_inversion", "ex_weakness_hip_abduction"));
    /* a root tension sign moves the same foot drop towards L5: a positive
     * straight-leg raise narrows the fibular head's lead over the L5 root
     * and becomes a reason for L5, a negative one widens the lead
     * (kb/anatomy/sensory.tsv) */
    if (l) {
        int fib = site_index(l, "common_fibular"), l5 = site_index(l, "root_L5");
        double lead = l->logl[fib] - l->logl[l5];
        gl_localization *x = with_answer(kb, l, "ex_slr", 1);
        CHECK(x && x->logl[fib] - x->logl[l5] < lead - 0.8);
        CHECK(x && reason_is(x, "root_L5", "common_fibular", 2, "ex_slr", NULL));
        gl_localization_free(&x);
        x = with_answer(kb, l, "ex_slr", -1);
        CHECK(x && x->logl[fib] - x->logl[l5] > lead + 0.3);
        gl_localization_free(&x);
    }
    gl_localization_free(&l);
}

/* Sciatic below the notch versus L5: intact hip abductors and normal
 * paraspinal EMG put the lesion in the deep gluteal space. */
static void sciatic_versus_l5(const gl_kb *kb)
{
    gl_localization *l = load(kb, "sciatic_deep_gluteal");
    CHECK(l && !strcmp(gl_localization_site(l, 1), "sciatic_deep_gluteal"));
    CHECK(l && !strcmp(gl_localization_supports(l, 1), "deep_gluteal_syndrome"));
    CHECK(l && rank_of(l, "root_L5") > rank_of(l, "sciatic_deep_gluteal"));
    CHECK(l && reason_is(l, "sciatic_deep_gluteal", "root_L5", 8, "ex_weakness_hip_abduction", NULL));
    CHECK(l && reason_is(l, "sciatic_deep_gluteal", "root_L5", 8, "proc_emg_paraspinal_denervation", NULL));
    /* counterfactual: with weak hip abductors the sciatic lead over L5 shrinks */
    if (l) {
        int sci = site_index(l, "sciatic_deep_gluteal"), l5 = site_index(l, "root_L5");
        double lead = l->logl[sci] - l->logl[l5];
        gl_localization *x = with_answer(kb, l, "ex_weakness_hip_abduction", 1);
        CHECK(x && x->logl[sci] - x->logl[l5] < lead - 1);
        gl_localization_free(&x);
    }
    gl_localization_free(&l);
}

static void superior_gluteal_and_pudendal(const gl_kb *kb)
{
    gl_localization *l = load(kb, "superior_gluteal");
    CHECK(l && !strcmp(gl_localization_site(l, 1), "superior_gluteal"));
    CHECK(l && !strcmp(gl_localization_supports(l, 1), "superior_gluteal_nerve_entrapment"));
    /* an L5 lesion would have weakened the distal L5 muscles too */
    CHECK(l && (reason_is(l, "superior_gluteal", "root_L5", 4, "ex_weakness_ehl", "ex_weakness_ankle_inversion") ||
                reason_is(l, "superior_gluteal", "root_L5", 4, "ex_weakness_ankle_dorsiflexion", NULL)));
    gl_localization_free(&l);

    l = load(kb, "pudendal");
    CHECK(l && !strcmp(gl_localization_site(l, 1), "pudendal"));
    CHECK(l && !strcmp(gl_localization_supports(l, 1), "pudendal_nerve_entrapment"));
    gl_localization_free(&l);
}

/* A normal examination points to no focal lesion. */
static void no_deficit(const gl_kb *kb)
{
    gl_localization *l = load(kb, "no_deficit");
    CHECK(l && gl_localization_findings_present(l) == 0);
    for (int s = 0; l && s < l->an->nsite; s++)
        CHECK(l->share[l->an->nsite] >= l->share[s]);
    gl_localization_free(&l);
}

/* Over every site and finding of the anatomy: a present finding never counts
 * against a site that can produce it, a normal one never for it, and the
 * shares are a distribution. */
static void properties(const gl_kb *kb)
{
    signed char *state = calloc((size_t)kb->nfind, 1);
    gl_localization *l = state ? localize_state(kb, state, NULL, NULL) : NULL;
    CHECK(l != NULL);
    int bad = 0;
    for (int u = 0; l && u < l->nuse; u++)
        for (int v = -1; v <= 1; v += 2) {
            state[l->use[u]] = (signed char)v;
            gl_localization *x = localize_state(kb, state, NULL, NULL);
            double sum = 0;
            for (int h = 0; x && h <= x->an->nsite; h++) {
                double d = x->logl[h] - x->logl[x->an->nsite];
                bad += v > 0 ? d < -1e-12 : d > 1e-12;
                sum += x->share[h];
            }
            bad += !x || fabs(sum - 1) > 1e-9;
            gl_localization_free(&x);
            state[l->use[u]] = 0;
        }
    CHECK(bad == 0);
    gl_localization_free(&l);
    free(state);
}

/* Sensory potentials are spared by root lesions, a fibular-head block only
 * appears with a lesion at the fibular head, and every site can explain
 * something the case format accepts. */
static void anatomy_properties(const gl_kb *kb)
{
    signed char *state = calloc((size_t)kb->nfind, 1);
    gl_localization *l = state ? localize_state(kb, state, NULL, NULL) : NULL;
    CHECK(l != NULL);
    for (int u = 0; l && u < l->nuse; u++) {
        const char *id = kb->find[l->use[u]].id;
        double base = kb->find[l->use[u]].base;
        if (!strcmp(id, "proc_ncs_sural_snap_reduced"))
            CHECK_NEAR(l->p[site_index(l, "root_S1") * l->nuse + u], base, 1e-12);
        if (!strcmp(id, "proc_ncs_fibular_conduction_block_knee")) {
            CHECK_NEAR(l->p[site_index(l, "sciatic_deep_gluteal") * l->nuse + u], base, 1e-12);
            CHECK(l->p[site_index(l, "common_fibular") * l->nuse + u] > 0.5);
        }
    }
    /* every site can explain at least one finding the case format accepts */
    for (int s = 0; l && s < l->an->nsite; s++) {
        bool any = false;
        for (int u = 0; u < l->nuse; u++)
            any |= l->p[s * l->nuse + u] > l->p[l->an->nsite * l->nuse + u] + 0.1;
        CHECK(any);
    }
    gl_localization_free(&l);
    free(state);
}

/* The seed vignette: L5 first, the common fibular nerve less likely because of
 * the weak hip abductors. */
static void seed_case(const gl_kb *kb)
{
    gl_error err;
    gl_case *c = gl_case_read_file(kb, "examples/upmc-golfer.json", &err);
    CHECK(c != NULL);
    if (!c)
        return;
    gl_localization *l = gl_localize(kb, c, &err);
    CHECK(l && !strcmp(gl_localization_site(l, 1), "root_L5"));
    CHECK(l && rank_of(l, "common_fibular") > 1);
    CHECK(l && reason_is(l, "root_L5", "common_fibular", 1, "ex_weakness_hip_abduction", NULL));
    char *txt = l ? gl_localization_text(l, 0) : NULL;
    CHECK(txt && strstr(txt, "common fibular nerve (fibular head): ex_weakness_hip_abduction present"));
    free(txt);
    gl_localization_free(&l);
    gl_case_free(&c);
}

/* The assessment of the seed case carries the localisation section and what it
 * supports, and its posteriors are the same before and after rendering. */
static void seed_assessment(const gl_kb *kb)
{
    gl_error err;
    gl_case *c = gl_case_read_file(kb, "examples/upmc-golfer.json", &err);
    gl_result *r = c ? gl_assess(kb, c, &err) : NULL;
    gl_case_free(&c);
    CHECK(r != NULL);
    if (!r)
        return;
    int lsr = gl_kb_condition_index(kb, "lumbosacral_radiculopathy");
    double before = gl_result_probability(r, lsr);
    char *js = gl_result_json(r, 0);
    char *text = gl_result_text(r, 0);
    json_error_t je;
    json_t *o = js ? json_loads(js, 0, &je) : NULL;
    json_t *loc = json_object_get(o, "localization");
    CHECK(json_is_object(loc));
    json_t *sites = json_object_get(loc, "sites");
    CHECK(json_array_size(sites) >= 2 &&
          !strcmp(json_string_value(json_object_get(json_array_get(sites, 0), "site")), "root_L5"));
    json_t *sup = json_object_get(loc, "supports");
    CHECK(!strcmp(json_string_value(json_object_get(sup, "condition")), "lumbosacral_radiculopathy"));
    CHECK(json_integer_value(json_object_get(sup, "differential_rank")) == 1);
    CHECK(text && strstr(text, "NEUROLOGICAL LOCALISATION") && strstr(text, "Supports: lumbosacral_radiculopathy"));
    CHECK(gl_result_probability(r, lsr) == before); /* reported, never fed into the posteriors */
    json_decref(o);
    free(js);
    free(text);
    gl_result_free(&r);
}

/* Bad input: NULL arguments and a broken anatomy table are refused with the file named. */
static void refusals(void)
{
    gl_error err;
    CHECK(gl_localize(NULL, NULL, &err) == NULL && err.code == GL_ERR_USAGE);
    CHECK(gl_localization_site(NULL, 1) == NULL && gl_localization_text(NULL, 0) == NULL);
    char dir[] = "/tmp/gluteal-loc-XXXXXX", cmd[256], path[300];
    if (!mkdtemp(dir))
        return;
    snprintf(cmd, sizeof cmd, "cp -r kb/. %s/", dir);
    CHECK(system(cmd) == 0);
    snprintf(path, sizeof path, "%s/anatomy/sites.tsv", dir);
    FILE *f = fopen(path, "a");
    if (f) {
        fputs("bogus\tbogus site\tnerve\tno_such_nerve\t-\tsome source\n", f);
        fclose(f);
    }
    gl_kb *kb = gl_kb_load_dir(dir, &err);
    static const char text_case[] = "{\"format\":\"gluteal-case/1\",\"patient\":{\"age\":40,\"sex\":\"male\"},"
                                    "\"findings\":{\"ex_weakness_ehl\":true}}";
    gl_case *c = kb ? gl_case_parse(kb, text_case, strlen(text_case), "inline", &err) : NULL;
    CHECK(c != NULL);
    gl_localization *l = c ? gl_localize(kb, c, &err) : NULL;
    CHECK(l == NULL && err.code == GL_ERR_KB && strstr(err.msg, "anatomy/sites.tsv") && strstr(err.msg, "no_such_nerve"));
    gl_result *r = c ? gl_assess(kb, c, &err) : NULL;
    char *text = r ? gl_result_text(r, 0) : NULL;
    CHECK(text && strstr(text, "NEUROLOGICAL LOCALISATION unavailable"));
    free(text);
    gl_result_free(&r);
    gl_case_free(&c);
    gl_kb_free(&kb);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

void test_localize(void)
{
    gl_error err;
    gl_kb *kb = gl_kb_load_builtin(&err);
    CHECK(kb != NULL);
    if (!kb)
        return;
    roots(kb);
    fibular_versus_l5(kb);
    sciatic_versus_l5(kb);
    superior_gluteal_and_pudendal(kb);
    no_deficit(kb);
    properties(kb);
    anatomy_properties(kb);
    seed_case(kb);
    seed_assessment(kb);
    refusals();
    gl_kb_free(&kb);
}
