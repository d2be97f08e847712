/* test_scan.c — unit tests of the scanner's pure parts: target and scope
 * parsing, port lists, banner/probe rules, CPE, HTTP and TLS reply parsers,
 * and the scan diff. The only packets sent are loopback connects that check
 * the kernel behaviour the engine relies on (scan_connect_result). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "scan/diff.h"
#include "scan/http.h"
#include "scan/engine.h"
#include "scan/output.h"
#include "scan/run.h"
#include "scan/ident.h"
#include "scan/policy.h"
#include "scan/ports.h"
#include "scan/target.h"
#include "scan/tls.h"
#include "test.h"

static struct sockaddr_storage sa_of(const char *s) {
  struct sockaddr_storage ss = {0};
  if (strchr(s, ':')) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    inet_pton(AF_INET6, s, &a->sin6_addr);
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    inet_pton(AF_INET, s, &a->sin_addr);
  }
  return ss;
}
static struct sockaddr_storage sa_slots[8];
static int sa_next;
static struct sockaddr *SA(const char *s) {
  struct sockaddr_storage *ss = &sa_slots[sa_next++ % 8];
  *ss = sa_of(s);
  return (struct sockaddr *)ss;
}

TEST(ranges_parse) {
  ScanRange r;
  Err e = {0};
  CHECK_INT(scan_range_parse("10.213.1.0/24", &r, &e), 0);
  CHECK(scan_range_contains(&r, SA("10.213.1.255")));
  CHECK(!scan_range_contains(&r, SA("10.213.2.0")));
  CHECK_INT(scan_range_parse("10.213.1.5-9", &r, &e), 0);
  CHECK(scan_range_contains(&r, SA("10.213.1.9")));
  CHECK(!scan_range_contains(&r, SA("10.213.1.10")));
  CHECK_INT(scan_range_parse("fd00:213::/64", &r, &e), 0);
  CHECK(scan_range_contains(&r, SA("fd00:213::1")));
  CHECK(!scan_range_contains(&r, SA("fd00:214::1")));
  CHECK(scan_range_contains(&r, SA("fd00:213::ffff")));
  CHECK(!scan_range_contains(&r, SA("10.213.1.1")));
  CHECK_INT(scan_range_parse("fd00:213::10-1f", &r, &e), 0);   /* last group, hex */
  CHECK(scan_range_contains(&r, SA("fd00:213::1f")));
  CHECK(!scan_range_contains(&r, SA("fd00:213::20")));
  CHECK_INT(scan_range_parse("10.0.0.9-3", &r, &e), VERR_INVALID);
  CHECK_INT(scan_range_parse("10.0.0.0/33", &r, &e), VERR_INVALID);
  CHECK_INT(scan_range_parse("300.1.1.1", &r, &e), VERR_INVALID);
  CHECK(strstr(e.msg, "300.1.1.1") != NULL);
}

TEST(targets_expand_exclude_dedup) {
  ScanAddrList l = {0};
  ScanRangeList ex = {0};
  Err e = {0};
  CHECK_INT(scan_rangelist_add_specs(&ex, "10.213.1.3, 10.213.1.6-7", &e), 0);
  CHECK_INT(scan_targets_expand(&l, "10.213.1.0/29,10.213.1.1,::1", &ex, &e), 0);
  CHECK_INT(l.n, 6);   /* 8 - 3 excluded + ::1, duplicate .1 dropped */
  scan_addrlist_free(&l);
  CHECK_INT(scan_targets_expand(&l, "10.0.0.0/8", NULL, &e), VERR_TOOBIG);
  scan_addrlist_free(&l);
  CHECK_INT(scan_targets_expand(&l, "localhost", NULL, &e), 0);
  CHECK(l.n >= 1);
  CHECK_STR(l.v[0].name, "localhost");
  scan_addrlist_free(&l);
  CHECK(scan_targets_expand(&l, "bad name!", NULL, &e) != 0);
  scan_addrlist_free(&l);
  scan_rangelist_free(&ex);
}

