/* rmtmc_edge_theory.h: edge statistics of a sample covariance matrix
 * S = X X^T / n, X = Sigma^(1/2) G (d x n), eta = d / n (docs/theory.md 5.1):
 *
 *   - the Airy function Ai, Ai' in double precision;
 *   - the Tracy-Widom laws TW1, TW2, TW4: CDF, survival function, density,
 *     quantiles and moments, from Bornemann's Nystrom discretisation of
 *     their Fredholm determinants;
 *   - the centring and scaling of lambda_max(S) and lambda_min(S):
 *     Johnstone (2001) / Ma (2012) for white real data, El Karoui (2006)
 *     for white complex data, El Karoui (2007) for a general population
 *     spectrum; predicted mean and sd of the extreme eigenvalue;
 *   - spiked covariance Sigma = I + sum_i (ell_i - 1) v_i v_i^T: every
 *     outlier above and below the bulk, its Gaussian fluctuation and the
 *     eigenvector overlap (BBP transition).
 *
 * Pure CPU code; no function prints or exits.  Every rmtmc_status function
 * fills err (may be NULL) with a one-line message when it fails. */
#ifndef RMTMC_EDGE_THEORY_H
#define RMTMC_EDGE_THEORY_H

#include <stdint.h>

#include "rmtmc_status.h"
#include "rmtmc_theory.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------- Airy function ---------------- */

/* Ai(x) and Ai'(x) for any real x (either output may be NULL).  Relative
 * error a few 1e-16 for x >= 0 (until Ai underflows near x = 104); for
 * x < 0, absolute error a few 1e-16 times the envelope |x|^(-1/4)/sqrt(pi)
 * (Ai oscillates; near its zeros a relative error is meaningless, and for
 * large |x| the phase (2/3)|x|^(3/2) carries the rounding of x itself).
 * NaN gives NaN; +-inf gives 0. */
void rmtmc_airy(double x, double *ai, double *aip);

/* ---------------- Tracy-Widom laws ---------------- */
/* beta = 1 (GOE, real data), 2 (GUE, complex data), 4 (GSE).
 *   F2(s) = det(I - K_Ai) on L2(s, inf), K_Ai(x,y) = (Ai(x)Ai'(y) -
 *           Ai'(x)Ai(y))/(x - y);
 *   F1(s) = det(I - A_s) on L2(0, inf), A_s(x,y) = Ai(x + y + s);
 *   F4(s) = E4(sqrt(2) s),  E4(t) = (det(I - A_t) + det(I + A_t)) / 2,
 *           the Tracy-Widom (1996) convention F4(s / sqrt 2) =
 *           cosh(1/2 int_s^inf q) F2(s)^(1/2) (mean -2.3069, sd 0.7195).
 *           The other convention found in the literature is E4 itself:
 *           evaluate F4 at s / sqrt(2) to get it.
 * Accuracy (measured, tests/test_theory_edge_tw.c, against Painleve II):
 * CDF and density absolute error about 1e-14 on [-7, 8]; 1 - F keeps a
 * relative accuracy of about 1e-12 in the right tail (beta 1, 2; for beta 4
 * only its absolute accuracy, 1e-16); in the left tail log F is accurate to
 * about 1e-10 relative at F = 1e-12 and the tail expansions take over below
 * s = -8 (1e-7 relative there, better further out).
 *
 * A workspace holds the Airy anchor table, quadrature nodes, scratch
 * matrices and cached moments.  It is not thread-safe: use one per
 * thread. */
typedef struct rmtmc_tw rmtmc_tw;

rmtmc_status rmtmc_tw_create(rmtmc_tw **out, rmtmc_error *err);
void rmtmc_tw_free(rmtmc_tw *tw); /* NULL is a no-op */

typedef struct rmtmc_tw_point {
  double s;      /* the argument */
  double cdf;    /* F(s) */
  double sf;     /* 1 - F(s), computed without cancellation */
  double logcdf; /* log F(s) (-inf where F underflows) */
  double pdf;    /* F'(s), by the trace formula d/ds log det(I - K) =
                    -tr((I - K)^-1 dK/ds) (NAN when not asked for) */
} rmtmc_tw_point;

/* F, 1 - F, log F and (want_pdf != 0) the density at s.  Any s: the
 * Fredholm determinant for s >= -8 (beta 1, 2; -8.5/sqrt(2) for beta 4),
 * the left-tail expansions below (docs/theory.md 5.1.2.4); +-inf give the
 * limits.  Cost: 20-60 us (CDF), up to 150 us with the density.
 * Errors: RMTMC_ERR_INVALID (beta not 1, 2, 4; NaN s). */
rmtmc_status rmtmc_tw_eval(rmtmc_tw *tw, int beta, double s, int want_pdf,
                           rmtmc_tw_point *out, rmtmc_error *err);

