/* cpu_internal.h: what the CPU backend's files share (cpu_backend.c holds
 * the table, the dense spectrum method and its sampling, cpu_fit.c the
 * linear-model fits, cpu_resolvent.c the resolvent functionals). */
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
/* The resolvent method's table (cpu_resolvent.c). */
extern const rmtmc_method_ops cpu_resolvent_method;

/* X = Sigma^(1/2) G of trial `trial` (d x n) as the dense method draws it;
 * g: d x n scratch for a full Sigma^(1/2) (unused, may be NULL, for a
 * diagonal one).  BLAS single-threaded by the caller. */
void cpu_draw_x(const rmtmc_model *m, uint64_t seed, uint64_t trial, double *g, double *x);
/* The upper triangle of S = X X^T / n (dsyrk), as the dense method forms it. */
void cpu_gram_x(const rmtmc_model *m, const double *x, double *s);

#endif
