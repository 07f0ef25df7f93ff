/* spectrum.c: the `spectrum` study: the theory's support and z grid, the
 * observable layout, the trials through the run driver, the comparison
 * with the theory.  The per-z observables are declared in spectrum_obs.c. */
#include "rmtmc_spectrum.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/driver.h"
#include "rmtmc_theory.h"
#include "study/spectrum_obs.h"
#include "study/study_common.h"

void rmtmc_spectrum_config_default(rmtmc_spectrum_config *c) {
  memset(c, 0, sizeof *c);
  c->d = 500;
  c->n = 1000;
  rmtmc_run_opts_default(&c->run, 200, 1);
  strcpy(c->sigma, "identity");
  strcpy(c->entries, "gaussian");
  c->zobs = RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES);
  c->bins = 60;
  c->precision = RMTMC_PRECISION_DOUBLE;
  c->method = RMTMC_METHOD_AUTO;
}

rmtmc_status rmtmc_spectrum_validate(const rmtmc_spectrum_config *c, rmtmc_error *err) {
  if (c->d < 1 || c->n < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--d and --n must be positive integers (got %lld and %lld)",
                           (long long)c->d, (long long)c->n);
  if (c->d > 2147483647 || c->n > 2147483647)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE, "--d and --n must be below 2^31 (BLAS/LAPACK index limit)");
  rmtmc_status st = study_check_run(&c->run, 1, err);
  if (st != RMTMC_OK) return st;
  if (c->bins < 1 || c->bins > 1000000)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--bins must be between 1 and 1000000 (got %lld)",
                           (long long)c->bins);
  if (c->nz < 0 || c->nz > RMTMC_MAX_Z)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--z takes at most %d points", RMTMC_MAX_Z);
  for (int64_t j = 0; j < c->nz; ++j)
    if (!isfinite(c->z_re[j]) || !isfinite(c->z_im[j]))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--z: point %lld is not finite", (long long)(j + 1));
  if (!c->zobs || c->zobs >> RMTMC_ZOBS_COUNT)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--observables: no per-z observable chosen");
  if (c->method != RMTMC_METHOD_AUTO && !rmtmc_method_is_spectral(c->method))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--method: use dense, bartlett, tridiagonal or auto");
  return RMTMC_OK;
}

/* Outlier locations of the spikes (BBP), upper and lower. */
static void spike_outliers(const rmtmc_model *m, double eta, double *top, double *bottom) {
  for (int64_t i = 0; i < m->nspikes; ++i) {
    double ell = m->spikes[i];
    if (ell > 1.0 + sqrt(eta)) {
      double l1;
      rmtmc_bbp(eta, ell, NULL, &l1, NULL, NULL);
      if (l1 > *top) *top = l1;
    } else if (eta < 1.0 && ell < 1.0 - sqrt(eta) && ell > 0.0) {
      double l = ell * (1.0 + eta / (ell - 1.0));
      if (l < *bottom) *bottom = l;
    }
  }
}

/* The tridiagonal method's margin for a real z > 0: RMTMC_TRIDIAG_Z_MARGIN
 * finite-d edge scales from the nearest support edge (T is positive
 * semi-definite, so z < 0 is never inside a trial's spectrum).  veto[0]
 * is '\0' when every real z keeps it (or the tridiagonal method is not
 * a candidate), else the reason (for rmtmc_method_resolve). */
static void tridiag_z_veto(const rmtmc_spectrum_result *r, char *veto, size_t len) {
  const rmtmc_spectrum_config *c = &r->config;
  const rmtmc_model *m = &r->model;
  double one[2];
  rmtmc_pop bulk = rmtmc_model_bulk_pop(m, one);
  veto[0] = '\0';
  /* only where the tridiagonal method may run at all */
  if ((c->method != RMTMC_METHOD_TRIDIAGONAL && c->method != RMTMC_METHOD_AUTO) ||
      rmtmc_method_check(RMTMC_METHOD_TRIDIAGONAL, m, c->zobs, NULL) != RMTMC_OK)
    return;
  for (int64_t j = 0; j < c->nz; ++j) {
    if (c->z_im[j] != 0.0 || !(c->z_re[j] > 0.0)) continue;
    rmtmc_edge_margin em;
    rmtmc_error e2;
    if (rmtmc_theory_edge_margin(&bulk, r->eta, (double)m->d, c->z_re[j], 0.5, &em, &e2) != RMTMC_OK) {
      snprintf(veto, len, "the distance of the real z = %g from the support edge could not be judged (%.300s); "
               "give it an imaginary part or use --method dense", c->z_re[j], e2.msg);
      return;
    }
    double need = RMTMC_TRIDIAG_Z_MARGIN * em.scale_d;
    if (isfinite(em.edge) && em.dist < need) {
      snprintf(veto, len,
               "the real z = %g lies within %.3g of the support edge %.6g (%g finite-d edge scales of %.3g), where a "
               "trial's spectrum may reach it and the O(d) recurrence for m(z) is not accurate; choose a real z "
               "farther from the edge, give it an imaginary part (e.g. %g+0.1i) or use --method dense",
               c->z_re[j], need, em.edge, RMTMC_TRIDIAG_Z_MARGIN, em.scale_d, c->z_re[j]);
      return;
    }
  }
}

