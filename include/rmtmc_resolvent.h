/* rmtmc_resolvent.h: the `resolvent` study.  Draws T trials of S = X X^T / n,
 * X = Sigma^(1/2) G, on a backend (the resolvent method,
 * rmtmc_resolvent_method.h), reduces the resolvent Q(z) = (S + zI)^-1 of each
 * trial and z to a few linear functionals, and sets their means, standard
 * errors and spreads beside the deterministic equivalents of
 * rmtmc_theory_resolvent.h (docs/theory.md 10), with the O(1/d) bias where
 * it is known and the fluctuation scale.
 *
 * Functionals (fixed names, docs/schema_resolvent.md):
 *   trace            (1/d) tr Q                  vs (1/d) tr Qbar = m(-z)
 *   trace_sigma      (1/d) tr Sigma Q            vs (1/d) tr Sigma Qbar
 *   delta            (1/n) tr Sigma Q            vs delta(z)
 *   quad_e1          e_1^T Q e_1
 *   quad_top         v^T Q v, v the top eigenvector of Sigma
 *   quad_random      u^T Q u, u a fixed random unit vector drawn from the seed
 *                    (Gaussian entries i = 0..d-1 of trial 3 of the stream
 *                    RMTMC_Q_PARAMS, rmtmc_fit.h, normalised)
 *   bilinear_e1_top  e_1^T Q v
 *   quad2_e1         e_1^T Q^2 e_1               vs the second-order equivalent
 *   quad_vector<k>   w_k^T Q w_k for the k-th --vector (normalised), k = 1..
 *   diag_dev         max_i |Q_ii - Qbar_ii|       (informational: theory 0,
 *                    O(sqrt(log d / d)) at finite d)
 * Real z use the Cholesky path, complex z the eigendecomposition
 * (rmtmc_resolvent_method.h).
 *
 * Reproducibility: trial t of seed s draws the dense method's X (the
 * spectrum study's trial t); results depend on (seed, trials) only, bit for
 * bit on the CPU for any thread count and batch size. */
#ifndef RMTMC_RESOLVENT_H
#define RMTMC_RESOLVENT_H

#include <stdint.h>
#include <stdio.h>

#include "rmtmc_model.h"
#include "rmtmc_resolvent_method.h"
#include "rmtmc_run.h"
#include "rmtmc_spectrum.h" /* rmtmc_stat */
#include "rmtmc_status.h"
#include "rmtmc_verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rmtmc_rsv_fun {
  RMTMC_RSV_FUN_TRACE = 0,
  RMTMC_RSV_FUN_TRACE_SIGMA,
  RMTMC_RSV_FUN_DELTA,
  RMTMC_RSV_FUN_QUAD_E1,
  RMTMC_RSV_FUN_QUAD_TOP,
  RMTMC_RSV_FUN_QUAD_RANDOM,
  RMTMC_RSV_FUN_BILINEAR_E1_TOP,
  RMTMC_RSV_FUN_QUAD2_E1,
  RMTMC_RSV_FUN_DIAG_DEV,
  RMTMC_RSV_FUN_VECTOR, /* quad_vector<k>: RMTMC_RSV_FUN_VECTOR + k - 1 */
} rmtmc_rsv_fun;

#define RMTMC_RSV_FUN_BIT(f) (1u << (f))
/* trace .. quad2_e1: the default set (diag_dev only on request) */
#define RMTMC_RSV_FUN_DEFAULT (RMTMC_RSV_FUN_BIT(RMTMC_RSV_FUN_DIAG_DEV) - 1u)
#define RMTMC_RSV_MAX_VECTORS 16

/* A functional as the reports name it (NULL for an unknown f; the vectors
 * share one entry, their names carry k). */
typedef struct rmtmc_rsv_fun_info {
  const char *name;    /* "quad_e1" */
  const char *symbol;  /* "e1^T Q e1" */
  const char *meaning; /* one line */
} rmtmc_rsv_fun_info;
const rmtmc_rsv_fun_info *rmtmc_rsv_fun_describe(int f);
/* "trace,quad_e1" (or "all": every fixed functional with diag_dev) -> bits. */
rmtmc_status rmtmc_rsv_fun_parse(const char *list, unsigned *mask, rmtmc_error *err);

typedef struct rmtmc_resolvent_config {
  int64_t d, n;
  rmtmc_run_opts run;         /* trials, seed, backend, threads, batch, progress, saving */
  char sigma[RMTMC_SPEC_LEN]; /* Sigma spec (rmtmc_model.h), matrix:PATH included */
  char entries[64];           /* gaussian | rademacher | student:NU */
  int64_t nz;
  double z_re[RMTMC_RSV_MAX_Z], z_im[RMTMC_RSV_MAX_Z];
  unsigned functionals;       /* RMTMC_RSV_FUN_BIT mask of the fixed functionals */
  int64_t nvectors;
  char vectors[RMTMC_RSV_MAX_VECTORS][RMTMC_SPEC_LEN]; /* --vector PATH (d numbers, text or .npy) */
  int path;                   /* rmtmc_rsv_path (--path auto | eigen) */
} rmtmc_resolvent_config;

