/* handout.c - the patient handout: one self-contained, printable HTML page (A4
 * and Letter through print CSS, no external resources) in plain language for
 * one condition: what it is, what to do at home, the exercise programme with
 * every hold, repetition count and daily frequency filled in, numbered steps
 * with a drawing, when to contact the clinician, and the decision-support
 * disclaimer. Every piece of text comes from kb/plan/ and is HTML-escaped. */
#include <stdlib.h>
#include <string.h>

#include "handout/handout.h"
#include "plan/plan.h"

#define HANDOUT_MAX (2u << 20)

static const char css[] =
    "*{box-sizing:border-box}"
    "body{font-family:'Segoe UI',Arial,Helvetica,sans-serif;font-size:17px;line-height:1.5;color:#1a1a1a;"
    "max-width:48em;margin:0 auto;padding:1.5em}"
    "h1{font-size:1.7em;line-height:1.2;margin:0 0 .2em;color:#123b5e}"
    "h2{font-size:1.25em;margin:1.3em 0 .4em;padding-bottom:.15em;border-bottom:2px solid #cfdbe6;color:#123b5e}"
    "h3{font-size:1.1em;margin:0 0 .4em}"
    ".sub{margin:0;color:#444}"
    ".box{border:2px solid #b3261e;background:#fdecea;border-radius:8px;padding:.6em 1em;margin:1em 0}"
    ".note{background:#eef4f9;border-radius:8px;padding:.6em 1em}"
    "ol,ul{padding-left:1.6em;margin:.3em 0}li{margin:.2em 0}"
    ".ex{border:1px solid #cfdbe6;border-radius:8px;padding:.8em 1em;margin:.8em 0;"
    "break-inside:avoid;page-break-inside:avoid}"
    ".exbody{display:flex;gap:1em;align-items:flex-start}"
    ".fig{flex:0 0 9.5em;width:9.5em;height:auto;background:#f7f9fb;border-radius:6px}"
    ".fig .bd{stroke:#123b5e;stroke-width:3.5;stroke-linecap:round}"
    ".fig .pr{stroke:#9aa7b2;stroke-width:2.5;stroke-linecap:round}"
    ".fig .mv{stroke:#c4561a;stroke-width:2.2;fill:none;stroke-linecap:round;stroke-linejoin:round}"
    ".fig .floor{stroke:#c9d1d8;stroke-width:1.5}.fig .hd{fill:#123b5e}"
    ".dose{display:flex;flex-wrap:wrap;gap:.5em;margin:.7em 0 0;padding:0;list-style:none}"
    ".dose li{flex:1 1 9em;margin:0;background:#eef4f9;border-radius:6px;padding:.35em .6em}"
    ".dose b{display:block;font-size:.8em;text-transform:uppercase;letter-spacing:.04em;color:#41576b}"
    ".warn .box li{font-weight:600}"
    "footer{margin-top:2em;font-size:.8em;color:#444;border-top:1px solid #ccc;padding-top:.6em}"
    "footer ul{padding-left:1.2em}"
    "@page{margin:14mm}"
    "@media print{body{font-size:11.5pt;max-width:none;padding:0}"
    "h2{break-after:avoid;page-break-after:avoid}.box,.note{-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}.dose li{-webkit-print-color-adjust:exact;print-color-adjust:exact}}"
    "@media (max-width:34em){.exbody{flex-direction:column}}";

/* Words replaced when the case says which side hurts (longest first). */
typedef struct swap {
    const char *from, *right, *left;
} swap;
static const swap swaps[] = {
    {"painful-side", "right", "left"},
    {"painful side", "right side", "left side"},
    {"good-side", "left", "right"},
    {"good side", "left side", "right side"},
};

/* HTML-escape s into b; side 0 left, 1 right, else keep the generic words. */
static void put(sbuf *b, const char *s, int side)
{
    for (; *s; s++) {
        const swap *w = NULL;
        for (size_t i = 0; (side == 0 || side == 1) && i < sizeof swaps / sizeof *swaps && !w; i++)
            if (!strncmp(s, swaps[i].from, strlen(swaps[i].from)))
                w = &swaps[i];
        if (w) {
            sb_puts(b, side == 1 ? w->right : w->left);
            s += strlen(w->from) - 1;
            continue;
        }
        switch (*s) {
        case '&': sb_puts(b, "&amp;"); break;
        case '<': sb_puts(b, "&lt;"); break;
        case '>': sb_puts(b, "&gt;"); break;
        case '"': sb_puts(b, "&quot;"); break;
        case '\'': sb_puts(b, "&#39;"); break;
        default: sb_putn(b, s, 1);
        }
    }
}

