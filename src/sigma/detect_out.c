/* detect_out.c — how `varde detect` writes alerts: JSON lines, CSV, or a
 * summary table of hits per rule and level. Every alert carries the rule's
 * author, as the Detection Rule License requires. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/utf8.h"
#include "sigma/detect.h"

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
static inline uint64_t zero_byte(uint64_t v) { return (v - ONES) & ~v & HIGHS; }

/* 1 if none of 8 bytes needs a look (control, '"', '\\', DEL, or a byte
 * of a multi-byte character): the common case, tested a word at a time. */
static inline int plain8(const char *s) {
  uint64_t w;
  memcpy(&w, s, 8);
  return !(((w - ONES * 0x20) & ~w & HIGHS) | zero_byte(w ^ (ONES * '"')) |
           zero_byte(w ^ (ONES * '\\')) | zero_byte(w ^ (ONES * 0x7f)) | (w & HIGHS));
}

/* A JSON string. Logs are not always UTF-8 (Latin-1 syslog from older
 * devices): a byte that does not start a valid sequence is written as the
 * Latin-1 character it most likely is, so the output stays valid JSON. */
static void json_str(Buf *b, const char *s, size_t n) {
  buf_putc(b, '"');
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    while (i + 8 <= n && plain8(s + i)) i += 8;
    if (i >= n) break;
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x80) {
      size_t k = utf8_seq((const unsigned char *)s + i, n - i);
      if (k) { i += k - 1; continue; }
    } else if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) {
      continue;
    }
    buf_append(b, s + run, i - run);
    run = i + 1;
    if (c == '"' || c == '\\') { buf_putc(b, '\\'); buf_putc(b, c); }
    else if (c == '\n') buf_lit(b, "\\n");
    else if (c == '\r') buf_lit(b, "\\r");
    else if (c == '\t') buf_lit(b, "\\t");
    else buf_printf(b, "\\u%04x", c);
  }
  buf_append(b, s + run, n - run);
  buf_putc(b, '"');
}

static void json_cstr(Buf *b, const char *s) { json_str(b, s ? s : "", s ? strlen(s) : 0); }

void sdo_time(char *out, size_t n, int64_t ms) {
  if (ms == INT64_MIN) { snprintf(out, n, "%s", ""); return; }
  time_t t = (time_t)(ms / 1000);
  struct tm tm;
  gmtime_r(&t, &tm);
  char base[32];
  strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out, n, "%s.%03dZ", base, (int)((ms % 1000 + 1000) % 1000));
}

static void json_value(Buf *b, const SigmaEvent *ev, const SigmaField *f) {
  if (f->kind == SEV_NULL) buf_lit(b, "null");
  else if (f->kind == SEV_NUM || f->kind == SEV_BOOL) buf_append(b, sev_val(ev, f), f->val_len);
  else json_str(b, sev_val(ev, f), f->val_len);
}

/* The event as a JSON object; repeated names become arrays. */
static void json_event(Buf *b, const SigmaEvent *ev) {
  buf_putc(b, '{');
  int first = 1;
  for (uint32_t i = 0; i < ev->n; i++) {
    const SigmaField *f = &ev->f[i];
    uint32_t k = 0;
    while (k < i && !(ev->f[k].name_len == f->name_len && !memcmp(sev_name(ev, &ev->f[k]), sev_name(ev, f), f->name_len))) k++;
    if (k < i) continue;   /* printed with its first occurrence */
    if (!first) buf_putc(b, ',');
    first = 0;
    json_str(b, sev_name(ev, f), f->name_len);
    buf_putc(b, ':');
    int many = 0;
    for (uint32_t j = i + 1; j < ev->n && !many; j++)
      many = ev->f[j].name_len == f->name_len && !memcmp(sev_name(ev, &ev->f[j]), sev_name(ev, f), f->name_len);
    if (!many) { json_value(b, ev, f); continue; }
    buf_putc(b, '[');
    for (uint32_t j = i; j < ev->n; j++)
      if (ev->f[j].name_len == f->name_len && !memcmp(sev_name(ev, &ev->f[j]), sev_name(ev, f), f->name_len)) {
        if (j > i) buf_putc(b, ',');
        json_value(b, ev, &ev->f[j]);
      }
    buf_putc(b, ']');
  }
  buf_putc(b, '}');
}

static void jsonl(Buf *b, const SigmaAlert *a) {
  const SigmaRuleInfo *r = a->rule;
  char t[48];
  sdo_time(t, sizeof t, a->time_ms);
  buf_lit(b, "{\"rule_id\":"); json_cstr(b, r->id);
  buf_lit(b, ",\"title\":"); json_cstr(b, r->title);
  buf_lit(b, ",\"level\":"); json_cstr(b, r->level);
  buf_lit(b, ",\"status\":"); json_cstr(b, r->status);
  buf_lit(b, ",\"author\":"); json_cstr(b, r->author);
  buf_lit(b, ",\"tags\":[");
  for (size_t i = 0; i < r->ntags; i++) { if (i) buf_putc(b, ','); json_cstr(b, r->tags[i]); }
  buf_lit(b, "],\"rule_file\":"); json_cstr(b, r->file);
  buf_lit(b, ",\"time\":"); json_cstr(b, t);
  if (a->event) {
    buf_lit(b, ",\"source\":"); json_cstr(b, a->event->source);
    buf_printf(b, ",\"record\":%llu,\"event\":", (unsigned long long)a->event->record);
    json_event(b, a->event);
  } else {
    buf_lit(b, ",\"correlation\":true,\"group\":"); json_cstr(b, a->group);
    buf_lit(b, ",\"events\":[");
    for (size_t i = 0; i < a->nrefs; i++) {
      sdo_time(t, sizeof t, a->refs[i].time_ms);
      if (i) buf_putc(b, ',');
      buf_lit(b, "{\"source\":");
      json_cstr(b, a->refs[i].source);
      buf_printf(b, ",\"record\":%llu,\"time\":", (unsigned long long)a->refs[i].record);
      json_cstr(b, t);
      buf_putc(b, '}');
    }
    buf_putc(b, ']');
  }
  buf_lit(b, "}\n");
}

