/* db.c — the SQLite backend of db.h: connection set-up, statements with bound
 * values, busy retries and error messages. Migrations live in migrate.c. */
#include "db/db.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/db_int.h"

#define DB_BUSY_RETRIES 8

const char *db_default_path(void) {
  const char *p = getenv("VARDE_DB");
  return p && *p ? p : DB_DEFAULT_PATH;
}

int64_t db_now(void) {
  const char *fixed = getenv("VARDE_NOW");
  if (fixed && *fixed) {
    char *end;
    long long v = strtoll(fixed, &end, 10);
    if (*end == '\0' && v > 0) return v;
  }
  return (int64_t)time(NULL);
}

const char *db_path(const Db *db) { return db->path; }

/* Short excerpt of the SQL for messages, so a failing statement is named. */
static const char *sql_excerpt(const char *sql, char *out, size_t n) {
  size_t i = 0;
  for (; sql && sql[i] && i + 4 < n && i < 60; i++)
    out[i] = (sql[i] == '\n' || sql[i] == '\t') ? ' ' : sql[i];
  if (sql && sql[i]) {
    memcpy(out + i, "...", 3);
    i += 3;
  }
  out[i] = '\0';
  return out;
}

int db__error(Db *db, Err *e, int rc, const char *sql) {
  char ex[80];
  const char *msg = db && db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc);
  sql_excerpt(sql, ex, sizeof ex);
  switch (rc & 0xff) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return err_set(e, VERR_BUSY, "Databasen er opptatt (låst av en annen prosess); prøv igjen. [%s]", ex);
  case SQLITE_FULL:
    return err_set(e, VERR_IO, "Disken er full; ingenting ble lagret. (%s)", msg);
  case SQLITE_IOERR:
  case SQLITE_CANTOPEN:
  case SQLITE_READONLY:
  case SQLITE_PERM:
    return err_set(e, VERR_IO, "Kunne ikke skrive til eller lese databasen: %s", msg);
  case SQLITE_NOTADB:
  case SQLITE_CORRUPT:
    return err_set(e, VERR_DB, "Databasefilen er ikke en gyldig Varde-database eller er skadet: %s", msg);
  case SQLITE_CONSTRAINT:
    return err_set(e, VERR_CONFLICT, "Verdien bryter en regel i databasen: %s", msg);
  case SQLITE_TOOBIG:
    return err_set(e, VERR_TOOBIG, "Verdien er for stor for databasen.");
  case SQLITE_NOMEM:
    return err_set(e, VERR_NOMEM, "Tomt for minne i databasen.");
  default:
    return err_set(e, VERR_DB, "Databasefeil: %s [%s]", msg, ex);
  }
}

static void backoff(int attempt) {
  struct timespec ts = {0, (long)(5 + 5 * attempt * attempt) * 1000000L};
  nanosleep(&ts, NULL);
}

/* --- statements ------------------------------------------------------- */

static int only_space_or_semicolons(const char *s) {
  for (; s && *s; s++)
    if (*s != ';' && *s != ' ' && *s != '\n' && *s != '\t' && *s != '\r') return 0;
  return 1;
}

static unsigned sql_hash(const char *s) {
  unsigned h = 2166136261u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

static DbStmt *cache_get(Db *db, const char *sql, unsigned h) {
  for (int i = 0; i < DB_CACHE_SLOTS; i++) {
    DbCached *c = &db->cache[i];
    if (c->sql && !c->busy && c->hash == h && !strcmp(c->sql, sql)) {
      c->busy = 1;
      return &c->st;
    }
  }
  return NULL;
}

/* Keeps a freshly prepared statement for reuse if a slot is free (or can be
 * freed); otherwise it stays a one-off, finalized by db_finalize. */
static DbStmt *cache_put(Db *db, sqlite3_stmt *s, const char *sql, unsigned h) {
  for (int tries = 0; tries < DB_CACHE_SLOTS; tries++) {
    DbCached *c = &db->cache[db->next_evict++ % DB_CACHE_SLOTS];
    if (c->busy) continue;
    char *copy = strdup(sql);
    if (!copy) return NULL;
    if (c->sql) sqlite3_finalize(c->st.s);
    free(c->sql);
    c->sql = copy;
    c->hash = h;
    c->busy = 1;
    c->st = (DbStmt){.s = s, .db = db, .slot = (int)(c - db->cache)};
    return &c->st;
  }
  return NULL;
}

void db__cache_clear(Db *db) {
  for (int i = 0; i < DB_CACHE_SLOTS; i++) {
    if (db->cache[i].sql) sqlite3_finalize(db->cache[i].st.s);
    free(db->cache[i].sql);
    memset(&db->cache[i], 0, sizeof db->cache[i]);
  }
}

static int prepare_new(Db *db, sqlite3_stmt **s, Err *e, const char *sql) {
  const char *tail = NULL;
  int rc;
  for (int attempt = 0;; attempt++) {
    rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, s, &tail);
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt >= DB_BUSY_RETRIES) break;
    backoff(attempt);
  }
  if (rc != SQLITE_OK) return db__error(db, e, rc, sql);
  if (!*s) return err_set(e, VERR_INVALID, "Tom SQL-setning.");
  if (!only_space_or_semicolons(tail)) {
    sqlite3_finalize(*s);
    *s = NULL;
    return err_set(e, VERR_INVALID, "Bare én SQL-setning er tillatt per kall.");
  }
  return 0;
}

