/* cuda_tridiag.c: the tridiagonal method's table on the CUDA backend
 * (Gaussian data, Sigma = s2 I; rmtmc_backend.h, docs/fast_methods.md).  A
 * batch holds each trial's band on the device (16 m bytes, m = min(d, n)),
 * so one call takes hundreds of trials even at d = 10^6:
 *   sample  rmtmc_cuda_de_sample (kernels/tridiag.cu): one thread per row
 *           of the band, the same draws as the CPU's cpu_de_sample;
 *   reduce  rmtmc_cuda_tridiag_reduce: one thread block per trial writes the
 *           layout's row (m(z), extremes, moments) and adds the histogram;
 *           rows and counts come back to the host;
 *   copy_eigvals  the bands come back and LAPACK dsterf runs on the host
 *           (cpu_tridiag_eigenvalues, the CPU backend's code: one rule), only
 *           for --save-eigenvalues.
 * Automatic batches are at least 8 trials per multiprocessor (limits'
 * min_trials): one block per trial, several resident per SM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cpu/cpu_fast.h"
#include "backend/cuda/cuda_internal.h"
#include "backend/tridiag_common.h"
#include "rmtmc_kernels.h"

/* Trials per multiprocessor for a full device (blocks of 128 threads, ~22
 * KiB of shared memory each). */
#define TRIALS_PER_SM 8

typedef struct tri_batch {
  int64_t d, n, m, cap, count;
  double s2;
  rmtmc_layout L;           /* z_re, z_im: the device copies below */
  double *a, *b2, *obs;     /* device: cap x m, cap x m, cap x nobs */
  double *z_re, *z_im;      /* device */
  unsigned long long *hist; /* device, nbins + 2 */
  unsigned long long *hist_host;
} tri_batch;

/* Device bytes of a batch of cap trials. */
static double tri_bytes(const rmtmc_work *w, double cap) {
  const rmtmc_layout *L = w->layout;
  double m = (double)rmtmc_de_size(w->model->d, w->model->n);
  return cap * (16.0 * m + 8.0 * (double)L->nobs) + 8.0 * (double)(L->nbins + 2) + 16.0 * (double)L->nz +
         5.0 * 2.0 * 1048576.0; /* allocation granularity of the 5 arrays + z */
}

static rmtmc_status tri_limits(void *impl, const rmtmc_work *w, rmtmc_batch_limits *lim, rmtmc_error *err) {
  cuda_impl *c = impl;
  double avail, free_b, margin;
  TRY(cuda_batch_memory(c, &avail, &free_b, &margin, err));
  double one = tri_bytes(w, 1.0), per = tri_bytes(w, 2.0) - one;
  if (one > avail)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE,
                           "d = %lld, n = %lld needs %.2f GiB per trial of the tridiagonal method on the GPU, the device has %.2f GiB free (%.2f GiB after a %.2f GiB safety margin); reduce the sizes or use --backend cpu",
                           (long long)w->model->d, (long long)w->model->n, one / GIB, free_b / GIB, avail / GIB,
                           margin / GIB);
  double cnt = 1.0 + (avail - one) / per;
  lim->max_trials = cnt > 1e9 ? 1000000000 : (int64_t)cnt;
  lim->bytes_per_trial = per;
  int sms = 0;
  CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, c->device));
  lim->min_trials = (int64_t)TRIALS_PER_SM * (sms > 0 ? sms : 1);
  c->solver_planned = SOLVER_STURM; /* what cuda_info names */
  return RMTMC_OK;
}

static void tri_free(void *impl, void *batch) {
  cuda_impl *c = impl;
  tri_batch *b = batch;
  if (!b) return;
  (void)cudaSetDevice(c->device);
  (void)cudaStreamSynchronize(c->stream);
  void *dev[] = {b->a, b->b2, b->obs, b->z_re, b->z_im, b->hist};
  for (size_t i = 0; i < sizeof dev / sizeof dev[0]; ++i)
    if (dev[i]) (void)cudaFree(dev[i]);
  free(b->hist_host);
  free(b);
}

static rmtmc_status tri_fill(cuda_impl *c, tri_batch *b, const rmtmc_layout *L, rmtmc_error *err) {
  char desc[128];
  snprintf(desc, sizeof desc, "a batch of %lld trials of the tridiagonal method (d = %lld, n = %lld)",
           (long long)b->cap, (long long)b->d, (long long)b->n);
  double k = (double)b->cap, m = (double)b->m;
  TRY(cuda_dev_alloc((void **)&b->a, k * m * 8.0, desc, "the bands", err));
  TRY(cuda_dev_alloc((void **)&b->b2, k * m * 8.0, desc, "the bands", err));
  TRY(cuda_dev_alloc((void **)&b->obs, k * (double)L->nobs * 8.0, desc, "observables", err));
  if (L->nbins > 0) TRY(cuda_dev_alloc((void **)&b->hist, (double)(L->nbins + 2) * 8.0, desc, "the histogram", err));
  if (L->nz > 0) {
    TRY(cuda_dev_alloc((void **)&b->z_re, (double)L->nz * 8.0, desc, "the z grid", err));
    TRY(cuda_dev_alloc((void **)&b->z_im, (double)L->nz * 8.0, desc, "the z grid", err));
    CUDA_CHECK(cudaMemcpyAsync(b->z_re, L->z_re, (size_t)L->nz * sizeof(double), cudaMemcpyHostToDevice, c->stream));
    CUDA_CHECK(cudaMemcpyAsync(b->z_im, L->z_im, (size_t)L->nz * sizeof(double), cudaMemcpyHostToDevice, c->stream));
  }
  b->hist_host = malloc((size_t)(L->nbins + 2) * sizeof(unsigned long long));
  if (!b->hist_host) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  CUDA_CHECK(cudaStreamSynchronize(c->stream)); /* the host's z grid may go now */
  return RMTMC_OK;
}

