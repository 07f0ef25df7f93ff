/* cuda_fit.c: the linear-model fits (rmtmc_fit.h) on the GPU.  A batch of
 * trials lives on the device from the draws to the per-trial outputs; only
 * those come back.  Per batch, for every trial at once:
 *
 *   contexts  Z (d x c) by cuRAND (kernels/sample.cu), contexts and labels
 *             counted (kernels/fit.cu), G = Z^T Z (strided-batched gemm),
 *             Pi^(1/2) scalings, the c x c eigenproblem with vectors
 *             (syevBatched), Am = Ybar Pi^(1/2) U and UB = U^T Pi^(1/2) G
 *             (gemm), the gamma grid stacked into one (ng k) x c matrix and
 *             Phat = Ys UB written straight into the outputs (gemm);
 *   mixture   X = Z + M[:, class] and the one-hot labels, then S = X X^T/n
 *             (d <= n) or K = X^T X/n (d > n) with its eigenvectors, the
 *             projections Bm = U^T X Y^T/n and Mv = U^T M (gemm; Gram side
 *             rescaled by fit_gram_factors), the grid by fit_mixture_value;
 *   ridge     X = Sigma^(1/2) G (on the fly, or one gemm with a stride-0
 *             Sigma^(1/2)), y = X^T beta + sqrt(sigma2) eps (gemm), the
 *             eigenproblem of S or K, the coefficients v and yt, then
 *             bhat - beta for every lambda as one gemm (basis x E) and the
 *             risk, training error and tr(H)/n per lambda.
 *
 * Products use cublasDgemmStridedBatched throughout (double precision; a
 * stride of 0 shares M, beta or Sigma^(1/2) across the batch).  Gram
 * matrices are full (gemm, both triangles), so the solver may read either. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cuda/cuda_internal.h"
#include "rmtmc_kernels.h"
#include "rmtmc_rng.h"

_Static_assert(RMTMC_KERNEL_FIT_CONTEXTS == (int)RMTMC_FIT_CONTEXTS, "kernel fit modes must match rmtmc_fit_kind");
_Static_assert(RMTMC_KERNEL_FIT_MIXTURE == (int)RMTMC_FIT_MIXTURE, "kernel fit modes must match rmtmc_fit_kind");
_Static_assert(RMTMC_KERNEL_FIT_RIDGE_NOUT == RMTMC_FIT_RIDGE_NOUT && RMTMC_FIT_RIDGE_RISK == 0 &&
                   RMTMC_FIT_RIDGE_TRAIN == 1 && RMTMC_FIT_RIDGE_TRACE == 2,
               "the ridge output layout of fit.cu must match rmtmc_fit.h");

/* Device arrays of a fit batch: the problem's (shared by every trial) and
 * the per-trial ones (cap trials each).  Which exist depends on the kind;
 * the sizes are in fit_sizes. */
enum {
  /* problem */
  F_GRID, F_CUMP, F_CUMA, F_START, F_M, F_BETA, F_SQRT_DIAG, F_SQRT_FULL,
  /* per trial */
  F_X, F_G, F_A, F_LAM, F_OUT, F_BM, F_MV, F_UB, F_AM, F_YS, F_YT, F_XY,
  F_XTM, F_Y, F_EV, F_V, F_YTI, F_YY, F_E, F_BH, F_SE,
  F_NDBL,
  /* per trial, int */
  I_INFO = 0, I_CLS, I_LAB, I_CNT, I_YCNT, I_NINT
};

typedef struct cuda_fit_batch {
  rmtmc_fit_problem p; /* host view (sizes, scalars) */
  int64_t cap, nout, r;
  int full; /* ridge with a dense Sigma^(1/2) */
  cuda_eig eig;
  double per_dbl[F_NDBL]; /* doubles per trial (or in all, for the problem's) */
  double per_int[I_NINT]; /* ints per trial */
  double *dv[F_NDBL];
  int *iv[I_NINT];
  int *info_host;
  uint64_t trial0; /* the trials of the sample stage */
  int64_t count;
} cuda_fit_batch;

