/* gen.c — synthetic NVD feed and municipal inventories for the matching
 * benchmark, with the distributions argued below. Deterministic per seed.
 *
 * Why these shapes (counts from ../shared/data and NVD's published totals):
 * - Vendors: CVE counts are heavy-tailed. In the KEV catalogue
 *   (../shared/data/kev, 1,404 entries) the top vendor has 24 %, the top 10
 *   57 %, and 122 of 230 vendors have one entry; KEV leans towards big
 *   vendors, NVD as a whole less so (about 30 vendors above 1,000 CVEs,
 *   the largest near 9,000-13,000 of ~300,000, most vendors a handful).
 *   We draw the vendor of a CVE from a Zipf-Mandelbrot law 1/(rank+3) over
 *   20,000 vendors: top vendor ≈ 8,700 CVEs, 31 vendors ≥ 1,000, top 10
 *   16 %, top 100 39 %, median vendor ≈ 3.5 CVEs.
 * - Products: a vendor has 1 + cves/40 products (capped at 400), its CVEs
 *   Zipf(1) over them (one Windows-like product takes most).
 * - Configurations: on NVD page 38 (../shared/data/nvd/api2-page-38-cves.json)
 *   13 of 38 CVEs have none yet (analysis backlog; we use 10 %); 14 of 25
 *   configurations are one OR node (1-9 cpeMatch, mostly ranges with
 *   versionEndExcluding, some exact versions with an update such as
 *   "9.8:p7" or "-"), 11 are AND(application range, OR of platforms
 *   vulnerable:false, e.g. macos:- / windows:-). That page is one product
 *   family; NVD as a whole has fewer AND configurations, so applications
 *   get 25 % AND-with-platform, firmware always AND(firmware range,
 *   hardware:-), WordPress plugins (target_sw=wordpress) one range, and 10 %
 *   of CVEs a second configuration. Older CVEs list many exact versions:
 *   12 % of OR nodes are lists of 5-30 versions.
 * - Versions: each product has a release line of 8-67 versions in one of
 *   three schemes (1.2.3, 4.5, 10.0.1234.5); a fixing version is uniform
 *   over the line.
 * - Inventories: 357 organisations (Norway's municipalities), 50,000
 *   products (140 each). Municipal software is a catalogue of 4,000
 *   products, popularity Zipf(1): the 8 operating systems first, then 70 %
 *   drawn like CVEs (popular software is both widely run and much
 *   reported) and 30 % local products no CVE names (Norwegian case
 *   management, school platforms). Installed versions lag the newest by a
 *   geometric number of releases (mean 2.3). Half the applications name
 *   the OS they run on (the platform column), firmware names its hardware.
 *   So a few items (an old OS) have hundreds of matches, most a few or none. */
#include "gen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { K_APP, K_OS, K_FW, K_PLUGIN };
#define NOS 8
#define MUNI 4000

typedef struct Prod {
  uint32_t vendor, num;   /* vendor number, product number within it */
  uint8_t kind, scheme;
  uint16_t nver;          /* length of its release line */
} Prod;

struct Gen {
  GenOpt o;
  unsigned long long rng;
  Prod *prod;
  size_t nprod;
  double *vcum, *pcum;    /* cumulative weights: vendors; products within their vendor */
  size_t *vfirst, *vcount;
  size_t os[NOS];
  int32_t muni[MUNI];     /* municipal catalogue: product index, or -1-n for local product n */
  double mcum[MUNI];
};

static unsigned long long rnd(Gen *g) {
  g->rng ^= g->rng << 13;
  g->rng ^= g->rng >> 7;
  g->rng ^= g->rng << 17;
  return g->rng;
}
static size_t below(Gen *g, size_t n) { return n ? (size_t)(rnd(g) % n) : 0; }
static double unit(Gen *g) { return (double)(rnd(g) >> 11) / 9007199254740992.0; }

/* Index of the first cumulative weight above u·total in cum[lo, hi). */
static size_t pick(const double *cum, size_t lo, size_t hi, double u) {
  double target = u * cum[hi - 1];
  size_t a = lo, b = hi - 1;
  while (a < b) {
    size_t mid = a + (b - a) / 2;
    if (cum[mid] > target) b = mid;
    else a = mid + 1;
  }
  return a;
}

