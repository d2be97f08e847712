/* mfa.c — the second factor in the database: TOTP enrolment (pending secret,
 * confirmation), code checks with replay protection, recovery codes, reset. */
#include <ctype.h>
#include <liboath/oath.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/internal.h"
#include "db/db.h"
#include "user/user.h"

typedef struct TotpRow {
  char secret[AUTH_TOTP_SECRET_MAX + 1];
  int enabled;
  int64_t last_step;
} TotpRow;

/* need_secret: open the stored secret too (it needs the key file). */
static int load_totp(Db *db, int64_t user_id, TotpRow *t, int need_secret, Err *e) {
  DbStmt *st;
  memset(t, 0, sizeof *t);
  int rc = db_query(db, &st, e,
                    "SELECT COALESCE(totp_secret, ''), totp_enabled, totp_last_step FROM users"
                    " WHERE id = ?", "l", user_id);
  if (rc) return rc;
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    const char *stored = db_col_text(st, 0);
    t->enabled = (int)db_col_int(st, 1);
    t->last_step = db_col_int(st, 2);
    t->secret[0] = *stored ? '?' : '\0';   /* "there is one" when not opened */
    rc = need_secret && *stored ? auth__unseal(db, user_id, stored, t->secret, sizeof t->secret, e) : 0;
  } else if (rc == DB_DONE) {
    rc = err_set(e, VERR_NOTFOUND, "Brukeren finnes ikke.");
  }
  db_finalize(st);
  return rc;
}

int auth_mfa_status(Db *db, int64_t user_id, AuthMfaStatus *out, Err *e) {
  TotpRow t;
  int64_t left = 0;
  memset(out, 0, sizeof *out);
  int rc = load_totp(db, user_id, &t, 0, e);
  if (!rc) rc = db_int(db, e, &left, "SELECT COUNT(*) FROM recovery_codes WHERE user_id = ?"
                       " AND used_at IS NULL", "l", user_id);
  if (!rc) rc = user_is_admin_anywhere(db, user_id, &out->required, e);
  out->totp_enabled = t.enabled;
  out->recovery_left = (int)left;
  sodium_memzero(&t, sizeof t);
  return rc;
}

static int is_totp_shaped(const char *code) {
  int digits = 0;
  for (; *code; code++) {
    if (isdigit((unsigned char)*code)) digits++;
    else if (*code != ' ') return 0;
  }
  return digits == AUTH_TOTP_DIGITS;
}

int auth__mfa_consume(Db *db, int64_t user_id, const char *code, int64_t now,
                      int *used_recovery, Err *e) {
  TotpRow t;
  int64_t step = 0;
  unsigned char h[32];
  char hex[65];
  *used_recovery = 0;
  if (!code || strlen(code) > 64) return err_set(e, VERR_DENIED, "Feil kode.");
  int rc = load_totp(db, user_id, &t, is_totp_shaped(code), e);
  if (rc) return rc;
  if (!t.enabled) return err_set(e, VERR_DENIED, "Tofaktor er ikke slått på.");
  if (is_totp_shaped(code)) {
    rc = auth_totp_verify(t.secret, code, now, t.last_step, &step, e);
    sodium_memzero(&t, sizeof t);
    if (rc) return rc == VERR_INVALID ? rc : VERR_DENIED;
    return db_exec(db, e, "UPDATE users SET totp_last_step = ? WHERE id = ?", "ll", step, user_id);
  }
  sodium_memzero(&t, sizeof t);
  if (auth_recovery_code_hash(code, h)) return err_set(e, VERR_DENIED, "Feil kode.");
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  rc = db_exec(db, e, "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ?"
               " AND used_at IS NULL", "lls", now, user_id, hex);
  if (rc) return rc;
  if (db_changes(db) != 1) return err_set(e, VERR_DENIED, "Feil eller allerede brukt kode.");
  *used_recovery = 1;
  return 0;
}