/* Array sizes in elements: problem arrays in total, the others per trial. */
static void fit_sizes(const rmtmc_fit_problem *p, double *dbl, double *ints) {
  double d = (double)p->d, n = (double)p->n, c = (double)p->c, k = (double)p->k, g = (double)p->ngrid;
  double r = (double)rmtmc_fit_rank(p), nout = (double)rmtmc_fit_nout(p);
  for (int i = 0; i < F_NDBL; ++i) dbl[i] = 0.0;
  for (int i = 0; i < I_NINT; ++i) ints[i] = 0.0;
  dbl[F_GRID] = g;
  dbl[F_OUT] = nout;
  dbl[F_A] = r * r;
  dbl[F_LAM] = r;
  ints[I_INFO] = 1;
  switch (p->kind) {
    case RMTMC_FIT_CONTEXTS:
      dbl[F_CUMP] = k * c;
      if (p->counts) dbl[F_START] = c + 1; /* int64, as wide as a double */
      else dbl[F_CUMA] = c;
      dbl[F_X] = d * c;
      dbl[F_BM] = c * c;
      dbl[F_UB] = c * c;
      dbl[F_AM] = k * c;
      dbl[F_YS] = g * k * c;
      ints[I_CNT] = c;
      ints[I_YCNT] = k * c;
      break;
    case RMTMC_FIT_MIXTURE:
      dbl[F_CUMP] = k * c;
      dbl[F_M] = d * c;
      dbl[F_X] = d * n;
      dbl[F_YT] = n * k;
      if (p->d <= p->n) dbl[F_XY] = d * k;
      else dbl[F_XTM] = n * c;
      dbl[F_BM] = r * k;
      dbl[F_MV] = r * c;
      ints[I_CLS] = n;
      ints[I_LAB] = n;
      break;
    case RMTMC_FIT_RIDGE: {
      int full = p->model->sqrt_full != NULL;
      dbl[F_BETA] = d;
      if (full) dbl[F_SQRT_FULL] = d * d;
      else dbl[F_SQRT_DIAG] = d;
      dbl[F_X] = d * n;
      if (full || p->d > p->n) dbl[F_G] = d * n;
      dbl[F_Y] = n;
      if (p->d <= p->n) dbl[F_EV] = d;
      dbl[F_V] = r;
      dbl[F_YTI] = r;
      dbl[F_YY] = 1;
      dbl[F_E] = r * g;
      dbl[F_BH] = d * g;
      if (full) dbl[F_SE] = d * g;
      break;
    }
  }
}

static int is_problem_array(int i) { return i < F_X; }

/* Slack per cudaMalloc (allocation granularity). */
#define FIT_ALLOC_SLACK (2.0 * 1048576.0)

/* cuda_bytes_fn: device bytes of a fit batch of cap trials. */
static double fit_bytes(const void *ctx, int64_t cap, size_t ws_bytes) {
  const rmtmc_fit_problem *p = ctx;
  double dbl[F_NDBL], ints[I_NINT], fixed = (double)ws_bytes, per = 0.0;
  int nalloc = 2; /* the solver workspace and the per-trial buffers below */
  fit_sizes(p, dbl, ints);
  for (int i = 0; i < F_NDBL; ++i) {
    if (dbl[i] <= 0) continue;
    ++nalloc;
    if (is_problem_array(i)) fixed += 8.0 * dbl[i];
    else per += 8.0 * dbl[i];
  }
  for (int i = 0; i < I_NINT; ++i)
    if (ints[i] > 0) {
      ++nalloc;
      per += 4.0 * ints[i];
    }
  return fixed + FIT_ALLOC_SLACK * nalloc + (double)cap * per;
}

