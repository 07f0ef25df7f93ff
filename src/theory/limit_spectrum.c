/* limit_spectrum.c: the limit spectrum at the finite-d population
 * (include/rmtmc_theory_limit.h, docs/theory.md 2.9-2.10): the law of H_d
 * with its support, atom, moments, transforms, 1/d bias, edge margins and
 * a density curve for pictures, and the bulk law with the outliers its
 * spikes produce. */
#include "rmtmc_theory_limit.h"

#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rmtmc_theory_deriv.h"
#include "theory/theory_internal.h"

/* Owned copy of a population (one allocation: t then w). */
static rmtmc_status pop_copy(rmtmc_pop *dst, const double *t, const double *w,
                             int64_t k, double scale, rmtmc_error *err) {
  double *buf = (double *)malloc(2 * (size_t)k * sizeof(double));
  int64_t j;
  if (!buf)
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                           "out of memory for %lld eigenvalues of Sigma",
                           (long long)k);
  for (j = 0; j < k; ++j) {
    buf[j] = t[j];
    buf[k + j] = w[j] * scale;
  }
  dst->k = k;
  dst->t = buf;
  dst->w = buf + k;
  return RMTMC_OK;
}

static void pop_release(rmtmc_pop *p) {
  free((double *)p->t);
  p->t = p->w = NULL;
  p->k = 0;
}

void rmtmc_limit_spectrum_free(rmtmc_limit_spectrum *ls) {
  if (!ls) return;
  rmtmc_support_free(&ls->support);
  rmtmc_support_free(&ls->bulk);
  free(ls->outliers);
  ls->outliers = NULL;
  ls->noutliers = 0;
  pop_release(&ls->pop);
  pop_release(&ls->bulk_pop);
}

static int outlier_cmp(const void *a, const void *b) {
  double x = ((const rmtmc_outlier *)a)->ell,
         y = ((const rmtmc_outlier *)b)->ell;
  return (x > y) - (x < y);
}

/* The outlier of spike ell for the bulk population Pb (support Sb). */
static rmtmc_outlier outlier_of(const theory_pop *Pb, const theory_support *Sb,
                                double eta, double ell, double weight) {
  rmtmc_outlier o;
  int64_t j;
  int on_atom = 0;
  memset(&o, 0, sizeof o);
  o.ell = ell;
  o.weight = weight;
  o.location = NAN;
  o.threshold = NAN;
  for (j = 0; j < Pb->k; ++j)
    if (Pb->t[j] == ell) on_atom = 1;
  if (Pb->k > 0 && Sb->n > 0) {
    if (ell > Pb->tmax) {
      o.above = 1;
      o.threshold = Sb->uhi[Sb->n - 1];
    } else if (ell < Pb->t[0]) {
      o.threshold = Sb->ulo[0] > 0 ? Sb->ulo[0] : NAN;
    }
  }
  if (ell > 0 && !on_atom && Pb->k > 0) {
    double xp = 1.0 - eta * theory_pop_psi(Pb, ell);
    if (xp > 0) {
      double x = theory_pop_x(Pb, eta, ell);
      o.separated = 1;
      o.location = x;
      o.cos2 = ell * xp / x;
      o.sd_sqrt_n = ell * sqrt(2.0 * xp);
    }
  }
  return o;
}

