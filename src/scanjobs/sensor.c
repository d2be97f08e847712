/* sensor.c — sensors on the server: creation with a one-time enrolment
 * token, enrolment (the sensor's own credential becomes its key, stored
 * hashed), credential look-up with last-seen, heartbeats and revocation. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "db/db.h"
#include "scanjobs/scanjobs.h"
#include "scanjobs/scanjobs_int.h"

void scanjobs__sha256_hex(const char *s, size_t n, char out[65]) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, (const unsigned char *)s, n);
  sodium_bin2hex(out, 65, h, sizeof h);
}

void scanjobs__secret(const char *prefix, char *out, size_t outsz) {
  unsigned char raw[32];
  char b64[64];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  snprintf(out, outsz, "%s%s", prefix, b64);
  sodium_memzero(raw, sizeof raw);
}

int scanjobs__secret_ok(const char *s, const char *prefix) {
  size_t pl = strlen(prefix);
  if (!s || strncmp(s, prefix, pl) || strlen(s) != pl + 43) return 0;
  for (const char *p = s + pl; *p; p++)
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
          *p == '-' || *p == '_'))
      return 0;
  return 1;
}

static int name_ok(const char *s) {
  size_t n = s ? strlen(s) : 0;
  if (n < 1 || n > 64) return 0;
  for (const char *p = s; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f) return 0;
  return 1;
}

int scanjobs_sensor_create(Db *db, const Principal *who, int64_t org, const char *name,
                           char token[SCANJOBS_SECRET_LEN + 1], int64_t *id, Err *e) {
  if (!name_ok(name)) return err_set(e, VERR_INVALID, "Sensoren trenger et navn (1–64 tegn).");
  char hash[65];
  scanjobs__secret(SCANJOBS_ENROL_PREFIX, token, SCANJOBS_SECRET_LEN + 1);
  scanjobs__sha256_hex(token, strlen(token), hash);
  int64_t now = db_now();
  int rc = db_begin(db, e);
  if (rc) return rc;
  rc = db_int(db, e, id, "INSERT INTO scan_sensors (org_id, name, enrol_hash, enrol_expires,"
              " created_by, created_at) VALUES (?, ?, ?, ?, NULLIF(?, 0), ?) RETURNING id",
              "lssll" "l", org, name, hash, now + SCANJOBS_ENROL_TTL, who->user_id, now);
  if (rc == VERR_CONFLICT) err_set(e, VERR_CONFLICT, "Det finnes alt en sensor med det navnet.");
  AuditEvent ev = {who, org, "scan.sensor.create", "scan_sensor", NULL, name};
  if (rc == 0) rc = audit_append(db, &ev, NULL, e);
  if (rc == 0) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}

/* Retry of an enrolment whose reply was lost: same token, same credential. */
static int enrol_repeat(Db *db, const char *thash, const char *chash, int64_t *sid, int64_t *org,
                        Err *e) {
  DbStmt *st;
  int rc = db_query(db, &st, e, "SELECT id, org_id FROM scan_sensors WHERE cred_hash = ? AND"
                    " used_enrol_hash = ? AND revoked_at IS NULL", "ss", chash, thash);
  if (rc) return rc;
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    *sid = db_col_int(st, 0);
    *org = db_col_int(st, 1);
  }
  db_finalize(st);
  if (rc < 0) return rc;
  return rc == DB_ROW ? 0 : err_set(e, VERR_DENIED, "Ugyldig, brukt eller utløpt "
                                    "registreringsnøkkel.");
}

