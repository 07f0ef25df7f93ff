/* rmtmc_studies.h: Monte Carlo studies of the ridge "linear generative
 * model" (docs/theory.md 3: Proposition A, discrete contexts; Proposition B, Gaussian
 * mixture, corrected) and of ridge regression (docs/theory.md 4), each set beside
 * the deterministic equivalents of rmtmc_theory_models.h.
 *
 * Every trial runs on a backend (rmtmc_backend.h, the fit method) through
 * the run driver (rmtmc_run.h): the data are drawn from the trial's own
 * streams (layout in rmtmc_fit.h), so a trial is the same on the CPU and the
 * GPU and can be replayed alone; the backend returns a few numbers per trial
 * and grid point (rmtmc_fit.h) and the study sets them beside the theory on
 * the host, trial by trial (the rows of the per-trial table).
 *
 * Reproducibility: the rows are accumulated in trial order in blocks of 64
 * trials (rmtmc_run.h), so results depend on (seed, trials) only: bit for bit
 * on the CPU for any thread count and batch size, to rounding on a GPU. */
#ifndef RMTMC_STUDIES_H
#define RMTMC_STUDIES_H

#include <stdint.h>
#include <stdio.h>

#include "rmtmc_backend.h"
#include "rmtmc_fit.h" /* RMTMC_Q_* stream tags */
#include "rmtmc_model.h"
#include "rmtmc_run.h"
#include "rmtmc_spectrum.h" /* rmtmc_stat */
#include "rmtmc_status.h"
#include "rmtmc_theory_models.h" /* rmtmc_ridge_limits */
#include "rmtmc_verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RMTMC_STUDY_MAX_GRID 64

/* Derived seed of quantity q (rmtmc_stream_seed; layout in rmtmc_fit.h). */
uint64_t rmtmc_study_seed(uint64_t seed, uint64_t q);

/* Parse a comma-separated list of finite numbers > 0 (gamma or lambda grid)
 * into out[cap]; opt names the option in messages. */
rmtmc_status rmtmc_parse_grid(const char *opt, const char *s, double *out,
                              int64_t cap, int64_t *count, rmtmc_error *err);

/* One grid point (gamma or lambda) of an observable. */
typedef struct rmtmc_grid_row {
  double x;        /* gamma or lambda */
  rmtmc_stat emp;  /* empirical per-trial value: mean, stderr, sd */
  double theory;   /* deterministic equivalent (mean over trials of the
                      per-trial theory when it depends on realised counts) */
  rmtmc_stat diff; /* per-trial empirical - theory */
  double zscore;   /* diff.mean / diff.stderr */
  double bias;     /* predicted finite-size offset of the mean (NAN: none known) */
  double zscore_corrected; /* (diff.mean - bias) / diff.stderr (NAN: no bias known) */
} rmtmc_grid_row;


/* The theory as a continuous curve for pictures: n points x, log-spaced
 * over the grid's range (widened by 1.25 each side), and the theory of
 * observable q there, y[q][i] (NAN where it could not be evaluated). */
#define RMTMC_CURVE_MAX 5
#define RMTMC_CURVE_POINTS 300
typedef struct rmtmc_curve {
  int64_t n;
  int nq;
  double *x;
  double *y[RMTMC_CURVE_MAX];
} rmtmc_curve;
void rmtmc_curve_free(rmtmc_curve *c);

/* ================= Proposition A: `rmtmc generative contexts` =========== */
typedef enum rmtmc_counts_kind {
  RMTMC_COUNTS_FIXED = 0,      /* n_a = alpha_a n / c, largest remainders */
  RMTMC_COUNTS_MULTINOMIAL = 1 /* contexts drawn, P(a) = alpha_a / c */
} rmtmc_counts_kind;

typedef struct rmtmc_contexts_config {
  int64_t k;           /* labels (vocabulary size K) */
  int64_t context_len; /* L: c = K^L when contexts == 0 */
  int64_t contexts;    /* c (0: K^L) */
  int64_t d, n;
  rmtmc_run_opts run;         /* trials, seed, backend, threads, batch, progress */
  double rho;                 /* softmax temperature of p_a */
  char alpha[RMTMC_SPEC_LEN]; /* "uniform" or "file:PATH" (c numbers >= 0) */
  rmtmc_counts_kind counts;
  int64_t ngamma;
  double gamma[RMTMC_STUDY_MAX_GRID];
} rmtmc_contexts_config;

/* Defaults: K = 4, L = 4 (c = 256), d = 256, n = 2560, trials = 40,
 * seed 1, rho = 1, uniform alpha, fixed counts, gamma 1e-3,1e-2,0.1,1. */