TEST(scope_refuses_outside_before_connect) {
  ScanScope s = {0};
  Err e = {0};
  CHECK_INT(scan_scope_load(&s, "10.213.7.0/24,fd00:213::/64", &e), 0);
  CHECK_INT(scan_scope_check(&s, SA("10.213.7.20"), &e), 0);
  CHECK_INT(scan_scope_check(&s, SA("10.213.8.1"), &e), VERR_DENIED);
  CHECK(strstr(e.msg, "utenfor godkjent skanneomfang") != NULL);
  /* the socket-layer gate refuses without calling connect(2) */
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  unsigned long before = scan_connect_count(), ref = scan_connect_refused();
  errno = 0;
  CHECK_INT(scan_connect(&s, fd, SA("192.0.2.1"), sizeof(struct sockaddr_in)), -1);
  CHECK_INT(errno, EACCES);
  CHECK_INT(scan_connect_count(), before);
  CHECK_INT(scan_connect_refused(), ref + 1);
  /* asking for an attempt's outcome goes through the same gate */
  errno = 0;
  CHECK_INT(scan_connect_result(&s, fd, SA("192.0.2.1"), sizeof(struct sockaddr_in)), -1);
  CHECK_INT(errno, EACCES);
  CHECK_INT(scan_connect_count(), before);
  CHECK_INT(scan_connect_refused(), ref + 2);
  close(fd);
  /* IPv4-mapped IPv6 is judged as the IPv4 address it carries */
  CHECK_INT(scan_scope_check(&s, SA("::ffff:10.213.7.9"), &e), 0);
  CHECK_INT(scan_scope_check(&s, SA("::ffff:8.8.8.8"), &e), VERR_DENIED);
  scan_scope_free(&s);
}

TEST(ports_lists) {
  ScanPorts *p = calloc(1, sizeof *p);
  Err e = {0};
  CHECK_INT(scan_ports_parse(p, "top1000", &e), 0);
  CHECK_INT(p->n, 1000);
  CHECK_INT(p->v[0], 80);
  size_t before = p->n;
  CHECK_INT(scan_ports_drop_printer(p), 1);   /* 9100 is in top1000 */
  CHECK_INT(p->n, before - 1);
  scan_ports_free(p);
  CHECK_INT(scan_ports_parse(p, "top100,22,8000-8002,22", &e), 0);
  CHECK_INT(p->n, 102);   /* 22 and 8000 are in top100; 8001, 8002 new */
  scan_ports_free(p);
  CHECK_INT(scan_ports_parse(p, "9099-9108", &e), 0);
  CHECK_INT(scan_ports_drop_printer(p), 8);
  CHECK_INT(p->n, 2);
  scan_ports_free(p);
  CHECK(scan_ports_parse(p, "70000", &e) != 0);
  scan_ports_free(p);
  CHECK(scan_ports_parse(p, "5-1", &e) != 0);
  scan_ports_free(p);
  free(p);
}

#define B(s) (const unsigned char *)(s), sizeof(s) - 1

