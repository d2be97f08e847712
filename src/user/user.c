/* user.c — user accounts: name rules, create, look up, list, disable and
 * passwords. Each write is audited in the same transaction. */
#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "db/db.h"
#include "user/user.h"

/* Appends the audit entry for a change to user `id`. */
static int audit_user(Db *db, const Principal *who, int64_t org_id, const char *action, int64_t id,
                      const char *details, Err *e) {
  char sid[24];
  snprintf(sid, sizeof sid, "%lld", (long long)id);
  AuditEvent ev = {who, org_id, action, "user", sid, details};
  return audit_append(db, &ev, NULL, e);
}

static int tx_end(Db *db, int rc, Err *e) {
  if (!rc) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}

/* Folds to lower case into out and checks the characters and length. */
static int fold_check(const char *name, char out[AUTH_USERNAME_MAX + 1], Err *e) {
  size_t n = name ? strlen(name) : 0;
  if (n < 2 || n > AUTH_USERNAME_MAX)
    return err_set(e, VERR_INVALID, "Brukernavnet må ha 2–%d tegn.", AUTH_USERNAME_MAX);
  for (size_t i = 0; i < n; i++) {
    int c = tolower((unsigned char)name[i]);
    if (!(isalnum(c) && c < 0x80) && !strchr("._-@", c))
      return err_set(e, VERR_INVALID,
                     "Brukernavnet kan bare inneholde a–z, 0–9, punktum, understrek, bindestrek og @.");
    out[i] = (char)c;
  }
  out[n] = '\0';
  return 0;
}

int user_name_check(const char *username, Err *e) {
  char folded[AUTH_USERNAME_MAX + 1];
  return fold_check(username, folded, e);
}

static int display_ok(const char *s) {
  if (strlen(s) > AUTH_DISPLAY_MAX) return 0;
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f) return 0;
  return 1;
}

int user_create(Db *db, const Principal *actor, const char *username, const char *display_name,
                const char *password, int64_t now, int64_t *id, Err *e) {
  char name[AUTH_USERNAME_MAX + 1], hash[AUTH_HASH_MAX];
  int64_t newid = 0, taken = 0;
  int rc = fold_check(username, name, e);
  if (rc) return rc;
  if (!display_name || !*display_name) display_name = name;
  if (!display_ok(display_name))
    return err_set(e, VERR_INVALID, "Visningsnavnet kan ha høyst %d byte og ingen kontrolltegn.",
                   AUTH_DISPLAY_MAX);
  rc = auth_password_policy(name, password, e);
  if (!rc) rc = auth_password_hash(password, hash, e);
  if (!rc) rc = db_begin(db, e);
  if (rc) return rc;
  rc = db_int(db, e, &taken, "SELECT COUNT(*) FROM users WHERE username = ?", "s", name);
  if (!rc && taken) rc = err_set(e, VERR_CONFLICT, "Brukernavnet «%s» er allerede i bruk.", name);
  if (!rc) rc = db_int(db, e, &newid, "INSERT INTO users(username, display_name, password_hash,"
                       " password_changed_at, created_at, updated_at) VALUES (?,?,?,?,?,?)"
                       " RETURNING id", "ssslll", name, display_name, hash, now, now, now);
  if (!rc) rc = audit_user(db, actor, 0, "user.create", newid, name, e);
  rc = tx_end(db, rc, e);
  if (!rc && id) *id = newid;
  return rc;
}

#define USER_COLS "id, username, display_name, disabled, totp_enabled, created_at"

static void fill_user(DbStmt *st, User *u) {
  memset(u, 0, sizeof *u);
  u->id = db_col_int(st, 0);
  snprintf(u->username, sizeof u->username, "%s", db_col_text(st, 1));
  snprintf(u->display_name, sizeof u->display_name, "%s", db_col_text(st, 2));
  u->disabled = (int)db_col_int(st, 3);
  u->totp_enabled = (int)db_col_int(st, 4);
  u->created_at = db_col_int(st, 5);
}

