/* anatomy.c - loads kb/anatomy/ tables (nerve tree, lesion sites, muscles,
 * sensory areas, reflexes, electrodiagnostic tests and blocks, parameters)
 * into a loc_anatomy and checks every ID, root and probability on the way. */
#include <stdlib.h>
#include <string.h>

#include "localize.h"

static const char *const root_names[LOC_NROOTS] = {"L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3", "S4", "S5"};

const char *anatomy_root_name(int root) { return root >= 0 && root < LOC_NROOTS ? root_names[root] : "?"; }

int anatomy_root_index(const char *name)
{
    for (int i = 0; i < LOC_NROOTS; i++)
        if (!strcmp(name, root_names[i]))
            return i;
    return -1;
}

static bool fail(kb_table *t, gl_error *err, const char *field, const char *msg, const char *arg)
{
    err_set(err, GL_ERR_KB, t->file, t->line, field, "%s \"%s\"", msg, arg);
    return false;
}

static bool prob_field(kb_table *t, int col, const char *field, double *out, gl_error *err)
{
    if (!parse_double(t->f[col], out) || *out < 0 || *out > 1)
        return fail(t, err, field, "expected a probability between 0 and 1, found", t->f[col]);
    return true;
}

static int node_index(const loc_anatomy *an, const char *id)
{
    for (int i = 0; i < an->nnode; i++)
        if (!strcmp(an->node[i].id, id))
            return i;
    return -1;
}

/* ---- params.tsv ---- */
static bool param_row(loc_anatomy *an, kb_table *t, gl_error *err)
{
    static const char *keys[] = {"root_main", "root_minor", "nerve_default", "no_lesion_prior"};
    double *dst[] = {&an->root_main, &an->root_minor, &an->nerve_default, &an->no_lesion_prior};
    for (int k = 0; k < 4; k++)
        if (!strcmp(t->f[0], keys[k]))
            return prob_field(t, 1, "value", dst[k], err);
    return fail(t, err, "key", "unknown parameter", t->f[0]);
}

/* ---- nerves.tsv ---- */
static bool node_row(loc_anatomy *an, kb_table *t, gl_error *err)
{
    if (an->nnode >= LOC_MAX_NODES)
        return fail(t, err, "node", "too many nerve nodes at", t->f[0]);
    if (node_index(an, t->f[0]) >= 0)
        return fail(t, err, "node", "duplicate node", t->f[0]);
    loc_node *n = &an->node[an->nnode];
    n->parent = strcmp(t->f[1], "-") ? node_index(an, t->f[1]) : -1;
    if (n->parent < 0 && strcmp(t->f[1], "-"))
        return fail(t, err, "parent", "parent must be a node listed above, not", t->f[1]);
    if (strcmp(t->f[2], "yes") && strcmp(t->f[2], "no"))
        return fail(t, err, "local", "local must be yes or no, not", t->f[2]);
    n->local = !strcmp(t->f[2], "yes");
    n->id = arena_strdup(an->A, t->f[0]);
    n->name = arena_strdup(an->A, t->f[3]);
    if (!n->id || !n->name)
        return err_set(err, GL_ERR_NOMEM, t->file, t->line, NULL, "out of memory"), false;
    an->nnode++;
    return true;
}

/* ---- sites.tsv ---- */
static bool site_involves(loc_anatomy *an, loc_site *s, kb_table *t, gl_error *err)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", t->f[3]);
    for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        if (s->ninv >= LOC_MAX_INV)
            return fail(t, err, "involves", "too many nodes in", t->f[3]);
        char *colon = strchr(tok, ':');
        double q = an->nerve_default;
        if (colon) {
            *colon = '\0';
            if (!parse_double(colon + 1, &q) || q <= 0 || q > 1)
                return fail(t, err, "involves", "bad probability after the node in", t->f[3]);
        }
        int n = node_index(an, tok);
        if (n < 0)
            return fail(t, err, "involves", "unknown nerve node", tok);
        s->inv_node[s->ninv] = n;
        s->inv_q[s->ninv++] = q;
    }
    return s->ninv > 0 || fail(t, err, "involves", "a nerve site must involve a node, found", t->f[3]);
}

static bool site_row(const gl_kb *kb, loc_anatomy *an, kb_table *t, gl_error *err)
{
    if (an->nsite >= LOC_MAX_SITES)
        return fail(t, err, "site", "too many sites at", t->f[0]);
    loc_site *s = &an->site[an->nsite];
    memset(s, 0, sizeof *s);
    s->root = -1;
    s->supports = strcmp(t->f[4], "-") ? kb_cond(kb, t->f[4]) : -1;
    if (s->supports < 0 && strcmp(t->f[4], "-"))
        return fail(t, err, "supports", "unknown condition", t->f[4]);
    if (!strcmp(t->f[2], "root")) {
        if ((s->root = anatomy_root_index(t->f[3])) < 0)
            return fail(t, err, "involves", "a root site needs a root name (L1-S5), not", t->f[3]);
    } else if (strcmp(t->f[2], "plexus") && strcmp(t->f[2], "nerve"))
        return fail(t, err, "kind", "kind must be root, plexus or nerve, not", t->f[2]);
    else if (!site_involves(an, s, t, err))
        return false;
    s->id = arena_strdup(an->A, t->f[0]);
    s->name = arena_strdup(an->A, t->f[1]);
    s->kind = arena_strdup(an->A, t->f[2]);
    s->source = arena_strdup(an->A, t->f[5]);
    if (!s->id || !s->name || !s->kind || !s->source)
        return err_set(err, GL_ERR_NOMEM, t->file, t->line, NULL, "out of memory"), false;
    if (!*s->source)
        return fail(t, err, "source", "every site needs a source", s->id);
    an->nsite++;
    return true;
}

