/* expr.c - the small boolean language of the knowledge base's `when` columns
 * (modifiers and red flags). Grammar in kb/README.md. Recursive descent over a
 * string; the tree is allocated in the knowledge base's arena. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"

enum { E_FINDING, E_ABSENT, E_FEMALE, E_MALE, E_SETTING, E_NOT, E_AND, E_OR, E_CMP };
enum { V_AGE, V_DURATION, V_POST };

struct kb_expr {
    int kind;
    int index;          /* finding, setting, or condition for V_POST */
    int var, op;
    double num;
    kb_expr *l, *r;
};

typedef struct parser {
    const gl_kb *kb;
    arena *A;
    const char *s;
    const char *why;
} parser;

static kb_expr *parse_or(parser *p);

static void skip(parser *p)
{
    while (isspace((unsigned char)*p->s))
        p->s++;
}

static kb_expr *node(parser *p, int kind)
{
    kb_expr *e = arena_alloc(p->A, sizeof *e);
    if (!e)
        p->why = "out of memory";
    else
        e->kind = kind;
    return e;
}

static size_t ident_len(const char *s)
{
    size_t n = 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '_')
        n++;
    return n;
}

static bool parse_op(parser *p, int *op)
{
    skip(p);
    static const struct { const char *t; int op; } ops[] = {
        {"<=", OP_LE}, {">=", OP_GE}, {"==", OP_EQ}, {"<", OP_LT}, {">", OP_GT}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t n = strlen(ops[i].t);
        if (!strncmp(p->s, ops[i].t, n)) {
            p->s += n;
            *op = ops[i].op;
            return true;
        }
    }
    p->why = "expected a comparison operator (< <= > >= ==)";
    return false;
}

static kb_expr *parse_cmp(parser *p, int var, int index)
{
    int op;
    if (!parse_op(p, &op))
        return NULL;
    skip(p);
    char *end;
    double v = strtod(p->s, &end);
    if (end == p->s) {
        p->why = "expected a number after the comparison";
        return NULL;
    }
    p->s = end;
    kb_expr *e = node(p, E_CMP);
    if (e) {
        e->var = var;
        e->op = op;
        e->num = v;
        e->index = index;
    }
    return e;
}

/* "(identifier)" after p or absent, copied to out; false with p->why set
 * to the message for what is missing. */
static bool paren_ident(parser *p, char *out, size_t size, const char *no_open, const char *no_id,
                        const char *no_close)
{
    skip(p);
    if (*p->s != '(') {
        p->why = no_open;
        return false;
    }
    p->s++;
    skip(p);
    size_t m = ident_len(p->s);
    if (m == 0 || m >= size) {
        p->why = no_id;
        return false;
    }
    memcpy(out, p->s, m);
    out[m] = '\0';
    p->s += m;
    skip(p);
    if (*p->s != ')') {
        p->why = no_close;
        return false;
    }
    p->s++;
    return true;
}

/* absent(finding_id): the finding is recorded absent. A bare name is true
 * only when present, and '!name' also holds when the finding is unknown, so
 * an interaction with a negative test result (HLA-B27 negative in IBD) needs
 * its own word: an untested patient must not get the correction. */
static kb_expr *parse_absent(parser *p)
{
    char fid[128];
    if (!paren_ident(p, fid, sizeof fid, "expected '(' after absent", "expected a finding ID in absent(...)",
                     "expected ')' after the finding ID"))
        return NULL;
    int f = kb_find(p->kb, fid);
    if (f < 0) {
        p->why = "unknown finding ID in absent(...)";
        return NULL;
    }
    kb_expr *e = node(p, E_ABSENT);
    if (e)
        e->index = f;
    return e;
}

static kb_expr *parse_name(parser *p)
{
    size_t n = ident_len(p->s);
    if (n == 0) {
        p->why = "expected a name, '!' or '('";
        return NULL;
    }
    char name[128];
    if (n >= sizeof name) {
        p->why = "name too long";
        return NULL;
    }
    memcpy(name, p->s, n);
    name[n] = '\0';
    p->s += n;
    if (!strcmp(name, "age"))
        return parse_cmp(p, V_AGE, 0);
    if (!strcmp(name, "duration_weeks"))
        return parse_cmp(p, V_DURATION, 0);
    if (!strcmp(name, "p")) {
        char cid[128];
        if (!paren_ident(p, cid, sizeof cid, "expected '(' after p", "expected a condition ID in p(...)",
                         "expected ')' after the condition ID"))
            return NULL;
        int c = kb_cond(p->kb, cid);
        if (c < 0) {
            p->why = "unknown condition ID in p(...)";
            return NULL;
        }
        return parse_cmp(p, V_POST, c);
    }
    if (!strcmp(name, "absent"))
        return parse_absent(p);
    if (!strcmp(name, "female"))
        return node(p, E_FEMALE);
    if (!strcmp(name, "male"))
        return node(p, E_MALE);
    if (!strncmp(name, "setting_", 8)) {
        for (int i = 0; i < NSETTINGS; i++)
            if (!strcmp(name + 8, kb_setting_names[i])) {
                kb_expr *e = node(p, E_SETTING);
                if (e)
                    e->index = i;
                return e;
            }
        p->why = "unknown setting name";
        return NULL;
    }
    int f = kb_find(p->kb, name);
    if (f < 0) {
        p->why = "unknown finding ID";
        return NULL;
    }
    kb_expr *e = node(p, E_FINDING);
    if (e)
        e->index = f;
    return e;
}