rmtmc_status rmtmc_limit_spectrum_init(rmtmc_limit_spectrum *ls,
                                       const rmtmc_pop *H,
                                       const unsigned char *is_spike,
                                       double eta, int64_t d,
                                       rmtmc_error *err) {
  theory_pop Pb;
  theory_support Sb;
  rmtmc_status st;
  double *bt = NULL, *bw = NULL, wb = 0;
  int64_t j, nb = 0, ns = 0;
  if (!ls)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "rmtmc_limit_spectrum_init: ls must not be NULL");
  memset(ls, 0, sizeof *ls);
  if (d < 0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the dimension d = %lld must be >= 0 (0: unknown)",
                           (long long)d);
  /* validates H and eta, with messages in the user's terms */
  if ((st = theory_pop_init(&Pb, H, eta, err)) != RMTMC_OK) return st;
  theory_pop_free(&Pb);
  ls->eta = eta;
  ls->d = d;
  st = pop_copy(&ls->pop, H->t, H->w, H->k, 1.0, err);
  if (st != RMTMC_OK) goto fail;
  for (j = 0; j < H->k; ++j) {
    if (is_spike && is_spike[j]) {
      ++ns;
    } else {
      ++nb;
      wb += H->w[j];
    }
  }
  if (nb == 0) {
    st = rmtmc_error_set(err, RMTMC_ERR_INVALID,
                         "every eigenvalue of Sigma is marked as a spike; the "
                         "bulk needs at least one eigenvalue that is not");
    goto fail;
  }
  bt = (double *)malloc(2 * (size_t)nb * sizeof(double));
  if (!bt) {
    st = rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                         "out of memory for %lld eigenvalues of Sigma",
                         (long long)nb);
    goto fail;
  }
  bw = bt + nb;
  for (j = 0, nb = 0; j < H->k; ++j)
    if (!(is_spike && is_spike[j])) {
      bt[nb] = H->t[j];
      bw[nb] = H->w[j];
      ++nb;
    }
  st = pop_copy(&ls->bulk_pop, bt, bw, nb, 1.0 / wb, err);
  free(bt);
  if (st != RMTMC_OK) goto fail;
  st = rmtmc_theory_support(&ls->pop, eta, &ls->support, err);
  if (st == RMTMC_OK)
    st = rmtmc_theory_support(&ls->bulk_pop, eta, &ls->bulk, err);
  if (st != RMTMC_OK) goto fail;
  ls->atom = ls->support.atom;
  theory_moments4(&ls->pop, eta, ls->moments);
  if (ns > 0) {
    ls->outliers = (rmtmc_outlier *)calloc((size_t)ns, sizeof *ls->outliers);
    if (!ls->outliers) {
      st = rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                           "out of memory for %lld spikes", (long long)ns);
      goto fail;
    }
    if ((st = theory_pop_init(&Pb, &ls->bulk_pop, eta, err)) != RMTMC_OK)
      goto fail;
    st = theory_support_compute(&Pb, eta, &Sb, err);
    if (st != RMTMC_OK) {
      theory_pop_free(&Pb);
      goto fail;
    }
    for (j = 0; j < H->k; ++j)
      if (is_spike[j])
        ls->outliers[ls->noutliers++] =
            outlier_of(&Pb, &Sb, eta, H->t[j], H->w[j]);
    qsort(ls->outliers, (size_t)ls->noutliers, sizeof *ls->outliers,
          outlier_cmp);
    theory_support_free(&Sb);
    theory_pop_free(&Pb);
  }
  return RMTMC_OK;
fail:
  rmtmc_limit_spectrum_free(ls);
  return st;
}

static rmtmc_status ls_check(const rmtmc_limit_spectrum *ls, rmtmc_error *err) {
  if (!ls || !ls->pop.t)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the limit spectrum is not initialised "
                           "(rmtmc_limit_spectrum_init)");
  return RMTMC_OK;
}

rmtmc_status rmtmc_limit_spectrum_stieltjes(const rmtmc_limit_spectrum *ls,
                                            double complex z,
                                            double complex *m,
                                            double complex *mc,
                                            rmtmc_error *err) {
  rmtmc_status st = ls_check(ls, err);
  if (st != RMTMC_OK) return st;
  return rmtmc_theory_stieltjes(&ls->pop, ls->eta, z, NULL, m, mc, err);
}

/* The checks both biases share. */
static rmtmc_status bias_check(const rmtmc_limit_spectrum *ls,
                               const rmtmc_entry_mixing *mx,
                               rmtmc_error *err) {
  rmtmc_status st = ls_check(ls, err);
  if (st != RMTMC_OK) return st;
  if (ls->d < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the 1/d bias needs the dimension d (the limit "
                           "spectrum was built with d = 0)");
  if (mx && mx->d != ls->d)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the entry mixing is for d = %lld but the limit "
                           "spectrum for d = %lld",
                           (long long)mx->d, (long long)ls->d);
  return RMTMC_OK;
}

