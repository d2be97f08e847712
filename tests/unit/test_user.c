/* test_user.c — user accounts and memberships: name rules, create, conflicts,
 * disable (log-in refused, sessions ended), passwords, roles per org
 * (the auditor role included). */
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
  CHECK_INT(user_set_disabled(tdb, &cli, u.id, 0, 1, &e), 0);
  CHECK_INT(auth_session_lookup(tdb, &cfg, l.session.cookie, "", 1001, &p, NULL, &e), VERR_NOTFOUND);
  CHECK_INT(auth_login(tdb, &cfg, "anne", PW, "10.0.0.1", 1002, &l, &e), VERR_DENIED);
  CHECK_INT(user_set_disabled(tdb, &cli, u.id, 0, 0, &e), 0);
  CHECK_INT(auth_login(tdb, &cfg, "anne", PW, "10.0.0.1", 1003, &l, &e), 0);
  CHECK_INT(user_set_disabled(tdb, &cli, 987654, 0, 1, &e), VERR_NOTFOUND);
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
  CHECK_INT(auth_role_parse("auditor", &r), 0);
  CHECK_INT(r, AUTH_ROLE_AUDITOR);
  CHECK_STR(auth_role_name(AUTH_ROLE_AUDITOR), "auditor");
  CHECK_STR(auth_role_name(AUTH_ROLE_LAST + 1), "none");
}

/* An auditor membership is stored and read back, and is no admin role. */
TEST(auditor_membership) {
  User u;
  AuthRole r;
  int admin = 1;
  Err e = {0};
  CHECK_INT(user_find(tdb, "zara", &u, &e), 0);
  CHECK_INT(user_membership_set(tdb, &cli, u.id, torg, AUTH_ROLE_AUDITOR, &e), 0);
  CHECK_INT(user_role_in(tdb, u.id, torg, &r, &e), 0);
  CHECK_INT(r, AUTH_ROLE_AUDITOR);
  CHECK_INT(count_rows(tdb, "SELECT COUNT(*) FROM memberships WHERE user_id = ? AND role = 'auditor'", u.id), 1);
  CHECK_INT(user_is_admin_anywhere(tdb, u.id, &admin, &e), 0);
  CHECK(!admin);
  CHECK_INT(user_membership_set(tdb, &cli, u.id, torg, AUTH_ROLE_LAST + 1, &e), VERR_INVALID);
  CHECK_INT(user_role_in(tdb, u.id, torg, &r, &e), 0);
  CHECK_INT(r, AUTH_ROLE_AUDITOR);
}

/* Turns a fresh database back into schema 9's memberships table (the CHECK
 * without 'auditor'), with a viewer and an admin in it. */
static Db *memberships_as_of_9(const char *path, int64_t *org, int64_t users[2]) {
  static const char *const sql[] = {
    "DELETE FROM schema_version WHERE version >= 10", /* the runner applies what lies above the highest */
    "DROP TABLE memberships",
    "CREATE TABLE memberships ("
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,"
    " role TEXT NOT NULL CHECK (role IN ('viewer','editor','admin')),"
    " created_at INTEGER NOT NULL, PRIMARY KEY (user_id, org_id))",
    "CREATE INDEX memberships_org ON memberships(org_id)",
  };
  Db *db = NULL;
  Err e = {0};
  CHECK_INT(db_open(&db, path, DB_OPEN_CREATE, &e), 0);
  for (size_t i = 0; db && i < sizeof sql / sizeof sql[0]; i++) CHECK_INT(db_exec(db, &e, sql[i], ""), 0);
  CHECK_INT(db_int(db, &e, org, "INSERT INTO organisations(kind, name, created_at, updated_at)"
                   " VALUES ('municipality', 'Gamleby', 1, 1) RETURNING id", ""), 0);
  for (int i = 0; i < 2; i++) {
    CHECK_INT(user_create(db, &cli, i ? "gammel-admin" : "gammel-leser", NULL, PW, 100, &users[i], &e), 0);
    CHECK_INT(db_exec(db, &e, "INSERT INTO memberships VALUES (?, ?, ?, 7)", "lls", users[i], *org,
                      i ? "admin" : "viewer"), 0);
  }
  CHECK(db_exec(db, &e, "INSERT INTO memberships VALUES (?, ?, 'auditor', 7)", "ll", users[0], *org) != 0);
  return db;
}

/* Migration 10 widens the role CHECK: what was stored before survives with
 * its foreign keys and index, and an auditor can be stored after. */
TEST(migration_10_keeps_memberships) {
  char path[256];
  int64_t org = 0, users[2] = {0}, v = 0;
  Err e = {0};
  snprintf(path, sizeof path, "%s/mig9.db", tdir);
  Db *db = memberships_as_of_9(path, &org, users);
  db_close(db);
  db = NULL;
  CHECK_INT(db_open(&db, path, 0, &e), 0);
  if (!db) return;
  CHECK_INT(db_int(db, &e, &v, "SELECT max(version) FROM schema_version", ""), 0);
  CHECK_INT(v, db_latest_version());
  CHECK_INT(count_rows(db, "SELECT count(*) FROM memberships WHERE org_id = ? AND created_at = 7"
                           " AND role IN ('viewer', 'admin')", org), 2);
  CHECK_INT(user_membership_set(db, &cli, users[0], org, AUTH_ROLE_AUDITOR, &e), 0);
  CHECK_INT(count_rows(db, "SELECT count(*) FROM memberships WHERE role = 'auditor' AND user_id = ?", users[0]), 1);
  CHECK_INT(db_int(db, &e, &v, "SELECT count(*) FROM sqlite_master WHERE name = 'memberships_new'"
                   " OR (name = 'memberships_org' AND tbl_name = 'memberships')", ""), 0);
  CHECK_INT(v, 1); /* the index is back, the scratch table gone */
  CHECK_INT(db_exec(db, &e, "DELETE FROM users WHERE id = ?", "l", users[1]), 0); /* cascades */
  CHECK_INT(count_rows(db, "SELECT count(*) FROM memberships WHERE org_id = ?", org), 1);
  db_close(db);
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
  RUN(auditor_membership);
  RUN(migration_10_keeps_memberships);
  db_close(tdb);
  cleanup_dir();
  return TEST_DONE();
}