static rmtmc_status check_sizes(const rmtmc_fit_problem *p, rmtmc_error *err) {
  if (p->d > INT_MAX || p->n > INT_MAX || p->c > INT_MAX || p->k * p->c > INT_MAX ||
      p->ngrid * p->k > INT_MAX)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE, "d, n, c and k c exceed the cuBLAS/cuSOLVER 32-bit sizes");
  return RMTMC_OK;
}

static rmtmc_status fit_limits(void *impl, const rmtmc_work *w, rmtmc_batch_limits *lim, rmtmc_error *err) {
  cuda_impl *c = impl;
  const rmtmc_fit_problem *p = w->fit;
  TRY(check_sizes(p, err));
  char sizes[160];
  rmtmc_fit_describe(p, sizes, sizeof sizes);
  int64_t r = rmtmc_fit_rank(p);
  lim->bytes_per_trial = fit_bytes(p, 2, 0) - fit_bytes(p, 1, 0);
  return cuda_plan_batch(c, cuda_choose_solver(c->solver_pref, r), r, 0, 1, fit_bytes, p, sizes, &lim->max_trials,
                         err);
}

static void fit_free(void *impl, void *batch) {
  cuda_impl *c = impl;
  cuda_fit_batch *fb = batch;
  if (!fb) return;
  if (c) {
    (void)cudaSetDevice(c->device);
    (void)cudaStreamSynchronize(c->stream);
  }
  for (int i = 0; i < F_NDBL; ++i)
    if (fb->dv[i]) (void)cudaFree(fb->dv[i]);
  for (int i = 0; i < I_NINT; ++i)
    if (fb->iv[i]) (void)cudaFree(fb->iv[i]);
  cuda_eig_free(&fb->eig);
  free(fb->info_host);
  free(fb);
}

static rmtmc_status upload(cuda_impl *c, void *dst, const void *src, size_t bytes, rmtmc_error *err) {
  if (bytes > 0) CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, c->stream));
  return RMTMC_OK;
}

