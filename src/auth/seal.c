/* seal.c — TOTP secrets encrypted at rest. The server must be able to read
 * a user's secret to check a code, so it cannot be hashed; instead it is
 * sealed with XChaCha20-Poly1305 (libsodium) under a 256-bit key kept in a
 * file beside the database (`<database>.key`, or $VARDE_KEY_FILE), never in
 * it. A copy of the database or a `varde backup` alone then gives nobody the
 * second factor. The user id is bound in as associated data, so a sealed
 * secret moved to another user's row does not open.
 *
 * Stored form: "s1:" + base64(nonce ‖ ciphertext ‖ tag). A value without
 * the prefix is a secret stored in clear by an older Varde: it is still
 * read, and auth_secrets_seal_all() seals it. A key that is missing or
 * wrong is VERR_IO: the server's fault, never counted as a failed log-in. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/auth.h"
#include "auth/internal.h"
#include "db/db.h"

#define PREFIX "s1:"
#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define KEYLEN crypto_aead_xchacha20poly1305_ietf_KEYBYTES

/* The key of one key file, read once per process. */
static pthread_mutex_t key_mu = PTHREAD_MUTEX_INITIALIZER;
static char key_path[PATH_MAX];
static unsigned char key[KEYLEN];

int auth_key_file(const Db *db, char *out, size_t cap) {
  const char *env = getenv("VARDE_KEY_FILE");
  int n = env && *env ? snprintf(out, cap, "%s", env) : snprintf(out, cap, "%s.key", db_path(db));
  return n > 0 && (size_t)n < cap ? 0 : -1;
}

static int read_key(const char *path, unsigned char k[KEYLEN], Err *e) {
  char hex[2 * KEYLEN + 2];
  struct stat st;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return err_set(e, errno == ENOENT ? VERR_NOTFOUND : VERR_IO,
                   "Nøkkelfilen %s %s. Uten den kan ingen TOTP-hemmelighet leses: legg den tilbake fra der du "
                   "tok vare på den, eller tilbakestill tofaktor med `varde user mfa-reset`.",
                   path, errno == ENOENT ? "finnes ikke" : strerror(errno));
  ssize_t n = fstat(fd, &st) ? -1 : read(fd, hex, sizeof hex);
  close(fd);
  if (n >= 0 && (st.st_mode & 077))
    return err_set(e, VERR_IO, "Nøkkelfilen %s kan leses av andre enn eieren: kjør `chmod 600 %s`.", path, path);
  size_t len = n > 0 ? (size_t)n : 0;
  if (len && hex[len - 1] == '\n') len--;
  size_t got = 0;
  unsigned char tmp[KEYLEN];   /* k is left alone unless the whole key is good */
  int bad = len != 2 * KEYLEN || sodium_hex2bin(tmp, KEYLEN, hex, len, NULL, &got, NULL) || got != KEYLEN;
  if (!bad) memcpy(k, tmp, KEYLEN);
  sodium_memzero(tmp, sizeof tmp);
  sodium_memzero(hex, sizeof hex);
  if (bad) return err_set(e, VERR_IO, "Nøkkelfilen %s er ødelagt (ventet %d heksadesimale tegn).", path, 2 * KEYLEN);
  return 0;
}

/* A new key, written to a file of its own first and then linked into
 * place, so no process ever reads half a key, and two that race agree on
 * whichever was linked first. */
static int create_key(const char *path, Err *e) {
  unsigned char k[KEYLEN];
  char hex[2 * KEYLEN + 2], tmp[PATH_MAX + 32];
  randombytes_buf(k, sizeof k);
  sodium_bin2hex(hex, sizeof hex, k, sizeof k);
  sodium_memzero(k, sizeof k);
  strcat(hex, "\n");
  snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  int ok = fd >= 0 && write(fd, hex, strlen(hex)) == (ssize_t)strlen(hex) && fsync(fd) == 0;
  sodium_memzero(hex, sizeof hex);
  if (fd >= 0) close(fd);
  if (ok && link(tmp, path) && errno != EEXIST) {
    /* a filesystem without hard links: a rename that never replaces */
    int nolink = errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS;
    if (!nolink || (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) && errno != EEXIST)) ok = 0;
  }
  int saved = errno;
  unlink(tmp);
  if (!ok) return err_set(e, VERR_IO, "Kan ikke lage nøkkelfilen %s: %s", path, strerror(saved));
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  int dfd = open(slash ? (*dir ? dir : "/") : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {   /* the new name survives a crash */
    fsync(dfd);
    close(dfd);
  }
  return 0;
}

