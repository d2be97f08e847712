/* session.c — browser sessions: create, look up (with idle and absolute
 * time-outs), rotate, log out, organisation switch, purge, CSRF comparison. */
#include <sodium.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/internal.h"
#include "db/db.h"

/* Fresh cookie and CSRF token; the hash of the cookie goes into hash_hex. */
static int new_tokens(AuthSessionNew *out, char hash_hex[65], Err *e) {
  int rc = auth__random_token(out->cookie, e);
  if (!rc) rc = auth__random_token(out->csrf, e);
  if (!rc) auth__sha256_hex(out->cookie, hash_hex);
  return rc;
}

int auth_session_create(Db *db, const AuthConfig *cfg, int64_t user_id, int mfa_done,
                        const char *remote_addr, int64_t now, AuthSessionNew *out, Err *e) {
  char hash[65];
  int rc = new_tokens(out, hash, e);
  if (rc) return rc;
  /* Start in the first organisation the user belongs to (switcher default). */
  rc = db_int(db, e, &out->id,
              "INSERT INTO sessions(token_hash, user_id, csrf_token, mfa_ok, active_org_id,"
              " created_at, last_seen_at, expires_at, remote_addr)"
              " VALUES (?, ?, ?, ?, (SELECT MIN(org_id) FROM memberships WHERE user_id = ?),"
              " ?, ?, ?, ?) RETURNING id",
              "slsilllls", hash, user_id, out->csrf, mfa_done ? 1 : 0, user_id, now, now,
              now + cfg->session_absolute, remote_addr && *remote_addr ? remote_addr : NULL);
  return rc;
}

int auth_session_rotate(Db *db, int64_t id, int mfa_done, int64_t now, AuthSessionNew *out,
                        Err *e) {
  char hash[65];
  int rc = new_tokens(out, hash, e);
  if (rc) return rc;
  rc = db_exec(db, e,
               "UPDATE sessions SET token_hash = ?, csrf_token = ?, mfa_ok = ?, last_seen_at = ?"
               " WHERE id = ?",
               "ssill", hash, out->csrf, mfa_done ? 1 : 0, now, id);
  if (rc) return rc;
  if (db_changes(db) != 1) return err_set(e, VERR_NOTFOUND, "Økten finnes ikke lenger.");
  out->id = id;
  return 0;
}

static int expired(const AuthConfig *cfg, int64_t now, int64_t created, int64_t seen,
                   int64_t expires) {
  return now >= expires || now - created >= cfg->session_absolute ||
         now - seen >= cfg->session_idle;
}

/* Fills p from the current row of the lookup query (see auth_session_lookup). */
static void fill_principal(DbStmt *st, const char *remote_addr, Principal *p) {
  memset(p, 0, sizeof *p);
  p->session_id = db_col_int(st, 0);
  p->user_id = db_col_int(st, 1);
  p->current_org = db_col_int(st, 4);
  p->via = AUTH_VIA_SESSION;
  auth__copy(p->username, sizeof p->username, db_col_text(st, 8));
  if (auth__copy(p->display_name, sizeof p->display_name, db_col_text(st, 9)))
    auth__copy(p->display_name, sizeof p->display_name, p->username);
  if (remote_addr) auth__copy(p->remote_addr, sizeof p->remote_addr, remote_addr);
}

static int session_gone(Db *db, int64_t id, Err *e) {
  db_exec(db, NULL, "DELETE FROM sessions WHERE id = ?", "l", id);
  return err_set(e, VERR_NOTFOUND, "Økten er utløpt. Logg inn på nytt.");
}

