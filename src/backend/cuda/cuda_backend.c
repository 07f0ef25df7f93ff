/* cuda_backend.c: the CUDA backend.  A batch lives on one GPU from sampling to
 * reduction; only the per-trial observables and the histogram counts come
 * back to the host.
 *
 *   sample  cuRAND device API in kernels/sample.cu (the stream layout of
 *           rmtmc_rng.h, so trial t is the CPU's trial t); a diagonal
 *           Sigma^(1/2) scales the rows on the fly, a full one is one cuBLAS
 *           strided-batched gemm (Sigma^(1/2) with stride 0);
 *   gram    S = X X^T / n: one cublas<t>gemmStridedBatched for small d, a loop
 *           of cublas<t>syrk (upper triangle) otherwise;
 *   solve   eigenvalues only: cusolverDnXsyevBatched when the toolkit has it,
 *           else <t>syevjBatched for d <= 32 and a loop of cusolverDnXsyevd;
 *           then the max(0, d - n) structural zeros are set to exactly 0;
 *   reduce  kernels/reduce.cu.
 * Precision single keeps X, S and the solver in float; the eigenvalues are
 * widened to double on the device before the reduction.
 *
 * Path overrides for measurements (read when the backend opens):
 *   RMTMC_CUDA_GRAM   = auto | gemm | syrk
 *   RMTMC_CUDA_SOLVER = auto | batched | batched0 | jacobi | syevd
 * (batched: syevBatched with CUSOLVER_ALG_1, one algorithm of consistent
 * accuracy, the default; batched0: with the library's own algorithm choice;
 * jacobi falls back to syevd for d > 32, batched to auto when the toolkit
 * lacks it or d^2 > INT32_MAX). */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cusolverDn.h>

#include "backend/reduce_common.h"
#include "rmtmc_backend.h"
#include "rmtmc_kernels.h"

_Static_assert(RMTMC_KERNEL_GAUSSIAN == (int)RMTMC_ENTRIES_GAUSSIAN,
               "kernel entry codes must match rmtmc_entries");
_Static_assert(RMTMC_KERNEL_RADEMACHER == (int)RMTMC_ENTRIES_RADEMACHER,
               "kernel entry codes must match rmtmc_entries");
_Static_assert(RMTMC_KERNEL_STUDENT == (int)RMTMC_ENTRIES_STUDENT,
               "kernel entry codes must match rmtmc_entries");

/* cusolverDnXsyevBatched: CMake greps cusolverDn.h for it and defines
 * RMTMC_CUSOLVER_HAS_SYEVBATCHED to 0 or 1; without CMake assume it from
 * cuSOLVER 12 (CUDA 13) on. */
#ifndef RMTMC_CUSOLVER_HAS_SYEVBATCHED
#if defined(CUSOLVER_VERSION) && CUSOLVER_VERSION >= 12000
#define RMTMC_CUSOLVER_HAS_SYEVBATCHED 1
#else
#define RMTMC_CUSOLVER_HAS_SYEVBATCHED 0
#endif
#endif
/* ... and its algorithm switch (CUSOLVERDN_SYEVBATCHED in cusolverDnSetAdvOptions). */
#ifndef RMTMC_CUSOLVER_HAS_SYEVBATCHED_ALG
#define RMTMC_CUSOLVER_HAS_SYEVBATCHED_ALG RMTMC_CUSOLVER_HAS_SYEVBATCHED
#endif

#define GIB 1073741824.0

/* ---- status checks: one macro per library; a failure fills err with the
 * call, the library's message, file and line, and returns from the caller
 * (every caller has `rmtmc_error *err` in scope). ---- */

/* "cublasDgemm(c->blas, ...)" -> "cublasDgemm" */
static const char *call_name(const char *text, char *buf, size_t size) {
  size_t k = strcspn(text, "(");
  if (k >= size) k = size - 1;
  memcpy(buf, text, k);
  buf[k] = '\0';
  return buf;
}

static rmtmc_status fail_call(rmtmc_error *err, const char *library,
                              const char *text, const char *msg,
                              const char *file, int line) {
  char name[96];
  return rmtmc_error_set(err, RMTMC_ERR_BACKEND, "%s failed: %s (%s; %s:%d)",
                         call_name(text, name, sizeof name), msg, library,
                         file, line);
}

