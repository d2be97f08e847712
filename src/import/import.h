/* import.h — entry points of the `varde import` kinds listed in imports.def.
 * Each takes (argc, argv) with argv[0] = the kind, like a subcommand. */
#ifndef VARDE_IMPORT_H
#define VARDE_IMPORT_H
#define VARDE_IMPORT(kind, fn, summary) int fn(int argc, char **argv);
#include "import/imports.def"
#undef VARDE_IMPORT
#endif
