/* spectrum.c: the `spectrum` study: the theory's support and z grid, the
 * observable layout, the trials through the run driver, the comparison
 * with the theory.  The per-z observables are declared in spectrum_obs.c. */
#include "rmtmc_spectrum.h"

#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/driver.h"
#include "rmtmc_theory.h"
#include "rmtmc_theory_limit.h"
#include "rmtmc_verdict.h"
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

/* Theory side that does not need the samples: the limit spectrum at the
 * finite-d population, the predicted extreme eigenvalues, the z grid. */
static rmtmc_status theory_setup(rmtmc_spectrum_result *r, rmtmc_error *err) {
  const rmtmc_model *m = &r->model;
  rmtmc_status st = study_limit_spectrum(m, r->eta, &r->limit, err);
  if (st != RMTMC_OK) return st;
  const rmtmc_limit_spectrum *ls = &r->limit;
  if (ls->support.nint < 1 || ls->bulk.nint < 1)
    return rmtmc_error_set(err, RMTMC_ERR_NUMERIC, "the theory found no support interval");
  r->atom = ls->atom;
  r->p_max = m->entries == RMTMC_ENTRIES_STUDENT ? m->nu : INFINITY;
  double kx = rmtmc_entries_kurt_excess(m->entries, m->nu);
  r->bias_kind = kx == 0.0 ? RMTMC_BIAS_GAUSSIAN : (m->sqrt_full ? RMTMC_BIAS_GENERAL : RMTMC_BIAS_DIAGONAL);
  /* extreme eigenvalues: the bulk edges, or the separated outliers beyond them */
  double lo = ls->bulk.lo[0], hi = ls->bulk.hi[ls->bulk.nint - 1];
  r->lam_min_theory = lo;
  r->lam_max_theory = hi;
  for (int64_t i = 0; i < ls->noutliers; ++i) {
    const rmtmc_outlier *o = &ls->outliers[i];
    if (!o->separated) continue;
    if (o->location > r->lam_max_theory) r->lam_max_theory = o->location;
    if (o->location < r->lam_min_theory) r->lam_min_theory = o->location;
  }
  /* a singular Sigma puts eigenvalues at 0 that are not structural zeros */
  if (m->pop_eigs[0] == 0.0 && !(m->d > m->n && r->atom <= 1.0 - (double)m->n / (double)m->d))
    r->lam_min_theory = 0.0;
  double slo = ls->support.lo[0], shi = ls->support.hi[ls->support.nint - 1];
  double w = hi - lo, top = fmax(r->lam_max_theory, shi);
  rmtmc_spectrum_config *c = &r->config;
  if (c->nz == 0) { /* default grid: two real points off the support, three in the bulk */
    double re[5] = {-1.0, 1.5 * top + 0.5, lo + 0.25 * w, lo + 0.5 * w, lo + 0.75 * w};
    double im[5] = {0.0, 0.0, 0.1 * w, 0.1 * w, 0.1 * w};
    c->nz = 5;
    memcpy(c->z_re, re, sizeof re);
    memcpy(c->z_im, im, sizeof im);
  }
  /* A real z must be off the limiting support (and off the atom at 0);
   * the theory's own message names the interval. */
  for (int64_t j = 0; j < c->nz; ++j) {
    if (c->z_im[j] != 0.0) continue;
    double z = c->z_re[j];
    if (z == 0.0 && (r->atom > 0.0 || m->d > m->n))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "--z 0: S has eigenvalues at 0 (d > n or singular Sigma); choose another z");
    for (int64_t i = 0; i < ls->support.nint; ++i)
      if (z >= ls->support.lo[i] && z <= ls->support.hi[i])
        return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                               "--z %g lies on the support [%.6g, %.6g] of the limiting spectrum (at the finite-d "
                               "population), where m(z) is not defined; choose a real z outside it or give it an "
                               "imaginary part (e.g. %g+0.1i)",
                               z, ls->support.lo[i], ls->support.hi[i], z);
  }
  (void)slo;
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

/* How the verdict judges a row (rmtmc_verdict.h): against the limit plus
 * the predicted bias where that bias is known, reliable for the entries
 * (docs/theory.md 6.6) and resolvable this close to a support edge (6.5);
 * else against the limit (rule uncorrected: a gap beyond 4 standard
 * errors is inconclusive, not a disagreement) or kept out, with the reason
 * in the row's note.  Near an edge two things can go wrong:
 *   * rounding: the edge is known to ~1e-15 relative, so within a few ulps
 *     of it neither m(z) nor mu(z)/d is resolved (the margin at d = 0 gives
 *     their rounding errors); when that error exceeds half a standard
 *     error the value (rule uncorrected, with the note) or the correction
 *     (dropped) cannot be used;
 *   * the 1/d expansion: within the finite-d edge scale its neglected terms
 *     are as large as the correction; where the margin's estimate of them
 *     exceeds the correction itself, it is dropped.
 * A dropped or unknown bias is NAN in both parts. */
