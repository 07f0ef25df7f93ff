/* test_fit.c: the backends' linear-model fits (rmtmc_fit.h) against an
 * independent oracle, one test body for every backend (argv[1] = cpu |
 * cuda; 77 = skipped without the backend's device).
 *
 * The oracle redraws each trial from the stream layout of rmtmc_fit.h and
 * solves the ridge problems directly in d x d form (Cholesky of
 * X X^T / n + gamma I), without the eigendecomposition the backends use:
 *   contexts  Phat = W^T Z, W = (1/n) Q X Y^T, X = [z_{a_1}, .., z_{a_n}];
 *   mixture   W^T M and ||W||_F^2 with X = Z + M[:, class];
 *   ridge     bhat = (X X^T/n + lam I)^-1 X y / n (lam = 0: the normal
 *             equations for d < n, the min-norm X (X^T X)^-1 y for d > n),
 *             risk, training error and tr(H)/n.
 * Tolerance: 1e-9 (|a| + 1) per output.  The two routes differ only by
 * rounding (measured on the CPU: at most 1.1e-13 relative), the GPU's
 * eigensolver adds its own rounding; a wrong layout, scaling or draw is off
 * by O(1).
 * Also: a trial replayed alone equals the same trial inside a batch, and the
 * counts of the contexts are exact.  On the CPU: the same numbers for 1 and
 * 2 threads (bit for bit) and rmtmc_fit_check's refusals.  On the GPU: the
 * CPU's outputs to the same tolerance.  (The test hooks of every backend:
 * test_backend_contract.c.)
 * `test_fit cuda large` (ctest test_fit_cuda_large): 70000 trials in one
 * batch on the GPU against the CPU, trial for trial, so every
 * strided-batched gemm of the fits has more than 65535 matrices and the
 * eigensolver (with vectors) loops over 5 calls of at most 16384. */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "support/backend_arg.h"
#include "rmtmc.h"
#include "rmtmc_fit.h"
#include "rmtmc_rng.h"

#define TOL 1e-9

static rmtmc_backend_kind kind;

/* ------------------------------------------------------------ oracle */

typedef struct oracle_in {
  const rmtmc_fit_problem *p;
  const int64_t *start; /* fixed counts: c + 1 context starts */
} oracle_in;

/* Q B for Q = (X X^T / n + l I)^-1, B d x m (in place), X d x n. */
static int solve_ridge(const double *X, int64_t d, int64_t n, double l, double *B, int64_t m) {
  double *S = malloc((size_t)(d * d) * sizeof(double));
  if (!S) return 0;
  cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, (int)d, (int)n, 1.0 / (double)n, X, (int)d, 0.0, S, (int)d);
  for (int64_t i = 0; i < d; ++i) S[i + i * d] += l;
  int ok = LAPACKE_dposv(LAPACK_COL_MAJOR, 'L', (lapack_int)d, (lapack_int)m, S, (lapack_int)d, B, (lapack_int)d) == 0;
  free(S);
  return ok;
}

/* W = (1/n) Q X Y^T (d x k) with labels lab[n]. */
static int ridge_weights(const double *X, const int64_t *lab, int64_t d, int64_t n, int64_t k, double l, double *W) {
  memset(W, 0, (size_t)(d * k) * sizeof(double));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < d; ++j) W[j + lab[i] * d] += X[j + i * d] / (double)n;
  return solve_ridge(X, d, n, l, W, k);
}

/* Context or class and label of every sample, and the counts. */
static void label_data(const rmtmc_fit_problem *p, const int64_t *start, uint64_t t, int64_t *ctx, int64_t *lab,
                       int64_t *counts) {
  uint64_t sa = rmtmc_stream_seed(p->seed, RMTMC_Q_ASSIGN), sl = rmtmc_stream_seed(p->seed, RMTMC_Q_LABELS);
  if (counts) memset(counts, 0, (size_t)p->c * sizeof(int64_t));
  for (int64_t i = 0; i < p->n; ++i) {
    int64_t a;
    if (p->kind == RMTMC_FIT_MIXTURE) {
      a = (int64_t)floor(rmtmc_draw_uniform(sa, t, (uint64_t)i) * (double)p->c);
      if (a >= p->c) a = p->c - 1;
    } else if (start) {
      a = 0;
      while (start[a + 1] <= i) ++a;
    } else {
      a = rmtmc_categorical(p->cumA, p->c, rmtmc_draw_uniform(sa, t, (uint64_t)i));
    }
    ctx[i] = a;
    lab[i] = rmtmc_categorical(p->cumP + a * p->k, p->k, rmtmc_draw_uniform(sl, t, (uint64_t)i));
    if (counts) counts[a]++;
  }
}

