/* cuda_resolvent.c: the resolvent method (include/rmtmc_resolvent_method.h)
 * on the GPU.  A batch lives on the device from the draws to the per-trial
 * outputs; only those come back.  Per batch, for every trial at once:
 *
 *   sample  X by cuRAND and Sigma^(1/2) exactly as the dense method
 *           (cuda_draw_x);
 *   solve   S = X X^T / n (cuda_gram: the upper triangle or all of it);
 *           each real z (Cholesky path): F = S + zI (kernel),
 *           cusolverDnDpotrfBatched (upper: F = U^T U), every per-matrix info
 *           kept; the probes through two cublasDtrsmBatched (U^T Y' = P,
 *           U Y = Y': Y = Q P; potrsBatched takes one right-hand side only),
 *           the forms by kernel; when a trace or the diagonal is asked for,
 *           V = U^-1 by cublasDtrsmBatched against the identity, Q_ii as the
 *           row norms of V, and for a dense Sigma ||Sigma^(1/2) V||_F^2 from
 *           one strided-batched gemm;
 *           complex z (eigen path): the batched eigensolver with vectors the
 *           fits use (cuda_eig: syevBatched, ...), C = W^T P and the weights
 *           w_k^T Sigma w_k by gemm and kernel, every z's sums by kernel;
 *           the per-matrix infos through the engine's one rule
 *           (backend_check_info) once the stream synchronised;
 *   reduce  the outputs to the host.
 * The sums follow src/backend/resolvent_common.h, the CPU's order; the
 * factorisations are cuSOLVER's, so CPU and GPU agree to rounding. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cuda/cuda_internal.h"
#include "rmtmc_kernels.h"
#include "rmtmc_resolvent_method.h"

typedef struct cuda_rsv_batch {
  rmtmc_resolvent_problem p; /* host view */
  rmtmc_resolvent_offsets o;
  int64_t d, n, np, cap, count, nout;
  int entries, full, eigen, inverse, dense_t, need_t, chol;
  double nu;
  gram_path gram;
  cuda_eig eig;
  uint64_t seed, trial0;
  /* device */
  double *x, *g, *s, *f, *t, *y, *lam, *a, *qd, *out;
  double *probes, *sqrt_diag, *sqrt_full, *qre, *qim;
  int64_t *pairs, *pairs2;
  int *info;
  double **pf, **pt, **py; /* pointer arrays of F, T, Y */
  /* host */
  int *info_host, *info_chol, *info_eig;
} cuda_rsv_batch;

/* Device doubles per trial and in all (the problem's). */
static void rsv_sizes(const rmtmc_resolvent_problem *p, double *per, double *fixed) {
  const rmtmc_model *m = p->model;
  double d = (double)m->d, n = (double)m->n, np = (double)(p->nprobe > 0 ? p->nprobe : 1);
  int eigen = rmtmc_resolvent_needs_eigen(p), inverse = rmtmc_resolvent_needs_inverse(p);
  int need_t = inverse || (eigen && m->sqrt_full && (p->traces & RMTMC_RSV_TRACE_SIGMA));
  *per = d * n + (m->sqrt_full ? d * n : 0.0) + 2.0 * d * d + (need_t ? d * d : 0.0) + d * np + 3.0 * d +
         (double)rmtmc_resolvent_nout(p) + 3.0 /* pointers */ + 0.5 /* info */;
  *fixed = d * np + (m->sqrt_full ? d * d : d) + (p->qbar_re ? 2.0 * d * (double)p->nz : 0.0) +
           2.0 * (double)(p->npair + p->npair2 + 1);
}

#define RSV_ALLOC_SLACK (2.0 * 1048576.0)
#define RSV_ALLOC_COUNT 24.0

/* cuda_bytes_fn: device bytes of a batch of cap trials. */
static double rsv_bytes(const void *ctx, int64_t cap, size_t ws_bytes) {
  const rmtmc_resolvent_problem *p = ctx;
  double per, fixed;
  rsv_sizes(p, &per, &fixed);
  int eigen = rmtmc_resolvent_needs_eigen(p);
  return 8.0 * fixed + (eigen ? (double)ws_bytes : 0.0) + RSV_ALLOC_SLACK * RSV_ALLOC_COUNT + 8.0 * per * (double)cap;
}

