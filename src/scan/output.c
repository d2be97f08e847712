/* output.c — writing a ScanReport as JSON lines (schema in varde-scan.1),
 * CSV (one row per open port or finding) or a readable table. */
#include "scan/output.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "scan/tls.h"

static void json_str(FILE *f, const char *s) {
  if (!s) {
    fputs("null", f);
    return;
  }
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
    else if (*p == '\n') fputs("\\n", f);
    else if (*p == '\r') fputs("\\r", f);
    else if (*p == '\t') fputs("\\t", f);
    else if (*p < 0x20 || *p == 0x7f) fprintf(f, "\\u%04x", *p);
    else fputc(*p, f);
  }
  fputc('"', f);
}

static void iso(int64_t t, char *out, size_t n) {
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void json_kv(FILE *f, const char *k, const char *v) {
  fprintf(f, ",\"%s\":", k);
  json_str(f, v);
}

static void json_versions(FILE *f, unsigned v) {
  fputs(",\"versions\":[", f);
  int first = 1;
  for (unsigned bit = SCAN_TLS10; bit <= SCAN_TLS13; bit <<= 1)
    if (v & bit) {
      fprintf(f, "%s\"%s\"", first ? "" : ",", scan_tls_version_name(bit));
      first = 0;
    }
  fputc(']', f);
}

static void json_port(FILE *f, const ScanHost *h, const ScanPort *p) {
  fputs("{\"type\":\"port\",\"addr\":", f);
  json_str(f, h->addrstr);
  fprintf(f, ",\"port\":%u,\"proto\":\"tcp\",\"state\":\"%s\",\"rtt_ms\":%d}\n",
          p->port, scan_state_name(p->state), p->rtt_ms);
  if (p->svc.name || p->svc.evidence) {
    fputs("{\"type\":\"service\",\"addr\":", f);
    json_str(f, h->addrstr);
    fprintf(f, ",\"port\":%u", p->port);
    json_kv(f, "service", p->svc.name);
    json_kv(f, "product", p->svc.product);
    json_kv(f, "version", p->svc.version);
    json_kv(f, "cpe", p->svc.cpe);
    json_kv(f, "extra", p->svc.extra);
    fprintf(f, ",\"tls\":%s,\"confidence\":\"%s\"", p->svc.tls ? "true" : "false",
            scan_conf_name(p->svc.conf));
    json_kv(f, "method", p->svc.method);
    json_kv(f, "evidence", p->svc.evidence);
    fputs("}\n", f);
  }
  if (p->tls) {
    const ScanTls *t = p->tls;
    fputs("{\"type\":\"tls\",\"addr\":", f);
    json_str(f, h->addrstr);
    fprintf(f, ",\"port\":%u", p->port);
    json_versions(f, t->versions);
    json_kv(f, "subject", t->subject);
    json_kv(f, "issuer", t->issuer);
    json_kv(f, "san", t->san);
    json_kv(f, "not_before", t->not_before);
    json_kv(f, "not_after", t->not_after);
    fprintf(f, ",\"self_signed\":%s,\"expired\":%s,\"name_mismatch\":%s",
            t->self_signed ? "true" : "false", t->expired ? "true" : "false",
            t->name_mismatch ? "true" : "false");
    json_kv(f, "weak_ciphers", t->weak);
    json_kv(f, "chain", t->chain);
    json_kv(f, "starttls", t->starttls);
    fputs("}\n", f);
  }
  for (size_t i = 0; i < p->nfindings; i++) {
    const ScanFinding *x = &p->findings[i];
    fputs("{\"type\":\"finding\",\"addr\":", f);
    json_str(f, h->addrstr);
    fprintf(f, ",\"port\":%u", p->port);
    json_kv(f, "id", x->id);
    json_kv(f, "title", x->title);
    fprintf(f, ",\"severity\":\"%s\",\"confidence\":\"%s\"", scan_sev_name(x->sev),
            scan_conf_name(x->conf));
    json_kv(f, "evidence", x->evidence);
    fputs("}\n", f);
  }
}

void scan_write_json(FILE *f, const ScanReport *r) {
  char a[32], b[32];
  iso(r->started, a, sizeof a);
  iso(r->finished, b, sizeof b);
  fprintf(f, "{\"type\":\"scan\",\"schema\":1,\"started\":\"%s\",\"finished\":\"%s\","
          "\"hosts\":%zu,\"ports_per_host\":%zu,\"connects\":%lu,\"refused\":%lu,"
          "\"interrupted\":%s}\n", a, b, r->nhosts, r->nports_planned, r->connects,
          r->refused, r->interrupted ? "true" : "false");
  for (size_t i = 0; i < r->nhosts; i++) {
    const ScanHost *h = &r->hosts[i];
    fputs("{\"type\":\"host\",\"addr\":", f);
    json_str(f, h->addrstr);
    json_kv(f, "name", h->name);
    fprintf(f, ",\"open\":%zu,\"closed\":%u,\"filtered\":%u,\"skipped\":%u,"
            "\"timed_out\":%s,\"unreachable\":%s,\"up\":%s}\n", h->nports,
            h->nclosed, h->nfiltered, h->nskipped, h->timed_out ? "true" : "false",
            h->unreachable ? "true" : "false", h->down ? "false" : "true");
    for (size_t j = 0; j < h->nports; j++) json_port(f, h, &h->ports[j]);
  }
}

/* CSV field: always quoted; a leading = + - @ gets a ' so spreadsheets do not
 * run it as a formula. */
static void csv_str(FILE *f, const char *s, int last) {
  fputc('"', f);
  if (s && (*s == '=' || *s == '+' || *s == '-' || *s == '@')) fputc('\'', f);
  for (; s && *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
  fputc(last ? '\n' : ',', f);
}

void scan_write_csv(FILE *f, const ScanReport *r) {
  fputs("addr,port,record,service,product,version,cpe,confidence,id,severity,"
        "title,evidence\n", f);
  for (size_t i = 0; i < r->nhosts; i++) {
    const ScanHost *h = &r->hosts[i];
    for (size_t j = 0; j < h->nports; j++) {
      const ScanPort *p = &h->ports[j];
      char port[8];
      snprintf(port, sizeof port, "%u", p->port);
      const char *row[] = {h->addrstr, port, "service", p->svc.name, p->svc.product,
                           p->svc.version, p->svc.cpe, scan_conf_name(p->svc.conf),
                           "", "", "", p->svc.evidence};
      for (int k = 0; k < 12; k++) csv_str(f, row[k], k == 11);
      for (size_t x = 0; x < p->nfindings; x++) {
        const ScanFinding *fi = &p->findings[x];
        const char *frow[] = {h->addrstr, port, "finding", p->svc.name, "", "", "",
                              scan_conf_name(fi->conf), fi->id, scan_sev_name(fi->sev),
                              fi->title, fi->evidence};
        for (int k = 0; k < 12; k++) csv_str(f, frow[k], k == 11);
      }
    }
  }
}

static const char *conf_no(ScanConf c) {
  return c == SCONF_HIGH ? "høy" : c == SCONF_MEDIUM ? "middels" : "lav";
}

static void table_port(FILE *f, const ScanPort *p) {
  char prod[160] = "";
  snprintf(prod, sizeof prod, "%s%s%s%s%s%s", p->svc.product ? p->svc.product : "",
           p->svc.version ? " " : "", p->svc.version ? p->svc.version : "",
           p->svc.extra ? " (" : "", p->svc.extra ? p->svc.extra : "",
           p->svc.extra ? ")" : "");
  char name[32];
  snprintf(name, sizeof name, "%s%s", p->svc.name ? p->svc.name : "?",
           p->svc.tls && p->svc.name && strcmp(p->svc.name, "tls") ? "/tls" : "");
  fprintf(f, "  %5u/tcp  %-12s %-44s %s\n", p->port, name, prod,
          p->svc.name ? conf_no(p->svc.conf) : "");
  if (p->svc.cpe) fprintf(f, "             %s\n", p->svc.cpe);
  if (p->tls) {
    fprintf(f, "             TLS:");
    for (unsigned bit = SCAN_TLS10; bit <= SCAN_TLS13; bit <<= 1)
      if (p->tls->versions & bit) fprintf(f, " %s", scan_tls_version_name(bit));
    fprintf(f, "; gyldig til %s; %s\n", p->tls->not_after ? p->tls->not_after : "?",
            p->tls->subject ? p->tls->subject : "");
  }
  for (size_t x = 0; x < p->nfindings; x++)
    fprintf(f, "             ! %-8s %-28s %s (sikkerhet %s)\n",
            scan_sev_name(p->findings[x].sev), p->findings[x].id,
            p->findings[x].title, conf_no(p->findings[x].conf));
}

void scan_write_table(FILE *f, const ScanReport *r) {
  for (size_t i = 0; i < r->nhosts; i++) {
    const ScanHost *h = &r->hosts[i];
    if (h->nports == 0 && r->nhosts > 1) continue;   /* quiet hosts: summary only */
    fprintf(f, "%s%s%s%s: %zu åpne, %u lukkede, %u filtrerte%s%s\n", h->addrstr,
            h->name ? " (" : "", h->name ? h->name : "", h->name ? ")" : "",
            h->nports, h->nclosed, h->nfiltered, h->nskipped ? ", noen hoppet over" : "",
            h->timed_out ? ", tidsavbrudd for verten" : "");
    for (size_t j = 0; j < h->nports; j++) table_port(f, &h->ports[j]);
  }
  size_t up = 0, open = 0, nf = 0;
  for (size_t i = 0; i < r->nhosts; i++) {
    up += r->hosts[i].nports > 0;
    open += r->hosts[i].nports;
    for (size_t j = 0; j < r->hosts[i].nports; j++) nf += r->hosts[i].ports[j].nfindings;
  }
  fprintf(f, "\n%zu verter skannet (%zu med åpne porter), %zu åpne porter, %zu funn, "
          "%ld s%s\n", r->nhosts, up, open, nf, (long)(r->finished - r->started),
          r->interrupted ? " — AVBRUTT, resultatene er ufullstendige" : "");
}
