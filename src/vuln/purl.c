/* purl.c — package-URL parser (purl-spec: scheme, type, namespace segments,
 * name, version, qualifiers, subpath; each component percent-decoded). */
#include "vuln/purl.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vuln/version.h"

typedef struct Store {
  char *p;
  size_t n, cap;
} Store;

static int hexv(int c) {
  if (isdigit(c)) return c - '0';
  c = tolower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decode s[0..len) into the store; returns the copy or NULL. */
static char *decode(Store *st, const char *s, size_t len, int lower) {
  if (st->n + len + 1 > st->cap) return NULL;
  char *out = st->p + st->n, *o = out;
  for (size_t i = 0; i < len; i++) {
    int c = (unsigned char)s[i];
    if (c == '%') {
      int h = i + 2 < len ? hexv((unsigned char)s[i + 1]) : -1;
      int l = h >= 0 ? hexv((unsigned char)s[i + 2]) : -1;
      if (h < 0 || l < 0) return NULL;
      c = h * 16 + l;
      if (c == 0) return NULL;
      i += 2;
    }
    *o++ = (char)(lower ? tolower(c) : c);
  }
  *o = '\0';
  st->n += (size_t)(o - out) + 1;
  return out;
}

static int parse_qualifiers(VulnPurl *p, Store *st, const char *q, size_t len, Err *e) {
  const char *end = q + len;
  while (q < end) {
    const char *amp = memchr(q, '&', (size_t)(end - q));
    const char *stop = amp ? amp : end, *eq = memchr(q, '=', (size_t)(stop - q));
    if (stop > q) {
      if (!eq || eq == q) return err_set(e, VERR_INVALID, "purl: qualifier without key=value");
      if (p->nq >= VULN_PURL_MAXQ) return err_set(e, VERR_INVALID, "purl: too many qualifiers");
      char *k = decode(st, q, (size_t)(eq - q), 1), *v = decode(st, eq + 1, (size_t)(stop - eq - 1), 0);
      if (!k || !v) return err_set(e, VERR_INVALID, "purl: bad qualifier encoding");
      if (*v) {  /* an empty value is the same as no qualifier */
        int i = p->nq++;
        while (i > 0 && strcmp(p->qk[i - 1], k) > 0) {
          p->qk[i] = p->qk[i - 1];
          p->qv[i] = p->qv[i - 1];
          i--;
        }
        p->qk[i] = k;
        p->qv[i] = v;
      }
    }
    q = stop + 1;
  }
  return 0;
}

/* Type-specific rules of the purl spec that affect equality. */
static void normalise(VulnPurl *p) {
  int lower_name = !strcmp(p->type, "github") || !strcmp(p->type, "bitbucket") ||
                   !strcmp(p->type, "pypi") || !strcmp(p->type, "composer") ||
                   !strcmp(p->type, "deb") || !strcmp(p->type, "npm") || !strcmp(p->type, "apk");
  if (lower_name) {
    for (char *c = p->name; *c; c++) *c = (char)tolower((unsigned char)*c);
    for (char *c = p->ns; c && *c; c++) *c = (char)tolower((unsigned char)*c);
  }
  if (!strcmp(p->type, "pypi"))
    for (char *c = p->name; *c; c++)
      if (*c == '_') *c = '-';
}

static int split_tail(const char *s, const char **end, int ch, const char **part, size_t *plen) {
  const char *x = NULL;
  for (const char *c = s; c < *end; c++)
    if (*c == ch) x = c;
  if (!x) return 0;
  *part = x + 1;
  *plen = (size_t)(*end - x - 1);
  *end = x;
  return 1;
}

int vuln_purl_parse(const char *s, VulnPurl *p, Err *e) {
  Store st = {p->buf, 0, sizeof p->buf};
  const char *part, *end;
  size_t plen;
  memset(p, 0, offsetof(VulnPurl, buf));
  if (strlen(s) >= sizeof p->buf / 2) return err_set(e, VERR_TOOBIG, "purl: too long");
  if (strncasecmp(s, "pkg:", 4)) return err_set(e, VERR_INVALID, "purl must start with pkg:");
  s += 4;
  while (*s == '/') s++;
  end = s + strlen(s);
  if (split_tail(s, &end, '#', &part, &plen)) {
    while (plen && *part == '/') { part++; plen--; }
    while (plen && part[plen - 1] == '/') plen--;
    if (plen && !(p->subpath = decode(&st, part, plen, 0))) return err_set(e, VERR_INVALID, "purl: bad subpath");
  }
  if (split_tail(s, &end, '?', &part, &plen) && parse_qualifiers(p, &st, part, plen, e)) return e ? e->code : VERR_INVALID;
  while (end > s && end[-1] == '/') end--;
  const char *slash = memchr(s, '/', (size_t)(end - s));
  if (!slash || slash == s) return err_set(e, VERR_INVALID, "purl: missing type or name");
  if (!(p->type = decode(&st, s, (size_t)(slash - s), 1))) return err_set(e, VERR_INVALID, "purl: bad type");
  for (char *c = p->type; *c; c++)
    if (!isalnum((unsigned char)*c) && !strchr(".+-", *c)) return err_set(e, VERR_INVALID, "purl: bad character in type");
  const char *rest = slash + 1, *at = NULL, *last = NULL;
  for (const char *c = rest; c < end; c++) {
    if (*c == '@') at = c;
    if (*c == '/') last = c;
  }
  if (at && last && at < last) at = NULL;  /* '@' inside the namespace */
  if (at) {
    if (!(p->version = decode(&st, at + 1, (size_t)(end - at - 1), 0))) return err_set(e, VERR_INVALID, "purl: bad version");
    end = at;
  }
  last = NULL;
  for (const char *c = rest; c < end; c++)
    if (*c == '/') last = c;
  const char *name = last ? last + 1 : rest;
  if (name >= end) return err_set(e, VERR_INVALID, "purl: empty name");
  if (!(p->name = decode(&st, name, (size_t)(end - name), 0))) return err_set(e, VERR_INVALID, "purl: bad name");
  if (last && !(p->ns = decode(&st, rest, (size_t)(last - rest), 0))) return err_set(e, VERR_INVALID, "purl: bad namespace");
  if (p->version && !*p->version) p->version = NULL;
  normalise(p);
  return 0;
}

int vuln_purl_format(const VulnPurl *p, char *out, size_t cap) {
  int n = snprintf(out, cap, "pkg:%s/%s%s%s%s%s", p->type, p->ns ? p->ns : "", p->ns ? "/" : "",
                   p->name, p->version ? "@" : "", p->version ? p->version : "");
  for (int i = 0; i < p->nq && n >= 0 && (size_t)n < cap; i++)
    n += snprintf(out + n, cap - (size_t)n, "%c%s=%s", i ? '&' : '?', p->qk[i], p->qv[i]);
  if (p->subpath && n >= 0 && (size_t)n < cap) n += snprintf(out + n, cap - (size_t)n, "#%s", p->subpath);
  return n < 0 || (size_t)n >= cap ? -1 : n;
}

static int str_eq(const char *a, const char *b) {
  return (!a && !b) || (a && b && !strcmp(a, b));
}

int vuln_purl_match(const VulnPurl *adv, const VulnPurl *inv) {
  if (strcmp(adv->type, inv->type) || !str_eq(adv->ns, inv->ns) || strcmp(adv->name, inv->name)) return 0;
  if (adv->version && (!inv->version || vuln_version_cmp(adv->version, inv->version))) return 0;
  if (adv->subpath && !str_eq(adv->subpath, inv->subpath)) return 0;
  for (int i = 0; i < adv->nq; i++) {
    int found = 0;
    for (int j = 0; j < inv->nq; j++)
      if (!strcmp(adv->qk[i], inv->qk[j])) found = !strcmp(adv->qv[i], inv->qv[j]) ? 1 : -1;
    if (found != 1) return 0;
  }
  return 1;
}
