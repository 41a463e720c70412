/* kb_load.c - read and validate the knowledge-base text files (kb/README.md),
 * either from a folder or from the copy compiled into the binary. Every rule
 * break is an error naming the file and line; nothing is half-loaded. */
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "kb_embed.h"

const char *const kb_setting_names[NSETTINGS] = {"primary_care", "sports_clinic", "pmr_clinic",
                                                  "spine_clinic", "emergency"};
const char *const kb_urgency_names[4] = {"routine", "soon", "urgent", "emergency"};

#define MAXF 16

/* ---- where the files come from ---- */
typedef struct src {
    const char *dir;    /* NULL: embedded copy */
    uint32_t hash;      /* FNV-1a over every file read, for the version string */
    const char *over_name, *over_text; /* one file's text replaced (fuzzing, tests) */
    size_t over_len;
} src;

static char *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    sbuf b;
    sb_init(&b, 64u << 20);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sb_putn(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        sb_free(&b);
        return NULL;
    }
    *len = b.len;
    return sb_take(&b);
}

/* Returns a malloc'd NUL-terminated copy of file `name`, or NULL if absent. */
static char *src_read(src *s, const char *name, size_t *len)
{
    char *text = NULL;
    if (s->over_name && !strcmp(name, s->over_name)) {
        if ((text = malloc(s->over_len + 1))) {
            memcpy(text, s->over_text, s->over_len);
            text[s->over_len] = '\0';
            *len = s->over_len;
        }
        return text;
    }
    if (s->dir) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", s->dir, name);
        text = read_whole(path, len);
    } else {
        for (size_t i = 0; i < kb_embedded_count; i++)
            if (!strcmp(kb_embedded[i].name, name)) {
                text = malloc(kb_embedded[i].len + 1);
                if (text) {
                    memcpy(text, kb_embedded[i].data, kb_embedded[i].len);
                    text[kb_embedded[i].len] = '\0';
                    *len = kb_embedded[i].len;
                }
                break;
            }
    }
    return text;
}

static void hash_bytes(uint32_t *h, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        *h = (*h ^ (unsigned char)p[i]) * 16777619u;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of .tsv files directly in `folder` ("" = the root, else "profiles"
 * etc.) whose base name starts with `prefix`, as paths relative to the
 * knowledge-base root, sorted. Caller frees each and the array. */
static char **src_list(src *s, const char *folder, const char *prefix, int *count)
{
    char **names = NULL;
    int n = 0, cap = 0;
    size_t fl = strlen(folder), pl = strlen(prefix);
    if (s->dir) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", s->dir, folder);
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            size_t l = strlen(e->d_name);
            if (l < 5 || strcmp(e->d_name + l - 4, ".tsv") || strncmp(e->d_name, prefix, pl))
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                char **nn = realloc(names, (size_t)cap * sizeof *nn);
                if (!nn)
                    break;
                names = nn;
            }
            if (!(names[n] = malloc(fl + l + 2)))
                break;
            snprintf(names[n++], fl + l + 2, "%s%s%s", folder, fl ? "/" : "", e->d_name);
        }
        if (d)
            closedir(d);
    } else {
        names = calloc(kb_embedded_count + 1, sizeof *names);
        for (size_t i = 0; names && i < kb_embedded_count; i++) {
            const char *nm = kb_embedded[i].name, *slash = strrchr(nm, '/');
            const char *base = slash ? slash + 1 : nm;
            size_t dl = slash ? (size_t)(slash - nm) : 0;
            if (dl == fl && !strncmp(nm, folder, fl) && !strncmp(base, prefix, pl))
                names[n++] = strdup(nm);
        }
    }
    if (names)
        qsort(names, (size_t)n, sizeof *names, cmp_str);
    *count = n;
    return names;
}

static void free_list(char **names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Version: FNV-1a over the names and bytes of every .tsv file of the
 * knowledge base (root and one level of sub-folders), in name order. */
static void hash_all(src *s)
{
    char *folders[64];
    int nf = 0;
    folders[nf++] = strdup("");
    if (s->dir) {
        DIR *d = opendir(s->dir);
        struct dirent *e;
        while (d && (e = readdir(d)) && nf < 64) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", s->dir, e->d_name);
            DIR *sub = e->d_name[0] != '.' ? opendir(path) : NULL;
            if (sub) {
                closedir(sub);
                folders[nf++] = strdup(e->d_name);
            }
        }
        if (d)
            closedir(d);
    } else {
        for (size_t i = 0; i < kb_embedded_count && nf < 64; i++) {
            const char *slash = strchr(kb_embedded[i].name, '/');
            if (!slash)
                continue;
            bool seen = false;
            for (int j = 0; j < nf; j++)
                seen |= folders[j] && strlen(folders[j]) == (size_t)(slash - kb_embedded[i].name) &&
                        !strncmp(folders[j], kb_embedded[i].name, strlen(folders[j]));
            if (!seen)
                folders[nf++] = strndup(kb_embedded[i].name, (size_t)(slash - kb_embedded[i].name));
        }
    }
    qsort(folders, (size_t)nf, sizeof *folders, cmp_str);
    for (int i = 0; i < nf; i++) {
        int n = 0;
        char **names = folders[i] ? src_list(s, folders[i], "", &n) : NULL;
        for (int j = 0; j < n; j++) {
            size_t len = 0;
            char *text = src_read(s, names[j], &len);
            hash_bytes(&s->hash, names[j], strlen(names[j]));
            if (text)
                hash_bytes(&s->hash, text, len);
            free(text);
        }
        free_list(names, n);
        free(folders[i]);
    }
}

/* ---- table reading ---- */
typedef kb_table table; /* kb.h: the same reader serves other subsystems */

/* Open `name`; check the header equals `header` (tab-separated). */
static bool table_open(src *s, table *t, const char *name, const char *header, bool required,
                       gl_error *err)
{
    memset(t, 0, sizeof *t);
    t->file = name;
    size_t len = 0;
    t->text = src_read(s, name, &len);
    if (!t->text) {
        if (required)
            err_set(err, GL_ERR_KB, name, 0, NULL, "knowledge-base file is missing or unreadable");
        return false;
    }
    if (strlen(t->text) != len) {
        err_set(err, GL_ERR_KB, name, 0, NULL, "file contains a NUL byte");
        return false;
    }
    t->cur = t->text;
    /* find the header: first line that is not blank or a comment */
    for (;;) {
        if (!*t->cur) {
            err_set(err, GL_ERR_KB, name, t->line, NULL, "no header line");
            return false;
        }
        char *line = t->cur;
        char *nl = strchr(line, '\n');
        t->cur = nl ? nl + 1 : line + strlen(line);
        if (nl)
            *nl = '\0';
        t->line++;
        size_t l = strlen(line);
        if (l && line[l - 1] == '\r')
            line[l - 1] = '\0';
        if (!*line || *line == '#')
            continue;
        if (strcmp(line, header)) {
            err_set(err, GL_ERR_KB, name, t->line, NULL, "header must be \"%s\"", header);
            return false;
        }
        return true;
    }
}

/* Next data row with exactly `want` fields; false at end or on error (err->code set). */
static bool table_next(table *t, int want, gl_error *err)
{
    while (*t->cur) {
        char *line = t->cur;
        char *nl = strchr(line, '\n');
        t->cur = nl ? nl + 1 : line + strlen(line);
        if (nl)
            *nl = '\0';
        t->line++;
        size_t l = strlen(line);
        if (l && line[l - 1] == '\r')
            line[--l] = '\0';
        if (!l || *line == '#')
            continue;
        t->nf = tsv_split(line, t->f, MAXF);
        if (t->nf != want) {
            err_set(err, GL_ERR_KB, t->file, t->line, NULL, "expected %d tab-separated columns, found %d",
                    want, t->nf);
            return false;
        }
        return true;
    }
    return false;
}

static void table_close(table *t) { free(t->text); }

static bool kb_fail(table *t, gl_error *err, const char *field, const char *fmt, const char *arg)
{
    err_set(err, GL_ERR_KB, t->file, t->line, field, fmt, arg);
    return false;
}

