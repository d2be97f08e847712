/* measures.c — CSV rows → measure nodes under the matching principle: header
 * names in Norwegian or English, row-level errors, all-or-nothing. The file is
 * read with core/csv (UTF-8 with or without BOM, else Windows-1252 as plain
 * Excel CSV; ; , or TAB; Excel's "sep=" line honoured here). */
#include "assess/measures.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"

#define MEASURES_MAX_ROWS 200000
#define MEASURES_MAX_FIELDS 256

typedef struct AssessCsvRow {
  int line;        /* physical line where the record starts (1-based) */
  size_t nf;
  char **f;        /* fields, NUL-terminated (arena) */
} AssessCsvRow;

typedef struct Rows {
  AssessCsvRow *rows;   /* rows[0] is the header */
  size_t nrows, cap;
} Rows;

/* Excel's first line "sep=;" names the separator; returns its length (0 if absent). */
static size_t sep_line(const char *p, size_t n, char *sep) {
  if (n < 5 || memcmp(p, "sep=", 4) || !strchr(",;\t", p[4]) || !p[4]) return 0;
  size_t k = 5;
  if (k < n && p[k] == '\r') k++;
  if (k < n && p[k] == '\n') k++;
  if (k < n && p[k - 1] != '\n' && p[k - 1] != '\r') return 0;
  *sep = p[4];
  return k;
}

static int all_blank(const CsvRow *r) {
  for (size_t i = 0; i < r->n; i++)
    for (const char *q = r->fields[i]; *q; q++)
      if (!isspace((unsigned char)*q)) return 0;
  return 1;
}

static int keep_row(Rows *rs, Arena *a, const CsvRow *r, int line) {
  if (rs->nrows == rs->cap) {
    size_t nc = rs->cap ? rs->cap * 2 : 64;
    AssessCsvRow *v = realloc(rs->rows, nc * sizeof *v);
    if (!v) return -1;
    rs->rows = v;
    rs->cap = nc;
  }
  AssessCsvRow *o = &rs->rows[rs->nrows++];
  o->line = line;
  o->nf = r->n;
  o->f = arena_alloc(a, (r->n ? r->n : 1) * sizeof *o->f);
  for (size_t i = 0; o->f && i < r->n; i++) o->f[i] = arena_strdup(a, r->fields[i]);
  return o->f ? 0 : -1;
}

/* Reads every non-blank row; an error is reported with its line. */
static int read_rows(const char *data, size_t n, Arena *a, Rows *rs, AssessCsvStats *st, AssessDiags *d) {
  st->bom = n >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3);
  size_t skip = st->bom ? 3 : 0, k;
  CsvOptions o = {.max_fields = MEASURES_MAX_FIELDS};
  int offset = (k = sep_line(data + skip, n - skip, &o.sep)) ? 1 : 0;
  if (k) skip += k;
  else skip = 0;   /* the reader strips the BOM itself */
  CsvReader r;
  CsvRow row;
  Err e = {0};
  int rc = csv_reader_init(&r, data + skip, n - skip, &o, &e);
  if (rc) { assess_err(d, 0, "%s", e.msg); return -1; }
  st->sep = csv_reader_sep(&r);
  while ((rc = csv_read_row(&r, &row, &e)) == 1) {
    if (all_blank(&row)) continue;
    if (rs->nrows > MEASURES_MAX_ROWS) { assess_err(d, (int)row.line + offset, "for mange rader"); rc = -1; break; }
    if (keep_row(rs, a, &row, (int)row.line + offset) < 0) { assess_err(d, 0, "tomt for minne"); rc = -1; break; }
  }
  if (rc < 0 && e.code) assess_err(d, (int)r.line + offset, "%s", e.msg);
  csv_reader_free(&r);
  return rc < 0 ? -1 : 0;
}

enum { COL_PRINCIPLE, COL_REF, COL_TITLE, COL_DESC, COL_PRIORITY, NCOL };

static const char *const col_names[NCOL][12] = {
  {"prinsipp", "prinsippnr", "prinsipp_nr", "prinsipp_ref", "grunnprinsipp", "principle",
   "principle_ref", "parent", "parent_ref", NULL},
  {"tiltak", "tiltaksnr", "tiltak_nr", "tiltaksnummer", "tiltak_ref", "nr", "nummer", "ref",
   "ref_id", "id", "measure", NULL},
  {"tittel", "navn", "tiltakstittel", "kortnavn", "title", "name", NULL},
  {"beskrivelse", "tekst", "tiltakstekst", "forklaring", "description", "text", NULL},
  {"prioritet", "prioritering", "priority", NULL},
};

