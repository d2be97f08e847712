/* server.c — the HTTP server on libmicrohttpd: a worker thread pool, bounded
 * bodies and headers, timeouts, TLS via GnuTLS, and a graceful stop. */
#include "http/http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct HttpServer {
  struct MHD_Daemon *d;
  HttpConfig cfg;
  atomic_int inflight;
};

/* Per-request state, created by the URI callback before anything else. */
typedef struct ReqCtx {
  Arena *arena;
  Buf body;
  int too_big, started;
  HttpReq req;
} ReqCtx;

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c) {
  HttpServer *s = cls;
  ReqCtx *ctx = calloc(1, sizeof *ctx);
  if (!ctx) return NULL;
  ctx->arena = arena_new((size_t)16 << 20);
  if (!ctx->arena) {
    free(ctx);
    return NULL;
  }
  buf_init(&ctx->body, s->cfg.max_body);
  ctx->req.arena = ctx->arena;
  ctx->req.raw_uri = arena_strdup(ctx->arena, uri ? uri : "");
  atomic_fetch_add(&s->inflight, 1);
  return ctx;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe) {
  HttpServer *s = cls;
  ReqCtx *ctx = *con_cls;
  if (!ctx) return;
  buf_free(&ctx->body);
  arena_free(ctx->arena);
  free(ctx);
  *con_cls = NULL;
  atomic_fetch_sub(&s->inflight, 1);
}

static void add_header_sink(void *ctx, const char *name, const char *value) {
  MHD_add_response_header(ctx, name, value);
}

static enum MHD_Result send_resp(HttpServer *s, struct MHD_Connection *c, HttpResp *r) {
  size_t n = r->body.n;
  char *body = buf_take(&r->body);
  struct MHD_Response *mr =
      MHD_create_response_from_buffer(n, body, MHD_RESPMEM_MUST_FREE);
  if (!mr) {
    free(body);
    return MHD_NO;
  }
  int has_cache = 0;
  for (size_t i = 0; i < r->nheaders; i++) {
    MHD_add_response_header(mr, r->headers[i].name, r->headers[i].value);
    if (!strcasecmp(r->headers[i].name, "Cache-Control")) has_cache = 1;
  }
  if (!has_cache) MHD_add_response_header(mr, "Cache-Control", "no-store");
  MHD_add_response_header(mr, "Content-Type", r->content_type);
  http_security_headers(s->cfg.tls_cert_pem != NULL, add_header_sink, mr);
  enum MHD_Result ret = MHD_queue_response(c, (unsigned)r->status, mr);
  MHD_destroy_response(mr);
  return ret;
}

static enum MHD_Result send_simple(HttpServer *s, struct MHD_Connection *c, int status,
                                   const char *text) {
  HttpResp r;
  http_resp_init(&r);
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  buf_puts(&r.body, text);
  enum MHD_Result ret = send_resp(s, c, &r);
  http_resp_free(&r);
  return ret;
}

static const char *hdr(ReqCtx *ctx, struct MHD_Connection *c, const char *name) {
  const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
  return v ? arena_strdup(ctx->arena, v) : NULL;
}

/* Copies the headers handlers need and the peer address into ctx->req. */
static void collect(HttpServer *s, ReqCtx *ctx, struct MHD_Connection *c, const char *method) {
  HttpReq *q = &ctx->req;
  q->method = arena_strdup(ctx->arena, method);
  q->content_type = hdr(ctx, c, "Content-Type");
  q->authorization = hdr(ctx, c, "Authorization");
  q->origin = hdr(ctx, c, "Origin");
  q->user_agent = hdr(ctx, c, "User-Agent");
  q->host = hdr(ctx, c, "Host");
  q->cookie_header = hdr(ctx, c, "Cookie");
  q->tls = s->cfg.tls_cert_pem != NULL;
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  snprintf(q->remote_addr, sizeof q->remote_addr, "?");
  if (ci && ci->client_addr) {
    socklen_t len = ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                            : sizeof(struct sockaddr_in);
    getnameinfo(ci->client_addr, len, q->remote_addr, sizeof q->remote_addr, NULL, 0,
                NI_NUMERICHOST);
  }
}