static bool get_prob(table *t, int col, const char *field, double *out, gl_error *err)
{
    if (!parse_double(t->f[col], out))
        return kb_fail(t, err, field, "\"%s\" is not a number", t->f[col]);
    if (!(*out > 0.0 && *out < 1.0))
        return kb_fail(t, err, field, "%s is outside (0, 1)", t->f[col]);
    return true;
}

static bool get_quality(table *t, int col, bool *measured, gl_error *err)
{
    if (!strcmp(t->f[col], "measured"))
        *measured = true;
    else if (!strcmp(t->f[col], "estimate"))
        *measured = false;
    else
        return kb_fail(t, err, "quality", "\"%s\" must be measured or estimate", t->f[col]);
    return true;
}

static bool get_source(table *t, int col, const char **out, arena *A, gl_error *err)
{
    const char *s = t->f[col];
    while (*s == ' ')
        s++;
    if (!*s)
        return kb_fail(t, err, "source", "%severy number needs a source", "");
    *out = arena_strdup(A, t->f[col]);
    return *out != NULL || kb_fail(t, err, NULL, "%sout of memory", "");
}

static const char *dup(gl_kb *kb, const char *s) { return arena_strdup(kb->A, s); }

/* Grow an arena array: arena has no realloc, so count rows first is simpler;
 * tables are small, so we allocate for the worst case (line count). */
