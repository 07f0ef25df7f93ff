/* cpu_fit.c: the linear-model fits on the CPU (the reference the CUDA
 * backend is tested against).  Trials of a batch run in parallel on OpenMP
 * threads, one trial per thread at a time with single-threaded OpenBLAS, so
 * a trial's numbers do not depend on the thread count.  Per trial: draw the
 * data (streams of rmtmc_fit.h), one Gram matrix (dsyrk), one dsyevd with
 * vectors, the grid from it (rules shared with the GPU in fit_common.h). */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cpu/cpu_internal.h"
#include "backend/fit_common.h"
#include "core/parallel.h"
#include "core/blas.h"
#include "core/sysinfo.h"
#include "rmtmc_rng.h"

/* One thread's workspace; which arrays exist depends on the kind. */
typedef struct fit_ws {
  double *Z, *X, *G, *S, *lam, *Bm, *Mv, *UB, *Am, *Y, *Ys, *XtM;
  double *y, *v, *yt, *e, *E, *BH, *SE;
  int64_t *cnt, *cls, *lab;
} fit_ws;

typedef struct cpu_fit_batch {
  rmtmc_fit_problem p;
  int64_t cap, nout, r;
  int threads;
  int64_t *start; /* fixed counts: c + 1 context starts */
  fit_ws *ws;     /* [threads] */
  int *info;      /* [cap]: LAPACK info of each trial's eigenproblem */
  uint64_t trial0;
  int64_t count;
} cpu_fit_batch;

/* Doubles of one thread's workspace (the int64 arrays counted as doubles). */
static double ws_doubles(const rmtmc_fit_problem *p) {
  double d = (double)p->d, n = (double)p->n, c = (double)p->c, k = (double)p->k, g = (double)p->ngrid;
  double r = (double)rmtmc_fit_rank(p);
  switch (p->kind) {
    case RMTMC_FIT_CONTEXTS: return d * c + 3.0 * c * c + 2.0 * c + 2.0 * k * c + g * k * c;
    case RMTMC_FIT_MIXTURE:
      return d * n + r * r + r + r * (k + c) + (p->d > p->n ? n * c : d * k) + 2.0 * n;
    case RMTMC_FIT_RIDGE:
      return 2.0 * d * n + r * r + 2.0 * r + n + (d > n ? d : n) + d + r * g + 2.0 * d * g;
  }
  return 0.0;
}

static void ws_free(fit_ws *w) {
  double *dv[] = {w->Z, w->X, w->G, w->S, w->lam, w->Bm, w->Mv, w->UB, w->Am, w->Y, w->Ys, w->XtM,
                  w->y, w->v, w->yt, w->e, w->E, w->BH, w->SE};
  for (size_t i = 0; i < sizeof dv / sizeof dv[0]; ++i) free(dv[i]);
  free(w->cnt);
  free(w->cls);
  free(w->lab);
  memset(w, 0, sizeof *w);
}

static double *dalloc(int64_t count, int *ok) {
  double *p = malloc((size_t)(count > 0 ? count : 1) * sizeof(double));
  if (!p) *ok = 0;
  return p;
}

static int64_t *ialloc(int64_t count, int *ok) {
  int64_t *p = malloc((size_t)(count > 0 ? count : 1) * sizeof(int64_t));
  if (!p) *ok = 0;
  return p;
}

