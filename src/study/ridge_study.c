/* ridge_study.c: the `ridge` study (docs/theory.md 4): per trial X (n x d, rows
 * ~ N(0, Sigma)), y = X beta + eps, ridge on a lambda grid from one
 * eigendecomposition per trial on a backend (rmtmc_fit.h); here beta is
 * drawn, the limits evaluated (rmtmc_ridge_grid, rmtmc_ridge_optimum) and
 * each trial's excess risk, training error and GCV set beside them.  The
 * backend's grid is the user's lambdas, then the optimal lambda of the
 * theory, then 0 (ridgeless), the last two when they exist. */
#include "rmtmc_studies.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/blas.h"
#include "core/parallel.h"
#include "engine/driver.h"
#include "rmtmc_accum.h"
#include "rmtmc_fit.h"
#include "rmtmc_rng.h"
#include "rmtmc_theory.h"
#include "rmtmc_theory_models.h"
#include "study/study_common.h"

#define R_NOBS 15 /* per lambda: (emp, theory, diff) x risk, train, gcv, gap, dof */

void rmtmc_ridge_config_default(rmtmc_ridge_config *c) {
  memset(c, 0, sizeof *c);
  c->d = 300;
  c->n = 600;
  rmtmc_run_opts_default(&c->run, 40, 1);
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
  rmtmc_status st = study_check_run(&c->run, 2, err);
  if (st != RMTMC_OK) return st;
  if (!(c->signal >= 0) || !isfinite(c->signal))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--signal must be finite and >= 0 (got %g)", c->signal);
  if (!(c->noise >= 0) || !isfinite(c->noise))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--noise must be finite and >= 0 (got %g)", c->noise);
  st = study_check_grid("lambda", c->lam, c->nlam, err);
  if (st != RMTMC_OK) return st;
  /* The host holds beta and Sigma's spectrum, plus Sigma^(1/2) and its
   * eigenvectors for a dense Sigma (ar1); the backend checks its own. */
  double d = (double)c->d, dense = strncmp(c->sigma, "ar1:", 4) == 0 ? 3.0 * d * d : 0.0;
  return rmtmc_mem_check("the ridge study (host side: Sigma and beta)", 8.0 * (dense + 8.0 * d), "--d", err);
}

/* Host side: the 15 per-lambda observables of each trial from the
 * backend's risk, training error and tr(H)/n. */
typedef struct ridge_post {
  int64_t ngrid;
  double noise;
  const rmtmc_ridge_limits *th; /* [ngrid] */
} ridge_post;

/* The five quantities of a lambda, in row order. */
static const struct {
  const char *name, *meaning;
} ridge_quantities[5] = {
    {"risk", "excess risk (bhat-beta)^T Sigma (bhat-beta)"},
    {"train", "training error (1/n)||y - X bhat||^2"},
    {"gcv", "GCV = train / (1 - tr H/n)^2 vs the limit risk + sigma2"},
    {"gcv_gap", "GCV - (excess risk + sigma2) vs 0"},
    {"dof", "1 - tr H/n vs lambda/kappa"},
};

/* drv_spec map */
static rmtmc_status ridge_map(void *ctx, uint64_t trial0, int64_t count, const double *out, double *rows,
                              double *sums, rmtmc_error *err) {
  const ridge_post *s = ctx;
  for (int64_t i = 0; i < count; ++i) {
    const double *o = out + i * RMTMC_FIT_RIDGE_NOUT * s->ngrid;
    for (int64_t g = 0; g < s->ngrid; ++g) {
      const double *q = o + RMTMC_FIT_RIDGE_NOUT * g;
      double risk = q[RMTMC_FIT_RIDGE_RISK], train = q[RMTMC_FIT_RIDGE_TRAIN];
      double dof = 1.0 - q[RMTMC_FIT_RIDGE_TRACE], gcv = train / (dof * dof);
      const rmtmc_ridge_limits *th = &s->th[g];
      double vals[5][2] = {{risk, th->risk}, {train, th->train}, {gcv, th->gcv},
                           {gcv - (risk + s->noise), 0.0}, {dof, th->lam_over_kappa}};
      double *r = rows + i * R_NOBS * s->ngrid + R_NOBS * g;
      for (int v = 0; v < 5; ++v) {
        r[3 * v] = vals[v][0];
        r[3 * v + 1] = vals[v][1];
        r[3 * v + 2] = vals[v][0] - vals[v][1];
      }
    }
  }
  return RMTMC_OK;
}

/* Exact finite-n expectation of the ridgeless excess risk (Gaussian rows):
 * least squares, d < n - 1: sigma2 E tr(Sigma (X X^T)^-1) = sigma2 d/(n-d-1)
 * for every non-singular Sigma (X = Sigma^(1/2) G); min-norm, d > n + 1, for
 * Sigma = I only: R2 (1 - n/d) + sigma2 n/(d-n-1); NAN otherwise. */
