/* http.h — Varde's HTTP layer: the request/response types every handler sees,
 * the parsers for outside input (query, form, cookie) and the server on MHD. */
#ifndef VARDE_HTTP_H
#define VARDE_HTTP_H
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"

/* Limits on what a client may send. Bodies above max_body answer 413; MHD's
 * per-connection memory bounds the request line and headers (431/414). */
#define HTTP_MAX_BODY ((size_t)1 << 20)
#define HTTP_MAX_PARAMS 256
#define HTTP_MAX_COOKIES 64
#define HTTP_MAX_HEADERS 16

typedef struct HttpParam {
  const char *name;   /* NUL-terminated, decoded */
  const char *value;  /* NUL-terminated, decoded (may contain no NUL: rejected) */
} HttpParam;

typedef struct HttpParams {
  HttpParam *v;
  size_t n;
} HttpParams;

/* One file of a multipart/form-data body (data is NUL-terminated too). */
typedef struct HttpFile {
  const char *field, *filename, *content_type;  /* content_type may be NULL */
  const char *data;
  size_t len;
} HttpFile;

typedef struct HttpFiles {
  HttpFile *v;
  size_t n;
} HttpFiles;

typedef struct HttpReq {
  Arena *arena;            /* freed when the response has been sent */
  const char *method;      /* "GET", "POST", ... */
  const char *path;        /* URL path, percent-decoded, no query */
  HttpParams query;        /* from the URL */
  HttpParams form;         /* from an application/x-www-form-urlencoded body */
  HttpParams cookies;
  const char *content_type, *authorization, *origin, *user_agent, *host;
  const char *body;        /* raw body (NUL-terminated copy), body_len bytes */
  size_t body_len;
  const char *raw_uri;     /* as sent: path?query, undecoded */
  const char *cookie_header;
  char remote_addr[64];    /* textual peer address */
  int tls;                 /* 1 when served over TLS */
  HttpFiles files;         /* from a multipart/form-data body (its text fields go to form) */
} HttpReq;

typedef struct HttpHeader {
  const char *name, *value;  /* arena or static strings */
} HttpHeader;

typedef struct HttpResp {
  int status;
  const char *content_type;  /* default text/html; charset=utf-8 */
  Buf body;
  HttpHeader headers[HTTP_MAX_HEADERS];
  size_t nheaders;
} HttpResp;

/* Handler for one complete request; fills resp. Must not fail: on internal
 * errors it sets a 500 page itself. */
typedef void (*HttpHandler)(void *app, HttpReq *req, HttpResp *resp);

/* --- parsers (parse.c); all allocate from the arena, all bounded --- */

/* Decodes %XX and (when plus_space) '+'. Returns NULL for a malformed escape
 * or an encoded NUL byte. */
char *http_url_decode(Arena *a, const char *s, size_t n, int plus_space);
/* Parses "a=1&b=2" (query string or urlencoded form). 0, or -1 when
 * malformed or over HTTP_MAX_PARAMS. */
int http_parse_form(Arena *a, const char *s, size_t n, HttpParams *out);
/* Parses a Cookie header ("a=1; b=2"). Malformed pairs are skipped, as
 * browsers do; -1 only on allocation failure. */
int http_parse_cookies(Arena *a, const char *s, HttpParams *out);
/* First value named `name`, or NULL. */
const char *http_param(const HttpParams *p, const char *name);
/* Parses a multipart/form-data body (boundary from the content type ct):
 * text fields into form, file fields into files. 0, or -1 when malformed
 * or over HTTP_MAX_PARAMS parts. */
int http_parse_multipart(Arena *a, const char *ct, const char *body, size_t n, HttpParams *form, HttpFiles *files);
/* First file uploaded in field `field`, or NULL. */
const HttpFile *http_file(const HttpFiles *f, const char *field);
/* Is the (possibly parameterised) content type `ct` the media type `want`? */
int http_content_type_is(const char *ct, const char *want);

/* --- responses (resp.c) --- */
void http_resp_init(HttpResp *r);
void http_resp_free(HttpResp *r);
int http_resp_header(HttpResp *r, const char *name, const char *value);
void http_resp_redirect(HttpResp *r, const char *location);   /* 303 See Other */
/* Fixed security headers added to every response (CSP, nosniff, ...). */
typedef void (*HttpHeaderSink)(void *ctx, const char *name, const char *value);
void http_security_headers(int tls, HttpHeaderSink sink, void *ctx);
const char *http_status_text(int status);

/* --- server (server.c) --- */
typedef struct HttpConfig {
  const char *listen;       /* "127.0.0.1:8080", "[::1]:8443", ":0" */
  const char *tls_cert_pem; /* file contents, or NULL for plain HTTP */
  const char *tls_key_pem;
  unsigned threads;         /* worker threads; 0 = 4 */
  unsigned timeout_s;       /* idle connection timeout; 0 = 30 */
  size_t max_body;          /* 0 = HTTP_MAX_BODY */
  HttpHandler handler;
  void *app;
} HttpConfig;

typedef struct HttpServer HttpServer;

/* Starts listening; returns NULL and a message in err (size errlen) on
 * failure. *port_out gets the bound port (useful with port 0). */
HttpServer *http_start(const HttpConfig *cfg, unsigned *port_out, char *err, size_t errlen);
/* Stops accepting, waits up to grace_s seconds for in-flight requests to
 * finish, then closes everything and frees the server. */
void http_stop(HttpServer *s, unsigned grace_s);

/* Hands an already-connected stream socket to the server, which owns it
 * from then on (the request fuzz target feeds raw bytes over a socketpair).
 * 0, or -1 if the server refused it (fd closed either way). */
int http_add_connection(HttpServer *s, int fd);

/* Runs one collected request: decodes req->raw_uri into path and query,
 * parses cookie_header and (for urlencoded bodies) the form, then calls the
 * handler — or answers 400 itself when the request is malformed. The server
 * calls it for every request; the fuzz target and unit tests call it too. */
void http_dispatch(const HttpConfig *cfg, HttpReq *req, HttpResp *resp);

#endif
