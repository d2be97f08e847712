/* report.c — the ScanReport container: arena-backed hosts, open ports,
 * findings, evidence escaping and the names of the enum values. */
#include "scan/scan.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *conf_names[] = {"low", "medium", "high"};
static const char *sev_names[] = {"info", "low", "medium", "high", "critical"};
static const char *state_names[] = {"open", "closed", "filtered"};

const char *scan_conf_name(ScanConf c) {
  return (unsigned)c < 3 ? conf_names[c] : "low";
}
const char *scan_sev_name(ScanSev s) {
  return (unsigned)s < 5 ? sev_names[s] : "info";
}
const char *scan_state_name(ScanPortState s) {
  return (unsigned)s < 3 ? state_names[s] : "filtered";
}

static int find_name(const char *const *names, int n, const char *s) {
  for (int i = 0; s && i < n; i++)
    if (!strcmp(names[i], s)) return i;
  return -1;
}
int scan_conf_parse(const char *s) { return find_name(conf_names, 3, s); }
int scan_sev_parse(const char *s) { return find_name(sev_names, 5, s); }

int scan_report_init(ScanReport *r) {
  memset(r, 0, sizeof *r);
  r->arena = arena_new((size_t)512 << 20);
  if (!r->arena) return VERR_NOMEM;
  pthread_mutex_init(&r->lock, NULL);
  return 0;
}

void scan_report_free(ScanReport *r) {
  if (!r->arena) return;
  for (size_t i = 0; i < r->nhosts; i++) {
    for (size_t j = 0; j < r->hosts[i].nports; j++) free(r->hosts[i].ports[j].findings);
    free(r->hosts[i].ports);
  }
  free(r->hosts);
  arena_free(r->arena);
  pthread_mutex_destroy(&r->lock);
  memset(r, 0, sizeof *r);
}

const char *scan_rstrdup(ScanReport *r, const char *s) {
  if (!s) return NULL;
  pthread_mutex_lock(&r->lock);
  const char *c = arena_strdup(r->arena, s);
  pthread_mutex_unlock(&r->lock);
  return c;
}

/* Port arrays are plain heap arrays (they grow); strings live in the arena. */
ScanPort *scan_host_add_port(ScanReport *r, ScanHost *h, uint16_t port, int rtt_ms) {
  ScanPort *p = NULL;
  pthread_mutex_lock(&r->lock);
  if (h->nports == h->capports) {
    size_t cap = h->capports ? h->capports * 2 : 8;
    ScanPort *v = realloc(h->ports, cap * sizeof *v);
    if (!v) goto out;
    h->ports = v;
    h->capports = cap;
  }
  p = &h->ports[h->nports++];
  memset(p, 0, sizeof *p);
  p->port = port;
  p->rtt_ms = rtt_ms;
out:
  pthread_mutex_unlock(&r->lock);
  return p;
}

void scan_host_sockaddr(const ScanHost *h, uint16_t port, struct sockaddr_storage *out) {
  memset(out, 0, sizeof *out);
  memcpy(out, &h->addr, h->addrlen);
  if (out->ss_family == AF_INET) ((struct sockaddr_in *)out)->sin_port = htons(port);
  else ((struct sockaddr_in6 *)out)->sin6_port = htons(port);
}

int scan_port_add_finding(ScanReport *r, ScanPort *p, const char *id,
                          const char *title, ScanSev sev, ScanConf conf,
                          const char *evidence) {
  int rc = VERR_NOMEM;
  pthread_mutex_lock(&r->lock);
  if (p->nfindings == p->capfindings) {
    size_t cap = p->capfindings ? p->capfindings * 2 : 4;
    ScanFinding *v = realloc(p->findings, cap * sizeof *v);
    if (!v) goto out;
    p->findings = v;
    p->capfindings = cap;
  }
  ScanFinding *f = &p->findings[p->nfindings];
  f->id = arena_strdup(r->arena, id);
  f->title = arena_strdup(r->arena, title);
  f->evidence = evidence ? arena_strdup(r->arena, evidence) : NULL;
  f->sev = sev;
  f->conf = conf;
  if (!f->id || !f->title) goto out;
  p->nfindings++;
  rc = 0;
out:
  pthread_mutex_unlock(&r->lock);
  return rc;
}

/* Printable ASCII is kept (backslash doubled); \r \n \t are named; other
 * bytes become \xNN. Output is cut at max bytes of input. */
char *scan_escape(Arena *a, const unsigned char *p, size_t n, size_t max) {
  if (n > max) n = max;
  char *out = a ? arena_alloc(a, n * 4 + 1) : malloc(n * 4 + 1);
  if (!out) return NULL;
  size_t w = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = p[i];
    if (c == '\\') { out[w++] = '\\'; out[w++] = '\\'; }
    else if (c == '\r') { out[w++] = '\\'; out[w++] = 'r'; }
    else if (c == '\n') { out[w++] = '\\'; out[w++] = 'n'; }
    else if (c == '\t') { out[w++] = '\\'; out[w++] = 't'; }
    else if (c >= 0x20 && c < 0x7f) out[w++] = (char)c;
    else w += (size_t)snprintf(out + w, 5, "\\x%02x", c);
  }
  out[w] = '\0';
  return out;
}
