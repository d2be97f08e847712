/* internal.h — helpers shared inside src/auth only: library start-up, random
 * tokens, SHA-256 and small string checks. Not part of the public API. */
#ifndef VARDE_AUTH_INTERNAL_H
#define VARDE_AUTH_INTERNAL_H
#include <stddef.h>
#include <stdint.h>

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

#endif
