/* fuzz_request.c — libFuzzer target for whole HTTP requests: raw bytes go
 * over a socketpair into a real MHD server running Varde's full web stack
 * (route table, prologue, pages) on a temporary database. */
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/http.h"
#include "web/web.h"

static HttpServer *server;
static WebApp app;
static char dir[] = "/tmp/varde-fuzz-XXXXXX";

/* Stops the server and removes the temporary database when libFuzzer exits. */
static void cleanup(void) {
  http_stop(server, 1);
  server = NULL;
  static const char *const suffix[] = {"", "-wal", "-shm"};
  char path[96];
  for (size_t i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s%s", app.db_path, suffix[i]);
    unlink(path);
  }
  rmdir(dir);
}

static void start(void) {
  if (!mkdtemp(dir)) abort();
  setenv("VARDE_PWHASH_FAST", "1", 1);
  static char path[64];
  snprintf(path, sizeof path, "%s/fuzz.db", dir);
  app.db_path = path;
  auth_config_init(&app.auth);
  web_init();
  HttpConfig cfg = {.listen = "127.0.0.1:0", .threads = 1, .timeout_s = 1,
                    .handler = web_handle, .app = &app};
  char err[256];
  server = http_start(&cfg, NULL, err, sizeof err);
  if (!server) {
    fprintf(stderr, "fuzz_request: %s\n", err);
    abort();
  }
  atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!server) start();
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) return 0;
  if (http_add_connection(server, sv[1])) {
    close(sv[0]);
    return 0;
  }
  size_t off = 0;
  while (off < size) {
    ssize_t w = write(sv[0], data + off, size - off);
    if (w <= 0) break;
    off += (size_t)w;
  }
  shutdown(sv[0], SHUT_WR);
  char buf[65536];
  struct pollfd pfd = {.fd = sv[0], .events = POLLIN};
  /* MHD answers complete requests at once; an incomplete one would wait for
   * the connection timeout, so give up on it after a short while. */
  while (poll(&pfd, 1, 200) > 0 && read(sv[0], buf, sizeof buf) > 0) {
  }
  close(sv[0]);
  return 0;
}
