/* bench_vuln.c — matching benchmark on the scale (gen.c: 300,000
 * NVD-shaped CVEs, 50,000 products in 357 organisations): full match by the
 * whole-inventory matcher, by the item-at-a-time matcher and by a naive
 * loop, one new advisory by the reverse index and by a loop, in one process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "gen.h"
#include "vuln/match.h"

typedef struct Opt {
  GenOpt g;
  size_t baseline, fresh, fresh_naive;
  unsigned threads, repeat;
  int skip_plain;
} Opt;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double peak_mb(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (double)u.ru_maxrss / 1024.0;
}

static int parse_opts(int argc, char **argv, Opt *o) {
  *o = (Opt){{300000, 20000, 357, 50000, 42}, 100, 1000, 50, 0, 3, 0};
  for (int i = 1; i + 1 < argc; i += 2) {
    unsigned long long v = strtoull(argv[i + 1], NULL, 10);
    if (!strcmp(argv[i], "--items")) o->g.items = v;
    else if (!strcmp(argv[i], "--cves")) o->g.cves = v;
    else if (!strcmp(argv[i], "--vendors")) o->g.vendors = v;
    else if (!strcmp(argv[i], "--orgs")) o->g.orgs = v;
    else if (!strcmp(argv[i], "--baseline-items")) o->baseline = v;
    else if (!strcmp(argv[i], "--new-cves")) o->fresh = v;
    else if (!strcmp(argv[i], "--new-cves-naive")) o->fresh_naive = v;
    else if (!strcmp(argv[i], "--threads")) o->threads = (unsigned)v;
    else if (!strcmp(argv[i], "--repeat")) o->repeat = v ? (unsigned)v : 1;
    else if (!strcmp(argv[i], "--skip-plain")) o->skip_plain = v != 0;
    else if (!strcmp(argv[i], "--seed")) o->g.seed = v;
    else return -1;
  }
  return o->g.items && o->g.cves && o->g.vendors && o->g.orgs ? 0 : -1;
}

static VulnDb *load_feed(Gen *g, const Opt *o) {
  Buf b;
  size_t ncfg = 0;
  buf_init(&b, (size_t)4 << 30);
  double t0 = now();
  gen_feed(g, &b, 0, o->g.cves, &ncfg);
  VulnDb *db = vuln_db_new();
  VulnReport r = {0};
  Err e = {0};
  double t1 = now();
  if (b.err || !db || vuln_nvd_load(db, "generated", b.p, b.n, &r, &e) || vuln_db_finish(db)) {
    fprintf(stderr, "bench: feed failed: %s\n", e.msg);
    exit(2);
  }
  double t2 = now();
  size_t crit = 0;
  for (size_t c = 0; c < db->ncve; c++)
    for (uint32_t k = 0; k < db->cve[c].ncfg; k++)
      for (uint32_t j = 0; j < db->cve[c].cfg[k].nnode; j++) crit += db->cve[c].cfg[k].node[j].nmatch;
  printf("feed: %zu CVEs, %zu configurations, %zu criteria, %.0f MB of NVD JSON (generated %.1f s, parsed %.1f s = %.0f CVEs/s)\n",
         db->ncve, ncfg, crit, (double)b.n / 1e6, t1 - t0, t2 - t1, (double)db->ncve / (t2 - t1));
  buf_free(&b);
  return db;
}

static int by_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* Distinct (CPE, platforms) among the items: what de-duplication can save. */
static size_t distinct_items(const VulnInventory *inv) {
  char **k = malloc(inv->n * sizeof *k);
  size_t d = 0;
  for (size_t i = 0; i < inv->n; i++) {
    char p[1100] = "";
    if (inv->item[i].nplatform) vuln_cpe_bind_fs(&inv->item[i].platform[0], p, sizeof p);
    size_t len = strlen(inv->item[i].cpe_str) + strlen(p) + 2;
    k[i] = malloc(len);
    snprintf(k[i], len, "%s|%s", inv->item[i].cpe_str, p);
  }
  qsort(k, inv->n, sizeof *k, by_str);
  for (size_t i = 0; i < inv->n; i++) d += !i || strcmp(k[i], k[i - 1]);
  for (size_t i = 0; i < inv->n; i++) free(k[i]);
  free(k);
  return d;
}

static int by_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