int auth_session_lookup(Db *db, const AuthConfig *cfg, const char *cookie,
                        const char *remote_addr, int64_t now, Principal *p,
                        char csrf[AUTH_TOKEN_B64_LEN + 1], Err *e) {
  char hash[65];
  DbStmt *st;
  if (!cookie || !auth__is_b64url(cookie, AUTH_TOKEN_B64_LEN))
    return err_set(e, VERR_NOTFOUND, "Ingen gyldig økt.");
  auth__sha256_hex(cookie, hash);
  int rc = db_query(db, &st, e,
                    "SELECT s.id, s.user_id, s.csrf_token, s.mfa_ok, COALESCE(s.active_org_id, 0),"
                    " s.created_at, s.last_seen_at, s.expires_at, u.username, u.display_name,"
                    " u.disabled, u.totp_enabled"
                    " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
                    "s", hash);
  if (rc) return rc;
  rc = db_step(st, e);
  if (rc != DB_ROW) {
    db_finalize(st);
    return rc < 0 ? rc : err_set(e, VERR_NOTFOUND, "Ingen gyldig økt.");
  }
  int64_t id = db_col_int(st, 0), seen = db_col_int(st, 6);
  int mfa_ok = (int)db_col_int(st, 3), totp = (int)db_col_int(st, 11);
  int dead = expired(cfg, now, db_col_int(st, 5), seen, db_col_int(st, 7)) || db_col_int(st, 10);
  if (!dead) {
    fill_principal(st, remote_addr, p);
    if (csrf && auth__copy(csrf, AUTH_TOKEN_B64_LEN + 1, db_col_text(st, 2))) csrf[0] = '\0';
  }
  db_finalize(st);
  if (dead) return session_gone(db, id, e);
  rc = auth__stage(db, p->user_id, mfa_ok, totp, &p->stage, e);
  /* Refresh the idle timer, but not on every request: the granularity is a
   * thirtieth of the idle time-out (one minute for the default 30 minutes). */
  if (!rc && now - seen >= cfg->session_idle / 30)
    rc = db_exec(db, e, "UPDATE sessions SET last_seen_at = ? WHERE id = ?", "ll", now, id);
  return rc;
}

int auth_session_logout(Db *db, const Principal *p, Err *e) {
  if (!p || p->via != AUTH_VIA_SESSION || !p->session_id) return 0;
  int rc = db_begin(db, e);
  if (rc) return rc;
  rc = db_exec(db, e, "DELETE FROM sessions WHERE id = ?", "l", p->session_id);
  if (!rc && db_changes(db) > 0)
    rc = auth__audit(db, p, p->current_org, "session.logout", "user", p->user_id, NULL, e);
  return auth__tx_end(db, rc, e);
}

int auth_session_set_org(Db *db, int64_t session_id, int64_t org_id, Err *e) {
  int rc = db_exec(db, e, "UPDATE sessions SET active_org_id = ? WHERE id = ?", "ll", org_id,
                   session_id);
  if (!rc && db_changes(db) != 1) rc = err_set(e, VERR_NOTFOUND, "Økten finnes ikke.");
  return rc;
}

int auth_session_end_user(Db *db, int64_t user_id, int64_t keep_id, Err *e) {
  return db_exec(db, e, "DELETE FROM sessions WHERE user_id = ? AND id <> ?", "ll", user_id,
                 keep_id);
}

/* Log-in attempts are kept this long for the lockout and for inquiries. */
#define ATTEMPTS_KEEP (30 * 86400)

int auth_session_purge(Db *db, const AuthConfig *cfg, int64_t now, Err *e) {
  int rc = db_exec(db, e,
                   "DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ? OR created_at <= ?",
                   "lll", now, now - cfg->session_idle, now - cfg->session_absolute);
  if (rc) return rc;
  int64_t n = db_changes(db);
  rc = db_exec(db, e, "DELETE FROM login_attempts WHERE at < ?", "l",
               now - (cfg->lock_window > ATTEMPTS_KEEP ? cfg->lock_window : ATTEMPTS_KEEP));
  return rc ? rc : (int)(n > 0x7fffffff ? 0x7fffffff : n);
}

int auth_csrf_ok(const char *expected, const char *token) {
  if (!expected || !token) return 0;
  size_t n = strlen(expected);
  if (n != AUTH_TOKEN_B64_LEN || strlen(token) != n) return 0;
  return sodium_memcmp(expected, token, n) == 0;
}
