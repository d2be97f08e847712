/* sigma_input_dump.c — test and benchmark tool for the Sigma input readers:
 * reads paths (files, folders, "-") and prints each event as one JSON line
 * (--dump), or only counts (default) with events/s and MB/s. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sigma/input/input.h"

static void json_str(FILE *o, const char *s, size_t n) {
  fputc('"', o);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') fprintf(o, "\\%c", c);
    else if (c < 0x20) fprintf(o, "\\u%04x", c);
    else fputc(c, o);
  }
  fputc('"', o);
}

static void dump(FILE *o, const SigmaEvent *ev) {
  fprintf(o, "{\"_source\":");
  json_str(o, ev->source, strlen(ev->source));
  fprintf(o, ",\"_record\":%llu,\"_time_ms\":%lld", (unsigned long long)ev->record, (long long)ev->time_ms);
  for (uint32_t i = 0; i < ev->n; i++) {
    const SigmaField *f = &ev->f[i];
    fputc(',', o);
    json_str(o, sev_name(ev, f), f->name_len);
    fputc(':', o);
    json_str(o, sev_val(ev, f), f->val_len);
  }
  fputs("}\n", o);
}

static int quiet;
static void on_warn(void *ctx, const char *file, SigmaPosKind kind, uint64_t pos, const char *reason) {
  char where[48];
  (void)ctx;
  if (!quiet) fprintf(stderr, "warn: %s%s: %s\n", file, sigma_input_where(where, sizeof where, kind, pos), reason);
}

int main(int argc, char **argv) {
  int dump_on = 0, i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    if (strcmp(argv[i], "--dump") == 0) dump_on = 1;
    else if (strcmp(argv[i], "--quiet") == 0) quiet = 1;
    else { fprintf(stderr, "usage: sigma_input_dump [--dump] [--quiet] PATH...\n"); return 2; }
  }
  SigmaInputOpts opts = {.warn = on_warn};
  SigmaEvent ev;
  sev_init(&ev);
  unsigned long long events = 0, errors = 0, bytes = 0, files = 0, fields = 0;
  struct timespec t0, t1, c0, c1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
  for (; i < argc; i++) {
    Err err = {0};
    SigmaInput *in = sigma_input_open(argv[i], &opts, &err);
    if (!in) { fprintf(stderr, "%s\n", err.msg); return 2; }
    int r;
    while ((r = sigma_input_next(in, &ev, &err)) == 1) {
      events++;
      fields += ev.n;
      if (dump_on) dump(stdout, &ev);
    }
    if (r < 0) { fprintf(stderr, "%s\n", err.msg); return 2; }
    const SigmaInputStats *st = sigma_input_stats(in);
    errors += st->errors;
    bytes += st->bytes;
    files += st->files;
    sigma_input_close(in);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
  double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  double cpu = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
  /* per CPU-second: the machine may be shared, wall time is printed too */
  fprintf(stderr, "files %llu events %llu fields %llu errors %llu bytes %llu wall %.3f s cpu %.3f s: "
          "%.0f events/s %.1f MB/s per core\n",
          files, events, fields, errors, bytes, s, cpu, events / cpu, bytes / cpu / 1e6);
  sev_free(&ev);
  return 0;
}