/* One trial's outputs (rmtmc_fit_nout doubles) the slow, direct way. */
static int oracle(const oracle_in *in, uint64_t t, double *out) {
  const rmtmc_fit_problem *p = in->p;
  int64_t d = p->d, n = p->n, c = p->c, k = p->k, ng = p->ngrid;
  int ok = 1;
  if (p->kind == RMTMC_FIT_RIDGE) {
    const rmtmc_model *m = p->model;
    double *G = malloc((size_t)(d * n) * sizeof(double)), *X = malloc((size_t)(d * n) * sizeof(double));
    double *y = malloc((size_t)n * sizeof(double)), *b = malloc((size_t)(d > n ? d : n) * sizeof(double));
    double *e = malloc((size_t)d * sizeof(double)), *r = malloc((size_t)n * sizeof(double));
    double *H = malloc((size_t)(d * d) * sizeof(double));
    rmtmc_fill_gaussian(rmtmc_stream_seed(p->seed, RMTMC_Q_FEATURES), t, G, (uint64_t)(d * n));
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < d; ++j) {
        double x = 0.0;
        if (m->sqrt_full)
          for (int64_t q = 0; q < d; ++q) x += m->sqrt_full[j + q * d] * G[q + i * d];
        else
          x = m->sqrt_diag[j] * G[j + i * d];
        X[j + i * d] = x;
      }
    rmtmc_fill_gaussian(rmtmc_stream_seed(p->seed, RMTMC_Q_NOISE), t, y, (uint64_t)n);
    for (int64_t i = 0; i < n; ++i) {
      double s = 0.0;
      for (int64_t j = 0; j < d; ++j) s += X[j + i * d] * p->beta[j];
      y[i] = s + sqrt(p->noise) * y[i];
    }
    for (int64_t g = 0; g < ng && ok; ++g) {
      double l = p->grid[g], tr = 0.0;
      if (l == 0 && d > n) { /* min norm: bhat = X (X^T X)^-1 y */
        double *K = malloc((size_t)(n * n) * sizeof(double));
        memcpy(b, y, (size_t)n * sizeof(double));
        cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, (int)n, (int)d, 1.0, X, (int)d, 0.0, K, (int)n);
        ok = LAPACKE_dposv(LAPACK_COL_MAJOR, 'L', (lapack_int)n, 1, K, (lapack_int)n, b, (lapack_int)n) == 0;
        cblas_dgemv(CblasColMajor, CblasNoTrans, (int)d, (int)n, 1.0, X, (int)d, b, 1, 0.0, e, 1);
        tr = (double)n;
        free(K);
      } else {
        cblas_dgemv(CblasColMajor, CblasNoTrans, (int)d, (int)n, 1.0 / (double)n, X, (int)d, y, 1, 0.0, e, 1);
        ok = solve_ridge(X, d, n, l, e, 1);
        /* tr(H) = tr(S (S + l I)^-1) = d - l tr((S + l I)^-1) */
        memset(H, 0, (size_t)(d * d) * sizeof(double));
        for (int64_t i = 0; i < d; ++i) H[i + i * d] = 1.0;
        ok = ok && solve_ridge(X, d, n, l, H, d);
        double tq = 0.0;
        for (int64_t i = 0; i < d; ++i) tq += H[i + i * d];
        tr = (double)d - l * tq;
      }
      double risk = 0.0, train = 0.0;
      for (int64_t j = 0; j < d; ++j) b[j] = e[j] - p->beta[j];
      for (int64_t j = 0; j < d; ++j) {
        double x = 0.0;
        if (m->sqrt_full)
          for (int64_t q = 0; q < d; ++q) x += m->sqrt_full[j + q * d] * b[q];
        else
          x = m->sqrt_diag[j] * b[j];
        risk += x * x;
      }
      cblas_dgemv(CblasColMajor, CblasTrans, (int)d, (int)n, 1.0, X, (int)d, e, 1, 0.0, r, 1);
      for (int64_t i = 0; i < n; ++i) train += (y[i] - r[i]) * (y[i] - r[i]);
      out[3 * g] = risk;
      out[3 * g + 1] = train / (double)n;
      out[3 * g + 2] = tr / (double)n;
    }
    free(G); free(X); free(y); free(b); free(e); free(r); free(H);
    return ok;
  }
  int64_t *ctx = malloc((size_t)n * sizeof(int64_t)), *lab = malloc((size_t)n * sizeof(int64_t));
  int64_t *cnt = malloc((size_t)c * sizeof(int64_t));
  double *X = malloc((size_t)(d * n) * sizeof(double)), *W = malloc((size_t)(d * k) * sizeof(double));
  double *Z = malloc((size_t)(d * (p->kind == RMTMC_FIT_CONTEXTS ? c : n)) * sizeof(double));
  label_data(p, in->start, t, ctx, lab, cnt);
  if (p->kind == RMTMC_FIT_CONTEXTS) {
    rmtmc_fill_gaussian(rmtmc_stream_seed(p->seed, RMTMC_Q_FEATURES), t, Z, (uint64_t)(d * c));
    for (int64_t i = 0; i < n; ++i) memcpy(X + i * d, Z + ctx[i] * d, (size_t)d * sizeof(double));
    for (int64_t a = 0; a < c; ++a) out[a] = (double)cnt[a];
    for (int64_t g = 0; g < ng && ok; ++g) {
      ok = ridge_weights(X, lab, d, n, k, p->grid[g], W);
      for (int64_t a = 0; a < c; ++a)
        for (int64_t j = 0; j < k; ++j) {
          double s = 0.0;
          for (int64_t q = 0; q < d; ++q) s += W[q + j * d] * Z[q + a * d];
          out[c + (g * k + j) + a * ng * k] = s;
        }
    }
  } else {
    rmtmc_fill_gaussian(rmtmc_stream_seed(p->seed, RMTMC_Q_FEATURES), t, X, (uint64_t)(d * n));
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < d; ++j) X[j + i * d] += p->M[j + ctx[i] * d];
    for (int64_t g = 0; g < ng && ok; ++g) {
      ok = ridge_weights(X, lab, d, n, k, p->grid[g], W);
      double *o = out + g * (k * c + 1), wf = 0.0;
      for (int64_t a = 0; a < c; ++a)
        for (int64_t j = 0; j < k; ++j) {
          double s = 0.0;
          for (int64_t q = 0; q < d; ++q) s += W[q + j * d] * p->M[q + a * d];
          o[j + a * k] = s;
        }
      for (int64_t q = 0; q < d * k; ++q) wf += W[q] * W[q];
      o[k * c] = wf;
    }
  }
  free(ctx); free(lab); free(cnt); free(X); free(W); free(Z);
  return ok;
}

