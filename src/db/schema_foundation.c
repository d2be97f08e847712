/* schema_foundation.c — migration 1: the foundation tables (organisations,
 * users, memberships, sessions, API tokens, login attempts, recovery codes,
 * audit log), and migration 10, which widens the memberships roles. Times are
 * INTEGER Unix seconds; secrets are stored only hashed. */
#include "db/schema.h"

/* The memberships table apart from its role CHECK, shared by migration 1 and
 * its rebuild in migration 10. */
#define MEMBERSHIPS_HEAD \
  " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE," \
  " org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,"
#define MEMBERSHIPS_TAIL \
  " created_at INTEGER NOT NULL," \
  " PRIMARY KEY (user_id, org_id));"
#define MEMBERSHIPS_INDEX "CREATE INDEX memberships_org ON memberships(org_id);"

const char db_sql_foundation[] =
  /* The organisation tree: national -> region -> municipality/county/iks;
   * suppliers are their own kind (normally a root). sharing_level is the
   * child's choice of what its ancestors may read (see policy/policy.h). */
  "CREATE TABLE organisations ("
  " id INTEGER PRIMARY KEY,"
  " parent_id INTEGER REFERENCES organisations(id) ON DELETE RESTRICT,"
  " kind TEXT NOT NULL CHECK (kind IN"
  "  ('national','region','municipality','county','iks','supplier')),"
  " name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),"
  /* 4 digits for a municipality, 2 for a county (fylkesnummer). */
  " kommunenummer TEXT UNIQUE CHECK (kommunenummer IS NULL OR"
  "  kommunenummer GLOB '[0-9][0-9][0-9][0-9]' OR kommunenummer GLOB '[0-9][0-9]'),"
  " orgnr TEXT UNIQUE CHECK (orgnr IS NULL OR orgnr GLOB"
  "  '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),"
  " sharing_level TEXT NOT NULL DEFAULT 'aggregate' CHECK (sharing_level IN"
  "  ('none','aggregate','summary','full')),"
  " population INTEGER CHECK (population IS NULL OR population >= 0),"
  " created_at INTEGER NOT NULL,"
  " updated_at INTEGER NOT NULL,"
  " CHECK (parent_id IS NULL OR parent_id <> id));"
  "CREATE INDEX organisations_parent ON organisations(parent_id);"
  "CREATE UNIQUE INDEX organisations_root_name ON organisations(name)"
  " WHERE parent_id IS NULL;"

  /* Users. username is stored lower-case (the code normalises it).
   * password_hash: libsodium crypto_pwhash_str (Argon2id) encoded string.
   * totp_secret: owned by src/auth (format decided there); NULL = none.
   * totp_last_step: last accepted RFC 6238 time step, against replay.
   * failed_logins/locked_until: lockout state (see also login_attempts). */
  "CREATE TABLE users ("
  " id INTEGER PRIMARY KEY,"
  " username TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 64),"
  " display_name TEXT NOT NULL DEFAULT '' CHECK (length(display_name) <= 200),"
  " email TEXT CHECK (email IS NULL OR length(email) <= 254),"
  " password_hash TEXT NOT NULL,"
  " totp_secret TEXT,"
  " totp_enabled INTEGER NOT NULL DEFAULT 0 CHECK (totp_enabled IN (0,1)),"
  " totp_last_step INTEGER NOT NULL DEFAULT 0,"
  " disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1)),"
  " failed_logins INTEGER NOT NULL DEFAULT 0,"
  " locked_until INTEGER NOT NULL DEFAULT 0,"
  " password_changed_at INTEGER NOT NULL,"
  " created_at INTEGER NOT NULL,"
  " updated_at INTEGER NOT NULL);"

  /* One role per user per organisation (see policy/policy.h for what each
   * role may do in the organisation itself and in its descendants). */
  "CREATE TABLE memberships ("
  MEMBERSHIPS_HEAD
  " role TEXT NOT NULL CHECK (role IN ('viewer','editor','admin')),"
  MEMBERSHIPS_TAIL
  MEMBERSHIPS_INDEX

  /* Sessions: the cookie holds a random token; only its SHA-256 (hex) is
   * stored. mfa_ok = the second factor was passed in this session. */
  "CREATE TABLE sessions ("
  " id INTEGER PRIMARY KEY,"
  " token_hash TEXT NOT NULL UNIQUE,"
  " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
  " csrf_token TEXT NOT NULL,"
  " mfa_ok INTEGER NOT NULL DEFAULT 0 CHECK (mfa_ok IN (0,1)),"
  " active_org_id INTEGER REFERENCES organisations(id) ON DELETE SET NULL,"
  " created_at INTEGER NOT NULL,"
  " last_seen_at INTEGER NOT NULL,"
  " expires_at INTEGER NOT NULL,"
  " remote_addr TEXT,"
  " user_agent TEXT);"
  "CREATE INDEX sessions_user ON sessions(user_id);"
  "CREATE INDEX sessions_expires ON sessions(expires_at);"

  /* API tokens: shown once, stored as SHA-256 hex; prefix identifies the
   * token in lists without revealing it. */
  "CREATE TABLE api_tokens ("
  " id INTEGER PRIMARY KEY,"
  " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
  " name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),"
  " prefix TEXT NOT NULL,"
  " token_hash TEXT NOT NULL UNIQUE,"
  " created_at INTEGER NOT NULL,"
  " last_used_at INTEGER,"
  " expires_at INTEGER,"
  " revoked_at INTEGER);"
  "CREATE INDEX api_tokens_user ON api_tokens(user_id);"

  /* Every log-in attempt, for throttling by user name and by address. */
  "CREATE TABLE login_attempts ("
  " id INTEGER PRIMARY KEY,"
  " username TEXT NOT NULL,"
  " remote_addr TEXT,"
  " at INTEGER NOT NULL,"
  " success INTEGER NOT NULL CHECK (success IN (0,1)));"
  "CREATE INDEX login_attempts_user ON login_attempts(username, at);"
  "CREATE INDEX login_attempts_addr ON login_attempts(remote_addr, at);"

  /* One-time recovery codes for a lost second factor, stored hashed. */
  "CREATE TABLE recovery_codes ("
  " id INTEGER PRIMARY KEY,"
  " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
  " code_hash TEXT NOT NULL,"
  " created_at INTEGER NOT NULL,"
  " used_at INTEGER);"
  "CREATE INDEX recovery_codes_user ON recovery_codes(user_id);"

  /* The audit log: append-only and hash-chained (see audit/audit.h). No
   * foreign keys: history outlives the users and organisations it names,
   * so user and org are copied by id and name at the time of the event. */
  "CREATE TABLE audit_log ("
  " id INTEGER PRIMARY KEY,"
  " at INTEGER NOT NULL,"
  " user_id INTEGER,"
  " username TEXT NOT NULL DEFAULT '',"
  " org_id INTEGER,"
  " action TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 100),"
  " object_type TEXT NOT NULL DEFAULT '',"
  " object_id TEXT NOT NULL DEFAULT '',"
  " remote_addr TEXT NOT NULL DEFAULT '',"
  " details TEXT NOT NULL DEFAULT '',"
  " prev_hash TEXT NOT NULL,"
  " hash TEXT NOT NULL UNIQUE);"
  "CREATE INDEX audit_log_org ON audit_log(org_id, at);"
  "CREATE INDEX audit_log_user ON audit_log(user_id, at);"
  "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
  " BEGIN SELECT RAISE(ABORT, 'revisjonsloggen kan ikke endres'); END;"
  "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
  " BEGIN SELECT RAISE(ABORT, 'revisjonsloggen kan ikke slettes'); END;";

/* Migration 10: the auditor role. SQLite cannot widen a CHECK in place, so
 * the table is rebuilt and its rows copied (foreign keys are off during a
 * migration, and checked before it commits: see db/migrate.c). */
const char db_sql_memberships_auditor[] =
  "CREATE TABLE memberships_new ("
  MEMBERSHIPS_HEAD
  " role TEXT NOT NULL CHECK (role IN ('viewer','editor','admin','auditor')),"
  MEMBERSHIPS_TAIL
  "INSERT INTO memberships_new(user_id, org_id, role, created_at)"
  " SELECT user_id, org_id, role, created_at FROM memberships;"
  "DROP TABLE memberships;"
  "ALTER TABLE memberships_new RENAME TO memberships;"
  MEMBERSHIPS_INDEX;