/* Lower-cases ASCII, turns runs of space - . / into '_', trims '_' and ':'. */
static void norm_header(const char *in, char *out, size_t cap) {
  size_t k = 0;
  for (const char *p = in; *p && k + 1 < cap; p++) {
    unsigned char c = (unsigned char)*p;
    if (strchr(" -./:\t", c)) {
      if (k && out[k - 1] != '_') out[k++] = '_';
    } else {
      out[k++] = (char)(c < 128 ? tolower(c) : c);
    }
  }
  while (k && out[k - 1] == '_') k--;
  out[k] = '\0';
}

static int header_col(const char *h) {
  char n[128];
  norm_header(h, n, sizeof n);
  for (int c = 0; c < NCOL; c++)
    for (int j = 0; col_names[c][j]; j++)
      if (!strcmp(n, col_names[c][j])) return c;
  return -1;
}

static int map_header(const AssessCsvRow *h, int *col, AssessDiags *d) {
  for (int c = 0; c < NCOL; c++) col[c] = -1;
  for (size_t i = 0; i < h->nf; i++) {
    int c = header_col(h->f[i]);
    if (c < 0) {
      if (*h->f[i]) assess_warn(d, h->line, "kolonnen «%s» brukes ikke", h->f[i]);
    } else if (col[c] >= 0) {
      assess_err(d, h->line, "kolonnen «%s» gjentar en kolonne som alt er funnet", h->f[i]);
      return -1;
    } else {
      col[c] = (int)i;
    }
  }
  if (col[COL_REF] < 0 || col[COL_TITLE] < 0) {
    assess_err(d, h->line, "overskriftsraden mangler kolonne for %s (f.eks. «tiltak» og «tittel»)",
               col[COL_REF] < 0 ? "tiltaksnummer" : "tittel");
    return -1;
  }
  return 0;
}

static char *field(Arena *a, const AssessCsvRow *r, int col) {
  if (col < 0 || (size_t)col >= r->nf) return NULL;
  const char *s = r->f[col];
  while (isspace((unsigned char)*s)) s++;
  size_t n = strlen(s);
  while (n && isspace((unsigned char)s[n - 1])) n--;
  return n ? arena_strndup(a, s, n) : NULL;
}

static int valid_ref(const char *s) {
  for (const char *p = s; *p; p++)
    if (!isalnum((unsigned char)*p) && !strchr("._-", *p)) return 0;
  return *s && strlen(s) <= ASSESS_REF_MAX && s[strlen(s) - 1] != '.';
}

typedef struct Stage {
  AssessNode *v;
  int *row;
  size_t n;
} Stage;

/* The principle a measure belongs under: the column, else the ref without its last part. */
/* Spreadsheets often write "2.3 Ivareta en sikker konfigurasjon" in one cell:
 * keep the number, i.e. cut at the first space. */
static char *number_only(char *s) {
  if (!s) return NULL;
  char *sp = s + strcspn(s, " \t");
  *sp = '\0';
  return s;
}

static char *principle_of(Arena *a, const AssessCsvRow *r, const int *col, const char *ref) {
  char *p = number_only(field(a, r, col[COL_PRINCIPLE]));
  if (p) return p;
  const char *dot = strrchr(ref, '.');
  return dot ? arena_strndup(a, ref, (size_t)(dot - ref)) : NULL;
}

static int check_row(AssessFramework *fw, const AssessCsvRow *r, const int *col, const char *label,
                     AssessDiags *d, AssessNode *out) {
  Arena *a = fw->arena;
  char *ref = number_only(field(a, r, col[COL_REF])), *title = field(a, r, col[COL_TITLE]);
  if (!ref) { assess_err(d, r->line, "tiltaksnummer mangler"); return -1; }
  if (!valid_ref(ref)) { assess_err(d, r->line, "ugyldig tiltaksnummer «%s»", ref); return -1; }
  if (!title) { assess_err(d, r->line, "tiltak %s mangler tittel", ref); return -1; }
  char *pr = principle_of(a, r, col, ref);
  if (!pr) { assess_err(d, r->line, "tiltak %s: prinsipp mangler og kan ikke utledes", ref); return -1; }
  int p = assess_framework_find(fw, pr);
  if (p < 0) { assess_err(d, r->line, "tiltak %s: ukjent prinsipp «%s» i %s", ref, pr, fw->urn); return -1; }
  size_t pl = strlen(pr);
  if (strncmp(ref, pr, pl) || ref[pl] != '.') {
    assess_err(d, r->line, "tiltak %s hører ikke til prinsipp %s (nummeret skal starte med «%s.»)",
               ref, pr, pr);
    return -1;
  }
  if (assess_framework_find(fw, ref) >= 0) {
    assess_err(d, r->line, "tiltak %s finnes allerede i rammeverket", ref);
    return -1;
  }
  *out = (AssessNode){.ref_id = ref, .name = title, .assessable = 1, .weight = 1.0, .target = -1,
                      .parent = -1, .parent_urn = fw->nodes[p].urn};
  out->description = field(a, r, col[COL_DESC]);
  out->priority = field(a, r, col[COL_PRIORITY]);
  out->urn = assess_framework_default_urn(fw, ref);
  out->source = arena_printf(a, "%s, tiltak %s (importert fra %s, rad %d)",
                             fw->ref_id ? fw->ref_id : fw->name, ref, label, r->line);
  out->cost = (AssessCost){0, NULL, -1, -1, -1, -1};
  return out->urn && out->source ? 0 : -1;
}

