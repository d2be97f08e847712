/* store_evidence.c — evidence on an item: an uploaded file kept in the
 * database with its SHA-256, size and type, or a link; list, fetch, delete. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/store_int.h"

static int item_ok(Db *db, int64_t fw_id, const char *ref_id, Err *e) {
  int64_t ok = 0;
  int rc = db_int(db, e, &ok, "SELECT count(*) FROM assess_nodes WHERE framework_id = ? AND ref_id = ?", "ls",
                  fw_id, ref_id ? ref_id : "");
  if (!rc && !ok) rc = err_set(e, VERR_INVALID, "Ukjent punkt «%.64s».", ref_id ? ref_id : "");
  return rc;
}

typedef struct EvIn {
  const char *kind, *name, *ctype, *sha, *url;
  const void *data;
  size_t n;
} EvIn;

static int ev_insert(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, const char *ref_id,
                     const EvIn *v, int64_t *id, Err *e) {
  int64_t aid = 0, eid = 0;
  int rc = db_begin(db, e);
  if (rc) return rc;
  rc = st_assessment(db, org_id, fw_id, 1, &aid, e);
  if (!rc) rc = db_int(db, e, &eid, "INSERT INTO assess_evidence(assessment_id, ref_id, kind, name, content_type,"
                       " size, sha256, data, url, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                       " RETURNING id", "lssssls" "bsls", aid, ref_id, v->kind, v->name, v->ctype,
                       (int64_t)v->n, v->sha, v->data, v->n, v->url, db_now(), who->username);
  char det[200];
  snprintf(det, sizeof det, "item=%.64s kind=%s sha256=%s", ref_id, v->kind, v->sha);
  if (!rc) rc = db_exec(db, e, "INSERT INTO assess_history(assessment_id, ref_id, field, old_value, new_value, at,"
                        " user_id, username) VALUES (?, ?, 'evidence', '', ?, ?, ?, ?)", "lssl" "ls", aid, ref_id,
                        v->name, db_now(), who->user_id, who->username);
  if (!rc) rc = st_audit(db, who, org_id, "assess.evidence.add", "evidence", eid, det, e);
  if (!rc) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  if (!rc && id) *id = eid;
  return rc;
}

int assess_evidence_add_file(Db *db, const Principal *who, int64_t org_id, int64_t fw_id,
                             const char *ref_id, const char *name, const char *content_type,
                             const void *data, size_t n, int64_t *id, Err *e) {
  int rc = st_allow(db, who, POLICY_WRITE, org_id, e);
  if (!rc) rc = item_ok(db, fw_id, ref_id, e);
  if (!rc && n > ASSESS_EVIDENCE_MAX)
    rc = err_set(e, VERR_TOOBIG, "Filen er for stor (høyst %zu MiB).", ASSESS_EVIDENCE_MAX >> 20);
  if (!rc && (!name || !*name)) rc = err_set(e, VERR_INVALID, "Filen må ha et navn.");
  if (!rc) rc = st_line_ok(name, ASSESS_NAME_MAX, "Filnavnet", e);
  if (!rc) rc = st_line_ok(content_type ? content_type : "", 100, "Filtypen", e);
  if (rc) return rc;
  char sha[65];
  st_sha256_hex(data, n, sha);
  EvIn v = {"file", name, content_type ? content_type : "application/octet-stream", sha, NULL, data ? data : "", n};
  return ev_insert(db, who, org_id, fw_id, ref_id, &v, id, e);
}

int assess_evidence_add_link(Db *db, const Principal *who, int64_t org_id, int64_t fw_id,
                             const char *ref_id, const char *title, const char *url, int64_t *id,
                             Err *e) {
  int rc = st_allow(db, who, POLICY_WRITE, org_id, e);
  if (!rc) rc = item_ok(db, fw_id, ref_id, e);
  if (!rc && (!url || (strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) || strlen(url) < 10))
    rc = err_set(e, VERR_INVALID, "Lenken må begynne med https:// eller http://.");
  if (!rc) rc = st_text_ok(url, 2000, "Lenken", e);
  for (const char *p = url; !rc && *p; p++)
    if ((unsigned char)*p <= ' ') rc = err_set(e, VERR_INVALID, "Lenken kan ikke inneholde mellomrom.");
  const char *name = title && *title ? title : url;
  if (!rc) rc = st_line_ok(name, ASSESS_NAME_MAX, "Tittelen", e);
  if (rc) return rc;
  EvIn v = {"link", name, "", "", url, NULL, 0};
  return ev_insert(db, who, org_id, fw_id, ref_id, &v, id, e);
}

static const char ev_cols[] =
    "SELECT v.id, a.org_id, a.framework_id, v.size, v.created_at, v.ref_id, v.kind, v.name, v.content_type,"
    " v.sha256, coalesce(v.url, ''), v.created_by";

static void ev_row(DbStmt *st, Arena *a, AssessEvidence *v) {
  memset(v, 0, sizeof *v);
  v->id = db_col_int(st, 0);
  v->org_id = db_col_int(st, 1);
  v->fw_id = db_col_int(st, 2);
  v->size = db_col_int(st, 3);
  v->created_at = db_col_int(st, 4);
  v->ref_id = arena_strdup(a, db_col_text(st, 5));
  v->kind = arena_strdup(a, db_col_text(st, 6));
  v->name = arena_strdup(a, db_col_text(st, 7));
  v->content_type = arena_strdup(a, db_col_text(st, 8));
  v->sha256 = arena_strdup(a, db_col_text(st, 9));
  v->url = arena_strdup(a, db_col_text(st, 10));
  v->created_by = arena_strdup(a, db_col_text(st, 11));
}

int assess_evidence_list(Db *db, const Principal *who, int64_t org_id, int64_t fw_id,
                         const char *ref_id, Arena *a, AssessEvidence **out, size_t *n, Err *e) {
  *out = NULL;
  *n = 0;
  int64_t aid = 0, cnt = 0;
  int rc = st_allow(db, who, POLICY_READ, org_id, e);
  if (!rc) rc = st_assessment(db, org_id, fw_id, 0, &aid, e);
  if (!rc && aid) rc = db_int(db, e, &cnt, "SELECT count(*) FROM assess_evidence WHERE assessment_id = ?", "l", aid);
  if (rc || !cnt) return rc;
  AssessEvidence *v = arena_alloc(a, sizeof *v * (size_t)cnt);
  if (!v) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  char sql[600];
  snprintf(sql, sizeof sql, "%s FROM assess_evidence v JOIN assess_assessments a ON a.id = v.assessment_id"
           " WHERE v.assessment_id = ? AND (? IS NULL OR v.ref_id = ?) ORDER BY v.id", ev_cols);
  DbStmt *st = NULL;
  rc = db_query(db, &st, e, sql, "lss", aid, ref_id, ref_id);
  size_t k = 0;
  while (!rc && k < (size_t)cnt && (rc = db_step(st, e)) == DB_ROW) ev_row(st, a, &v[k++]), rc = 0;
  db_finalize(st);
  if (rc < 0) return rc;
  *out = v;
  *n = k;
  return 0;
}

static int ev_owner(Db *db, int64_t id, int64_t *org, Err *e) {
  int rc = db_int(db, e, org, "SELECT a.org_id FROM assess_evidence v JOIN assess_assessments a"
                  " ON a.id = v.assessment_id WHERE v.id = ?", "l", id);
  if (rc == VERR_NOTFOUND) err_set(e, rc, "Fant ikke dokumentasjonen.");
  return rc;
}

int assess_evidence_get(Db *db, const Principal *who, int64_t id, Arena *a, AssessEvidence *out,
                        Err *e) {
  int64_t org = 0;
  int rc = ev_owner(db, id, &org, e);
  if (!rc) rc = st_allow(db, who, POLICY_READ, org, e);
  char sql[600];
  snprintf(sql, sizeof sql, "%s, v.data FROM assess_evidence v JOIN assess_assessments a"
           " ON a.id = v.assessment_id WHERE v.id = ?", ev_cols);
  DbStmt *st = NULL;
  if (!rc) rc = db_query(db, &st, e, sql, "l", id);
  if (!rc) rc = db_step(st, e);
  if (rc == DB_ROW) {
    ev_row(st, a, out);
    size_t n = 0;
    const void *p = db_col_blob(st, 12, &n);
    void *copy = arena_alloc(a, n ? n : 1);
    if (!copy) rc = err_set(e, VERR_NOMEM, "Tomt for minne.");
    else {
      if (n) memcpy(copy, p, n);
      out->data = copy;
      out->size = (int64_t)n;
      rc = 0;
    }
  } else if (rc == DB_DONE) {
    rc = err_set(e, VERR_NOTFOUND, "Fant ikke dokumentasjonen.");
  }
  db_finalize(st);
  return rc;
}

int assess_evidence_delete(Db *db, const Principal *who, int64_t id, Err *e) {
  int64_t org = 0;
  int rc = ev_owner(db, id, &org, e);
  if (!rc) rc = st_allow(db, who, POLICY_WRITE, org, e);
  if (!rc) rc = db_begin(db, e);
  if (rc) return rc;
  rc = db_exec(db, e, "INSERT INTO assess_history(assessment_id, ref_id, field, old_value, new_value, at,"
               " user_id, username) SELECT assessment_id, ref_id, 'evidence', name, '', ?, ?, ? FROM assess_evidence"
               " WHERE id = ?", "llsl", db_now(), who->user_id, who->username, id);
  if (!rc) rc = db_exec(db, e, "DELETE FROM assess_evidence WHERE id = ?", "l", id);
  if (!rc) rc = st_audit(db, who, org, "assess.evidence.delete", "evidence", id, NULL, e);
  if (!rc) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}
