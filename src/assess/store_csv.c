/* store_csv.c — CSV export and re-import of an organisation's answers to one
 * framework (core/csv, the Norwegian Excel dialect). A file is checked whole
 * before anything is written; one wrong row and nothing is changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "assess/store_int.h"
#include "core/csv.h"

static const char *const ans_cols[] = {"ref_id", "punkt", "nivå", "ikke_relevant", "mål", "kommentar",
                                       "ansvarlig", "vurdert_dato"};
enum { AC_REF, AC_NAME, AC_LEVEL, AC_NA, AC_TARGET, AC_COMMENT, AC_RESP, AC_DATE, AC_N };

static void int_or_empty(CsvWriter *w, int v) {
  if (v >= 0) csv_field_int(w, v);
  else csv_field(w, "");
}

int assess_csv_export_answers(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, Buf *out,
                              Err *e) {
  Arena *a = arena_new(0);
  if (!a) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  AssessView v;
  int rc = assess_store_view(db, who, org_id, fw_id, a, &v, e);
  if (!rc) {
    CsvWriter w;
    csv_writer_init(&w, out, ';', CSV_DIALECT_EXCEL_NO);
    for (int c = 0; c < AC_N; c++) csv_field(&w, ans_cols[c]);
    csv_end_row(&w);
    for (size_t i = 0; i < v.fw->nnodes; i++) {
      const AssessNode *nd = &v.fw->nodes[i];
      const AssessItem *it = &v.items[i];
      if (!nd->assessable) continue;
      csv_field(&w, nd->ref_id);
      csv_field(&w, nd->name);
      int_or_empty(&w, it->na ? -1 : it->level);
      csv_field(&w, it->na ? "ja" : "");
      int_or_empty(&w, it->target);
      csv_field(&w, it->comment);
      csv_field(&w, it->responsible);
      csv_field(&w, it->assessed_on);
      csv_end_row(&w);
    }
    if (out->err) rc = err_set(e, VERR_TOOBIG, "Eksporten ble for stor.");
  }
  assess_view_free(&v);
  arena_free(a);
  return rc;
}

/* Column index of each known name in the header (-1 = absent). */
static int header_map(const CsvRow *h, const char *const *names, int n, int *col, Err *e) {
  for (int c = 0; c < n; c++) col[c] = -1;
  for (size_t f = 0; f < h->n; f++)
    for (int c = 0; c < n; c++)
      if (!strcasecmp(h->fields[f], names[c])) col[c] = (int)f;
  return col[0] < 0 ? err_set(e, VERR_INVALID, "Overskriftsraden mangler kolonnen «%s».", names[0]) : 0;
}

static const char *cell(const CsvRow *r, int col) { return col >= 0 && (size_t)col < r->n ? r->fields[col] : NULL; }

/* "" = clear (-1); digits = the number; else VERR_INVALID. */
static int parse_num(const char *s, int *out) {
  if (!*s) { *out = -1; return 0; }
  char *end;
  long v = strtol(s, &end, 10);
  if (*end || v < 0 || v > 1000) return VERR_INVALID;
  *out = (int)v;
  return 0;
}

static int parse_yes(const char *s, int *out) {
  if (!*s || !strcasecmp(s, "nei") || !strcmp(s, "0")) { *out = 0; return 0; }
  if (!strcasecmp(s, "ja") || !strcmp(s, "1")) { *out = 1; return 0; }
  return VERR_INVALID;
}

/* One row as an answer; strings point into the row (copied by the caller). */
static int row_answer(const CsvRow *r, const int *col, AssessAnswerIn *in, Err *e) {
  memset(in, 0, sizeof *in);
  in->ref_id = cell(r, col[AC_REF]);
  const char *s;
  if ((s = cell(r, col[AC_LEVEL])) && (in->fields |= ASSESS_F_LEVEL, parse_num(s, &in->level)))
    return err_set(e, VERR_INVALID, "Rad %zu: nivå «%.20s» er ikke et tall.", r->row, s);
  if ((s = cell(r, col[AC_NA])) && (in->fields |= ASSESS_F_NA, parse_yes(s, &in->na)))
    return err_set(e, VERR_INVALID, "Rad %zu: ikke_relevant må være ja eller nei.", r->row);
  if ((s = cell(r, col[AC_TARGET])) && (in->fields |= ASSESS_F_TARGET, parse_num(s, &in->target)))
    return err_set(e, VERR_INVALID, "Rad %zu: mål «%.20s» er ikke et tall.", r->row, s);
  if ((in->comment = cell(r, col[AC_COMMENT]))) in->fields |= ASSESS_F_COMMENT;
  if ((in->responsible = cell(r, col[AC_RESP]))) in->fields |= ASSESS_F_RESPONSIBLE;
  if ((in->assessed_on = cell(r, col[AC_DATE]))) in->fields |= ASSESS_F_DATE;
  if (in->na) in->fields &= ~(unsigned)ASSESS_F_LEVEL;
  return 0;
}

typedef struct Ans { AssessAnswerIn in; size_t row; } Ans;

