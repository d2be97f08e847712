/* pages.c — the organisation pages: the dashboard of one organisation with
 * the registered sections, the tree of visible organisations, the switcher. */
#include "web/web_int.h"

#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "html/html.h"
#include "policy/policy.h"

static void org_header(WebCtx *c, const WebOrg *o) {
  Buf *b = &c->resp->body;
  html_printf(b, "<h1>%s</h1><div class=\"card\"><dl class=\"grid\">"
                 "<div><dt>Type</dt><dd>%s</dd></div>", o->name, web_kind_label(o->kind));
  if (o->number && o->number[0])
    html_printf(b, "<div><dt>%s</dt><dd>%s</dd></div>",
                strlen(o->number) == 2 ? "Fylkesnummer" : "Kommunenummer", o->number);
  if (o->orgnr && o->orgnr[0])
    html_printf(b, "<div><dt>Organisasjonsnummer</dt><dd>%s</dd></div>", o->orgnr);
  if (o->population >= 0)
    html_printf(b, "<div><dt>Innbyggere</dt><dd>%lld</dd></div>", (long long)o->population);
  if (o->parent_id) {
    WebOrg parent;
    Err e = {0};
    if (web_may(c, POLICY_ORG_VIEW, o->parent_id) && !web_org_get(c, o->parent_id, &parent, &e))
      html_printf(b, "<div><dt>Overordnet</dt><dd><a href=\"/org/%lld\">%s</a></dd></div>",
                  (long long)parent.id, parent.name);
  }
  html_printf(b, "<div><dt>Deler med overordnede</dt><dd>%s</dd></div></dl></div>",
              web_sharing_label(o->sharing));
}

/* For its admins (and an ancestor's): a new organisation under this one,
 * of the kinds that may lie there. again: after a failed attempt, whose
 * values stay in the fields. */
static void child_form(WebCtx *c, const WebOrg *o, int again) {
  const char *kinds[ORG_KINDS_MAX];
  size_t nk = web_child_kinds(o->kind, kinds, ORG_KINDS_MAX);
  if (!nk || !web_may(c, POLICY_ORG_EDIT, c->org_id)) return;
  Buf *b = &c->resp->body;
  const char *kind = again ? web_form(c, "kind") : "";
  html_raw(b, "<section class=\"card\"><h2>Ny underorganisasjon</h2>");
  html_printf(b, "<form class=\"stack\" method=\"post\" action=\"/org/%lld/underorganisasjoner\">",
              (long long)c->org_id);
  web_csrf_field(c);
  html_raw(b, "<div><label for=\"no-kind\">Type</label><select id=\"no-kind\" name=\"kind\" required>");
  for (size_t i = 0; i < nk; i++)
    html_printf(b, "<option value=\"%s\"%s>%s</option>", kinds[i], !strcmp(kind, kinds[i]) ? " selected" : "",
                web_kind_label(kinds[i]));
  int numbered = 0;   /* municipalities and counties have a number */
  for (size_t i = 0; i < nk; i++) numbered |= !strcmp(kinds[i], "municipality") || !strcmp(kinds[i], "county");
  html_printf(b, "</select></div>"
                 "<div><label for=\"no-name\">Navn</label><input type=\"text\" id=\"no-name\" name=\"name\" "
                 "required maxlength=\"200\" value=\"%s\"></div>", again ? web_form(c, "name") : "");
  if (numbered)
    html_printf(b, "<div><label for=\"no-nr\">Kommunenummer <span class=\"hint\">(fire sifre; fylkesnummer: to; "
                   "tomt for andre)</span></label><input type=\"text\" id=\"no-nr\" name=\"number\" "
                   "inputmode=\"numeric\" maxlength=\"4\" value=\"%s\"></div>", again ? web_form(c, "number") : "");
  html_printf(b, "<div><label for=\"no-orgnr\">Organisasjonsnummer <span class=\"hint\">(ni sifre, "
                 "valgfritt)</span></label><input type=\"text\" id=\"no-orgnr\" name=\"orgnr\" "
                 "inputmode=\"numeric\" maxlength=\"9\" value=\"%s\"></div>"
                 "<div><label for=\"no-pop\">Innbyggere <span class=\"hint\">(valgfritt)</span></label>"
                 "<input type=\"text\" id=\"no-pop\" name=\"population\" inputmode=\"numeric\" "
                 "value=\"%s\"></div>",
              again ? web_form(c, "orgnr") : "", again ? web_form(c, "population") : "");
  html_raw(b, "<div><button type=\"submit\">Opprett</button></div></form></section>");
}

/* 1 if org id lies under anc in the visible tree (or is anc). */
static int under(const WebOrg *v, size_t n, int64_t anc, int64_t id) {
  for (int depth = 0; id && depth <= 64; depth++) {
    if (id == anc) return 1;
    int64_t up = 0;
    for (size_t i = 0; i < n; i++)
      if (v[i].id == id) up = v[i].parent_id;
    id = up;
  }
  return 0;
}

