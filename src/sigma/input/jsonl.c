/* jsonl.c — the JSON event reader: JSON lines (one object per line), a JSON
 * array of objects, or concatenated pretty-printed objects. A damaged line or
 * object is reported and skipped; the record number is the starting line,
 * or for a JSON array the element's position in it (1-based). */
#include <stdlib.h>
#include <string.h>

#include "sigma/input/sin.h"

enum { M_UNDECIDED, M_LINES, M_DOCS };

typedef struct JsonFile {
  SinFile base;
  SinWin w;
  SinJson *j;
  int mode;
  uint64_t line;     /* line number of w.p[w.pos] (1-based) */
  int array;         /* the input is a JSON array: records are numbered by position */
  uint64_t elem;     /* array elements seen so far */
  Buf tmp;
} JsonFile;

static void count_lines(JsonFile *jf, const char *p, size_t n) {
  for (const char *q = p; (q = memchr(q, '\n', (size_t)(p + n - q))); q++) jf->line++;
}

/* Records that carry an M365 audit record as a JSON string in "AuditData"
 * (Sentinel / Log Analytics exports) get its fields at the top level too,
 * unless the record already has them. */
static void lift_auditdata(JsonFile *jf, SigmaEvent *ev, uint64_t line) {
  if (!sin_json_auditdata(jf->j)) return;   /* spares a search of every record */
  const SigmaField *f = sev_get(ev, "AuditData", 9);
  if (!f || f->kind != SEV_STR || f->val_len < 2 || sev_val(ev, f)[0] != '{') return;
  buf_reset(&jf->tmp);
  buf_append(&jf->tmp, sev_val(ev, f), f->val_len);
  uint32_t before = ev->n;
  const char *why;
  size_t at;
  SigmaFormat fmt = ev->format;
  if (jf->tmp.err || sin_json_flatten(jf->j, jf->tmp.p, jf->tmp.n, ev, &why, &at)) {
    ev->n = before;
    ev->format = fmt;
    if (!jf->tmp.err)
      sin_warn(&jf->base, line, "JSON-feil i AuditData ved byte %zu: %s; bare postens øvrige felt er brukt", at, why);
  }
}

/* p is in the reader's window, which holds still until the next event is
 * asked for (input.h: an event is valid until then), so the record is
 * decoded where it lies. */
static int parse_into(JsonFile *jf, char *p, size_t n, uint64_t line, SigmaEvent *ev) {
  uint64_t record = jf->array ? ++jf->elem : line;   /* a JSON array: 1-based position */
  const char *why;
  size_t at;
  sev_reset(ev);
  if (sin_json_flatten_inplace(jf->j, p, n, ev, &why, &at) == 0) {
    lift_auditdata(jf, ev, line);
    ev->source = jf->base.name;
    ev->record = record;
    return 1;
  }
  if (jf->array)
    sin_warn(&jf->base, line, "JSON-feil ved byte %zu i element %llu av tabellen: %s; elementet er hoppet over",
             at, (unsigned long long)record, why);
  else
    sin_warn(&jf->base, line, "JSON-feil ved byte %zu i posten: %s; posten er hoppet over", at, why);
  return 0;
}

static int next_line(JsonFile *jf, SigmaEvent *ev, Err *err) {
  for (;;) {
    char *l;
    size_t n;
    int toolong;
    int r = sin_win_line(&jf->w, jf->base.src, &l, &n, &toolong, err);
    if (r <= 0) return r;
    if (toolong) {
      jf->line++;
      if (jf->array) jf->elem++;
      sin_warn(&jf->base, jf->line, "linjen er lengre enn %zu byte og er hoppet over", jf->w.max);
    }
    jf->line++;
    if (jf->line == 1 && n >= 3 && memcmp(l, "\xEF\xBB\xBF", 3) == 0) { l += 3; n -= 3; }
    while (n && (l[n - 1] == ' ' || l[n - 1] == '\t')) n--;
    while (n && (*l == ' ' || *l == '\t')) { l++; n--; }
    if (n && l[n - 1] == ',') n--;             /* one array element per line */
    if (n == 0 || (n == 1 && (*l == '[' || *l == ']'))) continue;
    if (n && *l == '[' && l[n - 1] != ']') { l++; n--; }
    if (parse_into(jf, l, n, jf->line, ev)) return 1;
  }
}

/* Skips whitespace and the separators of a top-level array. Returns 1 when
 * a value starts at w.pos, 0 at end of input, -1 on error. */
