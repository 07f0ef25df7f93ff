/* spectrum.c: the `spectrum` study: plan, run batches on a backend, merge,
 * compare with the theory. */
#include "rmtmc_spectrum.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rmtmc_accum.h"
#include "rmtmc_theory.h"
#include "study/study_common.h"

void rmtmc_spectrum_config_default(rmtmc_spectrum_config *c) {
  memset(c, 0, sizeof *c);
  c->d = 500;
  c->n = 1000;
  c->trials = 200;
  c->seed = 1;
  strcpy(c->sigma, "identity");
  strcpy(c->entries, "gaussian");
  c->bins = 60;
  c->backend = RMTMC_BACKEND_AUTO;
  c->precision = RMTMC_PRECISION_DOUBLE;
}

rmtmc_status rmtmc_spectrum_validate(const rmtmc_spectrum_config *c,
                                     rmtmc_error *err) {
  if (c->d < 1 || c->n < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "--d and --n must be positive integers (got %lld and %lld)",
                           (long long)c->d, (long long)c->n);
  if (c->d > 2147483647 || c->n > 2147483647)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE,
                           "--d and --n must be below 2^31 (BLAS/LAPACK index limit)");
  if (c->trials < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "--trials must be a positive integer (got %lld)", (long long)c->trials);
  if (c->bins < 1 || c->bins > 1000000)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "--bins must be between 1 and 1000000 (got %lld)", (long long)c->bins);
  if (c->batch < 0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--batch must be >= 0 (0 = automatic)");
  if (c->nz < 0 || c->nz > RMTMC_MAX_Z)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--z takes at most %d points", RMTMC_MAX_Z);
  for (int64_t j = 0; j < c->nz; ++j)
    if (!isfinite(c->z_re[j]) || !isfinite(c->z_im[j]))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--z: point %lld is not finite",
                             (long long)(j + 1));
  return RMTMC_OK;
}