/* ------------------------------------------------------------ running */

static rmtmc_status run_fit(rmtmc_backend *be, const rmtmc_fit_problem *p, uint64_t trial0, int64_t count,
                            int64_t cap, double *out, rmtmc_error *err) {
  rmtmc_work w = {.method = RMTMC_METHOD_FIT, .fit = p};
  rmtmc_batch *fb = NULL;
  rmtmc_status st = rmtmc_batch_alloc(be, &w, cap, &fb, err);
  if (st == RMTMC_OK) st = rmtmc_batch_run(fb, p->seed, trial0, count, out, NULL, err);
  rmtmc_batch_free(fb);
  return st;
}

/* Largest |a - b| / (TOL (|a| + 1)): <= 1 passes (NaN fails). */
static double worst(const double *a, const double *b, int64_t len) {
  double w = 0.0;
  for (int64_t i = 0; i < len; ++i) {
    double q = fabs(a[i] - b[i]) / (TOL * (fabs(a[i]) + 1.0));
    if (!(q <= w)) w = q;
  }
  return w;
}

typedef struct fcase {
  const char *label;
  rmtmc_fit_kind kind;
  int64_t d, n, c, k;
  int multinomial;
  const char *sigma; /* ridge */
  double noise;
} fcase;

/* A problem and the arrays it borrows. */
typedef struct fprob {
  rmtmc_fit_problem p;
  double grid[4], *P, *cumP, *cumA, *M, *beta;
  int64_t *counts, *start;
  rmtmc_model model;
  int has_model;
} fprob;

