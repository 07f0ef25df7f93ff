/* ridge_study.c: the `ridge` study (THEORY 4): per trial X (n x d, rows
 * ~ N(0, Sigma)), y = X beta + eps, ridge on a lambda grid from one
 * eigendecomposition per trial (of X^T X/n when d <= n, of the Gram X X^T/n
 * otherwise); excess risk, training error, GCV beside rmtmc_ridge_grid.
 * Stream layout: rmtmc_studies.h. */
#include "rmtmc_studies.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rmtmc_accum.h"
#include "rmtmc_rng.h"
#include "rmtmc_theory.h"
#include "rmtmc_theory_models.h"
#include "study/study_common.h"

#define R_NOBS 15 /* per lambda: (emp, theory, diff) x risk, train, gcv, gap, dof */

void rmtmc_ridge_config_default(rmtmc_ridge_config *c) {
  memset(c, 0, sizeof *c);
  c->d = 300;
  c->n = 600;
  c->trials = 40;
  c->seed = 1;
  strcpy(c->sigma, "identity");
  c->signal = 1.0;
  c->noise = 1.0;
  double l[4] = {0.01, 0.1, 0.5, 1.0};
  c->nlam = 4;
  memcpy(c->lam, l, sizeof l);
}

rmtmc_status rmtmc_ridge_validate(const rmtmc_ridge_config *c, rmtmc_error *err) {
  if (c->d < 1 || c->n < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--d and --n must be >= 1 (got %lld and %lld)",
                           (long long)c->d, (long long)c->n);
  if (c->d > 2147483647 || c->n > 2147483647)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE, "--d and --n must be below 2^31 (BLAS/LAPACK index limit)");
  if (c->trials < 2) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--trials must be >= 2 (standard errors)");
  if (!(c->signal >= 0) || !isfinite(c->signal))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--signal must be finite and >= 0 (got %g)", c->signal);
  if (!(c->noise >= 0) || !isfinite(c->noise))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--noise must be finite and >= 0 (got %g)", c->noise);
  rmtmc_status st = study_check_grid("lambda", c->lam, c->nlam, err);
  if (st != RMTMC_OK) return st;
  double d = (double)c->d, n = (double)c->n, r = d < n ? d : n;
  double bytes = 8.0 * study_resolve_threads(c->threads) * (2.0 * d * n + r * r + 4.0 * (d + n)) + 16.0 * d * d;
  return study_check_memory("the ridge study", bytes, "--d, --n or --threads", err);
}

typedef struct ridge_work {
  double *G, *X, *S, *lam, *y, *v, *yt, *bh, *e, *se;
} ridge_work;

static void ridge_work_free(ridge_work *w) {
  free(w->G); free(w->X); free(w->S); free(w->lam); free(w->y); free(w->v); free(w->yt);
  free(w->bh); free(w->e); free(w->se);
}

static int ridge_work_alloc(ridge_work *w, int64_t d, int64_t n, int full) {
  memset(w, 0, sizeof *w);
  int64_t r = d < n ? d : n;
  w->G = full ? malloc((size_t)(d * n) * sizeof(double)) : NULL;
  w->X = malloc((size_t)(d * n) * sizeof(double));
  w->S = malloc((size_t)(r * r) * sizeof(double));
  w->lam = malloc((size_t)r * sizeof(double));
  w->y = malloc((size_t)n * sizeof(double));
  w->v = malloc((size_t)(d > n ? d : n) * sizeof(double));
  w->yt = malloc((size_t)r * sizeof(double));
  w->bh = malloc((size_t)d * sizeof(double));
  w->e = malloc((size_t)d * sizeof(double));
  w->se = malloc((size_t)d * sizeof(double));
  return (!full || w->G) && w->X && w->S && w->lam && w->y && w->v && w->yt && w->bh && w->e && w->se;
}

typedef struct ridge_shared {
  const rmtmc_ridge_config *cfg;
  const rmtmc_model *m;
  const double *beta;
  const rmtmc_ridge_limits *th;
  ridge_work *ws; /* [threads] */
  double *obs;    /* [STUDY_BATCH][R_NOBS * nlam] */
} ridge_shared;

/* One trial: Xt = Sigma^(1/2) G (d x n, columns = samples), y = Xt^T beta +
 * sqrt(sigma2) eps.  With r = min(d, n) eigenpairs (lam_i, basis B_i) and
 * coefficients v_i, bhat(l) = sum_i B_i v_i / (lam_i + l) and
 * ytilde_i^2 = (component of y/sqrt(n) on the i-th left singular vector)^2. */
