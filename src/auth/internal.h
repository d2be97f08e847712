/* internal.h — helpers shared inside src/auth only: library start-up, random
 * tokens, SHA-256 and small string checks. Not part of the public API. */
#ifndef VARDE_AUTH_INTERNAL_H
#define VARDE_AUTH_INTERNAL_H
#include <stddef.h>
#include <stdint.h>

#include "auth/principal.h"
#include "core/err.h"

/* Initialises libsodium and liboath once per process; 0 or VERR_NOMEM. */
int auth__init(Err *e);

/* 32 random bytes as 43 base64url characters (no padding) + NUL. */
int auth__random_token(char out[44], Err *e);

/* SHA-256 of a NUL-terminated string. */
void auth__sha256(const char *s, unsigned char out[32]);

/* Copies src into dst[cap] (cap includes the NUL); 0, or -1 if it would not fit. */
int auth__copy(char *dst, size_t cap, const char *src);

/* 1 if s is exactly `len` base64url characters. */
int auth__is_b64url(const char *s, size_t len);

/* SHA-256 of a NUL-terminated string as 64 lower-case hex digits + NUL. */
void auth__sha256_hex(const char *s, char out[65]);

/* ---- pieces shared by the DB-backed files; none opens a transaction ---- */
typedef struct Db Db;

/* Ends a transaction: rolls back if rc != 0 (and returns rc), else commits. */
int auth__tx_end(Db *db, int rc, Err *e);

/* Appends an audit entry about an object whose id is an integer. */
int auth__audit(Db *db, const Principal *who, int64_t org_id, const char *action,
                const char *object_type, int64_t object_id, const char *details, Err *e);

/* The stage a session is in, from its mfa_ok flag and the user's TOTP/roles. */
int auth__stage(Db *db, int64_t user_id, int mfa_ok, int totp_enabled, AuthStage *out, Err *e);

/* Records one log-in attempt in login_attempts. */
int auth__attempt(Db *db, const char *username, const char *remote_addr, int success,
                  int64_t now, Err *e);

/* A TOTP secret sealed for storage (seal.c): *out malloc'd, "s1:..."; the
 * key file is made when there is none. */
int auth__seal(Db *db, int64_t user_id, const char *plain, char **out, Err *e);
/* A stored TOTP secret opened into out[cap]; a value in clear (an older
 * Varde's) comes back as it is. */
int auth__unseal(Db *db, int64_t user_id, const char *stored, char *out, size_t cap, Err *e);

/* Checks and consumes a TOTP or recovery code (see auth_mfa_check). */
int auth__mfa_consume(Db *db, int64_t user_id, const char *code, int64_t now,
                      int *used_recovery, Err *e);

#endif
