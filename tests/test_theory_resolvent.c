/* test_theory_resolvent.c: the resolvent's deterministic equivalents
 * (rmtmc_theory_resolvent.h, docs/theory.md 10) against an independent dense
 * evaluation formed in the test: delta by the fixed point
 * delta = (1/n) tr Sigma (Sigma/(1 + delta) + zI)^-1 with dense complex
 * solves (LAPACK zgesv), Qbar = (Sigma/(1 + delta) + zI)^-1 as a dense
 * matrix, and every functional and the second-order equivalent of
 * e1^T E[Q^2] e1 (theory.md 2.11 with B = I, C = Sigma) by matrix products,
 * for Sigma = ar1 (built here entry by entry) and a matrix file
 * (tests/data/resolvent_sigma12.txt, read here), d/n on both sides of 1,
 * real and complex z; plus the identities trace = m(-z), trace_sigma =
 * delta/eta, a^T E[Q^2] b = -d/dz a^T Qbar b, the finite-size rules and the
 * messages.  argv[1]: the matrix file. */
#include <complex.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/cmplx_compat.h"
#include "rmtmc_model.h"
#include "rmtmc_theory.h"
#include "rmtmc_theory_deriv.h"
#include "rmtmc_theory_resolvent.h"

/* ---- the dense reference (no use of the library's theory) ---- */

/* M^-1 of a d x d complex matrix (column-major), into out; 0 on failure. */
static int zinv(int64_t d, const double complex *M, double complex *out) {
  double complex *a = malloc((size_t)(d * d) * sizeof *a);
  lapack_int *piv = malloc((size_t)d * sizeof *piv);
  if (!a || !piv) return 0;
  memcpy(a, M, (size_t)(d * d) * sizeof *a);
  for (int64_t q = 0; q < d * d; ++q) out[q] = 0.0;
  for (int64_t i = 0; i < d; ++i) out[i + i * d] = 1.0;
  lapack_int info = LAPACKE_zgesv(LAPACK_COL_MAJOR, (lapack_int)d, (lapack_int)d, (lapack_complex_double *)a,
                                  (lapack_int)d, piv, (lapack_complex_double *)out, (lapack_int)d);
  free(a);
  free(piv);
  return info == 0;
}

/* Qbar at delta into Q; returns (1/n) tr Sigma Qbar. */
static double complex qbar_at(int64_t d, int64_t n, const double *Sig, double complex z, double complex delta,
                              double complex *Q, double complex *work) {
  for (int64_t j = 0; j < d; ++j)
    for (int64_t i = 0; i < d; ++i) work[i + j * d] = Sig[i + j * d] / (1.0 + delta) + (i == j ? z : 0.0);
  if (!zinv(d, work, Q)) return NAN;
  double complex t = 0.0;
  for (int64_t j = 0; j < d; ++j)
    for (int64_t i = 0; i < d; ++i) t += Sig[j + i * d] * Q[i + j * d];
  return t / (double)n;
}

typedef struct dense_ref {
  double complex delta, trace, trace_sigma, quad_e1, quad_v, quad_u, bil_e1_v, quad2_e1;
  double complex *diag; /* [d] */
  int iters;
} dense_ref;

static double complex form(int64_t d, const double complex *M, const double *a, const double *b) {
  double complex acc = 0.0;
  for (int64_t j = 0; j < d; ++j)
    for (int64_t i = 0; i < d; ++i) acc += a[i] * M[i + j * d] * b[j];
  return acc;
}

/* C = A B (complex d x d, naive). */
static void zmul(int64_t d, const double complex *A, const double complex *B, double complex *C) {
  for (int64_t j = 0; j < d; ++j)
    for (int64_t i = 0; i < d; ++i) {
      double complex acc = 0.0;
      for (int64_t k = 0; k < d; ++k) acc += A[i + k * d] * B[k + j * d];
      C[i + j * d] = acc;
    }
}

