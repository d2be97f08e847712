/* fuzz_cpe.c — libFuzzer target for the CPE 2.3 parsers (formatted string and
 * URI) and the purl parser. Checks the binding round trip: whatever parses,
 * binds back to a string that parses to the same name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/cpe.h"
#include "vuln/purl.h"

static char s1[2 * VULN_CPE_MAX + 16], s2[2 * VULN_CPE_MAX + 16];

static void round_trip(const VulnCpe *c) {
  char fs[4 * VULN_CPE_MAX], fs2[4 * VULN_CPE_MAX], uri[4 * VULN_CPE_MAX];
  VulnCpe d;
  if (vuln_cpe_bind_fs(c, fs, sizeof fs) < 0) return;
  if (strlen(fs) <= VULN_CPE_MAX) {
    if (vuln_cpe_parse(fs, &d, s2, sizeof s2, NULL)) abort();       /* bound FS must parse */
    if (vuln_cpe_compare(c, &d) != CPE_REL_EQUAL && vuln_cpe_compare(c, &d) != CPE_REL_UNDEFINED) abort();
    if (vuln_cpe_bind_fs(&d, fs2, sizeof fs2) < 0 || strcmp(fs, fs2)) abort();  /* and bind identically */
  }
  vuln_cpe_bind_uri(c, uri, sizeof uri);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (!s) return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  VulnCpe c, t;
  unsigned rel;
  if (!vuln_cpe_parse(s, &c, s1, sizeof s1, NULL)) {
    round_trip(&c);
    char ts[2 * VULN_CPE_MAX + 16];
    if (!vuln_cpe_parse("cpe:2.3:a:vendor\\!:product:1.0:sp1:*:*:*:wordpress:*:*", &t, ts, sizeof ts, NULL)) {
      vuln_cpe_compare(&c, &t);
      vuln_cpe_compare(&t, &c);
      vuln_cpe_matches(&c, &t, ~0u, &rel);
    }
  }
  VulnPurl *p = malloc(sizeof *p);
  if (p && !vuln_purl_parse(s, p, NULL)) {
    char out[4096];
    vuln_purl_format(p, out, sizeof out);
    vuln_purl_match(p, p);
  }
  free(p);
  free(s);
  return 0;
}
