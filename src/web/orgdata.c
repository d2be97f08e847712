/* orgdata.c — the web layer's only calls into src/org: organisations as
 * pages show them, the current organisation, labels and times. */
#include "web/web_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "org/org.h"
#include "policy/policy.h"
#include "user/user.h"

static void to_web(WebCtx *c, const Org *o, WebOrg *out) {
  out->id = o->id;
  out->parent_id = o->parent_id;
  out->population = o->population;
  out->depth = o->depth;
  out->name = arena_strdup(c->a, o->name);
  out->kind = org_kind_name(o->kind);
  out->number = arena_strdup(c->a, o->kommunenummer);
  out->orgnr = arena_strdup(c->a, o->orgnr);
  out->sharing = policy_sharing_name(o->sharing);
  if (!out->name) out->name = "";
}

int web_org_get(WebCtx *c, int64_t id, WebOrg *out, Err *e) {
  Org o;
  int rc = org_get(c->db, id, &o, e);
  if (rc) return rc;
  to_web(c, &o, out);
  return 0;
}

static int load_visible(WebCtx *c, WebOrg **out, size_t *n, Err *e);

int web_orgs_visible(WebCtx *c, WebOrg **out, size_t *n, Err *e) {
  if (!c->visible_loaded) {
    int rc = load_visible(c, &c->visible, &c->nvisible, e);
    if (rc) return rc;
    c->visible_loaded = 1;
  }
  *out = c->visible;
  *n = c->nvisible;
  return 0;
}

static int load_visible(WebCtx *c, WebOrg **out, size_t *n, Err *e) {
  int64_t *ids = NULL;
  size_t nids = 0;
  Org *all = NULL;
  size_t nall = 0;
  *out = NULL;
  *n = 0;
  if (policy_allowed_orgs(c->db, &c->p, POLICY_ORG_VIEW, &ids, &nids, e)) return e->code;
  int rc = org_list(c->db, c->a, &all, &nall, e);
  WebOrg *v = rc ? NULL : arena_alloc(c->a, (nall + 1) * sizeof *v);
  for (size_t i = 0; v && i < nall; i++) {
    /* ids is sorted: binary search keeps this O(n log n). */
    size_t lo = 0, hi = nids;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (ids[mid] < all[i].id) lo = mid + 1;
      else hi = mid;
    }
    if (lo < nids && ids[lo] == all[i].id) to_web(c, &all[i], &v[(*n)++]);
  }
  free(ids);
  *out = v;
  return rc ? rc : (v ? 0 : err_set(e, VERR_NOMEM, "for lite minne"));
}

int web_org_set_sharing(WebCtx *c, int64_t id, const char *level, Err *e) {
  PolicySharing s;
  if (policy_sharing_parse(level, &s)) return err_set(e, VERR_INVALID, "Ugyldig delingsnivå.");
  return org_set_sharing(c->db, &c->p, id, s, e);
}

size_t web_child_kinds(const char *parent, const char *kinds[], size_t cap) {
  OrgKind p;
  size_t n = 0;
  if (!parent || org_kind_parse(parent, &p)) return 0;
  for (int k = 0; k < ORG_N_KINDS && n < cap; k++)
    if (org_kind_allowed_under((OrgKind)k, p)) kinds[n++] = org_kind_name((OrgKind)k);
  return n;
}

int web_org_create(WebCtx *c, int64_t parent, const char *kind, const char *name, const char *number,
                   const char *orgnr, const char *population, int64_t *id, Err *e) {
  OrgNew o = {.parent_id = parent, .name = name, .kommunenummer = number, .orgnr = orgnr, .population = -1};
  if (!kind || !*kind || org_kind_parse(kind, &o.kind)) return err_set(e, VERR_INVALID, "Velg en type.");
  if (population && *population) {
    char *end = NULL;
    long long v = strtoll(population, &end, 10);
    if (*end || v < 0 || v > 100000000)
      return err_set(e, VERR_INVALID, "Innbyggertallet må være et helt tall (eller stå tomt).");
    o.population = v;
  }
  return org_create(c->db, &c->p, &o, id, e);
}

