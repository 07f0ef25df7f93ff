/* rmtmc_theory.h: closed forms and fixed points for the spectrum of a sample
 * covariance matrix S = X X^T / n, X = Sigma^(1/2) G (d x n), eta = d / n.
 *
 * Conventions (docs/theory.md section 0):
 *   m(w)  = integral dnu(x) / (x - w)   (Stieltjes transform, d x d side);
 *           m_d(w) = (1/d) tr (S - w I)^-1 is its empirical counterpart.
 *   mc(w) = eta m(w) - (1 - eta) / w     (companion, n x n side).
 *   Im w > 0 implies Im m > 0; m(w) ~ -1/w at infinity.
 *   The slides' ridge resolvent Q(z) = (S + zI)^-1 has z = -w.
 * The population spectrum H = sum_j w_j delta_{t_j} is given as atoms.
 *
 * Formulas, their stable evaluation and references: docs/theory.md (the
 * section numbers cited below as "theory.md N" are that document's).
 *
 * Pure CPU code; no function prints or exits.  Iterative solvers stop at
 * opts->tol (relative) or opts->max_iter and return RMTMC_ERR_NOCONV when
 * they do not meet it.  Error messages speak of the point z at which a
 * transform is evaluated (the w of the formulas, the --z of the command
 * line) and of the quantities a user sets (eta, Sigma's eigenvalues). */
#ifndef RMTMC_THEORY_H
#define RMTMC_THEORY_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

#include "rmtmc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Population spectrum: k atoms t[j] >= 0 with weights w[j] > 0 summing to 1.
 * The arrays are borrowed (not owned).  Atoms need not be sorted or
 * distinct; weights summing to 1 within 1e-8 are renormalised, anything
 * else is RMTMC_ERR_INVALID.  Atoms at t = 0 (singular Sigma) are allowed. */
typedef struct rmtmc_pop {
  int64_t k;
  const double *t;
  const double *w;
} rmtmc_pop;

typedef struct rmtmc_theory_opts {
  double tol;   /* relative tolerance of fixed points (default 1e-14) */
  int max_iter; /* iteration cap per solve (default 500) */
} rmtmc_theory_opts;

/* Defaults used when an opts argument is NULL. */
#define RMTMC_THEORY_TOL_DEFAULT 1e-14
#define RMTMC_THEORY_MAX_ITER_DEFAULT 500

/* ---------------- Marchenko-Pastur, Sigma = I (theory.md 1) ---------------- */
/* Scale: for Sigma = s2 I, rescale x -> x/s2 and m -> m/s2 yourself, or use
 * the general functions with a one-atom rmtmc_pop (they do this exactly).
 * These functions are pure; eta <= 0 or a non-finite eta gives NaN. */

/* Support edges lam_- = (1 - sqrt eta)^2, lam_+ = (1 + sqrt eta)^2. */
void rmtmc_mp_edges(double eta, double *lo, double *hi);
/* Mass of the atom at 0: max(0, 1 - 1/eta). */
double rmtmc_mp_atom(double eta);
/* Density of the absolutely continuous part at x (0 outside the support). */
double rmtmc_mp_density(double eta, double x);
/* m(w), stable branch of theory.md 1.3 (any w off the support, complex or real).
 * Real w on the support gives the boundary value m(w + i0); m(0) is
 * 1/(1 - eta) for eta < 1 and infinite for eta >= 1. */
double complex rmtmc_mp_stieltjes(double eta, double complex w);
/* mc(w) = eta m(w) - (1 - eta)/w. */
double complex rmtmc_mp_companion(double eta, double complex w);
/* Limit moments (1/d) tr S^k for k = 1..kmax (Narayana), out[k-1]. */
void rmtmc_mp_moments(double eta, int kmax, double *out);
/* Ridge scalar delta(gamma) of theory.md 1.7 (corrected discriminant 4 gamma eta),
 * evaluated without cancellation; gamma = 0 gives eta/(1 - eta) (eta < 1)
 * or +inf, gamma < 0 gives NaN. */
double rmtmc_mp_delta(double eta, double gamma);
/* Finite-d bias coefficient mu(w) = lim d (E m_d(w) - m_eta(w)) for real
 * Gaussian entries (theory.md 1.9); w off the support, real or complex.
 * Sign: E m_d(w) ~ m(w) + mu(w)/d (mu(-1) = +0.0516 at eta = 0.5).  The
 * formula holds for eta > 1 as well (checked against the general one). */
double complex rmtmc_mp_bias(double eta, double complex w);
/* Spread coefficient lim d sd(m_d(w)) = sqrt(Sch[mc](w)/3) for real w off
 * the support, real Gaussian entries (theory.md 1.9); exact closed form
 * (4/17, 100/89, 4/17 at eta = 0.5, w = -1, -0.2, 4).  NaN on the support
 * (and at w = 0 for eta > 1). */
