/* event.c — the flat event store (see event.h). Names and values are kept
 * NUL-terminated in one growing byte store addressed by offsets. */
#include "sigma/event.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void sev_init(SigmaEvent *e) {
  memset(e, 0, sizeof *e);
  e->time_ms = INT64_MIN;
}

void sev_free(SigmaEvent *e) {
  free(e->f);
  free(e->store);
  sev_init(e);
}

void sev_reset(SigmaEvent *e) {
  e->n = 0;
  e->store_n = 0;
  e->format = SFMT_UNKNOWN;
  e->source = NULL;
  e->record = 0;
  e->time_ms = INT64_MIN;
}

/* Makes room for n more bytes in the store. */
static int store_room(SigmaEvent *e, size_t n) {
  if (n > SEV_MAX_STORE || e->store_n + n > SEV_MAX_STORE) return -1;
  if (e->store_n + n <= e->store_cap) return 0;
  size_t cap = e->store_cap ? e->store_cap : 4096;
  while (cap < e->store_n + n) cap *= 2;
  char *p = realloc(e->store, cap);
  if (!p) return -1;
  e->store = p;
  e->store_cap = cap;
  return 0;
}

static uint32_t store_put(SigmaEvent *e, const char *s, size_t n) {
  uint32_t off = (uint32_t)e->store_n;
  if (n) memcpy(e->store + off, s, n);
  e->store[off + n] = '\0';
  e->store_n += n + 1;
  return off;
}

int sev_add(SigmaEvent *e, const char *name, size_t name_len,
            const char *val, size_t val_len, int kind) {
  if (!val) val_len = 0;
  if (e->n >= SEV_MAX_FIELDS) return -1;
  if (e->n == e->cap) {
    uint32_t cap = e->cap ? e->cap * 2 : 64;
    SigmaField *f = realloc(e->f, cap * sizeof *f);
    if (!f) return -1;
    e->f = f;
    e->cap = cap;
  }
  if (name_len > UINT32_MAX / 4 || val_len > UINT32_MAX / 4 ||
      store_room(e, name_len + val_len + 2)) return -1;
  SigmaField *f = &e->f[e->n];
  f->name_off = store_put(e, name, name_len);
  f->val_off = store_put(e, val ? val : "", val_len);
  f->name_len = (uint32_t)name_len;
  f->val_len = (uint32_t)val_len;
  f->kind = (uint8_t)kind;
  e->n++;
  return 0;
}

const SigmaField *sev_get(const SigmaEvent *e, const char *name, size_t name_len) {
  for (uint32_t i = 0; i < e->n; i++) {
    const SigmaField *f = &e->f[i];
    if (f->name_len == name_len && memcmp(e->store + f->name_off, name, name_len) == 0)
      return f;
  }
  return NULL;
}
