/* fuzz_authinput.c — libFuzzer target for what a user types into the auth
 * forms: TOTP codes, recovery codes, CSRF tokens, passwords and QR text.
 * The first byte picks the parser; the rest is the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"

static const char *secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

static void check_totp(const char *s) {
  int64_t step = 0;
  if (auth_totp_verify(secret, s, 1111111111, 0, &step, NULL) == 0) {
    size_t digits = 0;
    for (const char *p = s; *p; p++) digits += *p >= '0' && *p <= '9';
    if (digits != AUTH_TOTP_DIGITS || step < 1111111111 / 30 - 1 || step > 1111111111 / 30 + 1)
      __builtin_trap();
  }
}

static void check_recovery(const char *s) {
  unsigned char h[32];
  if (auth_recovery_code_hash(s, h) == 0) {
    size_t n = 0;
    for (const char *p = s; *p; p++) n += *p != '-' && *p != ' ';
    if (n != 16) __builtin_trap();
  }
}

static void check_qr(const char *s) {
  Buf b;
  buf_init(&b, 1 << 20);
  if (auth_qr_svg(s, s, &b, NULL, NULL) == 0) {
    const char *out = buf_cstr(&b);
    size_t n = strlen(out);
    if (strncmp(out, "<svg ", 5) || n < 6 || strcmp(out + n - 6, "</svg>")) __builtin_trap();
    if (strchr(strstr(out, "<title>") + 7, '<') != strstr(out, "</title>")) __builtin_trap();
  }
  buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  char *s = malloc(size);
  if (!s) return 0;
  memcpy(s, data + 1, size - 1);
  s[size - 1] = '\0';
  switch (data[0] % 5) {
  case 0: check_totp(s); break;
  case 1: check_recovery(s); break;
  case 2: (void)auth_csrf_ok("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", s); break;
  case 3: (void)auth_password_policy("kari", s, NULL); break;
  default: check_qr(s); break;
  }
  free(s);
  return 0;
}
