/* import.c — `varde import KIND …`: dispatches to the module that owns KIND
 * (table in imports.def), so each module adds its imports without touching this file. */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "import/import.h"

typedef struct ImportKind {
  const char *kind;
  int (*run)(int argc, char **argv);
  const char *summary;
} ImportKind;

static const ImportKind kinds[] = {
#define VARDE_IMPORT(kind, fn, summary) {kind, fn, summary},
#include "import/imports.def"
#undef VARDE_IMPORT
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

static void usage(FILE *f) {
  fprintf(f, "Bruk: varde import TYPE FIL [VALG]...\n"
             "Leser inn data i Varde. Typer:\n");
  for (size_t i = 0; i < NKINDS; i++) fprintf(f, "  %-15s %s\n", kinds[i].kind, kinds[i].summary);
  fprintf(f, "\n`varde import TYPE --help` viser valgene. Se også varde-import(1).\n"
             "Avslutningskoder: 0 vellykket, 2 feil i filen eller i bruk.\n");
}

int cmd_import(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    usage(stdout);
    return 0;
  }
  for (size_t i = 0; i < NKINDS; i++)
    if (!strcmp(kinds[i].kind, argv[1])) return kinds[i].run(argc - 1, argv + 1);
  fprintf(stderr, "varde import: ukjent type «%s». Se `varde import --help`.\n", argv[1]);
  return 2;
}