/* The solvers the trials run, for the backend info (after cuda_eig_plan). */
static void name_solvers(cuda_impl *c, const rmtmc_resolvent_problem *p) {
  int chol = 0;
  for (int64_t j = 0; j < p->nz; ++j) chol |= rmtmc_resolvent_uses_cholesky(p, j);
  if (!rmtmc_resolvent_needs_eigen(p))
    snprintf(c->method_solver, sizeof c->method_solver, "potrfBatched");
  else if (chol)
    snprintf(c->method_solver, sizeof c->method_solver, "potrfBatched+%s", cuda_solver_name(c->solver_planned));
}

static rmtmc_status rsv_limits(void *impl, const rmtmc_work *w, rmtmc_batch_limits *lim, rmtmc_error *err) {
  cuda_impl *c = impl;
  const rmtmc_resolvent_problem *p = w->resolvent;
  char sizes[96];
  snprintf(sizes, sizeof sizes, "the resolvent of d = %lld, n = %lld", (long long)p->model->d, (long long)p->model->n);
  lim->bytes_per_trial = rsv_bytes(p, 2, 0) - rsv_bytes(p, 1, 0);
  rmtmc_status st = cuda_plan_batch(c, cuda_choose_solver(c->solver_pref, p->model->d), p->model->d, 0, 1, rsv_bytes,
                                    p, sizes, &lim->max_trials, err);
  if (st == RMTMC_OK) name_solvers(c, p);
  return st;
}

static void rsv_free(void *impl, void *batch) {
  cuda_impl *c = impl;
  cuda_rsv_batch *b = batch;
  if (!b) return;
  if (c) {
    (void)cudaSetDevice(c->device);
    (void)cudaStreamSynchronize(c->stream);
  }
  void *dev[] = {b->x,     b->g,         b->s,         b->f,   b->t,   b->y,     b->lam,    b->a,
                 b->qd,    b->out,       b->probes,    b->sqrt_diag, b->sqrt_full, b->qre, b->qim, b->pairs,
                 b->pairs2, b->info,     b->pf,        b->pt,  b->py};
  for (size_t i = 0; i < sizeof dev / sizeof dev[0]; ++i)
    if (dev[i]) (void)cudaFree(dev[i]);
  cuda_eig_free(&b->eig);
  free(b->info_host);
  free(b->info_chol);
  free(b->info_eig);
  free(b);
}

static rmtmc_status up(cuda_impl *c, void *dst, const void *src, size_t bytes, rmtmc_error *err) {
  if (bytes > 0) CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, c->stream));
  return RMTMC_OK;
}

