/* test_vuln_match_all.c — whole-inventory matching (de-duplicated, threaded)
 * gives exactly what item-at-a-time matching gives, and the index gives the
 * CVEs a naive evaluation of every configuration gives: on the real NVD page
 * and on a generated feed full of collisions, wildcards, NA and platforms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "test.h"
#include "vuln/inventory.h"
#include "vuln/match.h"

static const char *shared(void) {
  const char *s = getenv("VARDE_SHARED");
  return s ? s : "../shared";
}

static unsigned long long rng = 88172645463325252ull;
static size_t below(size_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (size_t)(rng % n);
}

/* Same pairs, order, evidence, confidence and priority. */
static int same(const VulnMatchList *a, const VulnMatchList *b) {
  if (a->n != b->n) {
    fprintf(stderr, "lengths %zu and %zu\n", a->n, b->n);
    return 0;
  }
  for (size_t i = 0; i < a->n; i++) {
    const VulnMatch *x = &a->m[i], *y = &b->m[i];
    if (x->item != y->item || strcmp(x->id, y->id) || x->hit != y->hit || x->cfg != y->cfg || x->prod != y->prod ||
        x->priority != y->priority || strcmp(x->priority_class, y->priority_class) ||
        strcmp(x->confidence, y->confidence) || x->relaxed != y->relaxed) {
      fprintf(stderr, "match %zu differs: item %zu %s / item %zu %s\n", i, x->item, x->id, y->item, y->id);
      return 0;
    }
  }
  return 1;
}

static int by_pair(const void *a, const void *b) {
  const VulnMatch *x = a, *y = b;
  if (x->item != y->item) return x->item < y->item ? -1 : 1;
  return strcmp(x->id, y->id);
}

/* The reverse index finds the NVD pairs of forward matching, each with the
 * same priority (the order differs). */
static int same_pairs(const VulnMatchList *fwd, const VulnMatchList *rev) {
  VulnMatch *a = malloc((fwd->n + 1) * sizeof *a), *b = malloc((rev->n + 1) * sizeof *b);
  size_t na = 0, ok = 1;
  for (size_t i = 0; i < fwd->n; i++)
    if (fwd->m[i].source == VULN_SRC_NVD) a[na++] = fwd->m[i];
  memcpy(b, rev->m, rev->n * sizeof *b);
  qsort(a, na, sizeof *a, by_pair);
  qsort(b, rev->n, sizeof *b, by_pair);
  ok = na == rev->n;
  for (size_t i = 0; ok && i < na; i++)
    ok = a[i].item == b[i].item && !strcmp(a[i].id, b[i].id) && a[i].priority == b[i].priority;
  free(a);
  free(b);
  return (int)ok;
}

/* The CVEs of item i by evaluating every configuration of every CVE. */
static size_t naive_count(const VulnDb *db, const VulnItem *it, unsigned relax) {
  size_t n = 0;
  if (!it->has_cpe) return 0;
  if (it->derived) relax |= 1u << CPE_PART;
  for (size_t c = 0; c < db->ncve; c++)
    for (uint32_t k = 0; k < db->cve[c].ncfg; k++)
      if (vuln_config_eval(&db->cve[c].cfg[k], it, relax, NULL, NULL)) {
        n++;
        break;
      }
  return n;
}

/* Every way of matching agrees on items[0..n). Returns the match count. */
static size_t agree(const VulnDb *db, const VulnItem *items, size_t n, int relax) {
  VulnMatchOpts o = {relax != 0};
  VulnMatcher *m = vuln_matcher_new(db, &o);
  VulnMatchList plain = {0}, one = {0}, two = {0}, rev = {0};
  size_t *per = calloc(n, sizeof *per), bad = 0;
  for (size_t i = 0; i < n; i++) CHECK_INT(vuln_match_item(m, &items[i], i, &plain), 0);
  CHECK_INT(vuln_match_items(m, items, n, 1, &one), 0);
  CHECK_INT(vuln_match_items(m, items, n, 2, &two), 0);
  CHECK(same(&plain, &one));
  CHECK(same(&plain, &two));
  /* a matcher made over the first third of the CVEs, then extended by the
   * rest, as a full run builds it while decoding, matches the same */
  VulnDb part = *db;
  part.ncve = db->ncve / 3;
  VulnMatcher *mp = vuln_matcher_new(&part, &o);
  VulnMatchList parts = {0};
  part.ncve = db->ncve;
  CHECK(mp && vuln_matcher_extend(mp) == 0);
  CHECK(mp && vuln_match_items(mp, items, n, 1, &parts) == 0);
  CHECK(same(&plain, &parts));
  vuln_match_list_free(&parts);
  vuln_matcher_free(mp);
  for (size_t i = 0; i < plain.n; i++) per[plain.m[i].item] += plain.m[i].source == VULN_SRC_NVD;
  for (size_t i = 0; i < n; i++) bad += per[i] != naive_count(db, &items[i], relax ? VULN_RELAX_CONTEXT : 0);
  CHECK_INT(bad, 0);
  VulnInvIndex *x = vuln_inv_index_new(items, n);
  for (size_t c = 0; c < db->ncve; c++) CHECK_INT(vuln_match_cve(m, x, c, &rev), 0);
  CHECK(same_pairs(&plain, &rev));
  vuln_inv_index_free(x);
  size_t total = plain.n;
  vuln_match_list_free(&plain);
  vuln_match_list_free(&one);
  vuln_match_list_free(&two);
  vuln_match_list_free(&rev);
  vuln_matcher_free(m);
  free(per);
  return total;
}