static int by_stage_ref(const void *a, const void *b, void *arg) {
  const Stage *s = arg;
  int c = strcmp(s->v[*(const int *)a].ref_id, s->v[*(const int *)b].ref_id);
  return c ? c : *(const int *)a - *(const int *)b;
}

static int check_dup_rows(Stage *s, AssessDiags *d) {
  int *ix = malloc((s->n + 1) * sizeof *ix), rc = 0;
  if (!ix) return -1;
  for (size_t i = 0; i < s->n; i++) ix[i] = (int)i;
  qsort_r(ix, s->n, sizeof *ix, by_stage_ref, s);
  for (size_t i = 1; i < s->n; i++)
    if (!strcmp(s->v[ix[i]].ref_id, s->v[ix[i - 1]].ref_id)) {
      assess_err(d, s->row[ix[i]], "tiltak %s står to ganger (også rad %d)", s->v[ix[i]].ref_id,
                 s->row[ix[i - 1]]);
      rc = -1;
    }
  free(ix);
  return rc;
}

static int stage_rows(AssessFramework *fw, const Rows *c, const int *col, const char *label,
                      AssessDiags *d, Stage *s) {
  int rc = 0;
  size_t hn = c->rows[0].nf;
  for (size_t i = 1; i < c->nrows; i++) {
    const AssessCsvRow *r = &c->rows[i];
    if (r->nf > hn) {
      assess_err(d, r->line, "raden har %zu kolonner, overskriften %zu", r->nf, hn);
      rc = -1;
      continue;
    }
    AssessNode n;
    if (check_row(fw, r, col, label, d, &n) < 0) { rc = -1; continue; }
    s->row[s->n] = r->line;
    s->v[s->n++] = n;
  }
  if (check_dup_rows(s, d) < 0) rc = -1;
  return rc;
}

/* Adds the staged nodes and re-sorts the tree; on any failure the framework's
 * nodes are restored exactly as they were. */
static int attach_all(AssessFramework *fw, const Stage *s, AssessDiags *d) {
  size_t before = fw->nnodes;
  AssessNode *saved = malloc((before + 1) * sizeof *saved);
  if (!saved) return -1;
  memcpy(saved, fw->nodes, before * sizeof *saved);
  int rc = 0;
  for (size_t i = 0; i < s->n && rc == 0; i++) rc = assess_framework_add_node(fw, &s->v[i]);
  if (rc == 0) rc = assess_framework_sort_tree(fw, d);
  if (rc < 0) {
    memcpy(fw->nodes, saved, before * sizeof *saved);
    fw->nnodes = before;
    assess_framework_link(fw, d);
  }
  free(saved);
  return rc;
}

int assess_measures_import(AssessFramework *fw, const char *data, size_t n, const char *label,
                           AssessDiags *d, AssessCsvStats *st) {
  memset(st, 0, sizeof *st);
  d->unit = "rad";
  Rows c = {0};
  int col[NCOL], rc = -1;
  Stage s = {0};
  Arena *a = arena_new(0);
  if (!a || read_rows(data, n, a, &c, st, d) < 0) goto out;
  if (c.nrows == 0) { assess_err(d, 0, "filen er tom"); goto out; }
  st->rows = c.nrows - 1;
  if (map_header(&c.rows[0], col, d) < 0) goto out;
  s.v = malloc(c.nrows * sizeof *s.v);
  s.row = malloc(c.nrows * sizeof *s.row);
  if (!s.v || !s.row) goto out;
  if (stage_rows(fw, &c, col, label, d, &s) < 0) goto out;
  if (s.n == 0) { assess_err(d, 0, "filen har ingen tiltak under overskriftsraden"); goto out; }
  rc = attach_all(fw, &s, d);
  st->added = rc == 0 ? s.n : 0;
out:
  free(s.v);
  free(s.row);
  free(c.rows);
  arena_free(a);
  return rc;
}
