/* totp.c — RFC 6238 TOTP (30 s steps, 6 digits, HMAC-SHA-1) computed by
 * liboath, base32 secrets, otpauth:// URIs and recovery-code formatting. */
#include <ctype.h>
#include <liboath/oath.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "auth/internal.h"
#include "auth/totp.h"

/* Base32 of n random bytes (n a multiple of 5, so no padding) into out. */
static int random_b32(size_t n, char *out, size_t cap, Err *e) {
  unsigned char raw[32];
  char *enc = NULL;
  size_t len = 0;
  if (auth__init(e)) return VERR_NOMEM;
  if (n > sizeof raw) return err_set(e, VERR_INVALID, "for mange byte");
  randombytes_buf(raw, n);
  int rc = oath_base32_encode((const char *)raw, n, &enc, &len);
  sodium_memzero(raw, sizeof raw);
  if (rc != OATH_OK || !enc || len >= cap) {
    free(enc);
    return err_set(e, VERR_NOMEM, "base32-koding feilet");
  }
  memcpy(out, enc, len);
  out[len] = '\0';
  sodium_memzero(enc, len);
  free(enc);
  return 0;
}

int auth_totp_secret_new(char out[AUTH_TOTP_SECRET_B32_LEN + 1], Err *e) {
  return random_b32(AUTH_TOTP_SECRET_BYTES, out, AUTH_TOTP_SECRET_B32_LEN + 1, e);
}

int auth_totp_code(const char *secret_b32, int64_t step, char out[AUTH_TOTP_DIGITS + 1], Err *e) {
  char *key = NULL;
  size_t keylen = 0;
  if (auth__init(e)) return VERR_NOMEM;
  if (!secret_b32 || step < 0 || step > INT64_MAX / AUTH_TOTP_STEP)
    return err_set(e, VERR_INVALID, "ugyldig TOTP-hemmelighet eller tid");
  if (oath_base32_decode(secret_b32, strlen(secret_b32), &key, &keylen) != OATH_OK || !keylen) {
    free(key);
    return err_set(e, VERR_INVALID, "TOTP-hemmeligheten er ikke gyldig base32");
  }
  int rc = oath_totp_generate2(key, keylen, (time_t)(step * AUTH_TOTP_STEP), AUTH_TOTP_STEP, 0,
                               AUTH_TOTP_DIGITS, 0, out);
  sodium_memzero(key, keylen);
  free(key);
  if (rc != OATH_OK) return err_set(e, VERR_INVALID, "TOTP: %s", oath_strerror(rc));
  return 0;
}

/* Copies the digits of `code` (spaces allowed between them) into out; 0 if
 * exactly AUTH_TOTP_DIGITS digits were found. */
static int normalise_code(const char *code, char out[AUTH_TOTP_DIGITS + 1]) {
  size_t n = 0;
  for (; code && *code; code++) {
    if (*code == ' ') continue;
    if (!isdigit((unsigned char)*code) || n == AUTH_TOTP_DIGITS) return -1;
    out[n++] = *code;
  }
  out[n] = '\0';
  return n == AUTH_TOTP_DIGITS ? 0 : -1;
}

int auth_totp_verify(const char *secret_b32, const char *code, int64_t now, int64_t last_step,
                     int64_t *matched, Err *e) {
  char want[AUTH_TOTP_DIGITS + 1], got[AUTH_TOTP_DIGITS + 1];
  int64_t found = -1;
  if (normalise_code(code, got))
    return err_set(e, VERR_DENIED, "Koden må være %d sifre.", AUTH_TOTP_DIGITS);
  if (now < AUTH_TOTP_STEP) return err_set(e, VERR_INVALID, "ugyldig tid");
  int64_t step = now / AUTH_TOTP_STEP;
  for (int64_t s = step - 1; s <= step + 1; s++) {
    int rc = auth_totp_code(secret_b32, s, want, e);
    if (rc) return rc;
    /* Compare every candidate in constant time; remember the first match. */
    int eq = sodium_memcmp(want, got, AUTH_TOTP_DIGITS) == 0;
    if (eq && found < 0 && s > last_step) found = s;
  }
  sodium_memzero(want, sizeof want);
  if (found < 0) return err_set(e, VERR_DENIED, "Feil eller allerede brukt kode.");
  if (matched) *matched = found;
  return 0;
}

static void put_pct(Buf *out, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      buf_putc(out, c);
    } else {
      buf_putc(out, '%');
      buf_putc(out, hex[c >> 4]);
      buf_putc(out, hex[c & 15]);
    }
  }
}

int auth_totp_uri(const char *secret_b32, const char *username, Buf *out) {
  buf_lit(out, "otpauth://totp/Varde:");
  put_pct(out, username ? username : "");
  buf_lit(out, "?secret=");
  put_pct(out, secret_b32 ? secret_b32 : "");
  buf_printf(out, "&issuer=Varde&algorithm=SHA1&digits=%d&period=%d", AUTH_TOTP_DIGITS,
             AUTH_TOTP_STEP);
  return out->err ? -1 : 0;
}

int auth_recovery_code_new(char out[AUTH_RECOVERY_LEN + 1], Err *e) {
  char raw[17];
  int rc = random_b32(10, raw, sizeof raw, e);
  if (rc) return rc;
  for (int g = 0, o = 0; g < 4; g++) {
    memcpy(out + o, raw + g * 4, 4);
    o += 4;
    out[o++] = g < 3 ? '-' : '\0';
  }
  sodium_memzero(raw, sizeof raw);
  return 0;
}

int auth_recovery_code_hash(const char *code, unsigned char out[32]) {
  char norm[17];
  size_t n = 0;
  for (; code && *code; code++) {
    int c = toupper((unsigned char)*code);
    if (c == '-' || c == ' ') continue;
    int ok = (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
    if (!ok || n == 16) return VERR_INVALID;
    norm[n++] = (char)c;
  }
  if (n != 16) return VERR_INVALID;
  norm[n] = '\0';
  auth__sha256(norm, out);
  sodium_memzero(norm, sizeof norm);
  return 0;
}