static void add_item(VulnInventory *inv, const char *cpe, const char *plat) {
  VulnItem *it = vuln_inventory_push(inv);
  Err e = {0};
  it->cpe_str = arena_strdup(inv->arena, cpe);
  it->internet = below(2);
  it->criticality = (int)below(6);
  if (vuln_item_prepare(inv->arena, it, plat, &e)) fprintf(stderr, "item %s: %s\n", cpe, e.msg);
  else inv->n++;
}

/* Items from the page's own criteria: each version bound, version 0 and
 * each exact version,
 * on its own and on Windows, macOS or Linux, several times each. */
static void page_items(const VulnDb *db, VulnInventory *inv) {
  static const char *const plats[] = {"", "cpe:2.3:o:microsoft:windows:10:*:*:*:*:*:*:*",
                                      "cpe:2.3:o:apple:macos:-:*:*:*:*:*:*:*",
                                      "cpe:2.3:o:linux:linux_kernel:6.1:*:*:*:*:*:*:*"};
  char cpe[1200];
  for (size_t c = 0; c < db->ncve; c++)
    for (uint32_t k = 0; k < db->cve[c].ncfg; k++)
      for (uint32_t j = 0; j < db->cve[c].cfg[k].nnode; j++)
        for (uint32_t i = 0; i < db->cve[c].cfg[k].node[j].nmatch; i++) {
          const VulnCpeMatch *cm = &db->cve[c].cfg[k].node[j].match[i];
          const char *vs[6] = {cm->vsi, cm->vse, cm->vei, cm->vee, "0", NULL};
          VulnCpe t = cm->cpe;
          for (int b = 0; b < 6; b++) {
            char qv[256];
            if (b < 5 && (!vs[b] || vuln_cpe_quote(vs[b], qv, sizeof qv) < 0)) continue;
            if (b < 5) t.v[CPE_VERSION] = qv;
            if (vuln_cpe_bind_fs(&t, cpe, sizeof cpe) < 0) continue;
            for (int d = 0; d < 4; d++) add_item(inv, cpe, plats[below(4)]);
          }
        }
}

TEST(real_page) {
  char path[1024];
  snprintf(path, sizeof path, "%s/data/nvd/api2-page-38-cves.json", shared());
  VulnDb *db = vuln_db_new();
  VulnReport r = {0};
  Err e = {0};
  if (vuln_load_path(db, path, &r, &e) == VERR_IO) {
    printf("# skip: %s not found\n", path);
    vuln_db_free(db);
    return;
  }
  vuln_db_finish(db);
  VulnInventory inv;
  vuln_inventory_init(&inv);
  page_items(db, &inv);
  CHECK(inv.n > 150);
  size_t strict = agree(db, inv.item, inv.n, 0), relaxed = agree(db, inv.item, inv.n, 1);
  CHECK(strict > 50);
  CHECK(relaxed >= strict);
  printf("# real page: %zu items, %zu matches strict, %zu relaxed\n", inv.n, strict, relaxed);
  vuln_inventory_free(&inv);
  vuln_db_free(db);
}

/* ---- a generated feed: few names, so many collisions ---- */

static void vname(char *out, size_t cap, int crit) {
  static const char *const v[] = {"acme", "globex", "initech", "umbrella"};
  size_t r = below(40);
  if (crit && r == 0) snprintf(out, cap, "*");
  else if (crit && r == 1) snprintf(out, cap, "acm*");
  else snprintf(out, cap, "%s", v[below(4)]);
}

