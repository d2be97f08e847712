/* authdb.h — shared set-up for the database-backed auth and user tests: a
 * fresh migrated database in a temporary directory, one organisation, and a
 * few helpers. Included by test_auth.c and test_user.c only. */
#ifndef VARDE_TEST_AUTHDB_H
#define VARDE_TEST_AUTHDB_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "db/db.h"
#include "user/user.h"

static char tdir[] = "/tmp/varde-test-auth-XXXXXX";
static Db *tdb;
static int64_t torg;

static Db *open_fresh(const char *name) {
  char path[256];
  Err e = {0};
  snprintf(path, sizeof path, "%s/%s", tdir, name);
  unlink(path);
  Db *db = NULL;
  if (db_open(&db, path, DB_OPEN_CREATE, &e)) {
    fprintf(stderr, "db_open: %s\n", e.msg);
    exit(2);
  }
  if (db_int(db, &e, &torg, "INSERT INTO organisations(kind, name, created_at, updated_at)"
             " VALUES ('municipality', 'Testkommune', 1, 1) RETURNING id", "")) {
    fprintf(stderr, "org: %s\n", e.msg);
    exit(2);
  }
  return db;
}

static void setup_env(void) {
  setenv("VARDE_PWHASH_FAST", "1", 1);
  unsetenv("VARDE_SESSION_IDLE");
  unsetenv("VARDE_SESSION_ABSOLUTE");
  unsetenv("VARDE_LOCK_WINDOW");
  if (!mkdtemp(tdir)) {
    perror("mkdtemp");
    exit(2);
  }
}

static void cleanup_dir(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tdir);
  if (system(cmd)) fprintf(stderr, "could not remove %s\n", tdir);
}

static int64_t count_rows(Db *db, const char *sql, int64_t arg) {
  int64_t n = -1;
  Err e = {0};
  if (db_int(db, &e, &n, sql, "l", arg)) fprintf(stderr, "count: %s\n", e.msg);
  return n;
}

static int chain_ok(Db *db) {
  int64_t count = 0, bad = 0;
  Err e = {0};
  int rc = audit_verify(db, &count, &bad, NULL, &e);
  if (rc) fprintf(stderr, "audit: %s\n", e.msg);
  return rc == 0 && count > 0;
}

#endif
