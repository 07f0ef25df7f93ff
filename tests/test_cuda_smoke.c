/* test_cuda_smoke.c: the cuda backend against the cpu reference, trial for
 * trial: the same X (to rounding; exactly for Rademacher entries with a
 * diagonal Sigma^(1/2)), the same eigenvalues, observables and histogram
 * counts, on every Gram / eigensolver path the cuda backend has (chosen
 * through rmtmc_backend_debug).  The test hooks and the stage order:
 * test_backend_contract.c.  Skips (77) when there is no CUDA device or no
 * CUDA backend in the build.
 *
 * `test_cuda_smoke large` (ctest test_cuda_large) runs batches past the
 * limits the small cases never reach instead: 70000 trials in one batch, so
 * the eigensolver loops over 5 calls of at most 16384 matrices and cuBLAS
 * gets strided-batched gemms of 70000 matrices (more than 65535, the grid
 * limit a batch mapped onto gridDim.y or .z would hit), trial for trial
 * against the CPU; d and n are small so that the CPU side stays cheap.  It
 * also checks that the backend names the eigensolver its plan chose and the
 * cuSOLVER algorithm (ALG_1, or its refusal), the GPU's ordinal and compute
 * capability. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rmtmc_backend.h"
#include "rmtmc_model.h"

#define NZ 5
#define KMAX 4
#define NBINS 30

static const double z_re[NZ] = {0.25, 0.75, 1.5, 2.5, -1.0};
static const double z_im[NZ] = {0.05, 0.05, 0.1, 0.2, 0.0};

/* m(z) and m'(z), KMAX moments, a histogram. */
static rmtmc_layout make_spec(void) {
  rmtmc_layout_request q = {.nz = NZ, .z_re = z_re, .z_im = z_im,
                            .zobs = RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES) | RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES_DERIV),
                            .kmax = KMAX, .nbins = NBINS, .hist_lo = 0.0,
                            .hist_hi = 3.0}; /* some eigenvalues land above, for the 'above' slot */
  rmtmc_layout L;
  rmtmc_layout_build(&L, &q, NULL);
  return L;
}

/* What one backend produced for one batch. */
typedef struct result {
  double *x, *ev, *obs;
  int64_t hist[NBINS + 3];
} result;

static void result_free(result *o) {
  free(o->x);
  free(o->ev);
  free(o->obs);
  memset(o, 0, sizeof *o);
}

/* Every stage of one batch; X copied after sampling, eigenvalues after the
 * reduction (the structural zeros fixed up on both backends by then). */
static rmtmc_status run(rmtmc_backend *be, const rmtmc_model *m,
                        const rmtmc_layout *r, uint64_t seed,
                        uint64_t trial0, int64_t count, int64_t cap, result *o,
                        rmtmc_error *err) {
  int64_t nobs = r->nobs;
  memset(o, 0, sizeof *o);
  o->x = calloc((size_t)(count * m->d * m->n), sizeof(double));
  o->ev = calloc((size_t)(count * m->d), sizeof(double));
  o->obs = calloc((size_t)(count * nobs), sizeof(double));
  if (!o->x || !o->ev || !o->obs)
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "test: out of memory");
  rmtmc_work w = {.method = RMTMC_METHOD_DENSE, .model = m, .layout = r};
  rmtmc_batch *b = NULL;
  rmtmc_status st = rmtmc_batch_alloc(be, &w, cap, &b, err);
  if (st != RMTMC_OK) return st;
  st = rmtmc_batch_sample(b, seed, trial0, count, err);
  if (st == RMTMC_OK) st = rmtmc_batch_copy_sample(b, o->x, err);
  if (st == RMTMC_OK) st = rmtmc_batch_gram(b, err);
  if (st == RMTMC_OK) st = rmtmc_batch_solve(b, err);
  if (st == RMTMC_OK) st = rmtmc_batch_reduce(b, o->obs, o->hist, err);
  if (st == RMTMC_OK) st = rmtmc_batch_copy_eigvals(b, o->ev, err);
  rmtmc_batch_free(b);
  return st;
}