/* The key for db into k; create: make the key file when there is none —
 * unless secrets sealed with a key are stored (that key is lost, not
 * absent: a new one would only hide it). */
static int key_get(Db *db, int create, unsigned char k[KEYLEN], Err *e) {
  char path[PATH_MAX];
  if (auth__init(e)) return VERR_NOMEM;
  if (auth_key_file(db, path, sizeof path)) return err_set(e, VERR_INVALID, "For lang sti til nøkkelfilen.");
  pthread_mutex_lock(&key_mu);
  int rc = 0;
  if (strcmp(path, key_path)) {
    rc = read_key(path, key, e);
    if (rc == VERR_NOTFOUND && create) {
      int64_t sealed = 0;
      rc = db_int(db, e, &sealed, "SELECT count(*) FROM users WHERE substr(totp_secret, 1, 3) = '" PREFIX "'", "");
      if (!rc && sealed)
        rc = err_set(e, VERR_IO, "Nøkkelfilen %s finnes ikke, men %lld TOTP-hemmelighet(er) er kryptert med den: "
                     "legg den tilbake, eller tilbakestill tofaktor for de brukerne med `varde user mfa-reset`, før "
                     "nye settes opp.", path, (long long)sealed);
      if (!rc) rc = create_key(path, e);
      if (!rc) rc = read_key(path, key, e);
    }
    if (rc == VERR_NOTFOUND) {   /* a server-side fault, not the user's */
      rc = VERR_IO;
      if (e) e->code = VERR_IO;
    }
    if (!rc) snprintf(key_path, sizeof key_path, "%s", path);
  }
  if (!rc) memcpy(k, key, KEYLEN);
  pthread_mutex_unlock(&key_mu);
  return rc;
}

static void ad_of(int64_t user_id, char ad[40]) { snprintf(ad, 40, "varde-totp:%lld", (long long)user_id); }

int auth__seal(Db *db, int64_t user_id, const char *plain, char **out, Err *e) {
  unsigned char k[KEYLEN];
  size_t len = strlen(plain);
  *out = NULL;
  if (len > AUTH_TOTP_SECRET_MAX) return err_set(e, VERR_INVALID, "For lang TOTP-hemmelighet.");
  int rc = key_get(db, 1, k, e);
  if (rc) return rc;
  unsigned char box[NONCE + AUTH_TOTP_SECRET_MAX + TAG];
  unsigned long long blen = 0;
  char ad[40];
  ad_of(user_id, ad);
  randombytes_buf(box, NONCE);
  crypto_aead_xchacha20poly1305_ietf_encrypt(box + NONCE, &blen, (const unsigned char *)plain, len,
                                             (const unsigned char *)ad, strlen(ad), NULL, box, k);
  sodium_memzero(k, sizeof k);
  size_t b64 = sodium_base64_ENCODED_LEN(NONCE + blen, sodium_base64_VARIANT_ORIGINAL);
  if (!(*out = malloc(strlen(PREFIX) + b64))) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  strcpy(*out, PREFIX);
  sodium_bin2base64(*out + strlen(PREFIX), b64, box, NONCE + blen, sodium_base64_VARIANT_ORIGINAL);
  return 0;
}

