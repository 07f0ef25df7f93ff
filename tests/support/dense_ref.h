/* dense_ref.h: the dense method one trial at a time, as the CPU backend
 * runs it (rmtmc_sample_entries, Sigma^(1/2), dsyrk, dsyevd, the reduction
 * on the eigenvalues), for the fast methods' distribution test and bench
 * (header only; BLAS single-threaded by the caller).  Complex data
 * (beta = 2, Sigma = I): G = (g1 + i g2)/sqrt 2 from 2 d n normals, zherk,
 * zheevd.  The Bartlett method's eigenvalues through the library's
 * cpu_bartlett_* for the same reduction. */
#ifndef RMTMC_TEST_DENSE_REF_H
#define RMTMC_TEST_DENSE_REF_H

#include <cblas.h>
#include <complex.h>
#include <lapacke.h>
#include <stdlib.h>

#include "support/ref_layout.h"
#include "backend/cpu/cpu_fast.h"
#include "backend/reduce_common.h"
#include "core/cmplx_compat.h"
#include "rmtmc_model.h"
#include "rmtmc_rng.h"

/* Observables of one trial from ascending eigenvalues ev[d] (the first z0
 * set to 0) in the layout of rmtmc_backend.h; histogram added to hist
 * (nbins + 3) when r->nbins > 0. */
static inline void ref_reduce(const rmtmc_layout *r, int64_t d, double *ev, int64_t z0,
                              double *obs, int64_t *hist) {
  for (int64_t i = 0; i < z0; ++i) ev[i] = 0.0;
  for (int64_t j = 0; j < r->nz; ++j) {
    double complex z = CMPLX(r->z_re[j], r->z_im[j]), s = 0.0;
    for (int64_t i = 0; i < d; ++i) s += 1.0 / (ev[i] - z);
    obs[2 * j] = creal(s) / (double)d;
    obs[2 * j + 1] = cimag(s) / (double)d;
  }
  obs[(r)->lam_min] = ev[z0 < d ? z0 : d - 1];
  obs[(r)->lam_max] = ev[d - 1];
  for (int k = 1; k <= r->kmax; ++k) {
    double acc = 0.0, p;
    for (int64_t i = 0; i < d; ++i) {
      p = ev[i];
      for (int q = 1; q < k; ++q) p *= ev[i];
      acc += p;
    }
    obs[(r)->moment + (k) - 1] = acc / (double)d;
  }
  if (r->nbins > 0 && hist) {
    for (int64_t i = z0; i < d; ++i) hist[rmtmc_hist_slot(ev[i], r->nbins, r->hist_lo, r->hist_hi)]++;
    hist[r->nbins + 2] += z0;
  }
}

/* Eigenvalues of the dense S of trial t (real data, model's Sigma). */
static inline int ref_dense_eigs(const rmtmc_model *m, uint64_t seed, uint64_t t, double *ev) {
  int64_t d = m->d, n = m->n;
  double *g = malloc((size_t)(d * n) * sizeof *g), *x = malloc((size_t)(d * n) * sizeof *x);
  double *S = malloc((size_t)(d * d) * sizeof *S);
  int ok = g && x && S;
  if (ok) {
    rmtmc_sample_entries(m, seed, t, g);
    if (m->sqrt_full) {
      cblas_dsymm(CblasColMajor, CblasLeft, CblasUpper, (int)d, (int)n, 1.0, m->sqrt_full, (int)d,
                  g, (int)d, 0.0, x, (int)d);
    } else {
      for (int64_t j = 0; j < n; ++j)
        for (int64_t i = 0; i < d; ++i) x[i + j * d] = g[i + j * d] * m->sqrt_diag[i];
    }
    cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, (int)d, (int)n, 1.0 / (double)n, x,
                (int)d, 0.0, S, (int)d);
    ok = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'N', 'U', (lapack_int)d, S, (lapack_int)d, ev) == 0;
  }
  free(g);
  free(x);
  free(S);
  return ok;
}

/* Eigenvalues of the dense complex S of trial t (Sigma = I). */
static inline int ref_dense_eigs_complex(int64_t d, int64_t n, uint64_t seed, uint64_t t,
                                         double *ev) {
  double *g = malloc((size_t)(2 * d * n) * sizeof *g);
  double complex *S = malloc((size_t)(d * d) * sizeof *S);
  int ok = g && S;
  if (ok) {
    rmtmc_fill_gaussian(seed, t, g, (uint64_t)(2 * d * n));
    for (int64_t e = 0; e < 2 * d * n; ++e) g[e] *= sqrt(0.5);
    cblas_zherk(CblasColMajor, CblasUpper, CblasNoTrans, (int)d, (int)n, 1.0 / (double)n, g,
                (int)d, 0.0, S, (int)d);
    ok = LAPACKE_zheevd(LAPACK_COL_MAJOR, 'N', 'U', (lapack_int)d, (lapack_complex_double *)S,
                        (lapack_int)d, ev) == 0;
  }
  free(g);
  free(S);
  return ok;
}

/* Eigenvalues of S by the Bartlett method for trial t (zeros first). */
static inline int ref_bartlett_eigs(const rmtmc_model *m, uint64_t seed, uint64_t t, double *ev) {
  int64_t d = m->d, n = m->n, k = d < n ? d : n;
  double *L = malloc((size_t)(d * k) * sizeof *L), *W = malloc((size_t)(k * k) * sizeof *W);
  double *work = malloc((size_t)(d * k) * sizeof *work);
  rmtmc_error err;
  int ok = L && W && work;
  if (ok) {
    cpu_bartlett_sample(seed, t, d, n, L);
    ok = cpu_bartlett_gram(W, L, d, n, m->sqrt_full ? NULL : m->sqrt_diag, m->sqrt_full, work,
                           &err) == RMTMC_OK &&
         LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'N', 'L', (lapack_int)k, W, (lapack_int)k, ev + (d - k)) == 0;
    for (int64_t i = 0; ok && i < d - k; ++i) ev[i] = 0.0;
  }
  free(L);
  free(W);
  free(work);
  return ok;
}

#endif
