/* html.c — the escaping formatter behind html.h.
 * Escapes for text and attribute context at once, so no caller chooses. */
#include "html/html.h"

#include <stdint.h>
#include <string.h>

/* Length of a valid UTF-8 sequence at s (max n bytes), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  size_t len;
  unsigned min;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) { len = 2; min = 0x80; c &= 0x1F; }
  else if ((c & 0xF0) == 0xE0) { len = 3; min = 0x800; c &= 0x0F; }
  else if ((c & 0xF8) == 0xF0) { len = 4; min = 0x10000; c &= 0x07; }
  else return 0;
  if (len > n) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    c = (c << 6) | (s[i] & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
  return len;
}

static const char *escape_of(unsigned char c) {
  switch (c) {
  case '&': return "&amp;";
  case '<': return "&lt;";
  case '>': return "&gt;";
  case '"': return "&quot;";
  case '\'': return "&#39;";
  default: return NULL;
  }
}

int html_escape(Buf *b, const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, start = 0;
  while (i < n) {
    const char *rep = escape_of(p[i]);
    size_t len = rep ? 1 : utf8_len(p + i, n - i);
    int ctl = p[i] < 0x20 && p[i] != '\n' && p[i] != '\t' && p[i] != '\r';
    if (!rep && len && !ctl) {
      i += len;
      continue;
    }
    buf_append(b, s + start, i - start);
    if (rep) buf_puts(b, rep);
    else if (!ctl) buf_lit(b, "\xEF\xBF\xBD");
    i += len ? len : 1;
    start = i;
  }
  buf_append(b, s + start, n - start);
  return b->err ? -1 : 0;
}

int html_raw_trusted_markup(Buf *b, const char *markup, size_t n) {
  return buf_append(b, markup, n);
}

int html_urlenc(Buf *b, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
        (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
      buf_putc(b, *p);
    } else {
      char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
      buf_append(b, e, 3);
    }
  }
  return b->err ? -1 : 0;
}

/* Formats one integer conversion; `spec` points after '%'. Returns the
 * number of format characters consumed, or 0 for an unsupported one. */
static size_t put_int(Buf *b, const char *spec, va_list *ap) {
  if (spec[0] == 'd') return buf_printf(b, "%d", va_arg(*ap, int)), 1;
  if (spec[0] == 'u') return buf_printf(b, "%u", va_arg(*ap, unsigned)), 1;
  if (spec[0] == 'z' && spec[1] == 'u') return buf_printf(b, "%zu", va_arg(*ap, size_t)), 2;
  if (spec[0] == 'l' && spec[1] == 'd') return buf_printf(b, "%ld", va_arg(*ap, long)), 2;
  if (spec[0] == 'l' && spec[1] == 'u')
    return buf_printf(b, "%lu", va_arg(*ap, unsigned long)), 2;
  if (spec[0] == 'l' && spec[1] == 'l' && spec[2] == 'd')
    return buf_printf(b, "%lld", va_arg(*ap, long long)), 3;
  if (spec[0] == 'l' && spec[1] == 'l' && spec[2] == 'u')
    return buf_printf(b, "%llu", va_arg(*ap, unsigned long long)), 3;
  return 0;
}

int html_vprintf(Buf *b, const char *fmt, va_list ap) {
  va_list cp;
  va_copy(cp, ap);
  const char *p = fmt;
  while (*p && !b->err) {
    const char *pct = strchr(p, '%');
    if (!pct) {
      buf_puts(b, p);
      break;
    }
    buf_append(b, p, (size_t)(pct - p));
    p = pct + 1;
    if (*p == '%') {
      buf_putc(b, '%');
      p++;
    } else if (*p == 's') {
      const char *s = va_arg(cp, const char *);
      if (s) html_escape(b, s, strlen(s));
      p++;
    } else {
      size_t used = put_int(b, p, &cp);
      if (!used) b->err = BUF_ETOOBIG; /* unsupported conversion: refuse */
      p += used;
    }
  }
  va_end(cp);
  return b->err ? -1 : 0;
}

int html_printf(Buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = html_vprintf(b, fmt, ap);
  va_end(ap);
  return rc;
}