static int dense_solve(int64_t d, int64_t n, const double *Sig, double complex z, const double *v, const double *u,
                       dense_ref *r) {
  double complex *Q = malloc((size_t)(d * d) * sizeof *Q), *W = malloc((size_t)(d * d) * sizeof *W);
  double complex *Q2 = malloc((size_t)(d * d) * sizeof *Q2), *SQ = malloc((size_t)(d * d) * sizeof *SQ);
  double complex *QSQ = malloc((size_t)(d * d) * sizeof *QSQ), *Sc = malloc((size_t)(d * d) * sizeof *Sc);
  r->diag = malloc((size_t)d * sizeof *r->diag);
  if (!Q || !W || !Q2 || !SQ || !QSQ || !Sc || !r->diag) return 0;
  /* damped fixed point; then a few secant steps to the rounding level */
  double complex delta = 0.0, prev = 0.0, fprev = 0.0;
  int ok = 0;
  for (int it = 0; it < 20000; ++it) {
    double complex f = qbar_at(d, n, Sig, z, delta, Q, W) - delta;
    r->iters = it + 1;
    if (cabs(f) <= 1e-15 * (1.0 + cabs(delta))) {
      ok = 1;
      break;
    }
    double complex next = delta + 0.5 * f;
    if (it > 50 && cabs(f - fprev) > 0) next = delta - f * (delta - prev) / (f - fprev); /* secant */
    prev = delta;
    fprev = f;
    delta = next;
  }
  if (!ok) return 0;
  qbar_at(d, n, Sig, z, delta, Q, W);
  double *e1 = calloc((size_t)d, sizeof *e1);
  e1[0] = 1.0;
  r->delta = delta;
  double complex tr = 0.0, trs = 0.0;
  for (int64_t i = 0; i < d; ++i) {
    tr += Q[i + i * d];
    r->diag[i] = Q[i + i * d];
    for (int64_t k = 0; k < d; ++k) trs += Sig[i + k * d] * Q[k + i * d];
  }
  r->trace = tr / (double)d;
  r->trace_sigma = trs / (double)d;
  r->quad_e1 = form(d, Q, e1, e1);
  r->quad_v = form(d, Q, v, v);
  r->quad_u = form(d, Q, u, u);
  r->bil_e1_v = form(d, Q, e1, v);
  /* second order: Qbar^2 + [(1/n) tr Sigma Qbar^2 / ((1 + delta)^2 - (1/n) tr (Sigma Qbar)^2)] Qbar Sigma Qbar */
  for (int64_t q = 0; q < d * d; ++q) Sc[q] = Sig[q];
  zmul(d, Q, Q, Q2);
  zmul(d, Sc, Q, SQ);
  zmul(d, Q, SQ, QSQ);
  double complex t1 = 0.0, t2 = 0.0;
  for (int64_t i = 0; i < d; ++i)
    for (int64_t k = 0; k < d; ++k) {
      t1 += Sig[i + k * d] * Q2[k + i * d];
      t2 += SQ[i + k * d] * SQ[k + i * d];
    }
  t1 /= (double)n;
  t2 /= (double)n;
  double complex coef = t1 / ((1.0 + delta) * (1.0 + delta) - t2);
  r->quad2_e1 = form(d, Q2, e1, e1) + coef * form(d, QSQ, e1, e1);
  free(e1);
  free(Q);
  free(W);
  free(Q2);
  free(SQ);
  free(QSQ);
  free(Sc);
  return 1;
}

/* ---- the library's equivalents ---- */

typedef struct lib_case {
  const char *name;
  int64_t d, n;
  double *Sig;     /* dense d x d */
  double *s, *U;   /* eigen */
} lib_case;

static int case_from_dense(lib_case *c) {
  int64_t d = c->d;
  c->s = malloc((size_t)d * sizeof(double));
  c->U = malloc((size_t)(d * d) * sizeof(double));
  memcpy(c->U, c->Sig, (size_t)(d * d) * sizeof(double));
  return LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'U', (lapack_int)d, c->U, (lapack_int)d, c->s) == 0;
}

static int read_matrix(const char *path, int64_t d, double *out) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  char line[8192];
  int64_t k = 0;
  while (fgets(line, sizeof line, f) && k < d * d) {
    if (line[0] == '#') continue;
    char *p = line, *end;
    for (;;) {
      double v = strtod(p, &end);
      if (end == p) break;
      int64_t i = k / d, j = k % d; /* row-major in the file */
      out[i + j * d] = v;
      ++k;
      p = end;
    }
  }
  fclose(f);
  return k == d * d;
}

static void rel_check(check_ctx *c, double complex got, double complex want, double tol, const char *what) {
  double e = cabs(got - want), s = fmax(cabs(want), 1e-300);
  char line[256];
  snprintf(line, sizeof line, "%s: lib %.15g%+.15gi dense %.15g%+.15gi (rel %.2g, tol %.0e)", what, creal(got),
           cimag(got), creal(want), cimag(want), e / s, tol);
  check_true(c, e <= tol * s, line);
}

