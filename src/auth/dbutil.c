/* dbutil.c — small database pieces shared across src/auth: transaction end,
 * audit entries with integer object ids, log-in attempt rows, session stage. */
#include <stdio.h>

#include "audit/audit.h"
#include "auth/internal.h"
#include "db/db.h"
#include "user/user.h"

int auth__tx_end(Db *db, int rc, Err *e) {
  if (rc) {
    db_rollback(db);
    return rc;
  }
  rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}

int auth__audit(Db *db, const Principal *who, int64_t org_id, const char *action,
                const char *object_type, int64_t object_id, const char *details, Err *e) {
  char id[24];
  snprintf(id, sizeof id, "%lld", (long long)object_id);
  AuditEvent ev = {who, org_id, action, object_type, object_id ? id : NULL, details};
  return audit_append(db, &ev, NULL, e);
}

int auth__attempt(Db *db, const char *username, const char *remote_addr, int success,
                  int64_t now, Err *e) {
  return db_exec(db, e,
                 "INSERT INTO login_attempts(username, remote_addr, at, success)"
                 " VALUES (?,?,?,?)",
                 "ssli", username, remote_addr && *remote_addr ? remote_addr : NULL, now,
                 success ? 1 : 0);
}

int auth__stage(Db *db, int64_t user_id, int mfa_ok, int totp_enabled, AuthStage *out, Err *e) {
  int admin = 0;
  if (mfa_ok) {
    *out = AUTH_STAGE_FULL;
    return 0;
  }
  if (totp_enabled) {
    *out = AUTH_STAGE_NEED_TOTP;
    return 0;
  }
  int rc = user_is_admin_anywhere(db, user_id, &admin, e);
  if (rc) return rc;
  *out = admin ? AUTH_STAGE_NEED_ENROL : AUTH_STAGE_FULL;
  return 0;
}
