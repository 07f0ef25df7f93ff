/* silverstein.c: the limit spectrum of S = X X^T / n for a general
 * population covariance with spectrum H = sum_j w_j delta_{t_j}
 * (THEORY.md section 2): Stieltjes transform by continuation + Newton on
 * the Silverstein equation, support edges (Silverstein-Choi), density,
 * bin masses, moments, the ridge scalar delta(z) and the 1/d bias of the
 * empirical Stieltjes transform (Bai-Silverstein 2004, Pan-Zhou 2008).
 *
 * The Silverstein equation is solved in u = -1/mc (theory_internal.h):
 *   w = x(u) = u (1 + eta B(u)),  B(u) = sum_j w_j t_j / (u - t_j).
 * Im mc > 0 <=> Im u > 0, so the THEORY 2.2 safeguard reads Im u > 0. */
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

static void pop_free(theory_pop *P) {
  if (P) {
    free(P->t);
    P->t = P->w = NULL;
    P->k = 0;
  }
}

/* Checks H and eta and builds the normalised population (sorted distinct
 * positive atoms, merged weights renormalised by their sum, h0 = H({0})).
 * Weights must sum to 1 within 1e-8. */
static rmtmc_status pop_init(theory_pop *P, const rmtmc_pop *H, double eta,
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
                           "eta = d/n = %g must be positive and finite", eta);
  if (!H || H->k < 1 || !H->t || !H->w)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "population spectrum H must have k >= 1 atoms "
                           "with non-NULL t and w arrays");
  for (j = 0; j < H->k; ++j) {
    if (!(isfinite(H->t[j]) && H->t[j] >= 0))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "population atom t[%lld] = %g must be finite "
                             "and >= 0 (eigenvalues of Sigma)",
                             (long long)j, H->t[j]);
    if (!(isfinite(H->w[j]) && H->w[j] > 0))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "population weight w[%lld] = %g must be "
                             "positive and finite",
                             (long long)j, H->w[j]);
    sum += H->w[j];
    if (H->t[j] > 0) ++npos;
  }
  if (fabs(sum - 1.0) > 1e-8)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "population weights sum to %.17g; they must sum "
                           "to 1 (within 1e-8)",
                           sum);
  if (npos > 0) {
    pr = (pop_pair *)malloc((size_t)npos * sizeof *pr);
    if (!pr)
      return rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                             "no memory for %lld population atoms",
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
                             "no memory for %lld population atoms",
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
static void pop_eval_c(const theory_pop *P, double complex u, double complex *B,
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
static double complex pop_a_c(const theory_pop *P, double complex u) {
  double complex a = P->h0 > 0 ? P->h0 / u : 0;
  int64_t j;
  for (j = 0; j < P->k; ++j) a += P->w[j] / (u - P->t[j]);
  return a;
}

/* Real u: x(u) = u (1 + eta B(u)). */
static double pop_x_r(const theory_pop *P, double eta, double u) {
  double b = 0;
  int64_t j;
  for (j = 0; j < P->k; ++j) b += P->w[j] * P->t[j] / (u - P->t[j]);
  return u * (1.0 + eta * b);
}

/* Real u: psi(u) = sum_j w_j t_j^2 / (t_j - u)^2 and its derivative
 * psi'(u) = 2 sum_j w_j t_j^2 / (t_j - u)^3. */
static double pop_psi_r(const theory_pop *P, double u) {
  double s = 0;
  int64_t j;
  for (j = 0; j < P->k; ++j) {
    double r = P->t[j] / (P->t[j] - u);
    s += P->w[j] * r * r;
  }
  return s;
}

static double pop_dpsi_r(const theory_pop *P, double u) {
  double s = 0;
  int64_t j;
  for (j = 0; j < P->k; ++j) {
    double r = 1.0 / (P->t[j] - u);
    s += P->w[j] * P->t[j] * P->t[j] * r * r * r;
  }
  return 2.0 * s;
}

/* Callbacks for theory_brent. */
typedef struct pop_ctx {
  const theory_pop *P;
  double eta, level;
} pop_ctx;

static double cb_psi_minus(double u, void *c) {
  const pop_ctx *x = (const pop_ctx *)c;
  return pop_psi_r(x->P, u) - x->level;
}

static double cb_dpsi(double u, void *c) {
  return pop_dpsi_r(((const pop_ctx *)c)->P, u);
}

static double cb_x_minus(double u, void *c) {
  const pop_ctx *x = (const pop_ctx *)c;
  return pop_x_r(x->P, x->eta, u) - x->level;
}

/* ------------------------------------------------------------------------ */
/* Complex solver: continuation + safeguarded Newton (THEORY 2.2)            */
/* ------------------------------------------------------------------------ */

/* Newton on F(u) = u (1 + eta B(u)) - w, F'(u) = 1 - eta psi(u), halving
 * the step while Im u_new <= 0.  Converged (after applying the step) when
 * |step| <= tol |u|, when |F| is at the rounding level of its terms, or
 * when the step stagnates at a small residual (noise floor near an edge,
 * where F' -> 0 limits the attainable accuracy).  *resid gets |F|. */
static rmtmc_status pop_newton(const theory_pop *P, double eta,
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
    pop_eval_c(P, uu, &B, &psi, &babs);
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
 * few fixed-point sweeps u <- w0 - eta u B(u) (the THEORY 2.2 iteration
 * mc <- -1/(w0 - eta sum ...) in u = -1/mc), then Newton at Im w divided
 * by 3 per rung.  When the remaining distance (Im w_rung - Im w)/|x'(u)| is
 * below 1e-3 Im u, Newton jumps directly to the target.  For a real target
 * in a gap of the support (no root with Im u > 0) the solver may stop at
 * Im w = 1e-15 scale and return that (nearly real) root with *on_target = 0
 * (on_target may be NULL). */
static rmtmc_status pop_solve(const theory_pop *P, double eta, double complex w,
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
    pop_eval_c(P, uu, &B, &psi, NULL);
    un = w0 - eta * uu * B;
    if (!(cimag(un) > 0)) break;
    if (cabs(un - uu) <= 1e-6 * cabs(un)) {
      uu = un;
      break;
    }
    uu = un;
  }
  st = pop_newton(P, eta, w0, &uu, tol, max_iter, &resid);
  if (st != RMTMC_OK) goto fail;
  while (eps > target) {
    double complex B, psi, ut;
    double next = eps / 3.0;
    pop_eval_c(P, uu, &B, &psi, NULL);
    if ((eps - target) < 1e-3 * cimag(uu) * cabs(1.0 - eta * psi) ||
        next < floor_eps) {
      ut = uu;
      if (pop_newton(P, eta, CMPLX(xr, target), &ut, tol,
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
    st = pop_newton(P, eta, CMPLX(xr, next), &uu, tol, max_iter, &resid);
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
      "Silverstein equation: Newton did not converge at w = %.10g%+.10gi "
      "(continuation rung Im w = %.3g): residual %.3g after max_iter = %d "
      "iterations; raise max_iter or tol",
      xr, target, eps, resid, max_iter);
}

/* ------------------------------------------------------------------------ */
/* Support edges (Silverstein-Choi, THEORY 2.2)                              */
/* ------------------------------------------------------------------------ */

static void support_free(theory_support *S) {
  if (S) {
    free(S->lo);
    S->lo = S->hi = S->ulo = S->uhi = NULL;
    S->n = 0;
  }
}

typedef struct gap {
  double xl, xr, ul, ur; /* x(ul) = xl < xr = x(ur) */
} gap;

static int gap_cmp(const void *a, const void *b) {
  double x = ((const gap *)a)->xl, y = ((const gap *)b)->xl;
  return (x > y) - (x < y);
}

static rmtmc_status gaps_push(gap **g, int64_t *n, int64_t *cap, gap v,
                              rmtmc_error *err) {
  if (*n == *cap) {
    int64_t nc = *cap ? 2 * *cap : 16;
    gap *ng = (gap *)realloc(*g, (size_t)nc * sizeof *ng);
    if (!ng)
      return rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                             "no memory for the support edges");
    *g = ng;
    *cap = nc;
  }
  (*g)[(*n)++] = v;
  return RMTMC_OK;
}

/* The complement of the support is {x(u): u real, u != t_j, x'(u) > 0}
 * (Silverstein-Choi 1995, written in u = -1/m).  x'(u) = 1 - eta psi(u)
 * and psi(u) = sum_j w_j t_j^2/(t_j - u)^2 is strictly convex between
 * consecutive poles, so:
 *   (-inf, t_1):      psi increases from 0 to inf: one critical point, the
 *                     lower edge (u > 0 iff eta (1 - h0) < 1; u = 0 gives
 *                     the edge 0);
 *   (t_i, t_{i+1}):   0 or 2 critical points (a gap iff min psi < 1/eta),
 *                     found by Brent on psi' (increasing) and then on
 *                     psi - 1/eta on each side of the minimiser; an O(1)
 *                     lower bound of psi from the two poles,
 *                     (a^(1/3) + b^(1/3))^3 / (t_{i+1} - t_i)^2, skips
 *                     intervals that cannot hold a gap (dense atoms);
 *   (t_k, inf):       one critical point, the upper edge.
 * No polynomial of degree 2K is formed, so K ~ 10^4 atoms is cheap. */
static rmtmc_status pop_support(const theory_pop *P, double eta,
                                theory_support *S, rmtmc_error *err) {
  const double inv = 1.0 / eta;
  const double tmax = P->tmax;
  const double etaeff = eta * (1.0 - P->h0);
  const int bmax = 400;
  gap *g = NULL, gv;
  int64_t ng = 0, capg = 0, i;
  pop_ctx ctx;
  rmtmc_status st;
  double a, b, fa, fb, r, atol;
  S->n = 0;
  S->lo = S->hi = S->ulo = S->uhi = NULL;
  if (P->k == 0) return RMTMC_OK; /* Sigma = 0: nu = delta_0 */
  ctx.P = P;
  ctx.eta = eta;
  ctx.level = inv;
  atol = 1e-300;

  /* lower edge: root of psi = 1/eta on (-inf, t_1) */
  b = P->t[0] - 0.5 * P->t[0] * fmin(1.0, sqrt(eta * P->w[0]));
  fb = cb_psi_minus(b, &ctx);
  if (1.0 - P->h0 < inv) {
    a = 0.0;
  } else {
    a = fmin(b, 0.0) - 2.0 * tmax * sqrt(etaeff) - 1e-300;
  }
  fa = cb_psi_minus(a, &ctx);
  if (fabs(etaeff - 1.0) <= 4.0 * DBL_EPSILON) {
    r = 0.0; /* eta (1 - h0) = 1: the lower edge is 0 */
  } else {
    st = theory_brent(&r, cb_psi_minus, &ctx, a, b, fa, fb, 0.0, atol, bmax,
                      NULL);
    if (st != RMTMC_OK && st != RMTMC_ERR_NOCONV) goto numeric;
  }
  gv.xl = -INFINITY;
  gv.ul = -INFINITY;
  gv.ur = r;
  gv.xr = r == 0.0 ? 0.0 : pop_x_r(P, eta, r);
  if ((st = gaps_push(&g, &ng, &capg, gv, err)) != RMTMC_OK) goto out;

  /* inner intervals between consecutive atoms */
  for (i = 0; i + 1 < P->k; ++i) {
    double tl = P->t[i], tr = P->t[i + 1], dt = tr - tl;
    double ca = cbrt(P->w[i] * tl * tl), cb = cbrt(P->w[i + 1] * tr * tr);
    double lb = (ca + cb) * (ca + cb) * (ca + cb) / (dt * dt);
    double um, ua, ub, r1, r2;
    if (lb >= inv) continue; /* psi >= lb >= 1/eta: no gap here */
    ua = tl + dt * 0x1p-30;
    ub = tr - dt * 0x1p-30;
    fa = cb_dpsi(ua, &ctx);
    fb = cb_dpsi(ub, &ctx);
    if (!(fa < 0 && fb > 0)) continue; /* minimiser hugging a pole */
    st =
        theory_brent(&um, cb_dpsi, &ctx, ua, ub, fa, fb, 0.0, atol, bmax, NULL);
    if (st != RMTMC_OK && st != RMTMC_ERR_NOCONV) goto numeric;
    fb = cb_psi_minus(um, &ctx);
    if (!(fb < 0)) continue; /* min psi >= 1/eta: no gap */
    a = tl + fmin(0.5 * (um - tl), 0.5 * tl * sqrt(eta * P->w[i]));
    fa = cb_psi_minus(a, &ctx);
    st = theory_brent(&r1, cb_psi_minus, &ctx, a, um, fa, fb, 0.0, atol, bmax,
                      NULL);
    if (st != RMTMC_OK && st != RMTMC_ERR_NOCONV) goto numeric;
    a = tr - fmin(0.5 * (tr - um), 0.5 * tr * sqrt(eta * P->w[i + 1]));
    fa = cb_psi_minus(a, &ctx);
    st = theory_brent(&r2, cb_psi_minus, &ctx, um, a, fb, fa, 0.0, atol, bmax,
                      NULL);
    if (st != RMTMC_OK && st != RMTMC_ERR_NOCONV) goto numeric;
    gv.ul = r1;
    gv.ur = r2;
    gv.xl = pop_x_r(P, eta, r1);
    gv.xr = pop_x_r(P, eta, r2);
    if (!(gv.xr > gv.xl)) continue; /* tangency: no open gap */
    if ((st = gaps_push(&g, &ng, &capg, gv, err)) != RMTMC_OK) goto out;
  }

  /* upper edge: root of psi = 1/eta on (t_k, inf) */
  {
    double tk = P->t[P->k - 1];
    a = tk + 0.5 * tk * fmin(1.0, sqrt(eta * P->w[P->k - 1]));
    b = tk + 2.0 * tmax * sqrt(etaeff) + 1e-300;
    if (b <= a) b = 2.0 * a;
    fa = cb_psi_minus(a, &ctx);
    fb = cb_psi_minus(b, &ctx);
    st = theory_brent(&r, cb_psi_minus, &ctx, a, b, fa, fb, 0.0, atol, bmax,
                      NULL);
    if (st != RMTMC_OK && st != RMTMC_ERR_NOCONV) goto numeric;
    gv.ul = r;
    gv.xl = pop_x_r(P, eta, r);
    gv.ur = INFINITY;
    gv.xr = INFINITY;
    if ((st = gaps_push(&g, &ng, &capg, gv, err)) != RMTMC_OK) goto out;
  }

  if (ng > 2) qsort(g + 1, (size_t)(ng - 2), sizeof *g, gap_cmp);
  for (i = 0; i + 1 < ng; ++i)
    if (!(g[i].xr < g[i + 1].xl)) goto numeric;
  S->lo = (double *)malloc(4 * (size_t)(ng - 1) * sizeof(double));
  if (!S->lo) {
    st = rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                         "no memory for the support edges");
    goto out;
  }
  S->hi = S->lo + (ng - 1);
  S->ulo = S->hi + (ng - 1);
  S->uhi = S->ulo + (ng - 1);
  S->n = ng - 1;
  for (i = 0; i + 1 < ng; ++i) {
    S->lo[i] = g[i].xr;
    S->ulo[i] = g[i].ur;
    S->hi[i] = g[i + 1].xl;
    S->uhi[i] = g[i + 1].ul;
  }
  st = RMTMC_OK;
  goto out;
numeric:
  st = rmtmc_error_set(err, RMTMC_ERR_NUMERIC,
                       "support edges: root bracketing failed (eta = %g, "
                       "%lld distinct atoms in [%g, %g])",
                       eta, (long long)P->k, P->t[0], tmax);
out:
  free(g);
  return st;
}

/* Index of the support interval containing x (lo <= x <= hi), or -1. */
static int64_t support_find(const theory_support *S, double x) {
  int64_t l = 0, h = S->n - 1;
  if (S->n == 0 || x < S->lo[0] || x > S->hi[S->n - 1]) return -1;
  while (l < h) { /* last interval with lo <= x */
    int64_t mid = l + (h - l + 1) / 2;
    if (S->lo[mid] <= x)
      l = mid;
    else
      h = mid - 1;
  }
  return x <= S->hi[l] ? l : -1;
}

/* ------------------------------------------------------------------------ */
/* u(w) for any admissible w                                                 */
/* ------------------------------------------------------------------------ */

/* u for the one-atom population t delta_t from the closed form. */
static double complex mp_u_closed(double eta, double t, double complex w) {
  double complex mc;
  if (w == 0) return 0; /* eta < 1: mc = infinity, u = 0 */
  mc = rmtmc_mp_companion(eta, w / t) / t;
  return -1.0 / mc;
}

/* Real w off the support: root of x(u) = w on the u-bracket of its gap,
 * where x is increasing (Brent; unbounded brackets are expanded). */
static rmtmc_status pop_solve_real(const theory_pop *P, double eta,
                                   const theory_support *S, double w,
                                   const rmtmc_theory_opts *opts, double *u,
                                   rmtmc_error *err) {
  pop_ctx ctx;
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
                         "Silverstein equation at real w = %.10g: the root "
                         "could not be bracketed in u in [%g, %g]",
                         w, a, b);
}

/* Shared front end: u(w) for w already reflected to Im w >= +0.  Complex
 * w: continuation solver (closed form for one atom).  Real w: the support
 * is computed; w on it, or at an atom at 0, is RMTMC_ERR_INVALID; off it
 * the real root on the branch x'(u) > 0 is returned. */
static rmtmc_status pop_u_at(const theory_pop *P, double eta, double complex w,
                             const rmtmc_theory_opts *opts, double complex *u,
                             rmtmc_error *err) {
  theory_support S;
  rmtmc_status st;
  double x, atom;
  int64_t i;
  if (!(isfinite(creal(w)) && isfinite(cimag(w))))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "w = %g%+gi must be finite",
                           creal(w), cimag(w));
  if (cimag(w) > 0) {
    if (P->one_atom) {
      *u = mp_u_closed(eta, P->t_single, w);
      return RMTMC_OK;
    }
    if (P->k == 0) {
      *u = w;
      return RMTMC_OK;
    }
    return pop_solve(P, eta, w, opts, u, NULL, err);
  }
  x = creal(w);
  atom = fmax(P->h0, eta > 1 ? 1.0 - 1.0 / eta : 0.0);
  if (x == 0 && atom > 0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "w = 0 is the atom (mass %.6g) of the limiting "
                           "spectrum; choose a real w != 0 or give w an "
                           "imaginary part",
                           atom);
  if (P->one_atom) {
    double lo, hi, t = P->t_single;
    rmtmc_mp_edges(eta, &lo, &hi);
    if (x >= t * lo && x <= t * hi)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "w = %.10g lies on the support [%.6g, %.6g] of "
                             "the limiting spectrum; choose a real w outside "
                             "it or give w an imaginary part",
                             x, t * lo, t * hi);
    *u = CMPLX(creal(mp_u_closed(eta, t, x)), 0.0);
    return RMTMC_OK;
  }
  st = pop_support(P, eta, &S, err);
  if (st != RMTMC_OK) return st;
  i = support_find(&S, x);
  if (i >= 0) {
    st = rmtmc_error_set(err, RMTMC_ERR_INVALID,
                         "w = %.10g lies on the support interval [%.6g, %.6g] "
                         "(%lld of %lld) of the limiting spectrum; choose a "
                         "real w outside it or give w an imaginary part",
                         x, S.lo[i], S.hi[i], (long long)(i + 1),
                         (long long)S.n);
  } else {
    double ur = 0;
    st = pop_solve_real(P, eta, &S, x, opts, &ur, err);
    *u = CMPLX(ur, 0.0);
  }
  support_free(&S);
  return st;
}

