/* test_vuln_version.c — the documented version ordering, NVD range bounds,
 * vers:/free-text ranges, and purl parsing and matching. */
#include "test.h"
#include "vuln/purl.h"
#include "vuln/version.h"

static int sgn(int x) { return (x > 0) - (x < 0); }
#define LT(a, b) do { CHECK_INT(sgn(vuln_version_cmp(a, b)), -1); CHECK_INT(sgn(vuln_version_cmp(b, a)), 1); } while (0)
#define EQ(a, b) do { CHECK_INT(vuln_version_cmp(a, b), 0); CHECK_INT(vuln_version_cmp(b, a), 0); } while (0)

TEST(numeric_segments) {
  LT("1.0", "1.0.1");
  LT("1.9", "1.10");          /* numbers, not strings */
  LT("2.0", "10.0");
  LT("1.99999", "2.0");
  EQ("1.0", "1.0.0");         /* trailing zeros are the same release */
  EQ("1.01", "1.1");          /* leading zeros ignored */
  EQ("v1.2", "1.2");          /* a leading v before a digit is dropped */
  EQ("1_2_3", "1.2.3");       /* separators are boundaries only */
  EQ("", "");
  LT("", "0.1");
}

TEST(letters_and_prereleases) {
  LT("1.0rc1", "1.0");
  LT("1.0-beta", "1.0-rc1");
  LT("1.0a1", "1.0b1");       /* a/b followed by a digit are alpha/beta */
  LT("1.0b1", "1.0rc1");
  LT("1.0.dev1", "1.0a1");
  LT("1.0-alpha", "1.0-beta");
  EQ("1.0alpha1", "1.0a1");
  LT("2.0-rc1", "2.0.1");
  LT("1.0~rc1", "1.0");       /* Debian tilde sorts before the release */
  LT("1.0.2", "1.0.2a");      /* a lone letter is a later letter release (OpenSSL) */
  LT("1.0.2a", "1.0.2b");
  LT("1.0.2z", "1.0.3");
  LT("9.8", "9.8p7");         /* patch levels come after the release... */
  LT("9.8p7", "9.8p10");
  LT("9.8p7", "9.8.1");       /* ...and before the next numbered one */
  LT("8.9p1", "8.9p1-3ubuntu0.10");
}

TEST(epochs) {
  LT("2.0", "1:1.0");         /* Debian epoch wins */
  EQ("0:1.0", "1.0");
  LT("1:1.0", "1:1.1");
}

TEST(nvd_range_bounds) {
  /* versionStartIncluding 8.0, versionEndIncluding 8.0.34 (CVE-2023-22068) */
  CHECK_INT(vuln_version_in_range("8.0", "8.0", NULL, "8.0.34", NULL), 1);
  CHECK_INT(vuln_version_in_range("8.0.20", "8.0", NULL, "8.0.34", NULL), 1);
  CHECK_INT(vuln_version_in_range("8.0.34", "8.0", NULL, "8.0.34", NULL), 1);
  CHECK_INT(vuln_version_in_range("8.0.35", "8.0", NULL, "8.0.34", NULL), 0);
  CHECK_INT(vuln_version_in_range("7.9.9", "8.0", NULL, "8.0.34", NULL), 0);
  /* versionStartExcluding / versionEndExcluding */
  CHECK_INT(vuln_version_in_range("1.0", NULL, "1.0", NULL, "2.0"), 0);
  CHECK_INT(vuln_version_in_range("1.0.1", NULL, "1.0", NULL, "2.0"), 1);
  CHECK_INT(vuln_version_in_range("2.0", NULL, "1.0", NULL, "2.0"), 0);
  CHECK_INT(vuln_version_in_range("2.0-rc1", NULL, "1.0", NULL, "2.0"), 1);
  CHECK_INT(vuln_version_in_range("11.5.0", NULL, NULL, NULL, "11.5"), 0);
  CHECK_INT(vuln_version_in_range("", NULL, NULL, NULL, "11.5"), 0);  /* unknown version */
  CHECK_INT(vuln_version_in_range("", NULL, NULL, NULL, NULL), 1);
}

