/* test_db.c — unit tests for src/db: migrations, refusal of a newer schema,
 * typed binding with hostile strings, transactions, backup and integrity. */
#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/db.h"
#include "test.h"

static char dir[] = "/tmp/varde-test-db-XXXXXX";

static const char *tmp_path(const char *name) {
  static char p[256];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  return p;
}

static Db *fresh(const char *name) {
  Db *db = NULL;
  Err e = {0};
  char path[256];
  snprintf(path, sizeof path, "%s", tmp_path(name));
  unlink(path);
  if (db_open(&db, path, DB_OPEN_CREATE, &e)) fprintf(stderr, "open: %s\n", e.msg);
  return db;
}

TEST(migrations_apply_once) {
  Db *db = fresh("m.db");
  CHECK(db != NULL);
  int v = -1;
  Err e = {0};
  CHECK_INT(db_schema_version(db, &v, &e), 0);
  CHECK_INT(v, db_latest_version());
  int64_t n = 0;
  CHECK_INT(db_int(db, &e, &n, "SELECT count(*) FROM schema_version", ""), 0);
  CHECK_INT(n, db_latest_version());
  db_close(db);
  /* Reopening applies nothing twice. */
  CHECK_INT(db_open(&db, tmp_path("m.db"), 0, &e), 0);
  CHECK_INT(db_int(db, &e, &n, "SELECT count(*) FROM schema_version", ""), 0);
  CHECK_INT(n, db_latest_version());
  CHECK_INT(db_int(db, &e, &n, "PRAGMA foreign_keys", ""), 0);
  CHECK_INT(n, 1);
  char *mode = NULL;
  CHECK_INT(db_text(db, &e, &mode, "PRAGMA journal_mode", ""), 0);
  CHECK_STR(mode, "wal");
  free(mode);
  db_close(db);
}

TEST(missing_file_is_not_created) {
  Db *db = NULL;
  Err e = {0};
  CHECK_INT(db_open(&db, tmp_path("nope.db"), 0, &e), VERR_NOTFOUND);
  CHECK(db == NULL);
  CHECK(strstr(e.msg, "varde init") != NULL);
  struct stat sb;
  CHECK(stat(tmp_path("nope.db"), &sb) != 0);
}

TEST(newer_schema_is_refused) {
  Db *db = fresh("new.db");
  Err e = {0};
  CHECK_INT(db_exec(db, &e, "INSERT INTO schema_version (version, name, applied_at) VALUES (?, 'future', 0)", "i",
                    db_latest_version() + 1),
            0);
  db_close(db);
  CHECK_INT(db_open(&db, tmp_path("new.db"), 0, &e), VERR_CONFLICT);
  CHECK(db == NULL);
  CHECK(strstr(e.msg, "skjemaversjon") != NULL);
  CHECK(strstr(e.msg, "Oppgrader varde") != NULL);
  CHECK_INT(db_open(&db, tmp_path("new.db"), DB_OPEN_READONLY, &e), VERR_CONFLICT);
}

TEST(not_a_database) {
  FILE *f = fopen(tmp_path("junk.db"), "w");
  fputs("this is not sqlite, just text padded out to look like a file.......", f);
  fclose(f);
  Db *db = NULL;
  Err e = {0};
  CHECK(db_open(&db, tmp_path("junk.db"), 0, &e) < 0);
  CHECK(db == NULL);
  CHECK(strstr(e.msg, "ikke en gyldig") != NULL);
}

TEST(hostile_strings_are_bound) {
  Db *db = fresh("b.db");
  Err e = {0};
  const char *evil[] = {"x'); DROP TABLE users; --", "\"; DELETE FROM organisations; --", "?", "%s%n",
                        "æøå ÆØÅ \xF0\x9F\x94\xA5", "a\nb\r\nc"};
  for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++) {
    int64_t id = 0;
    CHECK_INT(db_int(db, &e, &id,
                     "INSERT INTO organisations (kind, name, created_at, updated_at) VALUES ('supplier', ?, ?, ?) "
                     "RETURNING id",
                     "sll", evil[i], (int64_t)1, (int64_t)1),
              0);
    char *back = NULL;
    CHECK_INT(db_text(db, &e, &back, "SELECT name FROM organisations WHERE id = ?", "l", id), 0);
    CHECK_STR(back, evil[i]);
    free(back);
  }
  int64_t n = 0;
  CHECK_INT(db_int(db, &e, &n, "SELECT count(*) FROM organisations", ""), 0);
  CHECK_INT(n, 6);
  CHECK_INT(db_int(db, &e, &n, "SELECT count(*) FROM sqlite_master WHERE name = 'users'", ""), 0);
  CHECK_INT(n, 1);
  db_close(db);
}

