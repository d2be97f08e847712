/* diff.c — loads two JSON-lines scan reports into per-port snapshots and
 * walks them in (addr, port) order to list what changed between them. */
#include "scan/diff.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static const char *jstr(json_t *o, const char *k) {
  return json_string_value(json_object_get(o, k));
}

/* The entry for addr:port, created when absent (linear for the last one). */
static ScanSnapPort *entry(ScanSnap *s, const char *addr, unsigned port) {
  for (size_t i = s->n; i > 0; i--)
    if (s->v[i - 1].port == port && !strcmp(s->v[i - 1].addr, addr)) return &s->v[i - 1];
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 32;
    ScanSnapPort *v = realloc(s->v, cap * sizeof *v);
    if (!v) return NULL;
    s->v = v;
    s->cap = cap;
  }
  ScanSnapPort *p = &s->v[s->n];
  memset(p, 0, sizeof *p);
  p->addr = strdup(addr);
  p->port = port;
  if (!p->addr) return NULL;
  s->n++;
  return p;
}

static int add_finding(ScanSnapPort *p, const char *id) {
  size_t old = p->findings ? strlen(p->findings) : 0, len = strlen(id);
  char *n = realloc(p->findings, old + len + 2);
  if (!n) return -1;
  if (old) n[old++] = ',';
  memcpy(n + old, id, len + 1);
  p->findings = n;
  return 0;
}

static int take_record(ScanSnap *s, json_t *o) {
  const char *type = jstr(o, "type"), *addr = jstr(o, "addr");
  if (type && !strcmp(type, "scan")) {
    s->interrupted = json_is_true(json_object_get(o, "interrupted"));
    return 0;
  }
  json_int_t port = json_integer_value(json_object_get(o, "port"));
  if (!type || !addr || port < 1 || port > 65535) return 0;   /* host records etc. */
  ScanSnapPort *p = entry(s, addr, (unsigned)port);
  if (!p) return -1;
  if (!strcmp(type, "service")) {
    p->service = dup_or_null(jstr(o, "service"));
    p->product = dup_or_null(jstr(o, "product"));
    p->version = dup_or_null(jstr(o, "version"));
    p->cpe = dup_or_null(jstr(o, "cpe"));
  } else if (!strcmp(type, "tls")) {
    char buf[1600];
    snprintf(buf, sizeof buf, "%s|%s|%s", jstr(o, "subject") ? jstr(o, "subject") : "",
             jstr(o, "issuer") ? jstr(o, "issuer") : "",
             jstr(o, "not_after") ? jstr(o, "not_after") : "");
    free(p->cert);
    p->cert = strdup(buf);
  } else if (!strcmp(type, "finding") && jstr(o, "id")) {
    return add_finding(p, jstr(o, "id"));
  }
  return 0;
}

int scan_snap_parse(ScanSnap *s, const char *text, size_t n, Err *e) {
  const char *p = text, *end = text + n;
  int line = 0;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *le = nl ? nl : end;
    line++;
    if (le > p) {
      json_error_t je;
      json_t *o = json_loadb(p, (size_t)(le - p), JSON_REJECT_DUPLICATES, &je);
      if (!o || !json_is_object(o)) {
        json_decref(o);
        return err_set(e, VERR_INVALID, "linje %d er ikke et JSON-objekt", line);
      }
      int rc = take_record(s, o);
      json_decref(o);
      if (rc) return err_set(e, VERR_NOMEM, "tomt for minne");
    }
    p = le + 1;
  }
  return 0;
}

int scan_snap_load(ScanSnap *s, const char *path, Err *e) {
  FILE *f = fopen(path, "rb");
  if (!f) return err_set(e, VERR_IO, "kan ikke åpne «%s»", path);
  size_t cap = (size_t)256 << 20, n = 0, have = 1 << 16;
  char *buf = malloc(have);
  while (buf) {
    if (n == have) {
      if (have >= cap) break;
      char *nb = realloc(buf, have * 2);
      if (!nb) { free(buf); buf = NULL; break; }
      buf = nb;
      have *= 2;
    }
    size_t r = fread(buf + n, 1, have - n, f);
    if (r == 0) break;
    n += r;
  }
  int big = !feof(f);
  fclose(f);
  if (!buf || big) {
    free(buf);
    return err_set(e, VERR_TOOBIG, "«%s» er for stor eller kunne ikke leses", path);
  }
  int rc = scan_snap_parse(s, buf, n, e);
  free(buf);
  if (rc && e) {
    char m[sizeof e->msg];
    snprintf(m, sizeof m, "%.200s: %.300s", path, e->msg);
    snprintf(e->msg, sizeof e->msg, "%s", m);
  }
  return rc;
}

void scan_snap_free(ScanSnap *s) {
  for (size_t i = 0; i < s->n; i++) {
    ScanSnapPort *p = &s->v[i];
    free(p->addr); free(p->service); free(p->product); free(p->version);
    free(p->cpe); free(p->cert); free(p->findings);
  }
  free(s->v);
  memset(s, 0, sizeof *s);
}

static int port_cmp(const void *a, const void *b) {
  const ScanSnapPort *x = a, *y = b;
  int c = strcmp(x->addr, y->addr);
  return c ? c : (x->port > y->port) - (x->port < y->port);
}

static ScanChange *push(ScanDiff *d, const char *kind, const ScanSnapPort *p) {
  if (d->n == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 32;
    ScanChange *v = realloc(d->v, cap * sizeof *v);
    if (!v) return NULL;
    d->v = v;
    d->cap = cap;
  }
  ScanChange *c = &d->v[d->n++];
  memset(c, 0, sizeof *c);
  c->kind = kind;
  c->addr = p->addr;
  c->port = p->port;
  return c;
}

