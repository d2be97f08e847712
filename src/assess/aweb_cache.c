/* aweb_cache.c — a bounded cache of rendered fragments of the read-heavy
 * assessment pages (dashboard sections, regional view, report), valid while
 * nothing they show has changed. See aweb.h for what the version covers. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/aweb.h"
#include "db/db.h"

#define SLOTS 1024
#define MAX_FRAGMENT ((size_t)1 << 20)

typedef struct Slot {
  char *key, *version, *body;
  size_t n;
} Slot;

static Slot slots[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Audit events that change nothing these pages show: signing in and out,
 * second factors, passwords, API tokens. Anything else — including event
 * kinds added later — moves the version on (the safe direction). */
#define SIGN_IN_EVENTS                                                                       \
  "'user.login', 'user.login_failed', 'user.mfa', 'user.mfa_failed', 'session.logout',"      \
  " 'user.password_change', 'user.password_set', 'user.totp_begin', 'user.totp_enable',"     \
  " 'user.recovery_regenerate', 'user.mfa_reset', 'token.create', 'token.revoke'"

int assess_cache_enabled(void) {
  const char *v = getenv("VARDE_PAGE_CACHE");
  return !(v && !strcmp(v, "0"));
}

static uint64_t fnv(const char *s) {
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

int assess_cache_version(Db *db, int64_t now, char *out, size_t cap, Err *e) {
  char *v = NULL;
  int rc = db_text(db, e, &v,
                   "SELECT coalesce((SELECT id FROM audit_log WHERE action NOT IN (" SIGN_IN_EVENTS ")"
                   " ORDER BY id DESC LIMIT 1), 0) || ':' ||"
                   " (SELECT coalesce(max(id), 0) FROM assess_frameworks) || ':' ||"
                   " (SELECT coalesce(max(id), 0) FROM assess_fw_layers)", "");
  if (!rc) snprintf(out, cap, "%s:%lld", v ? v : "", (long long)(now / 86400));
  free(v);
  return rc;
}

int assess_cache_get(const char *key, const char *version, Buf *out) {
  Slot *s = &slots[fnv(key) % SLOTS];
  int hit = 0;
  pthread_mutex_lock(&lock);
  if (s->key && !strcmp(s->key, key) && !strcmp(s->version, version)) {
    buf_append(out, s->body, s->n);
    hit = 1;
  }
  pthread_mutex_unlock(&lock);
  return hit;
}

void assess_cache_put(const char *key, const char *version, const char *body, size_t n) {
  if (n > MAX_FRAGMENT) return;
  char *k = strdup(key), *v = strdup(version), *b = malloc(n ? n : 1);
  if (!k || !v || !b) {
    free(k), free(v), free(b);
    return;
  }
  memcpy(b, body, n);
  Slot *s = &slots[fnv(key) % SLOTS];
  pthread_mutex_lock(&lock);
  Slot old = *s;
  *s = (Slot){k, v, b, n};
  pthread_mutex_unlock(&lock);
  free(old.key), free(old.version), free(old.body);
}
