/* render_kb.c - the knowledge base as a clinician reads it (`gluteal kb`)
 * and its coverage audit (`gluteal kb audit`). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "infer/infer.h"
#include "kb/kb.h"

static double row_lr(const gl_kb *kb, const kb_row *r, int present)
{
    return infer_lr(kb, r->cond, r->finding, present);
}

static void list_all(const gl_kb *kb, sbuf *b)
{
    sb_printf(b, "Knowledge base %s: %d conditions, %d findings, %d profile rows, %d red-flag rules\n\n", kb->version,
              kb->ncond, kb->nfind, kb->nrows, kb->nflag);
    sb_printf(b, "%-36s %-9s %6s %5s %s\n", "CONDITION", "GROUP", "PRIOR", "ROWS", "NAME");
    for (int c = 0; c < kb->ncond; c++) {
        const kb_condition *k = &kb->cond[c];
        char id[64];
        snprintf(id, sizeof id, "%s%s", k->parent >= 0 ? "  " : "", k->id);
        sb_printf(b, "%-36s %-9.9s %5.2f%% %5d %s%s\n", id, k->group, k->prior[SET_PMR] * 100, k->nrows, k->name,
                  k->must_not_miss ? " (must not miss)" : "");
    }
    sb_printf(b, "\n%-44s %-9s %6s %s\n", "FINDING", "KIND", "BASE", "QUESTION");
    for (int f = 0; f < kb->nfind; f++)
        sb_printf(b, "%-44s %-9s %5.1f%% %s\n", kb->find[f].id, kb->find[f].kind, kb->find[f].base * 100,
                  kb->find[f].question);
}

static void describe_condition(const gl_kb *kb, int c, sbuf *b)
{
    const kb_condition *k = &kb->cond[c];
    sb_printf(b, "%s (%s)%s\n", k->name, k->id, k->must_not_miss ? "  MUST NOT MISS" : "");
    if (k->parent >= 0)
        sb_printf(b, "Sub-type of: %s\n", kb->cond[k->parent].id);
    if (k->has_children) {
        sb_puts(b, "Umbrella of:");
        for (int i = 0; i < kb->ncond; i++)
            if (kb->cond[i].parent == c)
                sb_printf(b, " %s", kb->cond[i].id);
        sb_puts(b, "\n");
    }
    sb_printf(b, "Group: %s   ICD-10-CM: %s   SNOMED CT: %s   (codes %s: %s)\n", k->group, k->icd10,
              *k->snomed ? k->snomed : "-", k->codes_checked ? "checked" : "not checked", k->codes_source);
    sb_puts(b, "Prior by setting:");
    for (int s = 0; s < NSETTINGS; s++)
        sb_printf(b, " %s %.3g%%", kb_setting_names[s], k->prior[s] * 100);
    sb_printf(b, "\n  (%s) %s\n", k->prior_measured ? "measured" : "estimate", k->prior_source);
    for (int m = 0; m < kb->nmod; m++)
        if (kb->mod[m].cond == c)
            sb_printf(b, "Modifier: when %s, odds x %g (%s) %s\n", kb->mod[m].when_text, kb->mod[m].odds,
                      kb->mod[m].measured ? "measured" : "estimate", kb->mod[m].source);
    sb_printf(b, "\nProfile: %d findings. Sens = P(finding | condition). Model LR+ = sens/base rate, LR- = "
                 "(1-sens)/(1-base);\npublished LR+ from the study's specificity. Rows with sens <= base carry no "
                 "link (typical negatives).\n\n",
              k->nrows);
    sb_printf(b, "%-40s %5s %5s %5s %7s %6s %7s %-8s %s\n", "FINDING", "SENS", "SPEC", "BASE", "LR+", "LR-", "PUB LR+",
              "QUALITY", "SOURCE (kb file:line)");
    for (int i = 0; i < k->nrows; i++) {
        const kb_row *r = &kb->rows[k->first_row + i];
        const kb_finding *f = &kb->find[r->finding];
        char spec[16] = "  NA", pub[16] = "     -";
        if (!isnan(r->spec)) {
            snprintf(spec, sizeof spec, "%.2f", r->spec);
            snprintf(pub, sizeof pub, "%7.2f", r->sens / (1 - r->spec));
        }
        sb_printf(b, "%-40s %5.2f %5s %5.3f %7.2f %6.2f %7s %-8s %s [%s:%d]\n", f->id, r->sens, spec, f->base,
                  row_lr(kb, r, 1), row_lr(kb, r, 0), pub, r->measured ? "measured" : "estimate", r->source, r->file,
                  r->line);
    }
}

static void describe_finding(const gl_kb *kb, int f, sbuf *b)
{
    const kb_finding *k = &kb->find[f];
    sb_printf(b, "%s (%s)\nQuestion: %s\nDescription: %s\nBase rate %.3f (%s): %s\n", k->id, k->kind, k->question,
              k->description, k->base, k->base_measured ? "measured" : "estimate", k->base_source);
    if (*k->neutral)
        sb_printf(b, "Neutral: %s\n", k->neutral);
    if (k->composite >= 0) {
        const kb_composite *c = &kb->comp[k->composite];
        sb_puts(b, "Composite of:");
        for (int i = 0; i < c->ncomp; i++)
            sb_printf(b, " %s", kb->find[c->comp[i]].id);
        sb_printf(b, " (%s)\n", c->source);
    }
    sb_printf(b, "\n%-36s %5s %7s %6s %-8s %s\n", "CONDITION", "SENS", "LR+", "LR-", "QUALITY", "SOURCE");
    for (int i = 0; i < kb->nrows; i++) {
        const kb_row *r = &kb->rows[i];
        if (r->finding == f)
            sb_printf(b, "%-36s %5.2f %7.2f %6.2f %-8s %s\n", kb->cond[r->cond].id, r->sens, row_lr(kb, r, 1),
                      row_lr(kb, r, 0), r->measured ? "measured" : "estimate", r->source);
    }
}

char *gl_kb_describe(const gl_kb *kb, const char *id, gl_error *err)
{
    sbuf b;
    sb_init(&b, 16u << 20);
    if (!id)
        list_all(kb, &b);
    else if (kb_cond(kb, id) >= 0)
        describe_condition(kb, kb_cond(kb, id), &b);
    else if (kb_find(kb, id) >= 0)
        describe_finding(kb, kb_find(kb, id), &b);
    else {
        const char *s[3];
        int n = kb_suggest_conditions(kb, id, s, 3);
        if (!n)
            n = kb_suggest_findings(kb, id, s, 3);
        err_set(err, GL_ERR_INVALID, NULL, 0, NULL, "\"%s\" is neither a condition nor a finding%s%s%s%s%s", id,
                n ? "; did you mean " : "", n ? s[0] : "", n > 1 ? " or " : "", n > 1 ? s[1] : "", n ? "?" : "");
        sb_free(&b);
        return NULL;
    }
    return sb_take(&b);
}

/* ---- audit ---- */
typedef struct weak {
    int row;
    double strength;
} weak;

