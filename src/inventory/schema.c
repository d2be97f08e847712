/* schema.c — migration 2: the inventory tables (suppliers, services, systems,
 * products, hosts, scan scope, dependency edges, the change log matching reads). */
#include "db/schema.h"

#define INV_NAME_CHECK(col) " " col " TEXT NOT NULL CHECK (length(" col ") BETWEEN 1 AND 200),"
#define INV_TEXT(col) " " col " TEXT NOT NULL DEFAULT '' CHECK (length(" col ") <= 2000),"
#define INV_TIMES " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
#define INV_ORG " org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,"

const char db_sql_inventory[] =
  /* A supplier as this organisation knows it; supplier_org_id links it to
   * the supplier's own organisation in Varde when there is one. */
  "CREATE TABLE inv_suppliers ("
  " id INTEGER PRIMARY KEY," INV_ORG INV_NAME_CHECK("name")
  " orgnr TEXT NOT NULL DEFAULT '' CHECK (orgnr = '' OR orgnr GLOB"
  "  '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),"
  INV_TEXT("contact")
  " supplier_org_id INTEGER REFERENCES organisations(id) ON DELETE SET NULL," INV_TIMES
  " UNIQUE (org_id, name));"

  "CREATE TABLE inv_services ("
  " id INTEGER PRIMARY KEY," INV_ORG INV_NAME_CHECK("name") INV_TEXT("description")
  " criticality INTEGER NOT NULL DEFAULT 3 CHECK (criticality BETWEEN 1 AND 5),"
  " critical_function INTEGER NOT NULL DEFAULT 0 CHECK (critical_function IN (0, 1)),"
  INV_TIMES " UNIQUE (org_id, name));"

  "CREATE TABLE inv_systems ("
  " id INTEGER PRIMARY KEY," INV_ORG INV_NAME_CHECK("name") INV_TEXT("description") INV_TEXT("owner")
  " supplier_id INTEGER REFERENCES inv_suppliers(id) ON DELETE SET NULL,"
  " hosting TEXT NOT NULL DEFAULT '' CHECK (hosting IN ('', 'onprem', 'cloud', 'saas')),"
  " data_country TEXT NOT NULL DEFAULT '' CHECK (data_country = '' OR data_country GLOB '[A-Z][A-Z]'),"
  INV_TIMES " UNIQUE (org_id, name));"

  /* eol_date: the vendor's end of support, ISO date or ''. */
  "CREATE TABLE inv_products ("
  " id INTEGER PRIMARY KEY," INV_ORG INV_NAME_CHECK("name")
  INV_TEXT("vendor") INV_TEXT("product") INV_TEXT("version") INV_TEXT("cpe") INV_TEXT("purl")
  INV_TEXT("platform")
  " eol_date TEXT NOT NULL DEFAULT '' CHECK (eol_date = '' OR eol_date GLOB"
  "  '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),"
  INV_TIMES " UNIQUE (org_id, name));"

  "CREATE TABLE inv_hosts ("
  " id INTEGER PRIMARY KEY," INV_ORG INV_NAME_CHECK("name") INV_TEXT("aliases") INV_TEXT("addresses")
  INV_TEXT("description")
  " internet_facing INTEGER NOT NULL DEFAULT 0 CHECK (internet_facing IN (0, 1)),"
  INV_TIMES " UNIQUE (org_id, name));"

  /* What may be scanned: confirmed_by/at stay NULL until an admin of the
   * organisation confirms the entry; scanners read only confirmed ones. */
  "CREATE TABLE inv_scope ("
  " id INTEGER PRIMARY KEY," INV_ORG
  " kind TEXT NOT NULL CHECK (kind IN ('cidr', 'domain')),"
  " value TEXT NOT NULL CHECK (length(value) BETWEEN 1 AND 253),"
  INV_TEXT("note")
  " created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,"
  " created_at INTEGER NOT NULL,"
  " confirmed_by INTEGER REFERENCES users(id) ON DELETE SET NULL,"
  " confirmed_by_name TEXT,"
  " confirmed_at INTEGER,"
  " UNIQUE (org_id, kind, value));"

  /* Edges "from depends on to"; the allowed pairs are checked by the code
   * (inventory.h). Ids are not foreign keys because the kinds differ: the
   * code deletes an object's edges with the object. */
  "CREATE TABLE inv_deps ("
  " id INTEGER PRIMARY KEY," INV_ORG
  " from_kind TEXT NOT NULL CHECK (from_kind IN ('service', 'system', 'product')),"
  " from_id INTEGER NOT NULL,"
  " to_kind TEXT NOT NULL CHECK (to_kind IN ('service', 'system', 'product', 'host', 'supplier')),"
  " to_id INTEGER NOT NULL,"
  " created_at INTEGER NOT NULL,"
  " UNIQUE (org_id, from_kind, from_id, to_kind, to_id));"
  "CREATE INDEX inv_deps_to ON inv_deps(org_id, to_kind, to_id);"

  /* The change log matching reads (inventory.h): product_id 0 = every
   * product of the organisation. Not tied to the product by a key, because
   * a deletion must be readable after the product is gone. */
  "CREATE TABLE inv_changes ("
  " seq INTEGER PRIMARY KEY AUTOINCREMENT," INV_ORG
  " product_id INTEGER NOT NULL,"
  " deleted INTEGER NOT NULL DEFAULT 0,"
  " at INTEGER NOT NULL);"
  "CREATE INDEX inv_changes_org ON inv_changes(org_id, seq);";
