/* row.c — one generic insert-or-update for the inventory tables: column
 * names come from the code, every value is bound, and an update that would
 * change nothing is recognised (so import can report "unchanged"). */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "db/db.h"
#include "inventory/row.h"

static void bind_cols(DbStmt *st, int *idx, const InvCol *c, size_t n) {
  for (size_t k = 0; k < n; k++) {
    if (c[k].is_ref && !c[k].i) db_bind_null(st, (*idx)++);
    else if (c[k].is_int || c[k].is_ref) db_bind_int(st, (*idx)++, c[k].i);
    else db_bind_text(st, (*idx)++, c[k].s ? c[k].s : "");
  }
}

static void add_names(Buf *sql, const InvCol *c, size_t n, const char *fmt, const char *sep) {
  for (size_t k = 0; k < n; k++) {
    if (k) buf_puts(sql, sep);
    buf_printf(sql, fmt, c[k].name);
  }
}

static int run(Db *db, const char *sql, const InvCol *c, size_t n, int twice, int64_t a, int64_t b, int64_t extra,
               int64_t *out, Err *e) {
  DbStmt *st;
  int rc = db_prepare(db, &st, e, sql);
  if (rc) return rc;
  int idx = 1;
  bind_cols(st, &idx, c, n);
  db_bind_int(st, idx++, extra);
  db_bind_int(st, idx++, a);
  db_bind_int(st, idx++, b);
  if (twice) bind_cols(st, &idx, c, n);
  rc = db_step(st, e);
  if (rc == DB_ROW && out) *out = db_col_int(st, 0);
  db_finalize(st);
  return rc < 0 ? rc : 0;
}

int inv_row_put(Db *db, const char *table, int64_t org_id, int64_t *id, const InvCol *c, size_t n, int *changed,
                Err *e) {
  Buf sql;
  buf_init(&sql, 8192);
  int64_t now = db_now();
  if (!*id) {
    buf_printf(&sql, "INSERT INTO %s (", table);
    add_names(&sql, c, n, "%s", ", ");
    buf_puts(&sql, ", created_at, org_id, updated_at) VALUES (");
    for (size_t k = 0; k < n; k++) buf_puts(&sql, k ? ", ?" : "?");
    buf_puts(&sql, ", ?, ?, ?) RETURNING id");
    int rc = sql.err ? err_set(e, VERR_NOMEM, "for lite minne") : run(db, sql.p, c, n, 0, org_id, now, now, id, e);
    buf_free(&sql);
    if (!rc && changed) *changed = 1;
    return rc;
  }
  buf_printf(&sql, "UPDATE %s SET ", table);
  add_names(&sql, c, n, "%s = ?", ", ");
  buf_puts(&sql, ", updated_at = ? WHERE id = ? AND org_id = ? AND NOT (");
  add_names(&sql, c, n, "%s IS ?", " AND ");
  buf_puts(&sql, ")");
  int rc = sql.err ? err_set(e, VERR_NOMEM, "for lite minne") : run(db, sql.p, c, n, 1, *id, org_id, now, NULL, e);
  buf_free(&sql);
  if (!rc && changed) *changed = db_changes(db) > 0;
  return rc;
}