static void fprob_free(fprob *f) {
  free(f->P); free(f->cumP); free(f->cumA); free(f->M); free(f->beta); free(f->counts); free(f->start);
  if (f->has_model) rmtmc_model_free(&f->model);
  memset(f, 0, sizeof *f);
}

static int fprob_make(fprob *f, const fcase *k, rmtmc_error *err) {
  memset(f, 0, sizeof *f);
  rmtmc_fit_problem *p = &f->p;
  p->kind = k->kind;
  p->d = k->d;
  p->n = k->n;
  p->c = k->c;
  p->k = k->k;
  p->seed = 977;
  p->grid = f->grid;
  if (k->kind == RMTMC_FIT_RIDGE) {
    double g[4] = {0.05, 0.5, 2.0, 0.0}; /* 0: ridgeless */
    memcpy(f->grid, g, sizeof g);
    p->ngrid = 4;
    if (rmtmc_model_init(&f->model, k->d, k->n, k->sigma, RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, err) !=
        RMTMC_OK)
      return 0;
    f->has_model = 1;
    f->beta = malloc((size_t)k->d * sizeof(double));
    rmtmc_fill_gaussian(12345, 0, f->beta, (uint64_t)k->d);
    for (int64_t j = 0; j < k->d; ++j) f->beta[j] /= sqrt((double)k->d);
    p->model = &f->model;
    p->beta = f->beta;
    p->noise = k->noise;
    return 1;
  }
  double g[3] = {0.01, 0.3, 1.5};
  memcpy(f->grid, g, sizeof g);
  p->ngrid = 3;
  int64_t kc = k->k * k->c;
  f->P = malloc((size_t)kc * sizeof(double));
  f->cumP = malloc((size_t)kc * sizeof(double));
  for (int64_t a = 0; a < k->c; ++a) { /* p_a proportional to 1 + ((a + j) mod 3) */
    double s = 0.0;
    for (int64_t j = 0; j < k->k; ++j) s += (f->P[j + a * k->k] = 1.0 + (double)((a + j) % 3));
    double cs = 0.0;
    for (int64_t j = 0; j < k->k; ++j) f->cumP[j + a * k->k] = (cs += f->P[j + a * k->k] / s);
    f->cumP[k->k - 1 + a * k->k] = 1.0;
  }
  p->cumP = f->cumP;
  if (k->kind == RMTMC_FIT_MIXTURE) {
    f->M = malloc((size_t)(k->d * k->c) * sizeof(double));
    rmtmc_fill_gaussian(54321, 1, f->M, (uint64_t)(k->d * k->c));
    for (int64_t q = 0; q < k->d * k->c; ++q) f->M[q] *= 1.5 / sqrt((double)k->d);
    p->M = f->M;
  } else if (k->multinomial) {
    f->cumA = malloc((size_t)k->c * sizeof(double));
    double s = 0.0; /* alpha_a proportional to 1 + a mod 4 */
    for (int64_t a = 0; a < k->c; ++a) s += 1.0 + (double)(a % 4);
    double cs = 0.0;
    for (int64_t a = 0; a < k->c; ++a) f->cumA[a] = (cs += (1.0 + (double)(a % 4)) / s);
    f->cumA[k->c - 1] = 1.0;
    p->cumA = f->cumA;
  } else { /* fixed counts with one empty context */
    f->counts = calloc((size_t)k->c, sizeof(int64_t));
    f->start = calloc((size_t)(k->c + 1), sizeof(int64_t));
    int64_t left = k->n;
    for (int64_t a = 1; a < k->c; ++a) {
      f->counts[a] = k->n / (k->c - 1);
      left -= f->counts[a];
    }
    f->counts[k->c - 1] += left;
    for (int64_t a = 0; a < k->c; ++a) f->start[a + 1] = f->start[a] + f->counts[a];
    p->counts = f->counts;
  }
  return 1;
}

