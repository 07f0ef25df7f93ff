/* rmtmc_stats.h: the statistics layer's tests and estimates beside the
 * accumulators (rmtmc_accum.h): the Kolmogorov distribution (the p-value
 * of a one-sample Kolmogorov-Smirnov test against a fully specified
 * continuous law), the KS distance of a sample, and sample moments with
 * standard errors that do not assume normality.  Pure functions, no
 * globals, nothing printed. */
#ifndef RMTMC_STATS_H
#define RMTMC_STATS_H

#include <stdint.h>

#include "rmtmc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limiting Kolmogorov law: P(K > x), K = sup |B(t)| of a Brownian bridge:
 * 2 sum_k (-1)^(k-1) exp(-2 k^2 x^2) for x >= 1, 1 - sqrt(2 pi)/x
 * sum_k exp(-(2k-1)^2 pi^2 / (8 x^2)) below (both summed to rounding). */
double rmtmc_kolmogorov_sf(double x);

/* P(D_n >= d) for the two-sided statistic D_n = sup |F_n - F| of n iid
 * draws from a continuous F (the KS test's p-value):
 *   n d^2 >= 4 (p below about 7e-4): 2 P(D_n+ >= d) from the exact
 *     Birnbaum-Tingey (Smirnov) sum; the neglected P(D+ >= d, D- >= d) is
 *     below P(D+ >= d)^2, a relative error below about 4e-4;
 *   else, while the matrix has order 2 ceil(n d) - 1 <= 601: exact, by
 *     Marsaglia, Tsang and Wang (2003) (Durbin's matrix power);
 *   else (n above about 22500): the limit law at Vrbik's (2018)
 *     small-sample corrected argument sqrt(n) d + 1/(6 sqrt n) + (sqrt(n) d - 1)/(4 n).
 * d <= 1/(2n) gives 1, d >= 1 gives 0; NaN for n < 1 or a NaN d. */
double rmtmc_ks_pvalue(int64_t n, double d);

/* One-sided exact upper tail P(D_n+ >= d) = P(sup (F_n - F) >= d)
 * (Birnbaum-Tingey), 0 < d < 1. */
double rmtmc_ks_onesided_sf(int64_t n, double d);

/* KS distance of a sample against F: cdf[i] = F(x_(i)) at the ascending
 * order statistics x_(0) <= ... <= x_(n-1):
 * max_i max((i + 1)/n - cdf[i], cdf[i] - i/n). */
double rmtmc_ks_distance(int64_t n, const double *cdf_sorted);

/* Sample moments of x[0..n) (n >= 3) with standard errors from the
 * influence functions (valid for any law with finite sixth moment):
 * sd (of the sd) and skewness g1 = m3 / m2^(3/2), excess kurtosis
 * g2 = m4 / m2^2 - 3 (plain moment estimators). */
typedef struct rmtmc_moments_est {
  int64_t n;
  double mean, mean_se;
  double sd, sd_se;
  double skewness, skewness_se;
  double kurtosis, kurtosis_se; /* excess */
} rmtmc_moments_est;

rmtmc_status rmtmc_moments_estimate(const double *x, int64_t n, rmtmc_moments_est *out, rmtmc_error *err);

/* Empirical quantile of an ascending sample (Hyndman-Fan type 7, as
 * numpy's default): x_(h) interpolated at h = (n - 1) p. */
double rmtmc_sample_quantile(const double *sorted, int64_t n, double p);

#ifdef __cplusplus
}
#endif
#endif
