/* store.c - the encounter store on SQLite (see store.h for the contract).
 *
 * Schema changes are a list of migrations applied in order; PRAGMA user_version
 * records how many have run, so an old database is brought up to date on open
 * and a migration never runs twice. Append to the list; never edit a shipped one. */
#include "store/store.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

struct store {
    sqlite3 *db;
    pthread_mutex_t mu;
};

static const char *const migrations[STORE_SCHEMA_VERSION] = {
    /* 1: encounters and follow-ups */
    "CREATE TABLE encounters ("
    " id INTEGER PRIMARY KEY,"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL, created_by TEXT NOT NULL,"
    " patient_ref TEXT, case_id TEXT, kb_version TEXT NOT NULL,"
    " urgency TEXT NOT NULL, leading TEXT,"
    " case_json TEXT NOT NULL CHECK (json_valid(case_json)),"
    " result_json TEXT NOT NULL CHECK (json_valid(result_json)));"
    "CREATE INDEX encounters_patient ON encounters(patient_ref);"
    "CREATE TABLE followups ("
    " id INTEGER PRIMARY KEY,"
    " encounter_id INTEGER NOT NULL REFERENCES encounters(id) ON DELETE CASCADE,"
    " created_at TEXT NOT NULL, recorded_by TEXT NOT NULL, date TEXT,"
    " pain_nprs INTEGER NOT NULL CHECK (pain_nprs BETWEEN 0 AND 10),"
    " function TEXT, treatments_json TEXT NOT NULL CHECK (json_valid(treatments_json)), note TEXT);"
    "CREATE INDEX followups_encounter ON followups(encounter_id);",
    /* 2: API tokens (hashes only) and the audit log */
    "CREATE TABLE tokens ("
    " id INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE,"
    " created_at TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE audit ("
    " id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
    " encounter_id INTEGER);"
    "CREATE INDEX audit_encounter ON audit(encounter_id);",
    /* 3: CDS Hooks card feedback */
    "CREATE TABLE cds_feedback ("
    " id INTEGER PRIMARY KEY, received_at TEXT NOT NULL, actor TEXT NOT NULL, card TEXT NOT NULL,"
    " outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'overridden')), reason TEXT, outcome_at TEXT);",
    /* 4: CDS Hooks JWT IDs seen, against replay */
    "CREATE TABLE cds_jti (iss TEXT NOT NULL, jti TEXT NOT NULL, exp INTEGER NOT NULL, PRIMARY KEY (iss, jti));"
    "CREATE INDEX cds_jti_exp ON cds_jti(exp);",
};

#define NOW "strftime('%Y-%m-%dT%H:%M:%fZ','now')"

static int db_fail(store *s, gl_error *err, const char *what)
{
    err_set(err, GL_ERR_IO, NULL, 0, NULL, "encounter store: %s: %s", what, sqlite3_errmsg(s->db));
    return -1;
}