static void pname(char *out, size_t cap, int crit) {
  static const char *const p[] = {"web", "db", "os", "agent", "web_server"};
  size_t r = below(40);
  if (crit && r == 0) snprintf(out, cap, "web*");
  else if (crit && r == 1) snprintf(out, cap, "?b");
  else snprintf(out, cap, "%s", p[below(5)]);
}

static void ver(char *out, size_t cap) {
  static const char *const pre[] = {"", "", "", "rc1", "a", "-beta2"};
  snprintf(out, cap, "%zu.%zu%s%s", below(4), below(6), below(3) ? "" : ".1", pre[below(6)]);
}

static void crit(Buf *b, int vul, int bounds) {
  static const char parts[] = "aohx-";
  static const char *const upd[] = {"*", "*", "*", "-", "p7"};
  static const char *const keys[] = {"versionStartIncluding", "versionStartExcluding", "versionEndIncluding",
                                     "versionEndExcluding"};
  char v[32], p[32], x[32];
  vname(v, sizeof v, 1);
  pname(p, sizeof p, 1);
  ver(x, sizeof x);
  char part = parts[below(5)];
  buf_printf(b, "{\"vulnerable\":%s,\"criteria\":\"cpe:2.3:%c:%s:%s:%s:%s:*:*:*:%s:*:*\"", vul ? "true" : "false",
             part == 'x' ? '*' : part, v, p, bounds ? "*" : below(5) ? x : "-", upd[below(5)], below(8) ? "*" : "wordpress");
  for (int k = 0; bounds && k < 4; k++)
    if (below(2)) {
      ver(x, sizeof x);
      buf_printf(b, ",\"%s\":\"%s\"", keys[k], x);
    }
  buf_lit(b, "}");
}

/* Now and then a node of two nested nodes, as in NVD's "children" form. */
static void node(Buf *b, int depth) {
  size_t n = 1 + below(4);
  if (!depth && below(6) == 0) {
    buf_printf(b, "{\"operator\":\"%s\",\"children\":[", below(2) ? "OR" : "AND");
    node(b, 1);
    buf_putc(b, ',');
    node(b, 1);
    buf_lit(b, "]}");
    return;
  }
  buf_printf(b, "{\"operator\":\"%s\",\"negate\":%s,\"cpeMatch\":[", below(4) ? "OR" : "AND", below(8) ? "false" : "true");
  for (size_t i = 0; i < n; i++) {
    if (i) buf_putc(b, ',');
    crit(b, below(4) != 0, below(2));
  }
  buf_lit(b, "]}");
}

static void gen_feed(Buf *b, size_t ncve) {
  buf_lit(b, "{\"format\":\"NVD_CVE\",\"version\":\"2.0\",\"vulnerabilities\":[");
  for (size_t c = 0; c < ncve; c++) {
    buf_printf(b, "%s{\"cve\":{\"id\":\"CVE-2020-%zu\",\"configurations\":[", c ? "," : "", 1000 + c);
    size_t k = 1 + below(2);
    for (size_t i = 0; i < k; i++) {
      size_t nn = 1 + below(2);
      buf_printf(b, "%s{%s\"nodes\":[", i ? "," : "", nn > 1 ? (below(3) ? "\"operator\":\"AND\"," : "\"operator\":\"OR\",") : "");
      for (size_t j = 0; j < nn; j++) {
        if (j) buf_putc(b, ',');
        node(b, 0);
      }
      buf_lit(b, "]}");
    }
    buf_lit(b, "]}}");
  }
  buf_lit(b, "]}");
}

