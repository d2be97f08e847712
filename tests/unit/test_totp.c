/* test_totp.c — TOTP against the RFC 6238 SHA-1 test vectors, the ±1 step
 * window and reuse refusal, secrets, otpauth URIs and recovery codes. */
#include <liboath/oath.h>
#include <stdlib.h>

#include "auth/totp.h"
#include "test.h"

/* RFC 6238 appendix B: seed "12345678901234567890" in base32. */
static const char *rfc_secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

TEST(rfc6238_sha1_vectors) {
  /* The RFC lists 8 digits; 6-digit codes are their last six digits. */
  static const struct { long long t; const char *code8; } v[] = {
    {59, "94287082"}, {1111111109, "07081804"}, {1111111111, "14050471"},
    {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000LL, "65353130"},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    char out[7];
    Err e = {0};
    CHECK_INT(auth_totp_code(rfc_secret, v[i].t / 30, out, &e), 0);
    CHECK_STR(out, v[i].code8 + 2);
  }
}

TEST(verify_window_and_reuse) {
  Err e = {0};
  int64_t now = 1111111111, step = now / 30, got = 0;
  char c[7], next[7], far[7];
  auth_totp_code(rfc_secret, step, c, &e);
  auth_totp_code(rfc_secret, step + 1, next, &e);
  auth_totp_code(rfc_secret, step + 2, far, &e);
  CHECK_INT(auth_totp_verify(rfc_secret, c, now, 0, &got, &e), 0);
  CHECK_INT(got, step);
  CHECK_INT(auth_totp_verify(rfc_secret, c, now, step, &got, &e), VERR_DENIED); /* reuse */
  CHECK_INT(auth_totp_verify(rfc_secret, next, now, step, &got, &e), 0);        /* +1 step */
  CHECK_INT(got, step + 1);
  CHECK_INT(auth_totp_verify(rfc_secret, far, now, 0, &got, &e), VERR_DENIED);  /* +2 steps */
  CHECK_INT(auth_totp_verify(rfc_secret, c, now + 30, 0, &got, &e), 0);         /* -1 step */
  CHECK_INT(auth_totp_verify(rfc_secret, c, now + 60, 0, &got, &e), VERR_DENIED);
  char spaced[8] = {c[0], c[1], c[2], ' ', c[3], c[4], c[5], 0};
  CHECK_INT(auth_totp_verify(rfc_secret, spaced, now, 0, &got, &e), 0);
  CHECK_INT(auth_totp_verify(rfc_secret, "12345", now, 0, &got, &e), VERR_DENIED);
  CHECK_INT(auth_totp_verify(rfc_secret, "1234567", now, 0, &got, &e), VERR_DENIED);
  CHECK_INT(auth_totp_verify(rfc_secret, "12a456", now, 0, &got, &e), VERR_DENIED);
  CHECK_INT(auth_totp_verify("not base32!", c, now, 0, &got, &e), VERR_INVALID);
}

TEST(secret_is_random_base32) {
  char a[AUTH_TOTP_SECRET_B32_LEN + 1], b[AUTH_TOTP_SECRET_B32_LEN + 1];
  Err e = {0};
  CHECK_INT(auth_totp_secret_new(a, &e), 0);
  CHECK_INT(auth_totp_secret_new(b, &e), 0);
  CHECK_INT(strlen(a), 32);
  CHECK(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == 32);
  CHECK(strcmp(a, b) != 0);
  char code[7];
  CHECK_INT(auth_totp_code(a, 12345, code, &e), 0);
  CHECK_INT(strspn(code, "0123456789"), 6);
}

TEST(otpauth_uri_is_encoded) {
  Buf b;
  buf_init(&b, 4096);
  CHECK_INT(auth_totp_uri(rfc_secret, "kari nord@x", &b), 0);
  CHECK_STR(buf_cstr(&b), "otpauth://totp/Varde:kari%20nord%40x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=Varde&algorithm=SHA1&digits=6&period=30");
  buf_free(&b);
}

TEST(recovery_codes) {
  char a[AUTH_RECOVERY_LEN + 1], b[AUTH_RECOVERY_LEN + 1];
  unsigned char h1[32], h2[32], h3[32];
  Err e = {0};
  CHECK_INT(auth_recovery_code_new(a, &e), 0);
  CHECK_INT(auth_recovery_code_new(b, &e), 0);
  CHECK_INT(strlen(a), AUTH_RECOVERY_LEN);
  CHECK(a[4] == '-' && a[9] == '-' && a[14] == '-');
  CHECK(strcmp(a, b) != 0);
  /* Typed in lower case without dashes it is the same code. */
  char typed[17];
  size_t n = 0;
  for (const char *p = a; *p; p++)
    if (*p != '-') typed[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
  typed[n] = 0;
  CHECK_INT(auth_recovery_code_hash(a, h1), 0);
  CHECK_INT(auth_recovery_code_hash(typed, h2), 0);
  CHECK(memcmp(h1, h2, 32) == 0);
  CHECK_INT(auth_recovery_code_hash(b, h3), 0);
  CHECK(memcmp(h1, h3, 32) != 0);
  CHECK_INT(auth_recovery_code_hash("ABCD-EFGH", h3), VERR_INVALID);
  CHECK_INT(auth_recovery_code_hash("ABCD-EFGH-IJKL-MNO1", h3), VERR_INVALID);
  CHECK_INT(auth_recovery_code_hash("ABCD-EFGH-IJKL-MNOPQ", h3), VERR_INVALID);
}

/* Our codes, computed per time step, agree with liboath's own validator
 * working from wall-clock seconds, for a random secret and many instants. */
TEST(agrees_with_liboath_validator) {
  char secret[AUTH_TOTP_SECRET_B32_LEN + 1], code[7];
  char *key = NULL;
  size_t keylen = 0;
  Err e = {0};
  CHECK_INT(auth_totp_secret_new(secret, &e), 0);
  CHECK_INT(oath_base32_decode(secret, strlen(secret), &key, &keylen), OATH_OK);
  CHECK_INT(keylen, AUTH_TOTP_SECRET_BYTES);
  for (long long now = 1600000000; now < 1600000000 + 3000; now += 7) {
    int pos = 99;
    CHECK_INT(auth_totp_code(secret, now / 30, code, &e), 0);
    CHECK_INT(oath_totp_validate2(key, keylen, (time_t)now, 30, 0, 0, &pos, code), 0);
    CHECK_INT(pos, 0);
    /* Our verifier accepts what liboath says is one step old. */
    int64_t step = 0;
    CHECK_INT(auth_totp_verify(secret, code, now + 30, 0, &step, &e), 0);
    CHECK_INT(step, now / 30);
  }
  free(key);
}

int main(void) {
  RUN(rfc6238_sha1_vectors);
  RUN(verify_window_and_reuse);
  RUN(secret_is_random_base32);
  RUN(otpauth_uri_is_encoded);
  RUN(recovery_codes);
  RUN(agrees_with_liboath_validator);
  return TEST_DONE();
}
