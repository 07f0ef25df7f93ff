/* test_tridiag.c: exactness of the tridiagonal machinery (src/backend/
 * tridiag_common.h through the CPU driver cpu_tridiag.c) on bands of
 * several kinds, against LAPACK on the same matrix:
 *   Sturm counts        = counts of the dsyevd eigenvalues of the dense
 *                         tridiagonal, at many x (exactly);
 *   histogram           = dsterf eigenvalues binned on the same edges;
 *   m_d(z)              = (1/d) sum 1/(lambda_i - z) from dsterf, 1e-12
 *                         relative, complex z and real z off the spectrum
 *                         (and the d - m structural zeros);
 *   extremes, any index = dsterf to 8 eps ||T||;
 *   moments k = 1..8    = eigenvalue moments, 1e-12 of sum |lambda|^k;
 *   e_1 resolvent       = sum v_1i^2 / (lambda_i - z) from dstev;
 *   the reduce layout   = the dense reduce's rules on the dsterf eigenvalues;
 * and the samplers' structure: the band of the Dumitriu-Edelman draw is
 * positive and reproducible, variate e is a pure function of (seed, t, e),
 * Bartlett's L is lower trapezoidal with the documented entries. */
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/ref_layout.h"
#include "backend/bartlett_common.h"
#include "backend/cpu/cpu_fast.h"
#include "backend/reduce_common.h"
#include "backend/tridiag_common.h"
#include "check.h"
#include "core/cmplx_compat.h"

typedef struct band {
  const char *name;
  int64_t m, d; /* d >= m: S has d - m extra zero eigenvalues */
  double *a, *b2;
  double *ev;   /* dsterf eigenvalues, ascending */
  double *v1;   /* first components of the eigenvectors (dstev) */
  double tnorm; /* max |lambda| */
} band;

static void band_alloc(band *b, const char *name, int64_t m, int64_t d) {
  memset(b, 0, sizeof *b);
  b->name = name;
  b->m = m;
  b->d = d;
  b->a = calloc((size_t)m, sizeof(double));
  b->b2 = calloc((size_t)m, sizeof(double));
  b->ev = calloc((size_t)m, sizeof(double));
  b->v1 = calloc((size_t)m, sizeof(double));
}

static void band_free(band *b) {
  free(b->a);
  free(b->b2);
  free(b->ev);
  free(b->v1);
}

/* The reference spectrum: dsterf eigenvalues and dstev eigenvectors. */
static int band_reference(band *b) {
  int64_t m = b->m;
  double *e = calloc((size_t)m, sizeof(double));
  double *dd = calloc((size_t)m, sizeof(double));
  double *z = calloc((size_t)(m * m), sizeof(double));
  rmtmc_error err;
  int ok = cpu_tridiag_eigenvalues(b->a, b->b2, m, b->ev, e, &err) == RMTMC_OK;
  memcpy(dd, b->a, (size_t)m * sizeof(double));
  for (int64_t i = 0; i + 1 < m; ++i) e[i] = sqrt(b->b2[i]);
  ok = ok && LAPACKE_dstev(LAPACK_COL_MAJOR, 'V', (lapack_int)m, dd, e, z, (lapack_int)m) == 0;
  for (int64_t j = 0; j < m; ++j) b->v1[j] = z[j * m];
  b->tnorm = fmax(fabs(b->ev[0]), fabs(b->ev[m - 1]));
  free(e);
  free(dd);
  free(z);
  return ok;
}

/* #{lambda < x} from dsyevd on the dense tridiagonal (its own solve). */
static double *dense_eigs(const band *b) {
  int64_t m = b->m;
  double *A = calloc((size_t)(m * m), sizeof(double));
  double *w = calloc((size_t)m, sizeof(double));
  for (int64_t i = 0; i < m; ++i) {
    A[i + i * m] = b->a[i];
    if (i + 1 < m) A[(i + 1) + i * m] = sqrt(b->b2[i]);
  }
  if (LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'N', 'L', (lapack_int)m, A, (lapack_int)m, w) != 0) {
    free(w);
    w = NULL;
  }
  free(A);
  return w;
}

static int64_t count_below(const double *w, int64_t m, double x) {
  int64_t c = 0;
  for (int64_t i = 0; i < m; ++i) c += w[i] < x;
  return c;
}

