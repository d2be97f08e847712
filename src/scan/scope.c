/* scope.c — the scan scope and the single connect() gate. Every socket the
 * scanner opens (port scan, banner, probes, TLS, HTTP) connects through
 * scan_connect, which refuses any address outside the scope. */
#include "scan/target.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned long connects, refused;

static char *read_small_file(const char *path, Err *e) {
  FILE *f = fopen(path, "r");
  if (!f) {
    err_set(e, VERR_IO, "kan ikke åpne fila «%s»", path);
    return NULL;
  }
  size_t cap = 1 << 20, n = 0;
  char *p = malloc(cap + 1);
  if (p) n = fread(p, 1, cap, f);
  int big = p && n == cap && fgetc(f) != EOF;
  fclose(f);
  if (!p || big) {
    free(p);
    err_set(e, VERR_TOOBIG, "fila «%s» er større enn 1 MiB", path);
    return NULL;
  }
  p[n] = '\0';
  return p;
}

int scan_rangelist_load(ScanRangeList *l, const char *arg, int *from_file, Err *e) {
  struct stat st;
  *from_file = stat(arg, &st) == 0 && S_ISREG(st.st_mode);
  if (!*from_file) return scan_rangelist_add_specs(l, arg, e);
  char *text = read_small_file(arg, e);
  if (!text) return e ? e->code : VERR_IO;
  int rc = scan_rangelist_add_specs(l, text, e);
  free(text);
  return rc;
}

int scan_scope_load(ScanScope *s, const char *arg, Err *e) {
  int file;
  int rc = scan_rangelist_load(&s->allow, arg, &file, e);
  snprintf(s->desc, sizeof s->desc, "%s%s", file ? "fila " : "", arg);
  if (rc == 0 && s->allow.n == 0)
    return err_set(e, VERR_INVALID, "scope «%s» er tomt", arg);
  return rc;
}

void scan_scope_free(ScanScope *s) { scan_rangelist_free(&s->allow); }

int scan_scope_check(const ScanScope *s, const struct sockaddr *sa, Err *e) {
  char a[64];
  if (s && s->ceiling && !scan_rangelist_contains(s->ceiling, sa)) {
    scan_addr_str(sa, a, sizeof a);
    return err_set(e, VERR_DENIED,
                   "nektet: %s er utenfor omfanget administrator har satt i scan.conf; "
                   "ingen pakker er sendt dit", a);
  }
  if (s && scan_rangelist_contains(&s->allow, sa)) return 0;
  scan_addr_str(sa, a, sizeof a);
  return err_set(e, VERR_DENIED,
                 "nektet: %s er utenfor godkjent skanneomfang (%s); ingen pakker "
                 "er sendt dit",
                 a, s && s->desc[0] ? s->desc : "tomt omfang");
}

/* The gate itself: 0 when sa is inside the scope, else -1 with errno =
 * EACCES and the refusal counted. Every connect(2) of the scanner is behind it. */
static int gate(const ScanScope *s, const struct sockaddr *sa) {
  if (scan_scope_check(s, sa, NULL) == 0) return 0;
  __atomic_add_fetch(&refused, 1, __ATOMIC_RELAXED);
  errno = EACCES;
  return -1;
}

int scan_connect(const ScanScope *s, int fd, const struct sockaddr *sa,
                 socklen_t len) {
  if (gate(s, sa)) return -1;
  __atomic_add_fetch(&connects, 1, __ATOMIC_RELAXED);
  return connect(fd, sa, len);
}

int scan_connect_result(const ScanScope *s, int fd, const struct sockaddr *sa,
                        socklen_t len) {
  if (gate(s, sa)) return -1;
  return connect(fd, sa, len);
}

unsigned long scan_connect_count(void) {
  return __atomic_load_n(&connects, __ATOMIC_RELAXED);
}

unsigned long scan_connect_refused(void) {
  return __atomic_load_n(&refused, __ATOMIC_RELAXED);
}
