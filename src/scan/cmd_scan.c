/* cmd_scan.c — `varde scan`: parses options, builds the scope and target
 * list, runs the port and service phases, writes the report. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "core/buf.h"
#include "scan/diff.h"
#include "scan/engine.h"
#include "scan/output.h"
#include "scan/policy.h"
#include "scan/run.h"

static void usage(FILE *f) {
  fputs(
    "Bruk: varde scan [VALG] MÅL...\n"
    "       varde scan --diff GAMMEL.jsonl NY.jsonl\n"
    "Skanner TCP-porter med connect(), identifiserer tjenester, TLS og HTTP, og\n"
    "skriver resultatet som tabell, JSON-linjer eller CSV.\n\n"
    "MÅL er adresser (10.0.0.5, fd00::5), områder (10.0.0.1-20), CIDR (10.0.0.0/24)\n"
    "eller vertsnavn, adskilt med mellomrom eller komma.\n"
    "  -i, --input FIL      les flere mål fra FIL (ett per linje, # kommentar)\n\n"
    "Omfang og sikkerhet:\n"
    "  --scope FIL|LISTE    godkjent omfang (CIDR, områder, navn); mål utenfor nektes\n"
    "                       før noe sendes. Uten --scope er målene selv omfanget.\n"
    "  --exclude FIL|LISTE  adresser/nett som aldri skannes\n"
    "  --include-printer-ports  skann også 9100-9107 (skrivere kan skrive ut prober)\n"
    "  /etc/varde/scan.conf setter administratorens tak (fart, samtidighet, omfang)\n\n"
    "Porter og fart:\n"
    "  -p, --ports SPEC     top100, top1000 (standard), all, 22,80,8000-8100\n"
    "  --rate N             connect() per sekund (standard 2000, 0 = ubegrenset)\n"
    "  --concurrency N      samtidige forbindelser (standard 512, tak: RLIMIT_NOFILE)\n"
    "  --timeout MS         tidsavbrudd per forsøk (standard 1000); etter første svar\n"
    "                       tilpasses det vertens svartid, aldri over MS\n"
    "  --retries N          nye forsøk etter tidsavbrudd (standard 1)\n"
    "  --threads N          tråder i portskanningen (standard 0 = automatisk: én per\n"
    "                       CPU, høyst 4, når --rate er 0 eller over 20000)\n"
    "  --host-timeout S     gi opp en vert etter S sekunder\n"
    "  --max-time S         stopp hele skanningen etter S sekunder\n"
    "  --no-discovery       skann alle verter, også de som ikke svarer på\n"
    "                       vertsoppdagelsen (standard: oppdagelse når flere enn én vert)\n"
    "  --discovery          vertsoppdagelse også for én vert\n\n"
    "Tjenester:\n"
    "  --no-service         bare portskanning\n"
    "  --no-admin-pages     ikke prøv kjente admin-/standardsider\n"
    "  --probe-timeout MS   tidsavbrudd i tjenestefasen (standard 2000)\n"
    "  --workers N          parallelle tjenesteprober (standard 16)\n\n"
    "Utdata:\n"
    "  -f, --format F       table (standard), json (JSON-linjer), csv\n"
    "  -o, --output FIL     skriv til FIL i stedet for standard ut\n"
    "  --progress / --no-progress   fremdrift på stderr (standard: når stderr er en terminal)\n"
    "  --print-ports        skriv portlista (etter -p og skriverregelen) og avslutt\n\n"
    "Avslutningskoder: 0 ingen funn, 1 funn (alvorlighet lav eller høyere) eller\n"
    "forskjeller (--diff), 2 feil, nektet mål eller avbrutt skanning.\n"
    "Se varde-scan(1).\n", f);
}

enum { O_SCOPE = 256, O_EXCLUDE, O_PRINTER, O_RATE, O_CONC, O_TIMEOUT, O_RETRIES,
       O_HTO, O_MAXT, O_NOSVC, O_NOADMIN, O_PTO, O_WORKERS, O_PROGRESS, O_NOPROGRESS,
       O_DIFF, O_PRINTPORTS, O_DISC, O_NODISC, O_THREADS };


static const struct option longopts[] = {
  {"help", no_argument, 0, 'h'}, {"ports", required_argument, 0, 'p'},
  {"format", required_argument, 0, 'f'}, {"output", required_argument, 0, 'o'},
  {"input", required_argument, 0, 'i'},
  {"scope", required_argument, 0, O_SCOPE}, {"exclude", required_argument, 0, O_EXCLUDE},
  {"include-printer-ports", no_argument, 0, O_PRINTER},
  {"rate", required_argument, 0, O_RATE}, {"concurrency", required_argument, 0, O_CONC},
  {"timeout", required_argument, 0, O_TIMEOUT}, {"retries", required_argument, 0, O_RETRIES},
  {"host-timeout", required_argument, 0, O_HTO}, {"max-time", required_argument, 0, O_MAXT},
  {"no-service", no_argument, 0, O_NOSVC}, {"no-admin-pages", no_argument, 0, O_NOADMIN},
  {"probe-timeout", required_argument, 0, O_PTO}, {"workers", required_argument, 0, O_WORKERS},
  {"progress", no_argument, 0, O_PROGRESS}, {"no-progress", no_argument, 0, O_NOPROGRESS},
  {"diff", no_argument, 0, O_DIFF}, {"print-ports", no_argument, 0, O_PRINTPORTS},
  {"discovery", no_argument, 0, O_DISC}, {"no-discovery", no_argument, 0, O_NODISC},
  {"threads", required_argument, 0, O_THREADS}, {0, 0, 0, 0}};

typedef struct Args {
  ScanOpts o;
  const char *ports, *scope, *exclude, *format, *output, *input;
  int printer, progress, diff, print_ports;
} Args;

static int num(const char *s, long lo, long hi, long *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (!*s || *end || v < lo || v > hi) {
    fprintf(stderr, "varde scan: ugyldig tall «%s» (%ld–%ld)\n", s, lo, hi);
    return -1;
  }
  *out = v;
  return 0;
}

static int parse_opt(Args *a, int c) {
  long v = 0;
  switch (c) {
  case 'p': a->ports = optarg; return 0;
  case 'f': a->format = optarg; return 0;
  case 'o': a->output = optarg; return 0;
  case 'i': a->input = optarg; return 0;
  case O_SCOPE: a->scope = optarg; return 0;
  case O_EXCLUDE: a->exclude = optarg; return 0;
  case O_PRINTER: a->printer = 1; return 0;
  case O_RATE: if (num(optarg, 0, 10000000, &v)) return -1; a->o.rate = (unsigned)v; return 0;
  case O_CONC: if (num(optarg, 1, 1000000, &v)) return -1; a->o.concurrency = (unsigned)v; return 0;
  case O_TIMEOUT: if (num(optarg, 10, 600000, &v)) return -1; a->o.timeout_ms = (int)v; return 0;
  case O_RETRIES: if (num(optarg, 0, 10, &v)) return -1; a->o.retries = (int)v; return 0;
  case O_HTO: if (num(optarg, 1, 86400 * 7, &v)) return -1; a->o.host_timeout_ms = (int)v * 1000; return 0;
  case O_MAXT: if (num(optarg, 1, 86400 * 7, &v)) return -1; a->o.global_timeout_ms = (int)v * 1000; return 0;
  case O_NOSVC: a->o.service = 0; return 0;
  case O_NOADMIN: a->o.admin_pages = 0; return 0;
  case O_PTO: if (num(optarg, 50, 600000, &v)) return -1; a->o.probe_timeout_ms = (int)v; return 0;
  case O_WORKERS: if (num(optarg, 1, 256, &v)) return -1; a->o.probe_workers = (int)v; return 0;
  case O_PROGRESS: a->progress = 1; return 0;
  case O_NOPROGRESS: a->progress = 0; return 0;
  case O_DIFF: a->diff = 1; return 0;
  case O_PRINTPORTS: a->print_ports = 1; return 0;
  case O_DISC: a->o.discovery = 1; return 0;
  case O_NODISC: a->o.discovery = 0; return 0;
  case O_THREADS: if (num(optarg, 0, 4, &v)) return -1; a->o.threads = (unsigned)v; return 0;
  default: return -1;
  }
}

static void on_sigint(int sig) {
  (void)sig;
  scan_stop_flag = 1;
  signal(SIGINT, SIG_DFL);   /* a second ^C ends the process at once */
}