static void test_sturm(check_ctx *c, const band *b, const cpu_tridiag *t) {
  double *w = dense_eigs(b);
  char what[256];
  if (!w) {
    snprintf(what, sizeof what, "%s: dsyevd runs", b->name);
    check_true(c, 0, what);
    return;
  }
  int64_t m = b->m, nx = 0, bad = 0, skipped = 0;
  int64_t cap = 600 + 3 * m;
  double *x = malloc((size_t)cap * sizeof(double));
  int64_t *cnt = malloc((size_t)cap * sizeof(int64_t));
  for (int k = 0; k < 600; ++k) x[nx++] = t->lo + (t->hi - t->lo) * (k + 0.5) / 600.0;
  for (int64_t i = 0; i < m; ++i) {
    x[nx++] = w[i] - 1e-9 * b->tnorm;
    x[nx++] = w[i] + 1e-9 * b->tnorm;
    if (i + 1 < m) x[nx++] = 0.5 * (w[i] + w[i + 1]);
  }
  cpu_tridiag_counts(t, x, nx, cnt);
  for (int64_t j = 0; j < nx; ++j) {
    int near = 0; /* a count is ambiguous within rounding of an eigenvalue */
    for (int64_t i = 0; i < m; ++i) near |= fabs(x[j] - w[i]) <= 64.0 * DBL_EPSILON * b->tnorm * (double)m;
    if (near) {
      ++skipped;
      continue;
    }
    bad += cnt[j] != count_below(w, m, x[j]);
    /* the single-point header function agrees with the lanes */
    bad += rmtmc_tridiag_sturm(b->a, b->b2, m, x[j], t->pivmin) != cnt[j];
  }
  snprintf(what, sizeof what, "%s: Sturm counts = dsyevd counts at %lld x (%lld within rounding of an eigenvalue skipped), %lld differ",
           b->name, (long long)(nx - skipped), (long long)skipped, (long long)bad);
  check_true(c, bad == 0, what);
  int64_t c0, cm;
  cpu_tridiag_counts(t, &t->lo, 1, &c0);
  cpu_tridiag_counts(t, &t->hi, 1, &cm);
  snprintf(what, sizeof what, "%s: Gershgorin bracket counts 0 and m (%lld, %lld)", b->name,
           (long long)c0, (long long)cm);
  check_true(c, c0 == 0 && cm == m, what);
  free(x);
  free(cnt);
  free(w);
}

static void test_histogram(check_ctx *c, const band *b, const cpu_tridiag *t) {
  enum { NB = 37 };
  double lo = b->ev[0] + 0.1 * (b->ev[b->m - 1] - b->ev[0]);
  double hi = b->ev[b->m - 1] - 0.05 * (b->ev[b->m - 1] - b->ev[0]);
  int64_t h[NB + 2] = {0}, want[NB + 2] = {0};
  rmtmc_error err;
  rmtmc_status st = cpu_tridiag_histogram(t, NB, lo, hi, h, &err);
  for (int64_t i = 0; i < b->m; ++i) {
    double x = b->ev[i];
    int64_t k;
    if (x < lo) k = NB;
    else if (!(x < hi)) k = NB + 1;
    else
      for (k = NB - 1; k > 0 && x < lo + (hi - lo) * ((double)k / NB); --k) {
      }
    want[k]++;
  }
  int same = st == RMTMC_OK;
  for (int k = 0; k < NB + 2; ++k) same &= h[k] == want[k];
  char what[256];
  snprintf(what, sizeof what, "%s: histogram (%d bins, below %lld, above %lld) = dsterf eigenvalues on the same edges",
           b->name, NB, (long long)h[NB], (long long)h[NB + 1]);
  check_true(c, same, what);
}

static double complex ref_stieltjes(const band *b, double complex z) {
  double complex s = 0.0;
  for (int64_t i = 0; i < b->m; ++i) s += 1.0 / (b->ev[i] - z);
  s += (double)(b->d - b->m) / (0.0 - z);
  return s / (double)b->d;
}

