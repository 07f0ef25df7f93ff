/* mp.c: Marchenko-Pastur closed forms for Sigma = I (docs/theory.md section 1).
 *
 * All functions are pure; invalid arguments (eta <= 0 or not finite) give
 * NaN.  Conventions of docs/theory.md section 0: m(w) = int dnu(x)/(x - w) on the
 * d x d side, mc(w) = eta m(w) - (1 - eta)/w on the n x n side. */
#include <complex.h>
#include <math.h>

#include "rmtmc_theory.h"
#include "theory/theory_internal.h"

static int mp_eta_ok(double eta) { return isfinite(eta) && eta > 0; }

/* w with the sign of a zero imaginary part normalised to +0, and Im w < 0
 * reflected to the upper half plane (*conj_back = 1 then). */
static double complex mp_upper(double complex w, int *conj_back) {
  double re = creal(w), im = cimag(w);
  *conj_back = 0;
  if (im < 0) {
    im = -im;
    *conj_back = 1;
  } else if (im == 0) {
    im = 0.0; /* turns -0.0 into +0.0 */
  }
  return CMPLX(re, im);
}

/* R(w) = sqrt(w - lam_-) sqrt(w - lam_+) with the principal root of each
 * factor (theory.md 1.3): cut exactly on [lam_-, lam_+], R ~ w at infinity,
 * R < 0 for real w < lam_-, R > 0 for real w > lam_+.  w has Im w >= +0. */
static double complex mp_r(double eta, double complex w) {
  double lo, hi;
  rmtmc_mp_edges(eta, &lo, &hi);
  return csqrt(w - lo) * csqrt(w - hi);
}

void rmtmc_mp_edges(double eta, double *lo, double *hi) {
  double s = sqrt(eta);
  if (!mp_eta_ok(eta)) {
    if (lo) *lo = NAN;
    if (hi) *hi = NAN;
    return;
  }
  if (lo) *lo = (1.0 - s) * (1.0 - s);
  if (hi) *hi = (1.0 + s) * (1.0 + s);
}

double rmtmc_mp_atom(double eta) {
  if (!mp_eta_ok(eta)) return NAN;
  return eta > 1.0 ? 1.0 - 1.0 / eta : 0.0;
}

/* theory.md 1.2: f(x) = sqrt((lam_+ - x)(x - lam_-)) / (2 pi eta x) on the open
 * interval (lam_-, lam_+), 0 elsewhere (including x = 0 when eta = 1, where
 * the density diverges like x^-1/2). */
double rmtmc_mp_density(double eta, double x) {
  double lo, hi;
  if (!mp_eta_ok(eta) || isnan(x)) return NAN;
  rmtmc_mp_edges(eta, &lo, &hi);
  if (!(x > lo && x < hi) || x <= 0) return 0.0;
  return sqrt((hi - x) * (x - lo)) / (2.0 * M_PI * eta * x);
}

/* theory.md 1.3, cancellation-free: with N1 = 1 - eta - w + R and
 * N2 = 1 - eta - w - R, m = 2/N2 if |N2| > |N1|, else N1/(2 eta w).
 * For real w on the support this returns the boundary value m(w + i0).
 * At w = 0 it gives 1/(1 - eta) for eta < 1 and infinity for eta > 1 (the
 * atom). */
double complex rmtmc_mp_stieltjes(double eta, double complex w) {
  int conj_back;
  double complex r, n1, n2, m;
  if (!mp_eta_ok(eta)) return CMPLX(NAN, NAN);
  w = mp_upper(w, &conj_back);
  r = mp_r(eta, w);
  n1 = 1.0 - eta - w + r;
  n2 = 1.0 - eta - w - r;
  if (cabs(n2) > cabs(n1))
    m = 2.0 / n2;
  else
    m = n1 / (2.0 * eta * w);
  return conj_back ? conj(m) : m;
}

/* mc(w) = eta m(w) - (1 - eta)/w, evaluated from its own quadratic
 * w mc^2 + (w + 1 - eta) mc + 1 = 0 (the companion law is MP for 1/eta
 * rescaled), so that eta > 1 near w = 0 does not cancel:
 * N1 = eta - 1 - w + R, N2 = eta - 1 - w - R, mc = 2/N2 or N1/(2w). */
double complex rmtmc_mp_companion(double eta, double complex w) {
  int conj_back;
  double complex r, n1, n2, mc;
  if (!mp_eta_ok(eta)) return CMPLX(NAN, NAN);
  w = mp_upper(w, &conj_back);
  r = mp_r(eta, w);
  n1 = eta - 1.0 - w + r;
  n2 = eta - 1.0 - w - r;
  if (cabs(n2) > cabs(n1))
    mc = 2.0 / n2;
  else
    mc = n1 / (2.0 * w);
  return conj_back ? conj(mc) : mc;
}

