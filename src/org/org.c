/* org.c — the organisation tree in the database: create, move (no cycles),
 * sharing level, look-ups and the tree-ordered list. Writes are audited. */
#include "org/org.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "db/db.h"

static const char org_cols[] =
  "SELECT id, coalesce(parent_id, 0), kind, name, coalesce(kommunenummer, ''), coalesce(orgnr, ''),"
  " sharing_level, coalesce(population, -1) FROM organisations";

static void org_from_stmt(DbStmt *st, Org *o) {
  memset(o, 0, sizeof *o);
  o->id = db_col_int(st, 0);
  o->parent_id = db_col_int(st, 1);
  if (org_kind_parse(db_col_text(st, 2), &o->kind)) o->kind = ORG_SUPPLIER;
  snprintf(o->name, sizeof o->name, "%s", db_col_text(st, 3));
  snprintf(o->kommunenummer, sizeof o->kommunenummer, "%s", db_col_text(st, 4));
  snprintf(o->orgnr, sizeof o->orgnr, "%s", db_col_text(st, 5));
  if (policy_sharing_parse(db_col_text(st, 6), &o->sharing)) o->sharing = POLICY_SHARE_NONE;
  o->population = db_col_int(st, 7);
}

/* Runs a query from org_cols + where; returns the first row into out. */
static int org_one(Db *db, Org *out, Err *e, const char *where, const char *types, int64_t i, const char *s,
                   int *matches) {
  char sql[512];
  DbStmt *st;
  snprintf(sql, sizeof sql, "%s %s", org_cols, where);
  int rc = *types == 'l' ? db_query(db, &st, e, sql, "l", i) : db_query(db, &st, e, sql, "s", s);
  if (rc) return rc;
  *matches = 0;
  while ((rc = db_step(st, e)) == DB_ROW)
    if ((*matches)++ == 0) org_from_stmt(st, out);
  db_finalize(st);
  if (rc < 0) return rc;
  return *matches ? 0 : err_set(e, VERR_NOTFOUND, "Fant ingen slik organisasjon.");
}

int org_get(Db *db, int64_t id, Org *out, Err *e) {
  int m;
  int rc = org_one(db, out, e, "WHERE id = ?", "l", id, NULL, &m);
  if (rc == VERR_NOTFOUND) err_set(e, rc, "Fant ingen organisasjon med id %" PRId64 ".", id);
  return rc;
}

static int digits_only(const char *s) {
  if (!*s) return 0;
  for (; *s; s++)
    if (*s < '0' || *s > '9') return 0;
  return 1;
}

int org_find(Db *db, const char *ref, Org *out, Err *e) {
  int m = 0, rc;
  if (!ref || !*ref) return err_set(e, VERR_INVALID, "Oppgi en organisasjon (id, nummer eller navn).");
  const char *idp = !strncmp(ref, "id:", 3) ? ref + 3 : ref[0] == '#' ? ref + 1 : NULL;
  size_t n = strlen(ref);
  if (idp && digits_only(idp) && strlen(idp) < 18) return org_get(db, strtoll(idp, NULL, 10), out, e);
  if (digits_only(ref) && (n == 4 || n == 2)) rc = org_one(db, out, e, "WHERE kommunenummer = ?", "s", 0, ref, &m);
  else if (digits_only(ref) && n == 9) rc = org_one(db, out, e, "WHERE orgnr = ?", "s", 0, ref, &m);
  else rc = org_one(db, out, e, "WHERE name = ? ORDER BY id", "s", 0, ref, &m);
  if (rc == VERR_NOTFOUND && digits_only(ref) && n != 9)
    return err_set(e, rc, "Fant ingen organisasjon med nummer «%s» (en id skrives #%s).", ref, ref);
  if (rc == VERR_NOTFOUND) return err_set(e, rc, "Fant ingen organisasjon «%s».", ref);
  if (!rc && m > 1)
    return err_set(e, VERR_CONFLICT, "Flere organisasjoner heter «%s»; bruk id (f.eks. #%" PRId64 ").", ref,
                   out->id);
  return rc;
}

