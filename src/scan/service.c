/* service.c — the service phase: for every open port a passive banner read,
 * then the small probes most likely to fit the port (TLS, HTTP, binary
 * protocols), run by a pool of worker threads. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/engine.h"
#include "scan/http.h"
#include "scan/ident.h"
#include "scan/netio.h"
#include "scan/tls.h"

typedef struct Hint {
  uint16_t port;
  const char *service;   /* name if nothing better is found */
  const char *probe;     /* probe to try first, or NULL (server speaks first) */
} Hint;

static const Hint hints[] = {
  {21, "ftp", NULL}, {22, "ssh", NULL}, {23, "telnet", NULL}, {25, "smtp", NULL},
  {53, "dns", "dns"}, {80, "http", "http"}, {110, "pop3", NULL}, {135, "msrpc", NULL},
  {139, "smb", "smb"}, {143, "imap", NULL}, {161, "snmp", "snmp"},
  {389, "ldap", "ldap"}, {443, "https", "tls"}, {445, "smb", "smb"},
  {465, "smtps", "tls"}, {587, "smtp", NULL}, {636, "ldaps", "tls"},
  {993, "imaps", "tls"}, {995, "pop3s", "tls"}, {1433, "mssql", "mssql"},
  {3268, "ldap", "ldap"}, {3306, "mysql", NULL}, {3389, "rdp", "rdp"},
  {5432, "postgresql", "postgresql"}, {5900, "vnc", NULL}, {5901, "vnc", NULL},
  {5985, "http", "http"}, {5986, "https", "tls"}, {6379, "redis", "redis"},
  {8000, "http", "http"}, {8008, "http", "http"}, {8080, "http", "http"},
  {8081, "http", "http"}, {8443, "https", "tls"}, {8888, "http", "http"},
  {9200, "http", "http"}, {9443, "https", "tls"},
};

static const Hint *hint_for(uint16_t port) {
  for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
    if (hints[i].port == port) return &hints[i];
  return NULL;
}

typedef struct Job {
  ScanReport *r;
  const ScanScope *scope;
  const ScanOpts *o;
} Job;

static void set_svc(ScanReport *r, ScanPort *p, const ScanIdent *id,
                    const char *method, const unsigned char *ev, size_t evn) {
  p->svc.name = scan_rstrdup(r, id->name);
  p->svc.product = id->product[0] ? scan_rstrdup(r, id->product) : NULL;
  p->svc.version = id->version[0] ? scan_rstrdup(r, id->version) : NULL;
  p->svc.cpe = id->cpe[0] ? scan_rstrdup(r, id->cpe) : NULL;
  p->svc.extra = id->extra[0] ? scan_rstrdup(r, id->extra) : NULL;
  p->svc.conf = id->conf;
  p->svc.method = method;
  if (ev && evn) {
    char *esc = scan_escape(NULL, ev, evn, 512);
    p->svc.evidence = scan_rstrdup(r, esc);
    free(esc);
  }
}

/* Parses a reply with the parser belonging to probe name. */
static int parse_reply(const char *probe, const unsigned char *b, size_t n,
                       uint16_t port, ScanIdent *id) {
  if (!strcmp(probe, "mssql")) return scan_ident_mssql(b, n, id);
  if (!strcmp(probe, "postgresql")) return scan_ident_pgsql(b, n, id);
  if (!strcmp(probe, "dns")) return scan_ident_dns(b, n, id);
  if (!strcmp(probe, "ldap")) return scan_ident_ldap(b, n, id);
  if (!strcmp(probe, "rdp")) return scan_ident_rdp(b, n, id);
  if (!strcmp(probe, "smb")) return scan_ident_smb(b, n, id);
  if (!strcmp(probe, "snmp")) return scan_ident_snmp(b, n, id);
  if (!strcmp(probe, "redis")) return scan_ident_redis(b, n, id);
  return scan_ident_banner(b, n, port, id) || scan_ident_mysql(b, n, id);
}

