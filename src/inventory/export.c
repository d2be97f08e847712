/* export.c — an organisation's whole inventory as one CSV in the Norwegian
 * Excel dialect, in exactly the format inv_import reads back. */
#include <stdio.h>
#include <string.h>

#include "core/csv.h"
#include "db/db.h"
#include "inventory/io.h"

typedef struct Ex {
  CsvWriter w;
  Arena *a;
  InvDep *dep;
  size_t ndep;
} Ex;

/* "system:Acos WebSak | maskin:sak01" for the edges leaving (k, id). */
static const char *deps_of(Ex *x, InvKind k, int64_t id) {
  Buf b;
  buf_init(&b, 65536);
  for (size_t i = 0; i < x->ndep; i++)
    if (x->dep[i].from_kind == k && x->dep[i].from_id == id)
      buf_printf(&b, "%s%s:%s", b.n ? " | " : "", inv_kind_label(x->dep[i].to_kind), x->dep[i].to_name);
  const char *r = arena_strdup(x->a, buf_cstr(&b));
  buf_free(&b);
  return r;
}

static void row(Ex *x, const char *const *f) {
  for (int c = 0; c < INV_NCOL; c++) csv_field(&x->w, f[c]);
  csv_end_row(&x->w);
}

static const char *yes_no(bool b) { return b ? "ja" : "nei"; }

static int write_objects(Db *db, Ex *x, int64_t org, Err *e) {
  InvSupplier *su; InvService *se; InvSystem *sy; InvProduct *pr; InvHost *ho;
  size_t nsu, nse, nsy, npr, nho;
  if (inv_supplier_list(db, x->a, org, &su, &nsu, e) || inv_service_list(db, x->a, org, &se, &nse, e) ||
      inv_system_list(db, x->a, org, &sy, &nsy, e) || inv_product_list(db, x->a, org, &pr, &npr, e) ||
      inv_host_list(db, x->a, org, &ho, &nho, e))
    return e->code;
  for (size_t i = 0; i < nsu; i++)
    row(x, (const char *[INV_NCOL]){[C_TYPE] = "leverandør", [C_NAME] = su[i].name, [C_ORGNR] = su[i].orgnr,
                                    [C_CONTACT] = su[i].contact});
  for (size_t i = 0; i < nse; i++) {
    char crit[4];
    snprintf(crit, sizeof crit, "%d", se[i].criticality);
    row(x, (const char *[INV_NCOL]){[C_TYPE] = "tjeneste", [C_NAME] = se[i].name, [C_DESC] = se[i].description,
                                    [C_CRIT] = crit, [C_CF] = yes_no(se[i].critical_function),
                                    [C_DEPS] = deps_of(x, INV_SERVICE, se[i].id)});
  }
  for (size_t i = 0; i < nsy; i++)
    row(x, (const char *[INV_NCOL]){[C_TYPE] = "system", [C_NAME] = sy[i].name, [C_DESC] = sy[i].description,
                                    [C_OWNER] = sy[i].owner, [C_SUPPLIER] = sy[i].supplier_name,
                                    [C_HOSTING] = sy[i].hosting, [C_COUNTRY] = sy[i].data_country,
                                    [C_DEPS] = deps_of(x, INV_SYSTEM, sy[i].id)});
  for (size_t i = 0; i < npr; i++)
    row(x, (const char *[INV_NCOL]){[C_TYPE] = "programvare", [C_NAME] = pr[i].name, [C_VENDOR] = pr[i].vendor,
                                    [C_PRODUCT] = pr[i].product, [C_VERSION] = pr[i].version, [C_CPE] = pr[i].cpe,
                                    [C_PURL] = pr[i].purl, [C_PLATFORM] = pr[i].platform,
                                    [C_EOL] = pr[i].eol_date, [C_DEPS] = deps_of(x, INV_PRODUCT, pr[i].id)});
  for (size_t i = 0; i < nho; i++)
    row(x, (const char *[INV_NCOL]){[C_TYPE] = "maskin", [C_NAME] = ho[i].name, [C_DESC] = ho[i].description,
                                    [C_ALIASES] = ho[i].aliases, [C_ADDR] = ho[i].addresses,
                                    [C_INET] = yes_no(ho[i].internet_facing)});
  return 0;
}

static int write_scope(Db *db, Ex *x, int64_t org, Err *e) {
  InvScope *s;
  size_t n;
  if (inv_scope_list(db, x->a, org, &s, &n, e)) return e->code;
  for (size_t i = 0; i < n; i++)
    row(x, (const char *[INV_NCOL]){[C_TYPE] = "omfang", [C_NAME] = s[i].value, [C_DESC] = s[i].note});
  return 0;
}

int inv_export_csv(Db *db, int64_t org_id, Buf *out, Err *e) {
  Ex x = {0};
  x.a = arena_new((size_t)256 << 20);
  if (!x.a) return err_set(e, VERR_NOMEM, "for lite minne");
  csv_writer_init(&x.w, out, ';', CSV_DIALECT_EXCEL_NO);
  for (int c = 0; c < INV_NCOL; c++) csv_field(&x.w, inv_col_names[c][0]);
  csv_end_row(&x.w);
  int rc = inv_dep_list(db, x.a, org_id, INV_SERVICE, 0, &x.dep, &x.ndep, e);
  if (!rc) rc = write_objects(db, &x, org_id, e);
  if (!rc) rc = write_scope(db, &x, org_id, e);
  arena_free(x.a);
  if (!rc && out->err) rc = err_set(e, VERR_TOOBIG, "Eksporten ble for stor.");
  return rc;
}
