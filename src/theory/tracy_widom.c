/* tracy_widom.c: the Tracy-Widom laws TW1, TW2, TW4 (docs/theory.md
 * 5.1.1-5.1.2) from Bornemann's Nystrom discretisation of their
 * Fredholm determinants (F. Bornemann, Math. Comp. 79 (2010) 871-915).
 *
 *   beta = 2: F2(s) = det(I - K_Ai) on L2(s, inf), Gauss-Legendre nodes on
 *             [s, x_R(s)]; d/ds log F2 = a^T (I - K)^-1 a with
 *             a_i = sqrt(w_i) Ai(x_i), because (d/dx + d/dy) K_Ai = -Ai Ai.
 *   beta = 1: F1(s) = det(I - A_s) on L2(0, inf), A_s(x,y) = Ai(x+y+s),
 *             nodes on [0, L(s)]; d/ds log F1 = -tr((I - A)^-1 A'),
 *             A'(x,y) = Ai'(x+y+s).
 *   beta = 4: F4(s) = E4(sqrt(2) s), E4 = (det(I - A) + det(I + A)) / 2.
 * I - K and I +- A are symmetric positive definite.  They are factored by
 * a Cholesky variant that carries e_j = 1 - L_jj^2 instead of L_jj^2, so
 * log det = sum log1p(-e_j) and 1 - det = -expm1(log det) keep their
 * relative accuracy in the right tail, where every e_j is tiny.
 * In the left tail, where det(I - K) is nearly singular and loses relative
 * accuracy, the tail expansions (Tracy-Widom 1994, Deift-Its-Krasovsky
 * 2008, Baik-Buckingham-DiFranco 2008) take over below s = -8. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rmtmc_edge_theory.h"
#include "theory/tracy_widom_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Quadrature sizes and truncation (docs/theory.md 5.1.2.2: convergence). */
#define TW_M_HANKEL 48   /* nodes for A_s (beta 1, 4) */
#define TW_M_AIRY 40     /* nodes for K_Ai (beta 2) */
#define TW_M_MAX 128
#define TW_C_HANKEL 59.0 /* A_s: Ai(L + s) relative to Ai(max(s,0)) ~ 1e-17 */
#define TW_C_AIRY 30.0   /* K_Ai: exp(-(4/3) x_R^(3/2)) ~ 1e-17 relative */
/* Left-tail switch to the expansions (arguments of F1, F2 and E4): there
 * the Fredholm values and the expansions agree to about 1e-7 relative
 * (F1(-8) = 1.8e-12, F2(-8) = 2.0e-19, E4(-8.5) = 1.5e-9). */
#define TW_LEFT_1 (-8.0)
#define TW_LEFT_2 (-8.0)
#define TW_LEFT_4 (-8.5)

/* zeta'(-1) = 1/12 - log(Glaisher's constant). */
#define TW_ZETAP_M1 (-0.165421143700450929213919660243)

struct rmtmc_tw {
  tw_airy_table airy;
  int m_hankel, m_airy;
  double x[TW_M_MAX], w[TW_M_MAX], sw[TW_M_MAX], ai[TW_M_MAX], aip[TW_M_MAX];
  double *A, *Ad, *B, *Linv; /* TW_M_MAX^2 each */
  int have_moments[3];
  rmtmc_tw_moments moments[3];
};

static int beta_index(int beta) {
  return beta == 1 ? 0 : beta == 2 ? 1 : beta == 4 ? 2 : -1;
}

rmtmc_status rmtmc_tw_create(rmtmc_tw **out, rmtmc_error *err) {
  rmtmc_tw *tw;
  size_t mm = (size_t)TW_M_MAX * TW_M_MAX;
  if (!out) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "rmtmc_tw_create: out is NULL");
  *out = NULL;
  tw = calloc(1, sizeof *tw);
  if (tw) tw->A = malloc(4 * mm * sizeof(double));
  if (!tw || !tw->A) {
    free(tw);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                           "rmtmc_tw_create: cannot allocate the Tracy-Widom workspace");
  }
  tw->Ad = tw->A + mm;
  tw->B = tw->A + 2 * mm;
  tw->Linv = tw->A + 3 * mm;
  tw->m_hankel = TW_M_HANKEL;
  tw->m_airy = TW_M_AIRY;
  tw_airy_table_init(&tw->airy);
  *out = tw;
  return RMTMC_OK;
}