/* Theory side that does not need the samples; fills the z grid too. */
static rmtmc_status theory_setup(rmtmc_spectrum_result *r, rmtmc_error *err) {
  const rmtmc_model *m = &r->model;
  double one[2];
  rmtmc_pop bulk = rmtmc_model_bulk_pop(m, one);
  rmtmc_status st = rmtmc_theory_edges(&bulk, r->eta, 16, r->support, &r->nint, err);
  if (st != RMTMC_OK) return st;
  if (r->nint < 1) return rmtmc_error_set(err, RMTMC_ERR_NUMERIC, "the theory found no support interval");
  r->atom = rmtmc_theory_atom(&bulk, r->eta);
  double lo = r->support[0], hi = r->support[2 * r->nint - 1];
  r->lam_min_theory = lo;
  r->lam_max_theory = hi;
  spike_outliers(m, r->eta, &r->lam_max_theory, &r->lam_min_theory);
  double w = hi - lo, top = r->lam_max_theory;
  rmtmc_spectrum_config *c = &r->config;
  if (c->nz == 0) { /* default grid: two real points off the support, three in the bulk */
    double re[5] = {-1.0, 1.5 * top + 0.5, lo + 0.25 * w, lo + 0.5 * w, lo + 0.75 * w};
    double im[5] = {0.0, 0.0, 0.1 * w, 0.1 * w, 0.1 * w};
    c->nz = 5;
    memcpy(c->z_re, re, sizeof re);
    memcpy(c->z_im, im, sizeof im);
  }
  /* A real z must be off the limiting support (and off the atom at 0). */
  for (int64_t j = 0; j < c->nz; ++j) {
    if (c->z_im[j] != 0.0) continue;
    double z = c->z_re[j];
    if (z == 0.0 && (r->atom > 0.0 || m->d > m->n))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "--z 0: S has eigenvalues at 0 (d > n or singular Sigma); choose another z");
    for (int64_t i = 0; i < r->nint; ++i)
      if (z >= r->support[2 * i] && z <= r->support[2 * i + 1])
        return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                               "--z %g lies on the support [%.6g, %.6g] of the limiting spectrum, where m(z) is not defined; choose a real z outside it or give it an imaginary part (e.g. %g+0.1i)",
                               z, r->support[2 * i], r->support[2 * i + 1], z);
  }
  r->hist_lo = lo - 0.15 * w > 0.0 ? lo - 0.15 * w : 0.0;
  if (r->lam_min_theory < r->hist_lo) r->hist_lo = fmax(0.0, r->lam_min_theory - 0.05 * w);
  r->hist_hi = top + 0.15 * w;
  r->bins = c->bins;
  return RMTMC_OK;
}

/* The per-trial table's columns of layout L. */
static void layout_columns(rmtmc_column *col, const rmtmc_layout *L) {
  for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k) {
    if (L->zobs_off[k] < 0) continue;
    const rmtmc_zobs_info *o = rmtmc_zobs_describe(k);
    for (int64_t j = 0; j < L->nz; ++j)
      for (int im = 0; im < 2; ++im) {
        char name[48], meaning[160];
        snprintf(name, sizeof name, "%s_%s_z%lld", o->key, im ? "im" : "re", (long long)j);
        snprintf(meaning, sizeof meaning, "%s %s = %s %s", im ? "Im" : "Re", o->symbol, im ? "Im" : "Re",
                 o->meaning);
        study_column(&col[L->zobs_off[k] + 2 * j + im], name, meaning, "z", L->z_re[j], L->z_im[j]);
      }
  }
  study_column(&col[L->lam_min], "lambda_min", "smallest eigenvalue of S (structural zeros skipped)", "", 0, 0);
  study_column(&col[L->lam_max], "lambda_max", "largest eigenvalue of S", "", 0, 0);
  for (int k = 1; k <= L->kmax; ++k) {
    char name[48], meaning[160];
    snprintf(name, sizeof name, "moment_%d", k);
    snprintf(meaning, sizeof meaning, "(1/d) tr S^%d", k);
    study_column(&col[L->moment + k - 1], name, meaning, "", 0, 0);
  }
}

