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
 * The Bartlett method (Gaussian data, any Sigma) shares the batch: sample
 * draws Bartlett's L (kernels/tridiag.cu) and forms Y = Sigma^(1/2) L
 * (strided-batched gemm), gram W = Y^T Y / n (k x k, k = min(d, n)), solve
 * the batched eigensolver on W with the k eigenvalues placed above the
 * d - k structural zeros, reduce as dense.  The tridiagonal method is in
 * cuda_tridiag.c.
 * Precision single keeps X, S and the solver in float; the eigenvalues are
 * widened to double on the device before the reduction.  Complex data
 * (double only): X and S interleaved double complex, cublasZgemm /
 * cublasZherk, the Hermitian eigensolver (the same cuSOLVER entries with
 * CUDA_C_64F); a full Sigma^(1/2) is applied as a complex matrix.
 *
 * The edge method (RMTMC_METHOD_EDGE) shares the batch, the sample and the
 * Gram stages: its solve runs the batched eigensolver with eigenvectors
 * when overlaps are asked for (eigenvalues only otherwise), its reduce the
 * edge-row kernel (kernels/reduce.cu) on the device.
 *
 * Path overrides for measurements (rmtmc_backend_debug, read when the
 * backend opens; the command line fills them from RMTMC_CUDA_GRAM and
 * RMTMC_CUDA_SOLVER):
 *   gram   = auto | gemm | syrk
 *   solver = auto | batched | batched0 | jacobi | syevd
 * (batched: syevBatched with CUSOLVER_ALG_1, one algorithm of consistent
 * accuracy, the default; batched0: with the library's own algorithm choice;
 * jacobi falls back to syevd for d > 32, batched to auto when the toolkit
 * lacks it or d^2 > INT32_MAX). */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend_impl.h"
#include "backend/cuda/cuda_internal.h"
#include "backend/reduce_common.h"
#include "rmtmc_backend.h"
#include "rmtmc_kernels.h"

_Static_assert(RMTMC_KERNEL_GAUSSIAN == (int)RMTMC_ENTRIES_GAUSSIAN,
               "kernel entry codes must match rmtmc_entries");
_Static_assert(RMTMC_KERNEL_RADEMACHER == (int)RMTMC_ENTRIES_RADEMACHER,
               "kernel entry codes must match rmtmc_entries");
_Static_assert(RMTMC_KERNEL_STUDENT == (int)RMTMC_ENTRIES_STUDENT,
               "kernel entry codes must match rmtmc_entries");
_Static_assert(RMTMC_KERNEL_COMPLEX_GAUSSIAN == (int)RMTMC_ENTRIES_COMPLEX_GAUSSIAN,
               "kernel entry codes must match rmtmc_entries");

/* The stage order is the wrapper's (src/backend/backend.c). */
typedef struct cuda_batch {
  int64_t d, n, cap, count, z0, nobs;
  rmtmc_method method; /* dense or Bartlett */
  int64_t k;        /* order of the eigenproblem: d (dense), min(d, n) (Bartlett) */
  int single, entries, full;
  int cplx;             /* complex data: X, S, Sigma^(1/2) double complex */
  int edge, vectors;    /* the edge method; its solver keeps eigenvectors */
  rmtmc_edge_layout E;  /* edge */
  double nu;
  rmtmc_layout L; /* z_re / z_im: the device copies below */
  gram_path gram;
  cuda_eig eig; /* eigenvalues only */
  uint64_t seed, trial0;
  /* device */
  void *x;          /* cap d n (float or double); Bartlett: L, cap d k */
  void *g;          /* G before a full Sigma^(1/2); aliases s when d >= n;
                       Bartlett: Y = Sigma^(1/2) L, cap d k */
  int g_owned;
  void *s;          /* cap d d; Bartlett: W, cap k k */
  void *w;          /* cap k, the solver's eigenvalues */
  double *ev;       /* cap d doubles (== w in double precision when k = d) */
  int *info;        /* cap */
  double *obs;      /* cap nobs */
  unsigned long long *hist; /* nbins + 2 */
  double *z_re, *z_im;
  double *sqrt_diag; /* d doubles, diagonal Sigma^(1/2) */
  void *sqrt_full;   /* d d (float or double), full Sigma^(1/2) */
  /* host */
  int *info_host;
  unsigned long long *hist_host;
} cuda_batch;

/* ---- open / close / info ---- */

static rmtmc_status read_prefs(cuda_impl *c, rmtmc_error *err) {
  const char *g = c->debug ? c->debug->gram : NULL;
  const char *s = c->debug ? c->debug->solver : NULL;
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
   * A library that refuses ALG_1 keeps its default: not an error, but the
   * refusal is kept and every result reports it (cuda_info). */
  c->alg = c->solver_pref == SOLVER_BATCHED0 ? CUSOLVER_ALG_0 : CUSOLVER_ALG_1;
  c->alg_status = cusolverDnSetAdvOptions(c->params, CUSOLVERDN_SYEVBATCHED,
                                          (cusolverAlgMode_t)c->alg);
  c->alg_refused = c->alg_status != CUSOLVER_STATUS_SUCCESS;
#else
  c->alg = -1;
#endif
  return RMTMC_OK;
}

/* The compiled architectures (CMAKE_CUDA_ARCHITECTURES, "80;90") as
 * "sm_80,sm_90"; entries other than NN[a|f][-real|-virtual] as written;
 * whole entries only when buf is short. */