static void row_rule(const rmtmc_spectrum_result *r, rmtmc_stieltjes_row *row, double complex th, double complex off,
                     const char *bias_err) {
  char why[200];
  row->rule = RMTMC_RULE_CORRECTED;
  row->note[0] = '\0';
  if (!rmtmc_theory_row_reliable(RMTMC_ROW_STIELTJES_CORRECTED, 0, r->p_max, why, sizeof why)) {
    row->rule = RMTMC_RULE_OUT;
    snprintf(row->note, sizeof row->note, "%s", why);
    return;
  }
  if (bias_err) {
    row->rule = RMTMC_RULE_UNCORRECTED;
    snprintf(row->note, sizeof row->note, "no O(1/d) bias is known here: %.200s", bias_err);
    return;
  }
  const rmtmc_limit_spectrum *ls = &r->limit;
  double complex z = row->z_re + I * row->z_im;
  double se = row->z_im != 0.0 ? fmin(row->re.stderr_, row->im.stderr_) : row->re.stderr_;
  if (!(se > 0) || !isfinite(se)) return; /* the verdict says why it cannot judge the row */
  double rel = cabs(off) > 0 ? fmin(0.5, fmax(0.5 * se / cabs(off), 1e-300)) : 0.5;
  rmtmc_edge_margin M0, M1;
  if (rmtmc_theory_edge_margin(&ls->pop, ls->eta, 0.0, z, rel, &M0, NULL) != RMTMC_OK ||
      rmtmc_limit_spectrum_margin(ls, z, 0.99, &M1, NULL) != RMTMC_OK)
    return;
  if (M0.value_rel_err * cabs(th) > 0.5 * se) {
    row->rule = RMTMC_RULE_UNCORRECTED;
    snprintf(row->note, sizeof row->note,
             "z is %.3g from the support edge %.17g, known to %.2g: the theory value itself is uncertain by about "
             "%.2g (relative) there, more than half a standard error (docs/theory.md 6.5)",
             M0.dist, M0.edge, M0.edge_tol, M0.value_rel_err);
  } else if (M0.bias_rel_err * cabs(off) > 0.5 * se) {
    row->rule = RMTMC_RULE_UNCORRECTED;
    snprintf(row->note, sizeof row->note,
             "bias correction dropped: z is %.3g from the support edge %.17g, which is known to %.2g only, so "
             "the correction mu(z)/d is not resolved there (docs/theory.md 6.5)",
             M0.dist, M0.edge, M0.edge_tol);
  } else if (!(M1.bias_rel_err <= 1.0)) {
    /* which of the margin's terms binds: the eigenvalues within Im z of an
     * interior Re z, or the distance to the edge */
    double f = 0.0, near = INFINITY;
    int inside = 0; /* Re z in a support interval (in a gap the density is rounding noise) */
    for (int64_t i = 0; i < ls->support.nint && !inside; ++i)
      inside = row->z_re > ls->support.lo[i] && row->z_re < ls->support.hi[i];
    if (inside && row->z_im != 0.0 &&
        rmtmc_theory_density(&ls->pop, ls->eta, row->z_re, NULL, &f, NULL) == RMTMC_OK && f > 0)
      near = 2.0 * (double)ls->d * f * fabs(row->z_im);
    row->rule = RMTMC_RULE_UNCORRECTED;
    if (near <= 1.0)
      snprintf(row->note, sizeof row->note,
               "bias correction dropped: only %.2g of the d = %lld eigenvalues lie within Im z of Re z, so the "
               "neglected terms of the 1/d expansion are as large as the correction (docs/theory.md 6.5)",
               near, (long long)ls->d);
    else
      snprintf(row->note, sizeof row->note,
               "bias correction dropped: z is %.3g from the support edge %.10g, where the neglected terms of the 1/d "
               "expansion are as large as the correction (it needs a distance of about %.3g at d = %lld; "
               "docs/theory.md 6.5)",
               M1.dist, M1.edge, M1.min_dist, (long long)ls->d);
  }
}

