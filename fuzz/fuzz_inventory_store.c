/* fuzz_inventory_store.c — libFuzzer target for the inventory's own import
 * (src/inventory): Varde's inventory CSV with its type column, dependency
 * references and values checked by the store, plus format detection. Runs
 * against a real SQLite database: a dry run for every input (rolled back),
 * and a real import for inputs whose first byte is odd, so the update and
 * "unchanged" paths are reached too. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "inventory/inventory.h"

static Db *db;
static int64_t org;
static Principal cli;

static int setup(void) {
  char dir[] = "/tmp/varde-fuzz-inv-XXXXXX", path[64];
  Err e = {0};
  if (!mkdtemp(dir)) return -1;
  snprintf(path, sizeof path, "%s/f.db", dir);
  if (db_open(&db, path, DB_OPEN_CREATE, &e)) return -1;
  auth_principal_cli(&cli);
  return db_int(db, &e, &org,
                "INSERT INTO organisations (kind, name, created_at, updated_at) VALUES ('national', 'F', 1, 1)"
                " RETURNING id", "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!db && setup()) abort();
  InvImportResult r;
  Err e = {0};
  inv_import(db, &cli, org, "fuzz", (const char *)data, size, true, &r, &e);
  inv_import_result_free(&r);
  if (size && (data[0] & 1)) {
    inv_import(db, &cli, org, "fuzz", (const char *)data, size, false, &r, &e);
    inv_import_result_free(&r);
  }
  return 0;
}
