/* m365csv.c — the Microsoft 365 unified audit log CSV export (Purview
 * "Export results"): RFC 4180 rows (quoted fields, "" escapes, embedded
 * newlines); the AuditData column's JSON becomes the event's fields, the
 * other columns are added where AuditData has no field of that name. */
#include <stdlib.h>
#include <string.h>

#include "sigma/input/sin.h"

#define MAX_COLS 256

typedef struct Span { uint32_t off, len; } Span;

typedef struct CsvFile {
  SinFile base;
  SinWin w;
  SinJson *j;
  uint64_t line;            /* lines consumed so far */
  Buf row;                  /* decoded fields of the current row */
  Span f[MAX_COLS];
  int nf;
  Buf head;                 /* header names, NUL-separated */
  Span h[MAX_COLS];
  int nh, audit_col;
} CsvFile;

/* Finds the end of the row at w.pos (a newline outside quotes). Returns the
 * row length (without the newline), or -1 when more input is needed. */
static ssize_t row_end(const char *p, size_t n, int eof, size_t *consumed, uint64_t *lines) {
  int q = 0;
  uint64_t nl = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '"') q = !q;
    else if (p[i] == '\n') {
      nl++;
      if (!q) {
        *consumed = i + 1;
        *lines = nl;
        return (ssize_t)(i && p[i - 1] == '\r' ? i - 1 : i);
      }
    }
  }
  if (!eof) return -1;
  *consumed = n;
  *lines = nl + 1;
  return (ssize_t)n;
}

/* Splits one row into decoded fields in c->row / c->f. */
static void split_row(CsvFile *c, const char *p, size_t n) {
  buf_reset(&c->row);
  c->nf = 0;
  size_t i = 0;
  for (;;) {
    uint32_t start = (uint32_t)c->row.n;
    if (i < n && p[i] == '"') {
      for (i++; i < n; i++) {
        if (p[i] == '"') {
          if (i + 1 < n && p[i + 1] == '"') { buf_putc(&c->row, '"'); i++; continue; }
          i++;
          break;
        }
        buf_putc(&c->row, p[i]);
      }
      while (i < n && p[i] != ',') buf_putc(&c->row, p[i++]);   /* text after the quote */
    } else {
      size_t s = i;
      while (i < n && p[i] != ',') i++;
      buf_append(&c->row, p + s, i - s);
    }
    if (c->nf < MAX_COLS) c->f[c->nf++] = (Span){start, (uint32_t)(c->row.n - start)};
    if (i >= n) break;
    i++;                                  /* the comma */
  }
}

static const char *fld(const CsvFile *c, int i) { return c->row.p ? c->row.p + c->f[i].off : ""; }

static void take_header(CsvFile *c) {
  buf_reset(&c->head);
  c->nh = 0;
  c->audit_col = -1;
  for (int i = 0; i < c->nf; i++) {
    const char *s = fld(c, i);
    size_t n = c->f[i].len;
    if (i == 0 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) { s += 3; n -= 3; }
    c->h[i] = (Span){(uint32_t)c->head.n, (uint32_t)n};
    buf_append(&c->head, s, n);
    buf_putc(&c->head, '\0');
    if (n == 9 && memcmp(s, "AuditData", 9) == 0) c->audit_col = i;
    c->nh++;
  }
}

/* Builds the event from the current row. Returns 1, or 0 if it was skipped. */
static int row_event(CsvFile *c, SigmaEvent *ev, uint64_t line) {
  sev_reset(ev);
  int n = c->nf < c->nh ? c->nf : c->nh;
  if (c->nf < c->nh) {      /* a cut or hand-edited export: say so */
    if (c->audit_col >= c->nf) {
      sin_warn(&c->base, line, "CSV-raden har %d kolonner, overskriften %d, og AuditData mangler; "
               "raden er hoppet over", c->nf, c->nh);
      return 0;
    }
    sin_warn(&c->base, line, "CSV-raden har %d kolonner, overskriften %d; de manglende er tomme",
             c->nf, c->nh);
  }
  if (c->audit_col >= 0 && c->audit_col < n && c->f[c->audit_col].len) {
    const char *why;
    size_t at;
    if (sin_json_flatten(c->j, fld(c, c->audit_col), c->f[c->audit_col].len, ev, &why, &at)) {
      sin_warn(&c->base, line, "JSON-feil i AuditData-kolonnen ved byte %zu: %s; raden er hoppet over", at, why);
      return 0;
    }
  }
  for (int i = 0; i < n; i++) {
    if (i == c->audit_col) continue;
    const char *name = c->head.p + c->h[i].off;
    if (sev_get(ev, name, c->h[i].len)) continue;
    sev_add(ev, name, c->h[i].len, fld(c, i), c->f[i].len, SEV_STR);
    if (ev->time_ms == INT64_MIN && c->h[i].len == 12 && memcmp(name, "CreationDate", 12) == 0)
      ev->time_ms = sin_parse_time(fld(c, i), c->f[i].len);
  }
  ev->format = SFMT_M365;
  ev->source = c->base.name;
  ev->record = line;
  return 1;
}

static int csv_next(SinFile *f, SigmaEvent *ev, Err *err) {
  CsvFile *c = (CsvFile *)f;
  SinWin *w = &c->w;
  if (!w->max) sin_win_init(w, f->opts->max_record);
  for (;;) {
    size_t consumed;
    uint64_t lines;
    ssize_t len;
    while ((len = row_end(w->p ? w->p + w->pos : "", w->end - w->pos, w->eof, &consumed, &lines)) < 0) {
      ssize_t r = sin_win_fill(w, f->src, err);
      if (r < 0) return -1;
      if (r == 0 && !w->eof) {
        sin_warn(f, c->line + 1, "CSV-raden er lengre enn %zu byte (et anførselstegn som ikke lukkes?); "
                 "resten av filen er hoppet over", w->max);
        return 0;
      }
    }
    if (w->pos >= w->end && w->eof) return 0;
    const char *p = w->p + w->pos;
    uint64_t line = c->line + 1;
    w->pos += consumed;
    c->line += lines;
    if (len == 0) continue;
    split_row(c, p, (size_t)len);
    if (c->row.err) { sin_warn(f, line, "CSV-raden er for stor, hoppet over"); continue; }
    if (!c->nh) { take_header(c); continue; }
    if (row_event(c, ev, line)) return 1;
  }
}

static void csv_free(SinFile *f) {
  CsvFile *c = (CsvFile *)f;
  sin_win_free(&c->w);
  sin_json_free(c->j);
  buf_free(&c->row);
  buf_free(&c->head);
  free(c);
}

SinFile *sin_m365csv_open(Err *err) {
  CsvFile *c = calloc(1, sizeof *c);
  if (c) c->j = sin_json_new();
  if (!c || !c->j) {
    free(c);
    err_set(err, VERR_NOMEM, "tomt for minne");
    return NULL;
  }
  buf_init(&c->row, SIN_MAX_RECORD);
  buf_init(&c->head, 1 << 16);
  c->base.next = csv_next;
  c->base.free = csv_free;
  c->base.format = SFMT_M365;
  return &c->base;
}