static rmtmc_status fit_fill(cuda_impl *c, cuda_fit_batch *fb, rmtmc_error *err) {
  const rmtmc_fit_problem *p = &fb->p;
  static const char *names[F_NDBL] = {
      "the grid", "the label laws", "the context law", "the context starts", "the means", "beta",
      "Sigma^(1/2)", "Sigma^(1/2)", "X", "G", "the Gram matrices", "the eigenvalues", "the outputs",
      "projections", "projections", "U^T Pi^(1/2) G", "predictions", "predictions", "one-hot labels",
      "X Y^T", "X^T M", "y", "X y", "coefficients", "coefficients", "||y||^2", "coefficients", "bhat",
      "Sigma^(1/2) bhat"};
  char desc[192], what[160];
  rmtmc_fit_describe(p, what, sizeof what);
  snprintf(desc, sizeof desc, "a batch of %lld trials of %s", (long long)fb->cap, what);
  for (int i = 0; i < F_NDBL; ++i)
    if (fb->per_dbl[i] > 0) {
      double count = is_problem_array(i) ? 1.0 : (double)fb->cap;
      TRY(cuda_dev_alloc((void **)&fb->dv[i], 8.0 * fb->per_dbl[i] * count, desc, names[i], err));
    }
  for (int i = 0; i < I_NINT; ++i)
    if (fb->per_int[i] > 0)
      TRY(cuda_dev_alloc((void **)&fb->iv[i], 4.0 * fb->per_int[i] * (double)fb->cap, desc,
                         i == I_INFO ? "solver infos" : "counts and labels", err));
  /* the problem's arrays */
  int64_t d = p->d, kc = p->k * p->c;
  TRY(upload(c, fb->dv[F_GRID], p->grid, (size_t)p->ngrid * sizeof(double), err));
  if (fb->dv[F_CUMP]) TRY(upload(c, fb->dv[F_CUMP], p->cumP, (size_t)kc * sizeof(double), err));
  if (fb->dv[F_CUMA]) TRY(upload(c, fb->dv[F_CUMA], p->cumA, (size_t)p->c * sizeof(double), err));
  int64_t *start = NULL;
  if (fb->dv[F_START]) {
    start = malloc((size_t)(p->c + 1) * sizeof(int64_t));
    if (!start) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
    rmtmc_fit_context_starts(p, start);
    rmtmc_status st = upload(c, fb->dv[F_START], start, (size_t)(p->c + 1) * sizeof(int64_t), err);
    if (st == RMTMC_OK) {
      cudaError_t e = cudaStreamSynchronize(c->stream); /* before start goes */
      if (e != cudaSuccess) st = cuda_fail_call(err, "CUDA", "cudaStreamSynchronize", cudaGetErrorString(e), __FILE__, __LINE__);
    }
    free(start);
    TRY(st);
  }
  if (fb->dv[F_M]) TRY(upload(c, fb->dv[F_M], p->M, (size_t)(d * p->c) * sizeof(double), err));
  if (fb->dv[F_BETA]) TRY(upload(c, fb->dv[F_BETA], p->beta, (size_t)d * sizeof(double), err));
  if (fb->dv[F_SQRT_DIAG])
    TRY(upload(c, fb->dv[F_SQRT_DIAG], p->model->sqrt_diag, (size_t)d * sizeof(double), err));
  if (fb->dv[F_SQRT_FULL])
    TRY(upload(c, fb->dv[F_SQRT_FULL], p->model->sqrt_full, (size_t)(d * d) * sizeof(double), err));
  /* the eigensolver, planned with this batch's buffers */
  TRY(cuda_eig_plan(c, &fb->eig, cuda_choose_solver(c->solver_pref, fb->r), fb->r, 0, 1, fb->cap, fb->dv[F_A],
                    fb->dv[F_LAM], err));
  TRY(cuda_eig_alloc(&fb->eig, desc, err));
  fb->info_host = malloc((size_t)fb->cap * sizeof(int));
  if (!fb->info_host) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  CUDA_CHECK(cudaStreamSynchronize(c->stream)); /* the host sources may go now */
  return RMTMC_OK;
}

static rmtmc_status fit_alloc(void *impl, const rmtmc_work *w, int64_t cap, void **out, rmtmc_error *err) {
  cuda_impl *c = impl;
  const rmtmc_fit_problem *p = w->fit;
  *out = NULL;
  TRY(check_sizes(p, err));
  if (cap > INT_MAX)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "cuda backend: batch capacity %lld out of range 1..%d",
                           (long long)cap, INT_MAX);
  CUDA_CHECK(cudaSetDevice(c->device));
  cuda_fit_batch *fb = calloc(1, sizeof *fb);
  if (!fb) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  fb->p = *p;
  fb->cap = cap;
  fb->nout = rmtmc_fit_nout(p);
  fb->r = rmtmc_fit_rank(p);
  fb->full = p->kind == RMTMC_FIT_RIDGE && p->model->sqrt_full != NULL;
  fit_sizes(p, fb->per_dbl, fb->per_int);
  rmtmc_status st = fit_fill(c, fb, err);
  if (st != RMTMC_OK) {
    fit_free(c, fb);
    return st;
  }
  *out = fb;
  return RMTMC_OK;
}

/* ---- strided-batched products (double, column-major) ----
 * C_b = alpha op(A_b) op(B_b) + beta C_b for b < count; a stride of 0 shares
 * the matrix across the batch. */
typedef struct gemm_arg {
  const double *p;
  int64_t ld, stride;
} gemm_arg;

static rmtmc_status gemm(cuda_impl *c, cublasOperation_t ta, cublasOperation_t tb, int64_t m, int64_t n, int64_t k,
                         double alpha, gemm_arg A, gemm_arg B, double beta, double *C, int64_t ldc, int64_t sc,
                         int64_t count, rmtmc_error *err) {
  if (count <= 0) return RMTMC_OK;
  CUBLAS_CHECK(cublasDgemmStridedBatched(c->blas, ta, tb, (int)m, (int)n, (int)k, &alpha, A.p, (int)A.ld,
                                         (long long)A.stride, B.p, (int)B.ld, (long long)B.stride, &beta, C,
                                         (int)ldc, (long long)sc, (int)count));
  return RMTMC_OK;
}

