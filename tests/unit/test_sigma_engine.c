/* test_sigma_engine.c — the Sigma rule language: every detection form, every
 * modifier and condition form, wildcard escapes and the reference's corner
 * cases; each check runs the fast and the reference evaluator and requires
 * them to agree. */
#include "sigma_helpers.h"

TEST(maps_and_lists) {
  const char *r = RULE("  sel:\n    Image: 'C:\\Windows\\cmd.exe'\n    User: [alice, bob]\n  condition: sel\n");
  CHECK_INT(h_fires(r, EV("Image=c:\\windows\\CMD.EXE", "User=Bob")), 1);   /* case-insensitive */
  CHECK_INT(h_fires(r, EV("Image=c:\\windows\\cmd.exe", "User=carol")), 0);
  CHECK_INT(h_fires(r, EV("User=alice")), 0);                                /* AND of fields */
  const char *lm = RULE("  sel:\n    - Image: a.exe\n    - User: bob\n  condition: sel\n");
  CHECK_INT(h_fires(lm, EV("User=bob")), 1);                                 /* list of maps = OR */
  CHECK_INT(h_fires(lm, EV("User=x", "Image=b.exe")), 0);
}

TEST(keywords) {
  const char *r = RULE("  kw:\n    - mimikatz\n    - 'sekurlsa::'\n  condition: kw\n");
  CHECK_INT(h_fires(r, EV("CommandLine=run Mimikatz.exe now")), 1);
  CHECK_INT(h_fires(r, EV("A=x", "B=do sekurlsa::logonpasswords")), 1);
  CHECK_INT(h_fires(r, EV("A=benign")), 0);
  const char *all = RULE("  kw:\n    '|all':\n      - foo\n      - bar\n  condition: kw\n");
  CHECK_INT(h_fires(all, EV("A=foo", "B=xbarx")), 1);
  CHECK_INT(h_fires(all, EV("A=foo")), 0);
}

TEST(null_and_empty) {
  const char *n = RULE("  sel:\n    Image: x\n  f:\n    OriginalFileName: null\n  condition: sel and f\n");
  CHECK_INT(h_fires(n, EV("Image=x")), 1);
  CHECK_INT(h_fires(n, EV("Image=x", "OriginalFileName=~")), 1);
  CHECK_INT(h_fires(n, EV("Image=x", "OriginalFileName=a")), 0);
  const char *e = RULE("  sel:\n    Image: x\n    Desc: ''\n  condition: sel\n");
  CHECK_INT(h_fires(e, EV("Image=x", "Desc=")), 1);
  CHECK_INT(h_fires(e, EV("Image=x", "Desc=a")), 0);
  CHECK_INT(h_fires(e, EV("Image=x")), 0);
}

TEST(numbers_match_strings) {
  const char *r = RULE("  sel:\n    EventID: 4688\n  condition: sel\n");
  CHECK_INT(h_fires(r, EV("EventID:=4688")), 1);
  CHECK_INT(h_fires(r, EV("EventID=4688")), 1);
  CHECK_INT(h_fires(r, EV("EventID=46880")), 0);
}

TEST(wildcards_and_escapes) {
  const char *r = RULE("  sel:\n    A: 'a*c'\n    B: 'x?z'\n  condition: sel\n");
  CHECK_INT(h_fires(r, EV("A=abbbc", "B=xyz")), 1);
  CHECK_INT(h_fires(r, EV("A=ac", "B=xz")), 0);
  /* \* literal star; \\* backslash then wildcard; \\\* backslash + literal star */
  const char *s1 = RULE("  sel:\n    A: 'a\\*b'\n  condition: sel\n");
  CHECK_INT(h_fires(s1, EV("A=a*b")), 1);
  CHECK_INT(h_fires(s1, EV("A=axb")), 0);
  const char *s2 = RULE("  sel:\n    A: 'a\\\\*'\n  condition: sel\n");
  CHECK_INT(h_fires(s2, EV("A=a\\anything")), 1);
  CHECK_INT(h_fires(s2, EV("A=aX")), 0);
  const char *s3 = RULE("  sel:\n    A: 'a\\\\\\*'\n  condition: sel\n");
  CHECK_INT(h_fires(s3, EV("A=a\\*")), 1);
  CHECK_INT(h_fires(s3, EV("A=a\\x")), 0);
  const char *s4 = RULE("  sel:\n    A: 'C:\\Windows\\'\n  condition: sel\n");   /* plain \\ literal */
  CHECK_INT(h_fires(s4, EV("A=c:\\windows\\")), 1);
  const char *s5 = RULE("  sel:\n    A: '\\\\\\\\\\*\\\\IPC$'\n  condition: sel\n");  /* \\*\IPC$ */
  CHECK_INT(h_fires(s5, EV("A=\\\\*\\IPC$")), 1);
  CHECK_INT(h_fires(s5, EV("A=\\\\srv\\IPC$")), 0);
}

TEST(contains_startswith_endswith_all) {
  const char *r = RULE("  sel:\n    A|contains: mid\n    B|startswith: pre\n    C|endswith: .exe\n  condition: sel\n");
  CHECK_INT(h_fires(r, EV("A=xxMIDxx", "B=prefix", "C=a.EXE")), 1);
  CHECK_INT(h_fires(r, EV("A=xxMIDxx", "B=xprefix", "C=a.EXE")), 0);
  CHECK_INT(h_fires(r, EV("A=xxMIDxx", "B=prefix", "C=a.exe.bak")), 0);
  const char *all = RULE("  sel:\n    A|contains|all: [one, two]\n  condition: sel\n");
  CHECK_INT(h_fires(all, EV("A=two and one")), 1);
  CHECK_INT(h_fires(all, EV("A=only one")), 0);
  CHECK_INT(h_fires(RULE("  sel:\n    A|contains|all: one\n  condition: sel\n"), EV("A=one")), -1);
}

/* Enough equality/startswith/endswith values on one field that the fast
 * path answers them from its hashed literal sets, not one by one; the
 * reference evaluator must agree on case, boundaries and empty values. */
TEST(hashed_literal_witnesses) {
  const char *r = RULE("  sel:\n    Image|endswith: ['/a.exe', '/bb.exe', '/ccc.exe', '/dddd.exe', '/Xy.EXE']\n"
                       "  eq:\n    Image: ['C:/e.exe', 'f', 'g', 'h']\n"
                       "  st:\n    Image|startswith: ['C:/Temp/', 'D:', 'E:', 'F:']\n"
                       "  cs:\n    Image|endswith|cased: ['/Up.exe', '/x1', '/x2', '/x3']\n"
                       "  condition: sel or eq or st or cs\n");
  CHECK_INT(h_fires(r, EV("Image=C:/Windows/A.EXE")), 1);
  CHECK_INT(h_fires(r, EV("Image=C:/Windows/xA.EXE")), 0);
  CHECK_INT(h_fires(r, EV("Image=/a.exe")), 1);
  CHECK_INT(h_fires(r, EV("Image=a.exe")), 0);
  CHECK_INT(h_fires(r, EV("Image=/xy.exe")), 1);
  CHECK_INT(h_fires(r, EV("Image=c:/E.EXE")), 1);
  CHECK_INT(h_fires(r, EV("Image=c:/E.EXEx")), 0);
  CHECK_INT(h_fires(r, EV("Image=F")), 1);
  CHECK_INT(h_fires(r, EV("Image=")), 0);
  CHECK_INT(h_fires(r, EV("Image=~")), 0);
  CHECK_INT(h_fires(r, EV("Image=c:/temp/x")), 1);
  CHECK_INT(h_fires(r, EV("Image=c:/temp")), 0);
  CHECK_INT(h_fires(r, EV("Image=d:")), 1);
  CHECK_INT(h_fires(r, EV("Image=x/Up.exe")), 1);
  CHECK_INT(h_fires(r, EV("Image=x/up.exe")), 0);
  CHECK_INT(h_fires(r, EV("Image=x/up.exe", "Image=x/bb.exe")), 1);   /* any of several values */
  const char *empty = RULE("  sel:\n    Image: ['', 'a', 'b', 'c', 'd']\n  condition: sel\n");
  CHECK_INT(h_fires(empty, EV("Image=")), 1);
  CHECK_INT(h_fires(empty, EV("Image=A")), 1);
  CHECK_INT(h_fires(empty, EV("Image=e")), 0);
}

