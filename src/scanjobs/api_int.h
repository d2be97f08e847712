/* api_int.h — JSON helpers and route tables shared by the scan API files. */
#ifndef VARDE_SCANJOBS_API_INT_H
#define VARDE_SCANJOBS_API_INT_H
#include <jansson.h>

#include "web/web.h"

/* VERR_NOTFOUND 404, DENIED 403, INVALID 400, CONFLICT 409, BUSY 503, else 500. */
void scanjobs_api_err(WebCtx *c, const Err *e);

extern const WebRoute scanjobs_sensor_routes[];
extern const WebRoute scanjobs_api_routes[];
extern const WebRoute scanjobs_page_routes[];

#endif
