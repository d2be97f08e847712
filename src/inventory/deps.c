/* deps.c — dependency edges (add, remove, list with names), the impact
 * question "if this fails, which services stop", and the per-product facts
 * matching needs (exposure, criticality of dependent services). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "db/db.h"
#include "inventory/graph.h"

int inv__dep_put(Db *db, const Principal *who, int64_t org_id, InvKind fk, int64_t fid, InvKind tk, int64_t tid,
                 int *changed, Err *e) {
  if (changed) *changed = 0;
  if (!inv__dep_allowed(fk, tk))
    return err_set(e, VERR_INVALID, "En %s kan ikke avhenge av en %s.", inv_kind_label(fk), inv_kind_label(tk));
  if (fk == tk && fid == tid) return err_set(e, VERR_INVALID, "Noe kan ikke avhenge av seg selv.");
  int rc = inv__exists(db, org_id, fk, fid, e);
  if (rc == 1) rc = inv__exists(db, org_id, tk, tid, e);
  if (rc < 0) return rc;
  if (rc == 0) return err_set(e, VERR_NOTFOUND, "Fant ikke begge ender av avhengigheten.");
  rc = db_exec(db, e,
               "INSERT INTO inv_deps (org_id, from_kind, from_id, to_kind, to_id, created_at)"
               " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
               "lslsll", org_id, inv_kind_name(fk), fid, inv_kind_name(tk), tid, db_now());
  if (rc || db_changes(db) == 0) return rc;
  if (changed) *changed = 1;
  char det[128];
  snprintf(det, sizeof det, "%s=%lld -> %s=%lld", inv_kind_name(fk), (long long)fid, inv_kind_name(tk),
           (long long)tid);
  rc = inv__audit(db, who, org_id, INV__DEP, "add", fid, det, e);
  return rc ? rc : inv__changed(db, org_id, 0, 0, e);
}

int inv_dep_add(Db *db, const Principal *who, int64_t org_id, InvKind fk, int64_t fid, InvKind tk, int64_t tid,
                Err *e) {
  int rc = db_begin(db, e);
  if (rc) return rc;
  return inv__end(db, inv__dep_put(db, who, org_id, fk, fid, tk, tid, NULL, e), org_id, e);
}

static int dep_remove_tx(Db *db, const Principal *who, int64_t org_id, int64_t dep_id, Err *e) {
  int rc = db_exec(db, e, "DELETE FROM inv_deps WHERE id = ? AND org_id = ?", "ll", dep_id, org_id);
  if (rc) return rc;
  if (db_changes(db) == 0) return err_set(e, VERR_NOTFOUND, "Fant ingen slik avhengighet.");
  char det[64];
  snprintf(det, sizeof det, "avhengighet=%lld", (long long)dep_id);
  rc = inv__audit(db, who, org_id, INV__DEP, "delete", dep_id, det, e);
  return rc ? rc : inv__changed(db, org_id, 0, 0, e);
}

int inv_dep_remove(Db *db, const Principal *who, int64_t org_id, int64_t dep_id, Err *e) {
  int rc = db_begin(db, e);
  if (rc) return rc;
  return inv__end(db, dep_remove_tx(db, who, org_id, dep_id, e), org_id, e);
}

int inv_dep_list(Db *db, Arena *a, int64_t org_id, InvKind k, int64_t id, InvDep **out, size_t *n, Err *e) {
  DbStmt *st;
  const char *kn = id ? inv_kind_name(k) : "";
  int rc = db_query(db, &st, e,
                    "SELECT id, from_kind, from_id, to_kind, to_id FROM inv_deps WHERE org_id = ?"
                    " AND (? = 0 OR (from_kind = ? AND from_id = ?) OR (to_kind = ? AND to_id = ?))"
                    " ORDER BY from_kind, from_id, to_kind, to_id",
                    "llslsl", org_id, id, kn, id, kn, id);
  if (rc) return rc;
  size_t cap = 32, cnt = 0;
  InvDep *arr = arena_alloc(a, cap * sizeof *arr);
  while (arr && (rc = db_step(st, e)) == DB_ROW) {
    if (cnt == cap) {
      InvDep *b = arena_alloc(a, cap * 2 * sizeof *b);
      if (b) memcpy(b, arr, cap * sizeof *b);
      arr = b;
      cap *= 2;
      if (!arr) break;
    }
    InvDep *d = &arr[cnt++];
    d->id = db_col_int(st, 0);
    d->org_id = org_id;
    inv_kind_parse(db_col_text(st, 1), &d->from_kind);
    d->from_id = db_col_int(st, 2);
    inv_kind_parse(db_col_text(st, 3), &d->to_kind);
    d->to_id = db_col_int(st, 4);
  }
  db_finalize(st);
  if (!arr) return err_set(e, VERR_NOMEM, "for lite minne");
  if (rc < 0) return rc;
  for (size_t i = 0; i < cnt; i++) {
    arr[i].from_name = inv_object_name(db, a, org_id, arr[i].from_kind, arr[i].from_id);
    arr[i].to_name = inv_object_name(db, a, org_id, arr[i].to_kind, arr[i].to_id);
  }
  *out = arr;
  *n = cnt;
  return 0;
}
