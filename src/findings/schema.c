/* schema.c — the tables of the findings module: stored feeds (NVD CVEs, KEV,
 * EPSS, CSAF advisories), feed state, findings, their history and SLA days. */
#include "db/schema.h"

/* The findings table's columns before and after `source` (migrations 5 and
 * 9; product_id has no FK: a deleted product keeps its history). */
#define FINDINGS_HEAD \
  " id INTEGER PRIMARY KEY," \
  " org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE," \
  " product_id INTEGER NOT NULL," \
  " vuln_id TEXT NOT NULL,"
#define FINDINGS_TAIL \
  " advisory TEXT," \
  " product_name TEXT NOT NULL," \
  " cvss REAL, cvss_vector TEXT," \
  " kev INTEGER NOT NULL DEFAULT 0, kev_due TEXT, kev_added TEXT, ransomware INTEGER NOT NULL DEFAULT 0," \
  " epss REAL, epss_pct REAL," \
  " internet INTEGER NOT NULL DEFAULT 0, criticality INTEGER NOT NULL DEFAULT 0," \
  " priority REAL NOT NULL, class TEXT NOT NULL CHECK (class IN ('critical','high','medium','low'))," \
  " confidence TEXT, reason TEXT," \
  " matched INTEGER NOT NULL DEFAULT 1," \
  " status TEXT NOT NULL DEFAULT 'open' CHECK (status IN" \
  "   ('open','in_progress','fixed','verified','accepted','false_positive'))," \
  " status_reason TEXT, accepted_until INTEGER, decided_by INTEGER," \
  " first_seen INTEGER NOT NULL, due_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"

const char db_sql_findings[] =
  "CREATE TABLE vuln_cves ("
  " id TEXT PRIMARY KEY,"
  " published TEXT, modified TEXT, cvss REAL, cvss_vector TEXT, severity TEXT,"
  " description TEXT,"
  " record TEXT NOT NULL,"          /* the NVD record as compact JSON */
  " gen INTEGER NOT NULL,"
  " imported_at INTEGER NOT NULL);"
  "CREATE INDEX vuln_cves_gen ON vuln_cves(gen);"
  "CREATE TABLE vuln_kev ("
  " cve TEXT PRIMARY KEY, vendor TEXT, product TEXT, name TEXT, added TEXT, due TEXT,"
  " action TEXT, ransomware INTEGER NOT NULL DEFAULT 0, gen INTEGER NOT NULL);"
  "CREATE INDEX vuln_kev_gen ON vuln_kev(gen);"
  "CREATE TABLE vuln_epss ("
  " cve TEXT PRIMARY KEY, score REAL NOT NULL, percentile REAL NOT NULL, model TEXT,"
  " gen INTEGER NOT NULL);"
  "CREATE INDEX vuln_epss_gen ON vuln_epss(gen);"
  "CREATE TABLE vuln_csaf ("
  " id TEXT PRIMARY KEY, title TEXT, publisher TEXT, tlp TEXT, category TEXT,"
  " document TEXT NOT NULL, gen INTEGER NOT NULL, imported_at INTEGER NOT NULL);"
  "CREATE INDEX vuln_csaf_gen ON vuln_csaf(gen);"
  "CREATE TABLE feed_state (name TEXT PRIMARY KEY, value TEXT, updated_at INTEGER NOT NULL);"
  "CREATE TABLE findings ("
  FINDINGS_HEAD
  " source TEXT NOT NULL CHECK (source IN ('nvd','csaf','kev')),"
  FINDINGS_TAIL
  " UNIQUE (org_id, product_id, vuln_id));"
  "CREATE INDEX findings_vuln ON findings(vuln_id);"
  "CREATE INDEX findings_org ON findings(org_id, status, due_at);"
  "CREATE INDEX findings_accepted ON findings(accepted_until) WHERE status = 'accepted';"
  "CREATE TABLE finding_history ("
  " id INTEGER PRIMARY KEY,"
  " finding_id INTEGER NOT NULL REFERENCES findings(id) ON DELETE CASCADE,"
  " at INTEGER NOT NULL, user_id INTEGER, username TEXT,"
  " from_status TEXT, to_status TEXT NOT NULL, note TEXT);"
  "CREATE INDEX finding_history_f ON finding_history(finding_id, id);"
  /* vendor:product (CPE, WFN form) of each matched product, so a new CVE
   * finds the products it can name without reading every inventory; "*"
   * for products whose name has a wildcard (always candidates). */
  "CREATE TABLE finding_keys (key TEXT NOT NULL, org_id INTEGER NOT NULL, product_id INTEGER NOT NULL,"
  " PRIMARY KEY (key, org_id, product_id)) WITHOUT ROWID;"
  "CREATE INDEX finding_keys_product ON finding_keys(org_id, product_id);"
  "CREATE TABLE finding_sla ("
  " class TEXT PRIMARY KEY CHECK (class IN ('critical','high','medium','low')),"
  " days INTEGER NOT NULL CHECK (days BETWEEN 1 AND 3650));"
  "INSERT INTO finding_sla VALUES ('critical',7),('high',30),('medium',90),('low',180)";

