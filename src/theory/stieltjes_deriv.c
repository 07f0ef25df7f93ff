/* stieltjes_deriv.c: m'(w) and the O(1/d) bias of m_d'(w)
 * (rmtmc_theory_deriv.h), on the public theory functions only. */
#include "rmtmc_theory_deriv.h"

#include <complex.h>
#include <math.h>
#include <stddef.h>

#define CAUCHY_NODES 32
static const double PI = 3.14159265358979323846;

double complex rmtmc_mp_stieltjes_deriv(double eta, double complex w) {
  if (!(eta > 0) || !isfinite(eta)) return CMPLX(NAN, NAN);
  double complex m = rmtmc_mp_stieltjes(eta, w);
  double complex den = 2.0 * eta * w * m + w + eta - 1.0;
  if (den == 0.0) return CMPLX(NAN, NAN);
  double complex dm = -(eta * m * m + m) / den;
  return cimag(w) == 0.0 ? CMPLX(creal(dm), 0.0) : dm;
}

/* Distance from w to the support of the limit law (and to 0 when
 * with_zero), NAN when the support cannot be computed. */
static double singular_distance(const rmtmc_pop *H, double eta, double complex w, int with_zero) {
  rmtmc_support S;
  if (rmtmc_theory_support(H, eta, &S, NULL) != RMTMC_OK) return NAN;
  double dist = with_zero ? cabs(w) : INFINITY, x = creal(w), y = fabs(cimag(w));
  for (int64_t i = 0; i < S.nint; ++i) {
    double dx = x < S.lo[i] ? S.lo[i] - x : (x > S.hi[i] ? x - S.hi[i] : 0.0);
    double dd = hypot(dx, y);
    if (dd < dist) dist = dd;
  }
  rmtmc_support_free(&S);
  return dist;
}

/* f'(w) = (1 / (N r)) sum_k f(w + r e^{i theta_k}) e^{-i theta_k}: the
 * trapezoidal rule for the Cauchy integral, f analytic in a disc of radius
 * 4 r around w. */
typedef rmtmc_status (*analytic_fn)(const void *ctx, double complex w, double complex *f, rmtmc_error *err);

static rmtmc_status cauchy_derivative(analytic_fn f, const void *ctx, double complex w, double r, double complex *df,
                                      rmtmc_error *err) {
  double complex s = 0.0;
  for (int k = 0; k < CAUCHY_NODES; ++k) {
    double th = 2.0 * PI * ((double)k + 0.5) / CAUCHY_NODES;
    double complex e = CMPLX(cos(th), sin(th)), v;
    rmtmc_status st = f(ctx, w + r * e, &v, err);
    if (st != RMTMC_OK) return st;
    s += v * conj(e);
  }
  *df = s / ((double)CAUCHY_NODES * r);
  return RMTMC_OK;
}

typedef struct fn_ctx {
  const rmtmc_pop *H;
  double eta, kurt;
  const rmtmc_theory_opts *opts;
  const rmtmc_entry_mixing *mx; /* NULL: diagonal Sigma */
} fn_ctx;

static rmtmc_status m_at(const void *ctx, double complex w, double complex *m, rmtmc_error *err) {
  const fn_ctx *c = ctx;
  return rmtmc_theory_stieltjes(c->H, c->eta, w, c->opts, m, NULL, err);
}

static rmtmc_status mu_at(const void *ctx, double complex w, double complex *mu, rmtmc_error *err) {
  const fn_ctx *c = ctx;
  if (c->mx && c->mx->v2) return rmtmc_theory_stieltjes_bias_sigma(c->mx, c->eta, w, c->kurt, c->opts, mu, err);
  return rmtmc_theory_stieltjes_bias(c->H, c->eta, w, c->kurt, c->opts, mu, err);
}

rmtmc_status rmtmc_theory_stieltjes_deriv(const rmtmc_pop *H, double eta, double complex w,
                                          const rmtmc_theory_opts *opts, double complex *dm, rmtmc_error *err) {
  double complex m, mc;
  /* the checks of the transform itself (support, atoms, H) */
  rmtmc_status st = rmtmc_theory_stieltjes(H, eta, w, opts, &m, NULL, err);
  if (st != RMTMC_OK) return st;
  if (H->k == 1 && H->t[0] > 0) {
    double t = H->t[0];
    *dm = rmtmc_mp_stieltjes_deriv(eta, w / t) / (t * t);
    return RMTMC_OK;
  }
  if (w == 0.0) {
    double r = 0.25 * singular_distance(H, eta, w, rmtmc_theory_atom(H, eta) > 0);
    if (!(r > 0) || !isfinite(r))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "m'(z) at z = 0: 0 is on the support or an atom of the limit law");
    fn_ctx c = {H, eta, 0.0, opts, NULL};
    st = cauchy_derivative(m_at, &c, w, r, dm, err);
    if (st == RMTMC_OK) *dm = CMPLX(creal(*dm), 0.0); /* real at the real point 0 */
    return st;
  }
  if ((st = rmtmc_theory_stieltjes(H, eta, w, opts, &m, &mc, err)) != RMTMC_OK) return st;
  double wsum = 0.0;
  for (int64_t j = 0; j < H->k; ++j) wsum += H->w[j];
  double complex a = 0.0, b = 0.0;
  for (int64_t j = 0; j < H->k; ++j) {
    double complex q = 1.0 / (1.0 + H->t[j] * mc), wt = H->w[j] / wsum * H->t[j];
    a += wt * H->t[j] * q * q;
    b += wt * q * q;
  }
  double complex dmc = 1.0 / (1.0 / (mc * mc) - eta * a);
  double complex v = -m / w + dmc * b / w;
  *dm = cimag(w) == 0.0 ? CMPLX(creal(v), 0.0) : v;
  return RMTMC_OK;
}

rmtmc_status rmtmc_theory_stieltjes_deriv_bias_mixing(const rmtmc_pop *H, const rmtmc_entry_mixing *mx, double eta,
                                                      double complex w, double kurt_excess,
                                                      const rmtmc_theory_opts *opts, double complex *dmu,
                                                      rmtmc_error *err) {
  fn_ctx c = {H, eta, kurt_excess, opts, mx};
  double complex mu;
  rmtmc_status st = mu_at(&c, w, &mu, err);
  if (st != RMTMC_OK) return st;
  double r = 0.25 * singular_distance(H, eta, w, 1);
  if (!(r > 0) || !isfinite(r))
    return rmtmc_error_set(err, RMTMC_ERR_UNSUPPORTED,
                           "the O(1/d) bias of m_d'(z) is not evaluated at z = %g%+gi (too close to 0 or the support)",
                           creal(w), cimag(w));
  double complex v;
  st = cauchy_derivative(mu_at, &c, w, r, &v, err);
  if (st != RMTMC_OK) return st;
  *dmu = cimag(w) == 0.0 ? CMPLX(creal(v), 0.0) : v;
  return RMTMC_OK;
}

rmtmc_status rmtmc_theory_stieltjes_deriv_bias(const rmtmc_pop *H, double eta, double complex w, double kurt_excess,
                                               const rmtmc_theory_opts *opts, double complex *dmu, rmtmc_error *err) {
  return rmtmc_theory_stieltjes_deriv_bias_mixing(H, NULL, eta, w, kurt_excess, opts, dmu, err);
}
