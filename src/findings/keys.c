/* keys.c — which products a new CVE can name: each matched product's CPE
 * vendor:product is kept in finding_keys, so a feed update reads only the
 * products sharing a key with its vulnerable criteria instead of every
 * inventory. A superset by construction: NVD name matching needs vendor
 * and product equal (neither is ever relaxed), and products with a
 * wildcarded name are filed under "*" and always read. CSAF advisories name
 * products by purl, CPE helper or vendor/product name; for them the keys
 * are coarser still: "np:" + the product name in lower-case letters and
 * digits, and "pp:" + the purl's package name, so every product the
 * advisory could name is read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "findings/internal.h"
#include "findings/match_int.h"
#include "vuln/map.h"
#include "vuln/purl.h"

#include <ctype.h>

static size_t cpe_key(const VulnCpe *c, char *key, size_t cap) {
  size_t n = vuln_cpe_key(c, key, cap);
  return n ? n : (size_t)snprintf(key, cap, "*");
}

size_t find_item_key(const VulnItem *it, char *key, size_t cap) {
  return it->has_cpe ? cpe_key(&it->cpe, key, cap) : 0;
}

/* prefix + s in lower-case letters and digits only; 0 if nothing is left. */
static size_t name_key(const char *prefix, const char *s, char *key, size_t cap) {
  size_t n = (size_t)snprintf(key, cap, "%s", prefix), p = n;
  for (; s && *s && n + 1 < cap; s++)
    if (isalnum((unsigned char)*s)) key[n++] = (char)tolower((unsigned char)*s);
  key[n] = '\0';
  return n > p ? n : 0;
}

/* The map key of a finding_keys row: org and product ids, then the key. */
static size_t row_key(char *out, size_t cap, int64_t org, int64_t product, const char *key) {
  size_t l = strlen(key);
  if (16 + l > cap) return 0;
  memcpy(out, &org, 8);
  memcpy(out + 8, &product, 8);
  memcpy(out + 16, key, l);
  return 16 + l;
}

/* A full run reads every stored row first, writes only the rows that are
 * new and deletes the ones no product gave again (find_keys_full_end). */
int find_keys_full_begin(FindRun *r, Err *e) {
  DbStmt *st = NULL;
  char k[16 + 2 * VULN_CPE_MAX + 2];
  if (!(r->keys = vuln_map_new())) return err_set(e, VERR_NOMEM, "tomt for minne");
  int rc = db_query(r->db, &st, e, "SELECT org_id, product_id, key FROM finding_keys", "");
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW) {
    size_t l = row_key(k, sizeof k, db_col_int(st, 0), db_col_int(st, 1), db_col_text(st, 2));
    if (l && vuln_map_put(r->keys, k, l, (uint32_t)vuln_map_count(r->keys)) == UINT32_MAX) {
      rc = err_set(e, VERR_NOMEM, "tomt for minne");
      break;
    }
  }
  db_finalize(st);
  r->nkeys = vuln_map_count(r->keys);
  if (rc == DB_DONE && !(r->keyseen = calloc(r->nkeys + 1, 1))) rc = err_set(e, VERR_NOMEM, "tomt for minne");
  return rc == DB_DONE ? 0 : rc;
}

