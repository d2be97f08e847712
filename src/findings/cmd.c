/* cmd.c — the command line of the findings module: `varde import
 * nvd|kev|epss|csaf`, `varde findings match|list|sla|set` and `varde feed
 * sync nvd`. Thin shells over feeds.c, run.c, lifecycle.c and sync.c. */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cmds.h"
#include "db/db.h"
#include "findings/findings.h"
#include "import/import.h"
#include "org/org.h"

static void progress(size_t done, size_t total, size_t at, void *ctx) {
  (void)total;
  (void)at;
  fprintf(stderr, "\r  %s: %zu poster …", (const char *)ctx, done);
}

static int import_one(Db *db, FindFeedKind k, const char *path, FindFeedStats *st, Err *e) {
  Buf b;
  buf_init(&b, (size_t)2 << 30);
  int rc = find_read_file(path, &b, e);
  if (!rc)
    rc = find_feed_store(db, k, path, b.p ? b.p : "", b.n, stderr, isatty(2) ? progress : NULL, (void *)path, st, e);
  if (isatty(2)) fprintf(stderr, "\r\033[K");
  buf_free(&b);
  return rc;
}

static int import_dir(Db *db, const char *path, FindFeedStats *st, Err *e, int depth) {
  DIR *d = depth < 16 ? opendir(path) : NULL;
  if (!d) return err_set(e, VERR_IO, "%s: kan ikke åpne mappen", path);
  struct dirent *de;
  int rc = 0;
  while (!rc && (de = readdir(d))) {
    char sub[4096];
    struct stat sb;
    size_t l = strlen(de->d_name);
    if (de->d_name[0] == '.' || snprintf(sub, sizeof sub, "%s/%s", path, de->d_name) >= (int)sizeof sub ||
        stat(sub, &sb))
      continue;
    if (S_ISDIR(sb.st_mode)) rc = import_dir(db, sub, st, e, depth + 1);
    else if (l > 5 && !strcmp(de->d_name + l - 5, ".json") && strstr(de->d_name, "feed") == NULL) {
      Err fe = {0};
      if (import_one(db, FIND_FEED_CSAF, sub, st, &fe)) fprintf(stderr, "%s\n", fe.msg), st->bad++;
    }
  }
  closedir(d);
  return rc;
}

static int import_kind(int argc, char **argv, FindFeedKind k, const char *help) {
  static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'}, {0}};
  const char *path = db_default_path();
  int c;
  optind = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'd') path = optarg;
    else if (c == 'h') return printf("%s", help), CLI_OK;
    else return cli_usage_error("import", "ukjent valg.");
  }
  if (optind >= argc) return cli_usage_error("import", "mangler FIL. Se --help.");
  Db *db = NULL;
  int rc = cli_open("import", path, 0, &db);
  if (rc) return rc;
  FindFeedStats st = {0};
  Err e = {0};
  rc = db_begin(db, &e);  /* all files in one transaction: all or nothing */
  for (int i = optind; !rc && i < argc; i++) {
    struct stat sb;
    if (k == FIND_FEED_CSAF && !stat(argv[i], &sb) && S_ISDIR(sb.st_mode)) rc = import_dir(db, argv[i], &st, &e, 0);
    else rc = import_one(db, k, argv[i], &st, &e);
  }
  if (!rc) rc = db_commit(db, &e);
  else db_rollback(db);
  if (!rc)
    printf("%zu poster: %zu nye, %zu endret, %zu uendret, %zu feil hoppet over.\n", st.records, st.added, st.updated,
           st.unchanged, st.bad);
  if (!rc && (st.added || st.updated)) printf("Kjør `varde findings match` for å oppdatere funnene.\n");
  db_close(db);
  return rc ? cli_fail("import", &e) : CLI_OK;
}

#define IMPORT_HELP(kind, what)                                                                               \
  "Bruk: varde import " kind " [--db FIL] FIL...\n" what "\n"                                                \
  "Importen er idempotent: uendrede poster røres ikke, endrede erstattes. En ødelagt post\n"                  \
  "rapporteres med posisjon og hoppes over; resten lagres. Alt i én transaksjon.\n"                          \
  "Avslutningskoder: 0 ok, 2 feil.\n"

