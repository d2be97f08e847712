/* scope.c — what an organisation allows to be scanned: address ranges and
 * domains, normalised on entry, usable only after its own admin confirmed
 * them; inv_scope_allows is the question the scanner asks. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "inventory/inv_int.h"

typedef struct Net {
  int af;                   /* AF_INET or AF_INET6 */
  unsigned char a[16];
  int prefix;
} Net;

/* "10.0.0.0/8", "192.0.2.7", "2001:db8::/32" -> Net with host bits cleared. */
static int parse_net(const char *s, Net *n) {
  char ip[64];
  const char *slash = strchr(s, '/');
  size_t len = slash ? (size_t)(slash - s) : strlen(s);
  if (len == 0 || len >= sizeof ip) return -1;
  memcpy(ip, s, len);
  ip[len] = '\0';
  memset(n, 0, sizeof *n);
  n->af = strchr(ip, ':') ? AF_INET6 : AF_INET;
  if (inet_pton(n->af, ip, n->a) != 1) return -1;
  int max = n->af == AF_INET ? 32 : 128;
  n->prefix = max;
  if (slash) {
    char *end;
    long p = strtol(slash + 1, &end, 10);
    if (!slash[1] || *end || p < 0 || p > max) return -1;
    n->prefix = (int)p;
  }
  for (int bit = n->prefix; bit < max; bit++) n->a[bit / 8] &= (unsigned char)~(0x80 >> (bit % 8));
  return 0;
}

static void format_net(const Net *n, char *out, size_t cap) {
  char ip[INET6_ADDRSTRLEN];
  inet_ntop(n->af, n->a, ip, sizeof ip);
  snprintf(out, cap, "%s/%d", ip, n->prefix);
}

static int net_contains(const Net *n, int af, const unsigned char *addr) {
  if (n->af != af) return 0;
  for (int bit = 0; bit < n->prefix; bit++) {
    unsigned char m = (unsigned char)(0x80 >> (bit % 8));
    if ((n->a[bit / 8] & m) != (addr[bit / 8] & m)) return 0;
  }
  return 1;
}

/* Lower-cases and checks a DNS name: labels of [a-z0-9-], not starting or
 * ending with '-', at least two labels. */
static int norm_domain(const char *s, char *out, size_t cap) {
  size_t n = strlen(s);
  if (n && s[n - 1] == '.') n--;
  if (n == 0 || n > 253 || n >= cap) return -1;
  int labels = 1;
  size_t lab = 0;
  for (size_t i = 0; i < n; i++) {
    char c = (char)tolower((unsigned char)s[i]);
    if (c == '.') {
      if (lab == 0 || out[i - 1] == '-') return -1;
      labels++;
      lab = 0;
    } else if (isalnum((unsigned char)c) || (c == '-' && lab > 0)) {
      if (++lab > 63) return -1;
    } else return -1;
    out[i] = c;
  }
  out[n] = '\0';
  return lab == 0 || out[n - 1] == '-' || labels < 2 ? -1 : 0;
}

int inv__scope_put(Db *db, const Principal *who, InvScope *x, int *changed, Err *e) {
  char norm[300];
  Net n;
  if (changed) *changed = 0;
  if (inv__check_text("Merknaden", x->note, e)) return e->code;
  if (x->kind && !strcmp(x->kind, "cidr")) {
    if (!x->value || parse_net(x->value, &n)) return err_set(e, VERR_INVALID, "Ugyldig adresseområde «%.80s» (f.eks. 192.0.2.0/24).", x->value ? x->value : "");
    format_net(&n, norm, sizeof norm);
  } else if (x->kind && !strcmp(x->kind, "domain")) {
    if (!x->value || norm_domain(x->value, norm, sizeof norm)) return err_set(e, VERR_INVALID, "Ugyldig domene «%.80s».", x->value ? x->value : "");
  } else return err_set(e, VERR_INVALID, "Omfang er enten cidr eller domain.");
  int rc = db_int(db, e, &x->id,
                  "INSERT INTO inv_scope (org_id, kind, value, note, created_by, created_at)"
                  " VALUES (?, ?, ?, ?, nullif(?, 0), ?) ON CONFLICT DO NOTHING RETURNING id",
                  "lsssll", x->org_id, x->kind, norm, x->note ? x->note : "", who ? who->user_id : 0, db_now());
  if (rc == VERR_NOTFOUND) return err_set(e, VERR_CONFLICT, "«%s» står allerede i omfanget.", norm);
  if (rc) return rc;
  if (changed) *changed = 1;
  char det[320];
  snprintf(det, sizeof det, "%s=%s", x->kind, norm);
  return inv__audit(db, who, x->org_id, INV__SCOPE, "add", x->id, det, e);
}

int inv_scope_add(Db *db, const Principal *who, InvScope *x, Err *e) {
  int rc = db_begin(db, e);
  if (rc) return rc;
  return inv__end(db, inv__scope_put(db, who, x, NULL, e), x->org_id, e);
}

