/* cuda_common.c: the CUDA backend's shared pieces (cuda_internal.h): status
 * messages, device allocation, the batched eigensolver and the planner. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cuda/cuda_internal.h"

/* ---- status messages ---- */

/* "cublasDgemm(c->blas, ...)" -> "cublasDgemm" */
static const char *call_name(const char *text, char *buf, size_t size) {
  size_t k = strcspn(text, "(");
  if (k >= size) k = size - 1;
  memcpy(buf, text, k);
  buf[k] = '\0';
  return buf;
}

rmtmc_status cuda_fail_call(rmtmc_error *err, const char *library,
                            const char *text, const char *msg,
                            const char *file, int line) {
  char name[96];
  return rmtmc_error_set(err, RMTMC_ERR_BACKEND, "%s failed: %s (%s; %s:%d)",
                         call_name(text, name, sizeof name), msg, library,
                         file, line);
}

const char *cuda_cusolver_status_str(cusolverStatus_t s) {
  switch (s) {
    case CUSOLVER_STATUS_SUCCESS: return "success";
    case CUSOLVER_STATUS_NOT_INITIALIZED: return "library not initialized";
    case CUSOLVER_STATUS_ALLOC_FAILED: return "resource allocation failed";
    case CUSOLVER_STATUS_INVALID_VALUE: return "invalid value";
    case CUSOLVER_STATUS_ARCH_MISMATCH: return "architecture mismatch";
    case CUSOLVER_STATUS_MAPPING_ERROR: return "mapping error";
    case CUSOLVER_STATUS_EXECUTION_FAILED: return "execution failed";
    case CUSOLVER_STATUS_INTERNAL_ERROR: return "internal error";
    case CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED: return "matrix type not supported";
    case CUSOLVER_STATUS_NOT_SUPPORTED: return "not supported";
    case CUSOLVER_STATUS_INVALID_WORKSPACE: return "invalid workspace";
    default: return "unknown cuSOLVER status";
  }
}

rmtmc_status cuda_dev_alloc(void **p, double bytes, const char *batch,
                            const char *what, rmtmc_error *err) {
  *p = NULL;
  if (bytes <= 0.0) bytes = 1.0;
  if (bytes > (double)SIZE_MAX / 2)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE, "%s needs %.3g bytes for %s",
                           batch, bytes, what);
  cudaError_t e = cudaMalloc(p, (size_t)bytes);
  if (e == cudaErrorMemoryAllocation) {
    (void)cudaGetLastError();
    *p = NULL;
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                           "cannot allocate %s on the GPU: %.2f GiB for %s",
                           batch, bytes / GIB, what);
  }
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    *p = NULL;
    return cuda_fail_call(err, "CUDA", "cudaMalloc", cudaGetErrorString(e), __FILE__, __LINE__);
  }
  return RMTMC_OK;
}

/* ---- the eigensolver ---- */

static int64_t imin64(int64_t a, int64_t b) { return a < b ? a : b; }

const char *cuda_solver_name(solver_path s) {
  switch (s) {
    case SOLVER_BATCHED:
    case SOLVER_BATCHED0: return "syevBatched";
    case SOLVER_JACOBI: return "syevjBatched";
    case SOLVER_SYEVD: return "syevd";
    case SOLVER_STURM: return "Sturm bisection";
    default: return "syev";
  }
}

solver_path cuda_choose_solver(solver_path pref, int64_t m) {
  int batched_ok = RMTMC_CUSOLVER_HAS_SYEVBATCHED && m * m <= INT32_MAX;
  switch (pref) {
    case SOLVER_BATCHED:
    case SOLVER_BATCHED0:
      if (batched_ok) return SOLVER_BATCHED; /* the algorithm is in params */
      break;
    case SOLVER_JACOBI: return m <= 32 ? SOLVER_JACOBI : SOLVER_SYEVD;
    case SOLVER_SYEVD: return SOLVER_SYEVD;
    default: break;
  }
  if (batched_ok) return SOLVER_BATCHED;
  return m <= 32 ? SOLVER_JACOBI : SOLVER_SYEVD;
}

/* Matrices per solver call.  syevBatched is documented for n lda batch <=
 * INT32_MAX, but it (and its workspace query) has been seen to return
 * CUSOLVER_STATUS_INVALID_VALUE from about 32k matrices on (mjlab PR #732,
 * 40k 3 x 3 matrices; other reports at 32768): calls take at most 16384 and
 * a larger batch loops.  syevjBatched takes an int workspace size (cupy
 * #7261: it overflows for millions of small matrices): the same cap. */
