/* common.c — kinds and their names, validation of inventory values, and the
 * write plumbing every saver uses (audit entry, change log, commit + hook). */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "db/db.h"
#include "inventory/inv_int.h"
#include "vuln/cpe.h"
#include "vuln/purl.h"

static const char *const kind_names[INV_NKINDS] = {"service", "system", "product", "host", "supplier"};
static const char *const kind_labels[INV_NKINDS] = {"tjeneste", "system", "programvare", "maskin", "leverandør"};
static const char *const kind_tables[INV_NKINDS] = {"inv_services", "inv_systems", "inv_products", "inv_hosts",
                                                    "inv_suppliers"};

const char *inv_kind_name(InvKind k) { return (unsigned)k < INV_NKINDS ? kind_names[k] : "?"; }
const char *inv_kind_label(InvKind k) { return (unsigned)k < INV_NKINDS ? kind_labels[k] : "?"; }
const char *inv__table(InvKind k) { return (unsigned)k < INV_NKINDS ? kind_tables[k] : NULL; }

int inv_kind_parse(const char *s, InvKind *out) {
  for (int k = 0; s && k < INV_NKINDS; k++)
    if (!strcmp(s, kind_names[k])) {
      *out = (InvKind)k;
      return 0;
    }
  return VERR_INVALID;
}

static InvChangeHook hook;
static void *hook_ctx;

void inv_set_change_hook(InvChangeHook fn, void *ctx) {
  hook = fn;
  hook_ctx = ctx;
}

int inv__audit(Db *db, const Principal *who, int64_t org_id, InvKind k, const char *verb, int64_t id,
               const char *details, Err *e) {
  char action[64], oid[32];
  const char *kn = k == INV__SCOPE ? "scope" : k == INV__DEP ? "dependency" : k == INV__IMPORT ? "file" : inv_kind_name(k);
  snprintf(action, sizeof action, "inventory.%s.%s", kn, verb);
  snprintf(oid, sizeof oid, "%" PRId64, id);
  AuditEvent ev = {who, org_id, action, kn, oid, details};
  return audit_append(db, &ev, NULL, e);
}

int inv__changed(Db *db, int64_t org_id, int64_t product_id, int deleted, Err *e) {
  return db_exec(db, e, "INSERT INTO inv_changes (org_id, product_id, deleted, at) VALUES (?, ?, ?, ?)", "llil",
                 org_id, product_id, deleted, db_now());
}

int inv__end(Db *db, int rc, int64_t org_id, Err *e) {
  if (rc) {
    db_rollback(db);
    return rc;
  }
  rc = db_commit(db, e);
  if (rc) {
    db_rollback(db);
    return rc;
  }
  if (hook) hook(db, org_id, hook_ctx);
  return 0;
}

int inv__exists(Db *db, int64_t org_id, InvKind k, int64_t id, Err *e) {
  const char *t = inv__table(k);
  if (!t) return err_set(e, VERR_INVALID, "Ukjent type.");
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT EXISTS (SELECT 1 FROM %s WHERE id = ? AND org_id = ?)", t);
  int64_t n = 0;
  int rc = db_int(db, e, &n, sql, "ll", id, org_id);
  return rc ? rc : n != 0;
}

int64_t inv__id_by_name(Db *db, int64_t org_id, InvKind k, const char *name, Err *e) {
  const char *t = inv__table(k);
  if (!t || !name || !*name) return 0;
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE org_id = ? AND name = ?", t);
  int64_t id = 0;
  Err tmp = {0};
  return db_int(db, e ? e : &tmp, &id, sql, "ls", org_id, name) ? 0 : id;
}

/* ---- validation ---- */

static int valid_utf8(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    size_t len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
    if (!len) return 0;
    if (len == 1 && *p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') return 0;
    for (size_t k = 1; k < len; k++)
      if ((p[k] & 0xc0) != 0x80) return 0;
    p += len;
  }
  return 1;
}