static int scope_change(Db *db, const Principal *who, int64_t org_id, int64_t id, int confirm, Err *e) {
  const char *name = who && who->display_name[0] ? who->display_name : who ? who->username : "";
  int rc = confirm ? db_exec(db, e,
                             "UPDATE inv_scope SET confirmed_by = nullif(?, 0), confirmed_by_name = ?,"
                             " confirmed_at = ? WHERE id = ? AND org_id = ? AND confirmed_at IS NULL",
                             "lslll", who ? who->user_id : 0, name, db_now(), id, org_id)
                   : db_exec(db, e, "DELETE FROM inv_scope WHERE id = ? AND org_id = ?", "ll", id, org_id);
  if (rc) return rc;
  if (db_changes(db) == 0) {
    int64_t n = 0;
    rc = db_int(db, e, &n, "SELECT count(*) FROM inv_scope WHERE id = ? AND org_id = ?", "ll", id, org_id);
    if (rc) return rc;
    return n ? err_set(e, VERR_CONFLICT, "Allerede bekreftet.") : err_set(e, VERR_NOTFOUND, "Fant ikke omfanget.");
  }
  return inv__audit(db, who, org_id, INV__SCOPE, confirm ? "confirm" : "delete", id, NULL, e);
}

int inv_scope_confirm(Db *db, const Principal *who, int64_t org_id, int64_t id, Err *e) {
  int rc = db_begin(db, e);
  if (rc) return rc;
  return inv__end(db, scope_change(db, who, org_id, id, 1, e), org_id, e);
}

int inv_scope_delete(Db *db, const Principal *who, int64_t org_id, int64_t id, Err *e) {
  int rc = db_begin(db, e);
  if (rc) return rc;
  return inv__end(db, scope_change(db, who, org_id, id, 0, e), org_id, e);
}

int inv_scope_list(Db *db, Arena *a, int64_t org_id, InvScope **out, size_t *n, Err *e) {
  DbStmt *st;
  int rc = db_query(db, &st, e,
                    "SELECT id, kind, value, note, coalesce(created_by, 0), created_at, coalesce(confirmed_by, 0),"
                    " coalesce(confirmed_at, 0), coalesce(confirmed_by_name, '') FROM inv_scope WHERE org_id = ?"
                    " ORDER BY kind, value",
                    "l", org_id);
  if (rc) return rc;
  size_t cap = 16, cnt = 0;
  InvScope *arr = arena_alloc(a, cap * sizeof *arr);
  while (arr && (rc = db_step(st, e)) == DB_ROW) {
    if (cnt == cap) {
      InvScope *b = arena_alloc(a, cap * 2 * sizeof *b);
      if (b) memcpy(b, arr, cap * sizeof *b);
      arr = b;
      cap *= 2;
      if (!arr) break;
    }
    InvScope *s = &arr[cnt++];
    s->id = db_col_int(st, 0);
    s->org_id = org_id;
    s->kind = arena_strdup(a, db_col_text(st, 1));
    s->value = arena_strdup(a, db_col_text(st, 2));
    s->note = arena_strdup(a, db_col_text(st, 3));
    s->created_by = db_col_int(st, 4);
    s->created_at = db_col_int(st, 5);
    s->confirmed_by = db_col_int(st, 6);
    s->confirmed_at = db_col_int(st, 7);
    s->confirmed_by_name = arena_strdup(a, db_col_text(st, 8));
  }
  db_finalize(st);
  if (!arr) return err_set(e, VERR_NOMEM, "for lite minne");
  if (rc < 0) return rc;
  *out = arr;
  *n = cnt;
  return 0;
}

static int target_in(const char *kind, const char *value, const char *target) {
  unsigned char addr[16];
  int af = strchr(target, ':') ? AF_INET6 : AF_INET;
  if (inet_pton(af, target, addr) == 1) {
    Net n;
    return !strcmp(kind, "cidr") && !parse_net(value, &n) && net_contains(&n, af, addr);
  }
  char host[300];
  if (strcmp(kind, "domain") || norm_domain(target, host, sizeof host)) return 0;
  size_t hl = strlen(host), vl = strlen(value);
  return hl == vl ? !strcmp(host, value) : hl > vl && host[hl - vl - 1] == '.' && !strcmp(host + hl - vl, value);
}

int inv_scope_allows(Db *db, int64_t org_id, const char *target, Err *e) {
  if (!target || !*target) return 0;
  DbStmt *st;
  int rc = db_query(db, &st, e,
                    "SELECT kind, value FROM inv_scope WHERE org_id = ? AND confirmed_at IS NOT NULL", "l", org_id);
  if (rc) return rc;
  int yes = 0;
  while (!yes && (rc = db_step(st, e)) == DB_ROW) yes = target_in(db_col_text(st, 0), db_col_text(st, 1), target);
  db_finalize(st);
  return rc < 0 ? rc : yes;
}
