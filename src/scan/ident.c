/* ident.c — text banner match rules (Varde's own table, POSIX regular
 * expressions) and CPE construction with the backport confidence rule. */
#include "scan/ident.h"

#include <ctype.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>

/* One rule: the service it names, the CPE vendor/product and display name,
 * the expression, which capture group holds the version (0 = none) and which
 * the free-text detail (0 = none), and the port that breaks ties (0 = any). */
typedef struct Rule {
  const char *service, *vendor, *product, *display, *re;
  int vgroup, xgroup;
  uint16_t port_hint;
} Rule;

static const Rule banner_rules[] = {
  {"ssh", "openbsd", "openssh", "OpenSSH",
   "^SSH-[0-9.]+-OpenSSH_([0-9][0-9A-Za-z.]*)[ ]?([^\r\n]*)", 1, 2, 0},
  {"ssh", "dropbear_ssh_project", "dropbear_ssh", "Dropbear",
   "^SSH-[0-9.]+-dropbear_([0-9.]+)", 1, 0, 0},
  {"ssh", NULL, NULL, NULL, "^SSH-[0-9.]+-([^\r\n]*)", 0, 1, 0},
  {"ftp", "beasts", "vsftpd", "vsftpd", "^220[ -]\\(vsFTPd ([0-9.]+)\\)", 1, 0, 0},
  {"ftp", "proftpd", "proftpd", "ProFTPD", "^220[ -]ProFTPD ([0-9.]+[a-z]?)", 1, 0, 0},
  {"ftp", "pureftpd", "pure-ftpd", "Pure-FTPd", "^220[ -][^\r\n]*Pure-FTPd", 0, 0, 0},
  {"ftp", "filezilla-project", "filezilla_server", "FileZilla Server",
   "^220[ -][^\r\n]*FileZilla Server (version )?([0-9][0-9.]*)", 2, 0, 0},
  {"ftp", "microsoft", "internet_information_services", "Microsoft FTP",
   "^220[ -]Microsoft FTP Service", 0, 0, 0},
  {"smtp", "exim", "exim", "Exim", "^220[ -][^\r\n]*ESMTP Exim ([0-9.]+)", 1, 0, 0},
  {"smtp", "postfix", "postfix", "Postfix", "^220[ -][^\r\n]*ESMTP Postfix ?([^\r\n]*)", 0, 1, 0},
  {"smtp", "sendmail", "sendmail", "Sendmail",
   "^220[ -][^\r\n]*Sendmail ([0-9][0-9.]*)", 1, 0, 0},
  {"smtp", "microsoft", "exchange_server", "Microsoft Exchange",
   "^220[ -][^\r\n]*Microsoft ESMTP MAIL Service", 0, 0, 0},
  {"smtp", NULL, NULL, NULL, "^220[ -][^\r\n]*(E?SMTP|[Mm]ail)", 0, 0, 0},
  {"ftp", NULL, NULL, NULL, "^220[ -][^\r\n]*FTP", 0, 0, 0},
  {"smtp", NULL, NULL, NULL, "^220[ -]", 0, 0, 25},
  {"smtp", NULL, NULL, NULL, "^220[ -]", 0, 0, 587},
  {"ftp", NULL, NULL, NULL, "^220[ -]", 0, 0, 21},
  {"imap", "dovecot", "dovecot", "Dovecot", "^\\* OK[^\r\n]*Dovecot ?([^\r\n]*)", 0, 1, 0},
  {"imap", "cyrus", "imap", "Cyrus IMAP", "^\\* OK[^\r\n]*Cyrus IMAP[^ ]* v?([0-9][0-9.]*)", 1, 0, 0},
  {"imap", NULL, NULL, NULL, "^\\* OK", 0, 0, 0},
  {"pop3", "dovecot", "dovecot", "Dovecot", "^\\+OK[^\r\n]*Dovecot ?([^\r\n]*)", 0, 1, 0},
  {"pop3", NULL, NULL, NULL, "^\\+OK", 0, 0, 0},
  {"vnc", NULL, NULL, NULL, "^RFB ([0-9]{3}\\.[0-9]{3})", 0, 1, 0},
  {"redis", "redis", "redis", "Redis", "redis_version:([0-9][0-9.]*)", 1, 0, 0},
  {"redis", "redis", "redis", "Redis", "^-(NOAUTH Authentication|DENIED Redis)", 0, 0, 0},
  {"redis", "redis", "redis", "Redis", "^-ERR[^\r\n]*", 0, 0, 6379},
  {"redis", "redis", "redis", "Redis", "^\\+PONG", 0, 0, 0},
  {"http", NULL, NULL, NULL, "^HTTP/[0-9.]+ [0-9]{3}", 0, 0, 0},
  {"telnet", NULL, NULL, NULL, "^\xff[\xfb-\xfe]", 0, 0, 0},
};