static const char *cusolver_status_str(cusolverStatus_t s) {
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

#define CUDA_CHECK(call)                                                      \
  do {                                                                        \
    cudaError_t e_ = (call);                                                  \
    if (e_ != cudaSuccess) {                                                  \
      (void)cudaGetLastError(); /* clear a non-sticky error */               \
      return fail_call(err, "CUDA", #call, cudaGetErrorString(e_), __FILE__, \
                       __LINE__);                                             \
    }                                                                         \
  } while (0)

#define CUBLAS_CHECK(call)                                                    \
  do {                                                                        \
    cublasStatus_t s_ = (call);                                               \
    if (s_ != CUBLAS_STATUS_SUCCESS)                                          \
      return fail_call(err, "cuBLAS", #call, cublasGetStatusString(s_),       \
                       __FILE__, __LINE__);                                   \
  } while (0)

#define CUSOLVER_CHECK(call)                                                  \
  do {                                                                        \
    cusolverStatus_t s_ = (call);                                             \
    if (s_ != CUSOLVER_STATUS_SUCCESS)                                        \
      return fail_call(err, "cuSOLVER", #call, cusolver_status_str(s_),       \
                       __FILE__, __LINE__);                                   \
  } while (0)

/* cuRAND: the backend uses only the device API (kernels/sample.cu), which
 * returns no statuses; a kernel's failure surfaces through CUDA_CHECK on the
 * launch (cudaGetLastError) or on the next stream synchronisation. */

/* Propagate a status from a helper. */
#define TRY(expr)                                                             \
  do {                                                                        \
    rmtmc_status t_ = (expr);                                                 \
    if (t_ != RMTMC_OK) return t_;                                            \
  } while (0)

/* ---- the instance and its batches ---- */

typedef enum gram_path { GRAM_AUTO = 0, GRAM_GEMM, GRAM_SYRK } gram_path;
typedef enum solver_path {
  SOLVER_AUTO = 0,
  SOLVER_BATCHED, /* cusolverDnXsyevBatched */
  SOLVER_BATCHED0, /* the same, with the library's own algorithm switch */
  SOLVER_JACOBI,  /* <t>syevjBatched, d <= 32 */
  SOLVER_SYEVD    /* loop of cusolverDnXsyevd */
} solver_path;

static const char *solver_name(solver_path s) {
  switch (s) {
    case SOLVER_BATCHED:
    case SOLVER_BATCHED0: return "syevBatched";
    case SOLVER_JACOBI: return "syevjBatched";
    case SOLVER_SYEVD: return "syevd";
    default: return "syev";
  }
}

typedef struct cuda_impl {
  int device;
  cudaStream_t stream;
  cublasHandle_t blas;
  cusolverDnHandle_t solver;
  cusolverDnParams_t params;
  syevjInfo_t syevj;
  gram_path gram_pref;
  solver_path solver_pref;
  int fail_alloc, fail_solve; /* one-shot test hooks */
} cuda_impl;

/* Stages reached by a batch: gram needs a sample, solve a Gram matrix
 * (which the solver overwrites: STAGE_SPENT when its result was rejected),
 * reduce and copy_eigvals the eigenvalues. */
enum { STAGE_NONE = 0, STAGE_SAMPLED, STAGE_GRAM, STAGE_SPENT, STAGE_SOLVED };

struct rmtmc_batch {
  int64_t d, n, cap, count, z0, nobs;
  int single, entries, full;
  double nu;
  rmtmc_reduce_spec r; /* z_re / z_im: the device copies below */
  gram_path gram;
  solver_path solver;
  int64_t chunk; /* solver batch per call */
  int lwork;     /* syevjBatched workspace (elements) */
  uint64_t seed, trial0;
  int stage;
  /* device */
  void *x;          /* cap d n (float or double) */
  void *g;          /* G before a full Sigma^(1/2); aliases s when d >= n */
  int g_owned;
  void *s;          /* cap d d */
  void *w;          /* cap d, the solver's eigenvalues */
  double *ev;       /* cap d doubles (== w in double precision) */
  int *info;        /* cap */
  double *obs;      /* cap nobs */
  unsigned long long *hist; /* nbins + 2 */
  double *z_re, *z_im;
  double *sqrt_diag; /* d doubles, diagonal Sigma^(1/2) */
  void *sqrt_full;   /* d d (float or double), full Sigma^(1/2) */
  void *ws;
  size_t ws_bytes;
  /* host */
  void *ws_host;
  size_t ws_host_bytes;
  int *info_host;
  unsigned long long *hist_host;
};

/* ---- open / close / info ---- */

static rmtmc_status read_prefs(cuda_impl *c, rmtmc_error *err) {
  const char *g = getenv("RMTMC_CUDA_GRAM");
  const char *s = getenv("RMTMC_CUDA_SOLVER");
  c->gram_pref = GRAM_AUTO;
  c->solver_pref = SOLVER_AUTO;
  if (g && *g) {
    if (strcmp(g, "auto") == 0) c->gram_pref = GRAM_AUTO;
    else if (strcmp(g, "gemm") == 0) c->gram_pref = GRAM_GEMM;
    else if (strcmp(g, "syrk") == 0) c->gram_pref = GRAM_SYRK;
    else
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "RMTMC_CUDA_GRAM='%.64s' not understood: use auto, gemm or syrk", g);
  }
  if (s && *s) {
    if (strcmp(s, "auto") == 0) c->solver_pref = SOLVER_AUTO;
    else if (strcmp(s, "batched") == 0) c->solver_pref = SOLVER_BATCHED;
    else if (strcmp(s, "batched0") == 0) c->solver_pref = SOLVER_BATCHED0;
    else if (strcmp(s, "jacobi") == 0) c->solver_pref = SOLVER_JACOBI;
    else if (strcmp(s, "syevd") == 0) c->solver_pref = SOLVER_SYEVD;
    else
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "RMTMC_CUDA_SOLVER='%.64s' not understood: use auto, batched, batched0, jacobi or syevd", s);
  }
  return RMTMC_OK;
}

static void cuda_close(void *impl) {
  cuda_impl *c = impl;
  if (!c) return;
  (void)cudaSetDevice(c->device);
  if (c->stream) (void)cudaStreamSynchronize(c->stream);
  if (c->syevj) (void)cusolverDnDestroySyevjInfo(c->syevj);
  if (c->params) (void)cusolverDnDestroyParams(c->params);
  if (c->solver) (void)cusolverDnDestroy(c->solver);
  if (c->blas) (void)cublasDestroy(c->blas);
  if (c->stream) (void)cudaStreamDestroy(c->stream);
  free(c);
}

/* Create the stream, then the library handles bound to it. */
static rmtmc_status open_handles(cuda_impl *c, rmtmc_error *err) {
  CUDA_CHECK(cudaSetDevice(c->device));
  CUDA_CHECK(cudaStreamCreateWithFlags(&c->stream, cudaStreamNonBlocking));
  CUBLAS_CHECK(cublasCreate(&c->blas));
  CUBLAS_CHECK(cublasSetStream(c->blas, c->stream));
  CUSOLVER_CHECK(cusolverDnCreate(&c->solver));
  CUSOLVER_CHECK(cusolverDnSetStream(c->solver, c->stream));
  CUSOLVER_CHECK(cusolverDnCreateParams(&c->params));
  CUSOLVER_CHECK(cusolverDnCreateSyevjInfo(&c->syevj));
  CUSOLVER_CHECK(cusolverDnXsyevjSetSortEig(c->syevj, 1)); /* ascending */
#if RMTMC_CUSOLVER_HAS_SYEVBATCHED_ALG
  /* syevBatched: CUSOLVER_ALG_0 lets the library switch algorithms for speed;
   * CUSOLVER_ALG_1 keeps one algorithm, of consistent accuracy over all n,
   * which the theory checks want (batched0 selects ALG_0 for measurements).
   * A library that refuses ALG_1 keeps its default: not an error. */
  (void)cusolverDnSetAdvOptions(
      c->params, CUSOLVERDN_SYEVBATCHED,
      c->solver_pref == SOLVER_BATCHED0 ? CUSOLVER_ALG_0 : CUSOLVER_ALG_1);
#endif
  return RMTMC_OK;
}

