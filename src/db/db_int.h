/* db_int.h — private to src/db: the SQLite handle behind Db and DbStmt.
 * Nothing outside src/db includes this file. */
#ifndef VARDE_DB_INT_H
#define VARDE_DB_INT_H
#include <sqlite3.h>

#include "core/err.h"

struct Db {
  sqlite3 *h;
  char *path;
  int in_tx;
  int readonly;
};

struct DbStmt {
  sqlite3_stmt *s;
  struct Db *db;
  int stepped;   /* a row has been returned since the last reset */
};

/* Maps an SQLite result code to a VERR_* code with a Norwegian message. */
int db__error(struct Db *db, Err *e, int rc, const char *sql);

#endif
