/* silverstein.c: the limit spectrum of S = X X^T / n for a general
 * population covariance with spectrum H = sum_j w_j delta_{t_j}
 * (docs/theory.md section 2): Stieltjes transform by continuation + Newton on
 * the Silverstein equation, support edges (Silverstein-Choi), density,
 * bin masses, moments, the ridge scalar delta(z) and the 1/d bias of the
 * empirical Stieltjes transform (Bai-Silverstein 2004, Pan-Zhou 2008).
 *
 * The Silverstein equation is solved in u = -1/mc (theory_internal.h):
 *   w = x(u) = u (1 + eta B(u)),  B(u) = sum_j w_j t_j / (u - t_j).
 * Im mc > 0 <=> Im u > 0, so the theory.md 2.2 safeguard reads Im u > 0. */
#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "rmtmc_theory.h"
#include "theory/theory_internal.h"

/* ------------------------------------------------------------------------ */
/* Population: validation and normalisation                                  */
/* ------------------------------------------------------------------------ */

typedef struct pop_pair {
  double t, w;
} pop_pair;

static int pop_pair_cmp(const void *a, const void *b) {
  double x = ((const pop_pair *)a)->t, y = ((const pop_pair *)b)->t;
  return (x > y) - (x < y);
}

void theory_pop_free(theory_pop *P) {
  if (P) {
    free(P->t);
    P->t = P->w = NULL;
    P->k = 0;
  }
}

/* Checks H and eta and builds the normalised population (sorted distinct
 * positive atoms, merged weights renormalised by their sum, h0 = H({0})).
 * Weights must sum to 1 within 1e-8. */
rmtmc_status theory_pop_init(theory_pop *P, const rmtmc_pop *H, double eta,
                             rmtmc_error *err) {
  int64_t j, k, npos = 0;
  double sum = 0, h0 = 0;
  pop_pair *pr;
  P->k = 0;
  P->t = P->w = NULL;
  P->h0 = 0;
  P->tmax = 0;
  P->one_atom = 0;
  P->t_single = 0;
  if (!(isfinite(eta) && eta > 0))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the ratio eta = d/n is %g; it must be positive "
                           "and finite",
                           eta);
  if (!H || H->k < 1 || !H->t || !H->w)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the population spectrum (the eigenvalues of "
                           "Sigma) is empty: give at least one eigenvalue "
                           "(rmtmc_pop with k >= 1 and non-NULL t, w)");
  for (j = 0; j < H->k; ++j) {
    if (!(isfinite(H->t[j]) && H->t[j] >= 0))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "eigenvalue %lld of Sigma is %g; a covariance "
                             "has finite eigenvalues >= 0",
                             (long long)(j + 1), H->t[j]);
    if (!(isfinite(H->w[j]) && H->w[j] > 0))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "eigenvalue %lld of Sigma (%g) has weight %g; "
                             "weights must be positive and finite",
                             (long long)(j + 1), H->t[j], H->w[j]);
    sum += H->w[j];
    if (H->t[j] > 0) ++npos;
  }
  if (fabs(sum - 1.0) > 1e-8)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the weights of the eigenvalues of Sigma sum to "
                           "%.17g; they must sum to 1 (within 1e-8)",
                           sum);
  if (npos > 0) {
    pr = (pop_pair *)malloc((size_t)npos * sizeof *pr);
    if (!pr)
      return rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                             "out of memory for %lld eigenvalues of Sigma",
                             (long long)npos);
    for (j = 0, k = 0; j < H->k; ++j)
      if (H->t[j] > 0) {
        pr[k].t = H->t[j];
        pr[k].w = H->w[j] / sum;
        ++k;
      }
    for (j = 1; j < npos; ++j)
      if (pr[j].t < pr[j - 1].t) break;
    if (j < npos) qsort(pr, (size_t)npos, sizeof *pr, pop_pair_cmp);
    P->t = (double *)malloc(2 * (size_t)npos * sizeof(double));
    if (!P->t) {
      free(pr);
      return rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                             "out of memory for %lld eigenvalues of Sigma",
                             (long long)npos);
    }
    P->w = P->t + npos;
    for (j = 0, k = 0; j < npos; ++j) {
      if (k > 0 && pr[j].t == P->t[k - 1]) {
        P->w[k - 1] += pr[j].w;
      } else {
        P->t[k] = pr[j].t;
        P->w[k] = pr[j].w;
        ++k;
      }
    }
    P->k = k;
    P->tmax = P->t[k - 1];
    free(pr);
  }
  for (j = 0; j < H->k; ++j)
    if (H->t[j] == 0) h0 += H->w[j] / sum;
  P->h0 = h0;
  if (H->k == 1 && H->t[0] > 0) {
    P->one_atom = 1;
    P->t_single = H->t[0];
  }
  return RMTMC_OK;
}

