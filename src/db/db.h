/* db.h — Varde's one door to the database: open (with migrations), prepared
 * statements with bound values, transactions, backup and integrity check.
 *
 * Backend-neutral by shape: SQL uses `?` placeholders (a PostgreSQL backend
 * rewrites them to $n), every value is bound through a typed call, one
 * statement per string (surplus text is rejected), new ids come back through
 * `INSERT ... RETURNING id` read with db_int(), and times are INTEGER Unix
 * seconds set by the caller (db_now()). Only db.c includes <sqlite3.h>.
 *
 * Threads: a Db handle is used by one thread at a time. A server opens one
 * handle per worker thread (db_open on an already-migrated file is cheap).
 *
 * Typed one-shot calls take a type string with one letter per `?`:
 *   'i' int      'l' int64_t    's' const char * (NULL binds SQL NULL)
 *   'b' const void *, size_t (blob)       'n' SQL NULL (no argument)
 * e.g. db_exec(db, e, "UPDATE users SET disabled=? WHERE id=?", "il", 1, uid);
 *
 * Errors: functions return 0 (or DB_ROW/DB_DONE from db_step) or a negative
 * VERR_* code with a Norwegian message on the Err. SQLITE_BUSY is retried
 * (busy_timeout plus a bounded retry loop) before VERR_BUSY is returned; a
 * full disk gives VERR_IO. A failed statement inside a transaction leaves the
 * transaction open: the caller rolls back, so nothing half-written is stored. */
#ifndef VARDE_DB_H
#define VARDE_DB_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

typedef struct Db Db;
typedef struct DbStmt DbStmt;

enum { DB_DONE = 0, DB_ROW = 1 };

enum {
  DB_OPEN_CREATE = 1,      /* create the file if missing (varde init, demo) */
  DB_OPEN_READONLY = 2,    /* no migrations, no writes (varde check) */
  DB_OPEN_NO_MIGRATE = 4,  /* open as is; db_open still refuses a newer schema */
};

#define DB_DEFAULT_PATH "varde.db"
#define DB_BUSY_TIMEOUT_MS 5000

/* Opens path, sets WAL, foreign_keys=ON, busy_timeout, and applies pending
 * migrations in one transaction. Refuses (VERR_CONFLICT) a database whose
 * schema version is newer than this binary knows. *out is NULL on error. */
int db_open(Db **out, const char *path, int flags, Err *e);
void db_close(Db *db);
const char *db_path(const Db *db);

/* Default database path: $VARDE_DB if set, else DB_DEFAULT_PATH. */
const char *db_default_path(void);

/* Current Unix time in seconds (one clock for every module; tests may set
 * VARDE_NOW to a fixed value). */
int64_t db_now(void);

/* --- statements ------------------------------------------------------- */
int db_prepare(Db *db, DbStmt **out, Err *e, const char *sql);
int db_bind_int(DbStmt *st, int idx, int64_t v);         /* idx from 1 */
int db_bind_text(DbStmt *st, int idx, const char *s);    /* NULL -> SQL NULL */
int db_bind_textn(DbStmt *st, int idx, const char *s, size_t n);
int db_bind_blob(DbStmt *st, int idx, const void *p, size_t n);
int db_bind_null(DbStmt *st, int idx);
int db_bind_double(DbStmt *st, int idx, double v);
/* Like db_bind_text, without copying s: s must stay unchanged until the
 * statement has been stepped (a bulk insert binding strings it owns). */
int db_bind_text_static(DbStmt *st, int idx, const char *s);
/* DB_ROW, DB_DONE or a negative VERR_* (message on e, naming the SQL). */
int db_step(DbStmt *st, Err *e);
int db_reset(DbStmt *st);                                /* keeps bindings */
void db_finalize(DbStmt *st);                            /* NULL is fine */
int db_col_count(DbStmt *st);
int db_col_is_null(DbStmt *st, int col);                 /* col from 0 */
int64_t db_col_int(DbStmt *st, int col);
double db_col_double(DbStmt *st, int col);
const char *db_col_text(DbStmt *st, int col);            /* "" for NULL; valid until next step */
const void *db_col_blob(DbStmt *st, int col, size_t *n);

/* --- typed one-shot helpers (see the type letters above) --------------- */
/* Prepares and binds; the caller steps and finalizes. */
int db_query(Db *db, DbStmt **out, Err *e, const char *sql, const char *types, ...);
/* Runs a statement that returns no rows (or ignores them). */
int db_exec(Db *db, Err *e, const char *sql, const char *types, ...);
/* First column of the first row as an integer; VERR_NOTFOUND if no row. */
int db_int(Db *db, Err *e, int64_t *out, const char *sql, const char *types, ...);
/* First column of the first row as malloc'd text (caller frees);
 * VERR_NOTFOUND if no row; SQL NULL gives NULL. */
int db_text(Db *db, Err *e, char **out, const char *sql, const char *types, ...);
/* Rows changed by the last INSERT/UPDATE/DELETE on this handle. */
int64_t db_changes(Db *db);
/* Row id of the last successful INSERT on this handle. */
int64_t db_last_id(Db *db);

/* --- transactions ------------------------------------------------------ */
/* db_begin takes the write lock at once (BEGIN IMMEDIATE), so a
 * read-then-write sequence (e.g. the audit chain) cannot race. Not nested. */
int db_begin(Db *db, Err *e);
int db_commit(Db *db, Err *e);
void db_rollback(Db *db);                 /* safe to call when none is open */
int db_in_transaction(Db *db);

/* --- schema and maintenance ------------------------------------------- */
int db_schema_version(Db *db, int *out, Err *e);
int db_latest_version(void);              /* highest migration this binary has */
/* Online, consistent copy to dest (refuses to overwrite an existing file). */
int db_backup(Db *db, const char *dest, Err *e);
/* PRAGMA integrity_check + foreign_key_check; problems appended to report
 * one per line. Returns 0 if clean, VERR_CONFLICT if problems were found. */
int db_integrity_check(Db *db, Buf *report, Err *e);

#endif
