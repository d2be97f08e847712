/* policy.c — the administrator's ceiling for scans on this machine
 * (/etc/varde/scan.conf): highest rate and concurrency, and an outer scope
 * that no --scope can widen. Users choose within it, never above it. */
#include "scan/policy.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *trim(char *s) {
  while (isspace((unsigned char)*s)) s++;
  char *e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
  return s;
}

static int set_key(ScanPolicy *p, const char *k, const char *v, int line, Err *e) {
  char *end;
  if (!strcmp(k, "max_rate") || !strcmp(k, "max_concurrency")) {
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < 1 || n > 10000000)
      return err_set(e, VERR_INVALID, "scan.conf linje %d: ugyldig tall «%s»", line, v);
    if (k[4] == 'r') p->max_rate = (unsigned)n;
    else p->max_concurrency = (unsigned)n;
    return 0;
  }
  if (!strcmp(k, "scope")) {
    int rc = scan_rangelist_add_specs(&p->scope, v, e);
    p->has_scope = 1;
    return rc;
  }
  return err_set(e, VERR_INVALID, "scan.conf linje %d: ukjent nøkkel «%s»", line, k);
}

int scan_policy_load(ScanPolicy *p, const char *path, Err *e) {
  memset(p, 0, sizeof *p);
  FILE *f = fopen(path, "r");
  if (!f) return errno == ENOENT ? 0 : err_set(e, VERR_IO, "kan ikke lese %s", path);
  char line[1024];
  int n = 0, rc = 0;
  while (rc == 0 && fgets(line, sizeof line, f)) {
    n++;
    char *s = trim(line), *eq = strchr(s, '=');
    if (!*s || *s == '#') continue;
    if (!eq) {
      rc = err_set(e, VERR_INVALID, "scan.conf linje %d: mangler «=»", n);
      break;
    }
    *eq = '\0';
    rc = set_key(p, trim(s), trim(eq + 1), n, e);
  }
  fclose(f);
  if (rc == 0 && p->has_scope && p->scope.n == 0)
    rc = err_set(e, VERR_INVALID, "scan.conf: scope er tomt");
  return rc;
}

void scan_policy_apply(const ScanPolicy *p, ScanOpts *o, ScanScope *s, FILE *warn) {
  if (p->max_rate && (o->rate == 0 || o->rate > p->max_rate)) {
    if (warn) fprintf(warn, "varde scan: --rate senket til %u (taket i scan.conf)\n", p->max_rate);
    o->rate = p->max_rate;
  }
  if (p->max_concurrency && o->concurrency > p->max_concurrency) {
    if (warn) fprintf(warn, "varde scan: --concurrency senket til %u (taket i scan.conf)\n",
                      p->max_concurrency);
    o->concurrency = p->max_concurrency;
  }
  if (p->has_scope) s->ceiling = &p->scope;
}

void scan_policy_free(ScanPolicy *p) { scan_rangelist_free(&p->scope); }