/* ------------------------------------------------------------------------ */
/* The map x(u) and its derivatives                                          */
/* ------------------------------------------------------------------------ */

/* Complex u: B(u), psi(u) and the rounding scale sum_j w_j t_j / |u - t_j|. */
void theory_pop_eval_c(const theory_pop *P, double complex u, double complex *B,
                       double complex *psi, double *babs) {
  double br = 0, bi = 0, pr = 0, pi = 0, ba = 0;
  double ur = creal(u), ui = cimag(u);
  int64_t j;
  for (j = 0; j < P->k; ++j) {
    double dr = ur - P->t[j], q = 1.0 / (dr * dr + ui * ui);
    double rr = dr * q, ri = -ui * q; /* r = 1/(u - t_j) */
    double wt = P->w[j] * P->t[j];
    double s2r = rr * rr - ri * ri, s2i = 2.0 * rr * ri;
    br += wt * rr;
    bi += wt * ri;
    pr += wt * P->t[j] * s2r;
    pi += wt * P->t[j] * s2i;
    ba += wt * sqrt(q);
  }
  *B = CMPLX(br, bi);
  *psi = CMPLX(pr, pi);
  if (babs) *babs = ba;
}

/* A(u) = sum_j w_j / (u - t_j) including the atom at 0 (h0 / u). */
double complex theory_pop_a(const theory_pop *P, double complex u) {
  double complex a = P->h0 > 0 ? P->h0 / u : 0;
  int64_t j;
  for (j = 0; j < P->k; ++j) a += P->w[j] / (u - P->t[j]);
  return a;
}

/* Real u: x(u) = u (1 + eta B(u)). */
double theory_pop_x(const theory_pop *P, double eta, double u) {
  double b = 0;
  int64_t j;
  for (j = 0; j < P->k; ++j) b += P->w[j] * P->t[j] / (u - P->t[j]);
  return u * (1.0 + eta * b);
}

/* Real u: psi(u) = sum_j w_j t_j^2 / (t_j - u)^2 and its derivative
 * psi'(u) = 2 sum_j w_j t_j^2 / (t_j - u)^3. */
double theory_pop_psi(const theory_pop *P, double u) {
  double s = 0;
  int64_t j;
  for (j = 0; j < P->k; ++j) {
    double r = P->t[j] / (P->t[j] - u);
    s += P->w[j] * r * r;
  }
  return s;
}

double theory_pop_dpsi(const theory_pop *P, double u) {
  double s = 0;
  int64_t j;
  for (j = 0; j < P->k; ++j) {
    double r = 1.0 / (P->t[j] - u);
    s += P->w[j] * P->t[j] * P->t[j] * r * r * r;
  }
  return 2.0 * s;
}

static double cb_x_minus(double u, void *c) {
  const theory_pop_ctx *x = (const theory_pop_ctx *)c;
  return theory_pop_x(x->P, x->eta, u) - x->level;
}

/* ------------------------------------------------------------------------ */
/* Complex solver: continuation + safeguarded Newton (theory.md 2.2)            */
/* ------------------------------------------------------------------------ */

/* Newton on F(u) = u (1 + eta B(u)) - w, F'(u) = 1 - eta psi(u), halving
 * the step while Im u_new <= 0.  Converged (after applying the step) when
 * |step| <= tol |u|, when |F| is at the rounding level of its terms, or
 * when the step stagnates at a small residual (noise floor near an edge,
 * where F' -> 0 limits the attainable accuracy).  *resid gets |F|. */