int web_kind_fits(const char *child, const char *parent) {
  OrgKind c, p;
  return child && parent && !org_kind_parse(child, &c) && !org_kind_parse(parent, &p) && org_kind_allowed_under(c, p);
}

int web_org_move(WebCtx *c, int64_t id, int64_t parent, Err *e) {
  switch (policy_check_move(c->db, &c->p, id, parent, e)) {
  case POLICY_ALLOW: return org_move(c->db, &c->p, id, parent, e);
  case POLICY_NOT_VISIBLE: return err_set(e, VERR_NOTFOUND, "Fant ikke organisasjonen.");
  default:
    return e->code ? e->code
                   : err_set(e, VERR_DENIED, "Du kan bare flytte en organisasjon inn under en du administrerer.");
  }
}

/* An account is everyone's who holds it: whoever changes it (turns it off,
 * resets its second factor) must manage the members of every organisation
 * it belongs to (the policy answers for each), and it must belong to {org}
 * and not be their own. */
static int account_rule(WebCtx *c, int64_t user_id, Err *e) {
  AuthRole r = AUTH_ROLE_NONE;
  UserMembership *m = NULL;
  size_t n = 0;
  int rc = user_role_in(c->db, user_id, c->org_id, &r, e);
  if (!rc && r == AUTH_ROLE_NONE) rc = err_set(e, VERR_NOTFOUND, "Fant ikke brukeren i denne organisasjonen.");
  if (!rc && user_id == c->p.user_id)
    rc = err_set(e, VERR_INVALID, "Ikke for din egen konto (tofaktor endrer du under Profil).");
  if (!rc) rc = user_memberships(c->db, user_id, c->a, &m, &n, e);
  for (size_t i = 0; !rc && i < n; i++) {
    if (web_may(c, POLICY_MEMBERS_MANAGE, m[i].org_id)) continue;
    Org o;
    Err ignore = {0};
    int seen = web_may(c, POLICY_ORG_VIEW, m[i].org_id) && !org_get(c->db, m[i].org_id, &o, &ignore);
    rc = err_set(e, VERR_DENIED, "Brukeren er også medlem av «%s», som du ikke administrerer. Fjern brukeren herfra, "
                 "eller be en administrator der.", seen ? o.name : "en organisasjon du ikke ser");
  }
  return rc;
}

int web_user_set_active(WebCtx *c, int64_t user_id, int active, Err *e) {
  int rc = account_rule(c, user_id, e);
  return rc ? rc : user_set_disabled(c->db, &c->p, user_id, c->org_id, !active, e);
}

int web_user_mfa_reset(WebCtx *c, int64_t user_id, Err *e) {
  int rc = account_rule(c, user_id, e);
  return rc ? rc : auth_mfa_reset(c->db, &c->p, user_id, c->org_id, e);
}

const char *web_kind_label(const char *kind) {
  OrgKind k;
  return kind && org_kind_parse(kind, &k) == 0 ? org_kind_label(k) : "";
}

const char *web_sharing_label(const char *level) {
  if (!level) return "";
  if (!strcmp(level, "none")) return "Ingenting (bare navnet og plassen i treet)";
  if (!strcmp(level, "aggregate")) return "Bare i summer over minst fem organisasjoner";
  if (!strcmp(level, "summary")) return "Sammendrag og poeng per organisasjon";
  if (!strcmp(level, "full")) return "Alle detaljer (for å få hjelp)";
  return level;
}

int64_t web_current_org(WebCtx *c) {
  if (c->p.current_org && web_may(c, POLICY_ORG_VIEW, c->p.current_org)) return c->p.current_org;
  UserMembership *m = NULL;
  size_t n = 0;
  Err e = {0};
  if (user_memberships(c->db, c->p.user_id, c->a, &m, &n, &e) == 0 && n > 0) return m[0].org_id;
  return 0;
}

const char *web_time(WebCtx *c, int64_t t) {
  time_t tt = (time_t)t;
  struct tm tm;
  char s[32];
  if (!localtime_r(&tt, &tm) || !strftime(s, sizeof s, "%Y-%m-%d %H:%M", &tm)) return "";
  const char *r = arena_strdup(c->a, s);
  return r ? r : "";
}