TEST(cased_and_neq) {
  const char *r = RULE("  sel:\n    A|cased: Foo\n  condition: sel\n");
  CHECK_INT(h_fires(r, EV("A=Foo")), 1);
  CHECK_INT(h_fires(r, EV("A=foo")), 0);
  const char *n = RULE("  sel:\n    A: x\n    B|neq: bad\n  condition: sel\n");
  CHECK_INT(h_fires(n, EV("A=x", "B=good")), 1);
  CHECK_INT(h_fires(n, EV("A=x", "B=BAD")), 0);
}

TEST(regex) {
  const char *r = RULE("  sel:\n    A|re: '^ab+c$'\n  condition: sel\n");
  CHECK_INT(h_fires(r, EV("A=abbbc")), 1);
  CHECK_INT(h_fires(r, EV("A=ABBC")), 0);                  /* case-sensitive by default */
  const char *i = RULE("  sel:\n    A|re|i: '^ab+c$'\n  condition: sel\n");
  CHECK_INT(h_fires(i, EV("A=ABBC")), 1);
  const char *m = RULE("  sel:\n    A|re|m: '^two$'\n  condition: sel\n");
  CHECK_INT(h_fires(m, EV("A=one\ntwo\nthree")), 1);
  const char *nm = RULE("  sel:\n    A|re: '^two$'\n  condition: sel\n");
  CHECK_INT(h_fires(nm, EV("A=one\ntwo\nthree")), 0);
  const char *s = RULE("  sel:\n    A|re|s: 'a.b'\n  condition: sel\n");
  CHECK_INT(h_fires(s, EV("A=a\nb")), 1);
  CHECK_INT(h_fires(nm, EV("A=x")), 0);
  const char *search = RULE("  sel:\n    A|re: '\\d{3}'\n  condition: sel\n");   /* search, not full */
  CHECK_INT(h_fires(search, EV("A=abc123def")), 1);
  CHECK_INT(h_fires(RULE("  sel:\n    A|re: 'a(b'\n  condition: sel\n"), EV("A=x")), -1);
  const char *la = RULE("  sel:\n    A|re: 'foo(?!bar)'\n  condition: sel\n");   /* PCRE-only feature */
  CHECK_INT(h_fires(la, EV("A=foobaz")), 1);
  CHECK_INT(h_fires(la, EV("A=foobar")), 0);
}

TEST(base64_family) {
  const char *b = RULE("  sel:\n    A|base64: secret\n  condition: sel\n");
  CHECK_INT(h_fires(b, EV("A=c2VjcmV0")), 1);
  CHECK_INT(h_fires(b, EV("A=secret")), 0);
  const char *o = RULE("  sel:\n    A|base64offset|contains: Invoke-\n  condition: sel\n");
  CHECK_INT(h_fires(o, EV("A=powershell -enc SW52b2tlLUV4cHJlc3Npb24=")), 1);
  CHECK_INT(h_fires(o, EV("A=QUludm9rZS1FeHByZXNzaW9u")), 1);
  CHECK_INT(h_fires(o, EV("A=QUJJbnZva2UtRXhwcmVzc2lvbg==")), 1);
  CHECK_INT(h_fires(o, EV("A=aW52aXNpYmxl")), 0);
  CHECK_INT(h_fires(RULE("  sel:\n    A|base64: 'se*'\n  condition: sel\n"), EV("A=x")), -1);
  const char *w = RULE("  sel:\n    A|wide|base64: ping\n  condition: sel\n");
  CHECK_INT(h_fires(w, EV("A=cABpAG4AZwA=")), 1);
  const char *u = RULE("  sel:\n    A|utf16le|base64offset|contains: 'ping -n'\n  condition: sel\n");
  CHECK_INT(h_fires(u, EV("A=eHhwAGkAbgBnACAALQBuAA==")), 1);
  const char *be = RULE("  sel:\n    A|utf16be|base64: p\n  condition: sel\n");   /* 00 70 */
  CHECK_INT(h_fires(be, EV("A=AHA=")), 1);
  const char *bom = RULE("  sel:\n    A|utf16|base64: p\n  condition: sel\n");    /* FF FE 70 00 */
  CHECK_INT(h_fires(bom, EV("A=//5wAA==")), 1);
}

TEST(windash) {
  const char *r = RULE("  sel:\n    A|windash|contains: ' -exec bypass'\n  condition: sel\n");
  CHECK_INT(h_fires(r, EV("A=powershell -exec bypass")), 1);
  CHECK_INT(h_fires(r, EV("A=powershell /exec bypass")), 1);
  CHECK_INT(h_fires(r, EV("A=powershell \xe2\x80\x93" "exec bypass")), 1);   /* en dash */
  CHECK_INT(h_fires(r, EV("A=powershell \xe2\x80\x95" "exec bypass")), 1);   /* horizontal bar */
  CHECK_INT(h_fires(r, EV("A=powershell +exec bypass")), 0);
  /* only word-initial dashes are rewritten (pySigma): "a-b" keeps its dash */
  const char *mid = RULE("  sel:\n    A|windash: 'a-b'\n  condition: sel\n");
  CHECK_INT(h_fires(mid, EV("A=a/b")), 0);
  CHECK_INT(h_fires(mid, EV("A=a-b")), 1);
}

TEST(cidr) {
  const char *r = RULE("  sel:\n    Ip|cidr: ['10.0.0.0/8', '192.168.1.0/24', 'fe80::/10']\n  condition: sel\n");
  CHECK_INT(h_fires(r, EV("Ip=10.2.3.4")), 1);
  CHECK_INT(h_fires(r, EV("Ip=192.168.1.77")), 1);
  CHECK_INT(h_fires(r, EV("Ip=192.168.2.1")), 0);
  CHECK_INT(h_fires(r, EV("Ip=fe80::1")), 1);
  CHECK_INT(h_fires(r, EV("Ip=not an ip")), 0);
  CHECK_INT(h_fires(RULE("  sel:\n    Ip|cidr: 10.0.0.0/33\n  condition: sel\n"), EV("Ip=x")), -1);
}

TEST(exists) {
  const char *r = RULE("  sel:\n    A: x\n    B|exists: true\n  condition: sel\n");
  CHECK_INT(h_fires(r, EV("A=x", "B=")), 1);
  CHECK_INT(h_fires(r, EV("A=x")), 0);
  const char *f = RULE("  sel:\n    A: x\n    B|exists: false\n  condition: sel\n");
  CHECK_INT(h_fires(f, EV("A=x")), 1);
  CHECK_INT(h_fires(f, EV("A=x", "B=1")), 0);
}

TEST(expand) {
  const char *r = RULE("  sel:\n    User|expand: '%Administrators%'\n  condition: sel\n");
  const char *ph = "Administrators: [root, 'adm*']\n";
  CHECK_INT(h_fires_ph(r, ph, EV("User=ROOT")), 1);
  CHECK_INT(h_fires_ph(r, ph, EV("User=admin2")), 1);
  CHECK_INT(h_fires_ph(r, ph, EV("User=guest")), 0);
  CHECK_INT(h_fires(r, EV("User=root")), -1);   /* no placeholder file: rejected */
  CHECK(strstr(h_reason, "Administrators") != NULL);
  const char *mid = RULE("  sel:\n    Path|expand: 'C:\\%Servers%\\x'\n  condition: sel\n");
  CHECK_INT(h_fires_ph(mid, "Servers: [s1]\n", EV("Path=c:\\s1\\x")), 1);
}

