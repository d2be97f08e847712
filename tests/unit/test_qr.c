/* test_qr.c — QR SVG sanity without a decoder: well-formed XML, one <path>,
 * viewBox = modules + quiet zone, and the three finder patterns in place. */
#include <stdlib.h>

#include "auth/qr.h"
#include "test.h"

/* A small well-formedness check: balanced tags, quoted attributes, no raw
 * '<' or '&' outside entities. Returns 1 if the document passes. */
static int xml_ok(const char *s) {
  char stack[16][16];
  int depth = 0, roots = 0;
  while (*s) {
    if (*s == '&') {
      if (strncmp(s, "&amp;", 5) && strncmp(s, "&lt;", 4) && strncmp(s, "&gt;", 4) &&
          strncmp(s, "&quot;", 6) && strncmp(s, "&#39;", 5)) return 0;
      s++;
      continue;
    }
    if (*s != '<') { s++; continue; }
    int closing = s[1] == '/';
    const char *name = s + 1 + closing;
    size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyz");
    if (n == 0 || n >= 16) return 0;
    const char *p = name + n;
    while (*p && *p != '>' && !(p[0] == '/' && p[1] == '>')) {
      if (*p == '"') { p = strchr(p + 1, '"'); if (!p) return 0; }
      else if (*p == '<' || *p == '\'') return 0;
      p++;
    }
    if (!*p) return 0;
    int selfclose = *p == '/';
    if (closing) {
      if (depth == 0 || strncmp(stack[depth - 1], name, n) || stack[depth - 1][n]) return 0;
      depth--;
    } else if (!selfclose) {
      if (depth == 16) return 0;
      if (depth == 0) roots++;
      memcpy(stack[depth], name, n);
      stack[depth++][n] = 0;
    }
    s = p + (selfclose ? 2 : 1);
  }
  return depth == 0 && roots == 1;
}

/* Rebuilds the module grid from the path data (M x y h n v1 h-n z runs). */
static int grid_from_path(const char *svg, int size, unsigned char *g) {
  const char *d = strstr(svg, " d=\"");
  if (!d) return -1;
  d += 4;
  while (*d == 'M') {
    int x, y, n, n2, used;
    if (sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &n2, &used) != 4 || n != n2) return -1;
    if (x < 0 || y < 0 || x + n > size || y >= size) return -1;
    memset(g + y * size + x, 1, (size_t)n);
    d += used;
  }
  return *d == '"' ? 0 : -1;
}

/* A 7x7 finder pattern: dark ring, light ring, dark 3x3 centre. */
static int finder_at(const unsigned char *g, int size, int x0, int y0) {
  for (int y = 0; y < 7; y++)
    for (int x = 0; x < 7; x++) {
      int ring = x == 0 || y == 0 || x == 6 || y == 6;
      int centre = x >= 2 && x <= 4 && y >= 2 && y <= 4;
      if (g[(y0 + y) * size + x0 + x] != (ring || centre)) return 0;
    }
  return 1;
}

static void check_symbol(const char *text, int want_modules) {
  Buf b;
  Err e = {0};
  int modules = 0;
  buf_init(&b, 1 << 20);
  CHECK_INT(auth_qr_svg(text, "QR-kode for <Varde> & \"deg\"", &b, &modules, &e), 0);
  CHECK_INT(modules, want_modules);
  const char *svg = buf_cstr(&b);
  CHECK(xml_ok(svg));
  CHECK(strstr(svg, "<path") && !strstr(strstr(svg, "<path") + 1, "<path"));
  CHECK(!strstr(svg, "style"));
  int size = modules + 2 * AUTH_QR_QUIET;
  char vb[64];
  snprintf(vb, sizeof vb, "viewBox=\"0 0 %d %d\"", size, size);
  CHECK(strstr(svg, vb) != NULL);
  CHECK(strstr(svg, "<title>QR-kode for &lt;Varde&gt; &amp; &quot;deg&quot;</title>") != NULL);
  unsigned char *g = calloc((size_t)size * size, 1);
  CHECK_INT(grid_from_path(svg, size, g), 0);
  int q = AUTH_QR_QUIET, far = AUTH_QR_QUIET + modules - 7;
  CHECK(finder_at(g, size, q, q) && finder_at(g, size, far, q) && finder_at(g, size, q, far));
  CHECK(!finder_at(g, size, far, far)); /* the fourth corner has none */
  for (int x = 0; x < size; x++) CHECK(!g[x] && !g[(size - 1) * size + x]); /* quiet zone */
  free(g);
  buf_free(&b);
}

TEST(version1_short_text) { check_symbol("HELLO", 21); }

TEST(otpauth_uri_version) {
  /* 121 bytes at level M: byte-mode capacity is 106 at version 6 and 122 at
   * version 7, so version 7 (17 + 4*7 = 45 modules). */
  check_symbol("otpauth://totp/Varde:kari.nordmann?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
               "&issuer=Varde&algorithm=SHA1&digits=6&period=30", 45);
}

TEST(too_long_is_an_error) {
  Buf b;
  Err e = {0};
  char *big = malloc(5000);
  memset(big, 'a', 4999);
  big[4999] = 0;
  buf_init(&b, 1 << 20);
  CHECK_INT(auth_qr_svg(big, NULL, &b, NULL, &e), VERR_INVALID);
  CHECK(e.msg[0] != 0);
  buf_free(&b);
  free(big);
}

int main(void) {
  RUN(version1_short_text);
  RUN(otpauth_uri_version);
  RUN(too_long_is_an_error);
  return TEST_DONE();
}
