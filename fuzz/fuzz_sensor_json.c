/* fuzz_sensor_json.c — the JSON that crosses between sensor and server:
 * the job list a sensor parses (sensor_jobs_parse), the result-part
 * document the server parses (scanjobs_part_parse), and the sensor's
 * report splitting, whose parts must parse back and join to the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "scanjobs/scanjobs.h"
#include "sensor/sensor.h"

typedef struct Join {
  Buf b;
  int bad;
} Join;

static int rejoin(int part, int total, const char *doc, void *ctx) {
  Join *j = ctx;
  Arena *a = arena_new(1 << 22);
  ScanjobsPart p;
  if (!a || scanjobs_part_parse(a, doc, strlen(doc), &p, NULL) || p.part != part || p.total != total)
    j->bad = 1;
  else
    buf_append(&j->b, p.data, p.len);
  arena_free(a);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  SensorJob *jobs = NULL;
  size_t n = 0;
  if (sensor_jobs_parse((const char *)data, size, &jobs, &n, NULL) == 0)
    for (size_t i = 0; i < n; i++) {
      char *s = sensor_job_dump(&jobs[i]);
      SensorJob *again = NULL;
      size_t m = 0;
      if (!s || sensor_jobs_parse(s, strlen(s), &again, &m, NULL) || m != 1 || again[0].id != jobs[i].id)
        abort();   /* what the sensor stores on disk must read back */
      sensor_jobs_free(again, m);
      free(s);
    }
  sensor_jobs_free(jobs, n);
  Arena *a = arena_new(1 << 22);
  ScanjobsPart p;
  if (a) scanjobs_part_parse(a, (const char *)data, size, &p, NULL);
  arena_free(a);
  /* splitting: only text without NUL is a report */
  if (size < (1 << 16) && !memchr(data, '\0', size)) {
    Join j = {.bad = 0};
    buf_init(&j.b, 1 << 20);
    char *text = strndup((const char *)data, size);
    if (text && sensor_split_report(text, size, rejoin, &j) == 0 && !j.bad &&
        (j.b.n != size || memcmp(buf_cstr(&j.b), text, size)))
      abort();
    free(text);
    buf_free(&j.b);
  }
  return 0;
}