static void one(check_ctx *c, const lib_case *lc, double complex z) {
  int64_t d = lc->d;
  rmtmc_resolvent_sigma sg = {.d = d, .n = lc->n, .s = lc->s, .U = lc->U, .kurt_excess = 0.0, .gaussian = 1};
  double *v = lc->U + (d - 1) * d; /* the top eigenvector */
  double *u = malloc((size_t)d * sizeof *u), nu = 0.0;
  for (int64_t i = 0; i < d; ++i) nu += (u[i] = sin(1.0 + 0.7 * (double)i));
  nu = 0.0;
  for (int64_t i = 0; i < d; ++i) nu += u[i] * u[i];
  for (int64_t i = 0; i < d; ++i) u[i] /= sqrt(nu);
  double *e1 = calloc((size_t)d, sizeof *e1), *c1 = malloc((size_t)d * sizeof *c1), *cv = malloc((size_t)d * sizeof *cv),
         *cu = malloc((size_t)d * sizeof *cu), *dre = malloc((size_t)d * sizeof *dre),
         *dim = malloc((size_t)d * sizeof *dim);
  e1[0] = 1.0;
  rmtmc_resolvent_coords(&sg, e1, c1);
  rmtmc_resolvent_coords(&sg, v, cv);
  rmtmc_resolvent_coords(&sg, u, cu);
  rmtmc_resolvent_equiv e;
  rmtmc_error err;
  char tag[128], what[200];
  snprintf(tag, sizeof tag, "%s (d %lld, n %lld) z = %g%+gi", lc->name, (long long)d, (long long)lc->n, creal(z),
           cimag(z));
  if (rmtmc_resolvent_equiv_init(&e, &sg, z, NULL, &err) != RMTMC_OK) {
    snprintf(what, sizeof what, "%s: equiv_init: %s", tag, err.msg);
    check_true(c, 0, what);
    return;
  }
  dense_ref r;
  if (!dense_solve(d, lc->n, lc->Sig, z, v, u, &r)) {
    snprintf(what, sizeof what, "%s: the dense reference did not converge", tag);
    check_true(c, 0, what);
    return;
  }
  const double tol = 1e-10;
#define REL(got, want, name)                        \
  snprintf(what, sizeof what, "%s %s", tag, name); \
  rel_check(c, got, want, tol, what)
  REL(e.delta, r.delta, "delta");
  REL(e.trace, r.trace, "(1/d) tr Qbar");
  REL(e.trace_sigma, r.trace_sigma, "(1/d) tr Sigma Qbar");
  REL(rmtmc_resolvent_bilinear(&e, c1, c1), r.quad_e1, "e1^T Qbar e1");
  REL(rmtmc_resolvent_bilinear(&e, cv, cv), r.quad_v, "v^T Qbar v (top)");
  REL(rmtmc_resolvent_bilinear(&e, cu, cu), r.quad_u, "u^T Qbar u");
  REL(rmtmc_resolvent_bilinear(&e, c1, cv), r.bil_e1_v, "e1^T Qbar v");
  REL(rmtmc_resolvent_bilinear2(&e, &sg, c1, c1), r.quad2_e1, "e1^T E[Q^2] e1 (second order)");
  rmtmc_resolvent_diag(&e, &sg, dre, dim);
  double worst = 0.0;
  for (int64_t i = 0; i < d; ++i)
    worst = fmax(worst, cabs(CMPLX(dre[i], dim[i]) - r.diag[i]) / cabs(r.diag[i]));
  snprintf(what, sizeof what, "%s diagonal of Qbar: worst relative error %.2g", tag, worst);
  check_true(c, worst <= tol, what);
  /* identities: trace = m(-z), trace_sigma = delta/eta, quad2 = -d/dz quad */
  double *t = malloc((size_t)d * sizeof *t), *w = malloc((size_t)d * sizeof *w);
  for (int64_t k = 0; k < d; ++k) {
    t[k] = lc->s[k] < 0 ? 0.0 : lc->s[k];
    w[k] = 1.0 / (double)d;
  }
  rmtmc_pop pop = {.k = d, .t = t, .w = w};
  double complex m;
  if (rmtmc_theory_stieltjes(&pop, (double)d / (double)lc->n, -z, NULL, &m, NULL, &err) == RMTMC_OK) {
    REL(e.trace, m, "(1/d) tr Qbar = m(-z)");
  }
  REL(e.trace_sigma, e.delta * (double)lc->n / (double)d, "(1/d) tr Sigma Qbar = delta / eta");
  double h = 1e-4 * fmax(1.0, cabs(z));
  rmtmc_resolvent_equiv ep, em;
  if (rmtmc_resolvent_equiv_init(&ep, &sg, z + h, NULL, &err) == RMTMC_OK &&
      rmtmc_resolvent_equiv_init(&em, &sg, z - h, NULL, &err) == RMTMC_OK) {
    double complex fd = -(rmtmc_resolvent_bilinear(&ep, c1, cv) - rmtmc_resolvent_bilinear(&em, c1, cv)) / (2.0 * h);
    snprintf(what, sizeof what, "%s e1^T E[Q^2] v = -d/dz e1^T Qbar v (central difference, h = %.0e)", tag, h);
    rel_check(c, rmtmc_resolvent_bilinear2(&e, &sg, c1, cv), fd, 1e-6, what);
  }
  rmtmc_resolvent_equiv_free(&ep);
  rmtmc_resolvent_equiv_free(&em);
#undef REL
  rmtmc_resolvent_equiv_free(&e);
  rmtmc_resolvent_equiv_free(&e); /* idempotent */
  free(r.diag);
  free(t);
  free(w);
  free(u);
  free(e1);
  free(c1);
  free(cv);
  free(cu);
  free(dre);
  free(dim);
}

