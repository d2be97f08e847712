/* import.c — inv_import: detects the format (Varde's inventory CSV, a plain
 * product list as `varde vuln check` reads it, or a CycloneDX SBOM), runs it
 * in one transaction and rolls back for a dry run. Bad rows are skipped. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/csv.h"
#include "db/db.h"
#include "inventory/io.h"

void inv_imp_note(InvImp *m, size_t line, const char *fmt, ...) {
  va_list ap;
  if (line) buf_printf(&m->res->log, "linje %zu: ", line);
  va_start(ap, fmt);
  buf_vprintf(&m->res->log, fmt, ap);
  va_end(ap);
  buf_putc(&m->res->log, '\n');
}

void inv_imp_error(InvImp *m, size_t line, const char *msg) {
  m->res->errors++;
  inv_imp_note(m, line, "feil: %s Raden er hoppet over.", msg);
}

void inv_imp_saved(InvImp *m, size_t line, InvKind k, const char *name, int64_t was, int changed) {
  if (!changed) {
    m->res->unchanged++;
    return;
  }
  const char *verb = was ? (m->dry ? "ville endret" : "endret") : (m->dry ? "ville opprettet" : "opprettet");
  if (was) m->res->updated++;
  else m->res->created++;
  inv_imp_note(m, line, "%s %s «%s»", verb, inv_kind_label(k), name);
}

/* Does the first row name a "type" column (Varde's own format)? */
static int has_type_column(const char *data, size_t len) {
  CsvReader r;
  CsvRow row;
  Err e = {0};
  int yes = 0;
  if (csv_reader_init(&r, data, len, NULL, &e)) return 0;
  if (csv_read_row(&r, &row, &e) == 1)
    for (size_t i = 0; i < row.n && !yes; i++)
      for (int k = 0; inv_col_names[C_TYPE][k] && !yes; k++) yes = !strcasecmp(row.fields[i], inv_col_names[C_TYPE][k]);
  csv_reader_free(&r);
  return yes;
}

static int run_import(InvImp *m, const char *name, const char *data, size_t len, Err *e) {
  size_t i = len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3) ? 3 : 0;
  while (i < len && strchr(" \t\r\n", data[i]) && data[i]) i++;
  if (i < len && data[i] == '{') return inv_import_sbom(m, name, data + i, len - i, e);
  if (has_type_column(data, len)) return inv_import_csv(m, data, len, e);
  return inv_import_product_list(m, name, data, len, e);
}

int inv_import(Db *db, const Principal *who, int64_t org_id, const char *name, const char *data, size_t len,
               bool dry_run, InvImportResult *res, Err *e) {
  memset(res, 0, sizeof *res);
  buf_init(&res->log, (size_t)8 << 20);
  if (len > CSV_INPUT_MAX) return err_set(e, VERR_TOOBIG, "Filen er for stor.");
  Arena *a = arena_new((size_t)512 << 20);
  if (!a) return err_set(e, VERR_NOMEM, "for lite minne");
  InvImp m = {db, who, org_id, dry_run, a, res};
  int rc = db_begin(db, e);
  if (!rc) rc = run_import(&m, name ? name : "import", data ? data : "", data ? len : 0, e);
  if (!rc && !dry_run && (res->created || res->updated)) {
    char det[160];
    snprintf(det, sizeof det, "fil=%.60s nye=%zu endrede=%zu feil=%zu", name ? name : "", res->created, res->updated,
             res->errors);
    rc = inv__audit(db, who, org_id, INV__IMPORT, "import", 0, det, e);
  }
  if (rc || dry_run) db_rollback(db);
  else rc = inv__end(db, 0, org_id, e);
  arena_free(a);
  return rc;
}

void inv_import_result_free(InvImportResult *res) { buf_free(&res->log); }