static rmtmc_status cuda_open(const rmtmc_backend_opts *opts, void **impl,
                              rmtmc_error *err) {
  *impl = NULL;
  int ndev = 0;
  cudaError_t e = cudaGetDeviceCount(&ndev);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    return rmtmc_error_set(err, RMTMC_ERR_NO_DEVICE,
                           "no CUDA device: cudaGetDeviceCount failed: %s (%s)",
                           cudaGetErrorString(e), cudaGetErrorName(e));
  }
  if (ndev <= 0)
    return rmtmc_error_set(err, RMTMC_ERR_NO_DEVICE,
                           "no CUDA device: the driver reports 0 devices");
  int dev = opts ? opts->device : 0;
  if (dev < 0 || dev >= ndev)
    return rmtmc_error_set(err, RMTMC_ERR_NO_DEVICE,
                           "no CUDA device %d: this machine has %d (ordinals 0..%d)",
                           dev, ndev, ndev - 1);
  cuda_impl *c = calloc(1, sizeof *c);
  if (!c) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  c->device = dev;
  c->fail_alloc = opts ? opts->fail_alloc : 0;
  c->fail_solve = opts ? opts->fail_solve : 0;
  rmtmc_status st = read_prefs(c, err);
  if (st == RMTMC_OK) st = open_handles(c, err);
  if (st != RMTMC_OK) {
    cuda_close(c);
    return st;
  }
  *impl = c;
  return RMTMC_OK;
}

static void version_split(int v, int *major, int *minor) {
  *major = v / 1000;
  *minor = (v % 1000) / 10;
}

static rmtmc_status cuda_info(void *impl, rmtmc_backend_info *out,
                              rmtmc_error *err) {
  cuda_impl *c = impl;
  memset(out, 0, sizeof *out);
  CUDA_CHECK(cudaSetDevice(c->device));
  struct cudaDeviceProp prop;
  CUDA_CHECK(cudaGetDeviceProperties(&prop, c->device));
  int rt = 0, drv = 0, blas[3] = {0, 0, 0}, sol[3] = {0, 0, 0};
  CUDA_CHECK(cudaRuntimeGetVersion(&rt));
  CUDA_CHECK(cudaDriverGetVersion(&drv));
  CUBLAS_CHECK(cublasGetProperty(MAJOR_VERSION, &blas[0]));
  CUBLAS_CHECK(cublasGetProperty(MINOR_VERSION, &blas[1]));
  CUBLAS_CHECK(cublasGetProperty(PATCH_LEVEL, &blas[2]));
  CUSOLVER_CHECK(cusolverGetProperty(MAJOR_VERSION, &sol[0]));
  CUSOLVER_CHECK(cusolverGetProperty(MINOR_VERSION, &sol[1]));
  CUSOLVER_CHECK(cusolverGetProperty(PATCH_LEVEL, &sol[2]));
  int tk_major, tk_minor, rt_major, rt_minor, drv_major, drv_minor;
  version_split(CUDART_VERSION, &tk_major, &tk_minor);
  version_split(rt, &rt_major, &rt_minor);
  version_split(drv, &drv_major, &drv_minor);
  snprintf(out->name, sizeof out->name, "cuda");
  snprintf(out->device, sizeof out->device, "%.200s (GPU %d, sm_%d%d, %d SMs)",
           prop.name, c->device, prop.major, prop.minor,
           prop.multiProcessorCount);
  out->threads = 0;
  out->memory_bytes = (double)prop.totalGlobalMem;
  snprintf(out->versions, sizeof out->versions,
           "CUDA toolkit %d.%d, runtime %d.%d, driver %d.%d; cuBLAS %d.%d.%d; cuSOLVER %d.%d.%d; cuRAND device API (Philox4x32-10)",
           tk_major, tk_minor, rt_major, rt_minor, drv_major, drv_minor,
           blas[0], blas[1], blas[2],
           sol[0], sol[1], sol[2]);
  return RMTMC_OK;
}

/* ---- batch planning ---- */

static int64_t imin64(int64_t a, int64_t b) { return a < b ? a : b; }

static gram_path choose_gram(gram_path pref, int64_t d) {
  if (pref != GRAM_AUTO) return pref;
  /* One strided-batched gemm amortises the launch over the batch but does
   * twice syrk's flops (it fills both triangles); a loop of syrk launches one
   * kernel per trial, fine once d is large.  The crossover is a guess: it
   * must be measured on the device (RMTMC_CUDA_GRAM overrides it). */
  return d <= 256 ? GRAM_GEMM : GRAM_SYRK;
}

static solver_path choose_solver(solver_path pref, int64_t d) {
  int batched_ok = RMTMC_CUSOLVER_HAS_SYEVBATCHED && d * d <= INT32_MAX;
  switch (pref) {
    case SOLVER_BATCHED:
    case SOLVER_BATCHED0:
      if (batched_ok) return SOLVER_BATCHED; /* the algorithm is in params */
      break;
    case SOLVER_JACOBI: return d <= 32 ? SOLVER_JACOBI : SOLVER_SYEVD;
    case SOLVER_SYEVD: return SOLVER_SYEVD;
    default: break;
  }
  if (batched_ok) return SOLVER_BATCHED;
  return d <= 32 ? SOLVER_JACOBI : SOLVER_SYEVD;
}

/* Matrices per solver call: syevBatched is documented for n lda batch <=
 * INT32_MAX; syevjBatched takes an int workspace size, kept small. */
static int64_t solver_chunk(solver_path s, int64_t d, int64_t cap) {
  int64_t c = 1;
  if (s == SOLVER_BATCHED) c = (int64_t)INT32_MAX / (d * d);
  else if (s == SOLVER_JACOBI) c = imin64((int64_t)INT32_MAX / (d * d), 65536);
  c = imin64(c, cap);
  return c < 1 ? 1 : c;
}

typedef struct solver_ws {
  int64_t chunk;
  size_t dev_bytes, host_bytes;
  int lwork;
} solver_ws;

/* Workspace of `solver` for `chunk` matrices; s_ptr / w_ptr: device buffers
 * of at least one matrix and its eigenvalues (the queries take pointers). */
