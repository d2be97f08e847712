/* main.c — the `varde` command: a table of subcommands, each a thin shell over
 * library code in its module. Exit codes: 0 success, 1 "found something"
 * (alerts, findings) where a command documents it, 2 usage or runtime error. */
#include <stdio.h>
#include <string.h>

#include "cmds.h"

typedef struct Command {
  const char *name;
  int (*run)(int argc, char **argv);   /* argv[0] is the subcommand name */
  const char *summary;                 /* Norwegian, one line */
} Command;

static const Command commands[] = {
#define VARDE_CMD(name, fn, summary) {name, fn, summary},
#include "cmds.def"
#undef VARDE_CMD
};

static void usage(FILE *f) {
  fprintf(f,
          "Bruk: varde KOMMANDO [VALG]...\n"
          "Varde – informasjonssikkerhet for kommunesektoren.\n\n"
          "Kommandoer:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(f,
          "\n`varde KOMMANDO --help` viser valgene for en kommando.\n"
          "Avslutningskoder: 0 vellykket, 1 funn/varsler (der kommandoen sier det),\n"
          "2 feil i bruk eller under kjøring.\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const char *name = argv[1];
  if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
    if (argc > 2 && strcmp(name, "help") == 0) {
      char *sub[] = {argv[2], "--help", NULL};
      for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(commands[i].name, argv[2])) return commands[i].run(2, sub);
    }
    usage(stdout);
    return 0;
  }
  if (!strcmp(name, "--version") || !strcmp(name, "version")) {
    printf("varde %s\n", VARDE_VERSION);
    return 0;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(commands[i].name, name)) return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "varde: ukjent kommando «%s». Se `varde --help`.\n", name);
  return 2;
}
