/* rmtmc_backend.h: the backend interface.  A backend runs the per-trial
 * work of a study in batches on its device; only the reduced per-trial
 * numbers come back to the host.  Implementations: cpu (the reference:
 * OpenBLAS + LAPACKE, trials in parallel across threads) and cuda (cuRAND +
 * cuBLAS + cuSOLVER), compiled in when nvcc is found.
 *
 * The handles are opaque.  What a backend runs is a *work* item: a method
 * (the stages a batch goes through) and what it needs.
 *   RMTMC_METHOD_DENSE  the spectrum of S = X X^T / n: stages sample (X),
 *                       gram (S), solve (eigenvalues), reduce (the layout of
 *                       rmtmc_layout.h, plus histogram counts);
 *   RMTMC_METHOD_FIT    the linear-model fits of rmtmc_fit.h: stages sample
 *                       (fixes the trials; the backend may draw here or
 *                       later) and reduce (draw, fit, reduce to
 *                       rmtmc_fit_nout doubles per trial);
 *   RMTMC_METHOD_RESOLVENT  functionals of Q(z) = (S + zI)^-1
 *                       (rmtmc_resolvent_method.h): stages sample (fixes the
 *                       trials; X may be drawn here or in solve), solve (S,
 *                       the factorisations of every z, the functionals) and
 *                       reduce (rmtmc_resolvent_nout doubles per trial);
 *   RMTMC_METHOD_TRIDIAGONAL  the same spectrum layout for Gaussian data with
 *                       Sigma = s2 I from the Dumitriu-Edelman band (THEORY
 *                       10.2, docs/fast_methods.md): stages sample (the band,
 *                       O(d) per trial) and reduce (every statistic in O(d):
 *                       Sturm counts, the Stieltjes recurrence, bisection);
 *                       S is never formed;
 *   RMTMC_METHOD_BARTLETT  the same for Gaussian data, any Sigma (THEORY
 *                       10.3): sample (Bartlett's triangular L), gram (an
 *                       m x m matrix W, m = min(d, n), with the non-trivial
 *                       eigenvalues of S), solve, reduce (as dense).
 * The three spectrum methods agree in distribution, not draw for draw: each
 * reads its own words of the trial's stream (docs/fast_methods.md).
 *   RMTMC_METHOD_EDGE   the extreme eigenpairs of S: stages sample, gram,
 *                       solve (a partial eigensolver: the ktop largest and
 *                       kbot smallest non-trivial eigenvalues, and their
 *                       eigenvectors' overlaps with the first ndir
 *                       coordinates when ndir > 0) and reduce (the row of
 *                       rmtmc_edge_layout, rmtmc_layout.h).
 * Complex entries (RMTMC_ENTRIES_COMPLEX_GAUSSIAN) run through DENSE and
 * EDGE: X is complex, S = X X^H / n Hermitian, its eigenvalues real.
 * A method whose stages differ is a new value here and a new entry in a
 * backend's table; the run driver only calls rmtmc_batch_run.
 *
 * The wrappers below enforce for every backend: a stage runs only after the
 * method's previous stage (a failed stage needs a new sample), count <= the
 * batch's capacity, entries a backend lacks report RMTMC_ERR_UNSUPPORTED;
 * every backend reports a failing solver through one rule (the first failing
 * trial in trial order: > 0 no convergence, < 0 bad argument).
 * Adding a backend adds one table (src/backend/backend_impl.h) and one line
 * in the registry (src/backend/backend.c); study and theory code do not
 * change. */
#ifndef RMTMC_BACKEND_H
#define RMTMC_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "rmtmc_fit.h"
#include "rmtmc_layout.h"
#include "rmtmc_model.h"
#include "rmtmc_resolvent_method.h"
#include "rmtmc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rmtmc_backend_kind {
  RMTMC_BACKEND_AUTO = 0,
  RMTMC_BACKEND_CPU = 1,
  RMTMC_BACKEND_CUDA = 2
} rmtmc_backend_kind;

typedef struct rmtmc_backend rmtmc_backend; /* an open backend */
typedef struct rmtmc_batch rmtmc_batch;     /* a batch's workspace on it */

