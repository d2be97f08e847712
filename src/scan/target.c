/* target.c — parsing of address specs (address, a.b.c.d-e, CIDR, host names)
 * into ranges, and their expansion into the concrete addresses of a scan. */
#include "scan/target.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Address bytes of sa; IPv4-mapped IPv6 counts as IPv4. Returns family. */
static int sa_bytes(const struct sockaddr *sa, uint8_t out[16]) {
  if (sa->sa_family == AF_INET) {
    memcpy(out, &((const struct sockaddr_in *)sa)->sin_addr, 4);
    return AF_INET;
  }
  if (sa->sa_family == AF_INET6) {
    const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(a6)) {
      memcpy(out, a6->s6_addr + 12, 4);
      return AF_INET;
    }
    memcpy(out, a6->s6_addr, 16);
    return AF_INET6;
  }
  return -1;
}

static int fam_len(int fam) { return fam == AF_INET ? 4 : 16; }

static int parse_addr(const char *s, int *fam, uint8_t out[16]) {
  if (inet_pton(AF_INET, s, out) == 1) {
    *fam = AF_INET;
    return 0;
  }
  if (inet_pton(AF_INET6, s, out) == 1) {
    *fam = AF_INET6;
    return 0;
  }
  return -1;
}

static int parse_cidr(const char *addr, const char *bits, ScanRange *r) {
  char *end;
  long pfx = strtol(bits, &end, 10);
  if (!*bits || *end || parse_addr(addr, &r->family, r->lo)) return -1;
  int len = fam_len(r->family);
  if (pfx < 0 || pfx > len * 8) return -1;
  memcpy(r->hi, r->lo, 16);
  for (int i = 0; i < len; i++) {
    int keep = (int)pfx - i * 8;
    uint8_t mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
    r->lo[i] &= mask;
    r->hi[i] |= (uint8_t)~mask;
  }
  return 0;
}

static int parse_dash(const char *a, const char *b, ScanRange *r) {
  if (parse_addr(a, &r->family, r->lo)) return -1;
  int fam2;
  if (parse_addr(b, &fam2, r->hi) == 0) {
    if (fam2 != r->family) return -1;
  } else {
    /* a.b.c.d-e: only the last IPv4 octet (or IPv6 group as hex) varies */
    char *end;
    int base = r->family == AF_INET ? 10 : 16;
    long v = strtol(b, &end, base);
    long max = r->family == AF_INET ? 255 : 0xffff;
    if (!*b || *end || v < 0 || v > max) return -1;
    memcpy(r->hi, r->lo, 16);
    if (r->family == AF_INET) {
      r->hi[3] = (uint8_t)v;
    } else {
      r->hi[14] = (uint8_t)(v >> 8);
      r->hi[15] = (uint8_t)v;
    }
  }
  return memcmp(r->lo, r->hi, (size_t)fam_len(r->family)) > 0 ? -1 : 0;
}

int scan_range_parse(const char *spec, ScanRange *out, Err *e) {
  char tmp[128];
  memset(out, 0, sizeof *out);
  size_t n = strlen(spec);
  if (n == 0 || n >= sizeof tmp)
    return err_set(e, VERR_INVALID, "ugyldig adresse: «%.100s»", spec);
  memcpy(tmp, spec, n + 1);
  char *slash = strchr(tmp, '/'), *dash = strchr(tmp, '-');
  int rc;
  if (slash) {
    *slash = '\0';
    rc = parse_cidr(tmp, slash + 1, out);
  } else if (dash) {
    *dash = '\0';
    rc = parse_dash(tmp, dash + 1, out);
  } else {
    rc = parse_addr(tmp, &out->family, out->lo);
    memcpy(out->hi, out->lo, 16);
  }
  if (rc) return err_set(e, VERR_INVALID, "ugyldig adresse eller nett: «%s»", spec);
  return 0;
}

