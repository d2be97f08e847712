/* input.c — the public Sigma input API: expands paths into ordered work
 * units (folders recursively, big EVTX files by chunk range), opens each
 * unit with the reader its content calls for, and hands out events. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sigma/input/sin.h"

#define EVTX_CHUNK 65536
#define EVTX_HEADER 4096

struct SigmaInput {
  SigmaUnitList units;
  size_t cur;
  SinSrc src;
  int src_open;
  SinFile *file;
  SigmaInputOpts opts;
  SigmaInputStats stats;
  const void *mem;
  size_t mem_n;
  char *mem_name;
  SinCache cache;            /* EVTX buffers reused from file to file */
  int unit_mode;             /* sigma_input_open_unit: an unreadable unit is an error */
};

const char *sigma_format_name(SigmaFormat f) {
  switch (f) {
  case SFMT_EVTX: return "evtx";
  case SFMT_JSON: return "json";
  case SFMT_M365: return "m365";
  case SFMT_SYSLOG: return "syslog";
  default: return "unknown";
  }
}

const char *sigma_input_where(char *buf, size_t cap, SigmaPosKind kind, uint64_t pos) {
  if (!cap) return buf;
  if (kind == SPOS_LINE) snprintf(buf, cap, ", linje %llu", (unsigned long long)pos);
  else if (kind == SPOS_BYTE) snprintf(buf, cap, ", byte %llu", (unsigned long long)pos);
  else buf[0] = '\0';
  return buf;
}

static void report(const SigmaInputOpts *o, SigmaInputStats *st, const char *name, SigmaPosKind kind,
                   uint64_t pos, const char *msg) {
  st->errors++;
  if (o->warn) {
    o->warn(o->warn_ctx, name, kind, pos, msg);
  } else {
    char where[48];
    fprintf(stderr, "varde: %s%s: %s\n", name, sigma_input_where(where, sizeof where, kind, pos), msg);
  }
}

void sin_warn(SinFile *f, uint64_t pos, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  report(f->opts, f->stats, f->name, f->pos_kind, pos, msg);
}

/* --- planning ----------------------------------------------------------- */

static int add_unit(SigmaUnitList *l, const char *path, uint32_t first, uint32_t count) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    SigmaUnit *u = realloc(l->u, cap * sizeof *u);
    if (!u) return -1;
    l->u = u;
    l->cap = cap;
  }
  char *p = strdup(path);
  if (!p) return -1;
  l->u[l->n++] = (SigmaUnit){p, first, count, NULL, 0};
  return 0;
}