static rmtmc_status query_ws(cuda_impl *c, solver_path solver, int64_t d,
                             int single, int64_t chunk, void *s_ptr,
                             void *w_ptr, solver_ws *ws, rmtmc_error *err) {
  cudaDataType t = single ? CUDA_R_32F : CUDA_R_64F;
  memset(ws, 0, sizeof *ws);
  ws->chunk = chunk;
  switch (solver) {
    case SOLVER_BATCHED:
#if RMTMC_CUSOLVER_HAS_SYEVBATCHED
      CUSOLVER_CHECK(cusolverDnXsyevBatched_bufferSize(
          c->solver, c->params, CUSOLVER_EIG_MODE_NOVECTOR,
          CUBLAS_FILL_MODE_UPPER, d, t, s_ptr, d, t, w_ptr, t, &ws->dev_bytes,
          &ws->host_bytes, chunk));
      return RMTMC_OK;
#else
      return rmtmc_error_set(err, RMTMC_ERR_UNSUPPORTED,
                             "cusolverDnXsyevBatched is not in this CUDA toolkit");
#endif
    case SOLVER_JACOBI:
      if (single)
        CUSOLVER_CHECK(cusolverDnSsyevjBatched_bufferSize(
            c->solver, CUSOLVER_EIG_MODE_NOVECTOR, CUBLAS_FILL_MODE_UPPER,
            (int)d, (const float *)s_ptr, (int)d, (const float *)w_ptr,
            &ws->lwork, c->syevj, (int)chunk));
      else
        CUSOLVER_CHECK(cusolverDnDsyevjBatched_bufferSize(
            c->solver, CUSOLVER_EIG_MODE_NOVECTOR, CUBLAS_FILL_MODE_UPPER,
            (int)d, (const double *)s_ptr, (int)d, (const double *)w_ptr,
            &ws->lwork, c->syevj, (int)chunk));
      if (ws->lwork < 0)
        return rmtmc_error_set(err, RMTMC_ERR_BACKEND,
                               "syevjBatched_bufferSize returned a negative size (%d)",
                               ws->lwork);
      ws->dev_bytes = (size_t)ws->lwork * (single ? sizeof(float) : sizeof(double));
      return RMTMC_OK;
    case SOLVER_SYEVD:
    default:
      CUSOLVER_CHECK(cusolverDnXsyevd_bufferSize(
          c->solver, c->params, CUSOLVER_EIG_MODE_NOVECTOR,
          CUBLAS_FILL_MODE_UPPER, d, t, s_ptr, d, t, w_ptr, t, &ws->dev_bytes,
          &ws->host_bytes));
      return RMTMC_OK;
  }
}

/* Slack per cudaMalloc (allocation granularity) and the number of them. */
#define ALLOC_SLACK (2.0 * 1048576.0)
#define ALLOC_COUNT 14.0

/* Device bytes of a batch of `cap` trials whose solver workspace is ws. */
static double batch_bytes(const rmtmc_model *m, const rmtmc_reduce_spec *r,
                          int64_t cap, const solver_ws *ws) {
  double d = (double)m->d, n = (double)m->n, k = (double)cap;
  int single = m->precision == RMTMC_PRECISION_SINGLE;
  double es = single ? 4.0 : 8.0;
  double per = es * (d * n + d * d + d) + 4.0 + 8.0 * (double)rmtmc_reduce_nobs(r);
  if (single) per += 8.0 * d;                      /* eigenvalues in double */
  if (m->sqrt_full && m->d < m->n) per += es * d * n; /* G scratch */
  double fixed = 8.0 * (double)(r->nbins + 3) + 16.0 * (double)r->nz +
                 (m->sqrt_full ? es * d * d : 8.0 * d) + (double)ws->dev_bytes +
                 ALLOC_SLACK * ALLOC_COUNT;
  return fixed + k * per;
}

static rmtmc_status check_model(const rmtmc_model *m, const rmtmc_reduce_spec *r,
                                rmtmc_error *err) {
  if (!m || m->d < 1 || m->n < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "cuda backend: model sizes must be >= 1");
  if (m->d > INT_MAX || m->n > INT_MAX)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE,
                           "d = %lld, n = %lld exceed the cuBLAS/cuSOLVER 32-bit sizes",
                           (long long)m->d, (long long)m->n);
  if (!m->sqrt_full && !m->sqrt_diag)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "cuda backend: the model has no Sigma^(1/2)");
  if (!r || r->kmax < 0 || r->kmax > 8 || r->nz < 0 || r->nbins < 0 ||
      (r->nz > 0 && (!r->z_re || !r->z_im)))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "cuda backend: bad reduce spec (kmax 0..8, nz >= 0 with a z grid, nbins >= 0)");
  return RMTMC_OK;
}

static rmtmc_status probe_ws(cuda_impl *c, const rmtmc_model *m,
                             solver_path solver, int64_t chunk, void *s_probe,
                             void *w_probe, solver_ws *ws, rmtmc_error *err) {
  return query_ws(c, solver, m->d, m->precision == RMTMC_PRECISION_SINGLE,
                  chunk, s_probe, w_probe, ws, err);
}

static rmtmc_status plan_max(cuda_impl *c, const rmtmc_model *m,
                             const rmtmc_reduce_spec *r, void *s_probe,
                             void *w_probe, int64_t *max_trials,
                             rmtmc_error *err) {
  size_t free_b = 0, total_b = 0;
  CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
  /* Room for the CUDA context's later growth, cuBLAS/cuSOLVER internal
   * workspaces and other users of the device. */
  double margin = 256.0 * 1048576.0 + 0.02 * (double)total_b;
  double avail = (double)free_b > margin ? (double)free_b - margin : 0.0;
  solver_path solver = choose_solver(c->solver_pref, m->d);
  solver_ws ws1, ws2;
  TRY(probe_ws(c, m, solver, solver_chunk(solver, m->d, 1), s_probe, w_probe, &ws1, err));
  TRY(probe_ws(c, m, solver, solver_chunk(solver, m->d, 2), s_probe, w_probe, &ws2, err));
  double b1 = batch_bytes(m, r, 1, &ws1), b2 = batch_bytes(m, r, 2, &ws2);
  if (b1 > avail)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE,
                           "d = %lld, n = %lld needs %.2f GiB per trial on the GPU, the device has %.2f GiB free (%.2f GiB after a %.2f GiB safety margin); reduce --d/--n or use --backend cpu",
                           (long long)m->d, (long long)m->n, b1 / GIB,
                           (double)free_b / GIB, avail / GIB, margin / GIB);
  double per = b2 - b1 > 1.0 ? b2 - b1 : 1.0;
  double est = 1.0 + (avail - b1) / per;
  const double limit = (double)(1 << 30);
  int64_t cap = est > limit ? (int64_t)limit : (int64_t)est;
  if (cap < 1) cap = 1;
  /* The workspace of a larger solver batch need not scale linearly: query at
   * the planned size and shrink until it fits. */
  for (int it = 0; it < 64 && cap > 1; ++it) {
    solver_ws ws;
    TRY(probe_ws(c, m, solver, solver_chunk(solver, m->d, cap), s_probe, w_probe, &ws, err));
    double need = batch_bytes(m, r, cap, &ws);
    if (need <= avail) break;
    int64_t next = (int64_t)((double)cap * (avail / need) * 0.97);
    cap = next < cap ? next : cap - 1;
    if (cap < 1) cap = 1;
  }
  *max_trials = cap;
  return RMTMC_OK;
}