/* Appends the target lines of path (comments dropped) to b. */
static int read_targets(Buf *b, const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "varde scan: kan ikke lese målfila «%s»\n", path);
    return -1;
  }
  char line[512];
  while (fgets(line, sizeof line, f)) {
    char *hash = strchr(line, '#');
    if (hash) *hash = '\0';
    if (b->n) buf_putc(b, ',');
    buf_puts(b, line);
  }
  fclose(f);
  return b->err ? -1 : 0;
}

/* Joins the positional arguments and the --input file into one comma list
 * (caller frees); NULL on error or when there are no targets. */
static char *join_targets(int argc, char **argv, const char *input) {
  Buf b;
  buf_init(&b, 4 << 20);
  for (int i = 0; i < argc; i++) {
    if (i) buf_putc(&b, ',');
    buf_puts(&b, argv[i]);
  }
  int bad = input && read_targets(&b, input);
  if (!bad && !b.err && strspn(buf_cstr(&b), ", \t\r\n") == b.n) {
    fputs("varde scan: mangler mål. Se `varde scan --help`.\n", stderr);
    bad = 1;
  }
  if (bad || b.err) {
    buf_free(&b);
    return NULL;
  }
  return buf_take(&b);
}

static int write_report(const Args *a, const ScanReport *r) {
  FILE *f = a->output ? fopen(a->output, "w") : stdout;
  if (!f) {
    fprintf(stderr, "varde scan: kan ikke skrive «%s»\n", a->output);
    return -1;
  }
  if (!strcmp(a->format, "json")) scan_write_json(f, r);
  else if (!strcmp(a->format, "csv")) scan_write_csv(f, r);
  else scan_write_table(f, r);
  int bad = ferror(f);
  if (a->output) bad |= fclose(f) != 0;
  else fflush(f);
  return bad ? -1 : 0;
}

