/* tridiag_common.h: the tridiagonal (Dumitriu-Edelman) method's rules,
 * shared by the CPU driver (src/backend/cpu/cpu_tridiag.c) and the CUDA
 * kernels (kernels/tridiag.cu): plain C, RMTMC_HD, one piece of code.
 *
 * The model (docs/theory.md 7.1, Dumitriu-Edelman).  Real (beta = 1) or complex (beta = 2) Gaussian
 * data X = sqrt(s2) G, G d x n, S = X X^* / n.  With m = min(d, n) and
 * M = max(d, n), the m non-trivial eigenvalues of S have exactly the law of
 * those of T = s2 B B^T / n, B m x m lower bidiagonal with independent
 *     B_ii^2     ~ chi^2_{beta (M - i)} / beta       i = 0..m-1
 *     B_i+1,i^2  ~ chi^2_{beta (m - 1 - i)} / beta   i = 0..m-2
 * (0-based; d > n is the n x n form with d and n swapped); the other d - m
 * eigenvalues of S are exactly 0.  Only the squares are ever needed.
 *
 * Storage.  T is its diagonal a[0..m-1] and its SQUARED off-diagonal
 * b2[0..m-2] (b2[i] = T_{i+1,i}^2), both formed from the squared entries
 * p_i = B_ii^2, q_i = B_i+1,i^2 as sums and products of positive numbers
 * (no cancellation):
 *     a_i = (s2/n) (p_i + q_{i-1})    (q_{-1} = 0)
 *     b2_i = (s2/n)^2 (p_i q_i).
 * Every statistic below reads b2 only.
 *
 * Stream layout of the tridiagonal method (trial t of seed s): p_i is
 * variate 2i and q_i variate 2i + 1 of the trial's stream, each a Gamma
 * variate of rmtmc_rng.h (16 blocks at 16 e): p_i = 2 Gamma(beta (M - i)/2)
 * / beta.  This is NOT the dense method's layout (which reads the d x n
 * normals of G from blocks e/2): a trial is reproducible within a method,
 * and the methods agree in distribution, not draw for draw.
 *
 * Statistics, all O(m) per evaluation and stable as stated:
 *   Sturm count      #{eigenvalues < x} = #{negative pivots} of the LDL^T
 *                    recurrence q_0 = a_0 - x, q_i = (a_i - x) -
 *                    b2_{i-1}/q_{i-1}; a pivot with |q| < pivmin is replaced
 *                    by -pivmin (LAPACK dstebz's safeguard; pivmin = DBL_MIN
 *                    max(1, max b2) so b2/q never overflows).  Exact for a
 *                    matrix within a few ulps (relative) of T.
 *   Stieltjes        tr (T - z)^-1 = sum_i s_i / q_i with the pivots q_i of
 *                    T - z (complex) and s_i = -dq_i/dz, s_0 = 1,
 *                    s_i = 1 + b2_{i-1} s_{i-1} / q_{i-1}^2: the logarithmic
 *                    derivative of det (T - z) = prod q_i.  Each term is
 *                    [(T_i - z)^-2]_ii / [(T_i - z)^-1]_ii for the leading
 *                    block T_i, bounded by 1/dist(z, spec T): stable for
 *                    Im z > 0 (|q_i| >= Im z) and for real z outside
 *                    [lambda_min, lambda_max] of T (all pivots of one sign,
 *                    |q_i| >= dist(z, spec T)); inside the spectrum on the
 *                    real axis neighbouring terms cancel: not for that use.
 *   e_1 resolvent    e_1^T (T - z)^-1 e_1 = 1 / t_0 with the backward
 *                    continued fraction t_{m-1} = a_{m-1} - z,
 *                    t_i = (a_i - z) - b2_i / t_{i+1}.
 *   powers           (T^k)_ii = (J^k)_ii for J = D T D^-1 with unit
 *                    super-diagonal and b2 on the sub-diagonal (diagonal
 *                    similarity keeps diagonals of powers), as w_p . v_q
 *                    with v_q = J^q e_i, w_p = (J^T)^p e_i, p = k/2,
 *                    q = k - p: a window of 2 ceil(k/2) + 1 rows, sums of
 *                    positive terms when a, b2 > 0.
 *   Gershgorin       [min a_i - r_i, max a_i + r_i], r_i = |T_i,i-1| +
 *                    |T_i+1,i|, widened as dstebz does, so that the Sturm
 *                    counts at its ends are 0 and m.
 *   bisection        multisection on Sturm counts inside the Gershgorin
 *                    bracket until hi - lo <= 2 eps max(|lo|, |hi|) (full
 *                    precision), with a pass cap. */
