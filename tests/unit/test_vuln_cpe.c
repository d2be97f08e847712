/* test_vuln_cpe.c — CPE 2.3 unbinding/binding and NISTIR 7696 matching,
 * cases written from the rules and examples of NISTIR 7695/7696. */
#include "test.h"
#include "vuln/cpe.h"
#include "vuln/match.h"
#include <string.h>

/* Each parse needs its own storage; keep a ring of buffers. */
static char ring[16][2 * VULN_CPE_MAX + 16];
static int ri;
static int parse(const char *s, VulnCpe *c) {
  Err e = {0};
  ri = (ri + 1) % 16;
  return vuln_cpe_parse(s, c, ring[ri], sizeof ring[ri], &e);
}

static const char *attr(const VulnCpe *c, int a) {
  return c->v[a] ? c->v[a] : c->na[a] ? "<NA>" : "<ANY>";
}

TEST(fs_unbind_examples) {
  VulnCpe c;
  CHECK_INT(parse("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*", &c), 0);
  CHECK_STR(attr(&c, CPE_PART), "a");
  CHECK_STR(attr(&c, CPE_VENDOR), "microsoft");
  CHECK_STR(attr(&c, CPE_PRODUCT), "internet_explorer");
  CHECK_STR(attr(&c, CPE_VERSION), "8\\.0\\.6001");
  CHECK_STR(attr(&c, CPE_UPDATE), "beta");
  CHECK_STR(attr(&c, CPE_OTHER), "<ANY>");
  CHECK_INT(parse("cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*", &c), 0);
  CHECK_STR(attr(&c, CPE_VERSION), "8\\.*");
  CHECK_STR(attr(&c, CPE_UPDATE), "sp?");
  CHECK_INT(parse("cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*", &c), 0);
  CHECK_STR(attr(&c, CPE_UPDATE), "<NA>");
  CHECK_STR(attr(&c, CPE_SW_EDITION), "online");
  CHECK_STR(attr(&c, CPE_TARGET_SW), "win2003");
  CHECK_STR(attr(&c, CPE_TARGET_HW), "x64");
  CHECK_INT(parse("cpe:2.3:a:foo\\\\bar:big\\$money_2010:*:*:*:*:special:ipod_touch:80gb:*", &c), 0);
  CHECK_STR(attr(&c, CPE_VENDOR), "foo\\\\bar");
  CHECK_STR(attr(&c, CPE_PRODUCT), "big\\$money_2010");
}

TEST(fs_escapes_and_case) {
  VulnCpe c;
  CHECK_INT(parse("cpe:2.3:a:foo:bar\\:baz:1.0:*:*:*:*:*:*:*", &c), 0);  /* escaped colon is not a separator */
  CHECK_STR(attr(&c, CPE_PRODUCT), "bar\\:baz");
  CHECK_STR(attr(&c, CPE_VERSION), "1\\.0");
  CHECK_INT(parse("CPE:2.3:A:Microsoft:IE:8:*:*:*:*:*:*:*", &c), 0);
  CHECK_STR(attr(&c, CPE_VENDOR), "microsoft");
  CHECK_INT(parse("cpe:2.3:a:foo:bar:1.0-beta_2:*:*:*:*:*:*:*", &c), 0);
  CHECK_STR(attr(&c, CPE_VERSION), "1\\.0\\-beta_2");   /* '-' inside a value is a literal, not NA */
  CHECK_INT(parse("cpe:2.3:a:foo:a\\**:*:*:*:*:*:*:*:*", &c), 0);  /* quoted '*' then a wildcard */
  CHECK_STR(attr(&c, CPE_PRODUCT), "a\\**");
}