int scanjobs_sensor_enrol(Db *db, const char *token, const char *cred, const char *addr,
                          int64_t *sid, int64_t *org, Err *e) {
  if (!scanjobs__secret_ok(token, SCANJOBS_ENROL_PREFIX) ||
      !scanjobs__secret_ok(cred, SCANJOBS_CRED_PREFIX))
    return err_set(e, VERR_DENIED, "Ugyldig, brukt eller utløpt registreringsnøkkel.");
  char thash[65], chash[65];
  scanjobs__sha256_hex(token, strlen(token), thash);
  scanjobs__sha256_hex(cred, strlen(cred), chash);
  int64_t now = db_now();
  int rc = db_begin(db, e);
  if (rc) return rc;
  rc = db_int(db, e, sid, "UPDATE scan_sensors SET enrol_hash = NULL, used_enrol_hash = ?,"
              " cred_hash = ?, enrolled_at = ?, last_seen = ?, last_addr = ? WHERE enrol_hash = ?"
              " AND enrol_expires > ? AND revoked_at IS NULL RETURNING id",
              "ssllssl", thash, chash, now, now, addr, thash, now);
  if (rc == VERR_NOTFOUND) {
    db_rollback(db);
    return enrol_repeat(db, thash, chash, sid, org, e);
  }
  if (rc == 0) rc = db_int(db, e, org, "SELECT org_id FROM scan_sensors WHERE id = ?", "l", *sid);
  char det[64];
  snprintf(det, sizeof det, "sensor=%lld addr=%.40s", (long long)*sid, addr ? addr : "");
  AuditEvent ev = {NULL, *org, "scan.sensor.enrol", "scan_sensor", NULL, det};
  if (rc == 0) rc = audit_append(db, &ev, NULL, e);
  if (rc == 0) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}

int scanjobs_sensor_auth(Db *db, const char *cred, const char *addr, int64_t *sid, int64_t *org,
                         Err *e) {
  if (!scanjobs__secret_ok(cred, SCANJOBS_CRED_PREFIX))
    return err_set(e, VERR_NOTFOUND, "Ukjent sensor.");
  char chash[65];
  scanjobs__sha256_hex(cred, strlen(cred), chash);
  DbStmt *st;
  int rc = db_query(db, &st, e, "UPDATE scan_sensors SET last_seen = ?, last_addr = ?"
                    " WHERE cred_hash = ? AND revoked_at IS NULL RETURNING id, org_id", "lss",
                    db_now(), addr, chash);
  if (rc) return rc;
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    *sid = db_col_int(st, 0);
    *org = db_col_int(st, 1);
  }
  db_finalize(st);
  if (rc < 0) return rc;
  return rc == DB_ROW ? 0 : err_set(e, VERR_NOTFOUND, "Ukjent eller tilbakekalt sensor.");
}

int scanjobs_sensor_heartbeat(Db *db, int64_t sid, const char *version, int64_t queued, Err *e) {
  if (version && strlen(version) > 64) version = NULL;
  return db_exec(db, e, "UPDATE scan_sensors SET version = coalesce(?, version), queued = ?,"
                 " last_seen = ? WHERE id = ?", "slll", version, queued, db_now(), sid);
}

int scanjobs_sensor_revoke(Db *db, const Principal *who, int64_t org, int64_t id, Err *e) {
  int rc = db_begin(db, e);
  if (rc) return rc;
  rc = db_exec(db, e, "UPDATE scan_sensors SET revoked_at = ?, enrol_hash = NULL WHERE id = ?"
               " AND org_id = ? AND revoked_at IS NULL", "lll", db_now(), id, org);
  if (rc == 0 && db_changes(db) == 0) rc = err_set(e, VERR_NOTFOUND, "Fant ikke sensoren.");
  if (rc == 0)
    rc = db_exec(db, e, "UPDATE scan_jobs SET state = 'failed', error = 'sensoren er tilbakekalt',"
                 " finished_at = ? WHERE sensor_id = ? AND state IN ('queued','running')", "ll",
                 db_now(), id);
  char idtxt[24];
  snprintf(idtxt, sizeof idtxt, "%lld", (long long)id);
  AuditEvent ev = {who, org, "scan.sensor.revoke", "scan_sensor", idtxt, NULL};
  if (rc == 0) rc = audit_append(db, &ev, NULL, e);
  if (rc == 0) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}

void scanjobs__secret_public(char *out, size_t outsz) {
  scanjobs__secret(SCANJOBS_CRED_PREFIX, out, outsz);
}