/* The trials on the backend, through the run driver. */
static rmtmc_status run_trials(rmtmc_spectrum_result *r, const rmtmc_layout *L, drv_result *dr, rmtmc_error *err) {
  rmtmc_work work = {.method = r->method, .model = &r->model, .layout = L};
  rmtmc_column *cols = calloc((size_t)L->nobs, sizeof *cols);
  if (!cols) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  layout_columns(cols, L);
  drv d;
  rmtmc_status st = drv_open(&d, &r->config.run, &work, 8.0 * (double)L->nobs, err);
  if (st == RMTMC_OK) {
    r->run = d.info;
    drv_spec spec = {.work = work, .nrow = L->nobs, .columns = cols, .eig_cols = r->model.d};
    st = drv_run(&d, &spec, dr, err);
    r->run = d.info; /* with the run's times */
  }
  drv_close(&d);
  free(cols);
  return st;
}

/* Exact finite-n expectations of (1/d) tr S and (1/d) tr S^2 (diagonal Sigma
 * or Gaussian entries; the fourth moment of the entries enters tr S^2). */
static void exact_moments(const rmtmc_spectrum_result *r) {
  const rmtmc_model *m = &r->model;
  double *ex = (double *)r->moments_exact;
  double d = (double)m->d, n = (double)m->n, s1 = 0.0, s2 = 0.0;
  for (int64_t i = 0; i < m->d; ++i) {
    s1 += m->pop_eigs[i];
    s2 += m->pop_eigs[i] * m->pop_eigs[i];
  }
  for (int k = 0; k < RMTMC_SPECTRUM_KMAX; ++k) ex[k] = NAN;
  ex[0] = s1 / d;
  /* E|g|^4: 3 + kurtosis for real laws, 2 for complex Gaussian entries
   * (E (x^H x)^2 = (tr Sigma)^2 + tr Sigma^2) */
  double mu4 = rmtmc_entries_abs4(m->entries, m->nu);
  if (m->entries == RMTMC_ENTRIES_GAUSSIAN || m->entries == RMTMC_ENTRIES_COMPLEX_GAUSSIAN || !m->sqrt_full)
    ex[1] = ((s1 * s1 - s2) / n + (mu4 / n + 1.0 - 1.0 / n) * s2) / d;
}

/* The rows of per-z observable k. */
static rmtmc_status zobs_rows(rmtmc_spectrum_result *r, int k, const rmtmc_layout *L, const rmtmc_welford *acc,
                              rmtmc_error *err) {
  const rmtmc_model *m = &r->model;
  const rmtmc_spectrum_config *c = &r->config;
  const spectrum_zobs_def *def = spectrum_zobs(k);
  rmtmc_pop pop = rmtmc_model_pop(m);
  /* Bias of the finite-d value: real-Gaussian CLT mean, plus the
   * fourth-cumulant term for diagonal Sigma; unknown for non-Gaussian
   * entries with a dense Sigma. */
  int bias_known = m->entries == RMTMC_ENTRIES_GAUSSIAN || !m->sqrt_full;
  /* Complex Gaussian data: the O(1/d) mean bias vanishes (the real-data
   * bias is the beta = 1 term; docs/theory.md 5.3), any Sigma. */
  int complex_data = m->entries == RMTMC_ENTRIES_COMPLEX_GAUSSIAN;
  double kx = rmtmc_entries_kurt_excess(m->entries, m->nu);
  rmtmc_stieltjes_row *rows = calloc((size_t)r->nz, sizeof *rows);
  if (!rows) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  r->zobs[k].rows = rows;
  for (int64_t j = 0; j < r->nz; ++j) {
    rmtmc_stieltjes_row *row = &rows[j];
    row->z_re = c->z_re[j];
    row->z_im = c->z_im[j];
    row->re = study_stat_of(&acc[L->zobs_off[k] + 2 * j]);
    row->im = study_stat_of(&acc[L->zobs_off[k] + 2 * j + 1]);
    double complex z = row->z_re + I * row->z_im, th, mu = NAN;
    rmtmc_status st = def->theory(&pop, r->eta, z, &th, err);
    if (st != RMTMC_OK) return st;
    row->theory_re = creal(th);
    row->theory_im = cimag(th);
    if (complex_data) {
      mu = 0.0;
    } else if (bias_known) {
      rmtmc_error berr;
      if (def->bias(&pop, r->eta, z, kx, &mu, &berr) != RMTMC_OK) mu = NAN;
    }
    row->bias_re = creal(mu) / (double)m->d;
    row->bias_im = cimag(mu) / (double)m->d;
    row->zscore_re = (row->re.mean - row->theory_re) / row->re.stderr_;
    row->zscore_corr_re = (row->re.mean - row->theory_re - row->bias_re) / row->re.stderr_;
    if (row->z_im == 0.0) { /* the observables are real for real z */
      row->zscore_im = row->zscore_corr_im = NAN;
    } else {
      row->zscore_im = (row->im.mean - row->theory_im) / row->im.stderr_;
      row->zscore_corr_im = (row->im.mean - row->theory_im - row->bias_im) / row->im.stderr_;
    }
  }
  return RMTMC_OK;
}

