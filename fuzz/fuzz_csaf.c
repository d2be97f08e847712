/* fuzz_csaf.c — libFuzzer target for CSAF 2.0: the mandatory-test checker,
 * product-tree flattening and product-status reading, then matching a fixed
 * item by purl and by vendor/product name against the advisory. */
#include <stdint.h>
#include <stdlib.h>

#include "vuln/inventory.h"
#include "vuln/match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  VulnDb *db = vuln_db_new();
  VulnInventory inv;
  VulnReport r = {0};
  Err e = {0};
  if (!db || vuln_inventory_init(&inv)) {
    vuln_db_free(db);
    return 0;
  }
  vuln_csaf_load(db, "fuzz", (const char *)data, size, &r, &e);
  vuln_db_finish(db);
  VulnItem it[2] = {{0}, {0}};
  it[0].purl_str = "pkg:npm/lodash@4.17.20";
  it[1].vendor = "Acme";
  it[1].product = "Gateway";
  it[1].version = "2.1";
  VulnMatcher *m = vuln_matcher_new(db, NULL);
  VulnMatchList l = {0};
  for (int i = 0; i < 2 && m; i++)
    if (!vuln_item_prepare(inv.arena, &it[i], NULL, &e)) vuln_match_item(m, &it[i], (size_t)i, &l);
  vuln_match_list_free(&l);
  vuln_matcher_free(m);
  vuln_inventory_free(&inv);
  vuln_db_free(db);
  return 0;
}