static rmtmc_status cuda_max_batch(void *impl, const rmtmc_model *m,
                                   const rmtmc_reduce_spec *r,
                                   int64_t *max_trials, rmtmc_error *err) {
  cuda_impl *c = impl;
  TRY(check_model(m, r, err));
  CUDA_CHECK(cudaSetDevice(c->device));
  /* The workspace queries take device pointers: one matrix's worth. */
  size_t es = m->precision == RMTMC_PRECISION_SINGLE ? sizeof(float) : sizeof(double);
  void *s_probe = NULL, *w_probe = NULL;
  cudaError_t e1 = cudaMalloc(&s_probe, (size_t)(m->d * m->d) * es);
  cudaError_t e2 = e1 == cudaSuccess ? cudaMalloc(&w_probe, (size_t)m->d * es) : e1;
  rmtmc_status st;
  if (e1 != cudaSuccess || e2 != cudaSuccess) {
    (void)cudaGetLastError();
    size_t free_b = 0, total_b = 0;
    (void)cudaMemGetInfo(&free_b, &total_b);
    st = rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE,
                         "d = %lld, n = %lld needs at least %.2f GiB per trial on the GPU, the device has %.2f GiB free; reduce --d/--n or use --backend cpu",
                         (long long)m->d, (long long)m->n,
                         (double)((m->d * m->d + m->d * m->n) * (int64_t)es) / GIB,
                         (double)free_b / GIB);
  } else {
    st = plan_max(c, m, r, s_probe, w_probe, max_trials, err);
  }
  if (w_probe) (void)cudaFree(w_probe);
  if (s_probe) (void)cudaFree(s_probe);
  return st;
}

/* ---- batch allocation ---- */

static void cuda_batch_free(void *impl, rmtmc_batch *b) {
  cuda_impl *c = impl;
  if (!b) return;
  if (c) {
    (void)cudaSetDevice(c->device);
    (void)cudaStreamSynchronize(c->stream);
  }
  void *dev[] = {b->x, b->g_owned ? b->g : NULL, b->s, b->w,
                 b->single ? (void *)b->ev : NULL, b->info, b->obs, b->hist,
                 b->z_re, b->z_im, b->sqrt_diag, b->sqrt_full, b->ws};
  for (size_t i = 0; i < sizeof dev / sizeof dev[0]; ++i)
    if (dev[i]) (void)cudaFree(dev[i]);
  free(b->ws_host);
  free(b->info_host);
  free(b->hist_host);
  free(b);
}

/* cudaMalloc with an out-of-memory failure reported as RMTMC_ERR_NOMEM. */
static rmtmc_status dev_alloc(void **p, double bytes, const rmtmc_batch *b,
                              const char *what, rmtmc_error *err) {
  *p = NULL;
  if (bytes <= 0.0) bytes = 1.0;
  if (bytes > (double)SIZE_MAX / 2)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE,
                           "a batch of %lld trials (d = %lld, n = %lld) needs %.3g bytes for %s",
                           (long long)b->cap, (long long)b->d, (long long)b->n, bytes, what);
  cudaError_t e = cudaMalloc(p, (size_t)bytes);
  if (e == cudaErrorMemoryAllocation) {
    (void)cudaGetLastError();
    *p = NULL;
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                           "cannot allocate a batch of %lld trials (d = %lld, n = %lld) on the GPU: %.2f GiB for %s",
                           (long long)b->cap, (long long)b->d, (long long)b->n,
                           bytes / GIB, what);
  }
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    *p = NULL;
    return fail_call(err, "CUDA", "cudaMalloc", cudaGetErrorString(e), __FILE__, __LINE__);
  }
  return RMTMC_OK;
}