#define SOLVER_MAX_CHUNK 16384

static int64_t solver_chunk(solver_path s, int64_t m, int64_t cap) {
  int64_t c = 1;
  if (s == SOLVER_BATCHED || s == SOLVER_BATCHED0 || s == SOLVER_JACOBI)
    c = imin64((int64_t)INT32_MAX / (m * m), SOLVER_MAX_CHUNK);
  c = imin64(c, cap);
  return c < 1 ? 1 : c;
}

static cusolverEigMode_t jobz_of(const cuda_eig *e) {
  return e->vectors ? CUSOLVER_EIG_MODE_VECTOR : CUSOLVER_EIG_MODE_NOVECTOR;
}

rmtmc_status cuda_eig_plan(cuda_impl *c, cuda_eig *e, solver_path solver,
                           int64_t m, int single, int vectors, int64_t cap,
                           void *a_probe, void *w_probe, rmtmc_error *err) {
  memset(e, 0, sizeof *e);
  c->solver_planned = solver; /* what the trials run (cuda_info) */
  c->method_solver[0] = '\0';
  e->solver = solver;
  e->m = m;
  e->single = single;
  e->vectors = vectors;
  e->chunk = solver_chunk(solver, m, cap);
  const int cplx = single == CUDA_EIG_COMPLEX;
  cudaDataType t = cplx ? CUDA_C_64F : single ? CUDA_R_32F : CUDA_R_64F;
  cudaDataType tw = cplx ? CUDA_R_64F : t;
  switch (solver) {
    case SOLVER_BATCHED:
    case SOLVER_BATCHED0:
#if RMTMC_CUSOLVER_HAS_SYEVBATCHED
      CUSOLVER_CHECK(cusolverDnXsyevBatched_bufferSize(
          c->solver, c->params, jobz_of(e), CUBLAS_FILL_MODE_UPPER, m, t,
          a_probe, m, tw, w_probe, t, &e->dev_bytes, &e->host_bytes, e->chunk));
      return RMTMC_OK;
#else
      return rmtmc_error_set(err, RMTMC_ERR_UNSUPPORTED,
                             "cusolverDnXsyevBatched is not in this CUDA toolkit");
#endif
    case SOLVER_JACOBI:
      if (cplx)
        CUSOLVER_CHECK(cusolverDnZheevjBatched_bufferSize(
            c->solver, jobz_of(e), CUBLAS_FILL_MODE_UPPER, (int)m,
            (const cuDoubleComplex *)a_probe, (int)m, (const double *)w_probe,
            &e->lwork, c->syevj, (int)e->chunk));
      else if (single)
        CUSOLVER_CHECK(cusolverDnSsyevjBatched_bufferSize(
            c->solver, jobz_of(e), CUBLAS_FILL_MODE_UPPER, (int)m,
            (const float *)a_probe, (int)m, (const float *)w_probe, &e->lwork,
            c->syevj, (int)e->chunk));
      else
        CUSOLVER_CHECK(cusolverDnDsyevjBatched_bufferSize(
            c->solver, jobz_of(e), CUBLAS_FILL_MODE_UPPER, (int)m,
            (const double *)a_probe, (int)m, (const double *)w_probe,
            &e->lwork, c->syevj, (int)e->chunk));
      if (e->lwork < 0)
        return rmtmc_error_set(err, RMTMC_ERR_BACKEND,
                               "syevjBatched_bufferSize returned a negative size (%d)",
                               e->lwork);
      e->dev_bytes = (size_t)e->lwork * (cplx ? sizeof(cuDoubleComplex) : single ? sizeof(float) : sizeof(double));
      return RMTMC_OK;
    case SOLVER_SYEVD:
    default:
      CUSOLVER_CHECK(cusolverDnXsyevd_bufferSize(
          c->solver, c->params, jobz_of(e), CUBLAS_FILL_MODE_UPPER, m, t,
          a_probe, m, tw, w_probe, t, &e->dev_bytes, &e->host_bytes));
      return RMTMC_OK;
  }
}

