/* match.c — the matcher: an index from vendor:product to the NVD
 * configurations that can make that product vulnerable, a CSAF product index,
 * and the annotation of each match with KEV, EPSS and a priority. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vuln/map.h"
#include "vuln/match.h"
#include "vuln/match_int.h"
#include "vuln/version.h"

static int bucket_add(Bucket *b, uint32_t a, uint32_t c, const VulnCpeMatch *m) {
  if (!m && b->n && b->e[b->n - 1].a == a && b->e[b->n - 1].b == c) return 0;
  if (b->n == b->cap) {
    uint32_t nc = b->cap ? b->cap * 2 : 1;   /* most keys name one version: one entry */
    Entry *e = realloc(b->e, sizeof *e * nc);
    if (!e) return VERR_NOMEM;
    b->e = e;
    b->cap = nc;
  }
  b->e[b->n++] = (Entry){.a = a, .b = c, .m = m};
  return 0;
}

/* Bucket i of (buckets), appended when i is the next one. */
static Bucket *bucket_at(Bucket **bs, size_t *n, size_t *cap, uint32_t i) {
  if (i == UINT32_MAX) return NULL;
  if (i == *n) {
    if (*n == *cap) {
      size_t nc = *cap ? *cap * 2 : 1024;
      Bucket *x = realloc(*bs, nc * sizeof *x);
      if (!x) return NULL;
      *bs = x;
      *cap = nc;
    }
    memset(&(*bs)[(*n)++], 0, sizeof(Bucket));
  }
  return &(*bs)[i];
}

/* Find or create the bucket for key in (map, buckets). */
static Bucket *bucket_for(VulnMap *map, Bucket **bs, size_t *n, size_t *cap, const char *key, size_t klen) {
  return bucket_at(bs, n, cap, vuln_map_put(map, key, klen, (uint32_t)*n));
}


/* Criteria naming one exact version are filed under "vendor:product:version"
 * so an item only meets the versions it could equal; ranges and wildcarded
 * versions stay under "vendor:product". */
static size_t with_version(const VulnCpe *c, char *key, size_t kl, size_t cap) {
  const char *v = c->v[CPE_VERSION];
  if (!vuln_cpe_plain(v)) return kl;
  size_t lv = strlen(v);
  if (kl + lv + 2 > cap) return kl;
  key[kl] = ':';
  memcpy(key + kl + 1, v, lv + 1);
  return kl + 1 + lv;
}

/* What is left to compare once an item has reached an entry through its
 * key: the key already proves vendor and product equal (and the version,
 * under a vendor:product:version key); attributes the criterion leaves ANY
 * hold for any plain item value. Entries on the wildcard list check all. */
static char part_code(const VulnCpe *c) {
  return c->na[CPE_PART] ? '-' : c->v[CPE_PART] ? c->v[CPE_PART][0] : 0;
}

static void entry_compile(Entry *en, int keyed, int versioned) {
  const VulnCpeMatch *cm = en->m;
  unsigned check = 0;
  for (int a = 0; a < CPE_NATTR; a++)
    if (cm->cpe.v[a] || cm->cpe.na[a]) check |= 1u << a;
  if (keyed) check &= ~((1u << CPE_VENDOR) | (1u << CPE_PRODUCT));
  if (versioned) check &= ~(1u << CPE_VERSION);
  check &= ~(1u << CPE_PART);  /* compared inline: never wildcarded (a, o, h, NA or ANY) */
  en->part = part_code(&cm->cpe);
  en->check = (uint16_t)check;
  en->ranged = cm->vsi || cm->vse || cm->vei || cm->vee;
  /* dotted-decimal bounds (the common case) are compared as numbers */
  const char *lo = cm->vsi ? cm->vsi : cm->vse, *hi = cm->vei ? cm->vei : cm->vee;
  if (en->ranged && !(cm->vsi && cm->vse) && !(cm->vei && cm->vee) && (!lo || vuln_version_numeric(lo, en->vlo)) &&
      (!hi || vuln_version_numeric(hi, en->vhi))) {
    en->ranged = 2;
    en->lo = cm->vsi ? 1 : cm->vse ? 2 : 0;
    en->hi = cm->vei ? 1 : cm->vee ? 2 : 0;
  }
}

/* Keyed criteria are filed in batches: the keys and their hashes first,
 * the map slots prefetched, then the inserts in the same order (so each
 * bucket lists its entries as one insert at a time would). With over a
 * million keys, the slots are random reads from a large table; a batch
 * waits for them together instead of one after another. */
#define BATCH 32
#define KEYMAX (2 * VULN_CPE_MAX + 2)
typedef struct Pending {
  const VulnCpeMatch *cm;
  uint32_t cve, cfg;
  size_t kl, kv;
  uint64_t hash;
} Pending;

typedef struct Batch {
  Pending p[BATCH];
  char key[BATCH][KEYMAX];
  size_t n;
} Batch;

static int file_entry(VulnMatcher *m, Bucket *b, const Pending *p) {
  if (!b || bucket_add(b, p->cve, p->cfg, p->cm)) return VERR_NOMEM;
  entry_compile(&b->e[b->n - 1], p->kl != 0, p->kv > p->kl);
  m->entries++;
  return 0;
}

