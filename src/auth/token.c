/* token.c — personal API tokens: create (shown once), revoke, list, and the
 * bearer lookup that turns a token into a Principal. Only SHA-256 is stored. */
#include <string.h>

#include "auth/auth.h"
#include "auth/internal.h"
#include "db/db.h"

#define PREFIX_LEN 6
#define SHOWN_PREFIX 10   /* "varde_" + 4 characters, kept to tell tokens apart */

/* 1–64 bytes, no control characters. */
static int name_ok(const char *name) {
  size_t n = name ? strlen(name) : 0;
  if (n == 0 || n > AUTH_TOKEN_NAME_MAX) return 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f) return 0;
  return 1;
}

int auth_token_create(Db *db, const Principal *actor, int64_t user_id, const char *name,
                      int64_t now, char out[AUTH_API_TOKEN_LEN + 1], int64_t *id, Err *e) {
  char raw[AUTH_TOKEN_B64_LEN + 1], hash[65], shown[SHOWN_PREFIX + 1];
  int64_t taken = 0, newid = 0;
  if (!name_ok(name))
    return err_set(e, VERR_INVALID, "Navnet på nøkkelen må ha 1–%d tegn.", AUTH_TOKEN_NAME_MAX);
  int rc = auth__random_token(raw, e);
  if (rc) return rc;
  memcpy(out, AUTH_API_TOKEN_PREFIX, PREFIX_LEN);
  memcpy(out + PREFIX_LEN, raw, AUTH_TOKEN_B64_LEN + 1);
  auth__sha256_hex(out, hash);
  memcpy(shown, out, SHOWN_PREFIX);
  shown[SHOWN_PREFIX] = '\0';
  rc = db_begin(db, e);
  if (!rc) rc = db_int(db, e, &taken, "SELECT COUNT(*) FROM api_tokens WHERE user_id = ?"
                       " AND name = ? AND revoked_at IS NULL", "ls", user_id, name);
  if (!rc && taken) rc = err_set(e, VERR_CONFLICT, "Du har allerede en nøkkel med det navnet.");
  if (!rc) rc = db_int(db, e, &newid, "INSERT INTO api_tokens(user_id, name, prefix, token_hash,"
                       " created_at) VALUES (?,?,?,?,?) RETURNING id",
                       "lsssl", user_id, name, shown, hash, now);
  if (!rc) rc = auth__audit(db, actor, 0, "token.create", "api_token", newid, name, e);
  rc = auth__tx_end(db, rc, e);
  if (rc) memset(out, 0, AUTH_API_TOKEN_LEN + 1);
  else if (id) *id = newid;
  return rc;
}

int auth_token_revoke(Db *db, const Principal *actor, int64_t user_id, int64_t token_id,
                      int64_t now, Err *e) {
  int rc = db_begin(db, e);
  if (!rc) rc = db_exec(db, e, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ?"
                        " AND revoked_at IS NULL", "lll", now, token_id, user_id);
  if (!rc && db_changes(db) != 1) rc = err_set(e, VERR_NOTFOUND, "Nøkkelen finnes ikke.");
  if (!rc) rc = auth__audit(db, actor, 0, "token.revoke", "api_token", token_id, NULL, e);
  return auth__tx_end(db, rc, e);
}

int auth_token_list(Db *db, int64_t user_id, Arena *a, AuthToken **out, size_t *n, Err *e) {
  DbStmt *st;
  int64_t count = 0;
  *out = NULL;
  *n = 0;
  int rc = db_int(db, e, &count, "SELECT COUNT(*) FROM api_tokens WHERE user_id = ?"
                  " AND revoked_at IS NULL", "l", user_id);
  if (rc || count == 0) return rc;
  AuthToken *t = arena_alloc(a, (size_t)count * sizeof *t);
  if (!t) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  rc = db_query(db, &st, e, "SELECT id, name, created_at, COALESCE(last_used_at, 0) FROM api_tokens"
                " WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id DESC LIMIT ?",
                "ll", user_id, count);
  if (rc) return rc;
  while ((rc = db_step(st, e)) == DB_ROW && *n < (size_t)count) {
    AuthToken *x = &t[(*n)++];
    x->id = db_col_int(st, 0);
    auth__copy(x->name, sizeof x->name, db_col_text(st, 1));
    x->created_at = db_col_int(st, 2);
    x->last_used_at = db_col_int(st, 3);
  }
  db_finalize(st);
  *out = t;
  return rc < 0 ? rc : 0;
}

int auth_token_lookup(Db *db, const char *token, const char *remote_addr, int64_t now,
                      Principal *p, Err *e) {
  char hash[65];
  DbStmt *st;
  if (!token || strncmp(token, AUTH_API_TOKEN_PREFIX, PREFIX_LEN) ||
      !auth__is_b64url(token + PREFIX_LEN, AUTH_TOKEN_B64_LEN))
    return err_set(e, VERR_NOTFOUND, "Ugyldig API-nøkkel.");
  auth__sha256_hex(token, hash);
  int rc = db_query(db, &st, e, "SELECT t.id, t.user_id, u.username, u.display_name, u.disabled,"
                    " COALESCE(t.expires_at, 0), COALESCE(t.last_used_at, 0)"
                    " FROM api_tokens t JOIN users u ON u.id = t.user_id"
                    " WHERE t.token_hash = ? AND t.revoked_at IS NULL", "s", hash);
  if (rc) return rc;
  rc = db_step(st, e);
  int64_t expires = rc == DB_ROW ? db_col_int(st, 5) : 0, used = 0;
  int ok = rc == DB_ROW && !db_col_int(st, 4) && (!expires || now < expires);
  if (ok) {
    memset(p, 0, sizeof *p);
    p->token_id = db_col_int(st, 0);
    p->user_id = db_col_int(st, 1);
    p->via = AUTH_VIA_TOKEN;
    p->stage = AUTH_STAGE_FULL;
    auth__copy(p->username, sizeof p->username, db_col_text(st, 2));
    if (auth__copy(p->display_name, sizeof p->display_name, db_col_text(st, 3)))
      auth__copy(p->display_name, sizeof p->display_name, p->username);
    if (remote_addr) auth__copy(p->remote_addr, sizeof p->remote_addr, remote_addr);
    used = db_col_int(st, 6);
  }
  db_finalize(st);
  if (rc < 0) return rc;
  if (!ok) return err_set(e, VERR_NOTFOUND, "Ugyldig API-nøkkel.");
  /* Last use to the minute: avoids a write on every API call. */
  if (now - used >= 60)
    return db_exec(db, e, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", "ll", now,
                   p->token_id);
  return 0;
}
