/* inventory.h — an organisation's inventory: services, systems, software
 * products, hosts, suppliers, scan scope and the dependency graph between
 * them; impact analysis over that graph; the change log matching reads.
 *
 * Store rules:
 *  - Every object belongs to one organisation (org_id). Every call takes the
 *    org id and only touches rows of that organisation, so an id from another
 *    organisation answers VERR_NOTFOUND. Authorisation is NOT decided here:
 *    the web prologue (policy_check on {org}) and the command line do that.
 *  - Every write runs in one transaction with its audit_append
 *    ("inventory.<kind>.create|update|delete", object_type = kind name).
 *  - Strings returned in structs live in the Arena the caller passes.
 *  - Dependencies are edges "from depends on to". Allowed pairs:
 *      service -> service | system
 *      system  -> system | product | host | supplier
 *      product -> host      (the product runs on / is installed on the host)
 *    A system's supplier field is also an edge system -> supplier.
 *    Cycles are allowed in the data (real estates have them: AD needs DNS
 *    and DNS needs AD); every walk keeps a visited set.
 *
 * For matching (the findings module):
 *  - inv_match_items() lists an organisation's products with what the
 *    priority needs: CPE/purl, platform CPEs, whether it runs on an
 *    internet-facing host (directly, or through a system that uses both),
 *    and the highest criticality among the services that depend on it
 *    (transitively: service -> ... -> system -> product).
 *  - Every change that can alter a match or a priority appends to the change
 *    log inv_changes (product_id = the product, or 0 = "every product of the
 *    organisation": services, hosts, dependencies changed). Product deletes
 *    are logged too, so findings can close what no longer exists.
 *    Read with inv_changes_list(), then drop what was handled with
 *    inv_changes_clear(upto_seq). The log survives restarts and is written
 *    by the command line as well as by the server.
 *  - inv_set_change_hook(): called in-process after each committed
 *    inventory write, with the organisation id (e.g. to match at once). */
#ifndef VARDE_INVENTORY_H
#define VARDE_INVENTORY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/principal.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

typedef struct Db Db;

typedef enum InvKind {
  INV_SERVICE = 0,
  INV_SYSTEM,
  INV_PRODUCT,
  INV_HOST,
  INV_SUPPLIER,
  INV_NKINDS
} InvKind;

/* "service", "system", "product", "host", "supplier"; parse gives 0 or VERR_INVALID. */
const char *inv_kind_name(InvKind k);
int inv_kind_parse(const char *s, InvKind *out);
/* Norwegian label for pages: "tjeneste", "system", "programvare", "maskin", "leverandør". */
const char *inv_kind_label(InvKind k);

#define INV_NAME_MAX 200
#define INV_TEXT_MAX 2000
#define INV_CRIT_MIN 1
#define INV_CRIT_MAX 5

typedef struct InvService {
  int64_t id, org_id;
  const char *name, *description;
  int criticality;           /* 1 (low) .. 5 (critical) */
  bool critical_function;    /* samfunnskritisk funksjon */
} InvService;

/* hosting: "onprem", "cloud", "saas" or "" (unknown). */
typedef struct InvSystem {
  int64_t id, org_id;
  const char *name, *description, *owner;
  int64_t supplier_id;       /* InvSupplier.id or 0 */
  const char *supplier_name; /* filled by reads */
  const char *hosting;
  const char *data_country;  /* ISO 3166-1 alpha-2 ("NO", "IE") or "" */
} InvSystem;

/* At least one of cpe, purl, or vendor+product. eol_date is YYYY-MM-DD or
 * ""; eol is computed on read (eol_date <= today). platform: space-separated
 * CPEs of what it runs on (OS, hardware), as in the vuln CSV. */
typedef struct InvProduct {
  int64_t id, org_id;
  const char *name, *vendor, *product, *version, *cpe, *purl, *platform, *eol_date;
  bool eol;
} InvProduct;