#ifndef RMTMC_CUDA_ARCHS
#define RMTMC_CUDA_ARCHS "unknown"
#endif
static void compiled_archs(char *buf, size_t size) {
  const char *p = RMTMC_CUDA_ARCHS;
  size_t len = 0;
  buf[0] = '\0';
  while (*p && len + 1 < size) {
    size_t k = strcspn(p, ";,");
    char tok[32];
    snprintf(tok, sizeof tok, "%.*s", (int)(k < 31 ? k : 31), p);
    char *dash = strchr(tok, '-');
    int virt = dash && strcmp(dash, "-virtual") == 0;
    if (dash && (virt || strcmp(dash, "-real") == 0)) *dash = '\0';
    int numeric = tok[0] >= '0' && tok[0] <= '9';
    int w = snprintf(buf + len, size - len, "%s%s%s", len ? "," : "",
                     numeric ? (virt ? "compute_" : "sm_") : "", tok);
    if (w < 0 || (size_t)w >= size - len) {
      buf[len] = '\0'; /* whole entries only */
      break;
    }
    len += (size_t)w;
    p += k;
    if (*p) ++p;
  }
}

/* cudaGetDeviceCount failed: say what it means (a missing driver and a
 * driver older than this build's runtime both come as
 * cudaErrorInsufficientDriver; cudaDriverGetVersion tells them apart). */
static rmtmc_status no_device(cudaError_t e, rmtmc_error *err) {
  int drv = 0;
  (void)cudaDriverGetVersion(&drv);
  (void)cudaGetLastError();
  if (e == cudaErrorInsufficientDriver && drv == 0)
    return rmtmc_error_set(err, RMTMC_ERR_NO_DEVICE,
                           "no CUDA device: no NVIDIA driver is installed (libcuda not found; cudaErrorInsufficientDriver)");
  if (e == cudaErrorInsufficientDriver)
    return rmtmc_error_set(err, RMTMC_ERR_NO_DEVICE,
                           "the NVIDIA driver is too old for this build: it supports CUDA %d.%d, the CUDA runtime built in is %d.%d (cudaErrorInsufficientDriver); update the driver or rebuild with an older toolkit",
                           drv / 1000, (drv % 1000) / 10, CUDART_VERSION / 1000,
                           (CUDART_VERSION % 1000) / 10);
  if (e == cudaErrorNoDevice)
    return rmtmc_error_set(err, RMTMC_ERR_NO_DEVICE,
                           "no CUDA device: the driver (CUDA %d.%d) reports none (cudaErrorNoDevice; check CUDA_VISIBLE_DEVICES)",
                           drv / 1000, (drv % 1000) / 10);
  return rmtmc_error_set(err, RMTMC_ERR_NO_DEVICE,
                         "no usable CUDA device: cudaGetDeviceCount failed: %s (%s)",
                         cudaGetErrorString(e), cudaGetErrorName(e));
}

/* The device answers; can this binary drive it?  (cuda_probe_image)  A GPU
 * the build has no code for is RMTMC_ERR_UNSUPPORTED with the rebuild flag
 * in the message (auto falls back to the CPU with it as its note). */
static rmtmc_status check_image(cuda_impl *c, rmtmc_error *err) {
  int dev = c->device;
  cudaError_t e = cudaDeviceGetAttribute(&c->cc_major, cudaDevAttrComputeCapabilityMajor, dev);
  if (e == cudaSuccess)
    e = cudaDeviceGetAttribute(&c->cc_minor, cudaDevAttrComputeCapabilityMinor, dev);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    return rmtmc_error_set(err, RMTMC_ERR_NO_DEVICE,
                           "CUDA device %d does not answer: %s (%s)", dev,
                           cudaGetErrorString(e), cudaGetErrorName(e));
  }
  int ptx = 0;
  e = cuda_probe_image(dev, &c->image_version, &ptx);
  if (e == cudaSuccess) return RMTMC_OK;
  char archs[96], name[256] = "?";
  compiled_archs(archs, sizeof archs);
  struct cudaDeviceProp prop;
  if (cudaGetDeviceProperties(&prop, dev) == cudaSuccess)
    snprintf(name, sizeof name, "%s", prop.name);
  (void)cudaGetLastError();
  if (e == cudaErrorNoKernelImageForDevice || e == cudaErrorInvalidDeviceFunction ||
      e == cudaErrorUnsupportedPtxVersion || e == cudaErrorInvalidPtx ||
      e == cudaErrorInvalidKernelImage)
    return rmtmc_error_set(err, RMTMC_ERR_UNSUPPORTED,
                           "GPU %d (%.64s) is sm_%d%d, and this build has no code it can run (built for %s: %s); rebuild with -DCMAKE_CUDA_ARCHITECTURES=%d%d or use --backend cpu",
                           dev, name, c->cc_major, c->cc_minor, archs,
                           cudaGetErrorName(e), c->cc_major, c->cc_minor);
  return rmtmc_error_set(err, RMTMC_ERR_NO_DEVICE,
                         "CUDA device %d (%.64s, sm_%d%d) cannot be used: %s (%s)", dev,
                         name, c->cc_major, c->cc_minor, cudaGetErrorString(e),
                         cudaGetErrorName(e));
}

