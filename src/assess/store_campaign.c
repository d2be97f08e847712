/* store_campaign.c — campaigns: a centre or region asks its members to assess
 * a framework by a deadline; recipients' tasks, progress, late list, results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/store_int.h"

int st_campaign_touch(Db *db, int64_t org_id, int64_t fw_id, int status, Err *e) {
  return db_exec(db, e,
      "UPDATE assess_campaign_recipients SET status = ?, done_at = CASE WHEN ? = 2 THEN ? ELSE done_at END"
      " WHERE org_id = ? AND status < ? AND campaign_id IN (SELECT c.id FROM assess_campaigns c"
      " JOIN assess_frameworks f ON f.id = c.framework_id WHERE c.closed = 0"
      " AND f.urn = (SELECT urn FROM assess_frameworks WHERE id = ?))", "iilili", status, status, db_now(),
      org_id, status, fw_id);
}

static const char recipients_sql[] =
    "WITH RECURSIVE sub(id) AS (SELECT id FROM organisations WHERE parent_id = ?"
    " UNION ALL SELECT o.id FROM organisations o JOIN sub ON o.parent_id = sub.id)"
    " INSERT INTO assess_campaign_recipients(campaign_id, org_id) SELECT ?, o.id FROM sub"
    " JOIN organisations o ON o.id = sub.id WHERE o.kind IN ('municipality','county','iks')";

int assess_campaign_publish(Db *db, const Principal *who, int64_t sender_org, int64_t fw_id,
                            const char *title, const char *message, const char *deadline,
                            int64_t *id, Err *e) {
  int rc = st_allow(db, who, POLICY_WRITE, sender_org, e);
  if (!rc && (!title || !*title)) rc = err_set(e, VERR_INVALID, "Kampanjen må ha en tittel.");
  if (!rc) rc = st_line_ok(title, ASSESS_NAME_MAX, "Tittelen", e);
  if (!rc) rc = st_text_ok(message ? message : "", ASSESS_MESSAGE_MAX, "Meldingen", e);
  if (!rc && !st_date_ok(deadline)) rc = err_set(e, VERR_INVALID, "Fristen må skrives ÅÅÅÅ-MM-DD.");
  AssessFwInfo fi;
  Arena *a = rc ? NULL : arena_new(1 << 16);
  if (!rc) rc = assess_store_fw_info(db, a, fw_id, &fi, e);
  arena_free(a);
  int64_t cid = 0;
  if (!rc) rc = db_begin(db, e);
  if (rc) return rc;
  rc = db_int(db, e, &cid, "INSERT INTO assess_campaigns(sender_org, framework_id, title, message, deadline,"
              " created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id", "llsssls",
              sender_org, fw_id, title, message ? message : "", deadline, db_now(), who->username);
  if (!rc) rc = db_exec(db, e, recipients_sql, "ll", sender_org, cid);
  int64_t nrec = db_changes(db);
  if (!rc && nrec == 0) rc = err_set(e, VERR_INVALID, "Organisasjonen har ingen medlemmer å sende kampanjen til.");
  char det[160];
  snprintf(det, sizeof det, "framework=%lld deadline=%s recipients=%lld", (long long)fw_id, deadline,
           (long long)nrec);
  if (!rc) rc = st_audit(db, who, sender_org, "assess.campaign.publish", "campaign", cid, det, e);
  if (!rc) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  if (!rc && id) *id = cid;
  return rc;
}

static int sender_of(Db *db, int64_t id, int64_t *org, Err *e) {
  int rc = db_int(db, e, org, "SELECT sender_org FROM assess_campaigns WHERE id = ?", "l", id);
  if (rc == VERR_NOTFOUND) err_set(e, rc, "Fant ikke kampanjen.");
  return rc;
}

int assess_campaign_close(Db *db, const Principal *who, int64_t id, Err *e) {
  int64_t org = 0;
  int rc = sender_of(db, id, &org, e);
  if (!rc) rc = st_allow(db, who, POLICY_WRITE, org, e);
  if (!rc) rc = db_begin(db, e);
  if (rc) return rc;
  rc = db_exec(db, e, "UPDATE assess_campaigns SET closed = 1 WHERE id = ?", "l", id);
  if (!rc) rc = st_audit(db, who, org, "assess.campaign.close", "campaign", id, NULL, e);
  if (!rc) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}

static const char camp_cols[] =
    "SELECT c.id, c.sender_org, c.framework_id, c.created_at, c.title, c.message, c.deadline, o.name, f.name,"
    " f.urn, c.created_by, c.closed,"
    " (SELECT count(*) FROM assess_campaign_recipients r WHERE r.campaign_id = c.id),"
    " (SELECT count(*) FROM assess_campaign_recipients r WHERE r.campaign_id = c.id AND r.status >= 1),"
    " (SELECT count(*) FROM assess_campaign_recipients r WHERE r.campaign_id = c.id AND r.status = 2),"
    " (SELECT count(*) FROM assess_campaign_recipients r WHERE r.campaign_id = c.id AND r.status < 2"
    "  AND c.deadline < ?)"
    " FROM assess_campaigns c JOIN organisations o ON o.id = c.sender_org"
    " JOIN assess_frameworks f ON f.id = c.framework_id";

static void camp_row(DbStmt *st, Arena *a, AssessCampaign *c) {
  c->id = db_col_int(st, 0);
  c->sender_org = db_col_int(st, 1);
  c->fw_id = db_col_int(st, 2);
  c->created_at = db_col_int(st, 3);
  c->title = arena_strdup(a, db_col_text(st, 4));
  c->message = arena_strdup(a, db_col_text(st, 5));
  c->deadline = arena_strdup(a, db_col_text(st, 6));
  c->sender_name = arena_strdup(a, db_col_text(st, 7));
  c->fw_name = arena_strdup(a, db_col_text(st, 8));
  c->fw_urn = arena_strdup(a, db_col_text(st, 9));
  c->created_by = arena_strdup(a, db_col_text(st, 10));
  c->closed = (int)db_col_int(st, 11);
  c->n_recipients = (size_t)db_col_int(st, 12);
  c->n_started = (size_t)db_col_int(st, 13);
  c->n_done = (size_t)db_col_int(st, 14);
  c->n_late = (size_t)db_col_int(st, 15);
}

int assess_campaign_get(Db *db, const Principal *who, int64_t id, Arena *a, AssessCampaign *out,
                        Err *e) {
  int64_t org = 0;
  int rc = sender_of(db, id, &org, e);
  /* The sender's members see the campaign too (it is addressed to them). */
  if (!rc && st_allow(db, who, POLICY_READ, org, e)) {
    int64_t mine = 0;
    rc = db_int(db, e, &mine, "SELECT count(*) FROM assess_campaign_recipients WHERE campaign_id = ?"
                " AND org_id IN (SELECT org_id FROM memberships WHERE user_id = ?)", "ll", id, who->user_id);
    if (!rc && !mine) rc = err_set(e, VERR_NOTFOUND, "Fant ikke kampanjen.");
    if (!rc) err_clear(e);
  }
  char today[11], sql[1400];
  st_today(today);
  snprintf(sql, sizeof sql, "%s WHERE c.id = ?", camp_cols);
  DbStmt *st = NULL;
  if (!rc) rc = db_query(db, &st, e, sql, "sl", today, id);
  if (!rc) rc = db_step(st, e);
  if (rc == DB_ROW) camp_row(st, a, out), rc = 0;
  else if (rc == DB_DONE) rc = err_set(e, VERR_NOTFOUND, "Fant ikke kampanjen.");
  db_finalize(st);
  return rc;
}

int assess_campaign_list_sent(Db *db, const Principal *who, int64_t org_id, Arena *a,
                              AssessCampaign **out, size_t *n, Err *e) {
  *out = NULL;
  *n = 0;
  int64_t cnt = 0;
  int rc = st_allow(db, who, POLICY_READ, org_id, e);
  if (!rc) rc = db_int(db, e, &cnt, "SELECT count(*) FROM assess_campaigns WHERE sender_org = ?", "l", org_id);
  if (rc || !cnt) return rc;
  AssessCampaign *v = arena_alloc(a, sizeof *v * (size_t)cnt);
  if (!v) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  char today[11], sql[1400];
  st_today(today);
  snprintf(sql, sizeof sql, "%s WHERE c.sender_org = ? ORDER BY c.created_at DESC, c.id DESC", camp_cols);
  DbStmt *st = NULL;
  rc = db_query(db, &st, e, sql, "sl", today, org_id);
  size_t k = 0;
  while (!rc && k < (size_t)cnt && (rc = db_step(st, e)) == DB_ROW) camp_row(st, a, &v[k++]), rc = 0;
  db_finalize(st);
  if (rc < 0) return rc;
  *out = v;
  *n = k;
  return 0;
}