/* Largest |a - b| / (tol_rel (|a| + floor)) over len values: <= 1 passes. */
static double worst_ratio(const double *a, const double *b, int64_t len,
                          double tol_rel, double floor_abs) {
  double w = 0.0;
  for (int64_t i = 0; i < len; ++i) {
    double e = fabs(a[i] - b[i]);
    double t = tol_rel * (fabs(a[i]) + floor_abs);
    double q = e / t;
    if (!(q <= w)) w = q; /* NaN propagates as a failure */
  }
  return w;
}

typedef struct tcase {
  const char *label;
  int64_t d, n;
  const char *sigma;
  rmtmc_entries entries;
  double nu;
  rmtmc_precision precision;
  uint64_t trial0;
  int64_t count, cap;
} tcase;

static void compare(check_ctx *c, rmtmc_backend *cpu,
                    rmtmc_backend *gpu, const char *path, const tcase *k) {
  char what[1024];
  rmtmc_model m;
  rmtmc_error err;
  rmtmc_error_clear(&err);
  if (rmtmc_model_init(&m, k->d, k->n, k->sigma, k->entries, k->nu,
                       k->precision, &err) != RMTMC_OK) {
    snprintf(what, sizeof what, "%s: model (%s)", k->label, err.msg);
    check_true(c, 0, what);
    return;
  }
  rmtmc_layout r = make_spec();
  const uint64_t seed = 20240607u;
  result rc, rg;
  rmtmc_status sc = run(cpu, &m, &r, seed, k->trial0, k->count, k->count, &rc, &err);
  if (sc != RMTMC_OK) {
    snprintf(what, sizeof what, "%s [%s]: cpu run (%s)", k->label, path, err.msg);
    check_true(c, 0, what);
  }
  rmtmc_status sg = run(gpu, &m, &r, seed, k->trial0, k->count, k->cap, &rg, &err);
  if (sg != RMTMC_OK) {
    snprintf(what, sizeof what, "%s [%s]: cuda run (%s)", k->label, path, err.msg);
    check_true(c, 0, what);
  }
  if (sc == RMTMC_OK && sg == RMTMC_OK) {
    int single = k->precision == RMTMC_PRECISION_SINGLE;
    int64_t d = k->d, cnt = k->count, nobs = r.nobs;
    int64_t nx = cnt * d * k->n;
    /* X: exact for Rademacher with a diagonal Sigma^(1/2) (+-s, one
     * multiplication on both sides); else to rounding. */
    if (k->entries == RMTMC_ENTRIES_RADEMACHER && !m.sqrt_full && !single) {
      int same = memcmp(rc.x, rg.x, (size_t)nx * sizeof(double)) == 0;
      snprintf(what, sizeof what, "%s [%s]: X bit-identical", k->label, path);
      check_true(c, same, what);
    } else {
      double tol = single ? 1e-5 : 1e-12;
      double w = worst_ratio(rc.x, rg.x, nx, tol, 1.0);
      snprintf(what, sizeof what, "%s [%s]: X within %.0e (|a| + 1): worst %.2f of tol",
               k->label, path, tol, w);
      check_true(c, w <= 1.0, what);
    }
    /* Eigenvalues: relative to the spectrum's scale. */
    double scale = 1.0;
    for (int64_t t = 0; t < cnt; ++t)
      if (fabs(rc.ev[t * d + d - 1]) > scale) scale = fabs(rc.ev[t * d + d - 1]);
    double tol_ev = single ? 1e-4 : 1e-10;
    double w = worst_ratio(rc.ev, rg.ev, cnt * d, tol_ev, scale);
    snprintf(what, sizeof what, "%s [%s]: eigenvalues within %.0e (|a| + %.3g): worst %.2f of tol",
             k->label, path, tol_ev, scale, w);
    check_true(c, w <= 1.0, what);
    int64_t z0 = d > k->n ? d - k->n : 0, zeros_ok = 1;
    for (int64_t t = 0; t < cnt; ++t)
      for (int64_t i = 0; i < z0; ++i)
        zeros_ok = zeros_ok && rg.ev[t * d + i] == 0.0;
    snprintf(what, sizeof what, "%s [%s]: %lld structural zeros per trial are exactly 0",
             k->label, path, (long long)z0);
    check_true(c, zeros_ok, what);
    /* Observables. */
    double tol_obs = single ? 1e-3 : 1e-10;
    w = worst_ratio(rc.obs, rg.obs, cnt * nobs, tol_obs, 1.0);
    snprintf(what, sizeof what, "%s [%s]: %lld observables per trial within %.0e (|a| + 1): worst %.2f of tol",
             k->label, path, (long long)nobs, tol_obs, w);
    check_true(c, w <= 1.0, what);
    /* Histogram: equal counts (double); same totals and zeros (single, where
     * an eigenvalue may cross a bin edge). */
    int64_t tot_c = 0, tot_g = 0;
    int same_hist = 1;
    for (int64_t j = 0; j < NBINS + 3; ++j) {
      tot_c += rc.hist[j];
      tot_g += rg.hist[j];
      same_hist = same_hist && rc.hist[j] == rg.hist[j];
    }
    if (single) {
      snprintf(what, sizeof what, "%s [%s]: histogram totals %lld = %lld, zeros %lld = %lld",
               k->label, path, (long long)tot_c, (long long)tot_g,
               (long long)rc.hist[NBINS + 2], (long long)rg.hist[NBINS + 2]);
      check_true(c, tot_c == tot_g && tot_c == cnt * d &&
                        rc.hist[NBINS + 2] == rg.hist[NBINS + 2], what);
    } else {
      snprintf(what, sizeof what, "%s [%s]: histogram counts equal (below %lld, above %lld, zeros %lld, total %lld)",
               k->label, path, (long long)rg.hist[NBINS], (long long)rg.hist[NBINS + 1],
               (long long)rg.hist[NBINS + 2], (long long)tot_g);
      check_true(c, same_hist && tot_g == cnt * d, what);
    }
  }
  result_free(&rc);
  result_free(&rg);
  rmtmc_model_free(&m);
}

