/* http.c — HTTP reply parsing and the HTTP checks: Server/X-Powered-By
 * versions, missing security headers, and a short list of admin and
 * default pages (guarded against servers that answer 200 to everything). */
#include "scan/http.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan/ident.h"
#include "scan/tls.h"

static const char *line_end(const char *p, const char *end) {
  const char *q = memchr(p, '\n', (size_t)(end - p));
  return q ? q : NULL;
}

int scan_http_parse(const char *p, size_t n, ScanHttpReply *out) {
  memset(out, 0, sizeof *out);
  const char *end = p + n;
  if (n < 12 || memcmp(p, "HTTP/1.", 7) || !isdigit((unsigned char)p[7]) || p[8] != ' ')
    return -1;
  out->minor = p[7] - '0';
  if (!isdigit((unsigned char)p[9]) || !isdigit((unsigned char)p[10]) ||
      !isdigit((unsigned char)p[11]))
    return -1;
  out->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
  if (out->status < 100 || out->status > 599) return -1;
  const char *l = line_end(p, end);
  while (l) {
    const char *s = l + 1;
    const char *e = line_end(s, end);
    if (!e) break;
    const char *ve = e > s && e[-1] == '\r' ? e - 1 : e;
    if (ve == s) {                    /* blank line: end of headers */
      out->body = e + 1;
      out->body_len = (size_t)(end - out->body);
      return 0;
    }
    const char *colon = memchr(s, ':', (size_t)(ve - s));
    if (colon && colon > s && out->nh < SCAN_HTTP_MAXHDR) {
      ScanHttpHeader *h = &out->h[out->nh++];
      h->name = s;
      h->nlen = (size_t)(colon - s);
      const char *v = colon + 1;
      while (v < ve && (*v == ' ' || *v == '\t')) v++;
      const char *vend = ve;
      while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t')) vend--;
      h->value = v;
      h->vlen = (size_t)(vend - v);
    }
    l = e;
  }
  out->truncated = 1;
  return 0;
}

const char *scan_http_header(const ScanHttpReply *r, const char *name, char *buf,
                             size_t cap) {
  size_t nl = strlen(name);
  for (size_t i = 0; i < r->nh; i++) {
    if (r->h[i].nlen != nl || strncasecmp(r->h[i].name, name, nl)) continue;
    size_t n = r->h[i].vlen < cap - 1 ? r->h[i].vlen : cap - 1;
    memcpy(buf, r->h[i].value, n);
    buf[n] = '\0';
    for (size_t k = 0; k < n; k++)
      if (!isprint((unsigned char)buf[k])) buf[k] = '?';
    return buf;
  }
  return NULL;
}

size_t scan_http_get(const ScanScope *scope, const ScanHost *h, uint16_t port,
                     int tls, const char *path, int timeout_ms, char *buf,
                     size_t cap) {
  ScanConn c;
  if (scan_conn_open(&c, scope, h, port, timeout_ms)) return 0;
  size_t got = 0;
  if (!tls || scan_tls_start(&c, h->name, 0) == 0) {
    char req[512];
    const char *host = h->name ? h->name : h->addrstr;
    int v6 = !h->name && strchr(host, ':');
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: %s%s%s\r\nUser-Agent: Varde-scan/%s\r\n"
                     "Accept: */*\r\nConnection: close\r\n\r\n",
                     path, v6 ? "[" : "", host, v6 ? "]" : "", VARDE_VERSION);
    if (n > 0 && (size_t)n < sizeof req && scan_conn_send(&c, req, (size_t)n) == 0)
      got = scan_conn_read(&c, (unsigned char *)buf, cap - 1, timeout_ms, 300);
  }
  buf[got] = '\0';
  scan_conn_close(&c);
  return got;
}

/* Fills the port's service from the Server header when nothing better is known. */
static void server_ident(ScanReport *r, ScanPort *p, const char *server) {
  ScanIdent id;
  if (!scan_ident_http_server(server, &id) || !id.product[0]) return;
  if (p->svc.product && p->svc.version) return;
  p->svc.product = scan_rstrdup(r, id.product);
  p->svc.version = id.version[0] ? scan_rstrdup(r, id.version) : NULL;
  p->svc.cpe = id.cpe[0] ? scan_rstrdup(r, id.cpe) : NULL;
  p->svc.extra = id.extra[0] ? scan_rstrdup(r, id.extra) : NULL;
  /* a Server header can be set to anything: never better than medium */
  p->svc.conf = id.conf > SCONF_MEDIUM ? SCONF_MEDIUM : id.conf;
}

