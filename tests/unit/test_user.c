/* test_user.c — user accounts and memberships: name rules, create, conflicts,
 * disable (log-in refused, sessions ended), passwords, roles per org. */
#include "authdb.h"
#include "test.h"

#define PW "riktig hest batteri"
static AuthConfig cfg;
static Principal cli;

TEST(create_and_find) {
  int64_t id = 0, id2 = 0;
  User u;
  Err e = {0};
  CHECK_INT(user_create(tdb, &cli, "Per.Hansen@kommune", "Per Hansen", PW, 100, &id, &e), 0);
  CHECK(id > 0);
  CHECK_INT(user_get(tdb, id, &u, &e), 0);
  CHECK_STR(u.username, "per.hansen@kommune");
  CHECK_STR(u.display_name, "Per Hansen");
  CHECK_INT(u.created_at, 100);
  CHECK(!u.disabled && !u.totp_enabled);
  CHECK_INT(user_find(tdb, "PER.HANSEN@KOMMUNE", &u, &e), 0);
  CHECK_INT(u.id, id);
  CHECK_INT(user_create(tdb, &cli, "per.hansen@Kommune", NULL, PW, 100, &id2, &e), VERR_CONFLICT);
  CHECK_INT(user_create(tdb, &cli, "x", NULL, PW, 100, &id2, &e), VERR_INVALID);
  CHECK_INT(user_create(tdb, &cli, "per hansen", NULL, PW, 100, &id2, &e), VERR_INVALID);
  CHECK_INT(user_create(tdb, &cli, "bjørn", NULL, PW, 100, &id2, &e), VERR_INVALID);
  CHECK_INT(user_create(tdb, &cli, "lisa", NULL, "kort", 100, &id2, &e), VERR_INVALID);
  CHECK_INT(user_create(tdb, &cli, "lisa", NULL, "lisa er best 123", 100, &id2, &e), VERR_INVALID);
  CHECK_INT(user_create(tdb, &cli, "lisa", "bad\nname", PW, 100, &id2, &e), VERR_INVALID);
  CHECK_INT(user_get(tdb, 424242, &u, &e), VERR_NOTFOUND);
  CHECK_INT(user_find(tdb, "", &u, &e), VERR_NOTFOUND);
  CHECK_INT(count_rows(tdb, "SELECT COUNT(*) FROM audit_log WHERE action = 'user.create'"
                            " AND object_id = CAST(? AS TEXT)", id), 1);
}

TEST(list_sorted) {
  int64_t id;
  Err e = {0};
  User *list;
  size_t n;
  CHECK_INT(user_create(tdb, &cli, "anne", NULL, PW, 100, &id, &e), 0);
  CHECK_INT(user_create(tdb, &cli, "zara", NULL, PW, 100, &id, &e), 0);
  Arena *a = arena_new(0);
  CHECK_INT(user_list(tdb, a, &list, &n, &e), 0);
  CHECK_INT(n, 3);
  CHECK_STR(list[0].username, "anne");
  CHECK_STR(list[2].username, "zara");
  arena_free(a);
}

TEST(disable_ends_access) {
  User u;
  AuthLogin l;
  Principal p;
  Err e = {0};
  CHECK_INT(user_find(tdb, "anne", &u, &e), 0);
  CHECK_INT(auth_login(tdb, &cfg, "anne", PW, "10.0.0.1", 1000, &l, &e), 0);
  CHECK_INT(user_set_disabled(tdb, &cli, u.id, 1, &e), 0);
  CHECK_INT(auth_session_lookup(tdb, &cfg, l.session.cookie, "", 1001, &p, NULL, &e), VERR_NOTFOUND);
  CHECK_INT(auth_login(tdb, &cfg, "anne", PW, "10.0.0.1", 1002, &l, &e), VERR_DENIED);
  CHECK_INT(user_set_disabled(tdb, &cli, u.id, 0, &e), 0);
  CHECK_INT(auth_login(tdb, &cfg, "anne", PW, "10.0.0.1", 1003, &l, &e), 0);
  CHECK_INT(user_set_disabled(tdb, &cli, 987654, 1, &e), VERR_NOTFOUND);
}