static const tcase cases[] = {
    {"gaussian d=24 n=40 identity", 24, 40, "identity", RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, 0, 6, 6},
    {"gaussian d=24 n=40 identity, trials 5..7 in a batch of 4", 24, 40, "identity", RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, 5, 3, 4},
    {"rademacher d=24 n=40 identity", 24, 40, "identity", RMTMC_ENTRIES_RADEMACHER, 0.0, RMTMC_PRECISION_DOUBLE, 0, 5, 5},
    {"rademacher d=24 n=40 points:1:0.5,4:0.5", 24, 40, "points:1:0.5,4:0.5", RMTMC_ENTRIES_RADEMACHER, 0.0, RMTMC_PRECISION_DOUBLE, 3, 4, 4},
    {"student:6 d=24 n=40 identity", 24, 40, "identity", RMTMC_ENTRIES_STUDENT, 6.0, RMTMC_PRECISION_DOUBLE, 0, 4, 4},
    {"gaussian d=24 n=40 ar1:0.5 (full)", 24, 40, "ar1:0.5", RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, 0, 4, 5},
    {"rademacher d=24 n=40 ar1:0.5 (full)", 24, 40, "ar1:0.5", RMTMC_ENTRIES_RADEMACHER, 0.0, RMTMC_PRECISION_DOUBLE, 11, 3, 3},
    {"gaussian d=40 n=24 identity (d > n)", 40, 24, "identity", RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, 0, 4, 4},
    {"rademacher d=40 n=24 ar1:0.3 (d > n, full)", 40, 24, "ar1:0.3", RMTMC_ENTRIES_RADEMACHER, 0.0, RMTMC_PRECISION_DOUBLE, 2, 3, 3},
    {"student:5 d=40 n=24 identity (d > n)", 40, 24, "identity", RMTMC_ENTRIES_STUDENT, 5.0, RMTMC_PRECISION_DOUBLE, 0, 3, 3},
    {"gaussian d=24 n=40 identity, single", 24, 40, "identity", RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_SINGLE, 0, 4, 4},
    {"gaussian d=40 n=24 ar1:0.5, single (d > n, full)", 40, 24, "ar1:0.5", RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_SINGLE, 0, 3, 3},
};

#define LARGE 70000
static const tcase large_cases[] = {
    {"gaussian d=4 n=6 identity, 70000 trials in one batch", 4, 6, "identity", RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, 0, LARGE, LARGE},
    {"rademacher d=4 n=6 ar1:0.5 (full: stride-0 gemm), trials 100000..169999", 4, 6, "ar1:0.5", RMTMC_ENTRIES_RADEMACHER, 0.0, RMTMC_PRECISION_DOUBLE, 100000, LARGE, LARGE},
    {"gaussian d=6 n=4 identity (d > n), 70000 trials", 6, 4, "identity", RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, 0, LARGE, LARGE},
    {"gaussian d=4 n=6 identity, single, 70000 trials", 4, 6, "identity", RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_SINGLE, 0, LARGE, LARGE},
};