/* The finite-size rules. */
static void finite(check_ctx *c) {
  int64_t d = 50, n = 100;
  double s[50], a[50] = {0}, b[50] = {0};
  for (int64_t k = 0; k < d; ++k) s[k] = 2.0;
  a[0] = 1.0;
  b[3] = 1.0;
  rmtmc_resolvent_sigma iso = {.d = d, .n = n, .s = s, .U = NULL, .kurt_excess = -2.0, .gaussian = 0};
  rmtmc_resolvent_equiv e;
  rmtmc_error err;
  rmtmc_resolvent_equiv_init(&e, &iso, 0.5, NULL, &err);
  rmtmc_resolvent_finite ft, fa, fb, f2;
  rmtmc_resolvent_finite_size(&iso, &e, RMTMC_RFUN_TRACE, NULL, NULL, NULL, NULL, &ft, &err);
  rmtmc_resolvent_finite_size(&iso, &e, RMTMC_RFUN_FORM, a, a, a, a, &fa, &err);
  rmtmc_resolvent_finite_size(&iso, &e, RMTMC_RFUN_FORM, a, b, a, b, &fb, &err);
  rmtmc_resolvent_finite_size(&iso, &e, RMTMC_RFUN_FORM2, a, a, a, a, &f2, &err);
  /* Pan-Zhou for Sigma = 2 I, Rademacher: the diagonal formula directly */
  rmtmc_pop one = {.k = 1, .t = (const double[]){2.0}, .w = (const double[]){1.0}};
  double complex mu, dmu;
  rmtmc_theory_stieltjes_bias(&one, 0.5, -0.5, -2.0, NULL, &mu, &err);
  rmtmc_theory_stieltjes_deriv_bias(&one, 0.5, -0.5, -2.0, NULL, &dmu, &err);
  check_true(c, ft.bias_known && cabs(ft.bias - mu / 50.0) < 1e-15 && ft.order == -1.0, "trace bias = mu(-z)/d");
  check_true(c, fa.bias_known && cabs(fa.bias - mu / 50.0) < 1e-15 && fa.order == -0.5,
             "Sigma = 2 I: e1^T Q e1 has the trace's bias (E[Q] = (E tr Q / d) I)");
  check_true(c, fb.bias_known && fb.bias == 0.0, "Sigma = 2 I: e1^T Q e4 has bias 0 (a.b = 0)");
  check_true(c, f2.bias_known && cabs(f2.bias - dmu / 50.0) < 1e-15, "Sigma = 2 I: e1^T Q^2 e1 has bias dmu/d");
  check_true(c, !ft.sd_known && !fa.sd_known, "Rademacher entries: no sd prediction");
  iso.gaussian = 1;
  iso.kurt_excess = 0.0;
  rmtmc_resolvent_finite_size(&iso, &e, RMTMC_RFUN_TRACE, NULL, NULL, NULL, NULL, &ft, &err);
  rmtmc_resolvent_finite_size(&iso, &e, RMTMC_RFUN_FORM, a, a, a, a, &fa, &err);
  rmtmc_resolvent_finite_size(&iso, &e, RMTMC_RFUN_FORM, a, b, a, b, &fb, &err);
  double want_tr = rmtmc_mp_sd_coef(0.5, -0.25) / (2.0 * 50.0);
  check_close(c, ft.sd_re, want_tr, 1e-15, "Gaussian, Sigma = 2 I: sd of the trace = sqrt(Sch/3)/(s2 d)");
  double complex m, dm;
  rmtmc_theory_stieltjes(&one, 0.5, -0.5, NULL, &m, NULL, &err);
  rmtmc_theory_stieltjes_deriv(&one, 0.5, -0.5, NULL, &dm, &err);
  double vq = 2.0 * (creal(dm) - creal(m) * creal(m)) / 50.0 + want_tr * want_tr;
  check_close(c, fa.sd_re, sqrt(vq), 1e-15, "Gaussian, Sigma = 2 I: sd of e1^T Q e1 (Haar eigenvectors)");
  check_close(c, fb.sd_re, sqrt(vq - want_tr * want_tr) / sqrt(2.0), 1e-15,
              "... of e1^T Q e4: half the variance, no trace part");
  rmtmc_resolvent_equiv_free(&e);
  /* diagonal, not isotropic: disjoint supports 0, else unknown */
  for (int64_t k = 0; k < d; ++k) s[k] = k < 25 ? 1.0 : 3.0;
  rmtmc_resolvent_sigma dg = {.d = d, .n = n, .s = s, .U = NULL, .kurt_excess = 0.0, .gaussian = 1};
  rmtmc_resolvent_equiv_init(&e, &dg, 0.5, NULL, &err);
  rmtmc_resolvent_finite_size(&dg, &e, RMTMC_RFUN_FORM, a, b, a, b, &fb, &err);
  rmtmc_resolvent_finite_size(&dg, &e, RMTMC_RFUN_FORM, a, a, a, a, &fa, &err);
  rmtmc_resolvent_finite_size(&dg, &e, RMTMC_RFUN_TRACE_SIGMA, NULL, NULL, NULL, NULL, &ft, &err);
  check_true(c, fb.bias_known && cabs(fb.bias) == 0.0, "diagonal Sigma, Gaussian, e1 and e4: bias 0 (E[Q] is diagonal)");
  check_true(c, fa.bias_known && ft.bias_known, "diagonal Sigma, Gaussian: e1^T Q e1 and (1/d) tr Sigma Q from the gradient rule");
  /* Rademacher entries, diagonal Sigma: E[Q] is still diagonal (sign flips):
   * every form from the gradient rule, with the fourth-cumulant term */
  rmtmc_resolvent_equiv_free(&e);
  dg.gaussian = 0;
  dg.kurt_excess = -2.0;
  rmtmc_resolvent_equiv_init(&e, &dg, 0.5, NULL, &err);
  rmtmc_resolvent_finite_size(&dg, &e, RMTMC_RFUN_FORM, a, b, a, b, &fb, &err);
  rmtmc_resolvent_finite_size(&dg, &e, RMTMC_RFUN_FORM, a, a, a, a, &fa, &err);
  rmtmc_resolvent_finite_size(&dg, &e, RMTMC_RFUN_TRACE_SIGMA, NULL, NULL, NULL, NULL, &ft, &err);
  check_true(c, fb.bias_known && cabs(fb.bias) == 0.0, "diagonal Sigma, Rademacher, e1 and e4: bias 0");
  check_true(c, fa.bias_known && ft.bias_known && !fa.sd_known && e.sum_err < 1e-12,
             "diagonal Sigma, Rademacher: e1^T Q e1 and (1/d) tr Sigma Q (the sum rule holds with the kurtosis term)");
  rmtmc_resolvent_equiv_free(&e);
}

