/* scope.c — an organisation's confirmed scan scope (scan_scope) and its rate
 * limits: entries are proposed, confirmed by an administrator, and every
 * schedule and job is checked against the confirmed ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "audit/audit.h"
#include "db/db.h"
#include "scan/policy.h"
#include "scan/target.h"
#include "scanjobs/scanjobs.h"
#include "scanjobs/scanjobs_int.h"

int scanjobs__each_spec(const char *list, int (*fn)(const char *spec, void *ctx), void *ctx) {
  char tok[128];
  const char *p = list ? list : "";
  while (*p) {
    while (*p == ',' || *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') p++;
    size_t n = strcspn(p, ", \n\t\r");
    if (n == 0) break;
    if (n >= sizeof tok) return fn(NULL, ctx);
    memcpy(tok, p, n);
    tok[n] = '\0';
    int rc = fn(tok, ctx);
    if (rc) return rc;
    p += n;
  }
  return 0;
}

static int range_inside(const ScanRange *in, const ScanRange *out) {
  if (in->family != out->family) return 0;
  size_t len = in->family == AF_INET ? 4 : 16;
  return memcmp(in->lo, out->lo, len) >= 0 && memcmp(in->hi, out->hi, len) <= 0;
}

int scanjobs_scope_add(Db *db, const Principal *who, int64_t org, const char *spec,
                       const char *note, int64_t *id, Err *e) {
  ScanRange r;
  if (!spec || scan_range_parse(spec, &r, e))
    return err_set(e, VERR_INVALID, "Ugyldig omfang «%.100s»: bruk adresse, område "
                   "(10.0.0.1-20) eller CIDR (10.0.0.0/24); vertsnavn godtas ikke.", spec ? spec : "");
  if (note && strlen(note) > 200) return err_set(e, VERR_INVALID, "Merknaden er for lang.");
  int rc = db_begin(db, e);
  if (rc) return rc;
  rc = db_int(db, e, id, "INSERT INTO scan_scope (org_id, spec, note, created_by, created_at)"
              " VALUES (?, ?, ?, NULLIF(?, 0), ?) RETURNING id", "lssll", org, spec, note ? note : "",
              who->user_id ? who->user_id : (int64_t)0, db_now());
  if (rc == VERR_CONFLICT || (rc && strstr(e->msg, "UNIQUE"))) {
    db_rollback(db);
    return err_set(e, VERR_CONFLICT, "«%s» står allerede i omfanget.", spec);
  }
  AuditEvent ev = {who, org, "scan.scope.add", "scan_scope", NULL, spec};
  if (rc == 0) rc = audit_append(db, &ev, NULL, e);
  if (rc == 0) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}

int scanjobs_scope_confirm(Db *db, const Principal *who, int64_t org, int64_t id, int confirm,
                           Err *e) {
  int rc = db_begin(db, e);
  if (rc) return rc;
  if (confirm)
    rc = db_exec(db, e, "UPDATE scan_scope SET confirmed_by = NULLIF(?, 0), confirmed_at = ?"
                 " WHERE id = ? AND org_id = ?", "llll", who->user_id, db_now(), id, org);
  else
    rc = db_exec(db, e, "DELETE FROM scan_scope WHERE id = ? AND org_id = ?", "ll", id, org);
  if (rc == 0 && db_changes(db) == 0) rc = err_set(e, VERR_NOTFOUND, "Fant ikke omfanget.");
  char idtxt[24];
  snprintf(idtxt, sizeof idtxt, "%lld", (long long)id);
  AuditEvent ev = {who, org, confirm ? "scan.scope.confirm" : "scan.scope.remove", "scan_scope",
                   idtxt, NULL};
  if (rc == 0) rc = audit_append(db, &ev, NULL, e);
  if (rc == 0) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}

int scanjobs_scope_list(Db *db, int64_t org, char **out, Err *e) {
  DbStmt *st;
  *out = NULL;
  int rc = db_query(db, &st, e, "SELECT spec FROM scan_scope WHERE org_id = ? AND"
                    " confirmed_at IS NOT NULL ORDER BY id", "l", org);
  if (rc) return rc;
  Buf b;
  buf_init(&b, 1 << 20);
  while ((rc = db_step(st, e)) == DB_ROW) {
    if (b.n) buf_putc(&b, ',');
    buf_puts(&b, db_col_text(st, 0));
  }
  db_finalize(st);
  if (rc < 0 || b.err) {
    buf_free(&b);
    return rc < 0 ? rc : err_set(e, VERR_NOMEM, "tomt for minne");
  }
  *out = b.p ? buf_take(&b) : strdup("");
  return *out ? 0 : err_set(e, VERR_NOMEM, "tomt for minne");
}

typedef struct Check {
  ScanRangeList scope;
  Err *e;
  const char *desc;
} Check;

static int add_scope_spec(const char *spec, void *ctx) {
  Check *c = ctx;
  ScanRange r;
  if (!spec || scan_range_parse(spec, &r, NULL)) return 0;   /* stored specs are valid */
  return scan_rangelist_add(&c->scope, &r) ? VERR_NOMEM : 0;
}

