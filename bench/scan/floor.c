/* floor.c — the least CPU a TCP connect scan can cost on this machine, for
 * bench/scan/run: every port of the given IPv4 addresses probed on one
 * thread with nothing but the kernel's work — one non-blocking socket,
 * connect() to send the SYN and connect() again to collect the answer (the
 * test veth pair answers inside the first call, so no waiting is needed;
 * a port that has not answered yet is polled), bound to a local port of its
 * own like the scanner's sockets. No scope check, no time-out
 * logic, no output: a floor, not a scanner. Prints the open-port count and
 * the CPU seconds (user + system) per probe.
 *
 *   scan_floor FIRST-PORT LAST-PORT ADDR...
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static struct sockaddr_in src;   /* the source address the kernel picks for the targets */
static unsigned next_port = 20000;

/* A socket bound to src and a local port of its own, as the scanner's
 * spare sockets are (no free-port search or extra route look-up in
 * connect()). */
static int fresh(void) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) perror("socket"), exit(2);
  for (int tries = 0; tries < 1000; tries++) {
    src.sin_port = htons((unsigned short)next_port);
    next_port = next_port >= 60000 ? 20000 : next_port + 1;
    if (bind(fd, (struct sockaddr *)&src, sizeof src) == 0) return fd;
  }
  perror("bind"), exit(2);
}

static void source_for(const struct sockaddr_in *to) {
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  socklen_t len = sizeof src;
  if (u < 0 || connect(u, (const struct sockaddr *)to, sizeof *to) || getsockname(u, (struct sockaddr *)&src, &len))
    perror("source address"), exit(2);
  close(u);
}

/* 1: open, 0: refused. *fd is replaced when the probe used it up. */
static int probe(int *fd, const struct sockaddr_in *sa) {
  if (connect(*fd, (const struct sockaddr *)sa, sizeof *sa) == 0) goto open;
  if (errno == ECONNREFUSED) return 0;
  if (errno != EINPROGRESS) perror("connect"), exit(2);
  for (;;) {
    if (connect(*fd, (const struct sockaddr *)sa, sizeof *sa) == 0 || errno == EISCONN) goto open;
    if (errno == ECONNREFUSED) return 0;   /* and the socket is ready for the next port */
    if (errno != EALREADY) perror("connect"), exit(2);
    struct pollfd p = {*fd, POLLOUT, 0};
    poll(&p, 1, 1000);
  }
open:
  close(*fd);
  *fd = fresh();
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 4) return fprintf(stderr, "bruk: scan_floor FØRSTE-PORT SISTE-PORT ADRESSE...\n"), 2;
  int lo = atoi(argv[1]), hi = atoi(argv[2]), fd = -1;
  long open = 0, probes = 0;
  for (int a = 3; a < argc; a++) {
    struct sockaddr_in sa = {.sin_family = AF_INET};
    if (inet_pton(AF_INET, argv[a], &sa.sin_addr) != 1) return fprintf(stderr, "ugyldig adresse: %s\n", argv[a]), 2;
    if (fd < 0) source_for(&sa), fd = fresh();   /* the targets share one route */
    for (int port = lo; port <= hi; port++, probes++) {
      sa.sin_port = htons((unsigned short)port);
      open += probe(&fd, &sa);
    }
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
               ru.ru_stime.tv_usec / 1e6;
  printf("%ld %ld %.3f %.2f\n", probes, open, cpu, cpu / (double)probes * 1e6);
  return 0;
}
