/* inventory.c — item preparation (CPE/purl parsing, a CPE derived from
 * vendor/product/version) and the CycloneDX SBOM reader; CSV is csv.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "vuln/inventory.h"
#include "vuln/json.h"

int vuln_inventory_init(VulnInventory *inv) {
  memset(inv, 0, sizeof *inv);
  inv->arena = arena_new((size_t)4 << 30);
  return inv->arena ? 0 : VERR_NOMEM;
}

void vuln_inventory_free(VulnInventory *inv) {
  arena_free(inv->arena);
  free(inv->item);
  memset(inv, 0, sizeof *inv);
}

static int parse_cpe_into(Arena *a, const char *s, VulnCpe *c, Err *e) {
  size_t cap = strlen(s) * 2 + 16;
  char *store = arena_alloc(a, cap);
  if (!store) return err_set(e, VERR_NOMEM, "out of memory");
  return vuln_cpe_parse(s, c, store, cap, e);
}

/* "cpe:2.3:*:vendor:product:version:*:*:*:*:*:*:*" from plain names; the
 * part is left ANY because a CSV row rarely says a/o/h. */
static int derive_cpe(Arena *a, VulnItem *it, Err *e) {
  const char *src[3] = {it->vendor, it->product, it->version};
  int attr[3] = {CPE_VENDOR, CPE_PRODUCT, CPE_VERSION};
  memset(&it->cpe, 0, sizeof it->cpe);
  for (int k = 0; k < 3; k++) {
    if (!src[k] || !*src[k]) continue;
    size_t cap = strlen(src[k]) * 2 + 2;
    char *q = arena_alloc(a, cap);
    if (!q || vuln_cpe_quote(src[k], q, cap) < 0)
      return err_set(e, VERR_INVALID, "%s \"%s\" cannot become a CPE value (printable ASCII only)", vuln_cpe_attr_names[attr[k]], src[k]);
    it->cpe.v[attr[k]] = q;
  }
  it->has_cpe = it->derived = true;
  return 0;
}

static int parse_platforms(Arena *a, VulnItem *it, const char *list, Err *e) {
  char tok[VULN_CPE_MAX + 1];
  const char *p = list;
  while (p && *p) {
    p += strspn(p, " \t|");  /* not ',': a CPE may hold an escaped comma */
    size_t n = strcspn(p, " \t|");
    if (!n) break;
    if (n > VULN_CPE_MAX) return err_set(e, VERR_INVALID, "platform CPE too long");
    if (it->nplatform >= VULN_MAX_PLATFORMS) return err_set(e, VERR_INVALID, "more than %d platforms", VULN_MAX_PLATFORMS);
    memcpy(tok, p, n);
    tok[n] = '\0';
    if (parse_cpe_into(a, tok, &it->platform[it->nplatform], e)) return e->code;
    it->nplatform++;
    p += n;
  }
  return 0;
}

int vuln_item_prepare(Arena *a, VulnItem *it, const char *platforms, Err *e) {
  if (it->cpe_str && *it->cpe_str) {
    if (parse_cpe_into(a, it->cpe_str, &it->cpe, e)) return e->code;
    it->has_cpe = true;
  }
  if (it->purl_str && *it->purl_str) {
    it->purl = arena_alloc(a, sizeof *it->purl);
    if (!it->purl) return err_set(e, VERR_NOMEM, "out of memory");
    if (vuln_purl_parse(it->purl_str, it->purl, e)) return e->code;
    it->has_purl = true;
  }
  if (!it->has_cpe && it->vendor && *it->vendor && it->product && *it->product && derive_cpe(a, it, e)) return e->code;
  if (!it->has_cpe && !it->has_purl)
    return err_set(e, VERR_INVALID, "needs a cpe, a purl, or vendor and product");
  return parse_platforms(a, it, platforms, e);
}

