/* clock.h: private monotonic wall clock (not part of the public API). */
#ifndef RMTMC_CORE_CLOCK_H
#define RMTMC_CORE_CLOCK_H

#include <time.h>

/* Seconds on CLOCK_MONOTONIC (for elapsed times only). */
static inline double rmtmc_now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
