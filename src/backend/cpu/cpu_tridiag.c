/* cpu_tridiag.c: the tridiagonal (Dumitriu-Edelman) method on the CPU, one
 * trial per call, with the rules of src/backend/tridiag_common.h (shared
 * with kernels/tridiag.cu).  The Sturm sequences run LANES points per pass
 * over the band: the LANES pivot recurrences are independent, so the
 * division latency of one is hidden behind the others (a pass costs about
 * what a single count costs). */
#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cpu/cpu_fast.h"
#include "backend/tridiag_common.h"
#include "core/cmplx_compat.h"

#define LANES 8

void cpu_de_sample(uint64_t seed, uint64_t trial, int64_t d, int64_t n,
                   int beta, double s2, double *a, double *b2) {
  const int64_t m = rmtmc_de_size(d, n);
  const double scale = s2 / (double)n;
  double qprev = 0.0;
  for (int64_t i = 0; i < m; ++i) {
    double p = rmtmc_de_p(seed, trial, i, d, n, beta);
    double q = i + 1 < m ? rmtmc_de_q(seed, trial, i, d, n, beta) : 0.0;
    double bb;
    rmtmc_de_form(p, qprev, q, scale, &a[i], &bb);
    if (i + 1 < m) b2[i] = bb;
    qprev = q;
  }
}

void cpu_tridiag_prepare(cpu_tridiag *t, const double *a, const double *b2,
                         int64_t m) {
  rmtmc_tridiag_bounds g;
  rmtmc_bounds_init(&g);
  for (int64_t i = 0; i < m; ++i)
    rmtmc_bounds_row(&g, a[i], i > 0 ? b2[i - 1] : 0.0, i + 1 < m ? b2[i] : 0.0);
  t->a = a;
  t->b2 = b2;
  t->m = m;
  t->pivmin = rmtmc_tridiag_pivmin(g.b2max);
  rmtmc_bounds_finish(&g, m, t->pivmin);
  t->lo = g.lo;
  t->hi = g.hi;
}

/* counts[r] at x[r], r < k <= LANES: one pass, LANES recurrences. */
static void sturm_lanes(const cpu_tridiag *t, const double *x, int k,
                        int64_t *counts) {
  const double *a = t->a, *b2 = t->b2, pm = t->pivmin;
  double xs[LANES], q[LANES];
  int64_t c[LANES];
  for (int r = 0; r < LANES; ++r) {
    xs[r] = x[r < k ? r : 0];
    q[r] = rmtmc_sturm_first(a[0], xs[r], pm);
    c[r] = q[r] < 0.0;
  }
  for (int64_t i = 1; i < t->m; ++i) {
    const double ai = a[i], bi = b2[i - 1];
    for (int r = 0; r < LANES; ++r) {
      q[r] = rmtmc_sturm_pivot(q[r], ai, bi, xs[r], pm);
      c[r] += q[r] < 0.0;
    }
  }
  for (int r = 0; r < k; ++r) counts[r] = c[r];
}

void cpu_tridiag_counts(const cpu_tridiag *t, const double *x, int64_t nx,
                        int64_t *counts) {
  for (int64_t j = 0; j < nx; j += LANES)
    sturm_lanes(t, x + j, nx - j < LANES ? (int)(nx - j) : LANES, counts + j);
}

void cpu_tridiag_eigs_bisect(const cpu_tridiag *t, const int64_t *idx,
                             int nidx, double *out) {
  double lo[LANES], hi[LANES];
  int done[LANES];
  for (int j = 0; j < nidx; ++j) {
    lo[j] = t->lo;
    hi[j] = t->hi;
    done[j] = 0;
  }
  for (int pass = 0; pass < RMTMC_BISECT_MAX_PASSES; ++pass) {
    int open[LANES], nopen = 0;
    for (int j = 0; j < nidx; ++j) {
      if (!done[j] && rmtmc_bisect_done(lo[j], hi[j])) done[j] = 1;
      if (!done[j]) open[nopen++] = j;
    }
    if (nopen == 0) break;
    /* the lanes shared out among the open searches */
    double x[LANES];
    int owner[LANES], per[LANES];
    for (int s = 0; s < nopen; ++s) per[s] = LANES / nopen + (s < LANES % nopen);
    int l = 0;
    for (int s = 0; s < nopen; ++s)
      for (int r = 0; r < per[s]; ++r, ++l) {
        owner[l] = s;
        x[l] = rmtmc_bisect_point(lo[open[s]], hi[open[s]], r, per[s]);
      }
    int64_t c[LANES];
    sturm_lanes(t, x, LANES, c);
    /* eigenvalue idx lies in [lo, hi): count(lo) <= idx < count(hi) */
    for (int s = 0; s < nopen; ++s) {
      int j = open[s];
      double nlo = lo[j], nhi = hi[j];
      for (int q = 0; q < LANES; ++q) {
        if (owner[q] != s) continue;
        if (c[q] <= idx[j]) {
          if (x[q] > nlo) nlo = x[q];
        } else if (x[q] < nhi) {
          nhi = x[q];
        }
      }
      if (nlo == lo[j] && nhi == hi[j]) done[j] = 1; /* no double in between */
      lo[j] = nlo;
      hi[j] = nhi;
    }
  }
  for (int j = 0; j < nidx; ++j) out[j] = lo[j] + 0.5 * (hi[j] - lo[j]);
}

