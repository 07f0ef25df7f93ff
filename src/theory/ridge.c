/* ridge.c: deterministic equivalents of ridge regression (theory.md 4): the
 * effective ridge kappa, degrees of freedom, bias / variance / risk, the
 * training-error and GCV limits, the ridgeless limit, and the isotropic
 * closed form (Dobriban-Wager / Hastie et al. 2019) used as a cross-check. */
#include "rmtmc_theory_models.h"

#include <float.h>
#include <math.h>
#include <stddef.h>

#include "theory/brent.h"

/* Aggregates of a validated problem. */
typedef struct ridge_info {
  double d;    /* sum of counts */
  double rank; /* sum of counts of s_j > 0 */
  double trS;  /* tr Sigma */
} ridge_info;

static double cnt(const rmtmc_ridge_problem *pb, int64_t j) {
  return pb->count ? pb->count[j] : 1.0;
}

static rmtmc_status ridge_check(const char *fn, const rmtmc_ridge_problem *pb,
                                ridge_info *info, rmtmc_error *err) {
  int64_t j;
  if (!pb)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "%s: the ridge problem must not be NULL", fn);
  if (pb->natoms < 1 || !pb->s)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the ridge problem needs at least one eigenvalue "
                           "of Sigma (got %lld)",
                           (long long)pb->natoms);
  if (!(pb->n > 0) || !isfinite(pb->n))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the sample size n = %g must be finite and > 0",
                           pb->n);
  if (!(pb->sigma2 >= 0) || !isfinite(pb->sigma2))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the noise variance sigma2 = %g must be finite and "
                           ">= 0",
                           pb->sigma2);
  if (!pb->b2 && (!(pb->r2 >= 0) || !isfinite(pb->r2)))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the signal strength ||beta||^2 = %g must be "
                           "finite and >= 0",
                           pb->r2);
  info->d = info->rank = info->trS = 0;
  for (j = 0; j < pb->natoms; ++j) {
    double s = pb->s[j], c = cnt(pb, j);
    if (!(s >= 0) || !isfinite(s))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "eigenvalue %lld of Sigma is %g; a covariance "
                             "has finite eigenvalues >= 0",
                             (long long)(j + 1), s);
    if (!(c > 0) || !isfinite(c))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "eigenvalue %lld of Sigma (%g) has multiplicity "
                             "%g; it must be finite and > 0",
                             (long long)(j + 1), s, c);
    if (pb->b2 && (!(pb->b2[j] >= 0) || !isfinite(pb->b2[j])))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "the signal on eigenvalue %lld of Sigma "
                             "(||P_j beta||^2 = %g) must be finite and >= 0",
                             (long long)(j + 1), pb->b2[j]);
    info->d += c;
    if (s > 0) info->rank += c;
    info->trS += c * s;
  }
  if (!isfinite(info->trS))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "tr Sigma overflows double precision; rescale "
                           "Sigma (the ridge limits scale with it)");
  return RMTMC_OK;
}

/* kappa df1(kappa), df1, df2 and kappa^2 beta^T Sigma (Sigma+kappa)^-2 beta;
 * zero eigenvalues contribute nothing (also at kappa = 0). */
typedef struct ridge_sums {
  double kdf1, df1, df2, kb;
} ridge_sums;

static ridge_sums ridge_eval_sums(const rmtmc_ridge_problem *pb, double d,
                                  double kappa) {
  ridge_sums r = {0, 0, 0, 0};
  int64_t j;
  for (j = 0; j < pb->natoms; ++j) {
    double s = pb->s[j], c = cnt(pb, j), f, g, b2;
    if (s == 0) continue;
    f = s / (s + kappa);     /* s/(s+kappa) */
    g = kappa / (s + kappa); /* kappa/(s+kappa) */
    b2 = pb->b2 ? pb->b2[j] : pb->r2 * c / d;
    r.df1 += c * f;
    r.kdf1 += c * s * g;
    r.df2 += c * f * f;
    r.kb += b2 * s * g * g;
  }
  return r;
}

