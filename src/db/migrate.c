/* migrate.c — opening a database: connection settings, the schema_version
 * table and the numbered migrations of migrations.def, applied in one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db/db.h"
#include "db/db_int.h"
#include "db/schema.h"

typedef struct Migration {
  int version;
  const char *name;
  const char *sql;
} Migration;

static const Migration migrations[] = {
#define DB_MIGRATION(v, n, sym) {v, n, sym},
#include "db/migrations.def"
#undef DB_MIGRATION
};
#define N_MIGRATIONS (sizeof migrations / sizeof migrations[0])

int db_latest_version(void) { return migrations[N_MIGRATIONS - 1].version; }

static int exec_script(Db *db, Err *e, const char *sql, const char *what) {
  char *msg = NULL;
  int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
  if (rc == SQLITE_OK) return 0;
  /* db__error reads sqlite3_errmsg, which still describes this failure. */
  sqlite3_free(msg);
  int code = db__error(db, e, rc, what);
  return code;
}

static int has_version_table(Db *db, Err *e, int *yes) {
  int64_t n = 0;
  int rc = db_int(db, e, &n, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_version'", "");
  *yes = n > 0;
  return rc;
}

int db_schema_version(Db *db, int *out, Err *e) {
  int yes;
  *out = 0;
  int rc = has_version_table(db, e, &yes);
  if (rc || !yes) return rc;
  int64_t v = 0;
  rc = db_int(db, e, &v, "SELECT coalesce(max(version), 0) FROM schema_version", "");
  *out = (int)v;
  return rc;
}

static int refuse_newer(Db *db, int have, Err *e) {
  if (have <= db_latest_version()) return 0;
  return err_set(e, VERR_CONFLICT,
                 "Databasen «%s» har skjemaversjon %d, men denne varde-versjonen (%s) kjenner bare "
                 "versjon %d. Oppgrader varde; databasen er ikke endret.",
                 db->path, have, VARDE_VERSION, db_latest_version());
}

/* Foreign-key problems a migration left, as an error naming the first. */
static int fk_clean(Db *db, Err *e) {
  DbStmt *st = NULL;
  int rc = db_query(db, &st, e, "PRAGMA foreign_key_check", "");
  if (!rc && (rc = db_step(st, e)) == DB_ROW)
    rc = err_set(e, VERR_DB, "Migreringen etterlot en ugyldig referanse i tabellen «%s»; databasen er ikke endret.",
                 db_col_text(st, 0));
  db_finalize(st);
  return rc == DB_DONE ? 0 : rc;
}

static int apply_pending_in(Db *db, Err *e) {
  int have, rc = db_begin(db, e);
  if (rc) return rc;
  rc = exec_script(db, e,
                   "CREATE TABLE IF NOT EXISTS schema_version ("
                   " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
                   "schema_version");
  /* Re-read under the write lock: another process may have migrated. */
  if (!rc) rc = db_schema_version(db, &have, e);
  if (!rc) rc = refuse_newer(db, have, e);
  for (size_t i = 0; !rc && i < N_MIGRATIONS; i++) {
    if (migrations[i].version <= have) continue;
    char what[96];
    snprintf(what, sizeof what, "migrering %d (%s)", migrations[i].version, migrations[i].name);
    rc = exec_script(db, e, migrations[i].sql, what);
    if (!rc)
      rc = db_exec(db, e, "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)", "isl",
                   migrations[i].version, migrations[i].name, db_now());
  }
  if (!rc) rc = fk_clean(db, e);
  if (!rc) return db_commit(db, e);
  db_rollback(db);
  return rc;
}

/* Migrations run with foreign keys off (SQLite's procedure for rebuilding
 * a table: dropping the old one must not cascade into the tables that
 * refer to it), and the result is checked before it is committed. */
static int apply_pending(Db *db, Err *e) {
  int rc = exec_script(db, e, "PRAGMA foreign_keys=OFF", "migrering");
  if (!rc) rc = apply_pending_in(db, e);
  Err ignore = {0};
  int on = exec_script(db, rc ? &ignore : e, "PRAGMA foreign_keys=ON", "migrering");
  return rc ? rc : on;
}

static int configure(Db *db, Err *e) {
  sqlite3_busy_timeout(db->h, DB_BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes(db->h, 1);
  sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config(db->h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  const char *pragmas = db->readonly ? "PRAGMA foreign_keys=ON; PRAGMA query_only=ON"
                                     : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON";
  return exec_script(db, e, pragmas, "oppsett av databasen");
}

static int open_handle(Db *db, const char *path, int flags, Err *e) {
  struct stat sb;
  int exists = stat(path, &sb) == 0;
  if (!exists && !(flags & DB_OPEN_CREATE))
    return err_set(e, VERR_NOTFOUND, "Databasen «%s» finnes ikke. Opprett den med `varde init --db %s`.", path,
                   path);
  if (exists && !S_ISREG(sb.st_mode)) return err_set(e, VERR_INVALID, "«%s» er ikke en vanlig fil.", path);
  /* No per-call mutex: a handle is used by one thread at a time (db.h), and
   * SQLite's own locking of a shared handle cost ~0.3 s of CPU in a full
   * matching run's half a million inserts. */
  int oflags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW;
  oflags |= db->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (flags & DB_OPEN_CREATE) oflags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path, &db->h, oflags, NULL);
  if (rc != SQLITE_OK)
    return err_set(e, VERR_IO, "Kunne ikke åpne databasen «%s»: %s", path,
                   db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
  return configure(db, e);
}

int db_open(Db **out, const char *path, int flags, Err *e) {
  *out = NULL;
  if (!path || !*path) return err_set(e, VERR_INVALID, "Mangler filnavn for databasen.");
  Db *db = calloc(1, sizeof *db);
  if (!db || !(db->path = strdup(path))) {
    free(db);
    return err_set(e, VERR_NOMEM, "Tomt for minne.");
  }
  db->readonly = (flags & DB_OPEN_READONLY) != 0;
  int have = 0;
  int rc = open_handle(db, path, flags, e);
  if (!rc) rc = db_schema_version(db, &have, e);
  if (!rc) rc = refuse_newer(db, have, e);
  if (!rc && !db->readonly && !(flags & DB_OPEN_NO_MIGRATE) && have < db_latest_version())
    rc = apply_pending(db, e);
  if (rc) {
    db_close(db);
    return rc;
  }
  *out = db;
  return 0;
}

void db_close(Db *db) {
  if (!db) return;
  if (db->h) {
    db_rollback(db);
    db__cache_clear(db);
    sqlite3_close_v2(db->h);
  }
  free(db->path);
  free(db);
}
