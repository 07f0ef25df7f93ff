/* resolvent.c: deterministic equivalents of the resolvent Q(z) = (S + zI)^-1
 * and of its linear functionals, the second-order equivalent of a^T Q^2 b,
 * and what is known of their finite-d bias and spread
 * (rmtmc_theory_resolvent.h, docs/theory.md 10). */
#include "rmtmc_theory_resolvent.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmplx_compat.h"
#include "theory/theory_internal.h" /* M_PI */
#include "rmtmc_theory_deriv.h"

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static rmtmc_status check_sigma(const rmtmc_resolvent_sigma *sg, rmtmc_error *err) {
  if (!sg || sg->d < 1 || sg->n < 1 || !sg->s)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "resolvent theory: Sigma's eigenvalues and d, n >= 1 are needed");
  double smax = 0.0;
  for (int64_t k = 0; k < sg->d; ++k) {
    if (!(sg->s[k] >= 0.0) || !isfinite(sg->s[k]))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "resolvent theory: Sigma's eigenvalue %lld is %g; a covariance has eigenvalues >= 0",
                             (long long)(k + 1), sg->s[k]);
    smax = fmax(smax, sg->s[k]);
  }
  if (!(smax > 0.0)) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "resolvent theory: Sigma is zero");
  return RMTMC_OK;
}

/* The population as atoms: the sorted distinct eigenvalues with their
 * multiplicities / d (t, w: caller storage of d doubles each). */
static rmtmc_pop grouped(const rmtmc_resolvent_sigma *sg, double *t, double *w) {
  int64_t d = sg->d, k = 0;
  memcpy(t, sg->s, (size_t)d * sizeof(double));
  qsort(t, (size_t)d, sizeof(double), cmp_double);
  for (int64_t i = 0; i < d; ++i) {
    if (k > 0 && t[i] == t[k - 1]) {
      w[k - 1] += 1.0 / (double)d;
    } else {
      t[k] = t[i];
      w[k] = 1.0 / (double)d;
      ++k;
    }
  }
  rmtmc_pop p = {.k = k, .t = t, .w = w};
  return p;
}

rmtmc_status rmtmc_resolvent_mixing(rmtmc_entry_mixing *mx, const rmtmc_resolvent_sigma *sg, rmtmc_error *err) {
  rmtmc_status st = check_sigma(sg, err);
  if (st != RMTMC_OK) return st;
  if (!sg->U) return rmtmc_entry_mixing_diagonal(mx, sg->s, sg->d, err);
  int64_t d = sg->d;
  mx->d = d;
  mx->s = malloc((size_t)d * sizeof(double));
  mx->v2 = malloc((size_t)(d * d) * sizeof(double));
  if (!mx->s || !mx->v2) {
    rmtmc_entry_mixing_free(mx);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the %lld x %lld entry mixing", (long long)d,
                           (long long)d);
  }
  memcpy(mx->s, sg->s, (size_t)d * sizeof(double));
  for (int64_t q = 0; q < d * d; ++q) mx->v2[q] = sg->U[q] * sg->U[q];
  return RMTMC_OK;
}

void rmtmc_resolvent_equiv_free(rmtmc_resolvent_equiv *e) {
  if (!e) return;
  free(e->g);
  free(e->bk);
  free(e->gk);
  e->g = e->bk = e->gk = NULL;
}