int org_find_or_id(Db *db, const char *ref, Org *out, Err *e) {
  size_t n = ref ? strlen(ref) : 0;
  if (n && n != 4 && n < 18 && ref[0] != '0' && digits_only(ref)) return org_get(db, strtoll(ref, NULL, 10), out, e);
  return org_find(db, ref, out, e);
}

int org_is_ancestor(Db *db, int64_t anc, int64_t id, int *out, Err *e) {
  int64_t n = 0;
  int rc = db_int(db, e, &n,
                  "WITH RECURSIVE up(id, parent_id, depth) AS ("
                  " SELECT id, parent_id, 0 FROM organisations WHERE id = ?"
                  " UNION ALL SELECT o.id, o.parent_id, up.depth + 1 FROM organisations o"
                  " JOIN up ON o.id = up.parent_id WHERE up.depth < 64)"
                  " SELECT EXISTS (SELECT 1 FROM up WHERE id = ?)",
                  "ll", id, anc);
  *out = n != 0;
  return rc;
}

/* Which parent kinds each kind accepts (bit set of OrgKind; bit 31 = root). */
#define ROOT_OK (1u << 31)
#define K(x) (1u << (x))
static const unsigned parent_ok[ORG_N_KINDS] = {
  [ORG_NATIONAL] = ROOT_OK,
  [ORG_REGION] = K(ORG_NATIONAL),
  [ORG_MUNICIPALITY] = K(ORG_REGION) | K(ORG_NATIONAL),
  [ORG_COUNTY] = K(ORG_REGION) | K(ORG_NATIONAL),
  [ORG_IKS] = K(ORG_REGION) | K(ORG_NATIONAL) | K(ORG_MUNICIPALITY),
  [ORG_SUPPLIER] = ROOT_OK | K(ORG_NATIONAL),
};

int org_kind_allowed_under(OrgKind kind, OrgKind parent) {
  return (unsigned)kind < ORG_N_KINDS && (unsigned)parent < ORG_N_KINDS && (parent_ok[kind] & K(parent));
}

static int check_parent(Db *db, OrgKind kind, int64_t parent, Org *p, Err *e) {
  if (!parent) {
    if (parent_ok[kind] & ROOT_OK) return 0;
    return err_set(e, VERR_INVALID, "Typen %s må ha en overordnet organisasjon.", org_kind_label(kind));
  }
  int rc = org_get(db, parent, p, e);
  if (rc) return rc;
  if (parent_ok[kind] & K(p->kind)) return 0;
  return err_set(e, VERR_INVALID, "%s kan ikke ligge under %s «%s».", org_kind_label(kind), org_kind_label(p->kind),
                 p->name);
}

static int check_new(Db *db, const OrgNew *o, Err *e) {
  Org parent;
  if ((unsigned)o->kind >= ORG_N_KINDS) return err_set(e, VERR_INVALID, "Ukjent organisasjonstype.");
  int rc = org_check_name(o->name, e);
  if (!rc) rc = org_check_kommunenummer(o->kommunenummer, o->kind, e);
  if (!rc) rc = org_check_orgnr(o->orgnr, e);
  if (!rc && o->population < -1) rc = err_set(e, VERR_INVALID, "Innbyggertallet kan ikke være negativt.");
  if (!rc) rc = check_parent(db, o->kind, o->parent_id, &parent, e);
  return rc;
}

/* Joins the caller's transaction or opens one; tx_end commits only its own. */
static int tx_begin(Db *db, int *own, Err *e) {
  *own = !db_in_transaction(db);
  return *own ? db_begin(db, e) : 0;
}

static int tx_end(Db *db, int own, int rc, Err *e) {
  if (!own) return rc;
  if (!rc) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}

