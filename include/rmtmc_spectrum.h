/* rmtmc_spectrum.h: the `spectrum` study.  Draws T trials of S = X X^T / n on
 * a backend, reduces each to per-z observables on a z grid (the Stieltjes
 * transform m_d(z) and, on request, its derivative m_d'(z)), extreme
 * eigenvalues, moments and a pooled histogram, merges them across trials and
 * sets them beside the deterministic equivalents of rmtmc_theory.h.
 *
 * The per-z observables are declared once, in src/study/spectrum_obs.c (name,
 * meaning, theory, O(1/d) bias), and laid out once (rmtmc_layout.h); the
 * reports, the per-trial table and the verdict iterate over them. */
#ifndef RMTMC_SPECTRUM_H
#define RMTMC_SPECTRUM_H

#include <stdint.h>

#include "rmtmc_backend.h"
#include "rmtmc_layout.h"
#include "rmtmc_model.h"
#include "rmtmc_run.h"
#include "rmtmc_status.h"
#include "rmtmc_theory_limit.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RMTMC_MAX_Z 256
#define RMTMC_SPECTRUM_KMAX 4
/* The tridiagonal method takes a real z at least this many finite-d edge
 * scales ell_d (rmtmc_theory_edge_margin: ~2.8 Tracy-Widom scales each)
 * from the support: a trial's extreme eigenvalue then reaches z with
 * probability ~1e-11 (the recurrence for m(z) is not accurate inside a
 * trial's spectrum).  A closer real z makes --method auto pass over the
 * tridiagonal method and an explicit --method tridiagonal an error. */
#define RMTMC_TRIDIAG_Z_MARGIN 4.0

/* A per-z observable as the reports name it. */
typedef struct rmtmc_zobs_info {
  const char *key;     /* JSON array, CSV file stem, per-trial column prefix:
                          "stieltjes", "stieltjes_derivative" */
  const char *title;   /* "Stieltjes transform" */
  const char *option;  /* its name in --observables: "m", "dm" */
  const char *symbol;  /* "m(z)", "m'(z)" */
  const char *meaning; /* "(1/d) tr (S - zI)^-1" */
} rmtmc_zobs_info;

/* NULL for an unknown k. */
const rmtmc_zobs_info *rmtmc_zobs_describe(int k);
/* "m,dm" -> the bit mask (RMTMC_ZOBS_BIT); names from rmtmc_zobs_describe. */
rmtmc_status rmtmc_zobs_parse(const char *list, unsigned *mask, rmtmc_error *err);

typedef struct rmtmc_spectrum_config {
  int64_t d, n;
  rmtmc_run_opts run;         /* trials, seed, backend, threads, batch, progress, saving */
  char sigma[RMTMC_SPEC_LEN]; /* Sigma spec (rmtmc_model.h) */
  char entries[64];           /* gaussian | rademacher | student:NU */
  int64_t nz;                 /* 0: the default grid, chosen from the support */
  double z_re[RMTMC_MAX_Z], z_im[RMTMC_MAX_Z];
  unsigned zobs;              /* per-z observables (default: m only) */
  int64_t bins;               /* pooled-histogram bins */
  rmtmc_precision precision;
  rmtmc_method method;        /* dense | bartlett | tridiagonal | auto
                                 (rmtmc_method_resolve; docs/fast_methods.md) */
} rmtmc_spectrum_config;

/* Defaults: d = 500, n = 1000, trials = 200, seed = 1, identity, gaussian,
 * default z grid, m(z) only, 60 bins, backend auto, all threads, double
 * precision, method auto. */
void rmtmc_spectrum_config_default(rmtmc_spectrum_config *c);

typedef struct rmtmc_stat {
  double mean, stderr_, sd; /* over trials: mean, standard error, sd */
} rmtmc_stat;

/* One z of a per-z observable. */
typedef struct rmtmc_stieltjes_row {
  double z_re, z_im;
  rmtmc_stat re, im;          /* empirical value over trials */
  double theory_re, theory_im;
  double bias_re, bias_im;    /* predicted finite-d offset mu(z)/d (NAN: unknown) */
  double zscore_re, zscore_im;           /* (empirical - theory) / stderr */
  double zscore_corr_re, zscore_corr_im; /* (empirical - theory - bias) / stderr (NAN: no bias) */
  int rule;        /* how the verdict judges the row (rmtmc_verdict.h: RMTMC_RULE_CORRECTED,
                      _UNCORRECTED or _OUT) */
  char note[400];  /* why that rule: the bias unknown, dropped near an edge, the entries'
                      moments ("" for the plain bias correction) */
} rmtmc_stieltjes_row;

/* The theory of a per-z observable along lines Im z = line_im[l] for
 * pictures (docs/pictures.md): npts values of Re z per line, increasing;
 * NAN where the theory is not defined (a real z on the support, a pole). */
#define RMTMC_ZCURVE_LINES 3
typedef struct rmtmc_zcurve {
  int64_t nline, npts;             /* 0 lines: the grid is drawn as labelled points */
  double line_im[RMTMC_ZCURVE_LINES];
  double *x, *re, *im;             /* [nline * npts], line l at l * npts */
} rmtmc_zcurve;
void rmtmc_zcurve_free(rmtmc_zcurve *c);