TEST(banner_rules_and_confidence) {
  ScanIdent id;
  CHECK(scan_ident_banner(B("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"), 22, &id));
  CHECK_STR(id.name, "ssh");
  CHECK_STR(id.version, "9.2p1");
  CHECK_STR(id.cpe, "cpe:2.3:a:openbsd:openssh:9.2p1:*:*:*:*:*:*:*");
  CHECK_INT(id.conf, SCONF_LOW);        /* Debian backports fixes */
  CHECK(scan_ident_banner(B("SSH-2.0-OpenSSH_9.6\r\n"), 2222, &id));
  CHECK_INT(id.conf, SCONF_MEDIUM);     /* upstream banner, no distro mark */
  CHECK(scan_ident_banner(B("220 mx.example ESMTP Exim 4.96 Fri, 27 Nov 2026\r\n"), 25, &id));
  CHECK_STR(id.cpe, "cpe:2.3:a:exim:exim:4.96:*:*:*:*:*:*:*");
  CHECK(scan_ident_banner(B("220 (vsFTPd 3.0.3)\r\n"), 21, &id));
  CHECK_STR(id.name, "ftp");
  CHECK_STR(id.version, "3.0.3");
  CHECK(scan_ident_banner(B("220 welcome\r\n"), 21, &id));
  CHECK_STR(id.name, "ftp");
  CHECK_INT(id.conf, SCONF_LOW);        /* only the port decided */
  CHECK(scan_ident_banner(B("220 welcome\r\n"), 25, &id));
  CHECK_STR(id.name, "smtp");
  CHECK(!scan_ident_banner(B("220 welcome\r\n"), 4444, &id));
  CHECK(scan_ident_banner(B("* OK [CAPABILITY IMAP4rev1] Dovecot (Debian) ready.\r\n"), 143, &id));
  CHECK_STR(id.name, "imap");
  CHECK(scan_ident_banner(B("+OK Dovecot ready.\r\n"), 110, &id));
  CHECK_STR(id.name, "pop3");
  CHECK(scan_ident_banner(B("RFB 003.008\n"), 5900, &id));
  CHECK_STR(id.name, "vnc");
  CHECK_STR(id.extra, "003.008");
}

TEST(binary_replies) {
  ScanIdent id;
  static const unsigned char my[] = "\x5b\x00\x00\x00\x0a" "5.5.5-10.11.6-MariaDB-0+deb12u1\0abcd";
  CHECK(scan_ident_mysql(my, sizeof my - 1, &id));
  CHECK_STR(id.product, "MariaDB");
  CHECK_STR(id.version, "10.11.6");
  CHECK_STR(id.cpe, "cpe:2.3:a:mariadb:mariadb:10.11.6:*:*:*:*:*:*:*");
  CHECK_INT(id.conf, SCONF_LOW);
  static const unsigned char my8[] = "\x4a\x00\x00\x00\x0a" "8.0.36\0xyz";
  CHECK(scan_ident_mysql(my8, sizeof my8 - 1, &id));
  CHECK_INT(id.conf, SCONF_HIGH);       /* protocol field, no distro mark */
  CHECK(!scan_ident_mysql(B("SSH-2.0-x\r\n"), &id));
  CHECK(scan_ident_redis(B("+PONG\r\n$20\r\n# Server\r\nredis_version:7.0.15\r\n"), &id));
  CHECK_STR(id.version, "7.0.15");
  CHECK_INT(id.conf, SCONF_HIGH);
  CHECK(scan_ident_redis(B("-DENIED Redis is running in protected mode\r\n"), &id));
  CHECK_STR(id.name, "redis");
  CHECK(!scan_ident_banner(B("-ERR unknown\r\n"), 7000, &id));
  static const unsigned char tds[] = {0x04, 0x01, 0x00, 0x14, 0, 0, 1, 0,
    0x00, 0x00, 0x06, 0x00, 0x06, 0xff, 15, 0, 0x10, 0x68, 0, 0};
  CHECK(scan_ident_mssql(tds, sizeof tds, &id));
  CHECK_STR(id.version, "15.0.4200");
  CHECK(scan_ident_pgsql(B("R\x00\x00\x00\x08\x00\x00\x00\x05"), &id));
  CHECK_STR(id.name, "postgresql");
  CHECK(scan_ident_rdp(B("\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x02\x00\x08\x00\x01\x00\x00\x00"), &id));
  CHECK(scan_ident_ldap(B("\x30\x0c\x02\x01\x01\x61\x07\x0a\x01\x00\x04\x00\x04\x00"), &id));
  CHECK(!scan_ident_ldap(B("\x30\x0c\x02\x01\x02\x61"), &id));
  CHECK(scan_ident_smb(B("\x00\x00\x00\x40\xfeSMB"), &id));
  /* SNMP GetResponse with sysDescr.0 = "Linux ruter 6.1" */
  static const unsigned char snmp[] = {0x30, 0x38, 0x02, 0x01, 0x01, 0x04, 0x06, 'p', 'u',
    'b', 'l', 'i', 'c', 0xa2, 0x2b, 0x02, 0x04, 'V', 'A', 'R', 'D', 0x02, 0x01, 0x00,
    0x02, 0x01, 0x00, 0x30, 0x1d, 0x30, 0x1b, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01,
    0x01, 0x01, 0x00, 0x04, 0x0f, 'L', 'i', 'n', 'u', 'x', ' ', 'r', 'u', 't', 'e', 'r',
    ' ', '6', '.', '1'};
  CHECK(scan_ident_snmp(snmp, sizeof snmp, &id));
  CHECK_STR(id.extra, "Linux ruter 6.1");
  CHECK(!scan_ident_snmp(snmp, 10, &id));
  size_t len;
  const unsigned char *q = scan_probe_payload("dns", &len);
  CHECK(q && len == 32);
  unsigned char dns[128];   /* reply = query + QR + one TXT answer */
  memcpy(dns, q, len);
  dns[1] = 30 + 12 + 14;
  dns[4] |= 0x80;
  dns[9] = 1;
  static const unsigned char ans[] = {0xc0, 0x0c, 0, 16, 0, 3, 0, 0, 0, 0, 0, 13,
    12, 'd', 'n', 's', 'm', 'a', 's', 'q', '-', '2', '.', '8', '9'};
  memcpy(dns + len, ans, sizeof ans);
  CHECK(scan_ident_dns(dns, len + sizeof ans, &id));
  CHECK_STR(id.product, "dnsmasq");
  CHECK_STR(id.version, "2.89");
}

