/* demo.c — the scanning part of `varde demo`: one municipality gets a
 * confirmed scope (a documentation range, nothing real), an enrolled sensor,
 * a full-scope weekly schedule and two recorded runs, stored through
 * the same path as a sensor's results — so the pages show scan history, the
 * difference between the runs, and findings from versions and from the
 * scanner's own checks (some fixed by the second run). No packet is sent.
 * Idempotent: a municipality that already has the demo sensor is left alone. */
#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "scanjobs/scanjobs.h"

#define DEMO_SENSOR "Rådhuset (demo)"

#define PORT(a, p) "{\"type\":\"port\",\"addr\":\"" a "\",\"port\":" #p "}\n"
#define SVC(a, p, svc, prod, ver, cpe, conf, ev)                                                                  \
  "{\"type\":\"service\",\"addr\":\"" a "\",\"port\":" #p ",\"service\":\"" svc "\",\"product\":\"" prod "\","  \
  "\"version\":\"" ver "\",\"cpe\":\"" cpe "\",\"confidence\":\"" conf "\",\"method\":\"banner\","                \
  "\"evidence\":\"" ev "\"}\n"
#define TLS(a, p, subj, after)                                                                                     \
  "{\"type\":\"tls\",\"addr\":\"" a "\",\"port\":" #p ",\"subject\":\"" subj "\",\"issuer\":\"" subj "\","        \
  "\"not_after\":\"" after "\"}\n"
#define CHK(a, p, id, title, sev, ev)                                                                              \
  "{\"type\":\"finding\",\"addr\":\"" a "\",\"port\":" #p ",\"id\":\"" id "\",\"title\":\"" title "\","          \
  "\"severity\":\"" sev "\",\"confidence\":\"high\",\"evidence\":\"" ev "\"}\n"

/* What both runs see: the file server's SSH and the intranet's web server. */
#define COMMON                                                                                                     \
  "{\"type\":\"scan\",\"schema\":1,\"hosts\":3,\"interrupted\":false}\n"                                         \
  PORT("192.0.2.10", 22)                                                                                           \
  SVC("192.0.2.10", 22, "ssh", "OpenSSH", "8.4p1", "cpe:2.3:a:openbsd:openssh:8.4p1:*:*:*:*:*:*:*", "low",         \
      "SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u1")                                                                    \
  PORT("192.0.2.20", 443)                                                                                          \
  SVC("192.0.2.20", 443, "https", "nginx", "1.18.0", "cpe:2.3:a:f5:nginx:1.18.0:*:*:*:*:*:*:*", "medium",         \
      "Server: nginx/1.18.0")                                                                                      \
  CHK("192.0.2.20", 443, "http-missing-hsts", "HTTPS-svaret mangler Strict-Transport-Security (HSTS)", "low",      \
      "ingen Strict-Transport-Security i svaret på /")

static const char first_run[] =
  COMMON
  TLS("192.0.2.20", 443, "CN=intranett.kommune.example", "2026-11-01T00:00:00Z")
  CHK("192.0.2.20", 443, "tls-cert-expired", "TLS-sertifikatet er utløpt", "high", "notAfter 2026-11-01")
  CHK("192.0.2.20", 443, "tls-cert-self-signed", "TLS-sertifikatet er selvsignert", "medium",
      "utsteder = emne: CN=intranett.kommune.example")
  PORT("192.0.2.30", 6379)
  SVC("192.0.2.30", 6379, "redis", "Redis", "6.0.16", "cpe:2.3:a:redis:redis:6.0.16:*:*:*:*:*:*:*", "high",
      "redis_version:6.0.16")
  CHK("192.0.2.30", 6379, "redis-no-auth", "Redis svarer på INFO uten autentisering", "high",
      "INFO svarte uten AUTH");

/* The next run: a new certificate from the municipality's CA, Redis closed. */
static const char second_run[] =
  COMMON
  TLS("192.0.2.20", 443, "CN=intranett.kommune.example", "2027-11-20T00:00:00Z");

static int demo_run(Db *db, const Principal *who, int64_t org, int64_t sched, int64_t sensor, const char *report,
                    Err *e) {
  int64_t job = 0;
  int complete = 0;
  int rc = scanjobs_schedule_run_now(db, who, org, sched, &job, e);
  ScanjobsPart p = {0, 1, report, strlen(report), NULL};
  if (!rc) rc = scanjobs_part_store(db, sensor, job, &p, &complete, e);
  return rc;
}

int scanjobs_demo(Db *db, const Principal *who, int64_t org, Err *e) {
  int64_t have = 0, scope = 0, sensor = 0, sched = 0, o = 0;
  char tok[SCANJOBS_SECRET_LEN + 1], cred[SCANJOBS_SECRET_LEN + 1];
  int rc = db_int(db, e, &have, "SELECT count(*) FROM scan_sensors WHERE org_id = ? AND name = ?", "ls", org,
                  DEMO_SENSOR);
  if (rc || have) return rc;
  rc = scanjobs_scope_add(db, who, org, "192.0.2.0/24", "Demo: dokumentasjonsnett (RFC 5737), ikke ekte", &scope, e);
  if (!rc) rc = scanjobs_scope_confirm(db, who, org, scope, 1, e);
  if (!rc) rc = scanjobs_sensor_create(db, who, org, DEMO_SENSOR, tok, &sensor, e);
  scanjobs__secret_public(cred, sizeof cred);
  if (!rc) rc = scanjobs_sensor_enrol(db, tok, cred, "192.0.2.2", &sensor, &o, e);
  if (!rc) rc = scanjobs_sensor_heartbeat(db, sensor, VARDE_VERSION, 0, e);
  ScanjobsSchedule s = {"Hele omfanget, ukentlig", NULL, "22,80,443,3389,6379", sensor, 7 * 86400};
  if (!rc) rc = scanjobs_schedule_create(db, who, org, &s, &sched, e);
  if (!rc) rc = demo_run(db, who, org, sched, sensor, first_run, e);
  if (!rc) rc = demo_run(db, who, org, sched, sensor, second_run, e);
  if (!rc) printf("Skanning: én sensor og to kjøringer i kommunen (192.0.2.0/24, bare data).\n\n");
  return rc;
}