rmtmc_status theory_pop_newton(const theory_pop *P, double eta,
                               double complex w, double complex *u, double tol,
                               int max_iter, double *resid) {
  double complex uu = *u;
  double prev_step = INFINITY;
  const double noise = 4.0 * DBL_EPSILON * (1.0 + sqrt((double)P->k));
  int it;
  *resid = INFINITY;
  for (it = 0; it < max_iter; ++it) {
    double complex B, psi, F, Fp, step, un;
    double babs, sc, as;
    int h, done;
    theory_pop_eval_c(P, uu, &B, &psi, &babs);
    F = uu * (1.0 + eta * B) - w;
    Fp = 1.0 - eta * psi;
    sc = cabs(uu) * (1.0 + eta * babs) + cabs(w);
    *resid = cabs(F);
    if (!isfinite(*resid) || Fp == 0) break;
    if (*resid == 0) {
      *u = uu;
      return RMTMC_OK;
    }
    step = F / Fp;
    un = uu - step;
    for (h = 0; h < 80 && !(cimag(un) > 0); ++h) {
      step *= 0.5;
      un = uu - step;
    }
    if (!(cimag(un) > 0)) break;
    uu = un;
    as = cabs(step);
    done = as <= tol * cabs(uu) || *resid <= noise * sc ||
           (it >= 2 && as >= 0.5 * prev_step && *resid <= 1e3 * noise * sc);
    if (done) {
      *u = uu;
      return RMTMC_OK;
    }
    prev_step = as;
  }
  *u = uu;
  return RMTMC_ERR_NOCONV;
}

/* Solve x(u) = w for the root with Im u > 0 (w with Im w >= 0; Im w = 0 on
 * the support gives the boundary value u(w + i0)).  Continuation: start at
 * w0 = Re w + i eps0, eps0 = 10 max(1, |Re w|, t_max (1 + sqrt eta)^2), a
 * few fixed-point sweeps u <- w0 - eta u B(u) (the theory.md 2.2 iteration
 * mc <- -1/(w0 - eta sum ...) in u = -1/mc), then Newton at Im w divided
 * by 3 per rung.  When the remaining distance (Im w_rung - Im w)/|x'(u)| is
 * below 1e-3 Im u, Newton jumps directly to the target.  For a real target
 * in a gap of the support (no root with Im u > 0) the solver may stop at
 * Im w = 1e-15 scale and return that (nearly real) root with *on_target = 0
 * (on_target may be NULL). */
rmtmc_status theory_pop_solve(const theory_pop *P, double eta, double complex w,
                              const rmtmc_theory_opts *opts, double complex *u,
                              int *on_target, rmtmc_error *err) {
  const double tol = theory_tol(opts);
  const int max_iter = theory_max_iter(opts);
  const double xr = creal(w), target = cimag(w);
  double se = 1.0 + sqrt(eta);
  double scale = fmax(1.0, fmax(fabs(xr), P->tmax * se * se));
  double eps = 10.0 * scale, floor_eps = 1e-15 * scale, resid;
  double complex uu, w0;
  rmtmc_status st;
  int it, reached = 1;
  if (target >= eps) eps = target;
  w0 = CMPLX(xr, eps);
  uu = w0;
  for (it = 0; it < 60; ++it) { /* contraction for large Im w0 */
    double complex B, psi, un;
    theory_pop_eval_c(P, uu, &B, &psi, NULL);
    un = w0 - eta * uu * B;
    if (!(cimag(un) > 0)) break;
    if (cabs(un - uu) <= 1e-6 * cabs(un)) {
      uu = un;
      break;
    }
    uu = un;
  }
  st = theory_pop_newton(P, eta, w0, &uu, tol, max_iter, &resid);
  if (st != RMTMC_OK) goto fail;
  while (eps > target) {
    double complex B, psi, ut;
    double next = eps / 3.0;
    theory_pop_eval_c(P, uu, &B, &psi, NULL);
    if ((eps - target) < 1e-3 * cimag(uu) * cabs(1.0 - eta * psi) ||
        next < floor_eps) {
      ut = uu;
      if (theory_pop_newton(P, eta, CMPLX(xr, target), &ut, tol,
                     max_iter < 50 ? max_iter : 50, &resid) == RMTMC_OK) {
        uu = ut;
        eps = target;
        break;
      }
      if (next < floor_eps) {
        if (target < floor_eps) { /* gap point: keep the rung root */
          reached = 0;
          break;
        }
        next = target;
      }
    }
    if (next < target) next = target;
    st = theory_pop_newton(P, eta, CMPLX(xr, next), &uu, tol, max_iter, &resid);
    if (st != RMTMC_OK) {
      eps = next;
      goto fail;
    }
    eps = next;
  }
  *u = uu;
  if (on_target) *on_target = reached;
  return RMTMC_OK;
fail:
  return rmtmc_error_set(
      err, RMTMC_ERR_NOCONV,
      "m(z) could not be computed at z = %.10g%+.10gi to the requested "
      "relative accuracy %.1e (the solution stalled at a residual of %.3g, "
      "at Im z = %.3g on the way down to the target); z is probably very "
      "close to an edge of the support: move it away or give it a larger "
      "imaginary part",
      xr, target, tol, resid, eps);
}