/* CSV with the formula guard: event values come from the attacker's side
 * and the file is opened in spreadsheets. details holds the event as JSON,
 * or for a correlation its group and the events that made it. */
static void csv(Buf *b, const SigmaAlert *a) {
  const SigmaRuleInfo *r = a->rule;
  CsvWriter w;
  Buf tmp;
  char t[48];
  csv_writer_init(&w, b, ',', CSV_LF | CSV_FORMULA_GUARD);
  buf_init(&tmp, BUF_DEFAULT_MAX);
  sdo_time(t, sizeof t, a->time_ms);
  csv_field(&w, t);
  csv_field(&w, r->level);
  csv_field(&w, r->status);
  csv_field(&w, r->id);
  csv_field(&w, r->title);
  csv_field(&w, r->author);
  for (size_t i = 0; i < r->ntags; i++) buf_printf(&tmp, "%s%s", i ? " " : "", r->tags[i]);
  buf_putc(&tmp, 0);
  csv_field(&w, tmp.p);
  buf_reset(&tmp);
  if (a->event) {
    csv_field(&w, a->event->source);
    csv_field_int(&w, (int64_t)a->event->record);
    json_event(&tmp, a->event);
  } else {
    csv_field(&w, "");
    csv_field(&w, "");
    buf_printf(&tmp, "korrelasjon: %zu hendelser; %s; hendelser:", a->nrefs, a->group ? a->group : "");
    for (size_t i = 0; i < a->nrefs; i++)
      buf_printf(&tmp, " %s#%llu", a->refs[i].source, (unsigned long long)a->refs[i].record);
  }
  buf_putc(&tmp, 0);
  csv_field(&w, tmp.p);
  csv_end_row(&w);
  buf_free(&tmp);
}

void sdo_header(DetectOut *o) {
  if (o->format == DF_CSV)
    fputs("time,level,status,rule_id,title,author,tags,source,record,details\n", o->f);
}

void sdo_alert(void *ctx, const SigmaAlert *a) {
  DetectOut *o = ctx;
  o->alerts++;
  if (o->format == DF_TABLE) {
    for (size_t i = 0; i < o->nhits; i++)
      if (o->hits[i].rule == a->rule) { o->hits[i].n++; return; }
    if (o->nhits == o->caphits) {
      size_t cap = o->caphits ? o->caphits * 2 : 64;
      DetectHit *nh = realloc(o->hits, cap * sizeof *nh);
      if (!nh) return;
      o->hits = nh;
      o->caphits = cap;
    }
    o->hits[o->nhits++] = (DetectHit){a->rule, 1};
    return;
  }
  buf_reset(&o->b);
  if (o->format == DF_CSV) csv(&o->b, a); else jsonl(&o->b, a);
  fwrite(o->b.p, 1, o->b.n, o->f);
}

static int level_rank(const char *l) {
  static const char *ls[] = {"critical", "high", "medium", "low", "informational"};
  for (int i = 0; i < 5; i++)
    if (l && !strcmp(l, ls[i])) return i;
  return 5;
}

static int hit_cmp(const void *x, const void *y) {
  const DetectHit *a = x, *b = y;
  int d = level_rank(a->rule->level) - level_rank(b->rule->level);
  if (d) return d;
  if (a->n != b->n) return a->n > b->n ? -1 : 1;
  return strcmp(a->rule->title, b->rule->title);
}

/* Text padded or cut to width characters (not bytes: titles and the header
 * hold æøå), with line breaks and other control characters as spaces;
 * width < 0: all of it, unpadded. */
static void cell(FILE *f, const char *s, int width) {
  int w = 0;
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  while (*p && (width < 0 || w < width)) {
    size_t k = utf8_seq(p, strlen((const char *)p));
    if (k > 1) fwrite(p, 1, k, f);
    else fputc(*p < 0x20 || *p == 0x7f || k == 0 ? ' ' : *p, f);
    p += k ? k : 1;
    w++;
  }
  for (; w < width; w++) fputc(' ', f);
}

void sdo_finish(DetectOut *o) {
  if (o->format != DF_TABLE) return;
  static const char *ls[] = {"critical", "high", "medium", "low", "informational", "(annet)"};
  size_t per[6] = {0};
  qsort(o->hits, o->nhits, sizeof *o->hits, hit_cmp);
  cell(o->f, "Treff", 9); cell(o->f, "Nivå", 14); cell(o->f, "Regel", 61); fputs("Forfatter\n", o->f);
  for (size_t i = 0; i < o->nhits; i++) {
    const SigmaRuleInfo *r = o->hits[i].rule;
    char n[32];
    per[level_rank(r->level)] += o->hits[i].n;
    snprintf(n, sizeof n, "%zu", o->hits[i].n);
    cell(o->f, n, 9);
    cell(o->f, r->level[0] ? r->level : "-", 14);
    cell(o->f, r->title, 60);
    fputc(' ', o->f);
    cell(o->f, r->author, -1);
    fputc('\n', o->f);
  }
  fprintf(o->f, "\nVarsler per nivå:");
  for (int i = 0; i < 6; i++)
    if (per[i]) fprintf(o->f, " %s %zu", ls[i], per[i]);
  fprintf(o->f, "\nTotalt %zu varsler fra %zu regler i %llu hendelser.\n", o->alerts, o->nhits,
          (unsigned long long)o->events);
}