static rmtmc_status rsv_fill_batch(cuda_impl *c, cuda_rsv_batch *b, rmtmc_error *err) {
  const rmtmc_resolvent_problem *p = &b->p;
  const rmtmc_model *m = p->model;
  double d = (double)b->d, n = (double)b->n, k = (double)b->cap, np = (double)(b->np > 0 ? b->np : 1);
  char desc[128];
  snprintf(desc, sizeof desc, "a batch of %lld trials of the resolvent (d = %lld, n = %lld)", (long long)b->cap,
           (long long)b->d, (long long)b->n);
  TRY(cuda_dev_alloc((void **)&b->x, 8.0 * k * d * n, desc, "X", err));
  if (b->full) TRY(cuda_dev_alloc((void **)&b->g, 8.0 * k * d * n, desc, "G", err));
  TRY(cuda_dev_alloc((void **)&b->s, 8.0 * k * d * d, desc, "S", err));
  TRY(cuda_dev_alloc((void **)&b->f, 8.0 * k * d * d, desc, "the factors", err));
  if (b->need_t) TRY(cuda_dev_alloc((void **)&b->t, 8.0 * k * d * d, desc, "U^-1", err));
  TRY(cuda_dev_alloc((void **)&b->y, 8.0 * k * d * np, desc, "the solves", err));
  TRY(cuda_dev_alloc((void **)&b->lam, 8.0 * k * d, desc, "the eigenvalues", err));
  TRY(cuda_dev_alloc((void **)&b->a, 8.0 * k * d, desc, "the weights", err));
  TRY(cuda_dev_alloc((void **)&b->qd, 8.0 * k * d, desc, "the diagonal", err));
  TRY(cuda_dev_alloc((void **)&b->out, 8.0 * k * (double)b->nout, desc, "the outputs", err));
  TRY(cuda_dev_alloc((void **)&b->info, 4.0 * k, desc, "solver infos", err));
  TRY(cuda_dev_alloc((void **)&b->pf, 8.0 * k, desc, "pointer arrays", err));
  TRY(cuda_dev_alloc((void **)&b->py, 8.0 * k, desc, "pointer arrays", err));
  if (b->need_t) TRY(cuda_dev_alloc((void **)&b->pt, 8.0 * k, desc, "pointer arrays", err));
  TRY(cuda_dev_alloc((void **)&b->probes, 8.0 * d * np, desc, "the probes", err));
  if (b->np > 0) TRY(up(c, b->probes, p->probes, (size_t)(b->d * b->np) * sizeof(double), err));
  if (b->full) {
    TRY(cuda_dev_alloc((void **)&b->sqrt_full, 8.0 * d * d, desc, "Sigma^(1/2)", err));
    TRY(up(c, b->sqrt_full, m->sqrt_full, (size_t)(b->d * b->d) * sizeof(double), err));
  } else {
    TRY(cuda_dev_alloc((void **)&b->sqrt_diag, 8.0 * d, desc, "Sigma^(1/2)", err));
    TRY(up(c, b->sqrt_diag, m->sqrt_diag, (size_t)b->d * sizeof(double), err));
  }
  if (p->qbar_re) {
    size_t len = (size_t)(b->d * p->nz) * sizeof(double);
    TRY(cuda_dev_alloc((void **)&b->qre, (double)len, desc, "Qbar's diagonal", err));
    TRY(cuda_dev_alloc((void **)&b->qim, (double)len, desc, "Qbar's diagonal", err));
    TRY(up(c, b->qre, p->qbar_re, len, err));
    TRY(up(c, b->qim, p->qbar_im, len, err));
  }
  TRY(cuda_dev_alloc((void **)&b->pairs, 8.0 * (double)(2 * p->npair + 1), desc, "the pairs", err));
  TRY(cuda_dev_alloc((void **)&b->pairs2, 8.0 * (double)(2 * p->npair2 + 1), desc, "the pairs", err));
  TRY(up(c, b->pairs, p->pairs, (size_t)(2 * p->npair) * sizeof(int64_t), err));
  TRY(up(c, b->pairs2, p->pairs2, (size_t)(2 * p->npair2) * sizeof(int64_t), err));
  CUDA_CHECK(rmtmc_cuda_rsv_pointers(b->pf, b->f, b->d * b->d, b->cap, c->stream));
  CUDA_CHECK(rmtmc_cuda_rsv_pointers(b->py, b->y, b->d * (b->np > 0 ? b->np : 1), b->cap, c->stream));
  if (b->need_t) CUDA_CHECK(rmtmc_cuda_rsv_pointers(b->pt, b->t, b->d * b->d, b->cap, c->stream));
  if (b->eigen) {
    TRY(cuda_eig_plan(c, &b->eig, cuda_choose_solver(c->solver_pref, b->d), b->d, 0, 1, b->cap, b->f, b->lam, err));
    TRY(cuda_eig_alloc(&b->eig, desc, err));
  }
  b->info_host = malloc((size_t)b->cap * sizeof(int));
  b->info_chol = malloc((size_t)b->cap * sizeof(int));
  b->info_eig = malloc((size_t)b->cap * sizeof(int));
  if (!b->info_host || !b->info_chol || !b->info_eig) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  CUDA_CHECK(cudaStreamSynchronize(c->stream)); /* the host sources may go now */
  return RMTMC_OK;
}