static void match_spread(const VulnMatchList *l, size_t n) {
  size_t *per = calloc(n, sizeof *per), zero = 0;
  for (size_t i = 0; i < l->n; i++) per[l->m[i].item]++;
  for (size_t i = 0; i < n; i++) zero += per[i] == 0;
  qsort(per, n, sizeof *per, by_size);
  printf("matches per item: mean %.1f, median %zu, p90 %zu, p99 %zu, max %zu; %.0f %% of items have none\n",
         (double)l->n / (double)n, per[n / 2], per[n * 9 / 10], per[n * 99 / 100], per[n - 1], 100.0 * (double)zero / (double)n);
  free(per);
}

/* Same pairs in the same order, with the same evidence and priority. */
static int same_lists(const VulnMatchList *a, const VulnMatchList *b) {
  if (a->n != b->n) return 0;
  for (size_t i = 0; i < a->n; i++) {
    const VulnMatch *x = &a->m[i], *y = &b->m[i];
    if (x->item != y->item || strcmp(x->id, y->id) || x->hit != y->hit || x->cfg != y->cfg ||
        x->priority != y->priority || strcmp(x->confidence, y->confidence))
      return 0;
  }
  return 1;
}

typedef struct Crit {
  uint32_t cve, cfg;
  const VulnCpeMatch *m;
} Crit;

static Crit *flatten(const VulnDb *db, size_t *nc) {
  size_t cap = 1 << 20;
  Crit *cr = malloc(cap * sizeof *cr);
  *nc = 0;
  for (size_t c = 0; c < db->ncve; c++)
    for (uint32_t k = 0; k < db->cve[c].ncfg; k++)
      for (uint32_t j = 0; j < db->cve[c].cfg[k].nnode; j++) {
        const VulnNode *n = &db->cve[c].cfg[k].node[j];
        for (uint32_t i = 0; i < n->nmatch; i++) {
          if (!n->match[i].vulnerable) continue;
          if (*nc == cap) cr = realloc(cr, (cap *= 2) * sizeof *cr);
          cr[(*nc)++] = (Crit){(uint32_t)c, k, &n->match[i]};
        }
      }
  return cr;
}

/* The naive matcher: every vulnerable criterion of every CVE against the
 * item, then the configuration of each one that holds. Returns matches;
 * agree is set if they are the CVEs the index found for the item. */
static size_t naive_item(const VulnDb *db, const Crit *cr, size_t nc, const VulnItem *it, uint8_t *seen,
                         const VulnMatchList *l, size_t from, size_t to, int *agree) {
  size_t n = 0;
  memset(seen, 0, db->ncve);
  for (size_t i = 0; i < nc; i++) {
    if (seen[cr[i].cve] || !vuln_cpematch_test(cr[i].m, &it->cpe, 0, NULL)) continue;
    if (vuln_config_eval(&db->cve[cr[i].cve].cfg[cr[i].cfg], it, 0, NULL, NULL)) {
      seen[cr[i].cve] = 1;
      n++;
    }
  }
  *agree = n == to - from;
  for (size_t i = from; i < to && *agree; i++) *agree = seen[(size_t)atol(strrchr(l->m[i].id, '-') + 1) - 10000];
  return n;
}

/* Runs the naive loop on `b` items spread evenly over the inventory. */
static double naive(const VulnDb *db, const VulnInventory *inv, const VulnMatchList *l, size_t b) {
  size_t nc, agree = 0, matches = 0, *first = calloc(inv->n + 1, sizeof *first);
  Crit *cr = flatten(db, &nc);
  uint8_t *seen = malloc(db->ncve);
  for (size_t i = 0, k = 0; i <= inv->n; i++) {
    while (k < l->n && l->m[k].item < i) k++;
    first[i] = k;
  }
  if (b > inv->n) b = inv->n;
  double t0 = now();
  for (size_t s = 0; s < b; s++) {
    size_t i = s * inv->n / b;
    int ok;
    matches += naive_item(db, cr, nc, &inv->item[i], seen, l, first[i], first[i + 1], &ok);
    agree += ok;
  }
  double t = now() - t0, full = t / (double)b * (double)inv->n;
  printf("naive loop (%zu criteria per item): %zu items in %.2f s = %.1f items/s, %zu matches; agrees with the index on %zu/%zu items\n",
         nc, b, t, (double)b / t, matches, agree, b);
  printf("naive full match, extrapolated from those items: %.0f s\n", full);
  free(cr);
  free(seen);
  free(first);
  return full;
}