/* Reflect Im w < 0 to the upper half plane and normalise -0.0. */
static double complex w_upper(double complex w, int *conj_back) {
  double im = cimag(w);
  *conj_back = im < 0;
  return CMPLX(creal(w), im < 0 ? -im : (im == 0 ? 0.0 : im));
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                */
/* ------------------------------------------------------------------------ */

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

/* Writes min(count, cap) intervals; when the support has more than cap
 * intervals *nint receives the full count and RMTMC_ERR_INVALID is
 * returned.  Sigma = 0 (all atoms at 0) has no interval (*nint = 0). */
rmtmc_status rmtmc_theory_edges(const rmtmc_pop *H, double eta, int64_t cap,
                                double *edges, int64_t *nint,
                                rmtmc_error *err) {
  theory_pop P;
  theory_support S;
  rmtmc_status st;
  int64_t i;
  if (!edges || !nint || cap < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "rmtmc_theory_edges needs edges and nint non-NULL "
                           "and cap >= 1 (cap = %lld)",
                           (long long)cap);
  *nint = 0;
  if ((st = pop_init(&P, H, eta, err)) != RMTMC_OK) return st;
  st = pop_support(&P, eta, &S, err);
  pop_free(&P);
  if (st != RMTMC_OK) return st;
  for (i = 0; i < S.n && i < cap; ++i) {
    edges[2 * i] = S.lo[i];
    edges[2 * i + 1] = S.hi[i];
  }
  *nint = S.n;
  if (S.n > cap)
    st = rmtmc_error_set(err, RMTMC_ERR_INVALID,
                         "the support has %lld intervals but cap = %lld; "
                         "pass cap >= %lld",
                         (long long)S.n, (long long)cap, (long long)S.n);
  support_free(&S);
  return st;
}

/* m = -(u/w) A(u), mc = -1/u (theory_internal.h). */
rmtmc_status rmtmc_theory_stieltjes(const rmtmc_pop *H, double eta,
                                    double complex w,
                                    const rmtmc_theory_opts *opts,
                                    double complex *m, double complex *mc,
                                    rmtmc_error *err) {
  theory_pop P;
  rmtmc_status st;
  double complex u = 0, wu, mm, mcc;
  int conj_back;
  if ((st = pop_init(&P, H, eta, err)) != RMTMC_OK) return st;
  wu = w_upper(w, &conj_back);
  st = pop_u_at(&P, eta, wu, opts, &u, err);
  if (st != RMTMC_OK) goto out;
  if (u == 0 && mc) {
    st = rmtmc_error_set(err, RMTMC_ERR_INVALID,
                         "mc(w) has a pole at w = 0 (the companion law has "
                         "an atom of mass %.6g there); pass mc = NULL or "
                         "choose w != 0",
                         1.0 - eta * (1.0 - P.h0));
    goto out;
  }
  if (P.one_atom) {
    double t = P.t_single;
    mm = rmtmc_mp_stieltjes(eta, wu / t) / t;
    mcc = u == 0 ? 0 : rmtmc_mp_companion(eta, wu / t) / t;
  } else if (P.k == 0) {
    mm = mcc = -1.0 / wu;
  } else {
    /* m = -A(u)/(1 + eta B(u)) = -(u/w) A(u) since w = u (1 + eta B):
     * the second form uses the exact w and does not cancel where
     * 1 + eta B -> 0 (w -> 0 with an atom at 0, eta > 1). */
    if (u == 0) {
      double complex B, psi;
      pop_eval_c(&P, u, &B, &psi, NULL);
      mm = -pop_a_c(&P, u) / (1.0 + eta * B);
    } else {
      mm = -(u / wu) * pop_a_c(&P, u);
    }
    mcc = u == 0 ? 0 : -1.0 / u;
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
  pop_free(&P);
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
                           "density point x = %g must be finite", x);
  if ((st = pop_init(&P, H, eta, err)) != RMTMC_OK) return st;
  *f = 0;
  if (x > 0 && P.k > 0) {
    if (P.one_atom) {
      *f = rmtmc_mp_density(eta, x / P.t_single) / P.t_single;
    } else {
      int reached = 0;
      st = pop_solve(&P, eta, CMPLX(x, 0.0), opts, &u, &reached, err);
      if (st == RMTMC_OK && reached) { /* not reached: in a gap, f = 0 */
        double a = cabs(u);
        *f = fmax(0.0, cimag(u) / (M_PI * eta * a * a));
      }
    }
  }
  pop_free(&P);
  return st;
}

/* Theta(u) = Im Phi, where Phi(w) = w mc + Log mc - eta sum_j w_j
 * Log(1 + t_j mc) is an antiderivative of mc along the real axis: Phi is
 * stationary in mc exactly at the Silverstein equation, so
 * dPhi/dw = mc, and nu_ac((a, b]) = [Theta(u(b)) - Theta(u(a))]/(pi eta)
 * for 0 < a < b (THEORY 2.2, density Im mc/(pi eta)).  In u = -1/mc:
 *   Im(w mc) = -eta Im B(u),  Arg mc = pi - Arg u,
 *   Arg(1 + t mc) = Arg(u - t) - Arg u      (u in the closed upper half
 * plane; real u uses atan2(+0, .)).  The error is second order in the
 * error of u (stationarity), so square-root edges cost nothing.  The
 * function returns Theta - pi. */
static double pop_theta(const theory_pop *P, double eta, double complex u) {
  double ur = creal(u), ui = cimag(u);
  double argu, s = 0, bi = 0;
  int64_t j;
  if (ui == 0) ui = 0.0; /* atan2(+0, x < 0) = +pi: limit from above */
  argu = atan2(ui, ur);
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

/* Bin masses from the antiderivative Theta (see pop_theta): one solve per
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
  if ((st = pop_init(&P, H, eta, err)) != RMTMC_OK) return st;
  st = pop_support(&P, eta, &S, err);
  if (st != RMTMC_OK) {
    pop_free(&P);
    return st;
  }
  if (S.n == 0) { /* Sigma = 0: no absolutely continuous part */
    for (i = 0; i < nbins; ++i) mass[i] = 0;
    goto out;
  }
  th0 = pop_theta(&P, eta, CMPLX(S.ulo[0], 0.0));
  prev_int = -1;
  for (i = 0; i <= nbins; ++i) {
    double x = bin_edges[i], th, cdf;
    if (x <= S.lo[0]) {
      th = th0;
    } else if (x >= S.hi[S.n - 1]) {
      th = pop_theta(&P, eta, CMPLX(S.uhi[S.n - 1], 0.0));
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
        th = pop_theta(&P, eta, CMPLX(S.uhi[l], 0.0));
      } else if (x <= S.lo[l]) { /* exactly at a lower edge */
        th = pop_theta(&P, eta, CMPLX(S.ulo[l], 0.0));
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
          ok = pop_newton(&P, eta, CMPLX(x, 0.0), &u, theory_tol(opts), 40,
                          &resid) == RMTMC_OK &&
               cimag(u) > 1e-8 * cabs(u);
        if (!ok) {
          st = pop_solve(&P, eta, CMPLX(x, 0.0), opts, &u, NULL, err);
          if (st != RMTMC_OK) goto out;
        }
        th = pop_theta(&P, eta, u);
        u_prev = u;
        prev_int = l;
      }
    }
    cdf = (th - th0) / (M_PI * eta);
    if (i > 0) mass[i - 1] = fmax(0.0, cdf - prev);
    prev = cdf;
  }