/* For whoever may edit it: moving it under another organisation they
 * administer, of a kind that may hold it, not under itself. */
static void move_form(WebCtx *c, const WebOrg *o) {
  WebOrg *v = NULL;
  size_t n = 0, shown = 0;
  Err e = {0};
  if (!web_may(c, POLICY_ORG_EDIT, c->org_id) || web_orgs_visible(c, &v, &n, &e)) return;
  Buf *b = &c->resp->body;
  for (size_t i = 0; i < n; i++) {
    if (v[i].id == o->parent_id || !web_kind_fits(o->kind, v[i].kind) || under(v, n, o->id, v[i].id) ||
        !web_may(c, POLICY_ORG_EDIT, v[i].id))
      continue;
    if (!shown++) {
      html_printf(b, "<section class=\"card\"><h2>Flytt %s</h2>", o->name);
      html_printf(b, "<form class=\"stack\" method=\"post\" action=\"/org/%lld/flytt\">", (long long)c->org_id);
      web_csrf_field(c);
      html_raw(b, "<div><label for=\"mv-parent\">Ny overordnet</label><select id=\"mv-parent\" name=\"parent\" "
                  "required><option value=\"\">Velg …</option>");
    }
    html_printf(b, "<option value=\"%lld\">%s (%s)</option>", (long long)v[i].id, v[i].name,
                web_kind_label(v[i].kind));
  }
  if (shown)
    html_raw(b, "</select></div><p class=\"hint\">Data, brukere og underorganisasjoner følger med. Nye overordnede ser "
                "det delingsnivået organisasjonen har valgt.</p><div><button type=\"submit\">Flytt</button></div>"
                "</form></section>");
}

/* error: a failed form's message, shown at the top; child: it was the new
 * organisation form (whose values are kept). */
static void render_org(WebCtx *c, int status, const char *error, int child) {
  WebOrg o;
  Err e = {0};
  if (web_org_get(c, c->org_id, &o, &e)) {
    web_error_err(c, &e);
    return;
  }
  buf_reset(&c->resp->body);
  c->resp->status = status;
  web_page_begin(c, o.name);
  org_header(c, &o);
  if (error) html_printf(&c->resp->body, "<p class=\"error\" role=\"alert\">%s</p>", error);
  size_t n;
  const WebSection *s = web_sections(&n);
  for (size_t i = 0; i < n; i++)
    if (s[i].action == WEB_NO_ACTION || web_may(c, s[i].action, c->org_id)) s[i].render(c);
  child_form(c, &o, error && child);
  move_form(c, &o);
  web_page_end(c);
}

static void get_org(WebCtx *c) { render_org(c, 200, NULL, 0); }

static void post_child(WebCtx *c) {
  int64_t id = 0;
  Err e = {0};
  int rc = web_org_create(c, c->org_id, web_form(c, "kind"), web_form(c, "name"), web_form(c, "number"),
                          web_form(c, "orgnr"), web_form(c, "population"), &id, &e);
  if (rc == VERR_INVALID || rc == VERR_CONFLICT) render_org(c, rc == VERR_INVALID ? 400 : 409, e.msg, 1);
  else if (rc) web_error_err(c, &e);
  else http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld", (long long)id));
}

static void post_move(WebCtx *c) {
  Err e = {0};
  char *end = NULL;
  const char *s = web_form(c, "parent");
  long long parent = strtoll(s, &end, 10);
  if (!*s || *end || parent <= 0) {
    render_org(c, 400, "Velg den nye overordnede organisasjonen.", 0);
    return;
  }
  int rc = web_org_move(c, c->org_id, parent, &e);
  if (rc == VERR_INVALID || rc == VERR_DENIED) render_org(c, rc == VERR_INVALID ? 400 : 403, e.msg, 0);
  else if (rc) web_error_err(c, &e);
  else http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld", (long long)c->org_id));
}

/* --- the tree ---------------------------------------------------------- */

typedef struct Tree {
  WebOrg *orgs;
  size_t n;
} Tree;

static int visible_parent(const Tree *t, int64_t parent) {
  for (size_t i = 0; i < t->n; i++)
    if (t->orgs[i].id == parent) return 1;
  return 0;
}

