/* input.h — Sigma log input: opens files, folders, gzip files and standard
 * input, detects the format by content (EVTX, JSON, M365 CSV, syslog) and
 * yields one flat SigmaEvent at a time, reusing the event's memory.
 *
 * Parallel use: sigma_input_plan() cuts a set of paths into ordered work
 * units (whole files; big plain EVTX files by chunk range). Each unit can be
 * read by any worker with sigma_input_open_unit(); concatenating the units'
 * events in unit order gives exactly the events of a sequential read, so a
 * caller that merges per-unit results in unit order gets deterministic output.
 *
 * Field naming (see README.md in this folder): EVTX System attributes joined
 * with "_" (Provider_Name, Execution_ProcessID), EventData by Data Name,
 * UserData by leaf element; JSON nesting as dotted names, arrays as repeated
 * fields; M365 Name/Value arrays lifted to fields; syslog as in Sigma's linux
 * rules. */
#ifndef VARDE_SIGMA_INPUT_H
#define VARDE_SIGMA_INPUT_H
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "sigma/event.h"

/* What the position of a warning counts. */
typedef enum SigmaPosKind {
  SPOS_NONE = 0,         /* the whole file (pos is 0) */
  SPOS_LINE,             /* a line number (1-based), text formats */
  SPOS_BYTE,             /* a byte offset in the (decompressed) file, EVTX and gzip */
} SigmaPosKind;

/* Called for every damaged chunk, record or line that is skipped, for
 * damaged gzip data and truncated files, and (sigma_input_open) for every
 * input that cannot be read at all. The reason is Norwegian bokmål. */
typedef void (*SigmaInputWarn)(void *ctx, const char *file, SigmaPosKind kind, uint64_t pos,
                               const char *reason);

/* Writes ", linje 3", ", byte 4096" or "" for a warning position to buf
 * (always NUL-ended) and returns buf: "varde: %s%s: %s" gives the line. */
const char *sigma_input_where(char *buf, size_t cap, SigmaPosKind kind, uint64_t pos);

typedef struct SigmaInputOpts {
  SigmaFormat format;    /* SFMT_UNKNOWN: detect by content */
  SigmaInputWarn warn;   /* NULL: print to stderr */
  void *warn_ctx;
  size_t max_record;     /* bound on one text record (JSON value, CSV row); 0 = 16 MiB */
} SigmaInputOpts;

typedef struct SigmaUnit {
  char *path;            /* file path, or "-" for standard input */
  uint32_t chunk_first;  /* EVTX chunk range when chunk_count > 0 */
  uint32_t chunk_count;
  char *error;           /* NULL, or why this path cannot be read (planning
                          * failed: missing, unreadable folder, link loop,
                          * folder without files); reading the unit reports it */
  int in_dir;            /* found in a folder: a file of unknown format there
                          * (notes, a README) is said and passed over, not an error */
} SigmaUnit;

typedef struct SigmaUnitList {
  SigmaUnit *u;
  size_t n, cap;
  size_t skipped;        /* units with error set: inputs that could not be read */
} SigmaUnitList;

typedef struct SigmaInputStats {
  uint64_t files, events, errors, bytes;
  uint64_t unreadable;   /* inputs that could not be read at all (missing,
                          * no permission, unknown format, not EVTX, failed
                          * planning) or whose reading failed; also in errors */
} SigmaInputStats;

typedef struct SigmaInput SigmaInput;

/* Expand paths (files, folders recursively in name order, "-") into units.
 * Plain EVTX files with more than split_chunks chunks are cut into ranges of
 * split_chunks chunks (0 = never split). Allocates; free with sigma_units_free.
 * A path that cannot be planned (missing, unreadable folder, symbolic link
 * loop, a folder given with no files in it) does not fail the plan: it
 * becomes a unit with error set, in its place in the order, counted in
 * out->skipped, and everything else is planned. Returns -1 only when out of
 * memory. */
int sigma_input_plan(const char *const *paths, size_t npaths, uint32_t split_chunks,
                     SigmaUnitList *out, Err *err);
void sigma_units_free(SigmaUnitList *l);

/* Open a path (file, folder or "-"). Returns NULL with err set only when out
 * of memory: inputs that cannot be read are reported through warn when
 * reading reaches them, skipped, and counted in stats->unreadable. */
SigmaInput *sigma_input_open(const char *path, const SigmaInputOpts *o, Err *err);
/* Open one unit. Unlike sigma_input_open, a unit that cannot be read (its
 * error is set, the file cannot be opened, its format is unknown, it is not
 * an EVTX file, reading fails) makes sigma_input_next return -1 with err set
 * to "<path>: <reason>" (and counts in stats->unreadable): a caller that reads
 * unit by unit learns of it without a callback. Damaged records, truncated
 * files and damaged gzip data are warnings, as everywhere. */
SigmaInput *sigma_input_open_unit(const SigmaUnit *u, const SigmaInputOpts *o, Err *err);
/* Read from memory (tests, fuzzing); data must outlive the reader. */
SigmaInput *sigma_input_open_mem(const char *name, const void *data, size_t n,
                                 const SigmaInputOpts *o, Err *err);

/* Next event: 1 = ev filled (valid until the next call), 0 = end of input,
 * < 0 = fatal error (err set; damaged records are reported via warn instead). */
int sigma_input_next(SigmaInput *in, SigmaEvent *ev, Err *err);
/* Format of the file being read now (SFMT_UNKNOWN before the first event). */
SigmaFormat sigma_input_format(const SigmaInput *in);
const SigmaInputStats *sigma_input_stats(const SigmaInput *in);
void sigma_input_close(SigmaInput *in);

const char *sigma_format_name(SigmaFormat f);

#endif
