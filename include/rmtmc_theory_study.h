/* rmtmc_theory_study.h: `rmtmc theory`, the closed forms alone (no
 * simulation): for a population covariance realised at dimension d and a
 * ratio eta = d/n, the support edges, the atom at 0, the moments, m(z) and
 * mc(z) on a z list and the density on a grid across the support.  Schema
 * rmtmc.theory/1 (docs/schema.md). */
#ifndef RMTMC_THEORY_STUDY_H
#define RMTMC_THEORY_STUDY_H

#include <stdint.h>
#include <stdio.h>

#include "rmtmc_model.h"
#include "rmtmc_spectrum.h" /* RMTMC_MAX_Z */
#include "rmtmc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RMTMC_TW_MAX_S 10000

typedef struct rmtmc_theory_study_config {
  char sigma[RMTMC_SPEC_LEN]; /* Sigma spec (rmtmc_model.h) */
  int64_t d;                  /* dimension used to realise the spec */
  double eta;                 /* d / n */
  int64_t nz;
  double z_re[RMTMC_MAX_Z], z_im[RMTMC_MAX_Z];
  int64_t grid;               /* density points across the support */
  /* --tracy-widom BETA --s LIST: the Tracy-Widom law TW_BETA (1, 2, 4) at
   * the points s instead (schema rmtmc.tracy_widom/1); tw_beta 0: off */
  int tw_beta;
  int64_t ns;                 /* 0: the default grid -8, -7.5, ..., 6 */
  double s[RMTMC_TW_MAX_S];
} rmtmc_theory_study_config;

/* Defaults: identity, d = 1000, eta = 0.5, z = -1, 200 grid points. */
void rmtmc_theory_study_config_default(rmtmc_theory_study_config *c);

typedef struct rmtmc_theory_study_result {
  rmtmc_theory_study_config config;
  rmtmc_model model;      /* n = round(d / eta) */
  int64_t nint;
  double support[32];
  double atom;
  double moments[3];
  double *m_re, *m_im, *mc_re, *mc_im; /* [nz] */
  double *x, *f;          /* [grid] density */
  double lam_top;         /* largest BBP outlier (spike:), or NAN */
  /* --tracy-widom: the law at config.s (ns points) and its moments */
  double *tw_cdf, *tw_sf, *tw_logcdf, *tw_pdf;
  double tw_mean, tw_sd, tw_skewness, tw_kurtosis;
} rmtmc_theory_study_result;

rmtmc_status rmtmc_theory_study_run(const rmtmc_theory_study_config *cfg,
                                    rmtmc_theory_study_result *res, rmtmc_error *err);
void rmtmc_theory_study_result_free(rmtmc_theory_study_result *res);

/* Writers (rmtmc_writer_fn shape, ctx = the result): result.json
 * (rmtmc.theory/1), density.csv, stieltjes.csv. */
rmtmc_status rmtmc_theory_study_write_json(FILE *f, const void *res, rmtmc_error *err);
rmtmc_status rmtmc_theory_study_write_density(FILE *f, const void *res, rmtmc_error *err);
rmtmc_status rmtmc_theory_study_write_stieltjes(FILE *f, const void *res, rmtmc_error *err);
/* --tracy-widom: result.json (rmtmc.tracy_widom/1) and tracy_widom.csv
 * (s, cdf, sf, logcdf, pdf). */
rmtmc_status rmtmc_theory_study_write_tw_json(FILE *f, const void *res, rmtmc_error *err);
rmtmc_status rmtmc_theory_study_write_tw_csv(FILE *f, const void *res, rmtmc_error *err);

#ifdef __cplusplus
}
#endif
#endif
