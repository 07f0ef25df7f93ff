/* rmtmc_backend.h: the backend interface.  A backend runs the batched stages
 * of a trial (sample, gram, solve, reduce) on its device; only the reduced
 * per-trial observables come back to the host.  Implementations: cpu (the
 * reference: OpenBLAS + LAPACKE, trials in parallel across threads) and cuda
 * (cuRAND + cuBLAS + cuSOLVER), compiled in when nvcc is found.
 *
 * A backend is a table of function pointers (rmtmc_backend_ops); optional
 * entries may be NULL, which the wrappers report as RMTMC_ERR_UNSUPPORTED.
 * Adding a backend adds one table and one line in backend.c; study and
 * theory code do not change. */
#ifndef RMTMC_BACKEND_H
#define RMTMC_BACKEND_H

#include <complex.h>
#include <stdint.h>

#include "rmtmc_fit.h"
#include "rmtmc_model.h"
#include "rmtmc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rmtmc_backend_kind {
  RMTMC_BACKEND_AUTO = 0,
  RMTMC_BACKEND_CPU = 1,
  RMTMC_BACKEND_CUDA = 2
} rmtmc_backend_kind;

/* What a study asks each trial to be reduced to (rmtmc_reduce_layout gives
 * the per-trial layout of the output). */
typedef struct rmtmc_reduce_spec {
  int64_t nz;            /* Stieltjes points */
  const double *z_re;    /* m_d(z) = (1/d) tr (S - zI)^-1 at z = z_re + i z_im */
  const double *z_im;
  int kmax;              /* moments (1/d) tr S^k, k = 1..kmax (0..8) */
  int64_t nbins;         /* pooled histogram: nbins bins of [hist_lo, hist_hi) */
  double hist_lo, hist_hi;
} rmtmc_reduce_spec;

/* Per-trial observables, doubles, in this order (offsets in doubles):
 *   [0, 2 nz)            Re m_d(z_j), Im m_d(z_j) interleaved
 *   lam_min, lam_max     smallest non-trivial and largest eigenvalue
 *                        (the max(0, d - n) structural zeros are skipped)
 *   moments k = 1..kmax
 * Histogram counts are summed over the batch instead: nbins + 3 int64 values
 * [bins..., below, above, zeros] where `zeros` counts the structural zero
 * eigenvalues (max(0, d - n) per trial), which are set to exactly 0 and not
 * binned. */
static inline int64_t rmtmc_reduce_nobs(const rmtmc_reduce_spec *r) {
  return 2 * r->nz + 2 + r->kmax;
}
#define RMTMC_OBS_LAMMIN(r) (2 * (r)->nz)
#define RMTMC_OBS_LAMMAX(r) (2 * (r)->nz + 1)
#define RMTMC_OBS_MOMENT(r, k) (2 * (r)->nz + 1 + (k)) /* k = 1..kmax */

/* Description of the backend that ran a study. */
typedef struct rmtmc_backend_info {
  char name[16];        /* "cpu" or "cuda" */
  char device[256];     /* CPU model or GPU name */
  int threads;          /* CPU worker threads (cpu backend) */
  double memory_bytes;  /* device memory (GPU) or physical memory (CPU) */
  char versions[256];   /* libraries / toolkit and driver versions */
  /* The GPU (cuda backend; -1 and "" on the CPU): */
  int device_ordinal;          /* CUDA ordinal (--device N) */
  char compute_capability[16]; /* "9.0" */
  char archs[96];              /* code in this build, and what the GPU runs:
                                  "sm_80,sm_90 (GPU runs sm_90)" */
  /* The symmetric eigensolver of the last plan (max_batch / alloc), i.e.
   * the one the trials run ("" before any plan): */
  char solver[32];             /* "syevBatched", "syevjBatched", "syevd";
                                  cpu: "LAPACKE dsyevd" */
  char solver_algorithm[48];   /* syevBatched: "CUSOLVER_ALG_1" (default),
                                  "CUSOLVER_ALG_0"; "" for the others */
  int solver_alg1_refused;     /* ALG_1 asked for and refused by cuSOLVER */
  char solver_note[192];       /* why the algorithm is not the one asked for */
} rmtmc_backend_info;

typedef struct rmtmc_backend_opts {
  int threads;     /* 0 = all cores */
  int device;      /* GPU ordinal */
  /* test hooks: make the next allocation / solve fail (cuda backend) */
  int fail_alloc;
  int fail_solve;
} rmtmc_backend_opts;

typedef struct rmtmc_batch rmtmc_batch; /* backend-side workspace, opaque */
typedef struct rmtmc_fit_batch rmtmc_fit_batch; /* the same for the fits */