int find_cmd_import_nvd(int argc, char **argv) {
  return import_kind(argc, argv, FIND_FEED_NVD,
                     IMPORT_HELP("nvd", "Leser NVD API 2.0-sider eller årlige feed-filer (JSON, også .gz)."));
}
int find_cmd_import_kev(int argc, char **argv) {
  return import_kind(argc, argv, FIND_FEED_KEV, IMPORT_HELP("kev", "Leser CISAs KEV-katalog (JSON)."));
}
int find_cmd_import_epss(int argc, char **argv) {
  return import_kind(argc, argv, FIND_FEED_EPSS, IMPORT_HELP("epss", "Leser FIRSTs EPSS-CSV (også .gz)."));
}
int find_cmd_import_csaf(int argc, char **argv) {
  return import_kind(argc, argv, FIND_FEED_CSAF,
                     IMPORT_HELP("csaf", "Leser CSAF 2.0-råd: filer eller mapper (alle *.json under mappen)."));
}

/* ---- varde findings ---- */

static void findings_help(void) {
  printf("Bruk: varde findings KOMMANDO [--db FIL] ...\n"
         "  match [--full]                 oppdater funn etter endringer i inventar og sårbarhetsdata\n"
         "                                 (--full: matche alt på nytt)\n"
         "  list --org ORG [--overdue] [--csv]  funn i en organisasjon (--csv: eksport)\n"
         "  sla [KLASSE=DAGER ...]         vis eller sett SLA-dager (critical, high, medium, low)\n"
         "  set --org ORG --id N STATUS [--reason TEKST] [--until ÅÅÅÅ-MM-DD]\n"
         "                                 endre status (open, in_progress, fixed, verified, accepted,\n"
         "                                 false_positive)\n"
         "ORG er id (som i /org/ID), kommunenummer, organisasjonsnummer eller navn.\n"
         "Avslutningskoder: 0 ok, 1 forfalte funn (list --overdue), 2 feil.\n");
}

static int cmd_match(Db *db, int full) {
  Principal p;
  cli_principal(&p);
  FindMatchStats st = {0};
  Err e = {0};
  int rc = full ? find_match_all(db, &p, &st, &e) : find_match_incremental(db, &p, &st, &e);
  if (rc) return cli_fail("findings", &e);
  printf("%zu produkter, %zu treff: %zu nye funn, %zu endret, %zu gjenåpnet, %zu lukket "
         "(lasting %.0f ms, matching %.0f ms).\n",
         st.products, st.matches, st.created, st.updated, st.reopened, st.closed, st.ms_load, st.ms_match);
  return CLI_OK;
}

static int cmd_list(Db *db, int64_t org, int overdue, int csv) {
  FindFilter f = {.org_id = org, .status = -2, .kev = -1, .overdue = overdue, .limit = 100000};
  Err e = {0};
  if (csv) {
    Buf b;
    buf_init(&b, (size_t)1 << 30);
    int rc = find_export_csv(db, &f, &b, &e);
    if (!rc) fwrite(b.p ? b.p : "", 1, b.n, stdout);
    buf_free(&b);
    return rc ? cli_fail("findings", &e) : CLI_OK;
  }
  Arena *a = arena_new((size_t)1 << 30);
  Finding *x = NULL;
  size_t n = 0;
  int rc = find_list(db, a, &f, &x, &n, &e);
  for (size_t i = 0; !rc && i < n; i++) {
    char due[16];
    time_t t = (time_t)x[i].due_at;
    struct tm tm;
    strftime(due, sizeof due, "%Y-%m-%d", gmtime_r(&t, &tm));
    printf("%-6lld %-16s %-9s %5.1f %-3s %-11s %s%s %s\n", (long long)x[i].id, x[i].vuln_id, x[i].cls, x[i].priority,
           x[i].kev ? "KEV" : "", find_status_name(x[i].status), due, x[i].overdue ? " FORFALT" : "",
           x[i].product_name);
  }
  arena_free(a);
  if (rc) return cli_fail("findings", &e);
  return overdue && n ? CLI_FOUND : CLI_OK;
}

