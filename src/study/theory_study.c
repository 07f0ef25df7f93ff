/* theory_study.c: `rmtmc theory`: the closed forms for one population and
 * ratio (rmtmc_theory_study.h); the writers are src/report/theory_report.c. */
#include "rmtmc_theory_study.h"

#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rmtmc_edge_theory.h"
#include "rmtmc_theory.h"

void rmtmc_theory_study_config_default(rmtmc_theory_study_config *c) {
  memset(c, 0, sizeof *c);
  strcpy(c->sigma, "identity");
  c->d = 1000;
  c->eta = 0.5;
  c->nz = 1;
  c->z_re[0] = -1.0;
  c->z_im[0] = 0.0;
  c->grid = 200;
}

void rmtmc_theory_study_result_free(rmtmc_theory_study_result *r) {
  if (!r) return;
  rmtmc_model_free(&r->model);
  free(r->m_re);
  free(r->m_im);
  free(r->mc_re);
  free(r->mc_im);
  free(r->x);
  free(r->f);
  free(r->tw_cdf);
  free(r->tw_sf);
  free(r->tw_logcdf);
  free(r->tw_pdf);
  memset(r, 0, sizeof *r);
}

static rmtmc_status evaluate(rmtmc_theory_study_result *t, rmtmc_error *err) {
  const rmtmc_theory_study_config *c = &t->config;
  double one[2], eta = c->eta;
  rmtmc_pop pop = rmtmc_model_pop(&t->model), bulk = rmtmc_model_bulk_pop(&t->model, one);
  rmtmc_status st = rmtmc_theory_edges(&bulk, eta, 16, t->support, &t->nint, err);
  if (st != RMTMC_OK) return st;
  t->atom = rmtmc_theory_atom(&bulk, eta);
  rmtmc_theory_moments(&pop, eta, t->moments);
  t->lam_top = NAN;
  for (int64_t i = 0; i < t->model.nspikes; ++i) {
    double l1;
    rmtmc_bbp(eta, t->model.spikes[i], NULL, &l1, NULL, NULL);
    if (t->model.spikes[i] > 1.0 + sqrt(eta) && !(l1 <= t->lam_top)) t->lam_top = l1;
  }
  for (int64_t k = 0; k < c->nz && st == RMTMC_OK; ++k) {
    double complex m, mc;
    st = rmtmc_theory_stieltjes(&bulk, eta, c->z_re[k] + I * c->z_im[k], NULL, &m, &mc, err);
    t->m_re[k] = creal(m);
    t->m_im[k] = cimag(m);
    t->mc_re[k] = creal(mc);
    t->mc_im[k] = cimag(mc);
  }
  double lo = t->support[0], hi = t->support[2 * t->nint - 1];
  for (int64_t i = 0; i < c->grid && st == RMTMC_OK; ++i) {
    t->x[i] = lo + (hi - lo) * ((double)i + 0.5) / (double)c->grid;
    st = rmtmc_theory_density(&bulk, eta, t->x[i], NULL, &t->f[i], err);
  }
  return st;
}

/* --tracy-widom: F, 1 - F, log F and the density at every s. */
static rmtmc_status tracy_widom(rmtmc_theory_study_result *t, rmtmc_error *err) {
  rmtmc_theory_study_config *c = &t->config;
  if (c->ns == 0)
    for (c->ns = 0; c->ns < 29; ++c->ns) c->s[c->ns] = -8.0 + 0.5 * (double)c->ns;
  size_t ns = (size_t)c->ns;
  t->tw_cdf = calloc(ns, sizeof(double));
  t->tw_sf = calloc(ns, sizeof(double));
  t->tw_logcdf = calloc(ns, sizeof(double));
  t->tw_pdf = calloc(ns, sizeof(double));
  if (!t->tw_cdf || !t->tw_sf || !t->tw_logcdf || !t->tw_pdf)
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  rmtmc_tw *tw = NULL;
  rmtmc_status st = rmtmc_tw_create(&tw, err);
  for (int64_t i = 0; i < c->ns && st == RMTMC_OK; ++i) {
    rmtmc_tw_point p;
    st = rmtmc_tw_eval(tw, c->tw_beta, c->s[i], 1, &p, err);
    t->tw_cdf[i] = p.cdf;
    t->tw_sf[i] = p.sf;
    t->tw_logcdf[i] = p.logcdf;
    t->tw_pdf[i] = p.pdf;
  }
  rmtmc_tw_moments m;
  if (st == RMTMC_OK) st = rmtmc_tw_moments_get(tw, c->tw_beta, &m, err);
  if (st == RMTMC_OK) {
    t->tw_mean = m.mean;
    t->tw_sd = m.sd;
    t->tw_skewness = m.skewness;
    t->tw_kurtosis = m.excess_kurtosis;
  }
  rmtmc_tw_free(tw);
  return st;
}

rmtmc_status rmtmc_theory_study_run(const rmtmc_theory_study_config *cfg, rmtmc_theory_study_result *t,
                                    rmtmc_error *err) {
  memset(t, 0, sizeof *t);
  if (cfg->tw_beta) {
    if (cfg->tw_beta != 1 && cfg->tw_beta != 2 && cfg->tw_beta != 4)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--tracy-widom %d: BETA must be 1, 2 or 4", cfg->tw_beta);
    if (cfg->ns < 0 || cfg->ns > RMTMC_TW_MAX_S)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--s takes 1 to %d points", RMTMC_TW_MAX_S);
    t->config = *cfg;
    rmtmc_status st = tracy_widom(t, err);
    if (st != RMTMC_OK) rmtmc_theory_study_result_free(t);
    return st;
  }
  if (!(cfg->eta > 0.0)) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--eta must be > 0 (got %g)", cfg->eta);
  if (cfg->grid < 1 || cfg->grid > 10000000)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--grid is too large");
  if (cfg->nz < 1 || cfg->nz > RMTMC_MAX_Z)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--z takes 1 to %d points", RMTMC_MAX_Z);
  t->config = *cfg;
  int64_t n = (int64_t)llround((double)cfg->d / cfg->eta);
  if (n < 1) n = 1;
  rmtmc_status st = rmtmc_model_init(&t->model, cfg->d, n, cfg->sigma, RMTMC_ENTRIES_GAUSSIAN, 0.0,
                                     RMTMC_PRECISION_DOUBLE, err);
  if (st != RMTMC_OK) {
    memset(t, 0, sizeof *t);
    return st;
  }
  size_t nz = (size_t)cfg->nz, g = (size_t)cfg->grid;
  t->m_re = calloc(nz, sizeof(double));
  t->m_im = calloc(nz, sizeof(double));
  t->mc_re = calloc(nz, sizeof(double));
  t->mc_im = calloc(nz, sizeof(double));
  t->x = calloc(g, sizeof(double));
  t->f = calloc(g, sizeof(double));
  if (!t->m_re || !t->m_im || !t->mc_re || !t->mc_im || !t->x || !t->f)
    st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  if (st == RMTMC_OK) st = evaluate(t, err);
  if (st != RMTMC_OK) rmtmc_theory_study_result_free(t);
  return st;
}