static rmtmc_status batch_fill(cuda_impl *c, rmtmc_batch *b,
                               const rmtmc_model *m, const rmtmc_reduce_spec *r,
                               rmtmc_error *err) {
  double d = (double)b->d, n = (double)b->n, k = (double)b->cap;
  double es = b->single ? 4.0 : 8.0;
  TRY(dev_alloc(&b->x, k * d * n * es, b, "X", err));
  TRY(dev_alloc(&b->s, k * d * d * es, b, "S", err));
  TRY(dev_alloc(&b->w, k * d * es, b, "the eigenvalues", err));
  if (b->single) TRY(dev_alloc((void **)&b->ev, k * d * 8.0, b, "the eigenvalues", err));
  else b->ev = (double *)b->w;
  if (b->full) {
    if (b->d >= b->n) {
      b->g = b->s; /* S is free while sampling and holds cap d d >= cap d n */
    } else {
      TRY(dev_alloc(&b->g, k * d * n * es, b, "G", err));
      b->g_owned = 1;
    }
  }
  TRY(dev_alloc((void **)&b->info, k * (double)sizeof(int), b, "solver infos", err));
  TRY(dev_alloc((void **)&b->obs, k * (double)b->nobs * 8.0, b, "observables", err));
  if (r->nbins > 0)
    TRY(dev_alloc((void **)&b->hist, (double)(r->nbins + 2) * 8.0, b, "the histogram", err));
  if (r->nz > 0) {
    TRY(dev_alloc((void **)&b->z_re, (double)r->nz * 8.0, b, "the z grid", err));
    TRY(dev_alloc((void **)&b->z_im, (double)r->nz * 8.0, b, "the z grid", err));
    CUDA_CHECK(cudaMemcpyAsync(b->z_re, r->z_re, (size_t)r->nz * sizeof(double),
                               cudaMemcpyHostToDevice, c->stream));
    CUDA_CHECK(cudaMemcpyAsync(b->z_im, r->z_im, (size_t)r->nz * sizeof(double),
                               cudaMemcpyHostToDevice, c->stream));
  }
  if (b->full) {
    size_t dd = (size_t)(b->d * b->d);
    TRY(dev_alloc(&b->sqrt_full, (double)dd * es, b, "Sigma^(1/2)", err));
    if (b->single) {
      float *tmp = malloc(dd * sizeof(float));
      if (!tmp) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
      for (size_t i = 0; i < dd; ++i) tmp[i] = (float)m->sqrt_full[i];
      cudaError_t e = cudaMemcpyAsync(b->sqrt_full, tmp, dd * sizeof(float),
                                      cudaMemcpyHostToDevice, c->stream);
      cudaError_t e2 = e == cudaSuccess ? cudaStreamSynchronize(c->stream) : e;
      free(tmp);
      if (e2 != cudaSuccess)
        return fail_call(err, "CUDA", "cudaMemcpyAsync", cudaGetErrorString(e2),
                         __FILE__, __LINE__);
    } else {
      CUDA_CHECK(cudaMemcpyAsync(b->sqrt_full, m->sqrt_full, dd * sizeof(double),
                                 cudaMemcpyHostToDevice, c->stream));
    }
  } else {
    TRY(dev_alloc((void **)&b->sqrt_diag, d * 8.0, b, "Sigma^(1/2)", err));
    CUDA_CHECK(cudaMemcpyAsync(b->sqrt_diag, m->sqrt_diag, (size_t)b->d * sizeof(double),
                               cudaMemcpyHostToDevice, c->stream));
  }
  /* The solver workspace, queried with this batch's buffers. */
  solver_ws ws;
  TRY(query_ws(c, b->solver, b->d, b->single, b->chunk, b->s, b->w, &ws, err));
  b->lwork = ws.lwork;
  b->ws_bytes = ws.dev_bytes;
  b->ws_host_bytes = ws.host_bytes;
  if (ws.dev_bytes > 0) TRY(dev_alloc(&b->ws, (double)ws.dev_bytes, b, "the solver workspace", err));
  if (ws.host_bytes > 0) {
    b->ws_host = malloc(ws.host_bytes);
    if (!b->ws_host) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  }
  b->info_host = malloc((size_t)b->cap * sizeof(int));
  b->hist_host = malloc((size_t)(r->nbins + 2) * sizeof(unsigned long long));
  if (!b->info_host || !b->hist_host)
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  CUDA_CHECK(cudaStreamSynchronize(c->stream)); /* host sources may go now */
  return RMTMC_OK;
}

static rmtmc_status cuda_batch_alloc(void *impl, const rmtmc_model *m,
                                     const rmtmc_reduce_spec *r, int64_t cap,
                                     rmtmc_batch **out, rmtmc_error *err) {
  cuda_impl *c = impl;
  *out = NULL;
  TRY(check_model(m, r, err));
  if (cap < 1 || cap > INT_MAX)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "cuda backend: batch capacity %lld out of range 1..%d",
                           (long long)cap, INT_MAX);
  if (c->fail_alloc) {
    c->fail_alloc = 0;
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                           "cannot allocate a batch of %lld trials (d = %lld, n = %lld) on the GPU (forced by the fail_alloc test hook)",
                           (long long)cap, (long long)m->d, (long long)m->n);
  }
  CUDA_CHECK(cudaSetDevice(c->device));
  rmtmc_batch *b = calloc(1, sizeof *b);
  if (!b) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  b->d = m->d;
  b->n = m->n;
  b->cap = cap;
  b->z0 = rmtmc_structural_zeros(m->d, m->n);
  b->nobs = rmtmc_reduce_nobs(r);
  b->single = m->precision == RMTMC_PRECISION_SINGLE;
  b->entries = (int)m->entries;
  b->nu = m->nu;
  b->full = m->sqrt_full != NULL;
  b->r = *r;
  b->gram = choose_gram(c->gram_pref, m->d);
  b->solver = choose_solver(c->solver_pref, m->d);
  b->chunk = solver_chunk(b->solver, m->d, cap);
  rmtmc_status st = batch_fill(c, b, m, r, err);
  if (st != RMTMC_OK) {
    cuda_batch_free(c, b);
    return st;
  }
  b->r.z_re = b->z_re; /* device copies; the caller's arrays may go */
  b->r.z_im = b->z_im;
  *out = b;
  return RMTMC_OK;
}

/* ---- stages ---- */

static rmtmc_status stage_error(rmtmc_error *err, const char *stage,
                                const char *needs) {
  return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                         "cuda backend: %s called before %s", stage, needs);
}

/* X = Sigma^(1/2) G, one d x n x d product per trial in one strided-batched
 * gemm with A's stride 0 (the one Sigma^(1/2) shared by every trial).  The
 * batch of G's is also one d x (n count) matrix, and a single gemm would do;
 * per-trial products keep each trial's problem shape (and so, as far as
 * cuBLAS's heuristics allow, its rounding) independent of the batch size. */
static rmtmc_status apply_full_sigma(cuda_impl *c, rmtmc_batch *b,
                                    rmtmc_error *err) {
  const int di = (int)b->d, ni = (int)b->n;
  const long long sx = (long long)(b->d * b->n);
  if (b->single) {
    const float one = 1.0f, zero = 0.0f;
    CUBLAS_CHECK(cublasSgemmStridedBatched(
        c->blas, CUBLAS_OP_N, CUBLAS_OP_N, di, ni, di, &one,
        (const float *)b->sqrt_full, di, 0, (const float *)b->g, di, sx, &zero,
        (float *)b->x, di, sx, (int)b->count));
  } else {
    const double one = 1.0, zero = 0.0;
    CUBLAS_CHECK(cublasDgemmStridedBatched(
        c->blas, CUBLAS_OP_N, CUBLAS_OP_N, di, ni, di, &one,
        (const double *)b->sqrt_full, di, 0, (const double *)b->g, di, sx,
        &zero, (double *)b->x, di, sx, (int)b->count));
  }
  return RMTMC_OK;
}

