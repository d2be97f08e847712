/* session.h — browser sessions: random 256-bit ids stored only as SHA-256,
 * idle and absolute time-outs, rotation, log-out, per-session CSRF token and
 * the "current organisation" of the organisation switcher. */
#ifndef VARDE_AUTH_SESSION_H
#define VARDE_AUTH_SESSION_H
#include <stdint.h>

#include "auth/principal.h"
#include "core/err.h"

typedef struct Db Db;
typedef struct AuthConfig AuthConfig;

#define AUTH_SESSION_COOKIE "varde_session"
/* found-web appends "; Secure" when serving TLS. No Max-Age: the browser
 * forgets it on exit; the server enforces both time-outs itself. */
#define AUTH_SESSION_COOKIE_ATTRS "Path=/; HttpOnly; SameSite=Strict"
#define AUTH_TOKEN_B64_LEN 43   /* base64url (no padding) of 32 random bytes */

/* A freshly issued session: the cookie value exists only here (the database
 * holds its hash); csrf is this session's CSRF token for forms. */
typedef struct AuthSessionNew {
  int64_t id;
  char cookie[AUTH_TOKEN_B64_LEN + 1];
  char csrf[AUTH_TOKEN_B64_LEN + 1];
} AuthSessionNew;

/* Creates a session for user_id. mfa_done says whether the second factor
 * has been given in this session (affects Principal.stage). */
int auth_session_create(Db *db, const AuthConfig *cfg, int64_t user_id, int mfa_done,
                        const char *remote_addr, int64_t now, AuthSessionNew *out, Err *e);

/* Resolves a cookie value into *p (via SESSION, stage computed from the
 * user's TOTP and roles) and the session's CSRF token into csrf (may be NULL).
 * Refreshes the idle timer. VERR_NOTFOUND for unknown, expired (idle or
 * absolute; the row is deleted) or disabled-user sessions, and for any
 * malformed cookie value. */
int auth_session_lookup(Db *db, const AuthConfig *cfg, const char *cookie,
                        const char *remote_addr, int64_t now, Principal *p,
                        char csrf[AUTH_TOKEN_B64_LEN + 1], Err *e);

/* Gives session `id` a new cookie value (the old one stops working), keeping
 * user, creation time and current organisation; sets mfa_done. Used after the
 * MFA step and on other privilege changes. */
int auth_session_rotate(Db *db, int64_t id, int mfa_done, int64_t now, AuthSessionNew *out,
                        Err *e);

/* Log-out: deletes the session (audited). Unknown ids are not an error. */
int auth_session_logout(Db *db, const Principal *p, Err *e);

/* Stores the switcher's choice. The caller has checked with the policy that
 * the user may see org_id. */
int auth_session_set_org(Db *db, int64_t session_id, int64_t org_id, Err *e);

/* Ends all sessions of a user except keep_id (0 = all), e.g. after a
 * password change or when an account is disabled. */
int auth_session_end_user(Db *db, int64_t user_id, int64_t keep_id, Err *e);

/* Deletes expired sessions and old login_attempts rows; returns count or <0. */
int auth_session_purge(Db *db, const AuthConfig *cfg, int64_t now, Err *e);

/* 1 if token equals the session's CSRF token (constant-time), else 0. */
int auth_csrf_ok(const char *expected, const char *token);

#endif
