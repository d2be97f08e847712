/* store.c — create, update and delete of services, systems, products, hosts
 * and suppliers: validation, the write, its audit entry and change-log line. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "inventory/inv_int.h"
#include "inventory/row.h"
#include "vuln/cpe.h"

static int must_exist(Db *db, int64_t org_id, InvKind k, int64_t id, Err *e) {
  if (!id) return 0;
  int rc = inv__exists(db, org_id, k, id, e);
  if (rc < 0) return rc;
  return rc ? 0 : err_set(e, VERR_NOTFOUND, "Fant ingen slik %s.", inv_kind_label(k));
}

/* After inv_row_put: a friendly duplicate message, then audit and change log
 * when something changed. product_change: id for the change log, 0 for "the
 * whole organisation", -1 for "matching is not affected". */
static int finish_put(Db *db, const Principal *who, InvKind k, int64_t org_id, int64_t was, int64_t id, int rc,
                      int ch, int64_t product_change, const char *name, int *changed, Err *e) {
  if (rc == VERR_CONFLICT && strstr(e->msg, "UNIQUE"))
    return err_set(e, rc, "Det finnes allerede en %s med navnet «%.200s».", inv_kind_label(k), name);
  if (rc) return rc;
  if (changed) *changed = ch;
  if (!ch) return 0;
  char det[300];
  snprintf(det, sizeof det, "navn=%.250s", name);
  rc = inv__audit(db, who, org_id, k, was ? "update" : "create", id, det, e);
  if (!rc && product_change >= 0) rc = inv__changed(db, org_id, product_change, 0, e);
  return rc;
}

int inv__service_put(Db *db, const Principal *who, InvService *x, int *changed, Err *e) {
  int64_t was = x->id;
  int ch = 0, rc;
  if (inv__check_name("Navnet", x->name, e) || inv__check_text("Beskrivelsen", x->description, e)) return e->code;
  if (x->criticality < INV_CRIT_MIN || x->criticality > INV_CRIT_MAX)
    return err_set(e, VERR_INVALID, "Kritikalitet må være 1–5.");
  if ((rc = must_exist(db, x->org_id, INV_SERVICE, x->id, e))) return rc;
  InvCol c[] = {INV_S("name", x->name), INV_S("description", x->description), INV_I("criticality", x->criticality),
                INV_I("critical_function", x->critical_function ? 1 : 0)};
  rc = inv_row_put(db, "inv_services", x->org_id, &x->id, c, 4, &ch, e);
  return finish_put(db, who, INV_SERVICE, x->org_id, was, x->id, rc, ch, 0, x->name, changed, e);
}

static int check_country(const char *s, Err *e) {
  if (!s || !*s) return 0;
  if (strlen(s) == 2 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1])) return 0;
  return err_set(e, VERR_INVALID, "Land skrives med to store bokstaver (ISO 3166), f.eks. NO eller IE.");
}

static int check_hosting(const char *s, Err *e) {
  if (!s || !*s || !strcmp(s, "onprem") || !strcmp(s, "cloud") || !strcmp(s, "saas")) return 0;
  return err_set(e, VERR_INVALID, "Drift må være onprem, cloud eller saas.");
}

int inv__system_put(Db *db, const Principal *who, InvSystem *x, int *changed, Err *e) {
  int64_t was = x->id;
  int ch = 0, rc;
  if (inv__check_name("Navnet", x->name, e) || inv__check_text("Beskrivelsen", x->description, e) ||
      inv__check_text("Eier", x->owner, e) || check_hosting(x->hosting, e) || check_country(x->data_country, e))
    return e->code;
  if ((rc = must_exist(db, x->org_id, INV_SYSTEM, x->id, e))) return rc;
  if ((rc = must_exist(db, x->org_id, INV_SUPPLIER, x->supplier_id, e))) return rc;
  InvCol c[] = {INV_S("name", x->name), INV_S("description", x->description), INV_S("owner", x->owner),
                INV_REF("supplier_id", x->supplier_id), INV_S("hosting", x->hosting),
                INV_S("data_country", x->data_country)};
  rc = inv_row_put(db, "inv_systems", x->org_id, &x->id, c, 6, &ch, e);
  return finish_put(db, who, INV_SYSTEM, x->org_id, was, x->id, rc, ch, -1, x->name, changed, e);
}

static int check_platforms(const char *s, Err *e) {
  char tok[VULN_CPE_MAX + 1];
  for (const char *p = s; p && *p;) {
    p += strspn(p, " \t|");
    size_t n = strcspn(p, " \t|");
    if (!n) break;
    if (n >= sizeof tok) return err_set(e, VERR_INVALID, "Plattform-CPE er for lang.");
    memcpy(tok, p, n);
    tok[n] = '\0';
    if (inv__check_cpe(tok, e)) return e->code;
    p += n;
  }
  return 0;
}

static int check_product(const InvProduct *x, Err *e) {
  if (inv__check_name("Navnet", x->name, e) || inv__check_text("Leverandør", x->vendor, e) ||
      inv__check_text("Produkt", x->product, e) || inv__check_text("Versjon", x->version, e) ||
      inv__check_cpe(x->cpe, e) || inv__check_purl(x->purl, e) || check_platforms(x->platform, e) ||
      inv__check_date(x->eol_date, e))
    return e->code;
  int has_cpe = x->cpe && *x->cpe, has_purl = x->purl && *x->purl;
  if (!has_cpe && !has_purl && !(x->vendor && *x->vendor && x->product && *x->product))
    return err_set(e, VERR_INVALID, "Oppgi CPE, purl eller både leverandør og produkt.");
  return 0;
}

