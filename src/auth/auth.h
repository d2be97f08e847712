/* auth.h — log-in for Varde: settings, password + throttling/lockout, the MFA
 * step (TOTP or recovery code), TOTP enrolment and reset. Includes the rest of
 * the auth API (sessions, API tokens, TOTP, QR, passwords) for convenience.
 *
 * Time: every function that depends on the clock takes `now` (Unix seconds), so
 * tests inject time instead of sleeping; callers pass time(NULL).
 * Authorisation: these functions do not ask the policy; the caller (route
 * prologue, CLI) has done so. Every write calls audit_append in its transaction.
 */
#ifndef VARDE_AUTH_AUTH_H
#define VARDE_AUTH_AUTH_H
#include <stdint.h>

#include "auth/password.h"
#include "auth/principal.h"
#include "auth/qr.h"
#include "auth/session.h"
#include "auth/token.h"
#include "auth/totp.h"
#include "core/err.h"

typedef struct Db Db;

/* Settings. Defaults below; each can be overridden by an environment variable
 * (whole seconds / counts) so HTTP tests can shorten them:
 *   session_idle      1800 s (30 min)  VARDE_SESSION_IDLE
 *   session_absolute 43200 s (12 h)    VARDE_SESSION_ABSOLUTE
 *   lock_window        900 s (15 min)  VARDE_LOCK_WINDOW
 *   lock_user_failures   5             VARDE_LOCK_USER_FAILURES
 *   lock_addr_failures  20             VARDE_LOCK_ADDR_FAILURES
 * Lockout rule: an account is locked while it has at least lock_user_failures
 * failed log-ins (wrong password or wrong MFA code) within the last
 * lock_window seconds and since its last successful log-in; a remote address
 * is locked while it has lock_addr_failures failures within the window (its
 * successes do not reset that count). A lock lifts lock_window seconds after
 * the oldest counted failure. While locked the password is not even checked
 * and the attempt is not recorded, so waiting out the window always works. */
typedef struct AuthConfig {
  int64_t session_idle;
  int64_t session_absolute;
  int64_t lock_window;
  int lock_user_failures;
  int lock_addr_failures;
} AuthConfig;

/* Fills defaults, then applies the environment overrides (bad values ignored). */
void auth_config_init(AuthConfig *c);

/* Result of a log-in step. The cookie value is shown once: put it in the
 * Set-Cookie header (name AUTH_SESSION_COOKIE, attributes AUTH_SESSION_COOKIE_ATTRS
 * plus "; Secure" under TLS) and forget it. */
typedef struct AuthLogin {
  int64_t user_id;
  AuthStage stage;             /* FULL, or which MFA page to show next */
  int64_t retry_after;         /* seconds, set when the answer is VERR_BUSY */
  AuthSessionNew session;      /* new session (valid when 0 is returned) */
} AuthLogin;

/* Password log-in from remote_addr. Records the attempt in login_attempts.
 * Returns 0 and a new session (stage says whether MFA is still due);
 * VERR_DENIED for a wrong name/password or a disabled account (one message for
 * all, and the same work is done for unknown names); VERR_BUSY when the
 * account or address is locked (out->retry_after set); VERR_DB otherwise.
 * On success a stale hash (weaker Argon2 settings) is re-hashed. */
int auth_login(Db *db, const AuthConfig *cfg, const char *username, const char *password,
               const char *remote_addr, int64_t now, AuthLogin *out, Err *e);

/* The MFA step for a session in stage NEED_TOTP: `code` is a 6-digit TOTP code
 * (±1 step of 30 s, never the same step twice) or an unused recovery code.
 * Failures count towards the lockout like wrong passwords. On success the
 * session is rotated (old cookie dies) and out->session holds the new one. */
int auth_login_mfa(Db *db, const AuthConfig *cfg, const Principal *p, const char *code,
                   int64_t now, AuthLogin *out, Err *e);

