/* ident.h — Varde's own service match rules: text banners (SSH, SMTP, FTP,
 * IMAP, POP3, VNC, Redis, HTTP Server headers) and binary protocol replies
 * (MySQL, MSSQL, PostgreSQL, DNS, LDAP, RDP, SMB, SNMP) to name, product,
 * version, CPE 2.3 and a confidence grade. Pure functions of the bytes. */
#ifndef VARDE_SCAN_IDENT_H
#define VARDE_SCAN_IDENT_H
#include <stddef.h>
#include <stdint.h>

#include "scan/scan.h"

typedef struct ScanIdent {
  int matched;            /* 1 when a rule recognised the service */
  char name[24];          /* service name */
  char product[48];       /* display name */
  char vendor[48];        /* CPE vendor */
  char cpe_product[48];   /* CPE product */
  char version[64];
  char extra[128];        /* distribution or protocol detail */
  char cpe[256];          /* built by scan_ident_finish */
  ScanConf conf;
} ScanIdent;

/* Passive text banner (what the server says first), or a reply to a text
 * probe. Tries the rule table; port is a tie-breaker for bare "220". */
int scan_ident_banner(const unsigned char *p, size_t n, uint16_t port,
                      ScanIdent *out);
/* HTTP Server header value ("nginx/1.22.1", "Apache/2.4.57 (Debian)"). */
int scan_ident_http_server(const char *value, ScanIdent *out);

/* Binary replies. Each returns 1 when the reply is that protocol. */
int scan_ident_mysql(const unsigned char *p, size_t n, ScanIdent *out);
int scan_ident_mssql(const unsigned char *p, size_t n, ScanIdent *out);
int scan_ident_pgsql(const unsigned char *p, size_t n, ScanIdent *out);
int scan_ident_dns(const unsigned char *p, size_t n, ScanIdent *out);
int scan_ident_ldap(const unsigned char *p, size_t n, ScanIdent *out);
int scan_ident_rdp(const unsigned char *p, size_t n, ScanIdent *out);
int scan_ident_smb(const unsigned char *p, size_t n, ScanIdent *out);
int scan_ident_snmp(const unsigned char *p, size_t n, ScanIdent *out);
int scan_ident_redis(const unsigned char *p, size_t n, ScanIdent *out);

/* Builds out->cpe from vendor/product/version and lowers the confidence to
 * low when the version text carries a backporting distribution's mark. */
void scan_ident_finish(ScanIdent *out);
/* 1 when s names a distribution that backports fixes (Debian, Ubuntu, ...). */
int scan_ident_is_backport(const char *s);
/* CPE 2.3 value escaping: out gets at most n-1 bytes. */
void scan_cpe_escape(const char *in, char *out, size_t n);

/* Probe payloads (binary protocol requests), length via *len. */
const unsigned char *scan_probe_payload(const char *name, size_t *len);

#endif