TEST(cpe_escape_and_backports) {
  char out[64];
  scan_cpe_escape("1.0:beta*", out, sizeof out);
  CHECK_STR(out, "1.0\\:beta\\*");
  CHECK(scan_ident_is_backport("8.9p1 Ubuntu-3ubuntu0.10"));
  CHECK(scan_ident_is_backport("2.4.6 (Red Hat Enterprise Linux)"));
  CHECK(!scan_ident_is_backport("9.6"));
}

TEST(http_parser) {
  static const char rep[] = "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n"
    "X-Frame-Options:  DENY \r\nContent-Length: 2\r\n\r\nhi";
  ScanHttpReply r;
  CHECK_INT(scan_http_parse(rep, sizeof rep - 1, &r), 0);
  CHECK_INT(r.status, 200);
  char v[64];
  CHECK_STR(scan_http_header(&r, "server", v, sizeof v), "nginx/1.22.1");
  CHECK_STR(scan_http_header(&r, "X-FRAME-OPTIONS", v, sizeof v), "DENY");
  CHECK(scan_http_header(&r, "Content-Security-Policy", v, sizeof v) == NULL);
  CHECK_INT(r.body_len, 2);
  CHECK_INT(scan_http_parse("HTTP/1.1 99 x\r\n", 15, &r), -1);
  CHECK_INT(scan_http_parse("SSH-2.0-OpenSSH\r\n", 17, &r), -1);
  CHECK_INT(scan_http_parse("HTTP/1.0 404 N\nA: b\n", 20, &r), 0);
  CHECK(r.truncated);
  ScanIdent id;
  CHECK(scan_ident_http_server("Apache/2.4.57 (Debian)", &id));
  CHECK_STR(id.cpe, "cpe:2.3:a:apache:http_server:2.4.57:*:*:*:*:*:*:*");
  CHECK_INT(id.conf, SCONF_LOW);
}

TEST(tls_hello_roundtrip) {
  unsigned char hello[512];
  const ScanWeakClass *w = &scan_tls_weak_classes[0];
  size_t n = scan_tls_client_hello(hello, sizeof hello, w->suites, w->n, "a.example");
  CHECK(n > 60);
  CHECK_INT(hello[0], 0x16);
  CHECK_INT((size_t)(hello[3] << 8 | hello[4]), n - 5);
  static const unsigned char sh[] = {0x16, 0x03, 0x03, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26,
    0x03, 0x03, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
    21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 0x00, 0x00, 0x05, 0x00};
  unsigned ver = 0, suite = 0;
  CHECK_INT(scan_tls_parse_server_hello(sh, sizeof sh, &ver, &suite), 1);
  CHECK_INT(ver, 0x0303);
  CHECK_INT(suite, 0x0005);
  CHECK_INT(scan_tls_parse_server_hello((const unsigned char *)"\x15\x03\x03\x00\x02\x02\x28", 7, &ver, &suite), 0);
  CHECK_INT(scan_tls_parse_server_hello(sh, 20, &ver, &suite), -1);
}