static rmtmc_status compare(rmtmc_spectrum_result *r, const rmtmc_layout *L, const drv_result *acc,
                            rmtmc_error *err) {
  const rmtmc_model *m = &r->model;
  const rmtmc_spectrum_config *c = &r->config;
  rmtmc_pop pop = rmtmc_model_pop(m);
  double one[2];
  rmtmc_pop bulk = rmtmc_model_bulk_pop(m, one);
  double t0 = rmtmc_now_seconds();
  r->nz = c->nz;
  for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k) {
    r->zobs[k].kind = k;
    r->zobs[k].nz = c->nz;
  }
  r->counts = calloc((size_t)(r->bins + 3), sizeof *r->counts);
  r->density_emp = calloc((size_t)r->bins, sizeof(double));
  r->density_theory = calloc((size_t)r->bins, sizeof(double));
  double *edges = malloc((size_t)(r->bins + 1) * sizeof(double));
  if (!r->counts || !r->density_emp || !r->density_theory || !edges) {
    free(edges);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  }
  rmtmc_status st = RMTMC_OK;
  for (int k = 0; k < RMTMC_ZOBS_COUNT && st == RMTMC_OK; ++k)
    if (L->zobs_off[k] >= 0) st = zobs_rows(r, k, L, acc->w, err);
  if (st == RMTMC_OK) {
    r->lam_min = study_stat_of(&acc->w[L->lam_min]);
    r->lam_max = study_stat_of(&acc->w[L->lam_max]);
    double mom[3];
    rmtmc_theory_moments(&pop, r->eta, mom);
    for (int k = 1; k <= RMTMC_SPECTRUM_KMAX; ++k) {
      r->moments[k - 1] = study_stat_of(&acc->w[L->moment + k - 1]);
      r->moments_theory[k - 1] = k <= 3 ? mom[k - 1] : NAN;
    }
    if (pop.k == 1) { /* MP: the fourth Narayana moment, scaled */
      double mp[4];
      rmtmc_mp_moments(r->eta, 4, mp);
      r->moments_theory[3] = mp[3] * pow(pop.t[0], 4.0);
    }
    exact_moments(r);
    /* Pooled density: theory bin masses of the bulk law. */
    double width = (r->hist_hi - r->hist_lo) / (double)r->bins;
    for (int64_t b = 0; b <= r->bins; ++b) edges[b] = r->hist_lo + width * (double)b;
    st = rmtmc_theory_bin_masses(&bulk, r->eta, r->bins, edges, NULL, r->density_theory, err);
  }
  if (st == RMTMC_OK) {
    memcpy(r->counts, acc->hist, (size_t)(r->bins + 3) * sizeof(int64_t));
    double total = (double)c->run.trials * (double)m->d;
    double width = (r->hist_hi - r->hist_lo) / (double)r->bins;
    double th_in = 0.0, l1 = 0.0, ks = 0.0;
    r->atom_emp = (double)r->counts[r->bins + 2] / total;
    double cum_emp = r->atom_emp + (double)r->counts[r->bins] / total;
    double cum_th = r->atom;
    ks = fabs(cum_emp - cum_th);
    for (int64_t b = 0; b < r->bins; ++b) {
      double pe = (double)r->counts[b] / total, pt = r->density_theory[b];
      th_in += pt;
      l1 += fabs(pe - pt);
      cum_emp += pe;
      cum_th += pt;
      if (fabs(cum_emp - cum_th) > ks) ks = fabs(cum_emp - cum_th);
      r->density_emp[b] = pe / width;
      r->density_theory[b] = pt / width;
    }
    double out_emp = (double)(r->counts[r->bins] + r->counts[r->bins + 1]) / total;
    double out_th = fmax(0.0, 1.0 - r->atom - th_in);
    l1 += fabs(out_emp - out_th) + fabs(r->atom_emp - r->atom);
    r->l1 = l1;
    r->ks = ks;
  }
  free(edges);
  r->theory_seconds += rmtmc_now_seconds() - t0;
  return st;
}

