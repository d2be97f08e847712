/* inv_int.h — what the inventory's files share: the write helpers (audit,
 * change log, transaction end with the change hook) and the un-wrapped
 * savers that import runs inside its own transaction. Private to src/inventory. */
#ifndef VARDE_INVENTORY_INT_H
#define VARDE_INVENTORY_INT_H
#include "inventory/inventory.h"

/* Pseudo-kinds for audit actions that are not objects. */
#define INV__SCOPE ((InvKind)INV_NKINDS)
#define INV__DEP ((InvKind)(INV_NKINDS + 1))
#define INV__IMPORT ((InvKind)(INV_NKINDS + 2))

/* Audit one inventory write ("inventory.<kind>.<verb>"). */
int inv__audit(Db *db, const Principal *who, int64_t org_id, InvKind k, const char *verb, int64_t id,
               const char *details, Err *e);
/* Append to the change log: product_id 0 = the whole organisation. */
int inv__changed(Db *db, int64_t org_id, int64_t product_id, int deleted, Err *e);
/* Ends a write transaction: rollback if rc, else commit and call the hook. */
int inv__end(Db *db, int rc, int64_t org_id, Err *e);
/* Does object (k, id) exist in org_id? 1, 0, or <0. */
int inv__exists(Db *db, int64_t org_id, InvKind k, int64_t id, Err *e);
const char *inv__table(InvKind k);

/* The savers without a transaction of their own (validate, write, audit,
 * log the change). *changed (may be NULL) is set to 1 when a row was
 * inserted or actually altered. */
int inv__service_put(Db *db, const Principal *who, InvService *x, int *changed, Err *e);
int inv__system_put(Db *db, const Principal *who, InvSystem *x, int *changed, Err *e);
int inv__product_put(Db *db, const Principal *who, InvProduct *x, int *changed, Err *e);
int inv__host_put(Db *db, const Principal *who, InvHost *x, int *changed, Err *e);
int inv__supplier_put(Db *db, const Principal *who, InvSupplier *x, int *changed, Err *e);
int inv__dep_put(Db *db, const Principal *who, int64_t org_id, InvKind fk, int64_t fid, InvKind tk, int64_t tid,
                 int *changed, Err *e);
int inv__scope_put(Db *db, const Principal *who, InvScope *x, int *changed, Err *e);
/* Id of the object named `name` of kind k in org_id, or 0. */
int64_t inv__id_by_name(Db *db, int64_t org_id, InvKind k, const char *name, Err *e);

/* Validation shared by the savers and import (Norwegian messages on e). */
int inv__check_name(const char *what, const char *s, Err *e);
int inv__check_text(const char *what, const char *s, Err *e);
int inv__check_cpe(const char *s, Err *e);
int inv__check_purl(const char *s, Err *e);
int inv__check_date(const char *s, Err *e);
/* Normalises a space/comma-separated list of IP literals in place. */
int inv__check_addresses(char *s, Err *e);
int inv__dep_allowed(InvKind from, InvKind to);

/* Today as "YYYY-MM-DD" (db_now, UTC). */
void inv__today(char out[11]);

#endif
