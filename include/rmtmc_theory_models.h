/* rmtmc_theory_models.h: deterministic equivalents of the ridge "linear
 * generative model" of the talk (Propositions A and B) and of ridge
 * regression, evaluated from a handful of scalars and c x c quantities.
 *
 * Sources: docs/theory.md sections 3 (generative model, incl. the slide
 * corrections of 3.4) and 4 (ridge regression).  Conventions (theory.md 0):
 *   * the ridge resolvent is Q(gamma) = (X X^T / n + gamma I_d)^-1, gamma > 0;
 *   * matrices are column-major with explicit sizes: P is k x c (column a is
 *     p_a, the label distribution of context / class a, entries >= 0 summing
 *     to 1 within 1e-6), G is c x c, C (when requested) is k x k x c with C_a
 *     starting at C + a k^2;
 *   * arguments go outputs, inputs, sizes, then opts (NULL: defaults of
 *     rmtmc_theory.h) and the error context (may be NULL);
 *   * every function returns RMTMC_OK or fills err with one line naming the
 *     offending argument; nothing prints, exits or keeps global state.
 *
 * The two propositions normalise their scalar delta differently (theory.md 3.4
 * item 9): Proposition A uses eta = d / c and delta = (1/c) tr Qbar,
 * Proposition B uses eta = d / n and delta = (1/n) tr Qbar.  Keep them apart.
 *
 * Slide typos corrected here (theory.md 3.4):
 *   1. The closed form of delta printed on the slides has the discriminant
 *      (eta - gamma - 1)^2 + 4 gamma; the correct one is
 *      (eta - gamma - 1)^2 + 4 gamma eta (positive root of
 *      gamma delta^2 + (1 + gamma - eta) delta - eta = 0, i.e. the fixed point
 *      delta = eta / (gamma + 1/(1 + delta)) = eta m_MP(-gamma)).  The printed
 *      form has the wrong limits (1/(1-eta) instead of eta/(1-eta) as
 *      gamma -> 0) and misses the simulations by 14-54 standard errors.
 *      Proposition A never uses a closed form here: it solves its fixed point.
 *   2. Prop B's first term Tr[P P^T (I_c - ...)] mixes k x k and c x c; we
 *      use Tr[P^T P (I_c - ...)] = Tr[P (I_c - ...) P^T].
 *   3. Prop B's I_p is I_d (never formed: only c x c matrices are used).
 *   4. Prop B's E_test with one test draw per class has O(1) fluctuations;
 *      the quantity computed is its expectation over the test noise,
 *      (1/c) sum_a (||p_a - W^T mu_a||^2 + ||W||_F^2).
 *   5. Prop A's Sigma_a uses deterministic counts n_a = alpha_a n / c; with
 *      contexts drawn at random, pass the realised alpha_a = c n_a / n
 *      (rmtmc_propA_alphas_from_counts), including alpha_a = 0. */
#ifndef RMTMC_THEORY_MODELS_H
#define RMTMC_THEORY_MODELS_H

#include <stdint.h>

#include "rmtmc_status.h"
#include "rmtmc_theory.h" /* rmtmc_theory_opts (the type only) */

