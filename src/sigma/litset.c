/* litset.c — sets of equality, prefix and suffix literals of one field,
 * answered by hashing a value's prefixes/suffixes at the lengths present
 * (ASCII case folding per literal, as the matcher has it) instead of a scan. */
#include <stdlib.h>
#include <string.h>

#include "sigma/litset.h"

#define FILTER_BITS 65536u   /* most probes miss: a bit test before the table */

typedef struct LitEnt {
  uint32_t hash, id;
  uint16_t len;
  uint8_t cased;
  uint8_t *lit;
} LitEnt;

typedef struct LitTab {       /* one shape: open addressing over entry indexes + 1 */
  uint32_t *slot, mask;
  uint64_t lens[4];           /* bit k: some literal has length k */
  uint64_t filter[FILTER_BITS / 64];   /* bit (hash >> 16): some literal has a hash like it */
  uint32_t maxlen;
} LitTab;

struct SLitSet {
  LitEnt *ent;
  uint32_t n, cap;
  LitTab tab[3];              /* SLIT_EQ, SLIT_START, SLIT_END */
  uint8_t *kind;              /* per entry: its table */
};

static inline uint8_t fold(uint8_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static inline uint32_t step(uint32_t h, uint8_t c) { return (h ^ fold(c)) * 16777619u; }
#define SEED 2166136261u

SLitSet *slit_new(void) { return calloc(1, sizeof(SLitSet)); }

void slit_free(SLitSet *s) {
  if (!s) return;
  for (uint32_t i = 0; i < s->n; i++) free(s->ent[i].lit);
  for (int t = 0; t < 3; t++) free(s->tab[t].slot);
  free(s->ent);
  free(s->kind);
  free(s);
}

int slit_add(SLitSet *s, int kind, const uint8_t *lit, size_t len, int cased, uint32_t id) {
  if (kind < SLIT_EQ || kind > SLIT_END || len == 0 || len > SLIT_MAXLEN) return -1;
  if (s->n == s->cap) {
    uint32_t cap = s->cap ? s->cap * 2 : 16;
    LitEnt *ne = realloc(s->ent, cap * sizeof *ne);
    if (!ne) return -1;
    s->ent = ne;
    uint8_t *nk = realloc(s->kind, cap);
    if (!nk) return -1;
    s->kind = nk;
    s->cap = cap;
  }
  LitEnt *e = &s->ent[s->n];
  if (!(e->lit = malloc(len))) return -1;
  memcpy(e->lit, lit, len);
  uint32_t h = SEED;   /* suffixes are hashed from their last byte backwards */
  for (size_t k = 0; k < len; k++) h = step(h, lit[kind == SLIT_END ? len - 1 - k : k]);
  e->hash = h;
  e->id = id;
  e->len = (uint16_t)len;
  e->cased = cased != 0;
  s->kind[s->n++] = (uint8_t)kind;
  return 0;
}

int slit_build(SLitSet *s) {
  for (int t = 0; t < 3; t++) {
    LitTab *tb = &s->tab[t];
    uint32_t cnt = 0, size = 8;
    for (uint32_t i = 0; i < s->n; i++) cnt += s->kind[i] == t;
    while (size < cnt * 2) size *= 2;
    free(tb->slot);
    if (!(tb->slot = calloc(size, sizeof *tb->slot))) return -1;
    tb->mask = size - 1;
    for (uint32_t i = 0; i < s->n; i++) {
      if (s->kind[i] != t) continue;
      const LitEnt *e = &s->ent[i];
      uint32_t p = e->hash & tb->mask;
      while (tb->slot[p]) p = (p + 1) & tb->mask;
      tb->slot[p] = i + 1;
      tb->filter[(e->hash >> 16) / 64] |= 1ull << ((e->hash >> 16) % 64);
      tb->lens[e->len / 64] |= 1ull << (e->len % 64);
      if (e->len > tb->maxlen) tb->maxlen = e->len;
    }
  }
  return 0;
}

size_t slit_count(const SLitSet *s) { return s ? s->n : 0; }

static int same(const LitEnt *e, const uint8_t *v) {
  if (e->cased) return memcmp(e->lit, v, e->len) == 0;
  for (uint32_t k = 0; k < e->len; k++)
    if (fold(e->lit[k]) != fold(v[k])) return 0;
  return 1;
}

/* Reports every literal of table t with hash h and length len that equals
 * v[0 .. len) (EQ, START) or v[n - len .. n) (END). */
static void probe(const SLitSet *s, const LitTab *tb, uint32_t h, size_t len, const uint8_t *at,
                  slit_hit_fn hit, void *ctx) {
  if (!(tb->filter[(h >> 16) / 64] >> ((h >> 16) % 64) & 1)) return;
  for (uint32_t p = h & tb->mask; tb->slot[p]; p = (p + 1) & tb->mask) {
    const LitEnt *e = &s->ent[tb->slot[p] - 1];
    if (e->hash == h && e->len == len && same(e, at)) hit(e->id, ctx);
  }
}

static inline int has_len(const LitTab *tb, size_t k) { return tb->lens[k / 64] >> (k % 64) & 1; }

void slit_match(const SLitSet *s, const uint8_t *v, size_t n, slit_hit_fn hit, void *ctx) {
  const LitTab *eq = &s->tab[SLIT_EQ], *st = &s->tab[SLIT_START], *en = &s->tab[SLIT_END];
  if (n == 0) return;
  int want_eq = n <= SLIT_MAXLEN && has_len(eq, n);
  size_t lim = st->maxlen < n ? st->maxlen : n;
  if (want_eq) lim = n;
  uint32_t h = SEED;
  for (size_t k = 1; k <= lim; k++) {
    h = step(h, v[k - 1]);
    if (k <= st->maxlen && has_len(st, k)) probe(s, st, h, k, v, hit, ctx);
  }
  if (want_eq) probe(s, eq, h, n, v, hit, ctx);
  lim = en->maxlen < n ? en->maxlen : n;
  h = SEED;
  for (size_t k = 1; k <= lim; k++) {
    h = step(h, v[n - k]);
    if (has_len(en, k)) probe(s, en, h, k, v + n - k, hit, ctx);
  }
}