/* The Gaussian bias of (U^T Q U)_kk (rmtmc_resolvent_equiv_bias, theory.md
 * 10.4): the sensitivities g_k against finite differences of mu in one
 * eigenvalue, sum_k B_k = mu(-z) (the trace's own bias), B_k = mu/d for
 * Sigma = I, the scaling B_k(z; c Sigma) = B_k(z/c; Sigma)/c, and the Q^2
 * rule (g_k + B_k)/z = -d/dz B_k. */
static void gaussian_bias(check_ctx *c) {
  const int64_t d = 40;
  const int64_t ns[2] = {60, 25};
  double complex zs[4] = {0.5, 2.0, CMPLX(0.3, 0.7), CMPLX(-1.0, 0.5)};
  double *Sig = malloc((size_t)(d * d) * sizeof(double));
  for (int q = 0; q < 2; ++q) {
    lib_case lc = {.name = "ar1:0.6", .d = d, .n = ns[q], .Sig = Sig};
    for (int64_t j = 0; j < d; ++j)
      for (int64_t i = 0; i < d; ++i) Sig[i + j * d] = pow(0.6, fabs((double)(i - j)));
    case_from_dense(&lc);
    rmtmc_resolvent_sigma sg = {.d = d, .n = lc.n, .s = lc.s, .U = lc.U, .gaussian = 1};
    for (int k = 0; k < 4; ++k) {
      double complex z = zs[k];
      rmtmc_resolvent_equiv e;
      rmtmc_error err;
      char what[200];
      if (rmtmc_resolvent_equiv_init(&e, &sg, z, NULL, &err) != RMTMC_OK ||
          rmtmc_resolvent_equiv_bias(&e, &sg, &err) != RMTMC_OK) {
        check_true(c, 0, err.msg);
        continue;
      }
      snprintf(what, sizeof what, "ar1:0.6 d %lld n %lld z = %g%+gi: sum_k B_k = mu(-z) (%.2g), quadrature %.2g",
               (long long)d, (long long)lc.n, creal(z), cimag(z), e.sum_err, e.quad_err);
      check_true(c, e.sum_err < 1e-9 && e.quad_err < 1e-8, what);
      /* g_k against a central difference of mu in s_k (the d eigenvalues as atoms) */
      double *t = malloc((size_t)d * sizeof(double)), *w = malloc((size_t)d * sizeof(double));
      for (int64_t i = 0; i < d; ++i) w[i] = 1.0 / (double)d;
      double worst = 0.0;
      int64_t ks[3] = {0, d / 2, d - 1};
      for (int kk = 0; kk < 3; ++kk) {
        int64_t kx = ks[kk];
        double complex mp, mm;
        const double h = 1e-5;
        for (int sgn = 0; sgn < 2; ++sgn) {
          memcpy(t, lc.s, (size_t)d * sizeof(double));
          t[kx] *= sgn ? 1.0 - h : 1.0 + h;
          rmtmc_pop pop = {.k = d, .t = t, .w = w};
          rmtmc_theory_stieltjes_bias(&pop, (double)d / (double)lc.n, -z, 0.0, NULL, sgn ? &mm : &mp, &err);
        }
        double complex fd = (mp - mm) / (2.0 * h);
        worst = fmax(worst, cabs(fd - e.gk[kx]) / fmax(cabs(e.gk[kx]), 1e-12));
      }
      snprintf(what, sizeof what, "ar1:0.6 n %lld z = %g%+gi: g_k = s_k dmu/ds_k against central differences (%.2g)",
               (long long)lc.n, creal(z), cimag(z), worst);
      check_true(c, worst < 1e-6, what);
      /* scaling: B_k(z; 3 Sigma) = B_k(z/3; Sigma)/3 */
      double *s3 = malloc((size_t)d * sizeof(double));
      for (int64_t i = 0; i < d; ++i) s3[i] = 3.0 * lc.s[i];
      rmtmc_resolvent_sigma sg3 = sg;
      sg3.s = s3;
      rmtmc_resolvent_equiv e3, e13;
      rmtmc_resolvent_equiv_init(&e3, &sg3, z, NULL, &err);
      rmtmc_resolvent_equiv_bias(&e3, &sg3, &err);
      rmtmc_resolvent_equiv_init(&e13, &sg, z / 3.0, NULL, &err);
      rmtmc_resolvent_equiv_bias(&e13, &sg, &err);
      worst = 0.0;
      for (int64_t i = 0; i < d; ++i) worst = fmax(worst, cabs(e3.bk[i] - e13.bk[i] / 3.0) / cabs(e3.bk[i]));
      snprintf(what, sizeof what, "n %lld z = %g%+gi: B_k(z; 3 Sigma) = B_k(z/3; Sigma)/3 (%.2g)", (long long)lc.n,
               creal(z), cimag(z), worst);
      check_true(c, worst < 1e-8, what);
      /* the Q^2 rule against -d/dz B_k */
      double hz = 1e-4 * cabs(z);
      rmtmc_resolvent_equiv ep, em;
      rmtmc_resolvent_equiv_init(&ep, &sg, z + hz, NULL, &err);
      rmtmc_resolvent_equiv_bias(&ep, &sg, &err);
      rmtmc_resolvent_equiv_init(&em, &sg, z - hz, NULL, &err);
      rmtmc_resolvent_equiv_bias(&em, &sg, &err);
      worst = 0.0;
      for (int64_t i = 0; i < d; ++i) {
        double complex fd = -(ep.bk[i] - em.bk[i]) / (2.0 * hz), rule = (e.gk[i] + e.bk[i]) / z;
        worst = fmax(worst, cabs(fd - rule) / cabs(rule));
      }
      snprintf(what, sizeof what, "n %lld z = %g%+gi: the Q^2 bias (g_k + B_k)/z = -dB_k/dz (%.2g)", (long long)lc.n,
               creal(z), cimag(z), worst);
      check_true(c, worst < 1e-5, what);
      rmtmc_resolvent_equiv_free(&ep);
      rmtmc_resolvent_equiv_free(&em);
      rmtmc_resolvent_equiv_free(&e3);
      rmtmc_resolvent_equiv_free(&e13);
      rmtmc_resolvent_equiv_free(&e);
      free(s3);
      free(t);
      free(w);
    }
    free(lc.s);
    free(lc.U);
  }
  /* Sigma = I: every B_k is mu/d */
  double one[30];
  for (int64_t i = 0; i < 30; ++i) one[i] = 1.0;
  rmtmc_resolvent_sigma id = {.d = 30, .n = 50, .s = one, .U = NULL, .gaussian = 1};
  rmtmc_resolvent_equiv e;
  rmtmc_error err;
  rmtmc_resolvent_equiv_init(&e, &id, CMPLX(0.7, 0.2), NULL, &err);
  rmtmc_resolvent_equiv_bias(&e, &id, &err);
  double complex mu = rmtmc_mp_bias(0.6, -CMPLX(0.7, 0.2));
  double worst = 0.0;
  for (int64_t i = 0; i < 30; ++i) worst = fmax(worst, cabs(e.bk[i] - mu / 30.0) / cabs(mu / 30.0));
  char what[120];
  snprintf(what, sizeof what, "Sigma = I: B_k = mu_MP(-z)/d for every k (%.2g)", worst);
  check_true(c, worst < 1e-10, what);
  rmtmc_resolvent_equiv_free(&e);
  free(Sig);
}