TEST(fieldref) {
  const char *r = RULE("  sel:\n    A|fieldref: B\n  condition: sel\n");
  CHECK_INT(h_fires(r, EV("A=same", "B=SAME")), 1);
  CHECK_INT(h_fires(r, EV("A=same", "B=other")), 0);
  CHECK_INT(h_fires(r, EV("A=same")), 0);
  const char *c = RULE("  sel:\n    A|fieldref|contains: B\n  condition: sel\n");
  CHECK_INT(h_fires(c, EV("A=xxabcxx", "B=abc")), 1);
  const char *s = RULE("  sel:\n    A|fieldref|startswith: B\n  condition: sel\n");
  CHECK_INT(h_fires(s, EV("A=abcxx", "B=abc")), 1);
  CHECK_INT(h_fires(s, EV("A=xabc", "B=abc")), 0);
  const char *e = RULE("  sel:\n    A|fieldref|endswith: B\n  condition: sel\n");
  CHECK_INT(h_fires(e, EV("A=xxabc", "B=abc")), 1);
  const char *n = RULE("  sel:\n    A|fieldref|neq: B\n  condition: sel\n");
  CHECK_INT(h_fires(n, EV("A=one", "B=two")), 1);
  CHECK_INT(h_fires(n, EV("A=one", "B=one")), 0);
}

TEST(numeric_compare) {
  const char *r = RULE("  sel:\n    N|gt: 10\n    M|lte: 5\n  condition: sel\n");
  CHECK_INT(h_fires(r, EV("N:=11", "M:=5")), 1);
  CHECK_INT(h_fires(r, EV("N=10", "M=5")), 0);
  CHECK_INT(h_fires(r, EV("N=abc", "M=1")), 0);
  CHECK_INT(h_fires(RULE("  sel:\n    N|lt: 3.5\n  condition: sel\n"), EV("N=3.25")), 1);
  CHECK_INT(h_fires(RULE("  sel:\n    N|gte: 7\n  condition: sel\n"), EV("N=7")), 1);
  CHECK_INT(h_fires(RULE("  sel:\n    N|lt: abc\n  condition: sel\n"), EV("N=1")), -1);
}

TEST(time_parts) {
  const char *t = "T=2024-03-15T22:07:09Z";   /* a Friday in ISO week 11 */
  CHECK_INT(h_fires(RULE("  sel:\n    T|hour: 22\n  condition: sel\n"), EV(t)), 1);
  CHECK_INT(h_fires(RULE("  sel:\n    T|minute: 7\n  condition: sel\n"), EV(t)), 1);
  CHECK_INT(h_fires(RULE("  sel:\n    T|day: 15\n  condition: sel\n"), EV(t)), 1);
  CHECK_INT(h_fires(RULE("  sel:\n    T|week: 11\n  condition: sel\n"), EV(t)), 1);
  CHECK_INT(h_fires(RULE("  sel:\n    T|month: 3\n  condition: sel\n"), EV(t)), 1);
  CHECK_INT(h_fires(RULE("  sel:\n    T|year: 2024\n  condition: sel\n"), EV(t)), 1);
  CHECK_INT(h_fires(RULE("  sel:\n    T|hour|gte: 20\n  condition: sel\n"), EV(t)), 1);
  CHECK_INT(h_fires(RULE("  sel:\n    T|hour|lt: 6\n  condition: sel\n"), EV(t)), 0);
}

TEST(unknown_modifier_rejected) {
  CHECK_INT(h_fires(RULE("  sel:\n    A|sparkle: x\n  condition: sel\n"), EV("A=x")), -1);
  CHECK(strstr(h_reason, "sparkle") != NULL);
  CHECK_INT(h_fires(RULE("  sel:\n    A|i: x\n  condition: sel\n"), EV("A=x")), -1);
}

#define SELS "  sel_a:\n    A: 1\n  sel_b:\n    B: 1\n  filter_c:\n    C: 1\n  _hidden:\n    D: 1\n"

TEST(condition_operators) {
  CHECK_INT(h_fires(RULE(SELS "  condition: sel_a and not filter_c\n"), EV("A=1")), 1);
  CHECK_INT(h_fires(RULE(SELS "  condition: sel_a and not filter_c\n"), EV("A=1", "C=1")), 0);
  CHECK_INT(h_fires(RULE(SELS "  condition: sel_a or sel_b and filter_c\n"), EV("A=1")), 1);   /* and binds tighter */
  CHECK_INT(h_fires(RULE(SELS "  condition: (sel_a or sel_b) and filter_c\n"), EV("A=1")), 0);
  CHECK_INT(h_fires(RULE(SELS "  condition: not sel_a and sel_b\n"), EV("B=1")), 1);           /* not binds tighter */
  CHECK_INT(h_fires(RULE(SELS "  condition: not (sel_a or sel_b)\n"), EV("B=1")), 0);
  CHECK_INT(h_fires(RULE(SELS "  condition: not not sel_a\n"), EV("A=1")), 1);
}

TEST(condition_quantifiers) {
  CHECK_INT(h_fires(RULE(SELS "  condition: 1 of sel_*\n"), EV("B=1")), 1);
  CHECK_INT(h_fires(RULE(SELS "  condition: any of sel_*\n"), EV("B=1")), 1);
  CHECK_INT(h_fires(RULE(SELS "  condition: all of sel_*\n"), EV("B=1")), 0);
  CHECK_INT(h_fires(RULE(SELS "  condition: all of sel_*\n"), EV("A=1", "B=1")), 1);
  CHECK_INT(h_fires(RULE(SELS "  condition: 1 of sel_* and not 1 of filter_*\n"), EV("A=1", "C=1")), 0);
  /* them excludes identifiers starting with _ */
  CHECK_INT(h_fires(RULE(SELS "  condition: all of them\n"), EV("A=1", "B=1", "C=1")), 1);
  CHECK_INT(h_fires(RULE(SELS "  condition: 1 of them\n"), EV("D=1")), 0);
  CHECK_INT(h_fires(RULE(SELS "  condition: _hidden\n"), EV("D=1")), 1);
  CHECK_INT(h_fires(RULE(SELS "  condition: 1 of *_a\n"), EV("A=1")), 1);
}

TEST(condition_list_is_or) {
  const char *r = RULE(SELS "  condition:\n    - sel_a and filter_c\n    - sel_b\n");
  CHECK_INT(h_fires(r, EV("B=1")), 1);
  CHECK_INT(h_fires(r, EV("A=1")), 0);
  CHECK_INT(h_fires(r, EV("A=1", "C=1")), 1);
}

TEST(condition_errors) {
  CHECK_INT(h_fires(RULE(SELS "  condition: sel_a and\n"), EV("A=1")), -1);
  CHECK_INT(h_fires(RULE(SELS "  condition: (sel_a\n"), EV("A=1")), -1);
  CHECK_INT(h_fires(RULE(SELS "  condition: nosuch\n"), EV("A=1")), -1);
  CHECK_INT(h_fires(RULE(SELS "  condition: 1 of zzz*\n"), EV("A=1")), -1);
  CHECK_INT(h_fires(RULE(SELS "  condition: sel_a | count() > 5\n"), EV("A=1")), -1);
  CHECK(strstr(h_reason, "correlation") != NULL);
  CHECK_INT(h_fires(RULE(SELS "  condition: sel_*\n"), EV("A=1")), -1);
  CHECK_INT(h_fires("title: t\nlogsource: {product: windows}\ndetection:\n  sel: {A: 1}\n", EV("A=1")), -1);
  CHECK_INT(h_fires("title: t\ndetection:\n  sel: {A: 1}\n  condition: sel\n", EV("A=1")), -1);
}