int db_prepare(Db *db, DbStmt **out, Err *e, const char *sql) {
  unsigned h = sql_hash(sql ? sql : "");
  *out = sql ? cache_get(db, sql, h) : NULL;
  if (*out) return 0;
  sqlite3_stmt *s = NULL;
  int rc = prepare_new(db, &s, e, sql ? sql : "");
  if (rc) return rc;
  if ((*out = cache_put(db, s, sql, h))) return 0;
  DbStmt *st = calloc(1, sizeof *st);
  if (!st) {
    sqlite3_finalize(s);
    return err_set(e, VERR_NOMEM, "Tomt for minne.");
  }
  *st = (DbStmt){.s = s, .db = db, .slot = -1};
  *out = st;
  return 0;
}

static int bind_rc(int rc) { return rc == SQLITE_OK ? 0 : (rc == SQLITE_TOOBIG ? VERR_TOOBIG : VERR_INVALID); }

int db_bind_int(DbStmt *st, int idx, int64_t v) { return bind_rc(sqlite3_bind_int64(st->s, idx, v)); }
int db_bind_null(DbStmt *st, int idx) { return bind_rc(sqlite3_bind_null(st->s, idx)); }
int db_bind_double(DbStmt *st, int idx, double v) { return bind_rc(sqlite3_bind_double(st->s, idx, v)); }

int db_bind_text(DbStmt *st, int idx, const char *s) {
  if (!s) return db_bind_null(st, idx);
  return db_bind_textn(st, idx, s, strlen(s));
}

int db_bind_textn(DbStmt *st, int idx, const char *s, size_t n) {
  if (!s) return db_bind_null(st, idx);
  if (n > 0x7fffffff) return VERR_TOOBIG;
  return bind_rc(sqlite3_bind_text(st->s, idx, s, (int)n, SQLITE_TRANSIENT));
}

int db_bind_text_static(DbStmt *st, int idx, const char *s) {
  if (!s) return db_bind_null(st, idx);
  size_t n = strlen(s);
  if (n > 0x7fffffff) return VERR_TOOBIG;
  return bind_rc(sqlite3_bind_text(st->s, idx, s, (int)n, SQLITE_STATIC));
}

int db_bind_blob(DbStmt *st, int idx, const void *p, size_t n) {
  if (n > 0x7fffffff) return VERR_TOOBIG;
  return bind_rc(sqlite3_bind_blob(st->s, idx, p ? p : "", (int)n, SQLITE_TRANSIENT));
}

int db_step(DbStmt *st, Err *e) {
  int rc;
  for (int attempt = 0;; attempt++) {
    rc = sqlite3_step(st->s);
    /* Only retry before the first row: a restarted query would repeat rows.
     * Inside our own transaction the lock is already held (BEGIN IMMEDIATE). */
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || st->stepped || attempt >= DB_BUSY_RETRIES) break;
    sqlite3_reset(st->s);
    backoff(attempt);
  }
  if (rc == SQLITE_ROW) {
    st->stepped = 1;
    return DB_ROW;
  }
  if (rc == SQLITE_DONE) return DB_DONE;
  return db__error(st->db, e, rc, sqlite3_sql(st->s));
}

int db_reset(DbStmt *st) {
  st->stepped = 0;
  return sqlite3_reset(st->s) == SQLITE_OK ? 0 : VERR_DB;
}

void db_finalize(DbStmt *st) {
  if (!st) return;
  if (st->slot >= 0) { /* back to the cache, clean for the next user */
    sqlite3_reset(st->s);
    sqlite3_clear_bindings(st->s);
    st->stepped = 0;
    st->db->cache[st->slot].busy = 0;
    return;
  }
  sqlite3_finalize(st->s);
  free(st);
}

int db_col_count(DbStmt *st) { return sqlite3_column_count(st->s); }
int db_col_is_null(DbStmt *st, int col) { return sqlite3_column_type(st->s, col) == SQLITE_NULL; }
int64_t db_col_int(DbStmt *st, int col) { return sqlite3_column_int64(st->s, col); }
double db_col_double(DbStmt *st, int col) { return sqlite3_column_double(st->s, col); }

const char *db_col_text(DbStmt *st, int col) {
  const unsigned char *t = sqlite3_column_text(st->s, col);
  return t ? (const char *)t : "";
}

const void *db_col_blob(DbStmt *st, int col, size_t *n) {
  const void *p = sqlite3_column_blob(st->s, col);
  *n = (size_t)sqlite3_column_bytes(st->s, col);
  return p;
}

/* --- typed binding ---------------------------------------------------- */

