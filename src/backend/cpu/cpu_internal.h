/* cpu_internal.h: what the CPU backend's files share (cpu_backend.c holds
 * the spectrum stages and the table, cpu_fit.c the linear-model fits). */
#ifndef RMTMC_CPU_INTERNAL_H
#define RMTMC_CPU_INTERNAL_H

#include <stdint.h>

#include "rmtmc_backend.h"

typedef struct cpu_impl {
  int threads;
} cpu_impl;

/* Memory the system can give us now (MemAvailable, else the total). */
double cpu_available_memory(void);

rmtmc_status cpu_fit_max_batch(void *impl, const rmtmc_fit_problem *p,
                               int64_t *max_trials, rmtmc_error *err);
rmtmc_status cpu_fit_alloc(void *impl, const rmtmc_fit_problem *p, int64_t cap,
                           rmtmc_fit_batch **fb, rmtmc_error *err);
void cpu_fit_free(void *impl, rmtmc_fit_batch *fb);
rmtmc_status cpu_fit_run(void *impl, rmtmc_fit_batch *fb, uint64_t trial0,
                         int64_t count, double *out, rmtmc_error *err);

#endif
