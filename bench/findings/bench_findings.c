/* bench_findings.c — findings in the database at national scale: a generated
 * NVD-shaped feed (default 300,000 CVEs) and inventories (default 50,000
 * products over 357 organisations) in a fresh SQLite file; full import, full
 * match and one new CVE against every inventory, each beside a naive
 * baseline run in the same process, printed as ratios. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "db/db.h"
#include "findings/findings.h"
#include "findings/match_int.h"
#include "inventory/inventory.h"
#include "org/org.h"
#include "vuln/match.h"

static size_t NCVE = 300000, NPROD = 50000, NORG = 357, NNAMES, SAMPLE = 200, KEEP;
static unsigned long long rs = 88172645463325252ull;

static unsigned long long rnd(void) {
  rs ^= rs << 13;
  rs ^= rs >> 7;
  rs ^= rs << 17;
  return rs;
}
static size_t below(size_t n) { return (size_t)(rnd() % n); }
/* NVD's popularity is skewed: a few products carry most CVEs. */
static size_t popular(size_t n) {
  double u = (double)(rnd() % 1000003) / 1000003.0;
  return (size_t)(u * u * u * (double)n) % n;
}
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void names(size_t p, char *v, char *pr) {
  sprintf(v, "acme%zu", p / 5);
  sprintf(pr, "tool%zu", p);
}
static void version(char *out) { sprintf(out, "%zu.%zu.%zu", below(10), below(16), below(25)); }

static void criterion(Buf *b, int vuln, char part, size_t p, const char *ver, const char *tsw, const char *bounds) {
  char v[32], pr[32];
  names(p, v, pr);
  buf_printf(b, "{\"vulnerable\":%s,\"criteria\":\"cpe:2.3:%c:%s:%s:%s:*:*:*:*:%s:*:*\",\"matchCriteriaId\":\"x\"%s}",
             vuln ? "true" : "false", part, v, pr, ver, tsw, bounds);
}

static void bounds(char *out) {
  char a[32];
  version(a);
  size_t hi = 1 + below(10), mid = below(16);
  switch (below(3)) {
  case 0: sprintf(out, ",\"versionEndExcluding\":\"%zu.%zu\"", hi, mid); break;
  case 1: sprintf(out, ",\"versionEndIncluding\":\"%zu.%zu.%zu\"", hi, mid, below(25)); break;
  default: sprintf(out, ",\"versionStartIncluding\":\"%s\",\"versionEndExcluding\":\"%zu.%zu\"", a, hi + 1, mid); break;
  }
}

/* Shapes in roughly NVD's mix: ranges on one product, long lists of exact
 * versions, an application running on an OS (AND with a platform node),
 * firmware on hardware, and plugins for a target software. */
static void configuration(Buf *b) {
  size_t p = popular(NNAMES), r = below(100), n;
  char bd[160], ver[32];
  if (r < 55 || r >= 90) {
    buf_lit(b, "{\"nodes\":[{\"operator\":\"OR\",\"negate\":false,\"cpeMatch\":[");
    n = r < 55 ? 1 + below(3) : 1;
    for (size_t i = 0; i < n; i++) {
      if (i) buf_putc(b, ',');
      bounds(bd);
      if (r >= 96) criterion(b, 1, 'a', p, "*", "wordpress", bd);
      else if (r >= 90) criterion(b, 1, 'o', p, "*", "*", bd);
      else if (below(2)) criterion(b, 1, 'a', p, "*", "*", bd);
      else version(ver), criterion(b, 1, 'a', p, ver, "*", "");
    }
  } else if (r < 75) {
    buf_lit(b, "{\"nodes\":[{\"operator\":\"OR\",\"negate\":false,\"cpeMatch\":[");
    n = 5 + below(30);
    for (size_t i = 0; i < n; i++) {
      if (i) buf_putc(b, ',');
      version(ver);
      criterion(b, 1, 'a', p, ver, "*", "");
    }
  } else {
    bounds(bd);
    buf_lit(b, "{\"operator\":\"AND\",\"nodes\":[{\"operator\":\"OR\",\"negate\":false,\"cpeMatch\":[");
    criterion(b, 1, 'a', p, "*", "*", bd);
    buf_lit(b, "]},{\"operator\":\"OR\",\"negate\":false,\"cpeMatch\":[");
    criterion(b, 0, 'o', NNAMES + below(6), "-", "*", "");
  }
  buf_lit(b, "]}]}");
}