/* Gram / eigensolver paths of the cuda backend (rmtmc_backend_debug). */
static const char *const paths[][2] = {
    {"auto", "auto"}, {"gemm", "batched"}, {"syrk", "batched"}, {"gemm", "batched0"},
    {"gemm", "jacobi"}, {"syrk", "jacobi"}, {"gemm", "syevd"}, {"syrk", "syevd"},
};
/* The large batches: the default path and the Jacobi one (its own chunks). */
static const char *const large_paths[][2] = {{"auto", "auto"}, {"gemm", "jacobi"}};

/* After planning, the info names the solver the trials run and, for
 * syevBatched, the algorithm (ALG_1 unless cuSOLVER refused it, which it
 * then says), the GPU's ordinal and compute capability.  want: the expected
 * solver, NULL for any. */
static void check_solver_info(check_ctx *c, rmtmc_backend *gpu, const char *want) {
  char what[1024];
  rmtmc_error err;
  rmtmc_model m;
  if (rmtmc_model_init(&m, 4, 6, "identity", RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, &err) != RMTMC_OK) {
    check_true(c, 0, "solver info: model");
    return;
  }
  rmtmc_layout r = make_spec();
  rmtmc_work w = {.method = RMTMC_METHOD_DENSE, .model = &m, .layout = &r};
  rmtmc_batch_limits lim = {0, 0.0};
  rmtmc_backend_info info;
  rmtmc_status st = rmtmc_backend_limits(gpu, &w, &lim, &err);
  if (st == RMTMC_OK) st = rmtmc_backend_info_get(gpu, &info, &err);
  if (st != RMTMC_OK) {
    snprintf(what, sizeof what, "solver info: limits and info (%s)", err.msg);
    check_true(c, 0, what);
  } else {
    int known = strcmp(info.solver, "syevBatched") == 0 || strcmp(info.solver, "syevjBatched") == 0 ||
                strcmp(info.solver, "syevd") == 0;
    int alg_ok = strcmp(info.solver, "syevBatched") != 0 ||
                 strcmp(info.solver_algorithm, "CUSOLVER_ALG_1") == 0 ||
                 (info.solver_alg1_refused && info.solver_note[0]);
    snprintf(what, sizeof what,
             "info after planning d=4: solver '%s' (want %s), algorithm '%s'%s%s%s; GPU %d, sm %s, code %s; max batch %lld",
             info.solver, want ? want : "any", info.solver_algorithm,
             info.solver_alg1_refused ? " ALG_1 REFUSED" : "", info.solver_note[0] ? ": " : "",
             info.solver_note, info.device_ordinal, info.compute_capability, info.archs,
             (long long)lim.max_trials);
    check_true(c, known && alg_ok && (!want || strcmp(info.solver, want) == 0) &&
                      info.device_ordinal == 0 && info.compute_capability[0] && lim.max_trials >= LARGE,
               what);
  }
  rmtmc_model_free(&m);
}

static void check_planning(check_ctx *c, rmtmc_backend *gpu) {
  char what[1024];
  rmtmc_error err;
  rmtmc_model m;
  rmtmc_layout r = make_spec();
  rmtmc_batch_limits lim;
  if (rmtmc_model_init(&m, 24, 40, "identity", RMTMC_ENTRIES_GAUSSIAN, 0.0,
                       RMTMC_PRECISION_DOUBLE, &err) == RMTMC_OK) {
    rmtmc_work w = {.method = RMTMC_METHOD_DENSE, .model = &m, .layout = &r};
    rmtmc_status st = rmtmc_backend_limits(gpu, &w, &lim, &err);
    int64_t mx = lim.max_trials;
    snprintf(what, sizeof what, "max_batch d=24 n=40: %lld trials (%s)", (long long)mx,
             st == RMTMC_OK ? "ok" : err.msg);
    check_true(c, st == RMTMC_OK && mx >= 1000, what);
    rmtmc_model_free(&m);
  }
  /* 8 (d n + d^2) bytes with d = n = 150000: 360 GB for one trial. */
  if (rmtmc_model_init(&m, 150000, 150000, "identity", RMTMC_ENTRIES_GAUSSIAN,
                       0.0, RMTMC_PRECISION_DOUBLE, &err) == RMTMC_OK) {
    rmtmc_work w = {.method = RMTMC_METHOD_DENSE, .model = &m, .layout = &r};
    rmtmc_status st = rmtmc_backend_limits(gpu, &w, &lim, &err);
    snprintf(what, sizeof what, "max_batch d=n=150000: RMTMC_ERR_TOO_LARGE (%s)", err.msg);
    check_true(c, st == RMTMC_ERR_TOO_LARGE && strstr(err.msg, "per trial"), what);
    rmtmc_model_free(&m);
  }
}