static const fcase cases[] = {
    {"contexts, fixed counts (one empty)", RMTMC_FIT_CONTEXTS, 30, 120, 12, 3, 0, NULL, 0},
    {"contexts, multinomial, d < c", RMTMC_FIT_CONTEXTS, 10, 90, 15, 4, 1, NULL, 0},
    {"mixture, d < n", RMTMC_FIT_MIXTURE, 20, 60, 3, 4, 0, NULL, 0},
    {"mixture, d > n (Gram side)", RMTMC_FIT_MIXTURE, 60, 20, 3, 2, 0, NULL, 0},
    {"ridge, diagonal Sigma, d < n", RMTMC_FIT_RIDGE, 20, 60, 0, 0, 0, "points:0.5:0.5,2:0.5", 0.7},
    {"ridge, diagonal Sigma, d > n", RMTMC_FIT_RIDGE, 60, 20, 0, 0, 0, "points:0.5:0.5,2:0.5", 0.7},
    {"ridge, dense Sigma (ar1), d < n", RMTMC_FIT_RIDGE, 20, 60, 0, 0, 0, "ar1:0.4", 0.3},
    {"ridge, dense Sigma (ar1), d > n", RMTMC_FIT_RIDGE, 60, 20, 0, 0, 0, "ar1:0.4", 0.3},
};

#define LARGE 70000
static const fcase large_cases[] = {
    {"contexts, fixed counts, d=6 c=4", RMTMC_FIT_CONTEXTS, 6, 24, 4, 2, 0, NULL, 0},
    {"contexts, multinomial, d=6 c=4", RMTMC_FIT_CONTEXTS, 6, 24, 4, 2, 1, NULL, 0},
    {"mixture, d=4 n=12", RMTMC_FIT_MIXTURE, 4, 12, 2, 2, 0, NULL, 0},
    {"mixture, d=12 n=4 (Gram side)", RMTMC_FIT_MIXTURE, 12, 4, 2, 2, 0, NULL, 0},
    {"ridge, diagonal Sigma, d=4 n=12", RMTMC_FIT_RIDGE, 4, 12, 0, 0, 0, "points:0.5:0.5,2:0.5", 0.7},
    {"ridge, dense Sigma (ar1), d=4 n=12", RMTMC_FIT_RIDGE, 4, 12, 0, 0, 0, "ar1:0.4", 0.3},
    {"ridge, diagonal Sigma, d=12 n=4", RMTMC_FIT_RIDGE, 12, 4, 0, 0, 0, "points:0.5:0.5,2:0.5", 0.7},
};

/* fprob_make, a failure reported as a failed check. */
static int fprob_make_checked(check_ctx *c, fprob *f, const fcase *k) {
  rmtmc_error err;
  if (fprob_make(f, k, &err)) return 1;
  char what[512];
  snprintf(what, sizeof what, "%s: problem (%s)", k->label, err.msg);
  check_true(c, 0, what);
  fprob_free(f);
  return 0;
}

/* One large batch (trials 5 .. 5 + LARGE - 1) on the GPU and on the CPU. */
static void large_case(check_ctx *c, rmtmc_backend *gpu, rmtmc_backend *cpu, const fcase *k) {
  char what[512];
  rmtmc_error err;
  fprob f;
  if (!fprob_make_checked(c, &f, k)) return;
  int64_t nout = rmtmc_fit_nout(&f.p);
  double *go = calloc((size_t)(LARGE * nout), sizeof(double)), *co = calloc((size_t)(LARGE * nout), sizeof(double));
  rmtmc_batch_limits lim = {0, 0.0};
  rmtmc_work w = {.method = RMTMC_METHOD_FIT, .fit = &f.p};
  rmtmc_status st = go && co ? rmtmc_backend_limits(gpu, &w, &lim, &err)
                             : rmtmc_error_set(&err, RMTMC_ERR_NOMEM, "test: out of memory");
  if (st == RMTMC_OK && lim.max_trials < LARGE)
    st = rmtmc_error_set(&err, RMTMC_ERR_TOO_LARGE, "the GPU holds only %lld trials", (long long)lim.max_trials);
  if (st == RMTMC_OK) st = run_fit(gpu, &f.p, 5, LARGE, LARGE, go, &err);
  if (st == RMTMC_OK) st = run_fit(cpu, &f.p, 5, LARGE, LARGE, co, &err);
  double wr = st == RMTMC_OK ? worst(co, go, LARGE * nout) : INFINITY;
  snprintf(what, sizeof what, "%s: %d trials in one batch, cuda vs cpu: worst %.3f of tol%s%s", k->label, LARGE, wr,
           st == RMTMC_OK ? "" : ": ", st == RMTMC_OK ? "" : err.msg);
  check_true(c, st == RMTMC_OK && wr <= 1.0, what);
  free(go);
  free(co);
  fprob_free(&f);
}