static int batch_flush(VulnMatcher *m, Batch *bt) {
  for (size_t i = 0; i < bt->n; i++) vuln_map_prefetch(m->nvd_keys, bt->p[i].hash);
  for (size_t i = 0; i < bt->n; i++) {
    const Pending *p = &bt->p[i];
    uint32_t at = vuln_map_put_hashed(m->nvd_keys, bt->key[i], p->kv, p->hash, (uint32_t)m->nnvd);
    Bucket *b = bucket_at(&m->nvd, &m->nnvd, &m->capnvd, at);
    if (file_entry(m, b, p)) return VERR_NOMEM;
  }
  bt->n = 0;
  return 0;
}

static int index_node(VulnMatcher *m, Batch *bt, const VulnNode *n, uint32_t cve, uint32_t cfg, int depth) {
  for (uint32_t i = 0; i < n->nmatch; i++) {
    const VulnCpeMatch *cm = &n->match[i];
    if (!cm->vulnerable) continue;  /* platforms never carry the finding */
    char *key = bt->key[bt->n];
    size_t kl = vuln_cpe_key(&cm->cpe, key, KEYMAX), kv = kl;
    if (kl && !cm->vsi && !cm->vse && !cm->vei && !cm->vee) kv = with_version(&cm->cpe, key, kl, KEYMAX);
    Pending p = {cm, cve, cfg, kl, kv, 0};
    if (!kv) {   /* the wildcard list: no key */
      if (file_entry(m, &m->wild, &p)) return VERR_NOMEM;
      continue;
    }
    p.hash = vuln_map_hash(key, kv);
    bt->p[bt->n++] = p;
    if (bt->n == BATCH && batch_flush(m, bt)) return VERR_NOMEM;
  }
  for (uint32_t i = 0; i < n->nchild && depth < 8; i++)
    if (index_node(m, bt, &n->child[i], cve, cfg, depth + 1)) return VERR_NOMEM;
  return 0;
}

static size_t count_vulnerable(const VulnNode *n, int depth) {
  size_t k = 0;
  for (uint32_t i = 0; i < n->nmatch; i++) k += n->match[i].vulnerable;
  for (uint32_t i = 0; i < n->nchild && depth < 8; i++) k += count_vulnerable(&n->child[i], depth + 1);
  return k;
}

/* CVEs m->indexed .. ncve-1 into the key index. */
static int index_nvd(VulnMatcher *m) {
  const VulnDb *db = m->db;
  size_t upto = m->nvd_keys ? vuln_map_count(m->nvd_keys) : 0;   /* at most this many keys: sized once */
  for (size_t c = m->indexed; c < db->ncve; c++)
    for (uint32_t k = 0; k < db->cve[c].ncfg; k++)
      for (uint32_t j = 0; j < db->cve[c].cfg[k].nnode; j++) upto += count_vulnerable(&db->cve[c].cfg[k].node[j], 0);
  Batch *bt = malloc(sizeof *bt);
  int rc = !bt || vuln_map_reserve(m->nvd_keys, upto) ? VERR_NOMEM : 0;
  if (bt) bt->n = 0;
  for (size_t c = m->indexed; !rc && c < db->ncve; c++)
    for (uint32_t k = 0; !rc && k < db->cve[c].ncfg; k++)
      for (uint32_t j = 0; !rc && j < db->cve[c].cfg[k].nnode; j++)
        rc = index_node(m, bt, &db->cve[c].cfg[k].node[j], (uint32_t)c, k, 0);
  if (!rc) rc = batch_flush(m, bt);
  free(bt);
  if (!rc) m->indexed = db->ncve;
  return rc;
}

int vuln_matcher_extend(VulnMatcher *m) {
  if (m->indexed == m->db->ncve) return 0;
  uint32_t *seen = realloc(m->seen, (m->db->ncve + 1) * sizeof *seen);
  if (!seen) return VERR_NOMEM;
  memset(seen + m->indexed, 0, (m->db->ncve + 1 - m->indexed) * sizeof *seen);
  m->seen = seen;
  return index_nvd(m);
}

/* Lower-case alphanumerics only: "Siemens AG" and "siemens-ag" meet. */
size_t vuln_name_norm(const char *s, char *out, size_t cap) {
  size_t n = 0;
  for (; s && *s && n + 1 < cap; s++)
    if (isalnum((unsigned char)*s)) out[n++] = (char)tolower((unsigned char)*s);
  out[n] = '\0';
  return n;
}

