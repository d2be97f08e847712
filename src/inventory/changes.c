/* changes.c — the inventory change log that matching reads incrementally
 * (see inventory.h): list after a sequence number, clear up to one. */
#include <string.h>

#include "db/db.h"
#include "inventory/inv_int.h"

int inv_changes_list(Db *db, Arena *a, int64_t after, size_t limit, InvChange **out, size_t *n, Err *e) {
  DbStmt *st;
  *out = NULL;
  *n = 0;
  int rc = db_query(db, &st, e,
                    "SELECT seq, org_id, product_id, deleted, at FROM inv_changes WHERE seq > ? ORDER BY seq LIMIT ?",
                    "ll", after, limit ? (int64_t)limit : (int64_t)-1);
  if (rc) return rc;
  size_t cap = 64, cnt = 0;
  InvChange *arr = arena_alloc(a, cap * sizeof *arr);
  while (arr && (rc = db_step(st, e)) == DB_ROW) {
    if (cnt == cap) {
      InvChange *b = arena_alloc(a, cap * 2 * sizeof *b);
      if (b) memcpy(b, arr, cap * sizeof *b);
      arr = b;
      cap *= 2;
      if (!arr) break;
    }
    arr[cnt++] = (InvChange){db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 2), db_col_int(st, 4),
                             db_col_int(st, 3) != 0};
  }
  db_finalize(st);
  if (!arr) return err_set(e, VERR_NOMEM, "for lite minne");
  if (rc < 0) return rc;
  *out = arr;
  *n = cnt;
  return 0;
}

int inv_changes_clear(Db *db, int64_t upto, Err *e) {
  return db_exec(db, e, "DELETE FROM inv_changes WHERE seq <= ?", "l", upto);
}