static int ws_alloc(fit_ws *w, const rmtmc_fit_problem *p) {
  int64_t d = p->d, n = p->n, c = p->c, k = p->k, g = p->ngrid, r = rmtmc_fit_rank(p);
  int ok = 1;
  memset(w, 0, sizeof *w);
  switch (p->kind) {
    case RMTMC_FIT_CONTEXTS:
      w->Z = dalloc(d * c, &ok);
      w->S = dalloc(c * c, &ok);
      w->Bm = dalloc(c * c, &ok);
      w->UB = dalloc(c * c, &ok);
      w->lam = dalloc(c, &ok);
      w->Am = dalloc(k * c, &ok);
      w->Y = dalloc(k * c, &ok);
      w->Ys = dalloc(g * k * c, &ok);
      w->cnt = ialloc(c, &ok);
      break;
    case RMTMC_FIT_MIXTURE:
      w->X = dalloc(d * n, &ok);
      w->S = dalloc(r * r, &ok);
      w->lam = dalloc(r, &ok);
      if (d <= n) w->Y = dalloc(d * k, &ok); /* X Y^T / n */
      w->Bm = dalloc(r * k, &ok);
      w->Mv = dalloc(r * c, &ok);
      if (d > n) w->XtM = dalloc(n * c, &ok);
      w->cls = ialloc(n, &ok);
      w->lab = ialloc(n, &ok);
      break;
    case RMTMC_FIT_RIDGE:
      w->X = dalloc(d * n, &ok);
      if (p->model->sqrt_full || d > n) w->G = dalloc(d * n, &ok);
      w->S = dalloc(r * r, &ok);
      w->lam = dalloc(r, &ok);
      w->y = dalloc(n, &ok);
      w->v = dalloc(d > n ? d : n, &ok);
      w->yt = dalloc(r, &ok);
      w->e = dalloc(d, &ok);
      w->E = dalloc(r * g, &ok);
      w->BH = dalloc(d * g, &ok);
      if (p->model->sqrt_full) w->SE = dalloc(d * g, &ok);
      break;
  }
  if (!ok) ws_free(w);
  return ok;
}

/* Eigenvalues (ascending) and vectors of the r x r matrix in S (lower);
 * the LAPACK info into *info, 0 when it succeeded (the batch's statuses go
 * through backend_check_info once all its trials are done). */
static int eig(double *S, double *lam, int64_t r, int *info) {
  *info = (int)LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'L', (lapack_int)r, S, (lapack_int)r, lam);
  return *info == 0;
}

/* ------------------------------------------------ contexts (Prop A) */

static void contexts_trial(const cpu_fit_batch *fb, fit_ws *w, uint64_t t, double *out, int *info) {
  const rmtmc_fit_problem *p = &fb->p;
  int64_t c = p->c, k = p->k, d = p->d, n = p->n, ng = p->ngrid;
  uint64_t sa = rmtmc_stream_seed(p->seed, RMTMC_Q_ASSIGN), sl = rmtmc_stream_seed(p->seed, RMTMC_Q_LABELS);
  /* contexts and labels: counts n_a and label counts (k x c) */
  memset(w->cnt, 0, (size_t)c * sizeof(int64_t));
  memset(w->Y, 0, (size_t)(k * c) * sizeof(double));
  for (int64_t i = 0; i < n; ++i) {
    int64_t a = fb->start ? fit_fixed_context(fb->start, c, i)
                          : rmtmc_categorical(p->cumA, c, rmtmc_draw_uniform(sa, t, (uint64_t)i));
    w->cnt[a]++;
    w->Y[rmtmc_categorical(p->cumP + a * k, k, rmtmc_draw_uniform(sl, t, (uint64_t)i)) + a * k] += 1.0;
  }
  /* Y <- Ybar Pi^(1/2) (k x c) */
  for (int64_t a = 0; a < c; ++a) {
    out[a] = (double)w->cnt[a];
    double sa_ = sqrt((double)w->cnt[a] / (double)n);
    for (int64_t j = 0; j < k; ++j)
      w->Y[j + a * k] = w->cnt[a] > 0 ? w->Y[j + a * k] / (double)w->cnt[a] * sa_ : 0.0;
  }
  /* G = Z^T Z; Bm = Pi^(1/2) G, S = Pi^(1/2) G Pi^(1/2) */
  rmtmc_fill_gaussian(rmtmc_stream_seed(p->seed, RMTMC_Q_FEATURES), t, w->Z, (uint64_t)(d * c));
  cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, (int)c, (int)d, 1.0, w->Z, (int)d, 0.0, w->S, (int)c);
  for (int64_t j = 0; j < c; ++j)
    for (int64_t i = j + 1; i < c; ++i) w->S[j + i * c] = w->S[i + j * c];
  for (int64_t j = 0; j < c; ++j) {
    double sj = sqrt((double)w->cnt[j] / (double)n);
    for (int64_t i = 0; i < c; ++i) {
      double si = sqrt((double)w->cnt[i] / (double)n);
      w->Bm[i + j * c] = si * w->S[i + j * c];
      w->S[i + j * c] *= si * sj;
    }
  }
  if (!eig(w->S, w->lam, c, info)) return;
  /* Phat(gamma) = (Ybar Pi^(1/2) U) diag(1/(lam + gamma)) (U^T Pi^(1/2) G):
   * Am = Y U (k x c), UB = U^T Bm (c x c); all gammas stacked in Ys
   * ((ng k) x c) and multiplied by UB at once. */
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)k, (int)c, (int)c, 1.0, w->Y, (int)k, w->S, (int)c,
              0.0, w->Am, (int)k);
  cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)c, (int)c, (int)c, 1.0, w->S, (int)c, w->Bm, (int)c,
              0.0, w->UB, (int)c);
  int64_t ldy = ng * k;
  for (int64_t i = 0; i < c; ++i)
    for (int64_t g = 0; g < ng; ++g) {
      double f = 1.0 / (w->lam[i] + p->grid[g]);
      for (int64_t j = 0; j < k; ++j) w->Ys[(g * k + j) + i * ldy] = w->Am[j + i * k] * f;
    }
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)ldy, (int)c, (int)c, 1.0, w->Ys, (int)ldy, w->UB,
              (int)c, 0.0, out + c, (int)ldy);
}

