/* test_stats.c: the statistics layer (rmtmc_stats.h): the Kolmogorov
 * distribution against literature values and exact identities, its three
 * regimes against each other where they meet, the KS distance, the sample
 * moments' influence-function standard errors against the normal-theory
 * values, the sample quantile. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "rmtmc_rng.h"
#include "rmtmc_stats.h"

static double rel(double a, double b) { return fabs(a - b) / fabs(b); }

int main(void) {
  check_ctx c = {0, 0};
  /* Marsaglia, Tsang and Wang (2003), J. Stat. Softw. 8(18): K(10, 0.274) */
  check_close(&c, 1.0 - rmtmc_ks_pvalue(10, 0.274), 0.6284796154565043, 2e-15, "P(D_10 < 0.274) (MTW 2003)");
  /* the limit law: P(K > 1) = 0.26999967167735456 (2 sum (-1)^(k-1) e^(-2k^2)) */
  check_close(&c, rmtmc_kolmogorov_sf(1.0), 0.26999967167735456, 1e-15, "Kolmogorov limit P(K > 1)");
  /* both series of the limit agree where they meet */
  check_close(&c, rmtmc_kolmogorov_sf(0.9999999999), rmtmc_kolmogorov_sf(1.0), 1e-9, "limit: the two series at x = 1");
  /* exact identities: n = 1: P(D_1 >= d) = 2 (1 - d) for d >= 1/2; for any n
   * and d >= 1/2 the two one-sided events are disjoint */
  check_close(&c, rmtmc_ks_pvalue(1, 0.7), 0.6, 1e-15, "n = 1: P(D_1 >= 0.7) = 2 (1 - 0.7)");
  check_close(&c, rmtmc_ks_pvalue(7, 0.6), 2.0 * rmtmc_ks_onesided_sf(7, 0.6), 1e-16, "d >= 1/2: two one-sided tails");
  check_close(&c, rmtmc_ks_pvalue(5, 1.0 - 1e-9), 2.0 * pow(1e-9, 5), 1e-50, "d -> 1: 2 (1 - d)^n");
  check_true(&c, rmtmc_ks_pvalue(100, 0.004) == 1.0, "d <= 1/(2n): p = 1");
  check_true(&c, rmtmc_ks_pvalue(100, 1.0) == 0.0, "d >= 1: p = 0");
  /* one-sided Smirnov limit: P(D_n+ >= x / sqrt n) -> exp(-2 x^2) */
  check_true(&c, rel(rmtmc_ks_onesided_sf(200000, 1.0 / sqrt(200000.0)), exp(-2.0)) < 2e-3,
             "one-sided: exp(-2 x^2) at n = 2e5, x = 1 (within 2e-3)");
  /* the exact MTW value where the upper-tail formula takes over (n d^2 = 4) */
  double lo = rmtmc_ks_pvalue(400, sqrt(4.0 / 400.0) * (1 - 1e-12)), hi = rmtmc_ks_pvalue(400, sqrt(4.0 / 400.0));
  check_true(&c, rel(hi, lo) < 4e-4, "n = 400: exact and 2 x one-sided agree at n d^2 = 4 (rel 4e-4)");
  /* MTW (n = 22000) and the corrected limit (n = 23000) at the same sqrt(n) d */
  double x = 0.9, a = rmtmc_ks_pvalue(22000, x / sqrt(22000.0)), b = rmtmc_ks_pvalue(23000, x / sqrt(23000.0));
  check_true(&c, rel(b, a) < 1e-4, "Vrbik's corrected limit (n = 23000) vs exact (n = 22000), x = 0.9 (rel 1e-4)");
  check_true(&c, rel(a, rmtmc_kolmogorov_sf(x)) < 3e-2 && a < rmtmc_kolmogorov_sf(x),
             "exact p below the uncorrected limit at n = 22000");
  /* monotone in d */
  int mono = 1;
  double prev = 1.0;
  for (int k = 1; k < 200; ++k) {
    double p = rmtmc_ks_pvalue(300, 0.002 * k);
    if (p > prev + 1e-15) mono = 0;
    prev = p;
  }
  check_true(&c, mono, "p-value decreasing in d (n = 300)");
  /* KS distance of an exact grid: cdf_i = (i + 1/2)/n gives 1/(2n) */
  double g[8];
  for (int i = 0; i < 8; ++i) g[i] = (i + 0.5) / 8.0;
  check_close(&c, rmtmc_ks_distance(8, g), 1.0 / 16.0, 1e-16, "KS distance of the midpoint grid = 1/(2n)");
  /* moments of 40000 normals (Philox stream): skewness, kurtosis near 0 and
   * standard errors near the normal-theory values sqrt(6/n), sqrt(24/n),
   * sd/sqrt(2n) */
  int64_t n = 40000;
  double *v = malloc((size_t)n * sizeof *v);
  rmtmc_fill_gaussian(11, 0, v, (uint64_t)n);
  for (int64_t i = 0; i < n; ++i) v[i] = 2.0 + 3.0 * v[i];
  rmtmc_moments_est m;
  rmtmc_error err;
  check_true(&c, rmtmc_moments_estimate(v, n, &m, &err) == 0, "moments of 40000 normals");
  check_z(&c, (m.mean - 2.0) / m.mean_se, 4, "mean 2");
  check_z(&c, (m.sd - 3.0) / m.sd_se, 4, "sd 3");
  check_z(&c, m.skewness / m.skewness_se, 4, "skewness 0");
  check_z(&c, m.kurtosis / m.kurtosis_se, 4, "excess kurtosis 0");
  check_true(&c, rel(m.skewness_se, sqrt(6.0 / n)) < 0.05, "skewness se ~ sqrt(6/n) (5%)");
  check_true(&c, rel(m.kurtosis_se, sqrt(24.0 / n)) < 0.1, "kurtosis se ~ sqrt(24/n) (10%)");
  check_true(&c, rel(m.sd_se, 3.0 / sqrt(2.0 * n)) < 0.05, "sd se ~ sd/sqrt(2n) (5%)");
  free(v);
  check_true(&c, rmtmc_moments_estimate(g, 2, &m, &err) != 0, "moments: fewer than 3 values refused");
  double s5[5] = {1, 2, 3, 4, 10};
  check_close(&c, rmtmc_sample_quantile(s5, 5, 0.5), 3.0, 0, "median of 5");
  check_close(&c, rmtmc_sample_quantile(s5, 5, 0.9), 7.6, 1e-15, "type-7 quantile 0.9 of 1,2,3,4,10");
  return check_finish(&c);
}
