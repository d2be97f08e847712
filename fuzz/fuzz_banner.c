/* fuzz_banner.c — libFuzzer target for the scanner's banner and binary
 * reply parsers (src/scan/ident*.c). The first two bytes pick the port. */
#include <stddef.h>
#include <stdint.h>

#include "scan/ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  uint16_t port = (uint16_t)(data[0] << 8 | data[1]);
  const unsigned char *p = data + 2;
  size_t n = size - 2;
  ScanIdent id;
  scan_ident_banner(p, n, port, &id);
  scan_ident_mysql(p, n, &id);
  scan_ident_mssql(p, n, &id);
  scan_ident_pgsql(p, n, &id);
  scan_ident_dns(p, n, &id);
  scan_ident_ldap(p, n, &id);
  scan_ident_rdp(p, n, &id);
  scan_ident_smb(p, n, &id);
  scan_ident_snmp(p, n, &id);
  scan_ident_redis(p, n, &id);
  return 0;
}
