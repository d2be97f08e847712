/* principal.c — role names and small helpers around the Principal struct
 * (the acting user handed to policy and audit). */
#include <string.h>

#include "auth/principal.h"
#include "core/err.h"

static const char *const role_names[] = {"none", "viewer", "editor", "admin"};

const char *auth_role_name(AuthRole r) {
  if (r < AUTH_ROLE_NONE || r > AUTH_ROLE_ADMIN) return "none";
  return role_names[r];
}

int auth_role_parse(const char *s, AuthRole *out) {
  for (int r = AUTH_ROLE_VIEWER; r <= AUTH_ROLE_ADMIN; r++)
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

int auth_principal_ok(const Principal *p) {
  if (!p) return 0;
  if (p->via == AUTH_VIA_CLI) return 1;
  return p->user_id > 0 && p->stage == AUTH_STAGE_FULL;
}