rmtmc_status rmtmc_resolvent_equiv_init(rmtmc_resolvent_equiv *e, const rmtmc_resolvent_sigma *sg, double complex z,
                                        const rmtmc_theory_opts *opts, rmtmc_error *err) {
  memset(e, 0, sizeof *e);
  rmtmc_status st = check_sigma(sg, err);
  if (st != RMTMC_OK) return st;
  double zr = creal(z), zi = cimag(z);
  if (!isfinite(zr) || !isfinite(zi))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "z = %g%+gi is not finite", zr, zi);
  if (zi == 0.0 && !(zr > 0.0))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "z = %g: a real z must be > 0 (Q(z) = (S + zI)^-1 is the ridge resolvent; at real z <= 0 "
                           "S + zI can be singular); give z > 0 or an imaginary part",
                           zr);
  int64_t d = sg->d;
  double eta = (double)d / (double)sg->n;
  double *t = malloc((size_t)d * sizeof(double)), *w = malloc((size_t)d * sizeof(double));
  e->g = malloc((size_t)d * sizeof(double complex));
  if (!t || !w || !e->g) {
    free(t);
    free(w);
    rmtmc_resolvent_equiv_free(e);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the resolvent theory (d = %lld)", (long long)d);
  }
  rmtmc_pop pop = grouped(sg, t, w);
  double complex opd; /* 1 + delta */
  if (zi == 0.0) {
    double delta;
    st = rmtmc_theory_delta(&pop, eta, zr, opts, &delta, err);
    opd = 1.0 + delta;
  } else {
    double complex mc;
    st = rmtmc_theory_stieltjes(&pop, eta, -z, opts, NULL, &mc, err);
    opd = 1.0 / (z * mc);
  }
  free(t);
  free(w);
  if (st != RMTMC_OK) {
    rmtmc_resolvent_equiv_free(e);
    return st;
  }
  e->z = z;
  e->d = d;
  e->delta = opd - 1.0;
  e->kappa = z * opd;
  double complex sg0 = 0.0, sg1 = 0.0, sg2 = 0.0, ss2 = 0.0; /* sum g, s g, s g^2, s^2 g^2 */
  for (int64_t k = 0; k < d; ++k) {
    double s = sg->s[k];
    double complex g = 1.0 / (s + e->kappa);
    e->g[k] = g;
    sg0 += g;
    sg1 += s * g;
    sg2 += s * g * g;
    ss2 += s * s * g * g;
  }
  double n = (double)sg->n;
  e->trace = opd * sg0 / (double)d;
  e->trace_sigma = opd * sg1 / (double)d;
  e->c2 = (sg2 / n) / (1.0 - ss2 / n);
  return RMTMC_OK;
}

void rmtmc_resolvent_coords(const rmtmc_resolvent_sigma *sg, const double *u, double *c) {
  int64_t d = sg->d;
  if (!sg->U) {
    memcpy(c, u, (size_t)d * sizeof(double));
    return;
  }
  for (int64_t k = 0; k < d; ++k) {
    double acc = 0.0;
    const double *col = sg->U + k * d;
    for (int64_t i = 0; i < d; ++i) acc += col[i] * u[i];
    c[k] = acc;
  }
}

double complex rmtmc_resolvent_bilinear(const rmtmc_resolvent_equiv *e, const double *ca, const double *cb) {
  double complex acc = 0.0;
  for (int64_t k = 0; k < e->d; ++k) acc += ca[k] * cb[k] * e->g[k];
  return (1.0 + e->delta) * acc;
}

double complex rmtmc_resolvent_bilinear2(const rmtmc_resolvent_equiv *e, const rmtmc_resolvent_sigma *sg,
                                         const double *ca, const double *cb) {
  double complex acc = 0.0;
  for (int64_t k = 0; k < e->d; ++k) acc += ca[k] * cb[k] * e->g[k] * e->g[k] * (1.0 + e->c2 * sg->s[k]);
  double complex opd = 1.0 + e->delta;
  return opd * opd * acc;
}

void rmtmc_resolvent_diag(const rmtmc_resolvent_equiv *e, const rmtmc_resolvent_sigma *sg, double *re, double *im) {
  int64_t d = e->d;
  double complex opd = 1.0 + e->delta;
  for (int64_t i = 0; i < d; ++i) {
    double complex acc = 0.0;
    if (!sg->U) {
      acc = e->g[i];
    } else {
      for (int64_t k = 0; k < d; ++k) {
        double u = sg->U[i + k * d];
        acc += u * u * e->g[k];
      }
    }
    re[i] = creal(opd * acc);
    im[i] = cimag(opd * acc);
  }
}

/* ---------------------------------------------------------- Gaussian bias */

