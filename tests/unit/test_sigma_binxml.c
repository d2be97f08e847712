/* test_sigma_binxml.c — hand-built EVTX binary XML: every token kind the
 * corpus rarely has (CDATA, character and entity references), optional
 * substitutions, string arrays, nested BinXml values, a template defined in
 * one record and reused by the next; decoded with compiled templates and
 * with the plain token walk. */
#include <stdio.h>
#include <string.h>

#include "sigma/input/evtx.h"
#include "test.h"

static uint8_t ch[65536];
static uint32_t at;

static void u8(uint8_t v) { ch[at++] = v; }
static void u16(uint16_t v) { u8((uint8_t)v); u8((uint8_t)(v >> 8)); }
static void u32(uint32_t v) { u16((uint16_t)v); u16((uint16_t)(v >> 16)); }
static void wstr(const char *s) { for (; *s; s++) u16((uint8_t)*s); }
static void name_here(const char *s) { u32(0); u16(0); u16((uint16_t)strlen(s)); wstr(s); u16(0); }

/* <name (attrs follow if has_attrs) with an inline name */
static void open_el(const char *name, int has_attrs) {
  u8(has_attrs ? 0x41 : 0x01);
  u16(0xFFFF);                       /* dependency id */
  u32(0);                            /* data size (not used by readers) */
  u32(at + 4);                       /* name offset: inline, right after */
  name_here(name);
  if (has_attrs) u32(0);             /* attribute list size */
}
static void attr(const char *name) { u8(0x06); u32(at + 4); name_here(name); }
static void text(const char *s) { u8(0x05); u8(0x01); u16((uint16_t)strlen(s)); wstr(s); }
static void sub(uint16_t id, uint8_t type, int optional) { u8(optional ? 0x0e : 0x0d); u16(id); u8(type); }

/* The template body: see the expectations in the test below. */
static void body(void) {
  u8(0x0f); u8(1); u8(1); u8(0);
  open_el("Event", 1); attr("xmlns"); text("http://schemas.microsoft.com/win/2004/08/events/event"); u8(0x02);
  open_el("System", 0); u8(0x02);
  open_el("Provider", 1); attr("Name"); sub(0, EVT_STRING, 1); attr("Guid"); sub(1, EVT_GUID, 0); u8(0x03);
  open_el("EventID", 0); u8(0x02); sub(2, EVT_UINT16, 0); u8(0x04);
  open_el("Correlation", 0); u8(0x03);
  u8(0x04);                                                     /* </System> */
  open_el("EventData", 0); u8(0x02);
  open_el("Data", 1); attr("Name"); text("Text"); u8(0x02);
  text("a"); u8(0x09); u32(at + 4); name_here("amp");           /* &amp; */
  u8(0x07); u16(1); wstr("b");                                  /* CDATA */
  u8(0x08); u16(0x263A);                                        /* &#x263A; */
  u8(0x04);
  open_el("Data", 1); attr("Name"); text("List"); u8(0x02); sub(3, EVT_STRING | 0x80, 0); u8(0x04);
  open_el("Data", 0); u8(0x02); sub(4, EVT_HEXINT32, 0); u8(0x04);
  sub(5, EVT_BINXML, 1);                                        /* nested fragment */
  u8(0x04);                                                     /* </EventData> */
  u8(0x04);                                                     /* </Event> */
  u8(0x00);
}

static void nested(void) {
  u8(0x0f); u8(1); u8(1); u8(0);
  open_el("Data", 1); attr("Name"); text("Nested"); u8(0x02); text("x  "); u8(0x04);
  u8(0x00);
}

/* One record's BinXml: a template instance (inline definition when def is
 * 0) with six values; with_values 0 leaves the optional ones empty.
 * Returns the definition offset. */