TEST(one_statement_only_and_arity) {
  Db *db = fresh("s.db");
  Err e = {0};
  CHECK_INT(db_exec(db, &e, "SELECT 1; DROP TABLE users", ""), VERR_INVALID);
  CHECK(strstr(e.msg, "én SQL-setning") != NULL);
  CHECK_INT(db_exec(db, &e, "SELECT 1;  ", ""), 0);
  CHECK_INT(db_exec(db, &e, "SELECT ?", ""), VERR_INVALID);
  CHECK_INT(db_exec(db, &e, "SELECT ?", "ii", 1, 2), VERR_INVALID);
  CHECK_INT(db_exec(db, &e, "SELECT ?", "x", 1), VERR_INVALID);
  CHECK_INT(db_exec(db, &e, "   ", ""), VERR_INVALID);
  int64_t v = 0;
  CHECK_INT(db_int(db, &e, &v, "SELECT 1 WHERE 0", ""), VERR_NOTFOUND);
  CHECK_INT(db_exec(db, &e, "SELECT ?, ?, ?", "nbs", "\0\1", (size_t)2, (const char *)NULL), 0);
  db_close(db);
}

TEST(rollback_leaves_nothing) {
  Db *db = fresh("t.db");
  Err e = {0};
  CHECK_INT(db_begin(db, &e), 0);
  CHECK_INT(db_exec(db, &e, "INSERT INTO organisations (kind, name, created_at, updated_at) VALUES (?, ?, 1, 1)",
                    "ss", "national", "A"),
            0);
  /* A constraint failure inside the transaction: caller rolls back. */
  CHECK_INT(db_exec(db, &e, "INSERT INTO organisations (kind, name, created_at, updated_at) VALUES (?, ?, 1, 1)",
                    "ss", "planet", "B"),
            VERR_CONFLICT);
  db_rollback(db);
  CHECK(!db_in_transaction(db));
  int64_t n = -1;
  CHECK_INT(db_int(db, &e, &n, "SELECT count(*) FROM organisations", ""), 0);
  CHECK_INT(n, 0);
  CHECK_INT(db_commit(db, &e), VERR_INVALID);
  db_close(db);
}

TEST(backup_and_integrity) {
  Db *db = fresh("k.db");
  Err e = {0};
  CHECK_INT(db_exec(db, &e, "INSERT INTO organisations (kind, name, created_at, updated_at) VALUES (?, ?, 1, 1)",
                    "ss", "national", "Senter"),
            0);
  unlink(tmp_path("copy.db"));
  CHECK_INT(db_backup(db, tmp_path("copy.db"), &e), 0);
  CHECK_INT(db_backup(db, tmp_path("copy.db"), &e), VERR_CONFLICT);
  Buf rep;
  buf_init(&rep, 0);
  CHECK_INT(db_integrity_check(db, &rep, &e), 0);
  db_close(db);
  Db *copy = NULL;
  CHECK_INT(db_open(&copy, tmp_path("copy.db"), DB_OPEN_READONLY, &e), 0);
  char *name = NULL;
  CHECK_INT(db_text(copy, &e, &name, "SELECT name FROM organisations", ""), 0);
  CHECK_STR(name, "Senter");
  free(name);
  CHECK_INT(db_exec(copy, &e, "DELETE FROM organisations", ""), VERR_IO);
  CHECK_INT(db_integrity_check(copy, &rep, &e), 0);
  buf_free(&rep);
  db_close(copy);
}

