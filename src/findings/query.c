/* query.c — reading findings: filtered lists, one finding with its CVE
 * description, history, dashboard counts, exposure across organisations and
 * the CSV export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/csv.h"
#include "db/db.h"
#include "findings/findings.h"
#include "findings/internal.h"

#define COLS "f.id, f.org_id, f.product_id, f.vuln_id, f.source, f.advisory, f.product_name, f.cvss_vector," \
             " f.kev_due, f.class, f.confidence, f.reason, f.status_reason, f.cvss, f.epss, f.epss_pct, f.priority," \
             " f.kev, f.ransomware, f.internet, f.matched, f.criticality, f.status, f.first_seen, f.due_at," \
             " f.updated_at, f.accepted_until, f.decided_by, c.description, v.addr, v.port, s.cpe, s.confidence," \
             " s.evidence, s.first_run, s.last_run, s.gone_run"
/* the CVE's description, and for a scan finding what the scan saw */
#define FROM " FROM findings f LEFT JOIN vuln_cves c ON c.id = f.vuln_id LEFT JOIN finding_scan s" \
             " ON s.finding_id = f.id LEFT JOIN finding_scan_services v ON v.id = s.service_id"

static double real_or(DbStmt *st, int col) {
  return db_col_is_null(st, col) ? -1 : strtod(db_col_text(st, col), NULL);
}

static void read_row(DbStmt *st, Arena *a, int64_t now, Finding *f) {
  memset(f, 0, sizeof *f);
  f->id = db_col_int(st, 0);
  f->org_id = db_col_int(st, 1);
  f->product_id = db_col_int(st, 2);
  const char **s[] = {&f->vuln_id, &f->source, &f->advisory, &f->product_name, &f->cvss_vector, &f->kev_due,
                      &f->cls, &f->confidence, &f->reason, &f->status_reason};
  for (int i = 0; i < 10; i++) *s[i] = arena_strdup(a, db_col_text(st, 3 + i));
  f->cvss = real_or(st, 13);
  f->epss = real_or(st, 14);
  f->epss_pct = real_or(st, 15);
  f->priority = real_or(st, 16);
  f->kev = db_col_int(st, 17);
  f->ransomware = db_col_int(st, 18);
  f->internet = db_col_int(st, 19);
  f->matched = db_col_int(st, 20);
  f->criticality = (int)db_col_int(st, 21);
  find_status_parse(db_col_text(st, 22), &f->status);
  f->first_seen = db_col_int(st, 23);
  f->due_at = db_col_int(st, 24);
  f->updated_at = db_col_int(st, 25);
  f->accepted_until = db_col_int(st, 26);
  f->decided_by = db_col_int(st, 27);
  f->description = arena_strdup(a, db_col_text(st, 28));
  f->overdue = (f->status == FIND_ST_OPEN || f->status == FIND_ST_IN_PROGRESS) && f->due_at < now;
  f->origin = f->product_id < 0 ? "scan" : "inventory";
  const char **t[] = {&f->scan_addr, &f->scan_cpe, &f->scan_confidence, &f->scan_evidence};
  int tc[] = {29, 31, 32, 33};
  for (int i = 0; i < 4; i++) *t[i] = arena_strdup(a, db_col_text(st, tc[i]));
  f->scan_port = (int)db_col_int(st, 30);
  f->scan_first_run = db_col_int(st, 34);
  f->scan_last_run = db_col_int(st, 35);
  f->scan_gone_run = db_col_int(st, 36);
}

/* WHERE text for f; values go to the statement in order by bind_filter. */
static void where_of(const FindFilter *f, Buf *w) {
  if (f->org_ids) {
    buf_puts(w, "f.org_id IN (SELECT value FROM json_each(?))");
  } else {
    buf_puts(w, "f.org_id = ?");
  }
  if (f->status == -2) buf_puts(w, " AND f.status IN ('open','in_progress','fixed')");
  else if (f->status >= 0) buf_puts(w, " AND f.status = ?");
  if (f->cls && *f->cls) buf_puts(w, " AND f.class = ?");
  if (f->kev >= 0) buf_puts(w, " AND f.kev = ?");
  if (f->overdue) buf_puts(w, " AND f.status IN ('open','in_progress') AND f.due_at < ?");
  if (f->q && *f->q) buf_puts(w, " AND (instr(lower(f.vuln_id), lower(?)) OR instr(lower(f.product_name), lower(?)))");
  if (f->origin == 1) buf_puts(w, " AND f.product_id > 0");
  if (f->origin == 2) buf_puts(w, " AND f.product_id < 0");
  if (f->named == 1) buf_puts(w, " AND f.confidence IS NOT 'name'");
  if (f->named == 2) buf_puts(w, " AND f.confidence = 'name'");
}