TEST(vers_and_free_text) {
  CHECK_INT(vuln_range_eval("vers:generic/>=1.0|<2.0", "1.5"), 1);
  CHECK_INT(vuln_range_eval("vers:generic/>=1.0|<2.0", "2.0"), 0);
  CHECK_INT(vuln_range_eval("vers:generic/>=1.0|<2.0", "0.9"), 0);
  CHECK_INT(vuln_range_eval("vers:all/*", "42"), 1);
  CHECK_INT(vuln_range_eval("vers:npm/1.2.3|>=2.0.0|<3.0.0", "1.2.3"), 1);
  CHECK_INT(vuln_range_eval("vers:npm/1.2.3|>=2.0.0|<3.0.0", "1.2.4"), 0);
  CHECK_INT(vuln_range_eval("vers:npm/1.2.3|>=2.0.0|<3.0.0", "2.5.1"), 1);
  CHECK_INT(vuln_range_eval("vers:generic/<=1.4|>=2.0", "3.0"), 1);
  CHECK_INT(vuln_range_eval("vers:generic/<=1.4|>=2.0", "1.7"), 0);
  CHECK_INT(vuln_range_eval("vers:generic/!=1.5", "1.5"), 0);
  CHECK_INT(vuln_range_eval("vers:generic/!=1.5", "1.6"), 1);
  CHECK_INT(vuln_range_eval("All versions < V4.33", "V4.32"), 1);
  CHECK_INT(vuln_range_eval("All versions < V4.33", "4.33"), 0);
  CHECK_INT(vuln_range_eval("<=2.1", "2.1"), 1);
  CHECK_INT(vuln_range_eval(">= V2.0 < V3.0", "2.5"), 1);
  CHECK_INT(vuln_range_eval(">= V2.0 < V3.0", "3.1"), 0);
  CHECK_INT(vuln_range_eval("All versions", "1.0"), 1);
  CHECK_INT(vuln_range_eval("V2.0 and later", "2.1"), 1);
  CHECK_INT(vuln_range_eval("V2.0 and later", "1.9"), 0);
  CHECK_INT(vuln_range_eval("All versions prior to V4.33", "4.33"), 0);  /* not "all versions" */
  CHECK_INT(vuln_range_eval("All versions prior to V4.33", "4.3"), 1);
  CHECK_INT(vuln_range_eval("4.1 and earlier", "4.1"), 1);
  CHECK_INT(vuln_range_eval("4.1 and earlier", "4.2"), 0);
  CHECK_INT(vuln_range_eval("< V15.1 Update 5", "V15.1 Update 4"), 1);   /* the update is part of the version */
  CHECK_INT(vuln_range_eval("< V15.1 Update 5", "V15.1 Update 5"), 0);
  CHECK_INT(vuln_range_eval("All versions < V2010 SP3", "V2010 SP2"), 1);
  CHECK_INT(vuln_range_eval("All versions < V2010 SP3", "V2010 SP3"), 0);
  CHECK_INT(vuln_range_eval("<=the_first_5_digits_of_serial_number_24031", "1"), -1);  /* cannot be evaluated */
  CHECK_INT(vuln_range_eval("< FW14", "FW13"), -1);
  CHECK_INT(vuln_range_eval("All versions of the gateway", "1"), -1);
  CHECK_INT(vuln_range_eval("vers:generic/", "2.1"), -1);
}

static VulnPurl pu;

TEST(purl_parse) {
  Err e = {0};
  char out[256];
  CHECK_INT(vuln_purl_parse("pkg:npm/%40angular/animation@12.3.1", &pu, &e), 0);
  CHECK_STR(pu.type, "npm");
  CHECK_STR(pu.ns, "@angular");
  CHECK_STR(pu.name, "animation");
  CHECK_STR(pu.version, "12.3.1");
  CHECK_INT(vuln_purl_parse("pkg:maven/org.apache.commons/io@1.3.4?repository_url=repo.spring.io%2Frelease&classifier=sources#/src/main/", &pu, &e), 0);
  CHECK_STR(pu.ns, "org.apache.commons");
  CHECK_INT(pu.nq, 2);
  CHECK_STR(pu.qk[0], "classifier");   /* sorted */
  CHECK_STR(pu.qv[1], "repo.spring.io/release");
  CHECK_STR(pu.subpath, "src/main");
  CHECK_INT(vuln_purl_parse("pkg:pypi/Django_Rest@1.0", &pu, &e), 0);
  CHECK_STR(pu.name, "django-rest");   /* pypi: lower case, '_' -> '-' */
  CHECK_INT(vuln_purl_parse("PKG:GitHub/Package-URL/purl-spec@244fd47e07d1004#everybody/loves/dogs", &pu, &e), 0);
  CHECK_STR(pu.type, "github");
  CHECK_STR(pu.ns, "package-url");
  CHECK(vuln_purl_format(&pu, out, sizeof out) > 0);
  CHECK_STR(out, "pkg:github/package-url/purl-spec@244fd47e07d1004#everybody/loves/dogs");
  CHECK_INT(vuln_purl_parse("pkg:generic/openssl", &pu, &e), 0);
  CHECK(pu.version == NULL && pu.ns == NULL);
}

