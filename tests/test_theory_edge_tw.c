/* test_theory_edge_tw.c: the Airy function and the Tracy-Widom laws
 * (include/rmtmc_edge_theory.h; docs/theory.md 5.1.1-5.1.2).
 *
 * Usage: test_theory_edge_tw reference_values.json edge_reference.json
 *   - Ai, Ai' against 40-digit values and the tabulated zeros (and the
 *     internal anchor table against rmtmc_airy on a fine grid);
 *   - F1, F2, F4 and their densities against an independent route: the
 *     Hastings-McLeod solution of Painleve II integrated here (RK4 in long
 *     double from s = 16 down), F2 = exp(-int (x-s) q^2),
 *     F1 = F2^(1/2) exp(-1/2 int q), F4(s/sqrt2) = F2^(1/2) cosh(1/2 int q);
 *   - the survival function's relative accuracy in the right tail (same
 *     route) and the continuity of the left-tail switch;
 *   - moments and quantiles against the reference file (docs/theory.md 5.1.2.6) and
 *     literature values, quantile round trips;
 *   - bad input; the time of a 1000-point table (printed, not asserted).
 * Prints one line per check; exit 0 iff nothing failed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rmtmc_edge_theory.h"
#include "support/json_mini.h"
#include "support/ref_cases.h"
#include "support/edge_ref.h"
#include "theory/tracy_widom_internal.h"

static double now_s(void) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double envelope(double x, int deriv) {
  if (x >= 0) return 0; /* relative error */
  return pow(-x, deriv ? 0.25 : -0.25) / sqrt(M_PI);
}

/* Error of got against want: relative for x >= 0, absolute over the
 * envelope for x < 0. */
static double airy_err(double x, double got, double want, int deriv) {
  double env = envelope(x, deriv);
  if (env > 0) return fabs(got - want) / env;
  return want != 0 ? fabs(got - want) / fabs(want) : fabs(got);
}

/* ---------------- Airy ---------------- */

/* Worst error at the zeros xs of Ai (deriv = 0) or Ai' (deriv = 1): the
 * vanishing function over its envelope, the other one against vals. */
static double zero_err(const json_value *xs, const json_value *vals, int deriv) {
  double worst = 0, a, ap;
  size_t i;
  for (i = 0; i < json_len(xs); ++i) {
    double x = json_num(json_at(xs, i), NAN), want = json_num(json_at(vals, i), NAN);
    rmtmc_airy(x, &a, &ap);
    worst = fmax(worst, fabs(deriv ? ap : a) / envelope(x, deriv));
    worst = fmax(worst, airy_err(x, deriv ? a : ap, want, !deriv));
  }
  return json_len(xs) ? worst : INFINITY;
}