static rmtmc_status cuda_sample(void *impl, rmtmc_batch *b, uint64_t seed,
                                uint64_t trial0, int64_t count,
                                rmtmc_error *err) {
  cuda_impl *c = impl;
  if (count < 0 || count > b->cap)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "batch of %lld trials exceeds its capacity %lld",
                           (long long)count, (long long)b->cap);
  CUDA_CHECK(cudaSetDevice(c->device));
  b->stage = STAGE_NONE;
  b->seed = seed;
  b->trial0 = trial0;
  b->count = count;
  if (count > 0) {
    CUDA_CHECK(rmtmc_cuda_sample(b->full ? b->g : b->x, b->single, b->d, b->n,
                                 b->entries, b->nu,
                                 b->full ? NULL : b->sqrt_diag, seed, trial0,
                                 count, c->stream));
    if (b->full) TRY(apply_full_sigma(c, b, err));
  }
  b->stage = STAGE_SAMPLED;
  return RMTMC_OK;
}

static rmtmc_status cuda_gram(void *impl, rmtmc_batch *b, rmtmc_error *err) {
  cuda_impl *c = impl;
  if (b->stage < STAGE_SAMPLED) return stage_error(err, "gram", "sample");
  CUDA_CHECK(cudaSetDevice(c->device));
  const int di = (int)b->d, ni = (int)b->n;
  const long long sx = (long long)(b->d * b->n), ss = (long long)(b->d * b->d);
  const double alpha = 1.0 / (double)b->n, beta = 0.0;
  const float alphaf = (float)(1.0 / (double)b->n), betaf = 0.0f;
  if (b->gram == GRAM_GEMM) {
    /* full S (both triangles); count <= cap <= INT_MAX */
    if (b->count > 0) {
      if (b->single)
        CUBLAS_CHECK(cublasSgemmStridedBatched(
            c->blas, CUBLAS_OP_N, CUBLAS_OP_T, di, di, ni, &alphaf,
            (const float *)b->x, di, sx, (const float *)b->x, di, sx, &betaf,
            (float *)b->s, di, ss, (int)b->count));
      else
        CUBLAS_CHECK(cublasDgemmStridedBatched(
            c->blas, CUBLAS_OP_N, CUBLAS_OP_T, di, di, ni, &alpha,
            (const double *)b->x, di, sx, (const double *)b->x, di, sx, &beta,
            (double *)b->s, di, ss, (int)b->count));
    }
  } else {
    /* upper triangle, one call per trial */
    for (int64_t t = 0; t < b->count; ++t) {
      if (b->single)
        CUBLAS_CHECK(cublasSsyrk(c->blas, CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_N,
                                 di, ni, &alphaf, (const float *)b->x + t * sx,
                                 di, &betaf, (float *)b->s + t * ss, di));
      else
        CUBLAS_CHECK(cublasDsyrk(c->blas, CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_N,
                                 di, ni, &alpha, (const double *)b->x + t * sx,
                                 di, &beta, (double *)b->s + t * ss, di));
    }
  }
  b->stage = STAGE_GRAM;
  return RMTMC_OK;
}

/* Enqueue the eigensolver on every trial's S (upper triangle). */
static rmtmc_status run_solver(cuda_impl *c, rmtmc_batch *b, rmtmc_error *err) {
  const cudaDataType t = b->single ? CUDA_R_32F : CUDA_R_64F;
  const size_t es = b->single ? sizeof(float) : sizeof(double);
  const int64_t d = b->d, dd = b->d * b->d;
  char *s = b->s, *w = b->w;
  switch (b->solver) {
    case SOLVER_BATCHED:
#if RMTMC_CUSOLVER_HAS_SYEVBATCHED
      for (int64_t t0 = 0; t0 < b->count; t0 += b->chunk) {
        int64_t k = imin64(b->chunk, b->count - t0);
        CUSOLVER_CHECK(cusolverDnXsyevBatched(
            c->solver, c->params, CUSOLVER_EIG_MODE_NOVECTOR,
            CUBLAS_FILL_MODE_UPPER, d, t, s + (size_t)(t0 * dd) * es, d, t,
            w + (size_t)(t0 * d) * es, t, b->ws, b->ws_bytes, b->ws_host,
            b->ws_host_bytes, b->info + t0, k));
      }
      return RMTMC_OK;
#else
      return rmtmc_error_set(err, RMTMC_ERR_UNSUPPORTED,
                             "cusolverDnXsyevBatched is not in this CUDA toolkit");
#endif
    case SOLVER_JACOBI:
      for (int64_t t0 = 0; t0 < b->count; t0 += b->chunk) {
        int k = (int)imin64(b->chunk, b->count - t0);
        if (b->single)
          CUSOLVER_CHECK(cusolverDnSsyevjBatched(
              c->solver, CUSOLVER_EIG_MODE_NOVECTOR, CUBLAS_FILL_MODE_UPPER,
              (int)d, (float *)b->s + t0 * dd, (int)d, (float *)b->w + t0 * d,
              (float *)b->ws, b->lwork, b->info + t0, c->syevj, k));
        else
          CUSOLVER_CHECK(cusolverDnDsyevjBatched(
              c->solver, CUSOLVER_EIG_MODE_NOVECTOR, CUBLAS_FILL_MODE_UPPER,
              (int)d, (double *)b->s + t0 * dd, (int)d, (double *)b->w + t0 * d,
              (double *)b->ws, b->lwork, b->info + t0, c->syevj, k));
      }
      return RMTMC_OK;
    case SOLVER_SYEVD:
    default:
      for (int64_t i = 0; i < b->count; ++i)
        CUSOLVER_CHECK(cusolverDnXsyevd(
            c->solver, c->params, CUSOLVER_EIG_MODE_NOVECTOR,
            CUBLAS_FILL_MODE_UPPER, d, t, s + (size_t)(i * dd) * es, d, t,
            w + (size_t)(i * d) * es, t, b->ws, b->ws_bytes, b->ws_host,
            b->ws_host_bytes, b->info + i));
      return RMTMC_OK;
  }
}

