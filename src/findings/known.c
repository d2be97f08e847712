/* known.c — the inventory findings already stored (product_id > 0), read
 * once into memory for a full run: each match is compared here instead of
 * by a query, and what the run did not see is known without a second scan. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "findings/match_int.h"
#include "vuln/map.h"

struct FindKnown {
  VulnMap *ix;              /* org_id, product_id (8 bytes each), vuln_id -> row */
  FindKnownRow *row;
  size_t n, cap;
};

int find_known_source(const char *s) {
  for (int i = 0; i < FIND_NSRC; i++)
    if (!strcmp(s, find_src_name(i))) return i;
  return -1;
}

/* The evidence and product name as one 64-bit FNV-1a digest: a changed text
 * means an update (two different texts share a digest with odds of 2^-64). */
uint64_t find_known_digest(const char *reason, const char *name) {
  uint64_t h = 1469598103934665603ull;
  for (const unsigned char *p = (const unsigned char *)reason; *p; p++) h = (h ^ *p) * 1099511628211ull;
  h = (h ^ 0xff) * 1099511628211ull;   /* a byte no UTF-8 text holds, between the two */
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) h = (h ^ *p) * 1099511628211ull;
  return h;
}

/* The map key in kb (cap 16 + KEY_INLINE) or, for a longer id, in *big
 * (freed by the caller); NULL when out of memory. */
#define KEY_INLINE 240
static const char *key(char *kb, char **big, size_t *len, int64_t org, int64_t product, const char *vuln) {
  size_t l = strlen(vuln);
  char *k = kb;
  *big = NULL;
  if (l > KEY_INLINE && !(k = *big = malloc(16 + l))) return NULL;
  memcpy(k, &org, 8);
  memcpy(k + 8, &product, 8);
  memcpy(k + 16, vuln, l);
  *len = 16 + l;
  return k;
}

size_t find_known_find(const FindKnown *k, int64_t org, int64_t product, const char *vuln) {
  char kb[16 + KEY_INLINE], *big;
  size_t len;
  const char *kp = key(kb, &big, &len, org, product, vuln);
  uint32_t i = kp ? vuln_map_get(k->ix, kp, len) : UINT32_MAX;
  free(big);
  return i == UINT32_MAX ? 0 : (size_t)i + 1;
}

FindKnownRow *find_known_at(FindKnown *k, size_t i) { return i < k->n ? &k->row[i] : NULL; }

FindKnownRow *find_known_get(FindKnown *k, int64_t org, int64_t product, const char *vuln) {
  size_t i = find_known_find(k, org, product, vuln);
  return i ? &k->row[i - 1] : NULL;
}

/* A new row (zeroed but for its key); NULL when out of memory. */
FindKnownRow *find_known_add(FindKnown *k, int64_t org, int64_t product, const char *vuln) {
  if (k->n == k->cap) {
    size_t nc = k->cap ? k->cap * 2 : 4096;
    FindKnownRow *r = realloc(k->row, nc * sizeof *r);
    if (!r) return NULL;
    k->row = r;
    k->cap = nc;
  }
  char kb[16 + KEY_INLINE], *big;
  size_t len;
  const char *kp = key(kb, &big, &len, org, product, vuln);
  int ok = kp && k->n < UINT32_MAX - 1 && vuln_map_put(k->ix, kp, len, (uint32_t)k->n) == k->n;
  free(big);
  if (!ok) return NULL;
  FindKnownRow *r = &k->row[k->n++];
  memset(r, 0, sizeof *r);
  return r;
}

static int add_row(FindKnown *k, DbStmt *st) {
  FindKnownRow *r = find_known_add(k, db_col_int(st, 1), db_col_int(st, 2), db_col_text(st, 3));
  if (!r) return VERR_NOMEM;
  FindStatus status = FIND_ST_OPEN;
  find_status_parse(db_col_text(st, 4), &status);
  r->id = db_col_int(st, 0);
  r->status = (unsigned char)status;
  r->matched = db_col_int(st, 5) != 0;
  r->source = (signed char)find_known_source(db_col_text(st, 6));
  r->priority = db_col_double(st, 7);   /* REAL: no text round trip */
  r->digest = find_known_digest(db_col_text(st, 8), db_col_text(st, 9));
  r->kev = db_col_int(st, 10) != 0;
  r->internet = db_col_int(st, 11) != 0;
  r->criticality = (int)db_col_int(st, 12);
  r->due_at = db_col_int(st, 13);
  r->first_seen = db_col_int(st, 14);
  return 0;
}

int find_known_load(Db *db, FindKnown **out, Err *e) {
  FindKnown *k = calloc(1, sizeof *k);
  *out = NULL;
  if (!k || !(k->ix = vuln_map_new())) {
    free(k);
    return err_set(e, VERR_NOMEM, "tomt for minne");
  }
  DbStmt *st = NULL;
  int64_t n = 0;   /* sized once: growing a map of 500,000 keys rehashes them all, several times */
  int rc = db_int(db, e, &n, "SELECT count(*) FROM findings WHERE product_id > 0", "");
  if (!rc && n > 0 && (vuln_map_reserve(k->ix, (size_t)n) || !(k->row = malloc((size_t)n * sizeof *k->row))))
    rc = err_set(e, VERR_NOMEM, "tomt for minne");
  k->cap = k->row ? (size_t)n : 0;
  if (!rc) rc = db_query(db, &st, e,
                    "SELECT id, org_id, product_id, vuln_id, status, matched, source, priority, reason, product_name,"
                    " kev, internet, criticality, due_at, first_seen FROM findings WHERE product_id > 0", "");
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW)
    if (add_row(k, st)) {
      rc = err_set(e, VERR_NOMEM, "tomt for minne");
      break;
    }
  db_finalize(st);
  if (rc != DB_DONE) {
    find_known_free(k);
    return rc;
  }
  *out = k;
  return 0;
}

size_t find_known_count(const FindKnown *k) { return k->n; }

int find_known_reserve(FindKnown *k, size_t more) {
  if (k->n + more <= k->cap) return 0;
  FindKnownRow *r = realloc(k->row, (k->n + more) * sizeof *r);
  if (!r) return VERR_NOMEM;
  k->row = r;
  k->cap = k->n + more;
  return vuln_map_reserve(k->ix, k->n + more) ? VERR_NOMEM : 0;
}

/* Ids of the findings still matched that the run did not see. */
int find_known_unseen(const FindKnown *k, int64_t **ids, size_t *n) {
  *n = 0;
  *ids = malloc((k->n ? k->n : 1) * sizeof **ids);
  if (!*ids) return VERR_NOMEM;
  for (size_t i = 0; i < k->n; i++)
    if (k->row[i].matched && !k->row[i].seen) (*ids)[(*n)++] = k->row[i].id;
  return 0;
}

void find_known_free(FindKnown *k) {
  if (!k) return;
  vuln_map_free(k->ix);
  free(k->row);
  free(k);
}