TEST(invalid_rules_reported_with_line) {
  SigmaEngine *e = sigma_engine_new();
  const char *y = "title: good\nlogsource: {product: windows}\ndetection:\n  s: {A: 1}\n  condition: s\n"
                  "---\ntitle: bad\nlogsource: {product: windows}\ndetection:\n  s:\n    A|nope: 1\n  condition: s\n";
  h_bad = 0;
  int n = sigma_load_buffer(e, "two.yml", y, strlen(y), h_diag, NULL);
  CHECK_INT(n, 1);
  CHECK_INT(h_bad, 1);
  CHECK(strstr(h_reason, "nope") != NULL);
  sigma_engine_free(e);
  e = sigma_engine_new();
  CHECK_INT(sigma_load_buffer(e, "broken.yml", "title: [unclosed\n", 16, h_diag, NULL), 0);
  sigma_engine_free(e);
}

TEST(filters) {
  const char *base = "title: r\nid: r1\nlogsource: {product: windows, category: process_creation}\n"
                     "detection:\n  sel: {Image|endswith: '\\cmd.exe'}\n  condition: sel\n";
  const char *flt = "---\ntitle: f\nlogsource: {product: windows, category: process_creation}\n"
                    "filter:\n  rules: [r1]\n  sel: {User: admin}\n  condition: not sel\n";
  char y[1024];
  snprintf(y, sizeof y, "%s%s", base, flt);
  const char *const sysmon[] = {"Channel=Microsoft-Windows-Sysmon/Operational", "EventID=1",
                                "Image=c:\\x\\cmd.exe", "User=admin", NULL};
  CHECK_INT(h_fires(base, sysmon), 1);
  CHECK_INT(h_fires(y, sysmon), 0);          /* excluded by the filter */
  const char *const other[] = {"Channel=Microsoft-Windows-Sysmon/Operational", "EventID=1",
                               "Image=c:\\x\\cmd.exe", "User=bob", NULL};
  CHECK_INT(h_fires(y, other), 1);
  /* spec example polarity: `condition: selection` restricts instead (pySigma) */
  snprintf(y, sizeof y, "%s%s", base, "---\ntitle: f\nlogsource: {product: windows}\n"
           "filter:\n  rules: any\n  sel: {User: admin}\n  condition: sel\n");
  CHECK_INT(h_fires(y, sysmon), 1);
  CHECK_INT(h_fires(y, other), 0);
}

TEST(logsource_routing) {
  const char *pc = "title: p\nlogsource: {product: windows, category: process_creation}\n"
                   "detection:\n  s: {Image|endswith: '\\evil.exe'}\n  condition: s\n";
  CHECK_INT(h_fires(pc, EV("Channel=Microsoft-Windows-Sysmon/Operational", "EventID:=1", "Image=c:\\evil.exe")), 1);
  CHECK_INT(h_fires(pc, EV("Channel=Microsoft-Windows-Sysmon/Operational", "EventID:=11", "Image=c:\\evil.exe")), 0);
  /* Security 4688: NewProcessName is seen as Image */
  CHECK_INT(h_fires(pc, EV("Channel=Security", "EventID:=4688", "NewProcessName=C:\\evil.exe")), 1);
  CHECK_INT(h_fires(pc, EV("Channel=Security", "EventID:=4624", "NewProcessName=C:\\evil.exe")), 0);
  const char *sec = "title: s\nlogsource: {product: windows, service: security}\n"
                    "detection:\n  s: {EventID: 4624}\n  condition: s\n";
  CHECK_INT(h_fires(sec, EV("Channel=Security", "EventID=4624")), 1);
  CHECK_INT(h_fires(sec, EV("Channel=System", "EventID=4624")), 0);
  const char *lin = "title: l\nlogsource: {product: linux}\ndetection:\n  s: {EventID: 4624}\n  condition: s\n";
  CHECK_INT(h_fires(lin, EV("Channel=Security", "EventID=4624")), 0);
  CHECK_INT(h_fires(lin, EV("EventID=4624")), 1);   /* unclassified JSON: all rules */
}

/* Routes are cached per Channel+EventID and drop the rules their values
 * rule out; an event with two EventID values, or none, must not share the
 * route of one with a single value. One matcher sees all the events. */
TEST(route_pruning_needs_exact_keys) {
  const char *y = "title: a\nlogsource: {product: windows, service: security}\ndetection:\n"
                  "  s: {EventID: 4732, TargetUserName|startswith: Administr}\n  condition: s\n"
                  "---\ntitle: b\nlogsource: {product: windows, service: security}\ndetection:\n"
                  "  s: {TargetUserName: admin}\n  n: {EventID: 1}\n  condition: s and not n\n";
  SigmaEngine *f = h_engine(y, SIGMA_FAST, NULL), *r = h_engine(y, SIGMA_REFERENCE, NULL);
  CHECK(f && r);
  if (!f || !r) { sigma_engine_free(f); sigma_engine_free(r); return; }
  const char *const *evs[] = {
    EV("Channel=Security", "EventID=4624", "TargetUserName=Administrator"),
    EV("Channel=Security", "EventID=4624", "EventID=4732", "TargetUserName=Administrator"),
    EV("Channel=Security", "EventID=4732", "TargetUserName=Administrator"),
    EV("Channel=Security", "EventID=1", "TargetUserName=admin"),
    EV("Channel=Security", "TargetUserName=admin"),
    EV("Channel=Security", "EventID=1", "EventID=2", "TargetUserName=admin"),
  };
  const int want[] = {0, 1, 1, 0, 1, 0};
  SigmaMatcher *mf = sigma_matcher_new(f), *mr = sigma_matcher_new(r);
  SigmaEvent ev;
  sev_init(&ev);
  for (int round = 0; round < 2; round++)   /* the second round runs on cached routes */
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++) {
      uint32_t a[8], b[8];
      h_event(&ev, evs[i]);
      size_t na = sigma_match(mf, &ev, a, 8), nb = sigma_match(mr, &ev, b, 8);
      CHECK_INT(na, nb);
      CHECK_INT(na, want[i]);
    }
  sev_free(&ev);
  sigma_matcher_free(mf);
  sigma_matcher_free(mr);
  sigma_engine_free(f);
  sigma_engine_free(r);
}

/* Routes whose keyword rules all lack a category and service scan only
 * those rules' keywords; a keyword that is another rule's witness must then
 * still be tested when a rule uses it (here in a NOT). */
TEST(keyword_scan_of_logsource_wide_rules) {
  const char *y = "title: a\nlogsource: {product: windows}\ndetection:\n  k: [mimikatz]\n  condition: k\n"
                  "---\ntitle: s\nlogsource: {product: windows, service: security}\ndetection:\n"
                  "  k: [evilword]\n  condition: k\n"
                  "---\ntitle: c\nlogsource: {product: windows}\ndetection:\n"
                  "  k: [sekurlsa]\n  n: [evilword]\n  condition: k and not n\n";
  SigmaEngine *f = h_engine(y, SIGMA_FAST, NULL), *r = h_engine(y, SIGMA_REFERENCE, NULL);
  CHECK(f && r);
  if (!f || !r) { sigma_engine_free(f); sigma_engine_free(r); return; }
  const char *const *evs[] = {
    EV("Channel=System", "EventID=1", "Data=sekurlsa::logonpasswords evilword"),
    EV("Channel=System", "EventID=1", "Data=sekurlsa::logonpasswords", "X=mimikatz"),
    EV("Channel=Security", "EventID=1", "Data=sekurlsa::logonpasswords evilword"),
    EV("Channel=Security", "EventID=1", "Data=sekurlsa::x"),
  };
  const int want[] = {0, 2, 1, 1};
  SigmaEvent ev;
  sev_init(&ev);
  for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++) {
    h_event(&ev, evs[i]);
    CHECK_INT(h_count(f, r, &ev), want[i]);
  }
  sev_free(&ev);
  sigma_engine_free(f);
  sigma_engine_free(r);
}