TEST(diff_of_two_reports) {
  static const char a[] =
    "{\"type\":\"scan\",\"interrupted\":false}\n"
    "{\"type\":\"port\",\"addr\":\"10.213.1.2\",\"port\":22}\n"
    "{\"type\":\"service\",\"addr\":\"10.213.1.2\",\"port\":22,\"service\":\"ssh\",\"product\":\"OpenSSH\",\"version\":\"9.2p1\"}\n"
    "{\"type\":\"port\",\"addr\":\"10.213.1.2\",\"port\":80}\n"
    "{\"type\":\"finding\",\"addr\":\"10.213.1.2\",\"port\":80,\"id\":\"http-git-exposed\"}\n"
    "{\"type\":\"port\",\"addr\":\"10.213.1.2\",\"port\":443}\n"
    "{\"type\":\"tls\",\"addr\":\"10.213.1.2\",\"port\":443,\"subject\":\"CN=a\",\"not_after\":\"2026-01-01T00:00:00Z\"}\n"
    "{\"type\":\"finding\",\"addr\":\"10.213.1.2\",\"port\":443,\"id\":\"tls-cert-expired\"}\n";
  static const char b[] =
    "{\"type\":\"port\",\"addr\":\"10.213.1.2\",\"port\":22}\n"
    "{\"type\":\"service\",\"addr\":\"10.213.1.2\",\"port\":22,\"service\":\"ssh\",\"product\":\"OpenSSH\",\"version\":\"9.6p1\"}\n"
    "{\"type\":\"port\",\"addr\":\"10.213.1.2\",\"port\":443}\n"
    "{\"type\":\"tls\",\"addr\":\"10.213.1.2\",\"port\":443,\"subject\":\"CN=a\",\"not_after\":\"2027-01-01T00:00:00Z\"}\n"
    "{\"type\":\"finding\",\"addr\":\"10.213.1.2\",\"port\":443,\"id\":\"http-missing-csp\"}\n"
    "{\"type\":\"port\",\"addr\":\"10.213.1.3\",\"port\":3306}\n";
  ScanSnap x = {0}, y = {0};
  ScanDiff d = {0};
  Err e = {0};
  CHECK_INT(scan_snap_parse(&x, a, sizeof a - 1, &e), 0);
  CHECK_INT(scan_snap_parse(&y, b, sizeof b - 1, &e), 0);
  CHECK_INT(scan_diff(&x, &y, &d), 0);
  /* a finding on a port that closed is gone too: the server side moves it to
   * "fixed, needs verification" rather than losing it with the port */
  const char *want[] = {"service-changed", "port-closed", "finding-gone", "cert-changed",
                        "finding-new", "finding-gone", "port-new"};
  CHECK_INT(d.n, 7);
  for (size_t i = 0; i < d.n && i < 7; i++) CHECK_STR(d.v[i].kind, want[i]);
  CHECK_STR(d.v[1].detail_old, "  ");   /* port 80 had no service record */
  CHECK_STR(d.v[2].detail_old, "http-git-exposed");
  CHECK_STR(d.v[0].detail_new, "ssh OpenSSH 9.6p1");
  CHECK_STR(d.v[4].detail_new, "http-missing-csp");
  CHECK_STR(d.v[5].detail_old, "tls-cert-expired");
  scan_diff_free(&d);
  scan_snap_free(&x);
  scan_snap_free(&y);
  ScanSnap z = {0};
  CHECK_INT(scan_snap_parse(&z, "{\"type\":\n", 10, &e), VERR_INVALID);
  scan_snap_free(&z);
  /* found by fuzz_scan_report: empty reports (qsort on NULL) and a repeated
   * service record (the first copy leaked) */
  ScanSnap e1 = {0}, e2 = {0};
  CHECK_INT(scan_diff(&e1, &e2, &d), 0);
  CHECK_INT(d.n, 0);
  static const char twice[] =
    "{\"type\":\"service\",\"addr\":\"a\",\"port\":1,\"service\":\"x\"}\n"
    "{\"type\":\"service\",\"addr\":\"a\",\"port\":1,\"service\":\"y\"}\n";
  CHECK_INT(scan_snap_parse(&e1, twice, sizeof twice - 1, &e), 0);
  CHECK_STR(e1.v[0].service, "y");
  scan_snap_free(&e1);
  scan_diff_free(&d);
}