static const Rule server_rules[] = {
  {"http", "f5", "nginx", "nginx", "^nginx/([0-9][0-9.]*)", 1, 0, 0},
  {"http", "f5", "nginx", "nginx", "^nginx", 0, 0, 0},
  {"http", "apache", "http_server", "Apache httpd",
   "^Apache/([0-9][0-9.]*) ?([^\r\n]*)", 1, 2, 0},
  {"http", "apache", "http_server", "Apache httpd", "^Apache$", 0, 0, 0},
  {"http", "microsoft", "internet_information_services", "Microsoft IIS",
   "^Microsoft-IIS/([0-9][0-9.]*)", 1, 0, 0},
  {"http", "lighttpd", "lighttpd", "lighttpd", "^lighttpd/([0-9][0-9.]*)", 1, 0, 0},
  {"http", "openresty", "openresty", "OpenResty", "^openresty/([0-9][0-9.]*)", 1, 0, 0},
  {"http", "eclipse", "jetty", "Jetty", "^Jetty\\(([0-9][^)]*)\\)", 1, 0, 0},
  {"http", "caddyserver", "caddy", "Caddy", "^Caddy", 0, 0, 0},
  {"http", NULL, NULL, NULL, "^([^/ ]+)/?([0-9][0-9.]*)?", 0, 0, 0},
};

#define NBANNER (sizeof banner_rules / sizeof banner_rules[0])
#define NSERVER (sizeof server_rules / sizeof server_rules[0])
static regex_t banner_re[NBANNER], server_re[NSERVER];
static int compiled_ok;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void compile_all(void) {
  int ok = 1;
  for (size_t i = 0; i < NBANNER; i++)
    ok &= regcomp(&banner_re[i], banner_rules[i].re, REG_EXTENDED) == 0;
  for (size_t i = 0; i < NSERVER; i++)
    ok &= regcomp(&server_re[i], server_rules[i].re, REG_EXTENDED) == 0;
  compiled_ok = ok;
}

static void copy_group(const char *s, const regmatch_t *m, char *out, size_t n) {
  out[0] = '\0';
  if (m->rm_so < 0) return;
  size_t len = (size_t)(m->rm_eo - m->rm_so);
  if (len >= n) len = n - 1;
  memcpy(out, s + m->rm_so, len);
  out[len] = '\0';
  while (len > 0 && isspace((unsigned char)out[len - 1])) out[--len] = '\0';
}

static void fill_from_rule(const Rule *r, const char *s, const regmatch_t *m,
                           ScanIdent *out) {
  memset(out, 0, sizeof *out);
  out->matched = 1;
  snprintf(out->name, sizeof out->name, "%s", r->service);
  if (r->display) snprintf(out->product, sizeof out->product, "%s", r->display);
  if (r->vendor) snprintf(out->vendor, sizeof out->vendor, "%s", r->vendor);
  if (r->product) snprintf(out->cpe_product, sizeof out->cpe_product, "%s", r->product);
  if (r->vgroup) copy_group(s, &m[r->vgroup], out->version, sizeof out->version);
  if (r->xgroup) copy_group(s, &m[r->xgroup], out->extra, sizeof out->extra);
  /* a version read from a banner is "medium" until the backport rule runs */
  out->conf = out->version[0] ? SCONF_MEDIUM : SCONF_HIGH;
}