static void test_airy(tally *t, const json_value *ref) {
  const json_value *ai = json_get(ref, "airy"), *z = json_get(ref, "airy_zeros");
  const json_value *xs = json_get(ai, "x"), *va = json_get(ai, "ai"), *vp = json_get(ai, "aip");
  size_t i, n = json_len(xs);
  double worst = 0, worst_x = 0, a, ap;
  static tw_airy_table tab;
  char name[128];
  check_true(t, "airy reference values present", n >= 30 && json_len(va) == n && json_len(vp) == n,
             "edge_reference.json: airy.x/ai/aip");
  for (i = 0; i < n; ++i) {
    double x = json_num(json_at(xs, i), NAN), e1, e2;
    rmtmc_airy(x, &a, &ap);
    e1 = airy_err(x, a, json_num(json_at(va, i), NAN), 0);
    e2 = airy_err(x, ap, json_num(json_at(vp, i), NAN), 1);
    if (!(e1 <= worst)) worst = e1, worst_x = x;
    if (!(e2 <= worst)) worst = e2, worst_x = x;
  }
  snprintf(name, sizeof name, "Ai, Ai' vs 40-digit values, %zu points (worst at x=%g)", n, worst_x);
  check_close(t, name, worst, 0, 4e-15, 0);
  /* literature constants (brief / DLMF 9.2.3-9.2.4) */
  rmtmc_airy(0, &a, &ap);
  check_close(t, "Ai(0) = 0.355028053887817239", a, 0.355028053887817239, 0, 2.3e-16);
  check_close(t, "Ai'(0) = -0.258819403792806798", ap, -0.258819403792806798, 0, 2.3e-16);
  /* zeros: Ai(a_k) = 0 with Ai'(a_k) given, Ai'(a'_k) = 0 with Ai(a'_k) given */
  check_close(t, "Ai(a_k) = 0 and Ai'(a_k), k = 1..10 (DLMF 9.9.1)",
              zero_err(json_get(z, "a"), json_get(z, "aip_at_a"), 0), 0, 4e-15, 0);
  check_close(t, "Ai'(a'_k) = 0 and Ai(a'_k), k = 1..5", zero_err(json_get(z, "ap"), json_get(z, "ai_at_ap"), 1),
              0, 4e-15, 0);
  /* the anchor table of the determinant loops against rmtmc_airy */
  tw_airy_table_init(&tab);
  worst = 0;
  for (i = 0; i <= 48000; ++i) {
    double x = -16.0 + 48.0 * (double)i / 48000 + 1e-4 * sin((double)i), b, bp;
    rmtmc_airy(x, &a, &ap);
    tw_airy_fast(&tab, x, &b, &bp);
    worst = fmax(worst, airy_err(x, b, a, 0));
    worst = fmax(worst, airy_err(x, bp, ap, 1));
  }
  /* both sides carry their own error (each below 4e-15) */
  check_close(t, "anchor table vs rmtmc_airy on [-16, 32] (48001 points)", worst, 0, 8e-15, 0);
  rmtmc_airy(NAN, &a, &ap);
  check_true(t, "Ai(NaN) is NaN", isnan(a) && isnan(ap), "");
  rmtmc_airy(-INFINITY, &a, &ap);
  check_true(t, "Ai(-inf) = 0", a == 0 && ap == 0, "");
}

/* ---------------- Painleve II reference ---------------- */

#define PII_S0 16.0L
#define PII_H (1.0L / 8192)
#define PII_LO (-8.0)
#define PII_N 65 /* grid s = 8, 7.75, ..., -8 */

typedef struct pii_row {
  double s, q, u, v, w; /* q, int_s q^2, log F2, int_s q */
} pii_row;

/* y = (q, q', u, v, w): q'' = s q + 2 q^3, u' = -q^2, v' = u, w' = -q. */
static void pii_f(long double s, const long double *y, long double *f) {
  f[0] = y[1];
  f[1] = s * y[0] + 2 * y[0] * y[0] * y[0];
  f[2] = -y[0] * y[0];
  f[3] = y[2];
  f[4] = -y[0];
}

static void pii_table(pii_row *rows) {
  long double y[5], k1[5], k2[5], k3[5], k4[5], tmp[5], s = PII_S0, h = -PII_H;
  double a, ap;
  int i, j = 0;
  rmtmc_airy((double)PII_S0, &a, &ap);
  y[0] = a; /* q ~ Ai at +inf (the cubic term is below 1e-60 here) */
  y[1] = ap;
  y[2] = (long double)ap * ap - PII_S0 * a * a; /* int_s^inf Ai^2 */
  y[3] = 0;                                        /* below 1e-40 */
  y[4] = 0;                                        /* int Ai: 1e-21 */
  while (j < PII_N) {
    double sg = 8.0 - 0.25 * j;
    if (fabsl(s - sg) < 1e-12L) {
      rows[j].s = sg;
      rows[j].q = (double)y[0];
      rows[j].u = (double)y[2];
      rows[j].v = (double)y[3];
      rows[j].w = (double)y[4];
      ++j;
      if (j == PII_N) break;
    }
    pii_f(s, y, k1);
    for (i = 0; i < 5; ++i) tmp[i] = y[i] + 0.5L * h * k1[i];
    pii_f(s + 0.5L * h, tmp, k2);
    for (i = 0; i < 5; ++i) tmp[i] = y[i] + 0.5L * h * k2[i];
    pii_f(s + 0.5L * h, tmp, k3);
    for (i = 0; i < 5; ++i) tmp[i] = y[i] + h * k3[i];
    pii_f(s + h, tmp, k4);
    for (i = 0; i < 5; ++i) y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    s += h;
  }
}

