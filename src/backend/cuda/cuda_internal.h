/* cuda_internal.h: what the CUDA backend's files share: the instance, the
 * per-library status checks, device allocation, the batched symmetric
 * eigensolver (with or without vectors) and the batch planner.
 * cuda_backend.c holds the spectrum stages and the table, cuda_fit.c the
 * linear-model fits, cuda_resolvent.c the resolvent functionals,
 * cuda_common.c the pieces declared here. */
#ifndef RMTMC_CUDA_INTERNAL_H
#define RMTMC_CUDA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cusolverDn.h>

#include "backend/backend_impl.h"
#include "rmtmc_backend.h"

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

rmtmc_status cuda_fail_call(rmtmc_error *err, const char *library,
                            const char *text, const char *msg,
                            const char *file, int line);
const char *cuda_cusolver_status_str(cusolverStatus_t s);

#define CUDA_CHECK(call)                                                      \
  do {                                                                        \
    cudaError_t e_ = (call);                                                  \
    if (e_ != cudaSuccess) {                                                  \
      (void)cudaGetLastError(); /* clear a non-sticky error */               \
      return cuda_fail_call(err, "CUDA", #call, cudaGetErrorString(e_),       \
                            __FILE__, __LINE__);                              \
    }                                                                         \
  } while (0)

#define CUBLAS_CHECK(call)                                                    \
  do {                                                                        \
    cublasStatus_t s_ = (call);                                               \
    if (s_ != CUBLAS_STATUS_SUCCESS)                                          \
      return cuda_fail_call(err, "cuBLAS", #call, cublasGetStatusString(s_),  \
                            __FILE__, __LINE__);                              \
  } while (0)

#define CUSOLVER_CHECK(call)                                                  \
  do {                                                                        \
    cusolverStatus_t s_ = (call);                                             \
    if (s_ != CUSOLVER_STATUS_SUCCESS)                                        \
      return cuda_fail_call(err, "cuSOLVER", #call,                           \
                            cuda_cusolver_status_str(s_), __FILE__, __LINE__); \
  } while (0)

/* cuRAND: the backend uses only the device API (kernels/), which returns no
 * statuses; a kernel's failure surfaces through CUDA_CHECK on the launch
 * (cudaGetLastError) or on the next stream synchronisation. */

/* Propagate a status from a helper. */
#define TRY(expr)                                                             \
  do {                                                                        \
    rmtmc_status t_ = (expr);                                                 \
    if (t_ != RMTMC_OK) return t_;                                            \
  } while (0)

/* ---- the instance ---- */

typedef enum gram_path { GRAM_AUTO = 0, GRAM_GEMM, GRAM_SYRK } gram_path;
typedef enum solver_path {
  SOLVER_AUTO = 0,
  SOLVER_BATCHED,  /* cusolverDnXsyevBatched */
  SOLVER_BATCHED0, /* the same, with the library's own algorithm switch */
  SOLVER_JACOBI,   /* <t>syevjBatched, order <= 32 */
  SOLVER_SYEVD,    /* loop of cusolverDnXsyevd */
  SOLVER_STURM     /* no eigensolver: the tridiagonal method (bisection on
                      Sturm counts), what cuda_info names for it */
} solver_path;

typedef struct cuda_impl {
  int device;
  cudaStream_t stream;
  cublasHandle_t blas;
  cusolverDnHandle_t solver;
  cusolverDnParams_t params;
  syevjInfo_t syevj;
  gram_path gram_pref;
  solver_path solver_pref;
  rmtmc_backend_debug *debug; /* test hooks (backend_check_info), overrides */
  /* What open found and chose (cuda_info reports it): */
  int cc_major, cc_minor;   /* compute capability */
  int image_version;        /* cudaFuncGetAttributes binaryVersion (90: sm_90) */
  int alg;                  /* CUSOLVER_ALG_x asked of syevBatched (-1: no switch) */
  int alg_refused;          /* cusolverDnSetAdvOptions refused it */
  cusolverStatus_t alg_status;
  solver_path solver_planned; /* the last cuda_eig_plan's (SOLVER_AUTO: none yet) */
  /* A method whose trials run other solvers than (or besides) the planned
   * eigensolver names them here after planning (the resolvent:
   * "potrfBatched", "potrfBatched+syevBatched"); cuda_eig_plan clears it. */
  char method_solver[32];
} cuda_impl;

/* Does this binary hold code the device can run?  cudaFuncGetAttributes on
 * a kernel compiled like every kernel of kernels/ (same architectures):
 * cudaSuccess with *binary_version (SASS version the driver picked, 90 for
 * sm_90) and *ptx_version, or the runtime's error
 * (cudaErrorNoKernelImageForDevice, ...).  cuda_probe.cu. */
cudaError_t cuda_probe_image(int device, int *binary_version, int *ptx_version);

/* cudaMalloc with an out-of-memory failure reported as RMTMC_ERR_NOMEM:
 * "cannot allocate <batch> on the GPU: X GiB for <what>". */
rmtmc_status cuda_dev_alloc(void **p, double bytes, const char *batch,
                            const char *what, rmtmc_error *err);