/* ---- element tables: roots "L4 L5* S1", "L5=0.12" or "-" ---- */
static bool parse_roots(const loc_anatomy *an, loc_elem *e, kb_table *t, gl_error *err)
{
    if (!strcmp(t->f[3], "-"))
        return true;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", t->f[3]);
    for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        double q = an->root_minor;
        char *mark = strpbrk(tok, "*=");
        if (mark && *mark == '*' && !mark[1])
            q = an->root_main;
        else if (mark && *mark == '=' && (!parse_double(mark + 1, &q) || q <= 0 || q > 1))
            return fail(t, err, "roots", "bad explicit probability in", t->f[3]);
        else if (mark && *mark == '*')
            return fail(t, err, "roots", "'*' must end the root name in", t->f[3]);
        if (mark)
            *mark = '\0';
        int r = anatomy_root_index(tok);
        if (r < 0)
            return fail(t, err, "roots", "unknown root", tok);
        e->root[r] = q;
    }
    return true;
}

static bool elem_row(const gl_kb *kb, loc_anatomy *an, kb_table *t, gl_error *err)
{
    if (an->nelem >= LOC_MAX_ELEMS)
        return fail(t, err, "finding_id", "too many anatomy rows at", t->f[0]);
    loc_elem *e = &an->elem[an->nelem];
    memset(e, 0, sizeof *e);
    e->node = strcmp(t->f[2], "-") ? node_index(an, t->f[2]) : -1;
    if (e->node < 0 && strcmp(t->f[2], "-"))
        return fail(t, err, "nerve", "unknown nerve node", t->f[2]);
    e->finding = strcmp(t->f[4], "-") ? kb_find(kb, t->f[4]) : -1;
    if (e->finding < 0 && strcmp(t->f[4], "-"))
        return fail(t, err, "finding_id", "unknown finding", t->f[4]);
    if (!prob_field(t, 5, "weight", &e->weight, err) || !parse_roots(an, e, t, err))
        return false;
    if (!*t->f[6])
        return fail(t, err, "source", "every anatomy row needs a source", t->f[0]);
    e->what = arena_strdup(an->A, t->f[0]);
    e->detail = arena_strdup(an->A, t->f[1]);
    e->roots_text = arena_strdup(an->A, t->f[3]);
    e->file = t->file;
    e->line = t->line;
    if (!e->what || !e->detail || !e->roots_text)
        return err_set(err, GL_ERR_NOMEM, t->file, t->line, NULL, "out of memory"), false;
    an->nelem++;
    return true;
}

/* ---- driver ---- */
typedef enum { T_PARAMS, T_NODES, T_SITES, T_ELEMS } table_kind;

static bool load_table(const gl_kb *kb, loc_anatomy *an, const char *name, const char *header, int cols,
                       table_kind kind, gl_error *err)
{
    kb_table t;
    bool ok = kb_table_open(kb, &t, name, header, err);
    while (ok && kb_table_next(&t, cols, err)) {
        if (kind == T_PARAMS)
            ok = param_row(an, &t, err);
        else if (kind == T_NODES)
            ok = node_row(an, &t, err);
        else if (kind == T_SITES)
            ok = site_row(kb, an, &t, err);
        else
            ok = elem_row(kb, an, &t, err);
    }
    ok = ok && !err_pending(err);
    kb_table_close(&t);
    return ok;
}

static const struct {
    const char *name, *header;
    int cols;
    table_kind kind;
} tables[] = {
    {"anatomy/params.tsv", "key\tvalue\tquality\tsource", 4, T_PARAMS},
    {"anatomy/nerves.tsv", "node\tparent\tlocal\tname\tsource", 5, T_NODES},
    {"anatomy/sites.tsv", "site\tname\tkind\tinvolves\tsupports\tsource", 6, T_SITES},
    {"anatomy/muscles.tsv", "muscle\taction\tnerve\troots\tfinding_id\tweight\tsource", 7, T_ELEMS},
    {"anatomy/sensory.tsv", "area\tmodality\tnerve\troots\tfinding_id\tweight\tsource", 7, T_ELEMS},
    {"anatomy/reflexes.tsv", "reflex\tmuscle\tnerve\troots\tfinding_id\tweight\tsource", 7, T_ELEMS},
    {"anatomy/procedures.tsv", "test\twhat_it_shows\tnerve\troots\tfinding_id\tweight\tsource", 7, T_ELEMS},
};

loc_anatomy *anatomy_load(const gl_kb *kb, gl_error *err)
{
    gl_error local;
    if (!err)
        err = &local;
    loc_anatomy *an = calloc(1, sizeof *an);
    if (!an || !(an->A = arena_new())) {
        free(an);
        err_set(err, GL_ERR_NOMEM, NULL, 0, NULL, "out of memory loading the anatomy tables");
        return NULL;
    }
    an->root_main = -1;
    bool ok = true;
    for (size_t i = 0; ok && i < sizeof tables / sizeof *tables; i++)
        ok = load_table(kb, an, tables[i].name, tables[i].header, tables[i].cols, tables[i].kind, err);
    if (ok && (an->root_main < 0 || an->nsite < 2 || an->nelem == 0)) {
        err_set(err, GL_ERR_KB, "anatomy/params.tsv", 0, NULL, "anatomy tables incomplete (parameters, two or "
                                                                "more sites, tested structures)");
        ok = false;
    }
    if (!ok)
        anatomy_free(&an);
    return an;
}

void anatomy_free(loc_anatomy **an)
{
    if (!an || !*an)
        return;
    arena_free((*an)->A);
    free(*an);
    *an = NULL;
}
