/* fast_methods.c: time one trial of each method's spectrum statistics,
 * single-threaded, side by side (built by CMake as bench_fast_methods, not
 * run by ctest):
 *   tridiagonal  cpu_de_sample + cpu_tridiag_reduce (Sigma = I; d = 1024,
 *                4096, 10^5, 10^6, n = 2d);
 *   dense        rmtmc_sample_entries + Sigma^(1/2) + dsyrk + dsyevd + the
 *                reduction on the eigenvalues (d = 1024, 4096, n = 2d; and
 *                d = 1024, n = 4096 for the Bartlett comparison);
 *   bartlett     cpu_bartlett_sample + cpu_bartlett_gram + dsyevd + the
 *                reduction (d = 1024, n = 4096, diagonal and full Sigma);
 * then 100 trials of the tridiagonal method at d = 10^6, n = 2 x 10^6 on
 * --threads threads (trial-parallel, as the CPU backend runs them).  The
 * statistics are the spectrum study's: m_d(z) on its default five-point z
 * grid, lambda_min, lambda_max, moments k = 1..4, a 60-bin histogram.
 * Before timing, the tridiagonal observables of one trial are checked
 * against dsterf's eigenvalues of the same band (validate, then time).
 *
 *   build/bench_fast_methods [--quick] [--threads T] [--trials N] [--json FILE]
 * --quick skips the dense d = 4096 trial and the 100-trial run. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support/ref_layout.h"
#include "backend/cpu/cpu_fast.h"
#include "rmtmc_model.h"
#include "rmtmc_theory.h"
#include "support/dense_ref.h" /* tests/support: the dense reference */

#define NZ 5
#define KM 4
#define NBINS 60

typedef struct job {
  int64_t d, n;
  rmtmc_model model;
  double zr[NZ], zi[NZ];
  rmtmc_layout spec;
} job;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The spectrum study's grid and histogram range for the support [lo, hi]. */
static int job_init(job *j, int64_t d, int64_t n, const char *sigma) {
  memset(j, 0, sizeof *j);
  j->d = d;
  j->n = n;
  rmtmc_error err;
  if (rmtmc_model_init(&j->model, d, n, sigma, RMTMC_ENTRIES_GAUSSIAN, 0.0,
                       RMTMC_PRECISION_DOUBLE, &err) != RMTMC_OK) {
    fprintf(stderr, "model %s: %s\n", sigma, err.msg);
    return 0;
  }
  rmtmc_pop H = rmtmc_model_pop(&j->model);
  double e[16];
  int64_t nint = 0;
  rmtmc_theory_edges(&H, (double)d / (double)n, 8, e, &nint, &err);
  double lo = e[0], hi = e[2 * (nint > 8 ? 8 : nint) - 1], w = hi - lo;
  double re[NZ] = {-1.0, 1.5 * hi + 0.5, lo + 0.25 * w, lo + 0.5 * w, lo + 0.75 * w};
  double im[NZ] = {0.0, 0.0, 0.1 * w, 0.1 * w, 0.1 * w};
  memcpy(j->zr, re, sizeof re);
  memcpy(j->zi, im, sizeof im);
  rmtmc_layout r = ref_layout(NZ, j->zr, j->zi, KM, NBINS, fmax(0.0, lo - 0.15 * w), hi + 0.15 * w);
  j->spec = r;
  return 1;
}

/* One trial of the dense or the Bartlett method (tests/support/dense_ref.h,
 * the CPU backend's stages); returns seconds, or -1 on failure. */
static double trial_eigs(const job *j, uint64_t t, int bartlett) {
  double *ev = malloc((size_t)j->d * sizeof *ev), obs[2 * NZ + 2 + KM];
  int64_t hist[NBINS + 3] = {0};
  double t0 = now(), sec = -1.0;
  if (ev && (bartlett ? ref_bartlett_eigs(&j->model, 1, t, ev) : ref_dense_eigs(&j->model, 1, t, ev))) {
    ref_reduce(&j->spec, j->d, ev, j->d > j->n ? j->d - j->n : 0, obs, hist);
    sec = now() - t0;
  }
  free(ev);
  return sec;
}
static double trial_dense(const job *j, uint64_t t) { return trial_eigs(j, t, 0); }
static double trial_bartlett(const job *j, uint64_t t) { return trial_eigs(j, t, 1); }

/* The tridiagonal trial; *sample_sec gets the sampling time. */
static double trial_tridiag(const job *j, uint64_t t, double *sample_sec, double *obs, int64_t *hist) {
  int64_t m = j->d < j->n ? j->d : j->n;
  double *a = malloc((size_t)m * sizeof *a), *b2 = malloc((size_t)m * sizeof *b2);
  rmtmc_error err;
  double t0 = now(), sec = -1.0;
  if (a && b2) {
    cpu_de_sample(1, t, j->d, j->n, 1, 1.0, a, b2);
    double t1 = now();
    if (cpu_tridiag_reduce(&j->spec, j->d, j->n, a, b2, obs, hist, &err) == RMTMC_OK) {
      sec = now() - t0;
      if (sample_sec) *sample_sec = t1 - t0;
    }
  }
  free(a);
  free(b2);
  return sec;
}