static void tag(sbuf *b, const char *open, const char *s, const char *close, int side)
{
    sb_puts(b, open);
    put(b, s, side);
    sb_puts(b, close);
}

static void list(sbuf *b, const char *kind, const char *const *items, int n, int side)
{
    sb_printf(b, "<%s>", kind);
    for (int i = 0; i < n; i++)
        tag(b, "<li>", items[i], "</li>", side);
    sb_printf(b, "</%s>", kind);
}

static bool urgent(const gl_result *r, const plan_handout *h)
{
    return h->policy == POLICY_URGENT || r->urgency >= URG_URGENT;
}

static void head(sbuf *b, const gl_result *r, const plan_handout *h, int side)
{
    sb_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    tag(b, "<title>", h->title, "</title>", side);
    sb_printf(b, "<style>%s</style></head><body>\n<header>", css);
    tag(b, "<h1>", h->title, "</h1>", side);
    sb_puts(b, urgent(r, h) ? "<p class=\"sub\">Important information for you. Keep this sheet with you.</p>"
                            "</header>\n"
                          : "<p class=\"sub\">Information and exercises to take home. Keep this sheet and bring it "
                            "to your next visit.</p></header>\n");
}

static void intro(sbuf *b, const gl_result *r, const plan_handout *h, int side)
{
    if (urgent(r, h))
        sb_puts(b, "<div class=\"box\"><strong>Important:</strong> some of your symptoms need prompt checks. "
                   "Please have the tests your clinician has arranged as soon as you are asked to, and do not "
                   "start any exercise programme until your clinician says it is safe.</div>\n");
    sb_puts(b, "<section><h2>What is it?</h2>");
    tag(b, "<p>", h->what, "</p></section>\n", side);
    sb_puts(b, "<section><h2>What you can do at home</h2>");
    list(b, "ol", h->home, h->nhome, side);
    sb_puts(b, "</section>\n");
}

static void times_a_day(sbuf *b, int n)
{
    if (n == 1)
        sb_puts(b, "Once a day");
    else if (n == 2)
        sb_puts(b, "Twice a day");
    else
        sb_printf(b, "%d times a day", n);
}

static void dose(sbuf *b, const plan_exercise *x)
{
    sb_puts(b, "<ul class=\"dose\"><li><b>Hold</b>");
    if (x->hold > 0)
        sb_printf(b, "%d second%s each time", x->hold, x->hold == 1 ? "" : "s");
    else
        sb_puts(b, strcmp(x->diagram, "walk") ? "No hold: move slowly and smoothly" : "No hold: keep a steady pace");
    sb_printf(b, "</li><li><b>Repeat</b>%d times</li><li><b>How often</b>", x->reps);
    times_a_day(b, x->per_day);
    sb_puts(b, "</li></ul>");
}

static void exercise(sbuf *b, const plan_exercise *x, int n, int side)
{
    sb_printf(b, "<article class=\"ex\"><h3>%d. ", n);
    put(b, x->name, side);
    sb_puts(b, "</h3><div class=\"exbody\">");
    handout_diagram(b, x->diagram);
    sb_puts(b, "<div>");
    list(b, "ol", x->steps, x->nsteps, side);
    sb_puts(b, "</div></div>");
    dose(b, x);
    sb_puts(b, "</article>\n");
}

static void programme(sbuf *b, const gl_result *r, const plan_kb *pk, const plan_handout *h, int side)
{
    sb_puts(b, "<section><h2>Your exercise programme</h2>");
    if (urgent(r, h) || h->policy != POLICY_HOME) {
        sb_puts(b, "<p class=\"note\">Do not start an exercise programme yet. Your clinician or physiotherapist "
                   "will tell you when exercise is safe and which exercises to do.</p></section>\n");
        return;
    }
    sb_puts(b, "<p class=\"note\">Do these exercises as shown below. It is normal to feel mild stretching, "
               "pulling or tiredness. Stop and tell your clinician if you feel sudden or sharp pain, or if your "
               "pain is worse the next morning.</p>\n");
    for (int i = 0; i < h->nex; i++)
        exercise(b, &pk->ex[h->ex[i]], i + 1, side);
    sb_puts(b, "</section>\n");
}