void rmtmc_tw_free(rmtmc_tw *tw) {
  if (!tw) return;
  free(tw->A);
  free(tw);
}

/* ---------------- dense kernels (row-major, m <= TW_M_MAX) ---------------- */

/* Cholesky of I - M (M symmetric, full storage) in place: the lower
 * triangle of M receives L with I - M = L L^T; *logdet = log det(I - M).
 * Returns 0, or -1 when I - M is not numerically positive definite. */
static int chol_dev(int m, double *M, double *logdet) {
  int i, j, k;
  double ld = 0;
  for (j = 0; j < m; ++j) {
    double *Lj = M + (size_t)j * m, e = Lj[j], ljj;
    for (k = 0; k < j; ++k) e += Lj[k] * Lj[k];
    if (!(e < 1.0)) return -1;
    ld += log1p(-e);
    ljj = sqrt(1.0 - e);
    Lj[j] = ljj;
    for (i = j + 1; i < m; ++i) {
      double *Li = M + (size_t)i * m, v = -Li[j];
      for (k = 0; k < j; ++k) v -= Li[k] * Lj[k];
      Li[j] = v / ljj;
    }
  }
  *logdet = ld;
  return 0;
}

/* tr((L L^T)^-1 D) for the factor L of chol_dev and symmetric D (full
 * storage): with R = L^-1 (rows r_i), the trace is sum_i r_i^T D r_i. */
static double trace_inv(int m, const double *L, const double *D, double *R) {
  int i, j, k;
  double tr = 0;
  memset(R, 0, (size_t)m * m * sizeof(double));
  for (j = 0; j < m; ++j) { /* column j of L^-1 by forward substitution */
    R[(size_t)j * m + j] = 1.0 / L[(size_t)j * m + j];
    for (i = j + 1; i < m; ++i) {
      const double *Li = L + (size_t)i * m;
      double v = 0;
      for (k = j; k < i; ++k) v -= Li[k] * R[(size_t)k * m + j];
      R[(size_t)i * m + j] = v / Li[i];
    }
  }
  for (i = 0; i < m; ++i) {
    const double *r = R + (size_t)i * m;
    double acc = 0;
    for (j = 0; j <= i; ++j) {
      const double *Dj = D + (size_t)j * m;
      double v = 0;
      for (k = 0; k <= i; ++k) v += Dj[k] * r[k];
      acc += r[j] * v;
    }
    tr += acc;
  }
  return tr;
}

/* Solve L y = a in place and return |y|^2 = a^T (L L^T)^-1 a. */
static double quad_inv(int m, const double *L, double *a) {
  int i, k;
  double q = 0;
  for (i = 0; i < m; ++i) {
    const double *Li = L + (size_t)i * m;
    double v = a[i];
    for (k = 0; k < i; ++k) v -= Li[k] * a[k];
    a[i] = v / Li[i];
    q += a[i] * a[i];
  }
  return q;
}

/* ---------------- the determinants ---------------- */

/* log det(I - K_Ai) on (s, inf) and (want_d) its s-derivative. */
static int fred_airy(rmtmc_tw *tw, double s, int want_d, double *logdet,
                     double *dlog) {
  int m = tw->m_airy, i, j;
  double xr = pow(pow(fmax(s, 0.0), 1.5) + TW_C_AIRY, 2.0 / 3.0);
  double *K = tw->A;
  if (xr < s + 1.0) xr = s + 1.0;
  tw_gauss_legendre(m, s, xr, tw->x, tw->w);
  for (i = 0; i < m; ++i) {
    tw->sw[i] = sqrt(tw->w[i]);
    tw_airy_fast(&tw->airy, tw->x[i], &tw->ai[i], &tw->aip[i]);
  }
  for (i = 0; i < m; ++i) {
    for (j = 0; j <= i; ++j) {
      double k;
      if (i == j)
        k = tw->aip[i] * tw->aip[i] - tw->x[i] * tw->ai[i] * tw->ai[i];
      else
        k = (tw->ai[i] * tw->aip[j] - tw->aip[i] * tw->ai[j]) / (tw->x[i] - tw->x[j]);
      k *= tw->sw[i] * tw->sw[j];
      K[(size_t)i * m + j] = K[(size_t)j * m + i] = k;
    }
  }
  if (chol_dev(m, K, logdet)) return -1;
  if (want_d) {
    double a[TW_M_MAX];
    for (i = 0; i < m; ++i) a[i] = tw->sw[i] * tw->ai[i];
    *dlog = quad_inv(m, K, a);
  }
  return 0;
}