TEST(passwords) {
  User u;
  AuthLogin l1, l2;
  Principal p;
  Err e = {0};
  const char *pw2 = "nytt og bedre passord";
  CHECK_INT(user_find(tdb, "zara", &u, &e), 0);
  CHECK_INT(auth_login(tdb, &cfg, "zara", PW, "10.0.0.3", 2000, &l1, &e), 0);
  CHECK_INT(auth_login(tdb, &cfg, "zara", PW, "10.0.0.3", 2000, &l2, &e), 0);
  CHECK_INT(auth_session_lookup(tdb, &cfg, l1.session.cookie, "", 2001, &p, NULL, &e), 0);
  CHECK_INT(user_change_password(tdb, &p, "feil gammelt passord", pw2, &e), VERR_DENIED);
  CHECK_INT(user_change_password(tdb, &p, PW, "zara", &e), VERR_INVALID);
  CHECK_INT(user_change_password(tdb, &p, PW, pw2, &e), 0);
  /* Own session survives; the other one is ended. */
  CHECK_INT(auth_session_lookup(tdb, &cfg, l1.session.cookie, "", 2002, &p, NULL, &e), 0);
  CHECK_INT(auth_session_lookup(tdb, &cfg, l2.session.cookie, "", 2002, &p, NULL, &e), VERR_NOTFOUND);
  CHECK_INT(auth_login(tdb, &cfg, "zara", PW, "10.0.0.3", 2003, &l2, &e), VERR_DENIED);
  CHECK_INT(auth_login(tdb, &cfg, "zara", pw2, "10.0.0.3", 2004, &l2, &e), 0);
  /* An operator reset ends every session. */
  CHECK_INT(user_set_password(tdb, &cli, u.id, PW, &e), 0);
  CHECK_INT(auth_session_lookup(tdb, &cfg, l1.session.cookie, "", 2005, &p, NULL, &e), VERR_NOTFOUND);
  CHECK_INT(auth_login(tdb, &cfg, "zara", PW, "10.0.0.3", 2006, &l2, &e), 0);
}

TEST(memberships) {
  User u;
  AuthRole r;
  UserMembership *m;
  size_t n;
  int admin;
  Err e = {0};
  int64_t org2 = 0;
  CHECK_INT(db_int(tdb, &e, &org2, "INSERT INTO organisations(kind, name, created_at, updated_at)"
                   " VALUES ('region', 'Testregion', 1, 1) RETURNING id", ""), 0);
  CHECK_INT(user_find(tdb, "zara", &u, &e), 0);
  CHECK_INT(user_membership_set(tdb, &cli, u.id, torg, AUTH_ROLE_VIEWER, &e), 0);
  CHECK_INT(user_membership_set(tdb, &cli, u.id, org2, AUTH_ROLE_EDITOR, &e), 0);
  CHECK_INT(user_is_admin_anywhere(tdb, u.id, &admin, &e), 0);
  CHECK(!admin);
  CHECK_INT(user_membership_set(tdb, &cli, u.id, torg, AUTH_ROLE_ADMIN, &e), 0); /* update */
  CHECK_INT(user_role_in(tdb, u.id, torg, &r, &e), 0);
  CHECK_INT(r, AUTH_ROLE_ADMIN);
  CHECK_INT(user_is_admin_anywhere(tdb, u.id, &admin, &e), 0);
  CHECK(admin);
  Arena *a = arena_new(0);
  CHECK_INT(user_memberships(tdb, u.id, a, &m, &n, &e), 0);
  CHECK_INT(n, 2);
  CHECK_INT(m[0].org_id, torg < org2 ? torg : org2);
  CHECK_INT(user_membership_set(tdb, &cli, u.id, torg, AUTH_ROLE_NONE, &e), 0); /* remove */
  CHECK_INT(user_role_in(tdb, u.id, torg, &r, &e), 0);
  CHECK_INT(r, AUTH_ROLE_NONE);
  CHECK_INT(user_memberships(tdb, u.id, a, &m, &n, &e), 0);
  CHECK_INT(n, 1);
  CHECK_INT(m[0].role, AUTH_ROLE_EDITOR);
  CHECK_INT(user_membership_set(tdb, &cli, u.id, 77777, AUTH_ROLE_VIEWER, &e), VERR_NOTFOUND);
  CHECK_INT(user_membership_set(tdb, &cli, 77777, torg, AUTH_ROLE_VIEWER, &e), VERR_NOTFOUND);
  CHECK_INT(count_rows(tdb, "SELECT COUNT(*) FROM audit_log WHERE action = 'membership.set'"
                            " AND org_id = ?", torg), 3);
  arena_free(a);
  CHECK(chain_ok(tdb));
}

TEST(roles_parse) {
  AuthRole r;
  CHECK_INT(auth_role_parse("editor", &r), 0);
  CHECK_INT(r, AUTH_ROLE_EDITOR);
  CHECK_INT(auth_role_parse("Admin", &r), VERR_INVALID);
  CHECK_INT(auth_role_parse("none", &r), VERR_INVALID);
  CHECK_STR(auth_role_name(AUTH_ROLE_ADMIN), "admin");
}

int main(void) {
  setup_env();
  auth_config_init(&cfg);
  auth_principal_cli(&cli);
  tdb = open_fresh("user.db");
  RUN(create_and_find);
  RUN(list_sorted);
  RUN(disable_ends_access);
  RUN(passwords);
  RUN(memberships);
  RUN(roles_parse);
  db_close(tdb);
  cleanup_dir();
  return TEST_DONE();
}
