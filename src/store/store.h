/* store.h - the encounter store (SQLite): encounters with their case, result and
 * knowledge-base version, follow-ups, API tokens (SHA-256 hashes only), the audit
 * log and CDS Hooks feedback. Library-internal; the HTTP service is its user.
 *
 * Durability: WAL journal, synchronous=FULL, so a call that returned success has
 * been fsync'd and survives kill -9 of the process. Every write runs in one
 * transaction with prepared statements only. One connection, guarded by a mutex:
 * the store may be called from several server threads.
 *
 * Errors: functions returning a pointer give NULL, functions returning a number
 * give -1, with *err filled (GL_ERR_INVALID + "not found" when an ID is unknown,
 * GL_ERR_IO for database failures). JSON values returned are new references. */
#ifndef GL_STORE_H
#define GL_STORE_H

#include <jansson.h>
#include <stdbool.h>

#include "gluteal.h"

typedef struct store store;

#define STORE_SCHEMA_VERSION 4

/* path ":memory:" gives a private in-memory store (tests, fuzzing). */
store *store_open(const char *path, gl_error *err); /* free with store_close */
void store_close(store **s);
int store_schema_version(store *s);

/* Encounters. case_json and result_json are JSON texts; patient_ref may be NULL.
 * Returns the new encounter's id. */
long long store_encounter_create(store *s, const char *actor, const char *patient_ref, const char *case_json,
                                 const char *result_json, const char *kb_version, const char *case_id,
                                 const char *urgency, const char *leading, gl_error *err);
/* Full encounter: id, timestamps, kb_version, patient_ref, case, result, followups. */
json_t *store_encounter_get(store *s, long long id, gl_error *err);
/* Summaries, newest first; patient_ref NULL = all. */
json_t *store_encounter_list(store *s, const char *patient_ref, int limit, int offset, gl_error *err);
/* Follow-up: pain 0-10 (checked again by the schema), function text (may be NULL),
 * treatments a JSON array text. Returns the follow-up id. */
long long store_followup_add(store *s, long long encounter, const char *actor, int pain, const char *function,
                             const char *treatments_json, const char *date, const char *note, gl_error *err);

/* Tokens: store_token_create returns the new token text (malloc'd, shown once);
 * only its SHA-256 is kept. store_token_check copies the token's name into
 * name[0..cap) and returns true when the token is known and not revoked. */
char *store_token_create(store *s, const char *name, gl_error *err);
bool store_token_check(store *s, const char *token, char *name, size_t cap);
/* Revoke every token with this name; returns how many were revoked, or -1. */
int store_token_revoke(store *s, const char *name, gl_error *err);
/* Tokens (never their text): name, created_at, revoked. */
json_t *store_token_list(store *s, gl_error *err);

/* Audit log: actor did action (read, create, followup, list, fhir) on an encounter
 * (0 = none). store_audit_list returns the newest `limit` rows. */
int store_audit(store *s, const char *actor, const char *action, long long encounter, gl_error *err);
json_t *store_audit_list(store *s, int limit, gl_error *err);
/* One row per encounter in ids[0..n), in one transaction (a listing reveals them all). */
int store_audit_many(store *s, const char *actor, const char *action, const long long *ids, size_t n, gl_error *err);

/* CDS Hooks feedback: one row per card outcome. */
int store_feedback_add(store *s, const char *actor, const char *card, const char *outcome, const char *reason,
                       const char *at, gl_error *err);
json_t *store_feedback_list(store *s, gl_error *err);

/* CDS Hooks JWT replay check: records (iss, jti) until exp (seconds since the
 * epoch). Returns 1 the first time, 0 for a replay, -1 on a database error.
 * Expired entries are dropped on the way. */
int store_jti_use(store *s, const char *iss, const char *jti, long long exp);

/* hex SHA-256 of text into out[65] (used for token hashes). */
void store_sha256_hex(const char *text, size_t len, char out[65]);

#endif