/* ------------------------------------------------------------------------ */
/* u(w) for any admissible w                                                 */
/* ------------------------------------------------------------------------ */

/* u for the one-atom population t delta_t from the closed form.  At w = 0:
 * u = 0 (mc = infinity) for eta < 1, u = -(eta - 1) t (mc = 1/((eta-1) t))
 * for eta > 1 (eta = 1 puts 0 on the support; callers refuse it first). */
static double complex mp_u_closed(double eta, double t, double complex w) {
  double complex mc;
  if (w == 0) return eta > 1 ? -(eta - 1.0) * t : 0.0;
  mc = rmtmc_mp_companion(eta, w / t) / t;
  return -1.0 / mc;
}

/* Real w off the support: root of x(u) = w on the u-bracket of its gap,
 * where x is increasing (Brent; unbounded brackets are expanded). */
static rmtmc_status pop_solve_real(const theory_pop *P, double eta,
                                   const theory_support *S, double w,
                                   const rmtmc_theory_opts *opts, double *u,
                                   rmtmc_error *err) {
  theory_pop_ctx ctx;
  double a, b, fa, fb, step;
  int64_t i, it;
  rmtmc_status st;
  ctx.P = P;
  ctx.eta = eta;
  ctx.level = w;
  if (P->k == 0) {
    *u = w;
    return RMTMC_OK;
  }
  /* gap index: number of intervals entirely below w */
  for (i = 0; i < S->n && S->hi[i] < w; ++i) {
  }
  a = i == 0 ? -INFINITY : S->uhi[i - 1];
  b = i == S->n ? INFINITY : S->ulo[i];
  step = fmax(1.0, fmax(fabs(w), P->tmax));
  if (isinf(a)) {
    a = b - step;
    for (it = 0; it < 2000 && !(cb_x_minus(a, &ctx) < 0); ++it) {
      step *= 2;
      a = b - step;
    }
  }
  if (isinf(b)) {
    b = a + step;
    for (it = 0; it < 2000 && !(cb_x_minus(b, &ctx) > 0); ++it) {
      step *= 2;
      b = a + step;
    }
  }
  fa = cb_x_minus(a, &ctx);
  fb = cb_x_minus(b, &ctx);
  st = theory_brent(u, cb_x_minus, &ctx, a, b, fa, fb, 0.0, 1e-300,
                    4 * theory_max_iter(opts) + 400, NULL);
  if (st == RMTMC_OK || st == RMTMC_ERR_NOCONV) return RMTMC_OK;
  return rmtmc_error_set(err, RMTMC_ERR_NUMERIC,
                         "m(z) could not be computed at the real point z = "
                         "%.10g (it lies between support edges closer than "
                         "rounding resolves); give z an imaginary part",
                         w);
}

/* Shared front end: u(w) for w already reflected to Im w >= +0.  Complex
 * w: continuation solver (closed form for one atom).  Real w: the support
 * is computed; w on it is RMTMC_ERR_INVALID; off it the real root on the
 * branch x'(u) > 0 is returned.  w = 0 off the support: u = 0 (mc has its
 * pole) when eta (1 - h0) < 1, else the negative root of 1 + eta B(u) = 0
 * (mc(0) finite, m has the pole of the atom 1 - 1/eta).  Callers decide
 * what a pole means for their quantity. */