/* Runs a one-row user query (bound with one value of `type`). */
static int get_one(Db *db, const char *sql, const char *type, int64_t id, const char *name,
                   User *out, Err *e) {
  DbStmt *st;
  int rc = type[0] == 'l' ? db_query(db, &st, e, sql, "l", id) : db_query(db, &st, e, sql, "s", name);
  if (rc) return rc;
  rc = db_step(st, e);
  if (rc == DB_ROW) fill_user(st, out);
  db_finalize(st);
  if (rc == DB_DONE) return err_set(e, VERR_NOTFOUND, "Brukeren finnes ikke.");
  return rc < 0 ? rc : 0;
}

int user_get(Db *db, int64_t id, User *out, Err *e) {
  return get_one(db, "SELECT " USER_COLS " FROM users WHERE id = ?", "l", id, NULL, out, e);
}

int user_find(Db *db, const char *username, User *out, Err *e) {
  char name[AUTH_USERNAME_MAX + 1];
  if (fold_check(username, name, NULL)) return err_set(e, VERR_NOTFOUND, "Brukeren finnes ikke.");
  return get_one(db, "SELECT " USER_COLS " FROM users WHERE username = ?", "s", 0, name, out, e);
}

int user_list(Db *db, Arena *a, User **out, size_t *n, Err *e) {
  DbStmt *st;
  int64_t count = 0;
  *out = NULL;
  *n = 0;
  int rc = db_int(db, e, &count, "SELECT COUNT(*) FROM users", "");
  if (rc || !count) return rc;
  User *u = arena_alloc(a, (size_t)count * sizeof *u);
  if (!u) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  rc = db_query(db, &st, e, "SELECT " USER_COLS " FROM users ORDER BY username LIMIT ?", "l", count);
  if (rc) return rc;
  while ((rc = db_step(st, e)) == DB_ROW && *n < (size_t)count) fill_user(st, &u[(*n)++]);
  db_finalize(st);
  *out = u;
  return rc < 0 ? rc : 0;
}

int user_set_disabled(Db *db, const Principal *actor, int64_t id, int64_t org_id, int disabled, Err *e) {
  int rc = db_begin(db, e);
  if (!rc) rc = db_exec(db, e, "UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?", "ill",
                        disabled ? 1 : 0, db_now(), id);
  if (!rc && db_changes(db) != 1) rc = err_set(e, VERR_NOTFOUND, "Brukeren finnes ikke.");
  if (!rc && disabled) rc = auth_session_end_user(db, id, 0, e);
  if (!rc) rc = audit_user(db, actor, org_id, disabled ? "user.disable" : "user.enable", id, NULL, e);
  return tx_end(db, rc, e);
}

/* Stores a new hash and ends the user's other sessions (the actor's own
 * session survives when it is this user changing their own password). */
static int store_password(Db *db, const Principal *actor, int64_t id, const char *password,
                          const char *action, Err *e) {
  User u;
  char hash[AUTH_HASH_MAX];
  int rc = user_get(db, id, &u, e);
  if (!rc) rc = auth_password_policy(u.username, password, e);
  if (!rc) rc = auth_password_hash(password, hash, e);
  if (!rc) rc = db_begin(db, e);
  if (rc) return rc;
  int64_t now = db_now();
  int64_t keep = actor && actor->user_id == id && actor->via == AUTH_VIA_SESSION ? actor->session_id : 0;
  rc = db_exec(db, e, "UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ?,"
               " failed_logins = 0, locked_until = 0 WHERE id = ?", "slll", hash, now, now, id);
  if (!rc) rc = auth_session_end_user(db, id, keep, e);
  if (!rc) rc = audit_user(db, actor, 0, action, id, NULL, e);
  return tx_end(db, rc, e);
}

int user_set_password(Db *db, const Principal *actor, int64_t id, const char *password, Err *e) {
  return store_password(db, actor, id, password, "user.password_set", e);
}

int user_change_password(Db *db, const Principal *actor, const char *old_password,
                         const char *new_password, Err *e) {
  char *hash = NULL;
  if (!actor || actor->user_id <= 0) return err_set(e, VERR_DENIED, "Ikke innlogget.");
  int rc = db_text(db, e, &hash, "SELECT password_hash FROM users WHERE id = ?", "l", actor->user_id);
  if (rc) return rc;
  int ok = auth_password_verify(hash, old_password ? old_password : "");
  free(hash);
  if (!ok) return err_set(e, VERR_DENIED, "Det nåværende passordet er feil.");
  return store_password(db, actor, actor->user_id, new_password, "user.password_change", e);
}
