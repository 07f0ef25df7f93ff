/* edge_scaling.c: centring and scaling of the extreme eigenvalues of
 * S = X X^T / n (THEORY.md 5.1 and 10.1; docs/theory_edge.md).
 *
 * General population spectrum H (El Karoui 2007; Lee-Schnelli 2016 for
 * real data), in the variable u = 1/c of El Karoui's c:
 *   x(u)   = u (1 + eta sum_j w_j t_j / (u - t_j))    (the inverse of the
 *            companion Stieltjes transform, THEORY 2.2),
 *   psi(u) = sum_j w_j (t_j / (u - t_j))^2;
 *   top edge:    u > t_max with eta psi(u) = 1, i.e. c in (0, 1/t_max) with
 *                (1/d) sum_i (c t_i/(1 - c t_i))^2 = n/d;
 *   bottom edge: 0 < u < t_min with eta psi(u) = 1 (d < n, Sigma > 0);
 *   mu = x(u),   sigma^3 = +-(1/c^3)(1 + eta sum_j w_j (c t_j/(1 - c t_j))^3)
 *   (+ top, - bottom; = |x''(u)| u^4 / 2), and
 *   lambda_max(S) ~ mu + n^(-2/3) sigma TW,  lambda_min(S) ~ mu - n^(-2/3) sigma TW.
 * The root is found by Brent's method on (eta psi(u))^(-1/2) - 1, which is
 * exactly linear in u for one atom and close to linear in general.
 *
 * White data (Sigma = t I) with the default correction use the finite-n
 * constants of Ma (2012) (real) and El Karoui (2006) (complex, top edge).
 *
 * The theorem needs the extreme eigenvalue to be produced by a part of the
 * spectrum that carries a non-vanishing fraction of the d eigenvalues.  A
 * group of extreme atoms holding fewer than sqrt(d) eigenvalues whose
 * support component is separated from the rest (x'(u) > 0 somewhere in the
 * gap of u between them) is a set of spikes beyond the BBP threshold: the
 * extreme eigenvalue is then an outlier with Gaussian n^(-1/2) fluctuations,
 * and the edge is refused with a message saying so. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rmtmc_edge_theory.h"
#include "theory/brent.h"
#include "theory/theory_internal.h"

/* Sorted distinct positive atoms with merged weights (normalised over all
 * atoms, zero atoms included), the mass at 0 and the multiplicity d: the
 * theory module's normalised population (theory_pop_init, silverstein.c)
 * plus d. */
typedef struct edge_pop {
  int64_t k;
  double *t, *w; /* owned: one allocation at t, as theory_pop's */
  double h0;
  double d;
} edge_pop;

static rmtmc_status edge_pop_init(edge_pop *P, const rmtmc_pop *H, int64_t d, int64_t n, rmtmc_error *err) {
  theory_pop tp;
  memset(P, 0, sizeof *P);
  rmtmc_status st = theory_pop_init(&tp, H, (double)d / (double)n, err);
  if (st != RMTMC_OK) return st;
  if (tp.k == 0) {
    theory_pop_free(&tp);
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "edge scaling: Sigma = 0 (every population eigenvalue is 0)");
  }
  P->k = tp.k;
  P->t = tp.t;
  P->w = tp.w;
  P->h0 = tp.h0;
  P->d = (double)d;
  return RMTMC_OK;
}

static void edge_pop_free(edge_pop *P) {
  free(P->t);
  P->t = P->w = NULL;
}

/* sum_j w_j (t_j/(u - t_j))^p for p = 1, 2, 3, skipping atom indices in
 * [skip_lo, skip_hi). */
static double pop_sum(const edge_pop *P, double u, int p, int64_t skip_lo, int64_t skip_hi) {
  double s = 0;
  int64_t j;
  for (j = 0; j < P->k; ++j) {
    double r;
    if (j >= skip_lo && j < skip_hi) continue;
    r = P->t[j] / (u - P->t[j]);
    s += P->w[j] * (p == 1 ? r : p == 2 ? r * r : r * r * r);
  }
  return s;
}