static int exec(store *s, const char *sql, gl_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(err, GL_ERR_IO, NULL, 0, NULL, "encounter store: %s", msg ? msg : "error");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int user_version(store *s)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Run every migration past the recorded version, each in its own transaction
 * together with the user_version bump. */
static int migrate(store *s, gl_error *err)
{
    int v = user_version(s);
    if (v < 0)
        return db_fail(s, err, "cannot read the schema version");
    if (v > STORE_SCHEMA_VERSION) {
        err_set(err, GL_ERR_IO, NULL, 0, NULL, "encounter store: schema version %d is newer than this program (%d)", v,
                STORE_SCHEMA_VERSION);
        return -1;
    }
    for (; v < STORE_SCHEMA_VERSION; v++) {
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d;", v + 1);
        if (exec(s, "BEGIN IMMEDIATE;", err) < 0)
            return -1;
        if (exec(s, migrations[v], err) < 0 || exec(s, bump, err) < 0) {
            exec(s, "ROLLBACK;", NULL);
            return -1;
        }
        if (exec(s, "COMMIT;", err) < 0)
            return -1;
    }
    return 0;
}

store *store_open(const char *path, gl_error *err)
{
    store *s = calloc(1, sizeof *s);
    if (!s) {
        err_set(err, GL_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->mu, NULL);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        err_set(err, GL_ERR_IO, path, 0, NULL, "cannot open the encounter store %s: %s", path,
                s->db ? sqlite3_errmsg(s->db) : "out of memory");
        store_close(&s);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_extended_result_codes(s->db, 1);
    if (exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;", err) < 0 ||
        migrate(s, err) < 0) {
        store_close(&s);
        return NULL;
    }
    return s;
}

void store_close(store **sp)
{
    if (!sp || !*sp)
        return;
    store *s = *sp;
    if (s->db)
        sqlite3_close(s->db);
    pthread_mutex_destroy(&s->mu);
    free(s);
    *sp = NULL;
}

int store_schema_version(store *s)
{
    pthread_mutex_lock(&s->mu);
    int v = user_version(s);
    pthread_mutex_unlock(&s->mu);
    return v;
}

/* ---- statement helpers: prepare, bind by position, step once ---- */

static sqlite3_stmt *prep(store *s, const char *sql, gl_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        db_fail(s, err, "prepare");
        return NULL;
    }
    return st;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* Step a write statement to completion and finalize it. */
static int step_done(store *s, sqlite3_stmt *st, gl_error *err, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(s, err, what);
    return 0;
}

static int begin(store *s, gl_error *err) { return exec(s, "BEGIN IMMEDIATE;", err); }

static int commit(store *s, gl_error *err)
{
    if (exec(s, "COMMIT;", err) < 0) {
        exec(s, "ROLLBACK;", NULL);
        return -1;
    }
    return 0;
}

static long long fail_rollback(store *s)
{
    exec(s, "ROLLBACK;", NULL);
    return -1;
}

/* ---- encounters ---- */

long long store_encounter_create(store *s, const char *actor, const char *patient_ref, const char *case_json,
                                 const char *result_json, const char *kb_version, const char *case_id,
                                 const char *urgency, const char *leading, gl_error *err)
{
    pthread_mutex_lock(&s->mu);
    long long id = -1;
    if (begin(s, err) < 0)
        goto out;
    sqlite3_stmt *st = prep(s,
                            "INSERT INTO encounters (created_at, updated_at, created_by, patient_ref, case_id,"
                            " kb_version, urgency, leading, case_json, result_json)"
                            " VALUES (" NOW ", " NOW ", ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                            err);
    if (!st) {
        id = fail_rollback(s);
        goto out;
    }
    bind_text(st, 1, actor);
    bind_text(st, 2, patient_ref);
    bind_text(st, 3, case_id);
    bind_text(st, 4, kb_version);
    bind_text(st, 5, urgency);
    bind_text(st, 6, leading);
    bind_text(st, 7, case_json);
    bind_text(st, 8, result_json);
    if (step_done(s, st, err, "cannot save the encounter") < 0) {
        id = fail_rollback(s);
        goto out;
    }
    id = sqlite3_last_insert_rowid(s->db);
    sqlite3_stmt *au =
        prep(s, "INSERT INTO audit (at, actor, action, encounter_id) VALUES (" NOW ", ?1, 'create', ?2)", err);
    if (!au) {
        id = fail_rollback(s);
        goto out;
    }
    bind_text(au, 1, actor);
    sqlite3_bind_int64(au, 2, id);
    if (step_done(s, au, err, "cannot write the audit log") < 0 || commit(s, err) < 0)
        id = fail_rollback(s);
out:
    pthread_mutex_unlock(&s->mu);
    return id;
}

static json_t *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? json_string((const char *)t) : json_null();
}

static json_t *col_json(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    json_t *v = t ? json_loads((const char *)t, JSON_DECODE_ANY, NULL) : NULL;
    return v ? v : json_null();
}

static json_t *followups_of(store *s, long long id, gl_error *err)
{
    sqlite3_stmt *st = prep(s,
                            "SELECT id, created_at, recorded_by, date, pain_nprs, function, treatments_json, note"
                            " FROM followups WHERE encounter_id = ?1 ORDER BY COALESCE(date, created_at), id",
                            err);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    json_t *a = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, 0)));
        json_object_set_new(o, "created_at", col_text(st, 1));
        json_object_set_new(o, "recorded_by", col_text(st, 2));
        json_object_set_new(o, "date", col_text(st, 3));
        json_object_set_new(o, "pain_nprs", json_integer(sqlite3_column_int(st, 4)));
        json_object_set_new(o, "function", col_text(st, 5));
        json_object_set_new(o, "treatments", col_json(st, 6));
        json_object_set_new(o, "note", col_text(st, 7));
        json_array_append_new(a, o);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        json_decref(a);
        db_fail(s, err, "cannot read follow-ups");
        return NULL;
    }
    return a;
}

