/* stats.c: the Kolmogorov distribution, the KS distance and sample moments
 * with influence-function standard errors (rmtmc_stats.h). */
#include "rmtmc_stats.h"

#include "core/blas.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

double rmtmc_kolmogorov_sf(double x) {
  if (isnan(x)) return NAN;
  if (x <= 0.0) return 1.0;
  if (x < 1.0) {
    /* K(x) = sqrt(2 pi)/x sum exp(-(2k-1)^2 pi^2/(8 x^2)): fast for small x */
    double s = 0.0, a = -M_PI * M_PI / (8.0 * x * x);
    for (int k = 1; k < 60; ++k) {
      double t = exp(a * (2.0 * k - 1.0) * (2.0 * k - 1.0));
      s += t;
      if (t < 1e-18 * s) break;
    }
    return 1.0 - sqrt(2.0 * M_PI) / x * s;
  }
  double s = 0.0;
  for (int k = 1; k < 60; ++k) {
    double t = exp(-2.0 * k * k * x * x);
    s += (k & 1) ? t : -t;
    if (t < 1e-18 * fabs(s)) break;
  }
  return 2.0 * s;
}

double rmtmc_ks_onesided_sf(int64_t n, double d) {
  if (n < 1 || isnan(d)) return NAN;
  if (d <= 0.0) return 1.0;
  if (d >= 1.0) return 0.0;
  double nn = (double)n, s = 0.0, lgn = lgamma(nn + 1.0);
  int64_t jmax = (int64_t)floor(nn * (1.0 - d));
  for (int64_t j = 0; j <= jmax; ++j) {
    double a = d + (double)j / nn, b = 1.0 - a;
    if (b < 0.0) break;
    double lt = lgn - lgamma((double)j + 1.0) - lgamma(nn - (double)j + 1.0) + ((double)j - 1.0) * log(a);
    if ((double)(n - j) > 0.0) {
      if (b == 0.0) continue; /* 0^(n - j) */
      lt += (nn - (double)j) * log(b);
    }
    s += exp(lt);
  }
  double p = d * s;
  return p > 1.0 ? 1.0 : p;
}

/* C <- A B for m x m row-major matrices (through BLAS, on one thread: the
 * p-value's last bits must not depend on the machine, core/blas.h). */
static void matmul(const double *A, const double *B, double *C, int m) {
  rmtmc_blas_serial();
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, m, m, 1.0, A, m, B, m, 0.0, C, m);
}

/* P(D_n < d) by Marsaglia, Tsang and Wang (2003): the (k-1, k-1) entry of
 * H^n times n!/n^n, H the m x m Durbin matrix, m = 2k - 1, k = ceil(n d)
 * (n d not an integer; else k = n d + 1), h = k - n d.  Powers of 10 are
 * carried separately against overflow.  NAN when out of memory. */
static double mtw_cdf(int64_t n, double d, int k) {
  int m = 2 * k - 1;
  double h = (double)k - (double)n * d;
  if (m < 1) return NAN;
  double *H = malloc(sizeof(double) * (size_t)m * (size_t)m * 3);
  if (!H) return NAN;
  double *Q = H + (size_t)m * m, *T = Q + (size_t)m * m;
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < m; ++j) H[i * m + j] = i - j + 1 < 0 ? 0.0 : 1.0;
  for (int i = 0; i < m; ++i) {
    H[i * m] -= pow(h, (double)(i + 1));
    H[(m - 1) * m + i] -= pow(h, (double)(m - i));
  }
  H[(m - 1) * m] += 2.0 * h - 1.0 > 0.0 ? pow(2.0 * h - 1.0, (double)m) : 0.0;
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < m; ++j)
      if (i - j + 1 > 0)
        for (int g = 1; g <= i - j + 1; ++g) H[i * m + j] /= (double)g;
  /* Q = H^n by squaring, exponent of 10 in eQ */
  int eQ = 0, eH = 0, have_q = 0;
  int64_t e = n;
  while (e > 0) {
    if (e & 1) {
      if (!have_q) {
        memcpy(Q, H, sizeof(double) * (size_t)m * m);
        eQ = eH;
        have_q = 1;
      } else {
        matmul(Q, H, T, m);
        memcpy(Q, T, sizeof(double) * (size_t)m * m);
        eQ += eH;
      }
      if (Q[(k - 1) * m + k - 1] > 1e140) {
        for (int i = 0; i < m * m; ++i) Q[i] *= 1e-140;
        eQ += 140;
      }
    }
    e >>= 1;
    if (e > 0) {
      matmul(H, H, T, m);
      memcpy(H, T, sizeof(double) * (size_t)m * m);
      eH *= 2;
      if (H[(k - 1) * m + k - 1] > 1e140) {
        for (int i = 0; i < m * m; ++i) H[i] *= 1e-140;
        eH += 140;
      }
    }
  }
  double s = Q[(k - 1) * m + k - 1];
  free(H);
  for (int64_t i = 1; i <= n; ++i) {
    s = s * (double)i / (double)n;
    if (s < 1e-140) {
      s *= 1e140;
      eQ -= 140;
    }
  }
  return s * pow(10.0, (double)eQ);
}

