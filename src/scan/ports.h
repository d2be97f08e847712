/* ports.h — TCP port lists for the scanner: the built-in ranking
 * (top100, top1000), ranges and lists, and the printer-port exclusion. */
#ifndef VARDE_SCAN_PORTS_H
#define VARDE_SCAN_PORTS_H
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct ScanPorts {
  uint16_t *v;             /* in scan order, no duplicates */
  size_t n, cap;
  uint8_t seen[8192];      /* bitmap over 0..65535 */
} ScanPorts;

/* spec: comma list of "top100", "top1000", "all" (or "-"), N, N-M. */
int scan_ports_parse(ScanPorts *p, const char *spec, Err *e);
int scan_ports_add(ScanPorts *p, uint16_t port);
int scan_port_is_printer(uint16_t port);      /* 9100-9107 */
size_t scan_ports_drop_printer(ScanPorts *p); /* returns how many were dropped */
void scan_ports_free(ScanPorts *p);

#endif