void rmtmc_contexts_config_default(rmtmc_contexts_config *c);

typedef struct rmtmc_contexts_result {
  rmtmc_contexts_config config;
  int64_t c;
  double eta;          /* d / c */
  double *P;           /* k x c */
  double *alpha;       /* c: nominal alpha (mean 1) */
  double *alpha_fixed; /* c: realised c n_a / n of the fixed counts (NULL
                          for multinomial) */
  double alpha_mean_sd;   /* multinomial: mean over trials of sd_a(alpha_a) */
  double empty_fraction;  /* multinomial: mean fraction of n_a = 0 */
  rmtmc_grid_row *etrain; /* [ngamma] (1/c)||P - Phat||_F^2 */
  rmtmc_grid_row *shrink; /* [ngamma] (1/c) sum_a <phat_a,p_a>/||p_a||^2 vs
                             (1/c) sum_a D_a */
  rmtmc_grid_row *spread; /* [ngamma] the covariance of the predictions:
                             (1/c) sum_a ||phat_a - m_a||^2 vs
                             (1/c) sum_a tr(C_a - m_a m_a^T) */
  double *phat_dev;   /* [ngamma] sqrt((1/c) sum_a ||mean_t(phat_a - m_a)||^2) */
  double *phat_noise; /* [ngamma] its noise floor sqrt(mean_t (1/c) sum_a
                         (tr C_a - ||m_a||^2) / T) */
  rmtmc_curve theory_curve; /* etrain, shrinkage, spread (theory at the fixed
                               counts' alpha, or the nominal alpha) */
  rmtmc_run_info run;   /* where the trials ran */
  rmtmc_trials trials;  /* per-trial rows (run.save_trials) */
  double seconds, trials_per_second;
} rmtmc_contexts_result;

rmtmc_status rmtmc_contexts_validate(const rmtmc_contexts_config *cfg,
                                     rmtmc_error *err);
rmtmc_status rmtmc_contexts_run(const rmtmc_contexts_config *cfg,
                                rmtmc_contexts_result *res, rmtmc_error *err);
void rmtmc_contexts_result_free(rmtmc_contexts_result *res);

/* ================= Proposition B: `rmtmc generative mixture` ============ */
typedef struct rmtmc_mixture_config {
  int64_t classes, k, d, n;
  rmtmc_run_opts run;         /* trials, seed, backend, threads, batch, progress */
  double rho;                 /* softmax temperature of p_a */
  double mean_norm;           /* ||mu_a|| of the drawn means */
  char means[RMTMC_SPEC_LEN]; /* "" (drawn) or "file:PATH": c lines of d
                                 numbers (then classes = lines) */
  int64_t ngamma;
  double gamma[RMTMC_STUDY_MAX_GRID];
} rmtmc_mixture_config;

/* Defaults: c = 3, k = 4, d = 300, n = 600, trials = 40, seed 1, rho 1,
 * R = 2, gamma 0.01,0.1,0.5,1. */
void rmtmc_mixture_config_default(rmtmc_mixture_config *c);

typedef struct rmtmc_mixture_result {
  rmtmc_mixture_config config;
  int64_t c;
  double eta;            /* d / n */
  double *P;             /* k x c */
  double *M;             /* d x c means */
  double *G;             /* c x c = M^T M */
  rmtmc_grid_row *etest; /* [ngamma] E_test (expectation over test noise) */
  double *theory_first, *theory_trC; /* [ngamma] the two parts */
  rmtmc_curve theory_curve; /* etest */
  rmtmc_run_info run;   /* where the trials ran */
  rmtmc_trials trials;  /* per-trial rows (run.save_trials) */
  double seconds, trials_per_second;
} rmtmc_mixture_result;

rmtmc_status rmtmc_mixture_validate(const rmtmc_mixture_config *cfg,
                                    rmtmc_error *err);
rmtmc_status rmtmc_mixture_run(const rmtmc_mixture_config *cfg,
                               rmtmc_mixture_result *res, rmtmc_error *err);
void rmtmc_mixture_result_free(rmtmc_mixture_result *res);

/* ========================= ridge: `rmtmc ridge` ========================= */
typedef struct rmtmc_ridge_config {
  int64_t d, n;
  rmtmc_run_opts run;         /* trials, seed, backend, threads, batch, progress */
  char sigma[RMTMC_SPEC_LEN]; /* Sigma spec (rmtmc_model.h) */
  double signal;              /* ||beta||^2 */
  double noise;               /* sigma2 = Var eps */
  int64_t nlam;
  double lam[RMTMC_STUDY_MAX_GRID];
} rmtmc_ridge_config;