static rmtmc_status cuda_open(const rmtmc_backend_opts *opts,
                              rmtmc_backend_debug *debug, void **impl,
                              rmtmc_error *err) {
  *impl = NULL;
  int ndev = 0;
  cudaError_t e = cudaGetDeviceCount(&ndev);
  if (e != cudaSuccess) return no_device(e, err);
  if (ndev <= 0)
    return rmtmc_error_set(err, RMTMC_ERR_NO_DEVICE,
                           "no CUDA device: the driver reports 0 devices");
  int dev = opts ? opts->device : 0;
  if (opts && opts->node_rank > 0 && dev >= 0 && dev < ndev) dev = (dev + opts->node_rank) % ndev; /* MPI ranks */
  if (dev < 0 || dev >= ndev)
    return rmtmc_error_set(err, RMTMC_ERR_NO_DEVICE,
                           "no CUDA device %d: this machine has %d (ordinals 0..%d)",
                           dev, ndev, ndev - 1);
  cuda_impl *c = calloc(1, sizeof *c);
  if (!c) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  c->device = dev;
  c->debug = debug;
  rmtmc_status st = check_image(c, err);
  if (st == RMTMC_OK) st = read_prefs(c, err);
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

/* The solver of the last plan and the algorithm syevBatched runs. */
static void info_solver(const cuda_impl *c, rmtmc_backend_info *out) {
  if (c->solver_planned == SOLVER_AUTO) return; /* nothing planned yet */
  snprintf(out->solver, sizeof out->solver, "%s",
           c->method_solver[0] ? c->method_solver : cuda_solver_name(c->solver_planned));
  if (c->solver_planned != SOLVER_BATCHED && c->solver_planned != SOLVER_BATCHED0) return;
  out->solver_alg1_refused = c->alg == CUSOLVER_ALG_1 && c->alg_refused;
  if (c->alg < 0)
    snprintf(out->solver_algorithm, sizeof out->solver_algorithm, "library default");
  else if (c->alg_refused)
    snprintf(out->solver_algorithm, sizeof out->solver_algorithm,
             "library default (CUSOLVER_ALG_%d refused)", c->alg);
  else
    snprintf(out->solver_algorithm, sizeof out->solver_algorithm, "CUSOLVER_ALG_%d", c->alg);
  if (c->alg < 0)
    snprintf(out->solver_note, sizeof out->solver_note,
             "this cuSOLVER has no CUSOLVERDN_SYEVBATCHED switch: its default algorithm runs");
  else if (c->alg_refused)
    snprintf(out->solver_note, sizeof out->solver_note,
             "cusolverDnSetAdvOptions(CUSOLVERDN_SYEVBATCHED, CUSOLVER_ALG_%d) refused (%s): the library's default algorithm runs",
             c->alg, cuda_cusolver_status_str(c->alg_status));
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
  out->device_ordinal = c->device;
  snprintf(out->compute_capability, sizeof out->compute_capability, "%d.%d",
           prop.major, prop.minor);
  char archs[64];
  compiled_archs(archs, sizeof archs);
  snprintf(out->archs, sizeof out->archs, "%s (GPU runs sm_%d)", archs, c->image_version);
  info_solver(c, out);
  return RMTMC_OK;
}

/* ---- batch planning ---- */

gram_path cuda_choose_gram(gram_path pref, int64_t d) {
  if (pref != GRAM_AUTO) return pref;
  /* One strided-batched gemm amortises the launch over the batch but does
   * twice syrk's flops (it fills both triangles); a loop of syrk launches one
   * kernel per trial, fine once d is large.  The crossover is a guess: it
   * must be measured on the device (RMTMC_CUDA_GRAM overrides it). */
  return d <= 256 ? GRAM_GEMM : GRAM_SYRK;
}

/* Slack per cudaMalloc (allocation granularity) and the number of them. */
#define ALLOC_SLACK (2.0 * 1048576.0)
#define ALLOC_COUNT 14.0

typedef struct spectrum_plan {
  const rmtmc_model *m;
  const rmtmc_layout *L; /* the edge method's: nobs only */
} spectrum_plan;

/* Element type of X and S for the eigensolver (cuda_internal.h). */
static int eig_type(const rmtmc_model *m) {
  return m->entries == RMTMC_ENTRIES_COMPLEX_GAUSSIAN ? CUDA_EIG_COMPLEX
         : m->precision == RMTMC_PRECISION_SINGLE     ? CUDA_EIG_SINGLE
                                                      : CUDA_EIG_DOUBLE;
}

/* cuda_bytes_fn: device bytes of a batch of `cap` trials whose solver
 * workspace is ws_bytes. */
static double batch_bytes(const void *ctx, int64_t cap, size_t ws_bytes) {
  const rmtmc_model *m = ((const spectrum_plan *)ctx)->m;
  const rmtmc_layout *L = ((const spectrum_plan *)ctx)->L;
  double d = (double)m->d, n = (double)m->n, k = (double)cap;
  int single = m->precision == RMTMC_PRECISION_SINGLE;
  int cplx = m->entries == RMTMC_ENTRIES_COMPLEX_GAUSSIAN;
  double es = cplx ? 16.0 : single ? 4.0 : 8.0, ew = single ? 4.0 : 8.0;
  double per = es * (d * n + d * d) + ew * d + 4.0 + 8.0 * (double)L->nobs;
  if (single) per += 8.0 * d;                      /* eigenvalues in double */
  if (m->sqrt_full && m->d < m->n) per += es * d * n; /* G scratch */
  double fixed = 8.0 * (double)(L->nbins + 3) + 16.0 * (double)L->nz +
                 (m->sqrt_full ? es * d * d : 8.0 * d) + (double)ws_bytes +
                 ALLOC_SLACK * ALLOC_COUNT;
  return fixed + k * per;
}

/* Automatic batches: a 16th of the trials (so a long run reports progress
 * at least 16 times), within [64, 2048] trials per call. */
static void cuda_policy(void *impl, rmtmc_batch_policy *p) {
  p->min_batch = 64;
  p->max_batch = 2048;
  p->progress_steps = 16;
  p->batch_bytes = 0.0;
}

static rmtmc_status dense_limits(void *impl, const rmtmc_work *w,
                                 rmtmc_batch_limits *lim, rmtmc_error *err) {
  cuda_impl *c = impl;
  const rmtmc_model *m = w->model;
  spectrum_plan plan = {.m = m, .L = w->layout};
  char sizes[96];
  snprintf(sizes, sizeof sizes, "d = %lld, n = %lld", (long long)m->d, (long long)m->n);
  lim->bytes_per_trial = batch_bytes(&plan, 2, 0) - batch_bytes(&plan, 1, 0);
  return cuda_plan_batch(c, cuda_choose_solver(c->solver_pref, m->d), m->d,
                         eig_type(m), 0, batch_bytes, &plan, sizes,
                         &lim->max_trials, err);
}

/* cuda_bytes_fn of the Bartlett method: L, Y (full root), W, the solver's
 * k eigenvalues, d of them when k < d, observables. */
static double bartlett_bytes(const void *ctx, int64_t cap, size_t ws_bytes) {
  const rmtmc_model *m = ((const spectrum_plan *)ctx)->m;
  const rmtmc_layout *L = ((const spectrum_plan *)ctx)->L;
  double d = (double)m->d, q = (double)(m->d < m->n ? m->d : m->n);
  double per = 8.0 * (d * q * (m->sqrt_full ? 2.0 : 1.0) + q * q + q + (q < d ? d : 0.0) + (double)L->nobs) + 4.0;
  double fixed = 8.0 * (double)(L->nbins + 3) + 16.0 * (double)L->nz + 8.0 * (m->sqrt_full ? d * d : d) +
                 (double)ws_bytes + ALLOC_SLACK * ALLOC_COUNT;
  return fixed + (double)cap * per;
}

static rmtmc_status bartlett_limits(void *impl, const rmtmc_work *w, rmtmc_batch_limits *lim, rmtmc_error *err) {
  cuda_impl *c = impl;
  const rmtmc_model *m = w->model;
  const int64_t k = m->d < m->n ? m->d : m->n;
  spectrum_plan plan = {.m = m, .L = w->layout};
  char sizes[128];
  snprintf(sizes, sizeof sizes, "d = %lld, n = %lld (the Bartlett method)", (long long)m->d, (long long)m->n);
  lim->bytes_per_trial = bartlett_bytes(&plan, 2, 0) - bartlett_bytes(&plan, 1, 0);
  return cuda_plan_batch(c, cuda_choose_solver(c->solver_pref, k), k, 0, 0, bartlett_bytes, &plan, sizes,
                         &lim->max_trials, err);
}

/* ---- batch allocation ---- */

static void dense_free(void *impl, void *batch) {
  cuda_impl *c = impl;
  cuda_batch *b = batch;
  if (!b) return;
  if (c) {
    (void)cudaSetDevice(c->device);
    (void)cudaStreamSynchronize(c->stream);
  }
  void *dev[] = {b->x, b->g_owned ? b->g : NULL, b->s, b->w,
                 (void *)b->ev != b->w ? (void *)b->ev : NULL, b->info, b->obs,
                 b->hist, b->z_re, b->z_im, b->sqrt_diag, b->sqrt_full};
  for (size_t i = 0; i < sizeof dev / sizeof dev[0]; ++i)
    if (dev[i]) (void)cudaFree(dev[i]);
  cuda_eig_free(&b->eig);
  free(b->info_host);
  free(b->hist_host);
  free(b);
}

/* cuda_dev_alloc naming the batch. */
static rmtmc_status dev_alloc(void **p, double bytes, const cuda_batch *b,
                              const char *what, rmtmc_error *err) {
  char desc[128];
  snprintf(desc, sizeof desc, "a batch of %lld trials (d = %lld, n = %lld)",
           (long long)b->cap, (long long)b->d, (long long)b->n);
  return cuda_dev_alloc(p, bytes, desc, what, err);
}

/* X, S, G and the eigenvalues of the dense method. */
static rmtmc_status fill_dense(cuda_batch *b, rmtmc_error *err) {
  double d = (double)b->d, n = (double)b->n, k = (double)b->cap;
  double es = b->cplx ? 16.0 : b->single ? 4.0 : 8.0, ew = b->single ? 4.0 : 8.0;
  TRY(dev_alloc(&b->x, k * d * n * es, b, "X", err));
  TRY(dev_alloc(&b->s, k * d * d * es, b, b->vectors ? "S and its eigenvectors" : "S", err));
  TRY(dev_alloc(&b->w, k * d * ew, b, "the eigenvalues", err));
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
  return RMTMC_OK;
}

/* L, Y = Sigma^(1/2) L (full root), W and the eigenvalues of the Bartlett
 * method (double precision; order k = min(d, n)). */
static rmtmc_status fill_bartlett(cuda_batch *b, rmtmc_error *err) {
  double d = (double)b->d, q = (double)b->k, k = (double)b->cap;
  TRY(dev_alloc(&b->x, k * d * q * 8.0, b, "Bartlett's L", err));
  if (b->full) {
    TRY(dev_alloc(&b->g, k * d * q * 8.0, b, "Sigma^(1/2) L", err));
    b->g_owned = 1;
  }
  TRY(dev_alloc(&b->s, k * q * q * 8.0, b, "W", err));
  TRY(dev_alloc(&b->w, k * q * 8.0, b, "the eigenvalues", err));
  if (b->k < b->d) TRY(dev_alloc((void **)&b->ev, k * d * 8.0, b, "the eigenvalues", err));
  else b->ev = (double *)b->w;
  return RMTMC_OK;
}

static rmtmc_status batch_fill(cuda_impl *c, cuda_batch *b,
                               const rmtmc_model *m, const rmtmc_layout *r,
                               rmtmc_method method, rmtmc_error *err) {
  double d = (double)b->d, k = (double)b->cap;
  double es = b->single ? 4.0 : 8.0;
  TRY(method == RMTMC_METHOD_BARTLETT ? fill_bartlett(b, err) : fill_dense(b, err));
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
    if (b->cplx || b->single) { /* a converted copy: complex (imaginary part 0) or float */
      size_t bytes = b->cplx ? 2 * dd * sizeof(double) : dd * sizeof(float);
      void *tmp = malloc(bytes);
      if (!tmp) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
      for (size_t i = 0; i < dd; ++i) {
        if (b->cplx) {
          ((double *)tmp)[2 * i] = m->sqrt_full[i];
          ((double *)tmp)[2 * i + 1] = 0.0;
        } else {
          ((float *)tmp)[i] = (float)m->sqrt_full[i];
        }
      }
      cudaError_t e = cudaMemcpyAsync(b->sqrt_full, tmp, bytes, cudaMemcpyHostToDevice, c->stream);
      cudaError_t e2 = e == cudaSuccess ? cudaStreamSynchronize(c->stream) : e;
      free(tmp);
      if (e2 != cudaSuccess)
        return cuda_fail_call(err, "CUDA", "cudaMemcpyAsync", cudaGetErrorString(e2),
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
  char desc[128];
  snprintf(desc, sizeof desc, "a batch of %lld trials (d = %lld, n = %lld)",
           (long long)b->cap, (long long)b->d, (long long)b->n);
  TRY(cuda_eig_plan(c, &b->eig, cuda_choose_solver(c->solver_pref, b->k), b->k,
                    eig_type(m), b->vectors, b->cap, b->s, b->w, err));
  TRY(cuda_eig_alloc(&b->eig, desc, err));
  b->info_host = malloc((size_t)b->cap * sizeof(int));
  b->hist_host = malloc((size_t)(r->nbins + 2) * sizeof(unsigned long long));
  if (!b->info_host || !b->hist_host)
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  CUDA_CHECK(cudaStreamSynchronize(c->stream)); /* host sources may go now */
  return RMTMC_OK;
}

/* A batch of the dense or Bartlett method (layout r) or of the edge
 * method (E; r then carries nobs only). */
static rmtmc_status batch_alloc(cuda_impl *c, rmtmc_method method, const rmtmc_model *m,
                                const rmtmc_layout *r,
                                const rmtmc_edge_layout *E, int64_t cap,
                                void **out, rmtmc_error *err) {
  *out = NULL;
  if (cap > INT_MAX)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "cuda backend: batch capacity %lld out of range 1..%d",
                           (long long)cap, INT_MAX);
  CUDA_CHECK(cudaSetDevice(c->device));
  cuda_batch *b = calloc(1, sizeof *b);
  if (!b) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  b->d = m->d;
  b->n = m->n;
  b->cap = cap;
  b->z0 = rmtmc_structural_zeros(m->d, m->n);
  b->method = method;
  b->k = method == RMTMC_METHOD_BARTLETT ? m->d - b->z0 : m->d;
  b->nobs = r->nobs;
  b->single = m->precision == RMTMC_PRECISION_SINGLE;
  b->entries = (int)m->entries;
  b->nu = m->nu;
  b->full = m->sqrt_full != NULL;
  b->cplx = m->entries == RMTMC_ENTRIES_COMPLEX_GAUSSIAN;
  if (E) {
    b->edge = 1;
    b->E = *E;
    b->vectors = E->ndir > 0;
  }
  b->L = *r;
  b->gram = cuda_choose_gram(c->gram_pref, b->k);
  rmtmc_status st = batch_fill(c, b, m, r, method, err);
  if (st != RMTMC_OK) {
    dense_free(c, b);
    return st;
  }
  b->L.z_re = b->z_re; /* device copies; the caller's arrays may go */
  b->L.z_im = b->z_im;
  *out = b;
  return RMTMC_OK;
}

static rmtmc_status dense_alloc(void *impl, const rmtmc_work *w, int64_t cap,
                                void **out, rmtmc_error *err) {
  return batch_alloc(impl, w->method, w->model, w->layout, NULL, cap, out, err);
}

/* ---- stages ---- */

/* dst = Sigma^(1/2) src (d x cols per trial: X = Sigma^(1/2) G for the
 * dense method, Y = Sigma^(1/2) L for Bartlett), one d x cols x d product
 * per trial in one strided-batched gemm with A's stride 0 (the one
 * Sigma^(1/2) shared by every trial).  The batch is also one d x (cols
 * count) matrix, and a single gemm would do; per-trial products keep each
 * trial's problem shape (and so, as far as cuBLAS's heuristics allow, its
 * rounding) independent of the batch size. */
static rmtmc_status apply_full_sigma(cuda_impl *c, const void *sqrt_full, const void *src, void *dst, int single,
                                     int cplx, int64_t d, int64_t cols, int64_t count, rmtmc_error *err) {
  const int di = (int)d, ci = (int)cols;
  const long long sx = (long long)(d * cols);
  if (cplx) { /* complex G and Sigma^(1/2) (its upload with zero imaginary parts) */
    const cuDoubleComplex one = {1.0, 0.0}, zero = {0.0, 0.0};
    CUBLAS_CHECK(cublasZgemmStridedBatched(c->blas, CUBLAS_OP_N, CUBLAS_OP_N, di, ci, di, &one,
                                           (const cuDoubleComplex *)sqrt_full, di, 0, (const cuDoubleComplex *)src,
                                           di, sx, &zero, (cuDoubleComplex *)dst, di, sx, (int)count));
  } else if (single) {
    const float one = 1.0f, zero = 0.0f;
    CUBLAS_CHECK(cublasSgemmStridedBatched(c->blas, CUBLAS_OP_N, CUBLAS_OP_N, di, ci, di, &one,
                                           (const float *)sqrt_full, di, 0, (const float *)src, di, sx, &zero,
                                           (float *)dst, di, sx, (int)count));
  } else {
    const double one = 1.0, zero = 0.0;
    CUBLAS_CHECK(cublasDgemmStridedBatched(c->blas, CUBLAS_OP_N, CUBLAS_OP_N, di, ci, di, &one,
                                           (const double *)sqrt_full, di, 0, (const double *)src, di, sx, &zero,
                                           (double *)dst, di, sx, (int)count));
  }
  return RMTMC_OK;
}

rmtmc_status cuda_draw_x(cuda_impl *c, void *x, void *g, int single, const double *sqrt_diag, const void *sqrt_full,
                         int64_t d, int64_t n, int entries, double nu, uint64_t seed, uint64_t trial0, int64_t count,
                         rmtmc_error *err) {
  if (count <= 0) return RMTMC_OK;
  CUDA_CHECK(rmtmc_cuda_sample(sqrt_full ? g : x, single, d, n, entries, nu, sqrt_full ? NULL : sqrt_diag, seed,
                               trial0, count, c->stream));
  if (sqrt_full)
    TRY(apply_full_sigma(c, sqrt_full, g, x, single, entries == RMTMC_ENTRIES_COMPLEX_GAUSSIAN, d, n, count, err));
  return RMTMC_OK;
}

static rmtmc_status dense_sample(void *impl, void *batch, uint64_t seed,
                                 uint64_t trial0, int64_t count,
                                 rmtmc_error *err) {
  cuda_impl *c = impl;
  cuda_batch *b = batch;
  CUDA_CHECK(cudaSetDevice(c->device));
  b->seed = seed;
  b->trial0 = trial0;
  b->count = count;
  if (count > 0 && b->method == RMTMC_METHOD_BARTLETT) {
    /* L (row-scaled by a diagonal Sigma^(1/2) as it is drawn), then Y =
     * Sigma^(1/2) L for a full root (double precision only) */
    CUDA_CHECK(rmtmc_cuda_bartlett_sample((double *)b->x, b->d, b->n, b->full ? NULL : b->sqrt_diag, seed, trial0,
                                          count, c->stream));
    if (b->full) TRY(apply_full_sigma(c, b->sqrt_full, b->x, b->g, 0, 0, b->d, b->k, count, err));
    return RMTMC_OK;
  }
  return cuda_draw_x(c, b->x, b->g, b->single, b->sqrt_diag, b->full ? b->sqrt_full : NULL, b->d, b->n, b->entries,
                     b->nu, seed, trial0, count, err);
}

/* C = op(A) op(A)^T / n for count trials into s: op(A) = A (d x inner,
 * trans 0: the dense S = X X^T / n, order d) or A^T (A d x order, trans 1:
 * Bartlett's W = Y^T Y / n, order k); A's leading dimension is d.  One
 * strided-batched gemm (both triangles) or a loop of syrk (the upper
 * triangle, what the eigensolver reads), as gram says. */
static rmtmc_status gram_of(cuda_impl *c, gram_path gram, const void *a, void *s, int single, int64_t d, int trans,
                            int64_t order, int64_t inner, int64_t n, int64_t count, rmtmc_error *err) {
  const int di = (int)d, oi = (int)order, ii = (int)inner;
  const long long sa = (long long)(d * (trans ? order : inner)), ss = (long long)(order * order);
  const cublasOperation_t o1 = trans ? CUBLAS_OP_T : CUBLAS_OP_N, o2 = trans ? CUBLAS_OP_N : CUBLAS_OP_T;
  const double alpha = 1.0 / (double)n, beta = 0.0;
  const float alphaf = (float)(1.0 / (double)n), betaf = 0.0f;
  if (gram == GRAM_GEMM) {
    /* full C (both triangles); count <= cap <= INT_MAX */
    if (count > 0) {
      if (single)
        CUBLAS_CHECK(cublasSgemmStridedBatched(c->blas, o1, o2, oi, oi, ii, &alphaf, (const float *)a, di, sa,
                                               (const float *)a, di, sa, &betaf, (float *)s, oi, ss, (int)count));
      else
        CUBLAS_CHECK(cublasDgemmStridedBatched(c->blas, o1, o2, oi, oi, ii, &alpha, (const double *)a, di, sa,
                                               (const double *)a, di, sa, &beta, (double *)s, oi, ss, (int)count));
    }
  } else {
    /* upper triangle, one call per trial */
    for (int64_t t = 0; t < count; ++t) {
      if (single)
        CUBLAS_CHECK(cublasSsyrk(c->blas, CUBLAS_FILL_MODE_UPPER, o1, oi, ii, &alphaf, (const float *)a + t * sa, di,
                                 &betaf, (float *)s + t * ss, oi));
      else
        CUBLAS_CHECK(cublasDsyrk(c->blas, CUBLAS_FILL_MODE_UPPER, o1, oi, ii, &alpha, (const double *)a + t * sa, di,
                                 &beta, (double *)s + t * ss, oi));
    }
  }
  return RMTMC_OK;
}

rmtmc_status cuda_gram(cuda_impl *c, gram_path gram, const void *x, void *s, int single, int64_t d, int64_t n,
                       int64_t count, rmtmc_error *err) {
  return gram_of(c, gram, x, s, single, d, 0, d, n, n, count, err);
}

/* S = X X^H / n of complex data: one strided-batched zgemm (both triangles)
 * or one zherk per trial (the upper triangle), as the real path chooses. */
static rmtmc_status gram_complex(cuda_impl *c, cuda_batch *b, rmtmc_error *err) {
  const int di = (int)b->d, ni = (int)b->n;
  const long long sx = (long long)(b->d * b->n), ss = (long long)(b->d * b->d);
  const double alpha = 1.0 / (double)b->n, beta = 0.0;
  const cuDoubleComplex alphaz = {alpha, 0.0}, betaz = {0.0, 0.0};
  if (b->gram == GRAM_GEMM) {
    if (b->count > 0)
      CUBLAS_CHECK(cublasZgemmStridedBatched(c->blas, CUBLAS_OP_N, CUBLAS_OP_C, di, di, ni, &alphaz,
                                             (const cuDoubleComplex *)b->x, di, sx, (const cuDoubleComplex *)b->x, di,
                                             sx, &betaz, (cuDoubleComplex *)b->s, di, ss, (int)b->count));
  } else {
    for (int64_t t = 0; t < b->count; ++t)
      CUBLAS_CHECK(cublasZherk(c->blas, CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_N, di, ni, &alpha,
                               (const cuDoubleComplex *)b->x + t * sx, di, &beta, (cuDoubleComplex *)b->s + t * ss,
                               di));
  }
  return RMTMC_OK;
}
/* S = X X^T / n (X X^H / n for complex data), or Bartlett's W = Y^T Y / n (k x k: its eigenvalues are
 * the non-trivial ones of S). */
static rmtmc_status dense_gram(void *impl, void *batch, rmtmc_error *err) {
  cuda_impl *c = impl;
  cuda_batch *b = batch;
  CUDA_CHECK(cudaSetDevice(c->device));
  if (b->method == RMTMC_METHOD_BARTLETT)
    return gram_of(c, b->gram, b->full ? b->g : b->x, b->s, 0, b->d, 1, b->k, b->d, b->n, b->count, err);
  if (b->cplx) return gram_complex(c, b, err);
  return cuda_gram(c, b->gram, b->x, b->s, b->single, b->d, b->n, b->count, err);
}

static rmtmc_status dense_solve(void *impl, void *batch, rmtmc_error *err) {
  cuda_impl *c = impl;
  cuda_batch *b = batch;
  CUDA_CHECK(cudaSetDevice(c->device));
  if (b->count > 0) {
    CUDA_CHECK(cudaMemsetAsync(b->info, 0, (size_t)b->count * sizeof(int), c->stream));
    TRY(cuda_eig_run(c, &b->eig, b->s, b->w, b->info, b->count, err));
    if (b->single && !b->cplx)
      CUDA_CHECK(rmtmc_cuda_float_to_double(b->ev, (const float *)b->w,
                                            b->count * b->d, c->stream));
    else if (b->k < b->d) /* Bartlett, d > n: the k eigenvalues of W on top */
      CUDA_CHECK(cudaMemcpy2DAsync(b->ev + (b->d - b->k), (size_t)b->d * sizeof(double), b->w,
                                   (size_t)b->k * sizeof(double), (size_t)b->k * sizeof(double),
                                   (size_t)b->count, cudaMemcpyDeviceToDevice, c->stream));
    CUDA_CHECK(rmtmc_cuda_zero_structural(b->ev, b->d, b->z0, b->count, c->stream));
    CUDA_CHECK(cudaMemcpyAsync(b->info_host, b->info, (size_t)b->count * sizeof(int),
                               cudaMemcpyDeviceToHost, c->stream));
    CUDA_CHECK(cudaStreamSynchronize(c->stream));
  }
  return cuda_eig_check(c, &b->eig, b->info_host, b->count, b->trial0, err);
}

static rmtmc_status dense_reduce(void *impl, void *batch, double *obs,
                                 int64_t *hist, rmtmc_error *err) {
  cuda_impl *c = impl;
  cuda_batch *b = batch;
  if (b->count == 0) return RMTMC_OK;
  CUDA_CHECK(cudaSetDevice(c->device));
  const rmtmc_layout *r = &b->L;
  CUDA_CHECK(rmtmc_cuda_zobs(b->obs, r, b->ev, b->d, b->count, c->stream));
  CUDA_CHECK(rmtmc_cuda_extremes_moments(b->obs, r, b->ev, b->d, b->z0,
                                         b->count, c->stream));
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

static rmtmc_status dense_copy_sample(void *impl, void *batch, double *x,
                                      rmtmc_error *err) {
  cuda_impl *c = impl;
  cuda_batch *b = batch;
  size_t len = (size_t)(b->count * b->d * b->n * (b->cplx ? 2 : 1));
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
    return cuda_fail_call(err, "CUDA", "cudaMemcpyAsync", cudaGetErrorString(e),
                     __FILE__, __LINE__);
  return RMTMC_OK;
}

static rmtmc_status dense_copy_eigvals(void *impl, void *batch, double *ev,
                                       rmtmc_error *err) {
  cuda_impl *c = impl;
  cuda_batch *b = batch;
  size_t len = (size_t)(b->count * b->d);
  if (len == 0) return RMTMC_OK;
  CUDA_CHECK(cudaSetDevice(c->device));
  CUDA_CHECK(cudaMemcpyAsync(ev, b->ev, len * sizeof(double),
                             cudaMemcpyDeviceToHost, c->stream));
  CUDA_CHECK(cudaStreamSynchronize(c->stream));
  return RMTMC_OK;
}

/* ---- the edge method ---- */

/* The layout the shared batch code sees for an edge batch: nobs only. */
static rmtmc_layout edge_shape(const rmtmc_edge_layout *E) {
  rmtmc_layout L;
  memset(&L, 0, sizeof L);
  L.nobs = E->nobs;
  return L;
}

static rmtmc_status edge_limits(void *impl, const rmtmc_work *w,
                                rmtmc_batch_limits *lim, rmtmc_error *err) {
  cuda_impl *c = impl;
  const rmtmc_model *m = w->model;
  rmtmc_layout L = edge_shape(w->edge);
  spectrum_plan plan = {.m = m, .L = &L};
  char sizes[96];
  snprintf(sizes, sizeof sizes, "d = %lld, n = %lld", (long long)m->d, (long long)m->n);
  lim->bytes_per_trial = batch_bytes(&plan, 2, 0) - batch_bytes(&plan, 1, 0);
  return cuda_plan_batch(c, cuda_choose_solver(c->solver_pref, m->d), m->d,
                         eig_type(m), w->edge->ndir > 0, batch_bytes, &plan,
                         sizes, &lim->max_trials, err);
}

static rmtmc_status edge_alloc(void *impl, const rmtmc_work *w, int64_t cap,
                               void **out, rmtmc_error *err) {
  rmtmc_layout L = edge_shape(w->edge);
  return batch_alloc(impl, RMTMC_METHOD_EDGE, w->model, &L, w->edge, cap, out, err);
}

static rmtmc_status edge_reduce(void *impl, void *batch, double *obs,
                                int64_t *hist, rmtmc_error *err) {
  cuda_impl *c = impl;
  cuda_batch *b = batch;
  if (b->count == 0) return RMTMC_OK;
  CUDA_CHECK(cudaSetDevice(c->device));
  CUDA_CHECK(rmtmc_cuda_edge_reduce(b->obs, &b->E, b->ev,
                                    b->vectors ? b->s : NULL, b->cplx, b->d,
                                    b->z0, b->count, c->stream));
  if (obs)
    CUDA_CHECK(cudaMemcpyAsync(obs, b->obs,
                               (size_t)(b->count * b->nobs) * sizeof(double),
                               cudaMemcpyDeviceToHost, c->stream));
  CUDA_CHECK(cudaStreamSynchronize(c->stream));
  return RMTMC_OK;
}

static const rmtmc_method_ops cuda_edge = {
    .limits = edge_limits,
    .alloc = edge_alloc,
    .free = dense_free,
    .sample = dense_sample,
    .gram = dense_gram,
    .solve = dense_solve,
    .reduce = edge_reduce,
    .copy_sample = dense_copy_sample,
};

static const rmtmc_method_ops cuda_dense = {
    .limits = dense_limits,
    .alloc = dense_alloc,
    .free = dense_free,
    .sample = dense_sample,
    .gram = dense_gram,
    .solve = dense_solve,
    .reduce = dense_reduce,
    .copy_sample = dense_copy_sample,
    .copy_eigvals = dense_copy_eigvals,
};

/* Bartlett: the dense method's entries on the batch of the Bartlett method
 * (its sample, gram and the solve of order k branch on b->method), its own
 * limits, no X to copy. */
static const rmtmc_method_ops cuda_bartlett = {
    .limits = bartlett_limits,
    .alloc = dense_alloc,
    .free = dense_free,
    .sample = dense_sample,
    .gram = dense_gram,
    .solve = dense_solve,
    .reduce = dense_reduce,
    .copy_eigvals = dense_copy_eigvals,
};

const rmtmc_backend_ops rmtmc_backend_cuda_ops = {
    .name = "cuda",
    .kind = RMTMC_BACKEND_CUDA,
    .open = cuda_open,
    .close = cuda_close,
    .info = cuda_info,
    .policy = cuda_policy,
    .method = {[RMTMC_METHOD_DENSE] = &cuda_dense, [RMTMC_METHOD_FIT] = &cuda_fit_method,
               [RMTMC_METHOD_RESOLVENT] = &cuda_resolvent_method, [RMTMC_METHOD_EDGE] = &cuda_edge,
               [RMTMC_METHOD_TRIDIAGONAL] = &cuda_tridiag_method, [RMTMC_METHOD_BARTLETT] = &cuda_bartlett},
};