int inv__product_put(Db *db, const Principal *who, InvProduct *x, int *changed, Err *e) {
  int64_t was = x->id;
  int ch = 0, rc;
  if (check_product(x, e)) return e->code;
  if ((rc = must_exist(db, x->org_id, INV_PRODUCT, x->id, e))) return rc;
  InvCol c[] = {INV_S("name", x->name), INV_S("vendor", x->vendor), INV_S("product", x->product),
                INV_S("version", x->version), INV_S("cpe", x->cpe), INV_S("purl", x->purl),
                INV_S("platform", x->platform), INV_S("eol_date", x->eol_date)};
  rc = inv_row_put(db, "inv_products", x->org_id, &x->id, c, 8, &ch, e);
  return finish_put(db, who, INV_PRODUCT, x->org_id, was, x->id, rc, ch, x->id, x->name, changed, e);
}

int inv__host_put(Db *db, const Principal *who, InvHost *x, int *changed, Err *e) {
  int64_t was = x->id;
  int ch = 0, rc;
  char addr[INV_TEXT_MAX + 1];
  if (inv__check_name("Navnet", x->name, e) || inv__check_text("Andre navn", x->aliases, e) ||
      inv__check_text("Adresser", x->addresses, e) || inv__check_text("Beskrivelsen", x->description, e))
    return e->code;
  snprintf(addr, sizeof addr, "%s", x->addresses ? x->addresses : "");
  if (inv__check_addresses(addr, e)) return e->code;
  if ((rc = must_exist(db, x->org_id, INV_HOST, x->id, e))) return rc;
  InvCol c[] = {INV_S("name", x->name), INV_S("aliases", x->aliases), INV_S("addresses", addr),
                INV_S("description", x->description), INV_I("internet_facing", x->internet_facing ? 1 : 0)};
  rc = inv_row_put(db, "inv_hosts", x->org_id, &x->id, c, 5, &ch, e);
  return finish_put(db, who, INV_HOST, x->org_id, was, x->id, rc, ch, 0, x->name, changed, e);
}

static int check_supplier_org(Db *db, int64_t id, Err *e) {
  if (!id) return 0;
  int64_t n = 0;
  int rc = db_int(db, e, &n, "SELECT EXISTS (SELECT 1 FROM organisations WHERE id = ? AND kind = 'supplier')", "l",
                  id);
  if (rc) return rc;
  return n ? 0 : err_set(e, VERR_INVALID, "Leverandørorganisasjonen finnes ikke.");
}

int inv__supplier_put(Db *db, const Principal *who, InvSupplier *x, int *changed, Err *e) {
  int64_t was = x->id;
  int ch = 0, rc;
  if (inv__check_name("Navnet", x->name, e) || inv__check_text("Kontakt", x->contact, e)) return e->code;
  const char *o = x->orgnr ? x->orgnr : "";
  if (*o && (strlen(o) != 9 || strspn(o, "0123456789") != 9))
    return err_set(e, VERR_INVALID, "Organisasjonsnummer har ni sifre.");
  if ((rc = must_exist(db, x->org_id, INV_SUPPLIER, x->id, e)) || (rc = check_supplier_org(db, x->supplier_org_id, e)))
    return rc;
  InvCol c[] = {INV_S("name", x->name), INV_S("orgnr", o), INV_S("contact", x->contact),
                INV_REF("supplier_org_id", x->supplier_org_id)};
  rc = inv_row_put(db, "inv_suppliers", x->org_id, &x->id, c, 4, &ch, e);
  return finish_put(db, who, INV_SUPPLIER, x->org_id, was, x->id, rc, ch, -1, x->name, changed, e);
}

#define INV_SAVE(fn, type, put)                                         \
  int fn(Db *db, const Principal *who, type *x, Err *e) {               \
    int rc = db_begin(db, e);                                           \
    if (rc) return rc;                                                  \
    return inv__end(db, put(db, who, x, NULL, e), x->org_id, e);        \
  }
INV_SAVE(inv_service_save, InvService, inv__service_put)
INV_SAVE(inv_system_save, InvSystem, inv__system_put)
INV_SAVE(inv_product_save, InvProduct, inv__product_put)
INV_SAVE(inv_host_save, InvHost, inv__host_put)
INV_SAVE(inv_supplier_save, InvSupplier, inv__supplier_put)

static int delete_in_tx(Db *db, const Principal *who, int64_t org_id, InvKind k, int64_t id, Err *e) {
  int rc = must_exist(db, org_id, k, id, e);
  if (rc || !id) return rc ? rc : err_set(e, VERR_NOTFOUND, "Fant ingen slik %s.", inv_kind_label(k));
  const char *kn = inv_kind_name(k);
  rc = db_exec(db, e,
               "DELETE FROM inv_deps WHERE org_id = ? AND ((from_kind = ? AND from_id = ?) OR"
               " (to_kind = ? AND to_id = ?))",
               "lslsl", org_id, kn, id, kn, id);
  char sql[96];
  snprintf(sql, sizeof sql, "DELETE FROM %s WHERE id = ? AND org_id = ?", inv__table(k));
  if (!rc) rc = db_exec(db, e, sql, "ll", id, org_id);
  if (!rc) rc = inv__audit(db, who, org_id, k, "delete", id, NULL, e);
  if (!rc && k != INV_SUPPLIER) rc = inv__changed(db, org_id, k == INV_PRODUCT ? id : 0, k == INV_PRODUCT, e);
  return rc;
}

int inv_delete(Db *db, const Principal *who, int64_t org_id, InvKind k, int64_t id, Err *e) {
  if (!inv__table(k)) return err_set(e, VERR_INVALID, "Ukjent type.");
  int rc = db_begin(db, e);
  if (rc) return rc;
  return inv__end(db, delete_in_tx(db, who, org_id, k, id, e), org_id, e);
}