/* ------------------------------------------------ mixture (Prop B) */

static void mixture_trial(const cpu_fit_batch *fb, fit_ws *w, uint64_t t, double *out, int *info) {
  const rmtmc_fit_problem *p = &fb->p;
  int64_t c = p->c, k = p->k, d = p->d, n = p->n, r = fb->r;
  uint64_t sa = rmtmc_stream_seed(p->seed, RMTMC_Q_ASSIGN), sl = rmtmc_stream_seed(p->seed, RMTMC_Q_LABELS);
  for (int64_t i = 0; i < n; ++i) {
    int64_t a = fit_uniform_class(rmtmc_draw_uniform(sa, t, (uint64_t)i), c);
    w->cls[i] = a;
    w->lab[i] = rmtmc_categorical(p->cumP + a * k, k, rmtmc_draw_uniform(sl, t, (uint64_t)i));
  }
  rmtmc_fill_gaussian(rmtmc_stream_seed(p->seed, RMTMC_Q_FEATURES), t, w->X, (uint64_t)(d * n));
  for (int64_t i = 0; i < n; ++i) {
    const double *mu = p->M + w->cls[i] * d;
    double *x = w->X + i * d;
    for (int64_t j = 0; j < d; ++j) x[j] += mu[j];
  }
  if (d <= n) {
    /* S = X X^T / n = V diag(lam) V^T; Bm = V^T X Y^T / n, Mv = V^T M */
    cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, (int)d, (int)n, 1.0 / (double)n, w->X, (int)d, 0.0,
                w->S, (int)d);
    if (!eig(w->S, w->lam, d, info)) return;
    memset(w->Y, 0, (size_t)(d * k) * sizeof(double));
    for (int64_t i = 0; i < n; ++i) {
      double *col = w->Y + w->lab[i] * d;
      const double *x = w->X + i * d;
      for (int64_t j = 0; j < d; ++j) col[j] += x[j];
    }
    for (int64_t q = 0; q < d * k; ++q) w->Y[q] /= (double)n;
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)d, (int)k, (int)d, 1.0, w->S, (int)d, w->Y, (int)d,
                0.0, w->Bm, (int)d);
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)d, (int)c, (int)d, 1.0, w->S, (int)d, p->M, (int)d,
                0.0, w->Mv, (int)d);
  } else {
    /* Gram K = X^T X / n = W diag(lam) W^T; the nonzero eigenvectors of S
     * are X w_q / sqrt(n lam_q): Bm_q = sqrt(lam_q/n) (W^T Y^T)_q,
     * Mv_q = (W^T X^T M)_q / sqrt(n lam_q). */
    cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, (int)n, (int)d, 1.0 / (double)n, w->X, (int)d, 0.0, w->S,
                (int)n);
    if (!eig(w->S, w->lam, n, info)) return;
    memset(w->Bm, 0, (size_t)(n * k) * sizeof(double));
    for (int64_t i = 0; i < n; ++i) { /* (W^T Y^T)[q, l] = sum_{lab_i = l} W[i, q] */
      double *col = w->Bm + w->lab[i] * n;
      for (int64_t q = 0; q < n; ++q) col[q] += w->S[i + q * n];
    }
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)n, (int)c, (int)d, 1.0, w->X, (int)d, p->M, (int)d,
                0.0, w->XtM, (int)n);
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)n, (int)c, (int)n, 1.0, w->S, (int)n, w->XtM,
                (int)n, 0.0, w->Mv, (int)n);
    double thr = fit_rank_thr(w->lam[n - 1]);
    for (int64_t q = 0; q < n; ++q) {
      double fb_, fm;
      fit_gram_factors(w->lam[q], thr, (double)n, &fb_, &fm);
      for (int64_t j = 0; j < k; ++j) w->Bm[q + j * n] *= fb_;
      for (int64_t a = 0; a < c; ++a) w->Mv[q + a * n] *= fm;
    }
  }
  int64_t per = k * c + 1;
  for (int64_t g = 0; g < p->ngrid; ++g)
    for (int64_t o = 0; o < per; ++o)
      out[g * per + o] = fit_mixture_value(w->Bm, w->Mv, w->lam, r, k, c, p->grid[g], o);
}