typedef struct root_ctx {
  const edge_pop *P;
  double eta;
  int sign;
} root_ctx;

/* (eta psi)^(-1/2) - 1, increasing in u on the top branch; the bottom
 * branch uses 1 - (eta psi)^(-1/2), increasing too. */
static double crit_fn(double u, void *ctx) {
  const root_ctx *c = ctx;
  double v = 1 / sqrt(c->eta * pop_sum(c->P, u, 2, 0, 0));
  return c->sign > 0 ? v - 1 : 1 - v;
}

/* d psi / du = -2 sum_j w_j t_j^2 / (u - t_j)^3, increasing in a gap. */
static double dpsi_fn(double u, void *ctx) {
  const edge_pop *P = ((const root_ctx *)ctx)->P;
  double s = 0;
  int64_t j;
  for (j = 0; j < P->k; ++j) {
    double r = u - P->t[j];
    s -= 2 * P->w[j] * P->t[j] * P->t[j] / (r * r * r);
  }
  return s;
}

/* Is there u in the gap (t[j], t[j+1]) with x'(u) = 1 - eta psi(u) > 0?
 * psi is convex there; its minimum is the root of dpsi.  Returns 1 when
 * separated, 0 when not, -1 on a numerical failure. */
static int gap_separated(const edge_pop *P, double eta, int64_t j) {
  root_ctx c = {P, eta, 1};
  double a = P->t[j], b = P->t[j + 1], del = 1e-3, lo, hi, flo, fhi, u;
  int it;
  for (it = 0; it < 200; ++it, del *= 0.5) {
    lo = a + del * (b - a);
    hi = b - del * (b - a);
    flo = dpsi_fn(lo, &c);
    fhi = dpsi_fn(hi, &c);
    if (flo < 0 && fhi > 0) break;
  }
  if (it == 200) return -1;
  if (theory_brent(&u, dpsi_fn, &c, lo, hi, flo, fhi, 1e-14, 1e-300, 300, NULL) != RMTMC_OK)
    return -1;
  return 1 - eta * pop_sum(P, u, 2, 0, 0) > 0;
}

/* The extreme group check of the header comment; 0 when Tracy-Widom
 * applies, else RMTMC_ERR_INVALID with the reason in note. */
static rmtmc_status spike_check(const edge_pop *P, double eta, int sign, char *note,
                                size_t len) {
  double need = sqrt(P->d), count = 0;
  int64_t g = 0; /* atoms in the group */
  while (g < P->k) {
    int64_t j = sign > 0 ? P->k - 1 - g : g; /* next atom into the group */
    int sep;
    count += P->w[j] * P->d;
    ++g;
    if (count >= need || g == P->k) return RMTMC_OK;
    /* gap between the group and the next atom */
    sep = gap_separated(P, eta, sign > 0 ? P->k - 1 - g : g - 1);
    if (sep < 0) {
      snprintf(note, len, "%s edge: no convergence while checking the gap below/above the extreme atoms",
               sign > 0 ? "top" : "bottom");
      return RMTMC_ERR_NOCONV;
    }
    if (sep) {
      double te = sign > 0 ? P->t[P->k - g] : P->t[g - 1];
      /* location of the outlier of the extreme atom, from the rest */
      double ext = sign > 0 ? P->t[P->k - 1] : P->t[0];
      int64_t lo = sign > 0 ? P->k - g : 0, hi = sign > 0 ? P->k : g;
      double rho = ext * (1 + eta * pop_sum(P, ext, 1, lo, hi));
      snprintf(note, len,
               "%s edge: the %s %.0f population eigenvalue(s) (t %s %g) lie beyond the BBP "
               "threshold of the rest of the spectrum, so lambda_%s(S) is an outlier near %.6g "
               "with Gaussian n^-1/2 fluctuations (rmtmc_spikes), not a Tracy-Widom edge",
               sign > 0 ? "top" : "bottom", sign > 0 ? "largest" : "smallest", count,
               sign > 0 ? ">=" : "<=", te, sign > 0 ? "max" : "min", rho);
      return RMTMC_ERR_INVALID;
    }
  }
  return RMTMC_OK;
}