static enum MHD_Result finish(HttpServer *s, ReqCtx *ctx, struct MHD_Connection *c) {
  if (ctx->too_big) return send_simple(s, c, 413, "413 Forespørselen er for stor.\n");
  if (ctx->body.err) return send_simple(s, c, 500, "500 Intern feil.\n");
  ctx->req.body = ctx->body.p ? ctx->body.p : "";
  ctx->req.body_len = ctx->body.n;
  HttpResp r;
  http_resp_init(&r);
  http_dispatch(&s->cfg, &ctx->req, &r);
  enum MHD_Result ret = send_resp(s, c, &r);
  http_resp_free(&r);
  return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **con_cls) {
  HttpServer *s = cls;
  ReqCtx *ctx = *con_cls;
  if (!ctx) return send_simple(s, c, 500, "500 Intern feil.\n");
  if (!ctx->started) {
    ctx->started = 1;
    collect(s, ctx, c, method);
    /* File uploads get the larger bound; nothing is allocated yet. */
    if (http_content_type_is(ctx->req.content_type, "multipart/form-data"))
      ctx->body.max = s->cfg.max_upload;
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (cl && strtoull(cl, NULL, 10) > ctx->body.max)
      return send_simple(s, c, 413, "413 Forespørselen er for stor.\n");
    return MHD_YES;
  }
  if (*upload_size) {
    if (!ctx->too_big && buf_append(&ctx->body, upload, *upload_size)) {
      if (ctx->body.err == BUF_ETOOBIG) ctx->too_big = 1;
    }
    *upload_size = 0;
    return MHD_YES;
  }
  return finish(s, ctx, c);
}

/* Splits "host:port" / "[v6]:port" / ":port" and resolves numerically. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, char *err, size_t errlen) {
  char host[128] = "", port[16] = "";
  const char *colon = strrchr(listen, ':');
  if (!colon || strlen(colon + 1) >= sizeof port || (size_t)(colon - listen) >= sizeof host) {
    snprintf(err, errlen, "ugyldig --listen «%s» (bruk VERT:PORT)", listen);
    return -1;
  }
  memcpy(host, listen, (size_t)(colon - listen));
  snprintf(port, sizeof port, "%s", colon + 1);
  char *h = host;
  if (h[0] == '[') {
    h++;
    h[strcspn(h, "]")] = '\0';
  }
  struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
                           .ai_socktype = SOCK_STREAM}, *res = NULL;
  int rc = getaddrinfo(*h ? h : NULL, port, &hints, &res);
  if (rc || !res) {
    snprintf(err, errlen, "ugyldig --listen «%s»: %s", listen, gai_strerror(rc));
    return -1;
  }
  memcpy(ss, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  return 0;
}

HttpServer *http_start(const HttpConfig *cfg, unsigned *port_out, char *err, size_t errlen) {
  struct sockaddr_storage ss = {0};
  if (parse_listen(cfg->listen, &ss, err, errlen)) return NULL;
  HttpServer *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->cfg = *cfg;
  if (!s->cfg.max_body) s->cfg.max_body = HTTP_MAX_BODY;
  if (!s->cfg.max_upload) s->cfg.max_upload = HTTP_MAX_UPLOAD;
  unsigned threads = cfg->threads ? cfg->threads : 4;
  unsigned timeout = cfg->timeout_s ? cfg->timeout_s : 30;
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC;
  if (ss.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
  if (cfg->tls_cert_pem) flags |= MHD_USE_TLS;
  struct MHD_OptionItem tls[] = {
      {cfg->tls_cert_pem ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)cfg->tls_cert_pem},
      {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key_pem},
      {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"},
      {MHD_OPTION_END, 0, NULL}};
  s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
                          MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                          MHD_OPTION_THREAD_POOL_SIZE, threads,
                          MHD_OPTION_CONNECTION_TIMEOUT, timeout,
                          MHD_OPTION_CONNECTION_LIMIT, 1000u,
                          MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
                          MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
                          MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
                          MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
  if (!s->d) {
    snprintf(err, errlen, "kunne ikke starte HTTP-tjeneren på %s (porten i bruk, eller ugyldig TLS-nøkkel/-sertifikat?)",
             cfg->listen);
    free(s);
    return NULL;
  }
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
  if (port_out) *port_out = di ? di->port : 0;
  return s;
}

void http_stop(HttpServer *s, unsigned grace_s) {
  if (!s) return;
  MHD_socket ls = MHD_quiesce_daemon(s->d);
  if (ls != MHD_INVALID_SOCKET) close(ls);
  struct timespec step = {0, 20 * 1000 * 1000};
  for (unsigned i = 0; i < grace_s * 50 && atomic_load(&s->inflight) > 0; i++)
    nanosleep(&step, NULL);
  MHD_stop_daemon(s->d);
  free(s);
}

int http_add_connection(HttpServer *s, int fd) {
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(1),
                           .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (MHD_add_connection(s->d, fd, (struct sockaddr *)&sa, sizeof sa) == MHD_YES) return 0;
  close(fd);
  return -1;
}