/* ------------------------------------------------ ridge */

/* With r = min(d, n) eigenpairs (lam_i, basis column B_i, d x r) and
 * coefficients v_i: bhat(l) = sum_i B_i v_i f(lam_i, l); yt_i is the squared
 * coordinate of y / sqrt(n) on the i-th left singular vector. */
static void ridge_trial(const cpu_fit_batch *fb, fit_ws *w, uint64_t t, double *out, int *info) {
  const rmtmc_fit_problem *p = &fb->p;
  const rmtmc_model *m = p->model;
  int64_t d = p->d, n = p->n, r = fb->r, ng = p->ngrid;
  uint64_t sx = rmtmc_stream_seed(p->seed, RMTMC_Q_FEATURES);
  if (m->sqrt_full) {
    rmtmc_fill_gaussian(sx, t, w->G, (uint64_t)(d * n));
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)d, (int)n, (int)d, 1.0, m->sqrt_full, (int)d, w->G,
                (int)d, 0.0, w->X, (int)d);
  } else {
    rmtmc_fill_gaussian(sx, t, w->X, (uint64_t)(d * n));
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < d; ++j) w->X[j + i * d] *= m->sqrt_diag[j];
  }
  rmtmc_fill_gaussian(rmtmc_stream_seed(p->seed, RMTMC_Q_NOISE), t, w->y, (uint64_t)n);
  double sn = sqrt(p->noise), yy = 0.0;
  for (int64_t i = 0; i < n; ++i) w->y[i] *= sn;
  cblas_dgemv(CblasColMajor, CblasTrans, (int)d, (int)n, 1.0, w->X, (int)d, p->beta, 1, 1.0, w->y, 1);
  for (int64_t i = 0; i < n; ++i) yy += w->y[i] * w->y[i];
  yy /= (double)n;
  const double *basis; /* d x r */
  if (d <= n) {
    cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, (int)d, (int)n, 1.0 / (double)n, w->X, (int)d, 0.0,
                w->S, (int)d);
    if (!eig(w->S, w->lam, d, info)) return;
    /* v = V^T X y / n; yt_i = v_i^2 / lam_i */
    cblas_dgemv(CblasColMajor, CblasNoTrans, (int)d, (int)n, 1.0 / (double)n, w->X, (int)d, w->y, 1, 0.0, w->e, 1);
    cblas_dgemv(CblasColMajor, CblasTrans, (int)d, (int)d, 1.0, w->S, (int)d, w->e, 1, 0.0, w->v, 1);
    double thr = fit_rank_thr(w->lam[d - 1]);
    for (int64_t i = 0; i < d; ++i) w->yt[i] = w->lam[i] > thr ? w->v[i] * w->v[i] / w->lam[i] : 0.0;
    basis = w->S;
  } else {
    cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, (int)n, (int)d, 1.0 / (double)n, w->X, (int)d, 0.0, w->S,
                (int)n);
    if (!eig(w->S, w->lam, n, info)) return;
    /* v = W^T y / sqrt(n), yt = v^2; basis X W / sqrt(n) */
    cblas_dgemv(CblasColMajor, CblasTrans, (int)n, (int)n, 1.0 / sqrt((double)n), w->S, (int)n, w->y, 1, 0.0,
                w->v, 1);
    for (int64_t i = 0; i < n; ++i) w->yt[i] = w->v[i] * w->v[i];
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)d, (int)n, (int)n, 1.0 / sqrt((double)n), w->X,
                (int)d, w->S, (int)n, 0.0, w->G, (int)d);
    basis = w->G;
  }
  double thr = fit_rank_thr(w->lam[r - 1]), ysum = 0.0;
  for (int64_t i = 0; i < r; ++i) ysum += w->yt[i];
  double yperp = yy - ysum > 0 ? yy - ysum : 0.0;
  /* E[i, g] = v_i f(lam_i, l_g); BH = basis E - beta (d x ng) */
  for (int64_t g = 0; g < ng; ++g)
    for (int64_t i = 0; i < r; ++i) w->E[i + g * r] = w->v[i] * fit_inv(w->lam[i], p->grid[g], thr);
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)d, (int)ng, (int)r, 1.0, basis, (int)d, w->E, (int)r,
              0.0, w->BH, (int)d);
  for (int64_t g = 0; g < ng; ++g)
    for (int64_t j = 0; j < d; ++j) w->BH[j + g * d] -= p->beta[j];
  if (m->sqrt_full)
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)d, (int)ng, (int)d, 1.0, m->sqrt_full, (int)d,
                w->BH, (int)d, 0.0, w->SE, (int)d);
  for (int64_t g = 0; g < ng; ++g) {
    double risk = 0.0;
    for (int64_t j = 0; j < d; ++j) {
      double x = m->sqrt_full ? w->SE[j + g * d] : m->sqrt_diag[j] * w->BH[j + g * d];
      risk += x * x;
    }
    double *o = out + RMTMC_FIT_RIDGE_NOUT * g;
    o[RMTMC_FIT_RIDGE_RISK] = risk;
    fit_ridge_scalars(w->lam, w->yt, r, yperp, p->grid[g], thr, (double)n, &o[RMTMC_FIT_RIDGE_TRAIN],
                      &o[RMTMC_FIT_RIDGE_TRACE]);
  }
}