/* Validate: one tridiagonal trial's observables = the dense reduction on
 * dsterf's eigenvalues of the same band. */
static int validate(const job *j) {
  int64_t m = j->d < j->n ? j->d : j->n, nobs = (j->spec).nobs;
  double *a = malloc((size_t)m * sizeof *a), *b2 = malloc((size_t)m * sizeof *b2);
  double *ev = malloc((size_t)j->d * sizeof *ev), *w = malloc((size_t)m * sizeof *w);
  double o1[2 * NZ + 2 + KM], o2[2 * NZ + 2 + KM];
  int64_t h1[NBINS + 3] = {0}, h2[NBINS + 3] = {0};
  rmtmc_error err;
  cpu_de_sample(1, 0, j->d, j->n, 1, 1.0, a, b2);
  int ok = cpu_tridiag_reduce(&j->spec, j->d, j->n, a, b2, o1, h1, &err) == RMTMC_OK &&
           cpu_tridiag_eigenvalues(a, b2, m, ev + (j->d - m), w, &err) == RMTMC_OK;
  if (ok) ref_reduce(&j->spec, j->d, ev, j->d - m, o2, h2);
  double worst = 0.0;
  for (int64_t q = 0; ok && q < nobs; ++q) worst = fmax(worst, fabs(o1[q] - o2[q]) / fmax(fabs(o2[q]), 1.0));
  int64_t hd = 0;
  for (int k = 0; k < NBINS + 2; ++k) hd += llabs((long long)(h1[k] - h2[k]));
  printf("validated d = %lld: tridiagonal observables vs dsterf eigenvalues, worst rel %.2g, histogram |diff| %lld\n",
         (long long)j->d, worst, (long long)hd);
  free(a);
  free(b2);
  free(ev);
  free(w);
  return ok && worst < 1e-10 && hd <= 2;
}

/* CPU seconds of the calling thread (less sensitive than the wall clock to
 * other processes on a shared machine). */