/* Description of the backend that ran a study. */
typedef struct rmtmc_backend_info {
  char name[16];        /* "cpu" or "cuda" */
  char device[256];     /* CPU model or GPU name */
  int threads;          /* CPU worker threads (0 on a GPU) */
  double memory_bytes;  /* device memory (GPU) or physical memory (CPU) */
  char versions[256];   /* libraries / toolkit and driver versions */
  /* The GPU (cuda backend; -1 and "" on the CPU): */
  int device_ordinal;          /* CUDA ordinal (--device N) */
  char compute_capability[16]; /* "9.0" */
  char archs[96];              /* code in this build, and what the GPU runs:
                                  "sm_80,sm_90 (GPU runs sm_90)" */
  /* The symmetric eigensolver of the last work planned on this backend
   * (rmtmc_backend_limits, rmtmc_batch_alloc), i.e. the one its trials run
   * ("" before any plan; the run driver reads the info after planning): */
  char solver[32];             /* cuda: "syevBatched", "syevjBatched",
                                  "syevd"; cpu: "LAPACKE dsyevd" (ssyevd in
                                  single precision) */
  char solver_algorithm[48];   /* syevBatched: "CUSOLVER_ALG_1" (default),
                                  "CUSOLVER_ALG_0"; "" for the others */
  int solver_alg1_refused;     /* ALG_1 asked for and refused by cuSOLVER */
  char solver_note[192];       /* why the algorithm is not the one asked for */
} rmtmc_backend_info;

/* Test hooks and measurement overrides, the same on every backend. */
typedef struct rmtmc_backend_debug {
  int fail_alloc;      /* the next fail_alloc batch allocations fail (RMTMC_ERR_NOMEM) */
  int fail_solve;      /* the next fail_solve solver calls report no convergence
                          for the first trial of their batch */
  int64_t fail_trial[2]; /* >= 0: the solver reports no convergence for this
                            trial whenever its batch is solved (-1: off) */
  char gram[16];       /* cuda Gram path: "" or auto | gemm | syrk */
  char solver[16];     /* cuda eigensolver: "" or auto | batched | batched0 |
                          jacobi | syevd */
} rmtmc_backend_debug;

/* No hooks, no overrides. */
void rmtmc_backend_debug_default(rmtmc_backend_debug *d);
/* The overrides from the environment (RMTMC_CUDA_GRAM, RMTMC_CUDA_SOLVER)
 * and the test hooks (RMTMC_DEBUG_FAIL_ALLOC=N, RMTMC_DEBUG_FAIL_SOLVE=N,
 * RMTMC_DEBUG_FAIL_TRIAL=T or T,T2), for the command line, its tests and
 * the benchmarks; the library never reads the environment itself. */
void rmtmc_backend_debug_from_env(rmtmc_backend_debug *d);

typedef struct rmtmc_backend_opts {
  int threads;                 /* CPU worker threads, 0 = all cores */
  int device;                  /* GPU ordinal */
  int node_rank;               /* MPI: this process's rank among those of its
                                  node; a GPU backend takes GPU
                                  (device + node_rank) mod its GPUs (0 alone) */
  rmtmc_backend_debug debug;
} rmtmc_backend_opts;

/* threads 0, device 0, node_rank 0, no hooks. */
void rmtmc_backend_opts_default(rmtmc_backend_opts *o);

/* ---- the registry ---- */
/* Is the backend compiled into this build? */
int rmtmc_backend_compiled(rmtmc_backend_kind kind);
/* Comma-separated names of the compiled-in backends ("cpu,cuda"). */
const char *rmtmc_backends_compiled(void);
/* "auto", "cpu", "cuda". */
const char *rmtmc_backend_kind_name(rmtmc_backend_kind kind);
rmtmc_status rmtmc_backend_parse(const char *s, rmtmc_backend_kind *k,
                                 rmtmc_error *err);

/* Open: AUTO takes the first compiled-in GPU backend whose device answers,
 * else the CPU (with a note saying why); a GPU backend asked for explicitly
 * without a device is RMTMC_ERR_NO_DEVICE.  opts may be NULL (defaults).
 * Closing NULL is a no-op. */