static void one_case(check_ctx *c, rmtmc_backend *be, rmtmc_backend *cpu, const fcase *k) {
  char what[512];
  rmtmc_error err;
  fprob f;
  if (!fprob_make_checked(c, &f, k)) return;
  const int64_t count = 4, cap = 5;
  const uint64_t trial0 = 3;
  int64_t nout = rmtmc_fit_nout(&f.p);
  double *out = calloc((size_t)(cap * nout), sizeof(double)), *ref = calloc((size_t)(count * nout), sizeof(double));
  double *one = calloc((size_t)nout, sizeof(double));
  rmtmc_batch_limits lim;
  rmtmc_work w = {.method = RMTMC_METHOD_FIT, .fit = &f.p};
  rmtmc_status st = rmtmc_backend_limits(be, &w, &lim, &err);
  int64_t maxb = lim.max_trials;
  const char *bn = rmtmc_backend_name(be);
  snprintf(what, sizeof what, "%s [%s]: the backend can hold %lld trials (>= %lld)%s%s", k->label, bn,
           (long long)maxb, (long long)cap, st == RMTMC_OK ? "" : ": ", st == RMTMC_OK ? "" : err.msg);
  check_true(c, st == RMTMC_OK && maxb >= cap, what);
  st = run_fit(be, &f.p, trial0, count, cap, out, &err);
  snprintf(what, sizeof what, "%s [%s]: trials %llu..%llu in a batch of %lld run%s%s", k->label, bn,
           (unsigned long long)trial0, (unsigned long long)(trial0 + count - 1), (long long)cap,
           st == RMTMC_OK ? "" : ": ", st == RMTMC_OK ? "" : err.msg);
  check_true(c, st == RMTMC_OK, what);
  oracle_in in = {&f.p, f.start};
  int ok = 1;
  for (int64_t t = 0; t < count && st == RMTMC_OK; ++t) ok = ok && oracle(&in, trial0 + (uint64_t)t, ref + t * nout);
  if (st == RMTMC_OK && ok) {
    double w = worst(ref, out, count * nout);
    snprintf(what, sizeof what, "%s [%s]: %lld outputs per trial match the direct d x d solve: worst %.3g of tol",
             k->label, bn, (long long)nout, w);
    check_true(c, w <= 1.0, what);
    if (k->kind == RMTMC_FIT_CONTEXTS) {
      int exact = 1;
      for (int64_t t = 0; t < count; ++t)
        for (int64_t a = 0; a < k->c; ++a) exact = exact && out[t * nout + a] == ref[t * nout + a];
      snprintf(what, sizeof what, "%s [%s]: context counts exact", k->label, bn);
      check_true(c, exact, what);
    }
    /* replay: the batch's last trial alone */
    st = run_fit(be, &f.p, trial0 + count - 1, 1, 1, one, &err);
    const double *in_batch = out + (count - 1) * nout;
    int on_cpu = rmtmc_backend_kind_of(be) == RMTMC_BACKEND_CPU;
    int same = st == RMTMC_OK && (on_cpu ? memcmp(one, in_batch, (size_t)nout * sizeof(double)) == 0
                                         : worst(in_batch, one, nout) <= 1.0);
    snprintf(what, sizeof what, "%s [%s]: trial %llu replayed alone gives %s", k->label, bn,
             (unsigned long long)(trial0 + count - 1),
             on_cpu ? "the same bits" : "the same numbers (to 1e-9)");
    check_true(c, same, what);
    if (cpu) { /* the GPU against the CPU reference */
      double *co = calloc((size_t)(count * nout), sizeof(double));
      st = run_fit(cpu, &f.p, trial0, count, count, co, &err);
      double w2 = st == RMTMC_OK ? worst(co, out, count * nout) : INFINITY;
      snprintf(what, sizeof what, "%s [cuda vs cpu]: worst %.3f of tol", k->label, w2);
      check_true(c, w2 <= 1.0, what);
      free(co);
    }
  } else if (!ok) {
    snprintf(what, sizeof what, "%s: the oracle's solve failed", k->label);
    check_true(c, 0, what);
  }
  free(out); free(ref); free(one);
  fprob_free(&f);
}