TEST(policy_ceiling) {
  char path[] = "/tmp/varde-scan-policy-XXXXXX";
  int fd = mkstemp(path);
  const char *conf = "# tak\nmax_rate = 500\nmax_concurrency=64\nscope = 10.213.7.0/24\n";
  CHECK(fd >= 0 && write(fd, conf, strlen(conf)) == (ssize_t)strlen(conf));
  close(fd);
  ScanPolicy p;
  Err e = {0};
  CHECK_INT(scan_policy_load(&p, path, &e), 0);
  ScanOpts o;
  scan_opts_default(&o);
  o.rate = 0;
  o.concurrency = 4096;
  ScanScope s = {0};
  scan_policy_apply(&p, &o, &s, NULL);
  CHECK_INT(o.rate, 500);
  CHECK_INT(o.concurrency, 64);
  CHECK_INT(scan_scope_load(&s, "10.213.0.0/16", &e), 0);
  CHECK_INT(scan_scope_check(&s, SA("10.213.7.5"), &e), 0);
  CHECK_INT(scan_scope_check(&s, SA("10.213.8.5"), &e), VERR_DENIED);
  CHECK(strstr(e.msg, "scan.conf") != NULL);
  scan_scope_free(&s);
  scan_policy_free(&p);
  CHECK_INT(scan_policy_load(&p, "/nonexistent/varde/scan.conf", &e), 0);
  CHECK_INT(p.max_rate, 0);
  fd = open(path, O_WRONLY | O_TRUNC);
  CHECK(fd >= 0 && write(fd, "bogus = 1\n", 10) == 10);
  close(fd);
  CHECK_INT(scan_policy_load(&p, path, &e), VERR_INVALID);
  CHECK(strstr(e.msg, "ukjent nøkkel") != NULL);
  scan_policy_free(&p);
  unlink(path);
}

TEST(json_lines_stay_valid) {
  ScanReport r;
  CHECK_INT(scan_report_init(&r), 0);
  ScanAddrList l = {0};
  ScanScope sc = {0};
  Err e = {0};
  CHECK_INT(scan_targets_expand(&l, "10.213.5.7", NULL, &e), 0);
  CHECK_INT(scan_scope_load(&sc, "10.213.5.0/24", &e), 0);
  CHECK_INT(scan_report_set_hosts(&r, &l, &sc, &e), 0);
  ScanPort *p = scan_host_add_port(&r, &r.hosts[0], 443, 1);
  p->svc.name = "http";
  p->svc.evidence = "quote \" back \\ bad \xff\xfe utf8 \xc3\xa6 ctl \x01";
  scan_port_add_finding(&r, p, "x-test", "Tittel med «æøå»", SSEV_HIGH, SCONF_LOW, "\xc3");
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  scan_write_json(f, &r);
  fclose(f);
  ScanSnap snap = {0};
  CHECK_INT(scan_snap_parse(&snap, buf, n, &e), 0);   /* every line parses */
  CHECK_INT(snap.n, 1);
  CHECK_STR(snap.v[0].findings, "x-test");
  CHECK(strstr(buf, "\\ufffd\\ufffd utf8 \xc3\xa6") != NULL);
  scan_snap_free(&snap);
  free(buf);
  scan_addrlist_free(&l);
  scan_scope_free(&sc);
  scan_report_free(&r);
}

