/* scan_schema.c — the tables that tie findings to network scans: each
 * scanned service (organisation × address × port) and, per finding from a
 * scan, its evidence, confidence and the runs that saw it or no longer did. */
#include "db/schema.h"

const char db_sql_scan_findings[] =
  /* A scanned service is the "product" of a scan finding: such findings
   * carry product_id = -id (inventory products are positive), so the
   * findings table's identity (org, product, vulnerability) holds as is.
   * The row keeps what the latest run that saw the port identified. */
  "CREATE TABLE finding_scan_services ("
  " id INTEGER PRIMARY KEY,"
  " org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,"
  " addr TEXT NOT NULL CHECK (length(addr) BETWEEN 1 AND 64),"
  " port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),"
  " service TEXT, product TEXT, version TEXT, cpe TEXT,"
  " confidence TEXT NOT NULL CHECK (confidence IN ('low','medium','high')),"
  " method TEXT, evidence TEXT, cert TEXT,"
  " first_run INTEGER NOT NULL, last_run INTEGER NOT NULL, last_seen_at INTEGER NOT NULL,"
  " gone_run INTEGER,"   /* a later complete run of the scope did not see the port */
  " UNIQUE (org_id, addr, port));"
  /* One row per finding that came from a scan: what produced it. */
  "CREATE TABLE finding_scan ("
  " finding_id INTEGER PRIMARY KEY REFERENCES findings(id) ON DELETE CASCADE,"
  " service_id INTEGER NOT NULL REFERENCES finding_scan_services(id) ON DELETE CASCADE,"
  " cpe TEXT NOT NULL, confidence TEXT NOT NULL CHECK (confidence IN ('low','medium','high')),"
  " evidence TEXT,"
  " first_run INTEGER NOT NULL, last_run INTEGER NOT NULL,"
  " gone_run INTEGER);"   /* the run that no longer saw it: fixed, needs verification */
  "CREATE INDEX finding_scan_service ON finding_scan(service_id)";