/* CPU: thread invariance and the problem checks. */
static void cpu_only(check_ctx *c) {
  rmtmc_error err;
  rmtmc_backend *b1 = NULL, *b2 = NULL;
  rmtmc_backend_opts o1, o2;
  rmtmc_backend_opts_default(&o1);
  rmtmc_backend_opts_default(&o2);
  o1.threads = 1;
  o2.threads = 2;
  rmtmc_backend_open(&b1, RMTMC_BACKEND_CPU, &o1, &err);
  rmtmc_backend_open(&b2, RMTMC_BACKEND_CPU, &o2, &err);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    fprob f;
    if (!fprob_make(&f, &cases[i], &err)) continue;
    int64_t nout = rmtmc_fit_nout(&f.p);
    double *x1 = calloc((size_t)(6 * nout), sizeof(double)), *x2 = calloc((size_t)(6 * nout), sizeof(double));
    int ok = run_fit(b1, &f.p, 0, 6, 6, x1, &err) == RMTMC_OK && run_fit(b2, &f.p, 0, 6, 6, x2, &err) == RMTMC_OK &&
             memcmp(x1, x2, (size_t)(6 * nout) * sizeof(double)) == 0;
    char what[256];
    snprintf(what, sizeof what, "%s [cpu]: 1 and 2 threads give the same bits", cases[i].label);
    check_true(c, ok, what);
    free(x1);
    free(x2);
    fprob_free(&f);
  }
  /* refusals */
  fprob f;
  fprob_make(&f, &cases[0], &err);
  rmtmc_fit_problem bad = f.p;
  double g0[1] = {0.0};
  bad.grid = g0;
  bad.ngrid = 1;
  check_true(c, rmtmc_fit_check(&bad, &err) == RMTMC_ERR_INVALID, "fit check: gamma = 0 refused for contexts");
  bad = f.p;
  f.counts[0] += 1;
  check_true(c, rmtmc_fit_check(&bad, &err) == RMTMC_ERR_INVALID, "fit check: counts not summing to n refused");
  f.counts[0] -= 1;
  bad = f.p;
  bad.cumA = f.cumP;
  check_true(c, rmtmc_fit_check(&bad, &err) == RMTMC_ERR_INVALID, "fit check: both fixed and drawn counts refused");
  check_true(c, rmtmc_fit_check(&f.p, &err) == RMTMC_OK, "fit check: the test problem itself passes");
  fprob_free(&f);
  rmtmc_backend_close(b1);
  rmtmc_backend_close(b2);
}

int main(int argc, char **argv) {
  check_ctx c = {0, 0};
  rmtmc_error err;
  int rc = test_backend_arg(argc, argv, "test_fit", &kind);
  if (rc != 0) return rc;
  rmtmc_backend *be = NULL, *cpu = NULL;
  if (rmtmc_backend_open(&be, kind, NULL, &err) != RMTMC_OK) {
    printf("cannot open backend %s: %s\n", argv[1], err.msg);
    return 1;
  }
  int gpu = rmtmc_backend_kind_of(be) != RMTMC_BACKEND_CPU;
  if (gpu) rmtmc_backend_open(&cpu, RMTMC_BACKEND_CPU, NULL, &err);
  if (argc > 2 && strcmp(argv[2], "large") == 0) {
    if (!gpu || !cpu) {
      printf("test_fit %s large: the large batches are a GPU test (against the CPU)\n", argv[1]);
      rmtmc_backend_close(be);
      rmtmc_backend_close(cpu);
      return 2;
    }
    for (size_t i = 0; i < sizeof large_cases / sizeof large_cases[0]; ++i) large_case(&c, be, cpu, &large_cases[i]);
    rmtmc_backend_close(be);
    rmtmc_backend_close(cpu);
    return check_finish(&c);
  }
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) one_case(&c, be, gpu ? cpu : NULL, &cases[i]);
  rmtmc_backend_close(be);
  rmtmc_backend_close(cpu);
  if (!gpu) cpu_only(&c); /* the hooks of every backend: test_backend_contract */
  return check_finish(&c);
}