typedef struct ridge_ctx {
  const rmtmc_ridge_problem *pb;
  double d, lam;
} ridge_ctx;

/* df1(kappa) - n (decreasing). */
static double ridge_df1_gap(double kappa, void *ctx) {
  const ridge_ctx *x = (const ridge_ctx *)ctx;
  return ridge_eval_sums(x->pb, x->d, kappa).df1 - x->pb->n;
}

/* kappa (1 - df1/n) - lam (increasing on [kappa0, inf)). */
static double ridge_kappa_eq(double kappa, void *ctx) {
  const ridge_ctx *x = (const ridge_ctx *)ctx;
  return kappa - ridge_eval_sums(x->pb, x->d, kappa).kdf1 / x->pb->n - x->lam;
}

/* rank == n within rounding (fractional counts): the interpolation point. */
static int at_threshold(const ridge_info *info, double n) {
  return fabs(info->rank - n) <= 1e-12 * n;
}

static rmtmc_status ridge_kappa0_raw(double *kappa0,
                                     const rmtmc_ridge_problem *pb,
                                     const ridge_info *info,
                                     const rmtmc_theory_opts *opts,
                                     const char *fn, rmtmc_error *err) {
  ridge_ctx x;
  double hi, root = 0, width = 0;
  rmtmc_status st;
  if (info->rank <= pb->n || at_threshold(info, pb->n)) {
    *kappa0 = 0;
    return RMTMC_OK;
  }
  x.pb = pb;
  x.d = info->d;
  x.lam = 0;
  hi = info->trS / pb->n; /* df1(kappa) <= tr Sigma / kappa */
  st = theory_brent(&root, ridge_df1_gap, &x, 0.0, hi, info->rank - pb->n,
                    ridge_df1_gap(hi, &x), theory_tol(opts), 1e-300,
                    theory_max_iter(opts), &width);
  if (st == RMTMC_ERR_NOCONV)
    return rmtmc_error_set(err, st,
                           "the ridgeless effective ridge kappa0 (df1 = n = "
                           "%g) did not reach the relative accuracy %.1e in "
                           "%d iterations: a numerical limit of rmtmc at "
                           "these values (library callers may loosen "
                           "rmtmc_theory_opts)",
                           pb->n, theory_tol(opts), theory_max_iter(opts));
  if (st != RMTMC_OK)
    return rmtmc_error_set(err, RMTMC_ERR_NUMERIC,
                           "the ridgeless effective ridge could not be "
                           "computed for n = %g and rank(Sigma) = %g (tr Sigma "
                           "= %g): the eigenvalues of Sigma span too many "
                           "orders of magnitude for double precision",
                           pb->n, info->rank, info->trS);
  *kappa0 = root;
  return RMTMC_OK;
}

