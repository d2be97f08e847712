/* membership.c — which organisations a user belongs to, and with which role
 * (viewer, editor, admin, auditor). Changes are audited against the organisation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "db/db.h"
#include "user/user.h"

int user_membership_set(Db *db, const Principal *actor, int64_t user_id, int64_t org_id,
                        AuthRole role, Err *e) {
  char sid[24], details[64];
  if (role < AUTH_ROLE_NONE || role > AUTH_ROLE_LAST)
    return err_set(e, VERR_INVALID, "Ukjent rolle.");
  int rc = db_begin(db, e);
  if (rc) return rc;
  int64_t exists = 0;
  rc = db_int(db, e, &exists, "SELECT (SELECT COUNT(*) FROM users WHERE id = ?)"
              " + (SELECT COUNT(*) FROM organisations WHERE id = ?)", "ll", user_id, org_id);
  if (!rc && exists != 2)
    rc = err_set(e, VERR_NOTFOUND, "Brukeren eller organisasjonen finnes ikke.");
  if (!rc && role == AUTH_ROLE_NONE)
    rc = db_exec(db, e, "DELETE FROM memberships WHERE user_id = ? AND org_id = ?", "ll",
                 user_id, org_id);
  else if (!rc)
    rc = db_exec(db, e, "INSERT INTO memberships(user_id, org_id, role, created_at) VALUES (?,?,?,?)"
                 " ON CONFLICT(user_id, org_id) DO UPDATE SET role = excluded.role",
                 "llsl", user_id, org_id, auth_role_name(role), db_now());
  snprintf(sid, sizeof sid, "%lld", (long long)user_id);
  snprintf(details, sizeof details, "role=%s", auth_role_name(role));
  AuditEvent ev = {actor, org_id, "membership.set", "user", sid, details};
  if (!rc) rc = audit_append(db, &ev, NULL, e);
  if (!rc) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}

int user_memberships(Db *db, int64_t user_id, Arena *a, UserMembership **out, size_t *n, Err *e) {
  DbStmt *st;
  int64_t count = 0;
  *out = NULL;
  *n = 0;
  int rc = db_int(db, e, &count, "SELECT COUNT(*) FROM memberships WHERE user_id = ?", "l", user_id);
  if (rc || !count) return rc;
  UserMembership *m = arena_alloc(a, (size_t)count * sizeof *m);
  if (!m) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  rc = db_query(db, &st, e, "SELECT org_id, role FROM memberships WHERE user_id = ?"
                " ORDER BY org_id LIMIT ?", "ll", user_id, count);
  if (rc) return rc;
  while ((rc = db_step(st, e)) == DB_ROW && *n < (size_t)count) {
    UserMembership *x = &m[(*n)++];
    x->user_id = user_id;
    x->org_id = db_col_int(st, 0);
    if (auth_role_parse(db_col_text(st, 1), &x->role)) x->role = AUTH_ROLE_NONE;
  }
  db_finalize(st);
  *out = m;
  return rc < 0 ? rc : 0;
}

int user_role_in(Db *db, int64_t user_id, int64_t org_id, AuthRole *out, Err *e) {
  char *role = NULL;
  *out = AUTH_ROLE_NONE;
  int rc = db_text(db, e, &role, "SELECT role FROM memberships WHERE user_id = ? AND org_id = ?",
                   "ll", user_id, org_id);
  if (rc == VERR_NOTFOUND) return 0;
  if (!rc && role && auth_role_parse(role, out)) *out = AUTH_ROLE_NONE;
  free(role);
  return rc;
}

int user_is_admin_anywhere(Db *db, int64_t user_id, int *out, Err *e) {
  int64_t n = 0;
  int rc = db_int(db, e, &n, "SELECT COUNT(*) FROM memberships WHERE user_id = ? AND role = 'admin'",
                  "l", user_id);
  *out = !rc && n > 0;
  return rc;
}