#ifndef RMTMC_TRIDIAG_COMMON_H
#define RMTMC_TRIDIAG_COMMON_H

#include <float.h>
#include <math.h>
#include <stdint.h>

#include "rmtmc_rng.h" /* RMTMC_HD, rmtmc_draw_gamma */

/* Passes of multisection at most (each at least halves the bracket). */
#define RMTMC_BISECT_MAX_PASSES 256
/* Largest k of (T^k)_ii (window of 2 ceil(k/2) + 1 = 9 rows). */
#define RMTMC_TRIDIAG_KMAX 8

/* ---- the Dumitriu-Edelman sampler ---- */

/* Size m of T (the non-trivial eigenvalues). */
RMTMC_HD int64_t rmtmc_de_size(int64_t d, int64_t n) { return d < n ? d : n; }

/* Squared entries of B as variates of trial t: p_i = B_ii^2 (variate 2i),
 * q_i = B_i+1,i^2 (variate 2i + 1, i < m - 1), for sizes d, n, beta 1 or 2. */
RMTMC_HD double rmtmc_de_p(uint64_t seed, uint64_t trial, int64_t i, int64_t d,
                           int64_t n, int beta) {
  int64_t big = d > n ? d : n;
  return rmtmc_draw_gamma(seed, trial, 2 * (uint64_t)i,
                          0.5 * (double)beta * (double)(big - i)) *
         (2.0 / (double)beta);
}
RMTMC_HD double rmtmc_de_q(uint64_t seed, uint64_t trial, int64_t i, int64_t d,
                           int64_t n, int beta) {
  int64_t m = rmtmc_de_size(d, n);
  return rmtmc_draw_gamma(seed, trial, 2 * (uint64_t)i + 1,
                          0.5 * (double)beta * (double)(m - 1 - i)) *
         (2.0 / (double)beta);
}

/* Row i of T from p_i, q_{i-1} (0 for i = 0), q_i and scale = s2/n:
 * *a = scale (p_i + q_{i-1}); *b2 = scale^2 (p_i q_i) (row i < m - 1). */
RMTMC_HD void rmtmc_de_form(double p, double qprev, double q, double scale,
                            double *a, double *b2) {
  *a = scale * (p + qprev);
  *b2 = (scale * scale) * (p * q);
}

/* ---- Sturm counts ---- */

/* The pivot safeguard of T (LAPACK dstebz): DBL_MIN max(1, max b2). */
RMTMC_HD double rmtmc_tridiag_pivmin(double b2max) {
  return DBL_MIN * (b2max > 1.0 ? b2max : 1.0);
}

/* Next pivot of the LDL^T factorisation of T - x (b2prev = b2_{i-1}). */
RMTMC_HD double rmtmc_sturm_pivot(double q, double a, double b2prev, double x,
                                  double pivmin) {
  q = (a - x) - b2prev / q;
  return fabs(q) < pivmin ? -pivmin : q;
}
RMTMC_HD double rmtmc_sturm_first(double a0, double x, double pivmin) {
  double q = a0 - x;
  return fabs(q) < pivmin ? -pivmin : q;
}

/* Number of eigenvalues of T below x (rows [0, m)). */
RMTMC_HD int64_t rmtmc_tridiag_sturm(const double *a, const double *b2,
                                     int64_t m, double x, double pivmin) {
  double q = rmtmc_sturm_first(a[0], x, pivmin);
  int64_t c = q < 0.0;
  for (int64_t i = 1; i < m; ++i) {
    q = rmtmc_sturm_pivot(q, a[i], b2[i - 1], x, pivmin);
    c += q < 0.0;
  }
  return c;
}

/* ---- complex arithmetic (own code: the same rounding on both sides) ---- */

typedef struct rmtmc_cplx {
  double re, im;
} rmtmc_cplx;

RMTMC_HD rmtmc_cplx rmtmc_cmul(rmtmc_cplx x, rmtmc_cplx y) {
  rmtmc_cplx r = {x.re * y.re - x.im * y.im, x.re * y.im + x.im * y.re};
  return r;
}
/* 1/x = conj(x)/|x|^2 (the pivots here are O(1): no scaling needed). */
RMTMC_HD rmtmc_cplx rmtmc_cinv(rmtmc_cplx x) {
  double s = 1.0 / (x.re * x.re + x.im * x.im);
  rmtmc_cplx r = {x.re * s, -x.im * s};
  return r;
}