json_t *store_encounter_get(store *s, long long id, gl_error *err)
{
    pthread_mutex_lock(&s->mu);
    json_t *o = NULL;
    sqlite3_stmt *st = prep(s,
                            "SELECT id, created_at, updated_at, created_by, patient_ref, case_id, kb_version,"
                            " urgency, leading, case_json, result_json FROM encounters WHERE id = ?1",
                            err);
    if (!st)
        goto out;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        o = json_object();
        json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, 0)));
        json_object_set_new(o, "created_at", col_text(st, 1));
        json_object_set_new(o, "updated_at", col_text(st, 2));
        json_object_set_new(o, "created_by", col_text(st, 3));
        json_object_set_new(o, "patient_ref", col_text(st, 4));
        json_object_set_new(o, "case_id", col_text(st, 5));
        json_object_set_new(o, "kb_version", col_text(st, 6));
        json_object_set_new(o, "urgency", col_text(st, 7));
        json_object_set_new(o, "leading", col_text(st, 8));
        json_object_set_new(o, "case", col_json(st, 9));
        json_object_set_new(o, "result", col_json(st, 10));
    } else if (rc == SQLITE_DONE)
        err_set(err, GL_ERR_INVALID, NULL, 0, "id", "encounter %lld not found", id);
    else
        db_fail(s, err, "cannot read the encounter");
    sqlite3_finalize(st);
    if (o) {
        json_t *f = followups_of(s, id, err);
        if (!f) {
            json_decref(o);
            o = NULL;
        } else
            json_object_set_new(o, "followups", f);
    }
out:
    pthread_mutex_unlock(&s->mu);
    return o;
}

json_t *store_encounter_list(store *s, const char *patient_ref, int limit, int offset, gl_error *err)
{
    pthread_mutex_lock(&s->mu);
    json_t *a = NULL;
    sqlite3_stmt *st = prep(s,
                            "SELECT e.id, e.created_at, e.patient_ref, e.case_id, e.kb_version, e.urgency, e.leading,"
                            " (SELECT COUNT(*) FROM followups f WHERE f.encounter_id = e.id)"
                            " FROM encounters e WHERE ?1 IS NULL OR e.patient_ref = ?1"
                            " ORDER BY e.id DESC LIMIT ?2 OFFSET ?3",
                            err);
    if (!st)
        goto out;
    bind_text(st, 1, patient_ref);
    sqlite3_bind_int(st, 2, limit);
    sqlite3_bind_int(st, 3, offset);
    a = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, 0)));
        json_object_set_new(o, "created_at", col_text(st, 1));
        json_object_set_new(o, "patient_ref", col_text(st, 2));
        json_object_set_new(o, "case_id", col_text(st, 3));
        json_object_set_new(o, "kb_version", col_text(st, 4));
        json_object_set_new(o, "urgency", col_text(st, 5));
        json_object_set_new(o, "leading", col_text(st, 6));
        json_object_set_new(o, "followup_count", json_integer(sqlite3_column_int(st, 7)));
        json_array_append_new(a, o);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        json_decref(a);
        a = NULL;
        db_fail(s, err, "cannot list encounters");
    }