/* El Karoui's critical point and constants (first order, eta = d/n). */
static rmtmc_status elkaroui(const edge_pop *P, double eta, int sign, double *u_out,
                             double *mu, double *sig3) {
  root_ctx c = {P, eta, sign};
  double lo, hi, flo, fhi, u;
  rmtmc_status st;
  if (sign > 0) {
    double tm = P->t[P->k - 1], wm = P->w[P->k - 1];
    lo = tm * (1 + 0.5 * sqrt(eta * wm));
    hi = tm * (1 + 1.01 * sqrt(eta));
  } else {
    double tm = P->t[0], wm = P->w[0];
    lo = 0;
    hi = tm * (1 - 0.5 * sqrt(eta * wm));
  }
  flo = crit_fn(lo, &c);
  fhi = crit_fn(hi, &c);
  st = theory_brent(&u, crit_fn, &c, lo, hi, flo, fhi, 1e-15, 1e-300, 300, NULL);
  if (st) return st;
  *u_out = u;
  *mu = u * (1 + eta * pop_sum(P, u, 1, 0, 0));
  *sig3 = sign * u * u * u * (1 + eta * pop_sum(P, u, 3, 0, 0));
  return RMTMC_OK;
}

/* Johnstone-type constants for white data, in units of X X^T:
 * (sqrt a +- sqrt b)^2 and (sqrt a +- sqrt b)(1/sqrt b +- 1/sqrt a)^(1/3)
 * (upper signs: top edge; lower: bottom, with a > b). */
static void jc_mu_sigma(double a, double b, int sign, double *mu, double *sig) {
  double ra = sqrt(a), rb = sqrt(b);
  if (sign > 0) {
    *mu = (ra + rb) * (ra + rb);
    *sig = (ra + rb) * cbrt(1 / ra + 1 / rb);
  } else {
    *mu = (ra - rb) * (ra - rb);
    *sig = (ra - rb) * cbrt(1 / rb - 1 / ra);
  }
}

/* The TW_beta moments: the caller's, or computed in a temporary workspace. */
static rmtmc_status tw_moments_given(const rmtmc_tw_moments *twm, int beta, rmtmc_tw_moments *m,
                                     rmtmc_error *err) {
  rmtmc_tw *tw = NULL;
  rmtmc_status st;
  if (twm) {
    *m = *twm;
    return RMTMC_OK;
  }
  st = rmtmc_tw_create(&tw, err);
  if (!st) st = rmtmc_tw_moments_get(tw, beta, m, err);
  rmtmc_tw_free(tw);
  return st;
}

/* log E exp(x TW) from the first four cumulants (error O(x^5)). */
static double log_mgf(const rmtmc_tw_moments *m, double x) {
  double k2 = m->variance, k3 = m->skewness * m->sd * k2, k4 = m->excess_kurtosis * k2 * k2;
  return x * (m->mean + x * (k2 / 2 + x * (k3 / 6 + x * k4 / 24)));
}

