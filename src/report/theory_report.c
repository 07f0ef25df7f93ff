/* theory_report.c: the outputs of `rmtmc theory` (rmtmc_theory_study.h):
 * result.json (schema rmtmc.theory/1), density.csv, stieltjes.csv. */
#include <stdio.h>

#include "rmtmc.h"
#include "rmtmc_report.h"
#include "rmtmc_theory_study.h"

rmtmc_status rmtmc_theory_study_write_json(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_theory_study_result *t = ctx;
  const rmtmc_theory_study_config *c = &t->config;
  rmtmc_json j;
  rmtmc_json_begin(&j, f);
  rmtmc_json_str(&j, "schema", "rmtmc.theory/1");
  rmtmc_json_str(&j, "rmtmc_version", rmtmc_version());
  rmtmc_json_object(&j, "config");
  rmtmc_json_str(&j, "sigma", t->model.sigma_spec);
  rmtmc_json_int(&j, "d", t->model.d);
  rmtmc_json_num(&j, "eta", c->eta);
  rmtmc_json_object_end(&j);
  rmtmc_json_array(&j, "support");
  for (int64_t i = 0; i < t->nint; ++i) {
    rmtmc_json_array(&j, NULL);
    rmtmc_json_num(&j, NULL, t->support[2 * i]);
    rmtmc_json_num(&j, NULL, t->support[2 * i + 1]);
    rmtmc_json_array_end(&j);
  }
  rmtmc_json_array_end(&j);
  rmtmc_json_num(&j, "atom_at_zero", t->atom);
  rmtmc_json_num(&j, "top_outlier", t->lam_top);
  rmtmc_json_array(&j, "moments");
  for (int k = 0; k < 3; ++k) rmtmc_json_num(&j, NULL, t->moments[k]);
  rmtmc_json_array_end(&j);
  rmtmc_json_array(&j, "stieltjes");
  for (int64_t k = 0; k < c->nz; ++k) {
    rmtmc_json_object(&j, NULL);
    rmtmc_json_num(&j, "z_re", c->z_re[k]);
    rmtmc_json_num(&j, "z_im", c->z_im[k]);
    rmtmc_json_num(&j, "m_re", t->m_re[k]);
    rmtmc_json_num(&j, "m_im", t->m_im[k]);
    rmtmc_json_num(&j, "mc_re", t->mc_re[k]);
    rmtmc_json_num(&j, "mc_im", t->mc_im[k]);
    rmtmc_json_object_end(&j);
  }
  rmtmc_json_array_end(&j);
  rmtmc_json_object(&j, "density");
  rmtmc_json_array(&j, "x");
  for (int64_t i = 0; i < c->grid; ++i) rmtmc_json_num(&j, NULL, t->x[i]);
  rmtmc_json_array_end(&j);
  rmtmc_json_array(&j, "f");
  for (int64_t i = 0; i < c->grid; ++i) rmtmc_json_num(&j, NULL, t->f[i]);
  rmtmc_json_array_end(&j);
  rmtmc_json_object_end(&j);
  rmtmc_json_end(&j);
  return RMTMC_OK;
}

rmtmc_status rmtmc_theory_study_write_density(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_theory_study_result *t = ctx;
  fprintf(f, "x,density\n");
  for (int64_t i = 0; i < t->config.grid; ++i) fprintf(f, "%.17g,%.17g\n", t->x[i], t->f[i]);
  return RMTMC_OK;
}

rmtmc_status rmtmc_theory_study_write_stieltjes(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_theory_study_result *t = ctx;
  const rmtmc_theory_study_config *c = &t->config;
  fprintf(f, "z_re,z_im,m_re,m_im,mc_re,mc_im\n");
  for (int64_t k = 0; k < c->nz; ++k)
    fprintf(f, "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", c->z_re[k], c->z_im[k], t->m_re[k], t->m_im[k], t->mc_re[k],
            t->mc_im[k]);
  return RMTMC_OK;
}

rmtmc_status rmtmc_theory_study_write_tw_json(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_theory_study_result *t = ctx;
  const rmtmc_theory_study_config *c = &t->config;
  rmtmc_json j;
  rmtmc_json_begin(&j, f);
  rmtmc_json_str(&j, "schema", "rmtmc.tracy_widom/1");
  rmtmc_json_str(&j, "rmtmc_version", rmtmc_version());
  rmtmc_json_int(&j, "beta", c->tw_beta);
  rmtmc_json_str(&j, "convention", c->tw_beta == 4 ? "Tracy-Widom 1996: F4(s/sqrt2) = cosh(1/2 int q) F2^(1/2)"
                                                   : "Tracy-Widom 1994/1996");
  rmtmc_json_object(&j, "moments");
  rmtmc_json_num(&j, "mean", t->tw_mean);
  rmtmc_json_num(&j, "sd", t->tw_sd);
  rmtmc_json_num(&j, "skewness", t->tw_skewness);
  rmtmc_json_num(&j, "excess_kurtosis", t->tw_kurtosis);
  rmtmc_json_object_end(&j);
  rmtmc_json_array(&j, "points");
  for (int64_t i = 0; i < c->ns; ++i) {
    rmtmc_json_object(&j, NULL);
    rmtmc_json_num(&j, "s", c->s[i]);
    rmtmc_json_num(&j, "cdf", t->tw_cdf[i]);
    rmtmc_json_num(&j, "sf", t->tw_sf[i]);
    rmtmc_json_num(&j, "logcdf", t->tw_logcdf[i]);
    rmtmc_json_num(&j, "pdf", t->tw_pdf[i]);
    rmtmc_json_object_end(&j);
  }
  rmtmc_json_array_end(&j);
  rmtmc_json_end(&j);
  return RMTMC_OK;
}

rmtmc_status rmtmc_theory_study_write_tw_csv(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_theory_study_result *t = ctx;
  fprintf(f, "s,cdf,sf,logcdf,pdf\n");
  for (int64_t i = 0; i < t->config.ns; ++i)
    fprintf(f, "%.17g,%.17g,%.17g,%.17g,%.17g\n", t->config.s[i], t->tw_cdf[i], t->tw_sf[i], t->tw_logcdf[i],
            t->tw_pdf[i]);
  return RMTMC_OK;
}