/* The rows of one per-z observable. */
typedef struct rmtmc_zobs_table {
  int kind;                   /* rmtmc_zobs */
  int64_t nz;
  rmtmc_stieltjes_row *rows;  /* [nz]; NULL when the observable was not asked for */
  rmtmc_zcurve curve;         /* its theory along the grid's lines */
} rmtmc_zobs_table;

/* Which O(1/d) bias formula the rows use (docs/theory.md 6.1-6.3). */
typedef enum rmtmc_bias_kind {
  RMTMC_BIAS_GAUSSIAN = 0, /* the Gaussian CLT mean (Bai-Silverstein) */
  RMTMC_BIAS_DIAGONAL = 1, /* plus the fourth-cumulant term, Sigma diagonal (Pan-Zhou) */
  RMTMC_BIAS_GENERAL = 2   /* plus the fourth-cumulant term for a dense Sigma (entry mixing) */
} rmtmc_bias_kind;

typedef struct rmtmc_spectrum_result {
  rmtmc_spectrum_config config; /* resolved (grid filled in) */
  rmtmc_model model;
  double eta;                   /* d / n */
  rmtmc_run_info run;           /* backend, note, batch */
  rmtmc_method method;          /* the spectrum method that ran */
  char method_why[256];         /* why (auto's reason, or "asked for") */
  /* Theory: the limit at the finite-d population (rmtmc_theory_limit.h):
   * limit.support (any number of intervals, spikes' outlier intervals
   * included), limit.bulk, limit.outliers (one per spike, BBP), the atom */
  rmtmc_limit_spectrum limit;
  double atom;                  /* theory mass at 0 (= limit.atom) */
  double p_max;                 /* E|g|^p finite for p < p_max (INFINITY; student:NU: NU) */
  rmtmc_bias_kind bias_kind;
  rmtmc_density_curve density_curve; /* the theory density on a refined grid (pictures) */
  /* Per-z observables: zobs[k] for every k (rows NULL unless in config.zobs) */
  int64_t nz;
  rmtmc_zobs_table zobs[RMTMC_ZOBS_COUNT];
  /* Extreme eigenvalues (skipping the structural zeros) */
  rmtmc_stat lam_min, lam_max;
  double lam_min_theory, lam_max_theory;
  /* Moments (1/d) tr S^k, k = 1..4; exact finite-n expectations for k = 1, 2 */
  rmtmc_stat moments[RMTMC_SPECTRUM_KMAX];
  double moments_theory[RMTMC_SPECTRUM_KMAX];   /* limit at the finite-d population, eta = d/n */
  double moments_exact[RMTMC_SPECTRUM_KMAX];    /* finite-n expectation (NAN: unknown) */
  int moment_rule[RMTMC_SPECTRUM_KMAX];         /* rmtmc_rule: exact, or out */
  char moment_note[RMTMC_SPECTRUM_KMAX][200];   /* why out */
  /* Pooled density */
  int64_t bins;
  double hist_lo, hist_hi;
  int64_t *counts;              /* bins + 3: bins, below, above, structural zeros */
  double *density_emp, *density_theory; /* per bin, over the whole law (atom excluded) */
  double atom_emp;              /* fraction of structural zeros */
  double l1, ks;                /* distances between pooled empirical and theory law */
  /* Per-trial table (run.save_trials; eigenvalues with run.save_eigenvalues) */
  rmtmc_trials trials;
  /* Timing */
  double seconds, trials_per_second, theory_seconds; /* seconds includes
                                   run.setup_seconds (the backend's set-up) */
} rmtmc_spectrum_result;

/* Validate the config, plan, run on the backend, compare with theory.  On
 * failure nothing is allocated in res.  Errors: RMTMC_ERR_INVALID (bad sizes,
 * specs, real z on the support, a method not exact for the model, a real z
 * within RMTMC_TRIDIAG_Z_MARGIN edge scales of the support for an explicit
 * tridiagonal method), RMTMC_ERR_TOO_LARGE (will not fit), and the
 * backend's and the theory's errors. */
rmtmc_status rmtmc_spectrum_run(const rmtmc_spectrum_config *cfg,
                                rmtmc_spectrum_result *res, rmtmc_error *err);
void rmtmc_spectrum_result_free(rmtmc_spectrum_result *res);

/* Validation only (used before any output is touched). */
rmtmc_status rmtmc_spectrum_validate(const rmtmc_spectrum_config *cfg,
                                     rmtmc_error *err);
/* Everything rmtmc_spectrum_run checks before its first trial: the config,
 * the specs (a Sigma file is read), the model's memory, the theory's
 * support (a real z on it is refused) and, with open_backend, the backend's
 * limits for one trial.  No trial runs. */
rmtmc_status rmtmc_spectrum_check(const rmtmc_spectrum_config *cfg, int open_backend, rmtmc_error *err);

#ifdef __cplusplus
}
#endif
#endif