static int bind_filter(DbStmt *st, const FindFilter *f, Arena *a) {
  int i = 1;
  if (f->org_ids) {
    Buf j;
    buf_init(&j, (size_t)1 << 22);
    buf_putc(&j, '[');
    for (size_t k = 0; k < f->n_org_ids; k++) buf_printf(&j, "%s%lld", k ? "," : "", (long long)f->org_ids[k]);
    buf_putc(&j, ']');
    db_bind_text(st, i++, buf_cstr(&j));
    buf_free(&j);
  } else {
    db_bind_int(st, i++, f->org_id);
  }
  if (f->status >= 0) db_bind_text(st, i++, find_status_name((FindStatus)f->status));
  if (f->cls && *f->cls) db_bind_text(st, i++, f->cls);
  if (f->kev >= 0) db_bind_int(st, i++, f->kev);
  if (f->overdue) db_bind_int(st, i++, db_now());
  if (f->q && *f->q) {
    db_bind_text(st, i++, f->q);
    db_bind_text(st, i++, f->q);
  }
  (void)a;
  return 0;
}

int find_list(Db *db, Arena *a, const FindFilter *f, Finding **out, size_t *n, Err *e) {
  Buf sql;
  buf_init(&sql, 8192);
  buf_puts(&sql, "SELECT " COLS FROM " WHERE ");
  where_of(f, &sql);
  int limit = f->limit <= 0 ? 500 : f->limit > 100000 ? 100000 : f->limit;
  buf_printf(&sql, " ORDER BY (f.status IN ('open','in_progress')) DESC, f.priority DESC, f.due_at, f.id LIMIT %d",
             limit);
  DbStmt *st = NULL;
  *out = NULL;
  *n = 0;
  int rc = db_prepare(db, &st, e, buf_cstr(&sql));
  buf_free(&sql);
  if (rc) return rc;
  bind_filter(st, f, a);
  size_t cap = 0;
  int64_t now = db_now();
  while ((rc = db_step(st, e)) == DB_ROW) {
    if (*n == cap) {
      size_t nc = cap ? cap * 2 : 64;
      Finding *x = arena_alloc(a, nc * sizeof *x);
      if (!x) {
        rc = err_set(e, VERR_NOMEM, "tomt for minne");
        break;
      }
      if (*n) memcpy(x, *out, *n * sizeof *x);
      *out = x;
      cap = nc;
    }
    read_row(st, a, now, &(*out)[(*n)++]);
  }
  db_finalize(st);
  return rc == DB_DONE ? 0 : rc;
}

int find_get(Db *db, Arena *a, int64_t org_id, int64_t id, Finding *out, Err *e) {
  DbStmt *st = NULL;
  int rc = db_query(db, &st, e,
                    "SELECT " COLS FROM " WHERE f.id = ? AND f.org_id = ?", "ll", id, org_id);
  if (!rc) rc = db_step(st, e);
  if (rc == DB_ROW) {
    read_row(st, a, db_now(), out);
    rc = 0;
  } else if (rc == DB_DONE) {
    rc = err_set(e, VERR_NOTFOUND, "Funnet finnes ikke.");
  }
  db_finalize(st);
  return rc;
}

