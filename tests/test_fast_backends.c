/* test_fast_backends.c: the fast spectrum methods give the same numbers on
 * the CUDA backend as on the CPU reference, trial for trial, through the
 * backend API (the same work, seed and trials on both):
 *   tridiagonal  the bands agree to rounding (the device's log, sin, cos), so
 *                every statistic does: m(z), extremes and moments within
 *                1e-10 relative, the histogram counts within 2 per trial
 *                (an eigenvalue within rounding of a bin edge may change
 *                bins);
 *   bartlett     the same L on both; W by cuBLAS vs OpenBLAS/LAPACK, the
 *                eigenvalues by cuSOLVER vs dsyevd: the same tolerances.
 * Cases: d <= n and d > n for both methods, a full and a diagonal
 * Sigma^(1/2) for Bartlett, a gemm-sized and a syrk-sized Gram, a larger
 * band (d = 2 x 10^4) for the kernel's chunked sweep.  Skips (77) without a
 * CUDA device (or a CUDA build). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rmtmc.h"

#define NZ 4
#define KM 4
#define NB 30

static rmtmc_backend *open_kind(rmtmc_backend_kind k, rmtmc_error *err) {
  rmtmc_backend_opts o;
  rmtmc_backend_opts_default(&o);
  o.threads = 2;
  rmtmc_backend *be = NULL;
  return rmtmc_backend_open(&be, k, &o, err) == RMTMC_OK ? be : NULL;
}

/* Rows and histogram of trials [trial0, trial0 + count) on one backend. */
static int run_on(rmtmc_backend *be, const rmtmc_work *w, uint64_t seed, uint64_t trial0, int64_t count,
                  double *out, int64_t *hist, rmtmc_error *err) {
  rmtmc_batch *b = NULL;
  rmtmc_status st = rmtmc_batch_alloc(be, w, count, &b, err);
  if (st == RMTMC_OK) st = rmtmc_batch_run(b, seed, trial0, count, out, hist, err);
  rmtmc_batch_free(b);
  return st == RMTMC_OK;
}

static void one_case(check_ctx *c, rmtmc_backend *cpu, rmtmc_backend *gpu, rmtmc_method method, const char *sigma,
                     int64_t d, int64_t n, int64_t count, uint64_t seed) {
  char what[512];
  rmtmc_error err;
  rmtmc_model m;
  if (rmtmc_model_init(&m, d, n, sigma, RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, &err) != RMTMC_OK) {
    snprintf(what, sizeof what, "model %s: %s", sigma, err.msg);
    check_true(c, 0, what);
    return;
  }
  double eta = (double)d / (double)n, top = m.pop_eigs[d - 1] * pow(1.0 + sqrt(eta), 2.0);
  double zr[NZ] = {-1.0, 1.6 * top + 1.0, 0.3 * top, 0.6 * top}, zi[NZ] = {0.0, 0.0, 0.1 * top, 0.1 * top};
  rmtmc_layout_request q = {.nz = NZ, .z_re = zr, .z_im = zi, .zobs = RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES),
                            .kmax = KM, .nbins = NB, .hist_lo = 0.0, .hist_hi = 1.2 * top};
  rmtmc_layout L;
  rmtmc_layout_build(&L, &q, &err);
  rmtmc_work w = {.method = method, .model = &m, .layout = &L};
  double *oc = calloc((size_t)(count * L.nobs), sizeof(double)), *og = calloc((size_t)(count * L.nobs), sizeof(double));
  int64_t hc[NB + 3] = {0}, hg[NB + 3] = {0};
  const uint64_t trial0 = 17;
  int ok = run_on(cpu, &w, seed, trial0, count, oc, hc, &err);
  if (ok) ok = run_on(gpu, &w, seed, trial0, count, og, hg, &err);
  snprintf(what, sizeof what, "%s %s d = %lld, n = %lld: %lld trials on both backends%s%s", rmtmc_method_name(method),
           sigma, (long long)d, (long long)n, (long long)count, ok ? "" : ": ", ok ? "" : err.msg);
  check_true(c, ok, what);
  if (ok) {
    double worst = 0.0;
    for (int64_t t = 0; t < count; ++t) {
      const double *a = oc + t * L.nobs, *b = og + t * L.nobs;
      double scale = fabs(a[L.lam_max]);
      for (int64_t j = 0; j < NZ; ++j) {
        int64_t o = L.zobs_off[RMTMC_ZOBS_STIELTJES] + 2 * j;
        double mag = hypot(a[o], a[o + 1]);
        worst = fmax(worst, fmax(fabs(b[o] - a[o]), fabs(b[o + 1] - a[o + 1])) / mag);
      }
      worst = fmax(worst, fabs(b[L.lam_min] - a[L.lam_min]) / scale);
      worst = fmax(worst, fabs(b[L.lam_max] - a[L.lam_max]) / scale);
      for (int k = 0; k < KM; ++k)
        worst = fmax(worst, fabs(b[L.moment + k] - a[L.moment + k]) / fabs(a[L.moment + k]));
    }
    int64_t hdiff = 0;
    for (int j = 0; j < NB + 3; ++j) hdiff += llabs((long long)(hg[j] - hc[j]));
    snprintf(what, sizeof what, "%s %s d = %lld, n = %lld: cuda rows = cpu rows (largest relative difference %.2e)",
             rmtmc_method_name(method), sigma, (long long)d, (long long)n, worst);
    check_true(c, worst <= 1e-10, what);
    snprintf(what, sizeof what, "%s %s d = %lld, n = %lld: histogram counts (sum |diff| = %lld of %lld)",
             rmtmc_method_name(method), sigma, (long long)d, (long long)n, (long long)hdiff, (long long)(count * d));
    check_true(c, hdiff <= 2 * count && hg[NB + 2] == hc[NB + 2], what);
  }
  free(oc);
  free(og);
  rmtmc_model_free(&m);
}

int main(void) {
  rmtmc_error err;
  rmtmc_backend *gpu = rmtmc_backend_compiled(RMTMC_BACKEND_CUDA) ? open_kind(RMTMC_BACKEND_CUDA, &err) : NULL;
  if (!gpu) {
    printf("no CUDA backend or device: skipping\n");
    return 77;
  }
  rmtmc_backend *cpu = open_kind(RMTMC_BACKEND_CPU, &err);
  check_ctx c = {0, 0};
  one_case(&c, cpu, gpu, RMTMC_METHOD_TRIDIAGONAL, "identity", 300, 600, 40, 61);
  one_case(&c, cpu, gpu, RMTMC_METHOD_TRIDIAGONAL, "points:2:1", 500, 250, 40, 62);
  one_case(&c, cpu, gpu, RMTMC_METHOD_TRIDIAGONAL, "identity", 20000, 40000, 8, 63);
  one_case(&c, cpu, gpu, RMTMC_METHOD_BARTLETT, "ar1:0.5", 100, 300, 20, 64);
  one_case(&c, cpu, gpu, RMTMC_METHOD_BARTLETT, "points:1:0.5,4:0.5", 150, 100, 20, 65);
  one_case(&c, cpu, gpu, RMTMC_METHOD_BARTLETT, "identity", 400, 600, 6, 66);
  rmtmc_backend_close(cpu);
  rmtmc_backend_close(gpu);
  return check_finish(&c);
}
