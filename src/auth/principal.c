/* principal.c — role names and small helpers around the Principal struct
 * (the acting user or sensor handed to policy and audit). */
#include <stdio.h>
#include <string.h>

#include "auth/principal.h"
#include "core/err.h"

static const char *const role_names[] = {"none", "viewer", "editor", "admin", "auditor"};

const char *auth_role_name(AuthRole r) {
  if (r < AUTH_ROLE_NONE || r > AUTH_ROLE_LAST) return "none";
  return role_names[r];
}

int auth_role_parse(const char *s, AuthRole *out) {
  for (int r = AUTH_ROLE_VIEWER; r <= AUTH_ROLE_LAST; r++)
    if (s && !strcmp(s, role_names[r])) {
      *out = (AuthRole)r;
      return 0;
    }
  return VERR_INVALID;
}

void auth_principal_cli(Principal *p) {
  memset(p, 0, sizeof *p);
  p->via = AUTH_VIA_CLI;
  strcpy(p->username, "cli");
  strcpy(p->display_name, "kommandolinje");
}

void auth_principal_sensor(Principal *p, int64_t sensor_id, int64_t org_id, const char *addr) {
  memset(p, 0, sizeof *p);
  p->via = AUTH_VIA_SENSOR;
  p->sensor_id = sensor_id;
  p->sensor_org = org_id;
  snprintf(p->username, sizeof p->username, "sensor-%lld", (long long)sensor_id);
  snprintf(p->display_name, sizeof p->display_name, "sensor %lld", (long long)sensor_id);
  snprintf(p->remote_addr, sizeof p->remote_addr, "%s", addr ? addr : "");
}

int auth_principal_ok(const Principal *p) {
  if (!p) return 0;
  if (p->via == AUTH_VIA_CLI) return 1;
  return p->user_id > 0 && p->stage == AUTH_STAGE_FULL;
}
