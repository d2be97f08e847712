/* detect_cmd.c — `varde detect`: load Sigma rules, read logs (files, folders,
 * standard input) with one worker per core, merge the workers' matches in
 * input order, run correlations and write alerts. Exit 0 no alerts, 1 alerts,
 * 2 error. */
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "sigma/detect.h"
#include "sigma/input/input.h"

#define MAX_RULE_PATHS 64
#define MATCH_CAP 4096

static const char usage[] =
  "Bruk: varde detect [VALG] -r REGLER... INNDATA...\n"
  "Kjører Sigma-regler mot logger: EVTX, JSON-linjer, Microsoft 365-revisjonslogg\n"
  "(JSON og CSV), syslog (RFC 5424/3164), også gzip-komprimert. INNDATA er filer,\n"
  "mapper (rekursivt) eller «-» for standard inn.\n\n"
  "Valg:\n"
  "  -r, --rules STI          regelfil eller mappe med .yml-regler (kan gjentas)\n"
  "  -f, --format FORMAT      jsonl (standard), csv eller table (sammendrag)\n"
  "  -o, --output FIL         skriv varsler til FIL i stedet for standard ut\n"
  "  -j, --jobs N             antall arbeidstråder (standard: antall kjerner)\n"
  "      --placeholders FIL   verdier for %plassholdere% (|expand), YAML: navn: [verdier]\n"
  "      --list-unsupported   list regler som ikke kan lastes, med fil, linje og grunn\n"
  "      --engine MOTOR       fast (standard) eller reference (langsom kontrollmotor)\n"
  "      --stats              skriv hendelser/s, MB/s og minnebruk til standard feil\n"
  "  -q, --quiet              ikke skriv advarsler om ugyldige regler\n"
  "  -h, --help               vis denne hjelpen\n\n"
  "Varsler i JSON-linjer har rule_id, title, level, status, author, tags, time,\n"
  "source, record og hele hendelsen; korrelasjonsvarsler lister hendelsene sine.\n\n"
  "Avslutningskoder: 0 ingen varsler, 1 varsler funnet, 2 feil.\n";

typedef struct Hit {
  SigmaEvent ev;
  uint32_t *rules;
  uint32_t n;
} Hit;

typedef struct UnitRes {
  Hit *hits;
  size_t n, cap;
  int done, failed;
  uint64_t events, bytes;
} UnitRes;

typedef struct Run {
  SigmaEngine *e;
  SigmaUnitList units;
  UnitRes *res;
  atomic_size_t next;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int quiet;
} Run;

typedef struct Diag {
  int quiet, list;
  size_t count;
} Diag;

static void on_diag(void *ctx, const char *file, int line, const char *title, const char *reason) {
  Diag *d = ctx;
  d->count++;
  if (d->list) printf("%s:%d: %s: %s\n", file, line, title ? title : "-", reason);
  else if (!d->quiet) fprintf(stderr, "varde detect: hopper over regel %s:%d (%s): %s\n", file, line,
                              title ? title : "-", reason);
}

static int ev_copy(SigmaEvent *dst, const SigmaEvent *src) {
  sev_init(dst);
  for (uint32_t i = 0; i < src->n; i++) {
    const SigmaField *f = &src->f[i];
    if (sev_add(dst, sev_name(src, f), f->name_len, sev_val(src, f), f->val_len, f->kind)) return -1;
  }
  dst->format = src->format;
  dst->record = src->record;
  dst->time_ms = src->time_ms;
  dst->source = strdup(src->source ? src->source : "");
  return dst->source ? 0 : -1;
}

static int keep_hit(UnitRes *r, const SigmaEvent *ev, const uint32_t *rules, size_t n) {
  if (r->n == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 16;
    Hit *nh = realloc(r->hits, cap * sizeof *nh);
    if (!nh) return -1;
    r->hits = nh;
    r->cap = cap;
  }
  Hit *h = &r->hits[r->n];
  h->rules = malloc(n * sizeof *h->rules);
  if (!h->rules || ev_copy(&h->ev, ev)) { free(h->rules); return -1; }
  memcpy(h->rules, rules, n * sizeof *rules);
  h->n = (uint32_t)n;
  r->n++;
  return 0;
}

static void in_warn(void *ctx, const char *file, uint64_t off, const char *reason) {
  Run *run = ctx;
  if (!run->quiet) fprintf(stderr, "varde detect: %s (posisjon %llu): %s\n", file, (unsigned long long)off, reason);
}

