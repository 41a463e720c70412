/* loc_render.c - the localisation as a clinician's text section and as JSON:
 * ranked sites, why each runner-up is less likely than the leader, which
 * untested finding would separate the top two, and which condition the
 * leading site supports. Used by `gluteal localize` and inside `assess`. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assess/result.h"
#include "localize.h"

#define TEXT_SITES 6
#define COMPACT_SITES 4
#define WHY_NOT 4
#define SEPARATORS 3
#define MIN_LESION_LR 10.0
#define BILATERAL "CAUTION: a bilateral or saddle finding is present; single-site localisation assumes one lesion " \
                  "on one side (consider cauda equina or a bilateral process).\n" /* top site must beat "no focal lesion" this much to support anything */

typedef struct view {
    const gl_localization *l;
    const gl_result *r;     /* NULL for the stand-alone report */
    const char *bold, *off;
} view;

static const char *site_name(const gl_localization *l, int s) { return l->an->site[s].name; }
static const char *fid(const gl_localization *l, int u) { return l->kb->find[l->use[u]].id; }
static double pget(const gl_localization *l, int h, int u) { return l->p[h * l->nuse + u]; }

/* "gluteus medius (superior gluteal nerve; L4 L5* S1)" for the structure behind p(h, u). */
static void structure(sbuf *b, const gl_localization *l, int h, int u)
{
    int e = l->best[h * l->nuse + u];
    if (e < 0)
        return;
    const loc_elem *x = &l->an->elem[e];
    sb_printf(b, "%s (%s; %s)", x->what, x->node >= 0 ? l->an->node[x->node].name : "roots",
              strcmp(x->roots_text, "-") ? x->roots_text : "no root produces it");
}

static double lesion_lr(const gl_localization *l, int s) { return exp(l->logl[s] - l->logl[l->an->nsite]); }

/* ---- text ---- */
static void explains(sbuf *b, const gl_localization *l, int s)
{
    int n = 0;
    for (int u = 0; u < l->nuse; u++)
        if (l->state[l->use[u]] > 0 && pget(l, s, u) > 1.5 * pget(l, l->an->nsite, u))
            sb_printf(b, "%s%s", n++ ? ", " : "  explains ", fid(l, u));
}

/* Sites worth showing: the first two, then any with at least 1% of the fit. */
static int shown_sites(const gl_localization *l, int max)
{
    int n = 0;
    while (n < max && n < l->an->nsite && (n < 2 || l->share[l->order[n]] >= 0.01))
        n++;
    return n;
}

static void site_lines(sbuf *b, const view *v, int max)
{
    const gl_localization *l = v->l;
    for (int i = 0; i < shown_sites(l, max); i++) {
        int s = l->order[i];
        sb_printf(b, "%3d  %s%-44s%s %3.0f%%", i + 1, i ? "" : v->bold, site_name(l, s), i ? "" : v->off,
                  l->share[s] * 100);
        explains(b, l, s);
        sb_puts(b, "\n");
    }
    sb_printf(b, "     %-44s %3.0f%%\n", "(no focal lesion: findings at their base rates)",
              l->share[l->an->nsite] * 100);
}

static void reason_line(sbuf *b, const gl_localization *l, int a, int c, const loc_reason *rs)
{
    int u = rs->use;
    bool present = l->state[l->use[u]] > 0;
    if (present) {
        sb_printf(b, "%s present: expected in %.0f%% with the %s vs %.0f%% with the %s", fid(l, u),
                  pget(l, a, u) * 100, site_name(l, a), pget(l, c, u) * 100, site_name(l, c));
        if (l->best[c * l->nuse + u] < 0) {
            sb_puts(b, "; ");
            structure(b, l, a, u);
            sb_puts(b, " lies outside its territory");
        }
    } else {
        sb_printf(b, "%s normal: abnormal in %.0f%% with the %s vs %.0f%% with the %s", fid(l, u),
                  pget(l, c, u) * 100, site_name(l, c), pget(l, a, u) * 100, site_name(l, a));
        if (l->best[c * l->nuse + u] >= 0) {
            sb_puts(b, "; ");
            structure(b, l, c, u);
        }
    }
}

