/* store_csv_measures.c — CSV export and re-import of an organisation's
 * measures (tiltaksplan), checked whole before anything is written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "assess/store_int.h"
#include "core/csv.h"

static const char *const m_cols[] = {"id", "tittel", "beskrivelse", "ansvarlig", "frist", "engangskostnad",
                                     "årlig_kostnad", "finansiering", "status", "punkter"};
enum { MC_ID, MC_TITLE, MC_DESC, MC_OWNER, MC_DEADLINE, MC_ONCE, MC_YEARLY, MC_FIN, MC_STATUS, MC_ITEMS, MC_N };

static void cost_field(CsvWriter *w, long long v) {
  if (v >= 0) csv_field_int(w, v);
  else csv_field(w, "");
}

static void items_field(CsvWriter *w, Db *db, const AssessMeasure *m, Buf *tmp) {
  buf_reset(tmp);
  for (size_t i = 0; i < m->nitems; i++) {
    char *urn = NULL;
    Err e = {0};
    if (db_text(db, &e, &urn, "SELECT urn FROM assess_frameworks WHERE id = ?", "l", m->items[i].fw_id)) continue;
    buf_printf(tmp, "%s%s#%s", tmp->n ? " " : "", urn, m->items[i].ref_id);
    free(urn);
  }
  csv_field(w, buf_cstr(tmp));
}

int assess_csv_export_measures(Db *db, const Principal *who, int64_t org_id, Buf *out, Err *e) {
  Arena *a = arena_new(0);
  if (!a) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  AssessMeasure *v = NULL;
  size_t n = 0;
  int rc = assess_measure_list(db, who, org_id, ASSESS_ML_ALL, a, &v, &n, e);
  if (!rc) {
    CsvWriter w;
    Buf tmp;
    buf_init(&tmp, 1 << 20);
    csv_writer_init(&w, out, ';', CSV_DIALECT_EXCEL_NO);
    for (int c = 0; c < MC_N; c++) csv_field(&w, m_cols[c]);
    csv_end_row(&w);
    for (size_t i = 0; i < n; i++) {
      csv_field_int(&w, v[i].id);
      csv_field(&w, v[i].title);
      csv_field(&w, v[i].description);
      csv_field(&w, v[i].owner);
      csv_field(&w, v[i].deadline);
      cost_field(&w, v[i].cost_once);
      cost_field(&w, v[i].cost_yearly);
      csv_field(&w, assess_financing_name(v[i].financing));
      csv_field(&w, assess_mstatus_name(v[i].status));
      items_field(&w, db, &v[i], &tmp);
      csv_end_row(&w);
    }
    buf_free(&tmp);
    if (out->err) rc = err_set(e, VERR_TOOBIG, "Eksporten ble for stor.");
  }
  arena_free(a);
  return rc;
}

static const char *cell(const CsvRow *r, const int *col, int c) {
  return col[c] >= 0 && (size_t)col[c] < r->n ? r->fields[col[c]] : "";
}

static int parse_cost(const char *s, long long *out) {
  if (!*s) { *out = -1; return 0; }
  char *end;
  long long v = strtoll(s, &end, 10);
  if (*end || v < 0) return VERR_INVALID;
  *out = v;
  return 0;
}

/* "urn#ref urn#ref": each resolved to the latest version holding the item. */
static int parse_items(Db *db, Arena *a, const char *s, AssessMeasure *m, Err *e) {
  char *copy = arena_strdup(a, s), *save = NULL;
  size_t cap = 16;
  m->items = arena_alloc(a, cap * sizeof *m->items);
  if (!copy || !m->items) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
    char *hash = strrchr(tok, '#');
    if (!hash || m->nitems == cap) return err_set(e, VERR_INVALID, "punktet «%.80s» skal skrives URN#ref_id", tok);
    *hash = 0;
    int64_t fw = 0;
    int rc = db_int(db, e, &fw, "SELECT f.id FROM assess_frameworks f JOIN assess_nodes n ON n.framework_id = f.id"
                    " WHERE f.urn = ? AND n.ref_id = ? ORDER BY f.version DESC LIMIT 1", "ss", tok, hash + 1);
    if (rc == VERR_NOTFOUND) return err_set(e, VERR_INVALID, "ukjent punkt %.80s#%.40s", tok, hash + 1);
    if (rc) return rc;
    m->items[m->nitems++] = (AssessMeasureItem){fw, hash + 1, NULL, NULL};
  }
  return 0;
}

