/* part.c — parsing the result-part document a sensor posts:
 * {"part":N,"total":M,"data":"<JSON lines>"} or {"error":"why"}. Outside
 * input: bounded, every field checked, strings copied into the arena. */
#include <jansson.h>
#include <string.h>

#include "scanjobs/scanjobs.h"

static int bad(Err *e, const char *why) {
  return err_set(e, VERR_INVALID, "Ugyldig resultatdel: %s.", why);
}

int scanjobs_part_parse(Arena *a, const char *body, size_t n, ScanjobsPart *out, Err *e) {
  memset(out, 0, sizeof *out);
  if (!body || n == 0 || n > SCANJOBS_PART_MAX * 2 + 4096) return bad(e, "tom eller for stor");
  json_error_t je;
  json_t *o = json_loadb(body, n, JSON_REJECT_DUPLICATES, &je);
  if (!json_is_object(o)) {
    json_decref(o);
    return bad(e, "ikke et JSON-objekt");
  }
  int rc = 0;
  json_t *err = json_object_get(o, "error");
  json_t *part = json_object_get(o, "part"), *total = json_object_get(o, "total");
  json_t *data = json_object_get(o, "data");
  if (err) {
    const char *s = json_string_value(err);
    size_t len = s ? strlen(s) : 0;
    if (!s || len == 0 || len > 500) rc = bad(e, "«error» må være tekst (1–500 tegn)");
    else if (!(out->error = arena_strdup(a, s))) rc = err_set(e, VERR_NOMEM, "tomt for minne");
  } else if (!json_is_integer(part) || !json_is_integer(total) || !json_is_string(data)) {
    rc = bad(e, "mangler «part», «total» eller «data»");
  } else {
    out->part = json_integer_value(part);
    out->total = json_integer_value(total);
    out->len = json_string_length(data);
    if (out->total < 1 || out->total > SCANJOBS_PARTS_MAX || out->part < 0 || out->part >= out->total)
      rc = bad(e, "«part» må være 0..total-1 og total 1–4096");
    else if (out->len > SCANJOBS_PART_MAX) rc = bad(e, "«data» er for stor");
    else if (memchr(json_string_value(data), '\0', out->len)) rc = bad(e, "NUL i «data»");
    else if (!(out->data = arena_strndup(a, json_string_value(data), out->len)))
      rc = err_set(e, VERR_NOMEM, "tomt for minne");
  }
  json_decref(o);
  return rc;
}