static rmtmc_status ridge_eval(rmtmc_ridge_limits *out,
                               const rmtmc_ridge_problem *pb,
                               const ridge_info *info, double kappa0,
                               double lam, const rmtmc_theory_opts *opts,
                               const char *fn, rmtmc_error *err) {
  double n = pb->n, kappa, den;
  ridge_sums sm;
  if (!(lam >= 0) || !isfinite(lam))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the ridge penalty lambda = %g must be finite and "
                           ">= 0 (0: the ridgeless limit)",
                           lam);
  if (lam == 0) {
    kappa = kappa0;
  } else {
    ridge_ctx x;
    double hi = lam + info->trS / n + 1.0, width = 0;
    rmtmc_status st;
    x.pb = pb;
    x.d = info->d;
    x.lam = lam;
    st = theory_brent(&kappa, ridge_kappa_eq, &x, kappa0, hi,
                      ridge_kappa_eq(kappa0, &x), ridge_kappa_eq(hi, &x),
                      theory_tol(opts), 1e-300, theory_max_iter(opts), &width);
    if (st == RMTMC_ERR_NOCONV)
      return rmtmc_error_set(err, st,
                             "the effective ridge kappa at lambda = %g did "
                             "not reach the relative accuracy %.1e in %d "
                             "iterations: a numerical limit of rmtmc at these "
                             "values (library callers may loosen "
                             "rmtmc_theory_opts)",
                             lam, theory_tol(opts), theory_max_iter(opts));
    if (st != RMTMC_OK)
      return rmtmc_error_set(err, RMTMC_ERR_NUMERIC,
                             "the effective ridge kappa at lambda = %g could "
                             "not be computed (tr Sigma/n = %g): lambda or "
                             "Sigma is outside the range double precision "
                             "resolves; rescale them together",
                             lam, info->trS / n);
    /* Guarded Newton polish: d/dkappa [kappa (1 - df1/n)] = 1 - df2/n. */
    {
      ridge_sums s0 = ridge_eval_sums(pb, info->d, kappa);
      double h0 = kappa - s0.kdf1 / n - lam, hp = 1.0 - s0.df2 / n;
      double k1 = kappa - h0 / hp;
      if (hp > 0 && k1 > kappa0 && fabs(ridge_kappa_eq(k1, &x)) < fabs(h0))
        kappa = k1;
    }
  }
  sm = ridge_eval_sums(pb, info->d, kappa);
  out->kappa = kappa;
  out->df1 = sm.df1;
  out->df2 = sm.df2;
  if (lam > 0)
    out->lam_over_kappa = lam / kappa;
  else if (info->rank > n && !at_threshold(info, n))
    out->lam_over_kappa = 0; /* interpolation: df1(kappa0) = n */
  else
    out->lam_over_kappa = fmax(0.0, 1.0 - sm.df1 / n);
  if (lam == 0 && at_threshold(info, n)) {
    /* Interpolation threshold: the variance diverges, the bias vanishes and
     * the training error is 0 (lam/kappa -> 0 faster than R grows). */
    out->bias = 0;
    out->variance = pb->sigma2 > 0 ? HUGE_VAL : 0.0;
    out->risk = out->variance;
    out->train = 0;
    out->gcv = out->risk + pb->sigma2;
    return RMTMC_OK;
  }
  den = 1.0 - sm.df2 / n; /* > 0 for kappa > kappa0 or rank != n */
  out->bias = sm.kb / den;
  out->variance = pb->sigma2 * (sm.df2 / n) / den;
  out->risk = out->bias + out->variance;
  out->gcv = out->risk + pb->sigma2;
  out->train = out->lam_over_kappa * out->lam_over_kappa * out->gcv;
  return RMTMC_OK;
}

rmtmc_status rmtmc_ridge_kappa0(double *kappa0, const rmtmc_ridge_problem *pb,
                                const rmtmc_theory_opts *opts,
                                rmtmc_error *err) {
  const char *fn = "rmtmc_ridge_kappa0";
  ridge_info info;
  rmtmc_status st;
  if (!kappa0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s: kappa0 is NULL", fn);
  if ((st = ridge_check(fn, pb, &info, err))) return st;
  return ridge_kappa0_raw(kappa0, pb, &info, opts, fn, err);
}

rmtmc_status rmtmc_ridge_grid(rmtmc_ridge_limits *out,
                              const rmtmc_ridge_problem *pb, const double *lams,
                              int64_t nlam, const rmtmc_theory_opts *opts,
                              rmtmc_error *err) {
  const char *fn = "rmtmc_ridge_grid";
  ridge_info info;
  double kappa0;
  rmtmc_status st;
  int64_t i;
  if (!out || !lams)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "%s: out and lams must not be NULL", fn);
  if (nlam < 0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "%s: the number of penalties is %lld < 0", fn,
                           (long long)nlam);
  if ((st = ridge_check(fn, pb, &info, err))) return st;
  if ((st = ridge_kappa0_raw(&kappa0, pb, &info, opts, fn, err))) return st;
  for (i = 0; i < nlam; ++i)
    if ((st = ridge_eval(out + i, pb, &info, kappa0, lams[i], opts, fn, err)))
      return st;
  return RMTMC_OK;
}

