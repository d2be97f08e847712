/* password.c — Argon2id password hashing (libsodium crypto_pwhash_str), the
 * password policy, and a dummy verification for unknown user names. */
#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "auth/internal.h"
#include "auth/password.h"

_Static_assert(AUTH_HASH_MAX >= crypto_pwhash_STRBYTES, "hash buffer too small");

#define OPS_DEFAULT 3ULL
#define MEM_DEFAULT ((size_t)64 << 20)

void auth_password_limits(unsigned long long *ops, size_t *mem) {
  const char *fast = getenv("VARDE_PWHASH_FAST");
  if (fast && !strcmp(fast, "1")) {
    *ops = crypto_pwhash_OPSLIMIT_MIN;
    *mem = crypto_pwhash_MEMLIMIT_MIN;
  } else {
    *ops = OPS_DEFAULT;
    *mem = MEM_DEFAULT;
  }
}

/* Number of code points in valid UTF-8, or -1 if s is not valid UTF-8. */
static long utf8_length(const unsigned char *s) {
  long n = 0;
  while (*s) {
    int extra = *s < 0x80 ? 0 : (*s & 0xE0) == 0xC0 ? 1 : (*s & 0xF0) == 0xE0 ? 2
              : (*s & 0xF8) == 0xF0 ? 3 : -1;
    if (extra < 0 || (extra == 1 && *s < 0xC2) || (*s > 0xF4)) return -1;
    s++;
    for (int i = 0; i < extra; i++, s++)
      if ((*s & 0xC0) != 0x80) return -1;
    n++;
  }
  return n;
}

static int contains_folded(const char *hay, const char *needle) {
  size_t hn = strlen(hay), nn = strlen(needle);
  if (nn == 0 || nn > hn) return 0;
  for (size_t i = 0; i + nn <= hn; i++) {
    size_t j = 0;
    while (j < nn && tolower((unsigned char)hay[i + j]) == tolower((unsigned char)needle[j])) j++;
    if (j == nn) return 1;
  }
  return 0;
}

int auth_password_policy(const char *username, const char *password, Err *e) {
  if (!password || strlen(password) > AUTH_PASSWORD_MAX)
    return err_set(e, VERR_INVALID, "Passordet kan være høyst %d byte langt.", AUTH_PASSWORD_MAX);
  long n = utf8_length((const unsigned char *)password);
  if (n < 0) return err_set(e, VERR_INVALID, "Passordet inneholder ugyldige tegn.");
  if (n < AUTH_PASSWORD_MIN)
    return err_set(e, VERR_INVALID, "Passordet må ha minst %d tegn.", AUTH_PASSWORD_MIN);
  size_t i = 1;
  while (password[i] && password[i] == password[0]) i++;
  if (!password[i]) return err_set(e, VERR_INVALID, "Passordet kan ikke være ett tegn gjentatt.");
  if (username && contains_folded(password, username))
    return err_set(e, VERR_INVALID, "Passordet kan ikke inneholde brukernavnet.");
  return 0;
}

int auth_password_hash(const char *password, char out[AUTH_HASH_MAX], Err *e) {
  unsigned long long ops;
  size_t mem;
  if (auth__init(e)) return VERR_NOMEM;
  if (!password || strlen(password) > AUTH_PASSWORD_MAX)
    return err_set(e, VERR_INVALID, "Passordet er for langt.");
  auth_password_limits(&ops, &mem);
  if (crypto_pwhash_str(out, password, strlen(password), ops, mem) != 0)
    return err_set(e, VERR_NOMEM, "ikke nok minne til å hashe passordet");
  return 0;
}

int auth_password_verify(const char *hash, const char *password) {
  if (auth__init(NULL) || !hash || !password) return 0;
  if (strlen(password) > AUTH_PASSWORD_MAX || strlen(hash) >= crypto_pwhash_STRBYTES) return 0;
  return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

int auth_password_needs_rehash(const char *hash) {
  unsigned long long ops;
  size_t mem;
  if (auth__init(NULL) || !hash) return 1;
  auth_password_limits(&ops, &mem);
  return crypto_pwhash_str_needs_rehash(hash, ops, mem) != 0;
}

static char dummy_hash[AUTH_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void) {
  char pw[44];
  if (auth__random_token(pw, NULL) || auth_password_hash(pw, dummy_hash, NULL))
    dummy_hash[0] = '\0';
}

void auth_password_dummy_verify(const char *password) {
  pthread_once(&dummy_once, make_dummy);
  if (dummy_hash[0]) (void)auth_password_verify(dummy_hash, password);
}
