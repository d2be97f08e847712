/* fwread.c — typed getters over the YAML tree for the framework reader.
 * Strict: an integer must look like one, a bool is true/false, a text is a scalar. */
#include "assess/fwread.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int want_scalar(AssessRd *r, const AssessY *y, const char *key, const char *type) {
  if (y->kind == AY_SCALAR) return 0;
  assess_err(r->d, y->line, "«%s» skal være %s, ikke %s", key, type,
             y->kind == AY_MAP ? "en tabell (map)" : "en liste");
  return -1;
}

int assess_rd_str(AssessRd *r, const AssessY *y, const char *key, const char **out) {
  if (!y || assess_y_is_null(y)) return 0;
  if (want_scalar(r, y, key, "tekst")) return -1;
  *out = y->str;
  return 1;
}

int assess_rd_int(AssessRd *r, const AssessY *y, const char *key, long long lo, long long hi,
                  long long *out) {
  if (!y || assess_y_is_null(y)) return 0;
  if (want_scalar(r, y, key, "et heltall")) return -1;
  char *end = NULL;
  errno = 0;
  long long v = strtoll(y->str, &end, 10);
  if (!y->plain || y->len == 0 || *end || errno) {
    assess_err(r->d, y->line, "«%s» skal være et heltall, ikke «%s»", key, y->str);
    return -1;
  }
  if (v < lo || v > hi) {
    assess_err(r->d, y->line, "«%s» = %lld ligger utenfor %lld..%lld", key, v, lo, hi);
    return -1;
  }
  *out = v;
  return 1;
}

int assess_rd_num(AssessRd *r, const AssessY *y, const char *key, double *out) {
  if (!y || assess_y_is_null(y)) return 0;
  if (want_scalar(r, y, key, "et tall")) return -1;
  char *end = NULL;
  errno = 0;
  double v = strtod(y->str, &end);
  if (!y->plain || y->len == 0 || *end || errno || !isfinite(v)) {
    assess_err(r->d, y->line, "«%s» skal være et tall, ikke «%s»", key, y->str);
    return -1;
  }
  *out = v;
  return 1;
}

int assess_rd_bool(AssessRd *r, const AssessY *y, const char *key, int *out) {
  if (!y || assess_y_is_null(y)) return 0;
  if (want_scalar(r, y, key, "true eller false")) return -1;
  if (y->plain && (!strcmp(y->str, "true") || !strcmp(y->str, "True"))) *out = 1;
  else if (y->plain && (!strcmp(y->str, "false") || !strcmp(y->str, "False"))) *out = 0;
  else {
    assess_err(r->d, y->line, "«%s» skal være true eller false, ikke «%s»", key, y->str);
    return -1;
  }
  return 1;
}

static int is_allowed(const char *k, const char *const *allowed) {
  for (size_t i = 0; allowed[i]; i++)
    if (!strcmp(k, allowed[i])) return 1;
  return 0;
}

int assess_rd_keys(AssessRd *r, const AssessY *m, const char *const *allowed, const char *what) {
  if (m->kind != AY_MAP) {
    assess_err(r->d, m->line, "%s skal være en tabell med nøkler (map)", what);
    return -1;
  }
  if (m->n / 2 > 256) { /* no real map is near this; it bounds the duplicate check */
    assess_err(r->d, m->line, "%s har mer enn 256 nøkler", what);
    return -1;
  }
  int rc = 0;
  for (AssessY *k = m->first; k && k->next; k = k->next->next) {
    if (k->kind != AY_SCALAR) {
      assess_err(r->d, k->line, "nøkler i %s skal være tekst", what);
      rc = -1;
      continue;
    }
    for (AssessY *p = m->first; p != k; p = p->next->next)
      if (p->kind == AY_SCALAR && !strcmp(p->str, k->str)) {
        assess_err(r->d, k->line, "nøkkelen «%s» står to ganger i %s (første på linje %d)",
                   k->str, what, p->line);
        rc = -1;
        break;
      }
    if (!is_allowed(k->str, allowed))
      assess_warn(r->d, k->line, "ukjent nøkkel «%s» i %s ignoreres", k->str, what);
  }
  return rc;
}

static const char *const tr_keys[] = {"name", "description", NULL};

int assess_rd_translations(AssessRd *r, const AssessY *y, AssessTr **out, size_t *n) {
  if (!y || assess_y_is_null(y)) return 0;
  if (y->kind != AY_MAP) {
    assess_err(r->d, y->line, "«translations» skal være en tabell språk → tekster");
    return -1;
  }
  AssessTr *v = arena_alloc(r->a, (y->n / 2 + 1) * sizeof *v);
  if (!v) return -1;
  size_t k = 0;
  int rc = 0;
  for (AssessY *l = y->first; l && l->next; l = l->next->next) {
    if (l->kind != AY_SCALAR || assess_rd_keys(r, l->next, tr_keys, "en oversettelse") < 0) {
      rc = -1;
      continue;
    }
    AssessTr *t = &v[k++];
    t->lang = l->str;
    if (assess_rd_str(r, assess_y_get(l->next, "name"), "name", &t->name) < 0) rc = -1;
    if (assess_rd_str(r, assess_y_get(l->next, "description"), "description",
                      &t->description) < 0) rc = -1;
  }
  *out = v;
  *n = k;
  return rc;
}