/* The rows of per-z observable k (mx: the entry mixing of a dense Sigma). */
static rmtmc_status zobs_rows(rmtmc_spectrum_result *r, int k, const rmtmc_layout *L, const rmtmc_welford *acc,
                              const rmtmc_entry_mixing *mx, rmtmc_error *err) {
  const rmtmc_model *m = &r->model;
  const rmtmc_spectrum_config *c = &r->config;
  const spectrum_zobs_def *def = spectrum_zobs(k);
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
    double complex z = row->z_re + I * row->z_im, th, off = NAN;
    rmtmc_status st = def->theory(&r->limit, z, &th, err);
    if (st != RMTMC_OK) return st;
    row->theory_re = creal(th);
    row->theory_im = cimag(th);
    /* Bias of the finite-d value: the Gaussian CLT mean plus the
     * fourth-cumulant term (any Sigma, through the entry mixing). */
    rmtmc_error berr;
    const char *bias_err = NULL;
    if (complex_data) off = 0.0;
    else if (def->bias(&r->limit, z, kx, mx, &off, &berr) != RMTMC_OK) bias_err = berr.msg;
    else if (!isfinite(creal(off)) || !isfinite(cimag(off))) bias_err = "the predicted bias is not finite";
    row_rule(r, row, th, off, bias_err);
    if (bias_err || row->rule == RMTMC_RULE_UNCORRECTED) off = CMPLX(NAN, NAN); /* unknown in both parts */
    row->bias_re = creal(off);
    row->bias_im = cimag(off);
    row->zscore_re = (row->re.mean - row->theory_re) / row->re.stderr_;
    row->zscore_corr_re = (row->re.mean - row->theory_re - row->bias_re) / row->re.stderr_;
    if (row->z_im == 0.0) { /* the observables are real for real z */
      row->zscore_im = row->zscore_corr_im = NAN;
    } else {
      row->zscore_im = (row->im.mean - row->theory_im) / row->im.stderr_;
      row->zscore_corr_im = (row->im.mean - row->theory_im - row->bias_im) / row->im.stderr_;
    }
  }
  /* the theory along the grid's lines, for the picture */
  double line_im[RMTMC_ZCURVE_LINES], x0, x1;
  int nline = study_zgrid_lines(&r->limit, c->z_re, c->z_im, c->nz, line_im, &x0, &x1);
  return study_zcurve(&r->zobs[k].curve, &r->limit, def->theory, line_im, nline, x0, x1, 300, err);
}

/* The moments' rules: exact where an exact finite-n expectation is known
 * and the moment has a finite variance for these entries, else kept out. */
static void moment_rules(rmtmc_spectrum_result *r) {
  for (int k = 0; k < RMTMC_SPECTRUM_KMAX; ++k) {
    char why[200];
    r->moment_note[k][0] = '\0';
    if (!rmtmc_theory_row_reliable(RMTMC_ROW_MOMENT, k + 1, r->p_max, why, sizeof why)) {
      r->moment_rule[k] = RMTMC_RULE_OUT;
      snprintf(r->moment_note[k], sizeof r->moment_note[k], "%s", why);
    } else if (isfinite(r->moments_exact[k])) {
      r->moment_rule[k] = RMTMC_RULE_EXACT;
    } else {
      r->moment_rule[k] = RMTMC_RULE_OUT;
      snprintf(r->moment_note[k], sizeof r->moment_note[k],
               "informational: no exact finite-n expectation of this moment is known here (the limit is off by "
               "O(1/n))");
    }
  }
}

static rmtmc_status compare(rmtmc_spectrum_result *r, const rmtmc_layout *L, const drv_result *acc,
                            rmtmc_error *err) {
  const rmtmc_model *m = &r->model;
  const rmtmc_spectrum_config *c = &r->config;
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
  /* the fourth-cumulant term of a dense Sigma needs how the entries meet
   * Sigma's eigenvectors (one O(d^3) decomposition per run) */
  rmtmc_entry_mixing mx;
  memset(&mx, 0, sizeof mx);
  int dense = r->bias_kind == RMTMC_BIAS_GENERAL;
  if (dense) st = rmtmc_entry_mixing_from_root(&mx, m->sqrt_full, m->d, err);
  for (int k = 0; k < RMTMC_ZOBS_COUNT && st == RMTMC_OK; ++k)
    if (L->zobs_off[k] >= 0) st = zobs_rows(r, k, L, acc->w, dense ? &mx : NULL, err);
  rmtmc_entry_mixing_free(&mx);
  if (st == RMTMC_OK) {
    r->lam_min = study_stat_of(&acc->w[L->lam_min]);
    r->lam_max = study_stat_of(&acc->w[L->lam_max]);
    for (int k = 1; k <= RMTMC_SPECTRUM_KMAX; ++k) {
      r->moments[k - 1] = study_stat_of(&acc->w[L->moment + k - 1]);
      r->moments_theory[k - 1] = r->limit.moments[k - 1];
    }
    exact_moments(r);
    moment_rules(r);
    /* Pooled density: theory bin masses of the law at the finite-d population. */
    double width = (r->hist_hi - r->hist_lo) / (double)r->bins;
    for (int64_t b = 0; b <= r->bins; ++b) edges[b] = r->hist_lo + width * (double)b;
    st = rmtmc_limit_spectrum_bin_masses(&r->limit, RMTMC_LAW_FINITE_D, r->bins, edges, r->density_theory, err);
  }
  if (st == RMTMC_OK) st = rmtmc_limit_spectrum_density(&r->limit, RMTMC_LAW_FINITE_D, 400, &r->density_curve, err);
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
  rmtmc_limit_spectrum_free(&r->limit);
  rmtmc_density_curve_free(&r->density_curve);
  for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k) {
    free(r->zobs[k].rows);
    rmtmc_zcurve_free(&r->zobs[k].curve);
  }
  free(r->counts);
  free(r->density_emp);
  free(r->density_theory);
  rmtmc_trials_free(&r->trials);
  memset(r, 0, sizeof *r);
}