/* The fourth-cumulant part of the gradient (non-Gaussian entries, a dense
 * Sigma): g_k against central differences of mu (rmtmc_theory_stieltjes_bias_sigma
 * with the eigenvectors held fixed), the sum rule, and which forms it gives. */
static void kurtosis_bias(check_ctx *c) {
  const int64_t d = 30, n = 45;
  lib_case lc = {.name = "ar1:0.5", .d = d, .n = n};
  lc.Sig = malloc((size_t)(d * d) * sizeof(double));
  for (int64_t j = 0; j < d; ++j)
    for (int64_t i = 0; i < d; ++i) lc.Sig[i + j * d] = pow(0.5, fabs((double)(i - j)));
  case_from_dense(&lc);
  rmtmc_resolvent_sigma sg = {.d = d, .n = n, .s = lc.s, .U = lc.U, .gaussian = 0, .kurt_excess = -2.0};
  rmtmc_entry_mixing mx;
  rmtmc_error err;
  rmtmc_resolvent_mixing(&mx, &sg, &err);
  sg.mixing = &mx;
  double complex zs[2] = {0.7, CMPLX(0.2, 0.5)};
  for (int q = 0; q < 2; ++q) {
    double complex z = zs[q];
    rmtmc_resolvent_equiv e;
    char what[200];
    rmtmc_resolvent_equiv_init(&e, &sg, z, NULL, &err);
    if (rmtmc_resolvent_equiv_bias(&e, &sg, &err) != RMTMC_OK) {
      check_true(c, 0, err.msg);
      continue;
    }
    snprintf(what, sizeof what, "Rademacher ar1:0.5 z = %g%+gi: sum_k B_k = mu(-z) with the kurtosis term (%.2g), quadrature %.2g",
             creal(z), cimag(z), e.sum_err, e.quad_err);
    check_true(c, e.sum_err < 1e-9 && e.quad_err < 1e-8, what);
    double worst = 0.0;
    int64_t ks[3] = {0, d / 2, d - 1};
    for (int kk = 0; kk < 3; ++kk) {
      double complex mp, mm;
      const double h = 1e-5;
      for (int sgn = 0; sgn < 2; ++sgn) {
        rmtmc_entry_mixing m2 = mx;
        m2.s = malloc((size_t)d * sizeof(double));
        memcpy(m2.s, mx.s, (size_t)d * sizeof(double));
        m2.s[ks[kk]] *= sgn ? 1.0 - h : 1.0 + h;
        rmtmc_theory_stieltjes_bias_sigma(&m2, (double)d / (double)n, -z, -2.0, NULL, sgn ? &mm : &mp, &err);
        free(m2.s);
      }
      double complex fd = (mp - mm) / (2.0 * h);
      worst = fmax(worst, cabs(fd - e.gk[ks[kk]]) / fmax(cabs(e.gk[ks[kk]]), 1e-12));
    }
    snprintf(what, sizeof what, "Rademacher ar1:0.5 z = %g%+gi: g_k with the kurtosis term against central differences (%.2g)",
             creal(z), cimag(z), worst);
    check_true(c, worst < 1e-6, what);
    /* which forms: quad of an eigenvector yes, e1 (not one) no; trace_sigma yes */
    double *e1 = calloc((size_t)d, sizeof(double)), *c1 = malloc((size_t)d * sizeof(double));
    double *v = lc.U + (d - 1) * d, *cv = malloc((size_t)d * sizeof(double));
    e1[0] = 1.0;
    rmtmc_resolvent_coords(&sg, e1, c1);
    rmtmc_resolvent_coords(&sg, v, cv);
    rmtmc_resolvent_finite f1, fv, ft;
    rmtmc_resolvent_finite_size(&sg, &e, RMTMC_RFUN_FORM, e1, e1, c1, c1, &f1, &err);
    rmtmc_resolvent_finite_size(&sg, &e, RMTMC_RFUN_FORM, v, v, cv, cv, &fv, &err);
    rmtmc_resolvent_finite_size(&sg, &e, RMTMC_RFUN_TRACE_SIGMA, NULL, NULL, NULL, NULL, &ft, &err);
    check_true(c, !f1.bias_known && fv.bias_known && cabs(fv.bias - e.bk[d - 1]) < 1e-15 && ft.bias_known,
               "dense Sigma, Rademacher: e1^T Q e1 unknown, v^T Q v (an eigenvector) = B_top, (1/d) tr Sigma Q known");
    free(e1);
    free(c1);
    free(cv);
    rmtmc_resolvent_equiv_free(&e);
  }
  rmtmc_entry_mixing_free(&mx);
  free(lc.Sig);
  free(lc.s);
  free(lc.U);
}

