/* io_sbom.c — inventory from the formats src/vuln reads: a CycloneDX JSON
 * SBOM (components become products; the SBOM's own component, if named,
 * becomes a system that depends on them) and a plain product list (the CSV
 * `varde vuln check` takes). The vuln readers' row errors are kept. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "inventory/io.h"
#include "vuln/inventory.h"

/* Copies the vuln reader's messages (one per line) into the import log. */
static void take_report(InvImp *m, char *text, size_t nerr) {
  m->res->errors += nerr;
  if (text && *text) buf_printf(&m->res->log, "%s%s", text, text[strlen(text) - 1] == '\n' ? "" : "\n");
}

static const char *platforms_of(InvImp *m, const VulnItem *it) {
  Buf b;
  buf_init(&b, 16384);
  char one[VULN_CPE_MAX * 2];
  for (int i = 0; i < it->nplatform; i++)
    if (vuln_cpe_bind_fs(&it->platform[i], one, sizeof one) > 0) buf_printf(&b, "%s%s", b.n ? " " : "", one);
  const char *r = arena_strdup(m->a, buf_cstr(&b));
  buf_free(&b);
  return r;
}

static int save_item(InvImp *m, const VulnItem *it, int sbom, int64_t *pid, Err *e) {
  InvProduct p = {.org_id = m->org_id};
  const char *base = it->name ? it->name : it->product ? it->product : it->cpe_str ? it->cpe_str : it->purl_str;
  p.name = sbom && it->version && *it->version ? arena_printf(m->a, "%s %s", base, it->version) : base;
  int64_t id = inv__id_by_name(m->db, m->org_id, INV_PRODUCT, p.name, NULL);
  int ch = 0, rc;
  if (id && (rc = inv_product_get(m->db, m->a, m->org_id, id, &p, e))) return rc;
  p.vendor = it->vendor;
  p.product = it->product;
  p.version = it->version;
  p.cpe = it->cpe_str;
  p.purl = it->purl_str;
  if (!sbom) p.platform = platforms_of(m, it);
  rc = inv__product_put(m->db, m->who, &p, &ch, e);
  if (!rc) inv_imp_saved(m, it->line, INV_PRODUCT, p.name, id, ch);
  *pid = p.id;
  return rc;
}

/* Saves every item; input errors are row errors, others end the import. */
static int save_items(InvImp *m, const VulnInventory *inv, int sbom, int64_t *ids, Err *e) {
  for (size_t i = 0; i < inv->n; i++) {
    int rc = save_item(m, &inv->item[i], sbom, &ids[i], e);
    if (rc == VERR_INVALID || rc == VERR_CONFLICT || rc == VERR_NOTFOUND) {
      inv_imp_error(m, inv->item[i].line, e->msg);
      err_clear(e);
      ids[i] = 0;
    } else if (rc) return rc;
  }
  return 0;
}

static int read_with(InvImp *m, const char *name, const char *data, size_t len, int sbom, VulnInventory *inv, Err *e) {
  char *text = NULL;
  size_t tlen = 0;
  FILE *out = open_memstream(&text, &tlen);
  VulnReport r = {.out = out};
  int rc = sbom ? vuln_inventory_cyclonedx(inv, name, data, len, &r, e) : vuln_inventory_csv(inv, name, data, len, &r, e);
  if (out) fclose(out);
  take_report(m, text, r.nerr);
  free(text);
  m->res->rows += inv->n + r.nerr;
  return rc;
}

/* The SBOM's own component ("metadata.component.name"): a system. */
static int sbom_system(InvImp *m, const char *data, size_t len, const int64_t *ids, size_t n, Err *e) {
  json_t *doc = json_loadb(data, len, 0, NULL);
  const char *sys = json_string_value(json_object_get(json_object_get(json_object_get(doc, "metadata"), "component"), "name"));
  int rc = 0;
  if (sys && *sys) {
    InvSystem s = {.org_id = m->org_id, .name = arena_strdup(m->a, sys)};
    int64_t id = inv__id_by_name(m->db, m->org_id, INV_SYSTEM, s.name, NULL);
    int ch = 0;
    if (id) s.id = id;
    if (id) rc = inv_system_get(m->db, m->a, m->org_id, id, &s, e);
    if (!rc) rc = inv__system_put(m->db, m->who, &s, &ch, e);
    if (!rc) inv_imp_saved(m, 0, INV_SYSTEM, s.name, id, ch);
    for (size_t i = 0; !rc && i < n; i++) {
      if (!ids[i] || (rc = inv__dep_put(m->db, m->who, m->org_id, INV_SYSTEM, s.id, INV_PRODUCT, ids[i], &ch, e)) || !ch)
        continue;
      m->res->created++;
      inv_imp_note(m, 0, "%s avhengighet «%s» → komponent %zu", m->dry ? "ville lagt til" : "la til", s.name, i);
    }
    if (rc == VERR_INVALID || rc == VERR_CONFLICT) {
      inv_imp_error(m, 0, e->msg);
      err_clear(e);
      rc = 0;
    }
  }
  json_decref(doc);
  return rc;
}

static int import_vuln_format(InvImp *m, const char *name, const char *data, size_t len, int sbom, Err *e) {
  VulnInventory inv;
  if (vuln_inventory_init(&inv)) return err_set(e, VERR_NOMEM, "for lite minne");
  int rc = read_with(m, name, data, len, sbom, &inv, e);
  int64_t *ids = rc ? NULL : calloc(inv.n + 1, sizeof *ids);
  if (!rc && !ids) rc = err_set(e, VERR_NOMEM, "for lite minne");
  if (!rc) rc = save_items(m, &inv, sbom, ids, e);
  if (!rc && sbom) rc = sbom_system(m, data, len, ids, inv.n, e);
  free(ids);
  vuln_inventory_free(&inv);
  return rc;
}

int inv_import_sbom(InvImp *m, const char *name, const char *data, size_t len, Err *e) {
  return import_vuln_format(m, name, data, len, 1, e);
}

int inv_import_product_list(InvImp *m, const char *name, const char *data, size_t len, Err *e) {
  return import_vuln_format(m, name, data, len, 0, e);
}
