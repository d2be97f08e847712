/* arena.c — chunked bump allocator behind arena.h.
 * Chunks are linked and released together; large requests get their own chunk. */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Chunk {
  struct Chunk *next;
  size_t size, used;
  _Alignas(16) unsigned char data[];
} Chunk;

struct Arena {
  Chunk *head;
  size_t limit, total;
};

#define CHUNK_MIN 8192

Arena *arena_new(size_t limit) {
  Arena *a = calloc(1, sizeof *a);
  if (a) a->limit = limit ? limit : ((size_t)64 << 20);
  return a;
}

void arena_free(Arena *a) {
  if (!a) return;
  Chunk *c = a->head;
  while (c) {
    Chunk *n = c->next;
    free(c);
    c = n;
  }
  free(a);
}

void *arena_alloc(Arena *a, size_t n) {
  n = (n + 15) & ~(size_t)15;
  if (n == 0) n = 16;
  Chunk *c = a->head;
  if (!c || c->size - c->used < n) {
    size_t size = n > CHUNK_MIN ? n : CHUNK_MIN;
    if (size > a->limit - a->total || a->total > a->limit) return NULL;
    c = malloc(sizeof *c + size);
    if (!c) return NULL;
    c->size = size;
    c->used = 0;
    a->total += size;
    if (a->head && size == n) { /* big one-off: keep the current chunk on top */
      c->next = a->head->next;
      a->head->next = c;
    } else {
      c->next = a->head;
      a->head = c;
    }
  }
  void *p = c->data + c->used;
  c->used += n;
  memset(p, 0, n);
  return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n) {
  char *p = arena_alloc(a, n + 1);
  if (p) memcpy(p, s, n);
  return p;
}

char *arena_strdup(Arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

char *arena_printf(Arena *a, const char *fmt, ...) {
  va_list ap, cp;
  va_start(ap, fmt);
  va_copy(cp, ap);
  int len = vsnprintf(NULL, 0, fmt, cp);
  va_end(cp);
  char *p = len < 0 ? NULL : arena_alloc(a, (size_t)len + 1);
  if (p) vsnprintf(p, (size_t)len + 1, fmt, ap);
  va_end(ap);
  return p;
}

size_t arena_used(const Arena *a) { return a->total; }

void arena_adopt(Arena *a, Arena *from) {
  if (!from) return;
  Chunk *last = from->head;
  while (last && last->next) last = last->next;
  if (last) {   /* behind a's current chunk, which stays the one allocated from */
    Chunk **at = a->head ? &a->head->next : &a->head;
    last->next = *at;
    *at = from->head;
  }
  a->total += from->total;
  from->head = NULL;
  free(from);
}
