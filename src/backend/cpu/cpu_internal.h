/* cpu_internal.h: what the CPU backend's files share (cpu_backend.c holds
 * the table, the dense and Bartlett spectrum methods and their sampling,
 * cpu_edge.c the extreme eigenpairs, cpu_fit.c the linear-model fits,
 * cpu_tridiag_method.c the tridiagonal method, cpu_resolvent.c the
 * resolvent functionals).  The dense and edge methods share one batch: X, S
 * and the sample and Gram stages (real or complex data). */
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

/* A batch of the dense, edge or Bartlett method (Bartlett: x = L, d x k,
 * s = W, k x k, k = min(d, n); real data only).  Complex data (cplx) keep X and S
 * as interleaved (re, im) doubles: 2 d n and 2 d d per trial. */
typedef struct cpu_batch {
  const rmtmc_model *m;
  int cplx;
  rmtmc_layout L;      /* dense: z_re / z_im are the owned copies below */
  double *z_re, *z_im;
  rmtmc_edge_layout E; /* edge */
  int64_t cap, count;
  int64_t k;   /* Bartlett: min(d, n) */
  uint64_t seed, trial0;
  double *x;   /* cap x d x n (x 2 complex) */
  double *s;   /* cap x d x d (x 2 complex) */
  double *ev;  /* dense: cap x d eigenvalues; edge: cap x E.nobs rows */
  float *xf, *sf, *evf; /* single precision working copies */
  double *g;   /* threads x d x n (x 2) scratch for a full Sigma^(1/2) */
  double *sqrt_c; /* complex data, full Sigma^(1/2): its d x d complex copy */
  double *ws;  /* edge: per-thread solver workspace */
  int64_t ws_len;
  int threads;
  int *info;   /* per-trial LAPACK info */
} cpu_batch;

/* The shared pieces of cpu_backend.c: bytes of X and S per trial, a batch
 * with X, S and the info array (the method adds the rest), its release, and
 * the two stages. */
double cpu_xs_bytes(const rmtmc_model *m);
rmtmc_status cpu_xs_alloc(cpu_impl *c, const rmtmc_model *m, int64_t cap, cpu_batch **out, rmtmc_error *err);
void cpu_batch_release(cpu_batch *b);
rmtmc_status cpu_xs_sample(void *impl, void *batch, uint64_t seed, uint64_t trial0, int64_t count,
                           rmtmc_error *err);
rmtmc_status cpu_xs_gram(void *impl, void *batch, rmtmc_error *err);
/* The dense method's eigensolver, as cpu_info names it. */
const char *cpu_dense_solver(const rmtmc_model *m);
/* The copy entry of X (rmtmc_batch_copy_sample). */
rmtmc_status cpu_xs_copy_sample(void *impl, void *batch, double *x, rmtmc_error *err);
/* A method's batch plan: `fixed` bytes (the threads' workspaces) plus `per`
 * bytes a trial.  One trial must fit in the memory available (the one
 * memory rule, rmtmc_mem_check: `what` and `reduce` name it in the
 * message); batches are planned in 80% of it, at least one trial. */
rmtmc_status cpu_plan_batch(const char *what, double fixed, double per, const char *reduce, rmtmc_batch_limits *lim,
                            rmtmc_error *err);
/* cpu_plan_batch for the dense-like methods: the message names d and n. */
rmtmc_status cpu_batch_fit(const rmtmc_model *m, double per, double fixed, rmtmc_batch_limits *lim,
                           rmtmc_error *err);
/* Bytes of the fixed part every dense-like batch holds (the G scratch and
 * Sigma^(1/2) copies). */
double cpu_xs_fixed_bytes(const cpu_impl *c, const rmtmc_model *m);

/* A LAPACK workspace of max(query, 1) + pad elements (OpenBLAS 0.3.21's
 * complex kernels read past the end of exactly sized ones); 0 or
 * LAPACK_WORK_MEMORY_ERROR. */
int cpu_padded_work(int query, size_t elem, size_t pad, void **out);

/* The method tables of cpu_fit.c and cpu_edge.c. */
extern const rmtmc_method_ops cpu_fit_method;
extern const rmtmc_method_ops cpu_edge_method;
/* The resolvent method's table (cpu_resolvent.c). */
extern const rmtmc_method_ops cpu_resolvent_method;

/* X = Sigma^(1/2) G of trial `trial` (d x n, real data) as the dense method
 * draws it; g: d x n scratch for a full Sigma^(1/2) (unused, may be NULL,
 * for a diagonal one).  BLAS single-threaded by the caller. */
void cpu_draw_x(const rmtmc_model *m, uint64_t seed, uint64_t trial, double *g, double *x);
/* The upper triangle of S = X X^T / n (dsyrk, real data), as the dense
 * method forms it. */
void cpu_gram_x(const rmtmc_model *m, const double *x, double *s);

/* The tridiagonal method's table (cpu_tridiag_method.c). */
extern const rmtmc_method_ops cpu_tridiag_method;

/* ---- shared with the tridiagonal method (cpu_backend.c) ---- */

/* A spectrum layout holding its own copy of the z grid (a batch's: the
 * caller's arrays may go). */
typedef struct cpu_layout {
  rmtmc_layout L; /* z_re, z_im: the copies below */
  double *z_re, *z_im;
} cpu_layout;

rmtmc_status cpu_layout_own(cpu_layout *o, const rmtmc_layout *L, rmtmc_error *err);
void cpu_layout_free(cpu_layout *o);

/* cpu_batch_fit with the method named in the message when not one trial
 * fits. */
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
