/* rmtmc_resolvent_method.h: the per-trial functionals of the resolvent
 * Q(z) = (S + zI)^-1, S = X X^T / n, as a backend runs them
 * (rmtmc_backend.h: RMTMC_METHOD_RESOLVENT).
 *
 * Trial t draws the same X as the dense method (rmtmc_sample_entries and
 * the model's Sigma^(1/2): the spectrum study's trial t), forms S and, for
 * every z of the problem, reduces Q(z) to a few numbers; only those come
 * back.  Two paths (docs/theory.md 10.5):
 *   real z > 0 (the Cholesky path): S + zI = U^T U (potrf, upper), the
 *     probe vectors solved against the factor (potrs: Y = Q P), and, only
 *     when a trace or the diagonal is asked for, V = U^-1 (a triangular
 *     solve with the identity): Q = V V^T, so Q_ii = ||row i of V||^2,
 *     (1/d) tr Q = ||V||_F^2 / d and (1/d) tr Sigma Q = ||Sigma^(1/2) V||_F^2 / d
 *     (sum_i s_i Q_ii for a diagonal Sigma).  One factorisation per trial
 *     and z;
 *   complex z (the eigen path): one eigendecomposition with vectors per
 *     trial, S = W diag(lambda) W^T, serving every complex z at once:
 *     r_k = 1/(lambda_k + z), a^T Q b = sum_k (W^T a)_k (W^T b)_k r_k,
 *     a^T Q^2 b with r_k^2, (1/d) tr Q = sum_k r_k / d,
 *     (1/d) tr Sigma Q = sum_k ||Sigma^(1/2) w_k||^2 r_k / d and
 *     Q_ii = sum_k W_ik^2 r_k.
 * real_path = RMTMC_RSV_PATH_EIGEN sends the real z through the eigen path
 * too (a cross-check of the two paths; they agree to rounding).
 * Every per-matrix solver status goes through the engine's one rule
 * (backend_check_info): "LAPACK dpotrf", "cuSOLVER potrfBatched", ...
 *
 * Output of one trial: nz blocks of per_z doubles (rmtmc_resolvent_offsets),
 * trial-major; block j (the z_j):
 *   trace + 0, 1          Re, Im (1/d) tr Q(z_j)          (when traces & 1)
 *   trace_sigma + 0, 1    Re, Im (1/d) tr Sigma Q(z_j)    (when traces & 2)
 *   form + 2 q (+1)       Re, Im of a^T Q b for pair q = (pairs[2q], pairs[2q+1])
 *   form2 + 2 q (+1)      Re, Im of a^T Q^2 b for pair q of pairs2
 *   diag                  max_i |Q_ii(z_j) - qbar_ii(z_j)|  (when qbar given)
 * Imaginary parts of real z are 0. */
#ifndef RMTMC_RESOLVENT_METHOD_H
#define RMTMC_RESOLVENT_METHOD_H

#include <stdint.h>

#include "rmtmc_model.h"
#include "rmtmc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RMTMC_RSV_MAX_Z 64
#define RMTMC_RSV_MAX_PROBES 64
#define RMTMC_RSV_MAX_PAIRS 128

typedef enum rmtmc_rsv_path {
  RMTMC_RSV_PATH_AUTO = 0,     /* real z: Cholesky; complex z: eigen */
  RMTMC_RSV_PATH_CHOLESKY = 1, /* the same (the default made explicit) */
  RMTMC_RSV_PATH_EIGEN = 2     /* every z through the eigendecomposition */
} rmtmc_rsv_path;

#define RMTMC_RSV_TRACE 1u       /* (1/d) tr Q */
#define RMTMC_RSV_TRACE_SIGMA 2u /* (1/d) tr Sigma Q */

/* The problem.  Arrays are borrowed: they must outlive every batch made from
 * it. */
typedef struct rmtmc_resolvent_problem {
  const rmtmc_model *model;  /* d, n, entries, Sigma^(1/2); double precision */
  int64_t nz;
  const double *z_re, *z_im; /* real z > 0, or Im z != 0 */
  int64_t nprobe;
  const double *probes;      /* d x nprobe, column-major */
  int64_t npair;
  const int64_t *pairs;      /* [2 npair] probe indices: a^T Q b */
  int64_t npair2;
  const int64_t *pairs2;     /* [2 npair2]: a^T Q^2 b */
  unsigned traces;           /* RMTMC_RSV_TRACE | RMTMC_RSV_TRACE_SIGMA */
  /* qbar_ii(z_j) at qbar_re[i + j d], qbar_im[...] (d x nz): the reference
   * diagonal of max_i |Q_ii - qbar_ii|; NULL: no diagonal */
  const double *qbar_re, *qbar_im;
  int real_path;             /* rmtmc_rsv_path */
} rmtmc_resolvent_problem;

/* Where the numbers of a z block sit (doubles; -1: not in the output). */
typedef struct rmtmc_resolvent_offsets {
  int64_t per_z;
  int64_t trace, trace_sigma, form, form2, diag;
} rmtmc_resolvent_offsets;

void rmtmc_resolvent_offsets_of(const rmtmc_resolvent_problem *p, rmtmc_resolvent_offsets *o);
/* Doubles per trial: nz per_z. */
int64_t rmtmc_resolvent_nout(const rmtmc_resolvent_problem *p);
/* Is z_j solved by the Cholesky path? */
int rmtmc_resolvent_uses_cholesky(const rmtmc_resolvent_problem *p, int64_t j);
/* Does the problem need the eigendecomposition (a complex z, or the eigen
 * path)? */
int rmtmc_resolvent_needs_eigen(const rmtmc_resolvent_problem *p);
/* Does the Cholesky path need V = U^-1 (a trace or the diagonal)? */
int rmtmc_resolvent_needs_inverse(const rmtmc_resolvent_problem *p);
/* Sizes, z and arrays consistent (what every backend may assume). */
rmtmc_status rmtmc_resolvent_check(const rmtmc_resolvent_problem *p, rmtmc_error *err);

#ifdef __cplusplus
}
#endif
#endif