double rmtmc_mp_sd_coef(double eta, double w);

/* ---------------- General population covariance (theory.md 2) ---------------- */

/* Mass of the atom of the limit law at 0: max(H({0}), 1 - 1/eta). */
double rmtmc_theory_atom(const rmtmc_pop *H, double eta);

/* Support of the absolutely continuous part with any number of intervals
 * (theory.md 2.4).  Interval i is [lo[i], hi[i]]; lo[i] < hi[i] < lo[i+1].
 * mass[i] is the mass of the a.c. part on it (exact to rounding, from the
 * antiderivative of theory.md 2.6), so sum_i mass[i] = 1 - atom.
 * lo_tol[i], hi_tol[i] bound the absolute rounding error of each edge
 * (the edge is x(u) at a critical point u: ~1e-15 relative; an edge at 0
 * is exact).  hard_edge_at_zero = 1 when lo[0] = 0 because
 * eta (1 - H({0})) = 1 (the density diverges like x^(-1/2) there).  The
 * atom at 0 is not an interval: atom = max(H({0}), 1 - 1/eta).  Sigma = 0
 * gives nint = 0.  Cost about linear in the number K of atoms times the
 * number of intervals.  All arrays are one allocation owned by the
 * struct: release with rmtmc_support_free (NULL-safe, idempotent).  On
 * failure nothing is allocated. */
typedef struct rmtmc_support {
  int64_t nint;
  double *lo, *hi;         /* [nint] edges */
  double *mass;            /* [nint] a.c. mass of each interval */
  double *lo_tol, *hi_tol; /* [nint] absolute uncertainty of each edge */
  double atom;             /* mass of the atom at 0 */
  int hard_edge_at_zero;
} rmtmc_support;

rmtmc_status rmtmc_theory_support(const rmtmc_pop *H, double eta,
                                  rmtmc_support *out, rmtmc_error *err);
void rmtmc_support_free(rmtmc_support *s);

/* The same edges into caller storage (kept for existing callers): nint
 * intervals written as edges[2i] < edges[2i+1], at most cap (cap >= 1).
 * When the support has more than cap intervals, the first cap are written,
 * *nint receives the full count and RMTMC_ERR_INVALID is returned; use
 * rmtmc_theory_support where the count is not known in advance. */
rmtmc_status rmtmc_theory_edges(const rmtmc_pop *H, double eta, int64_t cap,
                                double *edges, int64_t *nint,
                                rmtmc_error *err);

/* m(w) and mc(w) (either output may be NULL).  w may be complex (Im w < 0 is
 * handled by conjugation) or real and off the support; a real w on the
 * support is RMTMC_ERR_INVALID with a message naming the support interval.
 * Real w gives real m and mc.
 * w = 0 (when 0 is off the support, i.e. eta (1 - H({0})) != 1): status
 * RMTMC_OK; each transform is finite or has a pole there, and a pole is
 * returned as +INFINITY + 0i (test with isinf(creal(.)); print it as
 * "pole" or JSON null):
 *   m(0)  = int dH(t)/t / (1 - eta)  when eta < 1 and H({0}) = 0, else a pole
 *           (the atom max(H({0}), 1 - 1/eta) of the limit law);
 *   mc(0) is finite when eta (1 - H({0})) > 1, else a pole (the companion
 *           law's atom 1 - eta (1 - H({0})); for Sigma = I, eta < 1 the
 *           n - d zero eigenvalues of X^T X / n).
 * For 0 < Im w < 1e-15 scale in a gap of the support, Im m is ~0 to about
 * 1e-12 absolute. */
rmtmc_status rmtmc_theory_stieltjes(const rmtmc_pop *H, double eta,
                                    double complex w,
                                    const rmtmc_theory_opts *opts,
                                    double complex *m, double complex *mc,
                                    rmtmc_error *err);

/* Density of the absolutely continuous part at real x (theory.md 2.5), the
 * boundary value Im m(x + i0)/pi; 0 for x <= 0; (numerically) 0 in gaps. */
rmtmc_status rmtmc_theory_density(const rmtmc_pop *H, double eta, double x,
                                  const rmtmc_theory_opts *opts, double *f,
                                  rmtmc_error *err);

/* Mass of the absolutely continuous part in each bin [bin_edges[i],
 * bin_edges[i+1]), i < nbins (bin_edges increasing, nbins + 1 values).
 * The atom at 0 is not included.  Accurate to ~1e-9 per bin including bins
 * that contain a square-root support edge (in practice ~1e-12: the masses
 * are differences of an exact antiderivative, one solve per bin edge). */
rmtmc_status rmtmc_theory_bin_masses(const rmtmc_pop *H, double eta,
                                     int64_t nbins, const double *bin_edges,
                                     const rmtmc_theory_opts *opts,
                                     double *mass, rmtmc_error *err);

