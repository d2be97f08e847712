/* crypto.c — the few cryptographic primitives src/auth shares: one-time
 * library set-up, 256-bit random tokens in base64url, SHA-256 of strings. */
#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "auth/internal.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;

static void init_libs(void) {
  if (sodium_init() < 0) init_rc = -1;
  else if (oath_init() != OATH_OK) init_rc = -1;
}

int auth__init(Err *e) {
  pthread_once(&init_once, init_libs);
  if (init_rc) return err_set(e, VERR_NOMEM, "kunne ikke starte kryptobibliotekene");
  return 0;
}

int auth__random_token(char out[44], Err *e) {
  unsigned char raw[32];
  if (auth__init(e)) return VERR_NOMEM;
  randombytes_buf(raw, sizeof raw);
  sodium_bin2base64(out, 44, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
  return 0;
}

void auth__sha256(const char *s, unsigned char out[32]) {
  crypto_hash_sha256(out, (const unsigned char *)s, strlen(s));
}

int auth__copy(char *dst, size_t cap, const char *src) {
  size_t n = strlen(src);
  if (n >= cap) return -1;
  memcpy(dst, src, n + 1);
  return 0;
}

int auth__is_b64url(const char *s, size_t len) {
  size_t i;
  for (i = 0; i < len; i++) {
    char c = s[i];
    int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
             c == '-' || c == '_';
    if (!ok) return 0;
  }
  return s[len] == '\0';
}

void auth__sha256_hex(const char *s, char out[65]) {
  unsigned char h[32];
  auth__sha256(s, h);
  sodium_bin2hex(out, 65, h, sizeof h);
}
