/* bridge.c — observations, the seam to the findings lifecycle: what each
 * run saw (open port, CPE, finding id per address and port) is marked seen;
 * a complete run over the whole confirmed scope marks what it no longer saw
 * inside that scope as 'not_seen' (needs verification). Nothing is closed
 * or deleted here: the findings module decides what a not_seen means. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "scan/target.h"
#include "scanjobs/scanjobs.h"
#include "scanjobs/scanjobs_int.h"

static int seen(Db *db, int64_t org, int64_t run, int64_t now, const char *addr, int port,
                const char *kind, const char *key, Err *e) {
  return db_exec(db, e, "INSERT INTO scan_observations (org_id, addr, port, kind, key, first_run,"
                 " last_seen_run, last_seen_at, status, status_run, status_at) VALUES (?, ?, ?, ?,"
                 " ?, ?, ?, ?, 'seen', ?, ?) ON CONFLICT (org_id, addr, port, kind, key) DO UPDATE"
                 " SET last_seen_run = excluded.last_seen_run, last_seen_at = excluded.last_seen_at,"
                 " status_run = CASE WHEN status = 'seen' THEN status_run ELSE excluded.status_run END,"
                 " status_at = CASE WHEN status = 'seen' THEN status_at ELSE excluded.status_at END,"
                 " status = 'seen'", "lsissllll" "l", org, addr, port, kind, key, run, run, now, run,
                 now);
}

static int seen_findings(Db *db, int64_t org, int64_t run, int64_t now, const char *addr, int port,
                         const char *list, Err *e) {
  char id[128];
  const char *p = list;
  int rc = 0;
  while (rc == 0 && p && *p) {
    size_t n = strcspn(p, ",");
    if (n > 0 && n < sizeof id) {
      memcpy(id, p, n);
      id[n] = '\0';
      rc = seen(db, org, run, now, addr, port, "finding", id, e);
    }
    p += n;
    if (*p == ',') p++;
  }
  return rc;
}

static int mark_seen(Db *db, int64_t org, int64_t run, int64_t now, Err *e) {
  DbStmt *st;
  int rc = db_query(db, &st, e, "SELECT addr, port, cpe, findings FROM scan_results WHERE run_id = ?",
                    "l", run);
  if (rc) return rc;
  while (rc == 0 && (rc = db_step(st, e)) == DB_ROW) {
    char *addr = strdup(db_col_text(st, 0));
    int port = (int)db_col_int(st, 1);
    char *cpe = db_col_is_null(st, 2) ? NULL : strdup(db_col_text(st, 2));
    char *fl = db_col_is_null(st, 3) ? NULL : strdup(db_col_text(st, 3));
    rc = addr ? seen(db, org, run, now, addr, port, "port", "open", e) : VERR_NOMEM;
    if (rc == 0 && cpe && *cpe) rc = seen(db, org, run, now, addr, port, "cpe", cpe, e);
    if (rc == 0 && fl) rc = seen_findings(db, org, run, now, addr, port, fl, e);
    free(addr);
    free(cpe);
    free(fl);
  }
  db_finalize(st);
  return rc < 0 ? rc : 0;
}

static int add_range(const char *spec, void *ctx) {
  ScanRange r;
  if (!spec || scan_range_parse(spec, &r, NULL)) return 0;
  return scan_rangelist_add(ctx, &r) ? VERR_NOMEM : 0;
}

/* Everything seen earlier inside the scope and not in this run. */
static int mark_not_seen(Db *db, int64_t org, int64_t run, const char *scope, int64_t now, Err *e) {
  ScanRangeList l = {0};
  int rc = scanjobs__each_spec(scope, add_range, &l);
  DbStmt *st;
  if (rc == 0)
    rc = db_query(db, &st, e, "SELECT rowid, addr FROM scan_observations WHERE org_id = ? AND"
                  " status = 'seen' AND last_seen_run <> ?", "ll", org, run);
  if (rc) {
    scan_rangelist_free(&l);
    return rc;
  }
  int64_t *ids = NULL;
  size_t n = 0, cap = 0;
  while ((rc = db_step(st, e)) == DB_ROW) {
    if (!scan_rangelist_contains_text(&l, db_col_text(st, 1))) continue;
    if (n == cap) {
      int64_t *v = realloc(ids, (cap = cap ? cap * 2 : 64) * sizeof *v);
      if (!v) { rc = VERR_NOMEM; break; }
      ids = v;
    }
    ids[n++] = db_col_int(st, 0);
  }
  db_finalize(st);
  scan_rangelist_free(&l);
  for (size_t i = 0; rc >= 0 && i < n; i++)
    rc = db_exec(db, e, "UPDATE scan_observations SET status = 'not_seen', status_run = ?,"
                 " status_at = ? WHERE rowid = ?", "lll", run, now, ids[i]);
  free(ids);
  return rc < 0 ? (rc == VERR_NOMEM ? err_set(e, rc, "tomt for minne") : rc) : 0;
}

int scanjobs_observe_run(Db *db, int64_t run, Err *e) {
  DbStmt *st;
  int rc = db_query(db, &st, e, "SELECT org_id, full_scope, interrupted, scope FROM scan_runs"
                    " WHERE id = ?", "l", run);
  if (rc) return rc;
  if ((rc = db_step(st, e)) != DB_ROW) {
    db_finalize(st);
    return rc < 0 ? rc : err_set(e, VERR_NOTFOUND, "Ukjent kjøring.");
  }
  int64_t org = db_col_int(st, 0), now = db_now();
  int complete = db_col_int(st, 1) && !db_col_int(st, 2);
  char *scope = strdup(db_col_text(st, 3));
  db_finalize(st);
  rc = scope ? mark_seen(db, org, run, now, e) : err_set(e, VERR_NOMEM, "tomt for minne");
  if (rc == 0 && complete) rc = mark_not_seen(db, org, run, scope, now, e);
  free(scope);
  return rc;
}

int scanjobs_observations(Db *db, int64_t org, const char *status,
                          int (*fn)(const ScanjobsObservation *, void *), void *ctx, Err *e) {
  DbStmt *st;
  int rc = db_query(db, &st, e, "SELECT addr, port, kind, key, status, last_seen_run, last_seen_at,"
                    " status_run, status_at FROM scan_observations WHERE org_id = ? AND"
                    " (? IS NULL OR status = ?) ORDER BY status_at DESC, addr, port, kind, key"
                    " LIMIT 5000", "lss", org, status, status);
  if (rc) return rc;
  while ((rc = db_step(st, e)) == DB_ROW) {
    ScanjobsObservation o = {org, db_col_text(st, 0), (unsigned)db_col_int(st, 1),
                             db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 4),
                             db_col_int(st, 5), db_col_int(st, 6), db_col_int(st, 7),
                             db_col_int(st, 8)};
    int r = fn(&o, ctx);
    if (r) {
      db_finalize(st);
      return r;
    }
  }
  db_finalize(st);
  return rc < 0 ? rc : 0;
}
