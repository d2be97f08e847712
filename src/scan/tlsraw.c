/* tlsraw.c — a hand-built TLS ClientHello offering only chosen cipher
 * suites, and the parser of the server's first reply (ServerHello or alert).
 * Used for weak-cipher classes OpenSSL 3 no longer implements (RC4, 3DES,
 * EXPORT) as well as NULL and anonymous suites. */
#include "scan/tls.h"

#include <openssl/rand.h>
#include <string.h>

static void put16(unsigned char *p, unsigned v) {
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}

size_t scan_tls_client_hello(unsigned char *out, size_t cap, const uint16_t *suites,
                             size_t nsuites, const char *sni) {
  static const unsigned char groups[] = {0x00, 0x0a, 0x00, 0x08, 0x00, 0x06,
                                         0x00, 0x17, 0x00, 0x18, 0x00, 0x1d};
  static const unsigned char points[] = {0x00, 0x0b, 0x00, 0x02, 0x01, 0x00};
  static const unsigned char sigalgs[] = {0x00, 0x0d, 0x00, 0x10, 0x00, 0x0e,
    0x04, 0x01, 0x05, 0x01, 0x06, 0x01, 0x02, 0x01, 0x04, 0x03, 0x08, 0x04, 0x02, 0x03};
  size_t snil = sni && *sni ? strlen(sni) : 0;
  if (snil > 255) snil = 0;
  size_t ext = sizeof groups + sizeof points + sizeof sigalgs + (snil ? 9 + snil : 0);
  size_t body = 2 + 32 + 1 + 2 + nsuites * 2 + 2 + 2 + ext;
  if (5 + 4 + body > cap || nsuites == 0 || nsuites > 64) return 0;
  unsigned char *p = out;
  p[0] = 0x16; put16(p + 1, 0x0301); put16(p + 3, (unsigned)(4 + body));
  p[5] = 0x01; p[6] = 0; put16(p + 7, (unsigned)body);
  p += 9;
  put16(p, 0x0303); p += 2;
  if (RAND_bytes(p, 32) != 1) memset(p, 0x5a, 32);
  p += 32;
  *p++ = 0;                                   /* no session id */
  put16(p, (unsigned)nsuites * 2); p += 2;
  for (size_t i = 0; i < nsuites; i++, p += 2) put16(p, suites[i]);
  *p++ = 1; *p++ = 0;                         /* null compression */
  put16(p, (unsigned)ext); p += 2;
  if (snil) {
    put16(p, 0); put16(p + 2, (unsigned)(5 + snil)); put16(p + 4, (unsigned)(3 + snil));
    p[6] = 0; put16(p + 7, (unsigned)snil);
    memcpy(p + 9, sni, snil);
    p += 9 + snil;
  }
  memcpy(p, groups, sizeof groups); p += sizeof groups;
  memcpy(p, points, sizeof points); p += sizeof points;
  memcpy(p, sigalgs, sizeof sigalgs); p += sizeof sigalgs;
  return (size_t)(p - out);
}

int scan_tls_parse_server_hello(const unsigned char *p, size_t n,
                                unsigned *version, unsigned *suite) {
  if (n < 5 || p[1] != 0x03) return -1;
  size_t rlen = (size_t)p[3] << 8 | p[4];
  if (p[0] == 0x15) return 0;                /* alert: handshake refused */
  if (p[0] != 0x16 || rlen < 4 || n < 9) return -1;
  const unsigned char *h = p + 5;
  size_t hn = n - 5 < rlen ? n - 5 : rlen;
  if (h[0] != 0x02) return -1;
  size_t hlen = (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
  if (hlen < 38 || hn < 4 + 35) return -1;
  size_t sid = h[4 + 34];
  if (sid > 32 || hn < 4 + 35 + sid + 2) return -1;
  *version = (unsigned)h[4] << 8 | h[5];
  *suite = (unsigned)h[4 + 35 + sid] << 8 | h[4 + 35 + sid + 1];
  return 1;
}

/* Weak cipher classes and the suites that represent them. */
static const uint16_t s_rc4[] = {0x0004, 0x0005, 0xc011, 0xc007, 0x0018, 0x0003};
static const uint16_t s_3des[] = {0x000a, 0x0016, 0x0013, 0xc012, 0xc008, 0x001b, 0xc017};
static const uint16_t s_null[] = {0x0001, 0x0002, 0x003b, 0xc010, 0xc006, 0xc015};
static const uint16_t s_export[] = {0x0003, 0x0006, 0x0008, 0x000e, 0x0011, 0x0014,
                                    0x0017, 0x0019, 0x0062, 0x0064};
static const uint16_t s_anon[] = {0x0034, 0x003a, 0x006c, 0x006d, 0x00a6, 0x00a7,
                                  0xc018, 0xc019, 0x001b, 0xc017, 0x0018, 0xc015};

const ScanWeakClass scan_tls_weak_classes[] = {
  {"RC4", s_rc4, sizeof s_rc4 / 2},
  {"3DES", s_3des, sizeof s_3des / 2},
  {"NULL", s_null, sizeof s_null / 2},
  {"EXPORT", s_export, sizeof s_export / 2},
  {"anonymous", s_anon, sizeof s_anon / 2},
};
const size_t scan_tls_nweak = sizeof scan_tls_weak_classes / sizeof scan_tls_weak_classes[0];
