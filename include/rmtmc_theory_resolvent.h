/* rmtmc_theory_resolvent.h: deterministic equivalents of the resolvent
 * Q(z) = (S + zI)^-1 of S = X X^T / n, X = Sigma^(1/2) G (d x n), and of its
 * linear functionals (docs/theory.md 10).
 *
 * Convention (theory.md 0): the ridge point z; Q(z) = (S - wI)^-1 at the
 * Stieltjes point w = -z, so (1/d) tr Q(z) = m_d(-z).  Real z > 0, or
 * complex z off the negated support.  The deterministic equivalent is
 *   Qbar(z) = (Sigma/(1 + delta) + zI)^-1 = (1 + delta)(Sigma + kappa I)^-1,
 *   delta(z) = (1/n) tr Sigma Qbar(z),  kappa = z (1 + delta),
 * for every bounded linear form: (1/d) tr A (Q - Qbar) -> 0 and
 * u^T (Q - Qbar) v -> 0 for unit u, v.  With Sigma = U diag(s) U^T and
 * g_k = 1/(s_k + kappa), every functional is a sum over Sigma's eigenvalues
 * evaluated once per z, O(d) (O(d^2) for the whole diagonal of Qbar), never
 * per trial:
 *   (1/d) tr Qbar          = (1 + delta) (1/d) sum_k g_k        (= m(-z))
 *   (1/d) tr Sigma Qbar    = (1 + delta) (1/d) sum_k s_k g_k    (= delta / eta)
 *   a^T Qbar b             = (1 + delta) sum_k a_k b_k g_k,      a = U^T a_orig
 *   a^T E[Q^2] b (second order, theory.md 2.11 with B = I, C = Sigma):
 *                          = (1 + delta)^2 sum_k a_k b_k g_k^2 (1 + c s_k),
 *                            c = [(1/n) sum_k s_k g_k^2] / [1 - (1/n) sum_k s_k^2 g_k^2]
 *                            (= -d/dz of a^T Qbar b);
 *   Qbar_ii                = (1 + delta) sum_k U_ik^2 g_k.
 * delta comes from the ridge scalar of theory.md 2.3 for real z and from the
 * Silverstein equation for complex z (1 + delta = 1/(z mc(-z)), 2.1), at
 * the finite-d population (the d eigenvalues of Sigma).
 *
 * Pure CPU code; nothing prints or exits. */
#ifndef RMTMC_THEORY_RESOLVENT_H
#define RMTMC_THEORY_RESOLVENT_H

#include <complex.h>
#include <stdint.h>

#include "rmtmc_status.h"
#include "rmtmc_theory.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The population: Sigma = U diag(s) U^T and the sizes.  Borrowed arrays. */
typedef struct rmtmc_resolvent_sigma {
  int64_t d, n;
  const double *s; /* [d] eigenvalues of Sigma, >= 0, at least one > 0 */
  const double *U; /* [d x d] column-major orthonormal eigenvectors, or NULL:
                      U = I (a diagonal Sigma, s in coordinate order) */
  double kurt_excess; /* E g^4 - 3 of the entries (0 Gaussian, -2 Rademacher) */
  int gaussian;       /* the entries are Gaussian */
  /* the entry mixing of a dense Sigma for the fourth-cumulant term of the
   * trace bias (rmtmc_resolvent_mixing); NULL: none needed (diagonal Sigma
   * or Gaussian entries) */
  const rmtmc_entry_mixing *mixing;
} rmtmc_resolvent_sigma;

/* The entry mixing v2 = U o U of the engine's symmetric root Sigma^(1/2)
 * (theory.md 6.3: V = U), from the eigenvectors at hand (O(d^2), no
 * decomposition).  Release with rmtmc_entry_mixing_free. */
rmtmc_status rmtmc_resolvent_mixing(rmtmc_entry_mixing *mx, const rmtmc_resolvent_sigma *sg,
                                    rmtmc_error *err);

/* The equivalent at one z. */
typedef struct rmtmc_resolvent_equiv {
  double complex z;
  double complex delta;       /* (1/n) tr Sigma Qbar */
  double complex kappa;       /* z (1 + delta), the effective ridge */
  double complex trace;       /* (1/d) tr Qbar */
  double complex trace_sigma; /* (1/d) tr Sigma Qbar */
  double complex c2;          /* the second-order coefficient c above */
  int64_t d;
  double complex *g;          /* [d] 1/(s_k + kappa), owned */
  /* rmtmc_resolvent_equiv_bias (Gaussian entries, NULL until computed):
   * bk[k] the O(1/d) bias of (U^T Q U)_kk, gk[k] = s_k d mu(-z)/d s_k (the
   * trace bias's sensitivity to the k-th eigenvalue), and two checks of the
   * quadrature: quad_err (16 against 10 nodes a panel, relative) and sum_err
   * (|sum_k bk - mu(-z)| / |mu(-z)|, which must vanish) */
  double complex *bk, *gk;
  double quad_err, sum_err;
} rmtmc_resolvent_equiv;

/* Solve at z: real z > 0 (RMTMC_ERR_INVALID for real z <= 0, where S + zI
 * can be singular) or Im z != 0.  Release with rmtmc_resolvent_equiv_free
 * (NULL-safe, idempotent); on failure nothing is allocated. */
rmtmc_status rmtmc_resolvent_equiv_init(rmtmc_resolvent_equiv *e, const rmtmc_resolvent_sigma *sg,
                                        double complex z, const rmtmc_theory_opts *opts, rmtmc_error *err);
void rmtmc_resolvent_equiv_free(rmtmc_resolvent_equiv *e);

