/* detect_cmd.c — `varde detect`: load Sigma rules, read logs (files, folders,
 * standard input) with one worker per core, merge the workers' matches in
 * input order, run correlations and write alerts. Exit 0 no alerts, 1 alerts,
 * 2 error. */
#include <errno.h>
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
  "Bruk: varde detect [VALG] -r REGLER... [INNDATA...]\n"
  "Kjører Sigma-regler mot logger: EVTX, JSON-linjer, Microsoft 365-revisjonslogg\n"
  "(JSON og CSV), syslog (RFC 5424/3164), også gzip-komprimert eller UTF-16.\n"
  "INNDATA er filer, mapper (rekursivt) eller «-» for standard inn (standard).\n\n"
  "Valg:\n"
  "  -r, --rules STI          regelfil eller mappe med .yml/.yaml-regler (kan gjentas)\n"
  "  -f, --format FORMAT      jsonl (standard), csv eller table (sammendrag)\n"
  "  -o, --output FIL         skriv varsler til FIL i stedet for standard ut\n"
  "  -j, --jobs N             antall arbeidstråder (standard: antall kjerner)\n"
  "      --placeholders FIL   verdier for %plassholdere% (|expand), YAML: navn: [verdier]\n"
  "      --list-unsupported   list regler som ikke kan lastes, med fil, linje og grunn\n"
  "      --engine MOTOR       fast (standard) eller reference (langsom kontrollmotor)\n"
  "      --stats              skriv hendelser/s, MB/s og minnebruk til standard feil\n"
  "  -q, --quiet              ingen advarsler (regler, poster, filer) og ingen fremdrift\n"
  "  -h, --help               vis denne hjelpen\n\n"
  "Varsler i JSON-linjer har rule_id, title, level, status, author, tags, rule_file,\n"
  "time, source, record og hele hendelsen; korrelasjonsvarsler lister hendelsene\n"
  "sine. Korrelasjoner følger hendelsenes tidsstempler, uansett rekkefølge i filene.\n"
  "Kompilerte regler hurtiglagres i $VARDE_CACHE_DIR (standard ~/.cache/varde),\n"
  "høyst $VARDE_CACHE_MAX_MB MB (standard 256); de minst brukte slettes først.\n\n"
  "Avslutningskoder: 0 ingen varsler, 1 varsler funnet, 2 feil (også når noe av\n"
  "inndataene ikke kunne leses, eller varslene ikke kunne skrives).\n"
  "Mer: man varde-detect\n";

/* Matches travel from a worker to the merging thread as serialized records
 * in a per-unit byte buffer that the merger swaps out under the lock, so the
 * head unit streams while it is read and nothing is allocated per match. */
typedef struct UnitRes {
  Buf data;               /* serialized hits not yet taken by the merger */
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
  int fields;             /* hits carry the event's fields (alerts or correlations read them) */
} Run;

typedef struct Diag {
  int quiet, list;
  size_t count;
} Diag;

/* A reason "warning: ..." is about a rule that still loads (a filter whose
 * target is missing): said, but not counted as a rule skipped. */