static rmtmc_status cuda_solve(void *impl, rmtmc_batch *b, rmtmc_error *err) {
  cuda_impl *c = impl;
  if (b->stage != STAGE_GRAM)
    return stage_error(err, "solve",
                       b->stage >= STAGE_SPENT ? "a new gram (solve overwrites S)" : "gram");
  if (c->fail_solve) {
    c->fail_solve = 0;
    return rmtmc_error_set(err, RMTMC_ERR_NOCONV,
                           "cuSOLVER %s did not converge for trial %llu (forced by the fail_solve test hook)",
                           solver_name(b->solver), (unsigned long long)b->trial0);
  }
  CUDA_CHECK(cudaSetDevice(c->device));
  if (b->count > 0) {
    CUDA_CHECK(cudaMemsetAsync(b->info, 0, (size_t)b->count * sizeof(int), c->stream));
    TRY(run_solver(c, b, err));
    if (b->single)
      CUDA_CHECK(rmtmc_cuda_float_to_double(b->ev, (const float *)b->w,
                                            b->count * b->d, c->stream));
    CUDA_CHECK(rmtmc_cuda_zero_structural(b->ev, b->d, b->z0, b->count, c->stream));
    CUDA_CHECK(cudaMemcpyAsync(b->info_host, b->info, (size_t)b->count * sizeof(int),
                               cudaMemcpyDeviceToHost, c->stream));
    CUDA_CHECK(cudaStreamSynchronize(c->stream));
  }
  b->stage = STAGE_SPENT; /* S is overwritten; eigenvalues not yet accepted */
  for (int64_t i = 0; i < b->count; ++i) {
    int info = b->info_host[i];
    unsigned long long trial = (unsigned long long)(b->trial0 + (uint64_t)i);
    if (info > 0)
      return rmtmc_error_set(err, RMTMC_ERR_NOCONV,
                             "cuSOLVER %s did not converge for trial %llu (info %d)",
                             solver_name(b->solver), trial, info);
    if (info < 0)
      return rmtmc_error_set(err, RMTMC_ERR_BACKEND,
                             "cuSOLVER %s rejected argument %d for trial %llu",
                             solver_name(b->solver), -info, trial);
  }
  b->stage = STAGE_SOLVED;
  return RMTMC_OK;
}

static rmtmc_status cuda_reduce(void *impl, rmtmc_batch *b, double *obs,
                                int64_t *hist, rmtmc_error *err) {
  cuda_impl *c = impl;
  if (b->stage != STAGE_SOLVED) return stage_error(err, "reduce", "solve");
  if (b->count == 0) return RMTMC_OK;
  CUDA_CHECK(cudaSetDevice(c->device));
  const rmtmc_reduce_spec *r = &b->r;
  CUDA_CHECK(rmtmc_cuda_stieltjes(b->obs, b->nobs, b->ev, b->d, b->count,
                                  b->z_re, b->z_im, r->nz, c->stream));
  CUDA_CHECK(rmtmc_cuda_extremes_moments(b->obs, b->nobs, RMTMC_OBS_LAMMIN(r),
                                         b->ev, b->d, b->z0, r->kmax, b->count,
                                         c->stream));
  int want_hist = r->nbins > 0 && hist;
  if (want_hist) {
    size_t hb = (size_t)(r->nbins + 2) * sizeof(unsigned long long);
    CUDA_CHECK(cudaMemsetAsync(b->hist, 0, hb, c->stream));
    CUDA_CHECK(rmtmc_cuda_histogram(b->hist, b->ev, b->d, b->z0, b->count,
                                    r->nbins, r->hist_lo, r->hist_hi, c->stream));
    CUDA_CHECK(cudaMemcpyAsync(b->hist_host, b->hist, hb, cudaMemcpyDeviceToHost,
                               c->stream));
  }
  if (obs)
    CUDA_CHECK(cudaMemcpyAsync(obs, b->obs,
                               (size_t)(b->count * b->nobs) * sizeof(double),
                               cudaMemcpyDeviceToHost, c->stream));
  CUDA_CHECK(cudaStreamSynchronize(c->stream));
  if (want_hist) {
    for (int64_t j = 0; j < r->nbins + 2; ++j) hist[j] += (int64_t)b->hist_host[j];
    hist[r->nbins + 2] += b->count * b->z0;
  }
  return RMTMC_OK;
}

static rmtmc_status cuda_copy_sample(void *impl, rmtmc_batch *b, double *x,
                                     rmtmc_error *err) {
  cuda_impl *c = impl;
  if (b->stage < STAGE_SAMPLED) return stage_error(err, "copy_sample", "sample");
  size_t len = (size_t)(b->count * b->d * b->n);
  if (len == 0) return RMTMC_OK;
  CUDA_CHECK(cudaSetDevice(c->device));
  if (!b->single) {
    CUDA_CHECK(cudaMemcpyAsync(x, b->x, len * sizeof(double),
                               cudaMemcpyDeviceToHost, c->stream));
    CUDA_CHECK(cudaStreamSynchronize(c->stream));
    return RMTMC_OK;
  }
  float *tmp = malloc(len * sizeof(float));
  if (!tmp) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  cudaError_t e = cudaMemcpyAsync(tmp, b->x, len * sizeof(float),
                                  cudaMemcpyDeviceToHost, c->stream);
  if (e == cudaSuccess) e = cudaStreamSynchronize(c->stream);
  if (e == cudaSuccess)
    for (size_t i = 0; i < len; ++i) x[i] = (double)tmp[i];
  free(tmp);
  if (e != cudaSuccess)
    return fail_call(err, "CUDA", "cudaMemcpyAsync", cudaGetErrorString(e),
                     __FILE__, __LINE__);
  return RMTMC_OK;
}

static rmtmc_status cuda_copy_eigvals(void *impl, rmtmc_batch *b, double *ev,
                                      rmtmc_error *err) {
  cuda_impl *c = impl;
  if (b->stage != STAGE_SOLVED) return stage_error(err, "copy_eigvals", "solve");
  size_t len = (size_t)(b->count * b->d);
  if (len == 0) return RMTMC_OK;
  CUDA_CHECK(cudaSetDevice(c->device));
  CUDA_CHECK(cudaMemcpyAsync(ev, b->ev, len * sizeof(double),
                             cudaMemcpyDeviceToHost, c->stream));
  CUDA_CHECK(cudaStreamSynchronize(c->stream));
  return RMTMC_OK;
}

const rmtmc_backend_ops rmtmc_backend_cuda_ops = {
    /* .name         = */ "cuda",
    /* .open         = */ cuda_open,
    /* .close        = */ cuda_close,
    /* .info         = */ cuda_info,
    /* .max_batch    = */ cuda_max_batch,
    /* .batch_alloc  = */ cuda_batch_alloc,
    /* .batch_free   = */ cuda_batch_free,
    /* .sample       = */ cuda_sample,
    /* .gram         = */ cuda_gram,
    /* .solve        = */ cuda_solve,
    /* .reduce       = */ cuda_reduce,
    /* .copy_sample  = */ cuda_copy_sample,
    /* .copy_eigvals = */ cuda_copy_eigvals,
};
