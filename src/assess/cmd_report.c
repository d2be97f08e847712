/* cmd_report.c — `varde report --org N --format html|csv`: the director's
 * one-page report offline, with the same content as /org/N/rapport. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/aweb.h"
#include "cli/cli.h"
#include "cmds.h"
#include "db/db.h"
#include "html/html.h"
#include "org/org.h"

extern const unsigned char web_css[];
extern const size_t web_css_len;

static void report_help(void) {
  printf("Bruk: varde report --org ORG [--format html|csv] [--framework RAMMEVERK] [--out FIL] [--db FIL]\n"
         "Lager rapporten til kommunedirektøren for én organisasjon: samlet modenhet og per\n"
         "kategori, utvikling over tid, største gap mot målet, tiltak over fristen og\n"
         "kampanjer med frist. Innholdet er det samme som siden /org/ORG/rapport.\n\n"
         "Valg:\n"
         "  --org ORG             organisasjonens id (som i /org/ID), kommunenummer (fire\n"
         "                        sifre) eller navn\n"
         "  --format html|csv     html (standard): én selvstendig side for utskrift på A4;\n"
         "                        csv: de samme tallene, semikolonseparert (Excel)\n"
         "  --framework RAMMEVERK rammeverkets id eller URN (standard: NSMs grunnprinsipper)\n"
         "  --out FIL             skriv til FIL i stedet for standard ut\n"
         "  --db FIL              databasen (standard: $VARDE_DB eller %s)\n"
         "  --help                vis denne hjelpen\n\n"
         "Avslutningskoder: 0 ok, 2 feil (ukjent organisasjon, ingen rammeverk, skrivefeil).\n",
         DB_DEFAULT_PATH);
}

typedef struct Opts {
  const char *db, *org, *format, *framework, *out;
} Opts;

static int parse(int argc, char **argv, Opts *o) {
  static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {"org", required_argument, 0, 'o'},
                                       {"format", required_argument, 0, 'f'},
                                       {"framework", required_argument, 0, 'r'},
                                       {"out", required_argument, 0, 'w'}, {"help", no_argument, 0, 'h'}, {0}};
  int c;
  optind = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'd': o->db = optarg; break;
    case 'o': o->org = optarg; break;
    case 'f': o->format = optarg; break;
    case 'r': o->framework = optarg; break;
    case 'w': o->out = optarg; break;
    case 'h': report_help(); return 1;
    default: return -1;
    }
  }
  if (optind != argc) return cli_usage_error("report", "ukjent argument «%s».", argv[optind]), -1;
  if (!o->org) return cli_usage_error("report", "oppgi --org."), -1;
  if (strcmp(o->format, "html") && strcmp(o->format, "csv"))
    return cli_usage_error("report", "--format må være html eller csv."), -1;
  return 0;
}

static int framework_id(Db *db, Arena *a, const char *want, int64_t *id, Err *e) {
  if (want && !strncmp(want, "urn:", 4)) return assess_store_fw_find(db, want, 0, id, e);
  return assess_web_main_fw(db, a, want, id, e) ? -1 : (want && *id != strtoll(want, NULL, 10)
                                                           ? err_set(e, VERR_NOTFOUND, "ukjent rammeverk «%s».", want)
                                                           : 0);
}

static void html_doc(Buf *b, Arena *a, const AssessDash *d) {
  html_printf(b, "<!doctype html>\n<html lang=\"nb\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                 "content=\"width=device-width, initial-scale=1\"><title>Rapport – %s</title><style>\n", d->org_name);
  html_raw_trusted_markup(b, (const char *)web_css, web_css_len);   /* Varde's own stylesheet */
  html_raw(b, "</style></head>\n<body class=\"offline\"><main>");
  assess_report_body(b, a, d, db_now());
  html_raw(b, "</main></body></html>\n");
}

static int write_out(const char *path, const Buf *b, Err *e) {
  FILE *f = path ? fopen(path, "wb") : stdout;
  if (!f) return err_set(e, VERR_IO, "kan ikke skrive %s", path);
  int bad = fwrite(b->p ? b->p : "", 1, b->n, f) != b->n;
  if (path) bad |= fclose(f) != 0;
  else bad |= fflush(f) != 0;
  return bad ? err_set(e, VERR_IO, "skrivefeil på %s", path ? path : "standard ut") : 0;
}

int cmd_report(int argc, char **argv) {
  Opts o = {.db = db_default_path(), .format = "html"};
  int rc = parse(argc, argv, &o);
  if (rc) return rc > 0 ? CLI_OK : CLI_ERROR;
  Db *db;
  if ((rc = cli_open("report", o.db, DB_OPEN_NO_MIGRATE, &db))) return rc;
  Principal p;
  cli_principal(&p);
  Err e = {0};
  Org org;
  Arena *a = arena_new(0);
  Buf out;
  buf_init(&out, (size_t)64 << 20);
  int64_t fw = 0;
  AssessDash d = {0};
  rc = a ? org_find_or_id(db, o.org, &org, &e) : err_set(&e, VERR_NOMEM, "tomt for minne");
  if (!rc) rc = framework_id(db, a, o.framework, &fw, &e);
  if (!rc) rc = assess_dash_load(db, &p, org.id, fw, ASSESS_DASH_ALL, a, &d, &e);
  if (!rc) {
    if (!strcmp(o.format, "csv")) assess_report_csv(&out, a, &d);
    else html_doc(&out, a, &d);
    rc = out.err ? err_set(&e, VERR_TOOBIG, "rapporten ble for stor") : write_out(o.out, &out, &e);
  }
  assess_dash_free(&d);
  buf_free(&out);
  arena_free(a);
  db_close(db);
  return rc ? cli_fail("report", &e) : CLI_OK;
}