#ifdef __cplusplus
extern "C" {
#endif

/* ============ Proposition A: discrete contexts (theory.md 3.1) ============
 * Model: contexts z_1..z_c ~ N(0, I_d) iid, n_a samples of context a,
 * alpha_a = c n_a / n (mean 1 for deterministic or realised counts), one-hot
 * labels y ~ Cat(p_a); W = (1/n) Q(gamma) X Y^T; eta = d / c.
 * Fixed point: delta = eta / (alpha + gamma),
 *   alpha = (1/c) sum_a alpha_a / (1 + alpha_a delta),
 *   kappa = eta / (alpha + gamma)^2 = (1/c) tr Qbar^2,
 *   beta  = (1/c) sum_a (alpha_a / (1 + alpha_a delta))^2,
 * solved by Brent on delta - eta/(alpha(delta) + gamma) over
 * [0, eta/gamma + 1] (increasing, derivative 1 - beta kappa > 0). */
typedef struct rmtmc_propA_scalars {
  double delta, alpha, kappa, beta;
} rmtmc_propA_scalars;

/* The limit of the training error and its two parts. */
typedef struct rmtmc_propA_result {
  rmtmc_propA_scalars s;
  double first_term; /* (1/c) tr[P (I_c - 2D) P^T] */
  double mean_trC;   /* (1/c) sum_a tr C_a */
  double etrain;     /* first_term + mean_trC: limit of (1/c)||P - W^T Z||_F^2 */
} rmtmc_propA_result;

/* Realised alpha_a = c n_a / n with n = sum_a counts[a] (counts >= 0, n > 0). */
rmtmc_status rmtmc_propA_alphas_from_counts(double *alphas,
                                            const int64_t *counts, int64_t c,
                                            rmtmc_error *err);

/* Scalars (delta, alpha, kappa, beta) for eta > 0, gamma > 0, c >= 1 and
 * alphas[c] >= 0 (finite, mean > 0). */
rmtmc_status rmtmc_propA_solve(rmtmc_propA_scalars *out, const double *alphas,
                               double eta, double gamma, int64_t c,
                               const rmtmc_theory_opts *opts,
                               rmtmc_error *err);

/* Full Proposition A at one gamma.  n = total sample count (n > 0; INFINITY
 * gives the n/c -> infinity limit Sigma_a = p_a p_a^T).  Optional outputs
 * (NULL to skip): D[c] (shrinkage D_a = alpha_a delta / (1 + alpha_a delta)),
 * m[k x c] (m_a = D_a p_a), trC[c] (tr C_a), C[k x k x c] (C_a).
 * C_a = D_a^2 Sigma_a + (kappa/c) sum_{b != a} alpha_b^2 Sigma_b /
 *       (1 + alpha_b delta)^2 / [(1 + alpha_a delta)^2 (1 - beta kappa)],
 * Sigma_a = (c/(alpha_a n)) Diag(p_a) + (1 - c/(alpha_a n)) p_a p_a^T, always
 * evaluated through alpha_b^2 Sigma_b = alpha_b (c/n) Diag(p_b) +
 * (alpha_b^2 - alpha_b c/n) p_b p_b^T, finite at alpha_b = 0 (then D_b = 0,
 * m_b = 0 and C_b is the cross term only). */
rmtmc_status rmtmc_propA_theory(rmtmc_propA_result *res, double *D, double *m,
                                double *trC, double *C, const double *P,
                                const double *alphas, double eta, double gamma,
                                double n, int64_t k, int64_t c,
                                const rmtmc_theory_opts *opts,
                                rmtmc_error *err);

/* The same limit on a gamma grid: O(c k) set-up, then O(c) per Brent
 * evaluation.  res[ngamma] (etrain, parts and scalars per gamma); every
 * gamma is validated first, and on a solver failure the entries before the
 * failing gamma are filled. */
rmtmc_status rmtmc_propA_grid(rmtmc_propA_result *res, const double *gammas,
                              const double *P, const double *alphas,
                              double eta, double n, int64_t ngamma, int64_t k,
                              int64_t c, const rmtmc_theory_opts *opts,
                              rmtmc_error *err);

/* ======= Proposition B: Gaussian mixture, corrected (theory.md 3.2) =======
 * Model: class a w.p. 1/c, x = mu_a + z, z ~ N(0, I_d), y ~ Cat(p_a);
 * eta = d / n; M = [mu_1..mu_c] enters only through G = M^T M (c x c,
 * symmetric positive semi-definite).  delta is the corrected closed form
 * (typo 1), zeta = gamma + 1/(1+delta), kappa = eta/zeta^2,
 * tau = kappa / (1 - kappa/(1+delta)^2) (= (1/n) tr E Q^2).
 * Evaluation (no d x d matrix): with s = (1+delta) c and
 * B = (s I_c + G/zeta)^-1 (Cholesky), Qbar M = M (s/zeta) B and
 * M^T Qbar M / ((1+delta) c) = (G/zeta) B, so every term of Ebar_test is a
 * trace against B P^T and (G/zeta) B P^T; O(c^3/3 + c^2 k) per gamma.
 * G is checked for symmetry (1e-8 relative) and a diagonal >= 0; an
 * indefinite G is reported only when (1+delta)c I + G/zeta fails Cholesky. */
typedef struct rmtmc_propB_result {
  double delta, zeta, kappa, tau;
  double first_term; /* (1/c) tr[P^T P (I_c - 2 M^T Qbar M/((1+delta)c))] */
  double mean_trC;   /* (1/c) sum_a tr C_a */
  double etest;      /* Ebar_test = first_term + mean_trC */
} rmtmc_propB_result;

/* Full Proposition B at one gamma; trC[c] and C[k x k x c] optional (NULL). */
rmtmc_status rmtmc_propB_theory(rmtmc_propB_result *res, double *trC,
                                double *C, const double *P, const double *G,
                                double eta, double gamma, int64_t k, int64_t c,
                                rmtmc_error *err);

/* The same on a gamma grid: res[ngamma]. */
rmtmc_status rmtmc_propB_grid(rmtmc_propB_result *res, const double *gammas,
                              const double *P, const double *G, double eta,
                              int64_t ngamma, int64_t k, int64_t c,
                              rmtmc_error *err);

/* ============ Ridge regression y = x^T beta + eps (theory.md 4) ============
 * bhat = (X^T X/n + lam I)^-1 X^T y / n, x ~ N(0, Sigma), Var eps = sigma2,
 * excess risk R = (bhat - beta)^T Sigma (bhat - beta).
 * Sigma = sum_j s_j P_j with eigenvalues s[j] >= 0 of multiplicity count[j]
 * (NULL: 1 each, i.e. s lists all d eigenvalues; counts may be non-integer,
 * e.g. w_j d from an rmtmc_pop); d = sum_j count[j].  b2[j] is the squared
 * norm of the projection of beta on eigenspace j (sum of (u_i^T beta)^2 over
 * it); b2 == NULL spreads ||beta||^2 = r2 uniformly: b2[j] = r2 count[j]/d. */
typedef struct rmtmc_ridge_problem {
  int64_t natoms;
  const double *s;
  const double *count; /* may be NULL */
  const double *b2;    /* may be NULL (then r2 is used) */
  double r2;
  double n;      /* sample size > 0 (only df/n enters) */
  double sigma2; /* noise variance >= 0 */
} rmtmc_ridge_problem;

/* Limits at one lam.  df1 = tr Sigma (Sigma + kappa)^-1,
 * df2 = tr Sigma^2 (Sigma + kappa)^-2 (absolute, not divided by n).
 * kappa solves lam = kappa (1 - df1(kappa)/n); lam_over_kappa = 1 - df1/n
 * (= lim 1 - tr H_lam / n); bias = kappa^2 sum_j s_j b2_j/(s_j+kappa)^2 /
 * (1 - df2/n); variance = sigma2 (df2/n)/(1 - df2/n); risk = bias + variance;
 * train = (lam/kappa)^2 (risk + sigma2) (limit of (1/n)||y - X bhat||^2);
 * gcv = risk + sigma2 (limit of GCV and of LOO). */
typedef struct rmtmc_ridge_limits {
  double kappa, df1, df2, lam_over_kappa;
  double bias, variance, risk, train, gcv;
} rmtmc_ridge_limits;

/* Ridgeless effective ridge: 0 if rank(Sigma) = sum of counts of s_j > 0 is
 * <= n, else the root of df1(kappa0) = n in [0, tr Sigma / n]. */
rmtmc_status rmtmc_ridge_kappa0(double *kappa0, const rmtmc_ridge_problem *pb,
                                const rmtmc_theory_opts *opts,
                                rmtmc_error *err);

/* Limits at lam >= 0 (Brent on [kappa0, lam + tr Sigma/n + 1]).  lam = 0 is
 * the ridgeless (min-norm, lam -> 0+) limit: kappa = kappa0, train = 0 when
 * rank > n.  At rank(Sigma) = n exactly the ridgeless variance is +inf
 * (bias 0, train 0, gcv = risk = +inf when sigma2 > 0); status stays OK. */
rmtmc_status rmtmc_ridge_theory(rmtmc_ridge_limits *out,
                                const rmtmc_ridge_problem *pb, double lam,
                                const rmtmc_theory_opts *opts,
                                rmtmc_error *err);

/* The same on a grid: out[nlam] for lams[nlam] (each >= 0). */
rmtmc_status rmtmc_ridge_grid(rmtmc_ridge_limits *out,
                              const rmtmc_ridge_problem *pb, const double *lams,
                              int64_t nlam, const rmtmc_theory_opts *opts,
                              rmtmc_error *err);

/* The optimal ridge: *lam_star minimises the limiting risk over lam > 0,
 * *at holds the limits there (theory.md 4.3).
 *   * beta isotropic (b2 == NULL, or b2_j proportional to count_j): the
 *     closed form lam* = sigma2 d / (n sum_j b2_j), exact for every Sigma
 *     (Dobriban-Wager 2018: the Bayes estimator for beta ~ N(0, r2/d I)).
 *   * otherwise: a scan of 10 points per decade over [1e-6, 1e6] x
 *     sigma2 d / (n sum_j b2_j), moved by 6 decades while the best point is
 *     on its edge (4 times at most), brackets the minimum; then Brent on
 *     the stationarity condition in kappa form,
 *       g(kappa) = B'(kappa) (1 - V) + V'(kappa) (B + sigma2) = 0,
 *     B = kappa^2 sum_j b2_j s_j/(s_j+kappa)^2, V = df2/n, with B' and V'
 *     in closed form; g has a simple root, so lam* = kappa* (1 - df1/n) is
 *     found to ~1e-15 relative (the old golden-section search on the flat
 *     risk reached ~1e-8).  If g does not change sign on the bracket (a
 *     risk flat to rounding) a golden-section search on log(lam) is used.
 * *interior (may be NULL) is 1 when the minimum lies inside the last scan
 * (always for the closed form).  No noise (sigma2 = 0): lam* = 0, the
 * ridgeless limits.  No signal (all b2 = 0, or r2 = 0): lam* = +inf,
 * risk 0. */
rmtmc_status rmtmc_ridge_optimum(double *lam_star, rmtmc_ridge_limits *at,
                                 int *interior, const rmtmc_ridge_problem *pb,
                                 const rmtmc_theory_opts *opts,
                                 rmtmc_error *err);

/* Isotropic closed form (Sigma = I, ||beta||^2 = r2, eta = d/n; Dobriban-
 * Wager, Hastie et al. 2019) through the Marchenko-Pastur transform m:
 * risk = r2 lam^2 m'(-lam) + sigma2 eta (m(-lam) - lam m'(-lam)),
 * kappa = lam (1 + eta m(-lam)); for eta > 1 the same expressions are
 * evaluated through the companion transform (regular at 0), so no digits are
 * lost as lam -> 0.  lam = 0 gives the ridgeless limits sigma2 eta/(1-eta)
 * (eta < 1), r2 (1 - 1/eta) + sigma2/(eta - 1) (eta > 1), +inf at eta = 1
 * (sigma2 > 0).  An independent cross-check of rmtmc_ridge_theory (they
 * agree to ~1e-14); df1 and df2 are reported per sample (as if n = 1). */
rmtmc_status rmtmc_ridge_iso(rmtmc_ridge_limits *out, double eta, double r2,
                             double sigma2, double lam, rmtmc_error *err);

/* Optimal isotropic ridge lam* = sigma2 eta / r2 and its excess risk
 * R(lam*) = sigma2 eta m(-lam*) (r2 > 0, sigma2 >= 0; sigma2 = 0 gives
 * lam* = 0 and the ridgeless risk). Either output may be NULL. */
rmtmc_status rmtmc_ridge_iso_optimal(double *lam_star, double *risk_star,
                                     double eta, double r2, double sigma2,
                                     rmtmc_error *err);

#ifdef __cplusplus
}
#endif
#endif