int find_history(Db *db, Arena *a, int64_t finding_id, FindHistory **out, size_t *n, Err *e) {
  DbStmt *st = NULL;
  size_t cap = 0;
  *out = NULL;
  *n = 0;
  /* The creation entry first: derived from the finding while created_by
   * names its run (schema.c, migration 8), else the stored row (the only
   * one with no from_status, whenever it was written). */
  int rc = db_query(db, &st, e,
                    "SELECT 0, 0, f.first_seen, r.user_id, r.username, NULL, 'open', f.reason FROM findings f"
                    " JOIN finding_runs r ON r.id = f.created_by WHERE f.id = ?1"
                    " UNION ALL SELECT 1 + (from_status IS NOT NULL), id, at, user_id, username, from_status,"
                    " to_status, note FROM finding_history WHERE finding_id = ?1 ORDER BY 1, 2", "l", finding_id);
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW) {
    if (*n == cap) {
      size_t nc = cap ? cap * 2 : 16;
      FindHistory *x = arena_alloc(a, nc * sizeof *x);
      if (!x) {
        rc = err_set(e, VERR_NOMEM, "tomt for minne");
        break;
      }
      if (*n) memcpy(x, *out, *n * sizeof *x);
      *out = x;
      cap = nc;
    }
    FindHistory *h = &(*out)[(*n)++];
    h->at = db_col_int(st, 2);
    h->user_id = db_col_int(st, 3);
    h->username = arena_strdup(a, db_col_text(st, 4));
    h->from = arena_strdup(a, db_col_text(st, 5));
    h->to = arena_strdup(a, db_col_text(st, 6));
    h->note = arena_strdup(a, db_col_text(st, 7));
  }
  db_finalize(st);
  return rc == DB_DONE ? 0 : rc;
}

int find_counts(Db *db, int64_t org_id, FindCounts *c, Err *e) {
  DbStmt *st = NULL;
  memset(c, 0, sizeof *c);
  int rc = db_query(db, &st, e,
                    "SELECT count(*) FILTER (WHERE status IN ('open','in_progress')),"
                    " count(*) FILTER (WHERE status IN ('open','in_progress') AND class = 'critical'),"
                    " count(*) FILTER (WHERE status IN ('open','in_progress') AND class = 'high'),"
                    " count(*) FILTER (WHERE status IN ('open','in_progress') AND kev = 1),"
                    " count(*) FILTER (WHERE status IN ('open','in_progress') AND due_at < ?),"
                    " count(*) FILTER (WHERE status = 'accepted'),"
                    " count(*) FILTER (WHERE status IN ('open','in_progress') AND confidence = 'name')"
                    " FROM findings WHERE org_id = ?",
                    "ll", db_now(), org_id);
  if (!rc && (rc = db_step(st, e)) == DB_ROW) {
    int64_t *v[] = {&c->active, &c->critical, &c->high, &c->kev, &c->overdue, &c->accepted, &c->named};
    for (int i = 0; i < 7; i++) *v[i] = db_col_int(st, i);
    rc = 0;
  }
  db_finalize(st);
  return rc == DB_DONE ? 0 : rc;
}

int find_exposure(Db *db, Arena *a, const int64_t *orgs, size_t n, bool kev_only, FindExposure **out, size_t *nout,
                  int64_t *orgs_with_kev, Err *e) {
  Buf j;
  buf_init(&j, (size_t)1 << 22);
  buf_putc(&j, '[');
  for (size_t k = 0; k < n; k++) buf_printf(&j, "%s%lld", k ? "," : "", (long long)orgs[k]);
  buf_putc(&j, ']');
  *out = NULL;
  *nout = 0;
  int rc = db_int(db, e, orgs_with_kev,
                  "SELECT count(DISTINCT org_id) FROM findings WHERE kev = 1 AND status IN ('open','in_progress')"
                  " AND org_id IN (SELECT value FROM json_each(?))", "s", buf_cstr(&j));
  DbStmt *st = NULL;
  if (!rc)
    rc = db_query(db, &st, e,
                  "SELECT vuln_id, count(DISTINCT org_id), count(*), max(priority) FROM findings"
                  " WHERE status IN ('open','in_progress') AND (kev = 1 OR ? = 0)"
                  " AND org_id IN (SELECT value FROM json_each(?)) GROUP BY vuln_id"
                  " ORDER BY count(DISTINCT org_id) DESC, max(priority) DESC LIMIT 200", "is", kev_only ? 1 : 0,
                  buf_cstr(&j));
  buf_free(&j);
  FindExposure *x = rc ? NULL : arena_alloc(a, 200 * sizeof *x);
  if (!rc && x) while ((rc = db_step(st, e)) == DB_ROW && *nout < 200) {
    FindExposure *f = &x[(*nout)++];
    f->vuln_id = arena_strdup(a, db_col_text(st, 0));
    f->n_orgs = db_col_int(st, 1);
    f->n_findings = db_col_int(st, 2);
    f->max_priority = strtod(db_col_text(st, 3), NULL);
  }
  db_finalize(st);
  *out = x;
  return rc == DB_DONE || rc == DB_ROW ? 0 : rc;
}