int scan_range_contains(const ScanRange *r, const struct sockaddr *sa) {
  uint8_t b[16];
  int fam = sa_bytes(sa, b);
  if (fam != r->family) return 0;
  size_t len = (size_t)fam_len(fam);
  return memcmp(b, r->lo, len) >= 0 && memcmp(b, r->hi, len) <= 0;
}

int scan_rangelist_add(ScanRangeList *l, const ScanRange *r) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 8;
    ScanRange *v = realloc(l->v, cap * sizeof *v);
    if (!v) return VERR_NOMEM;
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = *r;
  return 0;
}

void scan_rangelist_free(ScanRangeList *l) {
  free(l->v);
  memset(l, 0, sizeof *l);
}

int scan_rangelist_contains(const ScanRangeList *l, const struct sockaddr *sa) {
  for (size_t i = 0; i < l->n; i++)
    if (scan_range_contains(&l->v[i], sa)) return 1;
  return 0;
}

int scan_rangelist_contains_text(const ScanRangeList *l, const char *addr) {
  struct sockaddr_storage ss = {0};
  struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
  if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) v4->sin_family = AF_INET;
  else if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) v6->sin6_family = AF_INET6;
  else return 0;
  return scan_rangelist_contains(l, (struct sockaddr *)&ss);
}

static int looks_like_name(const char *s) {
  if (!*s || strlen(s) > 253) return 0;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && *s != '.' && *s != '-' && *s != '_') return 0;
  return 1;
}

/* Resolves name; calls add(ctx, sa, len) for each address. */
static int resolve(const char *name, int (*add)(void *, const struct sockaddr *,
                   socklen_t, const char *), void *ctx, Err *e) {
  if (!looks_like_name(name))
    return err_set(e, VERR_INVALID, "ugyldig mål: «%.100s»", name);
  struct addrinfo hints = {0}, *res = NULL;
  hints.ai_socktype = SOCK_STREAM;
  int rc = getaddrinfo(name, NULL, &hints, &res);
  if (rc)
    return err_set(e, VERR_NOTFOUND, "fant ikke vertsnavnet «%s»: %s", name,
                   gai_strerror(rc));
  int out = 0;
  for (struct addrinfo *ai = res; ai && !out; ai = ai->ai_next)
    out = add(ctx, ai->ai_addr, ai->ai_addrlen, name);
  freeaddrinfo(res);
  if (out) return err_set(e, out, "for mange adresser fra «%s»", name);
  return 0;
}

static int add_resolved_range(void *ctx, const struct sockaddr *sa, socklen_t len,
                              const char *name) {
  ScanRange r = {0};
  r.family = sa_bytes(sa, r.lo);
  memcpy(r.hi, r.lo, 16);
  return scan_rangelist_add(ctx, &r);
}

/* Calls fn for each comma-separated, trimmed token of specs. */
static int each_token(const char *specs, int (*fn)(void *, const char *, Err *),
                      void *ctx, Err *e) {
  const char *p = specs;
  while (*p) {
    const char *q = p;
    while (*q && *q != ',' && *q != '\n') q++;
    char tok[300];
    const char *a = p, *b = q;
    while (a < b && isspace((unsigned char)*a)) a++;
    while (b > a && isspace((unsigned char)b[-1])) b--;
    if (b - a >= (long)sizeof tok)
      return err_set(e, VERR_INVALID, "for langt mål: «%.60s…»", a);
    memcpy(tok, a, (size_t)(b - a));
    tok[b - a] = '\0';
    if (tok[0] && tok[0] != '#') {
      int rc = fn(ctx, tok, e);
      if (rc) return rc;
    }
    p = *q ? q + 1 : q;
  }
  return 0;
}

static int add_spec_to_list(void *ctx, const char *tok, Err *e) {
  ScanRange r;
  if (scan_range_parse(tok, &r, NULL) == 0) return scan_rangelist_add(ctx, &r);
  return resolve(tok, add_resolved_range, ctx, e);
}

int scan_rangelist_add_specs(ScanRangeList *l, const char *specs, Err *e) {
  return each_token(specs, add_spec_to_list, l, e);
}

