/* ident_bin.c — small binary probes and the parsers of their replies:
 * MySQL/MariaDB, MSSQL (TDS pre-login), PostgreSQL, DNS over TCP, LDAP,
 * RDP (X.224), SMB2, SNMP over TCP and Redis. Every read is bounds-checked. */
#include "scan/ident.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static void set(ScanIdent *o, const char *name, const char *display,
                const char *vendor, const char *product) {
  memset(o, 0, sizeof *o);
  o->matched = 1;
  o->conf = SCONF_HIGH;
  snprintf(o->name, sizeof o->name, "%s", name);
  if (display) snprintf(o->product, sizeof o->product, "%s", display);
  if (vendor) snprintf(o->vendor, sizeof o->vendor, "%s", vendor);
  if (product) snprintf(o->cpe_product, sizeof o->cpe_product, "%s", product);
}

/* Copies up to n printable bytes. */
static void copy_print(char *out, size_t cap, const unsigned char *p, size_t n) {
  size_t w = 0;
  for (size_t i = 0; i < n && w + 1 < cap; i++)
    out[w++] = isprint(p[i]) ? (char)p[i] : '?';
  out[w] = '\0';
}

/* Handshake v10: len3 seq1 0x0a "version\0" ...; or an error packet 0xff. */
int scan_ident_mysql(const unsigned char *p, size_t n, ScanIdent *o) {
  if (n < 7) return 0;
  size_t len = p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16;
  if (p[3] != 0 || len < 3 || len > 1024) return 0;
  if (p[4] == 0xff) {   /* "Host ... is not allowed to connect" */
    set(o, "mysql", "MySQL", NULL, NULL);
    copy_print(o->extra, sizeof o->extra, p + 7, n - 7 < len - 3 ? n - 7 : len - 3);
    return 1;
  }
  if (p[4] != 0x0a) return 0;
  const unsigned char *v = p + 5, *end = memchr(v, 0, n - 5);
  if (!end || end == v || (size_t)(end - v) > 80) return 0;
  char ver[96];
  copy_print(ver, sizeof ver, v, (size_t)(end - v));
  if (!isdigit((unsigned char)ver[0])) return 0;
  const char *s = ver;
  if (!strncmp(s, "5.5.5-", 6) && strstr(s, "MariaDB")) s += 6;
  if (strstr(s, "MariaDB")) set(o, "mysql", "MariaDB", "mariadb", "mariadb");
  else set(o, "mysql", "MySQL", "oracle", "mysql");
  size_t vl = strspn(s, "0123456789.");
  snprintf(o->version, sizeof o->version, "%.*s", (int)vl, s);
  snprintf(o->extra, sizeof o->extra, "%s", s + vl);
  scan_ident_finish(o);   /* protocol field: high, unless a distro build */
  return 1;
}

/* TDS pre-login response: header type 0x04, option table, VERSION token. */
int scan_ident_mssql(const unsigned char *p, size_t n, ScanIdent *o) {
  if (n < 8 + 6 || p[0] != 0x04) return 0;
  size_t plen = (size_t)p[2] << 8 | p[3];
  if (plen < 8 || plen > n) plen = n;
  const unsigned char *d = p + 8;
  size_t dn = plen - 8;
  for (size_t i = 0; i + 5 <= dn && d[i] != 0xff; i += 5) {
    size_t off = (size_t)d[i + 1] << 8 | d[i + 2], len = (size_t)d[i + 3] << 8 | d[i + 4];
    if (d[i] != 0x00) continue;
    if (len < 6 || off + 6 > dn) return 0;
    set(o, "mssql", "Microsoft SQL Server", "microsoft", "sql_server");
    snprintf(o->version, sizeof o->version, "%u.%u.%u", d[off], d[off + 1],
             (unsigned)d[off + 2] << 8 | d[off + 3]);
    scan_ident_finish(o);
    return 1;
  }
  return 0;
}

/* Reply to a StartupMessage: 'R' (authentication request) or 'E' (error). */
int scan_ident_pgsql(const unsigned char *p, size_t n, ScanIdent *o) {
  if (n < 9 || (p[0] != 'R' && p[0] != 'E')) return 0;
  size_t len = (size_t)p[1] << 24 | (size_t)p[2] << 16 | (size_t)p[3] << 8 | p[4];
  if (len < 8 || len > 65536) return 0;
  if (p[0] == 'R' && len > 64) return 0;
  if (p[0] == 'E' && !memmem(p + 5, n - 5, "SFATAL", 6) &&
      !memmem(p + 5, n - 5, "SERROR", 6))
    return 0;
  set(o, "postgresql", "PostgreSQL", "postgresql", "postgresql");
  if (p[0] == 'E') {
    const unsigned char *m = memmem(p + 5, n - 5, "\0M", 2);
    if (m) copy_print(o->extra, sizeof o->extra, m + 2, strnlen((const char *)m + 2,
                      (size_t)(p + n - m - 2)));
  }
  scan_ident_finish(o);
  return 1;
}