TEST(fs_errors) {
  VulnCpe c;
  CHECK(parse("cpe:2.3:a:foo:bar:1.0:*:*:*:*:*:*", &c) != 0);        /* 10 attributes */
  CHECK(parse("cpe:2.3:a:foo:bar:1.0:*:*:*:*:*:*:*:*", &c) != 0);    /* 12 */
  CHECK(parse("cpe:2.3:x:foo:bar:1.0:*:*:*:*:*:*:*", &c) != 0);      /* bad part */
  CHECK(parse("cpe:2.3:a:foo:b*r:1.0:*:*:*:*:*:*:*", &c) != 0);      /* wildcard inside */
  CHECK(parse("cpe:2.3:a:foo:b?r:1.0:*:*:*:*:*:*:*", &c) != 0);
  CHECK(parse("cpe:2.3:a:foo::1.0:*:*:*:*:*:*:*", &c) != 0);         /* empty */
  CHECK(parse("cpe:2.3:a:foo:bar:1 0:*:*:*:*:*:*:*", &c) != 0);      /* space */
  CHECK(parse("cpe:2.3:a:foo:bar\\", &c) != 0);
  CHECK(parse("cpe:2.2:a:foo", &c) != 0);
  CHECK(parse("", &c) != 0);
}

TEST(uri_unbind) {
  VulnCpe c;
  CHECK_INT(parse("cpe:/a:microsoft:internet_explorer:8.0.6001:beta", &c), 0);
  CHECK_STR(attr(&c, CPE_VERSION), "8\\.0\\.6001");
  CHECK_STR(attr(&c, CPE_UPDATE), "beta");
  CHECK_STR(attr(&c, CPE_EDITION), "<ANY>");
  CHECK_INT(parse("cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~", &c), 0);
  CHECK_STR(attr(&c, CPE_UPDATE), "<ANY>");
  CHECK_STR(attr(&c, CPE_EDITION), "<ANY>");
  CHECK_STR(attr(&c, CPE_SW_EDITION), "online");
  CHECK_STR(attr(&c, CPE_TARGET_SW), "win2003");
  CHECK_STR(attr(&c, CPE_TARGET_HW), "x64");
  CHECK_STR(attr(&c, CPE_OTHER), "<ANY>");
  CHECK_INT(parse("cpe:/a:foo%5cbar:big%24money_2010", &c), 0);
  CHECK_STR(attr(&c, CPE_VENDOR), "foo\\\\bar");
  CHECK_STR(attr(&c, CPE_PRODUCT), "big\\$money_2010");
  CHECK_INT(parse("cpe:/a:microsoft:internet_explorer:8.%02:sp%01", &c), 0);
  CHECK_STR(attr(&c, CPE_VERSION), "8\\.*");
  CHECK_STR(attr(&c, CPE_UPDATE), "sp?");
  CHECK_INT(parse("cpe:/a:%02", &c), 0);              /* a lone wildcard is ANY (found by fuzz_cpe) */
  CHECK_STR(attr(&c, CPE_VENDOR), "<ANY>");
  CHECK_INT(parse("cpe:/o:linux:linux_kernel:-", &c), 0);
  CHECK_STR(attr(&c, CPE_VERSION), "<NA>");
  CHECK(parse("cpe:/a:foo:bar:1:2:3:4:5", &c) != 0);   /* 8 components */
  CHECK(parse("cpe:/a:foo%zzbar", &c) != 0);
  CHECK(parse("cpe:/a:foo:bar:1%2", &c) != 0);
  CHECK(parse("cpe:/a:foo:bar:1:2:~a~b~c", &c) != 0);  /* packed edition needs 5 */
  CHECK(parse("cpe:/a:foo:b%02r", &c) != 0);           /* wildcard inside */
}