static void test_stieltjes(check_ctx *c, const band *b, const cpu_tridiag *t, double zim_scale,
                           int real_ok) {
  double l0 = b->ev[0], l1 = b->ev[b->m - 1], w = l1 - l0;
  double complex zs[12];
  int nz = 0;
  for (int k = 1; k <= 3; ++k) zs[nz++] = CMPLX(l0 + 0.25 * k * w, 0.1 * w * zim_scale);
  for (int k = 1; k <= 3; ++k) zs[nz++] = CMPLX(l0 + 0.25 * k * w, 0.01 * w * zim_scale);
  zs[nz++] = CMPLX(l1 + 0.3 * w, 0.5);
  if (real_ok) {
    zs[nz++] = CMPLX(-1.0, 0.0);
    zs[nz++] = CMPLX(1.5 * l1 + 0.5, 0.0);
    /* between the zeros and lambda_min, where that gap is not at rounding
     * level of ||T|| (dsterf's lambda_min is good to eps ||T|| only) */
    if (l0 > 0.01 * l1) zs[nz++] = CMPLX(0.5 * l0, 0.0);
  } else {
    zs[nz++] = CMPLX(l0 - 0.5 * w, 0.0);
    zs[nz++] = CMPLX(l1 + 0.5 * w, 0.0);
  }
  double worst = 0.0;
  for (int j = 0; j < nz; ++j) {
    double complex got = cpu_tridiag_stieltjes(t, b->d, zs[j]);
    double complex want = ref_stieltjes(b, zs[j]);
    double e = cabs(got - want) / cabs(want);
    if (e > worst) worst = e;
    if (cimag(zs[j]) == 0.0 && cimag(got) != 0.0) worst = INFINITY;
  }
  char what[256];
  snprintf(what, sizeof what, "%s: O(m) m_d(z) = (1/d) sum 1/(lambda_i - z) at %d z (rel)", b->name, nz);
  check_close(c, worst, 0.0, 1e-12, what);
  /* further into the bulk (Im z = 1e-3 w): reported, and held to 1e-10 */
  worst = 0.0;
  for (int k = 1; k <= 7; ++k) {
    double complex z = CMPLX(l0 + 0.125 * k * w, 1e-3 * w);
    double complex got = cpu_tridiag_stieltjes(t, b->d, z), want = ref_stieltjes(b, z);
    double e = cabs(got - want) / cabs(want);
    if (e > worst) worst = e;
  }
  snprintf(what, sizeof what, "%s: m_d(z) with Im z = 1e-3 (lambda_max - lambda_min) (rel)", b->name);
  check_close(c, worst, 0.0, 1e-10, what);
}

/* Eigenvalue j of T by bisection on long double Sturm counts (64-bit
 * mantissa on x86-64): a reference ~2000 times finer than double. */
static long double eig_ld(const band *b, int64_t j, double lo, double hi) {
  long double l = lo, h = hi;
  for (int it = 0; it < 256; ++it) {
    long double mid = l + (h - l) / 2;
    if (!(mid > l && mid < h)) break;
    long double q = (long double)b->a[0] - mid;
    int64_t cnt = q < 0;
    for (int64_t i = 1; i < b->m; ++i) {
      if (q == 0) q = -LDBL_MIN;
      q = ((long double)b->a[i] - mid) - (long double)b->b2[i - 1] / q;
      cnt += q < 0;
    }
    if (cnt <= j) l = mid;
    else h = mid;
  }
  return l + (h - l) / 2;
}

/* Extremes and interior eigenvalues by bisection: within 2 eps ||T|| of the
 * long double reference, and within dsterf's own error (its bound is
 * p(m) eps ||T||; 2 sqrt(m) eps ||T|| here, 15-21 eps ||T|| seen for
 * m = 300..3000) of dsterf. */
static void test_extremes(check_ctx *c, const band *b, const cpu_tridiag *t) {
  double lmin, lmax, eps_t = DBL_EPSILON * b->tnorm;
  double tol_ref = 2.0 * eps_t, tol_sterf = 2.0 * sqrt((double)b->m) * eps_t;
  cpu_tridiag_extremes(t, &lmin, &lmax);
  char what[256];
  snprintf(what, sizeof what, "%s: lambda_min by bisection = dsterf", b->name);
  check_close(c, lmin, b->ev[0], tol_sterf, what);
  snprintf(what, sizeof what, "%s: lambda_max by bisection = dsterf", b->name);
  check_close(c, lmax, b->ev[b->m - 1], tol_sterf, what);
  int64_t idx[7] = {1, b->m / 3, b->m / 2, b->m - 2, 0, 0, b->m - 1};
  double out[5], worst = 0.0, worst_ref = 0.0;
  cpu_tridiag_eigs_bisect(t, idx, 5, out);
  for (int j = 0; j < 5; ++j) worst = fmax(worst, fabs(out[j] - b->ev[idx[j]]));
  snprintf(what, sizeof what, "%s: eigenvalues 1, m/3, m/2, m-2, 0 by bisection = dsterf", b->name);
  check_close(c, worst, 0.0, tol_sterf, what);
  if (LDBL_MANT_DIG > DBL_MANT_DIG) {
    for (int j = 0; j < 7; ++j) {
      double got = j < 5 ? out[j] : j == 5 ? lmin : lmax;
      worst_ref = fmax(worst_ref, fabs((double)((long double)got - eig_ld(b, idx[j], t->lo, t->hi))));
    }
    snprintf(what, sizeof what, "%s: the same within 2 eps ||T|| of long double bisection", b->name);
    check_close(c, worst_ref, 0.0, tol_ref, what);
  }
}