/* The O(1/d) bias of every diagonal entry (U^T Q U)_kk in Sigma's eigenbasis
 * (theory.md 10.4): with Sigma_t = Sigma (I + t P_k),
 * P_k = u_k u_k^T, the exact identity d/dt tr Q = -(1 + z d/dz) tr(P_k Q)
 * carries over to the 1/d terms, so B_k(z) = (1/z) int_z^inf g_k(zeta) dzeta
 * with g_k = s_k d mu(-zeta)/d s_k, mu the trace's bias (theory.md 6.1-6.3,
 * the fourth-cumulant term with Sigma's eigenvectors held fixed for
 * non-Gaussian entries, differentiated analytically in u), integrated along z + [0, inf) by
 * Gauss-Legendre on panels that double in length from the distance of z
 * to the negated support, and a mapped tail.  Where U^T E[Q] U is diagonal
 * (Gaussian entries, or a diagonal Sigma), a^T Q b has the bias
 * sum_k (U^T a)_k (U^T b)_k B_k, and always
 * (1/d) tr Sigma Q the bias (1/d) sum_k s_k B_k; a^T Q^2 b (= -d/dz) has
 * sum_k (U^T a)_k (U^T b)_k (g_k + B_k)/z.  Fills e->bk, e->gk. */
rmtmc_status rmtmc_resolvent_equiv_bias(rmtmc_resolvent_equiv *e, const rmtmc_resolvent_sigma *sg, rmtmc_error *err);

/* c = U^T u: a vector's coordinates in Sigma's eigenbasis (a copy for
 * U = I). */
void rmtmc_resolvent_coords(const rmtmc_resolvent_sigma *sg, const double *u, double *c);
/* a^T Qbar b from the coordinates ca = U^T a, cb = U^T b. */
double complex rmtmc_resolvent_bilinear(const rmtmc_resolvent_equiv *e, const double *ca, const double *cb);
/* a^T E[Q^2] b to second order, from the coordinates. */
double complex rmtmc_resolvent_bilinear2(const rmtmc_resolvent_equiv *e, const rmtmc_resolvent_sigma *sg,
                                         const double *ca, const double *cb);
/* The diagonal of Qbar, all d entries (O(d^2); re, im [d]). */
void rmtmc_resolvent_diag(const rmtmc_resolvent_equiv *e, const rmtmc_resolvent_sigma *sg, double *re,
                          double *im);

/* ---- finite-size behaviour (theory.md 10.4) ----
 * What is known, beyond the limit, of the mean and the spread of a
 * functional at finite d (real entries):
 *   bias (E f_d - f ~ bias, O(1/d)):
 *     trace        always: mu(-z)/d, the Bai-Silverstein mean with the
 *                  fourth-cumulant term (theory.md 6.1-6.3; the mixing of
 *                  a dense Sigma for non-Gaussian entries);
 *     Sigma = s2 I (any iid entries): E[Q] = (E (1/d) tr Q) I exactly
 *                  (the law of X is invariant under signed permutations),
 *                  so a^T Q b has bias (a.b) mu/d, trace_sigma s2 mu/d, and
 *                  a^T Q^2 b (a.b) dmu/d (the derivative's bias, 6.1);
 *     otherwise from rmtmc_resolvent_equiv_bias (computed here on demand),
 *                  the bias of every (U^T Q U)_kk: (1/d) tr Sigma Q always;
 *                  every form for Gaussian entries (E[Q] commutes with
 *                  Sigma) or a diagonal Sigma (E[Q] is diagonal: sign
 *                  flips); for non-Gaussian entries and a dense Sigma only a
 *                  form of one eigenvector of Sigma with itself (quad_top),
 *                  the rest unknown (O(1/d), no formula here).  A dense Sigma
 *                  with non-Gaussian entries needs sg->mixing.
 *   spread (sd at finite d, leading order), Gaussian entries, Sigma = s2 I,
 *   real z (the eigenvectors of S are Haar distributed):
 *     trace        sqrt(Sch[mc](-z/s2)/3)/(s2 d) (theory.md 1.9);
 *     a^T Q b      sqrt((|a|^2 |b|^2 + (a.b)^2)(m'(-z) - m(-z)^2)/d), with
 *                  the trace's variance added (unit a = b: 2/d);
 *     otherwise unknown; the order is d^-1 for traces and d^-1/2 for forms. */
typedef enum rmtmc_rfun {
  RMTMC_RFUN_TRACE = 0,       /* (1/d) tr Q */
  RMTMC_RFUN_TRACE_SIGMA = 1, /* (1/d) tr Sigma Q */
  RMTMC_RFUN_FORM = 2,        /* a^T Q b */
  RMTMC_RFUN_FORM2 = 3        /* a^T Q^2 b */
} rmtmc_rfun;

typedef struct rmtmc_resolvent_finite {
  int bias_known;
  double complex bias; /* predicted E f_d - f (0 when unknown) */
  int sd_known;
  double sd_re, sd_im; /* predicted sd of Re, Im (NAN when unknown) */
  double order;        /* the sd's exponent in d: -1 traces, -0.5 forms */
  char why[160];       /* where the bias comes from, or why it is unknown */
} rmtmc_resolvent_finite;

/* For kind at e's z; a, b the probes (original coordinates, unit length)
 * of a form and ca, cb their coordinates U^T a, U^T b, ignored for traces.
 * RMTMC_OK with the flags set even when nothing is known; an error only for
 * bad arguments or a failing solve.  e may be updated (the Gaussian biases
 * are computed on the first call that needs them). */
rmtmc_status rmtmc_resolvent_finite_size(const rmtmc_resolvent_sigma *sg, rmtmc_resolvent_equiv *e,
                                         rmtmc_rfun kind, const double *a, const double *b, const double *ca,
                                         const double *cb, rmtmc_resolvent_finite *out, rmtmc_error *err);

#ifdef __cplusplus
}
#endif
#endif
