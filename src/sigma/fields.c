/* fields.c — field names: the interned table of field names the rules use
 * (case-insensitive), and the mapping of flattened event names (EVTX System
 * attributes, EventData, evtx_dump JSON paths) to those names. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sigma/internal.h"

static uint32_t hash_lower(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)tolower((unsigned char)s[i])) * 16777619u;
  return h;
}

static int eq_lower(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i])) return 0;
  return 1;
}

uint32_t sf_find(const SFieldTab *t, const char *name, size_t len) {
  if (!t->hcap) return UINT32_MAX;
  uint32_t mask = t->hcap - 1;
  for (uint32_t i = hash_lower(name, len) & mask;; i = (i + 1) & mask) {
    uint32_t v = t->hash[i];
    if (!v) return UINT32_MAX;
    const char *s = t->names[v - 1];
    if (strlen(s) == len && eq_lower(s, name, len)) return v - 1;
  }
}

static int grow(SFieldTab *t) {
  uint32_t ncap = t->hcap ? t->hcap * 2 : 256;
  uint32_t *h = calloc(ncap, sizeof *h);
  if (!h) return -1;
  for (uint32_t k = 0; k < t->n; k++) {
    uint32_t i = hash_lower(t->names[k], strlen(t->names[k])) & (ncap - 1);
    while (h[i]) i = (i + 1) & (ncap - 1);
    h[i] = k + 1;
  }
  free(t->hash);
  t->hash = h;
  t->hcap = ncap;
  return 0;
}

uint32_t sf_intern(SFieldTab *t, const char *name, size_t len) {
  uint32_t id = sf_find(t, name, len);
  if (id != UINT32_MAX) return id;
  if ((t->n + 1) * 2 > t->hcap && grow(t)) return UINT32_MAX;
  if (t->n == t->cap) {
    uint32_t cap = t->cap ? t->cap * 2 : 256;
    char **nn = realloc(t->names, cap * sizeof *nn);
    if (!nn) return UINT32_MAX;
    t->names = nn;
    t->cap = cap;
  }
  char *s = malloc(len + 1);
  if (!s) return UINT32_MAX;
  for (size_t i = 0; i < len; i++) s[i] = (char)tolower((unsigned char)name[i]);
  s[len] = 0;
  t->names[t->n] = s;
  uint32_t i = hash_lower(s, len) & (t->hcap - 1);
  while (t->hash[i]) i = (i + 1) & (t->hcap - 1);
  t->hash[i] = t->n + 1;
  return t->n++;
}

/* Splits a dotted path into components, skipping "#attributes"/"#text" and a
 * leading "Event"; returns the component count (at most 16). */
static int split(const char *raw, size_t len, const char *st[16], size_t sl[16]) {
  int k = 0;
  size_t i = 0;
  while (i <= len && k < 16) {
    size_t j = i;
    while (j < len && raw[j] != '.') j++;
    const char *c = raw + i;
    size_t cl = j - i;
    int skip = (cl == 11 && !memcmp(c, "#attributes", 11)) || (cl == 5 && !memcmp(c, "#text", 5)) ||
               (k == 0 && cl == 5 && !memcmp(c, "Event", 5));
    if (!skip && cl) { st[k] = c; sl[k++] = cl; }
    i = j + 1;
  }
  return k;
}

/* The Sigma name of an event path: System.Provider.Name -> Provider_Name,
 * EventData.X / UserData.Y.X -> X. Writes into buf; returns length or 0. */
static size_t canonical(const char *raw, size_t len, char *buf, size_t cap) {
  const char *st[16];
  size_t sl[16];
  int k = split(raw, len, st, sl);
  if (k < 2) return 0;
  size_t n = 0;
  if (sl[0] == 6 && !memcmp(st[0], "System", 6)) {
    for (int i = 1; i < k; i++) {
      if (n + sl[i] + 1 >= cap) return 0;
      if (i > 1) buf[n++] = '_';
      memcpy(buf + n, st[i], sl[i]);
      n += sl[i];
    }
    buf[n] = 0;
    return n;
  }
  if ((sl[0] == 9 && !memcmp(st[0], "EventData", 9)) || (sl[0] == 8 && !memcmp(st[0], "UserData", 8))) {
    if (sl[k - 1] >= cap) return 0;
    memcpy(buf, st[k - 1], sl[k - 1]);
    buf[sl[k - 1]] = 0;
    return sl[k - 1];
  }
  return 0;
}

static size_t strip_spaces(char *buf, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (buf[i] != ' ') buf[k++] = buf[i];
  buf[k] = 0;
  return k;
}

/* Ids of the raw name and of its short form (canonical path, spaces removed:
 * Sigma names "Threat Name" as ThreatName). */
int sf_resolve(const SFieldTab *t, const char *raw, size_t len, uint32_t out[2]) {
  int n = 0;
  uint32_t id = sf_find(t, raw, len);
  if (id != UINT32_MAX) out[n++] = id;
  char buf[256];
  size_t cl = sf_short(raw, len, buf, sizeof buf);
  if (cl && (cl != len || memcmp(buf, raw, len))) {
    id = sf_find(t, buf, cl);
    if (id != UINT32_MAX && (n == 0 || out[0] != id)) out[n++] = id;
  }
  return n;
}

size_t sf_short(const char *raw, size_t len, char *buf, size_t cap) {
  size_t n = canonical(raw, len, buf, cap);
  if (!n) {
    if (len >= cap) return 0;
    memcpy(buf, raw, len);
    n = len;
  }
  return strip_spaces(buf, n);
}