/* log det(I - A_s) and log det(I + A_s) on (0, inf) (want_plus), with
 * their s-derivatives (want_d). */
static int fred_hankel(rmtmc_tw *tw, double s, int want_plus, int want_d,
                       double *ld_minus, double *d_minus, double *ld_plus,
                       double *d_plus) {
  int m = tw->m_hankel, i, j;
  double L = pow(pow(fmax(s, 0.0), 1.5) + TW_C_HANKEL, 2.0 / 3.0) - s;
  double *A = tw->A, *Ad = tw->Ad, *B = tw->B;
  tw_gauss_legendre(m, 0.0, L, tw->x, tw->w);
  for (i = 0; i < m; ++i) tw->sw[i] = sqrt(tw->w[i]);
  for (i = 0; i < m; ++i) {
    for (j = 0; j <= i; ++j) {
      double a, ap, ww = tw->sw[i] * tw->sw[j];
      tw_airy_fast(&tw->airy, tw->x[i] + tw->x[j] + s, &a, &ap);
      A[(size_t)i * m + j] = A[(size_t)j * m + i] = ww * a;
      Ad[(size_t)i * m + j] = Ad[(size_t)j * m + i] = ww * ap;
    }
  }
  if (want_plus)
    for (i = 0; i < m * m; ++i) B[i] = -A[i];
  if (chol_dev(m, A, ld_minus)) return -1;
  if (want_d) *d_minus = -trace_inv(m, A, Ad, tw->Linv);
  if (want_plus) {
    if (chol_dev(m, B, ld_plus)) return -1;
    if (want_d) *d_plus = trace_inv(m, B, Ad, tw->Linv);
  }
  return 0;
}

/* ---------------- tails ---------------- */

/* Left-tail expansions of log F and d/ds log F, with a = -s -> +inf:
 *   log F2 = log tau2 - (1/8) log a - a^3/12 + 3/(64 a^3) + 63/(256 a^6)
 *            + O(a^-9),  tau2 = 2^(1/24) e^(zeta'(-1))
 *            (Tracy-Widom 1994; the constant: Deift-Its-Krasovsky 2008);
 *   log F1 = log F2 / 2 - (1/2) int_s^inf q, q the Hastings-McLeod
 *            solution, q(s) = sqrt(-s/2) (1 + 1/(8 s^3) - 73/(128 s^6) +
 *            10657/(1024 s^9) + ...):
 *            log tau1 - (1/16) log a - a^3/24 - a^(3/2)/(3 sqrt 2)
 *            - 1/(24 sqrt2 a^(3/2)) + 3/(128 a^3) - 73/(1152 sqrt2 a^(9/2))
 *            + 63/(512 a^6) - 10657/(15360 sqrt2 a^(15/2)),
 *            tau1 = 2^(-11/48) e^(zeta'(-1)/2)  (Baik-Buckingham-DiFranco
 *            2008);
 *   E4     = (F1 + F2/F1) / 2 from the two expansions above.
 * Measured against the Fredholm determinants at s = -5 ... -9: they agree
 * to 2e-8 (F1), 1.2e-7 (F2), 4e-8 (E4) relative at the switch points. */