TEST(purl_errors) {
  Err e = {0};
  CHECK(vuln_purl_parse("npm/foo@1", &pu, &e) != 0);
  CHECK(vuln_purl_parse("pkg:npm", &pu, &e) != 0);
  CHECK(vuln_purl_parse("pkg:/foo", &pu, &e) != 0);
  CHECK(vuln_purl_parse("pkg:npm/", &pu, &e) != 0);
  CHECK(vuln_purl_parse("pkg:npm/foo%zz@1", &pu, &e) != 0);
  CHECK(vuln_purl_parse("pkg:npm/foo%00@1", &pu, &e) != 0);
  CHECK(vuln_purl_parse("pkg:np m/foo@1", &pu, &e) != 0);
  CHECK(vuln_purl_parse("pkg:npm/foo?novalue", &pu, &e) != 0);
}

static int pm(const char *adv, const char *inv) {
  static VulnPurl a, b;
  if (vuln_purl_parse(adv, &a, NULL) || vuln_purl_parse(inv, &b, NULL)) return -1;
  return vuln_purl_match(&a, &b);
}

TEST(purl_match) {
  CHECK_INT(pm("pkg:npm/lodash@4.17.20", "pkg:npm/lodash@4.17.20"), 1);
  CHECK_INT(pm("pkg:npm/lodash@4.17.20", "pkg:npm/lodash@4.17.21"), 0);
  CHECK_INT(pm("pkg:npm/lodash", "pkg:npm/lodash@4.17.21"), 1);       /* any version */
  CHECK_INT(pm("pkg:npm/lodash@4.17.20", "pkg:npm/lodash"), 0);       /* version unknown */
  CHECK_INT(pm("pkg:npm/lodash", "pkg:pypi/lodash"), 0);
  CHECK_INT(pm("pkg:maven/a/b", "pkg:maven/c/b"), 0);
  CHECK_INT(pm("pkg:deb/debian/curl?arch=i386", "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie"), 1);
  CHECK_INT(pm("pkg:deb/debian/curl?arch=i386", "pkg:deb/debian/curl@7.50.3-1?arch=amd64"), 0);
  CHECK_INT(pm("pkg:deb/debian/curl?arch=i386", "pkg:deb/debian/curl@7.50.3-1"), 0);
  CHECK_INT(pm("pkg:pypi/Django_Rest@1.0", "pkg:pypi/django-rest@1.0.0"), 1);
}

/* The numeric form orders exactly as vuln_version_cmp on every pair. */
TEST(numeric_form) {
  static const char *const v[] = {"0", "1", "1.0", "1.0.0", "01.2", "1.2", "1.2.0.0", "1.10", "1.9.9", "2",
                                  "10.0.19041.1", "10.0.19041.10", "..3", "3.", "999999999", "0.0.0.1", "1.2.3.4"};
  static const char *const no[] = {"", ".", "1.0a", "v1.0", "1-2", "1.2.3.4.5", "1234567890", "1:2", "1.0~rc1", " 1"};
  enum { N = sizeof v / sizeof v[0] };
  uint32_t a[VULN_VER_NUM], b[VULN_VER_NUM];
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      CHECK(vuln_version_numeric(v[i], a) && vuln_version_numeric(v[j], b));
      if (sgn(vuln_version_numeric_cmp(a, b)) != sgn(vuln_version_cmp(v[i], v[j])))
        CHECK(!fprintf(stderr, "%s vs %s\n", v[i], v[j]));
    }
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) CHECK(!vuln_version_numeric(no[i], a));
  CHECK(vuln_version_numeric("10.0.19041.1", a) && a[0] == 10 && a[2] == 19041 && a[3] == 1);
}

int main(void) {
  RUN(numeric_segments);
  RUN(numeric_form);
  RUN(letters_and_prereleases);
  RUN(epochs);
  RUN(nvd_range_bounds);
  RUN(vers_and_free_text);
  RUN(purl_parse);
  RUN(purl_errors);
  RUN(purl_match);
  return TEST_DONE();
}
