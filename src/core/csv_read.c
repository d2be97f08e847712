/* csv_read.c — the CSV reader of csv.h: one row at a time from a buffer in
 * memory, with bounded field and row sizes and positions in every error. */
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/utf8.h"

#define CSV_ROW_MIN_BOUND ((size_t)1 << 20)

static int utf8_valid(const char *p, size_t n) {
  const unsigned char *s = (const unsigned char *)p;
  for (size_t i = 0; i < n;) {
    size_t k = utf8_seq(s + i, n - i);
    if (!k) return 0;
    i += k;
  }
  return 1;
}

/* Windows-1252 0x80..0x9F; 0xFFFD where the code page leaves a hole. */
static const unsigned short cp1252_high[32] = {
  0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
  0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
  0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

static char *cp1252_to_utf8(const char *p, size_t n, size_t *out_n) {
  char *o = malloc(n * 3 + 1), *q = o;
  if (!o) return NULL;
  for (size_t i = 0; i < n; i++) {
    unsigned c = (unsigned char)p[i];
    if (c >= 0x80 && c < 0xA0) c = cp1252_high[c - 0x80];
    if (c < 0x80) {
      *q++ = (char)c;
    } else if (c < 0x800) {
      *q++ = (char)(0xC0 | (c >> 6));
      *q++ = (char)(0x80 | (c & 0x3F));
    } else {
      *q++ = (char)(0xE0 | (c >> 12));
      *q++ = (char)(0x80 | ((c >> 6) & 0x3F));
      *q++ = (char)(0x80 | (c & 0x3F));
    }
  }
  *q = '\0';
  *out_n = (size_t)(q - o);
  return o;
}

/* Counts candidate separators outside quotes in the first row. Ties favour
 * ';' (what Norwegian Excel writes), then ','. */
static char detect_sep(const char *p, const char *end) {
  size_t semi = 0, comma = 0, tab = 0;
  int quoted = 0;
  for (; p < end; p++) {
    if (*p == '"') quoted = !quoted;
    else if (!quoted && (*p == '\n' || *p == '\r')) break;
    else if (!quoted && *p == ';') semi++;
    else if (!quoted && *p == ',') comma++;
    else if (!quoted && *p == '\t') tab++;
  }
  if (tab > semi && tab > comma) return '\t';
  if (semi && semi >= comma) return ';';
  return ',';
}

int csv_reader_init(CsvReader *r, const char *data, size_t len, const CsvOptions *o, Err *e) {
  memset(r, 0, sizeof *r);
  if (len > CSV_INPUT_MAX) return err_set(e, VERR_TOOBIG, "CSV-filen er større enn %zu MiB.", CSV_INPUT_MAX >> 20);
  int bom = len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3);
  if (bom) {
    data += 3;
    len -= 3;
    if (!utf8_valid(data, len))
      return err_set(e, VERR_INVALID, "CSV-filen er merket som UTF-8, men inneholder ugyldige UTF-8-tegn.");
  } else if (!utf8_valid(data, len)) {
    r->owned = cp1252_to_utf8(data, len, &len);
    if (!r->owned) return err_set(e, VERR_NOMEM, "Tomt for minne.");
    data = r->owned;
    r->was_cp1252 = 1;
  }
  if (o) r->o = *o;
  if (!r->o.max_field) r->o.max_field = CSV_FIELD_MAX_DEFAULT;
  if (!r->o.max_fields) r->o.max_fields = CSV_FIELDS_MAX_DEFAULT;
  if (r->o.sep && r->o.sep != ',' && r->o.sep != ';' && r->o.sep != '\t') {
    csv_reader_free(r);
    return err_set(e, VERR_INVALID, "Ugyldig skilletegn for CSV.");
  }
  r->p = data;
  r->end = data + len;
  if (!r->o.sep) r->o.sep = detect_sep(r->p, r->end);
  size_t bound = r->o.max_field * 4 > CSV_ROW_MIN_BOUND ? r->o.max_field * 4 : CSV_ROW_MIN_BOUND;
  buf_init(&r->data, bound);
  r->line = 1;
  return 0;
}

void csv_reader_free(CsvReader *r) {
  free(r->owned);
  buf_free(&r->data);
  free(r->offs);
  free(r->fields);
  memset(r, 0, sizeof *r);
}

char csv_reader_sep(const CsvReader *r) { return r->o.sep; }

static int fail(CsvReader *r, Err *e, int code, size_t col, const char *what) {
  return err_set(e, code, "CSV-feil på rad %zu (linje %zu), kolonne %zu: %s", r->row + 1, r->line, col, what);
}

