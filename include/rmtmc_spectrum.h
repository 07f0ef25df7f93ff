/* rmtmc_spectrum.h: the `spectrum` study.  Draws T trials of S = X X^T / n on
 * a backend, reduces each to Stieltjes transforms on a z grid, extreme
 * eigenvalues, moments and a pooled histogram, merges them across trials and
 * sets them beside the deterministic equivalents of rmtmc_theory.h. */
#ifndef RMTMC_SPECTRUM_H
#define RMTMC_SPECTRUM_H

#include <stdint.h>

#include "rmtmc_backend.h"
#include "rmtmc_model.h"
#include "rmtmc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RMTMC_MAX_Z 256
#define RMTMC_SPECTRUM_KMAX 4

typedef void (*rmtmc_progress_fn)(void *ctx, int64_t done, int64_t total);

typedef struct rmtmc_spectrum_config {
  int64_t d, n, trials;
  uint64_t seed;
  char sigma[RMTMC_SPEC_LEN]; /* Sigma spec (rmtmc_model.h) */
  char entries[64];           /* gaussian | rademacher | student:NU */
  int64_t nz;                 /* 0: the default grid, chosen from the support */
  double z_re[RMTMC_MAX_Z], z_im[RMTMC_MAX_Z];
  int64_t bins;               /* pooled-histogram bins */
  rmtmc_backend_kind backend;
  rmtmc_backend_opts backend_opts;
  int64_t batch;              /* trials per batch; 0 = planned from memory */
  rmtmc_precision precision;
  rmtmc_progress_fn progress; /* optional; called after every batch */
  void *progress_ctx;
} rmtmc_spectrum_config;

/* Defaults: d = 500, n = 1000, trials = 200, seed = 1, identity, gaussian,
 * default z grid, 60 bins, backend auto, all threads, double precision. */
void rmtmc_spectrum_config_default(rmtmc_spectrum_config *c);

typedef struct rmtmc_stat {
  double mean, stderr_, sd; /* over trials: mean, standard error, sd */
} rmtmc_stat;

typedef struct rmtmc_stieltjes_row {
  double z_re, z_im;
  rmtmc_stat re, im;          /* empirical m_d(z) */
  double theory_re, theory_im;
  double bias_re, bias_im;    /* predicted finite-d offset mu(z)/d (NAN: unknown) */
  double zscore_re, zscore_im;           /* (empirical - theory) / stderr */
  double zscore_corr_re, zscore_corr_im; /* (empirical - theory - bias) / stderr */
} rmtmc_stieltjes_row;

typedef struct rmtmc_spectrum_result {
  rmtmc_spectrum_config config; /* resolved (grid filled in) */
  rmtmc_model model;
  double eta;                   /* d / n */
  rmtmc_backend_info backend;
  char backend_note[256];
  int64_t batch;                /* trials per batch used */
  /* Theory */
  int64_t nint;                 /* support intervals of the a.c. part */
  double support[2 * 16];
  double atom;                  /* theory mass at 0 */
  /* Stieltjes transforms */
  int64_t nz;
  rmtmc_stieltjes_row *rows;
  /* Extreme eigenvalues (skipping the structural zeros) */
  rmtmc_stat lam_min, lam_max;
  double lam_min_theory, lam_max_theory;
  /* Moments (1/d) tr S^k, k = 1..4; exact finite-n expectations for k = 1, 2 */
  rmtmc_stat moments[RMTMC_SPECTRUM_KMAX];
  double moments_theory[RMTMC_SPECTRUM_KMAX];   /* limit, eta_n (NAN for k = 4 unless MP) */
  double moments_exact[RMTMC_SPECTRUM_KMAX];    /* finite-n expectation (NAN: unknown) */
  /* Pooled density */
  int64_t bins;
  double hist_lo, hist_hi;
  int64_t *counts;              /* bins + 3: bins, below, above, structural zeros */
  double *density_emp, *density_theory; /* per bin, over the whole law (atom excluded) */
  double atom_emp;              /* fraction of structural zeros */
  double l1, ks;                /* distances between pooled empirical and theory law */
  /* Timing */
  double seconds, trials_per_second, theory_seconds;
  double setup_seconds; /* of seconds: opening the backend (CUDA context,
                           handles), planning and allocating the batch */
} rmtmc_spectrum_result;

/* Validate the config, plan, run on the backend, compare with theory.  On
 * failure nothing is allocated in res.  Errors: RMTMC_ERR_INVALID (bad sizes,
 * specs, real z on the support), RMTMC_ERR_TOO_LARGE (will not fit), and the
 * backend's and the theory's errors. */
rmtmc_status rmtmc_spectrum_run(const rmtmc_spectrum_config *cfg,
                                rmtmc_spectrum_result *res, rmtmc_error *err);
void rmtmc_spectrum_result_free(rmtmc_spectrum_result *res);

/* Validation only (used before any output is touched). */
rmtmc_status rmtmc_spectrum_validate(const rmtmc_spectrum_config *cfg,
                                     rmtmc_error *err);

#ifdef __cplusplus
}
#endif
#endif
