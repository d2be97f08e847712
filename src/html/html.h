/* html.h — Varde's one HTML output formatter. Every %s is escaped for both
 * text and attribute context; raw markup can only come from string literals. */
#ifndef VARDE_HTML_H
#define VARDE_HTML_H
#include <stdarg.h>
#include <stddef.h>

#include "core/buf.h"

/* Appends fmt to b. Conversions: %s (escaped; NULL prints nothing),
 * %d %ld %lld %u %lu %llu %zu (decimal), %% — anything else sets b->err.
 * The literal parts of fmt are copied unescaped, so fmt must be a literal. */
int html_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int html_vprintf(Buf *b, const char *fmt, va_list ap);

/* Escapes s (n bytes) for text and attribute context: & < > " ' and control
 * characters; invalid UTF-8 bytes become U+FFFD so the page stays valid. */
int html_escape(Buf *b, const char *s, size_t n);

/* Raw markup from a compile-time literal only: `"" lit ""` fails to compile
 * for anything that is not a string literal. */
#define html_raw(b, lit) buf_append((b), "" lit "", sizeof(lit) - 1)

/* Markup built by server code that escapes everything it embeds (e.g. the QR
 * SVG drawn from module bits). The name is long on purpose: grep for it. */
int html_raw_trusted_markup(Buf *b, const char *markup, size_t n);

/* Percent-encodes s for use inside a URL query value or path segment, then
 * HTML-escapes the result (so it is safe in href="..."). */
int html_urlenc(Buf *b, const char *s);

#endif