static void test_moments(check_ctx *c, const band *b, const cpu_tridiag *t) {
  double got[8], worst = 0.0;
  cpu_tridiag_moments(t, b->d, 8, got);
  for (int k = 1; k <= 8; ++k) {
    double s = 0.0, sa = 0.0;
    for (int64_t i = 0; i < b->m; ++i) {
      s += pow(b->ev[i], k);
      sa += pow(fabs(b->ev[i]), k);
    }
    worst = fmax(worst, fabs(got[k - 1] - s / (double)b->d) / (sa / (double)b->d));
  }
  /* a smaller kmax gives the same leading moments */
  double few[3];
  cpu_tridiag_moments(t, b->d, 3, few);
  for (int k = 0; k < 3; ++k) worst = fmax(worst, fabs(few[k] - got[k]) / fmax(fabs(got[k]), 1e-300));
  char what[256];
  snprintf(what, sizeof what, "%s: band moments k=1..8 = eigenvalue moments (rel. to sum |l|^k)", b->name);
  check_close(c, worst, 0.0, 1e-12, what);
}

static void test_resolvent11(check_ctx *c, const band *b, const cpu_tridiag *t) {
  double l0 = b->ev[0], l1 = b->ev[b->m - 1], w = l1 - l0, worst = 0.0;
  double complex zs[4] = {CMPLX(l0 + 0.3 * w, 0.1 * w), CMPLX(l0 + 0.7 * w, 0.02 * w),
                          CMPLX(l0 - 0.5 * w, 0.0), CMPLX(l1 + 0.5 * w, 0.0)};
  for (int j = 0; j < 4; ++j) {
    double complex want = 0.0;
    for (int64_t i = 0; i < b->m; ++i) want += b->v1[i] * b->v1[i] / (b->ev[i] - zs[j]);
    double complex got = cpu_tridiag_resolvent11(t, zs[j]);
    worst = fmax(worst, cabs(got - want) / cabs(want));
  }
  char what[256];
  snprintf(what, sizeof what, "%s: e_1^T (T - z)^-1 e_1 = sum v_1i^2/(lambda_i - z) (rel)", b->name);
  check_close(c, worst, 0.0, 1e-11, what);
}

/* The reduce layout against the dense reduce's rules on dsterf's eigenvalues. */
static void test_reduce(check_ctx *c, const band *b, int64_t d, int64_t n) {
  enum { NZ = 3, NB = 20 };
  double zr[NZ] = {-1.0, 0.8, 1.5 * b->ev[b->m - 1] + 0.5}, zi[NZ] = {0.0, 0.2, 0.0};
  rmtmc_layout r = ref_layout(NZ, zr, zi, 4, NB, 0.5 * b->ev[0], 0.9 * b->ev[b->m - 1]);
  int64_t nobs = (r).nobs;
  double *obs = calloc((size_t)nobs, sizeof(double));
  int64_t h[NB + 3] = {0}, want[NB + 3] = {0};
  rmtmc_error err;
  int ok = cpu_tridiag_reduce(&r, d, n, b->a, b->b2, obs, h, &err) == RMTMC_OK;
  double worst = 0.0;
  for (int j = 0; j < NZ; ++j) {
    double complex s = ref_stieltjes(b, CMPLX(zr[j], zi[j]));
    worst = fmax(worst, cabs(CMPLX(obs[2 * j], obs[2 * j + 1]) - s) / cabs(s));
  }
  worst = fmax(worst, fabs(obs[(r).lam_min] - b->ev[0]) / b->tnorm);
  worst = fmax(worst, fabs(obs[(r).lam_max] - b->ev[b->m - 1]) / b->tnorm);
  for (int k = 1; k <= 4; ++k) {
    double s = 0.0;
    for (int64_t i = 0; i < b->m; ++i) s += pow(b->ev[i], k);
    worst = fmax(worst, fabs(obs[(r).moment + (k) - 1] - s / (double)d) / (s / (double)d));
  }
  for (int64_t i = 0; i < b->m; ++i) want[rmtmc_hist_slot(b->ev[i], NB, r.hist_lo, r.hist_hi)]++;
  want[NB + 2] = d - b->m;
  int same = 1;
  for (int k = 0; k < NB + 3; ++k) same &= h[k] == want[k];
  char what[256];
  snprintf(what, sizeof what, "%s: cpu_tridiag_reduce = the dense reduce's rules on dsterf's eigenvalues", b->name);
  check_true(c, ok && worst < 1e-12 && same, what);
  free(obs);
}