static AssessAnswerIn copy_in(Arena *a, const AssessAnswerIn *in) {
  AssessAnswerIn c = *in;
  c.ref_id = arena_strdup(a, in->ref_id ? in->ref_id : "");
  c.comment = in->comment ? arena_strdup(a, in->comment) : NULL;
  c.responsible = in->responsible ? arena_strdup(a, in->responsible) : NULL;
  c.assessed_on = in->assessed_on ? arena_strdup(a, in->assessed_on) : NULL;
  return c;
}

/* Reads every row into v (arena); the first bad row fails the file. */
static int read_answers(const char *data, size_t n, Arena *a, Ans **v, size_t *nv, Err *e) {
  CsvReader r;
  CsvRow row;
  int col[AC_N], rc = csv_reader_init(&r, data, n, NULL, e);
  if (!rc) rc = csv_read_row(&r, &row, e) == 1 ? header_map(&row, ans_cols, AC_N, col, e)
                                               : err_set(e, VERR_INVALID, "Filen er tom.");
  size_t cap = 64;
  *nv = 0;
  *v = arena_alloc(a, cap * sizeof **v);
  if (!*v) rc = err_set(e, VERR_NOMEM, "Tomt for minne.");
  while (!rc && (rc = csv_read_row(&r, &row, e)) == 1) {
    rc = 0;
    AssessAnswerIn in;
    if ((rc = row_answer(&row, col, &in, e))) break;
    if (*nv == cap) {
      Ans *bigger = cap < 100000 ? arena_alloc(a, 2 * cap * sizeof *bigger) : NULL;
      if (!bigger) { rc = err_set(e, VERR_TOOBIG, "For mange rader."); break; }
      memcpy(bigger, *v, cap * sizeof *bigger);
      *v = bigger;
      cap *= 2;
    }
    (*v)[*nv].row = row.row;
    (*v)[(*nv)++].in = copy_in(a, &in);
  }
  csv_reader_free(&r);
  return rc < 0 ? rc : 0;
}

int assess_csv_import_answers(Db *db, const Principal *who, int64_t org_id, int64_t fw_id,
                              const char *data, size_t n, size_t *changed, Err *e) {
  *changed = 0;
  int rc = st_allow(db, who, POLICY_WRITE, org_id, e);
  if (rc) return rc;
  Arena *a = arena_new(0);
  Ans *v = NULL;
  size_t nv = 0;
  rc = a ? read_answers(data, n, a, &v, &nv, e) : err_set(e, VERR_NOMEM, "Tomt for minne.");
  AssessAnswerIn *in = !rc ? arena_alloc(a, (nv + 1) * sizeof *in) : NULL;
  size_t *rows = !rc ? arena_alloc(a, (nv + 1) * sizeof *rows) : NULL;
  if (!rc && (!in || !rows)) rc = err_set(e, VERR_NOMEM, "Tomt for minne.");
  for (size_t i = 0; !rc && i < nv; i++) in[i] = v[i].in, rows[i] = v[i].row;
  if (!rc) rc = assess_store_save_many(db, who, org_id, fw_id, in, nv, rows, changed, e);
  arena_free(a);
  return rc;
}

static void pct_field(CsvWriter *w, double f) {
  char s[16];
  if (f < 0) { csv_field(w, ""); return; }
  snprintf(s, sizeof s, "%.1f", f * 100);
  csv_field(w, s);
}

static void snap_rows(CsvWriter *w, const AssessSnapshot *s, const AssessSnapScore *v, size_t n) {
  char at[32];
  time_t t = (time_t)s->at;
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(at, sizeof at, "%Y-%m-%d %H:%M", &tm);
  csv_field_int(w, s->id);
  csv_field(w, at);
  csv_field_int(w, s->version);
  csv_field(w, "totalt");
  csv_field(w, "");
  csv_field(w, "");
  pct_field(w, s->total);
  csv_end_row(w);
  for (size_t i = 0; i < n; i++) {
    csv_field_int(w, s->id);
    csv_field(w, at);
    csv_field_int(w, s->version);
    csv_field(w, v[i].ref_id);
    if (v[i].set && !v[i].na && v[i].level >= 0) csv_field_int(w, v[i].level);
    else csv_field(w, "");
    csv_field(w, v[i].na ? "ja" : "");
    pct_field(w, v[i].score);
    csv_end_row(w);
  }
}

int assess_csv_export_snapshots(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, Buf *out, Err *e) {
  Arena *a = arena_new(0);
  if (!a) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  AssessSnapshot *s = NULL;
  size_t ns = 0;
  int rc = assess_store_snapshots(db, who, org_id, fw_id, a, &s, &ns, e);
  CsvWriter w;
  if (!rc) {
    static const char *const cols[] = {"øyeblikksbilde", "tidspunkt_utc", "versjon", "ref_id", "nivå",
                                       "ikke_relevant", "poeng_prosent"};
    csv_writer_init(&w, out, ';', CSV_DIALECT_EXCEL_NO);
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) csv_field(&w, cols[c]);
    csv_end_row(&w);
  }
  for (size_t i = 0; !rc && i < ns; i++) {
    AssessSnapScore *v = NULL;
    size_t n = 0;
    rc = assess_store_snapshot_scores(db, who, s[i].id, a, &v, &n, e);
    if (!rc) snap_rows(&w, &s[i], v, n);
  }
  if (!rc && out->err) rc = err_set(e, VERR_TOOBIG, "Eksporten ble for stor.");
  arena_free(a);
  return rc;
}
