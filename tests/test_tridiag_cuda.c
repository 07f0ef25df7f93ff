/* test_tridiag_cuda.c: the fast samplers' kernels (kernels/tridiag.cu)
 * against the CPU reference (cpu_tridiag.c, cpu_bartlett.c), trial for
 * trial:
 *   rmtmc_cuda_de_sample        = cpu_de_sample to rounding (1e-12 rel);
 *   rmtmc_cuda_bartlett_sample  = cpu_bartlett_sample x sqrt_diag (1e-12);
 *   rmtmc_cuda_tridiag_reduce   on the CPU's bands = cpu_tridiag_reduce:
 *                               histogram counts exactly, m_d(z) 1e-13
 *                               rel, extremes 2 eps ||T||, moments 1e-12;
 *                               on the device's own bands the same to
 *                               rounding.
 * Skips (77) without a CUDA build or device. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/ref_layout.h"
#include "check.h"

#ifndef RMTMC_HAVE_CUDA
int main(void) {
  printf("built without the CUDA backend: skipping\n");
  return 77;
}
#else
#include <float.h>

#include <cuda_runtime_api.h>

#include "backend/cpu/cpu_fast.h"
#include "rmtmc_kernels.h"

#define NZ 5
#define KM 4
#define NB 40
#define COUNT 6

static int cuda_ok(check_ctx *c, cudaError_t e, const char *what) {
  if (e == cudaSuccess) return 1;
  char buf[256];
  snprintf(buf, sizeof buf, "%s: %s", what, cudaGetErrorString(e));
  check_true(c, 0, buf);
  return 0;
}

static double rel(double got, double want) {
  return fabs(got - want) / fmax(fabs(want), 1e-300);
}

static void test_de(check_ctx *c, int64_t d, int64_t n, int beta, uint64_t seed) {
  const int64_t m = d < n ? d : n, ld = m;
  const uint64_t trial0 = 5;
  char what[256];
  size_t bytes = (size_t)(COUNT * ld) * sizeof(double);
  double *ha = malloc(bytes), *hb = malloc(bytes), *ga = malloc(bytes), *gb = malloc(bytes);
  double *da = NULL, *db = NULL, *dobs = NULL, *dzr = NULL, *dzi = NULL;
  unsigned long long *dh = NULL;
  double zr[NZ] = {-1.0, 6.0, 0.8, 1.5, 2.2}, zi[NZ] = {0.0, 0.0, 0.3, 0.3, 0.3};
  rmtmc_layout r = ref_layout(NZ, zr, zi, KM, NB, 0.05, 3.5);
  const int64_t nobs = (r).nobs;
  double *obs_cpu = calloc((size_t)(COUNT * nobs), sizeof(double));
  double *obs_gpu = calloc((size_t)(COUNT * nobs), sizeof(double));
  int64_t hist_cpu[NB + 3] = {0};
  unsigned long long hist_gpu[NB + 2];
  rmtmc_error err;
  for (int64_t b = 0; b < COUNT; ++b) {
    cpu_de_sample(seed, trial0 + (uint64_t)b, d, n, beta, 1.0, ha + b * ld, hb + b * ld);
    cpu_tridiag_reduce(&r, d, n, ha + b * ld, hb + b * ld, obs_cpu + b * nobs, hist_cpu, &err);
  }
  int ok = cuda_ok(c, cudaMalloc((void **)&da, bytes), "cudaMalloc") &&
           cuda_ok(c, cudaMalloc((void **)&db, bytes), "cudaMalloc") &&
           cuda_ok(c, cudaMalloc((void **)&dobs, (size_t)(COUNT * nobs) * sizeof(double)), "cudaMalloc") &&
           cuda_ok(c, cudaMalloc((void **)&dzr, sizeof zr), "cudaMalloc") &&
           cuda_ok(c, cudaMalloc((void **)&dzi, sizeof zi), "cudaMalloc") &&
           cuda_ok(c, cudaMalloc((void **)&dh, sizeof hist_gpu), "cudaMalloc");
  ok = ok && cuda_ok(c, cudaMemcpy(dzr, zr, sizeof zr, cudaMemcpyHostToDevice), "copy z") &&
       cuda_ok(c, cudaMemcpy(dzi, zi, sizeof zi, cudaMemcpyHostToDevice), "copy z");
  /* (1) sampling */
  ok = ok && cuda_ok(c, rmtmc_cuda_de_sample(da, db, ld, d, n, beta, 1.0, seed, trial0, COUNT, 0),
                     "rmtmc_cuda_de_sample") &&
       cuda_ok(c, cudaDeviceSynchronize(), "de_sample runs") &&
       cuda_ok(c, cudaMemcpy(ga, da, bytes, cudaMemcpyDeviceToHost), "copy a") &&
       cuda_ok(c, cudaMemcpy(gb, db, bytes, cudaMemcpyDeviceToHost), "copy b2");
  if (!ok) goto done;
  double worst = 0.0;
  for (int64_t b = 0; b < COUNT; ++b)
    for (int64_t i = 0; i < m; ++i) {
      worst = fmax(worst, rel(ga[b * ld + i], ha[b * ld + i]));
      if (i + 1 < m) worst = fmax(worst, rel(gb[b * ld + i], hb[b * ld + i]));
    }
  snprintf(what, sizeof what, "d=%lld n=%lld beta=%d: device band = cpu_de_sample (rel)", (long long)d,
           (long long)n, beta);
  check_close(c, worst, 0.0, 1e-12, what);
  /* (2) the reduction on the CPU's bands, then on the device's (the
   * layout with its z grid on the device) */
  rmtmc_layout rd = r;
  rd.z_re = dzr;
  rd.z_im = dzi;
  for (int pass = 0; pass < 2; ++pass) {
    if (pass == 0)
      ok = cuda_ok(c, cudaMemcpy(da, ha, bytes, cudaMemcpyHostToDevice), "copy a") &&
           cuda_ok(c, cudaMemcpy(db, hb, bytes, cudaMemcpyHostToDevice), "copy b2");
    else
      ok = cuda_ok(c, cudaMemcpy(da, ga, bytes, cudaMemcpyHostToDevice), "copy a") &&
           cuda_ok(c, cudaMemcpy(db, gb, bytes, cudaMemcpyHostToDevice), "copy b2");
    ok = ok && cuda_ok(c, cudaMemset(dh, 0, sizeof hist_gpu), "memset") &&
         cuda_ok(c, rmtmc_cuda_tridiag_reduce(dobs, &rd, dh, da, db, ld, d, n, COUNT, 0),
                 "rmtmc_cuda_tridiag_reduce") &&
         cuda_ok(c, cudaDeviceSynchronize(), "tridiag_reduce runs") &&
         cuda_ok(c, cudaMemcpy(obs_gpu, dobs, (size_t)(COUNT * nobs) * sizeof(double),
                               cudaMemcpyDeviceToHost), "copy obs") &&
         cuda_ok(c, cudaMemcpy(hist_gpu, dh, sizeof hist_gpu, cudaMemcpyDeviceToHost), "copy hist");
    if (!ok) goto done;
    double ws = 0.0, we = 0.0, wm = 0.0;
    int64_t hdiff = 0;
    for (int64_t b = 0; b < COUNT; ++b) {
      const double *oc = obs_cpu + b * nobs, *og = obs_gpu + b * nobs;
      double tn = fabs(oc[(r).lam_max]);
      for (int j = 0; j < 2 * NZ; ++j)
        ws = fmax(ws, fabs(og[j] - oc[j]) / hypot(oc[2 * (j / 2)], oc[2 * (j / 2) + 1]));
      we = fmax(we, fabs(og[(r).lam_min] - oc[(r).lam_min]) / (DBL_EPSILON * tn));
      we = fmax(we, fabs(og[(r).lam_max] - oc[(r).lam_max]) / (DBL_EPSILON * tn));
      for (int k = 1; k <= KM; ++k)
        wm = fmax(wm, rel(og[(r).moment + (k) - 1], oc[(r).moment + (k) - 1]));
    }
    for (int k = 0; k < NB + 2; ++k) hdiff += llabs((long long)hist_gpu[k] - (long long)hist_cpu[k]);
    const char *on = pass == 0 ? "the CPU's bands" : "its own bands";
    snprintf(what, sizeof what, "d=%lld beta=%d, device reduce on %s: m_d(z) (rel)", (long long)d, beta, on);
    check_close(c, ws, 0.0, pass == 0 ? 1e-13 : 1e-11, what);
    snprintf(what, sizeof what, "d=%lld beta=%d, device reduce on %s: extremes (units eps ||T||)",
             (long long)d, beta, on);
    check_close(c, we, 0.0, pass == 0 ? 2.0 : 1e4, what);
    snprintf(what, sizeof what, "d=%lld beta=%d, device reduce on %s: moments (rel)", (long long)d, beta, on);
    check_close(c, wm, 0.0, pass == 0 ? 1e-12 : 1e-11, what);
    snprintf(what, sizeof what, "d=%lld beta=%d, device reduce on %s: histogram counts (sum |diff| = %lld)",
             (long long)d, beta, on, (long long)hdiff);
    check_true(c, pass == 0 ? hdiff == 0 : hdiff <= 2, what);
  }