TEST(bind_round_trip) {
  VulnCpe c;
  char out[512];
  const char *fs[] = {"cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*",
                      "cpe:2.3:a:foo\\\\bar:big\\$money_2010:*:*:*:*:special:ipod_touch:80gb:*",
                      "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
                      "cpe:2.3:a:foo:bar\\:baz:1.0-beta_2:*:*:*:*:*:*:*",
                      /* a lone literal hyphen keeps its quote, or it would read back as NA */
                      "cpe:2.3:a:foo:bar:\\-:-:*:*:*:*:*:*", NULL};
  for (int i = 0; fs[i]; i++) {
    CHECK_INT(parse(fs[i], &c), 0);
    CHECK(vuln_cpe_bind_fs(&c, out, sizeof out) > 0);
    CHECK_STR(out, fs[i]);
  }
  CHECK_INT(parse(fs[0], &c), 0);
  CHECK(vuln_cpe_bind_uri(&c, out, sizeof out) > 0);
  CHECK_STR(out, "cpe:/a:hp:insight_diagnostics:7.4.0.1570:-:~~online~win2003~x64~");
  CHECK_INT(parse("cpe:/a:foo%5cbar:big%24money_2010:8.%02:sp%01", &c), 0);
  CHECK(vuln_cpe_bind_uri(&c, out, sizeof out) > 0);
  CHECK_STR(out, "cpe:/a:foo%5cbar:big%24money_2010:8.%02:sp%01");
  CHECK(vuln_cpe_bind_fs(&c, out, sizeof out) > 0);
  CHECK_STR(out, "cpe:2.3:a:foo\\\\bar:big\\$money_2010:8.*:sp?:*:*:*:*:*:*");
  CHECK_INT(vuln_cpe_bind_fs(&c, out, 10), -1);  /* too small: refused, not truncated */
}

/* Relation of version values (source s, target t) in otherwise equal names. */
static VulnCpeRel vrel(const char *s, const char *t) {
  char a[256], b[256];
  VulnCpe x, y;
  snprintf(a, sizeof a, "cpe:2.3:a:v:p:%s:*:*:*:*:*:*:*", s);
  snprintf(b, sizeof b, "cpe:2.3:a:v:p:%s:*:*:*:*:*:*:*", t);
  if (parse(a, &x) || parse(b, &y)) return (VulnCpeRel)99;
  return vuln_cpe_compare_attr(&x, &y, CPE_VERSION);
}

TEST(attribute_relations_logical_values) {
  CHECK_INT(vrel("*", "*"), CPE_REL_EQUAL);      /* ANY/ANY */
  CHECK_INT(vrel("-", "-"), CPE_REL_EQUAL);      /* NA/NA */
  CHECK_INT(vrel("*", "-"), CPE_REL_SUPERSET);   /* ANY ⊇ NA */
  CHECK_INT(vrel("-", "*"), CPE_REL_SUBSET);
  CHECK_INT(vrel("*", "1.0"), CPE_REL_SUPERSET);
  CHECK_INT(vrel("1.0", "*"), CPE_REL_SUBSET);
  CHECK_INT(vrel("-", "1.0"), CPE_REL_DISJOINT); /* exactly one NA */
  CHECK_INT(vrel("1.0", "-"), CPE_REL_DISJOINT);
  CHECK_INT(vrel("1.0", "1.0"), CPE_REL_EQUAL);
  CHECK_INT(vrel("1.0", "1.1"), CPE_REL_DISJOINT);
}

TEST(attribute_relations_wildcards) {
  CHECK_INT(vrel("7.4.*", "7.4.0.1570"), CPE_REL_SUPERSET);
  CHECK_INT(vrel("7.4.*", "7.5.0"), CPE_REL_DISJOINT);
  CHECK_INT(vrel("*.1570", "7.4.0.1570"), CPE_REL_SUPERSET);  /* leading '*' */
  CHECK_INT(vrel("*4.0*", "7.4.0.1570"), CPE_REL_SUPERSET);   /* both ends */
  CHECK_INT(vrel("7.4.0.1570", "7.4.*"), CPE_REL_UNDEFINED);  /* wildcard in target */
  CHECK_INT(vrel("7.4.*", "7.4.*"), CPE_REL_UNDEFINED);       /* even when equal */
  CHECK_INT(vrel("sp?", "sp1"), CPE_REL_SUPERSET);
  CHECK_INT(vrel("sp?", "sp12"), CPE_REL_DISJOINT);  /* one '?' = exactly one character */
  CHECK_INT(vrel("sp??", "sp12"), CPE_REL_SUPERSET);
  CHECK_INT(vrel("sp??", "sp1"), CPE_REL_DISJOINT);
  CHECK_INT(vrel("?p1", "sp1"), CPE_REL_SUPERSET);
  CHECK_INT(vrel("??1", "sp1"), CPE_REL_SUPERSET);
  CHECK_INT(vrel("?1", "sp1"), CPE_REL_DISJOINT);
  CHECK_INT(vrel("?.0", "1\\.0"), CPE_REL_SUPERSET);          /* a quoted char counts as one */
  CHECK_INT(vrel("1?0", "1.0"), (VulnCpeRel)99);             /* '?' inside is not allowed */
  CHECK_INT(vrel("*1", "sp1"), CPE_REL_SUPERSET);
  CHECK_INT(vrel("*1", "sp2"), CPE_REL_DISJOINT);
  VulnCpe x, y;
  CHECK_INT(parse("cpe:2.3:a:foo:a\\**:*:*:*:*:*:*:*:*", &x), 0);
  CHECK_INT(parse("cpe:2.3:a:foo:a\\*bc:*:*:*:*:*:*:*:*", &y), 0);
  CHECK_INT(vuln_cpe_compare_attr(&x, &y, CPE_PRODUCT), CPE_REL_SUPERSET);  /* literal '*' then wildcard */
  CHECK_INT(parse("cpe:2.3:a:foo:abc:*:*:*:*:*:*:*:*", &y), 0);
  CHECK_INT(vuln_cpe_compare_attr(&x, &y, CPE_PRODUCT), CPE_REL_DISJOINT);  /* needs the literal '*' */
}

