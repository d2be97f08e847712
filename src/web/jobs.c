/* jobs.c — background jobs of `varde serve`: capability modules register a
 * function and an interval; one thread with its own database handle runs each
 * when due, and stops with the server. Foundation code: knows no capability. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/db.h"
#include "web/web_int.h"

#define MAX_JOBS 16

static WebJob jobs[MAX_JOBS];
static size_t njobs;

int web_register_job(const WebJob *j) {
  if (njobs >= MAX_JOBS || !j->run || !j->name) return -1;
  jobs[njobs++] = *j;
  return 0;
}

struct WebJobs {
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int stop;
  char db_path[4096];
  WebJobEnv env;
  unsigned first_delay, interval;
};

static void run_due(WebJobs *w, Db *db, time_t *next, time_t now) {
  for (size_t i = 0; i < njobs; i++) {
    if (now < next[i]) continue;
    jobs[i].run(db, &w->env);
    unsigned every = w->interval ? w->interval : jobs[i].interval_s;
    next[i] = now + (every ? every : 3600);
  }
}

static void *loop(void *arg) {
  WebJobs *w = arg;
  Err e = {0};
  Db *db = NULL;
  if (db_open(&db, w->db_path, 0, &e)) {
    fprintf(stderr, "varde serve: bakgrunnsjobbene kan ikke åpne databasen: %s\n", e.msg);
    return NULL;
  }
  time_t next[MAX_JOBS];
  for (size_t i = 0; i < njobs; i++) next[i] = time(NULL) + w->first_delay;
  pthread_mutex_lock(&w->mu);
  while (!w->stop) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 1;
    pthread_cond_timedwait(&w->cv, &w->mu, &ts);
    if (w->stop) break;
    pthread_mutex_unlock(&w->mu);
    run_due(w, db, next, time(NULL));
    pthread_mutex_lock(&w->mu);
  }
  pthread_mutex_unlock(&w->mu);
  db_close(db);
  return NULL;
}

WebJobs *web_jobs_start(const char *db_path, const WebJobEnv *env, unsigned first_delay, unsigned interval) {
  static WebJobs w;
  if (!njobs) return NULL;
  memset(&w, 0, sizeof w);
  snprintf(w.db_path, sizeof w.db_path, "%s", db_path);
  w.env = *env;
  w.first_delay = first_delay;
  w.interval = interval;
  pthread_mutex_init(&w.mu, NULL);
  pthread_cond_init(&w.cv, NULL);
  if (pthread_create(&w.thread, NULL, loop, &w)) return NULL;
  return &w;
}

void web_jobs_stop(WebJobs *w) {
  if (!w) return;
  pthread_mutex_lock(&w->mu);
  w->stop = 1;
  pthread_cond_signal(&w->cv);
  pthread_mutex_unlock(&w->mu);
  pthread_join(w->thread, NULL);
}
