/* render_text.c - the clinician's ten-second report: red flags first, then the
 * ranked differential with bars and the rows that moved each number. */
#include <math.h>
#include <string.h>

#include "assess/result.h"
#include "infer/infer.h"
#include "localize/localize.h"
#include "render.h"

#define SHOW_CONDITIONS 10
#define SHOW_EVIDENCE 4

typedef struct style {
    const char *red, *bold, *dim, *off;
} style;

static void bar(sbuf *b, double p)
{
    int eighths = (int)lround(p * 20 * 8);
    static const char *part[] = {"", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a", "\u2589"};
    int full = eighths / 8;
    sb_repeat(b, "\u2588", full);
    sb_puts(b, part[eighths % 8]);
    sb_repeat(b, " ", 20 - full - (eighths % 8 ? 1 : 0));
}

static void pct(sbuf *b, double p)
{
    if (p >= 0.995)
        sb_puts(b, ">99%");
    else if (p < 0.005)
        sb_puts(b, " <1%");
    else
        sb_printf(b, "%3.0f%%", p * 100);
}

static void clip(sbuf *b, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        sb_puts(b, s);
    else {
        sb_putn(b, s, max - 3);
        sb_puts(b, "...");
    }
}

static void header(sbuf *b, const gl_result *r, const style *st)
{
    static const char *sides[] = {"left", "right", "bilateral"};
    sb_printf(b, "%sgluteal%s - buttock and posterior hip pain, decision support\n", st->bold, st->off);
    sb_printf(b, "Case %s: %g y %s", r->case_id ? r->case_id : "(no id)", r->age, r->sex ? "male" : "female");
    if (r->side >= 0)
        sb_printf(b, ", %s", sides[r->side]);
    if (r->duration >= 0)
        sb_printf(b, ", %g weeks", r->duration);
    sb_printf(b, "; setting %s; knowledge base %s\n", kb_setting_names[r->setting], r->kb->version);
    sb_printf(b, "%sDecision support for clinicians, not a diagnosis: check each line against the patient.%s\n\n",
              st->dim, st->off);
}

static void red_flags(sbuf *b, const gl_result *r, const style *st)
{
    if (!r->nflags) {
        sb_printf(b, "URGENCY: routine (no red-flag rule fired)\n\n");
        return;
    }
    char up[16];
    const char *u = kb_urgency_names[r->urgency];
    size_t i = 0;
    for (; i < sizeof up - 1 && u[i]; i++)
        up[i] = (char)(u[i] - 32);
    up[i] = '\0';
    sb_printf(b, "%s!! RED FLAGS - URGENCY: %s%s\n", st->red, up, st->off);
    expr_ctx ctx = result_ctx(r);
    for (int k = 0; k < r->nflags; k++) {
        const kb_redflag *f = &r->kb->flag[r->flags[k]];
        sb_printf(b, "%s!! [%s] %s%s\n", st->red, kb_urgency_names[f->urgency], f->title, st->off);
        sb_printf(b, "     do: %s\n", f->action);
        int fs[16];
        int n = expr_present_findings(f->when, &ctx, fs, 16);
        if (n) {
            sb_puts(b, "     because:");
            for (int j = 0; j < n; j++)
                sb_printf(b, " %s", r->kb->find[fs[j]].id);
            sb_puts(b, "\n");
        }
        sb_printf(b, "%s     source: ", st->dim);
        clip(b, f->source, 110);
        sb_printf(b, "%s\n", st->off);
    }
    sb_puts(b, "\n");
}

static void evidence_lines(sbuf *b, const gl_result *r, int c, const style *st)
{
    infer_item it[SHOW_EVIDENCE];
    int n = infer_explain(r->kb, c, r->ev, r->w, it, SHOW_EVIDENCE);
    for (int i = 0; i < n; i++) {
        const kb_row *row = &r->kb->rows[it[i].row];
        char label[96]; /* "no X": an absent finding (a typical negative's absence can support) */
        snprintf(label, sizeof label, "%s%s", it[i].present ? "" : "no ", r->kb->find[it[i].finding].id);
        sb_printf(b, "        %s %-38s LR %5.2f%s %s%s ", it[i].lr >= 1 ? "+" : "-", label, it[i].lr,
                  it[i].weight < 1 ? "~" : " ", st->dim,
                  row->measured ? "measured:" : "estimate:");
        clip(b, row->source, 60);
        sb_printf(b, "%s\n", st->off);
    }
}

static void family_note(sbuf *b, const gl_result *r, int head)
{
    const gl_kb *kb = r->kb;
    int best = -1, second = -1;
    for (int c = 0; c < kb->ncond; c++) {
        if (kb->cond[c].parent != head)
            continue;
        if (best < 0 || r->post[c] > r->post[best]) {
            second = best;
            best = c;
        } else if (second < 0 || r->post[c] > r->post[second])
            second = c;
    }
    if (best < 0)
        return;
    if (r->post[best] >= 0.6 * r->prob[head] && (second < 0 || r->post[best] >= 2 * r->post[second]))
        sb_printf(b, "        sub-type most likely: %s (%.0f%%)\n", kb->cond[best].name, r->post[best] * 100);
    else
        sb_printf(b, "        sub-types cannot be told apart yet: %s %.0f%%, %s %.0f%%, not otherwise specified "
                     "%.0f%%\n", kb->cond[best].id, r->post[best] * 100, second >= 0 ? kb->cond[second].id : "-",
                  second >= 0 ? r->post[second] * 100 : 0.0, r->post[head] * 100);
}

static void differential(sbuf *b, const gl_result *r, const style *st)
{
    const gl_kb *kb = r->kb;
    sb_printf(b, "%sDIFFERENTIAL%s (probability that each condition is present; several may coexist)\n", st->bold,
              st->off);
    for (int i = 0; i < SHOW_CONDITIONS && i < kb->ncond; i++) {
        int c = r->order[i];
        const kb_condition *k = &kb->cond[c];
        sb_printf(b, "%3d  %s", i + 1, i == 0 ? st->bold : "");
        /* the table shows the name without its parentheses ("Sacral stress
         * fracture", "Subspine impingement"); the JSON keeps it whole */
        char shortname[128];
        size_t len = 0;
        for (const char *q = k->name; *q && len < sizeof shortname - 1; q++) {
            if (q[0] == ' ' && q[1] == '(') {
                const char *close = strchr(q, ')');
                if (close) {
                    q = close;
                    continue;
                }
            }
            shortname[len++] = *q;
        }
        shortname[len] = '\0';
        char name[64];
        snprintf(name, sizeof name, "%.*s%s", len > 44 ? 44 : (int)len, shortname, k->must_not_miss ? " *" : "");
        sb_printf(b, "%-46s%s ", name, st->off);
        pct(b, r->prob[c]);
        sb_puts(b, " ");
        bar(b, r->prob[c]);
        sb_printf(b, " %sprior %.1f%%", st->dim, r->prior[c] * 100);
        if (!k->has_children) { /* an umbrella's figure sums its sub-types */
            double lrp = infer_lr_product(kb, c, r->ev, r->w);
            sb_printf(b, " x LR %.3g = %.0f%% alone", lrp, infer_alone(r->prior[c], lrp) * 100);
        }
        sb_printf(b, "%s\n", st->off);
        if (i < 5)
            evidence_lines(b, r, c, st);
        if (k->has_children && r->prob[c] >= 0.05)
            family_note(b, r, c);
    }
    sb_printf(b, "     (* must not miss; LR~ correlated finding counted in part)  cause outside the knowledge base: "
                 "%.0f%%\n", r->other * 100);
    sb_printf(b, "     (\"alone\": prior x the likelihood ratios of all its known findings, Bayes' rule for that\n"
                 "      condition on its own; the figure on the left also weighs the other conditions: the\n"
                 "      findings need a cause, at most %d conditions coexist, and a cause outside the knowledge\n"
                 "      base is allowed)\n\n",
              kb->max_k);
}

static void leading(sbuf *b, const gl_result *r, const style *st)
{
    const gl_kb *kb = r->kb;
    int top = r->order[0];
    if (r->outside_scope)
        sb_printf(b, "%sOUTSIDE SCOPE:%s no condition fits well (top %.0f%%, other cause %.0f%%). The findings may "
                     "point outside hip, spine and buttock; ask the questions below before trusting the ranking.\n",
                  st->bold, st->off, r->prob[top] * 100, r->other * 100);
    infer_item w[5];
    int n = infer_weakeners(kb, top, r->state, r->via, w, 5);
    if (n) {
        sb_printf(b, "Would weaken %s if absent (not yet known):\n", kb->cond[top].name);
        for (int i = 0; i < n; i++)
            sb_printf(b, "   - %s (LR %.2f if absent): %s\n", kb->find[w[i].finding].id, w[i].lr,
                      kb->find[w[i].finding].question);
    }
    int un[8];
    int nu = infer_unexplained(kb, top, r->ev, un, 8);
    if (nu) {
        sb_printf(b, "Present findings %s does not explain:", kb->cond[top].id);
        for (int i = 0; i < nu; i++)
            sb_printf(b, " %s", kb->find[un[i]].id);
        sb_puts(b, "\n");
    }
}

static void notes(sbuf *b, const gl_result *r)
{
    if (r->nmined) {
        sb_puts(b, "Read from the note (check them; entered findings always win):");
        for (int i = 0; i < r->nmined; i++)
            sb_printf(b, "%s %s %s (\"%s\")", i ? "," : "", r->kb->find[r->mined[i].finding].id,
                      r->mined[i].value > 0 ? "present" : "absent",
                      r->mined[i].text[0] ? r->mined[i].text : r->kb->phrase[r->mined[i].phrase].text);
        sb_puts(b, "\n");
    }
    for (int i = 0; i < r->ncontra; i++)
        sb_printf(b, "CONTRADICTION: %s\n", r->contra[i]);
    for (int i = 0; i < r->nwarn; i++)
        sb_printf(b, "warning: %s\n", r->warn[i]);
    static const char *ops[] = {"<", "<=", ">", ">=", "=="};
    for (int i = 0; i < r->nmeas; i++) {
        const kb_measure *m = &r->kb->meas[r->meas[i].meas];
        sb_printf(b, "measurement: %s = %g %s -> %s %s (cut-off %s %g; %s)\n", m->id, r->meas[i].value, m->unit,
                  r->kb->find[m->finding].id,
                  r->meas[i].effect > 0 ? "present" : r->meas[i].effect < 0 ? "absent" : "not decided",
                  ops[m->op], m->cutoff, m->source);
    }
}

char *gl_result_text(const gl_result *r, int flags)
{
    if (!r)
        return NULL;
    style color = {"\033[1;31m", "\033[1m", "\033[2m", "\033[0m"}, plain = {"", "", "", ""};
    const style *st = flags & GL_RENDER_COLOR ? &color : &plain;
    sbuf b;
    sb_init(&b, 4u << 20);
    header(&b, r, st);
    red_flags(&b, r, st);
    differential(&b, r, st);
    localize_result_text(&b, r, flags & GL_RENDER_COLOR); /* src/localize: reported, not in the posteriors */
    leading(&b, r, st);
    notes(&b, r);
    return sb_take(&b);
}
