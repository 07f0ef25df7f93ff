/* generative.c: deterministic equivalents of the ridge "linear generative
 * model" of the talk, Proposition A (discrete contexts, theory.md 3.1) and
 * Proposition B (Gaussian mixture, corrected, theory.md 3.2).  Only scalars and
 * c x c matrices are formed; the c x c solve is a small in-house Cholesky. */
#include "rmtmc_theory_models.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "theory/brent.h"

/* ---------------------------------------------------------------- checks */

static rmtmc_status check_pos(const char *fn, const char *name, double v,
                              rmtmc_error *err) {
  if (!(v > 0) || !isfinite(v))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "%s = %g must be finite and > 0", name, v);
  return RMTMC_OK;
}

/* P (k x c): finite entries >= 0, each column summing to 1 within 1e-6. */
static rmtmc_status check_P(const char *fn, const double *P, int64_t k,
                            int64_t c, rmtmc_error *err) {
  int64_t a, j;
  if (!P)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s: P is NULL", fn);
  for (a = 0; a < c; ++a) {
    double sum = 0;
    for (j = 0; j < k; ++j) {
      double v = P[j + a * k];
      if (!(v >= 0) || !isfinite(v))
        return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                               "P[%lld, %lld] = %g is not a probability",
                               (long long)j, (long long)a, v);
      sum += v;
    }
    if (fabs(sum - 1.0) > 1e-6)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "column %lld of P sums to %.10g, not 1 (P is "
                             "k x c, column-major, columns = label laws p_a)",
                             (long long)a, sum);
  }
  return RMTMC_OK;
}

static rmtmc_status check_sizes(const char *fn, int64_t k, int64_t c,
                                rmtmc_error *err) {
  if (c < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "c = %lld contexts/classes, need c >= 1",
                           (long long)c);
  if (k < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "k = %lld labels, need k >= 1",
                           (long long)k);
  return RMTMC_OK;
}

/* ======================= Proposition A (theory.md 3.1) ==================== */

static rmtmc_status check_alphas(const char *fn, const double *alphas,
                                 int64_t c, rmtmc_error *err) {
  int64_t a;
  double sum = 0;
  if (!alphas)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s: alphas is NULL", fn);
  for (a = 0; a < c; ++a) {
    if (!(alphas[a] >= 0) || !isfinite(alphas[a]))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "alphas[%lld] = %g must be finite and >= 0",
                             (long long)a, alphas[a]);
    sum += alphas[a];
  }
  if (!(sum > 0))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "all alphas are 0 (alpha_a = c n_a / n has "
                           "mean 1)");
  return RMTMC_OK;
}

rmtmc_status rmtmc_propA_alphas_from_counts(double *alphas,
                                            const int64_t *counts, int64_t c,
                                            rmtmc_error *err) {
  const char *fn = "rmtmc_propA_alphas_from_counts";
  int64_t a, n = 0;
  if (c < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "c = %lld contexts, need c >= 1",
                           (long long)c);
  if (!alphas || !counts)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s: NULL array", fn);
  for (a = 0; a < c; ++a) {
    if (counts[a] < 0)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "counts[%lld] = %lld is negative",
                             (long long)a, (long long)counts[a]);
    n += counts[a];
  }
  if (n <= 0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the counts sum to 0 (no samples)");
  for (a = 0; a < c; ++a) alphas[a] = (double)c * (double)counts[a] / (double)n;
  return RMTMC_OK;
}

typedef struct propA_ctx {
  const double *alphas;
  int64_t c;
  double eta, gamma;
} propA_ctx;

/* alpha(delta) = (1/c) sum_a alpha_a/(1 + alpha_a delta), and beta(delta).
 * Compensated (Neumaier) sums: the fixed point amplifies a relative error of
 * alpha by kappa / (1 - beta kappa), which is large for small gamma, and a
 * plain sum over thousands of contexts would cost several digits of delta. */
