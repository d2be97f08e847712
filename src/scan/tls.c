/* tls.c — TLS facts for one port: versions accepted, the certificate (expiry,
 * self-signed, name, chain, trust) and weak cipher classes, as findings. */
#include "scan/tls.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const struct { int v; unsigned bit; const char *name; } versions[] = {
  {TLS1_VERSION, SCAN_TLS10, "TLSv1.0"}, {TLS1_1_VERSION, SCAN_TLS11, "TLSv1.1"},
  {TLS1_2_VERSION, SCAN_TLS12, "TLSv1.2"}, {TLS1_3_VERSION, SCAN_TLS13, "TLSv1.3"},
};

static int is_name(const char *s) {
  unsigned char b[16];
  return s && *s && inet_pton(AF_INET, s, b) != 1 && inet_pton(AF_INET6, s, b) != 1;
}

int scan_tls_start(ScanConn *c, const char *sni, int version) {
  c->ctx = SSL_CTX_new(TLS_client_method());
  if (!c->ctx) return -1;
  SSL_CTX_set_security_level(c->ctx, 0);
  SSL_CTX_set_cipher_list(c->ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0");
  SSL_CTX_set_default_verify_paths(c->ctx);
  SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
  if (version) {
    SSL_CTX_set_min_proto_version(c->ctx, version);
    SSL_CTX_set_max_proto_version(c->ctx, version);
  }
  c->ssl = SSL_new(c->ctx);
  if (!c->ssl || !SSL_set_fd(c->ssl, c->fd)) return -1;
  if (is_name(sni)) SSL_set_tlsext_host_name(c->ssl, sni);
  int rc = SSL_connect(c->ssl) == 1 ? 0 : -1;
  ERR_clear_error();
  return rc;
}

static void name_line(X509_NAME *n, char *out, size_t cap) {
  out[0] = '\0';
  BIO *b = BIO_new(BIO_s_mem());
  if (!b) return;
  X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  int len = BIO_read(b, out, (int)cap - 1);
  out[len > 0 ? len : 0] = '\0';
  BIO_free(b);
}

static int64_t asn1_time(const ASN1_TIME *t, char *iso, size_t cap) {
  struct tm tm;
  iso[0] = '\0';
  if (!t || !ASN1_TIME_to_tm(t, &tm)) return 0;
  strftime(iso, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return (int64_t)timegm(&tm);
}

static void san_list(X509 *cert, char *out, size_t cap) {
  out[0] = '\0';
  GENERAL_NAMES *gens = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
  size_t w = 0;
  for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens) && w + 64 < cap; i++) {
    const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
    if (g->type == GEN_DNS) {
      const ASN1_STRING *s = g->d.dNSName;
      w += (size_t)snprintf(out + w, cap - w, "%sDNS:%.*s", w ? "," : "",
                            ASN1_STRING_length(s) > 60 ? 60 : ASN1_STRING_length(s),
                            (const char *)ASN1_STRING_get0_data(s));
    } else if (g->type == GEN_IPADD && (g->d.iPAddress->length == 4 ||
                                        g->d.iPAddress->length == 16)) {
      char a[64];
      inet_ntop(g->d.iPAddress->length == 4 ? AF_INET : AF_INET6,
                g->d.iPAddress->data, a, sizeof a);
      w += (size_t)snprintf(out + w, cap - w, "%sIP:%s", w ? "," : "", a);
    }
  }
  GENERAL_NAMES_free(gens);
}

static void chain_line(SSL *ssl, char *out, size_t cap) {
  STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
  size_t w = 0;
  out[0] = '\0';
  for (int i = 0; chain && i < sk_X509_num(chain) && i < 8 && w + 16 < cap; i++) {
    char s[256];
    name_line(X509_get_subject_name(sk_X509_value(chain, i)), s, sizeof s);
    w += (size_t)snprintf(out + w, cap - w, "%s%d: %s", i ? " | " : "", i, s);
  }
}

/* Certificate facts from an established session into t, findings onto p. */
static void cert_facts(ScanReport *r, const ScanHost *h, ScanPort *p, ScanTls *t,
                       SSL *ssl) {
  X509 *cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return;
  char subj[512], iss[512], san[512], nb[32], na[32], chain[1024], ev[1400];
  name_line(X509_get_subject_name(cert), subj, sizeof subj);
  name_line(X509_get_issuer_name(cert), iss, sizeof iss);
  san_list(cert, san, sizeof san);
  chain_line(ssl, chain, sizeof chain);
  asn1_time(X509_get0_notBefore(cert), nb, sizeof nb);
  t->not_after_epoch = asn1_time(X509_get0_notAfter(cert), na, sizeof na);
  t->subject = scan_rstrdup(r, subj);
  t->issuer = scan_rstrdup(r, iss);
  t->san = scan_rstrdup(r, san);
  t->not_before = scan_rstrdup(r, nb);
  t->not_after = scan_rstrdup(r, na);
  t->chain = scan_rstrdup(r, chain);
  t->self_signed = X509_check_issued(cert, cert) == X509_V_OK;
  t->expired = X509_cmp_current_time(X509_get0_notAfter(cert)) < 0;
  const char *want = h->name ? h->name : h->addrstr;
  t->name_mismatch = is_name(want) ? X509_check_host(cert, want, 0, 0, NULL) != 1
                                    : X509_check_ip_asc(cert, want, 0) != 1;
  long vr = SSL_get_verify_result(ssl);
  snprintf(ev, sizeof ev, "subject=%.300s; issuer=%.300s; notAfter=%s; SAN=%.200s; kjede: %.400s; "
           "verifisering: %s", subj, iss, na, san[0] ? san : "-", chain,
           X509_verify_cert_error_string(vr));
  if (t->expired)
    scan_port_add_finding(r, p, "tls-cert-expired", "TLS-sertifikatet er utløpt",
                          SSEV_HIGH, SCONF_HIGH, ev);
  else if (t->not_after_epoch && t->not_after_epoch - time(NULL) <= 30 * 86400)
    scan_port_add_finding(r, p, "tls-cert-expiring",
                          "TLS-sertifikatet utløper innen 30 dager", SSEV_LOW,
                          SCONF_HIGH, ev);
  if (t->self_signed)
    scan_port_add_finding(r, p, "tls-cert-self-signed",
                          "TLS-sertifikatet er selvsignert", SSEV_MEDIUM, SCONF_HIGH, ev);
  else if (vr != X509_V_OK)
    scan_port_add_finding(r, p, "tls-cert-untrusted",
                          "TLS-sertifikatkjeden er ikke klarert", SSEV_MEDIUM,
                          SCONF_MEDIUM, ev);
  if (t->name_mismatch) {
    char ev2[1500];
    snprintf(ev2, sizeof ev2, "forventet %s; %s", want, ev);
    scan_port_add_finding(r, p, "tls-cert-name-mismatch",
                          "TLS-sertifikatet gjelder ikke dette navnet/adressen",
                          SSEV_MEDIUM, is_name(want) ? SCONF_HIGH : SCONF_MEDIUM, ev2);
  }
  X509_free(cert);
}