static rmtmc_status rsv_alloc(void *impl, const rmtmc_work *w, int64_t cap, void **out, rmtmc_error *err) {
  cuda_impl *c = impl;
  const rmtmc_resolvent_problem *p = w->resolvent;
  *out = NULL;
  if (cap > INT_MAX)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "cuda backend: batch capacity %lld out of range 1..%d",
                           (long long)cap, INT_MAX);
  CUDA_CHECK(cudaSetDevice(c->device));
  cuda_rsv_batch *b = calloc(1, sizeof *b);
  if (!b) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  const rmtmc_model *m = p->model;
  b->p = *p;
  rmtmc_resolvent_offsets_of(p, &b->o);
  b->d = m->d;
  b->n = m->n;
  b->np = p->nprobe;
  b->cap = cap;
  b->nout = rmtmc_resolvent_nout(p);
  b->entries = (int)m->entries;
  b->nu = m->nu;
  b->full = m->sqrt_full != NULL;
  b->eigen = rmtmc_resolvent_needs_eigen(p);
  b->inverse = rmtmc_resolvent_needs_inverse(p);
  b->dense_t = b->full && (p->traces & RMTMC_RSV_TRACE_SIGMA);
  b->need_t = b->inverse || (b->eigen && b->dense_t);
  for (int64_t j = 0; j < p->nz; ++j) b->chol |= rmtmc_resolvent_uses_cholesky(p, j);
  b->gram = cuda_choose_gram(c->gram_pref, m->d);
  rmtmc_status st = rsv_fill_batch(c, b, err);
  if (st != RMTMC_OK) {
    rsv_free(c, b);
    return st;
  }
  name_solvers(c, p);
  *out = b;
  return RMTMC_OK;
}

static rmtmc_status rsv_sample(void *impl, void *batch, uint64_t seed, uint64_t trial0, int64_t count,
                               rmtmc_error *err) {
  cuda_impl *c = impl;
  cuda_rsv_batch *b = batch;
  CUDA_CHECK(cudaSetDevice(c->device));
  b->seed = seed;
  b->trial0 = trial0;
  b->count = count;
  return cuda_draw_x(c, b->x, b->g, 0, b->sqrt_diag, b->sqrt_full, b->d, b->n, b->entries, b->nu, seed, trial0,
                     count, err);
}

/* The device infos of count matrices into the host, keeping each trial's
 * first nonzero one in keep. */
static rmtmc_status keep_infos(cuda_impl *c, cuda_rsv_batch *b, int *keep, rmtmc_error *err) {
  CUDA_CHECK(cudaMemcpyAsync(b->info_host, b->info, (size_t)b->count * sizeof(int), cudaMemcpyDeviceToHost,
                             c->stream));
  CUDA_CHECK(cudaStreamSynchronize(c->stream));
  for (int64_t i = 0; i < b->count; ++i)
    if (!keep[i]) keep[i] = b->info_host[i];
  return RMTMC_OK;
}