rmtmc_status rmtmc_ridge_theory(rmtmc_ridge_limits *out,
                                const rmtmc_ridge_problem *pb, double lam,
                                const rmtmc_theory_opts *opts,
                                rmtmc_error *err) {
  const char *fn = "rmtmc_ridge_theory";
  ridge_info info;
  double kappa0;
  rmtmc_status st;
  if (!out) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s: out is NULL", fn);
  if ((st = ridge_check(fn, pb, &info, err))) return st;
  if ((st = ridge_kappa0_raw(&kappa0, pb, &info, opts, fn, err))) return st;
  return ridge_eval(out, pb, &info, kappa0, lam, opts, fn, err);
}

/* ------------------------------------------------ optimal ridge */

/* Total signal sum_j b2_j (r2 when b2 is NULL). */
static double ridge_signal(const rmtmc_ridge_problem *pb) {
  if (!pb->b2) return pb->r2;
  double s = 0;
  for (int64_t j = 0; j < pb->natoms; ++j) s += pb->b2[j];
  return s;
}

/* beta isotropic in Sigma's eigenbasis: b2 NULL, or b2_j / count_j the
 * same for every atom (to rounding). */
static int ridge_isotropic(const rmtmc_ridge_problem *pb) {
  double r0;
  if (!pb->b2) return 1;
  r0 = pb->b2[0] / cnt(pb, 0);
  for (int64_t j = 1; j < pb->natoms; ++j)
    if (fabs(pb->b2[j] / cnt(pb, j) - r0) > 8.0 * DBL_EPSILON * fabs(r0))
      return 0;
  return 1;
}

/* The stationarity condition of the risk in kappa form (theory.md 4.3):
 * with B = kappa^2 sum_j b2_j s_j/(s_j+kappa)^2 and V = df2/n = (1/n) sum_j c_j s_j^2/(s_j+kappa)^2, R = (B + sigma2 V)/(1-V)
 * and dlam/dkappa = 1 - V > 0, so dR/dlam = 0 iff
 *   g(kappa) = B' (1 - V) + V' (B + sigma2) = 0,
 *   B' = 2 kappa sum_j b2_j s_j^2/(s_j+kappa)^3,
 *   V' = -(2/n) sum_j c_j s_j^2/(s_j+kappa)^3,
 * (g < 0 left of the optimum, > 0 right of it).  Unlike R, whose minimum is
 * flat, g has a simple root, so kappa* is found to rounding. */
typedef struct opt_ctx {
  const rmtmc_ridge_problem *pb;
  double d;
} opt_ctx;

static double ridge_opt_g(double kappa, void *ctx) {
  const opt_ctx *o = (const opt_ctx *)ctx;
  const rmtmc_ridge_problem *pb = o->pb;
  double B = 0, Bp = 0, V = 0, Vp = 0;
  for (int64_t j = 0; j < pb->natoms; ++j) {
    double s = pb->s[j], c = cnt(pb, j), q, b2;
    if (s == 0) continue;
    q = 1.0 / (s + kappa);
    b2 = pb->b2 ? pb->b2[j] : pb->r2 * c / o->d;
    B += b2 * s * (kappa * q) * (kappa * q);
    Bp += 2.0 * kappa * b2 * s * s * q * q * q;
    V += c * (s * q) * (s * q);
    Vp -= 2.0 * c * s * s * q * q * q;
  }
  V /= pb->n;
  Vp /= pb->n;
  return Bp * (1.0 - V) + Vp * (B + pb->sigma2);
}

/* lam = kappa (1 - df1/n) with 1 - df1/n = (n - rank + sum_{s>0} c kappa/
 * (s + kappa))/n: no cancellation when rank <= n. */