/* Fires under both evaluators for an event of a given input format? */
static int fires_fmt(const char *yaml, SigmaFormat fmt, const char *const *kv) {
  SigmaEngine *f = h_engine(yaml, SIGMA_FAST, NULL), *r = h_engine(yaml, SIGMA_REFERENCE, NULL);
  int res = -1;
  if (f && r) {
    SigmaEvent ev;
    sev_init(&ev);
    h_event(&ev, kv);
    ev.format = fmt;
    res = h_count(f, r, &ev);
    sev_free(&ev);
  }
  sigma_engine_free(f);
  sigma_engine_free(r);
  return res;
}

TEST(m365_and_syslog_routing) {
  const char *m365 = "title: m\nlogsource: {product: m365, service: threat_management}\n"
                     "detection:\n  s: {Operation: New-InboxRule, RequestType: Set}\n  condition: s\n";
  const char *const ual[] = {"Operation=New-InboxRule", "Workload=Exchange", "RequestType=Set", NULL};
  CHECK_INT(fires_fmt(m365, SFMT_M365, ual), 1);
  CHECK_INT(fires_fmt(m365, SFMT_SYSLOG, ual), 0);       /* not a linux rule */
  const char *win = "title: w\nlogsource: {product: windows, service: security}\n"
                    "detection:\n  s: {Operation: New-InboxRule}\n  condition: s\n";
  CHECK_INT(fires_fmt(win, SFMT_M365, ual), 0);          /* Windows rules do not see M365 */
  const char *lin = "title: l\nlogsource: {product: linux, service: sshd}\n"
                    "detection:\n  k: ['Failed password']\n  condition: k\n";
  const char *const sys[] = {"program=sshd", "message=Failed password for root from 10.0.0.1", NULL};
  CHECK_INT(fires_fmt(lin, SFMT_SYSLOG, sys), 1);
  CHECK_INT(fires_fmt(lin, SFMT_M365, sys), 0);
  const char *pc = "title: p\nlogsource: {product: linux, category: process_creation}\n"
                   "detection:\n  k: ['Failed password']\n  condition: k\n";
  CHECK_INT(fires_fmt(pc, SFMT_SYSLOG, sys), 0);         /* auditd categories are not syslog */
}

TEST(field_names) {
  /* evtx_dump paths, "#attributes", and names with spaces */
  const char *r = "title: f\nlogsource: {product: windows}\ndetection:\n"
                  "  s: {Provider_Name: X, ThreatName|endswith: EICAR, Image: a}\n  condition: s\n";
  CHECK_INT(h_fires(r, EV("Event.System.Provider.#attributes.Name=x", "Threat Name=Virus:EICAR",
                          "Event.EventData.Image=A")), 1);
  CHECK_INT(h_fires(r, EV("Provider_Name=x", "ThreatName=EICAR", "image=a")), 1);
}

/* The fast path matches literal-only globs (equal, startswith, endswith,
 * contains) without backtracking; they must answer as the general matcher. */
TEST(glob_shapes) {
  const char *r = RULE("  sel:\n    A|contains: aab\n    B|startswith: Ab\n    C|endswith: bC\n"
                       "    D: abc\n  f:\n    E|contains|cased: Xy\n  condition: sel and not f\n");
  CHECK_INT(h_fires(r, EV("A=xaaab", "B=aBc", "C=abc", "D=ABC")), 1);
  CHECK_INT(h_fires(r, EV("A=aab", "B=ab", "C=bc", "D=abc", "E=xy")), 1);   /* whole value */
  CHECK_INT(h_fires(r, EV("A=aa", "B=ab", "C=bc", "D=abc")), 0);            /* shorter than literal */
  CHECK_INT(h_fires(r, EV("A=aab", "B=xab", "C=bc", "D=abc")), 0);          /* not at start */
  CHECK_INT(h_fires(r, EV("A=aab", "B=ab", "C=bcx", "D=abc")), 0);          /* not at end */
  CHECK_INT(h_fires(r, EV("A=aab", "B=ab", "C=bc", "D=abcd")), 0);          /* not equal */
  CHECK_INT(h_fires(r, EV("A=aab", "B=ab", "C=bc", "D=abc", "E=aXyb")), 0); /* filter, cased */
  CHECK_INT(h_fires(r, EV("A=", "B=ab", "C=bc", "D=abc")), 0);              /* empty value */
  CHECK_INT(h_fires(r, EV("A=aAxAaAaB", "B=ab", "C=bc", "D=abc")), 1);     /* mixed-case starts */
  CHECK_INT(h_fires(r, EV("A=aAxAaAa", "B=ab", "C=bc", "D=abc")), 0);
  const char *p = RULE("  sel:\n    A|contains: '\\x.'\n  condition: sel\n");   /* non-letter first */
  CHECK_INT(h_fires(p, EV("A=c:\\a\\b\\X.exe")), 1);
  CHECK_INT(h_fires(p, EV("A=c:\\a\\b\\X")), 0);
  /* contains searches for its rarest-looking byte ('-' here), in both cases */
  const char *q = RULE("  sel:\n    A|contains: ' -W '\n  condition: sel\n");
  CHECK_INT(h_fires(q, EV("A=powershell  -x -w  - w -w hidden")), 1);
  CHECK_INT(h_fires(q, EV("A=powershell  -x -ww - w -W")), 0);
  CHECK_INT(h_fires(q, EV("A= -W ")), 1);
  /* other wildcards skip to where the literal after a star occurs */
  const char *g = RULE("  sel:\n    A|contains: '>?%TEMP%\\'\n  condition: sel\n");
  CHECK_INT(h_fires(g, EV("A=cmd /c a > b >> c >\"%temp%\\x")), 1);
  CHECK_INT(h_fires(g, EV("A=cmd /c a > b >> c >\"%temp%x >%TEMP%\\")), 0);
  CHECK_INT(h_fires(g, EV("A=>>%TEMP%\\")), 1);
}

/* Every placeholder of a value is expanded: the cartesian product of their
 * lists; more than 64 combinations is a rule error, not a silent cut. */
TEST(expand_every_placeholder) {
  const char *r = RULE("  sel:\n    Host|expand: '%Servers%-%Workstations%'\n  condition: sel\n");
  const char *ph = "Servers: [srv1, srv2]\nWorkstations: [ws1, 'ws*']\n";
  CHECK_INT(h_fires_ph(r, ph, EV("Host=srv1-ws1")), 1);
  CHECK_INT(h_fires_ph(r, ph, EV("Host=SRV2-wsX")), 1);
  CHECK_INT(h_fires_ph(r, ph, EV("Host=srv1-%Workstations%")), 0);
  CHECK_INT(h_fires_ph(r, ph, EV("Host=srv3-ws1")), 0);
  const char *pct = RULE("  sel:\n    P|expand: '%Servers%\\50%'\n  condition: sel\n");   /* lone % kept */
  CHECK_INT(h_fires_ph(pct, ph, EV("P=srv2\\50%")), 1);
  const char *big = "A: [a1, a2, a3, a4, a5, a6, a7, a8]\nB: [b1, b2, b3, b4, b5, b6, b7, b8]\n";
  const char *two = RULE("  sel:\n    X|expand: '%A%%B%'\n  condition: sel\n");
  CHECK_INT(h_fires_ph(two, big, EV("X=a8b8")), 1);                  /* 64 combinations: the cap */
  CHECK_INT(h_fires_ph(RULE("  sel:\n    X|expand: '%A%%B%%A%'\n  condition: sel\n"), big, EV("X=a1b1a1")), -1);
  CHECK(strstr(h_reason, "more than 64") != NULL);
}