out:
  support_free(&S);
  pop_free(&P);
  return st;
}

/* THEORY 2.2: h1, h2 + eta h1^2, h3 + 3 eta h1 h2 + eta^2 h1^3.  Invalid
 * input gives NaN. */
void rmtmc_theory_moments(const rmtmc_pop *H, double eta, double out[3]) {
  double h1 = 0, h2 = 0, h3 = 0, sum = 0;
  int64_t j;
  if (!out) return;
  if (!H || H->k < 1 || !H->t || !H->w || !(isfinite(eta) && eta > 0)) {
    out[0] = out[1] = out[2] = NAN;
    return;
  }
  for (j = 0; j < H->k; ++j) {
    double t = H->t[j], w = H->w[j];
    sum += w;
    h1 += w * t;
    h2 += w * t * t;
    h3 += w * t * t * t;
  }
  h1 /= sum;
  h2 /= sum;
  h3 /= sum;
  out[0] = h1;
  out[1] = h2 + eta * h1 * h1;
  out[2] = h3 + 3.0 * eta * h1 * h2 + eta * eta * h1 * h1 * h1;
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

/* THEORY 2.2: Brent on [0, eta h1/z + 1] (phi(0) > 0 > phi(right end)). */
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
                           "ridge z = %g must be positive and finite (the "
                           "ridgeless limit is not a fixed point of phi)",
                           z);
  if ((st = pop_init(&P, H, eta, err)) != RMTMC_OK) return st;
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
                           "delta(z = %g): Brent did not converge in "
                           "max_iter = %d iterations",
                           z, theory_max_iter(opts));
    else if (st != RMTMC_OK)
      st = rmtmc_error_set(err, RMTMC_ERR_NUMERIC,
                           "delta(z = %g): phi has no sign change on "
                           "[0, %g]",
                           z, b);
  }
  pop_free(&P);
  return st;
}

