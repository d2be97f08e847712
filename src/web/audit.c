/* audit.c — the audit log page of an organisation (filters by user, action,
 * period; paging) and its CSV export. Reading is src/audit's job. */
#include "web/web_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "html/html.h"
#include "user/user.h"

#define PAGE_ROWS 100

/* "YYYY-MM-DD" (local time) -> Unix seconds at midnight; 0 when empty; -1 bad. */
static int64_t parse_day(const char *s) {
  if (!s || !s[0]) return 0;
  struct tm tm = {0};
  char *end = strptime(s, "%Y-%m-%d", &tm);
  if (!end || *end) return -1;
  tm.tm_isdst = -1;
  time_t t = mktime(&tm);
  return t == (time_t)-1 ? -1 : (int64_t)t;
}

/* Fills f from the query string. 0, or -1 with a message (400). */
static int read_filter(WebCtx *c, AuditFilter *f, const char **why) {
  memset(f, 0, sizeof *f);
  f->org_id = c->org_id;
  f->limit = PAGE_ROWS;
  const char *user = web_query(c, "bruker"), *act = web_query(c, "hendelse");
  if (act && act[0]) f->action_prefix = act;
  if (user && user[0]) {
    User u;
    Err e = {0};
    f->user_id = user_find(c->db, user, &u, &e) ? -1 : u.id;  /* -1 matches nothing */
  }
  f->since = parse_day(web_query(c, "fra"));
  int64_t until = parse_day(web_query(c, "til"));
  f->until = until > 0 ? until + 86400 : 0;
  const char *before = web_query(c, "foer");
  if (before) f->before_id = strtoll(before, NULL, 10);
  if (f->since < 0 || until < 0) {
    *why = "Datoene må skrives som ÅÅÅÅ-MM-DD.";
    return -1;
  }
  return 0;
}

typedef struct Rows {
  WebCtx *c;
  int n;
  int64_t last_id;
} Rows;

static int row(const AuditEntry *en, void *ctx) {
  Rows *r = ctx;
  html_printf(&r->c->resp->body,
              "<tr><td>%lld</td><td>%s</td><td>%s</td><td>%s</td><td>%s %s</td><td>%s</td>"
              "<td>%s</td></tr>", (long long)en->id, web_time(r->c, en->at), en->username,
              en->action, en->object_type, en->object_id, en->remote_addr, en->details);
  r->n++;
  r->last_id = en->id;
  return 0;
}

static void filter_form(WebCtx *c) {
  Buf *b = &c->resp->body;
  const char *u = web_query(c, "bruker"), *h = web_query(c, "hendelse");
  const char *fra = web_query(c, "fra"), *til = web_query(c, "til");
  html_printf(b, "<form class=\"inline card\" method=\"get\" action=\"/org/%lld/revisjon\">",
              (long long)c->org_id);
  html_printf(b, "<div><label for=\"f-user\">Bruker</label><input type=\"text\" id=\"f-user\" "
                 "name=\"bruker\" value=\"%s\"></div>", u ? u : "");
  html_printf(b, "<div><label for=\"f-act\">Hendelse <span class=\"hint\">(begynner med)</span>"
                 "</label><input type=\"text\" id=\"f-act\" name=\"hendelse\" value=\"%s\"></div>",
              h ? h : "");
  html_printf(b, "<div><label for=\"f-from\">Fra dato</label><input type=\"date\" id=\"f-from\" "
                 "name=\"fra\" value=\"%s\"></div>", fra ? fra : "");
  html_printf(b, "<div><label for=\"f-to\">Til dato</label><input type=\"date\" id=\"f-to\" "
                 "name=\"til\" value=\"%s\"></div>", til ? til : "");
  html_raw(b, "<button type=\"submit\">Filtrer</button></form>");
}

/* The current query string without paging, for the CSV link. */
static const char *filter_query(WebCtx *c) {
  Buf q;
  buf_init(&q, 4096);
  static const char *const keys[] = {"bruker", "hendelse", "fra", "til"};
  for (size_t i = 0; i < 4; i++) {
    const char *v = web_query(c, keys[i]);
    if (!v || !v[0]) continue;
    buf_puts(&q, q.n ? "&" : "?");
    buf_puts(&q, keys[i]);
    buf_putc(&q, '=');
    Buf enc;
    buf_init(&enc, 4096);
    html_urlenc(&enc, v);  /* percent-encoded only: safe in a URL, escaped again on output */
    buf_puts(&q, buf_cstr(&enc));
    buf_free(&enc);
  }
  const char *s = arena_strdup(c->a, buf_cstr(&q));
  buf_free(&q);
  return s ? s : "";
}

void web_audit_page(WebCtx *c) {
  AuditFilter f;
  const char *why = NULL;
  if (read_filter(c, &f, &why)) {
    web_error(c, 400, why);
    return;
  }
  Buf *b = &c->resp->body;
  web_page_begin(c, "Revisjonslogg");
  html_raw(b, "<h1>Revisjonslogg</h1>");
  filter_form(c);
  const char *q = filter_query(c);
  html_printf(b, "<p><a class=\"button\" href=\"/org/%lld/revisjon.csv%s\">Last ned som CSV</a></p>",
              (long long)c->org_id, q);
  html_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Nr.</th>"
              "<th scope=\"col\">Tid</th><th scope=\"col\">Bruker</th><th scope=\"col\">Hendelse</th>"
              "<th scope=\"col\">Objekt</th><th scope=\"col\">Adresse</th><th scope=\"col\">Detaljer"
              "</th></tr></thead><tbody>");
  Rows r = {c, 0, 0};
  Err e = {0};
  if (f.user_id >= 0) audit_list(c->db, &f, row, &r, &e);
  if (!r.n) html_raw(b, "<tr><td colspan=\"7\">Ingen hendelser passer filteret.</td></tr>");
  html_raw(b, "</tbody></table></div>");
  if (r.n == PAGE_ROWS)
    html_printf(b, "<p><a href=\"/org/%lld/revisjon%s%sfoer=%lld\">Eldre hendelser</a></p>",
                (long long)c->org_id, q, q[0] ? "&" : "?", (long long)r.last_id);
  web_page_end(c);
}

void web_audit_csv(WebCtx *c) {
  AuditFilter f;
  const char *why = NULL;
  if (read_filter(c, &f, &why)) {
    web_error(c, 400, why);
    return;
  }
  f.limit = 10000;
  Err e = {0};
  HttpResp *r = c->resp;
  r->content_type = "text/csv; charset=utf-8";
  const char *disp = arena_printf(c->a, "attachment; filename=\"revisjonslogg-%lld.csv\"",
                                  (long long)c->org_id);
  if (disp) http_resp_header(r, "Content-Disposition", disp);
  if (f.user_id < 0) f.user_id = INT64_MAX;  /* unknown user: header row only */
  if (audit_export_csv(c->db, &f, &r->body, &e)) web_error_err(c, &e);
}