/* Migration 7: each CVE's configurations as src/vuln's binary record
 * (cfgbin.h), so loading the feeds for matching parses no JSON. A table of
 * its own: read on its own, it is a sixth of the JSON's size. Written with
 * the record (feeds.c); a CVE without a row here (stored before this
 * migration, or a record the format cannot hold) is parsed from its JSON and
 * its row written by the next matching run (load.c). */
const char db_sql_findings_cfg[] =
  "CREATE TABLE vuln_cve_cfg ("
  " id TEXT PRIMARY KEY,"
  " gen INTEGER NOT NULL,"
  " cfg BLOB NOT NULL);"
  "CREATE INDEX vuln_cve_cfg_gen ON vuln_cve_cfg(gen)";

/* Keeps a finding's creation entry when its evidence changes (migration 8;
 * made again by 9, which rebuilds the table). */
#define CREATION_KEPT \
  "CREATE TRIGGER findings_creation_kept AFTER UPDATE OF reason ON findings" \
  " WHEN OLD.created_by IS NOT NULL AND NEW.reason IS NOT OLD.reason BEGIN" \
  " INSERT INTO finding_history (finding_id, at, user_id, username, from_status, to_status, note)" \
  "  SELECT OLD.id, OLD.first_seen, r.user_id, r.username, NULL, 'open', OLD.reason" \
  "  FROM finding_runs r WHERE r.id = OLD.created_by;" \
  " UPDATE findings SET created_by = NULL WHERE id = OLD.id;" \
  " END"

/* Migration 8: a finding's creation entry is no longer a finding_history
 * row of its own (half a million of them in a first full run, each
 * repeating the evidence). `created_by` names the matching run that created
 * the finding (`finding_runs`: who ran it); the history reader derives the
 * entry from it, the finding's first_seen and its evidence (query.c). The
 * evidence can change later: the trigger then stores the creation entry
 * with the old evidence as a history row and clears created_by. Findings
 * stored before this migration keep their rows (created_by NULL). */
const char db_sql_findings_created[] =
  "CREATE TABLE finding_runs (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, user_id INTEGER, username TEXT);"
  "ALTER TABLE findings ADD COLUMN created_by INTEGER;"   /* finding_runs.id; no FK: one lookup less per insert */
  CREATION_KEPT;

/* Migration 9: the scanner's own checks (expired or self-signed
 * certificates, old TLS versions, weak ciphers, missing HTTP security
 * headers) become findings with source 'scan' (findings/scan.c): vuln_id is
 * the check's id, advisory its title. SQLite cannot widen a CHECK in place,
 * so the table is rebuilt (migrate.c runs migrations with foreign keys off,
 * so dropping the old table does not cascade into history and scan rows)
 * and its indexes and trigger made again. */
const char db_sql_findings_scan_checks[] =
  "CREATE TABLE findings_new ("
  FINDINGS_HEAD
  " source TEXT NOT NULL CHECK (source IN ('nvd','csaf','kev','scan')),"
  FINDINGS_TAIL
  " created_by INTEGER,"
  " UNIQUE (org_id, product_id, vuln_id));"
  "INSERT INTO findings_new SELECT id, org_id, product_id, vuln_id, source, advisory, product_name, cvss,"
  " cvss_vector, kev, kev_due, kev_added, ransomware, epss, epss_pct, internet, criticality, priority, class,"
  " confidence, reason, matched, status, status_reason, accepted_until, decided_by, first_seen, due_at,"
  " updated_at, created_by FROM findings;"
  "DROP TABLE findings;"
  "ALTER TABLE findings_new RENAME TO findings;"
  "CREATE INDEX findings_vuln ON findings(vuln_id);"
  "CREATE INDEX findings_org ON findings(org_id, status, due_at);"
  "CREATE INDEX findings_accepted ON findings(accepted_until) WHERE status = 'accepted';"
  CREATION_KEPT;
