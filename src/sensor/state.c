/* state.c — the sensor's state directory: created 0700, files written
 * atomically (temporary file, fsync, rename, fsync of the directory) and
 * 0600, so a crash or power loss leaves either the old or the new file. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sensor/sensor.h"

int sensor_fsync_dir(const char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  int rc = fsync(fd);
  close(fd);
  return rc;
}

static int mkdir_private(const char *path, Err *e) {
  if (mkdir(path, 0700) && errno != EEXIST)
    return err_set(e, VERR_IO, "kan ikke lage «%s»: %s", path, strerror(errno));
  struct stat st;
  if (stat(path, &st) || !S_ISDIR(st.st_mode))
    return err_set(e, VERR_IO, "«%s» er ikke en katalog", path);
  if (st.st_mode & 077) chmod(path, 0700);
  return 0;
}

int sensor_state_open(const char *dir, Err *e) {
  static const char *const sub[] = {"jobs", "outbox", "done", "rejected"};
  int rc = mkdir_private(dir, e);
  char p[4096];
  for (size_t i = 0; rc == 0 && i < 4; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, sub[i]);
    rc = mkdir_private(p, e);
  }
  return rc;
}

int sensor_write_atomic(const char *dir, const char *name, const char *data, size_t n, Err *e) {
  char tmp[4096], path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return err_set(e, VERR_IO, "kan ikke skrive «%s»: %s", tmp, strerror(errno));
  size_t off = 0;
  while (off < n) {
    ssize_t w = write(fd, data + off, n - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    off += (size_t)w;
  }
  int bad = off != n || fsync(fd) != 0;
  bad |= close(fd) != 0;
  if (bad || rename(tmp, path) || sensor_fsync_dir(dir)) {
    int err = errno;
    unlink(tmp);
    return err_set(e, VERR_IO, "kan ikke skrive «%s»: %s", path, strerror(err));
  }
  return 0;
}

char *sensor_read_file(const char *path, size_t max, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *p = malloc(max + 1);
  size_t got = p ? fread(p, 1, max, f) : 0;
  int big = p && got == max && fgetc(f) != EOF;
  fclose(f);
  if (!p || big) {
    free(p);
    return NULL;
  }
  p[got] = '\0';
  if (n) *n = got;
  return p;
}

int sensor_exists(const char *dir, const char *fmt, ...) {
  char name[512], path[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(name, sizeof name, fmt, ap);
  va_end(ap);
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return access(path, F_OK) == 0;
}

long sensor_outbox_count(const char *state) {
  char p[4096];
  snprintf(p, sizeof p, "%s/outbox", state);
  DIR *d = opendir(p);
  if (!d) return 0;
  long n = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.') continue;
    char sub[4400];
    snprintf(sub, sizeof sub, "%s/%s", p, de->d_name);
    DIR *s = opendir(sub);
    if (!s) continue;
    struct dirent *f;
    while ((f = readdir(s))) n += f->d_name[0] != '.';
    closedir(s);
  }
  closedir(d);
  return n;
}