static void why_not(sbuf *b, const view *v, int alternatives)
{
    const gl_localization *l = v->l;
    int top = l->order[0];
    sb_printf(b, "Why the next sites are less likely than the %s:\n", site_name(l, top));
    for (int i = 1; i <= alternatives && i < shown_sites(l, alternatives + 1); i++) {
        int c = l->order[i];
        loc_reason rs[2];
        int n = localize_reasons(l, top, c, rs, 2);
        sb_printf(b, "   %s: %s", site_name(l, c), n ? "" : "fits as well on the findings known; see below\n");
        for (int k = 0; k < n; k++) {
            sb_puts(b, k ? "\n      and " : "");
            reason_line(b, l, top, c, &rs[k]);
        }
        sb_puts(b, n ? "\n" : "");
    }
}

static void separators(sbuf *b, const gl_localization *l)
{
    int a = l->order[0], c = l->order[1], us[SEPARATORS];
    int n = localize_separators(l, a, c, us, SEPARATORS);
    if (!n) {
        sb_printf(b, "No untested finding separates the %s from the %s well.\n", site_name(l, a), site_name(l, c));
        return;
    }
    sb_printf(b, "To separate the %s from the %s, test:\n", site_name(l, a), site_name(l, c));
    for (int i = 0; i < n; i++)
        sb_printf(b, "   - %s: abnormal in %.0f%% with the %s vs %.0f%% with the %s (%s)\n", fid(l, us[i]),
                  pget(l, a, us[i]) * 100, site_name(l, a), pget(l, c, us[i]) * 100, site_name(l, c),
                  l->kb->find[l->use[us[i]]].question);
}

static const char *strength(double margin) { return margin >= 4 ? "strong" : margin >= 1.5 ? "moderate" : "weak"; }

static void support_line(sbuf *b, const view *v)
{
    const gl_localization *l = v->l;
    int top = l->order[0], next;
    double margin = localize_margin(l, &next);
    int cond = l->an->site[top].supports;
    if (lesion_lr(l, top) < MIN_LESION_LR) {
        sb_puts(b, "Supports: nothing yet (the findings do not point clearly to a focal lesion).\n");
        return;
    }
    if (next >= 0 && margin < 1.5) {
        sb_printf(b, "Supports: not decisive (the %s fits about as well as the %s, %.1fx).\n", site_name(l, top),
                  site_name(l, next), margin);
        return;
    }
    if (cond < 0)
        sb_printf(b, "Supports: no condition of the knowledge base (the %s is outside buttock-pain causes modelled "
                     "here)", site_name(l, top));
    else
        sb_printf(b, "Supports: %s%s%s", v->bold, l->kb->cond[cond].id, v->off);
    if (next >= 0)
        sb_printf(b, " - %s: %.1fx the %s", strength(margin), margin, site_name(l, next));
    if (cond >= 0 && v->r)
        sb_printf(b, "; differential rank %d, %.0f%%", gl_result_rank(v->r, cond), v->r->prob[cond] * 100);
    sb_puts(b, ".\n");
}

static void body(sbuf *b, const view *v, bool compact)
{
    const gl_localization *l = v->l;
    if (l->bilateral)
        sb_puts(b, BILATERAL);
    site_lines(b, v, compact ? COMPACT_SITES : TEXT_SITES);
    why_not(b, v, compact ? WHY_NOT - 1 : WHY_NOT);
    separators(b, l);
    support_line(b, v);
}

void localize_text(sbuf *b, const gl_localization *l, const gl_result *r, bool color)
{
    view v = {l, r, color ? "\033[1m" : "", color ? "\033[0m" : ""};
    if (!l->npresent) {
        sb_printf(b, "%sNEUROLOGICAL LOCALISATION%s: no localising deficit recorded (%d tested finding%s documented "
                     "normal).\n", v.bold, v.off, l->nabsent, l->nabsent == 1 ? "" : "s");
        if (l->bilateral)
            sb_puts(b, BILATERAL);
        return;
    }
    sb_printf(b, "%sNEUROLOGICAL LOCALISATION%s (lesion sites ranked by fit to %d present and %d normal "
                 "neurological findings; relative fit, not a diagnosis)\n",
              v.bold, v.off, l->npresent, l->nabsent);
    body(b, &v, r != NULL);
}

