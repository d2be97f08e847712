/* password.h — password hashing (Argon2id via libsodium) and the password policy.
 * Hash strings are self-describing ($argon2id$v=19$m=...), so settings can change. */
#ifndef VARDE_AUTH_PASSWORD_H
#define VARDE_AUTH_PASSWORD_H
#include <stddef.h>

#include "core/err.h"

#define AUTH_HASH_MAX 128          /* >= crypto_pwhash_STRBYTES */
#define AUTH_PASSWORD_MIN 12       /* characters (UTF-8 code points) */
#define AUTH_PASSWORD_MAX 1024     /* bytes */

/* Argon2id settings: opslimit 3, memlimit 64 MiB (about 0.1–0.2 s a hash).
 * VARDE_PWHASH_FAST=1 in the environment lowers them to libsodium's minimum —
 * for tests and demo data only; never set it on a server. */
void auth_password_limits(unsigned long long *ops, size_t *mem);

/* Policy: at least AUTH_PASSWORD_MIN characters, at most AUTH_PASSWORD_MAX
 * bytes, valid UTF-8, not one repeated character, and not containing the user
 * name (case-insensitive). 0 or VERR_INVALID with a Norwegian message. */
int auth_password_policy(const char *username, const char *password, Err *e);

/* Hashes into out (NUL-terminated). 0, or VERR_NOMEM / VERR_INVALID. */
int auth_password_hash(const char *password, char out[AUTH_HASH_MAX], Err *e);

/* 1 if password matches hash, else 0 (also for a malformed hash). */
int auth_password_verify(const char *hash, const char *password);

/* 1 if hash was made with weaker settings than the current ones. */
int auth_password_needs_rehash(const char *hash);

/* Burns the same time as a verify against a real hash, for unknown names. */
void auth_password_dummy_verify(const char *password);

#endif