/* theory.md 1.6: sum_{r=0}^{k-1} eta^r/(r+1) C(k,r) C(k-1,r), the Narayana
 * numbers N(k, r+1) built by the exact ratio recurrence
 * N(k, r+2) / N(k, r+1) = (k-r)(k-r-1) / ((r+1)(r+2)). */
void rmtmc_mp_moments(double eta, int kmax, double *out) {
  int k, r;
  if (!out) return;
  for (k = 1; k <= kmax; ++k) {
    double nar = 1.0, pw = 1.0, sum = 0.0;
    if (!mp_eta_ok(eta)) {
      out[k - 1] = NAN;
      continue;
    }
    for (r = 0; r < k; ++r) {
      sum += nar * pw;
      nar = nar * (double)(k - r) * (double)(k - r - 1) /
            ((double)(r + 1) * (double)(r + 2));
      pw *= eta;
    }
    out[k - 1] = sum;
  }
}

/* theory.md 1.7: positive root of gamma d^2 + (1 + gamma - eta) d - eta = 0
 * (corrected discriminant 4 gamma eta), evaluated without cancellation:
 * b = eta - gamma - 1, D = sqrt(b^2 + 4 gamma eta);
 * d = (b + D)/(2 gamma) if b >= 0, else 2 eta/(D - b).
 * gamma = 0 gives eta/(1 - eta) (eta < 1) or +infinity (eta >= 1);
 * gamma < 0 gives NaN. */
double rmtmc_mp_delta(double eta, double gamma) {
  double b, disc;
  if (!mp_eta_ok(eta) || !(gamma >= 0) || isinf(gamma)) {
    if (mp_eta_ok(eta) && isinf(gamma) && gamma > 0) return 0.0;
    return NAN;
  }
  b = (eta - 1.0) - gamma; /* not (eta - gamma) - 1: cancels for eta ~ 1 */
  disc = sqrt(b * b + 4.0 * gamma * eta);
  if (b >= 0) return gamma > 0 ? (b + disc) / (2.0 * gamma) : INFINITY;
  return 2.0 * eta / (disc - b);
}

/* theory.md 1.9: mu(w) = (1/4)[1/(lam_- - w) + 1/(lam_+ - w)] + 1/(2 R(w)),
 * the Bai-Silverstein (2004) mean for f(x) = 1/(x - w), real Gaussian
 * entries.  Equals the general formula of rmtmc_theory_stieltjes_bias
 * with H = delta_1 (checked for eta < 1 and eta > 1). */
double complex rmtmc_mp_bias(double eta, double complex w) {
  int conj_back;
  double lo, hi;
  double complex r, mu;
  if (!mp_eta_ok(eta)) return CMPLX(NAN, NAN);
  w = mp_upper(w, &conj_back);
  rmtmc_mp_edges(eta, &lo, &hi);
  r = mp_r(eta, w);
  mu = 0.25 * (1.0 / (lo - w) + 1.0 / (hi - w)) + 1.0 / (2.0 * r);
  return conj_back ? conj(mu) : mu;
}

/* theory.md 1.9: lim d sd(m_d(w)) = sqrt(Sch[mc](w)/3), real w off the support.
 * The Schwarzian is invariant under Moebius maps, so Sch[mc] = Sch[u] with
 * u = -1/mc, and u(w) inverts x(u) = u + eta + eta/(u - 1) (the Silverstein
 * equation with H = delta_1, see theory_internal.h).  For an inverse
 * function Sch[u](w) = -Sch[x](u) / x'(u)^2 with
 *   x' = 1 - eta/(u-1)^2, x'' = 2 eta/(u-1)^3, x''' = -6 eta/(u-1)^4.
 * Returns NaN for w on the support (or at w = 0 when eta > 1). */
double rmtmc_mp_sd_coef(double eta, double w) {
  double lo, hi, u, v, x1, x2, x3, sch_x, sch;
  double complex mc;
  if (!mp_eta_ok(eta) || !isfinite(w)) return NAN;
  rmtmc_mp_edges(eta, &lo, &hi);
  if (w >= lo && w <= hi) return NAN;
  if (w == 0) {
    if (eta > 1) return NAN;
    u = 0.0; /* mc = infinity; u = -1/mc = 0 is a regular point */
  } else {
    mc = rmtmc_mp_companion(eta, w);
    u = -1.0 / creal(mc);
  }
  v = u - 1.0;
  x1 = 1.0 - eta / (v * v);
  x2 = 2.0 * eta / (v * v * v);
  x3 = -6.0 * eta / (v * v * v * v);
  sch_x = x3 / x1 - 1.5 * (x2 / x1) * (x2 / x1);
  sch = -sch_x / (x1 * x1);
  if (!(sch >= 0)) return NAN;
  return sqrt(sch / 3.0);
}
