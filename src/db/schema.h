/* schema.h — declarations of the migration SQL listed in migrations.def.
 * Each module that owns tables defines its `const char db_sql_<name>[]`. */
#ifndef VARDE_DB_SCHEMA_H
#define VARDE_DB_SCHEMA_H

#define DB_MIGRATION(version, name, sym) extern const char sym[];
#include "db/migrations.def"
#undef DB_MIGRATION

#endif
