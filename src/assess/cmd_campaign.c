/* cmd_campaign.c — `varde campaign`: list campaigns with their progress, and
 * run the reminders by hand (what `varde serve` does every hour). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/store_int.h"
#include "cli/cli.h"
#include "cmds.h"
#include "db/db.h"

static void campaign_help(FILE *f) {
  fprintf(f,
    "Bruk: varde campaign remind [--db FIL] [--smtp URL --smtp-from ADR] [--base-url URL] [--days N]\n"
    "       varde campaign list [--db FIL]\n"
    "Kampanjer for egenvurdering (sendt fra et nasjonalt senter eller en region til medlemmene).\n\n"
    "  remind            påminn alle medlemmer som ikke har fullført en åpen kampanje med frist\n"
    "                    innen N dager (standard %d) eller passert: en påminnelse på oppgaven i\n"
    "                    Varde, og e-post til redaktører og administratorer med e-postadresse når\n"
    "                    --smtp (eller $VARDE_SMTP_URL) er satt. Høyst én påminnelse i døgnet.\n"
    "  list              vis kampanjene med frist, antall mottakere, fullført og forsinket\n\n"
    "  --db FIL          databasen (standard $VARDE_DB eller varde.db)\n"
    "  --smtp URL        smtp://vert:port eller smtps://vert:port\n"
    "  --smtp-from ADR   avsenderadresse (ellers $VARDE_SMTP_FROM)\n"
    "  --base-url URL    Vardes adresse, for lenken i e-posten\n"
    "  --days N          påminn fra N dager før fristen (0–365)\n"
    "  --help            vis denne hjelpen\n\n"
    "Avslutningskoder: 0 ok, 1 noen e-poster kunne ikke sendes, 2 feil.\n", ASSESS_REMIND_DAYS);
}

static int do_list(Db *db) {
  DbStmt *st = NULL;
  Err e = {0};
  char today[11];
  st_today(today);
  int rc = db_query(db, &st, &e, "SELECT c.id, c.deadline, c.closed, o.name, c.title,"
                    " (SELECT count(*) FROM assess_campaign_recipients r WHERE r.campaign_id = c.id),"
                    " (SELECT count(*) FROM assess_campaign_recipients r WHERE r.campaign_id = c.id AND r.status = 2),"
                    " (SELECT count(*) FROM assess_campaign_recipients r WHERE r.campaign_id = c.id AND r.status < 2"
                    "  AND c.deadline < ?)"
                    " FROM assess_campaigns c JOIN organisations o ON o.id = c.sender_org ORDER BY c.id", "s", today);
  if (!rc) printf("%-4s %-10s %-6s %-9s %-9s %-9s %s\n", "id", "frist", "åpen", "mottakere", "fullført", "forsinket",
                  "avsender: tittel");
  while (!rc && (rc = db_step(st, &e)) == DB_ROW) {
    rc = 0;
    printf("%-4lld %-10s %-6s %-9lld %-9lld %-9lld %s: %s\n", (long long)db_col_int(st, 0), db_col_text(st, 1),
           db_col_int(st, 2) ? "nei" : "ja", (long long)db_col_int(st, 5), (long long)db_col_int(st, 6),
           (long long)db_col_int(st, 7), db_col_text(st, 3), db_col_text(st, 4));
  }
  db_finalize(st);
  return rc < 0 ? cli_fail("campaign", &e) : CLI_OK;
}

static int do_remind(Db *db, const AssessSmtp *smtp, int days) {
  AssessRemindStats st;
  Err e = {0};
  if (assess_campaign_remind(db, smtp->url ? smtp : NULL, days, &st, &e)) return cli_fail("campaign", &e);
  printf("Påminnet %zu oppgave(r); %zu e-post(er) sendt, %zu feilet.%s\n", st.tasks, st.mails, st.mail_errors,
         smtp->url ? "" : " (SMTP er ikke satt opp: bare påminnelser i Varde.)");
  return st.mail_errors ? CLI_FOUND : CLI_OK;
}

int cmd_campaign(int argc, char **argv) {
  static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {"smtp", required_argument, 0, 's'},
    {"smtp-from", required_argument, 0, 'f'}, {"base-url", required_argument, 0, 'b'},
    {"days", required_argument, 0, 'n'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
  const char *path = db_default_path();
  AssessSmtp smtp = {getenv("VARDE_SMTP_URL"), getenv("VARDE_SMTP_FROM"), NULL};
  int64_t days = ASSESS_REMIND_DAYS;
  int c;
  optind = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'd') path = optarg;
    else if (c == 's') smtp.url = optarg;
    else if (c == 'f') smtp.from = optarg;
    else if (c == 'b') smtp.base_url = optarg;
    else if (c == 'n' && cli_parse_int(optarg, 0, 365, &days) == 0) continue;
    else if (c == 'h') return campaign_help(stdout), CLI_OK;
    else return cli_usage_error("campaign", "ukjent eller ugyldig valg (se --help).");
  }
  if (optind != argc - 1 || (strcmp(argv[optind], "remind") && strcmp(argv[optind], "list")))
    return cli_usage_error("campaign", "oppgi remind eller list (se --help).");
  if (smtp.url && !smtp.from) return cli_usage_error("campaign", "--smtp krever --smtp-from.");
  Db *db = NULL;
  int rc = cli_open("campaign", path, 0, &db);
  if (rc) return rc;
  rc = !strcmp(argv[optind], "list") ? do_list(db) : do_remind(db, &smtp, (int)days);
  db_close(db);
  return rc;
}