static rmtmc_status ridge_trial(const ridge_shared *s, ridge_work *w, uint64_t t, double *obs,
                                rmtmc_error *err) {
  const rmtmc_ridge_config *cfg = s->cfg;
  const rmtmc_model *m = s->m;
  int64_t d = cfg->d, n = cfg->n, r = d < n ? d : n;
  uint64_t sx = rmtmc_study_seed(cfg->seed, RMTMC_Q_FEATURES);
  if (m->sqrt_full) {
    study_fill_gaussian(sx, t, w->G, (uint64_t)(d * n));
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)d, (int)n, (int)d, 1.0, m->sqrt_full, (int)d,
                w->G, (int)d, 0.0, w->X, (int)d);
  } else {
    study_fill_gaussian(sx, t, w->X, (uint64_t)(d * n));
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < d; ++j) w->X[j + i * d] *= m->sqrt_diag[j];
  }
  study_fill_gaussian(rmtmc_study_seed(cfg->seed, RMTMC_Q_NOISE), t, w->y, (uint64_t)n);
  double sn = sqrt(cfg->noise), yy = 0.0;
  for (int64_t i = 0; i < n; ++i) w->y[i] *= sn;
  cblas_dgemv(CblasColMajor, CblasTrans, (int)d, (int)n, 1.0, w->X, (int)d, s->beta, 1, 1.0, w->y, 1);
  for (int64_t i = 0; i < n; ++i) yy += w->y[i] * w->y[i];
  yy /= (double)n;
  lapack_int info;
  double *basis; /* d x r */
  if (d <= n) {
    cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, (int)d, (int)n, 1.0 / (double)n, w->X, (int)d, 0.0,
                w->S, (int)d);
    info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'L', (lapack_int)d, w->S, (lapack_int)d, w->lam);
    if (info != 0)
      return rmtmc_error_set(err, RMTMC_ERR_NUMERIC, "LAPACKE_dsyevd failed (info %d) in trial %llu", (int)info,
                             (unsigned long long)t);
    /* b = V^T Xt y / n; v_i = b_i; ytilde_i^2 = b_i^2 / lam_i */
    cblas_dgemv(CblasColMajor, CblasNoTrans, (int)d, (int)n, 1.0 / (double)n, w->X, (int)d, w->y, 1, 0.0, w->e, 1);
    cblas_dgemv(CblasColMajor, CblasTrans, (int)d, (int)d, 1.0, w->S, (int)d, w->e, 1, 0.0, w->v, 1);
    for (int64_t i = 0; i < d; ++i) w->yt[i] = w->lam[i] > 0 ? w->v[i] * w->v[i] / w->lam[i] : 0.0;
    basis = w->S;
  } else {
    cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, (int)n, (int)d, 1.0 / (double)n, w->X, (int)d, 0.0, w->S,
                (int)n);
    info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'L', (lapack_int)n, w->S, (lapack_int)n, w->lam);
    if (info != 0)
      return rmtmc_error_set(err, RMTMC_ERR_NUMERIC, "LAPACKE_dsyevd failed (info %d) in trial %llu", (int)info,
                             (unsigned long long)t);
    /* ytilde = W^T y / sqrt(n); basis Xt W / sqrt(n) (into G or a copy), v = ytilde */
    cblas_dgemv(CblasColMajor, CblasTrans, (int)n, (int)n, 1.0 / sqrt((double)n), w->S, (int)n, w->y, 1, 0.0,
                w->v, 1);
    for (int64_t i = 0; i < n; ++i) w->yt[i] = w->v[i] * w->v[i];
    double *B = w->G ? w->G : malloc((size_t)(d * n) * sizeof(double));
    if (!B) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory (d x n)");
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)d, (int)n, (int)n, 1.0 / sqrt((double)n), w->X,
                (int)d, w->S, (int)n, 0.0, B, (int)d);
    memcpy(w->X, B, (size_t)(d * n) * sizeof(double));
    if (B != w->G) free(B);
    basis = w->X;
  }
  double ysum = 0.0;
  for (int64_t i = 0; i < r; ++i) ysum += w->yt[i];
  double yperp = yy - ysum > 0 ? yy - ysum : 0.0;
  for (int64_t g = 0; g < cfg->nlam; ++g) {
    double l = cfg->lam[g], tr = 0.0, train = yperp;
    for (int64_t i = 0; i < r; ++i) {
      double f = 1.0 / (w->lam[i] + l);
      w->e[i] = w->v[i] * f;
      tr += w->lam[i] * f;
      train += l * l * f * f * w->yt[i];
    }
    cblas_dgemv(CblasColMajor, CblasNoTrans, (int)d, (int)r, 1.0, basis, (int)d, w->e, 1, 0.0, w->bh, 1);
    for (int64_t j = 0; j < d; ++j) w->bh[j] -= s->beta[j];
    double risk = 0.0;
    if (m->sqrt_full) {
      cblas_dgemv(CblasColMajor, CblasNoTrans, (int)d, (int)d, 1.0, m->sqrt_full, (int)d, w->bh, 1, 0.0, w->se, 1);
      for (int64_t j = 0; j < d; ++j) risk += w->se[j] * w->se[j];
    } else {
      for (int64_t j = 0; j < d; ++j) {
        double x = m->sqrt_diag[j] * w->bh[j];
        risk += x * x;
      }
    }
    double dof = 1.0 - tr / (double)n, gcv = train / (dof * dof);
    const rmtmc_ridge_limits *th = &s->th[g];
    double vals[5][2] = {{risk, th->risk}, {train, th->train}, {gcv, th->gcv},
                         {gcv - (risk + cfg->noise), 0.0}, {dof, th->lam_over_kappa}};
    double *o = obs + R_NOBS * g;
    for (int q = 0; q < 5; ++q) {
      o[3 * q] = vals[q][0];
      o[3 * q + 1] = vals[q][1];
      o[3 * q + 2] = vals[q][0] - vals[q][1];
    }
  }
  return RMTMC_OK;
}