/* Bai-Silverstein (2004, Thm 1.1, real case) mean of
 * G(f) = sum_i f(lambda_i) - d int f dnu_{eta_n, H_n} for f(x) = 1/(x - w):
 *   E G -> -(1/(2 pi i)) oint f(z) g(z) dz,
 *   g = eta int mc^3 t^2 (1+t mc)^-3 dH / (1 - eta int mc^2 t^2
 *       (1+t mc)^-2 dH)^2,
 * over a positively oriented contour around the support (w outside).  g is
 * analytic off the support (also at 0: mc -> infinity there gives
 * g -> eta h_{-1}/(1 - eta)^2-type finite limits) and O(z^-3) at infinity,
 * so pushing the contour to infinity leaves the residue at z = w:
 * oint f g = -2 pi i g(w), hence mu(w) = d (E m_d - m) -> +g(w).
 * The Pan-Zhou (2008) fourth-cumulant term (diagonal Sigma) has the same
 * structure with one power of the denominator:
 *   + kurt_excess eta int mc^3 t^2 (1+t mc)^-3 dH / (1 - eta int mc^2 t^2
 *     (1+t mc)^-2 dH).
 * In u = -1/mc: mc t/(1 + t mc) = -t/(u - t), so with r_j = 1/(u - t_j)
 *   eta int mc^3 t^2 (1+t mc)^-3 dH = -eta sum_j w_j t_j^2 r_j^3 =: N,
 *   1 - eta int mc^2 t^2 (1+t mc)^-2 dH = 1 - eta psi(u) = x'(u) =: D,
 * and mu = N/D^2 + kurt_excess N/D.  With H = delta_1 N/D^2 equals
 * rmtmc_mp_bias (THEORY 1.9) for eta < 1 and eta > 1. */
