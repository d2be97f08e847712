/* web_int.h — page pieces shared by web.c and web_runs.c of src/scanjobs. */
#ifndef VARDE_SCANJOBS_WEB_INT_H
#define VARDE_SCANJOBS_WEB_INT_H
#include "web/web.h"

const char *scanjobs_when(WebCtx *c, int64_t t);   /* "–" for 0 */
void scanjobs_web_schedules(WebCtx *c, int write);
void scanjobs_web_jobs(WebCtx *c);
void scanjobs_web_runs(WebCtx *c);
void scanjobs_web_not_seen(WebCtx *c);
void scanjobs_post_schedule(WebCtx *c);
void scanjobs_post_run_now(WebCtx *c);
void scanjobs_get_run(WebCtx *c);

#endif