/* A path that cannot be read: a unit that carries the reason. */
static int add_failed(SigmaUnitList *l, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int add_failed(SigmaUnitList *l, const char *path, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (add_unit(l, path, 0, 0)) return -1;
  if (!(l->u[l->n - 1].error = strdup(msg))) return -1;
  l->skipped++;
  return 0;
}

/* Whole file, or ranges of split chunks for a big uncompressed EVTX file. */
static int plan_file(SigmaUnitList *l, const char *path, off_t size, uint32_t split) {
  if (split && size > EVTX_HEADER + (off_t)split * EVTX_CHUNK) {
    char magic[8] = {0};
    FILE *fp = fopen(path, "rb");
    int evtx = fp && fread(magic, 1, 8, fp) == 8 && memcmp(magic, "ElfFile", 8) == 0;
    if (fp) fclose(fp);
    if (evtx) {
      uint64_t chunks = (uint64_t)(size - EVTX_HEADER + EVTX_CHUNK - 1) / EVTX_CHUNK;
      for (uint64_t c = 0; c < chunks; c += split) {
        uint32_t n = (uint32_t)(chunks - c < split ? chunks - c : split);
        if (add_unit(l, path, (uint32_t)c, n)) return -1;
      }
      return 0;
    }
  }
  return add_unit(l, path, 0, 0);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

#define PLAN_DEPTH 64

/* The folders being expanded, outermost first, to see symbolic link loops. */
typedef struct Plan {
  SigmaUnitList *l;
  uint32_t split;
  dev_t dev[PLAN_DEPTH + 2];
  ino_t ino[PLAN_DEPTH + 2];
} Plan;

static int plan_path(Plan *pl, const char *path, int depth);

/* Returns 0, or -1 when out of memory. */
static int plan_dir(Plan *pl, const char *path, int depth) {
  DIR *d = opendir(path);
  if (!d)
    return add_failed(pl->l, path, "mappen kan ikke leses (%s); den er hoppet over, sjekk tilgangen",
                      strerror(errno));
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.') continue;           /* ., .., hidden files */
    if (n == cap) {
      cap = cap ? cap * 2 : 32;
      char **nn = realloc(names, cap * sizeof *nn);
      if (!nn) { rc = -1; break; }
      names = nn;
    }
    size_t len = strlen(path) + strlen(de->d_name) + 2;
    if (!(names[n] = malloc(len))) { rc = -1; break; }
    size_t pl_len = strlen(path);
    snprintf(names[n++], len, "%s%s%s", path, pl_len && path[pl_len - 1] == '/' ? "" : "/", de->d_name);
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, cmp_str);
  for (size_t i = 0; i < n; i++) {
    if (!rc) rc = plan_path(pl, names[i], depth + 1);
    free(names[i]);
  }
  free(names);
  return rc;
}

static int plan_path(Plan *pl, const char *path, int depth) {
  SigmaUnitList *l = pl->l;
  if (strcmp(path, "-") == 0) return add_unit(l, path, 0, 0);
  struct stat st;
  if (stat(path, &st)) {
    if (errno == ELOOP)
      return add_failed(l, path, "symbolsk lenke i løkke (%s); hoppet over", strerror(errno));
    return add_failed(l, path, "kan ikke leses (%s); hoppet over", strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    for (int i = 0; i < depth; i++)
      if (pl->dev[i] == st.st_dev && pl->ino[i] == st.st_ino)
        return add_failed(l, path, "symbolsk lenke i løkke: mappen er allerede under lesing; hoppet over");
    if (depth > PLAN_DEPTH)
      return add_failed(l, path, "mappene ligger dypere enn %d nivåer; hoppet over", PLAN_DEPTH);
    pl->dev[depth] = st.st_dev;
    pl->ino[depth] = st.st_ino;
    size_t before = l->n;
    if (plan_dir(pl, path, depth)) return -1;
    if (depth == 0 && l->n == before)
      return add_failed(l, path, "ingen loggfiler funnet i mappen (skjulte filer leses ikke)");
    return 0;
  }
  if (!S_ISREG(st.st_mode) && depth > 0) return 0;   /* sockets etc. inside folders */
  size_t before = l->n;
  if (plan_file(l, path, st.st_size, pl->split)) return -1;
  for (size_t i = before; i < l->n; i++) l->u[i].in_dir = depth > 0;
  return 0;
}

int sigma_input_plan(const char *const *paths, size_t npaths, uint32_t split_chunks,
                     SigmaUnitList *out, Err *err) {
  memset(out, 0, sizeof *out);
  Plan pl = {.l = out, .split = split_chunks};
  for (size_t i = 0; i < npaths; i++) {
    if (plan_path(&pl, paths[i], 0)) {
      sigma_units_free(out);
      return err_set(err, VERR_NOMEM, "tomt for minne");
    }
  }
  return 0;
}

void sigma_units_free(SigmaUnitList *l) {
  for (size_t i = 0; i < l->n; i++) {
    free(l->u[i].path);
    free(l->u[i].error);
  }
  free(l->u);
  memset(l, 0, sizeof *l);
}

/* --- reading ------------------------------------------------------------ */

static SigmaInput *input_new(const SigmaInputOpts *o) {
  SigmaInput *in = calloc(1, sizeof *in);
  if (!in) return NULL;
  if (o) in->opts = *o;
  if (!in->opts.max_record) in->opts.max_record = SIN_MAX_RECORD;
  return in;
}

SigmaInput *sigma_input_open(const char *path, const SigmaInputOpts *o, Err *err) {
  SigmaInput *in = input_new(o);
  if (!in) { err_set(err, VERR_NOMEM, "tomt for minne"); return NULL; }
  if (sigma_input_plan(&path, 1, 0, &in->units, err)) { free(in); return NULL; }
  return in;
}

SigmaInput *sigma_input_open_unit(const SigmaUnit *u, const SigmaInputOpts *o, Err *err) {
  SigmaInput *in = input_new(o);
  if (!in || add_unit(&in->units, u->path, u->chunk_first, u->chunk_count) ||
      (u->error && !(in->units.u[0].error = strdup(u->error)))) {
    if (in) sigma_units_free(&in->units);
    free(in);
    err_set(err, VERR_NOMEM, "tomt for minne");
    return NULL;
  }
  in->units.u[0].in_dir = u->in_dir;
  in->unit_mode = 1;
  return in;
}

SigmaInput *sigma_input_open_mem(const char *name, const void *data, size_t n,
                                 const SigmaInputOpts *o, Err *err) {
  SigmaInput *in = input_new(o);
  if (in) in->mem_name = strdup(name ? name : "(minne)");
  if (!in || !in->mem_name || add_unit(&in->units, in->mem_name, 0, 0)) {
    if (in) free(in->mem_name);
    free(in);
    err_set(err, VERR_NOMEM, "tomt for minne");
    return NULL;
  }
  in->mem = data;
  in->mem_n = n;
  return in;
}

static void close_file(SigmaInput *in) {
  if (in->file) in->file->free(in->file);
  in->file = NULL;
  if (in->src_open) sin_src_close(&in->src);
  in->src_open = 0;
}

static SinFile *make_reader(SigmaInput *in, SigmaFormat f, const SigmaUnit *u, Err *err) {
  switch (f) {
  case SFMT_EVTX: return sin_evtx_open(u->chunk_first, u->chunk_count, &in->cache, err);
  case SFMT_JSON: return sin_json_open(err);
  case SFMT_M365: return sin_m365csv_open(err);
  case SFMT_SYSLOG: return sin_syslog_open(err);
  default:
    err_set(err, VERR_INVALID, "ukjent loggformat (ikke EVTX, JSON, Microsoft 365-CSV eller syslog); "
            "filen er hoppet over");
    return NULL;
  }
}

/* Gzip damage or truncation seen by the source, once per file. */
static void report_damage(SigmaInput *in, const char *name) {
  if (!in->src_open || !in->src.damage[0]) return;
  report(&in->opts, &in->stats, name, SPOS_NONE, 0, in->src.damage);
  in->src.damage[0] = '\0';
}

/* Opens unit u. Returns 0, or -1 with err set (the file is skipped). */
static int open_unit(SigmaInput *in, const SigmaUnit *u, Err *err) {
  if (in->mem) sin_src_open_mem(&in->src, in->mem, in->mem_n);
  else if (sin_src_open_path(&in->src, u->path, err)) return -1;
  in->src_open = 1;
  SigmaFormat f = in->opts.format;
  if (f == SFMT_UNKNOWN) f = sin_detect(in->src.head, in->src.head_n);
  if (f == SFMT_UNKNOWN && in->src.head_n == 0) {   /* empty file: no events, no error */
    report_damage(in, u->path);                     /* unless gzip cut it short */
    return 0;
  }
  if (f == SFMT_UNKNOWN && u->in_dir) {   /* a README beside the logs */
    report(&in->opts, &in->stats, u->path, SPOS_NONE, 0,
           "ikke en loggfil (ukjent format); filen i mappen er hoppet over");
    return 0;
  }
  if (!(in->file = make_reader(in, f, u, err))) return -1;
  in->file->src = &in->src;
  in->file->name = u->path;
  in->file->opts = &in->opts;
  in->file->stats = &in->stats;
  in->file->pos_kind = f == SFMT_EVTX ? SPOS_BYTE : SPOS_LINE;
  in->stats.files++;
  return 0;
}

/* An input that cannot be read: reported through warn and skipped, or, for
 * a unit reader, returned as the error. Returns 1 when the caller is to
 * return -1. */
static int unreadable(SigmaInput *in, const char *path, const char *why, Err *err) {
  in->stats.unreadable++;
  if (in->unit_mode) {
    in->stats.errors++;
    err_set(err, VERR_IO, "%s: %s", path, why);
    return 1;
  }
  report(&in->opts, &in->stats, path, SPOS_NONE, 0, why);
  return 0;
}

int sigma_input_next(SigmaInput *in, SigmaEvent *ev, Err *err) {
  Err e0;
  if (!err) err = &e0;
  for (;;) {
    if (!in->src_open) {
      if (in->cur >= in->units.n) return 0;
      const SigmaUnit *u = &in->units.u[in->cur++];
      Err e = {0};
      if (u->error) {
        err_set(&e, VERR_IO, "%s", u->error);
      } else if (open_unit(in, u, &e) == 0) {
        continue;
      }
      if (e.code == VERR_NOMEM) return err_set(err, e.code, "%s", e.msg);
      report_damage(in, u->path);
      close_file(in);
      if (unreadable(in, u->path, e.msg, err)) return -1;
      continue;
    }
    const char *name = in->units.u[in->cur - 1].path;
    int r = 0;
    if (in->file) {
      err->code = 0;
      r = in->file->next(in->file, ev, err);
    }
    if (r == 1) { in->stats.events++; return 1; }
    if (r < 0 && err->code == VERR_NOMEM) return r;
    report_damage(in, name);
    in->stats.bytes += in->src.pos - in->src.skipped;
    close_file(in);
    if (r < 0) {
      char why[sizeof err->msg];
      snprintf(why, sizeof why, "%s", err->code ? err->msg : "lesefeil");
      if (unreadable(in, name, why, err)) return -1;
    }
  }
}

SigmaFormat sigma_input_format(const SigmaInput *in) {
  return in->file ? in->file->format : SFMT_UNKNOWN;
}

const SigmaInputStats *sigma_input_stats(const SigmaInput *in) { return &in->stats; }

void sigma_input_close(SigmaInput *in) {
  if (!in) return;
  close_file(in);
  sin_cache_free(&in->cache);
  sigma_units_free(&in->units);
  free(in->mem_name);
  free(in);
}