/* Gauss-Legendre nodes x[i] (ascending) and weights w[i] on [0, 1]. */
static void gauss_legendre01(int n, double *x, double *w) {
  for (int i = 0; i < n; ++i) {
    double t = cos(M_PI * ((double)i + 0.75) / ((double)n + 0.5)), dp = 1.0;
    for (int it = 0; it < 100; ++it) {
      double p0 = 1.0, p1 = t;
      for (int k = 2; k <= n; ++k) {
        double p2 = ((2.0 * k - 1.0) * t * p1 - (k - 1.0) * p0) / (double)k;
        p0 = p1;
        p1 = p2;
      }
      dp = (double)n * (t * p1 - p0) / (t * t - 1.0);
      double step = p1 / dp;
      t -= step;
      if (fabs(step) < 1e-16) break;
    }
    x[i] = 0.5 * (1.0 - t);
    w[i] = 1.0 / ((1.0 - t * t) * dp * dp);
  }
}

/* g_k = s_k d mu/d s_k at the point u = u(w) of the Silverstein equation
 * (mu = N/D^2 + kx Nk/D, N = -eta sum_j w_j t_j^2 r_j^3, D = 1 - eta sum_j
 * w_j t_j^2 r_j^2, r_j = 1/(u - t_j), the d eigenvalues as atoms of weight
 * 1/d; u moves with t_k at fixed w by du/dt_k = -eta w_k u^2 r_k^2 / D).
 * The fourth-cumulant term (theory.md 6.3) Nk = -(eta/d) sum_i alpha_i beta_i,
 * alpha = v2 a, beta = v2 b, a_k = t_k r_k, b_k = t_k r_k^2 (v2 = U o U, NULL
 * for the identity), its eigenvectors held fixed: kx = 0 skips it.  ws: 6 d
 * complex. */
static void mu_gradient(const rmtmc_resolvent_sigma *sg, double eta, double complex u, double kx, const double *v2,
                        double complex *ws, double complex *g) {
  int64_t d = sg->d;
  double wk = 1.0 / (double)d;
  double complex psi = 0.0, p3 = 0.0, p4 = 0.0;
  for (int64_t j = 0; j < d; ++j) {
    double t = sg->s[j];
    double complex r = 1.0 / (u - t), r2 = r * r;
    psi += t * t * r2;
    p3 += t * t * r2 * r;
    p4 += t * t * r2 * r2;
  }
  psi *= wk;
  p3 *= wk;
  p4 *= wk;
  double complex D = 1.0 - eta * psi, N = -eta * p3;
  /* the fourth-cumulant term's sums */
  double complex *al = ws, *be = ws + d, *alu = ws + 2 * d, *beu = ws + 3 * d, *val = ws + 4 * d, *vbe = ws + 5 * d;
  double complex nk = 0.0, dnk_du = 0.0;
  if (kx != 0.0) {
    for (int64_t i = 0; i < d; ++i) al[i] = be[i] = alu[i] = beu[i] = 0.0;
    for (int64_t k = 0; k < d; ++k) {
      double t = sg->s[k];
      double complex r = 1.0 / (u - t), ak = t * r, bk = t * r * r, uak = -t * r * r, ubk = -2.0 * t * r * r * r;
      if (!v2) {
        al[k] = ak;
        be[k] = bk;
        alu[k] = uak;
        beu[k] = ubk;
        continue;
      }
      const double *col = v2 + k * d;
      for (int64_t i = 0; i < d; ++i) {
        al[i] += col[i] * ak;
        be[i] += col[i] * bk;
        alu[i] += col[i] * uak;
        beu[i] += col[i] * ubk;
      }
    }
    for (int64_t i = 0; i < d; ++i) {
      nk += al[i] * be[i];
      dnk_du += alu[i] * be[i] + al[i] * beu[i];
    }
    nk *= -eta * wk;
    dnk_du *= -eta * wk;
    for (int64_t m = 0; m < d; ++m) { /* (v2^T alpha)_m, (v2^T beta)_m */
      if (!v2) {
        val[m] = al[m];
        vbe[m] = be[m];
        continue;
      }
      const double *col = v2 + m * d;
      double complex sa = 0.0, sb = 0.0;
      for (int64_t i = 0; i < d; ++i) {
        sa += col[i] * al[i];
        sb += col[i] * be[i];
      }
      val[m] = sa;
      vbe[m] = sb;
    }
  }
  for (int64_t k = 0; k < d; ++k) {
    double t = sg->s[k];
    double complex r = 1.0 / (u - t), r2 = r * r, r3 = r2 * r;
    double complex du = -eta * wk * u * u * r2 / D;
    double complex dN = -eta * wk * (2.0 * t * r3 + 3.0 * t * t * r3 * r) + 3.0 * eta * p4 * du;
    double complex dD = -eta * wk * (2.0 * t * r2 + 2.0 * t * t * r3) + 2.0 * eta * p3 * du;
    double complex dmu = dN / (D * D) - 2.0 * N * dD / (D * D * D);
    if (kx != 0.0) {
      double complex sak = u * r2, sbk = r2 + 2.0 * t * r3; /* d a_k/d t_k, d b_k/d t_k at fixed u */
      double complex dnk = -eta * wk * (sak * vbe[k] + sbk * val[k]) + dnk_du * du;
      dmu += kx * (dnk / D - nk * dD / (D * D));
    }
    g[k] = t * dmu;
  }
}