/* Spec 2.1: exists checks presence only, the value may be empty or null;
 * a null selection value still matches a null or absent field. */
TEST(exists_counts_null_fields) {
  const char *r = RULE("  sel:\n    A: x\n    B|exists: true\n  condition: sel\n");
  CHECK_INT(h_fires(r, EV("A=x", "B=~")), 1);
  const char *f = RULE("  sel:\n    A: x\n    B|exists: false\n  condition: sel\n");
  CHECK_INT(h_fires(f, EV("A=x", "B=~")), 0);
  const char *n = RULE("  sel:\n    A: x\n    B: null\n  condition: sel\n");
  CHECK_INT(h_fires(n, EV("A=x", "B=~")), 1);
  CHECK_INT(h_fires(n, EV("A=x")), 1);
  CHECK_INT(h_fires(n, EV("A=x", "B=")), 0);
}

/* A GUID value compared for equality matches the braced and the bare form
 * of the event's value, whichever way the rule writes it. */
TEST(guid_braced_and_bare) {
  const char *br = RULE("  sel:\n    G: '{0CCE9215-69AE-11D9-BED3-505054503030}'\n  condition: sel\n");
  const char *ba = RULE("  sel:\n    G: 0cce9215-69ae-11d9-bed3-505054503030\n  condition: sel\n");
  for (int k = 0; k < 2; k++) {
    const char *r = k ? ba : br;
    CHECK_INT(h_fires(r, EV("G={0CCE9215-69AE-11D9-BED3-505054503030}")), 1);
    CHECK_INT(h_fires(r, EV("G=0cce9215-69ae-11d9-bed3-505054503030")), 1);
    CHECK_INT(h_fires(r, EV("G=0CCE9215-69AE-11D9-BED3-505054503031")), 0);
    CHECK_INT(h_fires(r, EV("G={0CCE9215-69AE-11D9-BED3-505054503030")), 0);
  }
  const char *cs = RULE("  sel:\n    G|cased: '{0CCE9215-69AE-11D9-BED3-505054503030}'\n  condition: sel\n");
  CHECK_INT(h_fires(cs, EV("G=0CCE9215-69AE-11D9-BED3-505054503030")), 1);
  CHECK_INT(h_fires(cs, EV("G=0cce9215-69ae-11d9-bed3-505054503030")), 0);
  const char *ne = RULE("  sel:\n    A: x\n    G|neq: 0CCE9215-69AE-11D9-BED3-505054503030\n  condition: sel\n");
  CHECK_INT(h_fires(ne, EV("A=x", "G={0cce9215-69ae-11d9-bed3-505054503030}")), 0);
  CHECK_INT(h_fires(ne, EV("A=x", "G={0cce9215-69ae-11d9-bed3-505054503031}")), 1);
  /* not equality: contains keeps the written form only */
  const char *co = RULE("  sel:\n    G|contains: '{0CCE9215-69AE-11D9-BED3-505054503030}'\n  condition: sel\n");
  CHECK_INT(h_fires(co, EV("G=x 0CCE9215-69AE-11D9-BED3-505054503030 y")), 0);
}

/* Modifier chains where one modifier would be ignored are rule errors. */
TEST(contradictory_modifiers_rejected) {
  static const char *const keys[] = {"A|base64|re", "A|contains|cidr", "A|gt|exists", "A|expand|re",
                                     "A|re|contains", "A|cidr|startswith", "A|exists|contains",
                                     "A|re|cidr", "A|contains|startswith", "A|windash|re", "A|cased|gt",
                                     "A|fieldref|re", "A|hour|cidr", "A|wide|cidr", "A|exists|neq"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    char y[256];
    snprintf(y, sizeof y, "title: t\nlogsource: {product: windows}\ndetection:\n  sel:\n    %s: 'true'\n"
             "  condition: sel\n", keys[i]);
    CHECK_INT(h_fires(y, EV("A=true")), -1);
    CHECK(strstr(h_reason, "combined") != NULL || strstr(h_reason, "exclude") != NULL);
  }
  /* still fine: fieldref with position and neq, date part with a compare, re flags */
  CHECK_INT(h_fires(RULE("  sel:\n    A|fieldref|contains|neq: B\n  condition: sel\n"), EV("A=ab", "B=x")), 1);
  CHECK_INT(h_fires(RULE("  sel:\n    T|hour|gte: 3\n  condition: sel\n"), EV("T=2024-01-01T04:00:00")), 1);
  CHECK_INT(h_fires(RULE("  sel:\n    A|re|i|cased: '^X$'\n  condition: sel\n"), EV("A=x")), 1);
  CHECK_INT(h_fires(RULE("  sel:\n    A|expand|contains: '%S%'\n  condition: sel\n"), EV("A=xx")), -1);
}

/* `them` leaves out identifiers starting with _, patterns (also `*`) do not
 * (reference §5 names only them). */
TEST(underscore_identifiers_and_patterns) {
  CHECK_INT(h_fires(RULE(SELS "  condition: 1 of *\n"), EV("D=1")), 1);
  CHECK_INT(h_fires(RULE(SELS "  condition: 1 of _*\n"), EV("D=1")), 1);
  CHECK_INT(h_fires(RULE(SELS "  condition: all of *\n"), EV("A=1", "B=1", "C=1")), 0);
  CHECK_INT(h_fires(RULE(SELS "  condition: all of *\n"), EV("A=1", "B=1", "C=1", "D=1")), 1);
  CHECK_INT(h_fires(RULE(SELS "  condition: all of them\n"), EV("A=1", "B=1", "C=1")), 1);
}

/* Numbers for lt/lte/gt/gte are whole values as strtod reads them, minus its
 * leading white space: " 3" is not a number, as "3 " is not. */
TEST(numbers_without_white_space) {
  const char *r = RULE("  sel:\n    N|lt: 5\n  condition: sel\n");
  CHECK_INT(h_fires(r, EV("N=3")), 1);
  CHECK_INT(h_fires(r, EV("N= 3")), 0);
  CHECK_INT(h_fires(r, EV("N=3 ")), 0);
  CHECK_INT(h_fires(r, EV("N=0x3")), 1);   /* strtod reads hex */
  CHECK_INT(h_fires(r, EV("N=-1e3")), 1);
  CHECK_INT(h_fires(RULE("  sel:\n    N|lt: ' 5'\n  condition: sel\n"), EV("N=3")), -1);
}

TEST(neq_lists_and_numbers) {
  const char *l = RULE("  sel:\n    A: x\n    B|neq: [one, two]\n  condition: sel\n");
  CHECK_INT(h_fires(l, EV("A=x", "B=three")), 1);
  CHECK_INT(h_fires(l, EV("A=x", "B=TWO")), 0);
  CHECK_INT(h_fires(l, EV("A=x", "B=one")), 0);
  const char *n = RULE("  sel:\n    A: x\n    EventID|neq: 4688\n  condition: sel\n");
  CHECK_INT(h_fires(n, EV("A=x", "EventID:=4624")), 1);
  CHECK_INT(h_fires(n, EV("A=x", "EventID:=4688")), 0);
  CHECK_INT(h_fires(n, EV("A=x", "EventID=4688")), 0);
}

