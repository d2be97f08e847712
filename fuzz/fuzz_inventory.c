/* fuzz_inventory.c — libFuzzer target for inventory import: the CSV reader
 * (quoting, ';' dialect, BOM, Windows-1252) and the CycloneDX reader. */
#include <stdint.h>
#include <stdlib.h>

#include "vuln/inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  VulnInventory inv;
  VulnReport r = {0};
  Err e = {0};
  if (vuln_inventory_init(&inv)) return 0;
  vuln_inventory_csv(&inv, "fuzz.csv", (const char *)data, size, &r, &e);
  vuln_inventory_cyclonedx(&inv, "fuzz.json", (const char *)data, size, &r, &e);
  vuln_inventory_free(&inv);
  return 0;
}