static void gen_items(VulnInventory *inv, size_t n) {
  static const char parts[] = "aoh*-";
  for (size_t i = 0; i < n; i++) {
    char v[32], p[32], x[32], cpe[256], plat[256] = "";
    if (i > 10 && below(3) == 0) {  /* a copy of an earlier item, other exposure */
      VulnItem src = inv->item[below(inv->n)];
      VulnItem *it = vuln_inventory_push(inv);
      *it = src;
      it->internet = !src.internet;
      it->criticality = (int)below(6);
      inv->n++;
      continue;
    }
    vname(v, sizeof v, 0);
    pname(p, sizeof p, 0);
    ver(x, sizeof x);
    if (below(5) == 0) {  /* a row with names only: a derived CPE, part ANY */
      VulnItem *it = vuln_inventory_push(inv);
      Err e = {0};
      it->vendor = arena_strdup(inv->arena, v);
      it->product = arena_strdup(inv->arena, p);
      it->version = arena_strdup(inv->arena, x);
      it->criticality = (int)below(6);
      CHECK_INT(vuln_item_prepare(inv->arena, it, NULL, &e), 0);
      inv->n++;
      continue;
    }
    if (below(10) == 0) snprintf(x, sizeof x, below(2) ? "*" : "1.*");
    if (below(2)) snprintf(plat, sizeof plat, "cpe:2.3:%c:%s:%s:%s:*:*:*:*:*:*:*", parts[below(5)], "globex", "os",
                           below(2) ? "-" : "2.1");
    snprintf(cpe, sizeof cpe, "cpe:2.3:%c:%s:%s:%s:%s:*:*:*:%s:*:*", parts[below(5)], v, p, x, below(4) ? "*" : "p7",
             below(6) ? "*" : "wordpress");
    add_item(inv, cpe, plat);
  }
}

TEST(generated_feed) {
  for (int round = 0; round < 3; round++) {
    Buf b;
    buf_init(&b, (size_t)64 << 20);
    gen_feed(&b, 400);
    VulnDb *db = vuln_db_new();
    VulnReport r = {0};
    Err e = {0};
    CHECK_INT(vuln_nvd_load(db, "gen", b.p, b.n, &r, &e), 0);
    vuln_db_finish(db);
    VulnInventory inv;
    vuln_inventory_init(&inv);
    gen_items(&inv, 600);
    size_t strict = agree(db, inv.item, inv.n, 0), relaxed = agree(db, inv.item, inv.n, 1);
    CHECK(strict > 100);
    CHECK(relaxed > strict);
    printf("# round %d: %zu CVEs, %zu items, %zu matches strict, %zu relaxed\n", round, db->ncve, inv.n, strict, relaxed);
    vuln_inventory_free(&inv);
    vuln_db_free(db);
    buf_free(&b);
  }
}

/* Copies of one item share its matches but each keeps its own priority. */
TEST(copies_keep_their_priority) {
  static const char feed[] =
      "{\"vulnerabilities\":[{\"cve\":{\"id\":\"CVE-2025-0001\",\"configurations\":[{\"nodes\":[{\"operator\":\"OR\","
      "\"cpeMatch\":[{\"vulnerable\":true,\"criteria\":\"cpe:2.3:a:acme:web:*:*:*:*:*:*:*:*\",\"versionEndExcluding\":\"3.0\"}]}]}]}}]}";
  VulnDb *db = vuln_db_new();
  VulnReport r = {0};
  Err e = {0};
  vuln_nvd_load(db, "f", feed, sizeof feed - 1, &r, &e);
  vuln_db_finish(db);
  VulnInventory inv;
  vuln_inventory_init(&inv);
  add_item(&inv, "cpe:2.3:a:acme:web:2.0:*:*:*:*:*:*:*", "");
  add_item(&inv, "cpe:2.3:a:acme:web:3.0:*:*:*:*:*:*:*", "");
  add_item(&inv, "cpe:2.3:a:acme:web:2.0:*:*:*:*:*:*:*", "");
  inv.item[0].internet = false;
  inv.item[0].criticality = 1;
  inv.item[2].internet = true;
  inv.item[2].criticality = 5;
  VulnMatcher *m = vuln_matcher_new(db, NULL);
  VulnMatchList l = {0};
  CHECK_INT(vuln_match_items(m, inv.item + 1, 1, 0, &l), 0);  /* no match into an empty list */
  CHECK(l.n == 0 && l.m == NULL);
  CHECK_INT(vuln_match_items(m, inv.item, inv.n, 0, &l), 0);
  CHECK_INT(l.n, 2);
  if (l.n == 2) {
    CHECK(l.m[0].item == 0 && l.m[1].item == 2);
    CHECK_INT((int)(l.m[0].priority * 10), 300);   /* 30 (CVSS unknown) + 0 */
    CHECK_INT((int)(l.m[1].priority * 10), 500);   /* 30 + 10 internet + 10 criticality 5 */
  }
  CHECK_INT(vuln_match_items(m, inv.item, 0, 0, &l), 0);   /* nothing to add */
  CHECK_INT(l.n, 2);
  vuln_match_list_free(&l);
  vuln_matcher_free(m);
  vuln_inventory_free(&inv);
  vuln_db_free(db);
}

int main(void) {
  RUN(real_page);
  RUN(generated_feed);
  RUN(copies_keep_their_priority);
  return TEST_DONE();
}