static void run_unit(Run *run, SigmaMatcher *m, size_t i, uint32_t *buf) {
  UnitRes *r = &run->res[i];
  SigmaInputOpts o = {.warn = in_warn, .warn_ctx = run};
  Err err = {0};
  SigmaEvent ev;
  sev_init(&ev);
  SigmaInput *in = sigma_input_open_unit(&run->units.u[i], &o, &err);
  if (!in) {
    fprintf(stderr, "varde detect: %s\n", err.msg);
    r->failed = 1;
  }
  int rc;
  while (in && (rc = sigma_input_next(in, &ev, &err)) == 1) {
    r->events++;
    size_t n = sigma_match(m, &ev, buf, MATCH_CAP);
    if (n && keep_hit(r, &ev, buf, n)) { r->failed = 1; break; }
  }
  if (in && rc < 0) { fprintf(stderr, "varde detect: %s\n", err.msg); r->failed = 1; }
  if (in) { r->bytes = sigma_input_stats(in)->bytes; sigma_input_close(in); }
  sev_free(&ev);
}

static void *worker(void *arg) {
  Run *run = arg;
  SigmaMatcher *m = sigma_matcher_new(run->e);
  uint32_t *buf = malloc(MATCH_CAP * sizeof *buf);
  for (;;) {
    size_t i = atomic_fetch_add(&run->next, 1);
    if (i >= run->units.n) break;
    if (m && buf) run_unit(run, m, i, buf); else run->res[i].failed = 1;
    pthread_mutex_lock(&run->mu);
    run->res[i].done = 1;
    pthread_cond_broadcast(&run->cv);
    pthread_mutex_unlock(&run->mu);
  }
  free(buf);
  sigma_matcher_free(m);
  return NULL;
}

/* Posts each finished unit's matches, in unit order, to the session. */
static int merge(Run *run, SigmaSession *s, uint64_t *events, uint64_t *bytes) {
  int failed = 0;
  for (size_t i = 0; i < run->units.n; i++) {
    pthread_mutex_lock(&run->mu);
    while (!run->res[i].done) pthread_cond_wait(&run->cv, &run->mu);
    pthread_mutex_unlock(&run->mu);
    UnitRes *r = &run->res[i];
    for (size_t k = 0; k < r->n; k++) {
      sigma_session_post(s, &r->hits[k].ev, r->hits[k].rules, r->hits[k].n);
      free((char *)r->hits[k].ev.source);
      sev_free(&r->hits[k].ev);
      free(r->hits[k].rules);
    }
    free(r->hits);
    *events += r->events;
    *bytes += r->bytes;
    failed |= r->failed;
  }
  return failed;
}

typedef struct Opts {
  const char *rules[MAX_RULE_PATHS];
  int nrules, format, jobs, list, engine, stats, quiet;
  const char *out, *placeholders;
  double cpu0, startup;   /* CPU seconds used and wall time before detection */
} Opts;

static int parse_opts(int argc, char **argv, Opts *o) {
  enum { O_PH = 256, O_LIST, O_ENGINE, O_STATS };
  static const struct option lo[] = {
    {"rules", 1, 0, 'r'}, {"format", 1, 0, 'f'}, {"output", 1, 0, 'o'}, {"jobs", 1, 0, 'j'},
    {"placeholders", 1, 0, O_PH}, {"list-unsupported", 0, 0, O_LIST}, {"engine", 1, 0, O_ENGINE},
    {"stats", 0, 0, O_STATS}, {"quiet", 0, 0, 'q'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
  long nc = sysconf(_SC_NPROCESSORS_ONLN);
  o->jobs = nc > 0 && nc < 64 ? (int)nc : 1;
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "r:f:o:j:qh", lo, NULL)) != -1) {
    switch (c) {
    case 'r':
      if (o->nrules >= MAX_RULE_PATHS) { fprintf(stderr, "varde detect: for mange -r\n"); return 2; }
      o->rules[o->nrules++] = optarg;
      break;
    case 'f':
      if (!strcmp(optarg, "jsonl")) o->format = DF_JSONL;
      else if (!strcmp(optarg, "csv")) o->format = DF_CSV;
      else if (!strcmp(optarg, "table")) o->format = DF_TABLE;
      else { fprintf(stderr, "varde detect: ukjent format «%s»\n", optarg); return 2; }
      break;
    case 'o': o->out = optarg; break;
    case 'j':
      o->jobs = atoi(optarg);
      if (o->jobs < 1 || o->jobs > 256) { fprintf(stderr, "varde detect: ugyldig --jobs\n"); return 2; }
      break;
    case O_PH: o->placeholders = optarg; break;
    case O_LIST: o->list = 1; break;
    case O_ENGINE:
      if (!strcmp(optarg, "fast")) o->engine = SIGMA_FAST;
      else if (!strcmp(optarg, "reference")) o->engine = SIGMA_REFERENCE;
      else { fprintf(stderr, "varde detect: ukjent motor «%s»\n", optarg); return 2; }
      break;
    case O_STATS: o->stats = 1; break;
    case 'q': o->quiet = 1; break;
    case 'h': fputs(usage, stdout); return 0;
    default: fputs(usage, stderr); return 2;
    }
  }
  if (!o->nrules) { fprintf(stderr, "varde detect: mangler -r REGLER\n%s", usage); return 2; }
  return -1;
}

