/* list.c — reading the audit log back: filtered listing (newest first) and
 * CSV export. The WHERE clause is assembled from fixed fragments; every
 * value is bound. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "core/csv.h"
#include "db/db.h"

#define AUDIT_LIST_MAX 10000
#define AUDIT_ORG_IDS_MAX 5000

static void add_cond(Buf *sql, int *n, const char *cond) {
  buf_puts(sql, (*n)++ ? " AND " : " WHERE ");
  buf_puts(sql, cond);
}

static int build_sql(const AuditFilter *f, Buf *sql, Err *e) {
  int n = 0;
  buf_puts(sql, "SELECT id, at, coalesce(user_id, 0), username, coalesce(org_id, 0), action, object_type,"
                " object_id, remote_addr, details, hash FROM audit_log");
  if (f->org_id) add_cond(sql, &n, "org_id = ?");
  if (f->org_ids) {
    if (f->n_org_ids == 0 || f->n_org_ids > AUDIT_ORG_IDS_MAX)
      return err_set(e, VERR_INVALID, "For mange eller ingen organisasjoner i filteret.");
    add_cond(sql, &n, "org_id IN (?");
    for (size_t i = 1; i < f->n_org_ids; i++) buf_lit(sql, ", ?");
    buf_putc(sql, ')');
  }
  if (f->user_id) add_cond(sql, &n, "user_id = ?");
  if (f->action_prefix && *f->action_prefix) add_cond(sql, &n, "substr(action, 1, length(?)) = ?");
  if (f->since) add_cond(sql, &n, "at >= ?");
  if (f->until) add_cond(sql, &n, "at < ?");
  if (f->before_id) add_cond(sql, &n, "id < ?");
  buf_puts(sql, " ORDER BY id DESC LIMIT ?");
  return sql->err ? err_set(e, VERR_NOMEM, "Tomt for minne.") : 0;
}

static int bind_filter(DbStmt *st, const AuditFilter *f) {
  int i = 1, rc = 0;
  if (f->org_id) rc |= db_bind_int(st, i++, f->org_id);
  for (size_t k = 0; f->org_ids && k < f->n_org_ids; k++) rc |= db_bind_int(st, i++, f->org_ids[k]);
  if (f->user_id) rc |= db_bind_int(st, i++, f->user_id);
  if (f->action_prefix && *f->action_prefix) {
    rc |= db_bind_text(st, i++, f->action_prefix);
    rc |= db_bind_text(st, i++, f->action_prefix);
  }
  if (f->since) rc |= db_bind_int(st, i++, f->since);
  if (f->until) rc |= db_bind_int(st, i++, f->until);
  if (f->before_id) rc |= db_bind_int(st, i++, f->before_id);
  int limit = f->limit <= 0 ? 100 : f->limit > AUDIT_LIST_MAX ? AUDIT_LIST_MAX : f->limit;
  rc |= db_bind_int(st, i, limit);
  return rc;
}

int audit_list(Db *db, const AuditFilter *f, int (*fn)(const AuditEntry *, void *), void *ctx, Err *e) {
  static const AuditFilter none = {0};
  Buf sql;
  DbStmt *st = NULL;
  buf_init(&sql, 1 << 20);
  int rc = build_sql(f ? f : &none, &sql, e);
  if (!rc) rc = db_prepare(db, &st, e, buf_cstr(&sql));
  buf_free(&sql);
  if (rc) return rc;
  if (bind_filter(st, f ? f : &none)) {
    db_finalize(st);
    return err_set(e, VERR_INVALID, "Kunne ikke binde filterverdiene.");
  }
  while ((rc = db_step(st, e)) == DB_ROW) {
    AuditEntry a = {
      .id = db_col_int(st, 0), .at = db_col_int(st, 1), .user_id = db_col_int(st, 2),
      .username = db_col_text(st, 3), .org_id = db_col_int(st, 4), .action = db_col_text(st, 5),
      .object_type = db_col_text(st, 6), .object_id = db_col_text(st, 7), .remote_addr = db_col_text(st, 8),
      .details = db_col_text(st, 9), .hash = db_col_text(st, 10)};
    int stop = fn(&a, ctx);
    if (stop) {
      db_finalize(st);
      return stop;
    }
  }
  db_finalize(st);
  return rc < 0 ? rc : 0;
}

static void iso_time(int64_t t, char out[32]) {
  time_t tt = (time_t)t;
  struct tm tm;
  if (gmtime_r(&tt, &tm)) strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
  else snprintf(out, 32, "%" PRId64, t);
}

static int csv_row(const AuditEntry *a, void *ctx) {
  CsvWriter *w = ctx;
  char when[32];
  iso_time(a->at, when);
  csv_field_int(w, a->id);
  csv_field(w, when);
  if (a->user_id) csv_field_int(w, a->user_id);
  else csv_field(w, "");
  csv_field(w, a->username);
  if (a->org_id) csv_field_int(w, a->org_id);
  else csv_field(w, "");
  csv_field(w, a->action);
  csv_field(w, a->object_type);
  csv_field(w, a->object_id);
  csv_field(w, a->remote_addr);
  csv_field(w, a->details);
  csv_field(w, a->hash);
  csv_end_row(w);
  return w->out->err ? VERR_TOOBIG : 0;
}

int audit_export_csv(Db *db, const AuditFilter *f, Buf *out, Err *e) {
  static const char *const head[] = {"nr", "tidspunkt", "bruker_id", "bruker", "org_id", "handling",
                                     "objekttype", "objekt_id", "adresse", "detaljer", "hash"};
  CsvWriter w;
  csv_writer_init(&w, out, ';', CSV_DIALECT_EXCEL_NO);
  for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) csv_field(&w, head[i]);
  csv_end_row(&w);
  int rc = audit_list(db, f, csv_row, &w, e);
  if (rc == VERR_TOOBIG || out->err) return err_set(e, VERR_TOOBIG, "Eksporten ble for stor; avgrens filteret.");
  return rc;
}