static int try_binary(Job *j, const ScanHost *h, ScanPort *p, const char *probe) {
  size_t len;
  const unsigned char *pl = scan_probe_payload(probe, &len);
  ScanConn c;
  if (!pl || scan_conn_open(&c, j->scope, h, p->port, j->o->probe_timeout_ms)) return 0;
  unsigned char buf[4096];
  size_t n = 0;
  if (scan_conn_send(&c, pl, len) == 0)
    n = scan_conn_read(&c, buf, sizeof buf, j->o->probe_timeout_ms, 200);
  scan_conn_close(&c);
  ScanIdent id;
  if (!n || !parse_reply(probe, buf, n, p->port, &id)) return 0;
  char method[32];
  snprintf(method, sizeof method, "probe:%s", probe);
  set_svc(j->r, p, &id, scan_rstrdup(j->r, method), buf, n);
  if (!strcmp(id.name, "redis") && id.version[0])
    scan_port_add_finding(j->r, p, "redis-no-auth",
                          "Redis svarer på INFO uten autentisering", SSEV_HIGH,
                          SCONF_HIGH, p->svc.evidence);
  return 1;
}

/* Passive read: what does the server say before we speak? */
static int try_banner(Job *j, const ScanHost *h, ScanPort *p, int wait_ms) {
  ScanConn c;
  if (scan_conn_open(&c, j->scope, h, p->port, j->o->probe_timeout_ms)) return 0;
  unsigned char buf[2048];
  size_t n = scan_conn_read(&c, buf, sizeof buf, wait_ms, 200);
  scan_conn_close(&c);
  if (!n) return 0;
  ScanIdent id;
  if (scan_ident_banner(buf, n, p->port, &id) || scan_ident_mysql(buf, n, &id)) {
    set_svc(j->r, p, &id, "banner", buf, n);
    return 1;
  }
  char *esc = scan_escape(NULL, buf, n, 512);   /* unknown, but keep the bytes */
  p->svc.evidence = scan_rstrdup(j->r, esc);
  free(esc);
  return 0;
}

/* TLS handshake; then what speaks inside (banner first, else HTTP). */
static int try_tls(Job *j, const ScanHost *h, ScanPort *p) {
  ScanConn c;
  if (scan_conn_open(&c, j->scope, h, p->port, j->o->probe_timeout_ms)) return 0;
  if (scan_tls_start(&c, h->name, 0)) {
    scan_conn_close(&c);
    return 0;
  }
  p->svc.tls = 1;
  unsigned char buf[2048];
  size_t n = scan_conn_read(&c, buf, sizeof buf, 500, 200);
  scan_conn_close(&c);
  ScanIdent id;
  if (n && (scan_ident_banner(buf, n, p->port, &id) || scan_ident_mysql(buf, n, &id)))
    set_svc(j->r, p, &id, "tls+banner", buf, n);
  scan_tls_check(j->r, j->scope, h, p, j->o, NULL);
  if (!p->svc.name) {
    char hb[4096];
    ScanHttpReply rep;
    size_t hn = scan_http_get(j->scope, h, p->port, 1, "/", j->o->probe_timeout_ms,
                              hb, sizeof hb);
    if (hn && scan_http_parse(hb, hn, &rep) == 0) {
      p->svc.name = "http";
      p->svc.conf = SCONF_HIGH;
      p->svc.method = "tls+probe:http";
    } else {
      p->svc.name = "tls";
      p->svc.conf = SCONF_MEDIUM;
      p->svc.method = "tls";
    }
  }
  return 1;
}

static int try_http(Job *j, const ScanHost *h, ScanPort *p) {
  char buf[4096];
  ScanHttpReply rep;
  size_t n = scan_http_get(j->scope, h, p->port, 0, "/", j->o->probe_timeout_ms,
                           buf, sizeof buf);
  if (!n || scan_http_parse(buf, n, &rep)) return 0;
  p->svc.name = "http";
  p->svc.conf = SCONF_HIGH;
  p->svc.method = "probe:http";
  return 1;
}

static int try_probe(Job *j, const ScanHost *h, ScanPort *p, const char *probe) {
  if (!strcmp(probe, "tls")) return try_tls(j, h, p);
  if (!strcmp(probe, "http")) return try_http(j, h, p);
  return try_binary(j, h, p, probe);
}

/* Mail protocols in plain text: is the upgrade to TLS offered, and if so,
 * what does the TLS behind it look like? */
