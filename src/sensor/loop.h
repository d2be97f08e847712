/* loop.h — the sensor's main loop (loop.c) and its options. */
#ifndef VARDE_SENSOR_LOOP_H
#define VARDE_SENSOR_LOOP_H

typedef struct SensorOpts {
  const char *server, *state, *enrol, *ca;
  long interval;
  int once;
} SensorOpts;

/* Runs until a signal (or one round with once). Exit code 0 or 2. */
int sensor_main(const SensorOpts *o);

#endif
