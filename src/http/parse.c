/* parse.c — parsers for what clients send: percent-encoding, query strings
 * and urlencoded forms, Cookie headers. Bounded, arena-allocated, fuzzed. */
#include "http/http.h"

#include <string.h>
#include <strings.h>

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char *http_url_decode(Arena *a, const char *s, size_t n, int plus_space) {
  char *out = arena_alloc(a, n + 1);
  if (!out) return NULL;
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '%') {
      if (n - i < 3) return NULL;
      int hi = hexval((unsigned char)s[i + 1]), lo = hexval((unsigned char)s[i + 2]);
      if (hi < 0 || lo < 0) return NULL;
      c = (char)(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_space) {
      c = ' ';
    }
    if (c == '\0') return NULL;
    out[o++] = c;
  }
  out[o] = '\0';
  return out;
}

static int params_push(Arena *a, HttpParams *out, size_t *cap, const char *k, const char *v) {
  if (out->n >= *cap) {
    size_t ncap = *cap ? *cap * 2 : 8;
    HttpParam *nv = arena_alloc(a, ncap * sizeof *nv);
    if (!nv) return -1;
    if (out->n) memcpy(nv, out->v, out->n * sizeof *nv);
    out->v = nv;
    *cap = ncap;
  }
  out->v[out->n].name = k;
  out->v[out->n].value = v;
  out->n++;
  return 0;
}

int http_parse_form(Arena *a, const char *s, size_t n, HttpParams *out) {
  size_t cap = 0, i = 0;
  out->v = NULL;
  out->n = 0;
  while (i < n) {
    size_t end = i;
    while (end < n && s[end] != '&') end++;
    if (end > i) {
      const char *eq = memchr(s + i, '=', end - i);
      size_t klen = eq ? (size_t)(eq - (s + i)) : end - i;
      char *k = http_url_decode(a, s + i, klen, 1);
      char *v = eq ? http_url_decode(a, eq + 1, (size_t)(s + end - eq - 1), 1)
                   : arena_strdup(a, "");
      if (!k || !v || out->n >= HTTP_MAX_PARAMS) return -1;
      if (params_push(a, out, &cap, k, v)) return -1;
    }
    i = end + 1;
  }
  return 0;
}

static int is_token_char(unsigned char c) {
  return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", c);
}

/* One "name=value" cookie pair in [s, e); skipped (0) when malformed. */
static int cookie_pair(Arena *a, const char *s, const char *e, HttpParams *out, size_t *cap) {
  while (s < e && (*s == ' ' || *s == '\t')) s++;
  while (e > s && (e[-1] == ' ' || e[-1] == '\t')) e--;
  const char *eq = memchr(s, '=', (size_t)(e - s));
  if (!eq || eq == s) return 0;
  for (const char *p = s; p < eq; p++)
    if (!is_token_char((unsigned char)*p)) return 0;
  const char *v = eq + 1, *ve = e;
  if (ve - v >= 2 && *v == '"' && ve[-1] == '"') { v++; ve--; }
  for (const char *p = v; p < ve; p++) {
    unsigned char c = (unsigned char)*p;
    if (c <= 0x20 || c == '"' || c == ',' || c == ';' || c == '\\' || c >= 0x7f) return 0;
  }
  if (out->n >= HTTP_MAX_COOKIES) return 0;
  char *k = arena_strndup(a, s, (size_t)(eq - s));
  char *val = arena_strndup(a, v, (size_t)(ve - v));
  if (!k || !val) return -1;
  return params_push(a, out, cap, k, val);
}

int http_parse_cookies(Arena *a, const char *s, HttpParams *out) {
  size_t cap = 0;
  out->v = NULL;
  out->n = 0;
  if (!s) return 0;
  const char *p = s;
  while (*p) {
    const char *semi = strchr(p, ';');
    const char *end = semi ? semi : p + strlen(p);
    if (cookie_pair(a, p, end, out, &cap)) return -1;
    if (!semi) break;
    p = semi + 1;
  }
  return 0;
}

const char *http_param(const HttpParams *p, const char *name) {
  for (size_t i = 0; i < p->n; i++)
    if (!strcmp(p->v[i].name, name)) return p->v[i].value;
  return NULL;
}

int http_content_type_is(const char *ct, const char *want) {
  if (!ct) return 0;
  size_t n = strlen(want);
  if (strncasecmp(ct, want, n)) return 0;
  return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t';
}