/* The coefficient mu and the offset mu/d of a bias, once computed. */
static rmtmc_status bias_out(const rmtmc_limit_spectrum *ls, rmtmc_status st,
                             double complex mu, double complex *offset,
                             double complex *coef) {
  if (st != RMTMC_OK) return st;
  if (coef) *coef = mu;
  if (offset) *offset = mu / (double)ls->d;
  return RMTMC_OK;
}

rmtmc_status rmtmc_limit_spectrum_deriv_bias(const rmtmc_limit_spectrum *ls,
                                             double complex z,
                                             double kurt_excess,
                                             const rmtmc_entry_mixing *mx,
                                             double complex *offset,
                                             double complex *coef,
                                             rmtmc_error *err) {
  double complex mu = 0;
  rmtmc_status st = bias_check(ls, mx, err);
  if (st != RMTMC_OK) return st;
  st = rmtmc_theory_stieltjes_deriv_bias_mixing(&ls->pop, mx, ls->eta, z,
                                                kurt_excess, NULL, &mu, err);
  return bias_out(ls, st, mu, offset, coef);
}

rmtmc_status rmtmc_limit_spectrum_bias(const rmtmc_limit_spectrum *ls,
                                       double complex z, double kurt_excess,
                                       const rmtmc_entry_mixing *mx,
                                       double complex *offset,
                                       double complex *coef,
                                       rmtmc_error *err) {
  double complex mu = 0;
  rmtmc_status st = bias_check(ls, mx, err);
  if (st != RMTMC_OK) return st;
  if (mx && mx->v2)
    st = rmtmc_theory_stieltjes_bias_sigma(mx, ls->eta, z, kurt_excess, NULL,
                                           &mu, err);
  else
    st = rmtmc_theory_stieltjes_bias(&ls->pop, ls->eta, z, kurt_excess, NULL,
                                     &mu, err);
  return bias_out(ls, st, mu, offset, coef);
}

rmtmc_status rmtmc_limit_spectrum_margin(const rmtmc_limit_spectrum *ls,
                                         double complex z, double rel,
                                         rmtmc_edge_margin *out,
                                         rmtmc_error *err) {
  rmtmc_status st = ls_check(ls, err);
  if (st != RMTMC_OK) return st;
  return rmtmc_theory_edge_margin(&ls->pop, ls->eta, (double)ls->d, z, rel,
                                  out, err);
}

rmtmc_status rmtmc_limit_spectrum_bin_masses(const rmtmc_limit_spectrum *ls,
                                             rmtmc_limit_law law,
                                             int64_t nbins,
                                             const double *bin_edges,
                                             double *mass, rmtmc_error *err) {
  rmtmc_status st = ls_check(ls, err);
  if (st != RMTMC_OK) return st;
  return rmtmc_theory_bin_masses(law == RMTMC_LAW_BULK ? &ls->bulk_pop
                                                       : &ls->pop,
                                 ls->eta, nbins, bin_edges, NULL, mass, err);
}

/* ------------------------------------------------------------------------ */
/* Density curve                                                             */
/* ------------------------------------------------------------------------ */

void rmtmc_density_curve_free(rmtmc_density_curve *c) {
  if (!c) return;
  free(c->x);
  c->x = c->f = NULL;
  c->n = 0;
}

static int dbl_cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

enum { CURVE_GEO = 7 }; /* points W 10^-p, p = 8..2, at each edge */

/* Density at x inside (a, b): warm-started Newton from the previous point
 * of the same interval (kept only when it stays clearly in C+, as in the
 * bin masses), else the continuation solver. */