static gemm_arg arg(const double *p, int64_t ld, int64_t stride) {
  gemm_arg a = {p, ld, stride};
  return a;
}

#define N CUBLAS_OP_N
#define T CUBLAS_OP_T

/* The eigendecomposition of the r x r matrices in A (vectors into A). */
static rmtmc_status eig_run(cuda_impl *c, cuda_fit_batch *fb, uint64_t trial0, int64_t count, rmtmc_error *err) {
  CUDA_CHECK(cudaMemsetAsync(fb->iv[I_INFO], 0, (size_t)count * sizeof(int), c->stream));
  TRY(cuda_eig_run(c, &fb->eig, fb->dv[F_A], fb->dv[F_LAM], fb->iv[I_INFO], count, err));
  CUDA_CHECK(cudaMemcpyAsync(fb->info_host, fb->iv[I_INFO], (size_t)count * sizeof(int), cudaMemcpyDeviceToHost,
                             c->stream));
  CUDA_CHECK(cudaStreamSynchronize(c->stream));
  return cuda_eig_check(c, &fb->eig, fb->info_host, count, trial0, err);
}

static rmtmc_status contexts_run(cuda_impl *c, cuda_fit_batch *fb, uint64_t trial0, int64_t count,
                                 rmtmc_error *err) {
  const rmtmc_fit_problem *p = &fb->p;
  double **v = fb->dv;
  int **iv = fb->iv;
  int64_t d = p->d, n = p->n, cc = p->c, k = p->k, ng = p->ngrid, nout = fb->nout;
  int64_t ldy = ng * k, sys = ng * k * cc;
  cudaStream_t s = c->stream;
  CUDA_CHECK(rmtmc_cuda_sample(v[F_X], 0, d, cc, RMTMC_KERNEL_GAUSSIAN, 0.0, NULL,
                               rmtmc_stream_seed(p->seed, RMTMC_Q_FEATURES), trial0, count, s));
  CUDA_CHECK(cudaMemsetAsync(iv[I_CNT], 0, (size_t)(count * cc) * sizeof(int), s));
  CUDA_CHECK(cudaMemsetAsync(iv[I_YCNT], 0, (size_t)(count * k * cc) * sizeof(int), s));
  CUDA_CHECK(rmtmc_cuda_fit_assign(RMTMC_KERNEL_FIT_CONTEXTS, n, cc, k, v[F_CUMP], v[F_CUMA], (const int64_t *)v[F_START],
                                   rmtmc_stream_seed(p->seed, RMTMC_Q_ASSIGN),
                                   rmtmc_stream_seed(p->seed, RMTMC_Q_LABELS), trial0, count, NULL, NULL,
                                   iv[I_CNT], iv[I_YCNT], s));
  /* G = Z^T Z; Bm = Pi^(1/2) G, A = Pi^(1/2) G Pi^(1/2); Ybar Pi^(1/2) into Ys */
  TRY(gemm(c, T, N, cc, cc, d, 1.0, arg(v[F_X], d, d * cc), arg(v[F_X], d, d * cc), 0.0, v[F_A], cc, cc * cc,
           count, err));
  CUDA_CHECK(rmtmc_cuda_fit_ctx_scale(v[F_A], v[F_BM], iv[I_CNT], cc, n, count, s));
  CUDA_CHECK(rmtmc_cuda_fit_ctx_labels(v[F_YS], sys, v[F_OUT], nout, iv[I_CNT], iv[I_YCNT], cc, k, n, count, s));
  TRY(eig_run(c, fb, trial0, count, err));
  /* Am = (Ybar Pi^(1/2)) U, UB = U^T Bm, Ys = Am diag(1/(lam + gamma)) stacked,
   * Phat = Ys UB into the outputs after the counts */
  TRY(gemm(c, N, N, k, cc, cc, 1.0, arg(v[F_YS], k, sys), arg(v[F_A], cc, cc * cc), 0.0, v[F_AM], k, k * cc, count,
           err));
  TRY(gemm(c, T, N, cc, cc, cc, 1.0, arg(v[F_A], cc, cc * cc), arg(v[F_BM], cc, cc * cc), 0.0, v[F_UB], cc, cc * cc,
           count, err));
  CUDA_CHECK(rmtmc_cuda_fit_ctx_grid(v[F_YS], v[F_AM], v[F_LAM], v[F_GRID], ng, k, cc, count, s));
  TRY(gemm(c, N, N, ldy, cc, cc, 1.0, arg(v[F_YS], ldy, sys), arg(v[F_UB], cc, cc * cc), 0.0, v[F_OUT] + cc, ldy,
           nout, count, err));
  return RMTMC_OK;
}

