/* init.c — registers the foundation's routes, navigation entries and
 * dashboard sections; capability modules add theirs the same way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "web/web_int.h"

#define WEB_MODULE(fn) void fn(void);
#include "web/modules.def"
#undef WEB_MODULE

/* A route with {org} must name a policy action; one without must not. A
 * sensor route is a non-public API route without {org} that names
 * sensor_act (its target is the sensor's organisation), and no other route
 * may name sensor_act. */
static int route_ok(const WebRoute *r) {
  int has_org = strstr(r->pattern, "{org}") != NULL;
  if (r->flags & WEB_SENSOR)
    return !has_org && (r->flags & WEB_API) && !(r->flags & WEB_PUBLIC) && r->action == POLICY_SENSOR_ACT;
  if (r->action == POLICY_SENSOR_ACT) return 0;
  if (!strcmp(r->method, "POST") && !(r->flags & (WEB_PUBLIC | WEB_API | WEB_CSRF))) return 0;
  return has_org ? r->action != WEB_NO_ACTION : r->action == WEB_NO_ACTION;
}

/* Checked at start-up so a forgotten action cannot reach production. */
static void check_route(const WebRoute *r, void *ctx) {
  if (!route_ok(r)) {
    fprintf(stderr, "varde: feil i rutetabellen: %s %s\n", r->method, r->pattern);
    abort();
  }
}

void web_init(void) {
  static int done;
  if (done) return;
  done = 1;
  web_register_routes(web_routes_auth);
  web_register_routes(web_routes_pages);
  web_register_routes(web_routes_profile);
  web_register_routes(web_routes_mfa);
  web_register_routes(web_routes_admin);
  web_register_routes(api_routes_v1);
  static const WebNav navs[] = {
      {"Oversikt", "/org/{org}", POLICY_ORG_VIEW, 10},
      {"Organisasjoner", "/organisasjoner", WEB_NO_ACTION, 20},
      {"Brukere", "/org/{org}/brukere", POLICY_MEMBERS_MANAGE, 30},
      {"Revisjonslogg", "/org/{org}/revisjon", POLICY_AUDIT_READ, 40},
      {"Deling", "/org/{org}/deling", POLICY_SHARING_SET, 50},
      {"Profil", "/profil", WEB_NO_ACTION, 90},
  };
  for (size_t i = 0; i < sizeof navs / sizeof navs[0]; i++) web_register_nav(&navs[i]);
  web_init_sections();
#define WEB_MODULE(fn) fn();
#include "web/modules.def"
#undef WEB_MODULE
  web_route_each(check_route, NULL);
}