/* Defaults: d = 400, n = 800, trials = 200, seed 1, identity, gaussian,
 * z = 0.1, 1, 0.5+0.5i, the default functionals, no vectors, path auto. */
void rmtmc_resolvent_config_default(rmtmc_resolvent_config *c);
/* Sizes, run options, z (real z > 0, finite), functionals. */
rmtmc_status rmtmc_resolvent_validate(const rmtmc_resolvent_config *c, rmtmc_error *err);

/* One real or imaginary part of one functional at one z. */
typedef struct rmtmc_resolvent_row {
  int fun;              /* rmtmc_rsv_fun (vectors: RMTMC_RSV_FUN_VECTOR + k - 1) */
  char name[32];        /* "quad_e1", "quad_vector2" */
  int part;             /* 0 real part, 1 imaginary part */
  int64_t zi;           /* index of z */
  double z_re, z_im;
  int cholesky;         /* computed by the Cholesky path */
  rmtmc_stat emp;       /* over trials */
  double theory;
  int bias_known;
  double bias;          /* predicted E - theory (NAN when unknown) */
  char bias_source[320];
  double zscore, zscore_corrected; /* (mean - theory) / stderr, (mean - theory - bias) / stderr */
  double order;         /* fluctuation exponent: -1 traces, -0.5 forms */
  double scaled_sd;     /* sd d^(-order): the fluctuation scale */
  double sd_theory;     /* predicted sd (NAN when unknown) */
  int informational;    /* shown, kept out of the verdict (diag_dev) */
  char cannot_judge[200]; /* non-empty: why the verdict cannot judge the row (an unknown O(1/d) bias that the
                             run's precision resolves): INCONCLUSIVE */
} rmtmc_resolvent_row;

/* The z score a verdict uses: bias-corrected where the bias is known. */
static inline double rmtmc_resolvent_row_z(const rmtmc_resolvent_row *r) {
  return r->bias_known ? r->zscore_corrected : r->zscore;
}

/* The equivalent's scalars at one z. */
typedef struct rmtmc_resolvent_zinfo {
  double z_re, z_im;
  double delta_re, delta_im, kappa_re, kappa_im;
  int cholesky;
} rmtmc_resolvent_zinfo;

typedef struct rmtmc_resolvent_result {
  rmtmc_resolvent_config config;
  rmtmc_model model;
  double eta;
  rmtmc_run_info run;
  double sigma_top;           /* the largest eigenvalue of Sigma */
  int64_t top_index;          /* diagonal Sigma: the coordinate of v (0-based); -1 dense */
  double vector_norms[RMTMC_RSV_MAX_VECTORS]; /* the --vector norms before normalising */
  rmtmc_resolvent_zinfo *zinfo; /* [nz] */
  int64_t nrows;
  rmtmc_resolvent_row *rows;  /* functional-major, then z, then part */
  /* theory curves for the pictures: ncurve real z on a log grid spanning
   * the real z given (0 when none), curve[f * ncurve + i] for the k-th row
   * functional in `curve_fun` order */
  int64_t ncurve, ncurve_fun;
  double *curve_z, *curve;
  int curve_fun[RMTMC_RSV_FUN_VECTOR + RMTMC_RSV_MAX_VECTORS];
  rmtmc_trials trials;        /* per-trial table (run.save_trials) */
  double seconds, trials_per_second, theory_seconds;
} rmtmc_resolvent_result;

rmtmc_status rmtmc_resolvent_run(const rmtmc_resolvent_config *cfg, rmtmc_resolvent_result *res, rmtmc_error *err);
void rmtmc_resolvent_result_free(rmtmc_resolvent_result *res);

/* The shared verdict (rmtmc_verdict.h, docs/verdict.md) over the rows:
 * a known O(1/d) bias -> rule corrected (offset = bias); an unknown one (no
 * formula, heavy tails, z too close to the support) -> uncorrected;
 * diag_dev -> out.  The JSON, summary, HTML table and --fail-on read it.
 * Call rmtmc_verdict_free(v) after. */
void rmtmc_resolvent_verdict(const rmtmc_resolvent_result *r, rmtmc_verdict *v);
/* One line: d, n, eta, sigma, entries, trials, seed. */
void rmtmc_resolvent_describe(const rmtmc_resolvent_config *c, char *buf, size_t len);

/* ---- reports (src/report/resolvent_report.c; schema rmtmc.resolvent/1,
 * docs/schema_resolvent.md) ---- */
rmtmc_status rmtmc_resolvent_write_json(FILE *f, const void *result, rmtmc_error *err);
/* functionals.csv: one line per row. */
rmtmc_status rmtmc_resolvent_write_csv(FILE *f, const void *result, rmtmc_error *err);
/* resolvent_curve.csv: the theory curves against real z. */
rmtmc_status rmtmc_resolvent_write_curve_csv(FILE *f, const void *result, rmtmc_error *err);
void rmtmc_resolvent_summary(FILE *f, const rmtmc_resolvent_result *r);

#ifdef __cplusplus
}
#endif
#endif
