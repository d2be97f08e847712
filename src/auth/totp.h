/* totp.h — RFC 6238 time-based one-time passwords (30 s, 6 digits, HMAC-SHA-1)
 * on Debian's liboath, plus secrets in base32 and otpauth:// URIs. Pure: no DB. */
#ifndef VARDE_AUTH_TOTP_H
#define VARDE_AUTH_TOTP_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define AUTH_TOTP_STEP 30
#define AUTH_TOTP_DIGITS 6
#define AUTH_TOTP_SECRET_BYTES 20          /* 160 bits, as RFC 4226 advises */
#define AUTH_TOTP_SECRET_B32_LEN 32        /* base32 of 20 bytes, no padding */
#define AUTH_TOTP_SECRET_MAX 128           /* longest base32 secret accepted (auth_totp_enable_secret) */
#define AUTH_RECOVERY_COUNT 10
#define AUTH_RECOVERY_LEN 19               /* XXXX-XXXX-XXXX-XXXX, 80 bits */

/* New random secret, base32 (A–Z2–7, no padding). */
int auth_totp_secret_new(char out[AUTH_TOTP_SECRET_B32_LEN + 1], Err *e);

/* The code for time step `step` (= unix time / 30) of a base32 secret. */
int auth_totp_code(const char *secret_b32, int64_t step, char out[AUTH_TOTP_DIGITS + 1], Err *e);

/* Checks `code` against steps now/30 - 1 .. now/30 + 1, comparing in constant
 * time, and refuses any step <= last_step (reuse). Returns 0 and *matched the
 * accepted step, or VERR_DENIED. */
int auth_totp_verify(const char *secret_b32, const char *code, int64_t now, int64_t last_step,
                     int64_t *matched, Err *e);

/* otpauth://totp/Varde:<user>?secret=..&issuer=Varde&algorithm=SHA1&digits=6&period=30
 * with the label and issuer percent-encoded. */
int auth_totp_uri(const char *secret_b32, const char *username, Buf *out);

/* A fresh recovery code (XXXX-XXXX-XXXX-XXXX, base32 alphabet). */
int auth_recovery_code_new(char out[AUTH_RECOVERY_LEN + 1], Err *e);
/* SHA-256 of the code normalised (upper case, dashes and spaces removed).
 * Returns 0, or VERR_INVALID if it is not 16 base32 characters. */
int auth_recovery_code_hash(const char *code, unsigned char out[32]);

#endif
