/* user.h — user accounts and their organisation memberships (role per org).
 * Writes are audited via audit_append in the same transaction; authorisation
 * is the caller's job (policy in the route prologue, or root on the CLI). */
#ifndef VARDE_USER_USER_H
#define VARDE_USER_USER_H
#include <stddef.h>
#include <stdint.h>

#include "auth/principal.h"
#include "core/arena.h"
#include "core/err.h"

typedef struct Db Db;

typedef struct User {
  int64_t id;
  char username[AUTH_USERNAME_MAX + 1];
  char display_name[AUTH_DISPLAY_MAX + 1];
  int disabled;
  int totp_enabled;
  int64_t created_at;
} User;

typedef struct UserMembership {
  int64_t user_id;
  int64_t org_id;
  AuthRole role;
} UserMembership;

/* User names: 2–64 characters of a–z 0–9 . _ - @, stored in lower case
 * (input is folded). 0 or VERR_INVALID with a Norwegian message. */
int user_name_check(const char *username, Err *e);

/* Creates an enabled user. The password must pass auth_password_policy.
 * VERR_CONFLICT if the name is taken. display_name may be NULL (= username). */
int user_create(Db *db, const Principal *actor, const char *username, const char *display_name,
                const char *password, int64_t now, int64_t *id, Err *e);

int user_get(Db *db, int64_t id, User *out, Err *e);            /* VERR_NOTFOUND */
int user_find(Db *db, const char *username, User *out, Err *e); /* VERR_NOTFOUND */

/* All users ordered by name, allocated in arena. */
int user_list(Db *db, Arena *a, User **out, size_t *n, Err *e);

/* Disables (or re-enables) an account; disabling ends its sessions, and its
 * API tokens stop working while it stays disabled. org_id: the organisation
 * whose administration did it, for its audit log (0 from the command line). */
int user_set_disabled(Db *db, const Principal *actor, int64_t id, int64_t org_id, int disabled, Err *e);

/* Sets a new password (admin reset or CLI). Policy-checked; ends the user's
 * other sessions (keeps actor's own session if it is this user's). */
int user_set_password(Db *db, const Principal *actor, int64_t id, const char *password, Err *e);

/* Self-service change: old password must verify (VERR_DENIED otherwise). */
int user_change_password(Db *db, const Principal *actor, const char *old_password,
                         const char *new_password, Err *e);

/* Sets the user's role in org; AUTH_ROLE_NONE removes the membership. */
int user_membership_set(Db *db, const Principal *actor, int64_t user_id, int64_t org_id,
                        AuthRole role, Err *e);

/* The user's memberships ordered by org id, allocated in arena. */
int user_memberships(Db *db, int64_t user_id, Arena *a, UserMembership **out, size_t *n, Err *e);

/* Role held directly in org (AUTH_ROLE_NONE if none). */
int user_role_in(Db *db, int64_t user_id, int64_t org_id, AuthRole *out, Err *e);

/* 1 if the user holds an admin role in any organisation (MFA is then required). */
int user_is_admin_anywhere(Db *db, int64_t user_id, int *out, Err *e);

#endif
