/* login.c — the log-in steps: settings, throttling and temporary lockout from
 * login_attempts, password check, and the MFA step with session rotation. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/internal.h"
#include "db/db.h"
#include "user/user.h"

static void env_override(const char *name, int64_t *v) {
  const char *s = getenv(name);
  if (!s || !*s) return;
  char *end;
  long long x = strtoll(s, &end, 10);
  if (*end == '\0' && x > 0 && x < (1LL << 40)) *v = x;
}

void auth_config_init(AuthConfig *c) {
  int64_t uf = 5, af = 20;
  c->session_idle = 30 * 60;
  c->session_absolute = 12 * 3600;
  c->lock_window = 15 * 60;
  env_override("VARDE_SESSION_IDLE", &c->session_idle);
  env_override("VARDE_SESSION_ABSOLUTE", &c->session_absolute);
  env_override("VARDE_LOCK_WINDOW", &c->lock_window);
  env_override("VARDE_LOCK_USER_FAILURES", &uf);
  env_override("VARDE_LOCK_ADDR_FAILURES", &af);
  c->lock_user_failures = (int)(uf < 1000 ? uf : 1000);
  c->lock_addr_failures = (int)(af < 1000 ? af : 1000);
}

/* Seconds left on a lock into *left (0 = none), from the n-th most recent
 * counted failure. `sql` selects failure times newest first, LIMIT 1 OFFSET ?3.
 * A database error is returned, so the caller fails closed. */
static int lock_left(Db *db, const char *sql, const char *key, int64_t since, int n,
                     int64_t window, int64_t now, int64_t *left, Err *e) {
  int64_t at = 0;
  *left = 0;
  if (!key || !*key || n < 1) return 0;
  int rc = db_int(db, e, &at, sql, "sli", key, since, n - 1);
  if (rc == VERR_NOTFOUND) return 0;
  if (rc) return rc;
  *left = at + window > now ? at + window - now : 0;
  return 0;
}

static int lock_check(Db *db, const AuthConfig *cfg, const char *username,
                      const char *remote_addr, int64_t now, int64_t *left, Err *e) {
  int64_t u = 0, a = 0;
  /* Per account: failures since the account's last success count. */
  int rc = lock_left(db,
                     "SELECT at FROM login_attempts WHERE username = ?1 AND success = 0"
                     " AND at > ?2 AND id > COALESCE((SELECT MAX(id) FROM login_attempts"
                     " WHERE username = ?1 AND success = 1), 0)"
                     " ORDER BY id DESC LIMIT 1 OFFSET ?3",
                     username, now - cfg->lock_window, cfg->lock_user_failures,
                     cfg->lock_window, now, &u, e);
  /* Per address: every failure counts; a success from the same address (an
   * attacker's own account) does not wipe the slate. */
  if (!rc)
    rc = lock_left(db,
                   "SELECT at FROM login_attempts WHERE remote_addr = ?1 AND success = 0"
                   " AND at > ?2 ORDER BY id DESC LIMIT 1 OFFSET ?3",
                   remote_addr, now - cfg->lock_window, cfg->lock_addr_failures,
                   cfg->lock_window, now, &a, e);
  *left = u > a ? u : a;
  return rc;
}

int64_t auth_lock_remaining(Db *db, const AuthConfig *cfg, const char *username,
                            const char *remote_addr, int64_t now) {
  int64_t left = 0;
  /* On a database error report a full window: callers show it, never unlock. */
  if (lock_check(db, cfg, username, remote_addr, now, &left, NULL)) return cfg->lock_window;
  return left;
}

/* Lower-cases name into out; returns 0, or -1 if it cannot be a user name. */
static int fold_name(const char *name, char out[AUTH_USERNAME_MAX + 1]) {
  size_t n = name ? strlen(name) : 0;
  if (n == 0 || n > AUTH_USERNAME_MAX) return -1;
  for (size_t i = 0; i <= n; i++) out[i] = (char)tolower((unsigned char)name[i]);
  return 0;
}

static int locked(Db *db, const AuthConfig *cfg, const char *name, const char *addr,
                  int64_t now, AuthLogin *out, Err *e) {
  int rc = lock_check(db, cfg, name, addr, now, &out->retry_after, e);
  if (rc || !out->retry_after) return rc;
  return err_set(e, VERR_BUSY, "For mange mislykkede innlogginger. Prøv igjen om %lld minutter.",
                 (long long)((out->retry_after + 59) / 60));
}

typedef struct Account {
  int64_t id;
  int disabled, totp;
  char hash[AUTH_HASH_MAX];
  char display[AUTH_DISPLAY_MAX + 1];
} Account;

/* Loads the account; 1 if found, 0 if not, <0 on a database error. */
static int load_account(Db *db, const char *name, Account *a, Err *e) {
  DbStmt *st;
  int rc = db_query(db, &st, e,
                    "SELECT id, disabled, totp_enabled, password_hash, display_name"
                    " FROM users WHERE username = ?", "s", name);
  if (rc) return rc;
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    a->id = db_col_int(st, 0);
    a->disabled = (int)db_col_int(st, 1);
    a->totp = (int)db_col_int(st, 2);
    if (auth__copy(a->hash, sizeof a->hash, db_col_text(st, 3))) a->hash[0] = '\0';
    if (auth__copy(a->display, sizeof a->display, db_col_text(st, 4))) a->display[0] = '\0';
  }
  db_finalize(st);
  return rc;
}

