/* web_int.h — shared by the findings pages (web.c), the exposure view
 * (exposure.c) and the JSON API (api.c). */
#ifndef VARDE_FINDINGS_WEB_INT_H
#define VARDE_FINDINGS_WEB_INT_H
#include <stdint.h>

#include "findings/findings.h"
#include "web/web.h"

const char *find_web_day(WebCtx *c, int64_t t);
/* Filter from the query string (status, klasse, kev, forfalt, q); -1 if bad. */
int find_web_filter(WebCtx *c, FindFilter *f);
/* May the principal accept risk in c->org_id (the director's authority)? */
int find_web_may_accept(WebCtx *c);
/* "YYYY-MM-DD" -> end of that day (UTC), or -1. */
int64_t find_parse_day(const char *s);
void find_web_exposure(WebCtx *c);
/* The exposure page's two tables as CSV, under the same sharing rules. */
void find_web_exposure_kev_csv(WebCtx *c);
void find_web_exposure_csv(WebCtx *c);
/* Product name, and for a scan finding "· skanning, lav sikkerhet" (web.c). */
const char *find_web_product(WebCtx *c, const Finding *f);
/* The scan section of a scan finding's page (web_scan.c). */
void find_web_scan_facts(WebCtx *c, const Finding *f);
/* "lav", "middels", "høy" for the scanner's grade. */
const char *find_scan_conf_label(const char *grade);
/* What to do about a failed scanner check (source "scan"), by its id; NULL
 * for other findings and ids without advice (web_scan.c). */
const char *find_check_advice(const Finding *f);
extern const WebRoute find_api_routes[];

#endif