TEST(name_relations) {
  VulnCpe s, t;
  CHECK_INT(parse("cpe:2.3:a:microsoft:internet_explorer:8.*:*:*:*:*:*:*:*", &s), 0);
  CHECK_INT(parse("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*", &t), 0);
  CHECK_INT(vuln_cpe_compare(&s, &t), CPE_REL_SUPERSET);
  CHECK_INT(vuln_cpe_compare(&t, &s), CPE_REL_UNDEFINED);   /* target carries wildcards */
  CHECK_INT(vuln_cpe_compare(&t, &t), CPE_REL_EQUAL);
  CHECK_INT(parse("cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*", &s), 0);
  CHECK_INT(vuln_cpe_compare(&t, &s), CPE_REL_SUBSET);
  CHECK_INT(vuln_cpe_compare(&s, &t), CPE_REL_SUPERSET);
  CHECK_INT(parse("cpe:2.3:a:mozilla:firefox:*:*:*:*:*:*:*:*", &s), 0);
  CHECK_INT(vuln_cpe_compare(&s, &t), CPE_REL_DISJOINT);
  /* mixed SUPERSET and SUBSET: neither */
  CHECK_INT(parse("cpe:2.3:a:microsoft:internet_explorer:*:beta:*:*:*:*:*:*", &s), 0);
  CHECK_INT(parse("cpe:2.3:a:microsoft:internet_explorer:8.0:*:*:*:*:*:*:*", &t), 0);
  CHECK_INT(vuln_cpe_compare(&s, &t), CPE_REL_UNDEFINED);
  /* one DISJOINT attribute decides, even next to SUPERSET */
  CHECK_INT(parse("cpe:2.3:a:microsoft:*:8.0:-:*:*:*:*:*:*", &s), 0);
  CHECK_INT(parse("cpe:2.3:a:microsoft:ie:8.0:sp1:*:*:*:*:*:*", &t), 0);
  CHECK_INT(vuln_cpe_compare(&s, &t), CPE_REL_DISJOINT);
}

TEST(nvd_match_and_relaxation) {
  VulnCpe crit, inv;
  unsigned rel = 0;
  CHECK_INT(parse("cpe:2.3:a:automattic:activitypub:*:*:*:*:*:wordpress:*:*", &crit), 0);
  CHECK_INT(parse("cpe:2.3:a:automattic:activitypub:0.17.0:*:*:*:*:*:*:*", &inv), 0);
  CHECK_INT(vuln_cpe_matches(&crit, &inv, 0, &rel), 0);        /* strict: target_sw ANY is SUBSET */
  CHECK_INT(vuln_cpe_matches(&crit, &inv, 1u << CPE_TARGET_SW, &rel), 1);
  CHECK_INT(rel, 1u << CPE_TARGET_SW);
  CHECK_INT(vuln_cpe_matches(&crit, &inv, 1u << CPE_VERSION, &rel), 0);  /* only the named bits */
  CHECK_INT(parse("cpe:2.3:a:automattic:activitypub:0.17.0:*:*:*:*:wordpress:*:*", &inv), 0);
  rel = 99;
  CHECK_INT(vuln_cpe_matches(&crit, &inv, 0, &rel), 1);
  CHECK_INT(rel, 0);
  CHECK_INT(parse("cpe:2.3:a:automattic:activitypub:0.17.0:*:*:*:*:joomla:*:*", &inv), 0);
  CHECK_INT(vuln_cpe_matches(&crit, &inv, ~0u, &rel), 0);     /* DISJOINT is never relaxed */
}