rmtmc_status rmtmc_edge_compute(const rmtmc_pop *H, int64_t d, int64_t n, int beta, int sign,
                                rmtmc_edge_correction corr, const rmtmc_tw_moments *twm,
                                rmtmc_edge *out, rmtmc_error *err) {
  edge_pop P;
  rmtmc_tw_moments m;
  rmtmc_status st;
  double eta, u, mu, sig3, nn, dd, scale;
  int white;
  if (!out) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "rmtmc_edge_compute: out is NULL");
  memset(out, 0, sizeof *out);
  out->status = RMTMC_ERR_INVALID;
  out->sign = sign;
  out->mu = out->sigma = out->edge = out->c = out->mean = out->sd = NAN;
  out->tau = out->mean_log = out->sd_log = out->mean_lin = out->sd_lin = NAN;
  if (d < 1 || n < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "edge scaling: d = %lld and n = %lld must be >= 1",
                           (long long)d, (long long)n);
  if (beta != 1 && beta != 2)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "edge scaling: beta must be 1 (real) or 2 (complex) data (got %d)", beta);
  if (sign != 1 && sign != -1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "edge scaling: sign must be +1 (top) or -1 (bottom)");
  if (corr != RMTMC_EDGE_SECOND_ORDER && corr != RMTMC_EDGE_FIRST_ORDER && corr != RMTMC_EDGE_JOHNSTONE)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "edge scaling: unknown correction %d", (int)corr);
  if ((st = edge_pop_init(&P, H, d, n, err))) return st;
  white = P.k == 1 && P.h0 == 0;
  scale = P.t[P.k - 1];
  if (corr == RMTMC_EDGE_JOHNSTONE && !(white && beta == 1 && sign > 0 && n >= 2)) {
    edge_pop_free(&P);
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "edge scaling: Johnstone's (n - 1, d) constants are for the top edge "
                           "of white real data (Sigma = t I, beta = 1, n >= 2)");
  }
  if ((st = tw_moments_given(twm, beta, &m, err))) {
    edge_pop_free(&P);
    return st;
  }
  nn = (double)n;
  dd = (double)d;
  eta = dd / nn;
  if (sign < 0 && d >= n) {
    edge_pop_free(&P);
    snprintf(out->note, sizeof out->note,
             "bottom edge: d = %lld >= n = %lld, so lambda_min(S) is 0 (d > n) or at the hard edge "
             "(d = n): no soft lower edge and no Tracy-Widom limit",
             (long long)d, (long long)n);
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s", out->note);
  }
  if (sign < 0 && P.h0 > 0) {
    edge_pop_free(&P);
    snprintf(out->note, sizeof out->note,
             "bottom edge: Sigma is singular (%.0f zero eigenvalues), so lambda_min(S) = 0 exactly",
             P.h0 * dd);
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s", out->note);
  }
  if (!white) {
    st = spike_check(&P, eta, sign, out->note, sizeof out->note);
    if (st) {
      out->status = st;
      edge_pop_free(&P);
      return rmtmc_error_set(err, st, "%s", out->note);
    }
  }
  st = elkaroui(&P, eta, sign, &u, &mu, &sig3);
  edge_pop_free(&P);
  if (st)
    return rmtmc_error_set(err, RMTMC_ERR_NOCONV, "edge scaling: the critical-point equation did not converge (%s)",
                           rmtmc_status_str(st));
  out->c = 1 / u;
  out->edge = mu;
  out->mu = mu;
  out->sigma = cbrt(sig3) * pow(nn, -2.0 / 3.0);
  if (corr == RMTMC_EDGE_FIRST_ORDER || !white) {
    snprintf(out->note, sizeof out->note,
             "%s edge: El Karoui (2007) first-order constants, eta = d/n%s", sign > 0 ? "top" : "bottom",
             white ? "" : " (no second-order correction is known for a general Sigma)");
  } else if (corr == RMTMC_EDGE_JOHNSTONE) {
    double a, b;
    jc_mu_sigma(nn - 1, dd, 1, &a, &b);
    out->mu = scale * a / nn;
    out->sigma = scale * b / nn;
    snprintf(out->note, sizeof out->note, "top edge: Johnstone (2001), n - 1 and d");
  } else if (beta == 1) {
    double a, b;
    jc_mu_sigma(nn - 0.5, dd - 0.5, sign, &a, &b);
    out->mu = scale * a / nn;
    out->sigma = scale * b / nn;
    snprintf(out->note, sizeof out->note, "%s edge: Ma (2012), n - 1/2 and d - 1/2",
             sign > 0 ? "top" : "bottom");
  } else if (sign > 0) {
    /* El Karoui (2006): a weighted mean of the (n - 1/2, d + 1/2) and
     * (n + 1/2, d - 1/2) constants, weight alpha = 1/(1 + (mu1/mu2)
     * sqrt(sigma1/sigma2)) (as implemented in the RMTstat package) */
    double m1, s1, m2, s2, al;
    jc_mu_sigma(nn - 0.5, dd + 0.5, 1, &m1, &s1);
    jc_mu_sigma(nn + 0.5, dd - 0.5, 1, &m2, &s2);
    al = 1 / (1 + (m1 / m2) * sqrt(s1 / s2));
    out->mu = scale * (al * m1 + (1 - al) * m2) / nn;
    out->sigma = scale * (al * s1 + (1 - al) * s2) / nn;
    snprintf(out->note, sizeof out->note, "top edge: El Karoui (2006) complex constants");
  } else {
    snprintf(out->note, sizeof out->note,
             "bottom edge: first-order constants (n, d) (no second-order constants for the complex "
             "lower edge)");
  }
  out->mean_lin = out->mu + sign * m.mean * out->sigma;
  out->sd_lin = m.sd * out->sigma;
  out->tau = out->sigma / out->mu;
  {
    double k1 = log_mgf(&m, sign * out->tau), k2 = log_mgf(&m, 2 * sign * out->tau);
    out->mean_log = out->mu * exp(k1);
    out->sd_log = out->mean_log * sqrt(expm1(k2 - 2 * k1));
  }
  out->log_scale = sign < 0;
  out->mean = out->log_scale ? out->mean_log : out->mean_lin;
  out->sd = out->log_scale ? out->sd_log : out->sd_lin;
  out->status = RMTMC_OK;
  return RMTMC_OK;
}

