/* org.h — the organisation tree: national centre -> regions -> municipalities,
 * counties and inter-municipal companies (IKS); suppliers as their own kind.
 * Creating, moving (never into its own subtree), listing in tree order,
 * looking up by id / kommunenummer / orgnr / name, and the sharing level.
 *
 * Authorisation is the caller's job (policy_check with POLICY_ORG_EDIT or
 * POLICY_SHARING_SET in the route prologue; root on the command line).
 * Every write is audited in the same transaction; a write joins the caller's
 * open transaction if there is one, else runs in its own.
 *
 * Which parent a kind may have:
 *   national               none (a root)
 *   region                 national
 *   municipality, county   region or national
 *   iks                    region, national or municipality (the host)
 *   supplier               none or national */
#ifndef VARDE_ORG_H
#define VARDE_ORG_H
#include <stddef.h>
#include <stdint.h>

#include "auth/principal.h"
#include "core/arena.h"
#include "core/err.h"
#include "policy/policy.h"

typedef struct Db Db;

typedef enum OrgKind {
  ORG_NATIONAL = 0,
  ORG_REGION,
  ORG_MUNICIPALITY,
  ORG_COUNTY,
  ORG_IKS,
  ORG_SUPPLIER,
  ORG_N_KINDS
} OrgKind;

#define ORG_NAME_MAX 200
#define ORG_MAX_DEPTH 16

typedef struct Org {
  int64_t id;
  int64_t parent_id;            /* 0 = root */
  OrgKind kind;
  char name[ORG_NAME_MAX + 1];
  char kommunenummer[5];        /* "" if none; 4 digits, or 2 for a county */
  char orgnr[10];               /* "" if none; 9 digits */
  PolicySharing sharing;
  int64_t population;           /* -1 = unknown */
  int depth;                    /* 0 for a root (filled by org_list) */
} Org;

typedef struct OrgNew {
  int64_t parent_id;            /* 0 = root */
  OrgKind kind;
  const char *name;
  const char *kommunenummer;    /* NULL or "" = none */
  const char *orgnr;            /* NULL or "" = none */
  int64_t population;           /* -1 = unknown */
} OrgNew;

/* "national" ... "supplier" (English, as stored) and Norwegian labels. */
const char *org_kind_name(OrgKind k);
const char *org_kind_label(OrgKind k);
int org_kind_parse(const char *s, OrgKind *out);   /* accepts English and Norwegian names */

/* 1 if an organisation of this kind may lie under one of kind parent
 * (national → regions, municipalities, counties, IKS, suppliers; region →
 * municipalities, counties, IKS; municipality → IKS). */
int org_kind_allowed_under(OrgKind kind, OrgKind parent);

/* Field checks with Norwegian messages (VERR_INVALID). */
int org_check_name(const char *name, Err *e);
int org_check_kommunenummer(const char *nr, OrgKind kind, Err *e);
int org_check_orgnr(const char *orgnr, Err *e);    /* 9 digits with a valid MOD11 check digit */

/* Creates an organisation (checks fields, parent kind; VERR_CONFLICT for a
 * duplicate kommunenummer/orgnr). *id receives the new id (may be NULL). */
int org_create(Db *db, const Principal *actor, const OrgNew *o, int64_t *id, Err *e);

/* Moves org under new_parent (0 = root). Refuses cycles and parent kinds
 * the table above does not allow. */
int org_move(Db *db, const Principal *actor, int64_t id, int64_t new_parent, Err *e);

/* Changes the sharing level (the organisation's own choice). */
int org_set_sharing(Db *db, const Principal *actor, int64_t id, PolicySharing s, Err *e);

int org_get(Db *db, int64_t id, Org *out, Err *e);  /* VERR_NOTFOUND */

/* Resolves a reference typed by a person: "#12" or "id:12" (id), 4 or 2
 * digits (kommunenummer), 9 digits (orgnr), else an exact name (VERR_CONFLICT
 * if two organisations share it). */
int org_find(Db *db, const char *ref, Org *out, Err *e);
/* As org_find, but a bare number other than a four-digit kommunenummer is
 * an id (as in the page addresses /org/N): for commands that took ids. */
int org_find_or_id(Db *db, const char *ref, Org *out, Err *e);

/* All organisations in tree order (each parent before its children,
 * siblings by name), with depth set; allocated in arena. */
int org_list(Db *db, Arena *a, Org **out, size_t *n, Err *e);

/* 1 if anc is id itself or one of its ancestors. */
int org_is_ancestor(Db *db, int64_t anc, int64_t id, int *out, Err *e);

#endif
