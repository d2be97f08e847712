/* findings.c — a finished run handed to the findings module: every open
 * port with what the scanner identified (CPE, confidence, method, evidence,
 * certificate, failed checks), the run's scope and ports, whether it was complete, and the
 * hosts whose time-out hit (what they did not show proves nothing). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "findings/scan.h"
#include "scanjobs/scanjobs.h"
#include "scanjobs/scanjobs_int.h"

#define FIELD_MAX 2000   /* longest stored text of one field (evidence is cut) */

typedef ScanjobsServices Collect;

static const char *str(Collect *c, json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  if (!s) return NULL;
  size_t n = strlen(s);
  if (n > FIELD_MAX) n = FIELD_MAX;
  while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80) n--;   /* not inside a UTF-8 sequence */
  return arena_strndup(c->a, s, n);
}

/* The entry for addr:port, added when new (the last one is the likely hit). */
static FindScanService *entry(Collect *c, const char *addr, unsigned port) {
  for (size_t i = c->n; i > 0; i--)
    if (c->v[i - 1].port == port && !strcmp(c->v[i - 1].addr, addr)) return &c->v[i - 1];
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 64;
    FindScanService *v = realloc(c->v, cap * sizeof *v);
    if (!v) return NULL;
    c->v = v;
    c->cap = cap;
  }
  FindScanService *s = &c->v[c->n];
  memset(s, 0, sizeof *s);
  s->addr = arena_strdup(c->a, addr);
  s->port = port;
  if (!s->addr) return NULL;
  c->n++;
  return s;
}

static int timed_out(Collect *c, const char *addr) {
  if (c->ntout == c->captout) {
    size_t cap = c->captout ? c->captout * 2 : 16;
    const char **v = realloc(c->tout, cap * sizeof *v);
    if (!v) return -1;
    c->tout = v;
    c->captout = cap;
  }
  return (c->tout[c->ntout++] = arena_strdup(c->a, addr)) ? 0 : -1;
}

/* A failed check of the scanner's, added to its port's list. */
static int add_check(Collect *c, FindScanService *s, json_t *o) {
  FindScanCheck k = {str(c, o, "id"), str(c, o, "title"), str(c, o, "severity"), str(c, o, "confidence"),
                     str(c, o, "evidence")};
  if (!k.id || !*k.id) return 0;
  FindScanCheck *v = arena_alloc(c->a, (s->ncheck + 1) * sizeof *v);   /* a port has a handful */
  if (!v) return -1;
  if (s->ncheck) memcpy(v, s->check, s->ncheck * sizeof *v);
  v[s->ncheck++] = k;
  s->check = v;
  return 0;
}

static int take(Collect *c, json_t *o) {
  const char *type = json_string_value(json_object_get(o, "type"));
  const char *addr = json_string_value(json_object_get(o, "addr"));
  json_int_t port = json_integer_value(json_object_get(o, "port"));
  if (!type || !addr || strlen(addr) > 63) return 0;
  if (!strcmp(type, "host")) return json_is_true(json_object_get(o, "timed_out")) ? timed_out(c, addr) : 0;
  if (port < 1 || port > 65535) return 0;
  FindScanService *s = entry(c, addr, (unsigned)port);
  if (!s) return -1;
  if (!strcmp(type, "service")) {
    s->service = str(c, o, "service");
    s->product = str(c, o, "product");
    s->version = str(c, o, "version");
    s->cpe = str(c, o, "cpe");
    s->confidence = str(c, o, "confidence");
    s->method = str(c, o, "method");
    s->evidence = str(c, o, "evidence");
  } else if (!strcmp(type, "tls")) {
    const char *sub = str(c, o, "subject"), *iss = str(c, o, "issuer"), *na = str(c, o, "not_after");
    s->cert = arena_printf(c->a, "%s|%s|%s", sub ? sub : "", iss ? iss : "", na ? na : "");
  } else if (!strcmp(type, "finding")) {
    return add_check(c, s, o);
  }
  return 0;
}

int scanjobs__services_parse(Collect *c, const char *text, size_t n, Err *e) {
  if (!c->a && !(c->a = arena_new((size_t)512 << 20))) return err_set(e, VERR_NOMEM, "tomt for minne");
  for (const char *p = text, *end = text + n; p < end;) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *le = nl ? nl : end;
    json_t *o = le > p ? json_loadb(p, (size_t)(le - p), 0, NULL) : NULL;
    int rc = json_is_object(o) ? take(c, o) : 0;   /* the report was checked on receipt */
    json_decref(o);
    if (rc) return err_set(e, VERR_NOMEM, "tomt for minne");
    p = le + 1;
  }
  return 0;
}

/* The run as stored, with its job's ports. */
static int load_run(Db *db, int64_t run, FindScanRun *fr, char **scope, char **ports, char **report, size_t *len,
                    Err *e) {
  DbStmt *st = NULL;
  int rc = db_query(db, &st, e, "SELECT r.org_id, r.full_scope, r.interrupted, r.scope, j.ports, r.report"
                    " FROM scan_runs r JOIN scan_jobs j ON j.id = r.job_id WHERE r.id = ?", "l", run);
  if (!rc && (rc = db_step(st, e)) == DB_ROW) {
    fr->org_id = db_col_int(st, 0);
    fr->run_id = run;
    fr->complete = db_col_int(st, 1) && !db_col_int(st, 2);
    *scope = strdup(db_col_text(st, 3));
    *ports = strdup(db_col_text(st, 4));
    *len = strlen(db_col_text(st, 5));
    *report = strdup(db_col_text(st, 5));
    rc = *scope && *ports && *report ? 0 : err_set(e, VERR_NOMEM, "tomt for minne");
  } else if (rc == DB_DONE) {
    rc = err_set(e, VERR_NOTFOUND, "Ukjent kjøring.");
  }
  db_finalize(st);
  return rc;
}

void scanjobs__services_free(Collect *c) {
  free(c->v);
  free(c->tout);
  arena_free(c->a);
  memset(c, 0, sizeof *c);
}

int scanjobs__run_findings(Db *db, int64_t run, Err *e) {
  FindScanRun fr = {0};
  Collect c = {0};
  char *scope = NULL, *ports = NULL, *report = NULL;
  size_t len = 0;
  int rc = load_run(db, run, &fr, &scope, &ports, &report, &len, e);
  if (!rc) rc = scanjobs__services_parse(&c, report, len, e);
  if (!rc) {
    fr.scope = scope;
    fr.ports = ports;
    fr.svc = c.v;
    fr.n = c.n;
    fr.timed_out = c.tout;
    fr.ntimed_out = c.ntout;
    rc = find_scan_ingest(db, NULL, &fr, NULL, e);
  }
  free(scope);
  free(ports);
  free(report);
  scanjobs__services_free(&c);
  return rc;
}
