/* row.h — generic insert-or-update of one inventory row (row.c). Private to
 * src/inventory. */
#ifndef VARDE_INVENTORY_ROW_H
#define VARDE_INVENTORY_ROW_H
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct Db Db;

/* One column: a literal name from the code and its value. A reference
 * column (is_ref) with i == 0 binds NULL. */
typedef struct InvCol {
  const char *name;
  int is_int, is_ref;
  const char *s;
  int64_t i;
} InvCol;

#define INV_S(n, v) {(n), 0, 0, (v), 0}
#define INV_I(n, v) {(n), 1, 0, NULL, (v)}
#define INV_REF(n, v) {(n), 0, 1, NULL, (v)}

/* *id == 0: insert (created_at, updated_at, org_id set here) and return the
 * new id; else update the row (id, org_id), *changed = 0 if every value was
 * already so. The caller has checked that the row exists. */
int inv_row_put(Db *db, const char *table, int64_t org_id, int64_t *id, const InvCol *c, size_t n, int *changed,
                Err *e);

#endif
