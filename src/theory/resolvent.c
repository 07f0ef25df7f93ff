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
  e->g = NULL;
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

static int disjoint(const double *a, const double *b, int64_t d) {
  for (int64_t i = 0; i < d; ++i)
    if (a[i] != 0.0 && b[i] != 0.0) return 0;
  return 1;
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

rmtmc_status rmtmc_resolvent_finite_size(const rmtmc_resolvent_sigma *sg, const rmtmc_resolvent_equiv *e,
                                         rmtmc_rfun kind, const double *a, const double *b,
                                         rmtmc_resolvent_finite *out, rmtmc_error *err) {
  memset(out, 0, sizeof *out);
  out->sd_re = out->sd_im = NAN;
  rmtmc_status st = check_sigma(sg, err);
  if (st != RMTMC_OK) return st;
  int form = kind == RMTMC_RFUN_FORM || kind == RMTMC_RFUN_FORM2;
  if (form && (!a || !b)) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "resolvent theory: a form needs its vectors");
  out->order = form ? -0.5 : -1.0;
  int64_t d = sg->d;
  double eta = (double)d / (double)sg->n, s2 = 0.0;
  int iso = isotropic(sg, &s2);
  double ab = form ? dot(a, b, d) : 0.0;
  double complex z = e->z, mu = 0.0;
  double kx = sg->gaussian ? 0.0 : sg->kurt_excess;
  /* the bias */
  if (kind == RMTMC_RFUN_TRACE || iso) {
    char why[160] = "";
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
      if (kind == RMTMC_RFUN_TRACE) {
        out->bias = mu / (double)d;
        snprintf(out->why, sizeof out->why, "mu(-z)/d, the Bai-Silverstein mean (theory.md 6.1-6.3)");
      } else if (kind == RMTMC_RFUN_TRACE_SIGMA) {
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
  } else if (form && !sg->U && disjoint(a, b, d)) {
    out->bias_known = 1;
    out->bias = 0.0;
    snprintf(out->why, sizeof out->why, "diagonal Sigma, vectors with disjoint supports: E a^T Q b = 0 exactly");
  } else {
    snprintf(out->why, sizeof out->why, "no 1/d formula for this functional and Sigma (an O(1/d) offset remains)");
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