/* Real z_j by the Cholesky path. */
static rmtmc_status chol_z(cuda_impl *c, cuda_rsv_batch *b, int64_t j, rmtmc_error *err) {
  const rmtmc_resolvent_problem *p = &b->p;
  const int di = (int)b->d, cnt = (int)b->count;
  const int64_t blk = j * b->o.per_z;
  cudaStream_t s = c->stream;
  CUDA_CHECK(rmtmc_cuda_rsv_shift(b->f, b->s, b->d, p->z_re[j], b->count, s));
  CUDA_CHECK(cudaMemsetAsync(b->info, 0, (size_t)b->count * sizeof(int), s));
  CUSOLVER_CHECK(cusolverDnDpotrfBatched(c->solver, CUBLAS_FILL_MODE_UPPER, di, b->pf, di, b->info, cnt));
  TRY(keep_infos(c, b, b->info_chol, err));
  const double one = 1.0;
  if (b->np > 0 && (p->npair > 0 || p->npair2 > 0)) {
    CUDA_CHECK(rmtmc_cuda_rsv_fill(b->y, b->probes, b->d * b->np, b->d, b->count, s));
    CUBLAS_CHECK(cublasDtrsmBatched(c->blas, CUBLAS_SIDE_LEFT, CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_T,
                                    CUBLAS_DIAG_NON_UNIT, di, (int)b->np, &one, (const double *const *)b->pf, di,
                                    b->py, di, cnt));
    CUBLAS_CHECK(cublasDtrsmBatched(c->blas, CUBLAS_SIDE_LEFT, CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_N,
                                    CUBLAS_DIAG_NON_UNIT, di, (int)b->np, &one, (const double *const *)b->pf, di,
                                    b->py, di, cnt));
    CUDA_CHECK(rmtmc_cuda_rsv_chol_forms(b->out, b->nout, blk, b->o.form, b->o.form2, b->probes, b->y, b->d, b->np,
                                         b->pairs, p->npair, b->pairs2, p->npair2, b->count, s));
  }
  if (!b->inverse) return RMTMC_OK;
  /* V = U^-1 into T, Q_ii = ||row i of V||^2 */
  CUDA_CHECK(rmtmc_cuda_rsv_fill(b->t, NULL, b->d * b->d, b->d, b->count, s));
  CUBLAS_CHECK(cublasDtrsmBatched(c->blas, CUBLAS_SIDE_LEFT, CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_N, CUBLAS_DIAG_NON_UNIT,
                                  di, di, &one, (const double *const *)b->pf, di, b->pt, di, cnt));
  CUDA_CHECK(rmtmc_cuda_rsv_chol_diag(b->qd, b->t, b->d, b->count, s));
  const double *qre = b->qre ? b->qre + j * b->d : NULL, *qim = b->qim ? b->qim + j * b->d : NULL;
  CUDA_CHECK(rmtmc_cuda_rsv_chol_traces(b->out, b->nout, blk, b->o.trace, b->o.trace_sigma, b->o.diag, b->qd,
                                        b->sqrt_diag, qre, qim, b->d, b->count, s));
  if (b->dense_t) { /* ||Sigma^(1/2) V||_F^2 via F = Sigma^(1/2) V (U is no longer needed) */
    const double zero = 0.0;
    const long long ss = (long long)(b->d * b->d);
    CUBLAS_CHECK(cublasDgemmStridedBatched(c->blas, CUBLAS_OP_N, CUBLAS_OP_N, di, di, di, &one, b->sqrt_full, di, 0,
                                           b->t, di, ss, &zero, b->f, di, ss, cnt));
    CUDA_CHECK(rmtmc_cuda_rsv_frob(b->out, b->nout, blk, b->o.trace_sigma, b->f, b->d, b->count, s));
  }
  return RMTMC_OK;
}