rmtmc_status rmtmc_backend_open(rmtmc_backend **be, rmtmc_backend_kind kind,
                                const rmtmc_backend_opts *opts,
                                rmtmc_error *err);
void rmtmc_backend_close(rmtmc_backend *be);

const char *rmtmc_backend_name(const rmtmc_backend *be);    /* "cpu" */
rmtmc_backend_kind rmtmc_backend_kind_of(const rmtmc_backend *be);
/* Why the backend is not the one asked for ("" when it is). */
const char *rmtmc_backend_note(const rmtmc_backend *be);
rmtmc_status rmtmc_backend_info_get(const rmtmc_backend *be,
                                    rmtmc_backend_info *out, rmtmc_error *err);

/* How the backend likes its automatic batches (the run driver's rule:
 * batch = trials / progress_steps, raised to min_batch, lowered to
 * max_batch, to batch_bytes / bytes per trial when batch_bytes > 0, and to
 * what fits). */
typedef struct rmtmc_batch_policy {
  int64_t min_batch;      /* enough work per call to amortise it */
  int64_t max_batch;      /* largest automatic batch */
  int64_t progress_steps; /* a long run reports progress at least this often */
  double batch_bytes;     /* preferred bytes per batch (0: no preference) */
} rmtmc_batch_policy;

void rmtmc_backend_policy(const rmtmc_backend *be, rmtmc_batch_policy *p);

/* ---- work ---- */
typedef enum rmtmc_method {
  RMTMC_METHOD_DENSE = 0,
  RMTMC_METHOD_FIT = 1,
  RMTMC_METHOD_RESOLVENT = 2,
  RMTMC_METHOD_EDGE = 3,
  RMTMC_METHOD_TRIDIAGONAL = 4,
  RMTMC_METHOD_BARTLETT = 5,
  RMTMC_METHOD_COUNT,
  /* Not a backend method: a study's request (--method auto) that
   * rmtmc_method_resolve turns into one of the spectrum methods. */
  RMTMC_METHOD_AUTO = -1
} rmtmc_method;

typedef struct rmtmc_work {
  rmtmc_method method;
  const rmtmc_model *model;     /* the spectrum methods, EDGE */
  const rmtmc_layout *layout;   /* the spectrum methods */
  const rmtmc_fit_problem *fit; /* FIT */
  const rmtmc_resolvent_problem *resolvent; /* RESOLVENT */
  const rmtmc_edge_layout *edge; /* EDGE (rmtmc_edge_layout_build) */
} rmtmc_work;

/* "dense", "fit", "resolvent", "edge", "tridiagonal", "bartlett", "auto". */
const char *rmtmc_method_name(rmtmc_method m);

/* ---- the spectrum methods (--method dense | bartlett | tridiagonal | auto) ---- */

/* dense, tridiagonal and bartlett: methods that fill the spectrum layout. */
int rmtmc_method_is_spectral(rmtmc_method m);
/* --method NAME -> dense, bartlett, tridiagonal or auto. */
rmtmc_status rmtmc_method_parse(const char *s, rmtmc_method *m, rmtmc_error *err);
/* Is spectrum method m exact in distribution for the model and able to
 * compute the per-z observables zobs (rmtmc_layout.h bits)?
 *   dense        always;
 *   bartlett     Gaussian entries, double precision;
 *   tridiagonal  Gaussian entries, Sigma = s2 I (one population
 *                eigenvalue s2 > 0), double precision, m(z) only.
 * RMTMC_ERR_INVALID with the reason and what to use instead. */
rmtmc_status rmtmc_method_check(rmtmc_method m, const rmtmc_model *model, unsigned zobs,
                                rmtmc_error *err);
/* want (a spectrum method or AUTO) for this model: explicit methods are
 * checked (rmtmc_method_check); AUTO picks the fastest exact one:
 * tridiagonal where it is valid, else bartlett for Gaussian entries when
 * n > d (double precision), else dense.  tridiag_veto (NULL: none) is a
 * study's own reason against the tridiagonal method (the spectrum study: a
 * real z too close to the support edge): AUTO then passes over it, an
 * explicit tridiagonal is RMTMC_ERR_INVALID with that reason.  *got is the
 * method to run, why (len bytes, may be NULL) one line saying why. */
