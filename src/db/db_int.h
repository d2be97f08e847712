/* db_int.h — private to src/db: the SQLite handle behind Db and DbStmt.
 * Nothing outside src/db includes this file. */
#ifndef VARDE_DB_INT_H
#define VARDE_DB_INT_H
#include <sqlite3.h>

#include "core/err.h"

#define DB_CACHE_SLOTS 48

struct DbStmt {
  sqlite3_stmt *s;
  struct Db *db;
  int stepped;   /* a row has been returned since the last reset */
  int slot;      /* index in Db.cache, or -1 for a one-off statement */
};

/* Prepared statements kept for reuse, keyed by their SQL text: a hot query
 * (session lookup, policy) is compiled once per connection, not per call. */
typedef struct DbCached {
  char *sql;
  unsigned hash;
  int busy;            /* handed out and not yet finalized */
  struct DbStmt st;
} DbCached;

struct Db {
  sqlite3 *h;
  char *path;
  int in_tx;
  int readonly;
  DbCached cache[DB_CACHE_SLOTS];
  unsigned next_evict;
};

/* Finalizes every cached statement (before closing the connection). */
void db__cache_clear(struct Db *db);

/* Maps an SQLite result code to a VERR_* code with a Norwegian message. */
int db__error(struct Db *db, Err *e, int rc, const char *sql);

#endif
