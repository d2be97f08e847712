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

void sin_warn(SinFile *f, uint64_t off, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  f->stats->errors++;
  if (f->opts->warn) f->opts->warn(f->opts->warn_ctx, f->name, off, msg);
  else fprintf(stderr, "varde: %s: %llu: %s\n", f->name, (unsigned long long)off, msg);
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
  l->u[l->n++] = (SigmaUnit){p, first, count};
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

static int plan_path(SigmaUnitList *l, const char *path, uint32_t split, int depth, Err *err);

static int plan_dir(SigmaUnitList *l, const char *path, uint32_t split, int depth, Err *err) {
  DIR *d = opendir(path);
  if (!d) return err_set(err, VERR_IO, "%s: %s", path, strerror(errno));
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.') continue;           /* ., .., hidden files */
    if (n == cap) {
      cap = cap ? cap * 2 : 32;
      char **nn = realloc(names, cap * sizeof *nn);
      if (!nn) { rc = err_set(err, VERR_NOMEM, "out of memory"); break; }
      names = nn;
    }
    size_t len = strlen(path) + strlen(de->d_name) + 2;
    if (!(names[n] = malloc(len))) {
      rc = err_set(err, VERR_NOMEM, "out of memory");
      break;
    }
    snprintf(names[n++], len, "%s/%s", path, de->d_name);
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, cmp_str);
  for (size_t i = 0; i < n; i++) {
    if (!rc) rc = plan_path(l, names[i], split, depth + 1, err);
    free(names[i]);
  }
  free(names);
  return rc;
}

static int plan_path(SigmaUnitList *l, const char *path, uint32_t split, int depth, Err *err) {
  if (strcmp(path, "-") == 0) return add_unit(l, path, 0, 0) ? err_set(err, VERR_NOMEM, "out of memory") : 0;
  struct stat st;
  if (stat(path, &st)) return err_set(err, VERR_IO, "%s: %s", path, strerror(errno));
  if (S_ISDIR(st.st_mode)) {
    if (depth > 64) return err_set(err, VERR_INVALID, "%s: folders nested too deep", path);
    return plan_dir(l, path, split, depth, err);
  }
  if (!S_ISREG(st.st_mode) && depth > 0) return 0;   /* sockets etc. inside folders */
  if (plan_file(l, path, st.st_size, split)) return err_set(err, VERR_NOMEM, "out of memory");
  return 0;
}

int sigma_input_plan(const char *const *paths, size_t npaths, uint32_t split_chunks,
                     SigmaUnitList *out, Err *err) {
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < npaths; i++) {
    if (plan_path(out, paths[i], split_chunks, 0, err)) {
      sigma_units_free(out);
      return -1;
    }
  }
  return 0;
}

void sigma_units_free(SigmaUnitList *l) {
  for (size_t i = 0; i < l->n; i++) free(l->u[i].path);
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
  if (!in) { err_set(err, VERR_NOMEM, "out of memory"); return NULL; }
  if (sigma_input_plan(&path, 1, 0, &in->units, err)) { free(in); return NULL; }
  return in;
}

SigmaInput *sigma_input_open_unit(const SigmaUnit *u, const SigmaInputOpts *o, Err *err) {
  SigmaInput *in = input_new(o);
  if (!in || add_unit(&in->units, u->path, u->chunk_first, u->chunk_count)) {
    if (in) free(in);
    err_set(err, VERR_NOMEM, "out of memory");
    return NULL;
  }
  return in;
}

SigmaInput *sigma_input_open_mem(const char *name, const void *data, size_t n,
                                 const SigmaInputOpts *o, Err *err) {
  SigmaInput *in = input_new(o);
  if (in) in->mem_name = strdup(name ? name : "(memory)");
  if (!in || !in->mem_name || add_unit(&in->units, in->mem_name, 0, 0)) {
    if (in) free(in->mem_name);
    free(in);
    err_set(err, VERR_NOMEM, "out of memory");
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
  default: err_set(err, VERR_INVALID, "unknown log format"); return NULL;
  }
}

/* Opens unit in->cur. Returns 0, or -1 with err set (the file is skipped). */
static int open_unit(SigmaInput *in, Err *err) {
  const SigmaUnit *u = &in->units.u[in->cur];
  if (in->mem) sin_src_open_mem(&in->src, in->mem, in->mem_n);
  else if (sin_src_open_path(&in->src, u->path, err)) return -1;
  in->src_open = 1;
  SigmaFormat f = in->opts.format;
  if (f == SFMT_UNKNOWN) f = sin_detect(in->src.head, in->src.head_n);
  if (f == SFMT_UNKNOWN && in->src.head_n == 0) return 0;      /* empty file */
  if (!(in->file = make_reader(in, f, u, err))) return -1;
  in->file->src = &in->src;
  in->file->name = u->path;
  in->file->opts = &in->opts;
  in->file->stats = &in->stats;
  in->stats.files++;
  return 0;
}

int sigma_input_next(SigmaInput *in, SigmaEvent *ev, Err *err) {
  for (;;) {
    if (!in->src_open) {
      if (in->cur >= in->units.n) return 0;
      Err e = {0};
      if (open_unit(in, &e)) {
        if (e.code == VERR_NOMEM) return err_set(err, e.code, "%s", e.msg);
        in->stats.errors++;
        if (in->opts.warn) in->opts.warn(in->opts.warn_ctx, in->units.u[in->cur].path, 0, e.msg);
        else fprintf(stderr, "varde: %s: %s\n", in->units.u[in->cur].path, e.msg);
        close_file(in);
        in->src_open = 0;
        in->cur++;
        continue;
      }
      in->cur++;
    }
    int r = in->file ? in->file->next(in->file, ev, err) : 0;
    if (r == 1) { in->stats.events++; return 1; }
    if (r < 0) {
      if (err && err->code == VERR_NOMEM) return r;
      sin_warn(in->file, in->src.pos, "%s", err ? err->msg : "read error");
    }
    in->stats.bytes += in->src.pos - in->src.skipped;
    close_file(in);
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