/* State of the Stieltjes recurrence for one z: the last pivot's inverse,
 * s_i and the partial sum of s_i / q_i. */
typedef struct rmtmc_stieltjes_state {
  rmtmc_cplx inv, s, acc;
} rmtmc_stieltjes_state;

RMTMC_HD rmtmc_stieltjes_state rmtmc_stieltjes_first(double a0, double zre,
                                                     double zim) {
  rmtmc_stieltjes_state st;
  rmtmc_cplx q = {a0 - zre, -zim};
  st.inv = rmtmc_cinv(q);
  st.s.re = 1.0;
  st.s.im = 0.0;
  st.acc = st.inv;
  return st;
}
/* Row i >= 1: q_i = (a_i - z) - b2_{i-1}/q_{i-1},
 * s_i = 1 + (b2_{i-1}/q_{i-1}) (s_{i-1}/q_{i-1}), acc += s_i/q_i. */
RMTMC_HD void rmtmc_stieltjes_step(rmtmc_stieltjes_state *st, double a,
                                   double b2prev, double zre, double zim) {
  rmtmc_cplx w = {b2prev * st->inv.re, b2prev * st->inv.im}; /* b2/q_{i-1} */
  rmtmc_cplx q = {(a - zre) - w.re, -zim - w.im};
  rmtmc_cplx t = rmtmc_cmul(w, rmtmc_cmul(st->s, st->inv));
  st->s.re = 1.0 + t.re;
  st->s.im = t.im;
  st->inv = rmtmc_cinv(q);
  rmtmc_cplx term = rmtmc_cmul(st->s, st->inv);
  st->acc.re += term.re;
  st->acc.im += term.im;
}

/* m_d(z) = (1/d) [tr (T - z)^-1 - (d - m)/z] of S (d x d: T's m eigenvalues
 * and d - m zeros) from the finished sum acc = tr (T - z)^-1. */
RMTMC_HD rmtmc_cplx rmtmc_stieltjes_finish(rmtmc_cplx acc, int64_t d, int64_t m,
                                           double zre, double zim) {
  rmtmc_cplx r = acc;
  if (d > m) {
    rmtmc_cplx z = {zre, zim};
    rmtmc_cplx iz = rmtmc_cinv(z);
    r.re -= (double)(d - m) * iz.re;
    r.im -= (double)(d - m) * iz.im;
  }
  r.re /= (double)d;
  r.im /= (double)d;
  return r;
}

/* m_d(z) of S in one pass over T (rows [0, m)). */
RMTMC_HD rmtmc_cplx rmtmc_tridiag_stieltjes(const double *a, const double *b2,
                                            int64_t m, int64_t d, double zre,
                                            double zim) {
  rmtmc_stieltjes_state st = rmtmc_stieltjes_first(a[0], zre, zim);
  for (int64_t i = 1; i < m; ++i)
    rmtmc_stieltjes_step(&st, a[i], b2[i - 1], zre, zim);
  return rmtmc_stieltjes_finish(st.acc, d, m, zre, zim);
}

/* e_1^T (T - z)^-1 e_1 by the backward continued fraction. */
RMTMC_HD rmtmc_cplx rmtmc_tridiag_resolvent11(const double *a,
                                              const double *b2, int64_t m,
                                              double zre, double zim) {
  rmtmc_cplx t = {a[m - 1] - zre, -zim};
  for (int64_t i = m - 2; i >= 0; --i) {
    rmtmc_cplx it = rmtmc_cinv(t);
    t.re = (a[i] - zre) - b2[i] * it.re;
    t.im = -zim - b2[i] * it.im;
  }
  return rmtmc_cinv(t);
}

/* ---- moments from the band ---- */

