/* io.h — the inventory CSV columns shared by import (io_csv.c) and export
 * (export.c), and the per-import state. Private to src/inventory. */
#ifndef VARDE_INVENTORY_IO_H
#define VARDE_INVENTORY_IO_H
#include "inventory/inv_int.h"

enum {
  C_TYPE, C_NAME, C_DESC, C_CRIT, C_CF, C_OWNER, C_SUPPLIER, C_HOSTING, C_COUNTRY, C_VENDOR, C_PRODUCT,
  C_VERSION, C_CPE, C_PURL, C_PLATFORM, C_EOL, C_ALIASES, C_ADDR, C_INET, C_ORGNR, C_CONTACT, C_DEPS, INV_NCOL
};
/* Accepted header names per column; the first is what export writes. */
extern const char *const inv_col_names[INV_NCOL][5];
/* Type words: Norwegian label first (export), then accepted aliases. */
int inv_type_parse(const char *s, InvKind *k, int *scope);

typedef struct InvImp {
  Db *db;
  const Principal *who;
  int64_t org_id;
  bool dry;
  Arena *a;
  InvImportResult *res;
} InvImp;

/* Log one line "linje N: ..." and count it. */
void inv_imp_note(InvImp *m, size_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void inv_imp_error(InvImp *m, size_t line, const char *msg);
/* Count and log a saved object (created / updated / unchanged). */
void inv_imp_saved(InvImp *m, size_t line, InvKind k, const char *name, int64_t was, int changed);

int inv_import_csv(InvImp *m, const char *data, size_t len, Err *e);
int inv_import_sbom(InvImp *m, const char *name, const char *data, size_t len, Err *e);
int inv_import_product_list(InvImp *m, const char *name, const char *data, size_t len, Err *e);

#endif