static rmtmc_status mixture_run(cuda_impl *c, cuda_fit_batch *fb, uint64_t trial0, int64_t count,
                                rmtmc_error *err) {
  const rmtmc_fit_problem *p = &fb->p;
  double **v = fb->dv;
  int **iv = fb->iv;
  int64_t d = p->d, n = p->n, cc = p->c, k = p->k, r = fb->r;
  double inv_n = 1.0 / (double)n;
  cudaStream_t s = c->stream;
  CUDA_CHECK(rmtmc_cuda_sample(v[F_X], 0, d, n, RMTMC_KERNEL_GAUSSIAN, 0.0, NULL,
                               rmtmc_stream_seed(p->seed, RMTMC_Q_FEATURES), trial0, count, s));
  CUDA_CHECK(rmtmc_cuda_fit_assign(RMTMC_KERNEL_FIT_MIXTURE, n, cc, k, v[F_CUMP], NULL, NULL,
                                   rmtmc_stream_seed(p->seed, RMTMC_Q_ASSIGN),
                                   rmtmc_stream_seed(p->seed, RMTMC_Q_LABELS), trial0, count, iv[I_CLS], iv[I_LAB],
                                   NULL, NULL, s));
  CUDA_CHECK(rmtmc_cuda_fit_add_means(v[F_X], iv[I_CLS], v[F_M], d, n, count, s));
  CUDA_CHECK(rmtmc_cuda_fit_onehot(v[F_YT], iv[I_LAB], n, k, count, s));
  gemm_arg X = arg(v[F_X], d, d * n), U = arg(v[F_A], r, r * r), M = arg(v[F_M], d, 0);
  if (d <= n) {
    /* S = X X^T / n = V diag(lam) V^T; Bm = V^T (X Y^T / n), Mv = V^T M */
    TRY(gemm(c, N, T, d, d, n, inv_n, X, X, 0.0, v[F_A], d, d * d, count, err));
    TRY(eig_run(c, fb, trial0, count, err));
    TRY(gemm(c, N, N, d, k, n, inv_n, X, arg(v[F_YT], n, n * k), 0.0, v[F_XY], d, d * k, count, err));
    TRY(gemm(c, T, N, d, k, d, 1.0, U, arg(v[F_XY], d, d * k), 0.0, v[F_BM], d, d * k, count, err));
    TRY(gemm(c, T, N, d, cc, d, 1.0, U, M, 0.0, v[F_MV], d, d * cc, count, err));
  } else {
    /* K = X^T X / n = W diag(lam) W^T; Bm = W^T Y^T, Mv = W^T (X^T M), then
     * both rescaled to the eigenvectors X w_q / sqrt(n lam_q) of S */
    TRY(gemm(c, T, N, n, n, d, inv_n, X, X, 0.0, v[F_A], n, n * n, count, err));
    TRY(eig_run(c, fb, trial0, count, err));
    TRY(gemm(c, T, N, n, k, n, 1.0, U, arg(v[F_YT], n, n * k), 0.0, v[F_BM], n, n * k, count, err));
    TRY(gemm(c, T, N, n, cc, d, 1.0, X, M, 0.0, v[F_XTM], n, n * cc, count, err));
    TRY(gemm(c, T, N, n, cc, n, 1.0, U, arg(v[F_XTM], n, n * cc), 0.0, v[F_MV], n, n * cc, count, err));
    CUDA_CHECK(rmtmc_cuda_fit_gram_scale(v[F_BM], v[F_MV], v[F_LAM], n, n, k, cc, count, s));
  }
  CUDA_CHECK(rmtmc_cuda_fit_mixture_grid(v[F_OUT], fb->nout, v[F_BM], v[F_MV], v[F_LAM], v[F_GRID], p->ngrid, r, k,
                                         cc, count, s));
  return RMTMC_OK;
}