/* ------------------------------------------------ the method's entries */

static rmtmc_status fit_limits(void *impl, const rmtmc_work *wk, rmtmc_batch_limits *lim, rmtmc_error *err) {
  cpu_impl *ci = impl;
  const rmtmc_fit_problem *p = wk->fit;
  ci->solver = "LAPACKE dsyevd";
  double fixed = 8.0 * (double)ci->threads * ws_doubles(p), per = 8.0 * (double)rmtmc_fit_nout(p) + 4.0;
  char what[224], desc[160];
  rmtmc_fit_describe(p, desc, sizeof desc);
  snprintf(what, sizeof what, "%s on %d CPU threads (a workspace each)", desc, ci->threads);
  return cpu_plan_batch(what, fixed, per, "the sizes or --threads", lim, err);
}

static void fit_free(void *impl, void *batch) {
  cpu_fit_batch *fb = batch;
  if (!fb) return;
  if (fb->ws)
    for (int i = 0; i < fb->threads; ++i) ws_free(&fb->ws[i]);
  free(fb->ws);
  free(fb->start);
  free(fb->info);
  free(fb);
}

static rmtmc_status fit_alloc(void *impl, const rmtmc_work *wk, int64_t cap, void **out, rmtmc_error *err) {
  cpu_impl *ci = impl;
  const rmtmc_fit_problem *p = wk->fit;
  ci->solver = "LAPACKE dsyevd";
  cpu_fit_batch *fb = calloc(1, sizeof *fb);
  if (!fb) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  fb->p = *p;
  fb->cap = cap;
  fb->nout = rmtmc_fit_nout(p);
  fb->r = rmtmc_fit_rank(p);
  fb->threads = ci->threads;
  fb->ws = calloc((size_t)fb->threads, sizeof(fit_ws));
  fb->info = calloc((size_t)cap, sizeof(int));
  int ok = fb->ws != NULL && fb->info != NULL;
  if (ok && p->kind == RMTMC_FIT_CONTEXTS && p->counts) {
    fb->start = malloc((size_t)(p->c + 1) * sizeof(int64_t));
    ok = fb->start != NULL;
    if (ok) rmtmc_fit_context_starts(p, fb->start);
  }
  for (int i = 0; ok && i < fb->threads; ++i) ok = ws_alloc(&fb->ws[i], p);
  if (!ok) {
    fit_free(impl, fb);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the fit workspace (%d threads x %.3g GiB)",
                           ci->threads, 8.0 * ws_doubles(p) / 1073741824.0);
  }
  *out = fb;
  return RMTMC_OK;
}