/* out[k-1] = (T^k)_ii, k = 1..kmax (1 <= kmax <= RMTMC_TRIDIAG_KMAX). */
RMTMC_HD void rmtmc_tridiag_diag_powers(const double *a, const double *b2,
                                        int64_t m, int64_t i, int kmax,
                                        double *out) {
  enum { H = RMTMC_TRIDIAG_KMAX / 2, W = 2 * H + 3 };
  /* window offset o <-> row l = i + o - H - 1; entries beyond T are 0 */
  const int qmax = (kmax + 1) / 2;
  double aw[W], bw[W], v[H + 1][W], w[H + 1][W];
  for (int o = H - qmax; o <= H + qmax + 2; ++o) {
    int64_t l = i + o - H - 1;
    aw[o] = l >= 0 && l < m ? a[l] : 0.0;
    bw[o] = l >= 0 && l < m - 1 ? b2[l] : 0.0;
  }
  v[0][H + 1] = w[0][H + 1] = 1.0;
  for (int q = 1; q <= qmax; ++q)
    for (int o = H + 1 - q; o <= H + 1 + q; ++o) {
      /* v_{q-1}, w_{q-1} live on |o - H - 1| <= q - 1, zero one beyond */
      double vl = o - 1 >= H + 2 - q ? v[q - 1][o - 1] : 0.0;
      double vc = o >= H + 2 - q && o <= H + q ? v[q - 1][o] : 0.0;
      double vr = o + 1 <= H + q ? v[q - 1][o + 1] : 0.0;
      double wl = o - 1 >= H + 2 - q ? w[q - 1][o - 1] : 0.0;
      double wc = o >= H + 2 - q && o <= H + q ? w[q - 1][o] : 0.0;
      double wr = o + 1 <= H + q ? w[q - 1][o + 1] : 0.0;
      v[q][o] = bw[o - 1] * vl + aw[o] * vc + vr; /* (J v)_l */
      w[q][o] = wl + aw[o] * wc + bw[o] * wr;     /* (J^T w)_l */
    }
  for (int k = 1; k <= kmax; ++k) {
    int p = k / 2, q = k - p;
    double s = 0.0;
    for (int o = H + 1 - p; o <= H + 1 + p; ++o) s += w[p][o] * v[q][o];
    out[k - 1] = s;
  }
}

/* ---- Gershgorin bracket and bisection ---- */

/* Running bounds of a pass over the rows: min(a_i - r_i), max(a_i + r_i),
 * max b2. */
typedef struct rmtmc_tridiag_bounds {
  double lo, hi, b2max;
} rmtmc_tridiag_bounds;

RMTMC_HD void rmtmc_bounds_init(rmtmc_tridiag_bounds *g) {
  g->lo = HUGE_VAL;
  g->hi = -HUGE_VAL;
  g->b2max = 0.0;
}
/* Row i with the squared off-diagonals around it (0 at the ends). */
RMTMC_HD void rmtmc_bounds_row(rmtmc_tridiag_bounds *g, double a,
                               double b2prev, double b2next) {
  double r = sqrt(b2prev) + sqrt(b2next);
  if (a - r < g->lo) g->lo = a - r;
  if (a + r > g->hi) g->hi = a + r;
  if (b2next > g->b2max) g->b2max = b2next;
}
/* Merge of two partial bounds (the device's reduction). */
RMTMC_HD void rmtmc_bounds_merge(rmtmc_tridiag_bounds *g,
                                 const rmtmc_tridiag_bounds *h) {
  if (h->lo < g->lo) g->lo = h->lo;
  if (h->hi > g->hi) g->hi = h->hi;
  if (h->b2max > g->b2max) g->b2max = h->b2max;
}
/* Widen the bracket as dstebz does (2.1 (m eps tnorm + 2 pivmin)) so that
 * the Sturm counts at its ends are 0 and m. */
RMTMC_HD void rmtmc_bounds_finish(rmtmc_tridiag_bounds *g, int64_t m,
                                  double pivmin) {
  double tn = fmax(fabs(g->lo), fabs(g->hi));
  double pad = 2.1 * ((double)m * DBL_EPSILON * tn + 2.0 * pivmin);
  g->lo -= pad;
  g->hi += pad;
}

/* Multisection point r = 0..k-1 of [lo, hi] (k interior points). */
RMTMC_HD double rmtmc_bisect_point(double lo, double hi, int r, int k) {
  return lo + (hi - lo) * ((double)(r + 1) / (double)(k + 1));
}
/* Full precision reached: hi - lo <= 2 eps max(|lo|, |hi|) (or no double
 * strictly between them). */
RMTMC_HD int rmtmc_bisect_done(double lo, double hi) {
  double mid = lo + 0.5 * (hi - lo);
  return hi - lo <= 2.0 * DBL_EPSILON * fmax(fabs(lo), fabs(hi)) ||
         !(mid > lo && mid < hi);
}

#endif