void cpu_tridiag_extremes(const cpu_tridiag *t, double *lmin, double *lmax) {
  int64_t idx[2] = {0, t->m - 1};
  double out[2];
  cpu_tridiag_eigs_bisect(t, idx, t->m > 1 ? 2 : 1, out);
  *lmin = out[0];
  *lmax = t->m > 1 ? out[1] : out[0];
}

double complex cpu_tridiag_stieltjes(const cpu_tridiag *t, int64_t d,
                                     double complex z) {
  rmtmc_cplx r = rmtmc_tridiag_stieltjes(t->a, t->b2, t->m, d, creal(z), cimag(z));
  return CMPLX(r.re, r.im);
}

double complex cpu_tridiag_resolvent11(const cpu_tridiag *t, double complex z) {
  rmtmc_cplx r = rmtmc_tridiag_resolvent11(t->a, t->b2, t->m, creal(z), cimag(z));
  return CMPLX(r.re, r.im);
}

void cpu_tridiag_moments(const cpu_tridiag *t, int64_t d, int kmax,
                         double *out) {
  double acc[RMTMC_TRIDIAG_KMAX] = {0}, p[RMTMC_TRIDIAG_KMAX];
  for (int64_t i = 0; i < t->m; ++i) {
    rmtmc_tridiag_diag_powers(t->a, t->b2, t->m, i, kmax, p);
    for (int k = 0; k < kmax; ++k) acc[k] += p[k];
  }
  for (int k = 0; k < kmax; ++k) out[k] = acc[k] / (double)d;
}

rmtmc_status cpu_tridiag_histogram(const cpu_tridiag *t, int64_t nbins,
                                   double lo, double hi, int64_t *hist,
                                   rmtmc_error *err) {
  if (nbins <= 0) return RMTMC_OK;
  double *x = malloc((size_t)(nbins + 1) * sizeof *x);
  int64_t *c = malloc((size_t)(nbins + 1) * sizeof *c);
  if (!x || !c) {
    free(x);
    free(c);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                           "cannot allocate %lld histogram edges", (long long)nbins + 1);
  }
  for (int64_t k = 0; k <= nbins; ++k)
    x[k] = k == nbins ? hi : lo + (hi - lo) * ((double)k / (double)nbins);
  cpu_tridiag_counts(t, x, nbins + 1, c);
  for (int64_t k = 0; k < nbins; ++k) hist[k] += c[k + 1] - c[k];
  hist[nbins] += c[0];
  hist[nbins + 1] += t->m - c[nbins];
  free(x);
  free(c);
  return RMTMC_OK;
}

rmtmc_status cpu_tridiag_eigenvalues(const double *a, const double *b2,
                                     int64_t m, double *ev, double *work,
                                     rmtmc_error *err) {
  memcpy(ev, a, (size_t)m * sizeof *ev);
  for (int64_t i = 0; i + 1 < m; ++i) work[i] = sqrt(b2[i]);
  lapack_int info = LAPACKE_dsterf((lapack_int)m, ev, work);
  if (info > 0)
    return rmtmc_error_set(err, RMTMC_ERR_NOCONV,
                           "LAPACK dsterf did not converge (%d off-diagonals left)", (int)info);
  if (info < 0)
    return rmtmc_error_set(err, RMTMC_ERR_BACKEND,
                           "LAPACK dsterf rejected argument %d", (int)-info);
  return RMTMC_OK;
}

rmtmc_status cpu_tridiag_reduce(const rmtmc_layout *L, int64_t d,
                                int64_t n, const double *a, const double *b2,
                                double *obs, int64_t *hist, rmtmc_error *err) {
  if (L->kmax < 0 || L->kmax > RMTMC_TRIDIAG_KMAX)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "moments up to k = %d requested; the tridiagonal method gives k <= %d",
                           L->kmax, RMTMC_TRIDIAG_KMAX);
  for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k)
    if (k != RMTMC_ZOBS_STIELTJES && L->zobs_off[k] >= 0)
      return rmtmc_error_set(err, RMTMC_ERR_UNSUPPORTED,
                             "the tridiagonal method computes m(z) only, not the other per-z observables asked for");
  const int64_t m = rmtmc_de_size(d, n);
  cpu_tridiag t;
  cpu_tridiag_prepare(&t, a, b2, m);
  const int64_t zo = L->zobs_off[RMTMC_ZOBS_STIELTJES];
  for (int64_t j = 0; zo >= 0 && j < L->nz; ++j) {
    double complex s = cpu_tridiag_stieltjes(&t, d, CMPLX(L->z_re[j], L->z_im[j]));
    obs[zo + 2 * j] = creal(s);
    obs[zo + 2 * j + 1] = cimag(s);
  }
  cpu_tridiag_extremes(&t, &obs[L->lam_min], &obs[L->lam_max]);
  if (L->kmax > 0) cpu_tridiag_moments(&t, d, L->kmax, &obs[L->moment]);
  if (L->nbins > 0 && hist) {
    rmtmc_status st = cpu_tridiag_histogram(&t, L->nbins, L->hist_lo, L->hist_hi, hist, err);
    if (st != RMTMC_OK) return st;
    hist[L->nbins + 2] += d - m;
  }
  return RMTMC_OK;
}