/* Vendor names without their legal form: "Siemens AG" meets "siemens". */
static size_t norm_vendor(const char *s, char *out, size_t cap) {
  static const char *const forms[] = {"ag", "as", "asa", "inc", "incorporated", "ltd", "limited", "gmbh", "corp",
                                      "corporation", "co", "llc", "sa", "se", "nv", "bv", "plc", "ab", "oy", NULL};
  size_t n = 0;
  int first = 1;
  while (s && *s) {
    char w[128];
    size_t wl = 0;
    while (*s && !isalnum((unsigned char)*s)) s++;
    while (*s && isalnum((unsigned char)*s)) {
      if (wl + 1 < sizeof w) w[wl++] = (char)tolower((unsigned char)*s);
      s++;
    }
    w[wl] = '\0';
    int legal = 0;
    for (int k = 0; !first && forms[k]; k++) legal |= !strcmp(w, forms[k]);
    if (wl && !legal && n + wl < cap) {
      memcpy(out + n, w, wl);
      n += wl;
    }
    first = first && !wl;
  }
  out[n] = '\0';
  return n;
}

static size_t name_key(const char *vendor, const char *product, char *key, size_t cap) {
  char v[256], p[256];
  if (!norm_vendor(vendor, v, sizeof v) || !vuln_name_norm(product, p, sizeof p)) return 0;
  int n = snprintf(key, cap, "n:%s:%s", v, p);
  return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static size_t model_key(const char *model, char *key, size_t cap) {
  char n[256];
  if (!vuln_name_norm(model, n, sizeof n)) return 0;
  int k = snprintf(key, cap, "m:%s", n);
  return k > 0 && (size_t)k < cap ? (size_t)k : 0;
}

static size_t purl_key(const VulnPurl *p, char *key, size_t cap) {
  int n = snprintf(key, cap, "p:%s/%s/%s", p->type, p->ns ? p->ns : "", p->name);
  return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static int csaf_add(VulnMatcher *m, const char *key, size_t kl, uint32_t doc, uint32_t prod) {
  Bucket *b = bucket_for(m->csaf_keys, &m->csaf, &m->ncsaf, &m->capcsaf, key, kl);
  return b ? bucket_add(b, doc, prod, NULL) : VERR_NOMEM;
}

static int index_csaf_product(VulnMatcher *m, const VulnCsafProduct *p, uint32_t d, uint32_t k) {
  char key[2 * VULN_CPE_MAX + 8], store[2 * VULN_CPE_MAX + 16];
  size_t kl;
  if (p->purl) {
    VulnPurl *pu = malloc(sizeof *pu);
    int ok = pu && !vuln_purl_parse(p->purl, pu, NULL) && (kl = purl_key(pu, key, sizeof key));
    free(pu);
    if (ok && csaf_add(m, key, kl, d, k)) return VERR_NOMEM;
  }
  VulnCpe c;
  if (p->cpe && !vuln_cpe_parse(p->cpe, &c, store, sizeof store, NULL) && (kl = vuln_cpe_key(&c, key + 2, sizeof key - 2))) {
    key[0] = 'c';
    key[1] = ':';
    if (csaf_add(m, key, kl + 2, d, k)) return VERR_NOMEM;
  }
  if ((kl = name_key(p->vendor, p->product ? p->product : p->name, key, sizeof key)) && csaf_add(m, key, kl, d, k))
    return VERR_NOMEM;
  for (uint32_t i = 0; i < p->nmodel; i++)
    if ((kl = model_key(p->models[i], key, sizeof key)) && csaf_add(m, key, kl, d, k)) return VERR_NOMEM;
  return 0;
}

static int index_csaf(VulnMatcher *m) {
  for (size_t d = 0; d < m->db->ncsaf; d++)
    for (uint32_t k = 0; k < m->db->csaf[d].nprod; k++)
      if (index_csaf_product(m, &m->db->csaf[d].prod[k], (uint32_t)d, k)) return VERR_NOMEM;
  return 0;
}

VulnMatcher *vuln_matcher_new(const VulnDb *db, const VulnMatchOpts *o) {
  VulnMatcher *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  m->db = db;
  if (o) m->o = *o;
  m->nvd_keys = vuln_map_new();
  m->csaf_keys = vuln_map_new();
  m->seen = calloc(db->ncve + 1, sizeof *m->seen);
  if (!m->nvd_keys || !m->csaf_keys || !m->seen || index_nvd(m) || index_csaf(m)) {
    vuln_matcher_free(m);
    return NULL;
  }
  return m;
}

void vuln_matcher_free(VulnMatcher *m) {
  if (!m) return;
  for (size_t i = 0; i < m->nnvd; i++) free(m->nvd[i].e);
  for (size_t i = 0; i < m->ncsaf; i++) free(m->csaf[i].e);
  free(m->nvd);
  free(m->csaf);
  free(m->wild.e);
  free(m->seen);
  vuln_map_free(m->nvd_keys);
  vuln_map_free(m->csaf_keys);
  free(m);
}

void vuln_matcher_stats(const VulnMatcher *m, size_t *entries, size_t *keys, size_t *wild) {
  *entries = m->entries;
  *keys = m->nnvd;
  *wild = m->wild.n;
}

void vuln_matcher_work(const VulnMatcher *m, size_t *scanned, size_t *evaluated) {
  *scanned = m->scanned;
  *evaluated = m->evaluated;
}

void vuln_match_list_free(VulnMatchList *l) {
  free(l->m);
  l->m = NULL;
  l->n = l->cap = 0;
}

static VulnMatch *push(VulnMatchList *l) {
  if (l->n == l->cap) {
    size_t nc = l->cap ? l->cap * 2 : 64;
    VulnMatch *x = realloc(l->m, nc * sizeof *x);
    if (!x) return NULL;
    l->m = x;
    l->cap = nc;
  }
  VulnMatch *r = &l->m[l->n++];
  memset(r, 0, sizeof *r);
  return r;
}

double vuln_priority(double cvss, bool kev, bool ransomware, double epss_pct, bool internet,
                     int criticality, const char **cls) {
  double p = 6.0 * (cvss >= 0 ? cvss : 5.0);
  if (kev) p += 20;
  if (kev && ransomware) p += 5;
  if (epss_pct > 0) p += 15.0 * (epss_pct > 1 ? 1 : epss_pct);
  if (internet) p += 10;
  p += 2.5 * ((criticality >= 1 && criticality <= 5 ? criticality : 3) - 1);
  if (p > 100) p = 100;
  int level = p >= 80 ? 3 : p >= 60 ? 2 : p >= 40 ? 1 : 0;
  if (kev && level < 2) level = 2;
  if (kev && internet) level = 3;
  static const char *const names[] = {"low", "medium", "high", "critical"};
  if (cls) *cls = names[level];
  return p;
}

/* KEV from the catalogue, else from the copy NVD keeps in the CVE record
 * (cisaActionDue), so an NVD feed alone still flags known exploitation. */
static void annotate(const VulnMatcher *m, const VulnItem *it, VulnMatch *r, const char *nvd_due) {
  const VulnKev *k = r->id ? vuln_db_kev(m->db, r->id) : NULL;
  const VulnEpss *e = r->id ? vuln_db_epss(m->db, r->id) : NULL;
  r->kev = k != NULL || nvd_due != NULL;
  r->kev_due = k ? k->due : nvd_due;
  r->ransomware = k && k->ransomware;
  r->epss = e ? e->score : -1;
  r->epss_pct = e ? e->percentile : -1;
  r->priority = vuln_priority(r->cvss, r->kev, r->ransomware, r->epss_pct, it->internet, it->criticality, &r->priority_class);
}

static void relaxed_names(unsigned rel, char *out, size_t cap) {
  size_t n = 0;
  out[0] = '\0';
  for (int a = 0; a < CPE_NATTR && n < cap; a++)
    if (rel & (1u << a)) n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? "," : "", vuln_cpe_attr_names[a]);
}

static int has_platform_node(const VulnConfig *cfg) {
  for (uint32_t i = 0; i < cfg->nnode; i++)
    for (uint32_t j = 0; j < cfg->node[i].nmatch; j++)
      if (!cfg->node[i].match[j].vulnerable) return 1;
  return 0;
}

static void nvd_reason(const VulnMatch *r, char *out, size_t cap) {
  const VulnConfig *cfg = r->cfg;
  const VulnCpeMatch *h = r->hit;
  uint32_t k = r->cfg_index;
  char rel[128];
  relaxed_names(r->relaxed, rel, sizeof rel);
  snprintf(out, cap, "configuration %u (%s of %u node%s%s): %s%s%s%s%s%s%s%s%s%s%s%s",
           k, cfg->op_and ? "AND" : "OR", cfg->nnode, cfg->nnode == 1 ? "" : "s",
           has_platform_node(cfg) ? ", platform required and present" : "", h->criteria,
           h->vsi ? " >=" : "", h->vsi ? h->vsi : "", h->vse ? " >" : "", h->vse ? h->vse : "",
           h->vei ? " <=" : "", h->vei ? h->vei : "", h->vee ? " <" : "", h->vee ? h->vee : "",
           rel[0] ? "; relaxed: " : "", rel, "");
}

static int nvd_try(VulnMatcher *m, const VulnItem *it, size_t idx, uint32_t c, uint32_t k, unsigned relax, VulnMatchList *out) {
  const VulnCve *cve = &m->db->cve[c];
  const VulnCpeMatch *hit = NULL;
  unsigned rel = 0;
  if (m->seen[c] == m->stamp || k >= cve->ncfg) return 0;
  if (!vuln_config_eval(&cve->cfg[k], it, relax, &hit, &rel)) return 0;
  m->seen[c] = m->stamp;
  VulnMatch *r = push(out);
  if (!r) return VERR_NOMEM;
  r->item = idx;
  r->source = VULN_SRC_NVD;
  r->id = cve->id;
  r->cvss = cve->cvss;
  r->cvss_vector = cve->cvss_vector;
  r->relaxed = rel;
  r->confidence = (rel & ~(1u << CPE_PART)) ? "relaxed" : it->derived ? "derived" : "exact";
  r->cfg = &cve->cfg[k];
  r->cfg_index = k;
  r->hit = hit;
  annotate(m, it, r, cve->cisa_due);
  return 0;
}

/* vuln_cpematch_test for an item without wildcards that reached the entry
 * through its key; ver is the item's version, unquoted. */
/* The item's version, unquoted, and as numbers if it is dotted decimal. */
typedef struct ItemVer {
  char s[256];
  int numeric;
  uint32_t n[VULN_VER_NUM];
} ItemVer;

static int numeric_in_range(const Entry *en, const uint32_t *v) {
  int lo = en->lo ? vuln_version_numeric_cmp(v, en->vlo) : 1, hi = en->hi ? vuln_version_numeric_cmp(v, en->vhi) : -1;
  return (en->lo == 2 ? lo > 0 : lo >= 0) && (en->hi == 2 ? hi < 0 : hi <= 0);
}

static int entry_test(const Entry *en, const VulnCpe *t, const ItemVer *ver, unsigned relax) {
  const VulnCpeMatch *cm = en->m;
  for (unsigned mask = en->check; mask; mask &= mask - 1) {
    int a = __builtin_ctz(mask);
    VulnCpeRel r = vuln_cpe_compare_attr(&cm->cpe, t, a);
    if (r != CPE_REL_EQUAL && r != CPE_REL_SUPERSET && !(r == CPE_REL_SUBSET && (relax & (1u << a)))) return 0;
  }
  if (!en->ranged) return 1;
  if (!t->v[CPE_VERSION]) return 0;
  if (en->ranged == 2 && ver->numeric) return numeric_in_range(en, ver->n);
  return vuln_version_in_range(ver->s, cm->vsi, cm->vse, cm->vei, cm->vee);
}

/* The part as NISTIR 7696 compares it: ANY in the criterion holds; equal
 * values (or NA and NA) hold; an item's ANY is a SUBSET, allowed if relaxed. */
static int part_ok(char crit, char item, unsigned relax) {
  return !crit || crit == item || (!item && (relax & (1u << CPE_PART)));
}

static int scan_list(VulnMatcher *m, const VulnItem *it, size_t idx, const Bucket *bk, const ItemVer *ver, unsigned relax,
                     VulnMatchList *out) {
  uint32_t last_cve = UINT32_MAX, last_cfg = 0;
  int fast = !it->cpe.wild;
  char part = part_code(&it->cpe);
  for (uint32_t i = 0; i < bk->n; i++) {
    const Entry *en = &bk->e[i];
    m->scanned++;
    /* the filed criterion must hold for the item before its whole
     * configuration is worth evaluating; one evaluation per configuration */
    if (fast && !part_ok(en->part, part, relax)) continue;
    if (m->seen[en->a] == m->stamp || (en->a == last_cve && en->b == last_cfg)) continue;
    if (!(fast ? entry_test(en, &it->cpe, ver, relax) : vuln_cpematch_test(en->m, &it->cpe, relax, NULL))) continue;
    last_cve = en->a;
    last_cfg = en->b;
    m->evaluated++;
    if (nvd_try(m, it, idx, en->a, en->b, relax, out)) return VERR_NOMEM;
  }
  return 0;
}

static int match_nvd(VulnMatcher *m, const VulnItem *it, size_t idx, VulnMatchList *out) {
  char key[2 * VULN_CPE_MAX + 2];
  ItemVer ver;
  unsigned relax = m->o.relax ? VULN_RELAX_CONTEXT : 0;
  if (!it->has_cpe) return 0;
  if (it->derived) relax |= 1u << CPE_PART;
  size_t kl = vuln_cpe_key(&it->cpe, key, sizeof key);
  uint32_t b = kl ? vuln_map_get(m->nvd_keys, key, kl) : UINT32_MAX, bv = UINT32_MAX;
  size_t kv = kl ? with_version(&it->cpe, key, kl, sizeof key) : 0;
  if (kv > kl) bv = vuln_map_get(m->nvd_keys, key, kv);
  vuln_cpe_unquote(it->cpe.v[CPE_VERSION], ver.s, sizeof ver.s);
  ver.numeric = vuln_version_numeric(ver.s, ver.n);
  const Bucket *lists[3] = {b == UINT32_MAX ? NULL : &m->nvd[b], bv == UINT32_MAX ? NULL : &m->nvd[bv], &m->wild};
  for (int l = 0; l < 3; l++)
    if (lists[l] && scan_list(m, it, idx, lists[l], &ver, relax, out)) return VERR_NOMEM;
  return 0;
}

/* ---- CSAF ---- */

static int model_of(const VulnCsafProduct *p, const VulnItem *it) {
  char a[300], b[300];
  size_t ka = it->model ? model_key(it->model, a, sizeof a) : 0;
  for (uint32_t i = 0; ka && i < p->nmodel; i++)
    if (model_key(p->models[i], b, sizeof b) == ka && !memcmp(a, b, ka)) return 1;
  return 0;
}

/* The item's vendor/product (or its CPE's) names the product's. */
static int same_name(const VulnCsafProduct *p, const VulnItem *it) {
  char a[600], b[600], v[256], pr[256];
  const char *vendor = it->vendor, *product = it->product;
  if ((!vendor || !product) && it->has_cpe) {
    vuln_cpe_unquote(it->cpe.v[CPE_VENDOR], v, sizeof v);
    vuln_cpe_unquote(it->cpe.v[CPE_PRODUCT], pr, sizeof pr);
    vendor = vendor ? vendor : v;
    product = product ? product : pr;
  }
  size_t ka = name_key(vendor, product, a, sizeof a);
  size_t kb = name_key(p->vendor, p->product ? p->product : p->name, b, sizeof b);
  return ka && ka == kb && !memcmp(a, b, ka);
}

/* Does CSAF product p name item it? Sets the confidence and a note. */
static int csaf_product_ok(const VulnMatcher *m, const VulnCsafProduct *p, const VulnItem *it,
                           const char **conf, int *how) {
  char store[2 * VULN_CPE_MAX + 16];
  if (p->purl && it->has_purl) {
    VulnPurl *pu = malloc(sizeof *pu);
    int ok = pu && !vuln_purl_parse(p->purl, pu, NULL) && vuln_purl_match(pu, it->purl);
    free(pu);
    if (ok) {
      *conf = "exact";
      *how = VULN_HOW_PURL;
      return 1;
    }
  }
  VulnCpe c;
  unsigned rel = 0;
  if (p->cpe && it->has_cpe && !vuln_cpe_parse(p->cpe, &c, store, sizeof store, NULL) &&
      vuln_cpe_matches(&c, &it->cpe, m->o.relax ? VULN_RELAX_CONTEXT : 0, &rel)) {
    *conf = rel ? "relaxed" : "exact";
    *how = VULN_HOW_CPE;
    return 1;
  }
  /* Otherwise the item must be this product by name or model number, and
   * its version must fit (reaching p through a purl or CPE key whose match
   * failed above proves nothing). */
  int by_model = model_of(p, it);
  if (!by_model && !same_name(p, it)) return 0;
  if (!it->version || !*it->version) return 0;
  if (p->version && strncasecmp(p->version, "vers:", 5)) {
    *conf = "name";
    *how = VULN_HOW_VERSION;
    return vuln_version_cmp(p->version, it->version) == 0;
  }
  const char *range = p->range ? p->range : p->version;
  int r = range ? vuln_range_eval(range, it->version) : 1;
  *conf = r < 0 ? "text-range" : by_model ? "model" : "name";
  *how = by_model ? VULN_HOW_MODEL : range ? VULN_HOW_RANGE : VULN_HOW_NAME;
  return r != 0;
}

static int csaf_emit(VulnMatcher *m, const VulnItem *it, size_t idx, const VulnCsaf *d,
                     const VulnCsafProduct *p, const char *conf, int how, VulnMatchList *out) {
  for (uint32_t v = 0; v < d->nvuln; v++) {
    const VulnCsafVuln *cv = &d->vuln[v];
    for (uint32_t s = 0; s < cv->nstatus; s++) {
      const VulnCsafStatus *st = &cv->status[s];
      if (strcmp(st->product_id, p->id)) continue;
      if (st->status != CSAF_ST_AFFECTED && st->status != CSAF_ST_UNDER_INVESTIGATION) continue;
      VulnMatch *r = push(out);
      if (!r) return VERR_NOMEM;
      r->item = idx;
      r->source = VULN_SRC_CSAF;
      r->id = cv->cve ? cv->cve : d->id;
      r->advisory = d->id;
      r->status = st->raw;
      r->cvss = cv->cvss;
      r->cvss_vector = cv->cvss_vector;
      r->confidence = conf;
      r->prod = p;
      r->how = how;
      annotate(m, it, r, NULL);
      break;
    }
  }
  return 0;
}

static int csaf_bucket(VulnMatcher *m, const VulnItem *it, size_t idx, const char *key, size_t kl,
                       VulnMatchList *out) {
  uint32_t b = kl ? vuln_map_get(m->csaf_keys, key, kl) : UINT32_MAX;
  if (b == UINT32_MAX) return 0;
  for (uint32_t i = 0; i < m->csaf[b].n; i++) {
    const VulnCsaf *d = &m->db->csaf[m->csaf[b].e[i].a];
    const VulnCsafProduct *p = &d->prod[m->csaf[b].e[i].b];
    const char *conf = NULL;
    int how = 0;
    if (csaf_product_ok(m, p, it, &conf, &how) && csaf_emit(m, it, idx, d, p, conf, how, out))
      return VERR_NOMEM;
  }
  return 0;
}

/* An item may reach one product through several keys: drop repeats. */
static void dedupe(VulnMatchList *out, size_t from) {
  size_t w = from;
  for (size_t i = from; i < out->n; i++) {
    int dup = 0;
    for (size_t j = from; j < w && !dup; j++)
      dup = out->m[j].source == out->m[i].source && !strcmp(out->m[j].id, out->m[i].id) &&
            ((!out->m[j].advisory && !out->m[i].advisory) ||
             (out->m[j].advisory && out->m[i].advisory && !strcmp(out->m[j].advisory, out->m[i].advisory)));
    if (!dup) out->m[w++] = out->m[i];
  }
  out->n = w;
}

static int match_csaf(VulnMatcher *m, const VulnItem *it, size_t idx, VulnMatchList *out) {
  char key[2 * VULN_CPE_MAX + 8], v[256], p[256];
  size_t kl, from = out->n;
  if (!m->db->ncsaf) return 0;
  if (it->has_purl && (kl = purl_key(it->purl, key, sizeof key)) && csaf_bucket(m, it, idx, key, kl, out)) return VERR_NOMEM;
  if (it->has_cpe && (kl = vuln_cpe_key(&it->cpe, key + 2, sizeof key - 2))) {
    key[0] = 'c';
    key[1] = ':';
    if (csaf_bucket(m, it, idx, key, kl + 2, out)) return VERR_NOMEM;
  }
  const char *vendor = it->vendor, *product = it->product;
  if ((!vendor || !product) && it->has_cpe) {
    vuln_cpe_unquote(it->cpe.v[CPE_VENDOR], v, sizeof v);
    vuln_cpe_unquote(it->cpe.v[CPE_PRODUCT], p, sizeof p);
    vendor = vendor ? vendor : v;
    product = product ? product : p;
  }
  if ((kl = name_key(vendor, product, key, sizeof key)) && csaf_bucket(m, it, idx, key, kl, out)) return VERR_NOMEM;
  if (it->model && (kl = model_key(it->model, key, sizeof key)) && csaf_bucket(m, it, idx, key, kl, out)) return VERR_NOMEM;
  dedupe(out, from);
  return 0;
}

int vuln_match_item(VulnMatcher *m, const VulnItem *it, size_t idx, VulnMatchList *out) {
  if (++m->stamp == 0) {
    memset(m->seen, 0, sizeof *m->seen * (m->db->ncve + 1));
    m->stamp = 1;
  }
  int rc = match_nvd(m, it, idx, out);
  return rc ? rc : match_csaf(m, it, idx, out);
}

static void csaf_reason(const VulnMatch *r, char *out, size_t cap) {
  const VulnCsafProduct *p = r->prod;
  const char *what = r->how == VULN_HOW_PURL ? "purl " : r->how == VULN_HOW_CPE ? "cpe " :
                     r->how == VULN_HOW_VERSION ? "vendor/product name, version " :
                     r->how == VULN_HOW_RANGE ? "vendor/product name, range " :
                     r->how == VULN_HOW_MODEL ? "model number, range " : "vendor/product name";
  const char *val = r->how == VULN_HOW_PURL ? p->purl : r->how == VULN_HOW_CPE ? p->cpe :
                    r->how == VULN_HOW_VERSION ? p->version :
                    r->how == VULN_HOW_RANGE || r->how == VULN_HOW_MODEL ? (p->range ? p->range : p->version) : "";
  snprintf(out, cap, "%s product %s \"%s\" (%s): %s%s%s%s", r->advisory ? r->advisory : "CSAF", p->id,
           p->name ? p->name : "", r->status ? r->status : "", what, val ? val : "",
           p->rel_platform ? "; relationship with " : "", p->rel_platform ? p->rel_platform : "");
}

const char *vuln_match_reason(const VulnMatch *m, char *out, size_t cap) {
  if (!cap) return out;
  out[0] = '\0';
  if (m->source == VULN_SRC_NVD && m->cfg && m->hit) nvd_reason(m, out, cap);
  else if (m->source == VULN_SRC_CSAF && m->prod) csaf_reason(m, out, cap);
  else if (m->source == VULN_SRC_KEV && m->kev_entry)
    snprintf(out, cap, "CISA KEV nevner %s %s (%s); versjonen er ikke kontrollert: bekreft eller avvis",
             m->kev_entry->vendor, m->kev_entry->product, m->kev_entry->name ? m->kev_entry->name : "");
  return out;
}

/* ---- reverse: one CVE against an indexed inventory ---- */

struct VulnInvIndex {
  const VulnItem *items;
  size_t n, ng;
  VulnMap *keys;
  Bucket *b;           /* entries: (first item of a group, group) */
  size_t nb, capb;
  uint32_t *first, *member;  /* group g: items member[first[g] .. first[g+1]), ascending */
};

/* Members of each group in item order (a counting sort). */
static int inv_members(VulnInvIndex *x, const uint32_t *grp) {
  x->first = calloc(x->ng + 1, sizeof *x->first);
  x->member = malloc((x->n + 1) * sizeof *x->member);
  if (!x->first || !x->member) return VERR_NOMEM;
  for (size_t i = 0; i < x->n; i++) x->first[grp[i] + 1]++;
  for (size_t g = 0; g < x->ng; g++) x->first[g + 1] += x->first[g];
  uint32_t *fill = malloc((x->ng + 1) * sizeof *fill);
  if (!fill) return VERR_NOMEM;
  memcpy(fill, x->first, (x->ng + 1) * sizeof *fill);
  for (size_t i = 0; i < x->n; i++) x->member[fill[grp[i]]++] = (uint32_t)i;
  free(fill);
  return 0;
}

VulnInvIndex *vuln_inv_index_new(const VulnItem *items, size_t n) {
  char key[2 * VULN_CPE_MAX + 2];
  VulnInvIndex *x = calloc(1, sizeof *x);
  if (!x) return NULL;
  x->items = items;
  x->n = n;
  uint32_t *grp = vuln_items_group(items, n, &x->ng);
  if (!grp || !(x->keys = vuln_map_new()) || inv_members(x, grp)) goto fail;
  for (size_t g = 0; g < x->ng; g++) {
    uint32_t i = x->member[x->first[g]];
    size_t kl = items[i].has_cpe ? vuln_cpe_key(&items[i].cpe, key, sizeof key) : 0;
    if (!kl) continue;
    Bucket *b = bucket_for(x->keys, &x->b, &x->nb, &x->capb, key, kl);
    if (!b || bucket_add(b, i, (uint32_t)g, NULL)) goto fail;
  }
  free(grp);
  return x;
fail:
  free(grp);
  vuln_inv_index_free(x);
  return NULL;
}

void vuln_inv_index_free(VulnInvIndex *x) {
  if (!x) return;
  for (size_t i = 0; i < x->nb; i++) free(x->b[i].e);
  free(x->b);
  free(x->first);
  free(x->member);
  vuln_map_free(x->keys);
  free(x);
}

/* The inventory buckets a CVE's vulnerable criteria name, at any depth;
 * returns 1 if one of them has a wildcarded vendor or product (it would need
 * every item, so the reverse path then falls back to all of them). */
static int cve_keys(const VulnNode *n, const VulnInvIndex *x, uint32_t *bk, size_t *nbk, size_t cap, int depth) {
  char key[2 * VULN_CPE_MAX + 2];
  int wild = 0;
  for (uint32_t i = 0; i < n->nmatch; i++) {
    if (!n->match[i].vulnerable) continue;
    size_t kl = vuln_cpe_key(&n->match[i].cpe, key, sizeof key);
    uint32_t b = kl ? vuln_map_get(x->keys, key, kl) : UINT32_MAX;
    int dup = 0;
    wild |= !kl;
    for (size_t k = 0; k < *nbk; k++) dup |= bk[k] == b;
    if (b != UINT32_MAX && !dup && *nbk < cap) bk[(*nbk)++] = b;
  }
  for (uint32_t i = 0; i < n->nchild && depth < 8; i++) wild |= cve_keys(&n->child[i], x, bk, nbk, cap, depth + 1);
  return wild;
}

static int item_vs_cve(VulnMatcher *m, const VulnItem *it, size_t idx, uint32_t c, VulnMatchList *out) {
  unsigned relax = (m->o.relax ? VULN_RELAX_CONTEXT : 0) | (it->derived ? 1u << CPE_PART : 0);
  if (++m->stamp == 0) {
    memset(m->seen, 0, sizeof *m->seen * (m->db->ncve + 1));
    m->stamp = 1;
  }
  for (uint32_t k = 0; k < m->db->cve[c].ncfg; k++)
    if (nvd_try(m, it, idx, c, k, relax, out)) return VERR_NOMEM;
  return 0;
}

/* The CVE against the first item of group g; the other members, being the
 * same for matching, get a copy with their own item and priority. */
static int group_vs_cve(VulnMatcher *m, const VulnInvIndex *x, size_t g, uint32_t c, VulnMatchList *out) {
  const uint32_t *mem = x->member + x->first[g];
  size_t nm = x->first[g + 1] - x->first[g], from = out->n;
  if (item_vs_cve(m, &x->items[mem[0]], mem[0], c, out)) return VERR_NOMEM;
  size_t got = out->n - from;
  for (size_t k = 1; k < nm && got; k++)
    for (size_t j = 0; j < got; j++) {
      VulnMatch copy = out->m[from + j], *r = push(out);
      if (!r) return VERR_NOMEM;
      const VulnItem *it = &x->items[mem[k]];
      *r = copy;
      r->item = mem[k];
      r->priority = vuln_priority(r->cvss, r->kev, r->ransomware, r->epss_pct, it->internet, it->criticality,
                                  &r->priority_class);
    }
  return 0;
}

/* Matches come group by group (a group's items in ascending order), the
 * groups in the order of the products the CVE names. */
int vuln_match_cve(VulnMatcher *m, const VulnInvIndex *x, size_t cve, VulnMatchList *out) {
  const VulnCve *c = &m->db->cve[cve];
  uint32_t bk[64];
  size_t nbk = 0;
  int wild = 0;
  if (cve >= m->db->ncve) return 0;
  for (uint32_t k = 0; k < c->ncfg; k++)
    for (uint32_t j = 0; j < c->cfg[k].nnode; j++) wild |= cve_keys(&c->cfg[k].node[j], x, bk, &nbk, 64, 0);
  if (nbk == 64 || wild) {  /* too many products or a wildcard: look at everything */
    for (size_t g = 0; g < x->ng; g++)
      if (x->items[x->member[x->first[g]]].has_cpe && group_vs_cve(m, x, g, (uint32_t)cve, out)) return VERR_NOMEM;
    return 0;
  }
  for (size_t k = 0; k < nbk; k++)
    for (uint32_t i = 0; i < x->b[bk[k]].n; i++)
      if (group_vs_cve(m, x, x->b[bk[k]].e[i].b, (uint32_t)cve, out)) return VERR_NOMEM;
  return 0;
}