/* ---- the batched symmetric (Hermitian) eigensolver ----
 * Eigenvalues ascending; with vectors, each matrix is overwritten by its
 * orthonormal eigenvectors (column-major, leading dimension = order).  The
 * matrices are read from the upper triangle.  Element types (the `single`
 * argument and field): CUDA_EIG_DOUBLE, CUDA_EIG_SINGLE (float), or
 * CUDA_EIG_COMPLEX (double complex, interleaved; eigenvalues double). */
enum { CUDA_EIG_DOUBLE = 0, CUDA_EIG_SINGLE = 1, CUDA_EIG_COMPLEX = 2 };
typedef struct cuda_eig {
  solver_path solver;
  int64_t m;     /* matrix order */
  int single;    /* element type: CUDA_EIG_DOUBLE, _SINGLE or _COMPLEX */
  int vectors;   /* CUSOLVER_EIG_MODE_VECTOR */
  int64_t chunk; /* matrices per solver call */
  int lwork;     /* syevjBatched workspace (elements) */
  size_t dev_bytes, host_bytes;
  void *ws;      /* device workspace */
  void *ws_host;
} cuda_eig;

const char *cuda_solver_name(solver_path s);
/* The solver the preference gives for order m (auto: syevBatched when the
 * toolkit has it, else syevjBatched for m <= 32, else syevd). */
solver_path cuda_choose_solver(solver_path pref, int64_t m);

/* Plan e for up to cap matrices of order m: chunk and workspace sizes (the
 * queries take device pointers of one matrix, a_probe, and its eigenvalues,
 * w_probe).  Allocates nothing.  Records the solver in c->solver_planned:
 * what the next trials run, which cuda_info reports. */
rmtmc_status cuda_eig_plan(cuda_impl *c, cuda_eig *e, solver_path solver,
                           int64_t m, int single, int vectors, int64_t cap,
                           void *a_probe, void *w_probe, rmtmc_error *err);
/* Allocate the planned workspaces (batch: for messages). */
rmtmc_status cuda_eig_alloc(cuda_eig *e, const char *batch, rmtmc_error *err);
void cuda_eig_free(cuda_eig *e);
/* Enqueue the solver on count <= planned cap matrices at a (stride m^2)
 * with eigenvalues into w (stride m) and per-matrix infos into info. */
rmtmc_status cuda_eig_run(cuda_impl *c, const cuda_eig *e, void *a, void *w,
                          int *info, int64_t count, rmtmc_error *err);
/* The per-matrix infos, copied to the host after the stream synchronised,
 * through the one solver-status rule (backend_check_info, test hooks
 * applied): the first failure names its trial (trial0 + index). */
rmtmc_status cuda_eig_check(cuda_impl *c, const cuda_eig *e, int *info_host,
                            int64_t count, uint64_t trial0, rmtmc_error *err);

/* ---- batch planning ----
 * Largest batch whose device bytes fit the free memory less a safety margin
 * (context growth, library workspaces, other users): bytes(ctx, cap,
 * solver workspace bytes) is the batch's need for cap trials.  The
 * eigensolver's workspace is queried at the planned size (it need not scale
 * linearly) and the batch shrunk until it fits.  RMTMC_ERR_TOO_LARGE, naming
 * `sizes` ("d = .., n = ..") when not even one trial fits. */
typedef double (*cuda_bytes_fn)(const void *ctx, int64_t cap, size_t ws_bytes);
/* The device memory a batch may take: free memory less the safety margin
 * (*avail), the free memory and the margin (for messages). */
rmtmc_status cuda_batch_memory(cuda_impl *c, double *avail, double *free_bytes,
                               double *margin, rmtmc_error *err);
rmtmc_status cuda_plan_batch(cuda_impl *c, solver_path solver, int64_t m,
                             int single, int vectors, cuda_bytes_fn bytes,
                             const void *ctx, const char *sizes,
                             int64_t *max_trials, rmtmc_error *err);

/* The fit method's table (cuda_fit.c), the tridiagonal method's
 * (cuda_tridiag.c). */
extern const rmtmc_method_ops cuda_fit_method;
extern const rmtmc_method_ops cuda_tridiag_method;
/* The resolvent method's table (cuda_resolvent.c). */
extern const rmtmc_method_ops cuda_resolvent_method;

/* ---- the dense method's draw and Gram matrix (cuda_backend.c), shared ----
 * X (count x d x n, float when single) of trials [trial0, trial0 + count):
 * cuRAND entries scaled by sqrt_diag on the fly, or G into g and one
 * strided-batched gemm with sqrt_full (device, d x d, stride 0). */
rmtmc_status cuda_draw_x(cuda_impl *c, void *x, void *g, int single, const double *sqrt_diag, const void *sqrt_full,
                         int64_t d, int64_t n, int entries, double nu, uint64_t seed, uint64_t trial0, int64_t count,
                         rmtmc_error *err);
/* S = X X^T / n: the full matrix (GRAM_GEMM) or its upper triangle
 * (GRAM_SYRK); the path for order d from the preference. */
gram_path cuda_choose_gram(gram_path pref, int64_t d);
rmtmc_status cuda_gram(cuda_impl *c, gram_path gram, const void *x, void *s, int single, int64_t d, int64_t n,
                       int64_t count, rmtmc_error *err);

#endif
