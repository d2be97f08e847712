/* principal.h — who is acting: the user or sensor context that session, token
 * and sensor lookups produce, which the one policy function (src/policy) and
 * audit_append consume. */
#ifndef VARDE_AUTH_PRINCIPAL_H
#define VARDE_AUTH_PRINCIPAL_H
#include <stdint.h>

/* Roles per organisation. Viewer, editor and admin are ordered: each may do
 * what the one before it may. The auditor stands outside that order: it
 * reads like a viewer and also reads the audit log, and is not "more" than
 * an admin although its value is higher. So never compare roles with < or >
 * to decide access (the policy table does that); a valid role lies in
 * AUTH_ROLE_VIEWER..AUTH_ROLE_LAST. */
typedef enum AuthRole {
  AUTH_ROLE_NONE = 0,
  AUTH_ROLE_VIEWER = 1,
  AUTH_ROLE_EDITOR = 2,
  AUTH_ROLE_ADMIN = 3,
  AUTH_ROLE_AUDITOR = 4,  /* control committee / audit: read-only, with history */
} AuthRole;
#define AUTH_ROLE_LAST AUTH_ROLE_AUDITOR

/* How the principal proved who it is. */
typedef enum AuthVia {
  AUTH_VIA_NONE = 0,     /* anonymous */
  AUTH_VIA_SESSION = 1,  /* browser session cookie */
  AUTH_VIA_TOKEN = 2,    /* API bearer token */
  AUTH_VIA_CLI = 3,      /* local command line (root on the machine) */
  AUTH_VIA_SENSOR = 4,   /* a scan sensor's bearer credential: no user at all */
} AuthVia;

/* What a logged-in session still lacks. Anything but FULL may reach only the
 * MFA pages (enter a code, or set up TOTP) and log-out. */
typedef enum AuthStage {
  AUTH_STAGE_FULL = 0,
  AUTH_STAGE_NEED_TOTP = 1,   /* password ok, TOTP/recovery code still due */
  AUTH_STAGE_NEED_ENROL = 2,  /* holds an admin role but has no TOTP yet */
} AuthStage;

#define AUTH_USERNAME_MAX 64
#define AUTH_DISPLAY_MAX 128
#define AUTH_ADDR_MAX 63

typedef struct Principal {
  int64_t user_id;                         /* 0 = anonymous, CLI or sensor */
  char username[AUTH_USERNAME_MAX + 1];
  char display_name[AUTH_DISPLAY_MAX + 1];
  AuthVia via;
  AuthStage stage;
  int64_t session_id;   /* sessions.id when via == SESSION, else 0 */
  int64_t token_id;     /* api_tokens.id when via == TOKEN, else 0 */
  int64_t current_org;  /* organisation picked in the switcher; 0 = none */
  int64_t sensor_id;    /* scan_sensors.id when via == SENSOR, else 0 */
  int64_t sensor_org;   /* the organisation that sensor belongs to, else 0 */
  char remote_addr[AUTH_ADDR_MAX + 1];     /* for audit; "" if unknown */
} Principal;

/* "viewer" / "editor" / "admin" / "auditor" ("none" for AUTH_ROLE_NONE). */
const char *auth_role_name(AuthRole r);
/* Parses the names above (case-sensitive); returns 0 or VERR_INVALID. */
int auth_role_parse(const char *s, AuthRole *out);

/* A principal for the local command line: user_id 0, via CLI, username "cli". */
void auth_principal_cli(Principal *p);
/* A principal for a sensor whose credential was checked: user_id 0, via
 * SENSOR, username "sensor-<id>"; addr (may be NULL) for the audit. */
void auth_principal_sensor(Principal *p, int64_t sensor_id, int64_t org_id, const char *addr);
/* Fully authenticated (a user, and nothing still due)? */
int auth_principal_ok(const Principal *p);

#endif