static kb_expr *parse_factor(parser *p)
{
    skip(p);
    if (*p->s == '!') {
        p->s++;
        kb_expr *inner = parse_factor(p);
        if (!inner)
            return NULL;
        kb_expr *e = node(p, E_NOT);
        if (e)
            e->l = inner;
        return e;
    }
    if (*p->s == '(') {
        p->s++;
        kb_expr *e = parse_or(p);
        if (!e)
            return NULL;
        skip(p);
        if (*p->s != ')') {
            p->why = "expected ')'";
            return NULL;
        }
        p->s++;
        return e;
    }
    return parse_name(p);
}

static kb_expr *parse_binary(parser *p, char opch, int kind, kb_expr *(*sub)(parser *))
{
    kb_expr *l = sub(p);
    while (l) {
        skip(p);
        if (*p->s != opch)
            break;
        p->s++;
        kb_expr *r = sub(p);
        if (!r)
            return NULL;
        kb_expr *e = node(p, kind);
        if (!e)
            return NULL;
        e->l = l;
        e->r = r;
        l = e;
    }
    return l;
}

static kb_expr *parse_and(parser *p) { return parse_binary(p, '&', E_AND, parse_factor); }
static kb_expr *parse_or(parser *p) { return parse_binary(p, '|', E_OR, parse_and); }

kb_expr *expr_parse(const gl_kb *kb, arena *A, const char *text, const char **why)
{
    parser p = {kb, A, text, NULL};
    kb_expr *e = parse_or(&p);
    skip(&p);
    if (e && *p.s) {
        p.why = "unexpected text after the expression";
        e = NULL;
    }
    if (!e && why)
        *why = p.why ? p.why : "invalid expression";
    /* the tree lives in the arena, not in the parser state p */
    // cppcheck-suppress returnDanglingLifetime
    return e;
}

bool kb_compare(double a, int op, double b)
{
    switch (op) {
    case OP_LT: return a < b;
    case OP_LE: return a <= b;
    case OP_GT: return a > b;
    case OP_GE: return a >= b;
    default: return a == b;
    }
}

bool expr_eval(const kb_expr *e, const expr_ctx *c)
{
    switch (e->kind) {
    case E_FINDING: return c->state[e->index] > 0;
    case E_ABSENT: return c->state[e->index] < 0;
    case E_FEMALE: return c->sex == 0;
    case E_MALE: return c->sex == 1;
    case E_SETTING: return c->setting == e->index;
    case E_NOT: return !expr_eval(e->l, c);
    case E_AND: return expr_eval(e->l, c) && expr_eval(e->r, c);
    case E_OR: return expr_eval(e->l, c) || expr_eval(e->r, c);
    default:
        if (e->var == V_AGE)
            return kb_compare(c->age, e->op, e->num);
        if (e->var == V_DURATION)
            return c->duration >= 0 && kb_compare(c->duration, e->op, e->num);
        return kb_compare(c->post ? c->post[e->index] : 0.0, e->op, e->num);
    }
}

int expr_present_findings(const kb_expr *e, const expr_ctx *c, int *out, int max)
{
    if (!e || max <= 0)
        return 0;
    if (e->kind == E_FINDING) {
        if (c->state[e->index] > 0) {
            out[0] = e->index;
            return 1;
        }
        return 0;
    }
    if (e->kind == E_NOT || e->kind == E_ABSENT) /* an absent finding is not "the finding that fired" */
        return 0;
    int n = expr_present_findings(e->l, c, out, max);
    return n + expr_present_findings(e->r, c, out + n, max - n);
}

bool expr_uses_posterior(const kb_expr *e)
{
    if (!e)
        return false;
    if (e->kind == E_CMP)
        return e->var == V_POST;
    return expr_uses_posterior(e->l) || expr_uses_posterior(e->r);
}
