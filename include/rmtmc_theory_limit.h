/* rmtmc_theory_limit.h: the limit spectrum at the finite-d population, the
 * one piece of code through which every command (theory, spectrum, the
 * verdict and the pictures) evaluates the deterministic equivalents of a
 * spectrum study, so that they cannot disagree (docs/theory.md 2.9).
 *
 * Input: the population spectrum H_d of the Sigma actually sampled, i.e.
 * the d eigenvalues of Sigma as atoms of weight count/d, spikes INCLUDED,
 * a flag per atom saying which atoms are spikes (finite-rank
 * perturbations: their weight goes to 0 as d grows), eta = d/n and d.
 *
 * Which population enters which quantity, and why:
 *   * m(z), mc(z), the moments, the support, the density and bin masses
 *     use the FULL finite-d population H_d.  E m_d(z) = m_{H_d}(z) +
 *     O(1/d): a spike of weight 1/d moves m by O(1/d), as much as the 1/d
 *     bias itself, so dropping it (the spike-free Marchenko-Pastur value)
 *     would make the comparison wrong at the order the bias correction
 *     claims (spike:3, d = 400, eta = 0.5, z = -1: 0.5608639 with the
 *     spike, 0.5615528 without: a gap of 0.28/d against a Gaussian bias
 *     of 0.05/d).  The support of H_d's law contains, besides the bulk,
 *     one small interval of mass (multiplicity)/d around each outlier:
 *     the finite-d smearing of the outlying eigenvalue; real z inside it
 *     is on the support (m is not defined there).
 *   * The 1/d bias (rmtmc_limit_spectrum_bias) uses H_d as well (its
 *     coefficient changes by O(1/d) between H_d and the bulk, i.e. by
 *     O(1/d^2) in m).
 *   * The BULK support (the law of the population with the spikes
 *     removed and the rest renormalised) and the outliers (BBP /
 *     Baik-Silverstein locations x_b(ell) computed from the bulk law) are
 *     the d -> infinity description: use them to label the bulk and the
 *     outliers of a picture and to name the predicted outliers; do not
 *     judge m(z) against the bulk law.
 * Without spikes the bulk equals the full law.
 *
 * Every function returns RMTMC_OK or an error with a message in the
 * user's terms; nothing prints or exits.  Release with
 * rmtmc_limit_spectrum_free (NULL-safe). */
#ifndef RMTMC_THEORY_LIMIT_H
#define RMTMC_THEORY_LIMIT_H

#include <complex.h>
#include <stdint.h>

#include "rmtmc_status.h"
#include "rmtmc_theory.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A spike and the outlier it produces (theory.md 5.2).  With the bulk map
 * x_b(u) = u (1 + eta int t/(u - t) dH_bulk(t)):
 *   separated iff ell > 0 and x_b'(ell) > 0 (ell lies beyond the critical
 *   point of the nearest bulk edge: 1 + sqrt(eta) above, 1 - sqrt(eta)
 *   below, for Sigma = I); then the sample eigenvalue(s) tend to
 *   location = x_b(ell), the squared overlap with the population
 *   eigenvector to cos2 = ell x_b'(ell) / x_b(ell), and for real Gaussian
 *   entries sqrt(n) sd -> sd_sqrt_n = ell sqrt(2 x_b'(ell)) (Bai-Yao 2008;
 *   = rmtmc_bbp for Sigma = I).  Not separated: location = NAN (the
 *   eigenvalue sticks to the bulk edge), cos2 = 0, sd_sqrt_n = 0. */
typedef struct rmtmc_outlier {
  double ell;       /* the spike (population eigenvalue) */
  double weight;    /* its weight in H_d (multiplicity / d) */
  int separated;    /* 1: an outlier at `location` */
  int above;        /* 1: ell above the bulk, 0: below (or inside) */
  double threshold; /* critical value ell must pass (NAN: spike inside the bulk) */
  double location;  /* limit of the outlying eigenvalue(s) */
  double cos2;      /* limit of |<v_hat, v>|^2 */
  double sd_sqrt_n; /* sqrt(n) x standard deviation (real Gaussian) */
} rmtmc_outlier;

typedef struct rmtmc_limit_spectrum {
  double eta;
  int64_t d;                /* dimension (0: not given; bias and margins need it) */
  rmtmc_support support;    /* of the law of H_d (any number of intervals) */
  rmtmc_support bulk;       /* of the law of the bulk population */
  double atom;              /* mass of the atom at 0 of the law of H_d */
  double moments[4];        /* lim (1/d) tr S^k, k = 1..4, at H_d */
  int64_t noutliers;
  rmtmc_outlier *outliers;  /* [noutliers], one per spike atom, ascending ell */
  /* owned copies of the two populations (read-only for callers) */
  rmtmc_pop pop, bulk_pop;
} rmtmc_limit_spectrum;