/* Offers only the suites of one weak class; 1 when the server picks one. */
static int weak_accepted(const ScanScope *scope, const ScanHost *h, uint16_t port,
                         const ScanWeakClass *w, int timeout_ms, unsigned *suite,
                         const char *starttls) {
  unsigned char hello[512], reply[4096];
  size_t n = scan_tls_client_hello(hello, sizeof hello, w->suites, w->n,
                                   is_name(h->name) ? h->name : NULL);
  ScanConn c;
  if (!n || scan_conn_open_tls_ready(&c, scope, h, port, timeout_ms, starttls)) return 0;
  int ok = 0;
  if (scan_conn_send(&c, hello, n) == 0) {
    size_t got = scan_conn_read(&c, reply, sizeof reply, timeout_ms, 150);
    unsigned ver;
    ok = scan_tls_parse_server_hello(reply, got, &ver, suite) == 1;
    if (ok) {   /* the server must have picked one of ours */
      ok = 0;
      for (size_t i = 0; i < w->n; i++) ok |= w->suites[i] == *suite;
    }
  }
  scan_conn_close(&c);
  return ok;
}

static void weak_checks(ScanReport *r, const ScanScope *scope, const ScanHost *h,
                        ScanPort *p, ScanTls *t, const ScanOpts *o, const char *starttls) {
  char list[128] = "", ev[128];
  size_t w = 0;
  for (size_t i = 0; i < scan_tls_nweak; i++) {
    const ScanWeakClass *c = &scan_tls_weak_classes[i];
    unsigned suite = 0;
    if (!weak_accepted(scope, h, p->port, c, o->probe_timeout_ms, &suite, starttls)) continue;
    w += (size_t)snprintf(list + w, sizeof list - w, "%s%s", w ? "," : "", c->name);
    snprintf(ev, sizeof ev, "ServerHello valgte chiffersett 0x%04x (%s)", suite, c->name);
    char id[48];
    snprintf(id, sizeof id, "tls-weak-cipher-%s", c->name);
    for (char *q = id; *q; q++) *q = (char)(*q >= 'A' && *q <= 'Z' ? *q + 32 : *q);
    scan_port_add_finding(r, p, id, "Tjenesten godtar svake TLS-chiffersett",
                          !strcmp(c->name, "3DES") ? SSEV_MEDIUM : SSEV_HIGH,
                          SCONF_HIGH, ev);
  }
  t->weak = scan_rstrdup(r, list);
}

int scan_tls_check(ScanReport *r, const ScanScope *scope, const ScanHost *h,
                   ScanPort *p, const ScanOpts *o, const char *starttls) {
  ScanTls *t = NULL;
  int any = 0;
  for (int i = 3; i >= 0; i--) {   /* newest first: its session gives the cert */
    ScanConn c;
    if (scan_conn_open_tls_ready(&c, scope, h, p->port, o->probe_timeout_ms, starttls))
      continue;
    if (scan_tls_start(&c, h->name, versions[i].v) == 0) {
      if (!t) {
        pthread_mutex_lock(&r->lock);
        t = arena_alloc(r->arena, sizeof *t);
        pthread_mutex_unlock(&r->lock);
        if (!t) { scan_conn_close(&c); return 0; }
        cert_facts(r, h, p, t, c.ssl);
      }
      t->versions |= versions[i].bit;
      any = 1;
    }
    scan_conn_close(&c);
  }
  if (!any) return 0;
  p->tls = t;
  t->starttls = starttls;
  char ev[96];
  for (int i = 0; i < 2; i++) {
    if (!(t->versions & versions[i].bit)) continue;
    snprintf(ev, sizeof ev, "handtrykk med %s lyktes", versions[i].name);
    scan_port_add_finding(r, p, i ? "tls-version-1.1" : "tls-version-1.0",
                          i ? "Tjenesten godtar utdatert TLS 1.1"
                            : "Tjenesten godtar utdatert TLS 1.0",
                          SSEV_MEDIUM, SCONF_HIGH, ev);
  }
  weak_checks(r, scope, h, p, t, o, starttls);
  return 1;
}

const char *scan_tls_version_name(unsigned bit) {
  for (int i = 0; i < 4; i++)
    if (versions[i].bit == bit) return versions[i].name;
  return "?";
}
