/* json.h — JSON helpers shared by the feed parsers: arena copies of fields
 * and a record-at-a-time reader for {"...": ..., "<key>": [records...]}. */
#ifndef VARDE_VULN_JSON_H
#define VARDE_VULN_JSON_H
#include <jansson.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

/* The string member `key` of obj copied into the arena, or NULL. */
const char *vj_str(Arena *a, json_t *obj, const char *key);

/* Called once per element of the record array; returns 0 to go on. */
typedef int (*VjEach)(void *ctx, json_t *elem, size_t index);

/* Walk a top-level JSON object without building it whole: members other
 * than array_key are decoded and set on *top (caller decrefs); each element
 * of array_key is decoded on its own and passed to fn. A syntax error stops
 * the walk with its byte offset in e; elements already passed stay passed. */
int vj_stream(const char *data, size_t len, const char *array_key, VjEach fn, void *ctx,
              json_t **top, Err *e);

#endif