rmtmc_status cuda_eig_alloc(cuda_eig *e, const char *batch, rmtmc_error *err) {
  if (e->dev_bytes > 0)
    TRY(cuda_dev_alloc(&e->ws, (double)e->dev_bytes, batch, "the solver workspace", err));
  if (e->host_bytes > 0) {
    e->ws_host = malloc(e->host_bytes);
    if (!e->ws_host) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  }
  return RMTMC_OK;
}

void cuda_eig_free(cuda_eig *e) {
  if (e->ws) (void)cudaFree(e->ws);
  free(e->ws_host);
  e->ws = NULL;
  e->ws_host = NULL;
}

rmtmc_status cuda_eig_run(cuda_impl *c, const cuda_eig *e, void *a, void *w,
                          int *info, int64_t count, rmtmc_error *err) {
  const int cplx = e->single == CUDA_EIG_COMPLEX;
  const cudaDataType t = cplx ? CUDA_C_64F : e->single ? CUDA_R_32F : CUDA_R_64F;
  const cudaDataType tw = cplx ? CUDA_R_64F : t;
  const size_t es = cplx ? sizeof(cuDoubleComplex) : e->single ? sizeof(float) : sizeof(double);
  const size_t ws_ = cplx ? sizeof(double) : es; /* eigenvalue size */
  const int64_t m = e->m, mm = e->m * e->m;
  char *s = a, *ev = w;
  switch (e->solver) {
    case SOLVER_BATCHED:
    case SOLVER_BATCHED0:
#if RMTMC_CUSOLVER_HAS_SYEVBATCHED
      for (int64_t t0 = 0; t0 < count; t0 += e->chunk) {
        int64_t k = imin64(e->chunk, count - t0);
        CUSOLVER_CHECK(cusolverDnXsyevBatched(
            c->solver, c->params, jobz_of(e), CUBLAS_FILL_MODE_UPPER, m, t,
            s + (size_t)(t0 * mm) * es, m, tw, ev + (size_t)(t0 * m) * ws_, t,
            e->ws, e->dev_bytes, e->ws_host, e->host_bytes, info + t0, k));
      }
      return RMTMC_OK;
#else
      return rmtmc_error_set(err, RMTMC_ERR_UNSUPPORTED,
                             "cusolverDnXsyevBatched is not in this CUDA toolkit");
#endif
    case SOLVER_JACOBI:
      for (int64_t t0 = 0; t0 < count; t0 += e->chunk) {
        int k = (int)imin64(e->chunk, count - t0);
        if (cplx)
          CUSOLVER_CHECK(cusolverDnZheevjBatched(
              c->solver, jobz_of(e), CUBLAS_FILL_MODE_UPPER, (int)m,
              (cuDoubleComplex *)a + t0 * mm, (int)m, (double *)w + t0 * m,
              (cuDoubleComplex *)e->ws, e->lwork, info + t0, c->syevj, k));
        else if (e->single)
          CUSOLVER_CHECK(cusolverDnSsyevjBatched(
              c->solver, jobz_of(e), CUBLAS_FILL_MODE_UPPER, (int)m,
              (float *)a + t0 * mm, (int)m, (float *)w + t0 * m,
              (float *)e->ws, e->lwork, info + t0, c->syevj, k));
        else
          CUSOLVER_CHECK(cusolverDnDsyevjBatched(
              c->solver, jobz_of(e), CUBLAS_FILL_MODE_UPPER, (int)m,
              (double *)a + t0 * mm, (int)m, (double *)w + t0 * m,
              (double *)e->ws, e->lwork, info + t0, c->syevj, k));
      }
      return RMTMC_OK;
    case SOLVER_SYEVD:
    default:
      for (int64_t i = 0; i < count; ++i)
        CUSOLVER_CHECK(cusolverDnXsyevd(
            c->solver, c->params, jobz_of(e), CUBLAS_FILL_MODE_UPPER, m, t,
            s + (size_t)(i * mm) * es, m, tw, ev + (size_t)(i * m) * ws_, t,
            e->ws, e->dev_bytes, e->ws_host, e->host_bytes, info + i));
      return RMTMC_OK;
  }
}

rmtmc_status cuda_eig_check(cuda_impl *c, const cuda_eig *e, int *info_host,
                            int64_t count, uint64_t trial0, rmtmc_error *err) {
  char solver[64];
  snprintf(solver, sizeof solver, "cuSOLVER %s", cuda_solver_name(e->solver));
  return backend_check_info(c->debug, solver, info_host, count, trial0, err);
}

/* ---- planning ---- */