/* addresses: space-separated IPv4/IPv6 literals; aliases: other DNS names. */
typedef struct InvHost {
  int64_t id, org_id;
  const char *name, *aliases, *addresses, *description;
  bool internet_facing;
} InvHost;

typedef struct InvSupplier {
  int64_t id, org_id;
  const char *name, *orgnr, *contact;
  int64_t supplier_org_id;   /* organisations.id of kind supplier, or 0 */
} InvSupplier;

/* Scan scope: kind "cidr" (an address or range, v4 or v6) or "domain".
 * Nothing may be scanned until an admin has confirmed it. */
typedef struct InvScope {
  int64_t id, org_id;
  const char *kind, *value, *note;
  int64_t created_by, created_at;
  int64_t confirmed_by, confirmed_at;  /* 0 = not confirmed */
  const char *confirmed_by_name;       /* filled by reads */
} InvScope;

typedef struct InvDep {
  int64_t id, org_id;
  InvKind from_kind, to_kind;
  int64_t from_id, to_id;
  const char *from_name, *to_name;     /* filled by reads */
} InvDep;

/* ---- create / update / delete (id 0 in *x creates; *id gets the id) ---- */
int inv_service_save(Db *db, const Principal *who, InvService *x, Err *e);
int inv_system_save(Db *db, const Principal *who, InvSystem *x, Err *e);
int inv_product_save(Db *db, const Principal *who, InvProduct *x, Err *e);
int inv_host_save(Db *db, const Principal *who, InvHost *x, Err *e);
int inv_supplier_save(Db *db, const Principal *who, InvSupplier *x, Err *e);
/* Deleting an object also deletes the dependency edges that touch it. */
int inv_delete(Db *db, const Principal *who, int64_t org_id, InvKind k, int64_t id, Err *e);

/* ---- reads (arrays and strings in a) ---- */
int inv_service_list(Db *db, Arena *a, int64_t org_id, InvService **out, size_t *n, Err *e);
int inv_system_list(Db *db, Arena *a, int64_t org_id, InvSystem **out, size_t *n, Err *e);
int inv_product_list(Db *db, Arena *a, int64_t org_id, InvProduct **out, size_t *n, Err *e);
int inv_host_list(Db *db, Arena *a, int64_t org_id, InvHost **out, size_t *n, Err *e);
int inv_supplier_list(Db *db, Arena *a, int64_t org_id, InvSupplier **out, size_t *n, Err *e);
int inv_service_get(Db *db, Arena *a, int64_t org_id, int64_t id, InvService *out, Err *e);
int inv_system_get(Db *db, Arena *a, int64_t org_id, int64_t id, InvSystem *out, Err *e);
int inv_product_get(Db *db, Arena *a, int64_t org_id, int64_t id, InvProduct *out, Err *e);
int inv_host_get(Db *db, Arena *a, int64_t org_id, int64_t id, InvHost *out, Err *e);
int inv_supplier_get(Db *db, Arena *a, int64_t org_id, int64_t id, InvSupplier *out, Err *e);
/* Name of any object ("" if unknown), for edges and messages. */
const char *inv_object_name(Db *db, Arena *a, int64_t org_id, InvKind k, int64_t id);

/* ---- dependencies ---- */
/* Adds the edge from -> to (both in org_id; pair must be allowed; an
 * existing edge is not an error). */
int inv_dep_add(Db *db, const Principal *who, int64_t org_id, InvKind fk, int64_t fid, InvKind tk, int64_t tid,
                Err *e);
int inv_dep_remove(Db *db, const Principal *who, int64_t org_id, int64_t dep_id, Err *e);
/* Edges of an organisation; with k/id != 0 only those touching that object. */
int inv_dep_list(Db *db, Arena *a, int64_t org_id, InvKind k, int64_t id, InvDep **out, size_t *n, Err *e);

/* ---- impact: "if this fails, which services stop?" ---- */
typedef struct InvImpactService {
  int64_t id;
  const char *name;
  int criticality;
  bool critical_function;
  int depth;                 /* edges between the failed object and this service */
  const char *path;          /* "Sak/arkiv ← Acos WebSak ← SQL-server" */
} InvImpactService;