static int audit_org(Db *db, const Principal *actor, int64_t id, const char *action, const char *details, Err *e) {
  char oid[24];
  snprintf(oid, sizeof oid, "%" PRId64, id);
  AuditEvent ev = {actor, id, action, "organisation", oid, details};
  return audit_append(db, &ev, NULL, e);
}

static const char *nz(const char *s) { return s && *s ? s : NULL; }

int org_create(Db *db, const Principal *actor, const OrgNew *o, int64_t *id, Err *e) {
  int own, rc = tx_begin(db, &own, e);
  if (rc) return rc;
  int64_t nid = 0, now = db_now();
  rc = check_new(db, o, e);
  if (!rc)
    rc = db_int(db, e, &nid,
                "INSERT INTO organisations (parent_id, kind, name, kommunenummer, orgnr, population, created_at,"
                " updated_at) VALUES (nullif(?, 0), ?, ?, ?, ?, nullif(?, -1), ?, ?) RETURNING id",
                "lssssl" "ll", o->parent_id, org_kind_name(o->kind), o->name, nz(o->kommunenummer), nz(o->orgnr),
                o->population, now, now);
  if (rc == VERR_CONFLICT)
    err_set(e, rc, "Det finnes allerede en organisasjon med samme nummer (eller samme navn på toppnivå).");
  char details[300];
  snprintf(details, sizeof details, "type=%s navn=%s", org_kind_name(o->kind), o->name ? o->name : "");
  if (!rc) rc = audit_org(db, actor, nid, "org.create", details, e);
  rc = tx_end(db, own, rc, e);
  if (!rc && id) *id = nid;
  return rc;
}

static int check_move(Db *db, int64_t id, int64_t new_parent, Org *o, Err *e) {
  Org p;
  int rc = org_get(db, id, o, e);
  if (rc) return rc;
  if (new_parent == id) return err_set(e, VERR_INVALID, "En organisasjon kan ikke ligge under seg selv.");
  if (new_parent) {
    int cycle = 0;
    rc = org_is_ancestor(db, id, new_parent, &cycle, e);
    if (rc) return rc;
    if (cycle)
      return err_set(e, VERR_INVALID, "«%s» kan ikke flyttes inn under en av sine egne underorganisasjoner.",
                     o->name);
  }
  return check_parent(db, o->kind, new_parent, &p, e);
}

int org_move(Db *db, const Principal *actor, int64_t id, int64_t new_parent, Err *e) {
  Org o = {0};
  int own, rc = tx_begin(db, &own, e);
  if (rc) return rc;
  rc = check_move(db, id, new_parent, &o, e);
  if (!rc)
    rc = db_exec(db, e, "UPDATE organisations SET parent_id = nullif(?, 0), updated_at = ? WHERE id = ?", "lll",
                 new_parent, db_now(), id);
  char details[64];
  snprintf(details, sizeof details, "fra=%" PRId64 " til=%" PRId64, o.parent_id, new_parent);
  if (!rc) rc = audit_org(db, actor, id, "org.move", details, e);
  return tx_end(db, own, rc, e);
}

int org_set_sharing(Db *db, const Principal *actor, int64_t id, PolicySharing s, Err *e) {
  Org o = {0};
  if ((unsigned)s > POLICY_SHARE_FULL) return err_set(e, VERR_INVALID, "Ukjent delingsnivå.");
  int own, rc = tx_begin(db, &own, e);
  if (rc) return rc;
  rc = org_get(db, id, &o, e);
  if (!rc)
    rc = db_exec(db, e, "UPDATE organisations SET sharing_level = ?, updated_at = ? WHERE id = ?", "sll",
                 policy_sharing_name(s), db_now(), id);
  char details[64];
  snprintf(details, sizeof details, "fra=%s til=%s", policy_sharing_name(o.sharing), policy_sharing_name(s));
  if (!rc) rc = audit_org(db, actor, id, "org.sharing", details, e);
  return tx_end(db, own, rc, e);
}