/* Outlier locations of the spikes (BBP), upper and lower. */
static void spike_outliers(const rmtmc_model *m, double eta, double *top,
                           double *bottom) {
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

/* Theory side that does not need the samples; fills the z grid too. */
static rmtmc_status theory_setup(rmtmc_spectrum_result *r, rmtmc_error *err) {
  const rmtmc_model *m = &r->model;
  double one[2];
  rmtmc_pop bulk = rmtmc_model_bulk_pop(m, one);
  rmtmc_status st = rmtmc_theory_edges(&bulk, r->eta, 16, r->support, &r->nint, err);
  if (st != RMTMC_OK) return st;
  if (r->nint < 1)
    return rmtmc_error_set(err, RMTMC_ERR_NUMERIC, "the theory found no support interval");
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

static rmtmc_status run_trials(rmtmc_spectrum_result *r, rmtmc_accum_stream *acc,
                               rmtmc_error *err) {
  rmtmc_spectrum_config *c = &r->config;
  const rmtmc_model *m = &r->model;
  rmtmc_backend be;
  double t_setup = rmtmc_now_seconds();
  rmtmc_status st = rmtmc_backend_open(&be, c->backend, &c->backend_opts, err);
  if (st != RMTMC_OK) return st;
  snprintf(r->backend_note, sizeof r->backend_note, "%s", be.note);
  rmtmc_reduce_spec spec = {c->nz, c->z_re, c->z_im, RMTMC_SPECTRUM_KMAX,
                            c->bins, r->hist_lo, r->hist_hi};
  int64_t maxb = 0;
  st = be.ops->max_batch(be.impl, m, &spec, &maxb, err);
  /* after the plan: the info names the eigensolver the trials run */
  if (st == RMTMC_OK) st = be.ops->info(be.impl, &r->backend, err);
  int64_t batch = c->batch;
  if (batch == 0)
    batch = be.kind == RMTMC_BACKEND_CPU ? 2 * (int64_t)r->backend.threads : maxb;
  if (batch > maxb) batch = maxb;
  if (batch > c->trials) batch = c->trials;
  if (batch < 1) batch = 1;
  r->batch = batch;
  rmtmc_batch *b = NULL;
  int64_t nobs = rmtmc_reduce_nobs(&spec);
  double *obs = NULL;
  if (st == RMTMC_OK) st = be.ops->batch_alloc(be.impl, m, &spec, batch, &b, err);
  if (st == RMTMC_OK && !(obs = malloc((size_t)(batch * nobs) * sizeof(double))))
    st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  r->setup_seconds = rmtmc_now_seconds() - t_setup;
  for (int64_t t0 = 0; st == RMTMC_OK && t0 < c->trials; t0 += batch) {
    int64_t cnt = c->trials - t0 < batch ? c->trials - t0 : batch;
    st = be.ops->sample(be.impl, b, c->seed, (uint64_t)t0, cnt, err);
    if (st == RMTMC_OK) st = be.ops->gram(be.impl, b, err);
    if (st == RMTMC_OK) st = be.ops->solve(be.impl, b, err);
    if (st == RMTMC_OK) st = be.ops->reduce(be.impl, b, obs, acc->total.hist, err);
    for (int64_t t = 0; st == RMTMC_OK && t < cnt; ++t)
      rmtmc_accum_stream_add(acc, obs + t * nobs);
    if (st == RMTMC_OK && c->progress) c->progress(c->progress_ctx, t0 + cnt, c->trials);
  }
  rmtmc_accum_stream_finish(acc);
  free(obs);
  if (b) be.ops->batch_free(be.impl, b);
  rmtmc_backend_close(&be);
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
  double mu4 = 3.0 + rmtmc_entries_kurt_excess(m->entries, m->nu);
  if (m->entries == RMTMC_ENTRIES_GAUSSIAN || !m->sqrt_full)
    ex[1] = ((s1 * s1 - s2) / n + (mu4 / n + 1.0 - 1.0 / n) * s2) / d;
}

static rmtmc_status compare(rmtmc_spectrum_result *r, const rmtmc_accum *acc,
                            rmtmc_error *err) {
  const rmtmc_model *m = &r->model;
  const rmtmc_spectrum_config *c = &r->config;
  rmtmc_pop pop = rmtmc_model_pop(m);
  double one[2];
  rmtmc_pop bulk = rmtmc_model_bulk_pop(m, one);
  rmtmc_reduce_spec spec = {c->nz, c->z_re, c->z_im, RMTMC_SPECTRUM_KMAX, c->bins,
                            r->hist_lo, r->hist_hi};
  double t0 = rmtmc_now_seconds();
  r->nz = c->nz;
  r->rows = calloc((size_t)r->nz, sizeof *r->rows);
  r->counts = calloc((size_t)(r->bins + 3), sizeof *r->counts);
  r->density_emp = calloc((size_t)r->bins, sizeof(double));
  r->density_theory = calloc((size_t)r->bins, sizeof(double));
  double *edges = malloc((size_t)(r->bins + 1) * sizeof(double));
  if (!r->rows || !r->counts || !r->density_emp || !r->density_theory || !edges) {
    free(edges);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  }
  /* Bias of m_d: real-Gaussian CLT mean, plus the fourth-cumulant term for
   * diagonal Sigma; unknown for non-Gaussian entries with a dense Sigma. */
  int bias_known = m->entries == RMTMC_ENTRIES_GAUSSIAN || !m->sqrt_full;
  double kx = rmtmc_entries_kurt_excess(m->entries, m->nu);
  rmtmc_status st = RMTMC_OK;
  for (int64_t j = 0; j < r->nz && st == RMTMC_OK; ++j) {
    rmtmc_stieltjes_row *row = &r->rows[j];
    row->z_re = c->z_re[j];
    row->z_im = c->z_im[j];
    row->re = study_stat_of(&acc->obs[2 * j]);
    row->im = study_stat_of(&acc->obs[2 * j + 1]);
    double complex z = row->z_re + I * row->z_im, mth, mu = NAN;
    st = rmtmc_theory_stieltjes(&pop, r->eta, z, NULL, &mth, NULL, err);
    if (st != RMTMC_OK) break;
    row->theory_re = creal(mth);
    row->theory_im = cimag(mth);
    if (bias_known) {
      rmtmc_error berr;
      if (rmtmc_theory_stieltjes_bias(&pop, r->eta, z, kx, NULL, &mu, &berr) != RMTMC_OK)
        mu = NAN;
    }
    row->bias_re = creal(mu) / (double)m->d;
    row->bias_im = cimag(mu) / (double)m->d;
    row->zscore_re = (row->re.mean - row->theory_re) / row->re.stderr_;
    row->zscore_corr_re = (row->re.mean - row->theory_re - row->bias_re) / row->re.stderr_;
    if (row->z_im == 0.0) { /* m_d(z) is real for real z */
      row->zscore_im = row->zscore_corr_im = NAN;
    } else {
      row->zscore_im = (row->im.mean - row->theory_im) / row->im.stderr_;
      row->zscore_corr_im = (row->im.mean - row->theory_im - row->bias_im) / row->im.stderr_;
    }
  }
  if (st == RMTMC_OK) {
    r->lam_min = study_stat_of(&acc->obs[RMTMC_OBS_LAMMIN(&spec)]);
    r->lam_max = study_stat_of(&acc->obs[RMTMC_OBS_LAMMAX(&spec)]);
    double mom[3];
    rmtmc_theory_moments(&pop, r->eta, mom);
    for (int k = 1; k <= RMTMC_SPECTRUM_KMAX; ++k) {
      r->moments[k - 1] = study_stat_of(&acc->obs[RMTMC_OBS_MOMENT(&spec, k)]);
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
    double total = (double)c->trials * (double)m->d;
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

rmtmc_status rmtmc_spectrum_run(const rmtmc_spectrum_config *cfg,
                                rmtmc_spectrum_result *res, rmtmc_error *err) {
  memset(res, 0, sizeof *res);
  rmtmc_status st = rmtmc_spectrum_validate(cfg, err);
  if (st != RMTMC_OK) return st;
  res->config = *cfg;
  rmtmc_entries entries;
  double nu;
  st = rmtmc_entries_parse(cfg->entries, &entries, &nu, err);
  if (st == RMTMC_OK)
    st = rmtmc_model_init(&res->model, cfg->d, cfg->n, cfg->sigma, entries, nu,
                          cfg->precision, err);
  if (st != RMTMC_OK) return st;
  res->eta = (double)cfg->d / (double)cfg->n;
  double t0 = rmtmc_now_seconds();
  st = theory_setup(res, err);
  res->theory_seconds = rmtmc_now_seconds() - t0;
  rmtmc_accum_stream acc;
  int have_acc = 0;
  if (st == RMTMC_OK) {
    st = rmtmc_accum_stream_init(&acc, rmtmc_reduce_nobs(&(rmtmc_reduce_spec){
                                           res->config.nz, NULL, NULL, RMTMC_SPECTRUM_KMAX, 0, 0, 0}),
                                 res->bins + 3, err);
    have_acc = st == RMTMC_OK;
  }
  if (st == RMTMC_OK) {
    double t1 = rmtmc_now_seconds();
    st = run_trials(res, &acc, err);
    res->seconds = rmtmc_now_seconds() - t1;
    res->trials_per_second = (double)cfg->trials / res->seconds;
  }
  if (st == RMTMC_OK) st = compare(res, &acc.total, err);
  if (have_acc) rmtmc_accum_stream_free(&acc);
  if (st != RMTMC_OK) rmtmc_spectrum_result_free(res);
  return st;
}

void rmtmc_spectrum_result_free(rmtmc_spectrum_result *r) {
  if (!r) return;
  rmtmc_model_free(&r->model);
  free(r->rows);
  free(r->counts);
  free(r->density_emp);
  free(r->density_theory);
  memset(r, 0, sizeof *r);
}