static double ridge_lam_of_kappa(const rmtmc_ridge_problem *pb,
                                 const ridge_info *info, double kappa) {
  double acc = pb->n - info->rank;
  for (int64_t j = 0; j < pb->natoms; ++j)
    if (pb->s[j] > 0) acc += cnt(pb, j) * kappa / (pb->s[j] + kappa);
  return kappa * acc / pb->n;
}

rmtmc_status rmtmc_ridge_optimum(double *lam_star, rmtmc_ridge_limits *at,
                                 int *interior, const rmtmc_ridge_problem *pb,
                                 const rmtmc_theory_opts *opts,
                                 rmtmc_error *err) {
  const char *fn = "rmtmc_ridge_optimum";
  ridge_info info;
  double kappa0;
  rmtmc_status st;
  if (!lam_star || !at)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "%s: lam_star and at must not be NULL", fn);
  if ((st = ridge_check(fn, pb, &info, err))) return st;
  if ((st = ridge_kappa0_raw(&kappa0, pb, &info, opts, fn, err))) return st;
  if (interior) *interior = 0;
  if (!(ridge_signal(pb) > 0)) { /* pure noise: the risk falls with lam */
    *lam_star = HUGE_VAL;
    *at = (rmtmc_ridge_limits){0};
    at->kappa = HUGE_VAL;
    at->risk = at->bias = at->variance = 0;
    at->gcv = pb->sigma2;
    return RMTMC_OK;
  }
  if (pb->sigma2 == 0) { /* no noise: the infimum is the ridgeless limit */
    *lam_star = 0;
    return ridge_eval(at, pb, &info, kappa0, 0.0, opts, fn, err);
  }
  if (ridge_isotropic(pb)) { /* Bayes: sigma2 d / (n ||beta||^2), any Sigma */
    *lam_star = pb->sigma2 * info.d / (pb->n * ridge_signal(pb));
    if (interior) *interior = 1;
    return ridge_eval(at, pb, &info, kappa0, *lam_star, opts, fn, err);
  }
  /* Scan 10 points per decade over 12 decades around the isotropic optimum
   * sigma2 d / (n ||beta||^2), moving the window 6 decades while the best
   * point sits on its edge (at most 4 times); then the root of the
   * stationarity condition g(kappa) between the kappas of the neighbours of
   * the best point (Brent, to rounding), or a golden-section search on
   * log(lam) if g does not change sign there (a risk flat to rounding). */
  enum { NSCAN = 121 };
  double step = log(10.0) / 10.0;
  double lo = log(pb->sigma2 * info.d / (pb->n * ridge_signal(pb))) - 6.0 * log(10.0);
  int ib = 0;
  for (int shift = 0; shift < 5; ++shift) {
    double best = HUGE_VAL;
    for (int i = 0; i < NSCAN; ++i) {
      rmtmc_ridge_limits l;
      if ((st = ridge_eval(&l, pb, &info, kappa0, exp(lo + step * i), opts, fn, err))) return st;
      if (l.risk < best) {
        best = l.risk;
        ib = i;
      }
    }
    if (ib > 0 && ib < NSCAN - 1) break;
    if (shift < 4) lo += (ib == 0 ? -6.0 : 6.0) * log(10.0);
  }
  double a = lo + step * (ib > 0 ? ib - 1 : 0), b = lo + step * (ib < NSCAN - 1 ? ib + 1 : NSCAN - 1);
  if (interior) *interior = ib > 0 && ib < NSCAN - 1;
  {
    rmtmc_ridge_limits la, lb;
    opt_ctx oc = {pb, info.d};
    double ga, gb, kstar;
    if ((st = ridge_eval(&la, pb, &info, kappa0, exp(a), opts, fn, err))) return st;
    if ((st = ridge_eval(&lb, pb, &info, kappa0, exp(b), opts, fn, err))) return st;
    ga = ridge_opt_g(la.kappa, &oc);
    gb = ridge_opt_g(lb.kappa, &oc);
    if (ga < 0 && gb > 0 &&
        theory_brent(&kstar, ridge_opt_g, &oc, la.kappa, lb.kappa, ga, gb, 0.0,
                     1e-300, 400, NULL) == RMTMC_OK) {
      *lam_star = ridge_lam_of_kappa(pb, &info, kstar);
      return ridge_eval(at, pb, &info, kappa0, *lam_star, opts, fn, err);
    }
  }
  const double gr = 0.5 * (sqrt(5.0) - 1.0);
  double x1 = b - gr * (b - a), x2 = a + gr * (b - a);
  rmtmc_ridge_limits l1, l2;
  if ((st = ridge_eval(&l1, pb, &info, kappa0, exp(x1), opts, fn, err))) return st;
  if ((st = ridge_eval(&l2, pb, &info, kappa0, exp(x2), opts, fn, err))) return st;
  for (int it = 0; it < 200 && b - a > 1e-10; ++it) {
    if (l1.risk <= l2.risk) {
      b = x2;
      x2 = x1;
      l2 = l1;
      x1 = b - gr * (b - a);
      if ((st = ridge_eval(&l1, pb, &info, kappa0, exp(x1), opts, fn, err))) return st;
    } else {
      a = x1;
      x1 = x2;
      l1 = l2;
      x2 = a + gr * (b - a);
      if ((st = ridge_eval(&l2, pb, &info, kappa0, exp(x2), opts, fn, err))) return st;
    }
  }
  *lam_star = exp(0.5 * (a + b));
  return ridge_eval(at, pb, &info, kappa0, *lam_star, opts, fn, err);
}

