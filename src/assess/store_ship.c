/* store_ship.c — finding the frameworks shipped with Varde and storing them
 * in the database at `varde init` and `varde demo` (idempotent). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assess/assess_config.h"
#include "assess/store_int.h"

static int is_dir(const char *p) {
  struct stat sb;
  return p && *p && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* <dir of the binary>/../frameworks: a build directory inside the source tree. */
static const char *beside_binary(void) {
  static char path[PATH_MAX];
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return NULL;
  exe[n] = 0;
  char *slash = strrchr(exe, '/');
  if (!slash) return NULL;
  *slash = 0;
  for (int up = 0; up < 3; up++) {
    if ((size_t)snprintf(path, sizeof path, "%s/frameworks", exe) < sizeof path && is_dir(path)) return path;
    if (!(slash = strrchr(exe, '/'))) break;
    *slash = 0;
  }
  return NULL;
}

const char *assess_frameworks_dir(void) {
  const char *env = getenv("VARDE_FRAMEWORKS");
  if (is_dir(env)) return env;
  if (is_dir("frameworks")) return "frameworks";
  const char *b = beside_binary();
  if (b) return b;
  return is_dir(VARDE_FRAMEWORKS_DIR) ? VARDE_FRAMEWORKS_DIR : NULL;
}

int assess_store_ship(Db *db, const Principal *who, int *added, Err *e) {
  if (added) *added = 0;
  const char *dir = assess_frameworks_dir();
  if (!dir)
    return err_set(e, VERR_NOTFOUND, "Fant ikke mappen med rammeverk (sett VARDE_FRAMEWORKS, eller kjør fra "
                   "repoets rotmappe).");
  return assess_store_fw_put_dir(db, who, dir, added, e);
}