/* F, sf, pdf of beta at the PII grid point r (beta 4 at s = r.s/sqrt 2). */
static void pii_law(const pii_row *r, int beta, double *F, double *sf, double *f) {
  if (beta == 2) {
    *F = exp(r->v);
    *sf = -expm1(r->v);
    *f = *F * r->u;
  } else if (beta == 1) {
    double l = 0.5 * (r->v - r->w);
    *F = exp(l);
    *sf = -expm1(l);
    *f = *F * 0.5 * (r->u + r->q);
  } else {
    double e = exp(0.5 * r->v);
    *F = cosh(0.5 * r->w) * e;
    *sf = -expm1(0.5 * r->v) - e * 2 * sinh(0.25 * r->w) * sinh(0.25 * r->w);
    *f = sqrt(2.0) * (-sinh(0.5 * r->w) * 0.5 * r->q * e + *F * 0.5 * r->u);
  }
}

static void test_vs_painleve(tally *t, rmtmc_tw *tw) {
  pii_row rows[PII_N];
  int beta, j;
  char name[160];
  pii_table(rows);
  for (beta = 1; beta <= 4; beta *= 2) {
    double wF = 0, wf = 0, wsf = 0, sF = 0, sf_ = 0, ssf = 0;
    for (j = 0; j < PII_N; ++j) {
      double F, sf, f, s = beta == 4 ? rows[j].s / sqrt(2.0) : rows[j].s, e;
      rmtmc_tw_point p;
      if (rows[j].s < -7.0) continue; /* PII backward integration drifts below */
      pii_law(&rows[j], beta, &F, &sf, &f);
      if (rmtmc_tw_eval(tw, beta, s, 1, &p, NULL)) {
        wF = INFINITY;
        continue;
      }
      e = fabs(p.cdf - F);
      if (e > wF) wF = e, sF = s;
      e = fabs(p.pdf - f);
      if (e > wf) wf = e, sf_ = s;
      /* relative accuracy of 1 - F in the right tail (beta 1, 2: s >= 1) */
      if (beta != 4 && s >= 1) {
        e = fabs(p.sf - sf) / sf;
        if (e > wsf) wsf = e, ssf = s;
      }
    }
    snprintf(name, sizeof name, "F%d vs Painleve II on [-7, 8]: max |dF| (at s=%.3g)", beta, sF);
    check_close(t, name, wF, 0, 1e-13, 0);
    snprintf(name, sizeof name, "f%d vs Painleve II on [-7, 8]: max |df| (at s=%.3g)", beta, sf_);
    check_close(t, name, wf, 0, 1e-12, 0);
    if (beta != 4) {
      snprintf(name, sizeof name, "1 - F%d relative error on [1, 8] (at s=%.3g)", beta, ssf);
      check_close(t, name, wsf, 0, 1e-11, 0);
    }
  }
}

/* ---------------- consistency ---------------- */

