/* score.c - scoring helpers the seeds give criteria for, applied to the
 * measurements and findings of a case: Tonnis grade of hip osteoarthritis,
 * modified Kerboul necrotic-angle collapse risk (Ha 2006), diagnostic facet
 * block interpretation (single vs dual concordant blocks) and the ischiofemoral
 * space cut-offs. Each score carries its source. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plan/plan.h"

static const char src_tonnis[] = "seed 003 (UPMC) Tonnis radiograph grading scale for hip OA";
static const char src_kerboul[] = "seed 003 (UPMC); Ha 2006 J Bone Joint Surg Am (37 hips, >=5-year follow-up): "
                                  "collapse 0/4 low, 4/8 moderate, 25/25 high";
static const char src_block[] = "seed 003 (UPMC): >80% relief, two blocks because single blocks are "
                                "false-positive in 25-40%; Schwarzer 1994 Pain 58:195";
static const char src_ifs[] = "Singer 2015 Skeletal Radiol meta-analysis (IFS <=15 mm sens 0.77, spec 0.81); "
                              "Tosun 2012 (normal >18 mm); Kwak 2018 Hip Pelvis 30:219 (false profile <=10.3 mm)";

int score_kerboul_group(double angle)
{
    if (angle < 190)
        return KERBOUL_LOW;
    return angle <= 240 ? KERBOUL_MODERATE : KERBOUL_HIGH;
}

/* A block is positive with 80% or more relief (the knowledge base's finding definition). */
int score_block_verdict(double relief1, double relief2)
{
    bool has1 = !isnan(relief1), has2 = !isnan(relief2);
    bool pos1 = has1 && relief1 >= 80, pos2 = has2 && relief2 >= 80;
    if (!has1 && !has2)
        return BLOCK_UNKNOWN;
    if (has1 && has2)
        return pos1 && pos2 ? BLOCK_DUAL_POSITIVE : pos1 || pos2 ? BLOCK_DISCORDANT : BLOCK_NEGATIVE;
    return pos1 || pos2 ? BLOCK_SINGLE_POSITIVE : BLOCK_NEGATIVE;
}

/* Value of measurement `id` in the case, or NAN. */
static double measured(const gl_result *r, const char *id)
{
    int m = kb_measure_index(r->kb, id);
    for (int i = 0; m >= 0 && i < r->nmeas; i++)
        if (r->meas[i].meas == m)
            return r->meas[i].value;
    return NAN;
}