static void who_for(Principal *p, int64_t id, const char *name, const char *addr) {
  memset(p, 0, sizeof *p);
  p->user_id = id;
  p->via = AUTH_VIA_SESSION;
  auth__copy(p->username, sizeof p->username, name);
  if (addr) auth__copy(p->remote_addr, sizeof p->remote_addr, addr);
}

static int login_failed(Db *db, const AuthConfig *cfg, const char *name, const Account *a,
                        const char *addr, int64_t now, const char *action, Err *e) {
  Principal who;
  /* An unknown name is not written to the (permanent) audit log: people
   * sometimes type their password into the name field. */
  who_for(&who, a ? a->id : 0, a ? name : "", addr);
  int rc = db_begin(db, e);
  if (!rc) rc = auth__attempt(db, name, addr, 0, now, e);
  if (!rc && a)
    rc = db_exec(db, e, "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?", "l",
                 a->id);
  if (!rc)
    rc = auth__audit(db, &who, 0, action, "user", a ? a->id : 0,
                     a ? NULL : "ukjent brukernavn", e);
  /* Note the lock on the account row too, for the users page. */
  if (!rc && a) {
    int64_t left = auth_lock_remaining(db, cfg, name, NULL, now);
    if (left) rc = db_exec(db, e, "UPDATE users SET locked_until = ? WHERE id = ?", "ll",
                           now + left, a->id);
  }
  rc = auth__tx_end(db, rc, e);
  if (rc) return rc;
  return err_set(e, VERR_DENIED, "Feil brukernavn, passord eller kode.");
}

static int login_ok(Db *db, const AuthConfig *cfg, const char *name, const Account *a,
                    const char *password, const char *addr, int64_t now, AuthLogin *out, Err *e) {
  char fresh[AUTH_HASH_MAX];
  Principal who;
  who_for(&who, a->id, name, addr);
  int rehash = auth_password_needs_rehash(a->hash) && !auth_password_hash(password, fresh, NULL);
  int rc = db_begin(db, e);
  if (!rc) rc = auth__attempt(db, name, addr, 1, now, e);
  if (!rc) rc = db_exec(db, e, "UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?",
                        "l", a->id);
  if (!rc && rehash)
    rc = db_exec(db, e, "UPDATE users SET password_hash = ? WHERE id = ?", "sl", fresh, a->id);
  if (!rc) rc = auth_session_create(db, cfg, a->id, 0, addr, now, &out->session, e);
  if (!rc) rc = auth__stage(db, a->id, 0, a->totp, &out->stage, e);
  if (!rc) rc = auth__audit(db, &who, 0, "user.login", "user", a->id, NULL, e);
  out->user_id = a->id;
  rc = auth__tx_end(db, rc, e);
  /* Housekeeping rides on successful log-ins; a failure here is harmless. */
  if (!rc) auth_session_purge(db, cfg, now, NULL);
  return rc;
}

int auth_login(Db *db, const AuthConfig *cfg, const char *username, const char *password,
               const char *remote_addr, int64_t now, AuthLogin *out, Err *e) {
  char name[AUTH_USERNAME_MAX + 1];
  Account acct;
  memset(out, 0, sizeof *out);
  memset(&acct, 0, sizeof acct);
  if (!password) password = "";
  if (fold_name(username, name)) {
    /* Not even a possible name: count it against the address only. */
    snprintf(name, sizeof name, "%s", "?");
  }
  int rc = locked(db, cfg, name, remote_addr, now, out, e);
  if (rc) return rc;
  int found = load_account(db, name, &acct, e);
  if (found < 0) return found;
  int ok;
  if (found == DB_ROW) {
    ok = auth_password_verify(acct.hash, password) && !acct.disabled;
  } else {
    auth_password_dummy_verify(password); /* same work as for a real name */
    ok = 0;
  }
  if (!ok)
    return login_failed(db, cfg, name, found == DB_ROW ? &acct : NULL, remote_addr, now,
                        "user.login_failed", e);
  return login_ok(db, cfg, name, &acct, password, remote_addr, now, out, e);
}

int auth_login_mfa(Db *db, const AuthConfig *cfg, const Principal *p, const char *code,
                   int64_t now, AuthLogin *out, Err *e) {
  int used_recovery = 0;
  memset(out, 0, sizeof *out);
  if (!p || p->via != AUTH_VIA_SESSION || !p->session_id || p->stage != AUTH_STAGE_NEED_TOTP)
    return err_set(e, VERR_INVALID, "Ingen innlogging venter på kode.");
  int rc = locked(db, cfg, p->username, p->remote_addr, now, out, e);
  if (rc) return rc;
  rc = db_begin(db, e);
  if (rc) return rc;
  int bad = auth__mfa_consume(db, p->user_id, code, now, &used_recovery, e);
  if (bad == VERR_DENIED) {
    db_rollback(db);
    Account a = {.id = p->user_id};
    return login_failed(db, cfg, p->username, &a, p->remote_addr, now, "user.mfa_failed", e);
  }
  rc = bad;
  if (!rc) rc = auth__attempt(db, p->username, p->remote_addr, 1, now, e);
  if (!rc) rc = auth_session_rotate(db, p->session_id, 1, now, &out->session, e);
  if (!rc)
    rc = auth__audit(db, p, 0, "user.mfa", "user", p->user_id,
                     used_recovery ? "gjenopprettingskode brukt" : "TOTP", e);
  out->user_id = p->user_id;
  out->stage = AUTH_STAGE_FULL;
  return auth__tx_end(db, rc, e);
}