/* int_0^inf g_k(z + tau) dtau into acc[k], n-point Gauss-Legendre on
 * composite panels: [0, l], then [l 2^i, l 2^(i+1)] up to tau_max, then the
 * tail tau = tau_max/(1 - s).  l is the distance scale of z from the
 * negated support (|Im z| for complex z, z for real z > 0): the integrand
 * is analytic there and each panel sees its nearest singularity at about
 * its own length. */
static rmtmc_status bias_quadrature(const rmtmc_resolvent_sigma *sg, const rmtmc_pop *pop, double eta,
                                    double kx, const double *v2, double complex z, double scale, int n,
                                    double complex *acc, double complex *g, double complex *ws, rmtmc_error *err) {
  double x[32], w[32];
  gauss_legendre01(n, x, w);
  double l = cimag(z) != 0.0 ? fabs(cimag(z)) : creal(z);
  double tau_max = 64.0 * (cabs(z) + scale);
  if (l > tau_max) l = tau_max;
  double lo = 0.0, hi = l;
  for (int panel = 0; panel < 200; ++panel) {
    int tail = lo >= tau_max;
    for (int q = 0; q < n; ++q) {
      double tau, dtau;
      if (tail) {
        tau = tau_max / (1.0 - x[q]);
        dtau = tau_max / ((1.0 - x[q]) * (1.0 - x[q])) * w[q];
      } else {
        tau = lo + (hi - lo) * x[q];
        dtau = (hi - lo) * w[q];
      }
      double complex mc;
      rmtmc_status st = rmtmc_theory_stieltjes(pop, eta, -(z + tau), NULL, NULL, &mc, err);
      if (st != RMTMC_OK) return st;
      mu_gradient(sg, eta, -1.0 / mc, kx, v2, ws, g);
      for (int64_t k = 0; k < sg->d; ++k) acc[k] += g[k] * dtau;
    }
    if (tail) break;
    lo = hi;
    hi = fmin(2.0 * hi, tau_max);
  }
  return RMTMC_OK;
}

