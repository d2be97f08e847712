/* schema.c — the scan side's tables (migration "scanjobs"): confirmed scan
 * scope, per-organisation limits, sensors, schedules, jobs, result parts,
 * runs, per-port results and the seen/not-seen observations. */
#include "db/schema.h"

const char db_sql_scanjobs[] =
  /* What an organisation may be scanned on. To be unified with the
   * inventory's address ranges; until then this table is the scope. A row
   * counts only once an administrator confirmed it (confirmed_at set). */
  "CREATE TABLE scan_scope ("
  " id INTEGER PRIMARY KEY,"
  " org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,"
  " spec TEXT NOT NULL CHECK (length(spec) BETWEEN 1 AND 100),"
  " note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 200),"
  " created_by INTEGER REFERENCES users(id), created_at INTEGER NOT NULL,"
  " confirmed_by INTEGER REFERENCES users(id), confirmed_at INTEGER,"
  " UNIQUE (org_id, spec));"
  /* Rate limits an organisation's administrator sets for its scans; the
   * server's ceiling (scan.conf) lowers them further. */
  "CREATE TABLE scan_limits ("
  " org_id INTEGER PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,"
  " max_rate INTEGER NOT NULL CHECK (max_rate BETWEEN 1 AND 100000),"
  " max_concurrency INTEGER NOT NULL CHECK (max_concurrency BETWEEN 1 AND 10000),"
  " updated_by INTEGER REFERENCES users(id), updated_at INTEGER NOT NULL);"
  /* Sensors: enrol_hash is SHA-256 of the one-time token (NULL once used),
   * cred_hash SHA-256 of the credential the sensor chose at enrolment. */
  "CREATE TABLE scan_sensors ("
  " id INTEGER PRIMARY KEY,"
  " org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,"
  " name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),"
  " enrol_hash TEXT UNIQUE, enrol_expires INTEGER, used_enrol_hash TEXT,"
  " cred_hash TEXT UNIQUE,"
  " created_by INTEGER REFERENCES users(id), created_at INTEGER NOT NULL,"
  " enrolled_at INTEGER, last_seen INTEGER, last_addr TEXT, version TEXT,"
  " queued INTEGER NOT NULL DEFAULT 0, revoked_at INTEGER,"
  " UNIQUE (org_id, name));"
  "CREATE TABLE scan_schedules ("
  " id INTEGER PRIMARY KEY,"
  " org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,"
  " sensor_id INTEGER NOT NULL REFERENCES scan_sensors(id) ON DELETE CASCADE,"
  " name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),"
  /* NULL targets = the whole confirmed scope at the time of each job */
  " targets TEXT CHECK (targets IS NULL OR length(targets) <= 2000),"
  " ports TEXT NOT NULL CHECK (length(ports) BETWEEN 1 AND 500),"
  " interval_s INTEGER NOT NULL CHECK (interval_s >= 0),"
  " next_run INTEGER, enabled INTEGER NOT NULL DEFAULT 1,"
  " created_by INTEGER REFERENCES users(id), created_at INTEGER NOT NULL);"
  /* One execution of a schedule by a sensor. scope is the confirmed scope
   * copied at creation; the sensor passes it to the engine's socket gate. */
  "CREATE TABLE scan_jobs ("
  " id INTEGER PRIMARY KEY,"
  " org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,"
  " schedule_id INTEGER REFERENCES scan_schedules(id) ON DELETE SET NULL,"
  " sensor_id INTEGER NOT NULL REFERENCES scan_sensors(id) ON DELETE CASCADE,"
  " targets TEXT NOT NULL, ports TEXT NOT NULL, scope TEXT NOT NULL,"
  " full_scope INTEGER NOT NULL DEFAULT 0,"
  " rate INTEGER NOT NULL, concurrency INTEGER NOT NULL,"
  " state TEXT NOT NULL DEFAULT 'queued'"
  "  CHECK (state IN ('queued','running','done','failed')),"
  " error TEXT, created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER);"
  "CREATE INDEX scan_jobs_sensor ON scan_jobs(sensor_id, state);"
  /* Result parts as the sensor sent them; (job_id, part) is the idempotency
   * key, so a part sent twice is stored once. */
  "CREATE TABLE scan_job_parts ("
  " job_id INTEGER NOT NULL REFERENCES scan_jobs(id) ON DELETE CASCADE,"
  " part INTEGER NOT NULL, total INTEGER NOT NULL,"
  " sha256 TEXT NOT NULL, body TEXT NOT NULL, received_at INTEGER NOT NULL,"
  " PRIMARY KEY (job_id, part));"
  "CREATE TABLE scan_runs ("
  " id INTEGER PRIMARY KEY,"
  " org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,"
  " job_id INTEGER NOT NULL UNIQUE REFERENCES scan_jobs(id) ON DELETE CASCADE,"
  " schedule_id INTEGER REFERENCES scan_schedules(id) ON DELETE SET NULL,"
  " scope TEXT NOT NULL, full_scope INTEGER NOT NULL, interrupted INTEGER NOT NULL,"
  " hosts INTEGER NOT NULL, open_ports INTEGER NOT NULL, findings INTEGER NOT NULL,"
  " report TEXT NOT NULL, received_at INTEGER NOT NULL);"
  "CREATE INDEX scan_runs_org ON scan_runs(org_id, id);"
  "CREATE TABLE scan_results ("
  " run_id INTEGER NOT NULL REFERENCES scan_runs(id) ON DELETE CASCADE,"
  " addr TEXT NOT NULL, port INTEGER NOT NULL,"
  " service TEXT, product TEXT, version TEXT, cpe TEXT, cert TEXT, findings TEXT,"
  " PRIMARY KEY (run_id, addr, port));"
  /* What the findings lifecycle reads: per org/addr/port/kind/key, when it
   * was last seen, and whether a later full scan of the scope no longer saw
   * it (status 'not_seen': needs verification, never closed here). */
  "CREATE TABLE scan_observations ("
  " org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,"
  " addr TEXT NOT NULL, port INTEGER NOT NULL,"
  " kind TEXT NOT NULL CHECK (kind IN ('port','cpe','finding')),"
  " key TEXT NOT NULL,"
  " first_run INTEGER NOT NULL, last_seen_run INTEGER NOT NULL, last_seen_at INTEGER NOT NULL,"
  " status TEXT NOT NULL CHECK (status IN ('seen','not_seen')),"
  " status_run INTEGER NOT NULL, status_at INTEGER NOT NULL,"
  " PRIMARY KEY (org_id, addr, port, kind, key));";