/* Everything before the trials: the config, the entries, the model, the
 * theory's support and z grid, the layout.  On failure res holds nothing
 * that needs freeing beyond rmtmc_spectrum_result_free. */
static rmtmc_status setup(const rmtmc_spectrum_config *cfg, rmtmc_spectrum_result *res, rmtmc_layout *L,
                          rmtmc_error *err) {
  memset(res, 0, sizeof *res);
  rmtmc_status st = rmtmc_spectrum_validate(cfg, err);
  if (st != RMTMC_OK) return st;
  res->config = *cfg;
  rmtmc_entries entries;
  double nu;
  st = rmtmc_entries_parse(cfg->entries, &entries, &nu, err);
  if (st == RMTMC_OK)
    st = rmtmc_model_init(&res->model, cfg->d, cfg->n, cfg->sigma, entries, nu, cfg->precision, err);
  if (st != RMTMC_OK) return st;
  res->eta = (double)cfg->d / (double)cfg->n;
  double t0 = rmtmc_now_seconds();
  st = theory_setup(res, err);
  res->theory_seconds = rmtmc_now_seconds() - t0;
  char veto[512];
  if (st == RMTMC_OK) tridiag_z_veto(res, veto, sizeof veto);
  if (st == RMTMC_OK)
    st = rmtmc_method_resolve(cfg->method, &res->model, cfg->zobs, veto[0] ? veto : NULL, &res->method,
                              res->method_why, sizeof res->method_why, err);
  if (st == RMTMC_OK) {
    const rmtmc_spectrum_config *c = &res->config;
    rmtmc_layout_request req = {.nz = c->nz, .z_re = c->z_re, .z_im = c->z_im, .zobs = c->zobs,
                                .kmax = RMTMC_SPECTRUM_KMAX, .nbins = c->bins, .hist_lo = res->hist_lo,
                                .hist_hi = res->hist_hi};
    st = rmtmc_layout_build(L, &req, err);
  }
  return st;
}

rmtmc_status rmtmc_spectrum_check(const rmtmc_spectrum_config *cfg, int open_backend, rmtmc_error *err) {
  rmtmc_spectrum_result *res = malloc(sizeof *res);
  if (!res) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  rmtmc_layout L;
  rmtmc_status st = setup(cfg, res, &L, err);
  if (st == RMTMC_OK && open_backend) { /* the backend's own limits (memory per trial) */
    rmtmc_work work = {.method = res->method, .model = &res->model, .layout = &L};
    drv d;
    st = drv_open(&d, &res->config.run, &work, 8.0 * (double)L.nobs, err);
    drv_close(&d);
  }
  rmtmc_spectrum_result_free(res);
  free(res);
  return st;
}

rmtmc_status rmtmc_spectrum_run(const rmtmc_spectrum_config *cfg, rmtmc_spectrum_result *res, rmtmc_error *err) {
  rmtmc_layout L;
  rmtmc_status st = setup(cfg, res, &L, err);
  drv_result acc;
  memset(&acc, 0, sizeof acc);
  if (st == RMTMC_OK) {
    double t1 = rmtmc_now_seconds();
    st = run_trials(res, &L, &acc, err);
    res->seconds = rmtmc_now_seconds() - t1;
    res->trials_per_second = (double)cfg->run.trials / res->seconds;
  }
  if (st == RMTMC_OK) st = compare(res, &L, &acc, err);
  if (st == RMTMC_OK) {
    res->trials = acc.trials; /* moved */
    memset(&acc.trials, 0, sizeof acc.trials);
  }
  drv_result_free(&acc);
  if (st != RMTMC_OK) rmtmc_spectrum_result_free(res);
  return st;
}

void rmtmc_spectrum_result_free(rmtmc_spectrum_result *r) {
  if (!r) return;
  rmtmc_model_free(&r->model);
  for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k) free(r->zobs[k].rows);
  free(r->counts);
  free(r->density_emp);
  free(r->density_theory);
  rmtmc_trials_free(&r->trials);
  memset(r, 0, sizeof *r);
}