static double thread_cpu(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int by_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Each CVE from `from` on by the reverse index: mean, p99 and worst wall
 * time, and the worst CPU time (which a preemption on the shared machine
 * does not inflate). */
static size_t reverse_times(const VulnDb *db, const VulnInventory *inv, VulnMatcher *m, size_t from) {
  VulnInvIndex *x = vuln_inv_index_new(inv->item, inv->n);
  VulnMatchList l = {0};
  size_t k = db->ncve - from;
  double *wall = malloc(k * sizeof *wall), worst_cpu = 0, sum = 0;
  for (size_t c = from; c < db->ncve; c++) {
    double t = now(), u = thread_cpu();
    vuln_match_cve(m, x, c, &l);
    double du = thread_cpu() - u;
    wall[c - from] = now() - t;
    sum += wall[c - from];
    if (du > worst_cpu) worst_cpu = du;
  }
  qsort(wall, k, sizeof *wall, by_double);
  printf("one new CVE against all %zu items by the reverse index (%zu CVEs): mean %.3f ms, p99 %.3f ms, worst %.3f ms wall "
         "(worst CPU time %.3f ms)\n", inv->n, k, sum / (double)k * 1e3, wall[k * 99 / 100] * 1e3, wall[k - 1] * 1e3,
         worst_cpu * 1e3);
  size_t n = l.n;
  free(wall);
  vuln_match_list_free(&l);
  vuln_inv_index_free(x);
  return n;
}

/* A feed update: the last `k` CVEs arrive as new; each is matched against
 * every inventory by the reverse index, and (for k_naive of them) by a loop
 * over all items and their configurations. */
static void new_advisories(const VulnDb *db, const VulnInventory *inv, VulnMatcher *m, size_t k, size_t k_naive,
                           const VulnMatchList *full) {
  size_t from = db->ncve > k ? db->ncve - k : 0, naive_hits = 0, fwd = 0;
  double t0 = now();
  size_t rev = reverse_times(db, inv, m, from);
  double t_rev = (now() - t0) / (double)(db->ncve - from);
  for (size_t i = 0; i < full->n; i++) fwd += (size_t)atol(strrchr(full->m[i].id, '-') + 1) - 10000 >= from;
  size_t nn = k_naive < db->ncve - from ? k_naive : db->ncve - from;
  t0 = now();
  for (size_t c = db->ncve - nn; c < db->ncve; c++)
    for (size_t i = 0; i < inv->n; i++)
      for (uint32_t g = 0; g < db->cve[c].ncfg; g++)
        if (vuln_config_eval(&db->cve[c].cfg[g], &inv->item[i], 0, NULL, NULL)) {
          naive_hits++;
          break;
        }
  double t_naive = nn ? (now() - t0) / (double)nn : 0;
  printf("naive loop over every item and configuration: %.3f ms per CVE (mean of %zu; %zu matches); ratio to the index %.0fx\n",
         t_naive * 1e3, nn, naive_hits, t_naive / t_rev);
  printf("reverse matches %zu, forward matches of the same CVEs %zu (%s)\n", rev, fwd, rev == fwd ? "agree" : "DISAGREE");
}

/* The whole-inventory matcher, run `repeat` times (the build machine is
 * shared: the best run is the one least disturbed, the median is shown too). */
static double full_match(VulnMatcher *m, const VulnInventory *inv, unsigned threads, unsigned repeat, VulnMatchList *l,
                         const char *what) {
  double t[32], cpu = 1e9, first = 0;
  if (repeat > 32) repeat = 32;
  for (unsigned r = 0; r < repeat; r++) {
    l->n = 0;
    double t0 = now(), c0 = cpu_now();
    if (vuln_match_items(m, inv->item, inv->n, threads, l)) {
      fprintf(stderr, "bench: out of memory\n");
      exit(2);
    }
    t[r] = now() - t0;
    if (!r) first = t[r];
    if (cpu_now() - c0 < cpu) cpu = cpu_now() - c0;
  }
  qsort(t, repeat, sizeof *t, by_double);
  printf("%s: %zu items in %.3f s wall (best of %u; median %.3f s; first run, into a fresh list, %.3f s; least CPU time "
         "%.3f s) = %.0f items/s, %zu matches\n", what, inv->n, t[0], repeat, t[repeat / 2], first, cpu,
         (double)inv->n / t[0], l->n);
  return t[0];
}

static double plain_match(VulnMatcher *m, const VulnInventory *inv, VulnMatchList *l) {
  size_t scanned, evaluated, s0, e0;
  vuln_matcher_work(m, &s0, &e0);
  double t0 = now(), c0 = cpu_now();
  for (size_t i = 0; i < inv->n; i++) vuln_match_item(m, &inv->item[i], i, l);
  double t = now() - t0, cpu = cpu_now() - c0;
  vuln_matcher_work(m, &scanned, &evaluated);
  scanned -= s0;
  evaluated -= e0;
  printf("item at a time (vuln_match_item): %zu items in %.3f s wall (CPU %.3f s) = %.0f items/s, %zu matches (per item %.0f criteria looked at, %.1f configurations evaluated)\n",
         inv->n, t, cpu, (double)inv->n / t, l->n, (double)scanned / (double)inv->n, (double)evaluated / (double)inv->n);
  return t;
}

static void run(const Opt *o, Gen *g, VulnDb *db, VulnInventory *inv) {
  double t0 = now(), c0 = cpu_now();
  VulnMatcher *m = vuln_matcher_new(db, NULL);
  if (!m) exit(2);
  size_t entries, keys, wild;
  vuln_matcher_stats(m, &entries, &keys, &wild);
  printf("index: %zu criteria under %zu keys (%zu wildcard) built in %.2f s wall (CPU %.2f s); peak RSS so far %.0f MB\n",
         entries, keys, wild, now() - t0, cpu_now() - c0, peak_mb());
  VulnMatchList one = {0}, all = {0}, plain = {0};
  double t1 = full_match(m, inv, 1, o->repeat, &one, "whole inventory, 1 thread (vuln_match_items)");
  double tn = full_match(m, inv, o->threads, o->repeat, &all, "whole inventory, all cores (vuln_match_items)");
  match_spread(&all, inv->n);
  printf("peak RSS so far %.0f MB (two match lists of %zu bytes a match)\n", peak_mb(), sizeof(VulnMatch));
  printf("1-thread and all-core results identical: %s\n", same_lists(&one, &all) ? "yes" : "NO");
  double tp = 0;
  if (!o->skip_plain) {
    tp = plain_match(m, inv, &plain);
    printf("whole-inventory and item-at-a-time results identical: %s\n", same_lists(&plain, &all) ? "yes" : "NO");
  }
  double tnaive = o->baseline ? naive(db, inv, &all, o->baseline) : 0;
  if (o->fresh) new_advisories(db, inv, m, o->fresh, o->fresh_naive, &all);
  printf("\n| full match of %zu items × %zu CVEs | time | vs naive |\n|---|---|---|\n", inv->n, db->ncve);
  printf("| whole inventory, all cores | %.2f s | %.0fx |\n| whole inventory, 1 thread | %.2f s | %.0fx |\n", tn,
         tnaive / tn, t1, tnaive / t1);
  if (tp > 0) printf("| item at a time, 1 thread | %.2f s | %.0fx |\n", tp, tnaive / tp);
  printf("| naive loop (extrapolated) | %.0f s | 1x |\n", tnaive);
  printf("target: full match under 2 s -> %s; peak RSS %.0f MB (three match lists kept for the comparisons)\n",
         tn < 2 ? "met" : "NOT met", peak_mb());
  (void)g;
  vuln_match_list_free(&one);
  vuln_match_list_free(&all);
  vuln_match_list_free(&plain);
  vuln_matcher_free(m);
}

int main(int argc, char **argv) {
  Opt o;
  if (parse_opts(argc, argv, &o)) {
    fprintf(stderr, "usage: bench_vuln [--cves N] [--items N] [--orgs N] [--vendors N] [--baseline-items N]\n"
                    "                  [--new-cves N] [--new-cves-naive N] [--threads N] [--repeat N] [--skip-plain 1] [--seed N]\n");
    return 2;
  }
  Gen *g = gen_new(&o.g);
  VulnInventory inv;
  uint32_t *org = malloc(o.g.items * sizeof *org);
  if (!g || !org || vuln_inventory_init(&inv)) return 2;
  VulnDb *db = load_feed(g, &o);
  if (gen_inventory(g, &inv, org)) {
    fprintf(stderr, "bench: inventory failed\n");
    return 2;
  }
  printf("inventory: %zu products in %zu organisations, %zu distinct (CPE, platform) pairs\n", inv.n, o.g.orgs, distinct_items(&inv));
  run(&o, g, db, &inv);
  vuln_inventory_free(&inv);
  vuln_db_free(db);
  gen_free(g);
  free(org);
  return 0;
}