/* A table: cdf[i] = F(s[i]) and (pdf != NULL) pdf[i] = F'(s[i]), i < n;
 * either output may be NULL (cdf and sf only cost less than the density). */
rmtmc_status rmtmc_tw_table(rmtmc_tw *tw, int beta, int64_t n,
                            const double *s, double *cdf, double *pdf,
                            rmtmc_error *err);

/* Quantile: the s with F(s) = p, 0 < p < 1 (safeguarded Newton on log F,
 * or on log(1 - F) for p > 1/2, inside a bracket; |error| about 1e-13).
 * rmtmc_tw_isf: the s with 1 - F(s) = q (upper quantiles and critical
 * values without rounding 1 - q).  Errors: RMTMC_ERR_INVALID (p outside
 * (0, 1), beta), RMTMC_ERR_NOCONV. */
rmtmc_status rmtmc_tw_quantile(rmtmc_tw *tw, int beta, double p, double *s,
                               rmtmc_error *err);
rmtmc_status rmtmc_tw_isf(rmtmc_tw *tw, int beta, double q, double *s,
                          rmtmc_error *err);

typedef struct rmtmc_tw_moments {
  double mean, variance, sd, skewness, excess_kurtosis;
} rmtmc_tw_moments;

/* Moments of TW_beta from E X^k = int_0^inf k s^(k-1) (1 - F) ds -
 * int_-inf^0 k s^(k-1) F ds (Gauss-Legendre panels with a node boundary at
 * s = 0), computed once per workspace and beta and cached. */
rmtmc_status rmtmc_tw_moments_get(rmtmc_tw *tw, int beta, rmtmc_tw_moments *m,
                                  rmtmc_error *err);

/* ---------------- Centring and scaling of the extreme eigenvalues -------- */
/* Convention, top edge:    (lambda_max(S) - mu) / sigma  ->  TW_beta;
 *            bottom edge:  (mu - lambda_min(S)) / sigma  ->  TW_beta
 * (lambda_min is the mirror image: lambda_min ~ mu - sigma TW).  So for
 * either edge z = sign (lambda - mu) / sigma with the `sign` below.  mu and
 * sigma are in the units of S (sigma includes the n^(-2/3)). */
typedef enum rmtmc_edge_correction {
  /* Default.  White data (Sigma = t I): real, top: Ma (2012) (n - 1/2,
   * d - 1/2); real, bottom: Ma's lower-edge constants (n - 1/2, d - 1/2);
   * complex, top: El Karoui (2006); complex, bottom: first order.
   * General Sigma: El Karoui (2007), first order (no second-order
   * correction is known). */
  RMTMC_EDGE_SECOND_ORDER = 0,
  /* El Karoui (2007) with eta = d / n for every Sigma (for Sigma = I:
   * (sqrt n + sqrt d)^2 / n and the matching sigma). */
  RMTMC_EDGE_FIRST_ORDER = 1,
  /* Johnstone (2001): n - 1 and d (real white data, top edge only). */
  RMTMC_EDGE_JOHNSTONE = 2
} rmtmc_edge_correction;

typedef struct rmtmc_edge {
  rmtmc_status status; /* RMTMC_OK, or why Tracy-Widom does not apply */
  char note[RMTMC_ERRMSG_LEN]; /* the formula used, or that reason */
  int sign;            /* +1 top, -1 bottom */
  double mu, sigma;    /* centring and scaling (units of S) */
  double edge;         /* the limiting (first-order) edge of the support */
  double c;            /* El Karoui's critical point c (1/c above t_max for
                          the top edge, below t_min for the bottom one) */
  /* Predicted mean and sd of the extreme eigenvalue, two ways:
   *   linear:    E lambda = mu + sign E[TW] sigma, sd = sd(TW) sigma;
   *   log scale: lambda = mu exp(sign tau TW), tau = sigma / mu (Ma 2012
   *              uses it for the smallest eigenvalue), E lambda and sd from
   *              the first four TW cumulants (error O(tau^5)).
   * They agree to first order and differ by about tau E[TW^2] / 2
   * standardised units (0.07 at the bottom edge for d = 200, n = 400;
   * 0.15 for complex data at d = 100, n = 200).  Measured
   * (tests/test_theory_edge_scaling.c, docs/theory.md 5.1.3.4): the linear
   * form fits the top edge, the log form the bottom edge.  mean and sd are
   * the recommended one: linear at the top (log_scale = 0), log at the
   * bottom (log_scale = 1); rmtmc_edge_z standardises the same way. */
  double mean, sd;
  int log_scale;
  double tau;
  double mean_lin, sd_lin, mean_log, sd_log;
} rmtmc_edge;