typedef struct InvImpact {
  InvKind kind;
  int64_t id;
  const char *name;
  InvImpactService *svc;     /* sorted: critical function first, then criticality, name */
  size_t nsvc, ncritical;    /* ncritical: critical_function or criticality >= 4 */
  size_t nsystems;           /* systems that fail with it (itself included) */
} InvImpact;

/* Walks the reverse edges from (k, id); each object is visited once, so
 * cycles end. A supplier fails the systems it supplies. */
int inv_impact(Db *db, Arena *a, int64_t org_id, InvKind k, int64_t id, InvImpact *out, Err *e);

/* ---- scope ---- */
int inv_scope_add(Db *db, const Principal *who, InvScope *x, Err *e);   /* validates and normalises value */
int inv_scope_delete(Db *db, const Principal *who, int64_t org_id, int64_t id, Err *e);
int inv_scope_confirm(Db *db, const Principal *who, int64_t org_id, int64_t id, Err *e);
int inv_scope_list(Db *db, Arena *a, int64_t org_id, InvScope **out, size_t *n, Err *e);
/* Is addr (IP literal) or host name inside a confirmed scope entry of the
 * organisation? 1 yes, 0 no, <0 error. For the scanner. */
int inv_scope_allows(Db *db, int64_t org_id, const char *target, Err *e);

/* ---- for matching ---- */
typedef struct InvMatchItem {
  const InvProduct *p;
  bool internet;             /* runs on an internet-facing host */
  int criticality;           /* highest of the services depending on it; 0 = none */
  bool critical_function;    /* some dependent service is a critical function */
  size_t nservices;          /* services depending on it */
} InvMatchItem;

/* Calls fn for each product of the organisation (product_id 0) or for one
 * product. A non-zero return from fn stops the walk and is returned. */
int inv_match_items(Db *db, int64_t org_id, int64_t product_id, int (*fn)(const InvMatchItem *, void *), void *ctx,
                    Err *e);

typedef struct InvChange {
  int64_t seq, org_id, product_id;   /* product_id 0 = the whole organisation */
  int64_t at;
  bool deleted;                      /* the product was deleted */
} InvChange;

/* Change log entries with seq > after, oldest first, at most limit (0 = all). */
int inv_changes_list(Db *db, Arena *a, int64_t after, size_t limit, InvChange **out, size_t *n, Err *e);
/* Removes entries with seq <= upto. */
int inv_changes_clear(Db *db, int64_t upto, Err *e);

typedef void (*InvChangeHook)(Db *db, int64_t org_id, void *ctx);
void inv_set_change_hook(InvChangeHook fn, void *ctx);

/* ---- import / export ---- */
typedef struct InvImportResult {
  size_t rows, created, updated, unchanged, errors;
  Buf log;                   /* one Norwegian line per row change or error */
} InvImportResult;

/* CSV (any kind, column "type"; see README.md) or CycloneDX JSON, detected
 * by content. dry_run: everything is checked and reported, nothing stored
 * (the transaction is rolled back). Bad rows are reported and skipped. */
int inv_import(Db *db, const Principal *who, int64_t org_id, const char *name, const char *data, size_t len,
               bool dry_run, InvImportResult *res, Err *e);
void inv_import_result_free(InvImportResult *res);
/* Everything of the organisation as CSV in the Norwegian Excel dialect, in
 * the same format inv_import reads. */
int inv_export_csv(Db *db, int64_t org_id, Buf *out, Err *e);

/* ---- web ---- */
/* Registers the inventory's pages, API routes, navigation entry and dashboard
 * section (listed in src/web/modules.def). */
void inventory_web_init(void);

/* ---- demo ---- */
/* An inventory for every municipality and IKS in the database (varde demo);
 * *created counts new objects and edges (0 on a rerun). */
int inv_demo(Db *db, const Principal *who, size_t *created, Err *e);

#endif