rmtmc_status theory_pop_u_at(const theory_pop *P, double eta, double complex w,
                             const rmtmc_theory_opts *opts, double complex *u,
                             rmtmc_error *err) {
  theory_support S;
  rmtmc_status st;
  double x;
  int64_t i;
  if (!(isfinite(creal(w)) && isfinite(cimag(w))))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the point z = %g%+gi must be finite", creal(w),
                           cimag(w));
  if (cimag(w) > 0) {
    if (P->one_atom) {
      *u = mp_u_closed(eta, P->t_single, w);
      return RMTMC_OK;
    }
    if (P->k == 0) {
      *u = w;
      return RMTMC_OK;
    }
    return theory_pop_solve(P, eta, w, opts, u, NULL, err);
  }
  x = creal(w);
  if (P->k == 0) { /* Sigma = 0: nu = delta_0, x(u) = u */
    *u = CMPLX(x, 0.0);
    return RMTMC_OK;
  }
  if (P->one_atom) {
    double lo, hi, t = P->t_single;
    rmtmc_mp_edges(eta, &lo, &hi);
    if (x >= t * lo && x <= t * hi)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "m(z) is not defined at the real point z = %.10g: "
                             "it lies on the support [%.6g, %.6g] of the "
                             "limiting spectrum; choose a real z outside it "
                             "or give z an imaginary part (e.g. %.6g+0.1i)",
                             x, t * lo, t * hi, x);
    *u = CMPLX(creal(mp_u_closed(eta, t, x)), 0.0);
    return RMTMC_OK;
  }
  st = theory_support_compute(P, eta, &S, err);
  if (st != RMTMC_OK) return st;
  i = theory_support_find(&S, x);
  if (i >= 0) {
    st = rmtmc_error_set(err, RMTMC_ERR_INVALID,
                         "m(z) is not defined at the real point z = %.10g: "
                         "it lies on the support interval [%.6g, %.6g] (%lld "
                         "of %lld) of the limiting spectrum; choose a real z "
                         "outside it or give z an imaginary part (e.g. "
                         "%.6g+0.1i)",
                         x, S.lo[i], S.hi[i], (long long)(i + 1),
                         (long long)S.n, x);
  } else if (x == 0 && theory_atom_c(P, eta) > 0) {
    *u = 0; /* the companion's atom: mc = infinity, u = 0 exactly */
  } else {
    double ur = 0;
    st = pop_solve_real(P, eta, &S, x, opts, &ur, err);
    *u = CMPLX(ur, 0.0);
  }
  theory_support_free(&S);
  return st;
}

/* Reflect Im w < 0 to the upper half plane and normalise -0.0. */
double complex theory_w_upper(double complex w, int *conj_back) {
  double im = cimag(w);
  *conj_back = im < 0;
  return CMPLX(creal(w), im < 0 ? -im : (im == 0 ? 0.0 : im));
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                */
/* ------------------------------------------------------------------------ */

double theory_atom_d(const theory_pop *P, double eta) {
  return fmax(P->h0, eta > 1 ? 1.0 - 1.0 / eta : 0.0);
}

double theory_atom_c(const theory_pop *P, double eta) {
  return fmax(0.0, 1.0 - eta * (1.0 - P->h0));
}

double rmtmc_theory_atom(const rmtmc_pop *H, double eta) {
  double h0 = 0, sum = 0;
  int64_t j;
  if (!H || H->k < 1 || !H->t || !H->w || !(isfinite(eta) && eta > 0))
    return NAN;
  for (j = 0; j < H->k; ++j) {
    sum += H->w[j];
    if (H->t[j] == 0) h0 += H->w[j];
  }
  h0 /= sum;
  return fmax(h0, eta > 1 ? 1.0 - 1.0 / eta : 0.0);
}

/* m = -(u/w) A(u), mc = -1/u (theory_internal.h).  At w = 0 (real):
 * m has a pole iff the limit law has an atom at 0, mc iff its companion
 * has one; a pole is returned as +inf + 0i (status OK), so callers can
 * print it. */
rmtmc_status rmtmc_theory_stieltjes(const rmtmc_pop *H, double eta,
                                    double complex w,
                                    const rmtmc_theory_opts *opts,
                                    double complex *m, double complex *mc,
                                    rmtmc_error *err) {
  theory_pop P;
  rmtmc_status st;
  double complex u = 0, wu, mm, mcc;
  int conj_back, at_zero;
  if ((st = theory_pop_init(&P, H, eta, err)) != RMTMC_OK) return st;
  wu = theory_w_upper(w, &conj_back);
  at_zero = wu == 0;
  st = theory_pop_u_at(&P, eta, wu, opts, &u, err);
  if (st != RMTMC_OK) goto out;
  if (at_zero) { /* z = 0 off the support: poles of the atoms at 0 */
    const double pole = INFINITY;
    if (theory_atom_d(&P, eta) > 0) {
      mm = pole;
    } else { /* eta < 1, Sigma non-singular: m(0) = int dH(t)/t /(1 - eta) */
      double complex B, psi;
      theory_pop_eval_c(&P, 0.0, &B, &psi, NULL);
      mm = -theory_pop_a(&P, 0.0) / (1.0 + eta * B);
    }
    mcc = theory_atom_c(&P, eta) > 0 ? pole : -1.0 / u;
    if (m) *m = CMPLX(creal(mm), 0.0);
    if (mc) *mc = CMPLX(creal(mcc), 0.0);
    goto out;
  }
  if (P.one_atom) {
    double t = P.t_single;
    mm = rmtmc_mp_stieltjes(eta, wu / t) / t;
    mcc = rmtmc_mp_companion(eta, wu / t) / t;
  } else if (P.k == 0) {
    mm = mcc = -1.0 / wu;
  } else {
    /* m = -A(u)/(1 + eta B(u)) = -(u/w) A(u) since w = u (1 + eta B):
     * the second form uses the exact w and does not cancel where
     * 1 + eta B -> 0 (w -> 0 with an atom at 0, eta > 1). */
    mm = -(u / wu) * theory_pop_a(&P, u);
    mcc = -1.0 / u;
  }
  if (cimag(wu) == 0) { /* real w off the support: real transforms */
    mm = CMPLX(creal(mm), 0.0);
    mcc = CMPLX(creal(mcc), 0.0);
  }
  if (conj_back) {
    mm = conj(mm);
    mcc = conj(mcc);
  }
  if (m) *m = mm;
  if (mc) *mc = mcc;
out:
  theory_pop_free(&P);
  return st;
}

/* f(x) = Im m(x + i0)/pi = Im mc(x + i0)/(pi eta) = Im u/(pi eta |u|^2)
 * for x > 0; 0 for x <= 0 (the a.c. part lives on (0, inf)).  In gaps of
 * the support the solver ends on a (nearly) real root: f = 0 or ~1e-30. */
rmtmc_status rmtmc_theory_density(const rmtmc_pop *H, double eta, double x,
                                  const rmtmc_theory_opts *opts, double *f,
                                  rmtmc_error *err) {
  theory_pop P;
  rmtmc_status st;
  double complex u;
  if (!f)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "rmtmc_theory_density: f must not be NULL");
  if (!isfinite(x))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the density is evaluated at a finite point; got "
                           "x = %g",
                           x);
  if ((st = theory_pop_init(&P, H, eta, err)) != RMTMC_OK) return st;
  *f = 0;
  if (x > 0 && P.k > 0) {
    if (P.one_atom) {
      *f = rmtmc_mp_density(eta, x / P.t_single) / P.t_single;
    } else {
      int reached = 0;
      st = theory_pop_solve(&P, eta, CMPLX(x, 0.0), opts, &u, &reached, err);
      if (st == RMTMC_OK && reached) { /* not reached: in a gap, f = 0 */
        double a = cabs(u);
        *f = fmax(0.0, cimag(u) / (M_PI * eta * a * a));
      }
    }
  }
  theory_pop_free(&P);
  return st;
}