out:
    pthread_mutex_unlock(&s->mu);
    return a;
}

long long store_followup_add(store *s, long long encounter, const char *actor, int pain, const char *function,
                             const char *treatments_json, const char *date, const char *note, gl_error *err)
{
    pthread_mutex_lock(&s->mu);
    long long id = -1;
    if (begin(s, err) < 0)
        goto out;
    sqlite3_stmt *st = prep(s, "SELECT 1 FROM encounters WHERE id = ?1", err);
    if (!st) {
        id = fail_rollback(s);
        goto out;
    }
    sqlite3_bind_int64(st, 1, encounter);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) {
        if (rc == SQLITE_DONE)
            err_set(err, GL_ERR_INVALID, NULL, 0, "id", "encounter %lld not found", encounter);
        else
            db_fail(s, err, "cannot read the encounter");
        id = fail_rollback(s);
        goto out;
    }
    st = prep(s,
              "INSERT INTO followups (encounter_id, created_at, recorded_by, date, pain_nprs, function,"
              " treatments_json, note) VALUES (?1, " NOW ", ?2, ?3, ?4, ?5, ?6, ?7)",
              err);
    if (!st) {
        id = fail_rollback(s);
        goto out;
    }
    sqlite3_bind_int64(st, 1, encounter);
    bind_text(st, 2, actor);
    bind_text(st, 3, date);
    sqlite3_bind_int(st, 4, pain);
    bind_text(st, 5, function);
    bind_text(st, 6, treatments_json ? treatments_json : "[]");
    bind_text(st, 7, note);
    if (step_done(s, st, err, "cannot save the follow-up") < 0) {
        id = fail_rollback(s);
        goto out;
    }
    id = sqlite3_last_insert_rowid(s->db);
    st = prep(s, "UPDATE encounters SET updated_at = " NOW " WHERE id = ?1;", err);
    if (!st) {
        id = fail_rollback(s);
        goto out;
    }
    sqlite3_bind_int64(st, 1, encounter);
    if (step_done(s, st, err, "cannot update the encounter") < 0) {
        id = fail_rollback(s);
        goto out;
    }
    st = prep(s, "INSERT INTO audit (at, actor, action, encounter_id) VALUES (" NOW ", ?1, 'followup', ?2)", err);
    if (!st) {
        id = fail_rollback(s);
        goto out;
    }
    bind_text(st, 1, actor);
    sqlite3_bind_int64(st, 2, encounter);
    if (step_done(s, st, err, "cannot write the audit log") < 0 || commit(s, err) < 0)
        id = fail_rollback(s);
out:
    pthread_mutex_unlock(&s->mu);
    return id;
}

/* ---- CDS Hooks replay check ---- */

int store_jti_use(store *s, const char *iss, const char *jti, long long exp)
{
    pthread_mutex_lock(&s->mu);
    int rc = -1;
    if (begin(s, NULL) < 0)
        goto out;
    sqlite3_stmt *st = prep(s, "DELETE FROM cds_jti WHERE exp < CAST(strftime('%s','now') AS INTEGER) - 60", NULL);
    if (!st || step_done(s, st, NULL, "purge") < 0) {
        fail_rollback(s);
        goto out;
    }
    st = prep(s, "INSERT OR IGNORE INTO cds_jti (iss, jti, exp) VALUES (?1, ?2, ?3)", NULL);
    if (!st) {
        fail_rollback(s);
        goto out;
    }
    bind_text(st, 1, iss);
    bind_text(st, 2, jti);
    sqlite3_bind_int64(st, 3, exp);
    if (step_done(s, st, NULL, "jti") < 0) {
        fail_rollback(s);
        goto out;
    }
    rc = sqlite3_changes(s->db) == 1 ? 1 : 0;
    if (commit(s, NULL) < 0)
        rc = -1;
out:
    pthread_mutex_unlock(&s->mu);
    return rc;
}