static const char *nz(const char *s) { return s ? s : ""; }

static void svc_line(const ScanSnapPort *p, char *out, size_t n) {
  snprintf(out, n, "%s %s %s", nz(p->service), nz(p->product), nz(p->version));
}

/* 1 when the comma-list set has id. */
static int has_id(const char *list, const char *id, size_t idlen) {
  for (const char *s = list; s && *s;) {
    const char *c = strchr(s, ',');
    size_t l = c ? (size_t)(c - s) : strlen(s);
    if (l == idlen && !strncmp(s, id, l)) return 1;
    s = c ? c + 1 : s + l;
  }
  return 0;
}

/* One change per finding id in a that b lacks. */
static int findings_missing(ScanDiff *d, const char *kind, const ScanSnapPort *p,
                            const char *a, const char *b, int is_new) {
  for (const char *s = a; s && *s;) {
    const char *c = strchr(s, ',');
    size_t l = c ? (size_t)(c - s) : strlen(s);
    if (!has_id(b, s, l)) {
      ScanChange *ch = push(d, kind, p);
      if (!ch) return -1;
      snprintf(is_new ? ch->detail_new : ch->detail_old, 512, "%.*s", (int)l, s);
    }
    s = c ? c + 1 : s + l;
  }
  return 0;
}

static int compare_port(ScanDiff *d, const ScanSnapPort *o, const ScanSnapPort *n) {
  char a[512], b[512];
  svc_line(o, a, sizeof a);
  svc_line(n, b, sizeof b);
  if (strcmp(a, b) || strcmp(nz(o->cpe), nz(n->cpe))) {
    ScanChange *c = push(d, "service-changed", n);
    if (!c) return -1;
    snprintf(c->detail_old, 512, "%s", a);
    snprintf(c->detail_new, 512, "%s", b);
  }
  if (strcmp(nz(o->cert), nz(n->cert))) {
    ScanChange *c = push(d, "cert-changed", n);
    if (!c) return -1;
    snprintf(c->detail_old, 512, "%s", nz(o->cert));
    snprintf(c->detail_new, 512, "%s", nz(n->cert));
  }
  if (findings_missing(d, "finding-new", n, n->findings, o->findings, 1)) return -1;
  return findings_missing(d, "finding-gone", n, o->findings, n->findings, 0);
}

static int one_side(ScanDiff *d, const char *kind, const ScanSnapPort *p, int is_new) {
  ScanChange *c = push(d, kind, p);
  if (!c) return -1;
  svc_line(p, is_new ? c->detail_new : c->detail_old, 512);
  /* findings on a port that opened or closed appeared or went with it */
  return findings_missing(d, is_new ? "finding-new" : "finding-gone", p, p->findings,
                          NULL, is_new);
}

int scan_diff(ScanSnap *old, ScanSnap *cur, ScanDiff *out) {
  qsort(old->v, old->n, sizeof *old->v, port_cmp);
  qsort(cur->v, cur->n, sizeof *cur->v, port_cmp);
  size_t i = 0, j = 0;
  int rc = 0;
  while (rc == 0 && (i < old->n || j < cur->n)) {
    int c = i == old->n ? 1 : j == cur->n ? -1 : port_cmp(&old->v[i], &cur->v[j]);
    if (c < 0) rc = one_side(out, "port-closed", &old->v[i++], 0);
    else if (c > 0) rc = one_side(out, "port-new", &cur->v[j++], 1);
    else rc = compare_port(out, &old->v[i++], &cur->v[j++]);
  }
  return rc ? VERR_NOMEM : 0;
}

void scan_diff_free(ScanDiff *d) {
  free(d->v);
  memset(d, 0, sizeof *d);
}

void scan_diff_write(FILE *f, const ScanDiff *d, const char *format) {
  int json = !strcmp(format, "json");
  for (size_t i = 0; i < d->n; i++) {
    const ScanChange *c = &d->v[i];
    if (!json) {
      fprintf(f, "%-16s %s:%u  %s%s%s\n", c->kind, c->addr, c->port, c->detail_old,
              c->detail_old[0] && c->detail_new[0] ? " → " : "", c->detail_new);
      continue;
    }
    json_t *o = json_pack("{s:s,s:s,s:s,s:i,s:s,s:s}", "type", "change", "kind", c->kind,
                          "addr", c->addr, "port", (int)c->port, "old", c->detail_old,
                          "new", c->detail_new);
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    if (s) fprintf(f, "%s\n", s);
    free(s);
    json_decref(o);
  }
  if (!json) fprintf(f, "%zu endringer\n", d->n);
}

int scan_diff_cmd(const char *old_path, const char *new_path, const char *format,
                  const char *output) {
  ScanSnap a = {0}, b = {0};
  ScanDiff d = {0};
  Err e = {0};
  int code = 2;
  if (scan_snap_load(&a, old_path, &e) || scan_snap_load(&b, new_path, &e) ||
      scan_diff(&a, &b, &d)) {
    fprintf(stderr, "varde scan --diff: %s\n", e.msg[0] ? e.msg : "tomt for minne");
  } else {
    FILE *f = output ? fopen(output, "w") : stdout;
    if (f) {
      if (a.interrupted || b.interrupted)
        fputs("advarsel: en av skanningene ble avbrutt; «port-closed» kan være feil\n", stderr);
      scan_diff_write(f, &d, format);
      code = d.n ? 1 : 0;
      if (output && fclose(f)) code = 2;
    }
  }
  scan_snap_free(&a);
  scan_snap_free(&b);
  scan_diff_free(&d);
  return code;
}