static size_t geometric(Gen *g, double p) {
  size_t n = 0;
  while (n < 64 && unit(g) > p) n++;
  return n;
}

static int catalogue(Gen *g) {
  size_t nv = g->o.vendors;
  double h = 0;
  g->vcum = malloc(nv * sizeof *g->vcum);
  g->vfirst = malloc(nv * sizeof *g->vfirst);
  g->vcount = malloc(nv * sizeof *g->vcount);
  if (!g->vcum || !g->vfirst || !g->vcount) return -1;
  for (size_t v = 0; v < nv; v++) g->vcum[v] = (h += 1.0 / (double)(v + 4));
  for (size_t v = 0; v < nv; v++) {
    double expect = (double)g->o.cves / (double)(v + 4) / h;
    size_t np = 1 + (size_t)(expect / 40);
    g->vfirst[v] = g->nprod;
    g->vcount[v] = np > 400 ? 400 : np;
    g->nprod += g->vcount[v];
  }
  g->prod = calloc(g->nprod, sizeof *g->prod);
  g->pcum = malloc(g->nprod * sizeof *g->pcum);
  if (!g->prod || !g->pcum) return -1;
  for (size_t v = 0; v < nv; v++) {
    double c = 0;
    for (size_t k = 0; k < g->vcount[v]; k++) {
      Prod *p = &g->prod[g->vfirst[v] + k];
      size_t r = below(g, 100);
      *p = (Prod){(uint32_t)v, (uint32_t)k, r < 8 ? K_FW : r < 16 ? K_PLUGIN : K_APP, (uint8_t)below(g, 3),
                  (uint16_t)(8 + below(g, 60))};
      if (p->kind == K_PLUGIN && v < 100) p->kind = K_APP;  /* big vendors rarely write plugins */
      g->pcum[g->vfirst[v] + k] = (c += 1.0 / (double)(k + 1));
    }
  }
  static const size_t os_vendor[NOS] = {0, 1, 2, 3, 5, 8, 13, 21};
  for (int i = 0; i < NOS; i++) {
    g->os[i] = g->vfirst[os_vendor[i] < nv ? os_vendor[i] : 0];
    g->prod[g->os[i]].kind = K_OS;
  }
  return 0;
}

/* A product drawn the way CVEs fall on products. */
static size_t cve_product(Gen *g) {
  size_t v = pick(g->vcum, 0, g->o.vendors, unit(g));
  return pick(g->pcum, g->vfirst[v], g->vfirst[v] + g->vcount[v], unit(g));
}

static void municipal(Gen *g) {
  double c = 0;
  for (size_t i = 0; i < MUNI; i++) {
    if (i < NOS) g->muni[i] = (int32_t)g->os[i];
    else g->muni[i] = below(g, 10) < 7 ? (int32_t)cve_product(g) : -1 - (int32_t)i;
    g->mcum[i] = (c += 1.0 / (double)(i + 1));
  }
}

Gen *gen_new(const GenOpt *o) {
  Gen *g = calloc(1, sizeof *g);
  if (!g) return NULL;
  g->o = *o;
  g->rng = o->seed * 2654435761ull + 1;
  if (!o->vendors || catalogue(g)) {
    gen_free(g);
    return NULL;
  }
  municipal(g);
  return g;
}

void gen_free(Gen *g) {
  if (!g) return;
  free(g->prod);
  free(g->vcum);
  free(g->pcum);
  free(g->vfirst);
  free(g->vcount);
  free(g);
}

static void version(const Prod *p, size_t k, char *out, size_t cap) {
  switch (p->scheme) {
    case 0: snprintf(out, cap, "%zu.%zu.%zu", 1 + k / 20, (k / 5) % 4, k % 5); break;
    case 1: snprintf(out, cap, "%zu.%zu", 1 + k / 10, k % 10); break;
    default: snprintf(out, cap, "%zu.0.%zu.%zu", 10 + k / 30, 1000 + (k / 6) * 17, k % 6); break;
  }
}

