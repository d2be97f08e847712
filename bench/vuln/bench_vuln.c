/* bench_vuln.c — matching benchmark: a generated inventory against a
 * generated NVD-shaped feed, the indexed matcher beside a naive baseline
 * (every item × every criterion, then the configuration) in one process.
 * The two must agree on every item the baseline checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "vuln/inventory.h"
#include "vuln/match.h"

typedef struct Opt {
  size_t items, cves, vendors, baseline, fresh;
  unsigned long long seed;
} Opt;

static unsigned long long rng_state;
static unsigned long long rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}
static size_t below(size_t n) { return (size_t)(rnd() % n); }
/* Popularity is skewed like NVD's: a few products get most CVEs. */
static size_t skewed(size_t n) {
  double u = (double)(rnd() % 1000000) / 1000000.0;
  return (size_t)(u * u * u * (double)n) % n;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void product_name(size_t p, char *v, char *pr, size_t cap) {
  snprintf(v, cap, "vendor%zu", p / 4);
  snprintf(pr, cap, "product%zu_%s", p, p % 7 == 0 ? "server" : p % 5 == 0 ? "client" : "lib");
}

static void version_str(char *out, size_t cap) {
  snprintf(out, cap, "%zu.%zu.%zu", below(12), below(20), below(30));
}

static void crit(Buf *b, int vuln, char part, size_t p, const char *ver, const char *tsw, const char *bounds) {
  char v[64], pr[64];
  product_name(p, v, pr, sizeof v);
  buf_printf(b, "{\"vulnerable\":%s,\"criteria\":\"cpe:2.3:%c:%s:%s:%s:*:*:*:*:%s:*:*\",\"matchCriteriaId\":\"M\"%s}",
             vuln ? "true" : "false", part, v, pr, ver, tsw, bounds);
}

static void range_bounds(char *out, size_t cap) {
  char a[32], z[32];
  version_str(a, sizeof a);
  snprintf(z, sizeof z, "%zu.%zu", 1 + below(12), below(20));
  switch (below(4)) {
    case 0: snprintf(out, cap, ",\"versionEndExcluding\":\"%s\"", z); break;
    case 1: snprintf(out, cap, ",\"versionEndIncluding\":\"%s\"", z); break;
    case 2: snprintf(out, cap, ",\"versionStartIncluding\":\"%s\",\"versionEndExcluding\":\"%s\"", a, z); break;
    default: snprintf(out, cap, ",\"versionStartExcluding\":\"%s\",\"versionEndIncluding\":\"%s\"", a, z); break;
  }
}

/* One configuration in one of the shapes NVD uses, with roughly its mix. */
static void config(Buf *b, size_t nprod) {
  size_t p = skewed(nprod), r = below(100), n;
  char bounds[160], ver[32];
  if (r < 55) {                        /* OR of 1-3 ranges or versions on one product */
    buf_lit(b, "{\"nodes\":[{\"operator\":\"OR\",\"negate\":false,\"cpeMatch\":[");
    n = 1 + below(3);
    for (size_t i = 0; i < n; i++) {
      if (i) buf_putc(b, ',');
      if (below(2)) { range_bounds(bounds, sizeof bounds); crit(b, 1, 'a', p, "*", "*", bounds); }
      else { version_str(ver, sizeof ver); crit(b, 1, 'a', p, ver, "*", ""); }
    }
    buf_lit(b, "]}]}");
  } else if (r < 75) {                 /* a long list of exact versions */
    buf_lit(b, "{\"nodes\":[{\"operator\":\"OR\",\"negate\":false,\"cpeMatch\":[");
    n = 5 + below(36);
    for (size_t i = 0; i < n; i++) {
      if (i) buf_putc(b, ',');
      version_str(ver, sizeof ver);
      crit(b, 1, 'a', p, ver, "*", "");
    }
    buf_lit(b, "]}]}");
  } else if (r < 90) {                 /* running on: AND(app, platform OS not vulnerable) */
    range_bounds(bounds, sizeof bounds);
    buf_lit(b, "{\"operator\":\"AND\",\"nodes\":[{\"operator\":\"OR\",\"negate\":false,\"cpeMatch\":[");
    crit(b, 1, 'a', p, "*", "*", bounds);
    buf_lit(b, "]},{\"operator\":\"OR\",\"negate\":false,\"cpeMatch\":[");
    n = 1 + below(4);
    for (size_t i = 0; i < n; i++) {
      if (i) buf_putc(b, ',');
      crit(b, 0, 'o', nprod + below(8), "-", "*", "");   /* the 8 "operating systems" */
    }
    buf_lit(b, "]}]}");
  } else if (r < 96) {                 /* firmware on a device */
    range_bounds(bounds, sizeof bounds);
    buf_lit(b, "{\"operator\":\"AND\",\"nodes\":[{\"operator\":\"OR\",\"negate\":false,\"cpeMatch\":[");
    crit(b, 1, 'o', p, "*", "*", bounds);
    buf_lit(b, "]},{\"operator\":\"OR\",\"negate\":false,\"cpeMatch\":[");
    crit(b, 0, 'h', p, "-", "*", "");
    buf_lit(b, "]}]}");
  } else {                             /* a plugin for a target software */
    range_bounds(bounds, sizeof bounds);
    buf_lit(b, "{\"nodes\":[{\"operator\":\"OR\",\"negate\":false,\"cpeMatch\":[");
    crit(b, 1, 'a', p, "*", "wordpress", bounds);
    buf_lit(b, "]}]}");
  }
}

static void feed(Buf *b, const Opt *o, size_t nprod, size_t *ncfg) {
  buf_lit(b, "{\"format\":\"NVD_CVE\",\"version\":\"2.0\",\"vulnerabilities\":[");
  for (size_t c = 0; c < o->cves; c++) {
    buf_printf(b, "%s{\"cve\":{\"id\":\"CVE-%zu-%zu\",\"metrics\":{\"cvssMetricV31\":[{\"type\":\"Primary\","
               "\"cvssData\":{\"baseScore\":%zu.%zu}}]},\"configurations\":[", c ? "," : "", 2000 + c % 25, c, 1 + below(9), below(10));
    size_t k = below(10) == 0 ? 2 : 1;
    for (size_t i = 0; i < k; i++) {
      if (i) buf_putc(b, ',');
      config(b, nprod);
    }
    *ncfg += k;
    buf_lit(b, "]}}");
  }
  buf_lit(b, "]}");
}

static void inventory(VulnInventory *inv, const Opt *o, size_t nprod) {
  char cpe[256], plat[256], v[64], pr[64], ver[32];
  for (size_t i = 0; i < o->items; i++) {
    VulnItem *it = vuln_inventory_push(inv);
    size_t p = below(3) ? skewed(nprod) : below(nprod), r = below(100);
    Err e = {0};
    product_name(p, v, pr, sizeof v);
    version_str(ver, sizeof ver);
    plat[0] = '\0';
    snprintf(cpe, sizeof cpe, "cpe:2.3:%c:%s:%s:%s:*:*:*:*:%s:*:*", r < 8 ? 'o' : 'a', v, pr, ver, r >= 95 ? "wordpress" : "*");
    if (r < 8) {
      snprintf(plat, sizeof plat, "cpe:2.3:h:%s:%s:-:*:*:*:*:*:*:*", v, pr);
    } else if (r < 40) {
      product_name(nprod + below(8), v, pr, sizeof v);
      snprintf(plat, sizeof plat, "cpe:2.3:o:%s:%s:-:*:*:*:*:*:*:*", v, pr);
    }
    it->cpe_str = arena_strdup(inv->arena, cpe);
    it->name = it->cpe_str;
    it->internet = r % 3 == 0;
    it->criticality = 1 + (int)(r % 5);
    if (!vuln_item_prepare(inv->arena, it, plat, &e)) inv->n++;
  }
}

typedef struct Crit {
  uint32_t cve, cfg;
  const VulnCpeMatch *m;
} Crit;

static void flatten_node(const VulnNode *n, uint32_t c, uint32_t k, Crit **out, size_t *nc, size_t *cap) {
  for (uint32_t i = 0; i < n->nmatch; i++) {
    if (!n->match[i].vulnerable) continue;
    if (*nc == *cap) {
      *cap = *cap ? *cap * 2 : 1024;
      *out = realloc(*out, *cap * sizeof **out);
    }
    (*out)[(*nc)++] = (Crit){c, k, &n->match[i]};
  }
}

/* The naive matcher: test every vulnerable criterion of every CVE, then
 * evaluate the configuration of each criterion that holds. */
static size_t naive(const VulnDb *db, const Crit *cr, size_t nc, const VulnItem *it, uint32_t *seen, uint32_t stamp,
                    const char **ids) {
  size_t n = 0;
  for (size_t i = 0; i < nc; i++) {
    if (seen[cr[i].cve] == stamp || !vuln_cpematch_test(cr[i].m, &it->cpe, 0, NULL)) continue;
    if (n < 4096 && vuln_config_eval(&db->cve[cr[i].cve].cfg[cr[i].cfg], it, 0, NULL, NULL)) {
      seen[cr[i].cve] = stamp;
      ids[n++] = db->cve[cr[i].cve].id;
    }
  }
  return n;
}

static int by_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static int same_ids(const char **a, size_t na, const VulnMatchList *l, size_t from, size_t to) {
  const char *b[4096];
  size_t nb = 0;
  for (size_t i = from; i < to && nb < 4096; i++) b[nb++] = l->m[i].id;
  if (na != nb) return 0;
  qsort(a, na, sizeof *a, by_str);
  qsort(b, nb, sizeof *b, by_str);
  for (size_t i = 0; i < na; i++)
    if (strcmp(a[i], b[i])) return 0;
  return 1;
}

static int parse_opts(int argc, char **argv, Opt *o) {
  *o = (Opt){10000, 200000, 5000, 100, 1000, 42};
  for (int i = 1; i + 1 < argc; i += 2) {
    unsigned long long v = strtoull(argv[i + 1], NULL, 10);
    if (!strcmp(argv[i], "--items")) o->items = v;
    else if (!strcmp(argv[i], "--cves")) o->cves = v;
    else if (!strcmp(argv[i], "--vendors")) o->vendors = v;
    else if (!strcmp(argv[i], "--baseline-items")) o->baseline = v;
    else if (!strcmp(argv[i], "--new-cves")) o->fresh = v;
    else if (!strcmp(argv[i], "--seed")) o->seed = v;
    else return -1;
  }
  return o->items && o->cves && o->vendors ? 0 : -1;
}

static void baseline(const VulnDb *db, const VulnInventory *inv, const VulnMatchList *l, const size_t *first,
                     const Opt *o, double t_index) {
  Crit *cr = NULL;
  size_t nc = 0, cap = 0, agree = 0, matches = 0, b = o->baseline < inv->n ? o->baseline : inv->n;
  for (size_t c = 0; c < db->ncve; c++)
    for (uint32_t k = 0; k < db->cve[c].ncfg; k++)
      for (uint32_t j = 0; j < db->cve[c].cfg[k].nnode; j++) flatten_node(&db->cve[c].cfg[k].node[j], (uint32_t)c, k, &cr, &nc, &cap);
  uint32_t *seen = calloc(db->ncve + 1, sizeof *seen);
  const char **ids = malloc(4096 * sizeof *ids);
  double t0 = now();
  for (size_t i = 0; i < b; i++) {
    size_t n = naive(db, cr, nc, &inv->item[i], seen, (uint32_t)i + 1, ids);
    matches += n;
    agree += same_ids(ids, n, l, first[i], first[i + 1]);
  }
  double t_naive = now() - t0;
  double rate_naive = (double)b / t_naive, rate_index = (double)inv->n / t_index;
  printf("naive baseline (%zu criteria per item): %zu items in %.3f s = %.0f items/s, %zu matches\n", nc, b, t_naive, rate_naive, matches);
  printf("agreement with the index on those items: %zu/%zu\n", agree, b);
  printf("ratio indexed/naive: %.0fx\n", rate_index / rate_naive);
  free(cr);
  free(seen);
  free(ids);
}

/* A feed update: the last `k` CVEs arrive as new, each is matched against
 * the whole inventory by the reverse index and by a plain loop over items. */
static void new_advisories(const VulnDb *db, const VulnInventory *inv, VulnMatcher *m, size_t k) {
  VulnInvIndex *x = vuln_inv_index_new(inv->item, inv->n);
  VulnMatchList l = {0};
  size_t from = db->ncve > k ? db->ncve - k : 0, naive_hits = 0;
  double t0 = now();
  for (size_t c = from; c < db->ncve; c++) vuln_match_cve(m, x, c, &l);
  double t_rev = (now() - t0) / (double)(db->ncve - from);
  t0 = now();
  for (size_t c = from; c < db->ncve; c++)
    for (size_t i = 0; i < inv->n; i++)
      for (uint32_t g = 0; g < db->cve[c].ncfg; g++)
        if (vuln_config_eval(&db->cve[c].cfg[g], &inv->item[i], 0, NULL, NULL)) {
          naive_hits++;
          break;
        }
  double t_naive = (now() - t0) / (double)(db->ncve - from);
  printf("one new CVE against all %zu items: %.3f ms indexed, %.3f ms naive (every item x its configurations), ratio %.0fx; "
         "%zu vs %zu matches over %zu CVEs\n", inv->n, t_rev * 1e3, t_naive * 1e3, t_naive / t_rev, l.n, naive_hits, db->ncve - from);
  vuln_match_list_free(&l);
  vuln_inv_index_free(x);
}

int main(int argc, char **argv) {
  Opt o;
  if (parse_opts(argc, argv, &o)) {
    fprintf(stderr, "usage: bench_vuln [--items N] [--cves N] [--vendors N] [--baseline-items N] [--new-cves N] [--seed N]\n");
    return 2;
  }
  rng_state = o.seed * 2654435761ull + 1;
  size_t nprod = o.vendors * 4, ncfg = 0;
  Buf b;
  buf_init(&b, (size_t)4 << 30);
  double t0 = now();
  feed(&b, &o, nprod, &ncfg);
  VulnDb *db = vuln_db_new();
  VulnReport r = {0};
  Err e = {0};
  double t1 = now();
  if (b.err || vuln_nvd_load(db, "generated", b.p, b.n, &r, &e) || vuln_db_finish(db)) {
    fprintf(stderr, "bench: feed failed: %s\n", e.msg);
    return 2;
  }
  double t2 = now();
  printf("feed: %zu CVEs, %zu configurations, %.1f MB of NVD JSON (generated in %.2f s, parsed in %.2f s = %.0f CVEs/s)\n",
         db->ncve, ncfg, (double)b.n / 1e6, t1 - t0, t2 - t1, (double)db->ncve / (t2 - t1));
  buf_free(&b);
  VulnInventory inv;
  vuln_inventory_init(&inv);
  inventory(&inv, &o, nprod);
  double t3 = now();
  VulnMatcher *m = vuln_matcher_new(db, NULL);
  double t4 = now();
  size_t entries, keys, wild;
  vuln_matcher_stats(m, &entries, &keys, &wild);
  printf("index: %zu criteria under %zu vendor:product keys (%zu wildcard) built in %.3f s\n", entries, keys, wild, t4 - t3);
  VulnMatchList l = {0};
  size_t *first = malloc((inv.n + 1) * sizeof *first);
  double t5 = now();
  for (size_t i = 0; i < inv.n; i++) {
    first[i] = l.n;
    vuln_match_item(m, &inv.item[i], i, &l);
  }
  first[inv.n] = l.n;
  double t_index = now() - t5;
  size_t scanned, evaluated;
  vuln_matcher_work(m, &scanned, &evaluated);
  printf("indexed matcher: %zu items in %.3f s = %.0f items/s, %zu matches (per item: %.0f criteria looked at, %.1f configurations evaluated)\n",
         inv.n, t_index, (double)inv.n / t_index, l.n, (double)scanned / (double)inv.n, (double)evaluated / (double)inv.n);
  baseline(db, &inv, &l, first, &o, t_index);
  if (o.fresh) new_advisories(db, &inv, m, o.fresh);
  free(first);
  vuln_match_list_free(&l);
  vuln_matcher_free(m);
  vuln_inventory_free(&inv);
  vuln_db_free(db);
  return 0;
}