static rmtmc_status tri_alloc(void *impl, const rmtmc_work *w, int64_t cap, void **out, rmtmc_error *err) {
  cuda_impl *c = impl;
  *out = NULL;
  CUDA_CHECK(cudaSetDevice(c->device));
  tri_batch *b = calloc(1, sizeof *b);
  if (!b) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  b->d = w->model->d;
  b->n = w->model->n;
  b->m = rmtmc_de_size(b->d, b->n);
  b->cap = cap;
  c->solver_planned = SOLVER_STURM;
  rmtmc_model_isotropic(w->model, &b->s2); /* rmtmc_work_check: it is */
  b->L = *w->layout;
  rmtmc_status st = tri_fill(c, b, w->layout, err);
  if (st != RMTMC_OK) {
    tri_free(c, b);
    return st;
  }
  b->L.z_re = b->z_re;
  b->L.z_im = b->z_im;
  *out = b;
  return RMTMC_OK;
}

static rmtmc_status tri_sample(void *impl, void *batch, uint64_t seed, uint64_t trial0, int64_t count,
                               rmtmc_error *err) {
  cuda_impl *c = impl;
  tri_batch *b = batch;
  b->count = count;
  if (count == 0) return RMTMC_OK;
  CUDA_CHECK(cudaSetDevice(c->device));
  CUDA_CHECK(rmtmc_cuda_de_sample(b->a, b->b2, b->m, b->d, b->n, 1, b->s2, seed, trial0, count, c->stream));
  return RMTMC_OK;
}

static rmtmc_status tri_reduce(void *impl, void *batch, double *obs, int64_t *hist, rmtmc_error *err) {
  cuda_impl *c = impl;
  tri_batch *b = batch;
  if (b->count == 0) return RMTMC_OK;
  CUDA_CHECK(cudaSetDevice(c->device));
  const rmtmc_layout *L = &b->L;
  size_t hb = (size_t)(L->nbins + 2) * sizeof(unsigned long long);
  if (L->nbins > 0) CUDA_CHECK(cudaMemsetAsync(b->hist, 0, hb, c->stream));
  CUDA_CHECK(rmtmc_cuda_tridiag_reduce(b->obs, L, b->hist, b->a, b->b2, b->m, b->d, b->n, b->count, c->stream));
  if (L->nbins > 0) CUDA_CHECK(cudaMemcpyAsync(b->hist_host, b->hist, hb, cudaMemcpyDeviceToHost, c->stream));
  if (obs)
    CUDA_CHECK(cudaMemcpyAsync(obs, b->obs, (size_t)(b->count * L->nobs) * sizeof(double), cudaMemcpyDeviceToHost,
                               c->stream));
  CUDA_CHECK(cudaStreamSynchronize(c->stream));
  if (L->nbins > 0 && hist) {
    for (int64_t j = 0; j < L->nbins + 2; ++j) hist[j] += (int64_t)b->hist_host[j];
    hist[L->nbins + 2] += b->count * (b->d - b->m);
  }
  return RMTMC_OK;
}

static rmtmc_status tri_copy_eigvals(void *impl, void *batch, double *ev, rmtmc_error *err) {
  cuda_impl *c = impl;
  tri_batch *b = batch;
  if (b->count == 0) return RMTMC_OK;
  size_t len = (size_t)(b->count * b->m);
  double *a = malloc(len * sizeof *a), *b2 = malloc(len * sizeof *b2), *work = malloc((size_t)b->m * sizeof *work);
  rmtmc_status st = a && b2 && work ? RMTMC_OK : rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  cudaError_t e = cudaSuccess;
  if (st == RMTMC_OK) {
    e = cudaSetDevice(c->device);
    if (e == cudaSuccess) e = cudaMemcpyAsync(a, b->a, len * sizeof *a, cudaMemcpyDeviceToHost, c->stream);
    if (e == cudaSuccess) e = cudaMemcpyAsync(b2, b->b2, len * sizeof *b2, cudaMemcpyDeviceToHost, c->stream);
    if (e == cudaSuccess) e = cudaStreamSynchronize(c->stream);
    if (e != cudaSuccess)
      st = cuda_fail_call(err, "CUDA", "cudaMemcpyAsync", cudaGetErrorString(e), __FILE__, __LINE__);
  }
  for (int64_t t = 0; st == RMTMC_OK && t < b->count; ++t) {
    double *row = ev + t * b->d;
    memset(row, 0, (size_t)(b->d - b->m) * sizeof *row);
    st = cpu_tridiag_eigenvalues(a + t * b->m, b2 + t * b->m, b->m, row + (b->d - b->m), work, err);
  }
  free(a);
  free(b2);
  free(work);
  return st;
}

const rmtmc_method_ops cuda_tridiag_method = {
    .limits = tri_limits,
    .alloc = tri_alloc,
    .free = tri_free,
    .sample = tri_sample,
    .reduce = tri_reduce,
    .copy_eigvals = tri_copy_eigvals,
};
