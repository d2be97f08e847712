/* web_csv.c — CSV downloads of an assessment's answers and of the measure
 * plan (the store's export, in the Norwegian Excel dialect). */
#include "assess/aweb.h"
#include "html/html.h"
#include "policy/policy.h"
#include "web/web.h"

/* shared with later CSV downloads */
void assess_web_send_csv(WebCtx *c, Buf *out, const char *name) {
  c->resp->content_type = "text/csv; charset=utf-8";
  http_resp_header(c->resp, "Content-Disposition",
                   arena_printf(c->a, "attachment; filename=\"%s\"", name));
  buf_append(&c->resp->body, out->p ? out->p : "", out->n);
}

static void get_answers_csv(WebCtx *c) {
  Buf out;
  buf_init(&out, (size_t)16 << 20);
  Err e = {0};
  if (assess_csv_export_answers(c->db, &c->p, c->org_id, c->args[0], &out, &e)) web_error_err(c, &e);
  else assess_web_send_csv(c, &out, arena_printf(c->a, "vurdering-%lld-%lld.csv", (long long)c->org_id,
                                      (long long)c->args[0]));
  buf_free(&out);
}


static void get_measures_csv(WebCtx *c) {
  Buf out;
  buf_init(&out, (size_t)16 << 20);
  Err e = {0};
  if (assess_csv_export_measures(c->db, &c->p, c->org_id, &out, &e)) web_error_err(c, &e);
  else assess_web_send_csv(c, &out, arena_printf(c->a, "tiltak-%lld.csv", (long long)c->org_id));
  buf_free(&out);
}

static const WebRoute routes[] = {
    {"GET", "/org/{org}/vurdering/{id}/eksport.csv", get_answers_csv, POLICY_READ, 0},
    {"GET", "/org/{org}/tiltak/eksport.csv", get_measures_csv, POLICY_READ, 0},
    {NULL, NULL, NULL, 0, 0},
};

void assess_web_routes_csv(void) { web_register_routes(routes); }
