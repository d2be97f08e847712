/* dispatch.c — turns the raw parts of a request into an HttpReq the
 * handlers can trust (decoded path, parsed query/form/cookies), or a 400. */
#include "http/http.h"

#include <string.h>

static void bad_request(HttpResp *resp, const char *why) {
  resp->status = 400;
  resp->content_type = "text/plain; charset=utf-8";
  buf_reset(&resp->body);
  buf_puts(&resp->body, "400 Ugyldig forespørsel: ");
  buf_puts(&resp->body, why);
  buf_putc(&resp->body, '\n');
}

/* Fills path and query from raw_uri. -1 with a message when malformed. */
static int split_uri(HttpReq *req, const char **why) {
  const char *u = req->raw_uri ? req->raw_uri : "";
  if (u[0] != '/') {
    *why = "adressen må begynne med /";
    return -1;
  }
  const char *q = strchr(u, '?');
  size_t plen = q ? (size_t)(q - u) : strlen(u);
  req->path = http_url_decode(req->arena, u, plen, 0);
  if (!req->path) {
    *why = "ugyldig prosentkoding i adressen";
    return -1;
  }
  if (q && http_parse_form(req->arena, q + 1, strlen(q + 1), &req->query)) {
    *why = "ugyldig spørrestreng";
    return -1;
  }
  return 0;
}

void http_dispatch(const HttpConfig *cfg, HttpReq *req, HttpResp *resp) {
  const char *why = NULL;
  if (split_uri(req, &why)) {
    bad_request(resp, why);
    return;
  }
  if (http_parse_cookies(req->arena, req->cookie_header, &req->cookies)) {
    bad_request(resp, "ugyldige informasjonskapsler");
    return;
  }
  if (req->body_len && http_content_type_is(req->content_type,
                                            "application/x-www-form-urlencoded")) {
    if (http_parse_form(req->arena, req->body, req->body_len, &req->form)) {
      bad_request(resp, "ugyldig skjemadata");
      return;
    }
  } else if (req->body_len && http_content_type_is(req->content_type, "multipart/form-data")) {
    if (http_parse_multipart(req->arena, req->content_type, req->body, req->body_len, &req->form, &req->files)) {
      bad_request(resp, "ugyldig skjemadata");
      return;
    }
  }
  cfg->handler(cfg->app, req, resp);
}
