/* csv.c — CSV inventories: RFC 4180 quoting, ',' or ';' (Norwegian Excel),
 * UTF-8 BOM, Windows-1252 fallback, Norwegian column names. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "vuln/inventory.h"

enum { COL_VENDOR, COL_PRODUCT, COL_VERSION, COL_CPE, COL_PURL, COL_NAME, COL_PLATFORM,
       COL_INTERNET, COL_CRIT, NCOL };

static const char *const col_names[NCOL][6] = {
    {"vendor", "leverandør", "leverandor", "produsent", "supplier", NULL},
    {"product", "produkt", NULL},
    {"version", "versjon", NULL},
    {"cpe", NULL},
    {"purl", NULL},
    {"name", "navn", "system", NULL},
    {"platform", "plattform", "os", NULL},
    {"internet_facing", "internet", "internett", "eksponert", "internettvendt", NULL},
    {"criticality", "kritikalitet", "kritisk", NULL},
};

static int valid_utf8(const unsigned char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    unsigned char c = s[i];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (!len || i + len > n) return 0;
    for (size_t k = 1; k < len; k++)
      if ((s[i + k] & 0xc0) != 0x80) return 0;
    i += len;
  }
  return 1;
}

/* Windows-1252 to UTF-8 (Excel's "CSV (semikolonseparert)" on Norwegian
 * Windows); the 0x80-0x9f block is mapped for the characters in use. */
static void cp1252_to_utf8(const unsigned char *s, size_t n, Buf *out) {
  static const unsigned short hi[32] = {0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021,
                                        0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
                                        0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
                                        0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178};
  for (size_t i = 0; i < n; i++) {
    unsigned cp = s[i] >= 0x80 && s[i] < 0xa0 ? hi[s[i] - 0x80] : s[i];
    if (cp < 0x80) buf_putc(out, (int)cp);
    else if (cp < 0x800) {
      buf_putc(out, (int)(0xc0 | (cp >> 6)));
      buf_putc(out, (int)(0x80 | (cp & 0x3f)));
    } else {
      buf_putc(out, (int)(0xe0 | (cp >> 12)));
      buf_putc(out, (int)(0x80 | ((cp >> 6) & 0x3f)));
      buf_putc(out, (int)(0x80 | (cp & 0x3f)));
    }
  }
}

typedef struct Rd {
  const char *p;
  size_t n, i, line;
  char sep;
} Rd;

/* Read one record into fields (strings in `cells`, NUL-separated). Returns
 * the field count, 0 at end of input, -1 on an unterminated quote. */
static int record(Rd *r, Buf *cells, size_t *off, int max) {
  int nf = 0;
  buf_reset(cells);
  if (r->i >= r->n) return 0;
  for (;;) {
    if (nf >= max) return -1;
    off[nf++] = cells->n;
    int quoted = r->i < r->n && r->p[r->i] == '"';
    if (quoted) r->i++;
    while (r->i < r->n) {
      char c = r->p[r->i];
      if (quoted && c == '"') {
        if (r->i + 1 < r->n && r->p[r->i + 1] == '"') { buf_putc(cells, '"'); r->i += 2; continue; }
        quoted = 0;
        r->i++;
        continue;
      }
      if (!quoted && (c == r->sep || c == '\n' || c == '\r')) break;
      if (c == '\n') r->line++;
      buf_putc(cells, c);
      r->i++;
    }
    buf_putc(cells, '\0');
    if (quoted) return -1;
    if (r->i < r->n && r->p[r->i] == r->sep) { r->i++; continue; }
    if (r->i < r->n && r->p[r->i] == '\r') r->i++;
    if (r->i < r->n && r->p[r->i] == '\n') r->i++;
    r->line++;
    return nf;
  }
}

static char detect_sep(const char *p, size_t n) {
  size_t semi = 0, comma = 0;
  for (size_t i = 0; i < n && p[i] != '\n'; i++) {
    semi += p[i] == ';';
    comma += p[i] == ',';
  }
  return semi > comma ? ';' : ',';
}