rmtmc_status rmtmc_resolvent_equiv_bias(rmtmc_resolvent_equiv *e, const rmtmc_resolvent_sigma *sg, rmtmc_error *err) {
  if (e->bk) return RMTMC_OK;
  int64_t d = sg->d;
  double eta = (double)d / (double)sg->n;
  double kx = sg->gaussian ? 0.0 : sg->kurt_excess;
  const double *v2 = NULL;
  if (kx != 0.0 && sg->U) {
    if (!sg->mixing || !sg->mixing->v2 || sg->mixing->d != d)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "the resolvent's bias for non-Gaussian entries and a dense Sigma needs the entry mixing "
                             "(rmtmc_resolvent_mixing)");
    v2 = sg->mixing->v2;
  }
  double *t = malloc((size_t)d * sizeof(double)), *w = malloc((size_t)d * sizeof(double));
  double complex *b10 = calloc((size_t)d, sizeof *b10), *tmp = malloc((size_t)d * sizeof *tmp);
  double complex *ws = malloc((size_t)(6 * d) * sizeof *ws);
  e->bk = calloc((size_t)d, sizeof *e->bk);
  e->gk = malloc((size_t)d * sizeof *e->gk);
  rmtmc_status st = RMTMC_OK;
  if (!t || !w || !b10 || !tmp || !ws || !e->bk || !e->gk)
    st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the resolvent's bias (d = %lld)", (long long)d);
  rmtmc_pop pop = {0};
  if (st == RMTMC_OK) pop = grouped(sg, t, w);
  double mean = 0.0;
  for (int64_t k = 0; k < d; ++k) mean += sg->s[k] / (double)d;
  double scale = mean * (1.0 + sqrt(eta)) * (1.0 + sqrt(eta));
  if (st == RMTMC_OK) st = bias_quadrature(sg, &pop, eta, kx, v2, e->z, scale, 16, e->bk, tmp, ws, err);
  if (st == RMTMC_OK) st = bias_quadrature(sg, &pop, eta, kx, v2, e->z, scale, 10, b10, tmp, ws, err);
  double complex mc, mu = 0.0;
  if (st == RMTMC_OK) st = rmtmc_theory_stieltjes(&pop, eta, -e->z, NULL, NULL, &mc, err);
  /* the sum rule's reference: the trace's own bias, with the same fourth-cumulant term */
  if (st == RMTMC_OK)
    st = v2 ? rmtmc_theory_stieltjes_bias_sigma(sg->mixing, eta, -e->z, kx, NULL, &mu, err)
            : rmtmc_theory_stieltjes_bias(&pop, eta, -e->z, kx, NULL, &mu, err);
  if (st == RMTMC_OK) {
    mu_gradient(sg, eta, -1.0 / mc, kx, v2, ws, e->gk);
    double num = 0.0, den = 0.0;
    double complex sum = 0.0;
    for (int64_t k = 0; k < d; ++k) {
      e->bk[k] /= e->z;
      num += cabs(e->bk[k] - b10[k] / e->z);
      den += cabs(e->bk[k]);
      sum += e->bk[k];
    }
    e->quad_err = den > 0 ? num / den : 0.0;
    e->sum_err = cabs(mu) > 0 ? cabs(sum - mu) / cabs(mu) : cabs(sum);
  }
  free(t);
  free(w);
  free(b10);
  free(tmp);
  free(ws);
  if (st != RMTMC_OK) {
    free(e->bk);
    free(e->gk);
    e->bk = e->gk = NULL;
  }
  return st;
}

/* ---------------------------------------------------------- finite size */

/* Sigma = s2 I (all eigenvalues equal to 1e-12 relative): *s2. */
static int isotropic(const rmtmc_resolvent_sigma *sg, double *s2) {
  double lo = sg->s[0], hi = sg->s[0];
  for (int64_t k = 1; k < sg->d; ++k) {
    lo = fmin(lo, sg->s[k]);
    hi = fmax(hi, sg->s[k]);
  }
  *s2 = 0.5 * (lo + hi);
  return hi - lo <= 1e-12 * hi;
}

static double dot(const double *a, const double *b, int64_t d) {
  double acc = 0.0;
  for (int64_t i = 0; i < d; ++i) acc += a[i] * b[i];
  return acc;
}

/* The trace's bias coefficient mu(-z) (E m_d = m + mu/d); 0 on failure with
 * the reason in why. */