static void run_band(check_ctx *c, band *b, int positive) {
  char what[256];
  if (!band_reference(b)) {
    snprintf(what, sizeof what, "%s: LAPACK reference runs", b->name);
    check_true(c, 0, what);
    return;
  }
  cpu_tridiag t;
  cpu_tridiag_prepare(&t, b->a, b->b2, b->m);
  test_sturm(c, b, &t);
  test_histogram(c, b, &t);
  test_stieltjes(c, b, &t, 1.0, positive);
  test_extremes(c, b, &t);
  test_moments(c, b, &t);
  test_resolvent11(c, b, &t);
}

static void test_sampler(check_ctx *c) {
  enum { D = 50, N = 80 };
  double a[D], b2[D], a2[D], b22[D];
  cpu_de_sample(7, 3, D, N, 1, 2.0, a, b2);
  cpu_de_sample(7, 3, D, N, 1, 2.0, a2, b22);
  int pos = 1, same = 1;
  for (int i = 0; i < D; ++i) {
    pos &= a[i] > 0.0 && (i == D - 1 || b2[i] > 0.0);
    same &= a[i] == a2[i] && (i == D - 1 || b2[i] == b22[i]);
  }
  check_true(c, pos, "DE sampler: positive diagonal and squared off-diagonal");
  check_true(c, same, "DE sampler: the same (seed, trial) gives the same band");
  cpu_de_sample(7, 4, D, N, 1, 2.0, a2, b22);
  check_true(c, a2[0] != a[0] && b22[0] != b2[0], "DE sampler: another trial gives another band");
  /* the band from its documented variates: p_i = variate 2i, q_i = 2i + 1 */
  double err = 0.0, scale = 2.0 / N;
  for (int i = 0; i < D; ++i) {
    double p = 2.0 * rmtmc_draw_gamma(7, 3, 2 * (uint64_t)i, 0.5 * (N - i));
    double qp = i > 0 ? 2.0 * rmtmc_draw_gamma(7, 3, 2 * (uint64_t)i - 1, 0.5 * (D - i)) : 0.0;
    double q = i + 1 < D ? 2.0 * rmtmc_draw_gamma(7, 3, 2 * (uint64_t)i + 1, 0.5 * (D - 1 - i)) : 0.0;
    err = fmax(err, fabs(a[i] - scale * (p + qp)) / a[i]);
    if (i + 1 < D) err = fmax(err, fabs(b2[i] - (scale * scale) * (p * q)) / b2[i]);
  }
  check_close(c, err, 0.0, 4 * DBL_EPSILON, "DE sampler: a_i, b2_i from variates 2i, 2i+1 (chi^2_{n-i}, chi^2_{d-1-i})");
  /* d > n: the n x n form with d and n swapped; complex: degrees doubled, / 2 */
  double ac[N], bc[N];
  cpu_de_sample(9, 0, 2 * N, N, 2, 1.0, ac, bc);
  double p0 = rmtmc_draw_gamma(9, 0, 0, 0.5 * 2.0 * (2 * N)) * (2.0 / 2.0);
  double q0 = rmtmc_draw_gamma(9, 0, 1, 0.5 * 2.0 * (N - 1)) * (2.0 / 2.0);
  check_close(c, fabs(ac[0] / (p0 / N) - 1.0) + fabs(bc[0] / (p0 * q0 / ((double)N * N)) - 1.0), 0.0,
              8 * DBL_EPSILON,
              "DE sampler: complex d > n row 0 = chi^2_{2d}/2, chi^2_{2(n-1)}/2");
}

