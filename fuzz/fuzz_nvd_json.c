/* fuzz_nvd_json.c — libFuzzer target for the NVD API 2.0 stream reader and
 * record parser, followed by matching a fixed inventory item against
 * whatever configurations survived. */
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
  vuln_nvd_load(db, "fuzz", (const char *)data, size, &r, &e);
  vuln_db_finish(db);
  VulnItem it = {0};
  it.cpe_str = "cpe:2.3:a:acme:web:2.5:*:*:*:*:*:*:*";
  it.version = "2.5";
  if (!vuln_item_prepare(inv.arena, &it, "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*", &e)) {
    VulnMatchOpts o = {true};
    VulnMatcher *m = vuln_matcher_new(db, &o);
    VulnMatchList l = {0};
    if (m) vuln_match_item(m, &it, 0, &l);
    for (size_t i = 0; i < db->ncve; i++)
      for (uint32_t k = 0; k < db->cve[i].ncfg; k++) vuln_config_eval(&db->cve[i].cfg[k], &it, 0, NULL, NULL);
    vuln_match_list_free(&l);
    vuln_matcher_free(m);
  }
  vuln_inventory_free(&inv);
  vuln_db_free(db);
  return 0;
}