static void on_diag(void *ctx, const char *file, int line, const char *title, const char *reason) {
  Diag *d = ctx;
  if (!strncmp(reason, "warning: ", 9)) {
    if (!d->quiet) fprintf(stderr, "varde detect: advarsel, %s:%d (%s): %s\n", file, line, title ? title : "-", reason + 9);
    return;
  }
  d->count++;
  if (d->list) printf("%s:%d: %s: %s\n", file, line, title ? title : "-", reason);
  else if (!d->quiet) fprintf(stderr, "varde detect: hopper over regel %s:%d (%s): %s\n", file, line,
                              title ? title : "-", reason);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#define FLUSH_BYTES (256u << 10)

typedef struct RecHead {
  uint32_t nrules, nfields, srclen;
  uint8_t format;
  uint64_t record;
  int64_t time_ms;
} RecHead;

/* Without fields (summary table, no correlations) a hit is its header,
 * rules and source: nothing downstream reads the event's values. */
static void put_hit(Buf *b, const SigmaEvent *ev, const uint32_t *rules, size_t n, int fields) {
  const char *src = ev->source ? ev->source : "";
  RecHead h = {.nrules = (uint32_t)n, .nfields = fields ? ev->n : 0, .srclen = (uint32_t)strlen(src),
               .format = (uint8_t)ev->format, .record = ev->record, .time_ms = ev->time_ms};
  buf_append(b, &h, sizeof h);   /* sizeof h is a multiple of 4: rules stay aligned */
  buf_append(b, rules, n * sizeof *rules);
  buf_append(b, src, h.srclen);
  for (uint32_t i = 0; i < h.nfields; i++) {
    const SigmaField *f = &ev->f[i];
    uint32_t lens[3] = {f->kind, f->name_len, f->val_len};
    buf_append(b, lens, sizeof lens);
    buf_append(b, sev_name(ev, f), f->name_len);
    buf_append(b, sev_val(ev, f), f->val_len);
  }
}

/* Reads one record at *p into ev (reused) and rules; returns the next position. */
static const char *get_hit(const char *p, SigmaEvent *ev, char *src, size_t srccap,
                           const uint32_t **rules, uint32_t *n) {
  RecHead h;
  memcpy(&h, p, sizeof h);
  p += sizeof h;
  *rules = (const uint32_t *)p;   /* Buf memory is malloc-aligned; records keep 4-byte alignment */
  *n = h.nrules;
  p += h.nrules * sizeof(uint32_t);
  size_t sl = h.srclen < srccap ? h.srclen : srccap - 1;
  memcpy(src, p, sl);
  src[sl] = 0;
  p += h.srclen;
  sev_reset(ev);
  for (uint32_t i = 0; i < h.nfields; i++) {
    uint32_t lens[3];
    memcpy(lens, p, sizeof lens);
    p += sizeof lens;
    sev_add(ev, p, lens[1], p + lens[1], lens[2], (int)lens[0]);
    p += lens[1] + lens[2];
  }
  ev->format = (SigmaFormat)h.format;
  ev->record = h.record;
  ev->time_ms = h.time_ms;
  ev->source = src;
  return p;
}

static void flush(Run *run, UnitRes *r, Buf *local, int done) {
  pthread_mutex_lock(&run->mu);
  if (local->n) buf_append(&r->data, local->p, local->n);
  if (r->data.err) r->failed = 1;
  if (done) r->done = 1;
  pthread_cond_broadcast(&run->cv);
  pthread_mutex_unlock(&run->mu);
  buf_reset(local);
}

static void in_warn(void *ctx, const char *file, SigmaPosKind kind, uint64_t pos, const char *reason) {
  Run *run = ctx;
  char where[48];
  if (!run->quiet)
    fprintf(stderr, "varde detect: %s%s: %s\n", file, sigma_input_where(where, sizeof where, kind, pos), reason);
}

static void run_unit(Run *run, SigmaMatcher *m, size_t i, uint32_t *buf, Buf *local) {
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
  int rc = 0;
  while (in && (rc = sigma_input_next(in, &ev, &err)) == 1) {
    r->events++;
    size_t n = sigma_match(m, &ev, buf, MATCH_CAP);
    if (!n) continue;
    put_hit(local, &ev, buf, n, run->fields);
    if ((local->n % 4) != 0) buf_append(local, "\0\0\0", 4 - local->n % 4);
    if (local->n >= FLUSH_BYTES) flush(run, r, local, 0);
  }
  if (in && rc < 0) { fprintf(stderr, "varde detect: %s\n", err.msg); r->failed = 1; }
  if (in) { r->bytes = sigma_input_stats(in)->bytes; sigma_input_close(in); }
  if (local->err) r->failed = 1;
  sev_free(&ev);
}

static void *worker(void *arg) {
  Run *run = arg;
  SigmaMatcher *m = sigma_matcher_new(run->e);
  uint32_t *buf = malloc(MATCH_CAP * sizeof *buf);
  Buf local;
  buf_init(&local, (size_t)1 << 30);
  for (;;) {
    size_t i = atomic_fetch_add(&run->next, 1);
    if (i >= run->units.n) break;
    if (m && buf) run_unit(run, m, i, buf, &local); else run->res[i].failed = 1;
    flush(run, &run->res[i], &local, 1);
  }
  buf_free(&local);
  free(buf);
  sigma_matcher_free(m);
  return NULL;
}

/* Progress on a terminal: files done of all, events, alerts, seconds. */
typedef struct Progress {
  int on;
  size_t files, done;
  double t0, last;
  const DetectOut *out;
} Progress;

static void progress(Progress *p, uint64_t events, int final) {
  if (!p->on) return;
  double t = now_s();
  if (!final && t - p->last < 0.5) return;
  p->last = t;
  fprintf(stderr, "\r\033[Kvarde detect: %zu av %zu filer, %llu hendelser, %zu varsler, %.0f s%s",
          p->done, p->files, (unsigned long long)events, p->out->alerts, t - p->t0, final ? "\n" : "");
}

/* Posts each unit's matches, in unit order, to the session; the head unit
 * is drained while its worker still runs. */
static int merge(Run *run, SigmaSession *s, uint64_t *events, uint64_t *bytes, Progress *pg) {
  int failed = 0;   /* units that could not be read, or not to the end */
  Buf take;
  SigmaEvent ev;
  char src[4096];
  buf_init(&take, (size_t)1 << 30);
  sev_init(&ev);
  for (size_t i = 0; i < run->units.n; i++) {
    UnitRes *r = &run->res[i];
    for (;;) {
      pthread_mutex_lock(&run->mu);
      while (!r->done && r->data.n == 0) {
        if (!pg->on) { pthread_cond_wait(&run->cv, &run->mu); continue; }
        struct timespec ts;   /* wake now and then to show progress */
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&run->cv, &run->mu, &ts);
        pthread_mutex_unlock(&run->mu);
        progress(pg, *events, 0);
        pthread_mutex_lock(&run->mu);
      }
      Buf t = take;   /* swap: the worker keeps appending to an empty buffer */
      take = r->data;
      r->data = t;
      int done = r->done && take.n == 0;
      pthread_mutex_unlock(&run->mu);
      const char *p = take.p, *end = take.p ? take.p + take.n : NULL;
      while (p && p < end) {
        const uint32_t *rules;
        uint32_t n;
        p = get_hit(p, &ev, src, sizeof src, &rules, &n);
        sigma_session_post(s, &ev, rules, n);
        size_t off = (size_t)(p - take.p);
        if (off % 4) p += 4 - off % 4;
      }
      buf_reset(&take);
      /* a stream has no end to wait for: its correlations run as it comes */
      if (!strcmp(run->units.u[i].path, "-")) sigma_session_flush(s);
      if (done) break;
    }
    *events += r->events;
    *bytes += r->bytes;
    failed += r->failed != 0;
    buf_free(&r->data);
    if (i + 1 == run->units.n || strcmp(run->units.u[i + 1].path, run->units.u[i].path)) pg->done++;
    progress(pg, *events, 0);
  }
  buf_free(&take);
  sev_free(&ev);
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
  o->jobs = nc < 1 ? 1 : nc > 64 ? 64 : (int)nc;
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
    case 'j': {
      char *end;
      long j = strtol(optarg, &end, 10);
      if (end == optarg || *end || j < 1 || j > 256) {
        fprintf(stderr, "varde detect: ugyldig --jobs «%s»: oppgi et tall fra 1 til 256\n", optarg);
        return 2;
      }
      o->jobs = (int)j;
      break;
    }
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

static double cpu_now(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int detect(const Opts *o, SigmaEngine *e, char **paths, int npaths, DetectOut *out) {
  Run run = {.e = e, .quiet = o->quiet, .fields = o->format != DF_TABLE};
  for (uint32_t i = 0; !run.fields && sigma_rule_info(e, i); i++)
    run.fields = sigma_rule_info(e, i)->is_correlation;
  Err err = {0};
  const char *dash[] = {"-"};
  if (sigma_input_plan(npaths ? (const char *const *)paths : dash, npaths ? (size_t)npaths : 1, 64,
                       &run.units, &err)) {
    fprintf(stderr, "varde detect: %s\n", err.msg);
    return 2;
  }
  Progress pg = {.on = !o->quiet && isatty(STDERR_FILENO), .t0 = now_s(), .out = out};
  for (size_t i = 0; i < run.units.n; i++) {
    pg.files += i == 0 || strcmp(run.units.u[i].path, run.units.u[i - 1].path);
    if (!strcmp(run.units.u[i].path, "-") && isatty(STDIN_FILENO) && !o->quiet)
      fprintf(stderr, "varde detect: leser hendelser fra standard inn (avslutt med Ctrl-D)\n");
  }
  run.res = calloc(run.units.n + 1, sizeof *run.res);
  for (size_t i = 0; run.res && i < run.units.n; i++) buf_init(&run.res[i].data, (size_t)1 << 30);
  SigmaSession *s = sigma_session_new(e, sdo_alert, out);
  pthread_t th[256];
  int nth = 0;
  double t0 = now_s();
  pthread_mutex_init(&run.mu, NULL);
  pthread_cond_init(&run.cv, NULL);
  for (int i = 0; run.res && s && i < o->jobs && (size_t)i < run.units.n; i++)
    if (pthread_create(&th[nth], NULL, worker, &run) == 0) nth++;
  uint64_t events = 0, bytes = 0;
  int failed = nth ? merge(&run, s, &events, &bytes, &pg) : (int)run.units.n;
  for (int i = 0; i < nth; i++) pthread_join(th[i], NULL);
  out->events = events;
  if (s) {
    sigma_session_finish(s);
    progress(&pg, events, 1);
    if (sigma_session_untimed(s) && !o->quiet)
      fprintf(stderr, "varde detect: %llu treff uten tidspunkt kunne ikke brukes i korrelasjoner\n",
              (unsigned long long)sigma_session_untimed(s));
  }
  if (failed)   /* said even with -q: it is why the exit code is 2 */
    fprintf(stderr, "varde detect: %d av %zu inndata kunne ikke leses, eller ikke helt; se meldingene over\n",
            failed, run.units.n);
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
    fflush(stdout);   /* the listing first, then the summary on stderr */
    fprintf(stderr, "%zu regler lastet, %zu kan ikke brukes\n", sigma_rule_count(e), d.count);
    sigma_engine_free(e);
    return d.count ? 1 : 0;
  }
  if (d.count && !o.quiet) fprintf(stderr, "varde detect: %zu regler hoppet over\n", d.count);
  if (sigma_rule_count(e) == 0) {
    fprintf(stderr, "varde detect: ingen brukbare regler lastet; sjekk -r (mapper leses for .yml og .yaml), "
            "og se hvorfor med --list-unsupported\n");
    sigma_engine_free(e);
    return 2;
  }
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
  /* a full disk must not pass for "no alerts" */
  if ((out.f != stdout ? fclose(out.f) : fflush(stdout)) || (out.f == stdout && ferror(stdout))) {
    fprintf(stderr, "varde detect: kunne ikke skrive varslene til %s: %s\n", o.out ? o.out : "standard ut",
            strerror(errno));
    rc = 2;
  }
  buf_free(&out.b);
  free(out.hits);
  sigma_engine_free(e);
  return rc ? rc : out.alerts ? 1 : 0;
}