static rmtmc_status ridge_run(cuda_impl *c, cuda_fit_batch *fb, uint64_t trial0, int64_t count, rmtmc_error *err) {
  const rmtmc_fit_problem *p = &fb->p;
  double **v = fb->dv;
  int64_t d = p->d, n = p->n, r = fb->r, ng = p->ngrid;
  cudaStream_t s = c->stream;
  uint64_t sx = rmtmc_stream_seed(p->seed, RMTMC_Q_FEATURES);
  gemm_arg X = arg(v[F_X], d, d * n), U = arg(v[F_A], r, r * r);
  /* X = Sigma^(1/2) G */
  if (fb->full) {
    CUDA_CHECK(rmtmc_cuda_sample(v[F_G], 0, d, n, RMTMC_KERNEL_GAUSSIAN, 0.0, NULL, sx, trial0, count, s));
    TRY(gemm(c, N, N, d, n, d, 1.0, arg(v[F_SQRT_FULL], d, 0), arg(v[F_G], d, d * n), 0.0, v[F_X], d, d * n, count,
             err));
  } else {
    CUDA_CHECK(rmtmc_cuda_sample(v[F_X], 0, d, n, RMTMC_KERNEL_GAUSSIAN, 0.0, v[F_SQRT_DIAG], sx, trial0, count, s));
  }
  /* y = X^T beta + sqrt(sigma2) eps; ||y||^2 / n */
  CUDA_CHECK(rmtmc_cuda_sample(v[F_Y], 0, 1, n, RMTMC_KERNEL_GAUSSIAN, 0.0, NULL,
                               rmtmc_stream_seed(p->seed, RMTMC_Q_NOISE), trial0, count, s));
  TRY(gemm(c, T, N, n, 1, d, 1.0, X, arg(v[F_BETA], d, 0), sqrt(p->noise), v[F_Y], n, n, count, err));
  CUDA_CHECK(rmtmc_cuda_fit_sumsq(v[F_YY], v[F_Y], n, count, s));
  gemm_arg Y = arg(v[F_Y], n, n);
  const double *basis; /* d x r per trial, stride d r */
  if (d <= n) {
    /* S = V diag(lam) V^T; v = V^T (X y / n), yt = v^2 / lam; basis V */
    TRY(gemm(c, N, T, d, d, n, 1.0 / (double)n, X, X, 0.0, v[F_A], d, d * d, count, err));
    TRY(eig_run(c, fb, trial0, count, err));
    TRY(gemm(c, N, N, d, 1, n, 1.0 / (double)n, X, Y, 0.0, v[F_EV], d, d, count, err));
    TRY(gemm(c, T, N, d, 1, d, 1.0, U, arg(v[F_EV], d, d), 0.0, v[F_V], d, d, count, err));
    CUDA_CHECK(rmtmc_cuda_fit_ridge_yt(v[F_YTI], v[F_V], v[F_LAM], d, 1, count, s));
    basis = v[F_A];
  } else {
    /* K = W diag(lam) W^T; v = W^T y / sqrt(n), yt = v^2; basis X W / sqrt(n) */
    double isn = 1.0 / sqrt((double)n);
    TRY(gemm(c, T, N, n, n, d, 1.0 / (double)n, X, X, 0.0, v[F_A], n, n * n, count, err));
    TRY(eig_run(c, fb, trial0, count, err));
    TRY(gemm(c, T, N, n, 1, n, isn, U, Y, 0.0, v[F_V], n, n, count, err));
    CUDA_CHECK(rmtmc_cuda_fit_ridge_yt(v[F_YTI], v[F_V], v[F_LAM], n, 0, count, s));
    TRY(gemm(c, N, N, d, n, n, isn, X, U, 0.0, v[F_G], d, d * n, count, err));
    basis = v[F_G];
  }
  /* BH = basis E - beta for every lambda at once; SE = Sigma^(1/2) BH */
  CUDA_CHECK(rmtmc_cuda_fit_ridge_coef(v[F_E], v[F_V], v[F_LAM], v[F_GRID], ng, r, count, s));
  TRY(gemm(c, N, N, d, ng, r, 1.0, arg(basis, d, d * r), arg(v[F_E], r, r * ng), 0.0, v[F_BH], d, d * ng, count, err));
  CUDA_CHECK(rmtmc_cuda_fit_sub_beta(v[F_BH], v[F_BETA], d, ng, count, s));
  if (fb->full)
    TRY(gemm(c, N, N, d, ng, d, 1.0, arg(v[F_SQRT_FULL], d, 0), arg(v[F_BH], d, d * ng), 0.0, v[F_SE], d, d * ng,
             count, err));
  CUDA_CHECK(rmtmc_cuda_fit_ridge_out(v[F_OUT], fb->nout, v[F_BH], fb->full ? v[F_SE] : NULL, v[F_SQRT_DIAG],
                                      v[F_LAM], v[F_YTI], v[F_YY], v[F_GRID], ng, d, r, n, count, s));
  return RMTMC_OK;
}