static void test_consistency(tally *t, rmtmc_tw *tw) {
  int beta;
  char name[160];
  for (beta = 1; beta <= 4; beta *= 2) {
    /* density against a 4th-order central difference of the CDF */
    double worst = 0, h = 1e-3, s;
    double left = beta == 4 ? -8.5 / sqrt(2.0) : -8.0;
    rmtmc_tw_point a, b;
    for (s = -6; s <= 6; s += 0.37) {
      rmtmc_tw_point p, m2, m1, p1, p2;
      rmtmc_tw_eval(tw, beta, s, 1, &p, NULL);
      rmtmc_tw_eval(tw, beta, s - 2 * h, 0, &m2, NULL);
      rmtmc_tw_eval(tw, beta, s - h, 0, &m1, NULL);
      rmtmc_tw_eval(tw, beta, s + h, 0, &p1, NULL);
      rmtmc_tw_eval(tw, beta, s + 2 * h, 0, &p2, NULL);
      worst = fmax(worst, fabs(p.pdf - (m2.cdf - 8 * m1.cdf + 8 * p1.cdf - p2.cdf) / (12 * h)));
    }
    snprintf(name, sizeof name, "f%d = dF%d/ds (4th-order difference, h = 1e-3)", beta, beta);
    check_close(t, name, worst, 0, 1e-9, 0);
    /* left-tail switch: Fredholm just above, expansion just below */
    rmtmc_tw_eval(tw, beta, left + 1e-9, 1, &a, NULL);
    rmtmc_tw_eval(tw, beta, left - 1e-9, 1, &b, NULL);
    snprintf(name, sizeof name, "F%d left-tail switch at s = %.4g: relative jump", beta, left);
    check_close(t, name, fabs(expm1(a.logcdf - b.logcdf)), 0, 1e-6, 0);
    snprintf(name, sizeof name, "f%d left-tail switch: relative jump", beta);
    check_close(t, name, fabs(a.pdf / b.pdf - 1), 0, 1e-5, 0);
    /* limits and monotonicity */
    rmtmc_tw_eval(tw, beta, -30, 1, &a, NULL);
    rmtmc_tw_eval(tw, beta, 60, 1, &b, NULL);
    snprintf(name, sizeof name, "F%d(-30) = 0 with finite log F, F%d(60) = 1", beta, beta);
    check_true(t, name, a.cdf < 1e-300 && isfinite(a.logcdf) && a.logcdf < -1000 && b.cdf == 1 && b.sf < 1e-100, "");
    {
      double prev = -1, drop = 0;
      for (s = -12; s <= 12; s += 0.01) {
        rmtmc_tw_eval(tw, beta, s, 0, &a, NULL);
        drop = fmax(drop, prev - a.cdf);
        prev = a.cdf;
      }
      snprintf(name, sizeof name, "F%d non-decreasing on [-12, 12] (step 0.01): largest drop", beta);
      check_close(t, name, drop, 0, 4e-16, 0); /* rounding near F = 1 */
    }
  }
  /* F2 = det(I - A_s) det(I + A_s): the Airy-kernel and Hankel routes */
  {
    double worst = 0, s;
    for (s = -7; s <= 6; s += 0.5) {
      rmtmc_tw_point p2, p1, p4;
      double lg;
      rmtmc_tw_eval(tw, 2, s, 0, &p2, NULL);
      rmtmc_tw_eval(tw, 1, s, 0, &p1, NULL);
      rmtmc_tw_eval(tw, 4, s / sqrt(2.0), 0, &p4, NULL);
      /* E4 = (F1 + G)/2 with G = F2/F1: G = 2 E4 - F1 */
      lg = log(2 * p4.cdf - p1.cdf);
      worst = fmax(worst, fabs(exp(p1.logcdf + lg) - p2.cdf));
    }
    check_close(t, "F2 = F1 (2 F4(s/sqrt2) - F1): two kernels agree", worst, 0, 1e-13, 0);
  }
}

/* ---------------- reference values ---------------- */

static void ref_moments(tally *t, rmtmc_tw *tw, const json_value *root, const json_value *ext) {
  const json_value *cases = json_get(root, "cases"), *lit = json_get(ext, "tw_literature");
  const json_value *tol = json_get(lit, "tolerance");
  size_t i;
  int found = 0;
  char name[160];
  for (i = 0; i < json_len(cases); ++i) {
    const json_value *c = json_at(cases, i), *ex = json_get(c, "expected");
    const char *id = json_str(json_get(c, "id"));
    double abs_tol, rel_tol;
    int beta;
    rmtmc_tw_moments m;
    if (!id || (strcmp(id, "tw1.moments") && strcmp(id, "tw2.moments"))) continue;
    beta = id[2] - '0';
    tol_of(c, &abs_tol, &rel_tol);
    ++found;
    check_status(t, "rmtmc_tw_moments_get", rmtmc_tw_moments_get(tw, beta, &m, NULL), RMTMC_OK, NULL);
    check_expected(t, id, "mean", m.mean, ex, "mean", abs_tol, rel_tol);
    check_expected(t, id, "variance", m.variance, ex, "variance", abs_tol, rel_tol);
    if (json_get(ex, "skewness")) {
      check_expected(t, id, "skewness", m.skewness, ex, "skewness", abs_tol, rel_tol);
      check_expected(t, id, "excess kurtosis", m.excess_kurtosis, ex, "excess_kurtosis", abs_tol, rel_tol);
      check_expected(t, id, "sd", m.sd, ex, "sd", abs_tol, rel_tol);
    }
  }
  check_true(t, "reference file has tw1.moments and tw2.moments", found == 2, "");
  /* the brief's 13-digit values: mean -1.2065335745820, variance 1.607781034581 */
  {
    rmtmc_tw_moments m;
    rmtmc_tw_moments_get(tw, 1, &m, NULL);
    check_close(t, "TW1 mean to 13 digits (docs/theory.md 5.1.2)", m.mean, -1.2065335745820, 1e-12, 0);
    check_close(t, "TW1 variance to 12 digits", m.variance, 1.607781034581, 1e-12, 0);
    rmtmc_tw_moments_get(tw, 2, &m, NULL);
    check_close(t, "TW2 mean to 12 digits", m.mean, -1.771086807411, 1e-12, 0);
    check_close(t, "TW2 variance to 12 digits", m.variance, 0.813194792832, 1e-12, 0);
    check_close(t, "TW2 skewness (literature)", m.skewness,
                json_num(json_get(json_get(lit, "tw2"), "skewness"), NAN),
                json_num(json_get(tol, "skewness"), 0), 0);
    check_close(t, "TW2 excess kurtosis (literature)", m.excess_kurtosis,
                json_num(json_get(json_get(lit, "tw2"), "excess_kurtosis"), NAN),
                json_num(json_get(tol, "excess_kurtosis"), 0), 0);
    rmtmc_tw_moments_get(tw, 4, &m, NULL);
    check_close(t, "TW4 mean (literature, TW 1996 convention)", m.mean,
                json_num(json_get(json_get(lit, "tw4"), "mean"), NAN), json_num(json_get(tol, "mean"), 0), 0);
    check_close(t, "TW4 variance", m.variance, json_num(json_get(json_get(lit, "tw4"), "variance"), NAN),
                json_num(json_get(tol, "variance"), 0), 0);
    check_close(t, "TW4 skewness", m.skewness, json_num(json_get(json_get(lit, "tw4"), "skewness"), NAN),
                json_num(json_get(tol, "skewness"), 0), 0);
    check_close(t, "TW4 excess kurtosis", m.excess_kurtosis,
                json_num(json_get(json_get(lit, "tw4"), "excess_kurtosis"), NAN),
                json_num(json_get(tol, "excess_kurtosis"), 0), 0);
  }
}