#define MTW_MAX_ORDER 601

double rmtmc_ks_pvalue(int64_t n, double d) {
  if (n < 1 || isnan(d)) return NAN;
  double nn = (double)n;
  if (d <= 0.5 / nn) return 1.0;
  if (d >= 1.0) return 0.0;
  if (nn * d * d >= 4.0 || d >= 0.5) { /* d >= 1/2: the two tails are disjoint, exact */
    double p = 2.0 * rmtmc_ks_onesided_sf(n, d);
    return p > 1.0 ? 1.0 : p;
  }
  double nd = nn * d;
  int64_t k = (int64_t)nd + 1;
  if (2 * k - 1 <= MTW_MAX_ORDER) {
    double c = mtw_cdf(n, d, (int)k);
    if (!isnan(c)) {
      double p = 1.0 - c;
      return p < 0.0 ? 0.0 : (p > 1.0 ? 1.0 : p);
    }
  }
  double sn = sqrt(nn), x = sn * d;
  return rmtmc_kolmogorov_sf(x + 1.0 / (6.0 * sn) + (x - 1.0) / (4.0 * nn));
}

double rmtmc_ks_distance(int64_t n, const double *cdf) {
  double D = 0.0, nn = (double)n;
  for (int64_t i = 0; i < n; ++i) {
    double a = (double)(i + 1) / nn - cdf[i], b = cdf[i] - (double)i / nn;
    if (a > D) D = a;
    if (b > D) D = b;
  }
  return D;
}

rmtmc_status rmtmc_moments_estimate(const double *x, int64_t n, rmtmc_moments_est *o, rmtmc_error *err) {
  memset(o, 0, sizeof *o);
  o->n = n;
  if (n < 3) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "moments: need at least 3 values (got %lld)", (long long)n);
  double nn = (double)n, mean = 0.0;
  for (int64_t i = 0; i < n; ++i) mean += x[i];
  mean /= nn;
  double m2 = 0.0, m3 = 0.0, m4 = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    double c = x[i] - mean, c2 = c * c;
    m2 += c2;
    m3 += c2 * c;
    m4 += c2 * c2;
  }
  m2 /= nn;
  m3 /= nn;
  m4 /= nn;
  double sd = sqrt(m2), g1 = m3 / (m2 * sd), g2 = m4 / (m2 * m2) - 3.0;
  /* influence functions in y = (x - mean)/sd:
   *   sd:   sd (y^2 - 1) / 2
   *   g1:   y^3 - g1 - 3 y - (3/2) g1 (y^2 - 1)
   *   g2:   y^4 - (g2 + 3) - 4 m3/sd^3 y - 2 (g2 + 3)(y^2 - 1) */
  double v_sd = 0.0, v_g1 = 0.0, v_g2 = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    double y = (x[i] - mean) / sd, y2 = y * y;
    double a = 0.5 * sd * (y2 - 1.0);
    double b = y2 * y - g1 - 3.0 * y - 1.5 * g1 * (y2 - 1.0);
    double c = y2 * y2 - (g2 + 3.0) - 4.0 * g1 * y - 2.0 * (g2 + 3.0) * (y2 - 1.0);
    v_sd += a * a;
    v_g1 += b * b;
    v_g2 += c * c;
  }
  o->mean = mean;
  o->mean_se = sqrt(m2 * nn / (nn - 1.0) / nn);
  o->sd = sqrt(m2 * nn / (nn - 1.0));
  o->sd_se = sqrt(v_sd / (nn - 1.0) / nn);
  o->skewness = g1;
  o->skewness_se = sqrt(v_g1 / (nn - 1.0) / nn);
  o->kurtosis = g2;
  o->kurtosis_se = sqrt(v_g2 / (nn - 1.0) / nn);
  return RMTMC_OK;
}

double rmtmc_sample_quantile(const double *s, int64_t n, double p) {
  if (n < 1 || !(p >= 0.0 && p <= 1.0)) return NAN;
  double h = (double)(n - 1) * p;
  int64_t lo = (int64_t)floor(h);
  if (lo >= n - 1) return s[n - 1];
  return s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]);
}