static int trace_mu(const rmtmc_resolvent_sigma *sg, double complex z, double complex *mu, char *why, size_t len) {
  int64_t d = sg->d;
  double eta = (double)d / (double)sg->n;
  rmtmc_error e2;
  rmtmc_status st;
  if (sg->U && !sg->gaussian) {
    if (!sg->mixing) {
      snprintf(why, len, "non-Gaussian entries with a dense Sigma need the entry mixing (not given)");
      return 0;
    }
    st = rmtmc_theory_stieltjes_bias_sigma(sg->mixing, eta, -z, sg->kurt_excess, NULL, mu, &e2);
  } else {
    double *t = malloc((size_t)d * sizeof(double)), *w = malloc((size_t)d * sizeof(double));
    if (!t || !w) {
      free(t);
      free(w);
      snprintf(why, len, "out of memory");
      return 0;
    }
    rmtmc_pop pop = grouped(sg, t, w);
    st = rmtmc_theory_stieltjes_bias(&pop, eta, -z, sg->gaussian ? 0.0 : sg->kurt_excess, NULL, mu, &e2);
    free(t);
    free(w);
  }
  if (st != RMTMC_OK) {
    snprintf(why, len, "the 1/d bias is not available here: %.120s", e2.msg);
    return 0;
  }
  return 1;
}

/* Does the eigenvalue-derivative rule give this functional's bias?  It gives
 * the bias of every (U^T Q U)_kk; that suffices for (1/d) tr Sigma Q always,
 * for any form when E[Q] is diagonal in Sigma's eigenbasis (Gaussian entries:
 * E[Q] commutes with Sigma; a diagonal Sigma: sign flips), and otherwise for
 * a form of one eigenvector of Sigma with itself.  A dense Sigma with
 * non-Gaussian entries needs the entry mixing. */
static int gradient_applies(const rmtmc_resolvent_sigma *sg, rmtmc_rfun kind, const double *ca, const double *cb) {
  if (sg->gaussian) return 1;
  if (sg->U && !(sg->mixing && sg->mixing->v2)) return 0;
  if (kind == RMTMC_RFUN_TRACE_SIGMA || !sg->U) return 1;
  int64_t k = 0;
  for (int64_t i = 1; i < sg->d; ++i)
    if (fabs(ca[i]) > fabs(ca[k])) k = i;
  return fabs(ca[k]) >= 1.0 - 1e-12 && fabs(cb[k]) >= 1.0 - 1e-12;
}

/* The gradient rule is trusted when the quadrature agrees with
 * itself and with the trace's own bias to this relative accuracy. */
#define RSV_BIAS_QUAD_TOL 1e-6