static void check_starttls(Job *j, const ScanHost *h, ScanPort *p) {
  const char *proto = p->svc.name;
  if (strcmp(proto, "smtp") && strcmp(proto, "imap") && strcmp(proto, "pop3")) return;
  ScanConn c;
  if (scan_conn_open(&c, j->scope, h, p->port, j->o->probe_timeout_ms)) return;
  int pre = scan_starttls_preamble(&c, proto);
  int ok = pre == 0 && scan_tls_start(&c, h->name, 0) == 0;
  scan_conn_close(&c);
  if (ok) {
    scan_tls_check(j->r, j->scope, h, p, j->o, proto);
    return;
  }
  if (pre < 0) return;   /* no capability answer: nothing known */
  char id[32], title[96];
  snprintf(id, sizeof id, "%s-no-starttls", proto);
  snprintf(title, sizeof title, "%s uten kryptering (STARTTLS %s)",
           !strcmp(proto, "smtp") ? "E-post (SMTP)" : !strcmp(proto, "imap") ? "IMAP" : "POP3",
           pre == 1 ? "tilbys ikke" : "annonsert, men feilet");
  scan_port_add_finding(j->r, p, id, title, SSEV_MEDIUM,
                        pre == 1 ? SCONF_HIGH : SCONF_MEDIUM, p->svc.evidence);
}

static void identify(Job *j, const ScanHost *h, ScanPort *p) {
  const Hint *hint = hint_for(p->port);
  int client_first = hint && hint->probe;
  int done = try_banner(j, h, p, client_first ? 300 : j->o->probe_timeout_ms);
  const char *order[4] = {client_first ? hint->probe : NULL, "tls", "http", NULL};
  for (int i = 0; !done && i < 3 && !scan_stop_flag; i++) {
    if (!order[i] || (i > 0 && order[0] && !strcmp(order[i], order[0]))) continue;
    done = try_probe(j, h, p, order[i]);
  }
  if (!p->svc.name && hint) {   /* nothing answered: the port number guesses */
    p->svc.name = hint->service;
    p->svc.conf = SCONF_LOW;
    p->svc.method = "port";
  }
  if (p->svc.name && !strcmp(p->svc.name, "http"))
    scan_http_check(j->r, j->scope, h, p, j->o, p->svc.tls);
  if (p->svc.name && !p->svc.tls && p->svc.conf > SCONF_LOW) check_starttls(j, h, p);
  if (p->svc.name && !strcmp(p->svc.name, "telnet"))
    scan_port_add_finding(j->r, p, "cleartext-telnet",
                          "Telnet sender passord i klartekst", SSEV_MEDIUM,
                          SCONF_HIGH, p->svc.evidence);
}

typedef struct Pool {
  Job job;
  pthread_mutex_t mu;
  size_t host, port;   /* next item */
} Pool;

static int next_item(Pool *pl, ScanHost **h, ScanPort **p) {
  int ok = 0;
  pthread_mutex_lock(&pl->mu);
  ScanReport *r = pl->job.r;
  while (!scan_stop_flag && pl->host < r->nhosts) {
    if (pl->port < r->hosts[pl->host].nports) {
      *h = &r->hosts[pl->host];
      *p = &r->hosts[pl->host].ports[pl->port++];
      ok = 1;
      break;
    }
    pl->host++;
    pl->port = 0;
  }
  pthread_mutex_unlock(&pl->mu);
  return ok;
}

static void *worker(void *arg) {
  Pool *pl = arg;
  ScanHost *h;
  ScanPort *p;
  while (next_item(pl, &h, &p)) identify(&pl->job, h, p);
  return NULL;
}

int scan_services_run(ScanReport *r, const ScanScope *scope, const ScanOpts *o) {
  Pool pl = {.job = {r, scope, o}};
  pthread_mutex_init(&pl.mu, NULL);
  int nw = o->probe_workers > 0 ? o->probe_workers : 1;
  if (nw > 256) nw = 256;
  pthread_t th[256];
  int started = 0;
  for (; started < nw; started++)
    if (pthread_create(&th[started], NULL, worker, &pl)) break;
  if (started == 0) worker(&pl);
  for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
  pthread_mutex_destroy(&pl.mu);
  return 0;
}
