/* rmtmc_edge_study.h: the `edge` study: the extreme eigenvalues of
 * S = X X^T / n (X X^H / n for complex data) trial by trial, against the
 * edge theory of rmtmc_edge_theory.h (docs/theory.md 5.1):
 *
 *   - lambda_max (and lambda_min when d < n), standardised by the
 *     Tracy-Widom centring and scaling of rmtmc_edge_scaling_compute on the
 *     finite-d population spectrum; the standardised statistic's mean, sd
 *     and skewness against TW_beta (beta = 1 real, 2 complex data), its
 *     Kolmogorov-Smirnov distance to TW_beta with the p-value
 *     (rmtmc_stats.h), and a quantile table (p = 0.01 .. 0.99) with binomial
 *     standard errors;
 *   - with --sigma spike:T1,..: every spike's sample eigenvalue (the group
 *     mean for equal spikes) against its BBP location and sd, and the
 *     overlap |<v_hat, v>|^2 of its eigenvector(s) with the planted
 *     direction against the limit, from the extreme eigenvectors only (the
 *     edge method's partial eigensolver, rmtmc_backend.h).
 * Verdict rules, schema rmtmc.edge/1: docs/schema.md. */
#ifndef RMTMC_EDGE_STUDY_H
#define RMTMC_EDGE_STUDY_H

#include <stdint.h>
#include <stdio.h>

#include "rmtmc_edge_theory.h"
#include "rmtmc_report.h"
#include "rmtmc_model.h"
#include "rmtmc_run.h"
#include "rmtmc_spectrum.h" /* rmtmc_stat */
#include "rmtmc_stats.h"
#include "rmtmc_status.h"
#include "rmtmc_verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The probabilities of the quantile table. */
#define RMTMC_EDGE_NQ 9
extern const double rmtmc_edge_probs[RMTMC_EDGE_NQ]; /* 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99 */
#define RMTMC_EDGE_MAX_SPIKES 16

typedef struct rmtmc_edge_config {
  int64_t d, n;
  rmtmc_run_opts run;
  char sigma[RMTMC_SPEC_LEN];      /* rmtmc_model.h */
  char entries[64];                /* gaussian | complex-gaussian */
  rmtmc_edge_correction correction; /* default RMTMC_EDGE_SECOND_ORDER */
  int scale;                       /* -1: the recommended (linear top, log bottom), 0 linear, 1 log */
  int64_t bins;                    /* histogram bins of the picture */
} rmtmc_edge_config;

/* Defaults: d = 200, n = 400, 1000 trials, seed 1, identity, gaussian,
 * second-order constants, recommended scale, 40 bins. */
void rmtmc_edge_config_default(rmtmc_edge_config *c);
rmtmc_status rmtmc_edge_validate(const rmtmc_edge_config *c, rmtmc_error *err);

/* One row of the quantile table. */
typedef struct rmtmc_edge_qrow {
  double p;          /* probability */
  double theory;     /* F_beta^-1(p) */
  double empirical;  /* sample quantile of the standardised statistic */
  double empirical_se; /* its standard error sqrt(p (1 - p) / trials) / f(theory) */
  double frac;       /* fraction of trials with statistic <= theory */
  double frac_se;    /* binomial standard error sqrt(p (1 - p) / trials) */
  double zscore;     /* (frac - p) / frac_se */
} rmtmc_edge_qrow;

/* One edge (top: lambda_max, bottom: lambda_min). */
typedef struct rmtmc_edge_side {
  int sign;               /* +1 top, -1 bottom */
  int applies;            /* Tracy-Widom applies (scaling.status == OK) */
  rmtmc_edge scaling;     /* mu, sigma, note (why not, when it does not apply) */
  int log_scale;          /* the standardisation used */
  int first_order;        /* centring of first order only (general Sigma):
                             the mean and the KS/quantile rows carry an
                             O(n^-1/3) finite-size bias, not judged */
  int scale_first_order;  /* the scaling too (complex data, bottom edge:
                             no refined constants known): sd not judged */
  rmtmc_stat raw;         /* the eigenvalue itself (units of S) */
  double raw_theory_mean, raw_theory_sd;
  rmtmc_moments_est z;    /* the standardised statistic */
  double z_mean, z_sd, z_skew; /* z-scores against the TW moments */
  double ks, ks_p;        /* KS distance to TW_beta, its p-value */
  rmtmc_edge_qrow q[RMTMC_EDGE_NQ];
  double *sorted;         /* [trials] the standardised statistic, ascending */
} rmtmc_edge_side;

