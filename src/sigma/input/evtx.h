/* evtx.h — internals of the EVTX reader: BinXml value types, the value
 * renderer (evtx_value.c) and the BinXml-to-fields decoder (binxml.c) that
 * the file/chunk/record layer (evtx.c) drives. */
#ifndef VARDE_SIGMA_EVTX_H
#define VARDE_SIGMA_EVTX_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "sigma/event.h"

enum {
  EVT_NULL = 0x00, EVT_STRING = 0x01, EVT_ANSI = 0x02, EVT_INT8 = 0x03, EVT_UINT8 = 0x04,
  EVT_INT16 = 0x05, EVT_UINT16 = 0x06, EVT_INT32 = 0x07, EVT_UINT32 = 0x08, EVT_INT64 = 0x09,
  EVT_UINT64 = 0x0a, EVT_REAL32 = 0x0b, EVT_REAL64 = 0x0c, EVT_BOOL = 0x0d, EVT_BINARY = 0x0e,
  EVT_GUID = 0x0f, EVT_SIZET = 0x10, EVT_FILETIME = 0x11, EVT_SYSTEMTIME = 0x12, EVT_SID = 0x13,
  EVT_HEXINT32 = 0x14, EVT_HEXINT64 = 0x15, EVT_HANDLE = 0x20, EVT_BINXML = 0x21, EVT_XML = 0x23,
};

#define EVTX_CHUNK_SIZE 65536
#define EVTX_ARRAY_SEP '\x1f'   /* separates array items inside one rendered value */

/* Appends UTF-16LE text (nchars units) as UTF-8, dropping NUL units. */
void evtx_utf16(Buf *b, const uint8_t *p, size_t nchars);
/* FILETIME (100 ns since 1601) as "YYYY-MM-DDTHH:MM:SS.fffffffZ". */
void evtx_filetime(Buf *b, uint64_t ft);
/* Renders a value of a type; array items separated by sep. Returns 1 for an
 * array type, else 0. Never reads past n. */
int evtx_render(Buf *b, uint8_t type, const uint8_t *p, size_t n, char sep);

typedef struct EvtxBx EvtxBx;
EvtxBx *evtx_bx_new(void);
void evtx_bx_free(EvtxBx *bx);
/* Starts a new chunk (invalidates cached names). */
void evtx_bx_chunk(EvtxBx *bx, const uint8_t *chunk, size_t n);
/* Compiled templates on (default) or off: off walks every token, which the
 * tests use as the reference for the compiled path. */
void evtx_bx_programs(EvtxBx *bx, int on);
/* Decodes the BinXml at chunk offset off (len bytes) into fields of ev.
 * Returns 0, or -1 with *why set. */
int evtx_bx_record(EvtxBx *bx, uint32_t off, uint32_t len, SigmaEvent *ev, const char **why);

#endif