static double ridgeless_exact(double d, double n, double r2, double sigma2, int identity, int nonsingular) {
  if (d < n - 1 && nonsingular) return sigma2 * d / (n - d - 1);
  if (d > n + 1 && identity) return r2 * (1 - n / d) + sigma2 * n / (d - n - 1);
  return NAN;
}

void rmtmc_ridge_result_free(rmtmc_ridge_result *r) {
  if (!r) return;
  if (r->model.d > 0) rmtmc_model_free(&r->model);
  free(r->beta); free(r->s); free(r->b2); free(r->risk); free(r->train); free(r->gcv); free(r->gcv_gap);
  free(r->dof); free(r->kappa); free(r->bias); free(r->variance);
  rmtmc_curve_free(&r->theory_curve);
  rmtmc_trials_free(&r->trials);
  memset(r, 0, sizeof *r);
}

rmtmc_status rmtmc_ridge_run(const rmtmc_ridge_config *cfg, rmtmc_ridge_result *r, rmtmc_error *err) {
  memset(r, 0, sizeof *r);
  rmtmc_status st = rmtmc_ridge_validate(cfg, err);
  if (st != RMTMC_OK) return st;
  double t0 = rmtmc_now_seconds();
  r->config = *cfg;
  int64_t d = cfg->d, n = cfg->n, nl = cfg->nlam;
  r->eta = (double)d / (double)n;
  st = rmtmc_model_init(&r->model, d, n, cfg->sigma, RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, err);
  if (st != RMTMC_OK) {
    memset(&r->model, 0, sizeof r->model);
    return st;
  }
  double *U = NULL, *grid = NULL;
  rmtmc_ridge_limits *th = NULL;
  rmtmc_column *cols = NULL;
  ridge_post s;
  memset(&s, 0, sizeof s);
  drv dv;
  memset(&dv, 0, sizeof dv);
  drv_result acc;
  memset(&acc, 0, sizeof acc);
  /* the backend's grid: the user's lambdas, lambda*, 0 */
  int has_opt = cfg->signal > 0 && cfg->noise > 0;
  r->has_ridgeless = d <= n - 2 || d >= n + 2;
  int64_t ngrid = nl + has_opt + r->has_ridgeless;
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
  th = malloc((size_t)ngrid * sizeof(rmtmc_ridge_limits));
  grid = malloc((size_t)ngrid * sizeof(double));
  cols = calloc((size_t)(R_NOBS * ngrid), sizeof(rmtmc_column));
  if (!r->beta || !r->s || !r->b2 || !r->risk || !r->train || !r->gcv || !r->gcv_gap || !r->dof || !r->kappa ||
      !r->bias || !r->variance || !th || !grid || !cols) {
    st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the ridge study");
    goto done;
  }
  /* beta uniform on the sphere of radius sqrt(signal) (params, trial 2) */
  rmtmc_fill_gaussian(rmtmc_stream_seed(cfg->run.seed, RMTMC_Q_PARAMS), 2, r->beta, (uint64_t)d);
  {
    double s2 = 0.0;
    for (int64_t j = 0; j < d; ++j) s2 += r->beta[j] * r->beta[j];
    double f = sqrt(cfg->signal / s2);
    for (int64_t j = 0; j < d; ++j) r->beta[j] *= f;
  }
  /* Sigma's eigenvalues (the model's eigenbasis) and beta's coordinates in it */
  if (!r->model.sqrt_full) {
    if ((st = rmtmc_model_sigma_eigen(&r->model, r->s, NULL, err)) != RMTMC_OK) goto done;
    for (int64_t j = 0; j < d; ++j) r->b2[j] = r->beta[j] * r->beta[j];
  } else {
    U = malloc((size_t)(d * d) * sizeof(double));
    if (!U) { st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory (d x d)"); goto done; }
    if ((st = rmtmc_model_sigma_eigen(&r->model, r->s, U, err)) != RMTMC_OK) goto done;
    rmtmc_blas_serial();
    cblas_dgemv(CblasColMajor, CblasTrans, (int)d, (int)d, 1.0, U, (int)d, r->beta, 1, 0.0, r->b2, 1);
    for (int64_t j = 0; j < d; ++j) r->b2[j] *= r->b2[j];
  }
  r->signal_var = 0.0;
  for (int64_t j = 0; j < d; ++j) r->signal_var += r->s[j] * r->b2[j];
  /* the backend first (a problem it cannot hold fails before the theory),
   * with 1 standing in for lambda* until the theory has it */
  memcpy(grid, cfg->lam, (size_t)nl * sizeof(double));
  if (has_opt) grid[nl] = 1.0;
  if (r->has_ridgeless) grid[ngrid - 1] = 0.0;
  rmtmc_fit_problem p = {0};
  p.kind = RMTMC_FIT_RIDGE;
  p.d = d; p.n = n; p.seed = cfg->run.seed; p.ngrid = ngrid; p.grid = grid;
  p.model = &r->model; p.beta = r->beta; p.noise = cfg->noise;
  rmtmc_work work = {.method = RMTMC_METHOD_FIT, .fit = &p};
  if ((st = drv_open(&dv, &r->config.run, &work, 8.0 * (double)rmtmc_fit_nout(&p), err)) != RMTMC_OK) goto done;
  r->run = dv.info;
  {
    rmtmc_ridge_problem pb = {.natoms = d, .s = r->s, .count = NULL, .b2 = r->b2, .r2 = cfg->signal,
                              .n = (double)n, .sigma2 = cfg->noise};
    r->lam_opt = NAN;
    if (has_opt) {
      if ((st = rmtmc_ridge_optimum(&r->lam_opt, &r->opt, &r->lam_opt_interior, &pb, NULL, err)) != RMTMC_OK)
        goto done;
      grid[nl] = r->lam_opt;
    }
    if ((st = rmtmc_ridge_grid(th, &pb, grid, ngrid, NULL, err)) != RMTMC_OK) goto done;
    if (r->has_ridgeless) r->ridgeless_theory = th[ngrid - 1];
    /* the limits over a fine lambda grid (and lambda*), for the picture */
    if ((st = study_curve_alloc(&r->theory_curve, 4, cfg->lam, nl, r->lam_opt, err)) != RMTMC_OK) goto done;
    for (int64_t i = 0; i < r->theory_curve.n; ++i) {
      rmtmc_ridge_limits L;
      if (rmtmc_ridge_theory(&L, &pb, r->theory_curve.x[i], NULL, NULL) != RMTMC_OK) continue;
      double y[4] = {L.risk, L.train, L.gcv, L.lam_over_kappa};
      for (int q = 0; q < 4; ++q) r->theory_curve.y[q][i] = y[q];
    }
  }
  s.ngrid = ngrid;
  s.noise = cfg->noise;
  s.th = th;
  for (int64_t g = 0; g < ngrid; ++g)
    for (int v = 0; v < 5; ++v)
      study_grid_columns(cols + R_NOBS * g + 3 * v, ridge_quantities[v].name, ridge_quantities[v].meaning, "lambda",
                         g, grid[g]);
  drv_spec spec = {.work = work, .nrow = R_NOBS * ngrid, .map = ridge_map, .ctx = &s, .columns = cols};
  if ((st = drv_run(&dv, &spec, &acc, err)) != RMTMC_OK) goto done;
  r->run = dv.info; /* with the run's times */
  rmtmc_pop pop = rmtmc_model_pop(&r->model);
  for (int64_t g = 0; g < nl; ++g) {
    const rmtmc_welford *w = acc.w + R_NOBS * g;
    study_finish_row(&r->risk[g], cfg->lam[g], w);
    study_finish_row(&r->train[g], cfg->lam[g], w + 3);
    study_finish_row(&r->gcv[g], cfg->lam[g], w + 6);
    study_finish_row(&r->gcv_gap[g], cfg->lam[g], w + 9);
    study_finish_row(&r->dof[g], cfg->lam[g], w + 12);
    /* 1 - tr H/n = 1 - eta + eta lam m_d(-lam): its mean is off the limit by
     * eta lam (E m_d - m) ~ lam mu(-lam)/n (Bai-Silverstein mean, Gaussian rows). */
    double complex mu;
    if (rmtmc_theory_stieltjes_bias(&pop, r->eta, -cfg->lam[g], 0.0, NULL, &mu, NULL) == RMTMC_OK)
      study_set_bias(&r->dof[g], cfg->lam[g] * creal(mu) / (double)cfg->n);
    r->kappa[g] = th[g].kappa;
    r->bias[g] = th[g].bias;
    r->variance[g] = th[g].variance;
  }
  if (has_opt) study_finish_row(&r->risk_opt, r->lam_opt, acc.w + R_NOBS * nl);
  if (r->has_ridgeless) {
    /* In the verdict (a bias set) only where the exact expectation is known
     * and positive, and the variance finite: the second moment of
     * tr (X X^T)^-1 needs |d - n| >= 4. */
    study_finish_row(&r->ridgeless, 0.0, acc.w + R_NOBS * (ngrid - 1));
    double smin = HUGE_VAL;
    for (int64_t j = 0; j < d; ++j) smin = fmin(smin, r->s[j]);
    double exact = ridgeless_exact((double)d, (double)n, cfg->signal, cfg->noise,
                                   r->model.sigma_kind == RMTMC_SIGMA_IDENTITY, smin > 0);
    if (exact > 0 && (d <= n - 4 || d >= n + 4)) study_set_bias(&r->ridgeless, exact - r->ridgeless.theory);
  }
  r->trials = acc.trials; /* moved */
  memset(&acc.trials, 0, sizeof acc.trials);
  r->seconds = rmtmc_now_seconds() - t0;
  r->trials_per_second = (double)cfg->run.trials / r->seconds;
done:
  drv_close(&dv);
  drv_result_free(&acc);
  free(th); free(grid); free(U); free(cols);
  if (st != RMTMC_OK) rmtmc_ridge_result_free(r);
  return st;
}