/* The standardised statistic of an observed extreme eigenvalue lambda:
 * sign (lambda - mu) / sigma (log_scale = 0) or sign log(lambda / mu) / tau
 * (log_scale != 0); both tend to TW_beta.  Pass e->log_scale for the
 * recommended one.  NaN for a refused edge or a non-positive lambda on the
 * log scale. */
double rmtmc_edge_z(const rmtmc_edge *e, double lambda, int log_scale);

typedef struct rmtmc_edge_scaling {
  int beta;
  int64_t d, n;
  double eta;          /* d / n */
  int white;           /* Sigma = scale I (one atom, no zero eigenvalue) */
  double scale;        /* that atom (0 when not white) */
  rmtmc_edge_correction correction;
  rmtmc_tw_moments tw; /* the TW_beta moments used */
  rmtmc_edge top, bottom;
} rmtmc_edge_scaling;

/* Both edges of the population spectrum H (as in rmtmc_theory.h, weights
 * = multiplicity / d) for d x n data of type beta (1 real, 2 complex).
 * twm: the TW_beta moments (from rmtmc_tw_moments_get), or NULL to compute
 * them here (tens of milliseconds).  Returns RMTMC_OK when the inputs are
 * valid, even where an edge is not Tracy-Widom: then that edge's status is
 * not RMTMC_OK and its note says why (a spike beyond the BBP threshold
 * makes the extreme eigenvalue an outlier; d >= n has no soft lower edge;
 * a singular Sigma puts lambda_min at 0).  Errors: RMTMC_ERR_INVALID (bad
 * H, d, n, beta, correction), RMTMC_ERR_NOCONV. */
rmtmc_status rmtmc_edge_scaling_compute(const rmtmc_pop *H, int64_t d,
                                        int64_t n, int beta,
                                        rmtmc_edge_correction corr,
                                        const rmtmc_tw_moments *twm,
                                        rmtmc_edge_scaling *out,
                                        rmtmc_error *err);

/* One edge (sign +1 top, -1 bottom); returns that edge's status, with its
 * reason in err when Tracy-Widom does not apply. */
rmtmc_status rmtmc_edge_compute(const rmtmc_pop *H, int64_t d, int64_t n,
                                int beta, int sign,
                                rmtmc_edge_correction corr,
                                const rmtmc_tw_moments *twm, rmtmc_edge *out,
                                rmtmc_error *err);

/* ---------------- Spikes (BBP) ---------------- */
/* Sigma = I + sum_i (ell_i - 1) v_i v_i^T, v_i orthonormal, eta = d / n.
 * Outlier above the bulk iff ell > 1 + sqrt(eta); below it iff eta < 1 and
 * ell < 1 - sqrt(eta).  Then (Baik-Ben Arous-Peche 2005, Baik-Silverstein
 * 2006, Paul 2007, Bai-Yao 2008):
 *   location rho(ell) = ell (1 + eta / (ell - 1)),
 *   sqrt(n) (lambda - rho) -> N(0, (2/beta) ell^2 (1 - eta/(ell-1)^2)),
 *   |<v_hat, v>|^2 -> (1 - eta/(ell-1)^2) / (1 + eta/(ell-1)),
 * and the overlap with the other spikes' directions tends to 0.  At or
 * inside the thresholds there is no outlier: the eigenvalue sticks to the
 * bulk edge (Tracy-Widom fluctuations) and the overlap limit is 0 (a clear
 * answer, not an error).  Equal ell_i form one spike of multiplicity r:
 * the r eigenvalues share the location, and the overlap applies to the
 * projection of v_i on their r-dimensional eigenspace. */
typedef struct rmtmc_spike {
  double ell;
  int side;          /* +1 outlier above the bulk, -1 below, 0 none */
  int64_t rank;      /* 1-based rank among the outliers on its side
                        (1 = lambda_max resp. lambda_min), 0 when none */
  double threshold;  /* the BBP threshold on its side: 1 + sqrt(eta) for
                        ell >= 1, 1 - sqrt(eta) for ell < 1 (<= 0: none) */
  double location;   /* rho(ell) for an outlier, else the bulk edge */
  double sd_sqrt_n;  /* sqrt(n) sd of the outlier (0 when none) */
  double sd;         /* sd_sqrt_n / sqrt(n) */
  double overlap;    /* limit of |<v_hat, v>|^2 (0 when none) */
} rmtmc_spike;

/* k spikes ell[0..k-1] (each >= 0, finite; ell = 1 is no spike) for d x n
 * data of type beta (1 real, 2 complex).  out[i] describes ell[i].
 * Errors: RMTMC_ERR_INVALID (d, n < 1, k < 0 or k > d, a bad ell, beta). */
rmtmc_status rmtmc_spikes(int64_t d, int64_t n, int beta, int64_t k,
                          const double *ell, rmtmc_spike *out,
                          rmtmc_error *err);

#ifdef __cplusplus
}
#endif
#endif