static void propA_alpha_beta(const propA_ctx *x, double delta, double *alpha,
                             double *beta) {
  double sa = 0, ca = 0, sb = 0, cb = 0;
  int64_t a;
  for (a = 0; a < x->c; ++a) {
    double t = x->alphas[a] / (1.0 + x->alphas[a] * delta), t2 = t * t, u;
    u = sa + t;
    ca += fabs(sa) >= fabs(t) ? (sa - u) + t : (t - u) + sa;
    sa = u;
    u = sb + t2;
    cb += fabs(sb) >= fabs(t2) ? (sb - u) + t2 : (t2 - u) + sb;
    sb = u;
  }
  *alpha = (sa + ca) / (double)x->c;
  if (beta) *beta = (sb + cb) / (double)x->c;
}

/* delta - eta/(alpha(delta) + gamma): increasing, < 0 at 0, > 0 at
 * eta/gamma + 1 (alpha >= 0). */
static double propA_phi(double delta, void *ctx) {
  const propA_ctx *x = (const propA_ctx *)ctx;
  double alpha;
  propA_alpha_beta(x, delta, &alpha, NULL);
  return delta - x->eta / (alpha + x->gamma);
}

/* Solve without re-validating the inputs. */
static rmtmc_status propA_solve_raw(rmtmc_propA_scalars *out,
                                    const double *alphas, double eta,
                                    double gamma, int64_t c,
                                    const rmtmc_theory_opts *opts,
                                    const char *fn, rmtmc_error *err) {
  propA_ctx x;
  double lo = 0, hi = eta / gamma + 1.0, root = 0, width = 0, alpha, beta;
  rmtmc_status st;
  x.alphas = alphas;
  x.c = c;
  x.eta = eta;
  x.gamma = gamma;
  st = theory_brent(&root, propA_phi, &x, lo, hi, propA_phi(lo, &x),
                    propA_phi(hi, &x), theory_tol(opts), 1e-300,
                    theory_max_iter(opts), &width);
  if (st == RMTMC_ERR_NOCONV)
    return rmtmc_error_set(err, st,
                           "the Proposition A fixed point delta (eta = d/c = "
                           "%g, gamma = %g) did not reach the relative "
                           "accuracy %.1e in %d iterations: a numerical "
                           "limit of rmtmc at these values (library callers "
                           "may loosen rmtmc_theory_opts)",
                           eta, gamma, theory_tol(opts),
                           theory_max_iter(opts));
  if (st != RMTMC_OK)
    return rmtmc_error_set(err, RMTMC_ERR_NUMERIC,
                           "the Proposition A fixed point delta could not be "
                           "computed for eta = d/c = %g and gamma = %g "
                           "(outside the range double precision resolves); "
                           "use a larger gamma",
                           eta, gamma);
  /* One guarded Newton step polishes the Brent root to rounding level:
   * d/d delta [delta - eta/(alpha + gamma)] = 1 - beta kappa > 0. */
  propA_alpha_beta(&x, root, &alpha, &beta);
  {
    double f0 = root - eta / (alpha + gamma);
    double fp = 1.0 - beta * eta / ((alpha + gamma) * (alpha + gamma));
    double r1 = root - f0 / fp;
    if (fp > 0 && r1 > 0 && fabs(propA_phi(r1, &x)) < fabs(f0)) {
      root = r1;
      propA_alpha_beta(&x, root, &alpha, &beta);
    }
  }
  out->delta = root;
  out->alpha = alpha;
  out->kappa = eta / ((alpha + gamma) * (alpha + gamma));
  out->beta = beta;
  return RMTMC_OK;
}

