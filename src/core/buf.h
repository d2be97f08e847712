/* buf.h — Varde's one growable byte/string buffer.
 * Bounded (a maximum size is required) with a sticky error: once an append
 * fails or would exceed the bound, b->err is set and further appends are no-ops. */
#ifndef VARDE_BUF_H
#define VARDE_BUF_H
#include <stdarg.h>
#include <stddef.h>

typedef struct Buf {
  char *p;      /* always NUL-terminated when p != NULL */
  size_t n;     /* bytes used, not counting the NUL */
  size_t cap;   /* bytes allocated */
  size_t max;   /* hard bound on n */
  int err;      /* 0, or BUF_ENOMEM / BUF_ETOOBIG */
} Buf;

enum { BUF_ENOMEM = 1, BUF_ETOOBIG = 2 };
#define BUF_DEFAULT_MAX ((size_t)64 << 20)

void buf_init(Buf *b, size_t max);
void buf_free(Buf *b);
void buf_reset(Buf *b);                 /* n = 0, keeps memory and err cleared */
int buf_append(Buf *b, const void *p, size_t n);
int buf_puts(Buf *b, const char *s);
int buf_putc(Buf *b, int c);
int buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(Buf *b, const char *fmt, va_list ap);
const char *buf_cstr(const Buf *b);      /* "" for an empty buffer */
char *buf_take(Buf *b);                  /* caller frees; buffer is reset */
#define buf_lit(b, s) buf_append((b), (s), sizeof(s) - 1)

#endif