/* Limit moments (1/d) tr S^k, k = 1, 2, 3 (theory.md 2.7). */
void rmtmc_theory_moments(const rmtmc_pop *H, double eta, double out[3]);

/* Ridge scalar delta(z) for real z > 0: positive root of
 * phi(delta) = eta sum_j w_j t_j (1+delta)/(t_j + z(1+delta)) - delta
 * by bracketing (theory.md 2.3). */
rmtmc_status rmtmc_theory_delta(const rmtmc_pop *H, double eta, double z,
                                const rmtmc_theory_opts *opts, double *delta,
                                rmtmc_error *err);

/* ---------------- Finite-d corrections (theory.md 6) ---------------- */

/* Finite-d bias coefficient mu(w) = lim d (E m_d(w) - m(w)) for general H
 * (Bai-Silverstein CLT mean for f(x) = 1/(x - w), theory.md 6.1); reduces
 * to rmtmc_mp_bias when H = delta_1.  kurt_excess = E g^4 - 3 of the
 * entries adds the fourth-cumulant term for a DIAGONAL Sigma (Pan-Zhou,
 * theory.md 6.2); pass 0 for Gaussian entries; for a dense Sigma with
 * non-Gaussian entries use rmtmc_theory_stieltjes_bias_sigma.
 * With mc = mc(w), N = eta int mc^3 t^2 (1+t mc)^-3 dH and
 * D = 1 - eta int mc^2 t^2 (1+t mc)^-2 dH:  mu = N/D^2 + kurt_excess N/D,
 * sign as in rmtmc_mp_bias (E m_d ~ m + mu/d).  Real w on the support, or
 * w = 0 where m has a pole, is RMTMC_ERR_INVALID; kurt_excess < -2 is
 * RMTMC_ERR_INVALID. */
rmtmc_status rmtmc_theory_stieltjes_bias(const rmtmc_pop *H, double eta,
                                         double complex w, double kurt_excess,
                                         const rmtmc_theory_opts *opts,
                                         double complex *mu, rmtmc_error *err);

/* How the iid entries G of X = A G (A A^T = Sigma) meet Sigma's
 * eigenvectors: with A = U diag(sqrt s) V^T, v2[i + k d] = V_ik^2 (row i:
 * coordinate i of G; column k: eigenvalue s[k]).  v2 is doubly stochastic.
 * For the engine's symmetric square root A = Sigma^(1/2), V = U (the
 * eigenvectors of Sigma).  v2 == NULL means a diagonal A (V = I, s[i] the
 * variance of coordinate i).  The fourth-cumulant term of the bias depends
 * on Sigma only through s and v2 (theory.md 6.3). */
typedef struct rmtmc_entry_mixing {
  int64_t d;
  double *s;  /* [d] eigenvalues of Sigma */
  double *v2; /* [d x d] or NULL (diagonal) */
} rmtmc_entry_mixing;

/* Fills mx from a d x d column-major factor A (A A^T = Sigma, e.g. the
 * engine's sqrt_full): eigen-decomposes A^T A = V diag(s) V^T (LAPACK
 * dsyevd, O(d^3) once).  Release with rmtmc_entry_mixing_free. */
rmtmc_status rmtmc_entry_mixing_from_root(rmtmc_entry_mixing *mx,
                                          const double *A, int64_t d,
                                          rmtmc_error *err);
/* Diagonal Sigma: copies the d variances, v2 = NULL. */
rmtmc_status rmtmc_entry_mixing_diagonal(rmtmc_entry_mixing *mx,
                                         const double *s, int64_t d,
                                         rmtmc_error *err);
void rmtmc_entry_mixing_free(rmtmc_entry_mixing *mx);

/* The bias coefficient mu(w) for ANY Sigma and entries with excess
 * kurtosis kurt_excess (theory.md 6.3):
 *   mu = N/D^2 + kurt_excess Nk/D,
 *   Nk = eta mc^3 (1/d) sum_i [A^T (I + mc Sigma)^-1 A]_ii
 *                             [A^T (I + mc Sigma)^-2 A]_ii,
 * N, D as in rmtmc_theory_stieltjes_bias for H = (1/d) sum_k delta_{s_k}.
 * For diagonal Sigma Nk = N (Pan-Zhou).  Cost O(d^2) per w plus the solve
 * of mc(w).  Same errors as rmtmc_theory_stieltjes_bias. */
rmtmc_status rmtmc_theory_stieltjes_bias_sigma(const rmtmc_entry_mixing *mx,
                                               double eta, double complex w,
                                               double kurt_excess,
                                               const rmtmc_theory_opts *opts,
                                               double complex *mu,
                                               rmtmc_error *err);