static void trim(char *s) {
  size_t n = strlen(s), k = 0;
  while (n && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
  while (isspace((unsigned char)s[k])) k++;
  memmove(s, s + k, n - k + 1);
}

static int header(const Buf *cells, const size_t *off, int nf, int *map) {
  int found = 0;
  for (int k = 0; k < NCOL; k++) map[k] = -1;
  for (int f = 0; f < nf; f++) {
    char h[64];
    snprintf(h, sizeof h, "%s", cells->p + off[f]);
    trim(h);
    for (int k = 0; k < NCOL; k++)
      for (int a = 0; col_names[k][a]; a++)
        if (!strcasecmp(h, col_names[k][a]) && map[k] < 0) {
          map[k] = f;
          found++;
        }
  }
  return found;
}

static int yes(const char *s) {
  static const char *const words[] = {"1", "true", "yes", "ja", "x", "j", "y", NULL};
  for (int i = 0; s && words[i]; i++)
    if (!strcasecmp(s, words[i])) return 1;
  return 0;
}

static int criticality(const char *s) {
  static const struct { const char *w; int v; } words[] = {
      {"low", 1}, {"lav", 1}, {"medium", 3}, {"middels", 3}, {"high", 4}, {"høy", 4},
      {"critical", 5}, {"kritisk", 5}};
  if (!s || !*s) return 0;
  if (s[0] >= '1' && s[0] <= '5' && !s[1]) return s[0] - '0';
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (!strcasecmp(s, words[i].w)) return words[i].v;
  return -1;
}

static const char *cell(Arena *a, const Buf *cells, const size_t *off, int nf, int col) {
  if (col < 0 || col >= nf) return NULL;
  char *s = arena_strdup(a, cells->p + off[col]);
  if (s) trim(s);
  return s && *s ? s : NULL;
}

static void row(VulnInventory *inv, const char *name, const Buf *cells, const size_t *off, int nf,
                const int *map, size_t line, VulnReport *r) {
  char where[48];
  Arena *a = inv->arena;
  Err e = {0};
  VulnItem *it = vuln_inventory_push(inv);
  snprintf(where, sizeof where, "line %zu", line);
  if (!it) {
    vuln_report(r, name, where, "out of memory");
    return;
  }
  it->vendor = cell(a, cells, off, nf, map[COL_VENDOR]);
  it->product = cell(a, cells, off, nf, map[COL_PRODUCT]);
  it->version = cell(a, cells, off, nf, map[COL_VERSION]);
  it->cpe_str = cell(a, cells, off, nf, map[COL_CPE]);
  it->purl_str = cell(a, cells, off, nf, map[COL_PURL]);
  it->name = cell(a, cells, off, nf, map[COL_NAME]);
  it->internet = yes(cell(a, cells, off, nf, map[COL_INTERNET]));
  it->criticality = criticality(cell(a, cells, off, nf, map[COL_CRIT]));
  it->line = line;
  if (!it->name) it->name = it->product ? it->product : it->cpe_str ? it->cpe_str : it->purl_str;
  if (it->criticality < 0) vuln_report(r, name, where, "criticality must be 1-5 or low/medium/high/critical; skipped");
  else if (vuln_item_prepare(a, it, cell(a, cells, off, nf, map[COL_PLATFORM]), &e)) vuln_report(r, name, where, "%s; skipped", e.msg);
  else inv->n++;
}

static int all_blank(const Buf *cells, const size_t *off, int nf) {
  for (int f = 0; f < nf; f++)
    for (const char *s = cells->p + off[f]; *s; s++)
      if (!isspace((unsigned char)*s)) return 0;
  return 1;
}

int vuln_inventory_csv(VulnInventory *inv, const char *name, const char *data, size_t len, VulnReport *r, Err *e) {
  Buf conv, cells;
  size_t off[64];
  int map[NCOL], nf, rc = 0;
  buf_init(&conv, (size_t)1 << 30);
  buf_init(&cells, (size_t)1 << 20);
  if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) { data += 3; len -= 3; }
  if (!valid_utf8((const unsigned char *)data, len)) {
    cp1252_to_utf8((const unsigned char *)data, len, &conv);
    data = buf_cstr(&conv);
    len = conv.n;
  }
  Rd rd = {data, len, 0, 1, detect_sep(data, len)};
  nf = record(&rd, &cells, off, 64);
  if (nf <= 0 || header(&cells, off, nf, map) == 0 || (map[COL_CPE] < 0 && map[COL_PURL] < 0 && map[COL_PRODUCT] < 0))
    rc = err_set(e, VERR_INVALID, "%s: line 1 must be a header naming cpe, purl or vendor/product columns", name);
  while (!rc) {
    size_t line = rd.line;
    nf = record(&rd, &cells, off, 64);
    if (nf == 0) break;
    if (nf < 0) {
      char where[48];
      snprintf(where, sizeof where, "line %zu", line);
      vuln_report(r, name, where, "unterminated quote or more than 64 fields; rest of file skipped");
      break;
    }
    if (!all_blank(&cells, off, nf)) row(inv, name, &cells, off, nf, map, line, r);
  }
  buf_free(&conv);
  buf_free(&cells);
  return rc;
}