/* Skips a DNS name at p[*i]; returns -1 when malformed. */
static int skip_name(const unsigned char *p, size_t n, size_t *i) {
  for (int guard = 0; guard < 128; guard++) {
    if (*i >= n) return -1;
    unsigned char l = p[*i];
    if (l == 0) { (*i)++; return 0; }
    if ((l & 0xc0) == 0xc0) { *i += 2; return *i <= n ? 0 : -1; }
    if (l & 0xc0) return -1;
    *i += 1 + l;
  }
  return -1;
}

static void dns_version(const char *txt, ScanIdent *o) {
  if (!strncmp(txt, "dnsmasq-", 8)) {
    set(o, "dns", "dnsmasq", "thekelleys", "dnsmasq");
    snprintf(o->version, sizeof o->version, "%.*s", (int)strspn(txt + 8, "0123456789."), txt + 8);
  } else if (isdigit((unsigned char)txt[0])) {
    set(o, "dns", "ISC BIND", "isc", "bind");
    snprintf(o->version, sizeof o->version, "%.*s", (int)strspn(txt, "0123456789."), txt);
  }
  snprintf(o->extra, sizeof o->extra, "%s", txt);
}

/* TCP DNS reply (2-byte length) to our version.bind CH TXT query. */
int scan_ident_dns(const unsigned char *p, size_t n, ScanIdent *o) {
  if (n < 14 || p[2] != 0x56 || p[3] != 0x41 || !(p[4] & 0x80)) return 0;
  const unsigned char *d = p + 2;
  size_t dn = n - 2, i = 12;
  set(o, "dns", NULL, NULL, NULL);
  unsigned qd = (unsigned)d[4] << 8 | d[5], an = (unsigned)d[6] << 8 | d[7];
  for (unsigned q = 0; q < qd && q < 4; q++) {
    if (skip_name(d, dn, &i) || (i += 4) > dn) return 1;
  }
  if (an == 0 || skip_name(d, dn, &i) || i + 10 > dn) return 1;
  unsigned type = (unsigned)d[i] << 8 | d[i + 1];
  size_t rdlen = (size_t)d[i + 8] << 8 | d[i + 9];
  i += 10;
  if (type != 16 || rdlen < 1 || i + rdlen > dn) return 1;
  size_t tl = d[i];
  if (tl + 1 > rdlen) return 1;
  char txt[128];
  copy_print(txt, sizeof txt, d + i + 1, tl);
  dns_version(txt, o);
  scan_ident_finish(o);
  return 1;
}

/* BER length at p[*i]; -1 when malformed. */
static long ber_len(const unsigned char *p, size_t n, size_t *i) {
  if (*i >= n) return -1;
  unsigned char l = p[(*i)++];
  if (l < 0x80) return l;
  int k = l & 0x7f;
  if (k == 0 || k > 3 || *i + (size_t)k > n) return -1;
  long v = 0;
  while (k--) v = v << 8 | p[(*i)++];
  return v;
}

/* LDAPMessage SEQUENCE { messageID 1, bindResponse [APPLICATION 1] }. */
int scan_ident_ldap(const unsigned char *p, size_t n, ScanIdent *o) {
  size_t i = 1;
  if (n < 7 || p[0] != 0x30 || ber_len(p, n, &i) < 0) return 0;
  if (i + 3 > n || p[i] != 0x02 || p[i + 1] != 0x01 || p[i + 2] != 0x01) return 0;
  i += 3;
  if (i >= n || p[i] != 0x61) return 0;
  set(o, "ldap", NULL, NULL, NULL);
  return 1;
}

/* TPKT + X.224 Connection Confirm. */
int scan_ident_rdp(const unsigned char *p, size_t n, ScanIdent *o) {
  if (n < 11 || p[0] != 0x03 || p[1] != 0x00 || (p[5] & 0xf0) != 0xd0) return 0;
  set(o, "rdp", NULL, NULL, NULL);
  if (n >= 19 && p[11] == 0x02)
    snprintf(o->extra, sizeof o->extra, "selected protocol %u", p[15]);
  return 1;
}

/* NetBIOS session header, then an SMB1 or SMB2 header. */
int scan_ident_smb(const unsigned char *p, size_t n, ScanIdent *o) {
  if (n < 8 || p[0] != 0x00) return 0;
  if (!memcmp(p + 4, "\xffSMB", 4)) {
    set(o, "smb", NULL, NULL, NULL);
    snprintf(o->extra, sizeof o->extra, "SMB1");
    return 1;
  }
  if (memcmp(p + 4, "\xfeSMB", 4)) return 0;
  set(o, "smb", NULL, NULL, NULL);
  if (n >= 4 + 64 + 6) {
    unsigned d = (unsigned)p[4 + 64 + 5] << 8 | p[4 + 64 + 4];
    snprintf(o->extra, sizeof o->extra, "dialect %x.%02x", d >> 8, d & 0xff);
  }
  return 1;
}