/* study_trial_fn: trial t of the batch, into row i of the batch buffer. */
static rmtmc_status ridge_batch_trial(void *ctx, int thread, int64_t i, uint64_t t, rmtmc_error *err) {
  const ridge_shared *s = ctx;
  return ridge_trial(s, &s->ws[thread], t, s->obs + (size_t)i * R_NOBS * s->cfg->nlam, err);
}

void rmtmc_ridge_result_free(rmtmc_ridge_result *r) {
  if (!r) return;
  if (r->model.d > 0) rmtmc_model_free(&r->model);
  free(r->beta); free(r->s); free(r->b2); free(r->risk); free(r->train); free(r->gcv); free(r->gcv_gap);
  free(r->dof); free(r->kappa); free(r->bias); free(r->variance);
  memset(r, 0, sizeof *r);
}

rmtmc_status rmtmc_ridge_run(const rmtmc_ridge_config *cfg, rmtmc_ridge_result *r, rmtmc_error *err) {
  memset(r, 0, sizeof *r);
  rmtmc_status st = rmtmc_ridge_validate(cfg, err);
  if (st != RMTMC_OK) return st;
  double t0 = rmtmc_now_seconds();
  r->config = *cfg;
  int64_t d = cfg->d, n = cfg->n, nl = cfg->nlam;
  int threads = study_resolve_threads(cfg->threads);
  r->config.threads = threads;
  r->eta = (double)d / (double)n;
  st = rmtmc_model_init(&r->model, d, n, cfg->sigma, RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, err);
  if (st != RMTMC_OK) {
    memset(&r->model, 0, sizeof r->model);
    return st;
  }
  ridge_work *ws = NULL;
  double *obs = NULL, *U = NULL;
  rmtmc_ridge_limits *th = NULL;
  rmtmc_accum_stream acc;
  int acc_ok = 0;
  r->beta = malloc((size_t)d * sizeof(double));
  r->s = malloc((size_t)d * sizeof(double));
  r->b2 = malloc((size_t)d * sizeof(double));
  r->risk = calloc((size_t)nl, sizeof(rmtmc_grid_row));
  r->train = calloc((size_t)nl, sizeof(rmtmc_grid_row));
  r->gcv = calloc((size_t)nl, sizeof(rmtmc_grid_row));
  r->gcv_gap = calloc((size_t)nl, sizeof(rmtmc_grid_row));
  r->dof = calloc((size_t)nl, sizeof(rmtmc_grid_row));
  r->kappa = calloc((size_t)nl, sizeof(double));
  r->bias = calloc((size_t)nl, sizeof(double));
  r->variance = calloc((size_t)nl, sizeof(double));
  th = malloc((size_t)nl * sizeof(rmtmc_ridge_limits));
  obs = malloc((size_t)(STUDY_BATCH * R_NOBS * nl) * sizeof(double));
  ws = calloc((size_t)threads, sizeof(ridge_work));
  if (!r->beta || !r->s || !r->b2 || !r->risk || !r->train || !r->gcv || !r->gcv_gap || !r->dof || !r->kappa ||
      !r->bias || !r->variance || !th || !obs || !ws) {
    st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the ridge study");
    goto done;
  }
  /* beta uniform on the sphere of radius sqrt(signal) (params, trial 2) */
  study_fill_gaussian(rmtmc_study_seed(cfg->seed, RMTMC_Q_PARAMS), 2, r->beta, (uint64_t)d);
  {
    double s2 = 0.0;
    for (int64_t j = 0; j < d; ++j) s2 += r->beta[j] * r->beta[j];
    double f = sqrt(cfg->signal / s2);
    for (int64_t j = 0; j < d; ++j) r->beta[j] *= f;
  }
  /* Sigma's eigenvalues and beta's coordinates in its eigenbasis */
  if (!r->model.sqrt_full) {
    for (int64_t j = 0; j < d; ++j) {
      r->s[j] = r->model.sqrt_diag[j] * r->model.sqrt_diag[j];
      r->b2[j] = r->beta[j] * r->beta[j];
    }
  } else {
    U = malloc((size_t)(d * d) * sizeof(double));
    if (!U) { st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory (d x d)"); goto done; }
    cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, (int)d, (int)d, 1.0, r->model.sqrt_full, (int)d, 0.0, U,
                (int)d);
    lapack_int info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'L', (lapack_int)d, U, (lapack_int)d, r->s);
    if (info != 0) { st = rmtmc_error_set(err, RMTMC_ERR_NUMERIC, "LAPACKE_dsyevd of Sigma failed (info %d)", (int)info); goto done; }
    cblas_dgemv(CblasColMajor, CblasTrans, (int)d, (int)d, 1.0, U, (int)d, r->beta, 1, 0.0, r->b2, 1);
    for (int64_t j = 0; j < d; ++j) {
      if (r->s[j] < 0) r->s[j] = 0.0;
      r->b2[j] *= r->b2[j];
    }
  }
  r->signal_var = 0.0;
  for (int64_t j = 0; j < d; ++j) r->signal_var += r->s[j] * r->b2[j];
  {
    rmtmc_ridge_problem pb = {d, r->s, NULL, r->b2, cfg->signal, (double)n, cfg->noise};
    if ((st = rmtmc_ridge_grid(th, &pb, cfg->lam, nl, NULL, err)) != RMTMC_OK) goto done;
  }
  for (int i = 0; i < threads; ++i)
    if (!ridge_work_alloc(&ws[i], d, n, r->model.sqrt_full != NULL)) {
      st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the per-thread workspace");
      goto done;
    }
  if ((st = rmtmc_accum_stream_init(&acc, R_NOBS * nl, 0, err)) != RMTMC_OK) goto done;
  acc_ok = 1;
  ridge_shared sh = {cfg, &r->model, r->beta, th, ws, obs};
  openblas_set_num_threads(1);
  for (int64_t b0 = 0; b0 < cfg->trials && st == RMTMC_OK; b0 += STUDY_BATCH) {
    int64_t nb = cfg->trials - b0 < STUDY_BATCH ? cfg->trials - b0 : STUDY_BATCH;
    if ((st = study_run_batch(threads, b0, nb, ridge_batch_trial, &sh, err)) != RMTMC_OK) break;
    for (int64_t i = 0; i < nb; ++i) rmtmc_accum_stream_add(&acc, obs + (size_t)i * R_NOBS * nl);
    if (cfg->progress) cfg->progress(cfg->progress_ctx, b0 + nb, cfg->trials);
  }
  if (st != RMTMC_OK) goto done;
  rmtmc_accum_stream_finish(&acc);
  for (int64_t g = 0; g < nl; ++g) {
    const rmtmc_welford *w = acc.total.obs + R_NOBS * g;
    study_finish_row(&r->risk[g], cfg->lam[g], w);
    study_finish_row(&r->train[g], cfg->lam[g], w + 3);
    study_finish_row(&r->gcv[g], cfg->lam[g], w + 6);
    study_finish_row(&r->gcv_gap[g], cfg->lam[g], w + 9);
    study_finish_row(&r->dof[g], cfg->lam[g], w + 12);
    /* 1 - tr H/n = 1 - eta + eta lam m_d(-lam): its mean is off the limit by
     * eta lam (E m_d - m) ~ lam mu(-lam)/n (Bai-Silverstein mean, Gaussian rows). */
    rmtmc_pop pop = rmtmc_model_pop(&r->model);
    double complex mu;
    if (rmtmc_theory_stieltjes_bias(&pop, r->eta, -cfg->lam[g], 0.0, NULL, &mu, NULL) == RMTMC_OK)
      study_set_bias(&r->dof[g], cfg->lam[g] * creal(mu) / (double)cfg->n);
    r->kappa[g] = th[g].kappa;
    r->bias[g] = th[g].bias;
    r->variance[g] = th[g].variance;
  }
  r->seconds = rmtmc_now_seconds() - t0;
  r->trials_per_second = (double)cfg->trials / r->seconds;
done:
  if (acc_ok) rmtmc_accum_stream_free(&acc);
  if (ws)
    for (int i = 0; i < threads; ++i) ridge_work_free(&ws[i]);
  free(ws); free(obs); free(th); free(U);
  if (st != RMTMC_OK) rmtmc_ridge_result_free(r);
  return st;
}