static void ref_cdf_quantiles(tally *t, rmtmc_tw *tw, const json_value *root) {
  const json_value *cases = json_get(root, "cases");
  size_t i, j;
  int found = 0;
  char name[160];
  for (i = 0; i < json_len(cases); ++i) {
    const json_value *c = json_at(cases, i), *ex = json_get(c, "expected"), *in = json_get(c, "inputs");
    const char *id = json_str(json_get(c, "id"));
    double abs_tol, rel_tol;
    if (!id) continue;
    tol_of(c, &abs_tol, &rel_tol);
    if (!strcmp(id, "tw1.quantiles")) {
      ++found;
      for (j = 0; j < json_len(json_get(in, "p")); ++j) {
        double p = json_num(json_at(json_get(in, "p"), j), NAN), s = NAN;
        rmtmc_status st = rmtmc_tw_quantile(tw, 1, p, &s, NULL);
        snprintf(name, sizeof name, "tw1.quantiles F1^-1(%g)%s", p, st ? " FAILED" : "");
        check_close(t, name, s, json_num(json_at(ex, j), NAN), abs_tol, rel_tol);
      }
    } else if (!strcmp(id, "tw1.cdf")) {
      ++found;
      for (j = 0; j < json_len(json_get(in, "s")); ++j) {
        double s = json_num(json_at(json_get(in, "s"), j), NAN);
        rmtmc_tw_point p;
        rmtmc_tw_eval(tw, 1, s, 0, &p, NULL);
        snprintf(name, sizeof name, "tw1.cdf F1(%g)", s);
        check_close(t, name, p.cdf, json_num(json_at(ex, j), NAN), abs_tol, rel_tol);
      }
    }
  }
  check_true(t, "reference file has tw1.quantiles and tw1.cdf", found == 2, "");
  /* round trips, both tails, all three laws */
  {
    static const double ps[] = {1e-12, 1e-6, 0.01, 0.3, 0.5, 0.77, 0.99, 1 - 1e-9};
    int beta;
    for (beta = 1; beta <= 4; beta *= 2) {
      double worst = 0, worst_q = 0;
      for (j = 0; j < sizeof ps / sizeof ps[0]; ++j) {
        double s, s2, q = ps[j] < 0.5 ? ps[j] : 1 - ps[j];
        rmtmc_tw_point p;
        if (rmtmc_tw_quantile(tw, beta, ps[j], &s, NULL) || rmtmc_tw_eval(tw, beta, s, 0, &p, NULL)) {
          worst = INFINITY;
          continue;
        }
        /* relative error of the probability in its own tail, against the
         * relative accuracy of F there (about 1e-10 at F = 1e-12, where
         * det(I - K) is nearly singular; 1e-14 for F >= 1e-2) */
        worst = fmax(worst, (ps[j] < 0.5 ? fabs(p.cdf / ps[j] - 1) : fabs(p.sf / q - 1)) /
                                (ps[j] < 1e-3 ? 1e4 : 1.0));
        if (rmtmc_tw_isf(tw, beta, 1e-7, &s2, NULL) || rmtmc_tw_eval(tw, beta, s2, 0, &p, NULL))
          worst_q = INFINITY;
        else
          worst_q = fmax(worst_q, fabs(p.sf / 1e-7 - 1));
      }
      snprintf(name, sizeof name, "TW%d quantile round trip, p = 1e-12 .. 1 - 1e-9 (rel.; / 1e4 below 1e-3)", beta);
      check_close(t, name, worst, 0, 1e-13, 0);
      snprintf(name, sizeof name, "TW%d upper quantile isf(1e-7): 1 - F relative", beta);
      check_close(t, name, worst_q, 0, beta == 4 ? 1e-4 : 1e-10, 0);
    }
  }
}