rmtmc_status rmtmc_theory_stieltjes_bias(const rmtmc_pop *H, double eta,
                                         double complex w, double kurt_excess,
                                         const rmtmc_theory_opts *opts,
                                         double complex *mu, rmtmc_error *err) {
  theory_pop P;
  rmtmc_status st;
  double complex u = 0, wu, num = 0, psi = 0, den, res;
  int conj_back;
  int64_t j;
  if (!mu)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "rmtmc_theory_stieltjes_bias: mu must not be NULL");
  if (!isfinite(kurt_excess) || kurt_excess < -2.0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "kurt_excess = %g must be finite and >= -2 "
                           "(E g^4 >= (E g^2)^2 = 1)",
                           kurt_excess);
  if ((st = pop_init(&P, H, eta, err)) != RMTMC_OK) return st;
  wu = w_upper(w, &conj_back);
  st = pop_u_at(&P, eta, wu, opts, &u, err);
  if (st != RMTMC_OK) goto out;
  for (j = 0; j < P.k; ++j) {
    double complex r = 1.0 / (u - P.t[j]);
    double wt2 = P.w[j] * P.t[j] * P.t[j];
    num += wt2 * r * r * r;
    psi += wt2 * r * r;
  }
  num *= -eta;
  den = 1.0 - eta * psi;
  res = num / (den * den) + kurt_excess * num / den;
  if (cimag(wu) == 0) res = CMPLX(creal(res), 0.0);
  *mu = conj_back ? conj(res) : res;
out:
  pop_free(&P);
  return st;
}