static rmtmc_status curve_eval(const theory_pop *P, double eta, double x,
                               double complex *u_prev, int *have_prev,
                               double *f, rmtmc_error *err) {
  double complex u = *u_prev;
  double resid, au;
  int ok = 0;
  if (P->one_atom) {
    *f = rmtmc_mp_density(eta, x / P->t_single) / P->t_single;
    return RMTMC_OK;
  }
  if (*have_prev)
    ok = theory_pop_newton(P, eta, CMPLX(x, 0.0), &u, RMTMC_THEORY_TOL_DEFAULT,
                           40, &resid) == RMTMC_OK &&
         cimag(u) > 1e-8 * cabs(u);
  if (!ok) {
    int reached = 1;
    rmtmc_status st = theory_pop_solve(P, eta, CMPLX(x, 0.0), NULL, &u,
                                       &reached, err);
    if (st != RMTMC_OK) return st;
    if (!reached) u = creal(u); /* numerically in a gap: f = 0 */
  }
  au = cabs(u);
  *f = au > 0 ? fmax(0.0, cimag(u) / (M_PI * eta * au * au)) : 0.0;
  *u_prev = u;
  *have_prev = 1;
  return RMTMC_OK;
}

rmtmc_status rmtmc_limit_spectrum_density(const rmtmc_limit_spectrum *ls,
                                          rmtmc_limit_law law, int64_t npts,
                                          rmtmc_density_curve *out,
                                          rmtmc_error *err) {
  const rmtmc_pop *H;
  const rmtmc_support *S;
  theory_pop P;
  rmtmc_status st = ls_check(ls, err);
  double wsum = 0;
  int64_t i, j, cap, n = 0;
  if (st != RMTMC_OK) return st;
  if (!out)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "rmtmc_limit_spectrum_density: out must not be "
                           "NULL");
  memset(out, 0, sizeof *out);
  if (npts < 16 || npts > 100000000)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the density curve takes 16 to 1e8 points (asked "
                           "for %lld)",
                           (long long)npts);
  H = law == RMTMC_LAW_BULK ? &ls->bulk_pop : &ls->pop;
  S = law == RMTMC_LAW_BULK ? &ls->bulk : &ls->support;
  out->atom = S->atom;
  out->hard_edge_at_zero = S->hard_edge_at_zero;
  if (S->nint == 0) return RMTMC_OK;
  for (i = 0; i < S->nint; ++i) wsum += S->hi[i] - S->lo[i];
  cap = 0;
  for (i = 0; i < S->nint; ++i) {
    double share = (double)npts * (S->hi[i] - S->lo[i]) / wsum;
    cap += 2 + 2 * CURVE_GEO + (int64_t)fmax(8.0, round(share));
  }
  out->x = (double *)malloc(2 * (size_t)cap * sizeof(double));
  if (!out->x)
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                           "out of memory for a density curve of %lld points",
                           (long long)cap);
  out->f = out->x + cap;
  if ((st = theory_pop_init(&P, H, ls->eta, err)) != RMTMC_OK) goto fail;
  for (i = 0; i < S->nint && st == RMTMC_OK; ++i) {
    double a = S->lo[i], b = S->hi[i], W = b - a;
    int64_t ni = (int64_t)fmax(8.0, round((double)npts * W / wsum));
    int64_t start = n, k;
    int hard = i == 0 && S->hard_edge_at_zero, have_prev = 0;
    double complex u_prev = 0;
    if (!hard) out->x[n++] = a;
    for (k = 0; k < CURVE_GEO; ++k) out->x[n++] = a + W * pow(10.0, -8.0 + k);
    for (k = 1; k <= ni; ++k)
      out->x[n++] = a + 0.5 * W * (1.0 - cos(M_PI * (double)k / (ni + 1)));
    for (k = 0; k < CURVE_GEO; ++k) out->x[n++] = b - W * pow(10.0, -8.0 + k);
    out->x[n++] = b;
    qsort(out->x + start, (size_t)(n - start), sizeof(double), dbl_cmp);
    for (j = start, k = start; j < n; ++j) /* strictly increasing */
      if (k == start || out->x[j] > out->x[k - 1]) out->x[k++] = out->x[j];
    n = k;
    for (j = start; j < n && st == RMTMC_OK; ++j) {
      double x = out->x[j];
      if ((x == a && !hard) || x == b || !(x > a && x < b))
        out->f[j] = 0.0;
      else
        st = curve_eval(&P, ls->eta, x, &u_prev, &have_prev, &out->f[j], err);
    }
  }
  theory_pop_free(&P);
  if (st != RMTMC_OK) goto fail;
  out->n = n;
  return RMTMC_OK;
fail:
  rmtmc_density_curve_free(out);
  return st;
}
