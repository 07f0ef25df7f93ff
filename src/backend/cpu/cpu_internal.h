/* cpu_internal.h: what the CPU backend's files share (cpu_backend.c holds
 * the table and the dense and Bartlett spectrum methods with their sampling,
 * cpu_fit.c the linear-model fits, cpu_tridiag_method.c the tridiagonal
 * method, cpu_resolvent.c the resolvent functionals). */
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
/* The tridiagonal method's table (cpu_tridiag_method.c). */
extern const rmtmc_method_ops cpu_tridiag_method;

/* ---- shared by the spectrum methods (cpu_backend.c) ---- */

/* A spectrum layout holding its own copy of the z grid (a batch's: the
 * caller's arrays may go). */
typedef struct cpu_layout {
  rmtmc_layout L; /* z_re, z_im: the copies below */
  double *z_re, *z_im;
} cpu_layout;

rmtmc_status cpu_layout_own(cpu_layout *o, const rmtmc_layout *L, rmtmc_error *err);
void cpu_layout_free(cpu_layout *o);

/* What a batch may hold at per bytes a trial plus fixed bytes, within 80%
 * of the available memory (RMTMC_ERR_TOO_LARGE naming the sizes and the
 * method when not one trial fits). */
rmtmc_status cpu_limits(const rmtmc_work *w, double per, double fixed, rmtmc_batch_limits *lim, rmtmc_error *err);

/* One trial's reduction: trial t of the batch on OpenMP thread `thread`,
 * its histogram counts into its own zeroed row (NULL without a histogram). */
typedef rmtmc_status (*cpu_trial_reduce_fn)(void *ctx, int thread, int64_t t, int64_t *hist_row,
                                            rmtmc_error *err);
/* fn for trials [0, count) in parallel on `threads` threads, then the rows
 * added to hist (nhist slots; integer counts: the same total for any thread
 * count).  The lowest failing trial's status. */
rmtmc_status cpu_reduce_trials(int threads, int64_t count, int64_t nhist, int64_t *hist, cpu_trial_reduce_fn fn,
                               void *ctx, rmtmc_error *err);

#endif