rmtmc_status rmtmc_propA_solve(rmtmc_propA_scalars *out, const double *alphas,
                               double eta, double gamma, int64_t c,
                               const rmtmc_theory_opts *opts,
                               rmtmc_error *err) {
  const char *fn = "rmtmc_propA_solve";
  rmtmc_status st;
  if (!out) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s: out is NULL", fn);
  if (c < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "c = %lld contexts, need c >= 1",
                           (long long)c);
  if ((st = check_pos(fn, "eta (= d/c)", eta, err))) return st;
  if ((st = check_pos(fn, "gamma (ridge penalty)", gamma, err))) return st;
  if ((st = check_alphas(fn, alphas, c, err))) return st;
  return propA_solve_raw(out, alphas, eta, gamma, c, opts, fn, err);
}

/* Per-context constants of the training-error limit, independent of gamma:
 * pn2[a] = ||p_a||^2, v[a] = tr(alpha_a^2 Sigma_a)
 *        = alpha_a (c/n) sum_j p_ja + (alpha_a^2 - alpha_a c/n) ||p_a||^2. */
static void propA_consts(double *pn2, double *v, const double *P,
                         const double *alphas, double n, int64_t k,
                         int64_t c) {
  double cn = (double)c / n; /* 0 when n = INFINITY */
  int64_t a, j;
  for (a = 0; a < c; ++a) {
    double sp = 0, s2 = 0, al = alphas[a];
    for (j = 0; j < k; ++j) {
      double p = P[j + a * k];
      sp += p;
      s2 += p * p;
    }
    pn2[a] = s2;
    v[a] = al * cn * sp + (al * al - al * cn) * s2;
  }
}

/* E_train parts from the scalars and the constants; optional D, trC. */
static void propA_eval(rmtmc_propA_result *res, double *D, double *trC,
                       const rmtmc_propA_scalars *sc, const double *pn2,
                       const double *v, const double *alphas, int64_t c) {
  double delta = sc->delta, S = 0, first = 0, sumC = 0, cross;
  int64_t a;
  for (a = 0; a < c; ++a) {
    double q = 1.0 / (1.0 + alphas[a] * delta);
    S += q * q * v[a];
  }
  /* (kappa/c) / (1 - beta kappa); 1 - beta kappa > 0 is the derivative of the
   * fixed-point map, so it never vanishes. */
  cross = sc->kappa / (double)c / (1.0 - sc->beta * sc->kappa);
  for (a = 0; a < c; ++a) {
    double q = 1.0 / (1.0 + alphas[a] * delta);
    double Da = alphas[a] * delta * q;
    double w = q * q * v[a]; /* alpha_a^2 tr Sigma_a / (1 + alpha_a delta)^2 */
    double tc = delta * delta * w + cross * q * q * (S - w);
    first += (1.0 - 2.0 * Da) * pn2[a];
    sumC += tc;
    if (D) D[a] = Da;
    if (trC) trC[a] = tc;
  }
  res->s = *sc;
  res->first_term = first / (double)c;
  res->mean_trC = sumC / (double)c;
  res->etrain = res->first_term + res->mean_trC;
}

static rmtmc_status propA_check_all(const char *fn, const double *P,
                                    const double *alphas, double eta,
                                    double n, int64_t k, int64_t c,
                                    rmtmc_error *err) {
  rmtmc_status st;
  if ((st = check_sizes(fn, k, c, err))) return st;
  if ((st = check_pos(fn, "eta (= d/c)", eta, err))) return st;
  if (!(n > 0))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "n = %g samples must be > 0 (INFINITY allowed)",
                           n);
  if ((st = check_alphas(fn, alphas, c, err))) return st;
  return check_P(fn, P, k, c, err);
}