static double thread_cpu(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void sort(double *s, int n) {
  for (int a = 1; a < n; ++a)
    for (int b = a; b > 0 && s[b] < s[b - 1]; --b) {
      double t = s[b];
      s[b] = s[b - 1];
      s[b - 1] = t;
    }
}

/* Seconds per trial, wall and thread CPU: the medians of reps runs (at
 * least 3 unless max_reps is smaller, enough for ~0.5 s), trials 1, 2, ... */
typedef struct timing {
  double wall, cpu;
} timing;

static timing per_trial(double (*fn)(const job *, uint64_t), const job *j, int max_reps) {
  double w[64], c[64];
  int reps = 0;
  double spent = 0.0;
  timing bad = {-1.0, -1.0};
  while (reps < max_reps && reps < 64 && (reps < 3 || spent < 0.5)) {
    double c0 = thread_cpu();
    w[reps] = fn(j, (uint64_t)reps + 1);
    c[reps] = thread_cpu() - c0;
    if (w[reps] < 0) return bad;
    spent += w[reps++];
    if (spent > 20.0) break;
  }
  sort(w, reps);
  sort(c, reps);
  timing t = {w[reps / 2], c[reps / 2]};
  return t;
}

static double tridiag_fn(const job *j, uint64_t t) {
  double obs[2 * NZ + 2 + KM];
  int64_t hist[NBINS + 3] = {0};
  return trial_tridiag(j, t, NULL, obs, hist);
}

typedef struct row {
  const char *method, *sigma;
  int64_t d, n;
  timing t;
} row;

int main(int argc, char **argv) {
  int quick = 0, threads = 2;
  int64_t big_trials = 100;
  const char *json = NULL;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--quick")) quick = 1;
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--trials") && i + 1 < argc) big_trials = atoll(argv[++i]);
    else if (!strcmp(argv[i], "--json") && i + 1 < argc) json = argv[++i];
    else {
      fprintf(stderr, "usage: %s [--quick] [--threads T] [--trials N] [--json FILE]\n", argv[0]);
      return 2;
    }
  }
  if (threads < 1 || big_trials < 0) {
    fprintf(stderr, "--threads must be >= 1 and --trials >= 0\n");
    return 2;
  }
#if defined(OPENBLAS_VERSION)
  openblas_set_num_threads(1);
#endif
  row rows[32];
  int nr = 0;
  job j;
  int bad = 0;
  if (job_init(&j, 1024, 2048, "identity")) bad |= !validate(&j);
  rmtmc_model_free(&j.model);
  if (job_init(&j, 4096, 8192, "identity")) bad |= !validate(&j);
  rmtmc_model_free(&j.model);
  if (bad) {
    fprintf(stderr, "validation failed: not timing\n");
    return 1;
  }
  const int64_t tds[4] = {1024, 4096, 100000, 1000000};
  for (int k = 0; k < 4; ++k) {
    if (!job_init(&j, tds[k], 2 * tds[k], "identity")) return 1;
    rows[nr++] = (row){"tridiagonal", "identity", tds[k], 2 * tds[k], per_trial(tridiag_fn, &j, 64)};
    if (tds[k] <= 4096 && !(quick && tds[k] == 4096))
      rows[nr++] = (row){"dense", "identity", tds[k], 2 * tds[k], per_trial(trial_dense, &j, tds[k] > 2048 ? 1 : 5)};
    rmtmc_model_free(&j.model);
  }
  const char *sigmas[2] = {"points:1:0.5,4:0.5", "ar1:0.5"};
  for (int k = 0; k < 2; ++k) {
    if (!job_init(&j, 1024, 4096, sigmas[k])) return 1;
    rows[nr++] = (row){"bartlett", sigmas[k], 1024, 4096, per_trial(trial_bartlett, &j, 7)};
    rows[nr++] = (row){"dense", sigmas[k], 1024, 4096, per_trial(trial_dense, &j, 5)};
    rmtmc_model_free(&j.model);
  }
  printf("\n| method | Sigma | d | n | wall s / trial | CPU s / trial | dense / method (wall, CPU) |\n"
         "|---|---|---|---|---|---|---|\n");
  for (int k = 0; k < nr; ++k) {
    timing dense = {NAN, NAN};
    for (int q = 0; q < nr; ++q)
      if (!strcmp(rows[q].method, "dense") && rows[q].d == rows[k].d && rows[q].n == rows[k].n &&
          !strcmp(rows[q].sigma, rows[k].sigma))
        dense = rows[q].t;
    char ratio[64] = "n/a (dense out of reach)";
    if (isfinite(dense.wall))
      snprintf(ratio, sizeof ratio, "%.4g, %.4g", dense.wall / rows[k].t.wall, dense.cpu / rows[k].t.cpu);
    printf("| %s | %s | %lld | %lld | %.4g | %.4g | %s |\n", rows[k].method, rows[k].sigma,
           (long long)rows[k].d, (long long)rows[k].n, rows[k].t.wall, rows[k].t.cpu, ratio);
  }
  /* 100 trials at d = 10^6 on `threads` threads, trials in parallel */
  double big = NAN, big_cpu = NAN, lmax_mean = NAN;
  if (!quick && big_trials > 0) {
    if (!job_init(&j, 1000000, 2000000, "identity")) return 1;
    double t0 = now(), acc = 0.0;
    clock_t c0 = clock();
    int fails = 0;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) reduction(+ : acc, fails)
    for (int64_t t = 0; t < big_trials; ++t) {
      double obs[2 * NZ + 2 + KM];
      int64_t hist[NBINS + 3] = {0};
      fails += trial_tridiag(&j, (uint64_t)t, NULL, obs, hist) < 0;
      acc += obs[(j.spec).lam_max];
    }
    big = now() - t0;
    big_cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    lmax_mean = acc / (double)big_trials;
    printf("\ntridiagonal d = 10^6, n = 2 x 10^6: %lld trials on %d threads in %.1f s wall, %.1f s CPU "
           "(%.1f s per thread) (%s; mean lambda_max %.6f, MP edge %.6f)\n",
           (long long)big_trials, threads, big, big_cpu, big_cpu / threads, fails ? "FAILURES" : "all ok",
           lmax_mean, pow(1.0 + sqrt(0.5), 2.0));
    rmtmc_model_free(&j.model);
  }
  if (json) {
    FILE *f = fopen(json, "w");
    if (!f) {
      fprintf(stderr, "cannot write %s\n", json);
      return 2;
    }
    fprintf(f, "{\n  \"bench\": \"fast_methods\",\n  \"threads_per_trial\": 1,\n  \"rows\": [\n");
    for (int k = 0; k < nr; ++k)
      fprintf(f, "    {\"method\": \"%s\", \"sigma\": \"%s\", \"d\": %lld, \"n\": %lld, "
              "\"seconds_per_trial\": %.6g, \"cpu_seconds_per_trial\": %.6g}%s\n",
              rows[k].method, rows[k].sigma, (long long)rows[k].d, (long long)rows[k].n, rows[k].t.wall,
              rows[k].t.cpu, k + 1 < nr ? "," : "");
    fprintf(f, "  ],\n  \"large_run\": {\"d\": 1000000, \"n\": 2000000, \"trials\": %lld, \"threads\": %d, "
            "\"seconds\": %.6g, \"cpu_seconds\": %.6g}\n}\n",
            (long long)big_trials, threads, isfinite(big) ? big : -1.0, isfinite(big_cpu) ? big_cpu : -1.0);
    fclose(f);
  }
  return 0;
}