int auth_mfa_check(Db *db, int64_t user_id, const char *code, int64_t now,
                   int *used_recovery, Err *e) {
  int dummy;
  int rc = db_begin(db, e);
  if (rc) return rc;
  rc = auth__mfa_consume(db, user_id, code, now, used_recovery ? used_recovery : &dummy, e);
  return auth__tx_end(db, rc, e);
}

/* Replaces the user's recovery codes with a fresh set (inside a transaction). */
static int issue_recovery(Db *db, int64_t user_id, int64_t now,
                          char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1], Err *e) {
  unsigned char h[32];
  char hex[65];
  int rc = db_exec(db, e, "DELETE FROM recovery_codes WHERE user_id = ?", "l", user_id);
  for (int i = 0; !rc && i < AUTH_RECOVERY_COUNT; i++) {
    rc = auth_recovery_code_new(codes[i], e);
    if (rc) break;
    auth_recovery_code_hash(codes[i], h);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    rc = db_exec(db, e, "INSERT INTO recovery_codes(user_id, code_hash, created_at) VALUES (?,?,?)",
                 "lsl", user_id, hex, now);
  }
  return rc;
}

int auth_totp_begin(Db *db, const Principal *actor, int64_t user_id,
                    char secret_b32[AUTH_TOTP_SECRET_B32_LEN + 1], Err *e) {
  char *sealed = NULL;
  int rc = auth_totp_secret_new(secret_b32, e);
  if (!rc) rc = auth__seal(db, user_id, secret_b32, &sealed, e);
  if (!rc) rc = db_begin(db, e);
  if (rc) return free(sealed), rc;
  rc = db_exec(db, e, "UPDATE users SET totp_secret = ?, totp_last_step = 0, updated_at = ?"
               " WHERE id = ? AND totp_enabled = 0", "sll", sealed, db_now(), user_id);
  free(sealed);
  if (!rc && db_changes(db) != 1)
    rc = err_set(e, VERR_CONFLICT, "Tofaktor er allerede slått på (eller brukeren finnes ikke).");
  if (!rc) rc = auth__audit(db, actor, 0, "user.totp_begin", "user", user_id, NULL, e);
  return auth__tx_end(db, rc, e);
}

int auth_totp_confirm(Db *db, const AuthConfig *cfg, const Principal *p, int64_t user_id,
                      const char *code, int64_t now,
                      char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1],
                      AuthSessionNew *rotated, Err *e) {
  TotpRow t;
  int64_t step = 0;
  (void)cfg;
  int rc = db_begin(db, e);
  if (!rc) rc = load_totp(db, user_id, &t, 1, e);
  if (!rc && t.enabled) rc = err_set(e, VERR_CONFLICT, "Tofaktor er allerede slått på.");
  if (!rc && !t.secret[0]) rc = err_set(e, VERR_INVALID, "Start oppsettet av tofaktor først.");
  if (!rc) rc = auth_totp_verify(t.secret, code, now, t.last_step, &step, e);
  sodium_memzero(&t, sizeof t);
  if (!rc) rc = db_exec(db, e, "UPDATE users SET totp_enabled = 1, totp_last_step = ?,"
                        " updated_at = ? WHERE id = ?", "lll", step, now, user_id);
  if (!rc) rc = issue_recovery(db, user_id, now, codes, e);
  if (!rc) rc = auth__audit(db, p, 0, "user.totp_enable", "user", user_id, NULL, e);
  /* The second factor was just shown: raise this session to FULL with a new id. */
  if (!rc && rotated && p && p->via == AUTH_VIA_SESSION && p->user_id == user_id)
    rc = auth_session_rotate(db, p->session_id, 1, now, rotated, e);
  return auth__tx_end(db, rc, e);
}