static uint32_t record(uint32_t def, int full, uint32_t *start, uint32_t *len) {
  *start = at;
  u8(0x0f); u8(1); u8(1); u8(0);
  u8(0x0c); u8(0x01); u32(0x1234);
  uint32_t defpos = at + 4;
  u32(def ? def : defpos);
  if (!def) {
    def = defpos;
    u32(0);                                        /* next template */
    for (int i = 0; i < 16; i++) u8((uint8_t)i);   /* template GUID */
    uint32_t size_at = at;
    u32(0);
    uint32_t b0 = at;
    body();
    uint32_t bs = at - b0;
    ch[size_at] = (uint8_t)bs; ch[size_at + 1] = (uint8_t)(bs >> 8);
  }
  /* values: Provider name, GUID, EventID, list, hex, nested BinXml (written
   * in place: its inline names are chunk offsets; size patched below) */
  const char *prov = "Prov";
  uint16_t sizes[6] = {full ? (uint16_t)(2 * strlen(prov) + 2) : 0, 16, 2, 8, 4, 0};
  uint8_t types[6] = {full ? EVT_STRING : EVT_NULL, EVT_GUID, EVT_UINT16, EVT_STRING | 0x80, EVT_HEXINT32,
                      full ? EVT_BINXML : EVT_NULL};
  u32(6);
  uint32_t desc = at;
  for (int i = 0; i < 6; i++) { u16(sizes[i]); u8(types[i]); u8(0); }
  if (full) { wstr(prov); u16(0); }
  uint8_t guid[16] = {0x25, 0x96, 0x84, 0x54, 0x78, 0x54, 0x94, 0x49, 0xa5, 0xba, 0x3e, 0x3b, 0x03, 0x28, 0xc3, 0x0d};
  for (int i = 0; i < 16; i++) u8(guid[i]);
  u16(full ? 4688 : 1);
  wstr("x"); u16(0); wstr("y"); u16(0);               /* "x\0y\0" */
  u32(0x1f);
  if (full) {
    uint32_t n0 = at;
    nested();
    uint32_t nn = at - n0;
    ch[desc + 20] = (uint8_t)nn;
    ch[desc + 21] = (uint8_t)(nn >> 8);
  }
  u8(0x00);
  *len = at - *start;
  return def;
}

static const char *fields(const SigmaEvent *e) {
  static char out[2048];
  size_t n = 0;
  out[0] = 0;
  for (uint32_t i = 0; i < e->n && n < sizeof out - 200; i++)
    n += (size_t)snprintf(out + n, sizeof out - n, "%s=%s;", sev_name(e, &e->f[i]), sev_val(e, &e->f[i]));
  return out;
}

static void decode_both(int programs) {
  memset(ch, 0, sizeof ch);
  at = 512;
  uint32_t s1, l1, s2, l2, s3, l3;
  uint32_t def = record(0, 1, &s1, &l1);
  record(def, 0, &s2, &l2);
  record(def, 1, &s3, &l3);
  EvtxBx *bx = evtx_bx_new();
  evtx_bx_programs(bx, programs);
  evtx_bx_chunk(bx, ch, sizeof ch);
  SigmaEvent ev;
  sev_init(&ev);
  const char *why = NULL;
  const char *full = "Provider_Name=Prov;Provider_Guid={54849625-5478-4994-A5BA-3E3B0328C30D};EventID=4688;"
                     "Text=a&b\xe2\x98\xba;List=x;List=y;Data=0x1f;Nested=x;";
  CHECK_INT(evtx_bx_record(bx, s1, l1, &ev, &why), 0);
  if (why) fprintf(stderr, "why: %s\n", why);
  CHECK_STR(fields(&ev), full);
  sev_reset(&ev);
  CHECK_INT(evtx_bx_record(bx, s2, l2, &ev, &why), 0);   /* optional values empty */
  CHECK_STR(fields(&ev), "Provider_Guid={54849625-5478-4994-A5BA-3E3B0328C30D};EventID=1;"
                         "Text=a&b\xe2\x98\xba;List=x;List=y;Data=0x1f;");
  sev_reset(&ev);
  CHECK_INT(evtx_bx_record(bx, s3, l3, &ev, &why), 0);   /* back-referenced template */
  CHECK_STR(fields(&ev), full);
  /* truncations of the first record never read out of bounds and fail cleanly */
  for (uint32_t cut = 0; cut < l1; cut++) {
    sev_reset(&ev);
    why = NULL;
    int r = evtx_bx_record(bx, s1, cut, &ev, &why);
    CHECK(r == -1 || r == 0);
    if (r) CHECK(why != NULL);
  }
  sev_free(&ev);
  evtx_bx_free(bx);
}

TEST(tokens_with_programs) { decode_both(1); }
TEST(tokens_with_walker) { decode_both(0); }

int main(void) {
  RUN(tokens_with_programs);
  RUN(tokens_with_walker);
  return TEST_DONE();
}