/* Every z of the eigen path from one eigendecomposition per trial. */
static rmtmc_status eigen_all(cuda_impl *c, cuda_rsv_batch *b, rmtmc_error *err) {
  const rmtmc_resolvent_problem *p = &b->p;
  const int di = (int)b->d, cnt = (int)b->count;
  const long long ss = (long long)(b->d * b->d);
  cudaStream_t s = c->stream;
  CUDA_CHECK(cudaMemcpyAsync(b->f, b->s, (size_t)(b->count * b->d * b->d) * sizeof(double), cudaMemcpyDeviceToDevice,
                             s));
  CUDA_CHECK(cudaMemsetAsync(b->info, 0, (size_t)b->count * sizeof(int), s));
  TRY(cuda_eig_run(c, &b->eig, b->f, b->lam, b->info, b->count, err));
  TRY(keep_infos(c, b, b->info_eig, err));
  const double one = 1.0, zero = 0.0;
  if (b->np > 0)
    CUBLAS_CHECK(cublasDgemmStridedBatched(c->blas, CUBLAS_OP_T, CUBLAS_OP_N, di, (int)b->np, di, &one, b->f, di, ss,
                                           b->probes, di, 0, &zero, b->y, di, (long long)(b->d * b->np), cnt));
  if (p->traces & RMTMC_RSV_TRACE_SIGMA) {
    if (b->full) {
      CUBLAS_CHECK(cublasDgemmStridedBatched(c->blas, CUBLAS_OP_N, CUBLAS_OP_N, di, di, di, &one, b->sqrt_full, di, 0,
                                             b->f, di, ss, &zero, b->t, di, ss, cnt));
      CUDA_CHECK(rmtmc_cuda_rsv_weights(b->a, b->t, NULL, b->d, b->count, s));
    } else {
      CUDA_CHECK(rmtmc_cuda_rsv_weights(b->a, b->f, b->sqrt_diag, b->d, b->count, s));
    }
  }
  for (int64_t j = 0; j < p->nz; ++j) {
    if (rmtmc_resolvent_uses_cholesky(p, j)) continue;
    const int64_t blk = j * b->o.per_z;
    CUDA_CHECK(rmtmc_cuda_rsv_eig_sums(b->out, b->nout, blk, b->o.trace, b->o.trace_sigma, b->o.form, b->o.form2,
                                       b->lam, b->y, b->a, b->d, b->np, b->pairs, p->npair, b->pairs2, p->npair2,
                                       p->z_re[j], p->z_im[j], b->count, s));
    if (b->o.diag >= 0) {
      CUDA_CHECK(rmtmc_cuda_rsv_eig_diag(b->qd, b->lam, b->f, b->qre + j * b->d, b->qim + j * b->d, b->d, p->z_re[j],
                                         p->z_im[j], b->count, s));
      CUDA_CHECK(rmtmc_cuda_rsv_max(b->out, b->nout, blk, b->o.diag, b->qd, b->d, b->count, s));
    }
  }
  return RMTMC_OK;
}

static rmtmc_status rsv_solve(void *impl, void *batch, rmtmc_error *err) {
  cuda_impl *c = impl;
  cuda_rsv_batch *b = batch;
  if (b->count == 0) return RMTMC_OK;
  CUDA_CHECK(cudaSetDevice(c->device));
  memset(b->info_chol, 0, (size_t)b->count * sizeof(int));
  memset(b->info_eig, 0, (size_t)b->count * sizeof(int));
  TRY(cuda_gram(c, b->gram, b->x, b->s, 0, b->d, b->n, b->count, err));
  for (int64_t j = 0; j < b->p.nz; ++j)
    if (rmtmc_resolvent_uses_cholesky(&b->p, j)) TRY(chol_z(c, b, j, err));
  if (b->eigen) TRY(eigen_all(c, b, err));
  CUDA_CHECK(cudaStreamSynchronize(c->stream));
  rmtmc_status st = RMTMC_OK;
  if (b->chol)
    st = backend_check_info(c->debug, "cuSOLVER potrfBatched (S + zI, real z)", b->info_chol, b->count, b->trial0,
                            err);
  if (st == RMTMC_OK && b->eigen) {
    char solver[80];
    snprintf(solver, sizeof solver, "cuSOLVER %s (eigenvectors of S)", cuda_solver_name(b->eig.solver));
    st = backend_check_info(c->debug, solver, b->info_eig, b->count, b->trial0, err);
  }
  return st;
}

static rmtmc_status rsv_reduce(void *impl, void *batch, double *out, int64_t *hist, rmtmc_error *err) {
  cuda_impl *c = impl;
  cuda_rsv_batch *b = batch;
  if (b->count == 0 || !out) return RMTMC_OK;
  CUDA_CHECK(cudaSetDevice(c->device));
  CUDA_CHECK(cudaMemcpyAsync(out, b->out, (size_t)(b->count * b->nout) * sizeof(double), cudaMemcpyDeviceToHost,
                             c->stream));
  CUDA_CHECK(cudaStreamSynchronize(c->stream));
  return RMTMC_OK;
}

const rmtmc_method_ops cuda_resolvent_method = {
    .limits = rsv_limits,
    .alloc = rsv_alloc,
    .free = rsv_free,
    .sample = rsv_sample,
    .gram = NULL,
    .solve = rsv_solve,
    .reduce = rsv_reduce,
    .copy_sample = NULL,
    .copy_eigvals = NULL,
};