/* 1 if secret_b32 is valid base32 for at least 16 bytes (RFC 4226's minimum). */
static int secret_strong(const char *secret_b32) {
  char *key = NULL;
  size_t n = 0, len = strlen(secret_b32);
  if (len > AUTH_TOTP_SECRET_MAX || strspn(secret_b32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != len) return 0;
  int ok = oath_base32_decode(secret_b32, len, &key, &n) == OATH_OK && n >= 16;
  if (key) sodium_memzero(key, n);
  free(key);
  return ok;
}

int auth_totp_enable_secret(Db *db, const Principal *actor, int64_t user_id,
                            const char *secret_b32,
                            char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1], Err *e) {
  if (!secret_b32 || auth__init(e) || !secret_strong(secret_b32))
    return err_set(e, VERR_INVALID,
                   "TOTP-hemmeligheten må være base32 (A–Z, 2–7) på minst 128 bit.");
  char *sealed = NULL;
  int rc = auth__seal(db, user_id, secret_b32, &sealed, e);
  if (!rc) rc = db_begin(db, e);
  if (rc) return free(sealed), rc;
  rc = db_exec(db, e, "UPDATE users SET totp_secret = ?, totp_enabled = 1,"
               " totp_last_step = 0, updated_at = ? WHERE id = ?",
               "sll", sealed, db_now(), user_id);
  free(sealed);
  if (!rc && db_changes(db) != 1) rc = err_set(e, VERR_NOTFOUND, "Brukeren finnes ikke.");
  if (!rc) rc = issue_recovery(db, user_id, db_now(), codes, e);
  if (!rc) rc = auth_session_end_user(db, user_id, 0, e);
  if (!rc)
    rc = auth__audit(db, actor, 0, "user.totp_enable", "user", user_id,
                     "oppgitt hemmelighet", e);
  return auth__tx_end(db, rc, e);
}

int auth_totp_secret_get(Db *db, int64_t user_id, char out[AUTH_TOTP_SECRET_MAX + 1], Err *e) {
  TotpRow t;
  int rc = load_totp(db, user_id, &t, 1, e);
  if (!rc && (!t.enabled || !t.secret[0])) rc = err_set(e, VERR_NOTFOUND, "Tofaktor er ikke slått på.");
  if (!rc) memcpy(out, t.secret, sizeof t.secret);
  sodium_memzero(&t, sizeof t);
  return rc;
}

int auth_recovery_regenerate(Db *db, const Principal *actor, int64_t user_id,
                             char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1], Err *e) {
  TotpRow t;
  int rc = db_begin(db, e);
  if (!rc) rc = load_totp(db, user_id, &t, 0, e);
  if (!rc && !t.enabled) rc = err_set(e, VERR_CONFLICT, "Tofaktor er ikke slått på.");
  sodium_memzero(&t, sizeof t);
  if (!rc) rc = issue_recovery(db, user_id, db_now(), codes, e);
  if (!rc) rc = auth__audit(db, actor, 0, "user.recovery_regenerate", "user", user_id, NULL, e);
  return auth__tx_end(db, rc, e);
}

int auth_mfa_reset(Db *db, const Principal *actor, int64_t user_id, int64_t org_id, Err *e) {
  int rc = db_begin(db, e);
  if (!rc) rc = db_exec(db, e, "UPDATE users SET totp_secret = NULL, totp_enabled = 0,"
                        " totp_last_step = 0, updated_at = ? WHERE id = ?", "ll", db_now(), user_id);
  if (!rc && db_changes(db) != 1) rc = err_set(e, VERR_NOTFOUND, "Brukeren finnes ikke.");
  if (!rc) rc = db_exec(db, e, "DELETE FROM recovery_codes WHERE user_id = ?", "l", user_id);
  if (!rc) rc = auth_session_end_user(db, user_id, 0, e);
  if (!rc) rc = auth__audit(db, actor, org_id, "user.mfa_reset", "user", user_id, NULL, e);
  return auth__tx_end(db, rc, e);
}