static plan_score *next(plan_score *out, int *n, int max, const char *name, const char *source)
{
    if (*n >= max)
        return NULL;
    plan_score *s = &out[(*n)++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->source = source;
    return s;
}

static void tonnis(const gl_result *r, plan_score *out, int *n, int max)
{
    static const char *const grade[] = {
        "no signs of OA",
        "slight joint-space narrowing, slight lipping of the joint margin, slight sclerosis",
        "small cysts, increasing joint-space narrowing, moderate loss of femoral head sphericity",
        "large cysts, severe joint-space narrowing, severe femoral head deformity or avascular necrosis"};
    double g = measured(r, "img_xray_tonnis_grade");
    plan_score *s;
    if (isnan(g) || !(s = next(out, n, max, "Tonnis grade (hip OA, radiograph)", src_tonnis)))
        return;
    int k = (int)lround(g);
    snprintf(s->input, sizeof s->input, "img_xray_tonnis_grade = %g", g);
    snprintf(s->value, sizeof s->value, "grade %d%s", k, g != k ? " (rounded)" : "");
    snprintf(s->meaning, sizeof s->meaning, "%s.%s", grade[k],
             k >= 2 ? " Established OA: treat along the OA ladder; arthroplasty opinion if function is lost "
                      "despite conservative care."
                    : " Little or no radiographic OA: if intra-articular pain is still suspected, MRI.");
}

static void kerboul(const gl_result *r, plan_score *out, int *n, int max)
{
    static const char *const group[] = {
        "Low collapse risk (under 190 deg): 0 of 4 hips collapsed; small pre-collapse lesions may be observed.",
        "Moderate collapse risk (190-240 deg): 4 of 8 hips (50%) collapsed; close follow-up and consider "
        "joint-preserving treatment.",
        "High collapse risk (over 240 deg): 25 of 25 hips collapsed; early orthopaedic referral for "
        "joint-preserving surgery before collapse."};
    double a = measured(r, "img_mri_necrotic_angle_deg");
    plan_score *s;
    if (isnan(a) || !(s = next(out, n, max, "Modified Kerboul combined necrotic angle (AVN)", src_kerboul)))
        return;
    snprintf(s->input, sizeof s->input, "img_mri_necrotic_angle_deg = %g", a);
    if (a <= 0) {
        snprintf(s->value, sizeof s->value, "no necrotic arc");
        snprintf(s->meaning, sizeof s->meaning, "No osteonecrosis measured on MRI.");
        return;
    }
    int k = score_kerboul_group(a);
    snprintf(s->value, sizeof s->value, "%s", k == KERBOUL_LOW ? "low" : k == KERBOUL_MODERATE ? "moderate" : "high");
    snprintf(s->meaning, sizeof s->meaning, "%s", group[k]);
}

static const char *block_meaning(int v)
{
    switch (v) {
    case BLOCK_DUAL_POSITIVE:
        return "Two concordant positive blocks (80% or more relief each): facet pain confirmed as far as "
               "blocks allow; medial branch radiofrequency denervation can be discussed.";
    case BLOCK_SINGLE_POSITIVE:
        return "One positive block only: single blocks are false-positive in 25-40%; repeat a second "
               "(comparative) block before any radiofrequency denervation.";
    case BLOCK_DISCORDANT:
        return "Blocks disagree (one positive, one not): treat as not confirmed; look for another source "
               "(SIJ, disc, hip).";
    default:
        return "Negative block (under 80% relief): facet joints are unlikely to be the main source.";
    }
}

static void blocks(const gl_result *r, plan_score *out, int *n, int max)
{
    double b1 = measured(r, "proc_facet_block1_relief_pct"), b2 = measured(r, "proc_facet_block2_relief_pct");
    int single = kb_find(r->kb, "proc_facet_block_single_positive");
    int dual = kb_find(r->kb, "proc_facet_block_dual_positive");
    int v = score_block_verdict(b1, b2);
    if (v == BLOCK_UNKNOWN && dual >= 0 && r->state[dual] != 0)
        v = r->state[dual] > 0 ? BLOCK_DUAL_POSITIVE : BLOCK_DISCORDANT;
    else if (v == BLOCK_UNKNOWN && single >= 0 && r->state[single] != 0)
        v = r->state[single] > 0 ? BLOCK_SINGLE_POSITIVE : BLOCK_NEGATIVE;
    plan_score *s;
    if (v == BLOCK_UNKNOWN || !(s = next(out, n, max, "Diagnostic facet blocks", src_block)))
        return;
    char r1[32] = "not done", r2[32] = "not done";
    if (!isnan(b1))
        snprintf(r1, sizeof r1, "%g%% relief", b1);
    if (!isnan(b2))
        snprintf(r2, sizeof r2, "%g%% relief", b2);
    if (isnan(b1) && isnan(b2))
        snprintf(s->input, sizeof s->input, "recorded block findings");
    else
        snprintf(s->input, sizeof s->input, "block 1 %s, block 2 %s", r1, r2);
    static const char *const names[] = {"unknown", "negative", "single positive (unconfirmed)", "discordant",
                                        "dual concordant positive"};
    snprintf(s->value, sizeof s->value, "%s", names[v]);
    snprintf(s->meaning, sizeof s->meaning, "%s", block_meaning(v));
}

static void ifs(const gl_result *r, plan_score *out, int *n, int max)
{
    double mri = measured(r, "img_ischiofemoral_space_mm"), fp = measured(r, "img_false_profile_ifs_mm");
    plan_score *s;
    if ((isnan(mri) && isnan(fp)) || !(s = next(out, n, max, "Ischiofemoral space", src_ifs)))
        return;
    if (!isnan(mri)) {
        snprintf(s->input, sizeof s->input, "MRI IFS = %g mm", mri);
        snprintf(s->value, sizeof s->value, "%s", mri <= 15 ? "narrow" : mri <= 18 ? "borderline" : "normal");
        snprintf(s->meaning, sizeof s->meaning, "%s",
                 mri <= 15 ? "At or below 15 mm: supports ischiofemoral impingement (sens 0.77, spec 0.81); look "
                             "for quadratus femoris oedema. Hip position changes IFS by 4 mm or more in a third."
                 : mri <= 18 ? "Between 15 and 18 mm: indeterminate; weigh quadratus femoris oedema and the "
                               "examination (long-stride walking and IFI tests)."
                             : "Above 18 mm: normal space; ischiofemoral impingement unlikely.");
        return;
    }
    snprintf(s->input, sizeof s->input, "false-profile radiograph IFS = %g mm", fp);
    snprintf(s->value, sizeof s->value, "%s", fp <= 10.3 ? "narrow" : "not narrow");
    snprintf(s->meaning, sizeof s->meaning, "%s",
             fp <= 10.3 ? "At or below 10.3 mm (sens 0.88, spec 0.88): confirm with pelvic MRI."
                        : "Above 10.3 mm: radiographic screen negative; MRI only if suspicion stays high.");
}

int score_case(const gl_result *r, plan_score *out, int max)
{
    int n = 0;
    tonnis(r, out, &n, max);
    kerboul(r, out, &n, max);
    blocks(r, out, &n, max);
    ifs(r, out, &n, max);
    return n;
}
