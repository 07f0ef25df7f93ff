/* test_tridiag_chi.c: the Gamma / chi sampler of rmtmc_rng.h (Marsaglia-
 * Tsang with the boost below shape 1, 16 blocks a variate):
 *   - the squeeze 1 - 0.0331 x^4 lies below the exact acceptance exp(3 dd
 *     r(c x)) for every x and shape (so it only saves logs);
 *   - r(t) is continuous across its series / direct switch at |t| = 1/16;
 *   - the accept rate of a try is Gamma(a') e^dd / (sqrt(2 pi) dd^(a'-1/2))
 *     (0.9517 at a' = 1): binomial z-test over 2e5 tries;
 *   - chi_k for k = 1 .. 4e6 (shapes 1/2 .. 2e6, the boost for k = 1):
 *     mean of chi^2 (= k), variance of chi^2 (= 2k), mean of chi
 *     (sqrt 2 Gamma((k+1)/2) / Gamma(k/2)), |z| <= 4, and a one-sample KS
 *     against the chi law (incomplete gamma) at alpha = 0.001;
 *   - variate e is a pure function of (seed, trial, e).
 * Fixed seeds; tolerances from the sample sizes. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "rmtmc_rng.h"
#include "support/stat_tests.h"

#define ZMAX 4.0

static void test_squeeze(check_ctx *c) {
  const double dds[] = {2.0 / 3.0, 0.75, 1.0, 7.0 / 6.0, 1.5, 2.5, 10.0, 100.0, 1e4, 2e6};
  double worst = -INFINITY;
  for (size_t k = 0; k < sizeof dds / sizeof *dds; ++k) {
    double dd = dds[k], cc = 1.0 / sqrt(9.0 * dd);
    for (int j = 1; j <= 20000; ++j) {
      double x = -1.0 / cc + (j / 20000.0) * (1.0 / cc + 12.0);
      if (x > 12.0) break;
      double t = cc * x;
      if (!(t > -1.0)) continue;
      double sq = 1.0 - 0.0331 * x * x * x * x, ex = exp(3.0 * dd * rmtmc_mt_r(t));
      if (sq - ex > worst) worst = sq - ex;
    }
  }
  char what[160];
  snprintf(what, sizeof what, "MT squeeze below the acceptance for dd in [2/3, 2e6] (max excess %.3g)", worst);
  check_true(c, worst <= 1e-15, what);
  double jump = 0.0;
  for (int s = -1; s <= 1; s += 2) {
    double t0 = s * 0.0625, lo = nextafter(t0, 0.0);
    double below = rmtmc_mt_r(lo), above = rmtmc_mt_r(t0);
    jump = fmax(jump, fabs(below - above) / fabs(above));
  }
  /* the direct branch at |t| = 1/16 carries ~4 eps / t^3 = 4e-12 relative */
  check_close(c, jump, 0.0, 1e-11, "r(t) continuous across |t| = 1/16 (relative jump)");
}

/* Empirical accept rate of single tries at shape a' (a' >= 1). */
static void test_accept_rate(check_ctx *c, double ap, uint64_t seed) {
  const int64_t tries = 200000;
  double dd = ap - 1.0 / 3.0, cc = 1.0 / sqrt(9.0 * dd), g;
  int64_t acc = 0;
  for (int64_t k = 0; k < tries; ++k) {
    double x, y;
    rmtmc_box_muller(rmtmc_stream_block(seed, 0, (uint64_t)k), &x, &y);
    rmtmc_u32x4 u = rmtmc_stream_block(seed, 1, (uint64_t)k);
    acc += rmtmc_gamma_try(dd, cc, x, rmtmc_u53_open0(u.x, u.y), &g);
  }
  double p = exp(lgamma(ap) + dd - (ap - 0.5) * log(dd)) / sqrt(2.0 * RMTMC_PI);
  double phat = (double)acc / (double)tries;
  char what[160];
  snprintf(what, sizeof what, "MT accept rate at a'=%g: %.5f vs %.5f", ap, phat, p);
  double se = sqrt(p * (1.0 - p) / (double)tries);
  check_z(c, se > 0 ? (phat - p) / se : (phat == p ? 0.0 : INFINITY), ZMAX, what);
}