rmtmc_status rmtmc_resolvent_finite_size(const rmtmc_resolvent_sigma *sg, rmtmc_resolvent_equiv *e,
                                         rmtmc_rfun kind, const double *a, const double *b, const double *ca,
                                         const double *cb, rmtmc_resolvent_finite *out, rmtmc_error *err) {
  memset(out, 0, sizeof *out);
  out->sd_re = out->sd_im = NAN;
  rmtmc_status st = check_sigma(sg, err);
  if (st != RMTMC_OK) return st;
  int form = kind == RMTMC_RFUN_FORM || kind == RMTMC_RFUN_FORM2;
  if (form && (!a || !b || !ca || !cb))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "resolvent theory: a form needs its vectors and their coordinates");
  out->order = form ? -0.5 : -1.0;
  int64_t d = sg->d;
  double eta = (double)d / (double)sg->n, s2 = 0.0;
  int iso = isotropic(sg, &s2);
  double ab = form ? dot(a, b, d) : 0.0;
  double complex z = e->z, mu = 0.0;
  double kx = sg->gaussian ? 0.0 : sg->kurt_excess;
  char why[160] = "";
  /* the bias */
  if (kind == RMTMC_RFUN_TRACE) {
    if (trace_mu(sg, z, &mu, why, sizeof why)) {
      out->bias_known = 1;
      out->bias = mu / (double)d;
      snprintf(out->why, sizeof out->why, "mu(-z)/d, the Bai-Silverstein mean (theory.md 6.1-6.3)");
    } else {
      snprintf(out->why, sizeof out->why, "%s", why);
    }
  } else if (iso) {
    if (kind == RMTMC_RFUN_FORM2) {
      rmtmc_pop one = {.k = 1, .t = &s2, .w = (const double[]){1.0}};
      rmtmc_error e2;
      if (rmtmc_theory_stieltjes_deriv_bias(&one, eta, -z, kx, NULL, &mu, &e2) == RMTMC_OK) {
        out->bias_known = 1;
        out->bias = ab * mu / (double)d;
        snprintf(out->why, sizeof out->why,
                 "Sigma = s2 I: E a^T Q^2 b = (a.b) E (1/d) tr Q^2 exactly; its bias d mu/dw / d (theory.md 6.1)");
      } else {
        snprintf(out->why, sizeof out->why, "the derivative's 1/d bias is not available here: %.100s", e2.msg);
      }
    } else if (trace_mu(sg, z, &mu, why, sizeof why)) {
      out->bias_known = 1;
      if (kind == RMTMC_RFUN_TRACE_SIGMA) {
        out->bias = s2 * mu / (double)d;
        snprintf(out->why, sizeof out->why, "Sigma = s2 I: s2 mu(-z)/d (theory.md 6.1-6.3)");
      } else {
        out->bias = ab * mu / (double)d;
        snprintf(out->why, sizeof out->why,
                 "Sigma = s2 I: E[Q] = (E (1/d) tr Q) I exactly, so the bias is (a.b) mu(-z)/d");
      }
    } else {
      snprintf(out->why, sizeof out->why, "%s", why);
    }
  } else if (gradient_applies(sg, kind, ca, cb)) {
    st = rmtmc_resolvent_equiv_bias(e, sg, err);
    if (st != RMTMC_OK) return st;
    if (e->quad_err > RSV_BIAS_QUAD_TOL || e->sum_err > RSV_BIAS_QUAD_TOL) {
      snprintf(out->why, sizeof out->why,
               "the bias quadrature did not settle here (errors %.2g, %.2g): z too close to the negated support",
               e->quad_err, e->sum_err);
    } else {
      double complex acc = 0.0;
      for (int64_t k = 0; k < d; ++k) {
        double wgt = kind == RMTMC_RFUN_TRACE_SIGMA ? sg->s[k] / (double)d : ca[k] * cb[k];
        acc += wgt * (kind == RMTMC_RFUN_FORM2 ? (e->gk[k] + e->bk[k]) / z : e->bk[k]);
      }
      out->bias_known = 1;
      out->bias = acc;
      snprintf(out->why, sizeof out->why, "%s",
               sg->gaussian ? "Gaussian entries: from the trace's bias differentiated in Sigma's eigenvalues (theory.md 10.4)"
                            : "from the trace's bias (fourth-cumulant term included) differentiated in Sigma's "
                              "eigenvalues (theory.md 10.4)");
    }
  } else {
    snprintf(out->why, sizeof out->why,
             "non-Gaussian entries, a dense Sigma and vectors that are not its eigenvectors: no 1/d formula (an O(1/d) "
             "offset remains)");
  }
  /* the spread: Gaussian entries, Sigma = s2 I, real z */
  if (sg->gaussian && iso && cimag(z) == 0.0 && kind != RMTMC_RFUN_FORM2) {
    double coef = rmtmc_mp_sd_coef(eta, -creal(z) / s2);
    double sd_tr = coef / (s2 * (double)d);
    if (kind == RMTMC_RFUN_TRACE) {
      out->sd_re = sd_tr;
    } else if (kind == RMTMC_RFUN_TRACE_SIGMA) {
      out->sd_re = s2 * sd_tr;
    } else {
      rmtmc_pop one = {.k = 1, .t = &s2, .w = (const double[]){1.0}};
      double complex m, dm;
      rmtmc_error e2;
      if (rmtmc_theory_stieltjes(&one, eta, -z, NULL, &m, NULL, &e2) == RMTMC_OK &&
          rmtmc_theory_stieltjes_deriv(&one, eta, -z, NULL, &dm, &e2) == RMTMC_OK) {
        double aa = dot(a, a, d), bb = dot(b, b, d);
        double v = (aa * bb + ab * ab) * (creal(dm) - creal(m) * creal(m)) / (double)d + ab * ab * sd_tr * sd_tr;
        out->sd_re = v >= 0 ? sqrt(v) : NAN;
      }
    }
    out->sd_im = 0.0;
    out->sd_known = isfinite(out->sd_re);
    if (!out->sd_known) out->sd_im = NAN;
  }
  return RMTMC_OK;
}
