/* theory_study.c: `rmtmc theory`: the closed forms for one population and
 * ratio (rmtmc_theory_study.h), through the limit spectrum at the finite-d
 * population (the spectrum study's code: study_limit_spectrum); the
 * writers are src/report/theory_report.c. */
#include "rmtmc_theory_study.h"

#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rmtmc_edge_theory.h"
#include "rmtmc_theory.h"
#include "study/study_common.h"

void rmtmc_theory_study_config_default(rmtmc_theory_study_config *c) {
  memset(c, 0, sizeof *c);
  strcpy(c->sigma, "identity");
  c->d = 1000;
  c->eta = 0.5;
  c->nz = 1;
  c->z_re[0] = -1.0;
  c->z_im[0] = 0.0;
  c->grid = 400;
}

void rmtmc_theory_study_result_free(rmtmc_theory_study_result *r) {
  if (!r) return;
  rmtmc_model_free(&r->model);
  rmtmc_limit_spectrum_free(&r->limit);
  rmtmc_density_curve_free(&r->curve);
  rmtmc_zcurve_free(&r->zcurve);
  free(r->m_re);
  free(r->m_im);
  free(r->mc_re);
  free(r->mc_im);
  free(r->m_pole);
  free(r->mc_pole);
  free(r->tw_cdf);
  free(r->tw_sf);
  free(r->tw_logcdf);
  free(r->tw_pdf);
  memset(r, 0, sizeof *r);
}

static rmtmc_status m_line(const rmtmc_limit_spectrum *ls, double complex w, double complex *v, rmtmc_error *err) {
  return rmtmc_limit_spectrum_stieltjes(ls, w, v, NULL, err);
}

static rmtmc_status evaluate(rmtmc_theory_study_result *t, rmtmc_error *err) {
  const rmtmc_theory_study_config *c = &t->config;
  rmtmc_status st = study_limit_spectrum(&t->model, c->eta, &t->limit, err);
  if (st != RMTMC_OK) return st;
  const rmtmc_limit_spectrum *ls = &t->limit;
  t->atom = ls->atom;
  memcpy(t->moments, ls->moments, sizeof t->moments);
  t->lam_top = NAN;
  for (int64_t i = 0; i < ls->noutliers; ++i)
    if (ls->outliers[i].separated && ls->outliers[i].above && !(ls->outliers[i].location <= t->lam_top))
      t->lam_top = ls->outliers[i].location;
  for (int64_t k = 0; k < c->nz && st == RMTMC_OK; ++k) {
    double complex m, mc;
    st = rmtmc_limit_spectrum_stieltjes(ls, c->z_re[k] + I * c->z_im[k], &m, &mc, err);
    t->m_pole[k] = isinf(creal(m));
    t->mc_pole[k] = isinf(creal(mc));
    t->m_re[k] = t->m_pole[k] ? NAN : creal(m);
    t->m_im[k] = t->m_pole[k] ? NAN : cimag(m);
    t->mc_re[k] = t->mc_pole[k] ? NAN : creal(mc);
    t->mc_im[k] = t->mc_pole[k] ? NAN : cimag(mc);
  }
  if (st == RMTMC_OK) st = rmtmc_limit_spectrum_density(ls, RMTMC_LAW_FINITE_D, c->grid, &t->curve, err);
  if (st == RMTMC_OK && ls->support.nint > 0) {
    /* m along the real axis across the support (and the lines of the
     * complex points asked for), for the picture */
    double lo = fmin(0.0, ls->support.lo[0]), hi = ls->support.hi[ls->support.nint - 1], w = hi - lo;
    double x0 = lo - 0.35 * w, x1 = hi + 0.35 * w, line_im[RMTMC_ZCURVE_LINES] = {0.0};
    int nline = 1;
    for (int64_t k = 0; k < c->nz; ++k) {
      x0 = fmin(x0, c->z_re[k] - 0.05 * w);
      x1 = fmax(x1, c->z_re[k] + 0.05 * w);
      int seen = 0;
      for (int l = 0; l < nline; ++l) seen |= line_im[l] == c->z_im[k];
      if (!seen && nline < RMTMC_ZCURVE_LINES) line_im[nline++] = c->z_im[k];
    }
    if (nline == 1) line_im[nline++] = 0.05 * w; /* Im m across the support: the smoothed density */
    st = study_zcurve(&t->zcurve, ls, m_line, line_im, nline, x0, x1, 400, err);
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
  if (!(cfg->eta > 0.0) || !isfinite(cfg->eta))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--eta must be a finite number > 0 (got %g)", cfg->eta);
  if (cfg->grid < 16 || cfg->grid > 10000000)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--grid takes 16 to 10000000 points (got %lld)",
                           (long long)cfg->grid);
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
  size_t nz = (size_t)cfg->nz;
  t->m_re = calloc(nz, sizeof(double));
  t->m_im = calloc(nz, sizeof(double));
  t->mc_re = calloc(nz, sizeof(double));
  t->mc_im = calloc(nz, sizeof(double));
  t->m_pole = calloc(nz, 1);
  t->mc_pole = calloc(nz, 1);
  if (!t->m_re || !t->m_im || !t->mc_re || !t->mc_im || !t->m_pole || !t->mc_pole)
    st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  if (st == RMTMC_OK) st = evaluate(t, err);
  if (st != RMTMC_OK) rmtmc_theory_study_result_free(t);
  return st;
}
