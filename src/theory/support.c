/* support.c: the support of the limit spectrum of S = X X^T / n for a
 * general population spectrum H (docs/theory.md section 2.4): any number
 * of intervals (Silverstein-Choi), their edges with the rounding
 * uncertainty of each, the mass of the absolutely continuous part on each
 * interval, and the capped legacy entry point rmtmc_theory_edges.
 *
 * Notation of theory_internal.h: u = -1/mc, x(u) = u (1 + eta B(u)),
 * x'(u) = 1 - eta psi(u); the edges are the values of x at the real
 * critical points of x. */
#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "rmtmc_theory.h"
#include "theory/theory_internal.h"

static double cb_psi_minus(double u, void *c) {
  const theory_pop_ctx *x = (const theory_pop_ctx *)c;
  return theory_pop_psi(x->P, u) - x->level;
}

static double cb_dpsi(double u, void *c) {
  return theory_pop_dpsi(((const theory_pop_ctx *)c)->P, u);
}

void theory_support_free(theory_support *S) {
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
                             "out of memory for the support edges of the "
                             "limiting spectrum");
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
rmtmc_status theory_support_compute(const theory_pop *P, double eta,
                                    theory_support *S, rmtmc_error *err) {
  const double inv = 1.0 / eta;
  const double tmax = P->tmax;
  const double etaeff = eta * (1.0 - P->h0);
  const int bmax = 400;
  gap *g = NULL, gv;
  int64_t ng = 0, capg = 0, i;
  theory_pop_ctx ctx;
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
  gv.xr = r == 0.0 ? 0.0 : theory_pop_x(P, eta, r);
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
    gv.xl = theory_pop_x(P, eta, r1);
    gv.xr = theory_pop_x(P, eta, r2);
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
    gv.xl = theory_pop_x(P, eta, r);
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
                         "out of memory for the %lld support intervals of "
                         "the limiting spectrum",
                         (long long)(ng - 1));
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
                       "the support of the limiting spectrum could not be "
                       "resolved in double precision for eta = %g and a "
                       "population of %lld distinct eigenvalues in [%g, %g] "
                       "(two support edges closer than rounding); this is a "
                       "limitation of rmtmc: please report these values",
                       eta, (long long)P->k, P->t[0], tmax);
out:
  free(g);
  return st;
}

/* Index of the support interval containing x (lo <= x <= hi), or -1. */
int64_t theory_support_find(const theory_support *S, double x) {
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


/* The edge e = x(u*) at a critical point: x'(u*) = 0, so the error of u*
 * enters only at second order and the uncertainty of e is the rounding of
 * x itself, whose terms have the scale |u| (1 + eta sum_j w_j t_j/|u - t_j|)
 * (a sum of K terms: a factor 1 + sqrt(K) for the accumulated rounding,
 * and 8 for the few operations per term).  The lower edge 0 of
 * eta (1 - h0) = 1 is exact. */
double theory_edge_uncertainty(const theory_pop *P, double eta, double u) {
  double s = 0;
  int64_t j;
  if (u == 0) return 0;
  for (j = 0; j < P->k; ++j) s += P->w[j] * P->t[j] / fabs(u - P->t[j]);
  return 8.0 * DBL_EPSILON * (1.0 + sqrt((double)P->k)) * fabs(u) *
         (1.0 + eta * s);
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
                           "rmtmc_theory_edges: edges and nint must not be "
                           "NULL and cap must be >= 1 (cap = %lld)",
                           (long long)cap);
  *nint = 0;
  if ((st = theory_pop_init(&P, H, eta, err)) != RMTMC_OK) return st;
  st = theory_support_compute(&P, eta, &S, err);
  theory_pop_free(&P);
  if (st != RMTMC_OK) return st;
  for (i = 0; i < S.n && i < cap; ++i) {
    edges[2 * i] = S.lo[i];
    edges[2 * i + 1] = S.hi[i];
  }
  *nint = S.n;
  if (S.n > cap)
    st = rmtmc_error_set(err, RMTMC_ERR_INVALID,
                         "the support of the limiting spectrum has %lld "
                         "intervals, more than the %lld the caller made room "
                         "for; rmtmc_theory_support returns any number",
                         (long long)S.n, (long long)cap);
  theory_support_free(&S);
  return st;
}

void rmtmc_support_free(rmtmc_support *s) {
  if (!s) return;
  free(s->lo);
  s->lo = s->hi = s->mass = s->lo_tol = s->hi_tol = NULL;
  s->nint = 0;
}

/* Masses from the antiderivative Theta of the density (silverstein.c):
 * nu_ac([lo_i, hi_i]) = [Theta(uhi_i) - Theta(ulo_i)] / (pi eta), with
 * both ends real critical points, so each mass costs two sums over the
 * atoms and is exact to rounding. */
rmtmc_status rmtmc_theory_support(const rmtmc_pop *H, double eta,
                                  rmtmc_support *out, rmtmc_error *err) {
  theory_pop P;
  theory_support S;
  rmtmc_status st;
  int64_t i, n;
  if (!out)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "rmtmc_theory_support: out must not be NULL");
  out->nint = 0;
  out->lo = out->hi = out->mass = out->lo_tol = out->hi_tol = NULL;
  out->atom = NAN;
  out->hard_edge_at_zero = 0;
  if ((st = theory_pop_init(&P, H, eta, err)) != RMTMC_OK) return st;
  st = theory_support_compute(&P, eta, &S, err);
  if (st != RMTMC_OK) {
    theory_pop_free(&P);
    return st;
  }
  n = S.n;
  out->atom = theory_atom_d(&P, eta);
  if (n > 0) {
    out->lo = (double *)malloc(5 * (size_t)n * sizeof(double));
    if (!out->lo) {
      st = rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                           "out of memory for the %lld support intervals of "
                           "the limiting spectrum",
                           (long long)n);
      goto out;
    }
    out->hi = out->lo + n;
    out->mass = out->hi + n;
    out->lo_tol = out->mass + n;
    out->hi_tol = out->lo_tol + n;
    for (i = 0; i < n; ++i) {
      double tl = theory_pop_theta(&P, eta, CMPLX(S.ulo[i], 0.0));
      double th = theory_pop_theta(&P, eta, CMPLX(S.uhi[i], 0.0));
      out->lo[i] = S.lo[i];
      out->hi[i] = S.hi[i];
      out->mass[i] = fmax(0.0, (th - tl) / (M_PI * eta));
      out->lo_tol[i] = theory_edge_uncertainty(&P, eta, S.ulo[i]);
      out->hi_tol[i] = theory_edge_uncertainty(&P, eta, S.uhi[i]);
    }
    out->nint = n;
    out->hard_edge_at_zero = S.lo[0] == 0.0;
  }
out:
  theory_support_free(&S);
  theory_pop_free(&P);
  return st;
}
