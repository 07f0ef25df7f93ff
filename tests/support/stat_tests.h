/* stat_tests.h: the small statistics the distribution tests need (header
 * only): running moments, Kolmogorov-Smirnov statistics and their
 * asymptotic p-values, the regularised incomplete gamma function (chi^2
 * CDF).  Fixed seeds everywhere: a test passes or fails the same way on
 * every run; the thresholds come from the sample sizes. */
#ifndef RMTMC_TEST_STAT_TESTS_H
#define RMTMC_TEST_STAT_TESTS_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* KS critical value c(alpha) of sqrt(n_eff) D at alpha = 0.001. */
#define KS_C_001 1.94947

/* Mean and variance of a sample. */
typedef struct sample_stat {
  double mean, var;
  int64_t n;
} sample_stat;

static inline sample_stat sample_stat_of(const double *x, int64_t n, int64_t stride) {
  sample_stat s = {0.0, 0.0, n};
  for (int64_t i = 0; i < n; ++i) s.mean += x[i * stride];
  s.mean /= (double)n;
  for (int64_t i = 0; i < n; ++i) {
    double e = x[i * stride] - s.mean;
    s.var += e * e;
  }
  s.var /= (double)(n - 1);
  return s;
}

/* z of the difference of two independent sample means. */
static inline double two_sample_z(sample_stat a, sample_stat b) {
  return (a.mean - b.mean) / sqrt(a.var / (double)a.n + b.var / (double)b.n);
}

/* P(sqrt(n) D > t) for the Kolmogorov distribution (t > 0). */
static inline double ks_pvalue(double t) {
  if (t < 0.2) return 1.0;
  double p = 0.0;
  for (int k = 1; k <= 100; ++k) p += 2.0 * ((k & 1) ? 1.0 : -1.0) * exp(-2.0 * k * k * t * t);
  return p < 0.0 ? 0.0 : (p > 1.0 ? 1.0 : p);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Two-sample KS statistic D of x[na], y[nb] (sorted in place). */
static inline double ks_two_sample(double *x, int64_t na, double *y, int64_t nb) {
  qsort(x, (size_t)na, sizeof *x, cmp_double);
  qsort(y, (size_t)nb, sizeof *y, cmp_double);
  int64_t i = 0, j = 0;
  double d = 0.0;
  while (i < na && j < nb) {
    double v = x[i] < y[j] ? x[i] : y[j];
    while (i < na && x[i] <= v) ++i;
    while (j < nb && y[j] <= v) ++j;
    double e = fabs((double)i / (double)na - (double)j / (double)nb);
    if (e > d) d = e;
  }
  return d;
}

/* Regularised lower incomplete gamma P(a, x) (series below a + 1, Lentz's
 * continued fraction for Q above). */
static inline double gamma_p(double a, double x) {
  if (x <= 0.0) return 0.0;
  double lpre = a * log(x) - x - lgamma(a);
  if (x < a + 1.0) {
    double term = 1.0 / a, sum = term;
    for (int64_t k = 1; k < 100000000; ++k) {
      term *= x / (a + (double)k);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return exp(lpre) * sum;
  }
  const double tiny = 1e-300;
  double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
  for (int64_t k = 1; k < 100000000; ++k) {
    double an = -(double)k * ((double)k - a);
    b += 2.0;
    d = an * d + b;
    if (fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1.0) < 1e-16) break;
  }
  return 1.0 - exp(lpre) * h;
}

#endif