done:
  cudaFree(da);
  cudaFree(db);
  cudaFree(dobs);
  cudaFree(dzr);
  cudaFree(dzi);
  cudaFree(dh);
  free(ha);
  free(hb);
  free(ga);
  free(gb);
  free(obs_cpu);
  free(obs_gpu);
}

static void test_bartlett(check_ctx *c, int64_t d, int64_t n, uint64_t seed) {
  const int64_t m = d < n ? d : n, dm = d * m;
  const uint64_t trial0 = 3;
  double *h = malloc((size_t)(COUNT * dm) * sizeof(double)), *g = malloc((size_t)(COUNT * dm) * sizeof(double));
  double *sd = malloc((size_t)d * sizeof(double)), *dL = NULL, *dsd = NULL;
  for (int64_t i = 0; i < d; ++i) sd[i] = 1.0 + 0.01 * (double)i;
  for (int64_t b = 0; b < COUNT; ++b) {
    cpu_bartlett_sample(seed, trial0 + (uint64_t)b, d, n, h + b * dm);
    for (int64_t j = 0; j < m; ++j)
      for (int64_t i = 0; i < d; ++i) h[b * dm + i + j * d] *= sd[i];
  }
  int ok = cuda_ok(c, cudaMalloc((void **)&dL, (size_t)(COUNT * dm) * sizeof(double)), "cudaMalloc") &&
           cuda_ok(c, cudaMalloc((void **)&dsd, (size_t)d * sizeof(double)), "cudaMalloc") &&
           cuda_ok(c, cudaMemcpy(dsd, sd, (size_t)d * sizeof(double), cudaMemcpyHostToDevice), "copy") &&
           cuda_ok(c, rmtmc_cuda_bartlett_sample(dL, d, n, dsd, seed, trial0, COUNT, 0),
                   "rmtmc_cuda_bartlett_sample") &&
           cuda_ok(c, cudaDeviceSynchronize(), "bartlett_sample runs") &&
           cuda_ok(c, cudaMemcpy(g, dL, (size_t)(COUNT * dm) * sizeof(double), cudaMemcpyDeviceToHost),
                   "copy L");
  if (ok) {
    double worst = 0.0;
    for (int64_t e = 0; e < COUNT * dm; ++e)
      worst = fmax(worst, h[e] == 0.0 ? fabs(g[e]) : rel(g[e], h[e]));
    char what[160];
    snprintf(what, sizeof what, "Bartlett d=%lld n=%lld: device L = cpu_bartlett_sample x sqrt_diag (rel)",
             (long long)d, (long long)n);
    check_close(c, worst, 0.0, 1e-12, what);
  }
  cudaFree(dL);
  cudaFree(dsd);
  free(h);
  free(g);
  free(sd);
}

int main(void) {
  int ndev = 0;
  if (cudaGetDeviceCount(&ndev) != cudaSuccess || ndev == 0) {
    printf("no CUDA device: skipping\n");
    return 77;
  }
  check_ctx c = {0, 0};
  test_de(&c, 300, 600, 1, 31);
  test_de(&c, 200, 150, 2, 32);
  test_de(&c, 5000, 10000, 1, 33);
  test_de(&c, 1, 4, 1, 34);
  test_bartlett(&c, 60, 90, 35);
  test_bartlett(&c, 70, 40, 36);
  return check_finish(&c);
}
#endif
