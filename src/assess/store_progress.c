/* store_progress.c — what a campaign looks like from each side: the sender's
 * progress and late list and aggregated results, the recipient's task list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/store_int.h"

static int sender_read(Db *db, const Principal *who, int64_t id, int64_t *org, Err *e) {
  int rc = db_int(db, e, org, "SELECT sender_org FROM assess_campaigns WHERE id = ?", "l", id);
  if (rc == VERR_NOTFOUND) return err_set(e, rc, "Fant ikke kampanjen.");
  return rc ? rc : st_allow(db, who, POLICY_READ, *org, e);
}

int assess_campaign_progress(Db *db, const Principal *who, int64_t id, int late_only, Arena *a,
                             AssessRecipient **out, size_t *n, Err *e) {
  *out = NULL;
  *n = 0;
  int64_t org = 0, cnt = 0;
  int rc = sender_read(db, who, id, &org, e);
  StIds view = {0};
  if (!rc) rc = st_ids(db, who, POLICY_ORG_VIEW, &view, e);
  if (!rc) rc = db_int(db, e, &cnt, "SELECT count(*) FROM assess_campaign_recipients WHERE campaign_id = ?",
                       "l", id);
  AssessRecipient *v = !rc && cnt ? arena_alloc(a, sizeof *v * (size_t)cnt) : NULL;
  if (!rc && cnt && !v) rc = err_set(e, VERR_NOMEM, "Tomt for minne.");
  char today[11];
  st_today(today);
  DbStmt *st = NULL;
  if (!rc && cnt)
    rc = db_query(db, &st, e, "SELECT r.org_id, o.name, r.status, coalesce(r.done_at, 0),"
                  " coalesce(r.reminded_at, 0), r.status < 2 AND c.deadline < ?"
                  " FROM assess_campaign_recipients r JOIN organisations o ON o.id = r.org_id"
                  " JOIN assess_campaigns c ON c.id = r.campaign_id WHERE r.campaign_id = ?"
                  " ORDER BY o.name", "sl", today, id);
  size_t k = 0;
  while (!rc && st && k < (size_t)cnt && (rc = db_step(st, e)) == DB_ROW) {
    rc = 0;
    int late = (int)db_col_int(st, 5);
    if (!st_has(&view, db_col_int(st, 0)) || (late_only && !late)) continue;
    v[k++] = (AssessRecipient){db_col_int(st, 0), arena_strdup(a, db_col_text(st, 1)),
                               (AssessRecipStatus)db_col_int(st, 2), db_col_int(st, 3), db_col_int(st, 4), late};
  }
  db_finalize(st);
  free(view.v);
  if (rc < 0) return rc;
  *out = v;
  *n = k;
  return 0;
}

/* Recipients that are done, with their latest snapshot taken since publication. */
static const char results_sql[] =
    "SELECT o.id, o.name, o.kind, o.population, s.total_ppm, s.at FROM assess_campaign_recipients r"
    " JOIN assess_campaigns c ON c.id = r.campaign_id JOIN organisations o ON o.id = r.org_id"
    " JOIN assess_snapshots s ON s.id = (SELECT x.id FROM assess_snapshots x JOIN assess_frameworks f"
    "  ON f.id = x.framework_id WHERE x.org_id = r.org_id AND x.at >= c.created_at"
    "  AND f.urn = (SELECT urn FROM assess_frameworks WHERE id = c.framework_id)"
    "  ORDER BY x.at DESC, x.id DESC LIMIT 1)"
    " WHERE r.campaign_id = ?1 AND r.status = 2 AND ?2 = ?2 ORDER BY o.name";

int assess_campaign_results(Db *db, const Principal *who, int64_t id, Arena *a,
                            AssessOrgScore **out, size_t *n, AssessAggregate *agg, Err *e) {
  int64_t org = 0;
  int rc = sender_read(db, who, id, &org, e);
  if (rc) { *out = NULL; *n = 0; memset(agg, 0, sizeof *agg); return rc; }
  return st_org_scores(db, who, results_sql, id, 0, a, out, n, agg, e);
}

int assess_tasks(Db *db, const Principal *who, int64_t org_id, Arena *a, AssessTask **out,
                 size_t *n, Err *e) {
  *out = NULL;
  *n = 0;
  int64_t cnt = 0;
  int rc = st_allow(db, who, POLICY_READ, org_id, e);
  if (!rc) rc = db_int(db, e, &cnt, "SELECT count(*) FROM assess_campaign_recipients r JOIN assess_campaigns c"
                       " ON c.id = r.campaign_id WHERE r.org_id = ? AND r.status < 2 AND c.closed = 0", "l", org_id);
  if (rc || !cnt) return rc;
  AssessTask *v = arena_alloc(a, sizeof *v * (size_t)cnt);
  if (!v) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  char today[11];
  st_today(today);
  DbStmt *st = NULL;
  rc = db_query(db, &st, e, "SELECT c.id, c.framework_id, c.title, c.message, c.deadline, o.name, f.name,"
                " r.status, c.deadline < ?, coalesce(r.reminded_at, 0) FROM assess_campaign_recipients r"
                " JOIN assess_campaigns c ON c.id = r.campaign_id JOIN organisations o ON o.id = c.sender_org"
                " JOIN assess_frameworks f ON f.id = c.framework_id"
                " WHERE r.org_id = ? AND r.status < 2 AND c.closed = 0 ORDER BY c.deadline, c.id", "sl",
                today, org_id);
  size_t k = 0;
  while (!rc && k < (size_t)cnt && (rc = db_step(st, e)) == DB_ROW) {
    rc = 0;
    v[k++] = (AssessTask){db_col_int(st, 0), db_col_int(st, 1), arena_strdup(a, db_col_text(st, 2)),
                          arena_strdup(a, db_col_text(st, 3)), arena_strdup(a, db_col_text(st, 4)),
                          arena_strdup(a, db_col_text(st, 5)), arena_strdup(a, db_col_text(st, 6)),
                          (AssessRecipStatus)db_col_int(st, 7), (int)db_col_int(st, 8), db_col_int(st, 9)};
  }
  db_finalize(st);
  if (rc < 0) return rc;
  *out = v;
  *n = k;
  return 0;
}