static void names(const Prod *p, int hardware, char *v, char *pr, size_t cap) {
  static const char *const kind[] = {"server", "os", "firmware", "plugin"};
  snprintf(v, cap, "vnd%u", p->vendor);
  if (hardware) snprintf(pr, cap, "device%u", p->num);
  else snprintf(pr, cap, "prod%u_%s", p->num, p->kind == K_APP && p->num % 3 ? "client" : kind[p->kind]);
}

static void crit(Buf *b, int vuln, char part, const Prod *p, int hw, const char *ver, const char *bounds) {
  char v[32], pr[48];
  names(p, hw, v, pr, sizeof v);
  buf_printf(b, "{\"vulnerable\":%s,\"criteria\":\"cpe:2.3:%c:%s:%s:%s:*:*:*:*:%s:*:*\",\"matchCriteriaId\":\"M\"%s}",
             vuln ? "true" : "false", part, v, pr, ver, p->kind == K_PLUGIN && !hw ? "wordpress" : "*", bounds);
}

/* versionEndExcluding alone is the common form (page 38: 14 of 17 ranges). */
static void range(Gen *g, const Prod *p, char *out, size_t cap) {
  size_t f = 1 + below(g, p->nver - 1u), r = below(g, 100);
  char a[32], z[32];
  if (r < 55) {
    version(p, f, z, sizeof z);
    snprintf(out, cap, ",\"versionEndExcluding\":\"%s\"", z);
  } else if (r < 70) {
    version(p, f - 1, z, sizeof z);
    snprintf(out, cap, ",\"versionEndIncluding\":\"%s\"", z);
  } else {
    size_t s = f - 1 - below(g, f < 8 ? f : 8);
    version(p, s, a, sizeof a);
    version(p, r < 95 ? f : f - 1, z, sizeof z);
    snprintf(out, cap, r < 95 ? ",\"versionStartIncluding\":\"%s\",\"versionEndExcluding\":\"%s\""
                              : ",\"versionStartExcluding\":\"%s\",\"versionEndIncluding\":\"%s\"", a, z);
  }
}

/* One exact version; a fifth carry an update ("9.8:p7", "9.9.1:-"). */
static void exact(Gen *g, const Prod *p, char part, Buf *b) {
  char ver[48];
  version(p, below(g, p->nver), ver, sizeof ver - 8);
  size_t r = below(g, 10);
  if (r == 0) strcat(ver, ":-");
  else if (r == 1) snprintf(ver + strlen(ver), 8, ":p%zu", 1 + below(g, 9));
  else strcat(ver, ":*");
  char v[32], pr[48];
  names(p, 0, v, pr, sizeof v);
  buf_printf(b, "{\"vulnerable\":true,\"criteria\":\"cpe:2.3:%c:%s:%s:%s:*:*:*:*:*:*\",\"matchCriteriaId\":\"M\"}",
             part, v, pr, ver);
}

static void or_node(Gen *g, Buf *b, const Prod *p, char part) {
  char bounds[160];
  size_t n = below(g, 100) < 12 ? 5 + below(g, 26) : 1 + geometric(g, 0.55);
  int list = n >= 5;
  buf_lit(b, "{\"operator\":\"OR\",\"negate\":false,\"cpeMatch\":[");
  for (size_t i = 0; i < n; i++) {
    if (i) buf_putc(b, ',');
    if (!list && below(g, 3)) {
      range(g, p, bounds, sizeof bounds);
      crit(b, 1, part, p, 0, "*", bounds);
    } else {
      exact(g, p, part, b);
    }
  }
  buf_lit(b, "]}");
}

static void platform_and(Gen *g, Buf *b, const Prod *p) {
  char bounds[160];
  range(g, p, bounds, sizeof bounds);
  buf_lit(b, "{\"operator\":\"AND\",\"nodes\":[{\"operator\":\"OR\",\"negate\":false,\"cpeMatch\":[");
  crit(b, 1, p->kind == K_FW ? 'o' : 'a', p, 0, "*", bounds);
  buf_lit(b, "]},{\"operator\":\"OR\",\"negate\":false,\"cpeMatch\":[");
  if (p->kind == K_FW) {
    crit(b, 0, 'h', p, 1, "-", "");
  } else {
    size_t n = 1 + below(g, 3), first = below(g, NOS);
    for (size_t i = 0; i < n; i++) {
      if (i) buf_putc(b, ',');
      crit(b, 0, 'o', &g->prod[g->os[(first + i) % NOS]], 0, "-", "");
    }
  }
  buf_lit(b, "]}]}");
}