/* Theta(u) = Im Phi, where Phi(w) = w mc + Log mc - eta sum_j w_j
 * Log(1 + t_j mc) is an antiderivative of mc along the real axis: Phi is
 * stationary in mc exactly at the Silverstein equation, so
 * dPhi/dw = mc, and nu_ac((a, b]) = [Theta(u(b)) - Theta(u(a))]/(pi eta)
 * for 0 < a < b (theory.md 2.6, density Im mc/(pi eta)).  In u = -1/mc:
 *   Im(w mc) = -eta Im B(u),  Arg mc = pi - Arg u,
 *   Arg(1 + t mc) = Arg(u - t) - Arg u      (u in the closed upper half
 * plane; real u uses atan2(+0, .)).  The error is second order in the
 * error of u (stationarity), so square-root edges cost nothing.  The
 * function returns Theta - pi. */
double theory_pop_theta(const theory_pop *P, double eta, double complex u) {
  double ur = creal(u), ui = cimag(u);
  double argu, s = 0, bi = 0;
  int64_t j;
  if (ui == 0) ui = 0.0; /* atan2(+0, x < 0) = +pi: limit from above */
  /* u = 0 is the hard edge x = 0 of eta (1 - h0) = 1, approached along
   * u ~ i sqrt(x / (eta h_{-1})): Arg u -> pi/2 there */
  argu = (ur == 0 && ui == 0) ? 0.5 * M_PI : atan2(ui, ur);
  for (j = 0; j < P->k; ++j) {
    double dr = ur - P->t[j];
    s += P->w[j] * (atan2(ui, dr) - argu);
    bi += P->w[j] * P->t[j] * (-ui) / (dr * dr + ui * ui);
  }
  /* the constant pi of Arg mc = pi - Arg u is dropped: only differences
   * of Theta are used, and adding it would cost pi * 1e-16 absolute,
   * which the division by pi eta amplifies for small eta */
  return -argu - eta * (bi + s);
}

