/* layout.c — the page frame every HTML page shares: head, top bar with the
 * registered navigation, organisation switcher, user menu, error pages. */
#include "web/web_int.h"

#include <stdio.h>
#include <string.h>

#include "html/html.h"
#include "policy/policy.h"

static void head(Buf *b, const char *title) {
  html_raw(b, "<!doctype html>\n<html lang=\"nb\"><head><meta charset=\"utf-8\">"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
  html_printf(b, "<title>%s – Varde</title>", title);
  html_raw(b, "<link rel=\"stylesheet\" href=\"/static/varde.css\"></head>\n<body>"
              "<a class=\"skip\" href=\"#innhold\">Hopp til innholdet</a>\n");
}

static void nav(WebCtx *c, int64_t org) {
  Buf *b = &c->resp->body;
  size_t n;
  const WebNav *v = web_navs(&n);
  html_raw(b, "<nav class=\"main\" aria-label=\"Hovedmeny\"><ul>");
  for (size_t i = 0; i < n; i++) {
    int needs_org = strstr(v[i].path, "{org}") != NULL;
    if (needs_org && !org) continue;
    if (v[i].action != WEB_NO_ACTION && !web_may(c, v[i].action, org)) continue;
    const char *href = v[i].path;
    const char *at = strstr(href, "{org}");
    if (at)
      href = arena_printf(c->a, "%.*s%lld%s", (int)(at - href), href, (long long)org, at + 5);
    if (!href) continue;
    int cur = !strcmp(href, c->req->path);
    html_printf(b, "<li><a href=\"%s\"", href);
    if (cur) html_raw(b, " aria-current=\"page\"");
    html_printf(b, ">%s</a></li>", v[i].label);
  }
  html_raw(b, "</ul></nav>");
}

static void switcher(WebCtx *c, int64_t current) {
  Buf *b = &c->resp->body;
  WebOrg *v = NULL;
  size_t n = 0;
  Err e = {0};
  if (web_orgs_visible(c, &v, &n, &e) || n == 0) return;
  html_raw(b, "<form class=\"switcher\" method=\"post\" action=\"/bytt-org\">");
  web_csrf_field(c);
  html_raw(b, "<label for=\"org-switch\">Organisasjon</label><select id=\"org-switch\" name=\"org\">");
  for (size_t i = 0; i < n && i < 1000; i++) {
    static const char *const indent[] = {"", "· ", "· · ", "· · · "};
    html_printf(b, "<option value=\"%lld\"%s>%s%s</option>", (long long)v[i].id,
                v[i].id == current ? " selected" : "", indent[v[i].depth < 3 ? v[i].depth : 3],
                v[i].name);
  }
  html_raw(b, "</select><button type=\"submit\">Bytt</button></form>");
}

static void user_menu(WebCtx *c) {
  Buf *b = &c->resp->body;
  const char *name = c->p.display_name[0] ? c->p.display_name : c->p.username;
  html_printf(b, "<a href=\"/profil\">%s</a>", name);
  html_raw(b, "<form method=\"post\" action=\"/logg-ut\">");
  web_csrf_field(c);
  html_raw(b, "<button type=\"submit\">Logg ut</button></form>");
}

void web_page_begin(WebCtx *c, const char *title) {
  Buf *b = &c->resp->body;
  c->resp->content_type = "text/html; charset=utf-8";
  head(b, title);
  html_raw(b, "<header class=\"top\"><div class=\"bar\"><a class=\"brand\" href=\"/\">Varde</a>");
  if (c->p.user_id && c->p.stage == AUTH_STAGE_FULL && c->db) {
    /* The page's own organisation (already allowed by the prologue) frames
     * the navigation; elsewhere the switcher's choice does. */
    int64_t org = c->org_id ? c->org_id : web_current_org(c);
    nav(c, org);
    html_raw(b, "<div class=\"who\">");
    switcher(c, org);
    user_menu(c);
    html_raw(b, "</div>");
  } else if (c->p.user_id) {
    html_raw(b, "<div class=\"who\">");
    user_menu(c);
    html_raw(b, "</div>");
  }
  html_raw(b, "</div></header>\n<main id=\"innhold\">");
}

void web_page_end(WebCtx *c) {
  html_printf(&c->resp->body,
              "</main>\n<footer class=\"bottom\">Varde %s – informasjonssikkerhet for "
              "kommunesektoren</footer>\n</body></html>\n", VARDE_VERSION);
}

static const char *status_title(int status) {
  switch (status) {
  case 400: return "Ugyldig forespørsel";
  case 401: return "Ikke innlogget";
  case 403: return "Ingen tilgang";
  case 404: return "Fant ikke siden";
  case 405: return "Metoden er ikke tillatt";
  case 409: return "Konflikt";
  case 413: return "For stor forespørsel";
  case 429: return "For mange forsøk";
  default: return "Noe gikk galt";
  }
}

void web_error(WebCtx *c, int status, const char *message) {
  HttpResp *r = c->resp;
  buf_reset(&r->body);
  r->status = status;
  if (c->route && (c->route->flags & WEB_API)) {
    web_api_error(c, status, message);
    return;
  }
  web_page_begin(c, status_title(status));
  html_printf(&r->body, "<h1>%s</h1><p class=\"error\" role=\"alert\">%s</p>", status_title(status),
              message);
  html_raw(&r->body, "<p><a href=\"/\">Til forsiden</a></p>");
  web_page_end(c);
}

void web_error_err(WebCtx *c, const Err *e) {
  switch (e->code) {
  case VERR_NOTFOUND: web_error(c, 404, "Fant ikke det du ba om."); return;
  case VERR_DENIED: web_error(c, 403, e->msg[0] ? e->msg : "Du har ikke tilgang til dette."); return;
  case VERR_INVALID: web_error(c, 400, e->msg[0] ? e->msg : "Ugyldige opplysninger."); return;
  case VERR_CONFLICT: web_error(c, 409, e->msg[0] ? e->msg : "Konflikt med lagrede data."); return;
  case VERR_TOOBIG: web_error(c, 413, "For mye data."); return;
  case VERR_BUSY:
    web_error(c, 503, "Databasen er opptatt akkurat nå. Ingenting ble lagret; prøv igjen.");
    return;
  default:
    fprintf(stderr, "varde serve: intern feil: %s\n", e->msg[0] ? e->msg : "(uten melding)");
    web_error(c, 500, "Det oppstod en intern feil. Ingenting ble lagret; prøv igjen senere.");
  }
}

void web_csrf_field(WebCtx *c) {
  if (c->csrf[0])
    html_printf(&c->resp->body, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", c->csrf);
}

const char *web_form(WebCtx *c, const char *name) {
  const char *v = http_param(&c->req->form, name);
  return v ? v : "";
}

const char *web_query(WebCtx *c, const char *name) { return http_param(&c->req->query, name); }

void web_set_session_cookie(WebCtx *c, const char *value) {
  const char *v = arena_printf(c->a, "%s=%s; %s%s", AUTH_SESSION_COOKIE, value,
                               AUTH_SESSION_COOKIE_ATTRS, c->req->tls ? "; Secure" : "");
  if (v) http_resp_header(c->resp, "Set-Cookie", v);
}

void web_clear_session_cookie(WebCtx *c) {
  const char *v = arena_printf(c->a, "%s=; %s; Max-Age=0%s", AUTH_SESSION_COOKIE,
                               AUTH_SESSION_COOKIE_ATTRS, c->req->tls ? "; Secure" : "");
  if (v) http_resp_header(c->resp, "Set-Cookie", v);
}
