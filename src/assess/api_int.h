/* api_int.h — shared helpers of the assessment JSON API (api_assess.c,
 * api_plan.c): JSON out, errors from an Err, the JSON body in. */
#ifndef VARDE_ASSESS_API_INT_H
#define VARDE_ASSESS_API_INT_H
#include <jansson.h>

#include "assess/assess_store.h"
#include "policy/policy.h"
#include "web/web.h"

/* Serialises j (consumed) as the response. */
void aapi_send(WebCtx *c, int status, json_t *j);
/* VERR_NOTFOUND 404, VERR_DENIED 403, VERR_INVALID 400, VERR_TOOBIG 413,
 * VERR_CONFLICT 409, VERR_BUSY 503, else 500 without details. */
void aapi_err(WebCtx *c, const Err *e);
/* The request body as a JSON object, or NULL after answering 400. */
json_t *aapi_body(WebCtx *c);
/* Optional members of a JSON object: 1 if present with the right type. */
int aapi_str(json_t *o, const char *key, const char **out);
int aapi_int(json_t *o, const char *key, long long *out);
json_t *aapi_score(double fraction);    /* null for -1 */
json_t *aapi_time(int64_t t);           /* null for 0 */
/* The framework id in the path exists, else 404 answered and -1. */
int aapi_fw(WebCtx *c, int64_t *fw_id);

/* Organisation scores and a total, with what policy withholds left out. */
json_t *aapi_scores_json(const AssessOrgScore *v, size_t n);
json_t *aapi_agg_json(const AssessAggregate *g);

const WebRoute *assess_api_plan_routes(void);
void assess_api_init(void);

#endif