int auth__unseal(Db *db, int64_t user_id, const char *stored, char *out, size_t cap, Err *e) {
  if (strncmp(stored, PREFIX, strlen(PREFIX)))   /* stored in clear by an older Varde */
    return auth__copy(out, cap, stored) ? err_set(e, VERR_INVALID, "For lang TOTP-hemmelighet.") : 0;
  unsigned char k[KEYLEN], box[NONCE + AUTH_TOTP_SECRET_MAX + TAG];
  size_t blen = 0;
  const char *b64 = stored + strlen(PREFIX);
  if (sodium_base642bin(box, sizeof box, b64, strlen(b64), NULL, &blen, NULL, sodium_base64_VARIANT_ORIGINAL) ||
      blen < NONCE + TAG || blen - NONCE - TAG >= cap)
    return err_set(e, VERR_IO, "Den lagrede TOTP-hemmeligheten er ødelagt; tilbakestill tofaktor med `varde user mfa-reset`.");
  int rc = key_get(db, 0, k, e);
  if (rc) return rc;
  unsigned long long len = 0;
  char ad[40];
  ad_of(user_id, ad);
  int bad = crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)out, &len, NULL, box + NONCE, blen - NONCE,
                                                       (const unsigned char *)ad, strlen(ad), box, k);
  sodium_memzero(k, sizeof k);
  if (bad) {
    out[0] = '\0';
    char path[PATH_MAX] = "";
    auth_key_file(db, path, sizeof path);
    return err_set(e, VERR_IO, "TOTP-hemmeligheten kan ikke låses opp med nøkkelfilen %s (feil nøkkel, eller "
                   "verdien er endret). Legg tilbake riktig nøkkelfil, eller tilbakestill tofaktor med "
                   "`varde user mfa-reset`.", path);
  }
  out[len] = '\0';
  return 0;
}

int auth_secrets_seal_all(Db *db, int64_t *sealed, Err *e) {
  struct Row { int64_t id; char secret[AUTH_TOTP_SECRET_MAX + 1]; } *v = NULL;
  size_t n = 0;
  int64_t clear = 0;
  *sealed = 0;
  int rc = db_int(db, e, &clear, "SELECT count(*) FROM users WHERE totp_secret IS NOT NULL"
                                 " AND substr(totp_secret, 1, 3) <> '" PREFIX "'", "");
  if (rc || !clear) return rc;
  if (!(v = calloc((size_t)clear, sizeof *v))) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  rc = db_begin(db, e);
  DbStmt *st = NULL;
  if (!rc) rc = db_query(db, &st, e, "SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL"
                                     " AND substr(totp_secret, 1, 3) <> '" PREFIX "'", "");
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW && n < (size_t)clear) {
    v[n].id = db_col_int(st, 0);
    if (!auth__copy(v[n].secret, sizeof v[n].secret, db_col_text(st, 1))) n++;
  }
  db_finalize(st);
  if (rc == DB_ROW) rc = 0;   /* rows added since the count: sealed next time */
  for (size_t i = 0; !rc && i < n; i++) {
    char *s = NULL;
    rc = auth__seal(db, v[i].id, v[i].secret, &s, e);
    if (!rc) rc = db_exec(db, e, "UPDATE users SET totp_secret = ? WHERE id = ?", "sl", s, v[i].id);
    free(s);
  }
  sodium_memzero(v, (size_t)clear * sizeof *v);
  free(v);
  if (!rc) *sealed = (int64_t)n;
  return auth__tx_end(db, rc, e);
}

int auth_secrets_check(Db *db, int64_t *ok, int64_t *clear, int64_t *bad, Err *why, Err *e) {
  DbStmt *st = NULL;
  char plain[AUTH_TOTP_SECRET_MAX + 1];
  *ok = *clear = *bad = 0;
  int rc = db_query(db, &st, e, "SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL", "");
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW) {
    const char *s = db_col_text(st, 1);
    Err one = {0};
    if (strncmp(s, PREFIX, strlen(PREFIX))) (*clear)++;
    else if (auth__unseal(db, db_col_int(st, 0), s, plain, sizeof plain, &one) && !(*bad)++) *why = one;
    else (*ok)++;
  }
  sodium_memzero(plain, sizeof plain);
  db_finalize(st);
  return rc;
}