static void test_errors_and_timing(tally *t, rmtmc_tw *tw) {
  rmtmc_error e;
  rmtmc_tw_point p;
  double s, grid[1000], cdf[1000], pdf[1000], t0, t1, t2;
  int i, beta;
  check_status(t, "beta = 3 is rejected", rmtmc_tw_eval(tw, 3, 0, 0, &p, &e), RMTMC_ERR_INVALID, &e);
  check_status(t, "NaN s is rejected", rmtmc_tw_eval(tw, 1, NAN, 0, &p, &e), RMTMC_ERR_INVALID, &e);
  check_status(t, "quantile p = 0 is rejected", rmtmc_tw_quantile(tw, 1, 0, &s, &e), RMTMC_ERR_INVALID, &e);
  check_status(t, "quantile p = 1 is rejected", rmtmc_tw_quantile(tw, 2, 1, &s, &e), RMTMC_ERR_INVALID, &e);
  check_status(t, "isf q = NaN is rejected", rmtmc_tw_isf(tw, 2, NAN, &s, &e), RMTMC_ERR_INVALID, &e);
  check_status(t, "F(+inf)", rmtmc_tw_eval(tw, 1, INFINITY, 1, &p, &e), RMTMC_OK, &e);
  check_true(t, "F(+inf) = 1, f = 0", p.cdf == 1 && p.sf == 0 && p.pdf == 0, "");
  for (i = 0; i < 1000; ++i) grid[i] = -10 + 18.0 * i / 999;
  for (beta = 1; beta <= 4; beta *= 2) {
    t0 = now_s();
    rmtmc_tw_table(tw, beta, 1000, grid, cdf, NULL, NULL);
    t1 = now_s();
    rmtmc_tw_table(tw, beta, 1000, grid, cdf, pdf, NULL);
    t2 = now_s();
    printf("time TW%d 1000-point table on [-10, 8]: CDF %.3f s, CDF + density %.3f s (one core)\n",
           beta, t1 - t0, t2 - t1);
  }
}

int main(int argc, char **argv) {
  tally t = {0, 0};
  char err[256];
  json_value *root, *ext;
  rmtmc_tw *tw = NULL;
  rmtmc_error e;
  if (argc < 3) {
    fprintf(stderr, "usage: %s reference_values.json edge_reference.json\n", argv[0]);
    return 2;
  }
  root = json_parse_file(argv[1], err, sizeof err);
  ext = json_parse_file(argv[2], err, sizeof err);
  if (!root || !ext) {
    printf("FAIL cannot read the reference files: %s\n", err);
    return 1;
  }
  if (check_status(&t, "rmtmc_tw_create", rmtmc_tw_create(&tw, &e), RMTMC_OK, &e)) {
    test_airy(&t, ext);
    test_vs_painleve(&t, tw);
    test_consistency(&t, tw);
    ref_moments(&t, tw, root, ext);
    ref_cdf_quantiles(&t, tw, root);
    test_errors_and_timing(&t, tw);
  }
  rmtmc_tw_free(tw);
  rmtmc_tw_free(NULL);
  json_free(root);
  json_free(ext);
  printf("%d passed, %d failed\n", t.pass, t.fail);
  return t.fail ? 1 : 0;
}
