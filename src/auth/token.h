/* token.h — personal API tokens for /api/v1 bearer auth: "varde_" + 43
 * base64url characters (256 random bits), shown once, stored as SHA-256. */
#ifndef VARDE_AUTH_TOKEN_H
#define VARDE_AUTH_TOKEN_H
#include <stddef.h>
#include <stdint.h>

#include "auth/principal.h"
#include "core/arena.h"
#include "core/err.h"

typedef struct Db Db;

#define AUTH_API_TOKEN_PREFIX "varde_"
#define AUTH_API_TOKEN_LEN (6 + 43)
#define AUTH_TOKEN_NAME_MAX 64

typedef struct AuthToken {
  int64_t id;
  char name[AUTH_TOKEN_NAME_MAX + 1];
  int64_t created_at;
  int64_t last_used_at;   /* 0 = never */
} AuthToken;

/* Creates a token for user_id named `name` (1–64 printable characters, unique
 * among the user's live tokens). The secret goes into out, once. */
int auth_token_create(Db *db, const Principal *actor, int64_t user_id, const char *name,
                      int64_t now, char out[AUTH_API_TOKEN_LEN + 1], int64_t *id, Err *e);

/* Revokes token_id if it belongs to user_id (else VERR_NOTFOUND). */
int auth_token_revoke(Db *db, const Principal *actor, int64_t user_id, int64_t token_id,
                      int64_t now, Err *e);

/* The user's live (unrevoked) tokens, newest first, allocated in arena. */
int auth_token_list(Db *db, int64_t user_id, Arena *a, AuthToken **out, size_t *n, Err *e);

/* Resolves "varde_..." (without "Bearer ") into *p (via TOKEN, stage FULL,
 * current_org 0) and records last use. VERR_NOTFOUND for malformed, unknown
 * or revoked tokens and disabled users. */
int auth_token_lookup(Db *db, const char *token, const char *remote_addr, int64_t now,
                      Principal *p, Err *e);

#endif