/* Bin masses from the antiderivative Theta (see theory_pop_theta): one solve per
 * bin edge instead of a quadrature per bin.  Bin edges outside the support
 * use the exact constant value of Theta on their gap, computed from the
 * real critical point u of the nearest edge. */
rmtmc_status rmtmc_theory_bin_masses(const rmtmc_pop *H, double eta,
                                     int64_t nbins, const double *bin_edges,
                                     const rmtmc_theory_opts *opts,
                                     double *mass, rmtmc_error *err) {
  theory_pop P;
  theory_support S;
  rmtmc_status st;
  double th0, prev = 0;
  double complex u_prev = 0;
  int64_t i, prev_int = -1;
  if (nbins < 0 || (nbins > 0 && (!bin_edges || !mass)))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "rmtmc_theory_bin_masses: nbins = %lld must be "
                           ">= 0 with non-NULL bin_edges and mass",
                           (long long)nbins);
  for (i = 0; i < nbins; ++i)
    if (!(bin_edges[i + 1] >= bin_edges[i]) || !isfinite(bin_edges[i]) ||
        !isfinite(bin_edges[i + 1]))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "bin edges must be finite and non-decreasing "
                             "(bin_edges[%lld] = %g, bin_edges[%lld] = %g)",
                             (long long)i, bin_edges[i], (long long)(i + 1),
                             bin_edges[i + 1]);
  if (nbins == 0) return RMTMC_OK;
  if ((st = theory_pop_init(&P, H, eta, err)) != RMTMC_OK) return st;
  st = theory_support_compute(&P, eta, &S, err);
  if (st != RMTMC_OK) {
    theory_pop_free(&P);
    return st;
  }
  if (S.n == 0) { /* Sigma = 0: no absolutely continuous part */
    for (i = 0; i < nbins; ++i) mass[i] = 0;
    goto out;
  }
  th0 = theory_pop_theta(&P, eta, CMPLX(S.ulo[0], 0.0));
  prev_int = -1;
  for (i = 0; i <= nbins; ++i) {
    double x = bin_edges[i], th, cdf;
    if (x <= S.lo[0]) {
      th = th0;
    } else if (x >= S.hi[S.n - 1]) {
      th = theory_pop_theta(&P, eta, CMPLX(S.uhi[S.n - 1], 0.0));
    } else {
      int64_t l = 0, h = S.n - 1;
      while (l < h) { /* last interval with lo <= x */
        int64_t mid = l + (h - l + 1) / 2;
        if (S.lo[mid] <= x)
          l = mid;
        else
          h = mid - 1;
      }
      if (x >= S.hi[l]) {
        th = theory_pop_theta(&P, eta, CMPLX(S.uhi[l], 0.0));
      } else if (x <= S.lo[l]) { /* exactly at a lower edge */
        th = theory_pop_theta(&P, eta, CMPLX(S.ulo[l], 0.0));
      } else {
        /* Warm start from the previous bin edge of the same interval:
         * Newton at the real target keeps Im u > 0, and the root with
         * Im u > 0 is unique on the support, so a converged u with
         * Im u clearly positive is the right one (a spurious approach to
         * a real root would end with Im u ~ tol |u|).  Otherwise (first
         * point, or within ~1e-16 of an edge) use the continuation. */
        double complex u = u_prev;
        double resid;
        int ok = 0;
        if (prev_int == l)
          ok = theory_pop_newton(&P, eta, CMPLX(x, 0.0), &u, theory_tol(opts), 40,
                          &resid) == RMTMC_OK &&
               cimag(u) > 1e-8 * cabs(u);
        if (!ok) {
          st = theory_pop_solve(&P, eta, CMPLX(x, 0.0), opts, &u, NULL, err);
          if (st != RMTMC_OK) goto out;
        }
        th = theory_pop_theta(&P, eta, u);
        u_prev = u;
        prev_int = l;
      }
    }
    cdf = (th - th0) / (M_PI * eta);
    if (i > 0) mass[i - 1] = fmax(0.0, cdf - prev);
    prev = cdf;
  }
out:
  theory_support_free(&S);
  theory_pop_free(&P);
  return st;
}