TEST(regex_long_flag_names) {
  CHECK_INT(h_fires(RULE("  sel:\n    A|re|ignorecase: '^ab+c$'\n  condition: sel\n"), EV("A=ABBC")), 1);
  CHECK_INT(h_fires(RULE("  sel:\n    A|re|multiline: '^two$'\n  condition: sel\n"), EV("A=one\ntwo")), 1);
  CHECK_INT(h_fires(RULE("  sel:\n    A|re|dotall: 'a.b'\n  condition: sel\n"), EV("A=a\nb")), 1);
  CHECK_INT(h_fires(RULE("  sel:\n    A|re: 'a.b'\n  condition: sel\n"), EV("A=a\nb")), 0);
  CHECK_INT(h_fires(RULE("  sel:\n    A|ignorecase: x\n  condition: sel\n"), EV("A=x")), -1);
}

/* Diagnostics with their lines, for the tests of where errors are reported. */
typedef struct Diags {
  int n, line[16];
  char reason[16][256];
} Diags;

static void diags_add(void *ctx, const char *file, int line, const char *title, const char *reason) {
  Diags *d = ctx;
  if (d->n < 16) {
    d->line[d->n] = line;
    snprintf(d->reason[d->n], sizeof d->reason[0], "%s", reason);
  }
  d->n++;
}

static int load_diags(const char *y, Diags *d) {
  SigmaEngine *e = sigma_engine_new();
  memset(d, 0, sizeof *d);
  int n = sigma_load_buffer(e, "f.yml", y, strlen(y), diags_add, d);
  sigma_engine_free(e);
  return n;
}

#define GOOD(t) "title: " t "\nlogsource: {product: windows}\ndetection:\n  s: {A: 1}\n  condition: s\n"

/* A YAML error in one document costs that document only: those before and
 * after it load, and it is reported with its line. */
TEST(yaml_error_in_one_document) {
  Diags d;
  const char *y = GOOD("one") "---\n" GOOD("two")                 /* lines 1-5, 6, 7-11 */
                  "---\ntitle: bad\nlogsource: {product: windows\ndetection:\n  s: {A: 1}\n  condition: s\n"
                  "---\n" GOOD("three");                          /* broken flow map from line 14 */
  CHECK_INT(load_diags(y, &d), 3);
  CHECK_INT(d.n, 1);
  CHECK(d.line[0] >= 14 && d.line[0] <= 17);
  const char *ind = GOOD("one") "---\ntitle: bad\n  logsource: x\n bad: [\n---\n" GOOD("two");
  CHECK_INT(load_diags(ind, &d), 2);
  CHECK_INT(d.n, 1);
  CHECK_INT(d.line[0], 8);                                        /* "  logsource:" under a scalar */
  const char *last = GOOD("one") "---\ntitle: 'unclosed\n";
  CHECK_INT(load_diags(last, &d), 1);
  CHECK_INT(d.n, 1);
  const char *first = "title: [x\n---\n" GOOD("two") "---\n" GOOD("three");
  CHECK_INT(load_diags(first, &d), 2);
  CHECK_INT(d.n, 1);
  /* the documents after the error keep their own line numbers */
  const char *after = "a: [\n---\n" GOOD("two") "---\ntitle: x\nlogsource: {product: windows}\n"
                      "detection:\n  s:\n    A|nope: 1\n  condition: s\n";
  CHECK_INT(load_diags(after, &d), 1);
  CHECK_INT(d.n, 2);
  CHECK_INT(d.line[1], 13);
  CHECK(strstr(d.reason[1], "nope") != NULL);
}

/* A map with the same key twice is an invalid rule, reported at the second. */
TEST(duplicate_keys_rejected) {
  Diags d;
  const char *sel = "title: t\nlogsource: {product: windows}\ndetection:\n  s: {A: 1}\n  s: {A: 2}\n"
                    "  condition: s\n---\n" GOOD("ok");
  CHECK_INT(load_diags(sel, &d), 1);
  CHECK_INT(d.n, 1);
  CHECK_INT(d.line[0], 5);
  CHECK(strstr(d.reason[0], "duplicate") != NULL && strstr(d.reason[0], "'s'") != NULL);
  const char *fld = "title: t\nlogsource: {product: windows}\ndetection:\n  s:\n    A: 1\n    B: 2\n    A: 3\n"
                    "  condition: s\n";
  CHECK_INT(load_diags(fld, &d), 0);
  CHECK_INT(d.n, 1);
  CHECK_INT(d.line[0], 7);
  CHECK_INT(load_diags("title: a\ntitle: b\nlogsource: {product: windows}\n", &d), 0);
  CHECK_INT(d.line[0], 2);
  /* the same field with other modifiers is another key */
  CHECK_INT(h_fires(RULE("  s:\n    A|contains: x\n    A|endswith: y\n  condition: s\n"), EV("A=xy")), 1);
}

/* Lines reported for a YAML error, a bad regex and a bad condition. */
TEST(invalid_rule_lines) {
  Diags d;
  CHECK_INT(load_diags("title: t\nlogsource: {product: windows}\ndetection:\n  s: {A: 1\n  condition: s\n", &d), 0);
  CHECK_INT(d.n, 1);
  CHECK_INT(d.line[0], 5);
  CHECK_INT(load_diags("title: t\nlogsource: {product: windows}\ndetection:\n  s:\n    B: 2\n    A|re: 'a(b'\n"
                       "  condition: s\n", &d), 0);
  CHECK_INT(d.n, 1);
  CHECK_INT(d.line[0], 6);
  CHECK(strstr(d.reason[0], "regular expression") != NULL);
  CHECK_INT(load_diags("title: t\nlogsource: {product: windows}\ndetection:\n  s: {A: 1}\n\n"
                       "  condition: s and (\n", &d), 0);
  CHECK_INT(d.n, 1);
  CHECK_INT(d.line[0], 6);
}

/* A filter whose rules: names nothing loaded is a warning, not an error:
 * the other rules load and match as before. */
TEST(filter_unknown_target_warned) {
  const char *y = "title: r\nid: r1\nlogsource: {product: windows}\ndetection:\n  s: {A: 1}\n  condition: s\n"
                  "---\ntitle: f\nlogsource: {product: windows}\nfilter:\n  rules: [r1, nosuch]\n"
                  "  s: {B: 1}\n  condition: not s\n";
  SigmaEngine *e = sigma_engine_new();
  Diags d = {0};
  Err err = {0};
  CHECK_INT(sigma_load_buffer(e, "f.yml", y, strlen(y), diags_add, &d), 2);
  CHECK_INT(d.n, 0);
  CHECK_INT(sigma_compile(e, SIGMA_FAST, diags_add, &d, &err), 0);
  CHECK_INT(d.n, 1);
  CHECK_INT(d.line[0], 8);
  CHECK(strstr(d.reason[0], "warning") != NULL && strstr(d.reason[0], "nosuch") != NULL);
  CHECK_INT(sigma_rule_count(e), 1);
  sigma_engine_free(e);
  /* the filter still applies to the rule it does name, in both evaluators */
  const char *ok = "title: r\nid: r1\nlogsource: {product: windows}\ndetection:\n  s: {A: 1}\n  condition: s\n"
                   "---\ntitle: f\nlogsource: {product: windows}\nfilter:\n  rules: [r1]\n"
                   "  s: {B: 1}\n  condition: not s\n";
  CHECK_INT(h_fires(ok, EV("A=1", "B=1")), 0);
  CHECK_INT(h_fires(ok, EV("A=1", "B=2")), 1);
}

/* Case-insensitive matching folds Latin-1 and Latin Extended-A letters too
 * (Norwegian æøå, names and paths), in every string form and re|i. */
