/* cli.h — what the subcommands in src/cli share: the --db option, opening
 * the database with a clear message, the operator principal, error output
 * and option parsing helpers. Exit codes: 0 ok, 1 problem found (check),
 * 2 usage or runtime error. */
#ifndef VARDE_CLI_H
#define VARDE_CLI_H
#include <stddef.h>
#include <stdint.h>

#include "auth/principal.h"
#include "core/err.h"

typedef struct Db Db;

enum { CLI_OK = 0, CLI_FOUND = 1, CLI_ERROR = 2 };

/* Opens path (or the default) with db_open flags; prints the error and
 * returns CLI_ERROR on failure. */
int cli_open(const char *cmd, const char *path, int flags, Db **db);

/* Prints "varde CMD: message" to stderr and returns CLI_ERROR. */
int cli_fail(const char *cmd, const Err *e);
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The local operator (root on the machine), for audit entries. */
void cli_principal(Principal *p);

/* Strict integer parse (whole string, range-checked). 0 or -1. */
int cli_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

/* Reads a line from stdin without echo when it is a terminal (passwords).
 * Returns 0, or -1 at end of input. Strips the newline. */
int cli_read_secret(const char *prompt, char *out, size_t cap);

#endif