static void header_checks(ScanReport *r, ScanPort *p, const ScanHttpReply *rep,
                          int tls) {
  char v[512], ev[600];
  if (scan_http_header(rep, "Server", v, sizeof v)) {
    server_ident(r, p, v);
    if (strpbrk(v, "0123456789")) {
      snprintf(ev, sizeof ev, "Server: %s", v);
      scan_port_add_finding(r, p, "http-server-version",
                            "Webtjeneren oppgir programvareversjon i Server-feltet",
                            SSEV_LOW, SCONF_HIGH, ev);
    }
  }
  if (scan_http_header(rep, "X-Powered-By", v, sizeof v)) {
    snprintf(ev, sizeof ev, "X-Powered-By: %s", v);
    scan_port_add_finding(r, p, "http-powered-by",
                          "Webtjeneren oppgir rammeverk/versjon i X-Powered-By",
                          SSEV_LOW, SCONF_HIGH, ev);
  }
  int csp = scan_http_header(rep, "Content-Security-Policy", v, sizeof v) != NULL;
  int fa = csp && strstr(v, "frame-ancestors");
  if (tls && !scan_http_header(rep, "Strict-Transport-Security", v, sizeof v))
    scan_port_add_finding(r, p, "http-missing-hsts",
                          "HTTPS-svaret mangler Strict-Transport-Security (HSTS)",
                          SSEV_LOW, SCONF_HIGH, "ingen Strict-Transport-Security i svaret på /");
  if (!csp)
    scan_port_add_finding(r, p, "http-missing-csp",
                          "Svaret mangler Content-Security-Policy", SSEV_LOW,
                          SCONF_HIGH, "ingen Content-Security-Policy i svaret på /");
  if (!scan_http_header(rep, "X-Content-Type-Options", v, sizeof v))
    scan_port_add_finding(r, p, "http-missing-xcto",
                          "Svaret mangler X-Content-Type-Options", SSEV_LOW,
                          SCONF_HIGH, "ingen X-Content-Type-Options i svaret på /");
  if (!fa && !scan_http_header(rep, "X-Frame-Options", v, sizeof v))
    scan_port_add_finding(r, p, "http-missing-frame-options",
                          "Svaret mangler X-Frame-Options og CSP frame-ancestors",
                          SSEV_LOW, SCONF_HIGH, "verken X-Frame-Options eller frame-ancestors");
}

typedef struct AdminPage {
  const char *path, *marker;   /* marker: text the body must contain, or NULL */
  int allow401;
  ScanSev sev;
  const char *id, *title;
} AdminPage;

static const AdminPage admin_pages[] = {
  {"/.git/HEAD", "ref: ", 0, SSEV_HIGH, "http-git-exposed", "Git-katalogen er eksponert på webtjeneren"},
  {"/.env", "=", 0, SSEV_HIGH, "http-env-exposed", "Miljøfila .env er lesbar over web"},
  {"/server-status", "Apache Server Status", 0, SSEV_MEDIUM, "http-apache-status", "Apache server-status er åpen"},
  {"/nginx_status", "Active connections", 0, SSEV_MEDIUM, "http-nginx-status", "nginx stub_status er åpen"},
  {"/phpmyadmin/", "phpMyAdmin", 0, SSEV_MEDIUM, "http-phpmyadmin", "phpMyAdmin er tilgjengelig"},
  {"/manager/html", NULL, 1, SSEV_MEDIUM, "http-tomcat-manager", "Tomcat Manager er tilgjengelig"},
  {"/actuator/env", "propertySources", 0, SSEV_HIGH, "http-actuator-env", "Spring Actuator /env er åpen"},
  {"/wp-login.php", "wp-", 0, SSEV_INFO, "http-wordpress-login", "WordPress-innlogging funnet"},
};

static void admin_checks(ScanReport *r, const ScanScope *scope, const ScanHost *h,
                         ScanPort *p, const ScanOpts *o, int tls) {
  char *buf = malloc(16384);
  if (!buf) return;
  ScanHttpReply rep;
  /* a server answering 200 to a made-up path makes page hits meaningless */
  size_t n = scan_http_get(scope, h, p->port, tls, "/varde-finnes-ikke-7f3a", o->probe_timeout_ms, buf, 16384);
  int soft404 = n && scan_http_parse(buf, n, &rep) == 0 && rep.status == 200;
  for (size_t i = 0; !soft404 && i < sizeof admin_pages / sizeof admin_pages[0]; i++) {
    const AdminPage *a = &admin_pages[i];
    n = scan_http_get(scope, h, p->port, tls, a->path, o->probe_timeout_ms, buf, 16384);
    if (!n || scan_http_parse(buf, n, &rep)) continue;
    int hit = rep.status == 200 || (a->allow401 && rep.status == 401);
    if (hit && a->marker && rep.status == 200)
      hit = rep.body && memmem(rep.body, rep.body_len, a->marker, strlen(a->marker));
    if (!hit) continue;
    char ev[300], *esc = scan_escape(NULL, (const unsigned char *)(rep.body ? rep.body : ""),
                                     rep.body_len, 120);
    snprintf(ev, sizeof ev, "GET %s → %d; %s", a->path, rep.status, esc ? esc : "");
    free(esc);
    scan_port_add_finding(r, p, a->id, a->title, a->sev, a->marker ? SCONF_HIGH : SCONF_MEDIUM, ev);
  }
  free(buf);
}

void scan_http_check(ScanReport *r, const ScanScope *scope, const ScanHost *h,
                     ScanPort *p, const ScanOpts *o, int tls) {
  char *buf = malloc(16384);
  if (!buf) return;
  ScanHttpReply rep;
  size_t n = scan_http_get(scope, h, p->port, tls, "/", o->probe_timeout_ms, buf, 16384);
  if (n && scan_http_parse(buf, n, &rep) == 0) {
    header_checks(r, p, &rep, tls);
    if (!p->svc.evidence) {
      const char *hdr_end = rep.body ? rep.body : buf + n;
      char *esc = scan_escape(NULL, (const unsigned char *)buf, (size_t)(hdr_end - buf), 400);
      p->svc.evidence = scan_rstrdup(r, esc);
      free(esc);
    }
  }
  free(buf);
  if (o->admin_pages) admin_checks(r, scope, h, p, o, tls);
}