rmtmc_status rmtmc_method_resolve(rmtmc_method want, const rmtmc_model *model, unsigned zobs,
                                  const char *tridiag_veto, rmtmc_method *got, char *why, size_t len,
                                  rmtmc_error *err);
/* Sigma = s2 I for the tridiagonal method: 1 and *s2 when the model's
 * population spectrum is one atom s2 > 0, else 0. */
int rmtmc_model_isotropic(const rmtmc_model *model, double *s2);
/* Doubles per trial that the reduce stage writes (trial-major). */
int64_t rmtmc_work_nout(const rmtmc_work *w);
/* Histogram slots the reduce stage adds to (0: none). */
int64_t rmtmc_work_nhist(const rmtmc_work *w);
/* Sizes and arrays consistent (what every backend may assume). */
rmtmc_status rmtmc_work_check(const rmtmc_work *w, rmtmc_error *err);

/* What a batch of this work may hold on the backend. */
typedef struct rmtmc_batch_limits {
  int64_t max_trials;     /* the largest batch that fits */
  double bytes_per_trial; /* the backend's memory per trial of a batch */
  int64_t min_trials;     /* the method's own floor for an automatic batch (trials
                             a call needs to keep the device busy; 0: the
                             policy's min_batch) */
} rmtmc_batch_limits;

/* RMTMC_ERR_TOO_LARGE (sizes in the message) when not even one trial fits;
 * RMTMC_ERR_UNSUPPORTED when the backend lacks the method. */
rmtmc_status rmtmc_backend_limits(const rmtmc_backend *be, const rmtmc_work *w,
                                  rmtmc_batch_limits *lim, rmtmc_error *err);

/* A batch for up to cap trials of w (w and everything it points to must
 * outlive the batch).  Freeing NULL is a no-op. */
rmtmc_status rmtmc_batch_alloc(rmtmc_backend *be, const rmtmc_work *w,
                               int64_t cap, rmtmc_batch **b, rmtmc_error *err);
void rmtmc_batch_free(rmtmc_batch *b);
int64_t rmtmc_batch_capacity(const rmtmc_batch *b);

/* Every stage of the method on trials [trial0, trial0 + count) of seed
 * `seed`: out gets count x rmtmc_work_nout doubles (trial-major), hist (when
 * the work has a histogram) is added to. */
rmtmc_status rmtmc_batch_run(rmtmc_batch *b, uint64_t seed, uint64_t trial0,
                             int64_t count, double *out, int64_t *hist,
                             rmtmc_error *err);

/* The stages one by one (tests, replay).  sample fixes the trials;
 * gram and solve exist for the dense and Bartlett methods only.  For the
 * tridiagonal method, reduce also checks every real z of the layout
 * against each trial's [lambda_min, lambda_max]: a real z inside a trial's
 * spectrum, where the O(d) recurrence for m(z) loses accuracy, is
 * RMTMC_ERR_NUMERIC naming the trial (the spectrum study keeps real z a
 * margin away from the support, so this is rare). */
rmtmc_status rmtmc_batch_sample(rmtmc_batch *b, uint64_t seed, uint64_t trial0,
                                int64_t count, rmtmc_error *err);
rmtmc_status rmtmc_batch_gram(rmtmc_batch *b, rmtmc_error *err);
rmtmc_status rmtmc_batch_solve(rmtmc_batch *b, rmtmc_error *err);
rmtmc_status rmtmc_batch_reduce(rmtmc_batch *b, double *out, int64_t *hist,
                                rmtmc_error *err);
/* Optional: the batch's X (count x d x n, after sample; complex entries:
 * count x d x n (re, im) pairs, rmtmc_model.h) or its ascending
 * eigenvalues (count x d, after the stage before reduce: solve, or sample
 * for the tridiagonal method, whose eigenvalues come from LAPACK dsterf on
 * the band; the structural zeros exactly 0; the spectrum methods only). */
rmtmc_status rmtmc_batch_copy_sample(rmtmc_batch *b, double *x, rmtmc_error *err);
rmtmc_status rmtmc_batch_copy_eigvals(rmtmc_batch *b, double *ev, rmtmc_error *err);

#ifdef __cplusplus
}
#endif
#endif