/* The trials to run; the work happens in fit_reduce. */
static rmtmc_status fit_sample(void *impl, void *batch, uint64_t seed, uint64_t trial0, int64_t count,
                               rmtmc_error *err) {
  cpu_fit_batch *fb = batch;
  fb->trial0 = trial0;
  fb->count = count;
  return RMTMC_OK;
}

typedef struct fit_job {
  cpu_fit_batch *fb;
  double *out;
} fit_job;

/* rmtmc_item_fn: trial i of the batch. */
static rmtmc_status fit_item(void *ctx, int thread, int64_t i, rmtmc_error *err) {
  const fit_job *j = ctx;
  cpu_fit_batch *fb = j->fb;
  void (*trial)(const cpu_fit_batch *, fit_ws *, uint64_t, double *, int *) =
      fb->p.kind == RMTMC_FIT_CONTEXTS ? contexts_trial
      : fb->p.kind == RMTMC_FIT_MIXTURE ? mixture_trial
                                        : ridge_trial;
  trial(fb, &fb->ws[thread], fb->trial0 + (uint64_t)i, j->out + i * fb->nout, &fb->info[i]);
  return RMTMC_OK;
}

static rmtmc_status fit_reduce(void *impl, void *batch, double *out, int64_t *hist, rmtmc_error *err) {
  cpu_impl *ci = impl;
  cpu_fit_batch *fb = batch;
  rmtmc_blas_serial();
  fit_job j = {.fb = fb, .out = out};
  memset(fb->info, 0, (size_t)fb->count * sizeof(int));
  rmtmc_status st = rmtmc_parallel_for(fb->threads, fb->count, fit_item, &j, err);
  if (st != RMTMC_OK) return st;
  return backend_check_info(ci->debug, "LAPACK dsyevd", fb->info, fb->count, fb->trial0, err);
}

const rmtmc_method_ops cpu_fit_method = {
    .limits = fit_limits,
    .alloc = fit_alloc,
    .free = fit_free,
    .sample = fit_sample,
    .gram = NULL,
    .solve = NULL,
    .reduce = fit_reduce,
    .copy_sample = NULL,
    .copy_eigvals = NULL,
};
