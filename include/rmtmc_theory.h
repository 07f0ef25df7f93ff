/* rmtmc_theory.h: closed forms and fixed points for the spectrum of a sample
 * covariance matrix S = X X^T / n, X = Sigma^(1/2) G (d x n), eta = d / n.
 *
 * Conventions (THEORY.md section 0):
 *   m(w)  = integral dnu(x) / (x - w)   (Stieltjes transform, d x d side);
 *           m_d(w) = (1/d) tr (S - w I)^-1 is its empirical counterpart.
 *   mc(w) = eta m(w) - (1 - eta) / w     (companion, n x n side).
 *   Im w > 0 implies Im m > 0; m(w) ~ -1/w at infinity.
 *   The slides' ridge resolvent Q(z) = (S + zI)^-1 has z = -w.
 * The population spectrum H = sum_j w_j delta_{t_j} is given as atoms.
 *
 * Pure CPU code; no function prints or exits.  Iterative solvers stop at
 * opts->tol (relative) or opts->max_iter and return RMTMC_ERR_NOCONV with
 * the residual reached and the cap in the message when they do not meet it. */
#ifndef RMTMC_THEORY_H
#define RMTMC_THEORY_H

#include <complex.h>
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

/* ---------------- Marchenko-Pastur, Sigma = I (THEORY 1) ---------------- */
/* Scale: for Sigma = s2 I, rescale x -> x/s2 and m -> m/s2 yourself, or use
 * the general functions with a one-atom rmtmc_pop (they do this exactly).
 * These functions are pure; eta <= 0 or a non-finite eta gives NaN. */

/* Support edges lam_- = (1 - sqrt eta)^2, lam_+ = (1 + sqrt eta)^2. */
void rmtmc_mp_edges(double eta, double *lo, double *hi);
/* Mass of the atom at 0: max(0, 1 - 1/eta). */
double rmtmc_mp_atom(double eta);
/* Density of the absolutely continuous part at x (0 outside the support). */
double rmtmc_mp_density(double eta, double x);
/* m(w), stable branch of THEORY 1.3 (any w off the support, complex or real).
 * Real w on the support gives the boundary value m(w + i0); m(0) is
 * 1/(1 - eta) for eta < 1 and infinite for eta >= 1. */
double complex rmtmc_mp_stieltjes(double eta, double complex w);
/* mc(w) = eta m(w) - (1 - eta)/w. */
double complex rmtmc_mp_companion(double eta, double complex w);
/* Limit moments (1/d) tr S^k for k = 1..kmax (Narayana), out[k-1]. */
void rmtmc_mp_moments(double eta, int kmax, double *out);
/* Ridge scalar delta(gamma) of THEORY 1.7 (corrected discriminant 4 gamma eta),
 * evaluated without cancellation; gamma = 0 gives eta/(1 - eta) (eta < 1)
 * or +inf, gamma < 0 gives NaN. */
double rmtmc_mp_delta(double eta, double gamma);
/* Finite-d bias coefficient mu(w) = lim d (E m_d(w) - m_eta(w)) for real
 * Gaussian entries (THEORY 1.9); w off the support, real or complex.
 * Sign: E m_d(w) ~ m(w) + mu(w)/d (mu(-1) = +0.0516 at eta = 0.5).  The
 * formula holds for eta > 1 as well (checked against the general one). */
double complex rmtmc_mp_bias(double eta, double complex w);
/* Spread coefficient lim d sd(m_d(w)) = sqrt(Sch[mc](w)/3) for real w off
 * the support, real Gaussian entries (THEORY 1.9); exact closed form
 * (4/17, 100/89, 4/17 at eta = 0.5, w = -1, -0.2, 4).  NaN on the support
 * (and at w = 0 for eta > 1). */
double rmtmc_mp_sd_coef(double eta, double w);

/* ---------------- General population covariance (THEORY 2) ---------------- */

/* Mass of the atom of the limit law at 0: max(H({0}), 1 - 1/eta). */
double rmtmc_theory_atom(const rmtmc_pop *H, double eta);

/* Support of the absolutely continuous part: nint intervals written as
 * edges[2i] < edges[2i+1], sorted, at most cap intervals (cap >= 1).  The
 * atom at 0 is not an interval.  When the support has more than cap
 * intervals, the first cap are written, *nint receives the full count and
 * RMTMC_ERR_INVALID is returned.  Sigma = 0 gives *nint = 0.  Cost about
 * linear in the number K of atoms (no degree-2K polynomial is formed). */
rmtmc_status rmtmc_theory_edges(const rmtmc_pop *H, double eta, int64_t cap,
                                double *edges, int64_t *nint,
                                rmtmc_error *err);

/* m(w) and mc(w) (either output may be NULL).  w may be complex (Im w < 0 is
 * handled by conjugation) or real and off the support; a real w on the
 * support (or at 0 when there is an atom there) is RMTMC_ERR_INVALID with a
 * message naming the support.  Real w gives real m and mc.  mc has a pole
 * at w = 0 when eta (1 - H({0})) < 1 (the companion's atom): asking for mc
 * there is RMTMC_ERR_INVALID, m alone is fine.  For 0 < Im w < 1e-15 scale
 * in a gap of the support, Im m is ~0 to about 1e-12 absolute. */
rmtmc_status rmtmc_theory_stieltjes(const rmtmc_pop *H, double eta,
                                    double complex w,
                                    const rmtmc_theory_opts *opts,
                                    double complex *m, double complex *mc,
                                    rmtmc_error *err);

/* Density of the absolutely continuous part at real x (THEORY 2.2), the
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

/* Limit moments (1/d) tr S^k, k = 1, 2, 3 (THEORY 2.2). */
void rmtmc_theory_moments(const rmtmc_pop *H, double eta, double out[3]);

/* Ridge scalar delta(z) for real z > 0: positive root of
 * phi(delta) = eta sum_j w_j t_j (1+delta)/(t_j + z(1+delta)) - delta
 * by bracketing (THEORY 2.2). */
rmtmc_status rmtmc_theory_delta(const rmtmc_pop *H, double eta, double z,
                                const rmtmc_theory_opts *opts, double *delta,
                                rmtmc_error *err);

/* Finite-d bias coefficient mu(w) = lim d (E m_d(w) - m(w)) for real
 * Gaussian entries and general H (Bai-Silverstein CLT mean for
 * f(x) = 1/(x - w)); reduces to rmtmc_mp_bias when H = delta_1.
 * kurt_excess = E g^4 - 3 of the entries adds the fourth-cumulant term
 * (valid for diagonal Sigma); pass 0 for Gaussian entries.
 * With mc = mc(w), N = eta int mc^3 t^2 (1+t mc)^-3 dH and
 * D = 1 - eta int mc^2 t^2 (1+t mc)^-2 dH:  mu = N/D^2 + kurt_excess N/D,
 * sign as in rmtmc_mp_bias (E m_d ~ m + mu/d).  Real w on the support is
 * RMTMC_ERR_INVALID; kurt_excess < -2 is RMTMC_ERR_INVALID. */
rmtmc_status rmtmc_theory_stieltjes_bias(const rmtmc_pop *H, double eta,
                                         double complex w, double kurt_excess,
                                         const rmtmc_theory_opts *opts,
                                         double complex *mu, rmtmc_error *err);

/* ---------------- Spikes (THEORY 5.2) ---------------- */
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