/* One spike of --sigma spike:..., direction e_index. */
typedef struct rmtmc_edge_spike_row {
  int64_t index;          /* its coordinate (0-based) */
  double ell;             /* population eigenvalue 1 + T */
  int side;               /* +1 outlier above, -1 below, 0 none (subcritical) */
  int64_t position;       /* 1-based position among the sample eigenvalues
                             on its side (1 = lambda_max / lambda_min) */
  int64_t multiplicity;   /* spikes of equal ell sharing it (group) */
  double threshold;       /* BBP threshold on its side */
  int critical;           /* an outlier within the critical window
                             |ell - threshold| < sqrt(eta) n^(-1/3): the
                             Gaussian outlier theory is not reliable there,
                             its rows are not judged */
  int unseparated;        /* an outlier by BBP that the finite-d population
                             (the spike one of its d eigenvalues) does not
                             separate from the bulk: Tracy-Widom applies at
                             that edge of the population, the two
                             descriptions disagree at this d, its rows are
                             not judged */
  double location;        /* rho(ell) (or the bulk edge when side = 0) */
  double location_bias;   /* predicted O(1/n) offset of the mean (NAN: not known) */
  double sd_theory;       /* sd of the group-mean eigenvalue (0 when side = 0) */
  rmtmc_stat eig;         /* the group-mean sample eigenvalue */
  double eig_sd_se;       /* standard error of eig.sd */
  double z_location, z_location_corrected, z_sd;
  double overlap_theory;  /* limit of |<v_hat, v>|^2 (0 when side = 0) */
  rmtmc_stat overlap;     /* squared norm of e_index projected on the group's eigenvectors */
  double z_overlap;
  double overlap_bias_scale; /* the order of its unpredicted O(1/n) bias:
                                Var(overlap) / limit (second-order delta method) */
} rmtmc_edge_spike_row;

typedef struct rmtmc_edge_result {
  rmtmc_edge_config config;
  rmtmc_model model;
  int beta;
  double eta;
  rmtmc_run_info run;
  rmtmc_edge_scaling scaling;
  rmtmc_tw_moments tw;
  rmtmc_edge_side top, bottom;
  int64_t nspikes;
  rmtmc_edge_spike_row spikes[RMTMC_EDGE_MAX_SPIKES];
  rmtmc_trials trials;    /* per-trial table (run.save_trials) */
  double seconds, trials_per_second, theory_seconds;
} rmtmc_edge_result;

rmtmc_status rmtmc_edge_run(const rmtmc_edge_config *cfg, rmtmc_edge_result *res, rmtmc_error *err);
void rmtmc_edge_result_free(rmtmc_edge_result *res);

/* The verdict (rmtmc_verdict.h, docs/verdict.md; src/report/edge_report.c):
 * every row of the edge study judged by the shared rule (docs/schema.md
 * lists the rows and their rules): corrected (second-order Tracy-Widom
 * constants, the outlier mean with its 1/n bias, the outlier sd),
 * uncorrected (every standardised row of an edge with first-order
 * constants, the overlaps), out (no outlier, the BBP critical window, an
 * outlier the finite-d population does not separate, Tracy-Widom
 * refused); KS rows by the normal equivalent of their p-value.  Release with rmtmc_verdict_free. */
void rmtmc_edge_verdict(const rmtmc_edge_result *r, rmtmc_verdict *v);
/* One line of the configuration, for the verdict's messages. */
void rmtmc_edge_describe(const rmtmc_edge_config *c, char *buf, size_t len);

/* Writers (src/report/edge_report.c): result.json (rmtmc.edge/1),
 * edge_moments.csv, edge_quantiles.csv, spikes.csv, edge_samples.csv
 * (sorted standardised statistics with the TW quantiles, for the QQ
 * plot), edge_density.csv (histogram and TW density). */
rmtmc_status rmtmc_edge_write_json(FILE *f, const void *res, rmtmc_error *err);
int rmtmc_edge_files(const rmtmc_edge_result *r, rmtmc_out_file *files, int cap);
void rmtmc_edge_summary(FILE *f, const rmtmc_edge_result *r);

#ifdef __cplusplus
}
#endif
#endif