/* GetResponse carrying sysDescr.0 as an OCTET STRING. */
int scan_ident_snmp(const unsigned char *p, size_t n, ScanIdent *o) {
  static const unsigned char oid[] = {0x06, 0x08, 0x2b, 0x06, 0x01, 0x02,
                                      0x01, 0x01, 0x01, 0x00, 0x04};
  if (n < 20 || p[0] != 0x30 || !memchr(p, 0xa2, n)) return 0;
  set(o, "snmp", NULL, NULL, NULL);
  const unsigned char *q = memmem(p, n, oid, sizeof oid);
  if (q) {
    size_t i = (size_t)(q - p) + sizeof oid;
    long l = ber_len(p, n, &i);
    if (l > 0 && i + (size_t)l <= n)
      copy_print(o->extra, sizeof o->extra, p + i, (size_t)l);
  }
  return 1;
}

int scan_ident_redis(const unsigned char *p, size_t n, ScanIdent *o) {
  if (!scan_ident_banner(p, n, 6379, o) || strcmp(o->name, "redis")) return 0;
  if (o->version[0]) o->conf = SCONF_HIGH;  /* from INFO: a protocol field */
  scan_ident_finish(o);
  return 1;
}

static const unsigned char pl_mssql[] = {
  0x12, 0x01, 0x00, 0x2f, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x1a, 0x00, 0x06, 0x01, 0x00, 0x20, 0x00, 0x01,
  0x02, 0x00, 0x21, 0x00, 0x01, 0x03, 0x00, 0x22, 0x00, 0x04,
  0x04, 0x00, 0x26, 0x00, 0x01, 0xff,
  0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
static const unsigned char pl_pgsql[] = {
  0, 0, 0, 35, 0, 3, 0, 0, 'u', 's', 'e', 'r', 0, 'v', 'a', 'r', 'd', 'e', 0,
  'd', 'a', 't', 'a', 'b', 'a', 's', 'e', 0, 'v', 'a', 'r', 'd', 'e', 0, 0};
static const unsigned char pl_dns[] = {
  0, 30, 0x56, 0x41, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
  7, 'v', 'e', 'r', 's', 'i', 'o', 'n', 4, 'b', 'i', 'n', 'd', 0, 0, 16, 0, 3};
static const unsigned char pl_ldap[] = {
  0x30, 0x0c, 0x02, 0x01, 0x01, 0x60, 0x07, 0x02, 0x01, 0x03, 0x04, 0x00, 0x80, 0x00};
static const unsigned char pl_rdp[] = {
  0x03, 0x00, 0x00, 0x13, 0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00};
static const unsigned char pl_smb[] = {
  0x00, 0x00, 0x00, 0x68, 0xfe, 'S', 'M', 'B', 0x40, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0,
  0x24, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0, 0, 0, 0,
  'V', 'A', 'R', 'D', 'E', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x02, 0x10, 0x02};
static const unsigned char pl_snmp[] = {
  0x30, 0x29, 0x02, 0x01, 0x01, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c',
  0xa0, 0x1c, 0x02, 0x04, 0x56, 0x41, 0x52, 0x44, 0x02, 0x01, 0x00, 0x02,
  0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02,
  0x01, 0x01, 0x01, 0x00, 0x05, 0x00};
static const unsigned char pl_redis[] = "PING\r\nINFO server\r\n";

const unsigned char *scan_probe_payload(const char *name, size_t *len) {
#define PL(s, a) if (!strcmp(name, s)) { *len = sizeof a; return a; }
  PL("mssql", pl_mssql) PL("postgresql", pl_pgsql) PL("dns", pl_dns)
  PL("ldap", pl_ldap) PL("rdp", pl_rdp) PL("smb", pl_smb) PL("snmp", pl_snmp)
#undef PL
  if (!strcmp(name, "redis")) { *len = sizeof pl_redis - 1; return pl_redis; }
  *len = 0;
  return NULL;
}

_Static_assert(sizeof pl_smb == 108, "SMB2 negotiate is 4 + 64 + 40 bytes");
_Static_assert(sizeof pl_mssql == 47, "TDS pre-login is 47 bytes");
_Static_assert(sizeof pl_pgsql == 35, "StartupMessage is 35 bytes");
_Static_assert(sizeof pl_dns == 32, "DNS query is 2 + 30 bytes");
_Static_assert(sizeof pl_snmp == 43, "SNMP GetRequest is 2 + 41 bytes");