/* Defaults: d = 300, n = 600, trials = 40, seed 1, identity, signal 1,
 * noise 1, lambda 0.01,0.1,0.5,1. */
void rmtmc_ridge_config_default(rmtmc_ridge_config *c);

typedef struct rmtmc_ridge_result {
  rmtmc_ridge_config config;
  rmtmc_model model;
  double eta;       /* d / n */
  double *beta;     /* d */
  double *s, *b2;   /* d: eigenvalues of Sigma and (u_j^T beta)^2 */
  double signal_var; /* beta^T Sigma beta */
  rmtmc_grid_row *risk;  /* [nlam] (bhat-beta)^T Sigma (bhat-beta) */
  rmtmc_grid_row *train; /* [nlam] (1/n)||y - X bhat||^2 */
  rmtmc_grid_row *gcv;   /* [nlam] GCV vs risk + sigma2 (limit) */
  rmtmc_grid_row *gcv_gap; /* [nlam] GCV - (R_emp + sigma2) per trial vs 0 */
  rmtmc_grid_row *dof;   /* [nlam] 1 - tr H / n vs lam / kappa */
  double *kappa, *bias, *variance; /* [nlam] theory */
  /* The optimal ridge of the theory (rmtmc_ridge_optimum): lam_opt (NAN
   * when it is 0 or infinite: no noise or no signal), its limits, and the
   * empirical excess risk at lam_opt (risk_opt.x = lam_opt). */
  double lam_opt;
  int lam_opt_interior;
  rmtmc_ridge_limits opt;
  rmtmc_grid_row risk_opt;
  /* Ridgeless (min-norm, lambda -> 0+) excess risk against its limit; run
   * when |d - n| >= 2 (has_ridgeless).  Where the exact finite-n
   * expectation is known and positive (sigma2 d/(n-d-1) for d < n - 1 and
   * any non-singular Sigma; R2 (1 - n/d) + sigma2 n/(d-n-1) for d > n + 1
   * and Sigma = I) and the variance is finite (|d - n| >= 4),
   * ridgeless.bias is its distance to the limit and the row is in the
   * verdict; else bias is NAN and the row is informational. */
  int has_ridgeless;
  rmtmc_ridge_limits ridgeless_theory;
  rmtmc_grid_row ridgeless;
  rmtmc_curve theory_curve; /* risk, train, gcv, 1 - tr H/n over lambda */
  rmtmc_run_info run;   /* where the trials ran */
  rmtmc_trials trials;  /* per-trial rows (run.save_trials) */
  double seconds, trials_per_second;
} rmtmc_ridge_result;

rmtmc_status rmtmc_ridge_validate(const rmtmc_ridge_config *cfg,
                                  rmtmc_error *err);
rmtmc_status rmtmc_ridge_run(const rmtmc_ridge_config *cfg,
                             rmtmc_ridge_result *res, rmtmc_error *err);
void rmtmc_ridge_result_free(rmtmc_ridge_result *res);

/* ============================ reports =================================
 * JSON schemas rmtmc.generative/1 and rmtmc.ridge/1 (docs/schema_studies.md);
 * the writers match rmtmc_writer_fn (use with rmtmc_write_atomic). */
rmtmc_status rmtmc_contexts_write_json(FILE *f, const void *result,
                                       rmtmc_error *err);
rmtmc_status rmtmc_mixture_write_json(FILE *f, const void *result,
                                      rmtmc_error *err);
rmtmc_status rmtmc_ridge_write_json(FILE *f, const void *result,
                                    rmtmc_error *err);
/* The configuration line of each study (the summary's first line, and the
 * line printed before a run starts); contexts: the number of contexts c. */
void rmtmc_contexts_describe(const rmtmc_contexts_config *c, char *buf, size_t len);
void rmtmc_mixture_describe(const rmtmc_mixture_config *c, char *buf, size_t len);
void rmtmc_ridge_describe(const rmtmc_ridge_config *c, char *buf, size_t len);
/* The verdicts (rmtmc_verdict.h; release with rmtmc_verdict_free). */
void rmtmc_contexts_verdict(const rmtmc_contexts_result *r, rmtmc_verdict *v);
void rmtmc_mixture_verdict(const rmtmc_mixture_result *r, rmtmc_verdict *v);
void rmtmc_ridge_verdict(const rmtmc_ridge_result *r, rmtmc_verdict *v);
void rmtmc_contexts_summary(FILE *f, const rmtmc_contexts_result *r);
void rmtmc_mixture_summary(FILE *f, const rmtmc_mixture_result *r);
void rmtmc_ridge_summary(FILE *f, const rmtmc_ridge_result *r);

#ifdef __cplusplus
}
#endif
#endif