rmtmc_status rmtmc_propA_theory(rmtmc_propA_result *res, double *D, double *m,
                                double *trC, double *C, const double *P,
                                const double *alphas, double eta, double gamma,
                                double n, int64_t k, int64_t c,
                                const rmtmc_theory_opts *opts,
                                rmtmc_error *err) {
  const char *fn = "rmtmc_propA_theory";
  rmtmc_propA_scalars sc;
  double *pn2, *v, *Dw;
  rmtmc_status st;
  int64_t a, i, j;
  if (!res) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s: res is NULL", fn);
  if ((st = propA_check_all(fn, P, alphas, eta, n, k, c, err))) return st;
  if ((st = check_pos(fn, "gamma (ridge penalty)", gamma, err))) return st;
  if ((st = propA_solve_raw(&sc, alphas, eta, gamma, c, opts, fn, err)))
    return st;
  pn2 = (double *)malloc(sizeof(double) * (size_t)c * 3);
  if (!pn2)
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                           "cannot allocate 3 x %lld doubles",
                           (long long)c);
  v = pn2 + c;
  Dw = v + c;
  propA_consts(pn2, v, P, alphas, n, k, c);
  propA_eval(res, Dw, trC, &sc, pn2, v, alphas, c);
  if (D) memcpy(D, Dw, sizeof(double) * (size_t)c);
  if (m)
    for (a = 0; a < c; ++a)
      for (j = 0; j < k; ++j) m[j + a * k] = Dw[a] * P[j + a * k];
  if (C) {
    /* T = sum_b alpha_b^2 Sigma_b / (1 + alpha_b delta)^2 (k x k), then
     * C_a = delta^2 q_a^2 V_a + cross q_a^2 (T - q_a^2 V_a), V_a =
     * alpha_a^2 Sigma_a = alpha_a (c/n) Diag(p_a) + (alpha_a^2 - alpha_a c/n)
     * p_a p_a^T. */
    double cn = (double)c / n;
    double cross = sc.kappa / (double)c / (1.0 - sc.beta * sc.kappa);
    double *T = (double *)calloc((size_t)(k * k), sizeof(double));
    if (!T) {
      free(pn2);
      return rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                             "cannot allocate a %lld x %lld matrix",
                             (long long)k, (long long)k);
    }
    for (a = 0; a < c; ++a) {
      double al = alphas[a], q = 1.0 / (1.0 + al * sc.delta), q2 = q * q;
      const double *p = P + a * k;
      double dg = q2 * al * cn, rk = q2 * (al * al - al * cn);
      for (j = 0; j < k; ++j) {
        T[j + j * k] += dg * p[j];
        for (i = 0; i < k; ++i) T[i + j * k] += rk * p[i] * p[j];
      }
    }
    for (a = 0; a < c; ++a) {
      double al = alphas[a], q = 1.0 / (1.0 + al * sc.delta), q2 = q * q;
      const double *p = P + a * k;
      double *Ca = C + a * k * k;
      double dg = al * cn, rk = al * al - al * cn;
      double own = sc.delta * sc.delta * q2, oth = cross * q2;
      for (j = 0; j < k; ++j)
        for (i = 0; i < k; ++i) {
          double Va = rk * p[i] * p[j] + (i == j ? dg * p[j] : 0.0);
          Ca[i + j * k] = own * Va + oth * (T[i + j * k] - q2 * Va);
        }
    }
    free(T);
  }
  free(pn2);
  return RMTMC_OK;
}

rmtmc_status rmtmc_propA_grid(rmtmc_propA_result *res, const double *gammas,
                              const double *P, const double *alphas,
                              double eta, double n, int64_t ngamma, int64_t k,
                              int64_t c, const rmtmc_theory_opts *opts,
                              rmtmc_error *err) {
  const char *fn = "rmtmc_propA_grid";
  double *pn2, *v;
  rmtmc_status st;
  int64_t g;
  if (!res || !gammas)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s: NULL res or gammas",
                           fn);
  if (ngamma < 0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "ngamma = %lld < 0",
                           (long long)ngamma);
  if ((st = propA_check_all(fn, P, alphas, eta, n, k, c, err))) return st;
  for (g = 0; g < ngamma; ++g)
    if (!(gammas[g] > 0) || !isfinite(gammas[g]))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "gammas[%lld] = %g must be finite and > 0",
                             (long long)g, gammas[g]);
  pn2 = (double *)malloc(sizeof(double) * (size_t)c * 2);
  if (!pn2)
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                           "cannot allocate 2 x %lld doubles",
                           (long long)c);
  v = pn2 + c;
  propA_consts(pn2, v, P, alphas, n, k, c);
  st = RMTMC_OK;
  for (g = 0; g < ngamma; ++g) {
    rmtmc_propA_scalars sc;
    if ((st = propA_solve_raw(&sc, alphas, eta, gammas[g], c, opts, fn, err)))
      break;
    propA_eval(res + g, NULL, NULL, &sc, pn2, v, alphas, c);
  }
  free(pn2);
  return st;
}

