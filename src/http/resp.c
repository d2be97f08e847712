/* resp.c — response building: status, extra headers, redirects, and the
 * security headers that every response carries whatever the handler did. */
#include "http/http.h"

#include <string.h>

void http_resp_init(HttpResp *r) {
  memset(r, 0, sizeof *r);
  r->status = 200;
  r->content_type = "text/html; charset=utf-8";
  buf_init(&r->body, (size_t)32 << 20);
}

void http_resp_free(HttpResp *r) { buf_free(&r->body); }

int http_resp_header(HttpResp *r, const char *name, const char *value) {
  if (r->nheaders >= HTTP_MAX_HEADERS) return -1;
  r->headers[r->nheaders].name = name;
  r->headers[r->nheaders].value = value;
  r->nheaders++;
  return 0;
}

void http_resp_redirect(HttpResp *r, const char *location) {
  r->status = 303;
  buf_reset(&r->body);
  http_resp_header(r, "Location", location ? location : "/");
}

void http_security_headers(int tls, HttpHeaderSink sink, void *ctx) {
  sink(ctx, "Content-Security-Policy",
       "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
  sink(ctx, "X-Content-Type-Options", "nosniff");
  sink(ctx, "Referrer-Policy", "same-origin");
  sink(ctx, "X-Frame-Options", "DENY");
  if (tls) sink(ctx, "Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}

const char *http_status_text(int status) {
  switch (status) {
  case 200: return "OK";
  case 201: return "Created";
  case 204: return "No Content";
  case 303: return "See Other";
  case 304: return "Not Modified";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 409: return "Conflict";
  case 413: return "Content Too Large";
  case 415: return "Unsupported Media Type";
  case 429: return "Too Many Requests";
  case 500: return "Internal Server Error";
  case 503: return "Service Unavailable";
  default: return "Unknown";
  }
}