/* ------------------------------------------------ isotropic closed form */

/* Marchenko-Pastur m(w) and m'(w) for real w < 0 (theory.md 1.3-1.4): there
 * R = sqrt(w - lam_-) sqrt(w - lam_+) = -sqrt((lam_- - w)(lam_+ - w)), the
 * cancellation-free branch picks 2/N2 or N1/(2 eta w), and
 * m' = -(eta m^2 + m)/(2 eta w m + w + eta - 1) = -(eta m^2 + m)/R. */
static double mp_m_neg(double eta, double w, double *dm) {
  double se = sqrt(eta), lm = (1 - se) * (1 - se), lp = (1 + se) * (1 + se);
  double r = -sqrt(lm - w) * sqrt(lp - w);
  double n1 = 1 - eta - w + r, n2 = 1 - eta - w - r;
  double m = fabs(n2) > fabs(n1) ? 2.0 / n2 : n1 / (2.0 * eta * w);
  if (dm) *dm = -(eta * m * m + m) / r;
  return m;
}

static rmtmc_status iso_check(const char *fn, double eta, double r2,
                              double sigma2, rmtmc_error *err) {
  if (!(eta > 0) || !isfinite(eta))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the ratio eta = d/n is %g; it must be positive "
                           "and finite",
                           eta);
  if (!(r2 >= 0) || !isfinite(r2))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the signal strength ||beta||^2 = %g must be "
                           "finite and >= 0",
                           r2);
  if (!(sigma2 >= 0) || !isfinite(sigma2))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the noise variance sigma2 = %g must be finite and "
                           ">= 0",
                           sigma2);
  return RMTMC_OK;
}