/* ---- tokens ---- */

void store_sha256_hex(const char *text, size_t len, char out[65])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)text, len, md);
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int random_bytes(unsigned char *buf, size_t n)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r <= 0) {
            close(fd);
            return -1;
        }
        got += (size_t)r;
    }
    close(fd);
    return 0;
}

char *store_token_create(store *s, const char *name, gl_error *err)
{
    unsigned char raw[32];
    if (random_bytes(raw, sizeof raw) < 0) {
        err_set(err, GL_ERR_IO, NULL, 0, NULL, "cannot read /dev/urandom");
        return NULL;
    }
    char hex[2 * sizeof raw + 1];
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(hex + 2 * i, 3, "%02x", raw[i]);
    OPENSSL_cleanse(raw, sizeof raw);
    size_t cap = 4 + sizeof hex;
    char *tok = malloc(cap);
    if (!tok) {
        OPENSSL_cleanse(hex, sizeof hex);
        err_set(err, GL_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        return NULL;
    }
    snprintf(tok, cap, "glt_%s", hex);
    OPENSSL_cleanse(hex, sizeof hex);
    char hash[65];
    store_sha256_hex(tok, strlen(tok), hash);
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st = prep(s, "INSERT INTO tokens (name, sha256, created_at) VALUES (?1, ?2, " NOW ")", err);
    int rc = -1;
    if (st) {
        bind_text(st, 1, name);
        bind_text(st, 2, hash);
        rc = step_done(s, st, err, "cannot save the token");
    }
    pthread_mutex_unlock(&s->mu);
    if (rc < 0) {
        free(tok);
        return NULL;
    }
    return tok;
}

bool store_token_check(store *s, const char *token, char *name, size_t cap)
{
    if (!token || strlen(token) > 256)
        return false;
    char hash[65];
    store_sha256_hex(token, strlen(token), hash);
    pthread_mutex_lock(&s->mu);
    bool ok = false;
    sqlite3_stmt *st = prep(s, "SELECT name, sha256 FROM tokens WHERE sha256 = ?1 AND revoked = 0", NULL);
    if (st) {
        bind_text(st, 1, hash);
        if (sqlite3_step(st) == SQLITE_ROW) {
            const char *n = (const char *)sqlite3_column_text(st, 0);
            const char *h = (const char *)sqlite3_column_text(st, 1);
            ok = h && strlen(h) == 64 && CRYPTO_memcmp(h, hash, 64) == 0;
            if (ok && name && cap)
                snprintf(name, cap, "%s", n ? n : "");
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->mu);
    return ok;
}

int store_token_revoke(store *s, const char *name, gl_error *err)
{
    pthread_mutex_lock(&s->mu);
    int n = -1;
    sqlite3_stmt *st = prep(s, "UPDATE tokens SET revoked = 1 WHERE name = ?1 AND revoked = 0", err);
    if (st) {
        bind_text(st, 1, name);
        if (step_done(s, st, err, "cannot revoke the token") == 0)
            n = sqlite3_changes(s->db);
    }
    pthread_mutex_unlock(&s->mu);
    return n;
}

json_t *store_token_list(store *s, gl_error *err)
{
    pthread_mutex_lock(&s->mu);
    json_t *a = NULL;
    sqlite3_stmt *st = prep(s, "SELECT name, created_at, revoked FROM tokens ORDER BY id", err);
    if (st) {
        a = json_array();
        while (sqlite3_step(st) == SQLITE_ROW) {
            json_t *o = json_object();
            json_object_set_new(o, "name", col_text(st, 0));
            json_object_set_new(o, "created_at", col_text(st, 1));
            json_object_set_new(o, "revoked", json_boolean(sqlite3_column_int(st, 2)));
            json_array_append_new(a, o);
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->mu);
    return a;
}

/* ---- audit log and feedback ---- */

int store_audit(store *s, const char *actor, const char *action, long long encounter, gl_error *err)
{
    pthread_mutex_lock(&s->mu);
    int rc = -1;
    sqlite3_stmt *st = prep(s, "INSERT INTO audit (at, actor, action, encounter_id) VALUES (" NOW ", ?1, ?2, ?3)", err);
    if (st) {
        bind_text(st, 1, actor);
        bind_text(st, 2, action);
        if (encounter > 0)
            sqlite3_bind_int64(st, 3, encounter);
        else
            sqlite3_bind_null(st, 3);
        rc = step_done(s, st, err, "cannot write the audit log");
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int store_audit_many(store *s, const char *actor, const char *action, const long long *ids, size_t n, gl_error *err)
{
    if (n == 0)
        return 0;
    pthread_mutex_lock(&s->mu);
    int rc = -1;
    sqlite3_stmt *st = NULL;
    if (begin(s, err) < 0)
        goto out;
    st = prep(s, "INSERT INTO audit (at, actor, action, encounter_id) VALUES (" NOW ", ?1, ?2, ?3)", err);
    if (!st) {
        fail_rollback(s);
        goto out;
    }
    bind_text(st, 1, actor);
    bind_text(st, 2, action);
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_int64(st, 3, ids[i]);
        if (sqlite3_step(st) != SQLITE_DONE) {
            db_fail(s, err, "cannot write the audit log");
            sqlite3_finalize(st);
            fail_rollback(s);
            goto out;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    rc = commit(s, err);
out:
    pthread_mutex_unlock(&s->mu);
    return rc;
}

json_t *store_audit_list(store *s, int limit, gl_error *err)
{
    pthread_mutex_lock(&s->mu);
    json_t *a = NULL;
    sqlite3_stmt *st = prep(s, "SELECT at, actor, action, encounter_id FROM audit ORDER BY id DESC LIMIT ?1", err);
    if (st) {
        sqlite3_bind_int(st, 1, limit);
        a = json_array();
        while (sqlite3_step(st) == SQLITE_ROW) {
            json_t *o = json_object();
            json_object_set_new(o, "at", col_text(st, 0));
            json_object_set_new(o, "actor", col_text(st, 1));
            json_object_set_new(o, "action", col_text(st, 2));
            json_object_set_new(o, "encounter_id",
                                sqlite3_column_type(st, 3) == SQLITE_NULL ? json_null()
                                                                          : json_integer(sqlite3_column_int64(st, 3)));
            json_array_append_new(a, o);
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->mu);
    return a;
}

int store_feedback_add(store *s, const char *actor, const char *card, const char *outcome, const char *reason,
                       const char *at, gl_error *err)
{
    pthread_mutex_lock(&s->mu);
    int rc = -1;
    sqlite3_stmt *st = prep(s,
                            "INSERT INTO cds_feedback (received_at, actor, card, outcome, reason, outcome_at)"
                            " VALUES (" NOW ", ?1, ?2, ?3, ?4, ?5)",
                            err);
    if (st) {
        bind_text(st, 1, actor);
        bind_text(st, 2, card);
        bind_text(st, 3, outcome);
        bind_text(st, 4, reason);
        bind_text(st, 5, at);
        rc = step_done(s, st, err, "cannot save the feedback");
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

json_t *store_feedback_list(store *s, gl_error *err)
{
    pthread_mutex_lock(&s->mu);
    json_t *a = NULL;
    sqlite3_stmt *st = prep(s, "SELECT received_at, actor, card, outcome, reason FROM cds_feedback ORDER BY id", err);
    if (st) {
        a = json_array();
        while (sqlite3_step(st) == SQLITE_ROW) {
            json_t *o = json_object();
            json_object_set_new(o, "received_at", col_text(st, 0));
            json_object_set_new(o, "actor", col_text(st, 1));
            json_object_set_new(o, "card", col_text(st, 2));
            json_object_set_new(o, "outcome", col_text(st, 3));
            json_object_set_new(o, "reason", col_text(st, 4));
            json_array_append_new(a, o);
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->mu);
    return a;
}