/* Locked? Returns 0 if not, else seconds until it lifts (for account or
 * address); on a database error, lock_window (fails closed). auth_login and
 * auth_login_mfa check this themselves. */
int64_t auth_lock_remaining(Db *db, const AuthConfig *cfg, const char *username,
                            const char *remote_addr, int64_t now);

/* ---- TOTP secrets at rest (seal.c) ---- */

/* The key file that seals TOTP secrets: $VARDE_KEY_FILE, else the database
 * path + ".key". 0, or -1 when it does not fit in cap. */
int auth_key_file(const Db *db, char *out, size_t cap);
/* Seals every TOTP secret still stored in clear (by an older Varde), making
 * the key file if there is none; *sealed: how many. */
int auth_secrets_seal_all(Db *db, int64_t *sealed, Err *e);
/* Counts the stored TOTP secrets that open with the key file, that are in
 * clear, and that do not open (wrong or missing key file, changed value);
 * why: the first of those failures. */
int auth_secrets_check(Db *db, int64_t *ok, int64_t *clear, int64_t *bad, Err *why, Err *e);
/* The TOTP secret of a user with TOTP enabled, in base32 (for `varde demo`,
 * which prints its demo admins' secrets again). VERR_NOTFOUND without one. */
int auth_totp_secret_get(Db *db, int64_t user_id, char out[AUTH_TOTP_SECRET_MAX + 1], Err *e);

/* ---- TOTP enrolment (profile page) ---- */

typedef struct AuthMfaStatus {
  int totp_enabled;
  int recovery_left;    /* unused recovery codes */
  int required;         /* holds an admin role somewhere */
} AuthMfaStatus;

int auth_mfa_status(Db *db, int64_t user_id, AuthMfaStatus *out, Err *e);

/* Starts (or restarts) enrolment: a fresh secret stored as pending (not yet
 * active). secret_b32 receives it in base32 for the otpauth:// URI / QR code. */
int auth_totp_begin(Db *db, const Principal *actor, int64_t user_id,
                    char secret_b32[AUTH_TOTP_SECRET_B32_LEN + 1], Err *e);

/* Finishes enrolment with a code from the app: activates TOTP, issues
 * AUTH_RECOVERY_COUNT recovery codes into `codes` (shown once, stored hashed),
 * and — when p is this user's session — rotates it to stage FULL into *rotated
 * (may be NULL to skip rotation). VERR_DENIED on a wrong code. */
int auth_totp_confirm(Db *db, const AuthConfig *cfg, const Principal *p, int64_t user_id,
                      const char *code, int64_t now,
                      char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1],
                      AuthSessionNew *rotated, Err *e);

/* Turns TOTP on with a given base32 secret (at least 128 bits) without a code
 * from an app, and issues recovery codes: for `varde demo` and operator
 * set-up, where the secret is printed for the person. Ends the user's
 * sessions. VERR_INVALID for a weak or malformed secret. */
int auth_totp_enable_secret(Db *db, const Principal *actor, int64_t user_id,
                            const char *secret_b32,
                            char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1], Err *e);

/* Replaces all recovery codes with a fresh set (TOTP must be enabled). */
int auth_recovery_regenerate(Db *db, const Principal *actor, int64_t user_id,
                             char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1], Err *e);

/* Removes TOTP and recovery codes (lost phone); the user's sessions are
 * ended so the next log-in asks for enrolment where required. org_id: the
 * organisation whose administration did it, for its audit log (0 from the
 * command line). */
int auth_mfa_reset(Db *db, const Principal *actor, int64_t user_id, int64_t org_id, Err *e);

/* Checks a TOTP or recovery code for the user and consumes it (marks the TOTP
 * step or the recovery code used). 0 ok, VERR_DENIED wrong/reused, VERR_DB. */
int auth_mfa_check(Db *db, int64_t user_id, const char *code, int64_t now,
                   int *used_recovery, Err *e);

#endif