static void audit_weakest(const gl_kb *kb, sbuf *b)
{
    /* The estimates that move probabilities most: |log LR| of the stronger direction. */
    weak top[10];
    int n = 0;
    for (int i = 0; i < kb->nrows; i++) {
        const kb_row *r = &kb->rows[i];
        if (r->measured)
            continue;
        double s = fmax(fabs(log(row_lr(kb, r, 1))), fabs(log(row_lr(kb, r, 0))));
        int pos = n < 10 ? n++ : 10;
        while (pos > 0 && top[pos - 1].strength < s) {
            if (pos < 10)
                top[pos] = top[pos - 1];
            pos--;
        }
        if (pos < 10)
            top[pos] = (weak){i, s};
    }
    sb_puts(b, "\nMost influential estimated rows (review these first):\n");
    for (int i = 0; i < n; i++) {
        const kb_row *r = &kb->rows[top[i].row];
        sb_printf(b, "  %-34s %-38s LR+ %6.2f LR- %5.2f  [%s:%d]\n", kb->cond[r->cond].id, kb->find[r->finding].id,
                  row_lr(kb, r, 1), row_lr(kb, r, 0), r->file, r->line);
    }
}

char *gl_kb_audit(const gl_kb *kb, int *problems)
{
    sbuf b;
    sb_init(&b, 16u << 20);
    int prob = 0, measured = 0, nolink = 0, base_measured = 0;
    for (int i = 0; i < kb->nrows; i++) {
        measured += kb->rows[i].measured;
        nolink += kb->link[kb->rows[i].cond * kb->nfind + kb->rows[i].finding] <= 0;
    }
    for (int f = 0; f < kb->nfind; f++)
        base_measured += kb->find[f].base_measured;
    sb_printf(&b, "Knowledge base %s\n", kb->version);
    sb_printf(&b, "conditions %d, findings %d, profile rows %d (measured %d = %.0f%%, estimate %d = %.0f%%)\n",
              kb->ncond, kb->nfind, kb->nrows, measured, 100.0 * measured / (kb->nrows ? kb->nrows : 1),
              kb->nrows - measured, 100.0 * (kb->nrows - measured) / (kb->nrows ? kb->nrows : 1));
    sb_printf(&b, "rows at or below the base rate (typical negatives: no link, leak factor sens/base): %d\n", nolink);
    sb_printf(&b, "base rates measured %d, estimate %d; rows without a source: 0 (refused on load)\n", base_measured,
              kb->nfind - base_measured);
    sb_puts(&b, "\nConditions with fewer than 15 profile findings:");
    int thin = 0;
    for (int c = 0; c < kb->ncond; c++)
        if (kb->cond[c].nrows < 15) {
            sb_printf(&b, "%s %s (%d)", thin++ ? "," : "", kb->cond[c].id, kb->cond[c].nrows);
            prob++;
        }
    sb_printf(&b, "%s\n", thin ? "" : " none");
    sb_puts(&b, "Findings with no profile row and no neutral reason:");
    int unused = 0;
    for (int f = 0; f < kb->nfind; f++) {
        bool used = false;
        for (int c = 0; c < kb->ncond && !used; c++)
            used = kb->row_of[c * kb->nfind + f] >= 0;
        if (!used && !*kb->find[f].neutral) {
            sb_printf(&b, "%s %s", unused++ % 6 ? "," : "\n   ", kb->find[f].id);
            prob++;
        }
    }
    sb_printf(&b, "%s\n", unused ? "" : " none");
    sb_puts(&b, "Composite overlaps (condition has rows for parts of a composite but none for the composite):");
    int overlaps = 0;
    for (int i = 0; i < kb->ncomp; i++) {
        const kb_composite *k = &kb->comp[i];
        if (k->rule == COMP_ANY)
            continue; /* generic findings: the specific tests are preferred */
        for (int c = 0; c < kb->ncond; c++) {
            if (kb->row_of[c * kb->nfind + k->finding] >= 0)
                continue;
            for (int j = 0; j < k->ncomp; j++)
                if (kb->row_of[c * kb->nfind + k->comp[j]] >= 0) {
                    sb_printf(&b, "\n   %s: %s without %s", kb->cond[c].id, kb->find[k->comp[j]].id,
                              kb->find[k->finding].id);
                    overlaps++;
                    break;
                }
        }
    }
    sb_printf(&b, "%s\n", overlaps ? "" : " none");
    audit_weakest(kb, &b);
    sb_printf(&b, "\nCoverage problems: %d (conditions under 15 rows + unused findings)\n", prob);
    if (problems)
        *problems = prob;
    return sb_take(&b);
}