static int bind_args(DbStmt *st, Err *e, const char *types, va_list ap) {
  int want = sqlite3_bind_parameter_count(st->s);
  int n = types ? (int)strlen(types) : 0;
  if (n != want)
    return err_set(e, VERR_INVALID, "Intern feil: %d verdier oppgitt, SQL-setningen har %d plassholdere.", n, want);
  for (int i = 0; i < n; i++) {
    int rc;
    switch (types[i]) {
    case 'i': rc = db_bind_int(st, i + 1, va_arg(ap, int)); break;
    case 'l': rc = db_bind_int(st, i + 1, va_arg(ap, int64_t)); break;
    case 's': rc = db_bind_text(st, i + 1, va_arg(ap, const char *)); break;
    case 'n': rc = db_bind_null(st, i + 1); break;
    case 'b': {
      const void *p = va_arg(ap, const void *);
      rc = db_bind_blob(st, i + 1, p, va_arg(ap, size_t));
      break;
    }
    default:
      return err_set(e, VERR_INVALID, "Intern feil: ukjent typebokstav «%c».", types[i]);
    }
    if (rc) return err_set(e, rc, "Kunne ikke binde verdi nr. %d (for stor eller ugyldig).", i + 1);
  }
  return 0;
}

static int vquery(Db *db, DbStmt **out, Err *e, const char *sql, const char *types, va_list ap) {
  int rc = db_prepare(db, out, e, sql);
  if (rc) return rc;
  rc = bind_args(*out, e, types, ap);
  if (rc) {
    db_finalize(*out);
    *out = NULL;
  }
  return rc;
}

int db_query(Db *db, DbStmt **out, Err *e, const char *sql, const char *types, ...) {
  va_list ap;
  va_start(ap, types);
  int rc = vquery(db, out, e, sql, types, ap);
  va_end(ap);
  return rc;
}

int db_exec(Db *db, Err *e, const char *sql, const char *types, ...) {
  DbStmt *st;
  va_list ap;
  va_start(ap, types);
  int rc = vquery(db, &st, e, sql, types, ap);
  va_end(ap);
  if (rc) return rc;
  while ((rc = db_step(st, e)) == DB_ROW) {}
  db_finalize(st);
  return rc < 0 ? rc : 0;
}

int db_int(Db *db, Err *e, int64_t *out, const char *sql, const char *types, ...) {
  DbStmt *st;
  va_list ap;
  va_start(ap, types);
  int rc = vquery(db, &st, e, sql, types, ap);
  va_end(ap);
  if (rc) return rc;
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    *out = db_col_int(st, 0);
    /* Finish a RETURNING statement so its write completes. */
    while ((rc = db_step(st, e)) == DB_ROW) {}
    if (rc == DB_DONE) rc = 0;
  } else if (rc == DB_DONE) {
    rc = err_set(e, VERR_NOTFOUND, "Fant ingen rad.");
  }
  db_finalize(st);
  return rc;
}

int db_text(Db *db, Err *e, char **out, const char *sql, const char *types, ...) {
  DbStmt *st;
  *out = NULL;
  va_list ap;
  va_start(ap, types);
  int rc = vquery(db, &st, e, sql, types, ap);
  va_end(ap);
  if (rc) return rc;
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    rc = 0;
    if (!db_col_is_null(st, 0)) {
      *out = strdup(db_col_text(st, 0));
      if (!*out) rc = err_set(e, VERR_NOMEM, "Tomt for minne.");
    }
    int r2;
    while ((r2 = db_step(st, e)) == DB_ROW) {}
    if (r2 < 0 && rc == 0) rc = r2;
  } else if (rc == DB_DONE) {
    rc = err_set(e, VERR_NOTFOUND, "Fant ingen rad.");
  }
  db_finalize(st);
  return rc;
}

int64_t db_changes(Db *db) { return sqlite3_changes64(db->h); }

int64_t db_last_id(Db *db) { return sqlite3_last_insert_rowid(db->h); }

/* --- transactions ------------------------------------------------------ */

int db_begin(Db *db, Err *e) {
  if (db->in_tx) return err_set(e, VERR_INVALID, "Intern feil: transaksjon er allerede åpen.");
  int rc;
  for (int attempt = 0;; attempt++) {
    rc = sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt >= DB_BUSY_RETRIES) break;
    backoff(attempt);
  }
  if (rc != SQLITE_OK) return db__error(db, e, rc, "BEGIN IMMEDIATE");
  db->in_tx = 1;
  return 0;
}

int db_commit(Db *db, Err *e) {
  if (!db->in_tx) return err_set(e, VERR_INVALID, "Intern feil: ingen åpen transaksjon.");
  int rc;
  for (int attempt = 0;; attempt++) {
    rc = sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt >= DB_BUSY_RETRIES) break;
    backoff(attempt);
  }
  if (rc != SQLITE_OK) {
    int code = db__error(db, e, rc, "COMMIT");
    db_rollback(db);
    return code;
  }
  db->in_tx = 0;
  return 0;
}

void db_rollback(Db *db) {
  if (!sqlite3_get_autocommit(db->h)) sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
  db->in_tx = 0;
}

int db_in_transaction(Db *db) { return db->in_tx; }