static int run_rules(const Rule *rules, regex_t *re, size_t n, const char *s,
                     uint16_t port, ScanIdent *out) {
  regmatch_t m[4];
  for (size_t i = 0; i < n; i++) {
    if (rules[i].port_hint && rules[i].port_hint != port) continue;
    if (regexec(&re[i], s, 4, m, 0) != 0) continue;
    fill_from_rule(&rules[i], s, m, out);
    if (rules[i].port_hint) out->conf = SCONF_LOW;   /* port decided it */
    scan_ident_finish(out);
    return 1;
  }
  return 0;
}

/* Banner bytes to a C string: NUL bytes become spaces, cut at 2 KiB. */
static void to_cstr(const unsigned char *p, size_t n, char *out, size_t cap) {
  if (n >= cap) n = cap - 1;
  for (size_t i = 0; i < n; i++) out[i] = p[i] ? (char)p[i] : ' ';
  out[n] = '\0';
}

int scan_ident_banner(const unsigned char *p, size_t n, uint16_t port,
                      ScanIdent *out) {
  char s[2048];
  memset(out, 0, sizeof *out);
  pthread_once(&once, compile_all);
  if (!compiled_ok || n == 0) return 0;
  to_cstr(p, n, s, sizeof s);
  return run_rules(banner_rules, banner_re, NBANNER, s, port, out);
}

int scan_ident_http_server(const char *value, ScanIdent *out) {
  char s[512];
  memset(out, 0, sizeof *out);
  pthread_once(&once, compile_all);
  if (!compiled_ok || !value || !*value) return 0;
  to_cstr((const unsigned char *)value, strlen(value), s, sizeof s);
  if (!run_rules(server_rules, server_re, NSERVER, s, 0, out)) return 0;
  if (!out->product[0]) {  /* unknown server: keep its token as product */
    regmatch_t m[3];
    if (regexec(&server_re[NSERVER - 1], s, 3, m, 0) == 0) {
      copy_group(s, &m[1], out->product, sizeof out->product);
      copy_group(s, &m[2], out->version, sizeof out->version);
      out->conf = SCONF_LOW;
    }
  }
  return 1;
}

int scan_ident_is_backport(const char *s) {
  static const char *marks[] = {"debian", "ubuntu", "deb1", "deb9", "+deb",
                                "raspbian", "red hat", "centos", "rhel", ".el",
                                "suse", "fedora", "alpine", "amzn"};
  char low[256];
  size_t n = 0;
  for (; s && s[n] && n < sizeof low - 1; n++) low[n] = (char)tolower((unsigned char)s[n]);
  low[n] = '\0';
  for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
    if (strstr(low, marks[i])) return 1;
  return 0;
}

void scan_cpe_escape(const char *in, char *out, size_t n) {
  size_t w = 0;
  for (; *in && w + 3 < n; in++) {
    unsigned char c = (unsigned char)*in;
    if (isalnum(c) || c == '.' || c == '_' || c == '-') {
      out[w++] = (char)tolower(c);
    } else if (c > 0x20 && c < 0x7f) {
      out[w++] = '\\';
      out[w++] = (char)c;
    } else {
      out[w++] = '_';   /* spaces and bytes outside ASCII have no CPE form */
    }
  }
  out[w] = '\0';
}

void scan_ident_finish(ScanIdent *out) {
  if (out->version[0] && (scan_ident_is_backport(out->extra) ||
                          scan_ident_is_backport(out->version)))
    out->conf = SCONF_LOW;
  out->cpe[0] = '\0';
  if (!out->vendor[0] || !out->cpe_product[0]) return;
  char v[64], p[64], ver[96];
  scan_cpe_escape(out->vendor, v, sizeof v);
  scan_cpe_escape(out->cpe_product, p, sizeof p);
  if (out->version[0]) scan_cpe_escape(out->version, ver, sizeof ver);
  else snprintf(ver, sizeof ver, "*");
  snprintf(out->cpe, sizeof out->cpe, "cpe:2.3:a:%s:%s:%s:*:*:*:*:*:*:*", v, p, ver);
}
