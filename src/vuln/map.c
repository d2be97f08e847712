/* map.c — linear-probing string map behind map.h; keys live in an arena,
 * the slot table doubles at 50% load. */
#include "vuln/map.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

typedef struct Slot {
  const char *key;
  uint32_t len, value;
  uint64_t hash;
} Slot;

struct VulnMap {
  Slot *slot;
  size_t cap, n;
  Arena *keys;
};

static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;  /* FNV-1a, then a final mix */
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  return h ^ (h >> 33);
}

VulnMap *vuln_map_new(void) {
  VulnMap *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  m->cap = 64;
  m->slot = calloc(m->cap, sizeof *m->slot);
  m->keys = arena_new((size_t)4 << 30);
  if (!m->slot || !m->keys) {
    vuln_map_free(m);
    return NULL;
  }
  return m;
}

void vuln_map_free(VulnMap *m) {
  if (!m) return;
  free(m->slot);
  arena_free(m->keys);
  free(m);
}

static Slot *find(Slot *tab, size_t cap, const char *key, size_t len, uint64_t h) {
  size_t i = h & (cap - 1);
  for (;;) {
    Slot *s = &tab[i];
    if (!s->key || (s->hash == h && s->len == len && !memcmp(s->key, key, len))) return s;
    i = (i + 1) & (cap - 1);
  }
}

/* A zeroed slot table, written rather than calloc'ed: a bulk load probes
 * (reads) fresh pages before it writes them, and a page first read maps the
 * shared zero page, so each write would fault again and flush the TLBs of
 * every core running the process. explicit_bzero, because the compiler
 * turns malloc + memset(0) back into calloc (it did: GCC 12, -O2). */
static Slot *table_new(size_t cap) {
  Slot *tab = malloc(cap * sizeof *tab);
  if (tab) explicit_bzero(tab, cap * sizeof *tab);
  return tab;
}

static int resize(VulnMap *m, size_t cap) {
  Slot *tab = table_new(cap);
  if (!tab) return -1;
  for (size_t i = 0; i < m->cap; i++)
    if (m->slot[i].key) *find(tab, cap, m->slot[i].key, m->slot[i].len, m->slot[i].hash) = m->slot[i];
  free(m->slot);
  m->slot = tab;
  m->cap = cap;
  return 0;
}

uint64_t vuln_map_hash(const char *key, size_t len) { return hash_bytes(key, len); }

void vuln_map_prefetch(const VulnMap *m, uint64_t hash) { __builtin_prefetch(&m->slot[hash & (m->cap - 1)], 1); }

uint32_t vuln_map_put_hashed(VulnMap *m, const char *key, size_t len, uint64_t h, uint32_t value) {
  if (len > UINT32_MAX) return UINT32_MAX;
  if ((m->n + 1) * 2 > m->cap && resize(m, m->cap * 2)) return UINT32_MAX;
  Slot *s = find(m->slot, m->cap, key, len, h);
  if (s->key) return s->value;
  char *k = arena_strndup(m->keys, key, len);
  if (!k) return UINT32_MAX;
  s->key = k;
  s->len = (uint32_t)len;
  s->hash = h;
  s->value = value;
  m->n++;
  return value;
}

uint32_t vuln_map_put(VulnMap *m, const char *key, size_t len, uint32_t value) {
  return vuln_map_put_hashed(m, key, len, hash_bytes(key, len), value);
}

uint32_t vuln_map_get(const VulnMap *m, const char *key, size_t len) {
  Slot *s = find(m->slot, m->cap, key, len, hash_bytes(key, len));
  return s->key ? s->value : UINT32_MAX;
}

size_t vuln_map_count(const VulnMap *m) { return m->n; }

int vuln_map_reserve(VulnMap *m, size_t n) {
  size_t cap = m->cap;
  while (cap < n * 2 + 2) {
    if (cap > SIZE_MAX / 4 / sizeof(Slot)) return -1;
    cap *= 2;
  }
  return cap == m->cap ? 0 : resize(m, cap);
}
