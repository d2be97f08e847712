/* test_password.c — Argon2id hashing/verification and the password policy. */
#include <stdlib.h>

#include "auth/password.h"
#include "test.h"

TEST(hash_and_verify) {
  char h[AUTH_HASH_MAX];
  Err e = {0};
  CHECK_INT(auth_password_hash("korrekt hest batteri", h, &e), 0);
  CHECK(strncmp(h, "$argon2id$", 10) == 0);
  CHECK(auth_password_verify(h, "korrekt hest batteri"));
  CHECK(!auth_password_verify(h, "korrekt hest batteri "));
  CHECK(!auth_password_verify(h, ""));
  CHECK(!auth_password_verify("$argon2id$garbage", "x"));
  CHECK(!auth_password_verify(NULL, "x"));
  CHECK(!auth_password_needs_rehash(h));
  char h2[AUTH_HASH_MAX];
  CHECK_INT(auth_password_hash("korrekt hest batteri", h2, &e), 0);
  CHECK(strcmp(h, h2) != 0); /* salted */
}

TEST(rehash_when_settings_grow) {
  char h[AUTH_HASH_MAX];
  Err e = {0};
  CHECK_INT(auth_password_hash("et langt passord", h, &e), 0);
  unsetenv("VARDE_PWHASH_FAST"); /* now the full settings apply */
  CHECK(auth_password_needs_rehash(h));
  CHECK(auth_password_verify(h, "et langt passord")); /* still verifies */
  setenv("VARDE_PWHASH_FAST", "1", 1);
}

TEST(policy) {
  Err e = {0};
  CHECK_INT(auth_password_policy("kari", "kort", &e), VERR_INVALID);
  CHECK_INT(auth_password_policy("kari", "elleve tegn", &e), VERR_INVALID);  /* 11 */
  CHECK_INT(auth_password_policy("kari", "tolv tegn!!!", &e), 0);           /* 12 */
  CHECK_INT(auth_password_policy("kari", "blåbærsyltøy", &e), 0);          /* 12 code points */
  CHECK_INT(auth_password_policy("kari", "ååååååååååå", &e), VERR_INVALID);
  CHECK_INT(auth_password_policy("kari", "aaaaaaaaaaaaaaaa", &e), VERR_INVALID);
  CHECK_INT(auth_password_policy("kari", "mitt navn er KARI!", &e), VERR_INVALID);
  CHECK(strstr(e.msg, "brukernavnet") != NULL);
  CHECK_INT(auth_password_policy("kari", "bad utf8 \xff\xfe here", &e), VERR_INVALID);
  char big[AUTH_PASSWORD_MAX + 2];
  memset(big, 'x', sizeof big - 1);
  big[0] = 'y';
  big[sizeof big - 1] = 0;
  CHECK_INT(auth_password_policy("kari", big, &e), VERR_INVALID);
}

int main(void) {
  setenv("VARDE_PWHASH_FAST", "1", 1);
  RUN(hash_and_verify);
  RUN(rehash_when_settings_grow);
  RUN(policy);
  return TEST_DONE();
}