int main(int argc, char **argv) {
  check_ctx c = {0, 0};
  const int large = argc > 1 && strcmp(argv[1], "large") == 0;
  rmtmc_error err;
  rmtmc_error_clear(&err);
  rmtmc_backend *gpu = NULL;
  rmtmc_status st = rmtmc_backend_open(&gpu, RMTMC_BACKEND_CUDA, NULL, &err);
  if (st == RMTMC_ERR_NO_DEVICE || st == RMTMC_ERR_UNSUPPORTED) {
    printf("(%s)\n", err.msg);
    printf("no CUDA device: skipping\n");
    return 77;
  }
  if (st != RMTMC_OK) {
    printf("cuda open failed: %s\n", err.msg);
    check_true(&c, 0, "open the cuda backend");
    return check_finish(&c);
  }
  rmtmc_backend_info info;
  st = rmtmc_backend_info_get(gpu, &info, &err);
  printf("cuda: %s; %s\n", st == RMTMC_OK ? info.device : err.msg,
         st == RMTMC_OK ? info.versions : "");
  check_true(&c, st == RMTMC_OK && strcmp(info.name, "cuda") == 0 && info.memory_bytes > 0,
             "info names the cuda device");
  if (!large) check_planning(&c, gpu);
  rmtmc_backend_close(gpu);

  rmtmc_backend *cpu = NULL;
  rmtmc_backend_opts copts;
  rmtmc_backend_opts_default(&copts);
  copts.threads = 2;
  if (rmtmc_backend_open(&cpu, RMTMC_BACKEND_CPU, &copts, &err) != RMTMC_OK) {
    printf("cpu open failed: %s\n", err.msg);
    check_true(&c, 0, "open the cpu backend");
    return check_finish(&c);
  }
  const size_t npaths = large ? sizeof large_paths / sizeof large_paths[0] : sizeof paths / sizeof paths[0];
  for (size_t p = 0; p < npaths; ++p) {
    const char *const *gs = large ? large_paths[p] : paths[p];
    char path[64];
    snprintf(path, sizeof path, "gram %s, solver %s", gs[0], gs[1]);
    rmtmc_backend_opts gopts;
    rmtmc_backend_opts_default(&gopts);
    snprintf(gopts.debug.gram, sizeof gopts.debug.gram, "%s", gs[0]);
    snprintf(gopts.debug.solver, sizeof gopts.debug.solver, "%s", gs[1]);
    if (rmtmc_backend_open(&gpu, RMTMC_BACKEND_CUDA, &gopts, &err) != RMTMC_OK) {
      printf("cuda open (%s) failed: %s\n", path, err.msg);
      check_true(&c, 0, "open the cuda backend");
      continue;
    }
    if (large) {
      check_solver_info(&c, gpu, p == 0 ? NULL : "syevjBatched");
      for (size_t k = 0; k < sizeof large_cases / sizeof large_cases[0]; ++k)
        compare(&c, cpu, gpu, path, &large_cases[k]);
    } else {
      /* every case on the default path, the first few on the others */
      size_t ncases = p == 0 ? sizeof cases / sizeof cases[0] : 4;
      for (size_t k = 0; k < ncases; ++k) compare(&c, cpu, gpu, path, &cases[k]);
      if (p != 0) compare(&c, cpu, gpu, path, &cases[7]); /* d > n */
    }
    rmtmc_backend_close(gpu);
  }
  rmtmc_backend_close(cpu);
  return check_finish(&c);
}