static void left_tail_12(int beta, double s, double *logF, double *dlog) {
  double a = -s, r2 = sqrt(2.0), ra = sqrt(a), a3 = a * a * a, a6 = a3 * a3;
  double l2 = log(2.0) / 24 + TW_ZETAP_M1 - log(a) / 8 - a3 / 12 + 3.0 / (64 * a3) +
              63.0 / (256 * a6);
  /* d/da of log F2 */
  double d2 = -1.0 / (8 * a) - a * a / 4 - 9.0 / (64 * a3 * a) - 378.0 / (256 * a6 * a);
  if (beta == 2) {
    *logF = l2;
    *dlog = -d2;
    return;
  }
  {
    double ia15 = 1.0 / (a * ra); /* a^(-3/2) */
    double l1 = (-11.0 / 48) * log(2.0) + TW_ZETAP_M1 / 2 - log(a) / 16 - a3 / 24 -
                a * ra / (3 * r2) - ia15 / (24 * r2) + 3.0 / (128 * a3) -
                73.0 * ia15 * ia15 * ia15 / (1152 * r2) + 63.0 / (512 * a6) -
                10657.0 * ia15 * ia15 * ia15 * ia15 * ia15 / (15360 * r2);
    double d1 = -1.0 / (16 * a) - a * a / 8 - ra / (2 * r2) + 1.5 * ia15 / (24 * r2 * a) -
                9.0 / (128 * a3 * a) + 4.5 * 73.0 * ia15 * ia15 * ia15 / (1152 * r2 * a) -
                6 * 63.0 / (512 * a6 * a) +
                7.5 * 10657.0 * ia15 * ia15 * ia15 * ia15 * ia15 / (15360 * r2 * a);
    *logF = l1;
    *dlog = -d1;
  }
}

/* E4 = (F1 + G)/2 with G = F2/F1, from log F1, log G and their
 * derivatives: log E4 and d/dt log E4. */
static void e4_combine(double l1, double d1, double lg, double dg, double *logE,
                       double *dE) {
  double hi = fmax(l1, lg), lo = fmin(l1, lg);
  *logE = hi + log1p(exp(lo - hi)) - log(2.0);
  *dE = 0.5 * (exp(l1 - *logE) * d1 + exp(lg - *logE) * dg);
}

static void left_tail(int beta, double s, double *logF, double *dlog) {
  if (beta == 4) {
    double l1, d1, l2, d2;
    left_tail_12(1, s, &l1, &d1);
    left_tail_12(2, s, &l2, &d2);
    e4_combine(l1, d1, l2 - l1, d2 - d1, logF, dlog);
  } else {
    left_tail_12(beta, s, logF, dlog);
  }
}

/* ---------------- evaluation ---------------- */

static void fill_point(rmtmc_tw_point *p, double logF, double sf, double dlog,
                       int want_pdf) {
  p->logcdf = logF;
  p->cdf = exp(logF);
  p->sf = sf;
  p->pdf = want_pdf ? p->cdf * dlog : NAN;
}

rmtmc_status rmtmc_tw_eval(rmtmc_tw *tw, int beta, double s, int want_pdf,
                           rmtmc_tw_point *out, rmtmc_error *err) {
  double ld = 0, dl = 0, ldp = 0, dlp = 0;
  rmtmc_tw_point p;
  if (!tw || !out)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "rmtmc_tw_eval: NULL workspace or output");
  if (beta_index(beta) < 0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "Tracy-Widom: beta must be 1, 2 or 4 (got %d)", beta);
  if (isnan(s))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "Tracy-Widom: s is NaN");
  p.s = s;
  if (s == INFINITY) {
    p.cdf = 1;
    p.sf = 0;
    p.logcdf = 0;
    p.pdf = want_pdf ? 0 : NAN;
    *out = p;
    return RMTMC_OK;
  }
  if (s == -INFINITY) {
    p.cdf = 0;
    p.sf = 1;
    p.logcdf = -INFINITY;
    p.pdf = want_pdf ? 0 : NAN;
    *out = p;
    return RMTMC_OK;
  }
  if (beta == 2) {
    if (s < TW_LEFT_2) {
      left_tail(2, s, &ld, &dl);
      fill_point(&p, ld, -expm1(ld), dl, want_pdf);
    } else {
      if (fred_airy(tw, s, want_pdf, &ld, &dl))
        return rmtmc_error_set(err, RMTMC_ERR_NUMERIC,
                               "Tracy-Widom F2(%g): I - K is not numerically positive definite", s);
      fill_point(&p, ld, -expm1(ld), dl, want_pdf);
    }
  } else if (beta == 1) {
    if (s < TW_LEFT_1) {
      left_tail(1, s, &ld, &dl);
      fill_point(&p, ld, -expm1(ld), dl, want_pdf);
    } else {
      if (fred_hankel(tw, s, 0, want_pdf, &ld, &dl, NULL, NULL))
        return rmtmc_error_set(err, RMTMC_ERR_NUMERIC,
                               "Tracy-Widom F1(%g): I - A is not numerically positive definite", s);
      fill_point(&p, ld, -expm1(ld), dl, want_pdf);
    }
  } else { /* beta 4: E4 at t = sqrt(2) s */
    double t = sqrt(2.0) * s, logE, sfE, dE = 0;
    if (t < TW_LEFT_4) {
      left_tail(4, t, &logE, &dE);
      fill_point(&p, logE, -expm1(logE), sqrt(2.0) * dE, want_pdf);
    } else {
      if (fred_hankel(tw, t, 1, want_pdf, &ld, &dl, &ldp, &dlp))
        return rmtmc_error_set(err, RMTMC_ERR_NUMERIC,
                               "Tracy-Widom F4(%g): I -+ A is not numerically positive definite", s);
      e4_combine(ld, dl, ldp, dlp, &logE, &dE);
      sfE = 0.5 * (-expm1(ld) - expm1(ldp));
      fill_point(&p, logE, sfE, sqrt(2.0) * dE, want_pdf);
    }
  }
  *out = p;
  return RMTMC_OK;
}