static int push_offset(CsvReader *r, size_t n, Err *e) {
  if (n < r->cap) return 0;
  size_t nc = r->cap ? r->cap * 2 : 16;
  size_t *o = realloc(r->offs, nc * sizeof *o);
  if (o) r->offs = o;
  const char **f = o ? realloc(r->fields, nc * sizeof *f) : NULL;
  if (!o || !f) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  r->fields = f;
  r->cap = nc;
  return 0;
}

/* Consumes a line end (CRLF, LF or CR) if one is next. */
static int eat_eol(CsvReader *r) {
  if (r->p < r->end && *r->p == '\r') {
    r->p++;
    if (r->p < r->end && *r->p == '\n') r->p++;
    return 1;
  }
  if (r->p < r->end && *r->p == '\n') {
    r->p++;
    return 1;
  }
  return 0;
}

static int read_quoted(CsvReader *r, size_t col, size_t start, Err *e) {
  size_t open_line = r->line;
  r->p++; /* opening quote */
  for (;;) {
    if (r->p >= r->end) {
      r->line = open_line; /* name the line where the field began */
      return fail(r, e, VERR_INVALID, col, "anførselstegnet som åpner feltet, lukkes aldri.");
    }
    const char *q = r->p;
    while (q < r->end && *q != '"' && *q != '\0' && *q != '\r' && *q != '\n') q++;
    buf_append(&r->data, r->p, (size_t)(q - r->p));
    r->p = q;
    if (r->data.n - start > r->o.max_field || r->data.err) break;
    if (q >= r->end) continue;
    if (*q == '\0') return fail(r, e, VERR_INVALID, col, "feltet inneholder et NUL-tegn.");
    if (*q == '"') {
      if (q + 1 < r->end && q[1] == '"') {
        buf_putc(&r->data, '"');
        r->p += 2;
        continue;
      }
      r->p++;
      return 0;
    }
    buf_putc(&r->data, *q); /* a line break inside the field is data */
    r->p++;
    if (*q == '\n' || (*q == '\r' && (r->p >= r->end || *r->p != '\n'))) r->line++;
  }
  return fail(r, e, VERR_TOOBIG, col, "feltet er for langt.");
}

static int read_plain(CsvReader *r, size_t col, size_t start, Err *e) {
  const char *q = r->p;
  char sep = r->o.sep;
  while (q < r->end && *q != sep && *q != '\r' && *q != '\n' && *q != '\0') q++;
  if (q < r->end && *q == '\0') return fail(r, e, VERR_INVALID, col, "feltet inneholder et NUL-tegn.");
  if ((size_t)(q - r->p) > r->o.max_field) return fail(r, e, VERR_TOOBIG, col, "feltet er for langt.");
  buf_append(&r->data, r->p, (size_t)(q - r->p));
  r->p = q;
  (void)start;
  return 0;
}

/* Reads one field; *more = 1 if a separator followed. */
static int read_field(CsvReader *r, size_t col, int *more, Err *e) {
  size_t start = r->data.n;
  int rc = (r->p < r->end && *r->p == '"') ? read_quoted(r, col, start, e) : read_plain(r, col, start, e);
  if (rc) return rc;
  if (r->data.n - start > r->o.max_field) return fail(r, e, VERR_TOOBIG, col, "feltet er for langt.");
  buf_putc(&r->data, '\0');
  if (r->data.err) return fail(r, e, VERR_TOOBIG, col, "raden er for lang.");
  *more = 0;
  if (r->p < r->end && *r->p == r->o.sep) {
    r->p++;
    *more = 1;
  } else if (r->p < r->end && *r->p != '\r' && *r->p != '\n') {
    return fail(r, e, VERR_INVALID, col, "uventet tegn etter avsluttende anførselstegn.");
  }
  return 0;
}

int csv_read_row(CsvReader *r, CsvRow *row, Err *e) {
  while (r->p < r->end && (*r->p == '\r' || *r->p == '\n')) {
    eat_eol(r);
    r->line++;
  }
  if (r->p >= r->end) return 0;
  buf_reset(&r->data);
  size_t n = 0, first_line = r->line;
  int more = 1;
  while (more) {
    if (n >= r->o.max_fields) return fail(r, e, VERR_TOOBIG, n + 1, "raden har for mange felt.");
    int rc = push_offset(r, n, e);
    if (rc) return rc;
    r->offs[n] = r->data.n;
    rc = read_field(r, n + 1, &more, e);
    if (rc) return rc;
    n++;
  }
  if (eat_eol(r)) r->line++;
  for (size_t i = 0; i < n; i++) r->fields[i] = r->data.p + r->offs[i];
  r->row++;
  row->n = n;
  row->fields = r->fields;
  row->row = r->row;
  row->line = first_line;
  return 1;
}