TEST(run_refuses_before_any_connect) {
  ScanJob j = {.targets = "127.0.0.1,192.0.2.7", .scope = "127.0.0.0/8",
               .ports = "top100", .policy_path = "/nonexistent/varde/scan.conf"};
  scan_opts_default(&j.opts);
  ScanReport r;
  Err e = {0};
  unsigned long before = scan_connect_count();
  CHECK_INT(scan_run(&j, &r, &e), VERR_DENIED);
  CHECK(strstr(e.msg, "192.0.2.7") != NULL);
  CHECK_INT(scan_connect_count(), before);
  scan_report_free(&r);
  j.targets = "127.0.0.1";
  j.ports = "9100-9107";       /* only printer ports: refused, not scanned */
  CHECK_INT(scan_run(&j, &r, &e), VERR_INVALID);
  CHECK_INT(scan_connect_count(), before);
  scan_report_free(&r);
}

/* The outcome of a non-blocking attempt, asked with scan_connect_result. */
static int outcome(const ScanScope *s, int fd, const struct sockaddr *sa) {
  for (int i = 0; i < 50; i++) {
    if (scan_connect_result(s, fd, sa, sizeof(struct sockaddr_in)) == 0) return 0;
    if (errno != EALREADY) return errno;
    struct pollfd p = {fd, POLLOUT, 0};
    poll(&p, 1, 100);
  }
  return EALREADY;
}

/* What the engine relies on: connecting again reports a refused attempt
 * once and leaves the socket ready for the next port; an open port answers 0. */
TEST(connect_result_reuses_refused_socket) {
  int lst = socket(AF_INET, SOCK_STREAM, 0), gone = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in open_sa = {.sin_family = AF_INET}, shut_sa;
  open_sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  shut_sa = open_sa;
  socklen_t len = sizeof open_sa;
  CHECK_INT(bind(lst, (struct sockaddr *)&open_sa, len), 0);
  CHECK_INT(listen(lst, 4), 0);
  CHECK_INT(getsockname(lst, (struct sockaddr *)&open_sa, &len), 0);
  CHECK_INT(bind(gone, (struct sockaddr *)&shut_sa, len), 0);   /* a port nobody listens on */
  CHECK_INT(getsockname(gone, (struct sockaddr *)&shut_sa, &len), 0);
  close(gone);
  ScanScope s = {0};
  Err e = {0};
  CHECK_INT(scan_scope_load(&s, "127.0.0.1", &e), 0);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  unsigned long before = scan_connect_count();
  for (int round = 0; round < 2; round++) {   /* the same socket twice */
    int rc = scan_connect(&s, fd, (struct sockaddr *)&shut_sa, len);
    CHECK(rc == -1 && (errno == EINPROGRESS || errno == ECONNREFUSED));
    if (rc == -1 && errno == EINPROGRESS)
      CHECK_INT(outcome(&s, fd, (struct sockaddr *)&shut_sa), ECONNREFUSED);
  }
  int rc = scan_connect(&s, fd, (struct sockaddr *)&open_sa, len);
  CHECK(rc == 0 || errno == EINPROGRESS);
  if (rc != 0) CHECK_INT(outcome(&s, fd, (struct sockaddr *)&open_sa), 0);
  CHECK_INT(scan_connect_count(), before + 3);   /* asking is not a connect */
  close(fd);
  close(lst);
  scan_scope_free(&s);
}

int main(void) {
  RUN(connect_result_reuses_refused_socket);
  RUN(run_refuses_before_any_connect);
  RUN(json_lines_stay_valid);
  RUN(policy_ceiling);
  RUN(ranges_parse);
  RUN(targets_expand_exclude_dedup);
  RUN(scope_refuses_outside_before_connect);
  RUN(ports_lists);
  RUN(banner_rules_and_confidence);
  RUN(binary_replies);
  RUN(cpe_escape_and_backports);
  RUN(http_parser);
  RUN(tls_hello_roundtrip);
  RUN(diff_of_two_reports);
  return TEST_DONE();
}
