/* cpu_internal.h: what the CPU backend's files share (cpu_backend.c holds
 * the table and the dense spectrum method, cpu_fit.c the linear-model
 * fits). */
#ifndef RMTMC_CPU_INTERNAL_H
#define RMTMC_CPU_INTERNAL_H

#include <stdint.h>

#include "backend/backend_impl.h"

typedef struct cpu_impl {
  int threads;
  rmtmc_backend_debug *debug; /* the test hooks (backend_check_info) */
  int blas_threads;           /* OpenBLAS's thread count before open, restored at close */
  const char *solver;         /* the eigensolver of the last work planned
                                 (limits, alloc), which cpu_info reports */
} cpu_impl;

/* A method's batch plan: `fixed` bytes (the threads' workspaces) plus `per`
 * bytes a trial.  One trial must fit in the memory available (the one
 * memory rule, rmtmc_mem_check: `what` and `reduce` name it in the
 * message); batches are planned in 80% of it, at least one trial. */
rmtmc_status cpu_plan_batch(const char *what, double fixed, double per, const char *reduce, rmtmc_batch_limits *lim,
                            rmtmc_error *err);

/* The fit method's table (cpu_fit.c). */
extern const rmtmc_method_ops cpu_fit_method;

#endif