static void test_chi(check_ctx *c, double k, int64_t nsamp, uint64_t seed) {
  double *x = malloc((size_t)nsamp * sizeof *x), *x2 = malloc((size_t)nsamp * sizeof *x2);
  for (int64_t e = 0; e < nsamp; ++e) {
    x2[e] = rmtmc_draw_chi2(seed, 3, (uint64_t)e, k);
    x[e] = rmtmc_draw_chi(seed, 3, (uint64_t)e, k);
  }
  sample_stat s2 = sample_stat_of(x2, nsamp, 1), s1 = sample_stat_of(x, nsamp, 1);
  double N = (double)nsamp;
  char what[200];
  snprintf(what, sizeof what, "chi_%g: mean of chi^2 = k (%lld draws)", k, (long long)nsamp);
  check_z(c, (s2.mean - k) / sqrt(2.0 * k / N), ZMAX, what);
  snprintf(what, sizeof what, "chi_%g: variance of chi^2 = 2k", k);
  check_z(c, (s2.var - 2.0 * k) / sqrt((48.0 * k + 8.0 * k * k) / N), ZMAX, what);
  double mu = sqrt(2.0) * exp(lgamma(0.5 * (k + 1.0)) - lgamma(0.5 * k));
  snprintf(what, sizeof what, "chi_%g: mean of chi = sqrt2 G((k+1)/2)/G(k/2) = %.6g", k, mu);
  check_z(c, (s1.mean - mu) / sqrt(s1.var / N), ZMAX, what);
  /* one-sample KS against the chi law: F(x) = P(k/2, x^2/2) */
  qsort(x, (size_t)nsamp, sizeof *x, cmp_double);
  double D = 0.0;
  for (int64_t i = 0; i < nsamp; ++i) {
    double F = gamma_p(0.5 * k, 0.5 * x[i] * x[i]);
    D = fmax(D, fmax(fabs(F - (double)i / N), fabs((double)(i + 1) / N - F)));
  }
  snprintf(what, sizeof what, "chi_%g: KS vs the chi law sqrt(N) D = %.3f (p = %.3f) <= %.3f", k,
           sqrt(N) * D, ks_pvalue(sqrt(N) * D), KS_C_001);
  check_true(c, sqrt(N) * D <= KS_C_001, what);
  free(x);
  free(x2);
}

static void test_pure(check_ctx *c) {
  double fwd[64], ok = 1;
  for (int e = 0; e < 64; ++e) fwd[e] = rmtmc_draw_gamma(42, 9, (uint64_t)e, 0.5 + e);
  for (int e = 63; e >= 0; --e) ok = ok && rmtmc_draw_gamma(42, 9, (uint64_t)e, 0.5 + e) == fwd[e];
  check_true(c, ok, "Gamma variate e is a pure function of (seed, trial, e)");
  /* variate e reads blocks [16e, 16e + 16): it is rmtmc_gamma_at there */
  check_true(c, rmtmc_draw_gamma(42, 9, 5, 3.5) == rmtmc_gamma_at(42, 9, 80, 3.5),
             "variate e = rmtmc_gamma_at(16 e)");
}

int main(void) {
  check_ctx c = {0, 0};
  test_squeeze(&c);
  test_accept_rate(&c, 1.0, 501);
  test_accept_rate(&c, 1.5, 502);
  test_accept_rate(&c, 2e6, 503);
  const double ks[] = {1, 2, 3, 5, 10, 101, 1e4, 4e6};
  for (size_t j = 0; j < sizeof ks / sizeof *ks; ++j)
    test_chi(&c, ks[j], ks[j] > 1e5 ? 20000 : 100000, 600 + j);
  test_pure(&c);
  return check_finish(&c);
}