TEST(case_folding_beyond_ascii) {
  const char *eq = RULE("  sel:\n    A: '\xc3\x86" "BLE'\n  condition: sel\n");                 /* ÆBLE */
  CHECK_INT(h_fires(eq, EV("A=\xc3\xa6" "ble")), 1);                                         /* æble */
  CHECK_INT(h_fires(eq, EV("A=\xc3\x86" "BLE")), 1);
  CHECK_INT(h_fires(eq, EV("A=\xc3\xb8" "ble")), 0);                                         /* øble */
  CHECK_INT(h_fires(eq, EV("A=\xc3\xa6" "bl")), 0);
  const char *co = RULE("  sel:\n    A|contains: '\\Br\xc3\xb8nn\xc3\xb8ysund\\'\n  condition: sel\n");
  CHECK_INT(h_fires(co, EV("A=C:\\Users\\x\\BR\xc3\x98NN\xc3\x98YSUND\\a.txt")), 1);        /* BRØNNØYSUND */
  CHECK_INT(h_fires(co, EV("A=C:\\Users\\x\\BR\xc3\x98NNOYSUND\\a.txt")), 0);
  const char *st = RULE("  sel:\n    A|startswith: '\xc3\x85s'\n    B|endswith: 'g\xc3\xa5rd'\n  condition: sel\n");
  CHECK_INT(h_fires(st, EV("A=\xc3\xa5sgard", "B=Fjellg\xc3\x85RD")), 1);                    /* åsgard, FjellgÅRD */
  CHECK_INT(h_fires(st, EV("A=asgard", "B=Fjellg\xc3\x85RD")), 0);
  const char *wi = RULE("  sel:\n    A: '*\xc3\x98*?\xc3\xa6'\n  condition: sel\n");           /* *Ø*?æ */
  CHECK_INT(h_fires(wi, EV("A=x\xc3\xb8yz\xc3\x86")), 1);
  CHECK_INT(h_fires(wi, EV("A=x\xc3\xb8y\xc3\xa7")), 0);                                     /* ç is not æ */
  const char *ca = RULE("  sel:\n    A|cased: '\xc3\x86" "BLE'\n  condition: sel\n");
  CHECK_INT(h_fires(ca, EV("A=\xc3\xa6" "BLE")), 0);
  const char *kw = RULE("  kw:\n    - 'Tr\xc3\x98NDELAG'\n  condition: kw\n");
  CHECK_INT(h_fires(kw, EV("B=fylke tr\xc3\xb8ndelag")), 1);
  /* Latin Extended-A, including a pair whose cases differ in the first byte */
  const char *ext = RULE("  sel:\n    A|contains: ['\xc5\x81\xc3\xb3" "d\xc5\xba', '\xc4\xbf', '\xc3\xbf']\n"
                         "  condition: sel\n");                                                /* Łódź, Ŀ, ÿ */
  CHECK_INT(h_fires(ext, EV("A=in \xc5\x82\xc3\x93" "D\xc5\xb9 now")), 1);                   /* łÓDŹ */
  CHECK_INT(h_fires(ext, EV("A=x\xc5\x80y")), 1);                                            /* ŀ */
  CHECK_INT(h_fires(ext, EV("A=x\xc5\xb8y")), 1);                                            /* Ÿ */
  CHECK_INT(h_fires(ext, EV("A=lodz")), 0);
  /* × and ÷ are not a case pair; ß has none */
  CHECK_INT(h_fires(RULE("  sel:\n    A: '\xc3\x97'\n  condition: sel\n"), EV("A=\xc3\xb7")), 0);
  CHECK_INT(h_fires(RULE("  sel:\n    A: 'stra\xc3\x9f" "e'\n  condition: sel\n"), EV("A=STRA\xc3\x9f" "E")), 1);
  /* enough literals on one field for the fast path's literal sets */
  const char *many = RULE("  sel:\n    A: ['\xc3\x86" "ble', 'b', 'c', 'd', 'e']\n    B|endswith: ['\xc3\x98', 'x', 'y', 'z']\n"
                          "  condition: sel\n");
  CHECK_INT(h_fires(many, EV("A=\xc3\xa6" "BLE", "B=\xc3\xb8")), 1);
  CHECK_INT(h_fires(many, EV("A=\xc3\xa6" "BLE", "B=\xc3\xb9")), 0);
  const char *re = RULE("  sel:\n    A|re|i: '^\xc3\xa6[a-z]+\xc3\xa5$'\n  condition: sel\n");
  CHECK_INT(h_fires(re, EV("A=\xc3\x86" "BL\xc3\x85")), 1);
  CHECK_INT(h_fires(re, EV("A=\xc3\x86" "BL\xc3\x85\xff")), 0);                              /* invalid UTF-8 */
  const char *rc = RULE("  sel:\n    A|re: '^\xc3\xa6'\n  condition: sel\n");
  CHECK_INT(h_fires(rc, EV("A=\xc3\x86")), 0);                                               /* re without i */
  const char *ri = RULE("  sel:\n    A|re: '(?i)^bl\xc3\xa5" "b\xc3\xa6r$'\n  condition: sel\n");  /* (?i)blåbær */
  CHECK_INT(h_fires(ri, EV("A=BL\xc3\x85" "B\xc3\x86R")), 1);
  const char *rg = RULE("  sel:\n    A|re: '^(?si:\xc3\xa6).(?-i:\xc3\xb8)$'\n  condition: sel\n");
  CHECK_INT(h_fires(rg, EV("A=\xc3\x86x\xc3\xb8")), 1);
  CHECK_INT(h_fires(rg, EV("A=\xc3\x86x\xc3\x98")), 0);                                       /* (?-i:ø) */
  /* fieldref compares two values without case, æøå included */
  const char *fr = RULE("  sel:\n    A|fieldref|endswith: B\n  condition: sel\n");
  CHECK_INT(h_fires(fr, EV("A=C:\\Users\\S\xc3\xb8ren", "B=S\xc3\x98REN")), 1);          /* Søren, SØREN */
  CHECK_INT(h_fires(fr, EV("A=C:\\Users\\S\xc3\xb8ren", "B=S\xc3\x86REN")), 0);          /* SÆREN */
  const char *fc = RULE("  sel:\n    A|fieldref|cased: B\n  condition: sel\n");
  CHECK_INT(h_fires(fc, EV("A=\xc3\xa6", "B=\xc3\x86")), 0);
  CHECK_INT(h_fires(fc, EV("A=\xc3\xa6", "B=\xc3\xa6")), 1);
}

int main(void) {
  RUN(maps_and_lists);
  RUN(keywords);
  RUN(null_and_empty);
  RUN(numbers_match_strings);
  RUN(wildcards_and_escapes);
  RUN(contains_startswith_endswith_all);
  RUN(cased_and_neq);
  RUN(hashed_literal_witnesses);
  RUN(regex);
  RUN(base64_family);
  RUN(windash);
  RUN(cidr);
  RUN(exists);
  RUN(expand);
  RUN(fieldref);
  RUN(numeric_compare);
  RUN(time_parts);
  RUN(unknown_modifier_rejected);
  RUN(condition_operators);
  RUN(condition_quantifiers);
  RUN(condition_list_is_or);
  RUN(condition_errors);
  RUN(invalid_rules_reported_with_line);
  RUN(filters);
  RUN(logsource_routing);
  RUN(route_pruning_needs_exact_keys);
  RUN(keyword_scan_of_logsource_wide_rules);
  RUN(m365_and_syslog_routing);
  RUN(field_names);
  RUN(glob_shapes);
  RUN(expand_every_placeholder);
  RUN(exists_counts_null_fields);
  RUN(guid_braced_and_bare);
  RUN(contradictory_modifiers_rejected);
  RUN(underscore_identifiers_and_patterns);
  RUN(numbers_without_white_space);
  RUN(neq_lists_and_numbers);
  RUN(regex_long_flag_names);
  RUN(yaml_error_in_one_document);
  RUN(duplicate_keys_rejected);
  RUN(invalid_rule_lines);
  RUN(filter_unknown_target_warned);
  RUN(case_folding_beyond_ascii);
  return TEST_DONE();
}