static void messages(check_ctx *c) {
  double s[3] = {1, 2, 3};
  rmtmc_resolvent_sigma sg = {.d = 3, .n = 6, .s = s, .U = NULL, .gaussian = 1};
  rmtmc_resolvent_equiv e;
  rmtmc_error err;
  rmtmc_status st = rmtmc_resolvent_equiv_init(&e, &sg, 0.0, NULL, &err);
  check_true(c, st == RMTMC_ERR_INVALID && strstr(err.msg, "must be > 0"), err.msg);
  st = rmtmc_resolvent_equiv_init(&e, &sg, -1.0, NULL, &err);
  check_true(c, st == RMTMC_ERR_INVALID && strstr(err.msg, "z = -1"), err.msg);
  s[1] = -1.0;
  st = rmtmc_resolvent_equiv_init(&e, &sg, 1.0, NULL, &err);
  check_true(c, st == RMTMC_ERR_INVALID && strstr(err.msg, "eigenvalue 2"), err.msg);
}

int main(int argc, char **argv) {
  check_ctx c = {0, 0};
  const char *path = argc > 1 ? argv[1] : "tests/data/resolvent_sigma12.txt";
  double complex zs[5] = {0.5, 2.0, CMPLX(0.3, 0.7), CMPLX(-1.0, 0.5), CMPLX(1.0, -0.2)};
  /* ar1, built here entry by entry; eta = 2/3 and 1.6 */
  int64_t shapes[2][2] = {{40, 60}, {40, 25}};
  for (int q = 0; q < 2; ++q) {
    lib_case lc = {.name = q ? "ar1:0.4" : "ar1:0.6", .d = shapes[q][0], .n = shapes[q][1]};
    double rho = q ? 0.4 : 0.6;
    lc.Sig = malloc((size_t)(lc.d * lc.d) * sizeof(double));
    for (int64_t j = 0; j < lc.d; ++j)
      for (int64_t i = 0; i < lc.d; ++i) lc.Sig[i + j * lc.d] = pow(rho, fabs((double)(i - j)));
    if (!case_from_dense(&lc)) return 1;
    for (int k = 0; k < 5; ++k) one(&c, &lc, zs[k]);
    free(lc.Sig);
    free(lc.s);
    free(lc.U);
  }
  /* the matrix file; eta = 1.5 and 0.4 */
  int64_t ns[2] = {8, 30};
  for (int q = 0; q < 2; ++q) {
    lib_case lc = {.name = "matrix file", .d = 12, .n = ns[q]};
    lc.Sig = malloc(144 * sizeof(double));
    if (!read_matrix(path, 12, lc.Sig)) {
      printf("cannot read %s\n", path);
      return 1;
    }
    if (!case_from_dense(&lc)) return 1;
    for (int k = 0; k < 5; ++k) one(&c, &lc, zs[k]);
    /* the model reads the same file: same eigenvalues */
    char spec[4200];
    snprintf(spec, sizeof spec, "matrix:%s", path);
    rmtmc_model m;
    rmtmc_error err;
    if (rmtmc_model_init(&m, 12, ns[q], spec, RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, &err) == RMTMC_OK) {
      double worst = 0.0;
      for (int k = 0; k < 12; ++k) worst = fmax(worst, fabs(m.pop_eigs[k] - lc.s[k]) / lc.s[11]);
      char what[160];
      snprintf(what, sizeof what, "--sigma matrix: eigenvalues as the test's own dsyevd (worst %.2g)", worst);
      check_true(&c, worst < 1e-14, what);
      rmtmc_model_free(&m);
    } else {
      check_true(&c, 0, err.msg);
    }
    free(lc.Sig);
    free(lc.s);
    free(lc.U);
  }
  finite(&c);
  gaussian_bias(&c);
  kurtosis_bias(&c);
  messages(&c);
  return check_finish(&c);
}