/* theory.md 2.7: h1, h2 + eta h1^2, h3 + 3 eta h1 h2 + eta^2 h1^3.  Invalid
 * input gives NaN.  The fourth moment (theory.md 2.7, non-crossing
 * partitions of {1..4}) is h4 + eta (4 h1 h3 + 2 h2^2)
 * + 6 eta^2 h1^2 h2 + eta^3 h1^4. */
void theory_moments4(const rmtmc_pop *H, double eta, double out[4]) {
  double h1 = 0, h2 = 0, h3 = 0, h4 = 0, sum = 0;
  int64_t j;
  if (!H || H->k < 1 || !H->t || !H->w || !(isfinite(eta) && eta > 0)) {
    out[0] = out[1] = out[2] = out[3] = NAN;
    return;
  }
  for (j = 0; j < H->k; ++j) {
    double t = H->t[j], w = H->w[j];
    sum += w;
    h1 += w * t;
    h2 += w * t * t;
    h3 += w * t * t * t;
    h4 += w * t * t * t * t;
  }
  h1 /= sum;
  h2 /= sum;
  h3 /= sum;
  h4 /= sum;
  out[0] = h1;
  out[1] = h2 + eta * h1 * h1;
  out[2] = h3 + 3.0 * eta * h1 * h2 + eta * eta * h1 * h1 * h1;
  out[3] = h4 + eta * (4.0 * h1 * h3 + 2.0 * h2 * h2) +
           6.0 * eta * eta * h1 * h1 * h2 + eta * eta * eta * h1 * h1 * h1 * h1;
}

void rmtmc_theory_moments(const rmtmc_pop *H, double eta, double out[3]) {
  double m4[4];
  if (!out) return;
  theory_moments4(H, eta, m4);
  out[0] = m4[0];
  out[1] = m4[1];
  out[2] = m4[2];
}

typedef struct delta_ctx {
  const theory_pop *P;
  double eta, z;
} delta_ctx;

/* phi(delta) = eta sum_j w_j t_j (1+delta)/(t_j + z(1+delta)) - delta. */
static double cb_delta_phi(double d, void *c) {
  const delta_ctx *x = (const delta_ctx *)c;
  double s = 0, q = 1.0 + d;
  int64_t j;
  for (j = 0; j < x->P->k; ++j)
    s += x->P->w[j] * x->P->t[j] * q / (x->P->t[j] + x->z * q);
  return x->eta * s - d;
}

/* theory.md 2.3: Brent on [0, eta h1/z + 1] (phi(0) > 0 > phi(right end)). */
rmtmc_status rmtmc_theory_delta(const rmtmc_pop *H, double eta, double z,
                                const rmtmc_theory_opts *opts, double *delta,
                                rmtmc_error *err) {
  theory_pop P;
  delta_ctx c;
  rmtmc_status st;
  double h1 = 0, b, fa, fb;
  int64_t j;
  if (!delta)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "rmtmc_theory_delta: delta must not be NULL");
  if (!(isfinite(z) && z > 0))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the ridge penalty z = %g must be positive and "
                           "finite (delta(z) is defined for z > 0)",
                           z);
  if ((st = theory_pop_init(&P, H, eta, err)) != RMTMC_OK) return st;
  for (j = 0; j < P.k; ++j) h1 += P.w[j] * P.t[j];
  *delta = 0;
  if (h1 > 0) {
    c.P = &P;
    c.eta = eta;
    c.z = z;
    b = eta * h1 / z + 1.0;
    fa = cb_delta_phi(0.0, &c);
    fb = cb_delta_phi(b, &c);
    st = theory_brent(delta, cb_delta_phi, &c, 0.0, b, fa, fb, theory_tol(opts),
                      1e-300, theory_max_iter(opts), NULL);
    if (st == RMTMC_ERR_NOCONV)
      st = rmtmc_error_set(err, st,
                           "delta(z) at the ridge penalty z = %g did not "
                           "reach the relative accuracy %.1e in %d steps; "
                           "a numerical limit of rmtmc at these values "
                           "(library callers may loosen rmtmc_theory_opts)",
                           z, theory_tol(opts), theory_max_iter(opts));
    else if (st != RMTMC_OK)
      st = rmtmc_error_set(err, RMTMC_ERR_NUMERIC,
                           "delta(z) at the ridge penalty z = %g could not "
                           "be computed (its equation loses its solution "
                           "to rounding at eta = %g, tr Sigma/d = %g); use a "
                           "larger z",
                           z, eta, h1);
  }
  theory_pop_free(&P);
  return st;
}