/* ======================= Proposition B (theory.md 3.2) ==================== */

/* In-place Cholesky A = L L^T of a symmetric c x c matrix (column-major,
 * lower triangle read and overwritten; right-looking, unit-stride inner
 * loops).  Returns 0, or j + 1 when the pivot of column j is not > 0. */
static int64_t chol_lower(double *A, int64_t c) {
  int64_t i, j, l;
  for (j = 0; j < c; ++j) {
    double *cj = A + j * c, piv = cj[j];
    if (!(piv > 0) || !isfinite(piv)) return j + 1;
    piv = sqrt(piv);
    cj[j] = piv;
    for (i = j + 1; i < c; ++i) cj[i] /= piv;
    for (l = j + 1; l < c; ++l) {
      double *cl = A + l * c, f = cj[l];
      if (f == 0) continue;
      for (i = l; i < c; ++i) cl[i] -= cj[i] * f;
    }
  }
  return 0;
}

/* Solve L L^T y = y in place. */
static void chol_solve(const double *L, double *y, int64_t c) {
  int64_t i, j;
  for (j = 0; j < c; ++j) {
    const double *cj = L + j * c;
    double yj = y[j] / cj[j];
    y[j] = yj;
    for (i = j + 1; i < c; ++i) y[i] -= cj[i] * yj;
  }
  for (j = c - 1; j >= 0; --j) {
    const double *cj = L + j * c;
    double s = y[j];
    for (i = j + 1; i < c; ++i) s -= cj[i] * y[i];
    y[j] = s / cj[j];
  }
}

/* Corrected delta (theory.md 1.7, discriminant 4 gamma eta), the positive root
 * of gamma delta^2 + (1 + gamma - eta) delta - eta = 0, cancellation-free. */
static double delta_closed(double eta, double gamma) {
  double b = eta - gamma - 1.0;
  double r = sqrt(b * b + 4.0 * gamma * eta);
  return b >= 0 ? (b + r) / (2.0 * gamma) : 2.0 * eta / (r - b);
}

static rmtmc_status check_G(const char *fn, const double *G, int64_t c,
                            rmtmc_error *err) {
  double scale = 0;
  int64_t i, j;
  if (!G) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s: G is NULL", fn);
  for (j = 0; j < c; ++j) {
    double g = G[j + j * c];
    if (!(g >= 0) || !isfinite(g))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "G[%lld, %lld] = %g: G = M^T M needs a "
                             "finite diagonal >= 0",
                             (long long)j, (long long)j, g);
    if (g > scale) scale = g;
  }
  for (j = 0; j < c; ++j)
    for (i = j + 1; i < c; ++i) {
      double a = G[i + j * c], b = G[j + i * c];
      if (!isfinite(a) || !isfinite(b) ||
          fabs(a - b) > 1e-8 * scale + 1e-300)
        return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                               "G is not symmetric (G[%lld, %lld] = %.17g, "
                               "G[%lld, %lld] = %.17g); give G = M^T M",
                               (long long)i, (long long)j, a, (long long)j,
                               (long long)i, b);
    }
  return RMTMC_OK;
}

/* Workspace: H (c x c), Y and Z (c x k each). */
typedef struct propB_ws {
  double *H, *Y, *Z;
} propB_ws;

