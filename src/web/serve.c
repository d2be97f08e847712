/* serve.c — `varde serve`: opens (and migrates) the database, starts the
 * HTTP server, and stops gracefully on SIGTERM/SIGINT. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cmds.h"
#include "db/db.h"
#include "policy/policy.h"
#include "web/web_int.h"

static void usage(FILE *f) {
  fprintf(f,
          "Bruk: varde serve [--db FIL] [--listen VERT:PORT] [--tls-cert FIL --tls-key FIL]\n"
          "Starter Varde sin nettjener (nettsider og JSON-API under /api/v1).\n\n"
          "  --db FIL          databasefilen (standard: $VARDE_DB eller varde.db)\n"
          "  --listen VERT:PORT adresse og port (standard 127.0.0.1:8080; port 0 = ledig port)\n"
          "  --tls-cert FIL    sertifikat (PEM) for HTTPS; krever --tls-key\n"
          "  --tls-key FIL     privat nøkkel (PEM) for HTTPS\n"
          "  --threads N       antall arbeidstråder (standard 4)\n"
          "  --smtp URL        send e-post (påminnelser) via smtp://vert:port eller smtps://\n"
          "                    (ellers $VARDE_SMTP_URL; uten: bare varsler i Varde)\n"
          "  --smtp-from ADR   avsenderadresse (ellers $VARDE_SMTP_FROM)\n"
          "  --base-url URL    Vardes adresse for lenker i e-post, f.eks. https://varde.kommune.no/\n"
          "  --job-interval S  kjør bakgrunnsjobbene (påminnelser) hvert S. sekund (standard: per jobb,\n"
          "                    påminnelser hver time); første kjøring etter 10 sekunder\n"
          "  --routes          skriv rutetabellen (metode, mønster, policyhandling, flagg)\n"
          "                    som tabulatorseparerte linjer, og avslutt\n"
          "  -h, --help        vis denne hjelpen\n\n"
          "Tjeneren skriver «Varde lytter på URL» når den er klar, og avslutter pent på\n"
          "SIGTERM/SIGINT (forespørsler som er i gang, fullføres).\n"
          "Avslutningskoder: 0 stoppet normalt, 2 feil ved oppstart.\n");
}

/* Reads a whole (small) PEM file; NULL and a message on failure. */
static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "varde serve: kan ikke lese %s: %m\n", path);
    return NULL;
  }
  Buf b;
  buf_init(&b, 1 << 20);
  char tmp[4096];
  size_t n;
  while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) buf_append(&b, tmp, n);
  int bad = ferror(f) || b.err;
  fclose(f);
  if (bad) {
    fprintf(stderr, "varde serve: kan ikke lese %s\n", path);
    buf_free(&b);
    return NULL;
  }
  return buf_take(&b);
}

static void print_route(const WebRoute *r, void *ctx) {
  printf("%s\t%s\t%s\t%s%s%s%s%s%s\n", r->method, r->pattern,
         r->action == WEB_NO_ACTION ? "-" : policy_action_name((PolicyAction)r->action),
         r->flags & WEB_PUBLIC ? "public," : "", r->flags & WEB_API ? "api," : "",
         r->flags & WEB_CSRF ? "csrf," : "", r->flags & WEB_MFA_STEP ? "mfa-step," : "",
         r->flags & WEB_SELF ? "self," : "", r->flags & WEB_SENSOR ? "sensor," : "");
}

typedef struct ServeOpts {
  const char *db, *listen, *cert, *key, *smtp, *smtp_from, *base_url;
  unsigned threads, job_interval;
} ServeOpts;

/* 0 ok, 1 help shown, 2 usage error. */
static int parse_opts(int argc, char **argv, ServeOpts *o) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      return 1;
    }
    const char **slot = !strcmp(a, "--db") ? &o->db : !strcmp(a, "--listen") ? &o->listen
                        : !strcmp(a, "--tls-cert") ? &o->cert : !strcmp(a, "--tls-key") ? &o->key
                        : !strcmp(a, "--smtp") ? &o->smtp : !strcmp(a, "--smtp-from") ? &o->smtp_from
                        : !strcmp(a, "--base-url") ? &o->base_url : NULL;
    if (!strcmp(a, "--routes")) {
      web_init();
      web_route_each(print_route, NULL);
      return 1;
    }
    if (!strcmp(a, "--threads") && v) {
      o->threads = (unsigned)strtoul(v, NULL, 10);
      i++;
      continue;
    }
    if (!strcmp(a, "--job-interval") && v) {
      o->job_interval = (unsigned)strtoul(v, NULL, 10);
      i++;
      continue;
    }
    if (!slot || !v) {
      fprintf(stderr, "varde serve: ukjent eller ufullstendig valg «%s». Se --help.\n", a);
      return 2;
    }
    *slot = v;
    i++;
  }
  if (!o->cert != !o->key) {
    fprintf(stderr, "varde serve: --tls-cert og --tls-key må brukes sammen.\n");
    return 2;
  }
  if (o->threads > 64) o->threads = 64;
  return 0;
}

static int run(const ServeOpts *o, const char *cert, const char *key) {
  WebApp app = {.db_path = o->db, .tls = cert != NULL};
  auth_config_init(&app.auth);
  Db *db = NULL;
  if (cli_open("serve", o->db, DB_OPEN_CREATE, &db)) return 2;   /* migrates, seals TOTP secrets kept in clear */
  db_close(db);
  web_init();
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  HttpConfig cfg = {.listen = o->listen, .tls_cert_pem = cert, .tls_key_pem = key,
                    .threads = o->threads, .handler = web_handle, .app = &app};
  char err[256];
  unsigned port = 0;
  HttpServer *s = http_start(&cfg, &port, err, sizeof err);
  if (!s) {
    fprintf(stderr, "varde serve: %s\n", err);
    return 2;
  }
  WebJobEnv env = {o->smtp, o->smtp_from, o->base_url};
  WebJobs *jobs = web_jobs_start(o->db, &env, o->job_interval && o->job_interval < 10 ? o->job_interval : 10,
                                 o->job_interval);
  const char *host = o->listen;
  size_t hl = strrchr(host, ':') - host;
  printf("Varde lytter på %s://%.*s:%u/\n", cert ? "https" : "http", (int)hl,
         hl ? host : "127.0.0.1", port);
  fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);
  fprintf(stderr, "varde serve: fikk signal %d, avslutter etter pågående forespørsler\n", sig);
  http_stop(s, 10);
  web_jobs_stop(jobs);
  return 0;
}

int cmd_serve(int argc, char **argv) {
  ServeOpts o = {.db = db_default_path(), .listen = "127.0.0.1:8080", .smtp = getenv("VARDE_SMTP_URL"),
                 .smtp_from = getenv("VARDE_SMTP_FROM")};
  int rc = parse_opts(argc, argv, &o);
  if (rc) return rc == 1 ? 0 : 2;
  char *cert = NULL, *key = NULL;
  if (o.cert && (!(cert = slurp(o.cert)) || !(key = slurp(o.key)))) {
    free(cert);
    return 2;
  }
  rc = run(&o, cert, key);
  free(cert);
  if (key) {
    memset(key, 0, strlen(key));
    free(key);
  }
  return rc;
}