static SigmaEngine *load_rules(const Opts *o, Diag *d) {
  SigmaEngine *e = sigma_engine_new();
  Err err = {0};
  if (!e) return NULL;
  if (o->placeholders && sigma_load_placeholders(e, o->placeholders, &err)) {
    fprintf(stderr, "varde detect: %s\n", err.msg);
    sigma_engine_free(e);
    return NULL;
  }
  for (int i = 0; i < o->nrules; i++)
    if (sigma_load_path(e, o->rules[i], on_diag, d) < 0) {
      fprintf(stderr, "varde detect: kan ikke lese regler fra %s\n", o->rules[i]);
      sigma_engine_free(e);
      return NULL;
    }
  if (sigma_compile(e, o->engine, on_diag, d, &err)) {
    fprintf(stderr, "varde detect: %s\n", err.msg);
    sigma_engine_free(e);
    return NULL;
  }
  return e;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_now(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int detect(const Opts *o, SigmaEngine *e, char **paths, int npaths, DetectOut *out) {
  Run run = {.e = e, .quiet = o->quiet};
  Err err = {0};
  const char *dash[] = {"-"};
  if (sigma_input_plan(npaths ? (const char *const *)paths : dash, npaths ? (size_t)npaths : 1, 64,
                       &run.units, &err)) {
    fprintf(stderr, "varde detect: %s\n", err.msg);
    return 2;
  }
  run.res = calloc(run.units.n + 1, sizeof *run.res);
  SigmaSession *s = sigma_session_new(e, sdo_alert, out);
  pthread_t th[256];
  int nth = 0;
  double t0 = now_s();
  pthread_mutex_init(&run.mu, NULL);
  pthread_cond_init(&run.cv, NULL);
  for (int i = 0; run.res && s && i < o->jobs && (size_t)i < run.units.n; i++)
    if (pthread_create(&th[nth], NULL, worker, &run) == 0) nth++;
  uint64_t events = 0, bytes = 0;
  int failed = nth ? merge(&run, s, &events, &bytes) : run.units.n > 0;
  for (int i = 0; i < nth; i++) pthread_join(th[i], NULL);
  double dt = now_s() - t0;
  if (o->stats) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    /* per core = per CPU-second of the detection phase, robust on a busy machine */
    double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
                 ru.ru_stime.tv_usec / 1e6 - o->cpu0;
    if (cpu <= 0) cpu = 1e-6;
    fprintf(stderr, "stats: events=%llu bytes=%llu seconds=%.3f cpu_seconds=%.3f jobs=%d "
            "events_per_s=%.0f events_per_cpu_s=%.0f mb_per_s=%.1f mb_per_cpu_s=%.1f "
            "peak_rss_mb=%.1f rules=%zu startup_s=%.3f\n",
            (unsigned long long)events, (unsigned long long)bytes, dt, cpu, nth ? nth : 1,
            events / (dt > 0 ? dt : 1), events / cpu, bytes / 1e6 / (dt > 0 ? dt : 1), bytes / 1e6 / cpu,
            ru.ru_maxrss / 1024.0, sigma_rule_count(e), o->startup);
  }
  sigma_session_free(s);
  pthread_mutex_destroy(&run.mu);
  pthread_cond_destroy(&run.cv);
  free(run.res);
  sigma_units_free(&run.units);
  return failed ? 2 : 0;
}

int cmd_detect(int argc, char **argv) {
  Opts o = {0};
  int rc = parse_opts(argc, argv, &o);
  if (rc >= 0) return rc;
  Diag d = {.quiet = o.quiet, .list = o.list};
  double t_start = now_s();
  if (o.list) o.engine = SIGMA_REFERENCE;   /* no matcher needed to list */
  SigmaEngine *e = load_rules(&o, &d);
  if (!e) return 2;
  if (o.list) {
    fprintf(stderr, "%zu regler lastet, %zu kan ikke brukes\n", sigma_rule_count(e), d.count);
    sigma_engine_free(e);
    return d.count ? 1 : 0;
  }
  if (d.count && !o.quiet) fprintf(stderr, "varde detect: %zu regler hoppet over\n", d.count);
  DetectOut out = {.f = stdout, .format = o.format};
  if (o.out && !(out.f = fopen(o.out, "w"))) {
    fprintf(stderr, "varde detect: kan ikke skrive %s\n", o.out);
    sigma_engine_free(e);
    return 2;
  }
  buf_init(&out.b, BUF_DEFAULT_MAX);
  o.cpu0 = cpu_now();
  o.startup = now_s() - t_start;
  sdo_header(&out);
  rc = detect(&o, e, argv + optind, argc - optind, &out);
  sdo_finish(&out);
  if (out.f != stdout) fclose(out.f); else fflush(stdout);
  buf_free(&out.b);
  free(out.hits);
  sigma_engine_free(e);
  return rc ? rc : out.alerts ? 1 : 0;
}