VulnItem *vuln_inventory_push(VulnInventory *inv) {
  if (inv->n == inv->cap) {
    size_t nc = inv->cap ? inv->cap * 2 : 256;
    VulnItem *x = realloc(inv->item, nc * sizeof *x);
    if (!x) return NULL;
    inv->item = x;
    inv->cap = nc;
  }
  VulnItem *it = &inv->item[inv->n];
  memset(it, 0, sizeof *it);
  return it;
}

/* ---- CycloneDX ---- */

static const char *supplier_of(Arena *a, json_t *c) {
  const char *s = vj_str(a, json_object_get(c, "supplier"), "name");
  if (!s) s = vj_str(a, json_object_get(c, "manufacturer"), "name");
  if (!s) s = vj_str(a, c, "publisher");
  if (!s) s = vj_str(a, c, "group");
  return s;
}

static int cdx_components(VulnInventory *inv, const char *name, json_t *arr, const char *path, VulnReport *r, int depth) {
  json_t *c;
  size_t i;
  char where[256];
  if (depth > 16) return 0;
  json_array_foreach(arr, i, c) {
    snprintf(where, sizeof where, "%.200s[%zu]", path, i);
    VulnItem *it = vuln_inventory_push(inv);
    if (!it) return VERR_NOMEM;
    Arena *a = inv->arena;
    Err e = {0};
    it->name = vj_str(a, c, "name");
    it->product = it->name;
    it->vendor = supplier_of(a, c);
    it->version = vj_str(a, c, "version");
    it->cpe_str = vj_str(a, c, "cpe");
    it->purl_str = vj_str(a, c, "purl");
    it->line = i;
    if (!json_is_object(c) || !it->name) vuln_report(r, name, where, "component without a name; skipped");
    else if (vuln_item_prepare(a, it, NULL, &e)) vuln_report(r, name, where, "%s; skipped", e.msg);
    else inv->n++;
    char sub[300];
    snprintf(sub, sizeof sub, "%s.components", where);
    int rc = cdx_components(inv, name, json_object_get(c, "components"), sub, r, depth + 1);
    if (rc) return rc;
  }
  return 0;
}

int vuln_inventory_cyclonedx(VulnInventory *inv, const char *name, const char *data, size_t len, VulnReport *r, Err *e) {
  json_error_t je;
  json_t *doc = json_loadb(data, len, 0, &je);
  if (!doc) return err_set(e, VERR_INVALID, "%s: JSON syntax error at line %d column %d: %s", name, je.line, je.column, je.text);
  const char *fmt = json_string_value(json_object_get(doc, "bomFormat"));
  int rc = 0;
  if (fmt && strcmp(fmt, "CycloneDX")) rc = err_set(e, VERR_INVALID, "%s: bomFormat is %s, not CycloneDX", name, fmt);
  else if (!json_is_array(json_object_get(doc, "components"))) rc = err_set(e, VERR_INVALID, "%s: no components array", name);
  else if ((rc = cdx_components(inv, name, json_object_get(doc, "components"), "$.components", r, 0))) err_set(e, rc, "out of memory");
  json_decref(doc);
  return rc;
}

int vuln_inventory_load(VulnInventory *inv, const char *path, VulnReport *r, Err *e) {
  FILE *f = fopen(path, "rb");
  if (!f) return err_set(e, VERR_IO, "%s: cannot open", path);
  Buf b;
  char tmp[65536];
  size_t n;
  buf_init(&b, (size_t)512 << 20);
  while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) buf_append(&b, tmp, n);
  int bad = ferror(f);
  fclose(f);
  int rc;
  if (bad || b.err) rc = err_set(e, VERR_IO, "%s: read failed or too large", path);
  else {
    size_t i = b.n >= 3 && !memcmp(b.p, "\xef\xbb\xbf", 3) ? 3 : 0;
    while (i < b.n && strchr(" \t\r\n", b.p[i]) && b.p[i]) i++;
    rc = i < b.n && b.p[i] == '{' ? vuln_inventory_cyclonedx(inv, path, b.p + i, b.n - i, r, e)
                                   : vuln_inventory_csv(inv, path, b.p ? b.p : "", b.n, r, e);
  }
  buf_free(&b);
  return rc;
}
