/* test_vuln_cfgbin.c — the binary configuration record: every CVE of the
 * real NVD page survives encode → decode → encode byte for byte with the
 * same parsed criteria, and truncated, foreign or inflated records are
 * rejected without appending anything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "vuln/cfgbin.h"
#include "vuln/match.h"

static VulnDb *src;

static int same_cpes(const VulnNode *a, const VulnNode *b) {
  char x[4 * VULN_CPE_MAX], y[4 * VULN_CPE_MAX];
  for (uint32_t i = 0; i < a->nmatch; i++) {
    if (vuln_cpe_bind_fs(&a->match[i].cpe, x, sizeof x) < 0 || vuln_cpe_bind_fs(&b->match[i].cpe, y, sizeof y) < 0 ||
        strcmp(x, y))
      return 0;
    if (vuln_cpe_compare(&a->match[i].cpe, &b->match[i].cpe) != CPE_REL_EQUAL) return 0;
  }
  for (uint32_t i = 0; i < a->nchild; i++)
    if (!same_cpes(&a->child[i], &b->child[i])) return 0;
  return 1;
}

TEST(round_trip_real_page) {
  VulnDb *dst = vuln_db_new();
  VulnCfgDecoder *d = vuln_cfgbin_decoder_new(dst);
  Buf a, b;
  buf_init(&a, 1 << 24);
  buf_init(&b, 1 << 24);
  size_t configured = 0;
  for (size_t i = 0; i < src->ncve; i++) {
    const VulnCve *c = &src->cve[i];
    buf_reset(&a);
    buf_reset(&b);
    CHECK_INT(vuln_cfgbin_encode(c, &a), 0);
    Err e = {0};
    CHECK_INT(vuln_cfgbin_decode(d, c->id, a.p, a.n, &e), 0);
    const VulnCve *o = &dst->cve[dst->ncve - 1];
    CHECK_STR(o->id, c->id);
    CHECK(o->cvss == c->cvss);
    CHECK_INT(o->ncfg, c->ncfg);
    CHECK_INT(vuln_cfgbin_encode(o, &b), 0);
    CHECK(a.n == b.n && !memcmp(a.p, b.p, a.n));
    for (uint32_t k = 0; k < c->ncfg; k++)
      for (uint32_t j = 0; j < c->cfg[k].nnode; j++) CHECK(same_cpes(&c->cfg[k].node[j], &o->cfg[k].node[j]));
    configured += c->ncfg > 0;
  }
  CHECK_INT(dst->ncve, src->ncve);
  CHECK_INT(configured, 25);   /* the page's CVEs with a configuration */
  buf_free(&a);
  buf_free(&b);
  vuln_cfgbin_decoder_free(d);
  vuln_db_free(dst);
}

static int never(void *ctx, const char *c, size_t l) {
  (void)c, (void)l;
  ++*(size_t *)ctx;
  return 0;
}

static int names_mysql(void *ctx, const char *c, size_t l) {
  (void)ctx;
  return l >= 23 && !memcmp(c, "cpe:2.3:a:oracle:mysql:", 23);
}

/* Skimming a record sees every vulnerable criterion (and only those):
 * wanted when one is, not when none is; a record that is not whole is
 * always wanted (decoding then reports it). */
TEST(skim_sees_vulnerable_criteria) {
  Buf a;
  buf_init(&a, 1 << 24);
  size_t mysql = 0, configured = 0;
  for (size_t i = 0; i < src->ncve; i++) {
    buf_reset(&a);
    CHECK_INT(vuln_cfgbin_encode(&src->cve[i], &a), 0);
    size_t seen = 0, vulnerable = 0;
    uint32_t ncfg = 9;
    CHECK_INT(vuln_cfgbin_wanted(a.p, a.n, never, &seen, &ncfg), 0);
    CHECK_INT(ncfg, src->cve[i].ncfg);
    for (uint32_t k = 0; k < src->cve[i].ncfg; k++)
      for (uint32_t j = 0; j < src->cve[i].cfg[k].nnode; j++)
        for (uint32_t m = 0; m < src->cve[i].cfg[k].node[j].nmatch; m++) vulnerable += src->cve[i].cfg[k].node[j].match[m].vulnerable;
    CHECK_INT(seen, vulnerable);   /* the page's nodes have no children */
    mysql += vuln_cfgbin_wanted(a.p, a.n, names_mysql, NULL, &ncfg);
    configured += ncfg > 0;
    if (a.n > 4) CHECK_INT(vuln_cfgbin_wanted(a.p, a.n - 1, never, &seen, &ncfg), 1);
  }
  CHECK(mysql >= 1 && mysql < configured);
  buf_free(&a);
}

/* Every proper prefix of every record, and a few corruptions, fail cleanly. */
TEST(malformed_records_rejected) {
  VulnDb *dst = vuln_db_new();
  VulnCfgDecoder *d = vuln_cfgbin_decoder_new(dst);
  Buf a;
  buf_init(&a, 1 << 24);
  size_t bad = 0, tried = 0;
  for (size_t i = 0; i < src->ncve; i += 5) {
    buf_reset(&a);
    CHECK_INT(vuln_cfgbin_encode(&src->cve[i], &a), 0);
    for (size_t n = 0; n < a.n; n++, tried++) {
      Err e = {0};
      bad += vuln_cfgbin_decode(d, "CVE-X", a.p, n, &e) == VERR_INVALID;
    }
    char *p = malloc(a.n + 1);
    memcpy(p, a.p, a.n);
    p[a.n] = 0;
    Err e = {0};
    CHECK_INT(vuln_cfgbin_decode(d, "CVE-X", p, a.n + 1, &e), VERR_INVALID);   /* trailing byte */
    p[2] = VULN_CFGBIN_VERSION + 1;
    CHECK_INT(vuln_cfgbin_decode(d, "CVE-X", p, a.n, &e), VERR_INVALID);       /* another version */
    CHECK(strstr(e.msg, "version") != NULL);
    free(p);
  }
  CHECK_INT(bad, tried);
  /* a count far beyond the bytes that follow is refused before allocating */
  static const unsigned char huge[] = {'V', 'C', VULN_CFGBIN_VERSION, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0xbf,
                                       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 1};
  Err e = {0};
  CHECK_INT(vuln_cfgbin_decode(d, "CVE-X", huge, sizeof huge, &e), VERR_INVALID);
  CHECK_INT(dst->ncve, 0);
  buf_free(&a);
  vuln_cfgbin_decoder_free(d);
  vuln_db_free(dst);
}

int main(void) {
  char path[1024];
  const char *shared = getenv("VARDE_SHARED");
  snprintf(path, sizeof path, "%s/data/nvd/api2-page-38-cves.json", shared ? shared : "../shared");
  FILE *f = fopen(path, "r");
  if (!f) {
    printf("1..0 # SKIP %s missing\n", path);
    return 0;
  }
  fclose(f);
  src = vuln_db_new();
  VulnReport r = {0};
  Err e = {0};
  if (vuln_load_path(src, path, &r, &e)) return fprintf(stderr, "# %s\n", e.msg), 1;
  RUN(round_trip_real_page);
  RUN(malformed_records_rejected);
  RUN(skim_sees_vulnerable_criteria);
  vuln_db_free(src);
  return TEST_DONE();
}