static int check_target(const char *spec, void *ctx) {
  Check *c = ctx;
  ScanRange r;
  if (!spec || scan_range_parse(spec, &r, NULL))
    return err_set(c->e, VERR_INVALID, "Ugyldig mål «%.100s»: bruk adresse, område eller CIDR "
                   "(vertsnavn godtas ikke i planer).", spec ? spec : "(for langt)");
  for (size_t i = 0; i < c->scope.n; i++)
    if (range_inside(&r, &c->scope.v[i])) return 0;
  return err_set(c->e, VERR_DENIED, "Nektet: %s er utenfor organisasjonens godkjente "
                 "skanneomfang (%.300s). Ingenting er planlagt eller sendt.", spec,
                 c->desc[0] ? c->desc : "ingen bekreftede nett");
}

int scanjobs_scope_check(Db *db, int64_t org, const char *targets, Err *e) {
  char *list = NULL;
  int rc = scanjobs_scope_list(db, org, &list, e);
  if (rc) return rc;
  Check c = {.e = e, .desc = list};
  rc = scanjobs__each_spec(list, add_scope_spec, &c);
  if (rc == 0 && (!targets || !targets[strspn(targets, ", \t\r\n")]))
    rc = err_set(e, VERR_INVALID, "Ingen mål oppgitt.");
  if (rc == 0) rc = scanjobs__each_spec(targets, check_target, &c);
  scan_rangelist_free(&c.scope);
  free(list);
  return rc;
}

/* The server machine's ceiling: the same scan.conf `varde scan` obeys. */
static void server_ceiling(unsigned *rate, unsigned *conc) {
  const char *conf = getenv("VARDE_SCAN_CONF");
  if (!conf || access(SCAN_POLICY_PATH, F_OK) == 0) conf = SCAN_POLICY_PATH;
  ScanPolicy p;
  if (scan_policy_load(&p, conf, NULL)) return;
  if (p.max_rate && *rate > p.max_rate) *rate = p.max_rate;
  if (p.max_concurrency && *conc > p.max_concurrency) *conc = p.max_concurrency;
  scan_policy_free(&p);
}

int scanjobs_limits_get(Db *db, int64_t org, unsigned *rate, unsigned *conc, Err *e) {
  DbStmt *st;
  *rate = SCANJOBS_DEFAULT_RATE;
  *conc = SCANJOBS_DEFAULT_CONC;
  int rc = db_query(db, &st, e, "SELECT max_rate, max_concurrency FROM scan_limits"
                    " WHERE org_id = ?", "l", org);
  if (rc) return rc;
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    *rate = (unsigned)db_col_int(st, 0);
    *conc = (unsigned)db_col_int(st, 1);
  }
  db_finalize(st);
  server_ceiling(rate, conc);
  return rc < 0 ? rc : 0;
}

int scanjobs_limits_set(Db *db, const Principal *who, int64_t org, unsigned rate, unsigned conc,
                        Err *e) {
  if (rate < 1 || rate > 100000 || conc < 1 || conc > 10000)
    return err_set(e, VERR_INVALID, "Fart må være 1–100000 per sekund og samtidighet 1–10000.");
  int rc = db_begin(db, e);
  if (rc) return rc;
  rc = db_exec(db, e, "INSERT INTO scan_limits (org_id, max_rate, max_concurrency, updated_by,"
               " updated_at) VALUES (?, ?, ?, NULLIF(?, 0), ?) ON CONFLICT (org_id) DO UPDATE SET"
               " max_rate = excluded.max_rate, max_concurrency = excluded.max_concurrency,"
               " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
               "liill", org, (int)rate, (int)conc, who->user_id, db_now());
  char det[64];
  snprintf(det, sizeof det, "rate=%u concurrency=%u", rate, conc);
  AuditEvent ev = {who, org, "scan.limits.set", "organisation", NULL, det};
  if (rc == 0) rc = audit_append(db, &ev, NULL, e);
  if (rc == 0) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}
