/* web_int.h — internals shared by the files of src/web and src/api (route
 * lookup, registries, JSON error helper); not for capability modules. */
#ifndef VARDE_WEB_INT_H
#define VARDE_WEB_INT_H
#include "web/web.h"

const WebRoute *web_route_find(WebCtx *c, const char *method, const char *path,
                               int *method_mismatch);
void web_route_each(void (*fn)(const WebRoute *r, void *ctx), void *ctx);
const WebNav *web_navs(size_t *n);
WebSensorAuth web_sensor_auth(void);   /* NULL until registered */
const WebSection *web_sections(size_t *n);

/* Policy outcome for the prologue: 0 allowed, 403 refused, 404 hidden. */
int web_policy_status(WebCtx *c, int action, int64_t org_id, Err *e);

/* An organisation as the pages show it (strings in the request arena). The
 * calls into src/org live in orgdata.c only. */
typedef struct WebOrg {
  int64_t id, parent_id, population;   /* population -1 when unknown */
  int depth;                           /* 0 for a root (from org_list) */
  const char *name, *kind, *number, *orgnr, *sharing;
} WebOrg;

/* 0, VERR_NOTFOUND, or another VERR_* with e set. */
int web_org_get(WebCtx *c, int64_t id, WebOrg *out, Err *e);
/* Every organisation the principal may see, in tree order (parents first,
 * siblings by name), allocated in the request arena. */
int web_orgs_visible(WebCtx *c, WebOrg **out, size_t *n, Err *e);
/* Sets the sharing level ("none"|"aggregate"|"summary"|"full"), audited. */
int web_org_set_sharing(WebCtx *c, int64_t id, const char *level, Err *e);
/* The kinds (stored names, in order) an organisation of kind parent may
 * have under it, into kinds[]; how many. */
#define ORG_KINDS_MAX 8
size_t web_child_kinds(const char *parent, const char *kinds[], size_t cap);
/* A new organisation under parent from the form's fields (kind as stored,
 * name, kommunenummer, orgnr, population: "" for unknown), audited.
 * VERR_INVALID / VERR_CONFLICT with a Norwegian message. */
int web_org_create(WebCtx *c, int64_t parent, const char *kind, const char *name, const char *number,
                   const char *orgnr, const char *population, int64_t *id, Err *e);
/* Moves organisation id under parent; the policy decides (POLICY_ORG_EDIT
 * on both), then src/org checks kinds and cycles. Audited. */
int web_org_move(WebCtx *c, int64_t id, int64_t parent, Err *e);
/* Turns the account of a member of {org} off (sessions end, tokens stop)
 * or on, audited in {org}: VERR_NOTFOUND (not a member), VERR_INVALID (one's
 * own), VERR_DENIED (it also belongs where the principal does not manage
 * members), each with a Norwegian message. */
int web_user_set_active(WebCtx *c, int64_t user_id, int active, Err *e);
/* Removes the member's TOTP and recovery codes (lost phone; sessions end,
 * enrolment is asked at the next log-in), under the same rule. */
int web_user_mfa_reset(WebCtx *c, int64_t user_id, Err *e);
/* 1 if an organisation of kind child may lie under one of kind parent. */
int web_kind_fits(const char *child, const char *parent);
/* Norwegian name of an organisation kind ("kommune", "region", ...). */
const char *web_kind_label(const char *kind);
/* Norwegian explanation of a sharing level. */
const char *web_sharing_label(const char *level);

/* The organisation the pages are about: the switcher's choice if the
 * principal may still see it, else the first membership; 0 if none. */
int64_t web_current_org(WebCtx *c);

/* JSON error body for API routes ({"error": msg}). */

/* Registers the foundation's dashboard sections (pages.c). */
void web_init_sections(void);

/* Audit log page and CSV export (audit.c). */
void web_audit_page(WebCtx *c);
void web_audit_csv(WebCtx *c);

/* Foundation route tables. */
extern const WebRoute web_routes_auth[];
extern const WebRoute web_routes_pages[];
extern const WebRoute web_routes_profile[];
extern const WebRoute web_routes_mfa[];
extern const WebRoute web_routes_admin[];
extern const WebRoute api_routes_v1[];

/* The job thread of `varde serve` (jobs.c): first run after first_delay
 * seconds, then each job at its interval (or `interval` when non-zero).
 * NULL when no job is registered. */
typedef struct WebJobs WebJobs;
WebJobs *web_jobs_start(const char *db_path, const WebJobEnv *env, unsigned first_delay, unsigned interval);
void web_jobs_stop(WebJobs *w);

#endif
