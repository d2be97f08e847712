/* fuzz_nvd_json.c — libFuzzer target for the NVD API 2.0 stream reader and
 * record parser, followed by matching a small fixed inventory against
 * whatever configurations survived, with three oracles: the index finds
 * what evaluating every configuration finds, the whole-inventory matcher
 * gives item-at-a-time's list, and the reverse index finds the same pairs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/inventory.h"
#include "vuln/match.h"

#define NITEM 3

/* Item 1 is a copy of item 0 (so de-duplication is exercised). */
static int items(VulnInventory *inv, VulnItem *it) {
  static const char *const cpe[NITEM] = {"cpe:2.3:a:acme:web:2.5:*:*:*:*:*:*:*", "cpe:2.3:a:acme:web:2.5:*:*:*:*:*:*:*",
                                         "cpe:2.3:o:acme:web:10.0.1:*:*:*:*:*:*:*"};
  static const char *const plat[NITEM] = {"cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*",
                                          "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*", ""};
  Err e = {0};
  memset(it, 0, NITEM * sizeof *it);
  for (int i = 0; i < NITEM; i++) {
    it[i].cpe_str = cpe[i];
    it[i].internet = i == 1;
    if (vuln_item_prepare(inv->arena, &it[i], plat[i], &e)) return -1;
  }
  return 0;
}

static size_t naive(const VulnDb *db, const VulnItem *it) {
  size_t n = 0;
  for (size_t i = 0; i < db->ncve; i++)
    for (uint32_t k = 0; k < db->cve[i].ncfg; k++)
      if (vuln_config_eval(&db->cve[i].cfg[k], it, VULN_RELAX_CONTEXT, NULL, NULL)) {
        n++;
        break;
      }
  return n;
}

static void oracles(const VulnDb *db, VulnMatcher *m, const VulnItem *it) {
  VulnMatchList a = {0}, b = {0}, rev = {0};
  size_t per[NITEM] = {0};
  for (int i = 0; i < NITEM; i++) vuln_match_item(m, &it[i], (size_t)i, &a);
  if (vuln_match_items(m, it, NITEM, 2, &b) || a.n != b.n) abort();
  for (size_t i = 0; i < a.n; i++) {
    if (a.m[i].item != b.m[i].item || strcmp(a.m[i].id, b.m[i].id) || a.m[i].priority != b.m[i].priority) abort();
    per[a.m[i].item]++;
  }
  for (int i = 0; i < NITEM; i++)
    if (per[i] != naive(db, &it[i])) abort();
  VulnInvIndex *x = vuln_inv_index_new(it, NITEM);
  for (size_t c = 0; x && c < db->ncve; c++) vuln_match_cve(m, x, c, &rev);
  if (x && rev.n != a.n) abort();
  vuln_inv_index_free(x);
  vuln_match_list_free(&a);
  vuln_match_list_free(&b);
  vuln_match_list_free(&rev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  VulnDb *db = vuln_db_new();
  VulnInventory inv;
  VulnReport r = {0};
  Err e = {0};
  VulnItem it[NITEM];
  if (!db || vuln_inventory_init(&inv)) {
    vuln_db_free(db);
    return 0;
  }
  vuln_nvd_load(db, "fuzz", (const char *)data, size, &r, &e);
  vuln_db_finish(db);
  if (!items(&inv, it)) {
    VulnMatchOpts o = {true};
    VulnMatcher *m = vuln_matcher_new(db, &o);
    if (m) oracles(db, m, it);
    vuln_matcher_free(m);
  }
  vuln_inventory_free(&inv);
  vuln_db_free(db);
  return 0;
}