static int count_findings(const ScanReport *r) {
  int n = 0;
  for (size_t i = 0; i < r->nhosts; i++)
    for (size_t j = 0; j < r->hosts[i].nports; j++)
      for (size_t k = 0; k < r->hosts[i].ports[j].nfindings; k++)
        n += r->hosts[i].ports[j].findings[k].sev >= SSEV_LOW;
  return n;
}

static int run_scan(Args *a, const char *targets) {
  ScanJob job = {.targets = targets, .scope = a->scope, .exclude = a->exclude,
                 .scope_desc = "målene på kommandolinja", .ports = a->ports,
                 .include_printer_ports = a->printer, .warn = stderr, .opts = a->o};
  /* the environment may name a policy only where the administrator has not
   * written one: a user cannot swap the ceiling away */
  job.policy_path = getenv("VARDE_SCAN_CONF");
  if (!job.policy_path || access(SCAN_POLICY_PATH, F_OK) == 0) job.policy_path = SCAN_POLICY_PATH;
  job.opts.progress = a->progress;
  struct sigaction sa = {0};
  sa.sa_handler = on_sigint;
  sigaction(SIGINT, &sa, NULL);
  ScanReport r;
  Err e = {0};
  int rc = scan_run(&job, &r, &e), code = 2;
  if (rc) fprintf(stderr, "varde scan: %s\n", e.msg[0] ? e.msg : "feil");
  else if (write_report(a, &r) == 0)
    code = r.interrupted ? 2 : count_findings(&r) > 0 ? 1 : 0;
  if (rc == 0 && r.interrupted) fputs("varde scan: avbrutt; resultatene er ufullstendige\n", stderr);
  if (r.arena) scan_report_free(&r);
  return code;
}

/* --print-ports: the resolved list, comma-separated (used by bench/scan). */
static int print_ports(const Args *a) {
  ScanPorts *p = calloc(1, sizeof *p);
  Err e = {0};
  if (!p || scan_ports_parse(p, a->ports, &e)) {
    fprintf(stderr, "varde scan: %s\n", e.msg);
    free(p);
    return 2;
  }
  if (!a->printer) scan_ports_drop_printer(p);
  for (size_t i = 0; i < p->n; i++) printf("%s%u", i ? "," : "", p->v[i]);
  putchar('\n');
  scan_ports_free(p);
  free(p);
  return 0;
}

int cmd_scan(int argc, char **argv) {
  Args a = {.ports = "top1000", .format = "table", .progress = isatty(2)};
  scan_opts_default(&a.o);
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "hp:f:o:i:", longopts, NULL)) != -1) {
    if (c == 'h') {
      usage(stdout);
      return 0;
    }
    if (parse_opt(&a, c)) {
      fputs("Se `varde scan --help`.\n", stderr);
      return 2;
    }
  }
  if (strcmp(a.format, "json") && strcmp(a.format, "csv") && strcmp(a.format, "table")) {
    fprintf(stderr, "varde scan: ukjent format «%s» (table, json, csv)\n", a.format);
    return 2;
  }
  if (a.print_ports) return print_ports(&a);
  if (a.diff) {
    if (argc - optind != 2) {
      fputs("varde scan --diff: trenger to filer (GAMMEL NY)\n", stderr);
      return 2;
    }
    return scan_diff_cmd(argv[optind], argv[optind + 1], a.format, a.output);
  }
  char *targets = join_targets(argc - optind, argv + optind, a.input);
  if (!targets) return 2;
  int code = run_scan(&a, targets);
  free(targets);
  return code;
}