char *gl_localization_text(const gl_localization *l, int flags)
{
    if (!l)
        return NULL;
    sbuf b;
    sb_init(&b, 1u << 20);
    sb_printf(&b, "gluteal - neurological localisation; case %s\n", l->case_id ? l->case_id : "(no id)");
    sb_puts(&b, "Decision support for clinicians, not a diagnosis: check each line against the patient.\n\n");
    localize_text(&b, l, NULL, flags & GL_RENDER_COLOR);
    return sb_take(&b);
}

/* ---- JSON ---- */
static json_t *num(double v, int digits)
{
    double s = pow(10, digits);
    return json_real(isfinite(v) ? round(v * s) / s : (v > 0 ? 1e9 : -1e9));
}

static json_t *site_json(const gl_localization *l, int s)
{
    const loc_site *x = &l->an->site[s];
    json_t *o = json_object(), *ex = json_array(), *ag = json_array();
    json_object_set_new(o, "site", json_string(x->id));
    json_object_set_new(o, "name", json_string(x->name));
    json_object_set_new(o, "kind", json_string(x->kind));
    json_object_set_new(o, "share", num(l->share[s], 4));
    json_object_set_new(o, "log10_lr_vs_no_lesion", num((l->logl[s] - l->logl[l->an->nsite]) / log(10), 3));
    json_object_set_new(o, "supports", x->supports >= 0 ? json_string(l->kb->cond[x->supports].id) : json_null());
    for (int u = 0; u < l->nuse; u++) {
        double ratio = pget(l, s, u) / pget(l, l->an->nsite, u);
        signed char st = l->state[l->use[u]];
        if (st > 0 && ratio > 1.5)
            json_array_append_new(ex, json_string(fid(l, u)));
        else if (st < 0 && (1 - pget(l, s, u)) / (1 - pget(l, l->an->nsite, u)) < 0.67)
            json_array_append_new(ag, json_string(fid(l, u)));
    }
    json_object_set_new(o, "explains", ex);
    json_object_set_new(o, "normal_findings_against", ag);
    json_object_set_new(o, "source", json_string(x->source));
    return o;
}

static json_t *reason_json(const gl_localization *l, int a, int c, const loc_reason *rs)
{
    json_t *o = json_object();
    sbuf b;
    sb_init(&b, 4096);
    reason_line(&b, l, a, c, rs);
    char *text = sb_take(&b);
    json_object_set_new(o, "finding", json_string(fid(l, rs->use)));
    json_object_set_new(o, "present", json_boolean(l->state[l->use[rs->use]] > 0));
    json_object_set_new(o, "p_abnormal_top", num(pget(l, a, rs->use), 3));
    json_object_set_new(o, "p_abnormal_site", num(pget(l, c, rs->use), 3));
    json_object_set_new(o, "likelihood_ratio", num(exp(rs->llr), 2));
    json_object_set_new(o, "explanation", text ? json_string(text) : json_null());
    free(text);
    return o;
}

