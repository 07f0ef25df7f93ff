/* cpu_fast.h: the exact-in-distribution fast samplers on the CPU (docs/theory.md 7.1),
 * one trial at a time, single-threaded (callers run trials in parallel):
 *   tridiagonal  Dumitriu-Edelman: Sigma = s2 I, Gaussian entries (real or
 *                complex); T = s2 B B^T / n (m x m, m = min(d, n)) and every
 *                statistic in O(m) from its band (cpu_tridiag.c, rules in
 *                src/backend/tridiag_common.h);
 *   bartlett     any Sigma, real Gaussian entries: L lower triangular /
 *                trapezoidal and an m x m matrix with the non-trivial
 *                eigenvalues of S (cpu_bartlett.c, rules in
 *                src/backend/bartlett_common.h).
 * Stream layouts: the headers named above.  Band storage: a[0..m-1] the
 * diagonal, b2[0..m-2] the squared off-diagonal. */
#ifndef RMTMC_CPU_FAST_H
#define RMTMC_CPU_FAST_H

#include <complex.h>
#include <stdint.h>

#include "rmtmc_layout.h" /* the observable layout */
#include "rmtmc_status.h"

/* ---- tridiagonal ---- */

/* T of trial t: a[m], b2[m - 1] (m = min(d, n)) for S = s2 G G^* / n, G
 * d x n real (beta = 1) or complex (beta = 2, E|g|^2 = 1) Gaussian.  Each
 * variate is drawn once (2m - 1 Gamma variates). */
void cpu_de_sample(uint64_t seed, uint64_t trial, int64_t d, int64_t n,
                   int beta, double s2, double *a, double *b2);

/* A band with its Gershgorin bracket and pivot safeguard (one O(m) pass);
 * a and b2 are borrowed. */
typedef struct cpu_tridiag {
  const double *a, *b2;
  int64_t m;
  double lo, hi;  /* Sturm count 0 at lo, m at hi */
  double pivmin;
} cpu_tridiag;

void cpu_tridiag_prepare(cpu_tridiag *t, const double *a, const double *b2,
                         int64_t m);

/* counts[j] = number of eigenvalues of T below x[j], j < nx (evaluated
 * eight points per pass over the band). */
void cpu_tridiag_counts(const cpu_tridiag *t, const double *x, int64_t nx,
                        int64_t *counts);

/* Eigenvalues number idx[j] (0-based, ascending) of T by multisection on
 * Sturm counts from the Gershgorin bracket to full precision (hi - lo <=
 * 2 eps max(|lo|, |hi|)): out[j], j < nidx (nidx <= 8, idx in [0, m)). */
void cpu_tridiag_eigs_bisect(const cpu_tridiag *t, const int64_t *idx,
                             int nidx, double *out);

/* lambda_min and lambda_max of T (both searches share the passes). */
void cpu_tridiag_extremes(const cpu_tridiag *t, double *lmin, double *lmax);

/* m_d(z) = (1/d) tr (S - z)^-1 for S d x d with T's eigenvalues and d - m
 * zeros (d >= m); z complex, or real off [lambda_min, lambda_max] of T
 * (and non-zero when d > m). */
double complex cpu_tridiag_stieltjes(const cpu_tridiag *t, int64_t d,
                                     double complex z);

/* e_1^T (T - z)^-1 e_1 (continued fraction). */
double complex cpu_tridiag_resolvent11(const cpu_tridiag *t, double complex z);

/* out[k-1] = (1/d) tr T^k, k = 1..kmax (1 <= kmax <= 8), from the band. */
void cpu_tridiag_moments(const cpu_tridiag *t, int64_t d, int kmax,
                         double *out);

/* Counts of T's eigenvalues in nbins equal bins of [lo, hi) (edges
 * lo + (hi - lo) k / nbins) as differences of Sturm counts, then below
 * lo and at or above hi: hist[nbins + 2], added to.  Returns
 * RMTMC_ERR_NOMEM when the nbins + 1 edge counts cannot be allocated. */
rmtmc_status cpu_tridiag_histogram(const cpu_tridiag *t, int64_t nbins,
                                   double lo, double hi, int64_t *hist,
                                   rmtmc_error *err);

/* All eigenvalues of T, ascending, by LAPACK dsterf: ev[m]; work[m - 1]. */
rmtmc_status cpu_tridiag_eigenvalues(const double *a, const double *b2,
                                     int64_t m, double *ev, double *work,
                                     rmtmc_error *err);

/* One trial's observables from its band, in the layout of rmtmc_backend.h
 * (the dense method's reduce: m_d(z_j), lambda_min / lambda_max of the
 * non-trivial eigenvalues, moments of S) and its histogram counts added to
 * hist[nbins + 3] ([bins, below, above, zeros], zeros = d - m). */
rmtmc_status cpu_tridiag_reduce(const rmtmc_layout *L, int64_t d,
                                int64_t n, const double *a, const double *b2,
                                double *obs, int64_t *hist, rmtmc_error *err);

/* ---- Bartlett ---- */

/* L of trial t: d x m column-major, leading dimension d, zeros above the
 * diagonal (m = min(d, n)). */
void cpu_bartlett_sample(uint64_t seed, uint64_t trial, int64_t d, int64_t n,
                         double *L);

/* W (m x m, lower triangle, leading dimension m) with the eigenvalues of the
 * non-trivial part of S = Sigma^(1/2) L L^T Sigma^(1/2) / n:
 *   diagonal Sigma^(1/2) (sqrt_diag, sqrt_full NULL): W = Y^T Y with
 *     Y = diag(sqrt_diag) L / sqrt(n) (L overwritten by Y), by dlauum on
 *     the top m x m triangle plus dsyrk of the d - m rows below it;
 *   full Sigma^(1/2) (sqrt_full, d x d symmetric): Y = Sigma^(1/2) L
 *     (dtrmm, plus a dgemm for the rows below when d > n) into work
 *     (d x m), W = Y^T Y / n by dsyrk.
 * eig(W) = eig(S) when d <= n; eig(S) = eig(W) and d - n zeros when d > n. */
rmtmc_status cpu_bartlett_gram(double *W, double *L, int64_t d, int64_t n,
                               const double *sqrt_diag,
                               const double *sqrt_full, double *work,
                               rmtmc_error *err);

#endif