static rmtmc_status propB_eval(rmtmc_propB_result *res, double *trC,
                               double *C, const double *P, const double *G,
                               double eta, double gamma, int64_t k, int64_t c,
                               propB_ws *w, const char *fn, rmtmc_error *err) {
  double delta = delta_closed(eta, gamma);
  double u = 1.0 + delta, u2 = u * u;
  double zeta = gamma + 1.0 / u, kappa = eta / (zeta * zeta);
  double tau = kappa / (1.0 - kappa / u2);
  double s = u * (double)c, dc = (double)c;
  double T0 = 0, Tdiag = 0, tPZ = 0, tYZ = 0, tZZ = 0, tMRM, common;
  int64_t a, i, j, bad;
  /* H = s I + G / zeta (lower triangle), Cholesky. */
  for (j = 0; j < c; ++j)
    for (i = j; i < c; ++i)
      w->H[i + j * c] = G[i + j * c] / zeta + (i == j ? s : 0.0);
  bad = chol_lower(w->H, c);
  if (bad)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "the Gram matrix G = M^T M of the class means is "
                           "not positive semi-definite (the Cholesky factor "
                           "of (1+delta)c I + G/zeta fails at class %lld, "
                           "gamma = %g); give G = M^T M",
                           (long long)bad, gamma);
  /* Y = B P^T, Z = (G/zeta) Y = (I - sB) P^T = (M^T Qbar M/((1+delta)c)) P^T. */
  for (j = 0; j < k; ++j) {
    double *y = w->Y + j * c, *z = w->Z + j * c;
    for (a = 0; a < c; ++a) y[a] = P[j + a * k];
    chol_solve(w->H, y, c);
    for (a = 0; a < c; ++a) z[a] = 0;
    for (i = 0; i < c; ++i) {
      const double *gi = G + i * c;
      double yi = y[i] / zeta;
      for (a = 0; a < c; ++a) z[a] += gi[a] * yi;
    }
  }
  for (a = 0; a < c; ++a)
    for (j = 0; j < k; ++j) {
      double p = P[j + a * k], y = w->Y[a + j * c], z = w->Z[a + j * c];
      T0 += p * p;
      Tdiag += p;
      tPZ += p * z;
      tYZ += y * z;
      tZZ += z * z;
    }
  /* With s = (1+delta) c: M^T Qbar M = s (G/zeta) B, M^T Qbar^2 M =
   * (s/zeta)^2 B G B, so after dividing by ((1+delta) c)^2 = s^2:
   *   tr P M^T R M P^T / s^2 = (tYZ/zeta + kappa tZZ/(u^2 c)) / (1 - kappa/u^2)
   *   tr P M^T Qbar mu_a mu_a^T Qbar M P^T / s^2 = ||Z[a, :]||^2
   *   2 tau tr P M^T Qbar M P^T / (u^3 c^2) = 2 tau tPZ / (u^2 c). */
  tMRM = (tYZ / zeta + kappa * tZZ / (u2 * dc)) / (1.0 - kappa / u2);
  common = tau * Tdiag / (u2 * dc) + tMRM - 2.0 * tau * tPZ / (u2 * dc);
  res->delta = delta;
  res->zeta = zeta;
  res->kappa = kappa;
  res->tau = tau;
  res->first_term = (T0 - 2.0 * tPZ) / dc;
  res->mean_trC = common + tZZ / dc;
  res->etest = res->first_term + res->mean_trC;
  if (trC)
    for (a = 0; a < c; ++a) {
      double za2 = 0;
      for (j = 0; j < k; ++j) za2 += w->Z[a + j * c] * w->Z[a + j * c];
      trC[a] = common + za2;
    }
  if (C) {
    /* C_a = tau Diag(sum_b p_b)/(u^2 c) + z_a z_a^T
     *     + (Y^T Z/zeta + kappa Z^T Z/(u^2 c))/(1 - kappa/u^2)
     *     - 2 tau P Z/(u^2 c),  z_a = Z[a, :]^T (k x k, symmetrised). */
    double *K = (double *)malloc(sizeof(double) * (size_t)(k * k));
    if (!K)
      return rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                             "cannot allocate a %lld x %lld matrix",
                             (long long)k, (long long)k);
    for (j = 0; j < k; ++j)
      for (i = 0; i <= j; ++i) {
        double yz = 0, zz = 0, pz = 0;
        for (a = 0; a < c; ++a) {
          yz += 0.5 * (w->Y[a + i * c] * w->Z[a + j * c] +
                       w->Y[a + j * c] * w->Z[a + i * c]);
          zz += w->Z[a + i * c] * w->Z[a + j * c];
          pz += 0.5 * (P[i + a * k] * w->Z[a + j * c] +
                       P[j + a * k] * w->Z[a + i * c]);
        }
        K[i + j * k] = (yz / zeta + kappa * zz / (u2 * dc)) /
                           (1.0 - kappa / u2) -
                       2.0 * tau * pz / (u2 * dc);
        K[j + i * k] = K[i + j * k];
      }
    for (j = 0; j < k; ++j) {
      double rs = 0;
      for (a = 0; a < c; ++a) rs += P[j + a * k];
      K[j + j * k] += tau * rs / (u2 * dc);
    }
    for (a = 0; a < c; ++a) {
      double *Ca = C + a * k * k;
      for (j = 0; j < k; ++j)
        for (i = 0; i < k; ++i)
          Ca[i + j * k] = K[i + j * k] + w->Z[a + i * c] * w->Z[a + j * c];
    }
    free(K);
  }
  return RMTMC_OK;
}