/* How close to an edge of the support a point z may be for the theory
 * value m(z) and the 1/d bias mu(z)/d to be trusted to relative accuracy
 * rel (theory.md 6.5).  For each edge e (critical point u_e, local
 * density f ~ c_e sqrt|x - e|, rounding uncertainty tol_e) at distance
 * delta = |z - e|:
 *   value_rel_err = a_e tol_e / (2 sqrt(delta) |m(e)|)   (m ~ a_e sqrt),
 *   bias_rel_err  = tol_e / delta + (ell_d / delta)^(3/2),
 *   ell_d = (3 / (2 c_e d))^(2/3): the distance from the edge within
 *   which the limit law puts one of the d eigenvalues (the finite-d edge
 *   scale, ~2.8 times the Tracy-Widom scale for Sigma = I); the second
 *   term is the size of the neglected terms of the 1/d expansion relative
 *   to the bias (the expansion parameter 1/(d F(delta)), F(delta) = mass
 *   within delta of the edge); at a hard edge at 0, ell_d = 1/(2 c_0 d)^2
 *   with f ~ c_0 x^(-1/2) and (ell_d/delta)^(1/2).
 * min_dist is the smallest distance from the binding edge with both errors
 * <= rel; trusted = both errors <= rel at z.  d = 0 checks the rounding
 * terms only (the limit, no bias).  A complex z whose real part lies
 * inside the support adds 1/(2 d f(Re z) Im z) (eigenvalues within Im z)
 * to bias_rel_err.  A real z on the support gives trusted = 0 and
 * infinite errors (status OK: callers refuse such z with their own
 * message).  rel must be in (0, 1). */
typedef struct rmtmc_edge_margin {
  double edge;          /* the binding edge (NAN: the support is empty) */
  double dist;          /* |z - edge| */
  double edge_tol;      /* its absolute rounding uncertainty */
  double scale_d;       /* ell_d of that edge (0 when d = 0) */
  double min_dist;      /* smallest trusted distance from that edge */
  double value_rel_err; /* estimated relative error of m(z) */
  double bias_rel_err;  /* estimated relative error of mu(z)/d */
  int hard_edge;        /* the binding edge is the hard edge at 0 */
  int trusted;
} rmtmc_edge_margin;

rmtmc_status rmtmc_theory_edge_margin(const rmtmc_pop *H, double eta,
                                      double d, double complex z, double rel,
                                      rmtmc_edge_margin *out,
                                      rmtmc_error *err);

/* Which rows of a comparison can be judged for an entry law whose
 * absolute moments E|g|^p are finite exactly for p < p_max (INFINITY for
 * gaussian and rademacher, NU for student:NU; theory.md 6.6):
 *   RMTMC_ROW_MOMENT k:      (1/d) tr S^k has a finite variance (so a
 *                            standard error) iff p_max > 4k;
 *   RMTMC_ROW_STIELTJES:     m_d(z) against the limit: always (|m_d| is
 *                            bounded off the support; p_max > 4 for the
 *                            limit itself);
 *   RMTMC_ROW_STIELTJES_CORRECTED: m_d(z) against limit + mu/d: p_max > 8
 *                            (measured, theory.md 6.6: at d = 200 with
 *                            4000 trials the corrected z reaches 28-30 at
 *                            student:5, 7-8 at 6, 3-4 at 7, 2.8 at 8 and
 *                            stays below 3 from student:9 on).
 * Returns 1 (reliable) or 0, with a one-line reason in why[len] when why
 * is not NULL (empty when reliable). */
typedef enum rmtmc_row_kind {
  RMTMC_ROW_MOMENT = 0,
  RMTMC_ROW_STIELTJES = 1,
  RMTMC_ROW_STIELTJES_CORRECTED = 2
} rmtmc_row_kind;

int rmtmc_theory_row_reliable(rmtmc_row_kind kind, int k, double p_max,
                              char *why, size_t len);

/* ---------------- Spikes (theory.md 5.2) ---------------- */
/* Sigma = I + (ell - 1) v v^T.  threshold = 1 + sqrt(eta).  Above it the top
 * eigenvalue tends to lambda1 = ell (1 + eta/(ell - 1)), the squared overlap
 * to cos2 = (1 - eta/(ell-1)^2)/(1 + eta/(ell-1)) and sqrt(n) sd to
 * sd_sqrt_n = sqrt(2 ell^2 (1 - eta/(ell-1)^2)); at or below it lambda1 is
 * the bulk edge (1 + sqrt eta)^2, cos2 = 0 and sd_sqrt_n = 0 (TW regime).
 * Any output may be NULL; eta <= 0 or ell < 0 gives NaN outputs. */
void rmtmc_bbp(double eta, double ell, double *threshold, double *lambda1,
               double *cos2, double *sd_sqrt_n);

#ifdef __cplusplus
}
#endif
#endif
