/* read.c — listing and fetching inventory objects of one organisation into
 * a caller's arena, ordered by name; end-of-life is computed on read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "inventory/inv_int.h"

typedef void (*RowFn)(Arena *a, DbStmt *st, void *out);

static const char *col(Arena *a, DbStmt *st, int i) {
  const char *s = arena_strdup(a, db_col_text(st, i));
  return s ? s : "";
}

/* Runs "SELECT <cols> FROM <from> WHERE <t>.org_id = ? [AND <t>.id = ?] ORDER BY name"
 * and fills an array of elements of size el. id 0 lists all. */
static int query(Db *db, Arena *a, const char *cols, const char *from, int64_t org_id, int64_t id, RowFn fn,
                 size_t el, void **out, size_t *n, Err *e) {
  char sql[1024];
  snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE t.org_id = ?%s ORDER BY t.name COLLATE NOCASE, t.id", cols,
           from, id ? " AND t.id = ?" : "");
  DbStmt *st;
  int rc = id ? db_query(db, &st, e, sql, "ll", org_id, id) : db_query(db, &st, e, sql, "l", org_id);
  if (rc) return rc;
  size_t cap = 16, cnt = 0;
  char *arr = arena_alloc(a, cap * el);
  while (arr && (rc = db_step(st, e)) == DB_ROW) {
    if (cnt == cap) {
      char *bigger = arena_alloc(a, cap * 2 * el);
      if (bigger) memcpy(bigger, arr, cap * el);
      arr = bigger;
      cap *= 2;
      if (!arr) break;
    }
    fn(a, st, arr + cnt * el);
    cnt++;
  }
  db_finalize(st);
  if (!arr) return err_set(e, VERR_NOMEM, "for lite minne");
  if (rc < 0) return rc;
  *out = arr;
  *n = cnt;
  return 0;
}

static void service_row(Arena *a, DbStmt *st, void *o) {
  InvService *x = o;
  x->id = db_col_int(st, 0);
  x->org_id = db_col_int(st, 1);
  x->name = col(a, st, 2);
  x->description = col(a, st, 3);
  x->criticality = (int)db_col_int(st, 4);
  x->critical_function = db_col_int(st, 5) != 0;
}
static const char service_cols[] = "t.id, t.org_id, t.name, t.description, t.criticality, t.critical_function";

static void system_row(Arena *a, DbStmt *st, void *o) {
  InvSystem *x = o;
  x->id = db_col_int(st, 0);
  x->org_id = db_col_int(st, 1);
  x->name = col(a, st, 2);
  x->description = col(a, st, 3);
  x->owner = col(a, st, 4);
  x->supplier_id = db_col_int(st, 5);
  x->hosting = col(a, st, 6);
  x->data_country = col(a, st, 7);
  x->supplier_name = col(a, st, 8);
}
static const char system_cols[] = "t.id, t.org_id, t.name, t.description, t.owner, coalesce(t.supplier_id, 0),"
                                  " t.hosting, t.data_country, coalesce(s.name, '')";
static const char system_from[] = "inv_systems t LEFT JOIN inv_suppliers s ON s.id = t.supplier_id";

static void product_row(Arena *a, DbStmt *st, void *o) {
  InvProduct *x = o;
  char today[11];
  inv__today(today);
  x->id = db_col_int(st, 0);
  x->org_id = db_col_int(st, 1);
  x->name = col(a, st, 2);
  x->vendor = col(a, st, 3);
  x->product = col(a, st, 4);
  x->version = col(a, st, 5);
  x->cpe = col(a, st, 6);
  x->purl = col(a, st, 7);
  x->platform = col(a, st, 8);
  x->eol_date = col(a, st, 9);
  x->eol = *x->eol_date && strcmp(x->eol_date, today) <= 0;
}
static const char product_cols[] =
    "t.id, t.org_id, t.name, t.vendor, t.product, t.version, t.cpe, t.purl, t.platform, t.eol_date";

static void host_row(Arena *a, DbStmt *st, void *o) {
  InvHost *x = o;
  x->id = db_col_int(st, 0);
  x->org_id = db_col_int(st, 1);
  x->name = col(a, st, 2);
  x->aliases = col(a, st, 3);
  x->addresses = col(a, st, 4);
  x->description = col(a, st, 5);
  x->internet_facing = db_col_int(st, 6) != 0;
}
static const char host_cols[] = "t.id, t.org_id, t.name, t.aliases, t.addresses, t.description, t.internet_facing";

static void supplier_row(Arena *a, DbStmt *st, void *o) {
  InvSupplier *x = o;
  x->id = db_col_int(st, 0);
  x->org_id = db_col_int(st, 1);
  x->name = col(a, st, 2);
  x->orgnr = col(a, st, 3);
  x->contact = col(a, st, 4);
  x->supplier_org_id = db_col_int(st, 5);
}
static const char supplier_cols[] = "t.id, t.org_id, t.name, t.orgnr, t.contact, coalesce(t.supplier_org_id, 0)";

#define INV_READERS(kind, T, cols, from, rowfn, what)                                             \
  int inv_##kind##_list(Db *db, Arena *a, int64_t org_id, T **out, size_t *n, Err *e) {           \
    *out = NULL;                                                                                  \
    *n = 0;                                                                                       \
    return query(db, a, cols, from, org_id, 0, rowfn, sizeof(T), (void **)out, n, e);             \
  }                                                                                               \
  int inv_##kind##_get(Db *db, Arena *a, int64_t org_id, int64_t id, T *out, Err *e) {            \
    T *arr = NULL;                                                                                \
    size_t n = 0;                                                                                 \
    memset(out, 0, sizeof *out);                                                                  \
    int rc = id ? query(db, a, cols, from, org_id, id, rowfn, sizeof(T), (void **)&arr, &n, e) : 0; \
    if (rc) return rc;                                                                            \
    if (!n) return err_set(e, VERR_NOTFOUND, "Fant ingen slik %s.", what);                        \
    *out = arr[0];                                                                                \
    return 0;                                                                                     \
  }

INV_READERS(service, InvService, service_cols, "inv_services t", service_row, "tjeneste")
INV_READERS(system, InvSystem, system_cols, system_from, system_row, "system")
INV_READERS(product, InvProduct, product_cols, "inv_products t", product_row, "programvare")
INV_READERS(host, InvHost, host_cols, "inv_hosts t", host_row, "maskin")
INV_READERS(supplier, InvSupplier, supplier_cols, "inv_suppliers t", supplier_row, "leverandør")

const char *inv_object_name(Db *db, Arena *a, int64_t org_id, InvKind k, int64_t id) {
  const char *t = inv__table(k);
  if (!t) return "";
  char sql[128], *s = NULL;
  snprintf(sql, sizeof sql, "SELECT name FROM %s WHERE id = ? AND org_id = ?", t);
  Err e = {0};
  if (db_text(db, &e, &s, sql, "ll", id, org_id) || !s) return "";
  const char *r = arena_strdup(a, s);
  free(s);
  return r ? r : "";
}