static json_t *why_not_json(const gl_localization *l)
{
    json_t *a = json_array();
    int top = l->order[0];
    for (int i = 1; i <= WHY_NOT && i < l->an->nsite; i++) {
        int c = l->order[i];
        loc_reason rs[3];
        int n = localize_reasons(l, top, c, rs, 3);
        json_t *o = json_object(), *ra = json_array();
        json_object_set_new(o, "site", json_string(l->an->site[c].id));
        for (int k = 0; k < n; k++)
            json_array_append_new(ra, reason_json(l, top, c, &rs[k]));
        json_object_set_new(o, "reasons", ra);
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *separators_json(const gl_localization *l)
{
    int a = l->order[0], c = l->order[1], us[SEPARATORS];
    int n = localize_separators(l, a, c, us, SEPARATORS);
    json_t *o = json_object(), *sites = json_array(), *fa = json_array();
    json_array_append_new(sites, json_string(l->an->site[a].id));
    json_array_append_new(sites, json_string(l->an->site[c].id));
    for (int i = 0; i < n; i++) {
        json_t *x = json_object();
        json_object_set_new(x, "finding", json_string(fid(l, us[i])));
        json_object_set_new(x, "question", json_string(l->kb->find[l->use[us[i]]].question));
        json_object_set_new(x, "p_abnormal_first", num(pget(l, a, us[i]), 3));
        json_object_set_new(x, "p_abnormal_second", num(pget(l, c, us[i]), 3));
        json_array_append_new(fa, x);
    }
    json_object_set_new(o, "sites", sites);
    json_object_set_new(o, "findings", fa);
    return o;
}

static json_t *supports_json(const gl_localization *l, const gl_result *r)
{
    int top = l->order[0], next;
    if (lesion_lr(l, top) < MIN_LESION_LR)
        return json_null();
    double margin = localize_margin(l, &next);
    int cond = l->an->site[top].supports;
    json_t *o = json_object();
    json_object_set_new(o, "condition", cond >= 0 ? json_string(l->kb->cond[cond].id) : json_null());
    json_object_set_new(o, "site", json_string(l->an->site[top].id));
    json_object_set_new(o, "next_site", next >= 0 ? json_string(l->an->site[next].id) : json_null());
    json_object_set_new(o, "ratio_to_next", next >= 0 ? num(margin, 2) : json_null());
    json_object_set_new(o, "strength", json_string(strength(margin)));
    json_object_set_new(o, "decisive", json_boolean(margin >= 1.5));
    if (r && cond >= 0) {
        json_object_set_new(o, "differential_rank", json_integer(gl_result_rank(r, cond)));
        json_object_set_new(o, "probability", num(r->prob[cond], 4));
    }
    json_object_set_new(o, "note", json_string("reported beside the differential; not added to the posteriors"));
    return o;
}

json_t *localize_json(const gl_localization *l, const gl_result *r)
{
    json_t *o = json_object(), *sites = json_array();
    json_object_set_new(o, "findings_present", json_integer(l->npresent));
    json_object_set_new(o, "findings_normal", json_integer(l->nabsent));
    json_object_set_new(o, "bilateral_caution", json_boolean(l->bilateral));
    json_object_set_new(o, "no_focal_lesion_share", num(l->share[l->an->nsite], 4));
    int shown = l->npresent ? (r ? COMPACT_SITES + 2 : l->an->nsite) : 0;
    for (int i = 0; i < shown && i < l->an->nsite; i++)
        json_array_append_new(sites, site_json(l, l->order[i]));
    json_object_set_new(o, "sites", sites);
    json_object_set_new(o, "less_likely_because", l->npresent ? why_not_json(l) : json_array());
    json_object_set_new(o, "separate_top_two", l->npresent ? separators_json(l) : json_null());
    json_object_set_new(o, "supports", l->npresent ? supports_json(l, r) : json_null());
    return o;
}

char *gl_localization_json(const gl_localization *l, int flags)
{
    if (!l)
        return NULL;
    json_t *o = localize_json(l, NULL);
    if (!o)
        return NULL;
    json_object_set_new(o, "case_id", l->case_id ? json_string(l->case_id) : json_null());
    char *s = json_dumps(o, (flags & GL_RENDER_PRETTY ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER |
                                JSON_REAL_PRECISION(6));
    json_decref(o);
    return s;
}

/* ---- inside the assessment ---- */
void localize_result_text(sbuf *b, const gl_result *r, bool color)
{
    gl_error err;
    gl_localization *l = localize_state(r->kb, r->state, r->case_id, &err);
    if (!l)
        sb_printf(b, "NEUROLOGICAL LOCALISATION unavailable: %s\n\n", err.msg);
    else {
        localize_text(b, l, r, color);
        sb_puts(b, "\n");
    }
    gl_localization_free(&l);
}

json_t *localize_result_json(const gl_result *r)
{
    gl_error err;
    gl_localization *l = localize_state(r->kb, r->state, r->case_id, &err);
    json_t *o = l ? localize_json(l, r) : json_null();
    gl_localization_free(&l);
    return o ? o : json_null();
}