static int row_measure(Db *db, Arena *a, const CsvRow *r, const int *col, int64_t org, AssessMeasure *m, Err *e) {
  memset(m, 0, sizeof *m);
  m->org_id = org;
  const char *id = cell(r, col, MC_ID);
  char *end;
  long long v = strtoll(id, &end, 10);
  m->id = *id && !*end && v > 0 ? v : 0;   /* checked against the organisation when saved */
  m->title = arena_strdup(a, cell(r, col, MC_TITLE));
  m->description = arena_strdup(a, cell(r, col, MC_DESC));
  m->owner = arena_strdup(a, cell(r, col, MC_OWNER));
  m->deadline = arena_strdup(a, cell(r, col, MC_DEADLINE));
  if (parse_cost(cell(r, col, MC_ONCE), &m->cost_once) || parse_cost(cell(r, col, MC_YEARLY), &m->cost_yearly))
    return err_set(e, VERR_INVALID, "kostnadene må være hele kroner");
  const char *fin = cell(r, col, MC_FIN), *st = cell(r, col, MC_STATUS);
  if (*fin && assess_financing_parse(fin, &m->financing))
    return err_set(e, VERR_INVALID, "ukjent finansiering «%.30s» (self, shared eller base)", fin);
  if (*st && assess_mstatus_parse(st, &m->status))
    return err_set(e, VERR_INVALID, "ukjent status «%.30s» (planned, active, done eller cancelled)", st);
  return parse_items(db, a, cell(r, col, MC_ITEMS), m, e);
}

int assess_csv_import_measures(Db *db, const Principal *who, int64_t org_id, const char *data,
                               size_t n, size_t *changed, Err *e) {
  *changed = 0;
  int rc = st_allow(db, who, POLICY_WRITE, org_id, e);
  if (rc) return rc;
  Arena *a = arena_new(0);
  CsvReader r;
  CsvRow row;
  int col[MC_N];
  for (int c = 0; c < MC_N; c++) col[c] = -1;
  rc = a ? csv_reader_init(&r, data, n, NULL, e) : err_set(e, VERR_NOMEM, "Tomt for minne.");
  if (rc) { arena_free(a); return rc; }
  if ((rc = csv_read_row(&r, &row, e)) == 1) {
    rc = 0;
    for (size_t f = 0; f < row.n; f++)
      for (int c = 0; c < MC_N; c++)
        if (!strcasecmp(row.fields[f], m_cols[c])) col[c] = (int)f;
    if (col[MC_TITLE] < 0) rc = err_set(e, VERR_INVALID, "Overskriftsraden mangler kolonnen «tittel».");
  } else if (rc == 0) {
    rc = err_set(e, VERR_INVALID, "Filen er tom.");
  }
  AssessMeasure *v = NULL;
  size_t nv = 0, cap = 0;
  while (!rc && (rc = csv_read_row(&r, &row, e)) == 1) {
    rc = 0;
    if (nv == cap) {
      AssessMeasure *b = cap < 50000 ? arena_alloc(a, (cap ? 2 * cap : 32) * sizeof *b) : NULL;
      if (!b) { rc = err_set(e, VERR_TOOBIG, "For mange rader."); break; }
      if (nv) memcpy(b, v, nv * sizeof *b);
      v = b;
      cap = cap ? 2 * cap : 32;
    }
    if ((rc = row_measure(db, a, &row, col, org_id, &v[nv], e))) {
      char msg[sizeof e->msg];
      snprintf(msg, sizeof msg, "%s", e->msg);
      rc = err_set(e, VERR_INVALID, "Rad %zu: %s", row.row, msg);
    }
    nv++;
  }
  csv_reader_free(&r);
  /* All rows in one transaction: one bad measure and none is stored. */
  if (rc >= 0) rc = assess_measure_save_many(db, who, org_id, v, nv, e);
  if (rc >= 0) *changed = nv;
  arena_free(a);
  return rc < 0 ? rc : 0;
}