int find_keys_full_end(FindRun *r, Err *e) {
  DbStmt *st = NULL, *del = NULL;
  int rc = db_prepare(r->db, &del, e, "DELETE FROM finding_keys WHERE key = ? AND org_id = ? AND product_id = ?");
  if (!rc) rc = db_query(r->db, &st, e, "SELECT org_id, product_id, key FROM finding_keys", "");
  char k[16 + 2 * VULN_CPE_MAX + 2];
  size_t ngone = 0;
  int64_t (*gone)[2] = NULL;
  char **gkey = NULL;
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW) {
    size_t l = row_key(k, sizeof k, db_col_int(st, 0), db_col_int(st, 1), db_col_text(st, 2));
    uint32_t i = l ? vuln_map_get(r->keys, k, l) : UINT32_MAX;
    if (i == UINT32_MAX || i >= r->nkeys || r->keyseen[i]) continue;   /* new this run, or given again */
    void *g = realloc(gone, (ngone + 1) * sizeof *gone), *gk = realloc(gkey, (ngone + 1) * sizeof *gkey);
    if (g) gone = g;
    if (gk) gkey = gk;
    if (!g || !gk || !(gkey[ngone] = strdup(db_col_text(st, 2)))) {
      rc = err_set(e, VERR_NOMEM, "tomt for minne");
      break;
    }
    gone[ngone][0] = db_col_int(st, 0);
    gone[ngone++][1] = db_col_int(st, 1);
  }
  db_finalize(st);
  if (rc == DB_DONE) rc = 0;
  for (size_t i = 0; i < ngone; i++) {
    if (!rc) {
      db_reset(del);
      db_bind_text(del, 1, gkey[i]);
      db_bind_int(del, 2, gone[i][0]);
      db_bind_int(del, 3, gone[i][1]);
      rc = db_step(del, e);
      rc = rc < 0 ? rc : 0;
    }
    free(gkey[i]);
  }
  db_finalize(del);
  free(gone);
  free(gkey);
  return rc;
}

static int put_key(FindRun *r, const FindItemMeta *meta, const char *key, Err *e) {
  if (r->keys) {   /* full run: rows already stored stay */
    char k[16 + 2 * VULN_CPE_MAX + 2];
    size_t l = row_key(k, sizeof k, meta->org_id, meta->product_id, key);
    uint32_t i = l ? vuln_map_get(r->keys, k, l) : UINT32_MAX;
    if (i != UINT32_MAX && i < r->nkeys) {
      r->keyseen[i] = 1;
      return 0;
    }
  }
  db_reset(r->kins);
  db_bind_text(r->kins, 1, key);
  db_bind_int(r->kins, 2, meta->org_id);
  db_bind_int(r->kins, 3, meta->product_id);
  int rc = db_step(r->kins, e);
  return rc < 0 ? rc : 0;
}

int find_keys_store(FindRun *r, const FindItemMeta *meta, const VulnItem *it, Err *e) {
  char key[2 * VULN_CPE_MAX + 2], plain_name[512] = "";
  int rc = 0;
  if (!r->keys) {   /* a full run deletes what no product gave again at its end instead */
    db_reset(r->kdel);
    db_bind_int(r->kdel, 1, meta->org_id);
    db_bind_int(r->kdel, 2, meta->product_id);
    rc = db_step(r->kdel, e);
    if (rc < 0) return rc;
    rc = 0;
  }
  if (find_item_key(it, key, sizeof key)) rc = put_key(r, meta, key, e);
  const char *product = it->product;
  if (!product && it->has_cpe && it->cpe.v[CPE_PRODUCT]) {
    vuln_cpe_unquote(it->cpe.v[CPE_PRODUCT], plain_name, sizeof plain_name);
    product = plain_name;
  }
  if (!rc && name_key("np:", product, key, sizeof key)) rc = put_key(r, meta, key, e);
  if (!rc && it->has_purl && name_key("pp:", it->purl->name, key, sizeof key)) rc = put_key(r, meta, key, e);
  return rc;
}

/* Keys an advisory's products can be found under (see the header). */
static void csaf_keys(const VulnDb *v, char (*keys)[2 * VULN_CPE_MAX + 2], size_t *nk, size_t cap, int *wild) {
  char store[2 * VULN_CPE_MAX + 16];
  for (size_t d = 0; d < v->ncsaf && !*wild; d++)
    for (uint32_t k = 0; k < v->csaf[d].nprod && !*wild; k++) {
      const VulnCsafProduct *p = &v->csaf[d].prod[k];
      char one[3][2 * VULN_CPE_MAX + 2];
      size_t n1 = 0;
      VulnCpe c;
      VulnPurl *pu = p->purl ? malloc(sizeof *pu) : NULL;
      if (p->cpe && !vuln_cpe_parse(p->cpe, &c, store, sizeof store, NULL)) cpe_key(&c, one[n1++], sizeof one[0]);
      if (name_key("np:", p->product ? p->product : p->name, one[n1], sizeof one[0])) n1++;
      if (pu && !vuln_purl_parse(p->purl, pu, NULL) && name_key("pp:", pu->name, one[n1], sizeof one[0])) n1++;
      free(pu);
      for (size_t i = 0; i < n1 && !*wild; i++) {
        int dup = !strcmp(one[i], "*");
        for (size_t j = 0; j < *nk && !dup; j++) dup = !strcmp(keys[j], one[i]);
        if (dup) continue;
        if (*nk == cap) *wild = 1;
        else memcpy(keys[(*nk)++], one[i], sizeof one[0]);
      }
    }
}