rmtmc_status rmtmc_tw_table(rmtmc_tw *tw, int beta, int64_t n,
                            const double *s, double *cdf, double *pdf,
                            rmtmc_error *err) {
  int64_t i;
  if (n < 0 || (n > 0 && !s))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "rmtmc_tw_table: bad count or NULL s");
  for (i = 0; i < n; ++i) {
    rmtmc_tw_point p;
    rmtmc_status st = rmtmc_tw_eval(tw, beta, s[i], pdf != NULL, &p, err);
    if (st) return st;
    if (cdf) cdf[i] = p.cdf;
    if (pdf) pdf[i] = p.pdf;
  }
  return RMTMC_OK;
}

/* ---------------- quantiles ---------------- */

/* Solve g(s) = target with g = log F (upper = 0) or g = -log(1 - F)
 * (upper = 1), both increasing, by Newton inside a bracket [lo, hi] kept
 * on both sides of the root; a Newton step that would leave the bracket or
 * that is not at most half the step before last is replaced by bisection
 * (the safeguard of Numerical Recipes' rtsafe). */
#define TW_G(pt) (upper ? -log((pt).sf) : (pt).logcdf)
static rmtmc_status tw_solve(rmtmc_tw *tw, int beta, double logtarget,
                             int upper, double *s_out, rmtmc_error *err) {
  double lo = -4, hi = 2, s, g, dg, dx, dxold, target = upper ? -logtarget : logtarget;
  rmtmc_tw_point p;
  rmtmc_status st;
  int it;
  for (it = 0;; ++it) { /* bracket: g(lo) < target < g(hi) */
    if ((st = rmtmc_tw_eval(tw, beta, lo, 0, &p, err))) return st;
    if (TW_G(p) < target) break;
    hi = lo;
    lo = lo * 1.5 - 1;
    if (it > 40) return rmtmc_error_set(err, RMTMC_ERR_NOCONV, "Tracy-Widom quantile: no lower bracket");
  }
  for (it = 0;; ++it) {
    if ((st = rmtmc_tw_eval(tw, beta, hi, 0, &p, err))) return st;
    g = TW_G(p);
    if (g > target) break;
    lo = hi;
    hi = hi * 1.5 + 1;
    if (it > 40 || !isfinite(g))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "Tracy-Widom quantile: probability too close to 1 for double precision");
  }
  s = 0.5 * (lo + hi);
  dx = dxold = hi - lo;
  for (it = 0; it < 200; ++it) {
    double r, tol = 2 * DBL_EPSILON * fmax(1.0, fabs(s));
    if ((st = rmtmc_tw_eval(tw, beta, s, 1, &p, err))) return st;
    r = TW_G(p) - target;
    if (r == 0) break;
    if (r < 0)
      lo = s;
    else
      hi = s;
    dg = upper ? p.pdf / p.sf : p.pdf / p.cdf; /* g'(s) > 0 */
    if (!(dg > 0 && isfinite(dg)) || ((s - hi) * dg - r) * ((s - lo) * dg - r) > 0 ||
        fabs(2 * r) > fabs(dxold * dg)) {
      dxold = dx;
      dx = 0.5 * (hi - lo);
      s = lo + dx;
    } else {
      dxold = dx;
      dx = r / dg;
      s -= dx;
    }
    if (fabs(dx) <= tol || hi - lo <= tol) break;
  }
  if (it == 200) return rmtmc_error_set(err, RMTMC_ERR_NOCONV, "Tracy-Widom quantile: no convergence in 200 steps");
  *s_out = s;
  return RMTMC_OK;
}
#undef TW_G

