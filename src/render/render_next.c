/* render_next.c - the next-question list as text and JSON. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "next/next_api.h"
#include "render.h"

static const char *const stage_names[] = {"history", "examination", "tests"};

char *next_item_text(const gl_kb *kb, const next_item *it)
{
    sbuf b;
    sb_init(&b, 4096);
    if (it->red_flag)
        sb_printf(&b, "Red-flag question (%s if present). ", kb_urgency_names[it->red_urgency]);
    sb_printf(&b, "P(yes) %.0f%%, expected information %.3f bits.", it->p_yes * 100, it->gain);
    if (it->up_yes >= 0)
        sb_printf(&b, " Yes favours %s (%.0f%% -> %.0f%%).", kb->cond[it->up_yes].id, it->yes_from * 100,
                  it->yes_to * 100);
    if (it->up_no >= 0)
        sb_printf(&b, " No favours %s (%.0f%% -> %.0f%%).", kb->cond[it->up_no].id, it->no_from * 100,
                  it->no_to * 100);
    if (it->up_yes >= 0 && it->up_no >= 0 && it->up_yes != it->up_no)
        sb_printf(&b, " Separates %s from %s.", kb->cond[it->up_yes].id, kb->cond[it->up_no].id);
    if (it->changes_top3)
        sb_puts(&b, " Can change the top three.");
    else if (it->then >= 0)
        sb_printf(&b, " A yes here, then a yes to %s, would bring %s into the top three.", kb->find[it->then].id,
                  kb->cond[it->up_out].id);
    return sb_take(&b);
}

char *gl_next_text(const gl_next *n, int max, int flags)
{
    (void)flags;
    const gl_kb *kb = n->kb;
    sbuf b;
    sb_init(&b, 1u << 20);
    sb_printf(&b, "Next best questions (current top three: %s, %s, %s)\n", kb->cond[n->list.top3[0]].id,
              kb->cond[n->list.top3[1]].id, kb->cond[n->list.top3[2]].id);
    int shown = 0;
    for (int i = 0; i < n->list.n && shown < max; i++, shown++) {
        const next_item *it = &n->list.item[i];
        char *why = next_item_text(kb, it);
        sb_printf(&b, "%3d. [%s] %s\n     %s\n     %s\n", i + 1, stage_names[it->stage], kb->find[it->finding].id,
                  kb->find[it->finding].question, why ? why : "");
        free(why);
    }
    return sb_take(&b);
}

char *gl_next_json(const gl_next *n, int max, int flags)
{
    const gl_kb *kb = n->kb;
    json_t *o = json_object(), *qs = json_array(), *t3 = json_array();
    json_object_set_new(o, "format", json_string("gluteal-next/1"));
    for (int i = 0; i < 3; i++)
        json_array_append_new(t3, json_string(kb->cond[n->list.top3[i]].id));
    json_object_set_new(o, "top3", t3);
    for (int i = 0; i < n->list.n && i < max; i++) {
        const next_item *it = &n->list.item[i];
        json_t *q = json_object();
        json_object_set_new(q, "finding", json_string(kb->find[it->finding].id));
        json_object_set_new(q, "text", json_string(kb->find[it->finding].question));
        json_object_set_new(q, "stage", json_string(stage_names[it->stage]));
        json_object_set_new(q, "red_flag", json_boolean(it->red_flag));
        json_object_set_new(q, "p_yes", json_real(round(it->p_yes * 1000) / 1000));
        json_object_set_new(q, "gain_bits", json_real(round(it->gain * 10000) / 10000));
        json_object_set_new(q, "changes_top3", json_boolean(it->changes_top3));
        if (it->then >= 0) /* two-step look-ahead (next.c) */
            json_object_set_new(q, "then_ask", json_string(kb->find[it->then].id));
        json_t *sep = json_array();
        if (it->up_yes >= 0)
            json_array_append_new(sep, json_string(kb->cond[it->up_yes].id));
        if (it->up_no >= 0 && it->up_no != it->up_yes)
            json_array_append_new(sep, json_string(kb->cond[it->up_no].id));
        json_object_set_new(q, "separates", sep);
        char *why = next_item_text(kb, it);
        json_object_set_new(q, "why", json_string(why ? why : ""));
        free(why);
        json_array_append_new(qs, q);
    }
    json_object_set_new(o, "questions", qs);
    char *s = json_dumps(o, (flags & GL_RENDER_PRETTY ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}