void scan_addr_str(const struct sockaddr *sa, char *out, size_t n) {
  const void *p = sa->sa_family == AF_INET
                      ? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
                      : (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
  if (!inet_ntop(sa->sa_family, p, out, (socklen_t)n)) snprintf(out, n, "?");
}

/* ---- expansion into concrete addresses ---- */

typedef struct Expand {
  ScanAddrList *out;
  const ScanRangeList *exclude;
} Expand;

static int addrlist_push(void *ctx, const struct sockaddr *sa, socklen_t len,
                         const char *name) {
  Expand *x = ctx;
  ScanAddrList *l = x->out;
  if (x->exclude && scan_rangelist_contains(x->exclude, sa)) return 0;
  if (l->n >= SCAN_MAX_ADDRS) return VERR_TOOBIG;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 64;
    ScanAddr *v = realloc(l->v, cap * sizeof *v);
    if (!v) return VERR_NOMEM;
    l->v = v;
    l->cap = cap;
  }
  ScanAddr *a = &l->v[l->n++];
  memset(a, 0, sizeof *a);
  memcpy(&a->sa, sa, len);
  a->len = len;
  if (name) snprintf(a->name, sizeof a->name, "%s", name);
  return 0;
}

/* Walks lo..hi of r, one sockaddr at a time. */
static int expand_range(Expand *x, const ScanRange *r, Err *e) {
  int len = fam_len(r->family);
  uint8_t cur[16];
  memcpy(cur, r->lo, 16);
  for (;;) {
    struct sockaddr_storage ss = {0};
    socklen_t sl;
    if (r->family == AF_INET) {
      struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
      s4->sin_family = AF_INET;
      memcpy(&s4->sin_addr, cur, 4);
      sl = sizeof *s4;
    } else {
      struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
      s6->sin6_family = AF_INET6;
      memcpy(&s6->sin6_addr, cur, 16);
      sl = sizeof *s6;
    }
    int rc = addrlist_push(x, (struct sockaddr *)&ss, sl, NULL);
    if (rc == VERR_TOOBIG)
      return err_set(e, rc, "for mange adresser (over %u); del opp målet",
                     SCAN_MAX_ADDRS);
    if (rc) return err_set(e, rc, "tomt for minne");
    if (memcmp(cur, r->hi, (size_t)len) == 0) return 0;
    for (int i = len - 1; i >= 0 && ++cur[i] == 0; i--) {
    }
  }
}

static int expand_token(void *ctx, const char *tok, Err *e) {
  ScanRange r;
  if (scan_range_parse(tok, &r, NULL) == 0) return expand_range(ctx, &r, e);
  return resolve(tok, addrlist_push, ctx, e);
}

static int addr_cmp(const void *a, const void *b) {
  const ScanAddr *x = a, *y = b;
  uint8_t bx[16] = {0}, by[16] = {0};
  int fx = sa_bytes((const struct sockaddr *)&x->sa, bx);
  int fy = sa_bytes((const struct sockaddr *)&y->sa, by);
  if (fx != fy) return fx < fy ? -1 : 1;
  return memcmp(bx, by, 16);
}

int scan_targets_expand(ScanAddrList *out, const char *spec,
                        const ScanRangeList *exclude, Err *e) {
  Expand x = {out, exclude};
  int rc = each_token(spec, expand_token, &x, e);
  if (rc) return rc;
  if (out->n > 1) {  /* sort and drop duplicates (names resolving twice) */
    qsort(out->v, out->n, sizeof *out->v, addr_cmp);
    size_t w = 1;
    for (size_t i = 1; i < out->n; i++)
      if (addr_cmp(&out->v[w - 1], &out->v[i])) out->v[w++] = out->v[i];
    out->n = w;
  }
  return 0;
}

void scan_addrlist_free(ScanAddrList *l) {
  free(l->v);
  memset(l, 0, sizeof *l);
}
