/* cfgbin.h — a CVE's parsed NVD configurations (and the CVSS and KEV-due
 * fields the matcher reads) as a compact, versioned binary record. */
#ifndef VARDE_VULN_CFGBIN_H
#define VARDE_VULN_CFGBIN_H
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "vuln/vuln.h"

#define VULN_CFGBIN_VERSION 1

/* Append c's record to out. VERR_TOOBIG when a string is longer than the
 * format holds (the caller then keeps only the JSON), VERR_NOMEM. */
int vuln_cfgbin_encode(const VulnCve *c, Buf *out);

/* Decodes records into one VulnDb. */
typedef struct VulnCfgDecoder VulnCfgDecoder;
VulnCfgDecoder *vuln_cfgbin_decoder_new(VulnDb *db);
void vuln_cfgbin_decoder_free(VulnCfgDecoder *d);
/* Append CVE `id` decoded from (p, n) to the decoder's VulnDb. Every read is
 * bounds-checked and every criterion goes through the CPE parser: a
 * truncated, foreign-version or otherwise malformed record returns
 * VERR_INVALID and appends nothing. The CVE carries id, cvss, cvss_vector,
 * cisa_due and cfg (matchCriteriaId is not kept); the rest stays NULL. */
int vuln_cfgbin_decode(VulnCfgDecoder *d, const char *id, const void *p, size_t n, Err *e);

/* Whether a record is worth decoding, read without decoding it: 1 when
 * want(ctx, criteria, length) is 1 for one of its vulnerable criteria, or
 * the record is not well-formed (decoding then reports it); 0 when it is
 * 0 for all of them. *ncfg: its number of configurations (0 if malformed). */
int vuln_cfgbin_wanted(const void *p, size_t n, int (*want)(void *, const char *, size_t), void *ctx,
                       uint32_t *ncfg);

#endif