static void cve(Buf *b, size_t c) {
  buf_printf(b, "{\"cve\":{\"id\":\"CVE-%zu-%zu\",\"published\":\"2024-01-01T00:00:00.000\","
                "\"lastModified\":\"2024-02-01T00:00:00.000\",\"descriptions\":[{\"lang\":\"en\",\"value\":\"Generated.\"}],"
                "\"metrics\":{\"cvssMetricV31\":[{\"type\":\"Primary\",\"cvssData\":{\"version\":\"3.1\",\"baseScore\":%zu.%zu}}]},"
                "\"configurations\":[", 1999 + c % 27, 100000 + c, 1 + below(9), below(10));
  size_t k = below(10) ? 1 : 2;
  for (size_t i = 0; i < k; i++) {
    if (i) buf_putc(b, ',');
    configuration(b);
  }
  buf_lit(b, "]}}");
}

static void feed(Buf *b, size_t from, size_t n) {
  buf_lit(b, "{\"format\":\"NVD_CVE\",\"version\":\"2.0\",\"vulnerabilities\":[");
  for (size_t c = from; c < from + n; c++) {
    if (c > from) buf_putc(b, ',');
    cve(b, c);
  }
  buf_lit(b, "]}");
}

/* One organisation's products as a CycloneDX SBOM. */
static void sbom(Buf *b, size_t org, size_t n) {
  char v[32], pr[32], ver[32];
  buf_lit(b, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[");
  for (size_t i = 0; i < n; i++) {
    size_t p = below(4) ? below(NNAMES) : popular(NNAMES);   /* a quarter are the popular ones */
    names(p, v, pr);
    version(ver);
    buf_printf(b, "%s{\"type\":\"application\",\"name\":\"%s %s %zu-%zu\",\"version\":\"%s\","
                  "\"cpe\":\"cpe:2.3:a:%s:%s:%s:*:*:*:*:*:*:*\"}", i ? "," : "", pr, ver, org, i, ver, v, pr, ver);
  }
  buf_lit(b, "]}");
}

static int64_t mkorg(Db *db, const Principal *p, const char *name, OrgKind k, int64_t parent) {
  OrgNew o = {.parent_id = parent, .kind = k, .name = name, .population = -1};
  int64_t id = 0;
  Err e = {0};
  if (org_create(db, p, &o, &id, &e)) fprintf(stderr, "org: %s\n", e.msg), exit(2);
  return id;
}

static double inventories(Db *db, const Principal *p) {
  int64_t nat = mkorg(db, p, "Nasjonalt", ORG_NATIONAL, 0), reg = mkorg(db, p, "Region", ORG_REGION, nat);
  double t = 0;
  for (size_t o = 0; o < NORG; o++) {
    char name[64];
    snprintf(name, sizeof name, "Kommune %zu", o);
    int64_t id = mkorg(db, p, name, ORG_MUNICIPALITY, reg);
    Buf b;
    buf_init(&b, (size_t)64 << 20);
    size_t n = NPROD / NORG + (o < NPROD % NORG);
    sbom(&b, o, n);
    InvImportResult res;
    Err e = {0};
    double t0 = now();
    if (inv_import(db, p, id, "bench.json", b.p, b.n, false, &res, &e)) fprintf(stderr, "inv: %s\n", e.msg), exit(2);
    t += now() - t0;
    inv_import_result_free(&res);
    buf_free(&b);
  }
  return t;
}

/* Naive import floor: the same records inserted whole in one transaction,
 * with no parsing, checking or idempotency. */
static double import_floor(Db *db, const Buf *doc) {
  Err e = {0};
  db_exec(db, &e, "CREATE TABLE naive_cves (id TEXT PRIMARY KEY, record TEXT)", "");
  DbStmt *st = NULL;
  double t0 = now();
  db_begin(db, &e);
  db_prepare(db, &st, &e, "INSERT OR REPLACE INTO naive_cves VALUES (?, ?)");
  const char *p = strstr(doc->p, "{\"cve\"");
  size_t n = 0;
  while (p) {
    const char *next = strstr(p + 6, ",{\"cve\"");
    size_t len = next ? (size_t)(next - p) : strlen(p) - 2;
    char id[32];
    const char *q = p + 14;   /* after {"cve":{"id":" (no sscanf: it measures the whole rest) */
    size_t k = 0;
    while (k < 31 && q[k] && q[k] != '"') k++;
    memcpy(id, q, k);
    id[k] = '\0';
    db_reset(st);
    db_bind_text(st, 1, id);
    db_bind_textn(st, 2, p, len);
    db_step(st, &e);
    n++;
    p = next ? next + 1 : NULL;
  }
  db_finalize(st);
  db_commit(db, &e);
  return now() - t0;
}


typedef struct Crit {
  uint32_t cve, cfg;
  const VulnCpeMatch *m;
} Crit;

/* Every vulnerable criterion of every CVE, for the naive loop. */
static Crit *flatten(const VulnDb *v, size_t *n) {
  size_t cap = 1 << 20;
  Crit *c = malloc(cap * sizeof *c);
  *n = 0;
  for (size_t i = 0; i < v->ncve; i++)
    for (uint32_t k = 0; k < v->cve[i].ncfg; k++)
      for (uint32_t j = 0; j < v->cve[i].cfg[k].nnode; j++)
        for (uint32_t m = 0; m < v->cve[i].cfg[k].node[j].nmatch; m++) {
          const VulnCpeMatch *cm = &v->cve[i].cfg[k].node[j].match[m];
          if (!cm->vulnerable) continue;
          if (*n == cap) c = realloc(c, (cap *= 2) * sizeof *c);
          c[(*n)++] = (Crit){(uint32_t)i, k, cm};
        }
  return c;
}

/* The nested loop: each item against every criterion, then the configuration. */
static size_t naive_item(const VulnDb *v, const Crit *c, size_t nc, const VulnItem *it, uint32_t *seen, uint32_t stamp) {
  size_t hits = 0;
  for (size_t i = 0; i < nc; i++) {
    if (seen[c[i].cve] == stamp || !vuln_cpematch_test(c[i].m, &it->cpe, 0, NULL)) continue;
    if (vuln_config_eval(&v->cve[c[i].cve].cfg[c[i].cfg], it, 0, NULL, NULL)) {
      seen[c[i].cve] = stamp;
      hits++;
    }
  }
  return hits;
}

/* Naive store floor: the first run's rows copied by SQLite itself (no
 * binding, no logic) into an empty table of the same definition, its
 * secondary indexes built afterwards as the first run builds them, in one
 * transaction with its commit. */
static double store_floor(Db *db) {
  Err e = {0};
  char *sql = NULL;
  Buf b;
  buf_init(&b, 1 << 20);
  if (db_text(db, &e, &sql, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'findings'", "") || !sql)
    fprintf(stderr, "floor: %s\n", e.msg), exit(2);
  const char *name = strstr(sql, "findings");   /* CREATE TABLE "findings" (... */
  buf_append(&b, sql, (size_t)(name - sql));
  buf_puts(&b, "floor_findings");
  buf_puts(&b, name + strlen("findings"));
  double t0 = now();
  db_begin(db, &e);
  if (db_exec(db, &e, buf_cstr(&b), "") || db_exec(db, &e, "INSERT INTO floor_findings SELECT * FROM findings", "") ||
      db_exec(db, &e, "CREATE INDEX floor_vuln ON floor_findings(vuln_id)", "") ||
      db_exec(db, &e, "CREATE INDEX floor_org ON floor_findings(org_id, status, due_at)", "") ||
      db_exec(db, &e, "CREATE INDEX floor_acc ON floor_findings(accepted_until) WHERE status = 'accepted'", "") ||
      db_commit(db, &e))
    fprintf(stderr, "floor: %s\n", e.msg), exit(2);
  double t = now() - t0;
  db_exec(db, &e, "DROP TABLE floor_findings", "");
  free(sql);
  buf_free(&b);
  return t;
}

static void full_match(Db *db, const Principal *p, const VulnDb *v, FindItems *items) {
  FindMatchStats ms = {0};
  Err e = {0};
  double t0 = now();
  if (find_match_all(db, p, &ms, &e)) fprintf(stderr, "match: %s\n", e.msg), exit(2);
  double t_all = now() - t0;
  double t_floor = store_floor(db);
  FindMatchStats again = {0}, fresh = {0};
  t0 = now();
  find_match_all(db, p, &again, &e);
  double t_again = now() - t0;
  find_cache_flush();   /* as a new process: the feeds loaded and indexed again */
  t0 = now();
  find_match_all(db, p, &fresh, &e);
  double t_fresh = now() - t0;
  size_t nc = 0, hits_naive = 0, hits_index = 0, n = SAMPLE < items->n ? SAMPLE : items->n;
  Crit *c = flatten(v, &nc);
  uint32_t *seen = calloc(v->ncve + 1, sizeof *seen);
  VulnMatcher *m = vuln_matcher_new(v, NULL);
  VulnMatchList l = {0};
  t0 = now();
  for (size_t i = 0; i < n; i++) hits_naive += naive_item(v, c, nc, &items->item[i * (items->n / n)], seen, (uint32_t)i + 1);
  double t_naive = (now() - t0) / (double)n * (double)items->n;
  for (size_t i = 0; i < n; i++) vuln_match_item(m, &items->item[i * (items->n / n)], i, &l);
  for (size_t i = 0; i < l.n; i++) hits_index += l.m[i].source == VULN_SRC_NVD;
  printf("full match: %zu products, %zu matches -> %zu findings; total %.2f s = load+index %.2f s + match %.3f s + "
         "store/reconcile %.2f s\n", ms.products, ms.matches, ms.created, t_all, ms.ms_load / 1e3, ms.ms_match / 1e3,
         t_all - ms.ms_load / 1e3 - ms.ms_match / 1e3);
  printf("  naive store floor (the same %zu rows copied by SQLite, INSERT ... SELECT into the same table definition,"
         " indexes built after, one transaction): %.2f s; store/floor = %.1fx\n", ms.created, t_floor,
         (t_all - ms.ms_load / 1e3 - ms.ms_match / 1e3) / t_floor);
  printf("  again (feeds cached, nothing changes): %.2f s (match %.3f s); %zu new, %zu changed, %zu closed\n", t_again,
         again.ms_match / 1e3, again.created, again.updated + again.reopened, again.closed);
  printf("  again in a fresh process (nothing changes, feeds loaded again): %.2f s = load+index %.2f s + match %.3f s"
         " + compare/store %.2f s\n", t_fresh, fresh.ms_load / 1e3, fresh.ms_match / 1e3,
         t_fresh - fresh.ms_load / 1e3 - fresh.ms_match / 1e3);
  printf("  naive nested loop (%zu criteria per product), measured on %zu products and scaled to %zu: %.0f s; "
         "naive/indexed match = %.0fx; agreement on the sample: %zu vs %zu matches\n",
         nc, n, items->n, t_naive, t_naive / (ms.ms_match / 1e3), hits_naive, hits_index);
  free(c);
  free(seen);
  vuln_match_list_free(&l);
  vuln_matcher_free(m);
}

/* Each new CVE end to end: one import and one incremental run apiece.
 * Returns the mean time per CVE in seconds. */
static double new_cves_e2e(Db *db, const Principal *p, const Buf *b) {
  double t_sum = 0, t_max = 0, t_imp = 0;
  size_t created = 0, read = 0, k = 0;
  Err e = {0};
  for (const char *q = strstr(b->p, "{\"cve\""); q; k++) {
    const char *next = strstr(q + 6, ",{\"cve\"");
    size_t len = next ? (size_t)(next - q) : strlen(q) - 2;
    Buf one;
    buf_init(&one, 1 << 20);
    buf_lit(&one, "{\"vulnerabilities\":[");
    buf_append(&one, q, len);
    buf_lit(&one, "]}");
    FindFeedStats st = {0};
    FindMatchStats ms = {0};
    double t0 = now();
    find_feed_store(db, FIND_FEED_NVD, "new", one.p, one.n, NULL, NULL, NULL, &st, &e);
    double t1 = now();
    if (find_match_incremental(db, p, &ms, &e)) fprintf(stderr, "incremental: %s\n", e.msg), exit(2);
    double t = now() - t0;
    t_sum += t;
    t_imp += t1 - t0;
    t_max = t > t_max ? t : t_max;
    created += ms.created;
    read += ms.products;
    buf_free(&one);
    q = next ? next + 1 : NULL;
  }
  printf("each of %zu new CVEs end to end through the database (import, then an incremental run that reads only "
         "the products the CVE can name): mean %.1f ms (import %.1f ms), max %.1f ms; %zu products read, %zu new "
         "findings in all\n", k, t_sum / (double)k * 1e3, t_imp / (double)k * 1e3, t_max * 1e3, read, created);
  return k ? t_sum / (double)k : 0;
}

/* New CVEs on popular products: end to end through the database, and the
 * reverse index in memory, each beside every product x its configurations. */
static void new_cve(Db *db, const Principal *p, FindItems *items) {
  Buf b;
  Err e = {0};
  buf_init(&b, 1 << 20);
  feed(&b, NCVE, 100);
  double mean = new_cves_e2e(db, p, &b);
  VulnDb *v = vuln_db_new();
  VulnReport r = {0};
  vuln_nvd_load(v, "new", b.p, b.n, &r, &e);
  vuln_db_finish(v);
  VulnMatcher *m = vuln_matcher_new(v, NULL);
  VulnInvIndex *x = vuln_inv_index_new(items->item, items->n);
  VulnMatchList l = {0};
  double t0 = now();
  for (size_t c = 0; c < v->ncve; c++) vuln_match_cve(m, x, c, &l);
  double t_rev = (now() - t0) / (double)v->ncve;
  size_t naive = 0;
  t0 = now();
  for (size_t c = 0; c < v->ncve; c++)
    for (size_t i = 0; i < items->n; i++)
      for (uint32_t g = 0; g < v->cve[c].ncfg; g++)
        if (vuln_config_eval(&v->cve[c].cfg[g], &items->item[i], 0, NULL, NULL)) {
          naive++;
          break;
        }
  double t_naive = (now() - t0) / (double)v->ncve;
  printf("one new CVE against all %zu products in memory (reverse index, mean of %zu): %.4f ms; naive loop over "
         "every product %.2f ms; naive/indexed = %.0fx; %zu vs %zu matches\n",
         items->n, v->ncve, t_rev * 1e3, t_naive * 1e3, t_naive / t_rev, l.n, naive);
  FindItems again = {0};
  t0 = now();
  find_items_all(db, &again, &e);
  double t_read = now() - t0;
  find_items_free(&again);
  printf("  naive end to end (read every inventory from the database, then the loop): %.0f ms per CVE; "
         "naive/ours = %.0fx\n", (t_read + t_naive) * 1e3, (t_read + t_naive) / mean);
  vuln_match_list_free(&l);
  vuln_inv_index_free(x);
  vuln_matcher_free(m);
  vuln_db_free(v);
  buf_free(&b);
}

static int bench_match(Db *db, const Principal *p, const char *dir) {
  VulnDb *v = NULL;
  FindItems items = {0};
  Err e = {0};
  double t0 = now();
  if (find_load_vulndb(db, 0, &v, &e) || find_items_all(db, &items, &e)) return fprintf(stderr, "%s\n", e.msg), 2;
  printf("(baseline set-up: feeds and %zu products read back in %.1f s)\n", items.n, now() - t0);
  full_match(db, p, v, &items);
  new_cve(db, p, &items);
  vuln_db_free(v);
  find_items_free(&items);
  db_close(db);
  if (KEEP) return printf("database kept: %s/bench.db\n", dir), 0;
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) ? 2 : 0;
}

int main(int argc, char **argv) {
  for (int i = 1; i + 1 < argc; i += 2) {
    size_t v = strtoull(argv[i + 1], NULL, 10);
    if (!strcmp(argv[i], "--cves")) NCVE = v;
    else if (!strcmp(argv[i], "--products")) NPROD = v;
    else if (!strcmp(argv[i], "--orgs")) NORG = v;
    else if (!strcmp(argv[i], "--sample")) SAMPLE = v;
    else if (!strcmp(argv[i], "--keep")) KEEP = v;
    else return fprintf(stderr, "usage: bench_findings [--cves N] [--products N] [--orgs N] [--sample N] [--keep 1]\n"), 2;
  }
  if (!NCVE || !NPROD || !NORG || !SAMPLE) return 2;
  NNAMES = NCVE / 3 + 1;   /* NVD: roughly one product name per three CVEs */
  char dir[] = "/tmp/varde-bench-findings-XXXXXX", path[300];
  if (!mkdtemp(dir)) return 2;
  snprintf(path, sizeof path, "%s/bench.db", dir);
  Db *db = NULL;
  Err e = {0};
  Principal cli;
  auth_principal_cli(&cli);
  if (db_open(&db, path, DB_OPEN_CREATE, &e)) return fprintf(stderr, "%s\n", e.msg), 2;

  Buf doc;
  buf_init(&doc, (size_t)4 << 30);
  double t0 = now();
  feed(&doc, 0, NCVE);
  printf("generated %zu CVEs (%.0f MB of NVD JSON) in %.1f s\n", NCVE, (double)doc.n / 1e6, now() - t0);

  /* 1. full import */
  FindFeedStats st = {0};
  t0 = now();
  if (find_feed_store(db, FIND_FEED_NVD, "bench", doc.p, doc.n, stderr, NULL, NULL, &st, &e))
    return fprintf(stderr, "import: %s\n", e.msg), 2;
  double t_import = now() - t0;
  FindFeedStats st2 = {0};
  t0 = now();
  find_feed_store(db, FIND_FEED_NVD, "bench", doc.p, doc.n, NULL, NULL, NULL, &st2, &e);
  double t_reimport = now() - t0;
  double t_floor = import_floor(db, &doc);
  buf_free(&doc);
  printf("full import: %zu CVEs in %.2f s (%.0f/s); re-import (all unchanged) %.2f s; naive floor (bare INSERT "
         "of the same records, no parsing or checks) %.2f s; import/floor = %.1fx\n",
         st.added, t_import, (double)st.added / t_import, t_reimport, t_floor, t_import / t_floor);

  double t_inv = inventories(db, &cli);
  printf("inventories: %zu products in %zu organisations imported in %.1f s\n", NPROD, NORG, t_inv);
  return bench_match(db, &cli, dir);
}