static int count_lines(const char *text)
{
    int n = 1;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

/* ---- lookups ---- */
int kb_cond(const gl_kb *kb, const char *id)
{
    for (int i = 0; i < kb->ncond; i++)
        if (!strcmp(kb->cond[i].id, id))
            return i;
    return -1;
}

static int cmp_find_key(const void *key, const void *elem, const gl_kb *kb)
{
    return strcmp((const char *)key, kb->find[*(const int *)elem].id);
}

int kb_find(const gl_kb *kb, const char *id)
{
    if (!kb->find_sorted) { /* during loading: linear */
        for (int i = 0; i < kb->nfind; i++)
            if (!strcmp(kb->find[i].id, id))
                return i;
        return -1;
    }
    int lo = 0, hi = kb->nfind - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int c = cmp_find_key(id, &kb->find_sorted[mid], kb);
        if (!c)
            return kb->find_sorted[mid];
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return -1;
}

int kb_measure_index(const gl_kb *kb, const char *id)
{
    for (int i = 0; i < kb->nmeas; i++)
        if (!strcmp(kb->meas[i].id, id))
            return i;
    return -1;
}

static int suggest(const char *id, const char *(*name)(const gl_kb *, int), const gl_kb *kb, int n,
                   const char **out, int max)
{
    int best[8] = {0}, dist[8];
    int found = 0;
    size_t l = strlen(id);
    int cap = (int)(l / 3) + 3;
    for (int i = 0; i < n; i++) {
        const char *cand = name(kb, i);
        int d = edit_distance(id, cand, cap);
        if (l >= 4 && strstr(cand, id))
            d = d < 2 ? d : 2; /* a fragment of a real ID is a strong hint */
        if (d >= cap)
            continue;
        int pos = found < max ? found++ : max;
        while (pos > 0 && dist[pos - 1] > d) {
            if (pos < max) {
                best[pos] = best[pos - 1];
                dist[pos] = dist[pos - 1];
            }
            pos--;
        }
        if (pos < max) {
            best[pos] = i;
            dist[pos] = d;
        }
    }
    for (int i = 0; i < found; i++)
        out[i] = name(kb, best[i]);
    return found;
}

static const char *find_name(const gl_kb *kb, int i) { return kb->find[i].id; }
static const char *cond_name(const gl_kb *kb, int i) { return kb->cond[i].id; }

int kb_suggest_findings(const gl_kb *kb, const char *id, const char **out, int max)
{
    return suggest(id, find_name, kb, kb->nfind, out, max > 8 ? 8 : max);
}

int kb_suggest_conditions(const gl_kb *kb, const char *id, const char **out, int max)
{
    return suggest(id, cond_name, kb, kb->ncond, out, max > 8 ? 8 : max);
}

/* ---- the tables ---- */
/* size_prior: "p1 p2 ... pK", the prior probability that exactly k conditions
 * are present; K sets how many may coexist. */
static bool parse_size_prior(table *t, gl_kb *kb, gl_error *err)
{
    char *save = NULL, *tok;
    double sum = 0;
    int k = 0;
    for (tok = strtok_r(t->f[1], " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        double v;
        if (k == 6 || !parse_double(tok, &v) || !(v > 0 && v < 1 + 1e-12))
            return kb_fail(t, err, "size_prior", "\"%s\" must be 1 to 6 probabilities in (0, 1]", tok);
        kb->size_prior[++k] = v;
        sum += v;
    }
    if (k == 0 || fabs(sum - 1) > 1e-6)
        return kb_fail(t, err, "size_prior", "%sthe probabilities must add up to 1", "");
    kb->max_k = k;
    return true;
}

static bool load_model(src *s, gl_kb *kb, gl_error *err)
{
    table t;
    if (!table_open(s, &t, "model.tsv", "key\tvalue\tsource", true, err))
        return table_close(&t), false;
    bool ok = true;
    bool seen[5] = {false};
    static const char *keys[5] = {"size_prior", "other_cause_prior", "outside_scope_other", "outside_scope_top",
                                  "entry_finding"};
    while (ok && table_next(&t, 3, err)) {
        double v;
        int k = -1;
        for (int i = 0; i < 5; i++)
            if (!strcmp(t.f[0], keys[i]))
                k = i;
        if (k < 0)
            ok = kb_fail(&t, err, "key", "unknown model key \"%s\"", t.f[0]);
        else if (k == 0)
            ok = parse_size_prior(&t, kb, err);
        else if (k == 4) /* a finding ID, checked once the findings are loaded */
            ok = (kb->entry_id = dup(kb, t.f[1])) != NULL;
        else if (!parse_double(t.f[1], &v))
            ok = kb_fail(&t, err, t.f[0], "\"%s\" is not a number", t.f[1]);
        else if (!(v > 0 && v < 1))
            ok = kb_fail(&t, err, t.f[0], "%s is outside (0, 1)", t.f[1]);
        else if (k == 1)
            kb->other_prior = v;
        else if (k == 2)
            kb->scope_other = v;
        else
            kb->scope_top = v;
        if (!ok) /* k may be -1 (unknown key): nothing to mark */
            break;
        if (!(ok = get_source(&t, 2, &kb->model_source[k], kb->A, err)))
            break;
        seen[k] = true;
    }
    ok = ok && !err_pending(err);
    for (int i = 0; ok && i < 5; i++)
        if (!seen[i])
            ok = kb_fail(&t, err, keys[i], "%smodel key missing", "");
    table_close(&t);
    return ok;
}

static bool load_conditions(src *s, gl_kb *kb, gl_error *err)
{
    table t;
    if (!table_open(s, &t, "conditions.tsv",
                    "id\tname\tparent\tgroup\tmust_not_miss\ticd10cm\tsnomed_ct\tcodes_checked\tcodes_source",
                    true, err))
        return table_close(&t), false;
    kb->cond = arena_alloc(kb->A, (size_t)count_lines(t.cur) * sizeof *kb->cond);
    const char **parents = calloc((size_t)count_lines(t.cur), sizeof *parents);
    bool ok = kb->cond && parents;
    while (ok && table_next(&t, 9, err)) {
        kb_condition *c = &kb->cond[kb->ncond];
        if (!*t.f[0] || kb_cond(kb, t.f[0]) >= 0)
            ok = kb_fail(&t, err, "id", "empty or duplicate condition ID \"%s\"", t.f[0]);
        else if (strcmp(t.f[4], "yes") && strcmp(t.f[4], "no"))
            ok = kb_fail(&t, err, "must_not_miss", "\"%s\" must be yes or no", t.f[4]);
        else {
            c->id = dup(kb, t.f[0]);
            c->name = dup(kb, t.f[1]);
            c->group = dup(kb, t.f[3]);
            c->must_not_miss = !strcmp(t.f[4], "yes");
            c->icd10 = dup(kb, t.f[5]);
            c->snomed = dup(kb, t.f[6]);
            c->codes_checked = !strcmp(t.f[7], "yes");
            c->codes_source = dup(kb, t.f[8]);
            c->parent = c->family = -1;
            c->prior[0] = -1;
            parents[kb->ncond] = *t.f[2] ? dup(kb, t.f[2]) : NULL;
            kb->ncond++;
        }
    }
    ok = ok && !err_pending(err);
    for (int i = 0; ok && i < kb->ncond; i++) {
        if (!parents[i])
            continue;
        int p = kb_cond(kb, parents[i]);
        if (p < 0 || p == i) {
            ok = kb_fail(&t, err, kb->cond[i].id, "parent \"%s\" is not another condition", parents[i]);
            break;
        }
        kb->cond[i].parent = p;
        kb->cond[p].has_children = true;
    }
    for (int i = 0; ok && i < kb->ncond; i++) {
        int p = kb->cond[i].parent;
        if (p >= 0 && kb->cond[p].parent >= 0)
            ok = kb_fail(&t, err, kb->cond[i].id, "%sumbrellas do not nest (one level only)", "");
        kb->cond[i].family = p >= 0 ? p : (kb->cond[i].has_children ? i : -1);
    }
    if (ok && kb->ncond == 0)
        ok = kb_fail(&t, err, NULL, "%sno conditions", "");
    free(parents);
    table_close(&t);
    return ok;
}

static bool load_priors(src *s, gl_kb *kb, gl_error *err)
{
    table t;
    if (!table_open(s, &t, "priors.tsv",
                    "condition_id\tprimary_care\tsports_clinic\tpmr_clinic\tspine_clinic\temergency\tquality\tsource",
                    true, err))
        return table_close(&t), false;
    bool ok = true;
    while (ok && table_next(&t, 8, err)) {
        int c = kb_cond(kb, t.f[0]);
        if (c < 0) {
            ok = kb_fail(&t, err, "condition_id", "unknown condition \"%s\"", t.f[0]);
            break;
        }
        kb_condition *k = &kb->cond[c];
        if (k->prior[0] >= 0) {
            ok = kb_fail(&t, err, "condition_id", "second prior row for \"%s\"", t.f[0]);
            break;
        }
        for (int i = 0; ok && i < NSETTINGS; i++)
            ok = get_prob(&t, 1 + i, kb_setting_names[i], &k->prior[i], err);
        ok = ok && get_quality(&t, 6, &k->prior_measured, err) &&
             get_source(&t, 7, &k->prior_source, kb->A, err);
    }
    ok = ok && !err_pending(err);
    for (int i = 0; ok && i < kb->ncond; i++)
        if (kb->cond[i].prior[0] < 0)
            ok = kb_fail(&t, err, kb->cond[i].id, "%scondition has no prior row", "");
    table_close(&t);
    return ok;
}

static bool load_findings_file(src *s, gl_kb *kb, const char *name, gl_error *err)
{
    table t;
    if (!table_open(s, &t, name,
                    "id\tkind\tquestion\tdescription\tbase_rate\tbase_quality\tbase_source\tneutral_reason",
                    true, err))
        return table_close(&t), false;
    bool ok = true;
    static const char *kinds[] = {"history", "symptom", "exam", "imaging", "lab", "procedure"};
    while (ok && table_next(&t, 8, err)) {
        kb_finding *f = &kb->find[kb->nfind];
        bool kind_ok = false;
        for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
            kind_ok |= !strcmp(t.f[1], kinds[i]);
        if (!*t.f[0] || kb_find(kb, t.f[0]) >= 0)
            ok = kb_fail(&t, err, "id", "empty or duplicate finding ID \"%s\"", t.f[0]);
        else if (!kind_ok)
            ok = kb_fail(&t, err, "kind", "\"%s\" is not history|symptom|exam|imaging|lab|procedure", t.f[1]);
        else if (!*t.f[2])
            ok = kb_fail(&t, err, "question", "%severy finding needs the question a clinician reads", "");
        else if (get_prob(&t, 4, "base_rate", &f->base, err) && get_quality(&t, 5, &f->base_measured, err) &&
                 get_source(&t, 6, &f->base_source, kb->A, err)) {
            f->id = dup(kb, t.f[0]);
            f->kind = dup(kb, t.f[1]);
            f->question = dup(kb, t.f[2]);
            f->description = dup(kb, t.f[3]);
            f->neutral = dup(kb, t.f[7]);
            f->composite = -1;
            kb->nfind++;
        } else
            ok = false;
    }
    ok = ok && !err_pending(err);
    table_close(&t);
    return ok;
}

/* findings.tsv, then every findings-*.tsv (additions kept by subsystem, e.g.
 * the neurological examination), same columns, IDs unique across all. */
static bool load_findings(src *s, gl_kb *kb, gl_error *err)
{
    int n = 0;
    char **extra = src_list(s, "", "findings-", &n);
    int lines = 0;
    for (int i = -1; i < n; i++) {
        size_t len = 0;
        char *text = src_read(s, i < 0 ? "findings.tsv" : extra[i], &len);
        lines += text ? count_lines(text) : 0;
        free(text);
    }
    kb->find = arena_alloc(kb->A, (size_t)(lines + 1) * sizeof *kb->find);
    bool ok = kb->find && load_findings_file(s, kb, "findings.tsv", err);
    for (int i = 0; ok && i < n; i++)
        ok = load_findings_file(s, kb, extra[i], err);
    free_list(extra, n);
    return ok;
}

/* model.tsv names the presenting complaint; it must be a finding. */
static bool resolve_entry(gl_kb *kb, gl_error *err)
{
    kb->entry = kb_find(kb, kb->entry_id);
    if (kb->entry < 0)
        return err_set(err, GL_ERR_KB, "model.tsv", 0, "entry_finding",
                       "model.tsv: entry_finding \"%s\" is not a finding in findings.tsv", kb->entry_id),
               false;
    return true;
}

static bool load_profile(src *s, gl_kb *kb, const char *name, int *cap, gl_error *err)
{
    char cid[256];
    snprintf(cid, sizeof cid, "%s", name + 9);
    cid[strlen(cid) - 4] = '\0';
    table t;
    if (!table_open(s, &t, name, "finding_id\tsensitivity\tspecificity\tquality\tsource", true, err))
        return table_close(&t), false;
    int c = kb_cond(kb, cid);
    if (c < 0) {
        err_set(err, GL_ERR_KB, name, 0, NULL, "file name names no condition of conditions.tsv");
        table_close(&t);
        return false;
    }
    const char *file = dup(kb, name);
    kb->cond[c].first_row = kb->nrows;
    bool ok = file != NULL;
    while (ok && table_next(&t, 5, err)) {
        if (kb->nrows == *cap) {
            *cap *= 2;
            kb_row *nr = realloc(kb->rows, (size_t)*cap * sizeof *nr);
            if (!nr) {
                ok = kb_fail(&t, err, NULL, "%sout of memory", "");
                break;
            }
            kb->rows = nr;
        }
        kb_row *r = &kb->rows[kb->nrows];
        r->cond = c;
        r->line = t.line;
        r->file = file;
        r->finding = kb_find(kb, t.f[0]);
        if (r->finding < 0) {
            ok = kb_fail(&t, err, "finding_id", "unknown finding \"%s\"", t.f[0]);
            break;
        }
        if (kb->row_of[c * kb->nfind + r->finding] >= 0) {
            ok = kb_fail(&t, err, "finding_id", "\"%s\" is listed twice in this profile", t.f[0]);
            break;
        }
        r->spec = NAN;
        ok = get_prob(&t, 1, "sensitivity", &r->sens, err) &&
             (!strcmp(t.f[2], "NA") || get_prob(&t, 2, "specificity", &r->spec, err)) &&
             get_quality(&t, 3, &r->measured, err) && get_source(&t, 4, &r->source, kb->A, err);
        if (ok)
            kb->row_of[c * kb->nfind + r->finding] = kb->nrows++;
    }
    ok = ok && !err_pending(err);
    kb->cond[c].nrows = kb->nrows - kb->cond[c].first_row;
    table_close(&t);
    return ok;
}

static bool load_profiles(src *s, gl_kb *kb, gl_error *err)
{
    kb->row_of = arena_alloc(kb->A, (size_t)kb->ncond * (size_t)kb->nfind * sizeof(int));
    kb->link = arena_alloc(kb->A, (size_t)kb->ncond * (size_t)kb->nfind * sizeof(double));
    kb->inhib = arena_alloc(kb->A, (size_t)kb->ncond * (size_t)kb->nfind * sizeof(double));
    if (!kb->row_of || !kb->link || !kb->inhib)
        return err_set(err, GL_ERR_NOMEM, NULL, 0, NULL, "out of memory"), false;
    for (int i = 0; i < kb->ncond * kb->nfind; i++)
        kb->row_of[i] = -1;
    int n = 0, cap = 512;
    char **names = src_list(s, "profiles", "", &n);
    kb->rows = malloc((size_t)cap * sizeof *kb->rows);
    bool ok = kb->rows != NULL;
    for (int i = 0; ok && i < n; i++)
        ok = load_profile(s, kb, names[i], &cap, err);
    free_list(names, n);
    /* move rows into the arena so one free releases everything */
    if (ok) {
        kb_row *rows = arena_alloc(kb->A, (size_t)(kb->nrows + 1) * sizeof *rows);
        if (!rows)
            ok = false;
        else
            memcpy(rows, kb->rows, (size_t)kb->nrows * sizeof *rows);
        free(kb->rows);
        kb->rows = rows;
    } else {
        free(kb->rows);
        kb->rows = NULL;
    }
    return ok;
}

static bool load_composites(src *s, gl_kb *kb, gl_error *err)
{
    table t;
    if (!table_open(s, &t, "composites.tsv", "composite_id\trule\tcomponents\tsource", true, err))
        return table_close(&t), false;
    kb->comp = arena_alloc(kb->A, (size_t)count_lines(t.cur) * sizeof *kb->comp);
    bool ok = kb->comp != NULL;
    while (ok && table_next(&t, 4, err)) {
        kb_composite *c = &kb->comp[kb->ncomp];
        c->finding = kb_find(kb, t.f[0]);
        if (c->finding < 0 || kb->find[c->finding].composite >= 0) {
            ok = kb_fail(&t, err, "composite_id", "unknown or repeated finding \"%s\"", t.f[0]);
            break;
        }
        double n;
        if (!strcmp(t.f[1], "any"))
            c->rule = COMP_ANY;
        else if (!strcmp(t.f[1], "all"))
            c->rule = COMP_ALL;
        else if (!strcmp(t.f[1], "given"))
            c->rule = COMP_GIVEN;
        else if (!strncmp(t.f[1], ">=", 2) && parse_double(t.f[1] + 2, &n) && n >= 1 && n <= 20 && n == floor(n))
            c->rule = (int)n;
        else {
            ok = kb_fail(&t, err, "rule", "\"%s\" must be any, all, given or >=N", t.f[1]);
            break;
        }
        c->comp = arena_alloc(kb->A, 32 * sizeof(int));
        char *save = NULL;
        for (char *tok = strtok_r(t.f[2], " ", &save); ok && tok; tok = strtok_r(NULL, " ", &save)) {
            int f = kb_find(kb, tok);
            if (f < 0 || f == c->finding || c->ncomp == 32)
                ok = kb_fail(&t, err, "components", "unknown, self-referencing or too many: \"%s\"", tok);
            else
                c->comp[c->ncomp++] = f;
        }
        if (ok && (c->ncomp == 0 || (c->rule > 0 && c->rule > c->ncomp)))
            ok = kb_fail(&t, err, "components", "%stoo few components for the rule", "");
        ok = ok && get_source(&t, 3, &c->source, kb->A, err);
        if (ok)
            kb->find[c->finding].composite = kb->ncomp++;
    }
    ok = ok && !err_pending(err);
    /* composites do not nest: a component is never itself a composite */
    for (int i = 0; ok && i < kb->ncomp; i++)
        for (int j = 0; j < kb->comp[i].ncomp; j++)
            if (kb->find[kb->comp[i].comp[j]].composite >= 0) {
                ok = kb_fail(&t, err, kb->find[kb->comp[i].finding].id, "component \"%s\" is itself a composite",
                             kb->find[kb->comp[i].comp[j]].id);
                break;
            }
    table_close(&t);
    return ok;
}

/* A per-finding index (which correlation group or question group holds each
 * finding), every entry -1 until a group claims it; NULL when out of memory. */
static int *finding_index(gl_kb *kb)
{
    int *ix = arena_alloc(kb->A, (size_t)kb->nfind * sizeof(int));
    for (int f = 0; ix && f < kb->nfind; f++)
        ix[f] = -1;
    return ix;
}

static bool load_correlations(src *s, gl_kb *kb, gl_error *err)
{
    table t;
    if (!table_open(s, &t, "correlations.tsv", "group\tweight\tfindings\tsource", true, err))
        return table_close(&t), false;
    kb->corr = arena_alloc(kb->A, (size_t)count_lines(t.cur) * sizeof *kb->corr);
    kb->corr_of = finding_index(kb);
    bool ok = kb->corr && kb->corr_of;
    while (ok && table_next(&t, 4, err)) {
        kb_corr *g = &kb->corr[kb->ncorr];
        if (!parse_double(t.f[1], &g->weight) || !(g->weight > 0 && g->weight <= 1)) {
            ok = kb_fail(&t, err, "weight", "\"%s\" must be a number in (0, 1]", t.f[1]);
            break;
        }
        g->member = arena_alloc(kb->A, 64 * sizeof(int));
        char *save = NULL;
        for (char *tok = strtok_r(t.f[2], " ", &save); ok && tok; tok = strtok_r(NULL, " ", &save)) {
            int f = kb_find(kb, tok);
            if (f < 0 || g->n == 64 || kb->corr_of[f] >= 0)
                ok = kb_fail(&t, err, "findings", "unknown, repeated or already grouped finding \"%s\"", tok);
            else {
                kb->corr_of[f] = kb->ncorr;
                g->member[g->n++] = f;
            }
        }
        if (ok && g->n < 2)
            ok = kb_fail(&t, err, "findings", "%sa group needs two findings or more", "");
        if (ok && (ok = get_source(&t, 3, &g->source, kb->A, err))) {
            g->name = dup(kb, t.f[0]);
            kb->ncorr++;
        }
    }
    ok = ok && !err_pending(err);
    table_close(&t);
    return ok;
}

static bool load_modifiers(src *s, gl_kb *kb, gl_error *err)
{
    table t;
    if (!table_open(s, &t, "modifiers.tsv", "condition_id\twhen\todds_ratio\tquality\tsource", true, err))
        return table_close(&t), false;
    kb->mod = arena_alloc(kb->A, (size_t)count_lines(t.cur) * sizeof *kb->mod);
    bool ok = kb->mod != NULL;
    while (ok && table_next(&t, 5, err)) {
        kb_modifier *m = &kb->mod[kb->nmod];
        const char *why = NULL;
        m->cond = kb_cond(kb, t.f[0]);
        if (m->cond < 0)
            ok = kb_fail(&t, err, "condition_id", "unknown condition \"%s\"", t.f[0]);
        else if (!(m->when = expr_parse(kb, kb->A, t.f[1], &why)))
            ok = kb_fail(&t, err, "when", "%s", why);
        else if (expr_uses_posterior(m->when))
            ok = kb_fail(&t, err, "when", "%sp(...) is for red flags only", "");
        else if (!parse_double(t.f[2], &m->odds) || !(m->odds > 0 && m->odds < 1000))
            ok = kb_fail(&t, err, "odds_ratio", "\"%s\" must be a number in (0, 1000)", t.f[2]);
        else if (get_quality(&t, 3, &m->measured, err) && get_source(&t, 4, &m->source, kb->A, err)) {
            m->when_text = dup(kb, t.f[1]);
            kb->nmod++;
        } else
            ok = false;
    }
    ok = ok && !err_pending(err);
    table_close(&t);
    return ok;
}

static bool load_measurements(src *s, gl_kb *kb, gl_error *err)
{
    table t;
    if (!table_open(s, &t, "measurements.tsv", "id\tunit\tmin\tmax\tfinding_id\top\tcutoff\tsource", true, err))
        return table_close(&t), false;
    kb->meas = arena_alloc(kb->A, (size_t)count_lines(t.cur) * sizeof *kb->meas);
    bool ok = kb->meas != NULL;
    static const char *ops[] = {"<", "<=", ">", ">=", "=="};
    while (ok && table_next(&t, 8, err)) {
        kb_measure *m = &kb->meas[kb->nmeas];
        m->op = -1;
        for (int i = 0; i < 5; i++)
            if (!strcmp(t.f[5], ops[i]))
                m->op = i;
        m->finding = kb_find(kb, t.f[4]);
        if (!*t.f[0] || kb_measure_index(kb, t.f[0]) >= 0)
            ok = kb_fail(&t, err, "id", "empty or duplicate measurement \"%s\"", t.f[0]);
        else if (!parse_double(t.f[2], &m->min) || !parse_double(t.f[3], &m->max) || m->min >= m->max)
            ok = kb_fail(&t, err, "min/max", "%sneed two numbers with min < max", "");
        else if (m->finding < 0)
            ok = kb_fail(&t, err, "finding_id", "unknown finding \"%s\"", t.f[4]);
        else if (m->op < 0)
            ok = kb_fail(&t, err, "op", "\"%s\" must be one of < <= > >= ==", t.f[5]);
        else if (!parse_double(t.f[6], &m->cutoff))
            ok = kb_fail(&t, err, "cutoff", "\"%s\" is not a number", t.f[6]);
        else if (get_source(&t, 7, &m->source, kb->A, err)) {
            m->id = dup(kb, t.f[0]);
            m->unit = dup(kb, t.f[1]);
            kb->nmeas++;
        } else
            ok = false;
    }
    ok = ok && !err_pending(err);
    table_close(&t);
    return ok;
}

static bool load_contradictions(src *s, gl_kb *kb, gl_error *err)
{
    table t;
    if (!table_open(s, &t, "contradictions.tsv", "kind\ta\tb\tmessage", true, err))
        return table_close(&t), false;
    kb->contra = arena_alloc(kb->A, (size_t)count_lines(t.cur) * sizeof *kb->contra);
    bool ok = kb->contra != NULL;
    while (ok && table_next(&t, 4, err)) {
        kb_contra *c = &kb->contra[kb->ncontra];
        c->sex = !strcmp(t.f[0], "sex");
        c->a = kb_find(kb, t.f[1]);
        c->b = c->sex ? (!strcmp(t.f[2], "female") ? 0 : !strcmp(t.f[2], "male") ? 1 : -1) : kb_find(kb, t.f[2]);
        if (!c->sex && strcmp(t.f[0], "both"))
            ok = kb_fail(&t, err, "kind", "\"%s\" must be both or sex", t.f[0]);
        else if (c->a < 0 || c->b < 0)
            ok = kb_fail(&t, err, "a/b", "%sunknown finding or sex", "");
        else if (!*t.f[3])
            ok = kb_fail(&t, err, "message", "%sempty message", "");
        else {
            c->message = dup(kb, t.f[3]);
            kb->ncontra++;
        }
    }
    ok = ok && !err_pending(err);
    table_close(&t);
    return ok;
}

/* A phrase with gaps ("reduced sensation * lateral foot"): no part empty,
 * no "*" other than as a gap, no doubled or leading space. */
static bool phrase_ok(const char *text)
{
    if (!*text || *text == ' ' || strstr(text, "  "))
        return false;
    for (const char *p = text; *p; p++)
        if (*p == '*' && (p == text || p[-1] != ' ' || p[1] != ' ' || p - 1 == text || !p[2] || p[2] == '*'))
            return false;
    return true;
}

/* Phrase alternatives: "{weak|reduced power of} {the |}quadriceps" stands for
 * every combination (here four phrases), so one row of the table can say
 * what a clinician writes in several ways. Groups do not nest; an empty
 * alternative is allowed. Returns the number of phrases, 0 on a malformed
 * pattern, or more than PHRASE_MAX_EXPAND when it would make too many. */
enum { PHRASE_MAX_GROUPS = 8, PHRASE_MAX_EXPAND = 20000 };

static long phrase_count(const char *pat)
{
    long n = 1;
    int groups = 0;
    for (const char *p = pat; *p; p++) {
        if (*p == '}' || *p == '|')
            return 0;
        if (*p != '{')
            continue;
        long alts = 1;
        for (p++; *p && *p != '}'; p++) {
            if (*p == '{')
                return 0;
            alts += *p == '|';
        }
        if (!*p || ++groups > PHRASE_MAX_GROUPS)
            return 0;
        n *= alts;
        if (n > PHRASE_MAX_EXPAND)
            return n;
    }
    return n;
}

/* Side words between a determiner and what they qualify ("over the left
 * greater trochanter", "his right buttock", "a left L5 radiculopathy") are
 * dropped, from the note and from the phrases alike, so that one phrase
 * reads either side: the side of the case is a field of its own. A side
 * word that is not followed by a word ("on the left", "the left, ...") or
 * that heads a pair ("the left and right buttocks") stays. In place; returns
 * the new length. */
size_t kb_drop_sides(char *s)
{
    static const char *const det[] = {"the ", "his ", "her ", "their ", "its ", "a ", "an "};
    static const char *const side[] = {"left-sided ", "right-sided ", "left ", "right "};
    static const char *const keep[] = {"and ", "or ", "than ", "to "};
    if (!strstr(s, "left") && !strstr(s, "right")) /* most phrases: nothing to drop */
        return strlen(s);
    char *w = s;
    for (const char *r = s; *r;) {
        size_t l = 0;
        bool may = (*r == 'l' || *r == 'r') && w > s && w[-1] == ' '; /* the cheap test first */
        for (size_t i = 0; may && i < sizeof det / sizeof *det && !l; i++) {
            size_t d = strlen(det[i]);
            bool after_det = (size_t)(w - s) >= d && !strncmp(w - d, det[i], d) &&
                             (w - d == s || !isalnum((unsigned char)w[-(long)d - 1]));
            if (after_det)
                for (size_t j = 0; j < sizeof side / sizeof *side && !l; j++)
                    if (!strncmp(r, side[j], strlen(side[j])))
                        l = strlen(side[j]);
        }
        bool drop = l && isalnum((unsigned char)r[l]);
        for (size_t i = 0; drop && i < sizeof keep / sizeof *keep; i++)
            drop = strncmp(r + l, keep[i], strlen(keep[i])) != 0;
        if (drop)
            r += l;
        else
            *w++ = *r++;
    }
    *w = '\0';
    return (size_t)(w - s);
}

/* The k-th phrase of the pattern (mixed radix over the groups, last fastest)
 * into out, which has room for strlen(pat) + 1 bytes. */
static void phrase_nth(const char *pat, long k, char *out)
{
    long radix[PHRASE_MAX_GROUPS];
    int g = 0;
    for (const char *p = pat; *p; p++)
        if (*p == '{') {
            radix[g] = 1;
            for (p++; *p != '}'; p++)
                radix[g] += *p == '|';
            g++;
        }
    long pick[PHRASE_MAX_GROUPS];
    for (int i = g - 1; i >= 0; i--) {
        pick[i] = k % radix[i];
        k /= radix[i];
    }
    g = 0;
    for (const char *p = pat; *p; p++) {
        if (*p != '{') {
            *out++ = *p;
            continue;
        }
        long alt = 0;
        for (p++; *p != '}'; p++) {
            if (*p == '|')
                alt++;
            else if (alt == pick[g])
                *out++ = *p;
        }
        g++;
    }
    *out = '\0';
}

static bool nomem(gl_error *err)
{
    err_set(err, GL_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    return false;
}

/* realloc that frees the old block when it fails */
static char *grow_text(char *old, size_t n)
{
    char *p = realloc(old, n);
    if (!p)
        free(old);
    return p;
}

/* Grow the phrase list by one; the list lives on the heap while loading. */
static kb_phrase *phrase_push(kb_phrase **list, int *n, int *cap)
{
    if (*n == *cap) {
        int c = *cap ? 2 * *cap : 1024;
        kb_phrase *l = realloc(*list, (size_t)c * sizeof *l);
        if (!l)
            return NULL;
        *list = l, *cap = c;
    }
    return &(*list)[(*n)++];
}

/* The trie while it is built: nodes in creation order, children as linked
 * lists (first child, next sibling). */
typedef struct {
    int *child, *sibling, n, cap;
    unsigned char *byte;
} trie_build;

static int trie_add_node(trie_build *b, unsigned char c)
{
    if (b->n == b->cap) {
        int cap = b->cap ? 2 * b->cap : 4096;
        int *child = realloc(b->child, (size_t)cap * sizeof *child);
        if (child)
            b->child = child;
        int *sibling = realloc(b->sibling, (size_t)cap * sizeof *sibling);
        if (sibling)
            b->sibling = sibling;
        unsigned char *byte = realloc(b->byte, (size_t)cap);
        if (byte)
            b->byte = byte;
        if (!child || !sibling || !byte)
            return -1;
        b->cap = cap;
    }
    b->child[b->n] = b->sibling[b->n] = -1;
    b->byte[b->n] = c;
    return b->n++;
}

/* The node of the first part of phrase p, added as needed; -1 out of memory. */
static int trie_insert(trie_build *b, const kb_phrase *p)
{
    int node = 0;
    for (size_t i = 0; i < p->head && node >= 0; i++) {
        unsigned char c = (unsigned char)p->text[i];
        int k = b->child[node], last = -1;
        while (k >= 0 && b->byte[k] != c)
            last = k, k = b->sibling[k];
        if (k < 0) {
            k = trie_add_node(b, c);
            if (k >= 0 && last >= 0)
                b->sibling[last] = k;
            else if (k >= 0)
                b->child[node] = k;
        }
        node = k;
    }
    return node;
}

static int cmp_byte_node(const void *a, const void *b)
{
    return (int)((const unsigned *)a)[0] - (int)((const unsigned *)b)[0];
}

/* Build kb->trie over the phrases' first parts (kb_trie in kb.h): the nodes
 * with their edges sorted by byte, and each node's phrases in file order (a
 * counting sort by node). */
static bool index_phrases(gl_kb *kb, gl_error *err)
{
    trie_build b = {0};
    int *at = malloc(((size_t)kb->nphrase + 1) * sizeof *at);
    bool ok = at && trie_add_node(&b, 0) == 0;
    for (int i = 0; ok && i < kb->nphrase; i++)
        ok = (at[i] = trie_insert(&b, &kb->phrase[i])) >= 0;
    kb_trie *t = &kb->trie;
    int nn = b.n;
    if (ok) {
        t->nnode = nn;
        t->edge_start = arena_alloc(kb->A, ((size_t)nn + 1) * sizeof(int));
        t->edge_byte = arena_alloc(kb->A, (size_t)nn + 1);
        t->edge_to = arena_alloc(kb->A, ((size_t)nn + 1) * sizeof(int));
        t->phrase_start = arena_alloc(kb->A, ((size_t)nn + 1) * sizeof(int));
        t->phrase = arena_alloc(kb->A, ((size_t)kb->nphrase + 1) * sizeof(int));
        ok = t->edge_start && t->edge_byte && t->edge_to && t->phrase_start && t->phrase;
    }
    /* edges: node n's children, sorted by byte; every node but the root is one edge */
    unsigned (*kids)[2] = ok ? malloc(((size_t)nn + 1) * sizeof *kids) : NULL;
    ok = ok && kids;
    for (int c = 0; ok && c < 256; c++)
        t->root[c] = -1;
    for (int n = 0, e = 0; ok && n < nn; n++) {
        t->edge_start[n] = e;
        int m = 0;
        for (int k = b.child[n]; k >= 0; k = b.sibling[k])
            kids[m][0] = b.byte[k], kids[m++][1] = (unsigned)k;
        qsort(kids, (size_t)m, sizeof *kids, cmp_byte_node);
        for (int j = 0; j < m; j++, e++) {
            t->edge_byte[e] = (unsigned char)kids[j][0];
            t->edge_to[e] = (int)kids[j][1];
            if (!n)
                t->root[kids[j][0]] = (int)kids[j][1];
        }
        t->edge_start[n + 1] = e;
    }
    if (ok) { /* phrase lists: zeroed by the arena, counted, summed, filled in file order */
        for (int i = 0; i < kb->nphrase; i++)
            t->phrase_start[at[i] + 1]++;
        for (int n = 0; n < nn; n++)
            t->phrase_start[n + 1] += t->phrase_start[n];
        int *next = malloc(((size_t)nn + 1) * sizeof *next);
        ok = next != NULL;
        if (ok)
            memcpy(next, t->phrase_start, (size_t)nn * sizeof *next);
        for (int i = 0; ok && i < kb->nphrase; i++)
            t->phrase[next[at[i]]++] = i;
        free(next);
    }
    free(kids);
    free(at);
    free(b.child);
    free(b.sibling);
    free(b.byte);
    return ok || nomem(err);
}

static bool load_phrases(src *s, gl_kb *kb, gl_error *err)
{
    table t;
    if (!table_open(s, &t, "note_phrases.tsv", "finding_id\tvalue\tphrase\tsource", true, err))
        return table_close(&t), false;
    kb_phrase *list = NULL;
    int n = 0, cap = 0;
    char *buf = NULL;
    bool ok = true;
    while (ok && table_next(&t, 4, err)) {
        int finding = kb_find(kb, t.f[0]);
        bool lower = true;
        for (const char *c = t.f[2]; *c; c++)
            lower &= !(*c >= 'A' && *c <= 'Z');
        long count = phrase_count(t.f[2]);
        const char *src_text = NULL;
        if (finding < 0)
            ok = kb_fail(&t, err, "finding_id", "unknown finding \"%s\"", t.f[0]);
        else if (strcmp(t.f[1], "1") && strcmp(t.f[1], "-1"))
            ok = kb_fail(&t, err, "value", "\"%s\" must be 1 or -1", t.f[1]);
        else if (!lower || !*t.f[2])
            ok = kb_fail(&t, err, "phrase", "\"%s\" must be non-empty lower-case text", t.f[2]);
        else if (count < 1 || count > PHRASE_MAX_EXPAND)
            ok = kb_fail(&t, err, "phrase", "\"%s\": alternatives must be {a|b} groups, not nested, at most 8 "
                         "of them and 20000 phrases", t.f[2]);
        else if (!(buf = grow_text(buf, strlen(t.f[2]) + 1)))
            ok = nomem(err);
        else
            ok = get_source(&t, 3, &src_text, kb->A, err);
        for (long k = 0; ok && k < count; k++) {
            phrase_nth(t.f[2], k, buf);
            kb_drop_sides(buf);
            const char *gap = strstr(buf, " * ");
            size_t head = gap ? (size_t)(gap - buf) : strlen(buf);
            bool well_formed = phrase_ok(buf), short_head = head <= KB_HEAD_MAX;
            kb_phrase *p = well_formed && short_head ? phrase_push(&list, &n, &cap) : NULL;
            if (!well_formed)
                ok = kb_fail(&t, err, "phrase", "\"%s\": every part around \" * \" must be non-empty, without "
                             "leading or doubled spaces", buf);
            else if (!short_head) /* the miner walks first parts on a fixed path (kb_trie) */
                ok = kb_fail(&t, err, "phrase", "\"%s\": the first part (before any \" * \") is longer than "
                             "200 bytes", buf); /* KB_HEAD_MAX */
            else if (!p || !(p->text = dup(kb, buf)))
                ok = nomem(err);
            else {
                p->finding = finding;
                p->value = t.f[1][0] == '-' ? -1 : 1; /* "1" or "-1", checked above */
                p->len = strlen(buf);
                p->head = head;
            }
        }
    }
    free(buf);
    kb->phrase = ok && n ? arena_alloc(kb->A, (size_t)n * sizeof *kb->phrase) : NULL;
    if (ok && n && !kb->phrase)
        ok = nomem(err);
    if (ok && n)
        memcpy(kb->phrase, list, (size_t)n * sizeof *list);
    kb->nphrase = ok ? n : 0;
    free(list);
    ok = ok && !err_pending(err);
    table_close(&t);
    return ok && index_phrases(kb, err);
}

/* "mg/l=1 mg/dl=10": each unit (lower case, no spaces) and its factor to the
 * measurement's unit. Returns the count, or -1 on a malformed list. */
static int parse_units(gl_kb *kb, char *list, kb_number *nb)
{
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(list, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        char *eq = strrchr(tok, '=');
        double f;
        if (n == KB_NUMBER_UNITS || !eq || eq == tok || !parse_double(eq + 1, &f) || !(f > 0))
            return -1;
        *eq = '\0';
        for (const char *c = tok; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                return -1;
        if (!(nb->unit[n] = dup(kb, tok)))
            return -1;
        nb->factor[n++] = f;
    }
    return n;
}

/* kb/note_numbers.tsv (optional): laboratory values in notes. Each name
 * becomes a kb_number and a report-only phrase appended after the indexed
 * phrases (kb->nphrase is not raised, so the phrase matcher never sees it). */
static bool load_numbers(src *s, gl_kb *kb, gl_error *err)
{
    table t;
    if (!table_open(s, &t, "note_numbers.tsv", "measurement_id\tname\tunits\tsource", false, err))
        return table_close(&t), !err_pending(err);
    int cap = 8 * count_lines(t.cur); /* at most 8 names per row ({a|b} alternatives, checked below) */
    kb->number = arena_alloc(kb->A, (size_t)(cap + 1) * sizeof *kb->number);
    kb_phrase *ph = arena_alloc(kb->A, (size_t)(kb->nphrase + cap + 1) * sizeof *ph);
    bool ok = kb->number && ph;
    if (ok && kb->nphrase)
        memcpy(ph, kb->phrase, (size_t)kb->nphrase * sizeof *ph);
    int nph = kb->nphrase;
    char buf[256], units[512];
    while (ok && table_next(&t, 4, err)) {
        int m = kb_measure_index(kb, t.f[0]);
        long count = phrase_count(t.f[1]);
        kb_number proto = {0};
        int nunit = -1;
        const char *src_text = NULL;
        bool lower = true;
        for (const char *c = t.f[1]; *c; c++)
            lower &= !(*c >= 'A' && *c <= 'Z');
        if (m < 0)
            ok = kb_fail(&t, err, "measurement_id", "unknown measurement \"%s\"", t.f[0]);
        else if (!lower || !*t.f[1] || strlen(t.f[1]) >= sizeof buf || strstr(t.f[1], " * ") || count < 1 ||
                 count > 8)
            ok = kb_fail(&t, err, "name", "\"%s\" must be lower-case text, at most 8 {a|b} alternatives, no gaps",
                         t.f[1]);
        else if (strlen(t.f[2]) >= sizeof units || (strcpy(units, t.f[2]), nunit = parse_units(kb, units, &proto)) < 1)
            ok = kb_fail(&t, err, "units", "\"%s\" must be 1-12 lower-case unit=factor pairs (factor > 0)", t.f[2]);
        else
            ok = get_source(&t, 3, &src_text, kb->A, err);
        proto.nunit = nunit;
        for (long k = 0; ok && k < count; k++) {
            phrase_nth(t.f[1], k, buf);
            kb_number *nb = &kb->number[kb->nnumber];
            *nb = proto;
            nb->meas = m;
            nb->name = dup(kb, buf);
            nb->len = strlen(buf);
            nb->phrase = nph;
            ph[nph] = (kb_phrase){kb->meas[m].finding, 1, nb->name, nb->len, nb->len};
            ok = nb->name && nb->len && buf[0] != ' ' && buf[nb->len - 1] != ' ';
            if (!ok)
                kb_fail(&t, err, "name", "\"%s\": an empty name or one with outer spaces", buf);
            else
                nph++, kb->nnumber++;
        }
    }
    if (ok)
        kb->phrase = ph; /* kb->nphrase still counts only the indexed phrases */
    ok = ok && !err_pending(err);
    table_close(&t);
    return ok;
}

static bool load_screen(src *s, gl_kb *kb, gl_error *err)
{
    table t;
    if (!table_open(s, &t, "screen.tsv", "finding_id\tsource", true, err))
        return table_close(&t), false;
    kb->screen = arena_alloc(kb->A, (size_t)kb->nfind * sizeof *kb->screen);
    bool ok = kb->screen != NULL;
    while (ok && table_next(&t, 2, err)) {
        int f = kb_find(kb, t.f[0]);
        const char *why = NULL;
        if (f < 0)
            ok = kb_fail(&t, err, "finding_id", "unknown finding \"%s\"", t.f[0]);
        else if ((ok = get_source(&t, 1, &why, kb->A, err)))
            kb->screen[f] = true;
    }
    ok = ok && !err_pending(err);
    table_close(&t);
    return ok;
}

/* One member of a question group: a known history finding in no other group,
 * and not a generic "site not recorded" form (that one is the follow-up when
 * the specific answers are not known; next.c generic_ready). */
static bool group_member(table *t, gl_kb *kb, kb_group *g, const char *tok, gl_error *err)
{
    int f = kb_find(kb, tok);
    if (f < 0 || g->n == 64 || kb->group_of[f] >= 0)
        return kb_fail(t, err, "findings", "unknown, repeated or already grouped finding \"%s\"", tok);
    const kb_finding *k = &kb->find[f];
    if (strcmp(k->kind, "history") && strcmp(k->kind, "symptom"))
        return kb_fail(t, err, "findings", "\"%s\" is not a history finding (examination is one manoeuvre at a time)", tok);
    if (k->composite >= 0 && kb->comp[k->composite].rule == COMP_ANY)
        return kb_fail(t, err, "findings", "\"%s\" is a generic form: it is asked on its own after its specific forms", tok);
    kb->group_of[f] = kb->ngroup;
    g->member[g->n++] = f;
    return true;
}

static bool load_groups(src *s, gl_kb *kb, gl_error *err)
{
    table t;
    if (!table_open(s, &t, "groups.tsv", "id\tquestion\tfindings\tsource", true, err))
        return table_close(&t), false;
    kb->group = arena_alloc(kb->A, (size_t)count_lines(t.cur) * sizeof *kb->group);
    kb->group_of = finding_index(kb);
    bool ok = kb->group && kb->group_of;
    while (ok && table_next(&t, 4, err)) {
        kb_group *g = &kb->group[kb->ngroup];
        memset(g, 0, sizeof *g);
        if (kb_find(kb, t.f[0]) >= 0 || !strcmp(t.f[0], "duration_weeks") || !*t.f[0] || !*t.f[1]) {
            ok = kb_fail(&t, err, "id", "\"%s\" needs a question and an id that is not a finding", t.f[0]);
            break;
        }
        for (int j = 0; ok && j < kb->ngroup; j++)
            if (!strcmp(kb->group[j].id, t.f[0]))
                ok = kb_fail(&t, err, "id", "repeated group \"%s\"", t.f[0]);
        g->member = arena_alloc(kb->A, 64 * sizeof(int));
        ok = ok && g->member;
        char *save = NULL;
        for (char *tok = strtok_r(t.f[2], " ", &save); ok && tok; tok = strtok_r(NULL, " ", &save))
            ok = group_member(&t, kb, g, tok, err);
        if (ok && g->n < 2)
            ok = kb_fail(&t, err, "findings", "%sa group needs two findings or more", "");
        if (ok && (ok = get_source(&t, 3, &g->source, kb->A, err))) {
            g->id = dup(kb, t.f[0]);
            g->question = dup(kb, t.f[1]);
            kb->ngroup++;
        }
    }
    ok = ok && !err_pending(err);
    table_close(&t);
    return ok;
}

static bool load_redflags(src *s, gl_kb *kb, gl_error *err)
{
    table t;
    if (!table_open(s, &t, "redflags.tsv", "id\turgency\twhen\ttitle\taction\tsource", true, err))
        return table_close(&t), false;
    kb->flag = arena_alloc(kb->A, (size_t)count_lines(t.cur) * sizeof *kb->flag);
    bool ok = kb->flag != NULL;
    while (ok && table_next(&t, 6, err)) {
        kb_redflag *f = &kb->flag[kb->nflag];
        const char *why = NULL;
        f->urgency = -1;
        for (int i = 1; i < 4; i++)
            if (!strcmp(t.f[1], kb_urgency_names[i]))
                f->urgency = i;
        if (!*t.f[0])
            ok = kb_fail(&t, err, "id", "%sempty red-flag ID", "");
        else if (f->urgency < 0)
            ok = kb_fail(&t, err, "urgency", "\"%s\" must be soon, urgent or emergency", t.f[1]);
        else if (!(f->when = expr_parse(kb, kb->A, t.f[2], &why)))
            ok = kb_fail(&t, err, "when", "%s", why);
        else if (!*t.f[3] || !*t.f[4])
            ok = kb_fail(&t, err, "title/action", "%sboth are required", "");
        else if (get_source(&t, 5, &f->source, kb->A, err)) {
            f->id = dup(kb, t.f[0]);
            f->title = dup(kb, t.f[3]);
            f->action = dup(kb, t.f[4]);
            f->when_text = dup(kb, t.f[2]);
            kb->nflag++;
        } else
            ok = false;
    }
    ok = ok && !err_pending(err);
    table_close(&t);
    return ok;
}

static int cmp_find_idx(const void *a, const void *b, void *kbp)
{
    const gl_kb *kb = kbp;
    return strcmp(kb->find[*(const int *)a].id, kb->find[*(const int *)b].id);
}

/* Simple insertion sort with context (qsort_r is not portable C11). */
static void sort_findings(gl_kb *kb)
{
    int *v = kb->find_sorted;
    for (int i = 0; i < kb->nfind; i++)
        v[i] = i;
    for (int i = 1; i < kb->nfind; i++) {
        int x = v[i], j = i;
        while (j > 0 && cmp_find_idx(&v[j - 1], &x, kb) > 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

/* Noisy-OR link from sensitivity and base rate, or for a row below the base
 * rate (a typical negative) the factor on the leak (kb/README.md "The model").
 * Either way a patient with c alone shows the finding with probability sens
 * (floored at 0.001: no finding rules a condition out absolutely). */
static void compute_links(gl_kb *kb)
{
    for (int i = 0; i < kb->ncond * kb->nfind; i++) {
        kb->link[i] = 0.0;
        kb->inhib[i] = 1.0;
    }
    for (int i = 0; i < kb->nrows; i++) {
        const kb_row *r = &kb->rows[i];
        double base = kb->find[r->finding].base, sens = r->sens > 0.001 ? r->sens : 0.001;
        size_t at = (size_t)r->cond * (size_t)kb->nfind + (size_t)r->finding;
        if (sens > base)
            kb->link[at] = (sens - base) / (1.0 - base);
        else
            kb->inhib[at] = sens / base;
    }
}

static gl_kb *load(src *s, gl_error *out)
{
    gl_error e;
    memset(&e, 0, sizeof e);
    gl_kb *kb = calloc(1, sizeof *kb);
    if (kb)
        pthread_mutex_init(&kb->cache_lock, NULL);
    if (!kb || !(kb->A = arena_new())) {
        free(kb);
        err_set(out, GL_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        return NULL;
    }
    bool ok = load_model(s, kb, &e) && load_conditions(s, kb, &e) && load_priors(s, kb, &e) &&
              load_findings(s, kb, &e) && resolve_entry(kb, &e) && load_profiles(s, kb, &e) && load_composites(s, kb, &e) && load_correlations(s, kb, &e) &&
              load_modifiers(s, kb, &e) && load_measurements(s, kb, &e) &&
              load_contradictions(s, kb, &e) && load_phrases(s, kb, &e) &&
              load_numbers(s, kb, &e) && load_screen(s, kb, &e) && load_groups(s, kb, &e) &&
              load_redflags(s, kb, &e);
    if (ok && !(kb->find_sorted = arena_alloc(kb->A, (size_t)kb->nfind * sizeof(int)))) {
        err_set(&e, GL_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        ok = false;
    }
    if (!ok) {
        if (e.code == GL_OK)
            err_set(&e, GL_ERR_NOMEM, NULL, 0, NULL, "out of memory while loading the knowledge base");
        if (out)
            *out = e;
        gl_kb_free(&kb);
        return NULL;
    }
    sort_findings(kb);
    compute_links(kb);
    hash_all(s);
    kb->dir = s->dir ? arena_strdup(kb->A, s->dir) : NULL;
    if (kb->max_k > kb->ncond) { /* fold the mass of impossible sizes into the largest possible */
        for (int k = kb->ncond + 1; k <= kb->max_k; k++)
            kb->size_prior[kb->ncond] += kb->size_prior[k];
        kb->max_k = kb->ncond;
    }
    snprintf(kb->version, sizeof kb->version, "kb-%08x", (unsigned)s->hash);
    return kb;
}

gl_kb *gl_kb_load_builtin(gl_error *err)
{
    src s = {NULL, 2166136261u, NULL, NULL, 0};
    return load(&s, err);
}

gl_kb *kb_load_override(const char *name, const char *text, size_t len, gl_error *err)
{
    src s = {NULL, 2166136261u, name, text, len};
    return load(&s, err);
}

gl_kb *gl_kb_load_dir(const char *dir, gl_error *err)
{
    if (!dir) {
        err_set(err, GL_ERR_USAGE, NULL, 0, NULL, "no knowledge-base folder given");
        return NULL;
    }
    src s = {dir, 2166136261u, NULL, NULL, 0};
    return load(&s, err);
}

void *kb_cache(const gl_kb *ckb, int slot, void *(*build)(const gl_kb *, gl_error *), void (*destroy)(void *),
               gl_error *err)
{
    if (slot < 0 || slot >= KB_NCACHE) {
        err_set(err, GL_ERR_USAGE, NULL, 0, NULL, "no such cache slot");
        return NULL;
    }
    gl_kb *kb = (gl_kb *)(uintptr_t)ckb; /* the cache is the one mutable part, behind its lock */
    pthread_mutex_lock(&kb->cache_lock);
    if (!kb->cache[slot] && kb->cache_err[slot].code == GL_OK) {
        kb->cache[slot] = build(ckb, &kb->cache_err[slot]);
        kb->cache_free[slot] = destroy;
        if (!kb->cache[slot] && kb->cache_err[slot].code == GL_OK)
            err_set(&kb->cache_err[slot], GL_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    }
    void *obj = kb->cache[slot];
    if (!obj && err)
        *err = kb->cache_err[slot];
    pthread_mutex_unlock(&kb->cache_lock);
    return obj;
}

void gl_kb_free(gl_kb **kb)
{
    if (!kb || !*kb)
        return;
    for (int i = 0; i < KB_NCACHE; i++)
        if ((*kb)->cache[i] && (*kb)->cache_free[i])
            (*kb)->cache_free[i]((*kb)->cache[i]);
    pthread_mutex_destroy(&(*kb)->cache_lock);
    arena_free((*kb)->A);
    free(*kb);
    *kb = NULL;
}

const char *gl_kb_version(const gl_kb *kb) { return kb->version; }
int gl_kb_condition_count(const gl_kb *kb) { return kb->ncond; }
int gl_kb_condition_index(const gl_kb *kb, const char *id) { return id ? kb_cond(kb, id) : -1; }

const char *gl_kb_condition_id(const gl_kb *kb, int i)
{
    return i >= 0 && i < kb->ncond ? kb->cond[i].id : NULL;
}

int gl_kb_same_family(const gl_kb *kb, int a, int b)
{
    if (a < 0 || b < 0 || a >= kb->ncond || b >= kb->ncond)
        return 0;
    if (a == b)
        return 1;
    return kb->cond[a].parent == b || kb->cond[b].parent == a;
}

/* ---- access for other subsystems (anatomy, plans, exercises) ---- */
char *kb_file(const gl_kb *kb, const char *name, size_t *len)
{
    src s = {kb->dir, 0, NULL, NULL, 0};
    size_t l = 0;
    char *text = src_read(&s, name, &l);
    if (len)
        *len = l;
    return text;
}

bool kb_table_open(const gl_kb *kb, kb_table *t, const char *name, const char *header, gl_error *err)
{
    src s = {kb->dir, 0, NULL, NULL, 0};
    memset(err, 0, sizeof *err);
    return table_open(&s, t, name, header, true, err);
}

bool kb_table_next(kb_table *t, int want, gl_error *err) { return table_next(t, want, err); }
void kb_table_close(kb_table *t) { table_close(t); }