static int skip_sep(JsonFile *jf, Err *err) {
  for (;;) {
    SinWin *w = &jf->w;
    while (w->pos < w->end) {
      char c = w->p[w->pos];
      if (c == '\n') jf->line++;
      else if (c != ' ' && c != '\t' && c != '\r' && c != ',' && c != '[' && c != ']') return 1;
      w->pos++;
    }
    ssize_t r = sin_win_fill(w, jf->base.src, err);
    if (r < 0) return -1;
    if (r == 0) return 0;
  }
}

static void skip_rest_of_line(JsonFile *jf) {
  SinWin *w = &jf->w;
  char *q = memchr(w->p + w->pos, '\n', w->end - w->pos);
  w->pos = q ? (size_t)(q - w->p) : w->end;
}

static int next_doc(JsonFile *jf, SigmaEvent *ev, Err *err) {
  SinWin *w = &jf->w;
  for (;;) {
    int r = skip_sep(jf, err);
    if (r <= 0) return r;
    ssize_t span;
    while ((span = sin_json_span(w->p + w->pos, w->end - w->pos)) == 0) {
      ssize_t f = sin_win_fill(w, jf->base.src, err);
      if (f < 0) return -1;
      if (f == 0) break;
    }
    uint64_t line = jf->line;
    if (span <= 0) {
      if (jf->array) jf->elem++;
      sin_warn(&jf->base, line, span < 0 ? "ugyldig JSON-verdi, hoppet over"
               : w->eof ? "avkortet JSON-verdi på slutten av filen" : "JSON-verdien er for stor, hoppet over");
      if (span == 0 && w->eof) return 0;
      if (span == 0) { w->pos = w->end; continue; }
      w->pos++;
      skip_rest_of_line(jf);
      continue;
    }
    char *p = w->p + w->pos;
    count_lines(jf, p, (size_t)span);
    w->pos += (size_t)span;
    if (parse_into(jf, p, (size_t)span, line, ev)) return 1;
  }
}

/* Decides between JSON lines and whole documents from the first value. */
static int decide(JsonFile *jf, Err *err) {
  SinWin *w = &jf->w;
  sin_win_init(w, jf->base.opts->max_record);
  if (sin_win_fill(w, jf->base.src, err) < 0) return -1;
  if (w->end >= 3 && memcmp(w->p, "\xEF\xBB\xBF", 3) == 0) w->pos = 3;   /* UTF-8 BOM */
  for (size_t i = w->pos; i < w->end; i++) {
    char c = w->p[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    jf->array = c == '[';
    break;
  }
  int r = skip_sep(jf, err);
  if (r <= 0) return r;
  ssize_t span;
  while ((span = sin_json_span(w->p + w->pos, w->end - w->pos)) == 0) {
    ssize_t f = sin_win_fill(w, jf->base.src, err);
    if (f < 0) return -1;
    if (f == 0) break;
  }
  int one_line = span > 0 && !memchr(w->p + w->pos, '\n', (size_t)span);
  for (size_t i = w->pos + (span > 0 ? (size_t)span : 0); one_line && i < w->end && w->p[i] != '\n'; i++)
    if (w->p[i] != ' ' && w->p[i] != '\t' && w->p[i] != '\r' && w->p[i] != ',') one_line = 0;
  jf->mode = one_line ? M_LINES : M_DOCS;
  if (one_line) {                 /* back to the line start for the line reader */
    while (w->pos > 0 && w->p[w->pos - 1] != '\n') w->pos--;
    jf->line--;                   /* next_line counts the line it returns */
  }
  return 1;
}

static int json_next(SinFile *f, SigmaEvent *ev, Err *err) {
  JsonFile *jf = (JsonFile *)f;
  if (jf->mode == M_UNDECIDED) {
    int r = decide(jf, err);
    if (r <= 0) return r;
  }
  return jf->mode == M_LINES ? next_line(jf, ev, err) : next_doc(jf, ev, err);
}

static void json_free(SinFile *f) {
  JsonFile *jf = (JsonFile *)f;
  sin_win_free(&jf->w);
  sin_json_free(jf->j);
  buf_free(&jf->tmp);
  free(jf);
}

SinFile *sin_json_open(Err *err) {
  JsonFile *jf = calloc(1, sizeof *jf);
  if (jf) jf->j = sin_json_new();
  if (!jf || !jf->j) {
    free(jf);
    err_set(err, VERR_NOMEM, "tomt for minne");
    return NULL;
  }
  jf->base.next = json_next;
  jf->base.free = json_free;
  jf->base.format = SFMT_JSON;
  jf->line = 1;
  buf_init(&jf->tmp, SIN_MAX_RECORD);
  return &jf->base;
}