/* Keys of the vulnerable criteria of node n; *wild set on a wildcard. */
static int node_keys(const VulnNode *n, char (*keys)[2 * VULN_CPE_MAX + 2], size_t *nk, size_t cap, int *wild,
                     int depth) {
  for (uint32_t i = 0; i < n->nmatch && !*wild; i++) {
    if (!n->match[i].vulnerable) continue;
    if (*nk == cap) return *wild = 1, 0;
    cpe_key(&n->match[i].cpe, keys[*nk], sizeof keys[0]);
    int dup = 0;
    for (size_t k = 0; k < *nk && !dup; k++) dup = !strcmp(keys[k], keys[*nk]);
    if (!strcmp(keys[*nk], "*")) *wild = 1;
    else if (!dup) (*nk)++;
  }
  for (uint32_t i = 0; i < n->nchild && depth < 8 && !*wild; i++) node_keys(&n->child[i], keys, nk, cap, wild, depth + 1);
  return 0;
}

static int add_pairs(FindRun *r, const char *key, int64_t (**pairs)[2], size_t *n, size_t *cap, Err *e) {
  DbStmt *st = NULL;
  int rc = db_query(r->db, &st, e, "SELECT org_id, product_id FROM finding_keys WHERE key = ?", "s", key);
  if (!rc)
    while ((rc = db_step(st, e)) == DB_ROW) {
      if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        void *p = realloc(*pairs, *cap * sizeof **pairs);
        if (!p) {
          rc = err_set(e, VERR_NOMEM, "tomt for minne");
          break;
        }
        *pairs = p;
      }
      (*pairs)[*n][0] = db_col_int(st, 0);
      (*pairs)[(*n)++][1] = db_col_int(st, 1);
    }
  db_finalize(st);
  return rc == DB_DONE ? 0 : rc;
}

static int cmp_pair(const void *a, const void *b) {
  const int64_t *x = a, *y = b;
  return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] < y[1] ? -1 : x[1] > y[1];
}

int find_keys_candidates(FindRun *r, const VulnDb *v, int64_t (**pairs)[2], size_t *n, int *all, Err *e) {
  enum { MAXK = 256 };
  char (*keys)[2 * VULN_CPE_MAX + 2] = malloc(MAXK * sizeof *keys);
  size_t nk = 0, cap = 0;
  int wild = !keys || find_state_int(r->db, "keys_ok") != 2;   /* 2: name keys stored too */
  if (!wild) csaf_keys(v, keys, &nk, MAXK, &wild);
  *pairs = NULL;
  *n = 0;
  for (size_t c = 0; c < v->ncve && !wild; c++)
    for (uint32_t k = 0; k < v->cve[c].ncfg && !wild; k++)
      for (uint32_t j = 0; j < v->cve[c].cfg[k].nnode && !wild; j++) node_keys(&v->cve[c].cfg[k].node[j], keys, &nk, MAXK, &wild, 0);
  *all = wild;
  int rc = wild ? 0 : add_pairs(r, "*", pairs, n, &cap, e);
  for (size_t i = 0; !rc && !wild && i < nk; i++) rc = add_pairs(r, keys[i], pairs, n, &cap, e);
  free(keys);
  if (rc || wild) return rc;
  if (*n > 1) qsort(*pairs, *n, sizeof **pairs, cmp_pair);   /* *pairs is NULL when nothing matched */
  size_t w = 0;
  for (size_t i = 0; i < *n; i++)
    if (!w || cmp_pair((*pairs)[i], (*pairs)[w - 1])) memcpy((*pairs)[w++], (*pairs)[i], sizeof **pairs);
  *n = w;
  return 0;
}