/* Ridgeless isotropic limits (theory.md 4), per sample (n = 1, d = eta). */
static void iso_ridgeless(rmtmc_ridge_limits *out, double eta, double r2,
                          double sigma2) {
  if (eta < 1) {
    out->kappa = 0;
    out->df1 = out->df2 = eta;
    out->lam_over_kappa = 1 - eta;
    out->bias = 0;
    out->variance = sigma2 * eta / (1 - eta);
  } else if (eta > 1) {
    out->kappa = eta - 1;
    out->df1 = 1;
    out->df2 = 1 / eta;
    out->lam_over_kappa = 0;
    out->bias = r2 * (1 - 1 / eta);
    out->variance = sigma2 / (eta - 1);
  } else {
    out->kappa = 0;
    out->df1 = out->df2 = 1;
    out->lam_over_kappa = 0;
    out->bias = 0;
    out->variance = sigma2 > 0 ? HUGE_VAL : 0.0;
  }
  out->risk = out->bias + out->variance;
  out->gcv = out->risk + sigma2;
  out->train = eta == 1 ? 0.0
                        : out->lam_over_kappa * out->lam_over_kappa * out->gcv;
}

rmtmc_status rmtmc_ridge_iso(rmtmc_ridge_limits *out, double eta, double r2,
                             double sigma2, double lam, rmtmc_error *err) {
  const char *fn = "rmtmc_ridge_iso";
  double mp, delta;
  rmtmc_status st;
  if (!out) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s: out is NULL", fn);
  if ((st = iso_check(fn, eta, r2, sigma2, err))) return st;
  if (!(lam >= 0) || !isfinite(lam))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the ridge penalty lambda = %g must be finite and "
                           ">= 0 (0: the ridgeless limit)",
                           lam);
  if (lam == 0) {
    iso_ridgeless(out, eta, r2, sigma2);
    return RMTMC_OK;
  }
  if (eta <= 1) {
    double m = mp_m_neg(eta, -lam, &mp);
    delta = eta * m; /* slides' delta(lam) for Sigma = I */
    out->kappa = lam * (1 + delta);
    out->bias = r2 * lam * lam * mp;
    out->variance = sigma2 * eta * (m - lam * mp);
  } else {
    /* eta > 1: m has the pole -(1 - 1/eta)/w at 0 and the two terms of
     * m - lam m' cancel for small lam.  Use the companion mc = eta m -
     * (1 - eta)/w (regular at 0; mc(w) = m_{1/eta}(w/eta)/eta): then
     * eta (m - lam m') = mc - lam mc' and eta lam^2 m' = (eta - 1) +
     * lam^2 mc', all at w = -lam. */
    double dmi, mi = mp_m_neg(1.0 / eta, -lam / eta, &dmi);
    double mc = mi / eta, mcp = dmi / (eta * eta);
    delta = mc + (eta - 1) / lam;
    out->kappa = lam * (1 + mc) + (eta - 1);
    out->bias = r2 * ((eta - 1) + lam * lam * mcp) / eta;
    out->variance = sigma2 * (mc - lam * mcp);
  }
  out->df1 = eta / (1 + out->kappa);
  out->df2 = eta / ((1 + out->kappa) * (1 + out->kappa));
  out->lam_over_kappa = lam / out->kappa;
  out->risk = out->bias + out->variance;
  out->gcv = out->risk + sigma2;
  out->train = out->lam_over_kappa * out->lam_over_kappa * out->gcv;
  return RMTMC_OK;
}

rmtmc_status rmtmc_ridge_iso_optimal(double *lam_star, double *risk_star,
                                     double eta, double r2, double sigma2,
                                     rmtmc_error *err) {
  const char *fn = "rmtmc_ridge_iso_optimal";
  double ls;
  rmtmc_status st;
  if ((st = iso_check(fn, eta, r2, sigma2, err))) return st;
  if (!(r2 > 0))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "%s: no signal (||beta||^2 = 0): the optimal "
                           "ridge penalty sigma2 eta / ||beta||^2 is infinite",
                           fn);
  ls = sigma2 * eta / r2;
  if (lam_star) *lam_star = ls;
  if (risk_star) {
    if (ls > 0) {
      *risk_star = sigma2 * eta * mp_m_neg(eta, -ls, NULL);
    } else {
      rmtmc_ridge_limits l;
      iso_ridgeless(&l, eta, r2, sigma2);
      *risk_star = l.risk;
    }
  }
  return RMTMC_OK;
}