/* Condition-specific warning items of one urgency as <li> elements. */
static void warn_items(sbuf *b, const plan_handout *h, bool urgent_ones, int side)
{
    for (int i = 0; i < h->nwarn; i++)
        if (h->warn_urgent[i] == urgent_ones)
            tag(b, "<li>", h->warn[i], "</li>", side);
}

static int warn_items_count(const plan_handout *h, bool urgent_ones)
{
    int n = 0;
    for (int i = 0; i < h->nwarn; i++)
        n += h->warn_urgent[i] == urgent_ones;
    return n;
}

static void contact(sbuf *b, const gl_result *r, const plan_kb *pk, const plan_handout *h, int side)
{
    expr_ctx ctx = result_ctx(r);
    sb_puts(b, "<section class=\"warn\"><h2>When to contact your clinician</h2><div class=\"box\">"
               "<p><strong>Get help straight away</strong> (call your clinician today, or go to the nearest "
               "emergency department if you cannot reach them) if:</p><ul>");
    warn_items(b, h, true, side);
    for (int i = 0; i < pk->nwarn; i++)
        if (!pk->warn[i].when || expr_eval(pk->warn[i].when, &ctx))
            tag(b, "<li>", pk->warn[i].text, "</li>", side);
    sb_puts(b, "</ul></div>");
    if (!urgent(r, h)) {
        sb_puts(b, "<p><strong>Contact your clinician within a few days</strong> if:</p><ul class=\"soon\">");
        warn_items(b, h, false, side);
        sb_puts(b, "<li>Your pain is not getting better after 2 weeks of following this advice.</li></ul>");
    } else if (warn_items_count(h, false)) {
        sb_puts(b, "<p><strong>Also tell your clinician</strong> if:</p><ul class=\"soon\">");
        warn_items(b, h, false, side);
        sb_puts(b, "</ul>");
    }
    sb_puts(b, "</section>\n");
}

static void footer(sbuf *b, const gl_result *r, const plan_kb *pk, const plan_handout *h)
{
    sb_puts(b, "<footer><p><strong>About this sheet.</strong> Your clinician prepared it with the help of a "
               "decision-support program (gluteal). It is general information to go with your clinician's "
               "advice; it is not a diagnosis and does not replace an examination. If anything here differs "
               "from what your clinician told you, follow your clinician.</p><p>Sources (for your clinician):</p>"
               "<ul>");
    tag(b, "<li>", h->source, "</li>", -1);
    for (int i = 0; h->policy == POLICY_HOME && !urgent(r, h) && i < h->nex; i++) {
        const plan_exercise *x = &pk->ex[h->ex[i]];
        sb_puts(b, "<li>");
        put(b, x->name, -1);
        sb_puts(b, x->measured ? " (published dose): " : " (typical starting dose, estimate): ");
        put(b, x->source, -1);
        sb_puts(b, "</li>");
    }
    sb_printf(b, "</ul><p>Knowledge base %s.</p></footer>\n</body></html>\n", r->kb->version);
}

static char *render(const gl_result *r, const plan_kb *pk, const plan_handout *h)
{
    int side = r->side == 0 || r->side == 1 ? r->side : -1;
    sbuf b;
    sb_init(&b, HANDOUT_MAX);
    head(&b, r, h, side);
    intro(&b, r, h, side);
    programme(&b, r, pk, h, side);
    contact(&b, r, pk, h, side);
    footer(&b, r, pk, h);
    return sb_take(&b);
}

char *gl_handout_html(const gl_result *r, int condition, gl_error *err)
{
    gl_error local;
    if (!err)
        err = &local;
    if (!r || condition < -1 || (r && condition >= r->kb->ncond)) {
        err_set(err, GL_ERR_USAGE, NULL, 0, "condition", "gl_handout_html: no result or no such condition");
        return NULL;
    }
    plan_kb *pk = plan_kb_load(r->kb, err);
    if (!pk)
        return NULL;
    char *html = render(r, pk, &pk->ho[plan_handout_condition(r, condition)]);
    if (!html)
        err_set(err, GL_ERR_NOMEM, NULL, 0, NULL, "out of memory (or handout over %u bytes)", HANDOUT_MAX);
    plan_kb_free(&pk);
    return html;
}