static void config(Gen *g, Buf *b) {
  const Prod *p = &g->prod[cve_product(g)];
  if (p->kind == K_FW || (p->kind == K_APP && below(g, 100) < 25)) {
    platform_and(g, b, p);
    return;
  }
  buf_lit(b, "{\"nodes\":[");
  or_node(g, b, p, p->kind == K_OS ? 'o' : 'a');
  buf_lit(b, "]}");
}

void gen_feed(Gen *g, Buf *b, size_t first, size_t n, size_t *ncfg) {
  buf_lit(b, "{\"format\":\"NVD_CVE\",\"version\":\"2.0\",\"vulnerabilities\":[");
  for (size_t c = first; c < first + n; c++) {
    buf_printf(b, "%s{\"cve\":{\"id\":\"CVE-%zu-%zu\",\"metrics\":{\"cvssMetricV31\":[{\"type\":\"Primary\","
               "\"cvssData\":{\"baseScore\":%zu.%zu}}]},\"configurations\":[",
               c > first ? "," : "", 1999 + c % 27, 10000 + c, 1 + below(g, 9), below(g, 10));
    size_t k = below(g, 10) == 0 ? 0 : below(g, 9) == 0 ? 2 : 1;
    for (size_t i = 0; i < k; i++) {
      if (i) buf_putc(b, ',');
      config(g, b);
    }
    *ncfg += k;
    buf_lit(b, "]}}");
  }
  buf_lit(b, "]}");
}

/* The CPE and platform of one installed product. */
static void item_strings(Gen *g, int32_t m, char *cpe, char *plat, size_t cap) {
  char v[32], pr[48], ver[32];
  plat[0] = '\0';
  if (m < 0) {  /* a local product no CVE names */
    snprintf(cpe, cap, "cpe:2.3:a:lokal%d:system%d:%zu.%zu:*:*:*:*:*:*:*", -m % 97, -m, 1 + below(g, 9), below(g, 5));
    return;
  }
  const Prod *p = &g->prod[m];
  size_t lag = geometric(g, 0.3);
  version(p, lag >= p->nver ? 0 : p->nver - 1u - lag, ver, sizeof ver);
  names(p, 0, v, pr, sizeof v);
  snprintf(cpe, cap, "cpe:2.3:%c:%s:%s:%s:*:*:*:*:%s:*:*", p->kind == K_OS || p->kind == K_FW ? 'o' : 'a', v, pr, ver,
           p->kind == K_PLUGIN ? "wordpress" : "*");
  if (p->kind == K_FW) {
    names(p, 1, v, pr, sizeof v);
    snprintf(plat, cap, "cpe:2.3:h:%s:%s:-:*:*:*:*:*:*:*", v, pr);
  } else if (p->kind == K_APP && below(g, 2)) {
    const Prod *os = &g->prod[g->os[pick(g->mcum, 0, NOS, unit(g))]];
    size_t olag = geometric(g, 0.4);
    version(os, olag >= os->nver ? 0 : os->nver - 1u - olag, ver, sizeof ver);
    names(os, 0, v, pr, sizeof v);
    snprintf(plat, cap, "cpe:2.3:o:%s:%s:%s:*:*:*:*:*:*:*", v, pr, ver);
  }
}

int gen_inventory(Gen *g, VulnInventory *inv, uint32_t *org) {
  char cpe[256], plat[256];
  for (size_t i = 0; i < g->o.items; i++) {
    VulnItem *it = vuln_inventory_push(inv);
    if (!it) return -1;
    Err e = {0};
    item_strings(g, g->muni[pick(g->mcum, 0, MUNI, unit(g))], cpe, plat, sizeof cpe);
    it->cpe_str = arena_strdup(inv->arena, cpe);
    it->name = it->cpe_str;
    it->internet = below(g, 8) == 0;
    it->criticality = 1 + (int)below(g, 5);
    it->line = i;
    if (vuln_item_prepare(inv->arena, it, plat, &e)) return -1;
    org[inv->n++] = (uint32_t)(i * g->o.orgs / g->o.items);
  }
  return 0;
}