#undef N
#undef T

/* The trials to run; the work happens in fit_reduce. */
static rmtmc_status fit_sample(void *impl, void *batch, uint64_t seed, uint64_t trial0, int64_t count,
                               rmtmc_error *err) {
  cuda_fit_batch *fb = batch;
  fb->trial0 = trial0;
  fb->count = count;
  return RMTMC_OK;
}

static rmtmc_status fit_reduce(void *impl, void *batch, double *out, int64_t *hist, rmtmc_error *err) {
  cuda_impl *c = impl;
  cuda_fit_batch *fb = batch;
  uint64_t trial0 = fb->trial0;
  int64_t count = fb->count;
  if (count == 0) return RMTMC_OK;
  CUDA_CHECK(cudaSetDevice(c->device));
  switch (fb->p.kind) {
    case RMTMC_FIT_CONTEXTS: TRY(contexts_run(c, fb, trial0, count, err)); break;
    case RMTMC_FIT_MIXTURE: TRY(mixture_run(c, fb, trial0, count, err)); break;
    case RMTMC_FIT_RIDGE: TRY(ridge_run(c, fb, trial0, count, err)); break;
  }
  CUDA_CHECK(cudaMemcpyAsync(out, fb->dv[F_OUT], (size_t)(count * fb->nout) * sizeof(double),
                             cudaMemcpyDeviceToHost, c->stream));
  CUDA_CHECK(cudaStreamSynchronize(c->stream));
  return RMTMC_OK;
}

const rmtmc_method_ops cuda_fit_method = {
    .limits = fit_limits,
    .alloc = fit_alloc,
    .free = fit_free,
    .sample = fit_sample,
    .gram = NULL,
    .solve = NULL,
    .reduce = fit_reduce,
    .copy_sample = NULL,
    .copy_eigvals = NULL,
};
