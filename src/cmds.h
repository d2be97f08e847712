/* cmds.h — entry points of the subcommands listed in cmds.def.
 * Each takes (argc, argv) with argv[0] = the subcommand name. */
#ifndef VARDE_CMDS_H
#define VARDE_CMDS_H
#define VARDE_CMD(name, fn, summary) int fn(int argc, char **argv);
#include "cmds.def"
#undef VARDE_CMD
#endif