typedef struct rmtmc_backend_ops {
  const char *name;
  /* Open an instance; RMTMC_ERR_NO_DEVICE when the hardware is absent. */
  rmtmc_status (*open)(const rmtmc_backend_opts *opts, void **impl,
                       rmtmc_error *err);
  void (*close)(void *impl);
  rmtmc_status (*info)(void *impl, rmtmc_backend_info *out, rmtmc_error *err);
  /* Largest batch (trials) the instance can hold for this model;
   * RMTMC_ERR_TOO_LARGE with sizes in the message if not even one. */
  rmtmc_status (*max_batch)(void *impl, const rmtmc_model *m,
                            const rmtmc_reduce_spec *r, int64_t *max_trials,
                            rmtmc_error *err);
  rmtmc_status (*batch_alloc)(void *impl, const rmtmc_model *m,
                              const rmtmc_reduce_spec *r, int64_t cap,
                              rmtmc_batch **b, rmtmc_error *err);
  void (*batch_free)(void *impl, rmtmc_batch *b);
  /* Stages on trials [trial0, trial0 + count), count <= cap. */
  rmtmc_status (*sample)(void *impl, rmtmc_batch *b, uint64_t seed,
                         uint64_t trial0, int64_t count, rmtmc_error *err);
  rmtmc_status (*gram)(void *impl, rmtmc_batch *b, rmtmc_error *err);
  rmtmc_status (*solve)(void *impl, rmtmc_batch *b, rmtmc_error *err);
  /* obs: count x nobs doubles (trial-major); hist: nbins + 3 counts, added to. */
  rmtmc_status (*reduce)(void *impl, rmtmc_batch *b, double *obs,
                         int64_t *hist, rmtmc_error *err);
  /* Optional (tests, replay): copy the batch's X (count x d x n) or its
   * ascending eigenvalues (count x d) to host memory. */
  rmtmc_status (*copy_sample)(void *impl, rmtmc_batch *b, double *x,
                              rmtmc_error *err);
  rmtmc_status (*copy_eigvals)(void *impl, rmtmc_batch *b, double *ev,
                               rmtmc_error *err);
  /* Optional: the linear-model fits of rmtmc_fit.h (double precision).
   * fit_max_batch and fit_alloc as above for a fit problem (checked by the
   * wrappers below first); fit_run draws, fits and reduces trials
   * [trial0, trial0 + count), count <= cap, into out (count x
   * rmtmc_fit_nout doubles, trial-major). */
  rmtmc_status (*fit_max_batch)(void *impl, const rmtmc_fit_problem *p,
                                int64_t *max_trials, rmtmc_error *err);
  rmtmc_status (*fit_alloc)(void *impl, const rmtmc_fit_problem *p,
                            int64_t cap, rmtmc_fit_batch **fb,
                            rmtmc_error *err);
  void (*fit_free)(void *impl, rmtmc_fit_batch *fb);
  rmtmc_status (*fit_run)(void *impl, rmtmc_fit_batch *fb, uint64_t trial0,
                          int64_t count, double *out, rmtmc_error *err);
} rmtmc_backend_ops;

/* A backend instance: its table and its state. */
typedef struct rmtmc_backend {
  const rmtmc_backend_ops *ops;
  void *impl;
  rmtmc_backend_kind kind;
  char note[256]; /* e.g. "no CUDA device found: running on the CPU" */
} rmtmc_backend;

/* Is the backend compiled into this build? */
int rmtmc_backend_compiled(rmtmc_backend_kind kind);
/* Comma-separated names of the compiled-in backends ("cpu,cuda"). */
const char *rmtmc_backends_compiled(void);
rmtmc_status rmtmc_backend_parse(const char *s, rmtmc_backend_kind *k,
                                 rmtmc_error *err);

/* Open: AUTO takes CUDA when compiled in and a device answers, else the CPU
 * (with a note saying why).  CUDA asked for explicitly without a device is
 * RMTMC_ERR_NO_DEVICE. */
rmtmc_status rmtmc_backend_open(rmtmc_backend *be, rmtmc_backend_kind kind,
                                const rmtmc_backend_opts *opts,
                                rmtmc_error *err);
void rmtmc_backend_close(rmtmc_backend *be);

/* The fit entries through the table: RMTMC_ERR_UNSUPPORTED when the backend
 * has none; max_batch and alloc check the problem (rmtmc_fit_check) first.
 * Freeing NULL is a no-op. */
rmtmc_status rmtmc_backend_fit_max_batch(const rmtmc_backend *be,
                                         const rmtmc_fit_problem *p,
                                         int64_t *max_trials,
                                         rmtmc_error *err);
rmtmc_status rmtmc_backend_fit_alloc(const rmtmc_backend *be,
                                     const rmtmc_fit_problem *p, int64_t cap,
                                     rmtmc_fit_batch **fb, rmtmc_error *err);
void rmtmc_backend_fit_free(const rmtmc_backend *be, rmtmc_fit_batch *fb);
rmtmc_status rmtmc_backend_fit_run(const rmtmc_backend *be,
                                   rmtmc_fit_batch *fb, uint64_t trial0,
                                   int64_t count, double *out,
                                   rmtmc_error *err);

/* The tables (the cuda one exists only when compiled in). */
extern const rmtmc_backend_ops rmtmc_backend_cpu_ops;
#ifdef RMTMC_HAVE_CUDA
extern const rmtmc_backend_ops rmtmc_backend_cuda_ops;
#endif

#ifdef __cplusplus
}
#endif
#endif