static rmtmc_status propB_run(rmtmc_propB_result *res, double *trC, double *C,
                              const double *gammas, const double *P,
                              const double *G, double eta, int64_t ngamma,
                              int64_t k, int64_t c, const char *fn,
                              rmtmc_error *err) {
  propB_ws w;
  rmtmc_status st;
  int64_t g;
  if (!res || !gammas)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s: NULL res or gamma",
                           fn);
  if ((st = check_sizes(fn, k, c, err))) return st;
  if ((st = check_pos(fn, "eta (= d/n)", eta, err))) return st;
  for (g = 0; g < ngamma; ++g)
    if (!(gammas[g] > 0) || !isfinite(gammas[g]))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "gamma = %g (entry %lld) must be finite and "
                             "> 0 (ridge penalty)",
                             gammas[g], (long long)g);
  if ((st = check_P(fn, P, k, c, err))) return st;
  if ((st = check_G(fn, G, c, err))) return st;
  w.H = (double *)malloc(sizeof(double) * (size_t)(c * c + 2 * c * k));
  if (!w.H)
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                           "cannot allocate the c x c workspace (c = %lld)",
                           (long long)c);
  w.Y = w.H + c * c;
  w.Z = w.Y + c * k;
  st = RMTMC_OK;
  for (g = 0; g < ngamma && st == RMTMC_OK; ++g)
    st = propB_eval(res + g, trC, C, P, G, eta, gammas[g], k, c, &w, fn, err);
  free(w.H);
  return st;
}

rmtmc_status rmtmc_propB_theory(rmtmc_propB_result *res, double *trC,
                                double *C, const double *P, const double *G,
                                double eta, double gamma, int64_t k, int64_t c,
                                rmtmc_error *err) {
  return propB_run(res, trC, C, &gamma, P, G, eta, 1, k, c,
                   "rmtmc_propB_theory", err);
}

rmtmc_status rmtmc_propB_grid(rmtmc_propB_result *res, const double *gammas,
                              const double *P, const double *G, double eta,
                              int64_t ngamma, int64_t k, int64_t c,
                              rmtmc_error *err) {
  if (ngamma < 0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "rmtmc_propB_grid: ngamma = %lld < 0",
                           (long long)ngamma);
  return propB_run(res, NULL, NULL, gammas, P, G, eta, ngamma, k, c,
                   "rmtmc_propB_grid", err);
}
