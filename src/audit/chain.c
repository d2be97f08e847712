/* chain.c — appending to and verifying the hash-chained audit log. The hash
 * covers the previous hash and every field, each length-prefixed, so no two
 * different entries serialise to the same bytes. */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "db/db.h"

#define AUDIT_FIELD_MAX 200

typedef struct Row {
  int64_t id, at, user_id, org_id;  /* 0 = NULL for user_id/org_id */
  const char *username, *action, *object_type, *object_id, *remote_addr, *details, *prev;
} Row;

static void put_field(crypto_hash_sha256_state *h, const char *s) {
  char len[32];
  size_t n = strlen(s);
  int k = snprintf(len, sizeof len, "%zu:", n);
  crypto_hash_sha256_update(h, (const unsigned char *)len, (unsigned long long)k);
  crypto_hash_sha256_update(h, (const unsigned char *)s, n);
}

static void put_int(crypto_hash_sha256_state *h, int64_t v) {
  char s[32];
  snprintf(s, sizeof s, "%" PRId64, v);
  put_field(h, s);
}

static void row_hash(const Row *r, char out[AUDIT_HASH_HEX + 1]) {
  crypto_hash_sha256_state h;
  if (sodium_init() < 0) abort(); /* start-up failure: no usable libsodium */
  unsigned char d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_init(&h);
  put_field(&h, "varde-audit-v1");
  put_field(&h, r->prev);
  put_int(&h, r->id);
  put_int(&h, r->at);
  put_int(&h, r->user_id);
  put_field(&h, r->username);
  put_int(&h, r->org_id);
  put_field(&h, r->action);
  put_field(&h, r->object_type);
  put_field(&h, r->object_id);
  put_field(&h, r->remote_addr);
  put_field(&h, r->details);
  crypto_hash_sha256_final(&h, d);
  sodium_bin2hex(out, AUDIT_HASH_HEX + 1, d, sizeof d);
}

static int check_event(const AuditEvent *ev, Err *e) {
  if (!ev || !ev->action || !*ev->action) return err_set(e, VERR_INVALID, "Revisjonshendelsen mangler handling.");
  const char *f[] = {ev->action, ev->object_type, ev->object_id};
  for (size_t i = 0; i < 3; i++)
    if (f[i] && strlen(f[i]) > AUDIT_FIELD_MAX)
      return err_set(e, VERR_TOOBIG, "Et felt i revisjonshendelsen er lengre enn %d tegn.", AUDIT_FIELD_MAX);
  if (ev->details && strlen(ev->details) > AUDIT_DETAILS_MAX)
    return err_set(e, VERR_TOOBIG, "Detaljene i revisjonshendelsen er lengre enn %d tegn.", AUDIT_DETAILS_MAX);
  return 0;
}

/* The newest entry's id and hash (0 and the genesis value for an empty log). */
static int chain_head(Db *db, int64_t *id, char hash[AUDIT_HASH_HEX + 1], Err *e) {
  DbStmt *st;
  *id = 0;
  snprintf(hash, AUDIT_HASH_HEX + 1, "%s", AUDIT_GENESIS);
  int rc = db_query(db, &st, e, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", "");
  if (rc) return rc;
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    *id = db_col_int(st, 0);
    snprintf(hash, AUDIT_HASH_HEX + 1, "%s", db_col_text(st, 1));
    rc = 0;
  }
  db_finalize(st);
  return rc;
}

static const char *nz(const char *s) { return s ? s : ""; }