static int cmd_sla(Db *db, int argc, char **argv) {
  Principal p;
  cli_principal(&p);
  Err e = {0};
  for (int i = 0; i < argc; i++) {
    char cls[32];
    int days;
    if (sscanf(argv[i], "%31[a-z]=%d", cls, &days) != 2) return cli_usage_error("findings", "skriv KLASSE=DAGER");
    if (find_sla_set(db, &p, cls, days, &e)) return cli_fail("findings", &e);
  }
  int d[4];
  if (find_sla_get(db, d, &e)) return cli_fail("findings", &e);
  printf("critical=%d high=%d medium=%d low=%d (dager; en KEV-frist som er tidligere, gjelder)\n", d[0], d[1], d[2],
         d[3]);
  return CLI_OK;
}

static int cmd_set(Db *db, int64_t org, int64_t id, const char *status, const char *reason, const char *until) {
  Principal p;
  cli_principal(&p);
  FindStatus to;
  Err e = {0};
  if (find_status_parse(status, &to)) return cli_usage_error("findings", "ukjent status «%s»", status);
  int64_t u = 0;
  if (until) {
    struct tm tm = {0};
    if (!strptime(until, "%Y-%m-%d", &tm)) return cli_usage_error("findings", "--until skrives ÅÅÅÅ-MM-DD");
    u = (int64_t)timegm(&tm) + 86399;
  }
  if (find_set_status(db, &p, org, id, to, reason, u, &e)) return cli_fail("findings", &e);
  printf("Funn %lld: %s.\n", (long long)id, find_status_label(to));
  return CLI_OK;
}

int find_cmd_findings(int argc, char **argv) {
  static const struct option opts[] = {
      {"db", required_argument, 0, 'd'}, {"org", required_argument, 0, 'o'}, {"id", required_argument, 0, 'i'},
      {"reason", required_argument, 0, 'r'}, {"until", required_argument, 0, 'u'}, {"full", no_argument, 0, 'f'},
      {"overdue", no_argument, 0, 'v'}, {"csv", no_argument, 0, 'c'}, {"help", no_argument, 0, 'h'}, {0}};
  const char *path = db_default_path(), *reason = NULL, *until = NULL, *oref = NULL;
  int64_t org = 0, id = 0;
  int full = 0, overdue = 0, csv = 0, c;
  optind = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'd') path = optarg;
    else if (c == 'o') oref = optarg;
    else if (c == 'i' && cli_parse_int(optarg, 1, INT64_MAX, &id)) return cli_usage_error("findings", "ugyldig --id");
    else if (c == 'r') reason = optarg;
    else if (c == 'u') until = optarg;
    else if (c == 'f') full = 1;
    else if (c == 'v') overdue = 1;
    else if (c == 'c') csv = 1;
    else if (c == 'h') return findings_help(), CLI_OK;
    else if (c == '?') return cli_usage_error("findings", "ukjent valg.");
  }
  if (optind >= argc) return findings_help(), CLI_ERROR;
  const char *sub = argv[optind++];
  Db *db = NULL;
  int rc = cli_open("findings", path, 0, &db);
  if (rc) return rc;
  Org o;
  Err e = {0};
  if (oref && org_find_or_id(db, oref, &o, &e)) {
    db_close(db);
    return cli_fail("findings", &e);
  }
  if (oref) org = o.id;
  if (!strcmp(sub, "match")) rc = cmd_match(db, full);
  else if (!strcmp(sub, "list") && org) rc = cmd_list(db, org, overdue, csv);
  else if (!strcmp(sub, "sla")) rc = cmd_sla(db, argc - optind, argv + optind);
  else if (!strcmp(sub, "set") && org && id && optind < argc) rc = cmd_set(db, org, id, argv[optind], reason, until);
  else rc = cli_usage_error("findings", "ukjent eller ufullstendig kommando «%s». Se --help.", sub);
  db_close(db);
  return rc;
}