/* Builds the limit spectrum.  H: the finite-d population (atoms t_j >= 0,
 * weights summing to 1, e.g. rmtmc_model_pop); is_spike: NULL (no spikes)
 * or one flag per atom of H; eta = d/n > 0; d >= 0 (0: unknown).  At least
 * one atom must not be a spike. */
rmtmc_status rmtmc_limit_spectrum_init(rmtmc_limit_spectrum *ls,
                                       const rmtmc_pop *H,
                                       const unsigned char *is_spike,
                                       double eta, int64_t d,
                                       rmtmc_error *err);
void rmtmc_limit_spectrum_free(rmtmc_limit_spectrum *ls);

/* m(z) and mc(z) of the law of H_d: rmtmc_theory_stieltjes (poles at
 * z = 0 as +INFINITY, real z on the support refused). */
rmtmc_status rmtmc_limit_spectrum_stieltjes(const rmtmc_limit_spectrum *ls,
                                            double complex z,
                                            double complex *m,
                                            double complex *mc,
                                            rmtmc_error *err);

/* The predicted finite-d offset E m_d(z) - m(z) ~ *offset = mu(z)/d (and
 * the coefficient *coef = mu(z), either may be NULL), for entries with
 * excess kurtosis kurt_excess.  mx == NULL: Sigma is diagonal in the
 * coordinates of the iid entries (identity, points:, spike:, file:);
 * otherwise the entry mixing of the dense Sigma (rmtmc_entry_mixing_from_
 * root of the engine's Sigma^(1/2)), which makes the fourth-cumulant term
 * exact for any Sigma (theory.md 6.3).  Needs d >= 1. */
rmtmc_status rmtmc_limit_spectrum_bias(const rmtmc_limit_spectrum *ls,
                                       double complex z, double kurt_excess,
                                       const rmtmc_entry_mixing *mx,
                                       double complex *offset,
                                       double complex *coef,
                                       rmtmc_error *err);

/* The same for m_d'(z): E m_d'(z) - m'(z) ~ *offset = dmu(z)/d
 * (rmtmc_theory_stieltjes_deriv_bias_mixing at H_d; mx as above). */
rmtmc_status rmtmc_limit_spectrum_deriv_bias(const rmtmc_limit_spectrum *ls,
                                             double complex z,
                                             double kurt_excess,
                                             const rmtmc_entry_mixing *mx,
                                             double complex *offset,
                                             double complex *coef,
                                             rmtmc_error *err);

/* rmtmc_theory_edge_margin at H_d with the dimension d of ls. */
rmtmc_status rmtmc_limit_spectrum_margin(const rmtmc_limit_spectrum *ls,
                                         double complex z, double rel,
                                         rmtmc_edge_margin *out,
                                         rmtmc_error *err);

/* Which law a curve or a histogram is drawn from. */
typedef enum rmtmc_limit_law {
  RMTMC_LAW_FINITE_D = 0, /* the law of H_d (judge histograms against it) */
  RMTMC_LAW_BULK = 1      /* the spike-free bulk law (d -> infinity) */
} rmtmc_limit_law;

/* The density of the a.c. part on a grid for pictures: for each support
 * interval [a, b] (width W) the edges a and b, 7 points a + W 10^-p and
 * b - W 10^-p (p = 8..2: the square-root edges and the steep rise near a
 * hard edge are resolved), and max(8, round(npts W / sum W)) Chebyshev
 * points inside; about npts + 24 per interval in all, x increasing.  f is
 * exactly 0 at the soft edges (and so along every gap when the points are
 * joined), never negative; a hard edge at 0 (eta (1 - H({0})) = 1, where
 * f ~ x^(-1/2)) has no point at x = 0 and hard_edge_at_zero = 1.  The atom
 * at 0 is not part of f: draw it from `atom`.  npts >= 16 (default 400).
 * Release with rmtmc_density_curve_free. */
typedef struct rmtmc_density_curve {
  int64_t n;
  double *x, *f;
  double atom;
  int hard_edge_at_zero;
} rmtmc_density_curve;

rmtmc_status rmtmc_limit_spectrum_density(const rmtmc_limit_spectrum *ls,
                                          rmtmc_limit_law law, int64_t npts,
                                          rmtmc_density_curve *out,
                                          rmtmc_error *err);
void rmtmc_density_curve_free(rmtmc_density_curve *c);

/* Masses of the a.c. part of the chosen law in bins (as
 * rmtmc_theory_bin_masses). */
rmtmc_status rmtmc_limit_spectrum_bin_masses(const rmtmc_limit_spectrum *ls,
                                             rmtmc_limit_law law,
                                             int64_t nbins,
                                             const double *bin_edges,
                                             double *mass, rmtmc_error *err);

#ifdef __cplusplus
}
#endif
#endif