/* The key read from a formatted string without parsing it all is the one
 * the matcher takes from the parsed name (vuln_cpe_key), or none. */
TEST(fs_key_equals_parsed_key) {
  static const char *const names[] = {
      "cpe:2.3:a:oracle:mysql:8.0.30:*:*:*:*:*:*:*", "cpe:2.3:a:Oracle:MySQL:*:*:*:*:*:*:*:*",
      "cpe:2.3:a:foo\\.bar:baz\\:qux:1.0:*:*:*:*:*:*:*", "cpe:2.3:a:foo.bar:baz_qux:1:*:*:*:*:*:*:*",
      "cpe:2.3:a:foo\\*:bar:*:*:*:*:*:*:*:*", "cpe:2.3:a:dreamer_cms_project:dreamer_cms:4.1.3:*:*:*:*:*:*:*",
      "cpe:2.3:o:fortinet:fortios:-:*:*:*:*:*:*:*", "cpe:2.3:a:a\\!b:c\\~d:*:*:*:*:*:*:*:*"};
  static const char *const none[] = {"cpe:2.3:a:*:mysql:*:*:*:*:*:*:*:*", "cpe:2.3:a:oracle:-:*:*:*:*:*:*:*:*",
                                     "cpe:2.3:a:ora*:mysql:*:*:*:*:*:*:*:*", "cpe:2.3:a:oracle:my?ql:*:*:*:*:*:*:*:*",
                                     "cpe:/a:oracle:mysql", "cpe:2.3:a:oracle", "cpe:2.3:a:ora cle:mysql:*:*:*:*:*:*:*:*"};
  char k1[2 * VULN_CPE_MAX + 2], k2[2 * VULN_CPE_MAX + 2];
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    VulnCpe c;
    CHECK_INT(parse(names[i], &c), 0);
    size_t l1 = vuln_cpe_fs_key(names[i], strlen(names[i]), k1, sizeof k1), l2 = vuln_cpe_key(&c, k2, sizeof k2);
    CHECK(l1 > 0 && l1 == l2 && !memcmp(k1, k2, l1));
  }
  for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
    CHECK_INT(vuln_cpe_fs_key(none[i], strlen(none[i]), k1, sizeof k1), 0);
  CHECK_INT(vuln_cpe_fs_key(names[0], strlen(names[0]), k1, 8), 0);   /* longer than cap */
}

TEST(quote_plain_names) {
  char out[128], plain[128];
  CHECK(vuln_cpe_quote("  Internet Explorer 8.0 ", out, sizeof out) > 0);
  CHECK_STR(out, "internet_explorer_8\\.0");
  vuln_cpe_unquote(out, plain, sizeof plain);
  CHECK_STR(plain, "internet_explorer_8.0");
  CHECK_INT(vuln_cpe_quote("Visma Flyt Skole", out, sizeof out) > 0, 1);
  CHECK_STR(out, "visma_flyt_skole");
  CHECK_INT(vuln_cpe_quote("Kommune\xc3\xa6", out, sizeof out), -1);  /* not ASCII */
  CHECK_INT(vuln_cpe_quote("   ", out, sizeof out), -1);
}

int main(void) {
  RUN(fs_unbind_examples);
  RUN(fs_escapes_and_case);
  RUN(fs_errors);
  RUN(uri_unbind);
  RUN(bind_round_trip);
  RUN(attribute_relations_logical_values);
  RUN(attribute_relations_wildcards);
  RUN(name_relations);
  RUN(nvd_match_and_relaxation);
  RUN(fs_key_equals_parsed_key);
  RUN(quote_plain_names);
  return TEST_DONE();
}
