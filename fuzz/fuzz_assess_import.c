/* fuzz_assess_import.c — libFuzzer target for the CSV re-import of answers and
 * measures into a real (temporary) database: bad input must end in an error
 * that changes nothing, never a crash; accepted input leaves the chain intact. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assess/assess_store.h"
#include "db/db.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char base[] =
  "format: varde-framework/1\nurn: urn:varde:fuzz\nversion: 1\nname: F\nlocale: nb\n"
  "scale: varde-modenhet\nnodes:\n"
  "  - {ref_id: '1', name: K, assessable: false}\n"
  "  - {ref_id: '1.1', name: P, assessable: true, parent_urn: 'urn:varde:fuzz:1'}\n"
  "  - {ref_id: '2.10', name: Q, assessable: true}\n";

static Db *db;
static Principal cli;
static int64_t org, fw;
static char path[64];

static void cleanup(void) {
  db_close(db);
  char p[80];
  unlink(path);
  snprintf(p, sizeof p, "%s-wal", path);
  unlink(p);
  snprintf(p, sizeof p, "%s-shm", path);
  unlink(p);
}

static void setup(void) {
  Err e = {0};
  snprintf(path, sizeof path, "/tmp/varde-fuzz-import-%d.db", (int)getpid());
  unlink(path);
  if (db_open(&db, path, DB_OPEN_CREATE, &e)) abort();
  atexit(cleanup);
  auth_principal_cli(&cli);
  if (db_int(db, &e, &org, "INSERT INTO organisations(kind, name, created_at, updated_at)"
             " VALUES ('municipality', 'F', 1, 1) RETURNING id", "")) abort();
  AssessDiags d;
  assess_diags_init(&d, "base");
  AssessFramework *f = assess_framework_parse(base, sizeof base - 1, &d);
  if (!f || assess_store_fw_put(db, &cli, f, &fw, NULL, &e)) abort();
  assess_framework_free(f);
  assess_diags_free(&d);
}

static int64_t rows(void) {
  int64_t a = 0, m = 0, h = 0;
  Err e = {0};
  db_int(db, &e, &a, "SELECT count(*) FROM assess_answers", "");
  db_int(db, &e, &m, "SELECT count(*) FROM assess_measures", "");
  db_int(db, &e, &h, "SELECT count(*) FROM assess_history", "");
  return a * 1000000 + m * 1000 + h;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  if (size > (1u << 16)) return 0;
  if (!db) setup();
  Err e = {0};
  size_t changed = 0;
  int64_t before = rows();
  if (assess_csv_import_answers(db, &cli, org, fw, (const char *)data, size, &changed, &e) && rows() != before)
    abort();   /* a refused file changed something */
  before = rows();
  if (assess_csv_import_measures(db, &cli, org, (const char *)data, size, &changed, &e) && rows() != before)
    abort();
  if (db_in_transaction(db)) abort();
  return 0;
}
