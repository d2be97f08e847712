/* test_vuln_cvss.c — CVSS base scores from vectors: worked examples from
 * the specifications' rules, and every metric of the real NVD page as oracle. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "test.h"
#include "vuln/cvss.h"

static double score(const char *v) {
  VulnCvss c;
  char why[128];
  return vuln_cvss_parse(v, &c, why, sizeof why) ? -1 : c.base;
}

#define SCORE(v, want) CHECK_INT((int)lround(score(v) * 10), (int)lround((want) * 10))

TEST(v3_examples) {
  SCORE("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8);
  SCORE("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0);
  SCORE("CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/A:H", 6.5);
  SCORE("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 6.5);
  SCORE("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1);   /* the usual XSS */
  SCORE("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4);   /* PR:L is 0.68 when scope changes */
  SCORE("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0);   /* no impact, no score */
  SCORE("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8);
  SCORE("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O", 9.8);  /* temporal ignored */
  CHECK_STR(vuln_cvss3_severity(9.8), "CRITICAL");
  CHECK_STR(vuln_cvss3_severity(7.0), "HIGH");
  CHECK_STR(vuln_cvss3_severity(3.9), "LOW");
  CHECK_STR(vuln_cvss3_severity(0), "NONE");
}

TEST(v2_examples) {
  SCORE("AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0);
  SCORE("AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5);
  SCORE("AV:N/AC:M/Au:N/C:P/I:P/A:P", 6.8);
  SCORE("AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3);
  SCORE("AV:L/AC:L/Au:N/C:N/I:N/A:N", 0.0);
}

TEST(bad_vectors) {
  VulnCvss c;
  char why[128];
  CHECK(vuln_cvss_parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", &c, why, sizeof why) != 0);  /* A missing */
  CHECK(vuln_cvss_parse("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", &c, why, sizeof why) != 0);
  CHECK(vuln_cvss_parse("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", &c, why, sizeof why) != 0);
  CHECK(vuln_cvss_parse("CVSS:4.0/AV:N", &c, why, sizeof why) != 0);
  CHECK(vuln_cvss_parse("CVSS:3.1/AV:NN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", &c, why, sizeof why) != 0);
  CHECK(vuln_cvss_parse("", &c, why, sizeof why) != 0);
  CHECK(vuln_cvss_parse(NULL, &c, why, sizeof why) != 0);
}

/* NVD's own scores as the oracle: every v3.x and v2 metric on the page. */
TEST(nvd_page_oracle) {
  const char *sh = getenv("VARDE_SHARED");
  char path[1024];
  snprintf(path, sizeof path, "%s/data/nvd/api2-page-38-cves.json", sh ? sh : "../shared");
  json_t *doc = json_load_file(path, 0, NULL), *v, *m;
  if (!doc) {
    printf("# skip: %s missing\n", path);
    return;
  }
  size_t i, j, n = 0;
  static const char *const keys[] = {"cvssMetricV31", "cvssMetricV30", "cvssMetricV2"};
  json_array_foreach(json_object_get(doc, "vulnerabilities"), i, v) {
    for (int k = 0; k < 3; k++)
      json_array_foreach(json_object_get(json_object_get(json_object_get(v, "cve"), "metrics"), keys[k]), j, m) {
        json_t *d = json_object_get(m, "cvssData");
        double want = json_number_value(json_object_get(d, "baseScore"));
        double got = score(json_string_value(json_object_get(d, "vectorString")));
        if (lround(got * 10) != lround(want * 10))
          fprintf(stderr, "%s: %s = %.1f, NVD says %.1f\n", json_string_value(json_object_get(json_object_get(v, "cve"), "id")),
                  json_string_value(json_object_get(d, "vectorString")), got, want);
        CHECK_INT(lround(got * 10), lround(want * 10));
        n++;
      }
  }
  printf("# %zu NVD metrics recomputed\n", n);
  CHECK(n >= 38);
  json_decref(doc);
}

int main(void) {
  RUN(v3_examples);
  RUN(v2_examples);
  RUN(bad_vectors);
  RUN(nvd_page_oracle);
  return TEST_DONE();
}
