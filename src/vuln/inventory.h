/* inventory.h — offline inventories for `varde vuln check`: CSV (comma or
 * the Norwegian Excel dialect with ';', BOM and Windows-1252) and CycloneDX
 * JSON SBOMs, turned into VulnItems. Row-level errors are reported. */
#ifndef VARDE_VULN_INVENTORY_H
#define VARDE_VULN_INVENTORY_H
#include "vuln/match.h"

typedef struct VulnInventory {
  Arena *arena;
  VulnItem *item;
  size_t n, cap;
} VulnInventory;

int vuln_inventory_init(VulnInventory *inv);
void vuln_inventory_free(VulnInventory *inv);
/* Detects CycloneDX JSON or CSV by content. Bad rows go to r, skipped. */
int vuln_inventory_load(VulnInventory *inv, const char *path, VulnReport *r, Err *e);
int vuln_inventory_csv(VulnInventory *inv, const char *name, const char *data, size_t len, VulnReport *r, Err *e);
int vuln_inventory_cyclonedx(VulnInventory *inv, const char *name, const char *data, size_t len, VulnReport *r, Err *e);

/* A zeroed slot at the end (inv->n is not advanced: the caller does that
 * once the item is valid). NULL on allocation failure. */
VulnItem *vuln_inventory_push(VulnInventory *inv);

/* Fill the matching fields of an item from its strings (cpe_str, purl_str,
 * vendor/product/version, platform list). Returns 0 or sets e. */
int vuln_item_prepare(Arena *a, VulnItem *it, const char *platforms, Err *e);

#endif
