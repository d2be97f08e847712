/* gen.h — the benchmark's generator of realistic synthetic data: an
 * NVD-shaped CVE feed over a heavy-tailed vendor/product catalogue, and
 * municipal inventories drawn from that catalogue (see gen.c for why). */
#ifndef VARDE_BENCH_VULN_GEN_H
#define VARDE_BENCH_VULN_GEN_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "vuln/inventory.h"

typedef struct GenOpt {
  size_t cves, vendors, orgs, items;
  unsigned long long seed;
} GenOpt;

typedef struct Gen Gen;

Gen *gen_new(const GenOpt *o);
void gen_free(Gen *g);
/* Append CVEs number first..first+n-1 as one NVD API 2.0 document; *ncfg
 * counts the configurations written. */
void gen_feed(Gen *g, Buf *b, size_t first, size_t n, size_t *ncfg);
/* o->items products spread over o->orgs organisations; org[i] (sized
 * o->items) receives each item's organisation. */
int gen_inventory(Gen *g, VulnInventory *inv, uint32_t *org);

#endif