rmtmc_status cuda_batch_memory(cuda_impl *c, double *avail, double *free_bytes,
                               double *margin, rmtmc_error *err) {
  size_t free_b = 0, total_b = 0;
  CUDA_CHECK(cudaSetDevice(c->device));
  CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
  /* Room for the CUDA context's later growth, cuBLAS/cuSOLVER internal
   * workspaces and other users of the device. */
  *margin = 256.0 * 1048576.0 + 0.02 * (double)total_b;
  *free_bytes = (double)free_b;
  *avail = (double)free_b > *margin ? (double)free_b - *margin : 0.0;
  return RMTMC_OK;
}

static rmtmc_status plan_with_probes(cuda_impl *c, solver_path solver,
                                     int64_t m, int single, int vectors,
                                     cuda_bytes_fn bytes, const void *ctx,
                                     const char *sizes, void *a_probe,
                                     void *w_probe, int64_t *max_trials,
                                     rmtmc_error *err) {
  double avail, free_d, margin;
  TRY(cuda_batch_memory(c, &avail, &free_d, &margin, err));
  size_t free_b = (size_t)free_d;
  cuda_eig e1, e2;
  TRY(cuda_eig_plan(c, &e1, solver, m, single, vectors, 1, a_probe, w_probe, err));
  TRY(cuda_eig_plan(c, &e2, solver, m, single, vectors, 2, a_probe, w_probe, err));
  double b1 = bytes(ctx, 1, e1.dev_bytes), b2 = bytes(ctx, 2, e2.dev_bytes);
  if (b1 > avail)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE,
                           "%s needs %.2f GiB per trial on the GPU, the device has %.2f GiB free (%.2f GiB after a %.2f GiB safety margin); reduce the sizes or use --backend cpu",
                           sizes, b1 / GIB, (double)free_b / GIB, avail / GIB, margin / GIB);
  double per = b2 - b1 > 1.0 ? b2 - b1 : 1.0;
  double est = 1.0 + (avail - b1) / per;
  const double limit = (double)(1 << 30);
  int64_t cap = est > limit ? (int64_t)limit : (int64_t)est;
  if (cap < 1) cap = 1;
  for (int it = 0; it < 64 && cap > 1; ++it) {
    cuda_eig e;
    TRY(cuda_eig_plan(c, &e, solver, m, single, vectors, cap, a_probe, w_probe, err));
    double need = bytes(ctx, cap, e.dev_bytes);
    if (need <= avail) break;
    int64_t next = (int64_t)((double)cap * (avail / need) * 0.97);
    cap = next < cap ? next : cap - 1;
    if (cap < 1) cap = 1;
  }
  *max_trials = cap;
  return RMTMC_OK;
}

rmtmc_status cuda_plan_batch(cuda_impl *c, solver_path solver, int64_t m,
                             int single, int vectors, cuda_bytes_fn bytes,
                             const void *ctx, const char *sizes,
                             int64_t *max_trials, rmtmc_error *err) {
  CUDA_CHECK(cudaSetDevice(c->device));
  /* The workspace queries take device pointers: one matrix's worth. */
  size_t es = single == CUDA_EIG_COMPLEX ? 16 : single ? sizeof(float) : sizeof(double);
  size_t ws_ = single == CUDA_EIG_COMPLEX ? sizeof(double) : es;
  void *a_probe = NULL, *w_probe = NULL;
  cudaError_t e1 = cudaMalloc(&a_probe, (size_t)(m * m) * es);
  cudaError_t e2 = e1 == cudaSuccess ? cudaMalloc(&w_probe, (size_t)m * ws_) : e1;
  rmtmc_status st;
  if (e1 != cudaSuccess || e2 != cudaSuccess) {
    (void)cudaGetLastError();
    size_t free_b = 0, total_b = 0;
    (void)cudaMemGetInfo(&free_b, &total_b);
    st = rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE,
                         "%s needs at least %.2f GiB per trial on the GPU, the device has %.2f GiB free; reduce the sizes or use --backend cpu",
                         sizes, bytes(ctx, 1, 0) / GIB, (double)free_b / GIB);
  } else {
    st = plan_with_probes(c, solver, m, single, vectors, bytes, ctx, sizes,
                          a_probe, w_probe, max_trials, err);
  }
  if (w_probe) (void)cudaFree(w_probe);
  if (a_probe) (void)cudaFree(a_probe);
  return st;
}
