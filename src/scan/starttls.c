/* starttls.c — the plain-text preamble that upgrades SMTP, IMAP and POP3 to
 * TLS (EHLO/STARTTLS, a1 STARTTLS, STLS), so their certificates and TLS
 * versions are checked like those of a TLS port. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scan/tls.h"

/* Reads replies until one contains want (or a final SMTP "250 " line when
 * want is NULL). Returns 1 when seen. buf gets what was read. */
static int read_until(ScanConn *c, const char *want, char *buf, size_t cap) {
  size_t got = 0;
  while (got + 1 < cap) {
    size_t n = scan_conn_read(c, (unsigned char *)buf + got, cap - 1 - got,
                              c->timeout_ms, 150);
    if (n == 0) break;
    got += n;
    buf[got] = '\0';
    if (want && strstr(buf, want)) return 1;
    if (!want && (!strncmp(buf, "250 ", 4) || strstr(buf, "\n250 "))) return 1;
  }
  buf[got] = '\0';
  return 0;
}

/* One protocol's dialogue: greet (what the server says first), ask (the
 * capability query and the marker ending its reply), the capability word,
 * then the upgrade command and its positive reply. */
typedef struct Dialogue {
  const char *proto, *greet, *ask, *ask_end, *cap, *upgrade, *ok;
} Dialogue;

static const Dialogue dialogues[] = {
  {"smtp", "220", "EHLO varde-scan.invalid\r\n", NULL, "STARTTLS", "STARTTLS\r\n", "220"},
  {"imap", "* OK", "a0 CAPABILITY\r\n", "a0 ", "STARTTLS", "a1 STARTTLS\r\n", "a1 OK"},
  {"pop3", "+OK", "CAPA\r\n", "\n.", "STLS", "STLS\r\n", "+OK"},
};

int scan_starttls_preamble(ScanConn *c, const char *proto) {
  const Dialogue *d = NULL;
  for (size_t i = 0; i < sizeof dialogues / sizeof dialogues[0]; i++)
    if (!strcmp(dialogues[i].proto, proto)) d = &dialogues[i];
  char buf[4096];
  if (!d || !read_until(c, d->greet, buf, sizeof buf)) return -1;
  if (scan_conn_send(c, d->ask, strlen(d->ask)) || !read_until(c, d->ask_end, buf, sizeof buf))
    return -1;   /* no capability answer: unknown */
  if (!strcasestr(buf, d->cap)) return 1;
  if (scan_conn_send(c, d->upgrade, strlen(d->upgrade)) || !read_until(c, d->ok, buf, sizeof buf))
    return 2;
  return 0;
}

int scan_conn_open_tls_ready(ScanConn *c, const ScanScope *scope, const ScanHost *h,
                             uint16_t port, int timeout_ms, const char *starttls) {
  if (scan_conn_open(c, scope, h, port, timeout_ms)) return -1;
  if (starttls && scan_starttls_preamble(c, starttls) != 0) {
    scan_conn_close(c);
    return -1;
  }
  return 0;
}