rmtmc_status rmtmc_tw_quantile(rmtmc_tw *tw, int beta, double p, double *s,
                               rmtmc_error *err) {
  if (!tw || !s) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "rmtmc_tw_quantile: NULL argument");
  if (beta_index(beta) < 0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "Tracy-Widom: beta must be 1, 2 or 4 (got %d)", beta);
  if (!(p > 0 && p < 1))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "Tracy-Widom quantile: p must lie in (0, 1) (got %g)", p);
  if (p > 0.5) return tw_solve(tw, beta, log1p(-p), 1, s, err);
  return tw_solve(tw, beta, log(p), 0, s, err);
}

rmtmc_status rmtmc_tw_isf(rmtmc_tw *tw, int beta, double q, double *s,
                          rmtmc_error *err) {
  if (!tw || !s) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "rmtmc_tw_isf: NULL argument");
  if (beta_index(beta) < 0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "Tracy-Widom: beta must be 1, 2 or 4 (got %d)", beta);
  if (!(q > 0 && q < 1))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "Tracy-Widom upper quantile: q must lie in (0, 1) (got %g)", q);
  if (q < 0.5) return tw_solve(tw, beta, log(q), 1, s, err);
  return tw_solve(tw, beta, log1p(-q), 0, s, err);
}

/* ---------------- moments ---------------- */

#define TW_MOM_LEFT (-14.0)  /* F < 1e-30 beyond (all three laws) */
#define TW_MOM_RIGHT 16.0    /* 1 - F < 1e-20 beyond */
#define TW_MOM_PANEL 1.0
#define TW_MOM_NODES 16

rmtmc_status rmtmc_tw_moments_get(rmtmc_tw *tw, int beta, rmtmc_tw_moments *m,
                                  rmtmc_error *err) {
  int b = beta_index(beta), k, i;
  double raw[5] = {1, 0, 0, 0, 0}, xs[TW_MOM_NODES], ws[TW_MOM_NODES];
  double a, mu, v, c3, c4;
  if (!tw || !m) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "rmtmc_tw_moments_get: NULL argument");
  if (b < 0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "Tracy-Widom: beta must be 1, 2 or 4 (got %d)", beta);
  if (tw->have_moments[b]) {
    *m = tw->moments[b];
    return RMTMC_OK;
  }
  /* E X^k = int_0^inf k s^(k-1) (1-F) ds - int_-inf^0 k s^(k-1) F ds */
  for (a = TW_MOM_LEFT; a < TW_MOM_RIGHT - 1e-9; a += TW_MOM_PANEL) {
    tw_gauss_legendre(TW_MOM_NODES, a, a + TW_MOM_PANEL, xs, ws);
    for (i = 0; i < TW_MOM_NODES; ++i) {
      rmtmc_tw_point p;
      rmtmc_status st = rmtmc_tw_eval(tw, beta, xs[i], 0, &p, err);
      double f, sk = 1;
      if (st) return st;
      f = xs[i] >= 0 ? p.sf : -p.cdf;
      for (k = 1; k <= 4; ++k) {
        raw[k] += ws[i] * k * sk * f;
        sk *= xs[i];
      }
    }
  }
  mu = raw[1];
  v = raw[2] - mu * mu;
  c3 = raw[3] - 3 * mu * raw[2] + 2 * mu * mu * mu;
  c4 = raw[4] - 4 * mu * raw[3] + 6 * mu * mu * raw[2] - 3 * mu * mu * mu * mu;
  tw->moments[b].mean = mu;
  tw->moments[b].variance = v;
  tw->moments[b].sd = sqrt(v);
  tw->moments[b].skewness = c3 / (v * sqrt(v));
  tw->moments[b].excess_kurtosis = c4 / (v * v) - 3;
  tw->have_moments[b] = 1;
  *m = tw->moments[b];
  return RMTMC_OK;
}
