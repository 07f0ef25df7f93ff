/* cpu_tridiag_method.c: the tridiagonal method's table on the CPU backend
 * (Gaussian data, Sigma = s2 I; rmtmc_backend.h, docs/fast_methods.md).
 * A batch holds each trial's band only (16 m bytes, m = min(d, n): 16 MB at
 * d = 10^6), so the driver batches many trials of any d; trials run in
 * parallel on the backend's threads, one trial per thread at a time:
 *   sample  cpu_de_sample: the Dumitriu-Edelman band from the trial's stream;
 *   reduce  cpu_tridiag_reduce: the spectrum layout in O(m) per statistic
 *           (Stieltjes recurrence, Sturm-count histogram, bisection for the
 *           extremes, moments from the band);
 *   copy_eigvals  every eigenvalue by LAPACK dsterf on the band (O(m^2),
 *           only for --save-eigenvalues), the d - m structural zeros first. */
#include <stdlib.h>
#include <string.h>

#include "backend/cpu/cpu_fast.h"
#include "backend/cpu/cpu_internal.h"
#include "backend/tridiag_common.h"
#include "core/parallel.h"

/* What the backend info names as the method's eigensolver: none runs (the
 * extremes by bisection on Sturm counts; dsterf only for copy_eigvals). */
#define TRI_SOLVER "Sturm bisection"

typedef struct tri_batch {
  cpu_layout lay;
  int64_t d, n, m, cap, count;
  double s2;
  uint64_t seed, trial0;
  int threads;
  double *a, *b2; /* cap x m each: trial t at t m */
  double *obs;    /* the reduce's destination while it runs */
} tri_batch;

static rmtmc_status tri_limits(void *impl, const rmtmc_work *w, rmtmc_batch_limits *lim, rmtmc_error *err) {
  cpu_impl *c = impl;
  const rmtmc_model *md = w->model;
  double m = (double)rmtmc_de_size(md->d, md->n), nh = (double)w->layout->nhist;
  /* the band, a histogram row; per thread the nbins + 1 edges and counts of
   * a reduce, or dsterf's workspace when the eigenvalues are copied */
  double per = 16.0 * m + 8.0 * nh;
  double fixed = (double)c->threads * (16.0 * (nh + 1.0) + 8.0 * m);
  c->solver = TRI_SOLVER;
  return cpu_limits(w, per, fixed, lim, err);
}

static void tri_free(void *impl, void *batch) {
  tri_batch *b = batch;
  if (!b) return;
  cpu_layout_free(&b->lay);
  free(b->a);
  free(b->b2);
  free(b);
}

static rmtmc_status tri_alloc(void *impl, const rmtmc_work *w, int64_t cap, void **out, rmtmc_error *err) {
  cpu_impl *c = impl;
  const rmtmc_model *md = w->model;
  tri_batch *b = calloc(1, sizeof *b);
  if (!b) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  b->d = md->d;
  b->n = md->n;
  b->m = rmtmc_de_size(md->d, md->n);
  b->cap = cap;
  b->threads = c->threads;
  c->solver = TRI_SOLVER;
  rmtmc_model_isotropic(md, &b->s2); /* rmtmc_work_check: it is */
  rmtmc_status st = cpu_layout_own(&b->lay, w->layout, err);
  if (st == RMTMC_OK) {
    b->a = malloc((size_t)(cap * b->m) * sizeof(double));
    b->b2 = malloc((size_t)(cap * b->m) * sizeof(double));
    if (!b->a || !b->b2)
      st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "cannot allocate the bands of %lld trials (d = %lld, n = %lld)",
                           (long long)cap, (long long)b->d, (long long)b->n);
  }
  if (st != RMTMC_OK) {
    tri_free(impl, b);
    return st;
  }
  *out = b;
  return RMTMC_OK;
}

static rmtmc_status tri_sample(void *impl, void *batch, uint64_t seed, uint64_t trial0, int64_t count,
                               rmtmc_error *err) {
  tri_batch *b = batch;
  b->seed = seed;
  b->trial0 = trial0;
  b->count = count;
  const int64_t m = b->m;
#pragma omp parallel for num_threads(b->threads) schedule(dynamic, 1)
  for (int64_t t = 0; t < count; ++t)
    cpu_de_sample(seed, trial0 + (uint64_t)t, b->d, b->n, 1, b->s2, b->a + t * m, b->b2 + t * m);
  return RMTMC_OK;
}

static rmtmc_status tri_reduce_one(void *ctx, int thread, int64_t t, int64_t *hist_row, rmtmc_error *err) {
  const tri_batch *b = ctx;
  const rmtmc_layout *L = &b->lay.L;
  return cpu_tridiag_reduce(L, b->d, b->n, b->a + t * b->m, b->b2 + t * b->m, b->obs + t * L->nobs, hist_row, err);
}

static rmtmc_status tri_reduce(void *impl, void *batch, double *obs, int64_t *hist, rmtmc_error *err) {
  tri_batch *b = batch;
  b->obs = obs;
  rmtmc_status st = cpu_reduce_trials(b->threads, b->count, hist ? b->lay.L.nhist : 0, hist, tri_reduce_one, b, err);
  b->obs = NULL;
  return st;
}

typedef struct tri_copy {
  const tri_batch *b;
  double *ev;
} tri_copy;

static rmtmc_status tri_eigs_one(void *ctx, int thread, int64_t t, rmtmc_error *err) {
  const tri_copy *k = ctx;
  const tri_batch *b = k->b;
  double *ev = k->ev + t * b->d, *work = malloc((size_t)(b->m > 1 ? b->m : 1) * sizeof *work);
  if (!work) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for dsterf's workspace");
  for (int64_t i = 0; i < b->d - b->m; ++i) ev[i] = 0.0;
  rmtmc_status st = cpu_tridiag_eigenvalues(b->a + t * b->m, b->b2 + t * b->m, b->m, ev + (b->d - b->m), work, err);
  free(work);
  return st;
}

static rmtmc_status tri_copy_eigvals(void *impl, void *batch, double *ev, rmtmc_error *err) {
  tri_batch *b = batch;
  tri_copy k = {.b = b, .ev = ev};
  return rmtmc_parallel_for(b->threads, b->count, tri_eigs_one, &k, err);
}

const rmtmc_method_ops cpu_tridiag_method = {
    .limits = tri_limits,
    .alloc = tri_alloc,
    .free = tri_free,
    .sample = tri_sample,
    .reduce = tri_reduce,
    .copy_eigvals = tri_copy_eigvals,
};
