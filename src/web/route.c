/* route.c — the route registry (with the sensor credential hook) and path
 * matching. Routes are data: registered once at start-up, read-only while serving. */
#include "web/web_int.h"

#include <stdlib.h>
#include <string.h>

#define MAX_TABLES 32
#define MAX_NAV 32
#define MAX_SECTIONS 32

static const WebRoute *tables[MAX_TABLES];
static size_t ntables;
static WebNav navs[MAX_NAV];
static size_t nnav;
static WebSection sections[MAX_SECTIONS];
static size_t nsections;
static WebSensorAuth sensor_auth;

int web_register_routes(const WebRoute *routes) {
  if (ntables >= MAX_TABLES) return -1;
  tables[ntables++] = routes;
  return 0;
}

static int by_order_nav(const void *x, const void *y) {
  return ((const WebNav *)x)->order - ((const WebNav *)y)->order;
}

static int by_order_section(const void *x, const void *y) {
  return ((const WebSection *)x)->order - ((const WebSection *)y)->order;
}

int web_register_nav(const WebNav *n) {
  if (nnav >= MAX_NAV) return -1;
  navs[nnav++] = *n;
  qsort(navs, nnav, sizeof navs[0], by_order_nav);
  return 0;
}

int web_register_section(const WebSection *s) {
  if (nsections >= MAX_SECTIONS) return -1;
  sections[nsections++] = *s;
  qsort(sections, nsections, sizeof sections[0], by_order_section);
  return 0;
}

void web_register_sensor_auth(WebSensorAuth fn) { sensor_auth = fn; }

WebSensorAuth web_sensor_auth(void) { return sensor_auth; }

const WebNav *web_navs(size_t *n) {
  *n = nnav;
  return navs;
}

const WebSection *web_sections(size_t *n) {
  *n = nsections;
  return sections;
}

/* A positive decimal id of at most 18 digits in [s, s+n). */
static int parse_id(const char *s, size_t n, int64_t *out) {
  if (n == 0 || n > 18 || s[0] == '0') return -1;
  int64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

/* Matches path against pattern segment by segment, filling captures. */
static int match(const char *pattern, const char *path, WebCtx *c) {
  const char *p = pattern, *u = path;
  c->org_id = 0;
  c->nargs = 0;
  while (*p && *u) {
    if (*p != '/' || *u != '/') return 0;
    p++, u++;
    size_t pl = strcspn(p, "/"), ul = strcspn(u, "/");
    if (pl == 5 && !memcmp(p, "{org}", 5)) {
      if (parse_id(u, ul, &c->org_id)) return 0;
    } else if (pl == 4 && !memcmp(p, "{id}", 4)) {
      if (c->nargs >= WEB_MAX_ARGS || parse_id(u, ul, &c->args[c->nargs])) return 0;
      c->nargs++;
    } else if (pl != ul || memcmp(p, u, pl)) {
      return 0;
    }
    p += pl, u += ul;
  }
  return *p == '\0' && *u == '\0';
}

/* Finds the route for method+path. *method_mismatch is non-zero when the
 * path exists but not for this method (405): bit 1 GET exists, bit 2 POST.
 * HEAD is served as GET. */
const WebRoute *web_route_find(WebCtx *c, const char *method, const char *path,
                               int *method_mismatch) {
  *method_mismatch = 0;
  if (!strcmp(method, "HEAD")) method = "GET";
  for (size_t t = 0; t < ntables; t++) {
    for (const WebRoute *r = tables[t]; r->method; r++) {
      if (!match(r->pattern, path, c)) continue;
      if (!strcmp(r->method, method)) return r;
      *method_mismatch |= !strcmp(r->method, "GET") ? 1 : 2;  /* which ones exist */
    }
  }
  return NULL;
}

/* Every registered route, for the generated test matrix (GET /api/v1/routes
 * is not exposed; `varde serve --routes` prints them). */
void web_route_each(void (*fn)(const WebRoute *r, void *ctx), void *ctx) {
  for (size_t t = 0; t < ntables; t++)
    for (const WebRoute *r = tables[t]; r->method; r++) fn(r, ctx);
}