static void fmt_real(char *b, size_t cap, double v, const char *fmt) {
  if (v < 0) b[0] = '\0';
  else snprintf(b, cap, fmt, v);
}

static void fmt_day(char *b, size_t cap, int64_t t) {
  time_t tt = (time_t)t;
  struct tm tm;
  if (t <= 0 || !gmtime_r(&tt, &tm)) b[0] = '\0';
  else strftime(b, cap, "%Y-%m-%d", &tm);
}

/* The columns after "treff": where the finding came from and, for a scan,
 * the confidence, address, port, CPE, evidence and runs. */
static void scan_cells(CsvWriter *w, const Finding *r) {
  bool scan = r->product_id < 0;
  csv_field(w, scan ? "skanning" : "inventar");
  csv_field(w, r->confidence);
  csv_field(w, r->scan_addr);
  if (scan) csv_field_int(w, r->scan_port);
  else csv_field(w, "");
  csv_field(w, r->scan_cpe);
  csv_field(w, r->scan_evidence);
  int64_t runs[3] = {r->scan_first_run, r->scan_last_run, r->scan_gone_run};
  for (int i = 0; i < 3; i++) {
    if (runs[i]) csv_field_int(w, runs[i]);
    else csv_field(w, "");
  }
}

int find_export_csv(Db *db, const FindFilter *f, Buf *out, Err *e) {
  Arena *a = arena_new((size_t)1 << 30);
  Finding *x = NULL;
  size_t n = 0;
  FindFilter g = *f;
  if (!g.limit) g.limit = 100000;
  int rc = a ? find_list(db, a, &g, &x, &n, e) : err_set(e, VERR_NOMEM, "tomt for minne");
  CsvWriter w;
  static const char *const head[] = {"id", "sårbarhet", "kilde", "råd", "produkt", "status", "klasse", "prioritet",
                                     "cvss", "kev", "kev_frist", "epss_persentil", "internett", "kritikalitet",
                                     "frist", "forfalt", "sist_endret", "begrunnelse", "treff", "opphav",
                                     "sikkerhet", "adresse", "port", "cpe", "bevis", "første_kjøring",
                                     "siste_kjøring", "ikke_sett_i_kjøring"};
  if (!rc) {
    csv_writer_init(&w, out, ';', CSV_DIALECT_EXCEL_NO);
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) csv_field(&w, head[i]);
    csv_end_row(&w);
  }
  for (size_t i = 0; !rc && i < n; i++) {
    const Finding *r = &x[i];
    char pr[16], cv[16], ep[16], due[16], upd[16];
    fmt_real(pr, sizeof pr, r->priority, "%.1f");
    fmt_real(cv, sizeof cv, r->cvss, "%.1f");
    fmt_real(ep, sizeof ep, r->epss_pct, "%.3f");
    fmt_day(due, sizeof due, r->due_at);
    fmt_day(upd, sizeof upd, r->updated_at);
    csv_field_int(&w, r->id);
    const char *cells[] = {r->vuln_id, r->source, r->advisory, r->product_name, find_status_name(r->status), r->cls,
                           pr, cv, r->kev ? "ja" : "nei", r->kev_due, ep, r->internet ? "ja" : "nei"};
    for (size_t k = 0; k < sizeof cells / sizeof cells[0]; k++) csv_field(&w, cells[k]);
    csv_field_int(&w, r->criticality);
    csv_field(&w, due);
    csv_field(&w, r->overdue ? "ja" : "nei");
    csv_field(&w, upd);
    csv_field(&w, r->status_reason);
    csv_field(&w, r->reason);
    scan_cells(&w, r);
    csv_end_row(&w);
  }
  arena_free(a);
  if (!rc && out->err) rc = err_set(e, VERR_TOOBIG, "eksporten ble for stor");
  return rc;
}