int audit_append(Db *db, const AuditEvent *ev, int64_t *id, Err *e) {
  int rc = check_event(ev, e);
  if (rc) return rc;
  if (!db_in_transaction(db))
    return err_set(e, VERR_INVALID, "Intern feil: revisjonsloggen skrives bare inne i en transaksjon.");
  char prev[AUDIT_HASH_HEX + 1], hash[AUDIT_HASH_HEX + 1];
  int64_t last;
  if ((rc = chain_head(db, &last, prev, e))) return rc;
  const Principal *p = ev->who;
  Row r = {.id = last + 1, .at = db_now(), .user_id = p ? p->user_id : 0, .org_id = ev->org_id,
           .username = p ? p->username : "system", .action = ev->action, .object_type = nz(ev->object_type),
           .object_id = nz(ev->object_id), .remote_addr = p ? p->remote_addr : "",
           .details = nz(ev->details), .prev = prev};
  row_hash(&r, hash);
  rc = db_exec(db, e,
               "INSERT INTO audit_log (id, at, user_id, username, org_id, action, object_type, object_id,"
               " remote_addr, details, prev_hash, hash) VALUES (?, ?, nullif(?, 0), ?, nullif(?, 0), ?, ?, ?, ?, ?, ?, ?)",
               "lllslsssssss", r.id, r.at, r.user_id, r.username, r.org_id, r.action, r.object_type,
               r.object_id, r.remote_addr, r.details, r.prev, hash);
  if (!rc && id) *id = r.id;
  return rc;
}

int audit_record(Db *db, const AuditEvent *ev, Err *e) {
  int rc = db_begin(db, e);
  if (rc) return rc;
  rc = audit_append(db, ev, NULL, e);
  if (!rc) return db_commit(db, e);
  db_rollback(db);
  return rc;
}

static void row_from_stmt(DbStmt *st, Row *r) {
  r->id = db_col_int(st, 0);
  r->at = db_col_int(st, 1);
  r->user_id = db_col_int(st, 2);
  r->username = db_col_text(st, 3);
  r->org_id = db_col_int(st, 4);
  r->action = db_col_text(st, 5);
  r->object_type = db_col_text(st, 6);
  r->object_id = db_col_text(st, 7);
  r->remote_addr = db_col_text(st, 8);
  r->details = db_col_text(st, 9);
  r->prev = db_col_text(st, 10);
}

/* Checks one entry against its predecessor; 0 or a Norwegian reason. */
static const char *entry_problem(const Row *r, int64_t want_id, const char *want_prev, const char *stored) {
  char calc[AUDIT_HASH_HEX + 1];
  if (r->id != want_id) return r->id > want_id ? "oppføringer før denne mangler (slettet)" : "uventet nummer";
  if (strcmp(r->prev, want_prev)) return "peker ikke på forrige oppførings hash (forrige er endret eller slettet)";
  row_hash(r, calc);
  if (strcmp(calc, stored)) return "innholdet er endret etter at det ble skrevet";
  return NULL;
}

int audit_verify(Db *db, int64_t *count, int64_t *bad_id, char head[AUDIT_HASH_HEX + 1], Err *e) {
  DbStmt *st;
  char prev[AUDIT_HASH_HEX + 1] = AUDIT_GENESIS;
  int64_t n = 0;
  *count = 0;
  *bad_id = 0;
  int rc = db_query(db, &st, e,
                    "SELECT id, at, coalesce(user_id, 0), username, coalesce(org_id, 0), action, object_type,"
                    " object_id, remote_addr, details, prev_hash, hash FROM audit_log ORDER BY id",
                    "");
  if (rc) return rc;
  while ((rc = db_step(st, e)) == DB_ROW) {
    Row r;
    row_from_stmt(st, &r);
    const char *stored = db_col_text(st, 11);
    const char *why = entry_problem(&r, n + 1, prev, stored);
    if (why) {
      *bad_id = r.id;
      rc = err_set(e, VERR_CONFLICT, "Revisjonsloggen er brutt ved oppføring %" PRId64 " (%s, %s): %s.", r.id,
                   r.action, r.username, why);
      break;
    }
    snprintf(prev, sizeof prev, "%s", stored);
    n++;
  }
  db_finalize(st);
  *count = n;
  if (head) snprintf(head, AUDIT_HASH_HEX + 1, "%s", prev);
  return rc < 0 ? rc : 0;
}