int inv__check_text(const char *what, const char *s, Err *e) {
  if (!s) return 0;
  if (strlen(s) > INV_TEXT_MAX) return err_set(e, VERR_INVALID, "%s er for lang (høyst %d tegn).", what, INV_TEXT_MAX);
  if (!valid_utf8(s)) return err_set(e, VERR_INVALID, "%s inneholder ugyldige tegn.", what);
  return 0;
}

int inv__check_name(const char *what, const char *s, Err *e) {
  if (!s || !*s) return err_set(e, VERR_INVALID, "%s mangler.", what);
  if (strlen(s) > INV_NAME_MAX) return err_set(e, VERR_INVALID, "%s er for langt (høyst %d tegn).", what, INV_NAME_MAX);
  if (strchr(s, '\n') || strchr(s, '\r')) return err_set(e, VERR_INVALID, "%s kan ikke ha linjeskift.", what);
  return inv__check_text(what, s, e);
}

int inv__check_cpe(const char *s, Err *e) {
  if (!s || !*s) return 0;
  char store[VULN_CPE_MAX * 2];
  VulnCpe c;
  Err pe = {0};
  if (strlen(s) > VULN_CPE_MAX || vuln_cpe_parse(s, &c, store, sizeof store, &pe))
    return err_set(e, VERR_INVALID, "Ugyldig CPE «%.120s»: %s", s, pe.msg[0] ? pe.msg : "for lang");
  return 0;
}

int inv__check_purl(const char *s, Err *e) {
  if (!s || !*s) return 0;
  VulnPurl p;
  Err pe = {0};
  if (strlen(s) > 1000 || vuln_purl_parse(s, &p, &pe))
    return err_set(e, VERR_INVALID, "Ugyldig purl «%.120s»: %s", s, pe.msg[0] ? pe.msg : "for lang");
  return 0;
}

int inv__check_date(const char *s, Err *e) {
  if (!s || !*s) return 0;
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  const char *end = strptime(s, "%Y-%m-%d", &tm);
  int y = tm.tm_year + 1900, m = tm.tm_mon + 1, d = tm.tm_mday;
  static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (!end || *end || strlen(s) != 10 || m < 1 || m > 12 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
    return err_set(e, VERR_INVALID, "Ugyldig dato «%.40s» (skriv ÅÅÅÅ-MM-DD).", s);
  return 0;
}

/* Each token must be an IPv4 or IPv6 literal; written back separated by one space. */
int inv__check_addresses(char *s, Err *e) {
  char out[INV_TEXT_MAX + 1];
  size_t o = 0;
  for (char *p = s; *p;) {
    p += strspn(p, " ,;\t");
    size_t n = strcspn(p, " ,;\t");
    if (!n) break;
    char tok[64];
    unsigned char bin[16];
    if (n >= sizeof tok) return err_set(e, VERR_INVALID, "Ugyldig adresse «%.60s».", p);
    memcpy(tok, p, n);
    tok[n] = '\0';
    if (inet_pton(AF_INET, tok, bin) != 1 && inet_pton(AF_INET6, tok, bin) != 1)
      return err_set(e, VERR_INVALID, "Ugyldig IP-adresse «%s».", tok);
    if (o + n + 2 > sizeof out) return err_set(e, VERR_INVALID, "For mange adresser.");
    if (o) out[o++] = ' ';
    memcpy(out + o, tok, n);
    o += n;
    p += n;
  }
  out[o] = '\0';
  memcpy(s, out, o + 1);
  return 0;
}

int inv__dep_allowed(InvKind from, InvKind to) {
  switch (from) {
  case INV_SERVICE: return to == INV_SERVICE || to == INV_SYSTEM;
  case INV_SYSTEM: return to == INV_SYSTEM || to == INV_PRODUCT || to == INV_HOST || to == INV_SUPPLIER;
  case INV_PRODUCT: return to == INV_HOST;
  default: return 0;
  }
}

void inv__today(char out[11]) {
  time_t t = (time_t)db_now();
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 11, "%Y-%m-%d", &tm);
}