static void test_bartlett_layout(check_ctx *c) {
  enum { D = 7, N = 5, M = 5 };
  double L[D * M];
  cpu_bartlett_sample(5, 2, D, N, L);
  int ok = 1;
  for (int j = 0; j < M; ++j)
    for (int i = 0; i < D; ++i) {
      double want = rmtmc_bartlett_entry(5, 2, i, j, D, N);
      ok &= L[i + j * D] == want;
      if (i < j) ok &= want == 0.0;
      if (i > j) ok &= want == rmtmc_draw_gaussian(5, 2, (uint64_t)(i + j * D));
      if (i == j) ok &= want > 0.0;
    }
  check_true(c, ok, "Bartlett sampler (d > n): zeros above, chi diagonal, dense-layout normals below");
  /* the diagonal's blocks start after the d m / 2 blocks of the normals */
  check_true(c, rmtmc_bartlett_diag_block(D, N, 0) == (D * M + 1) / 2 &&
                    rmtmc_bartlett_diag_block(D, N, 1) == (D * M + 1) / 2 + 16,
             "Bartlett layout: diagonal j at block ceil(d m / 2) + 16 j");
}

/* Zero pivots: a = 0, b = 1 has the eigenvalue 0 (odd m), where the first
 * pivot at x = 0 is exactly 0; the safeguard keeps the counts finite and
 * monotone. */
static void test_zero_pivots(check_ctx *c) {
  enum { M = 101 };
  double a[M] = {0}, b2[M];
  for (int i = 0; i < M; ++i) b2[i] = 1.0;
  cpu_tridiag t;
  cpu_tridiag_prepare(&t, a, b2, M);
  double x[5] = {-1e-300, 0.0, 1e-300, -2.0 * cos(RMTMC_PI / (M + 1)), 2.0};
  int64_t cnt[5];
  cpu_tridiag_counts(&t, x, 5, cnt);
  int ok = (cnt[0] == 50 || cnt[0] == 51) && (cnt[1] == 50 || cnt[1] == 51) &&
           cnt[1] >= cnt[0] && cnt[2] >= cnt[1] && cnt[2] <= 51 && cnt[3] <= 1 && cnt[4] == M;
  char what[256];
  snprintf(what, sizeof what, "zero pivots: counts at -1e-300, 0, 1e-300 (an eigenvalue) = %lld %lld %lld, monotone",
           (long long)cnt[0], (long long)cnt[1], (long long)cnt[2]);
  check_true(c, ok, what);
  double lmin, lmax;
  cpu_tridiag_extremes(&t, &lmin, &lmax);
  check_close(c, lmax, 2.0 * cos(RMTMC_PI / (M + 1)), 8 * DBL_EPSILON * 2.0,
              "zero diagonal: lambda_max = 2 cos(pi/(m+1))");
}

int main(void) {
  check_ctx c = {0, 0};
  band b;

  band_alloc(&b, "DE real d=300 n=600", 300, 300);
  cpu_de_sample(101, 0, 300, 600, 1, 1.0, b.a, b.b2);
  run_band(&c, &b, 1);
  test_reduce(&c, &b, 300, 600);
  band_free(&b);

  band_alloc(&b, "DE complex d=200 n=150 (50 zeros)", 150, 200);
  cpu_de_sample(102, 5, 200, 150, 2, 1.5, b.a, b.b2);
  run_band(&c, &b, 1);
  test_reduce(&c, &b, 200, 150);
  band_free(&b);

  band_alloc(&b, "DE real d=n=400 (eta=1: lambda_min near 0)", 400, 400);
  cpu_de_sample(103, 1, 400, 400, 1, 1.0, b.a, b.b2);
  run_band(&c, &b, 1);
  band_free(&b);

  band_alloc(&b, "indefinite random band m=200", 200, 200);
  for (int i = 0; i < 200; ++i) {
    b.a[i] = rmtmc_draw_gaussian(104, 0, (uint64_t)i);
    double g = rmtmc_draw_gaussian(104, 1, (uint64_t)i);
    b.b2[i] = g * g;
  }
  run_band(&c, &b, 0);
  band_free(&b);

  band_alloc(&b, "Wilkinson W+ m=41 (close pairs)", 41, 41);
  for (int i = 0; i < 41; ++i) {
    b.a[i] = fabs(20.0 - i);
    b.b2[i] = 1.0;
  }
  run_band(&c, &b, 0);
  band_free(&b);

  test_zero_pivots(&c);
  test_sampler(&c);
  test_bartlett_layout(&c);
  return check_finish(&c);
}