double rmtmc_edge_z(const rmtmc_edge *e, double lambda, int log_scale) {
  if (!e || e->status != RMTMC_OK) return NAN;
  if (log_scale) return lambda > 0 ? e->sign * log(lambda / e->mu) / e->tau : NAN;
  return e->sign * (lambda - e->mu) / e->sigma;
}

rmtmc_status rmtmc_edge_scaling_compute(const rmtmc_pop *H, int64_t d, int64_t n, int beta,
                                        rmtmc_edge_correction corr, const rmtmc_tw_moments *twm,
                                        rmtmc_edge_scaling *out, rmtmc_error *err) {
  rmtmc_tw_moments m;
  rmtmc_status st;
  rmtmc_error e2;
  edge_pop P;
  if (!out) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "rmtmc_edge_scaling_compute: out is NULL");
  memset(out, 0, sizeof *out);
  if (d < 1 || n < 1 || (beta != 1 && beta != 2))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "edge scaling: need d, n >= 1 and beta 1 or 2 (got d = %lld, n = %lld, beta = %d)",
                           (long long)d, (long long)n, beta);
  if ((st = edge_pop_init(&P, H, d, n, err))) return st;
  out->white = P.k == 1 && P.h0 == 0;
  out->scale = out->white ? P.t[0] : 0;
  edge_pop_free(&P);
  if ((st = tw_moments_given(twm, beta, &m, err))) return st;
  out->beta = beta;
  out->d = d;
  out->n = n;
  out->eta = (double)d / (double)n;
  out->correction = corr;
  out->tw = m;
  /* A Johnstone request applies to the top edge; the bottom gets Ma's. */
  st = rmtmc_edge_compute(H, d, n, beta, 1, corr, &m, &out->top, err);
  if (st && out->top.note[0] == 0) return st; /* invalid input, not a refusal */
  st = rmtmc_edge_compute(H, d, n, beta, -1, corr == RMTMC_EDGE_JOHNSTONE ? RMTMC_EDGE_SECOND_ORDER : corr,
                          &m, &out->bottom, &e2);
  if (st && out->bottom.note[0] == 0) {
    if (err) *err = e2;
    return st;
  }
  if (err) rmtmc_error_clear(err);
  return RMTMC_OK;
}
