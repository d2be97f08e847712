/* csv.c — the CSV reader (see csv.h): validates UTF-8 first, then splits
 * records with quoting, with limits on size, rows, fields and field length. */
#include "assess/csv.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t n) {
  if (p[0] < 0x80) return 1;
  size_t k = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
  if (k == 0 || p[0] > 0xF4 || k > n) return 0;
  for (size_t i = 1; i < k; i++)
    if ((p[i] & 0xC0) != 0x80) return 0;
  if (k == 3 && p[0] == 0xE0 && p[1] < 0xA0) return 0;  /* overlong */
  if (k == 3 && p[0] == 0xED && p[1] >= 0xA0) return 0; /* surrogate */
  if (k == 4 && p[0] == 0xF0 && p[1] < 0x90) return 0;
  if (k == 4 && p[0] == 0xF4 && p[1] >= 0x90) return 0;
  return k;
}

static int check_utf8(const char *data, size_t n, AssessDiags *d) {
  int line = 1;
  for (size_t i = 0; i < n;) {
    if (data[i] == '\n') line++;
    if (data[i] == '\0') {
      assess_err(d, line, "filen inneholder NUL-tegn; er den lagret som tekst (CSV)?");
      return -1;
    }
    size_t k = utf8_len((const unsigned char *)data + i, n - i);
    if (!k) {
      assess_err(d, line, "ugyldig UTF-8 (byte 0x%02X); lagre filen som «CSV UTF-8»",
                 (unsigned char)data[i]);
      return -1;
    }
    i += k;
  }
  return 0;
}

static char detect_sep(const char *p, size_t n) {
  int semi = 0, comma = 0, tab = 0, q = 0;
  for (size_t i = 0; i < n && (q || (p[i] != '\n' && p[i] != '\r')); i++) {
    if (p[i] == '"') q = !q;
    else if (!q && p[i] == ';') semi++;
    else if (!q && p[i] == ',') comma++;
    else if (!q && p[i] == '\t') tab++;
  }
  if (semi >= comma && semi >= tab && semi > 0) return ';';
  if (tab > comma) return '\t';
  return ',';
}

typedef struct Rd {
  const char *p;
  size_t n, i;
  int line;
  char sep;
  Arena *a;
  AssessDiags *d;
} Rd;

/* Reads one field into f; returns the char that ended it (sep, '\n', or 0 at end), or -1. */
static int read_field(Rd *r, Buf *f) {
  buf_reset(f);
  if (r->i < r->n && r->p[r->i] == '"') {
    int start = r->line;
    for (r->i++;; r->i++) {
      if (r->i >= r->n) {
        assess_err(r->d, start, "anførselstegn som aldri lukkes");
        return -1;
      }
      char c = r->p[r->i];
      if (c == '"' && r->i + 1 < r->n && r->p[r->i + 1] == '"') { buf_putc(f, '"'); r->i++; continue; }
      if (c == '"') { r->i++; break; }
      if (c == '\n') r->line++;
      buf_putc(f, c);
    }
  }
  while (r->i < r->n) {
    char c = r->p[r->i];
    if (c == r->sep || c == '\n') { r->i++; return c; }
    if (c == '\r' && (r->i + 1 >= r->n || r->p[r->i + 1] == '\n')) { r->i++; continue; }
    buf_putc(f, c);
    r->i++;
  }
  return 0;
}

/* Excel may start a file with "sep=;" naming the separator; honour and skip it. */
static void skip_sep_line(Rd *r, AssessCsv *c) {
  if (r->n < 5 || strncmp(r->p, "sep=", 4) || !strchr(";,\t|", r->p[4]) || !r->p[4]) return;
  size_t e = 5;
  while (e < r->n && r->p[e] == '\r') e++;
  if (e < r->n && r->p[e] != '\n') return;
  c->sep = r->sep = r->p[4];
  r->i = e < r->n ? e + 1 : e;
  r->line = 2;
}

static int push_row(AssessCsv *c, int line, char **f, size_t nf) {
  if (c->nrows >= ASSESS_CSV_MAX_ROWS) return -1;
  if (c->nrows == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 64;
    AssessCsvRow *v = realloc(c->rows, cap * sizeof *v);
    if (!v) return -1;
    c->rows = v;
    c->cap = cap;
  }
  c->rows[c->nrows++] = (AssessCsvRow){line, nf, f};
  return 0;
}

/* Reads one record; returns 1 if a record was added, 0 for a blank line, -1 on error. */
static int read_record(Rd *r, AssessCsv *c, Buf *fb) {
  char *tmp[ASSESS_CSV_MAX_FIELDS];
  size_t nf = 0;
  int line = r->line, end, blank = 1;
  do {
    end = read_field(r, fb);
    if (end < 0) return -1;
    if (fb->err) {
      assess_err(r->d, line, "et felt er lengre enn %zu byte", ASSESS_CSV_MAX_FIELD);
      return -1;
    }
    if (nf == ASSESS_CSV_MAX_FIELDS) {
      assess_err(r->d, line, "mer enn %d kolonner", ASSESS_CSV_MAX_FIELDS);
      return -1;
    }
    if (fb->n) blank = 0;
    tmp[nf] = arena_strndup(r->a, buf_cstr(fb), fb->n);
    if (!tmp[nf++]) goto nomem;
  } while (end == r->sep);
  if (end == '\n') r->line++;
  if (blank) return 0;
  char **f = arena_alloc(r->a, nf * sizeof *f);
  if (!f) goto nomem;
  memcpy(f, tmp, nf * sizeof *f);
  if (push_row(c, line, f, nf) < 0) {
    assess_err(r->d, line, "for mange rader (grense %d)", ASSESS_CSV_MAX_ROWS);
    return -1;
  }
  return 1;
nomem:
  assess_err(r->d, line, "filen er for stor til å leses inn");
  return -1;
}

int assess_csv_parse(const char *data, size_t n, AssessCsv *out, AssessDiags *d) {
  memset(out, 0, sizeof *out);
  if (n > ASSESS_CSV_MAX_BYTES) {
    assess_err(d, 0, "filen er større enn %zu byte", ASSESS_CSV_MAX_BYTES);
    return -1;
  }
  if (n >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
    out->bom = 1;
    data += 3;
    n -= 3;
  }
  if (check_utf8(data, n, d) < 0) return -1;
  out->a = arena_new((size_t)128 << 20);
  if (!out->a) return -1;
  out->sep = detect_sep(data, n);
  Rd r = {data, n, 0, 1, out->sep, out->a, d};
  skip_sep_line(&r, out);
  Buf fb;
  buf_init(&fb, ASSESS_CSV_MAX_FIELD);
  int rc = 0;
  while (r.i < r.n && rc == 0)
    if (read_record(&r, out, &fb) < 0) rc = -1;
  buf_free(&fb);
  if (rc) assess_csv_free(out);
  return rc;
}

void assess_csv_free(AssessCsv *c) {
  arena_free(c->a);
  free(c->rows);
  memset(c, 0, sizeof *c);
}
