/* event.c — the flat event store (see event.h). Copied names and values are
 * kept NUL-terminated in a chain of blocks that never move, so fields can
 * hold plain pointers; a reset rewinds the chain without freeing it. */
#include "sigma/event.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_FIRST ((size_t)4 << 10)
#define BLOCK_MAX_STEP ((size_t)1 << 20)   /* blocks double up to this size */

struct SevBlock {
  SevBlock *next;
  size_t cap, used;
  char data[];
};

void sev_init(SigmaEvent *e) {
  memset(e, 0, sizeof *e);
  e->time_ms = INT64_MIN;
}

void sev_free(SigmaEvent *e) {
  for (SevBlock *b = e->blocks, *nx; b; b = nx) {
    nx = b->next;
    free(b);
  }
  free(e->f);
  sev_init(e);
}

void sev_reset(SigmaEvent *e) {
  e->n = 0;
  e->store_n = 0;
  e->cur = e->blocks;
  if (e->cur) e->cur->used = 0;
  e->format = SFMT_UNKNOWN;
  e->source = NULL;
  e->record = 0;
  e->time_ms = INT64_MIN;
}

/* n contiguous bytes of store: the current block, the next kept one, or a
 * new block linked in after the current one. */
char *sev_store(SigmaEvent *e, size_t n) {
  if (n > SEV_MAX_STORE || e->store_n + n > SEV_MAX_STORE) return NULL;
  SevBlock *b = e->cur;
  if (!b || b->cap - b->used < n) {
    SevBlock *nx = b ? b->next : e->blocks;
    if (nx && nx->cap >= n) {
      b = nx;
    } else {
      size_t cap = b ? (b->cap < BLOCK_MAX_STEP ? b->cap * 2 : b->cap) : BLOCK_FIRST;
      if (cap < n) cap = n;
      SevBlock *nb = malloc(sizeof *nb + cap);
      if (!nb) return NULL;
      nb->cap = cap;
      nb->next = nx;
      if (e->cur) e->cur->next = nb; else e->blocks = nb;
      b = nb;
    }
    b->used = 0;
    e->cur = b;
  }
  char *p = b->data + b->used;
  b->used += n;
  e->store_n += n;
  return p;
}

int sev_field_room(SigmaEvent *e) {
  if (e->n >= SEV_MAX_FIELDS) return -1;
  if (e->n < e->cap) return 0;
  uint32_t cap = e->cap ? e->cap * 2 : 64;
  SigmaField *f = realloc(e->f, cap * sizeof *f);
  if (!f) return -1;
  e->f = f;
  e->cap = cap;
  return 0;
}

int sev_add(SigmaEvent *e, const char *name, size_t name_len,
            const char *val, size_t val_len, int kind) {
  if (!val) val_len = 0;
  if (name_len > UINT32_MAX / 4 || val_len > UINT32_MAX / 4) return -1;
  char *p = sev_store(e, name_len + val_len + 2);
  if (!p) return -1;
  char *v = p + name_len + 1;
  if (name_len) memcpy(p, name, name_len);
  p[name_len] = '\0';
  if (val_len) memcpy(v, val, val_len);
  v[val_len] = '\0';
  return sev_add_ref(e, p, name_len, v, val_len, kind);
}

int sev_copy(SigmaEvent *dst, const SigmaEvent *src) {
  sev_reset(dst);
  for (uint32_t i = 0; i < src->n; i++) {
    const SigmaField *f = &src->f[i];
    if (sev_add(dst, sev_name(src, f), f->name_len, sev_val(src, f), f->val_len, f->kind)) return -1;
  }
  dst->format = src->format;
  dst->record = src->record;
  dst->time_ms = src->time_ms;
  return 0;
}

const SigmaField *sev_get(const SigmaEvent *e, const char *name, size_t name_len) {
  for (uint32_t i = 0; i < e->n; i++) {
    const SigmaField *f = &e->f[i];
    if (f->name_len == name_len && memcmp(f->name, name, name_len) == 0) return f;
  }
  return NULL;
}