static void tree_level(WebCtx *c, const Tree *t, int64_t parent, int depth) {
  Buf *b = &c->resp->body;
  int opened = 0;
  for (size_t i = 0; i < t->n; i++) {
    const WebOrg *o = &t->orgs[i];
    int root = depth == 0 && (!o->parent_id || !visible_parent(t, o->parent_id));
    if (depth ? o->parent_id != parent : !root) continue;
    if (!opened++) {
      if (depth) html_raw(b, "<ul>");
      else html_raw(b, "<ul class=\"tree\">");
    }
    html_printf(b, "<li><a href=\"/org/%lld\">%s</a><span class=\"kind\">%s", (long long)o->id,
                o->name, web_kind_label(o->kind));
    if (o->number && o->number[0]) html_printf(b, " %s", o->number);
    html_raw(b, "</span>");
    if (depth < 8) tree_level(c, t, o->id, depth + 1);
    html_raw(b, "</li>");
  }
  if (opened) html_raw(b, "</ul>");
}

static void get_tree(WebCtx *c) {
  Tree t = {NULL, 0};
  Err e = {0};
  if (web_orgs_visible(c, &t.orgs, &t.n, &e)) {
    web_error_err(c, &e);
    return;
  }
  web_page_begin(c, "Organisasjoner");
  html_printf(&c->resp->body, "<h1>Organisasjoner</h1><p class=\"muted\">%zu organisasjoner "
                              "du kan se.</p><div class=\"card\">", t.n);
  tree_level(c, &t, 0, 0);
  html_raw(&c->resp->body, "</div>");
  web_page_end(c);
}

static void post_switch(WebCtx *c) {
  int64_t org = strtoll(web_form(c, "org"), NULL, 10);
  if (org <= 0 || !web_may(c, POLICY_ORG_VIEW, org)) {
    web_error(c, 404, "Fant ikke organisasjonen.");
    return;
  }
  Err e = {0};
  if (c->p.session_id && auth_session_set_org(c->db, c->p.session_id, org, &e)) {
    web_error_err(c, &e);
    return;
  }
  const char *to = arena_printf(c->a, "/org/%lld", (long long)org);
  http_resp_redirect(c->resp, to ? to : "/");
}

/* --- dashboard sections of the foundation ------------------------------ */

static void section_children(WebCtx *c) {
  WebOrg *v = NULL;
  size_t n = 0;
  Err e = {0};
  if (web_orgs_visible(c, &v, &n, &e)) return;
  Buf *b = &c->resp->body;
  int shown = 0;
  for (size_t i = 0; i < n; i++) {
    if (v[i].parent_id != c->org_id) continue;
    if (!shown++) html_raw(b, "<section class=\"card\"><h2>Underordnede organisasjoner</h2><ul>");
    html_printf(b, "<li><a href=\"/org/%lld\">%s</a> <span class=\"kind\">%s · deler: %s</span></li>",
                (long long)v[i].id, v[i].name, web_kind_label(v[i].kind),
                web_sharing_label(v[i].sharing));
  }
  if (shown) html_raw(b, "</ul></section>");
}

typedef struct Recent {
  WebCtx *c;
  int n;
} Recent;

static int recent_row(const AuditEntry *en, void *ctx) {
  Recent *r = ctx;
  html_printf(&r->c->resp->body, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>",
              web_time(r->c, en->at), en->username, en->action);
  r->n++;
  return 0;
}

static void section_recent(WebCtx *c) {
  Buf *b = &c->resp->body;
  html_raw(b, "<section class=\"card\"><h2>Siste hendelser i revisjonsloggen</h2>"
              "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Tid</th>"
              "<th scope=\"col\">Bruker</th><th scope=\"col\">Hendelse</th></tr></thead><tbody>");
  AuditFilter f = {.org_id = c->org_id, .limit = 5};
  Recent r = {c, 0};
  Err e = {0};
  audit_list(c->db, &f, recent_row, &r, &e);
  if (!r.n) html_raw(b, "<tr><td colspan=\"3\">Ingen hendelser ennå.</td></tr>");
  html_printf(b, "</tbody></table></div><p><a href=\"/org/%lld/revisjon\">Hele revisjonsloggen</a>"
                 "</p></section>", (long long)c->org_id);
}

void web_init_sections(void) {
  static const WebSection s[] = {
      {"Underordnede organisasjoner", section_children, POLICY_ORG_VIEW, 10},
      {"Siste hendelser", section_recent, POLICY_AUDIT_READ, 90},
  };
  for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) web_register_section(&s[i]);
}

const WebRoute web_routes_pages[] = {
    {"GET", "/org/{org}", get_org, POLICY_ORG_VIEW, 0},
    {"POST", "/org/{org}/underorganisasjoner", post_child, POLICY_ORG_EDIT, WEB_CSRF},
    {"POST", "/org/{org}/flytt", post_move, POLICY_ORG_EDIT, WEB_CSRF},
    {"GET", "/organisasjoner", get_tree, WEB_NO_ACTION, 0},
    {"POST", "/bytt-org", post_switch, WEB_NO_ACTION, WEB_SELF | WEB_CSRF},
    {NULL, NULL, NULL, 0, 0},
};
