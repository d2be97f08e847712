/* buf.c — growable bounded buffer with a sticky error (see buf.h).
 * Every append checks the bound first, so a runaway producer fails cleanly. */
#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(Buf *b, size_t max) {
  memset(b, 0, sizeof *b);
  b->max = max ? max : BUF_DEFAULT_MAX;
}

void buf_free(Buf *b) {
  free(b->p);
  size_t max = b->max;
  memset(b, 0, sizeof *b);
  b->max = max;
}

void buf_reset(Buf *b) {
  b->n = 0;
  b->err = 0;
  if (b->p) b->p[0] = '\0';
}

static int buf_reserve(Buf *b, size_t extra) {
  if (b->err) return -1;
  if (extra > b->max - b->n) {
    b->err = BUF_ETOOBIG;
    return -1;
  }
  size_t need = b->n + extra + 1;
  if (need <= b->cap) return 0;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  char *p = realloc(b->p, cap);
  if (!p) {
    b->err = BUF_ENOMEM;
    return -1;
  }
  b->p = p;
  b->cap = cap;
  return 0;
}

int buf_append(Buf *b, const void *p, size_t n) {
  if (buf_reserve(b, n)) return -1;
  if (n) memcpy(b->p + b->n, p, n);
  b->n += n;
  b->p[b->n] = '\0';
  return 0;
}

int buf_puts(Buf *b, const char *s) { return buf_append(b, s, strlen(s)); }

int buf_putc(Buf *b, int c) {
  char ch = (char)c;
  return buf_append(b, &ch, 1);
}

int buf_vprintf(Buf *b, const char *fmt, va_list ap) {
  va_list cp;
  va_copy(cp, ap);
  int len = vsnprintf(NULL, 0, fmt, cp);
  va_end(cp);
  if (len < 0 || buf_reserve(b, (size_t)len)) {
    if (len < 0) b->err = BUF_ENOMEM;
    return -1;
  }
  vsnprintf(b->p + b->n, (size_t)len + 1, fmt, ap);
  b->n += (size_t)len;
  return 0;
}

int buf_printf(Buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = buf_vprintf(b, fmt, ap);
  va_end(ap);
  return rc;
}

const char *buf_cstr(const Buf *b) { return b->p ? b->p : ""; }

char *buf_take(Buf *b) {
  char *p = b->p;
  if (!p) p = calloc(1, 1);
  memset(b, 0, sizeof *b);
  return p;
}