TEST(statement_cache_nested_and_evicted) {
  Db *db = fresh("c.db");
  Err e = {0};
  for (int i = 0; i < 5; i++)
    CHECK_INT(db_exec(db, &e, "INSERT INTO organisations (kind, name, created_at, updated_at) VALUES ('supplier', ?, 1, 1)",
                      "s", i == 0 ? "a" : i == 1 ? "b" : i == 2 ? "c" : i == 3 ? "d" : "e"),
              0);
  /* The same SQL open twice at once: the inner one must not disturb the outer. */
  const char *q = "SELECT name FROM organisations WHERE id >= ? ORDER BY id";
  DbStmt *outer, *inner;
  CHECK_INT(db_query(db, &outer, &e, q, "i", 1), 0);
  int rows = 0;
  while (db_step(outer, &e) == DB_ROW) {
    char want[2] = {(char)('a' + rows), 0};
    CHECK_STR(db_col_text(outer, 0), want);
    CHECK_INT(db_query(db, &inner, &e, q, "i", 4), 0);
    CHECK_INT(db_step(inner, &e), DB_ROW);
    CHECK_STR(db_col_text(inner, 0), "d");
    db_finalize(inner);
    rows++;
  }
  db_finalize(outer);
  CHECK_INT(rows, 5);
  /* Many distinct statements evict older ones; results stay right. */
  for (int i = 0; i < 200; i++) {
    char sql[64];
    int64_t v = 0;
    snprintf(sql, sizeof sql, "SELECT %d + ?", i);
    CHECK_INT(db_int(db, &e, &v, sql, "i", 1), 0);
    CHECK_INT(v, i + 1);
  }
  /* A reused statement starts with fresh bindings. */
  int64_t v = -1;
  CHECK_INT(db_int(db, &e, &v, "SELECT count(*) FROM organisations WHERE name = ?", "s", "c"), 0);
  CHECK_INT(v, 1);
  CHECK_INT(db_int(db, &e, &v, "SELECT count(*) FROM organisations WHERE name = ?", "n"), 0);
  CHECK_INT(v, 0);
  db_close(db);
}

/* Holds the write lock for a moment from a second connection. */
static void *hold_lock(void *arg) {
  Db *other = arg;
  Err e = {0};
  if (db_begin(other, &e)) return NULL;
  db_exec(other, &e, "INSERT INTO organisations (kind, name, created_at, updated_at) VALUES ('supplier', 'A', 1, 1)",
          "");
  struct timespec ts = {0, 300 * 1000000L};
  nanosleep(&ts, NULL);
  db_commit(other, &e);
  return NULL;
}

TEST(locked_database_is_waited_for) {
  Db *db = fresh("busy.db"), *other = NULL;
  Err e = {0};
  CHECK_INT(db_open(&other, tmp_path("busy.db"), 0, &e), 0);
  CHECK_INT(db_begin(other, &e), 0); /* make sure the lock is held before we write */
  db_rollback(other);
  pthread_t t;
  pthread_create(&t, NULL, hold_lock, other);
  struct timespec ts = {0, 50 * 1000000L};
  nanosleep(&ts, NULL);
  /* Both a plain write and a transaction wait for the lock instead of failing. */
  CHECK_INT(db_exec(db, &e, "INSERT INTO organisations (kind, name, created_at, updated_at) VALUES ('supplier', 'B', 1, 1)",
                    ""),
            0);
  CHECK_INT(db_begin(db, &e), 0);
  CHECK_INT(db_commit(db, &e), 0);
  pthread_join(t, NULL);
  int64_t n = 0;
  CHECK_INT(db_int(db, &e, &n, "SELECT count(*) FROM organisations", ""), 0);
  CHECK_INT(n, 2);
  db_close(other);
  db_close(db);
}

int main(void) {
  if (!mkdtemp(dir)) return 1;
  RUN(migrations_apply_once);
  RUN(missing_file_is_not_created);
  RUN(newer_schema_is_refused);
  RUN(not_a_database);
  RUN(hostile_strings_are_bound);
  RUN(one_statement_only_and_arity);
  RUN(rollback_leaves_nothing);
  RUN(backup_and_integrity);
  RUN(locked_database_is_waited_for);
  RUN(statement_cache_nested_and_evicted);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd)) {}
  return TEST_DONE();
}
