/* study_common.c: private helpers shared by the Monte Carlo studies
 * (study_common.h). */
#include "study/study_common.h"

#include "core/sysinfo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

rmtmc_stat study_stat_of(const rmtmc_welford *w) {
  rmtmc_stat s;
  s.mean = w->mean;
  s.stderr_ = rmtmc_welford_stderr(w);
  s.sd = sqrt(rmtmc_welford_var(w));
  return s;
}

void study_finish_row(rmtmc_grid_row *r, double x, const rmtmc_welford *w) {
  r->x = x;
  r->emp = study_stat_of(&w[0]);
  r->theory = w[1].mean;
  r->diff = study_stat_of(&w[2]);
  r->zscore = r->diff.mean / r->diff.stderr_;
  r->bias = NAN;
  r->zscore_corrected = NAN;
}

void study_set_bias(rmtmc_grid_row *r, double bias) {
  r->bias = bias;
  r->zscore_corrected = (r->diff.mean - bias) / r->diff.stderr_;
}

rmtmc_status study_check_grid(const char *opt, const double *g, int64_t ng, rmtmc_error *err) {
  if (ng < 1 || ng > RMTMC_STUDY_MAX_GRID)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s needs 1 to %d values", opt, RMTMC_STUDY_MAX_GRID);
  for (int64_t i = 0; i < ng; ++i)
    if (!(g[i] > 0) || !isfinite(g[i]))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s: every value must be finite and > 0 (got %g)", opt, g[i]);
  return RMTMC_OK;
}

rmtmc_status study_check_run(const rmtmc_run_opts *o, int64_t min_trials, rmtmc_error *err) {
  if (o->trials < min_trials)
    return min_trials > 1 ? rmtmc_error_set(err, RMTMC_ERR_INVALID, "--trials must be >= %lld (standard errors)",
                                            (long long)min_trials)
                          : rmtmc_error_set(err, RMTMC_ERR_INVALID, "--trials must be a positive integer (got %lld)",
                                            (long long)o->trials);
  if (o->batch < 0) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--batch must be >= 0 (0 = automatic)");
  return RMTMC_OK;
}

void study_cumulative(double *cum, const double *P, int64_t k, int64_t c) {
  for (int64_t a = 0; a < c; ++a) {
    double s = 0.0;
    for (int64_t j = 0; j < k; ++j) cum[j + a * k] = (s += P[j + a * k]);
    cum[k - 1 + a * k] = 1.0;
  }
}

void study_column(rmtmc_column *c, const char *name, const char *meaning, const char *param, double re,
                  double im) {
  memset(c, 0, sizeof *c);
  snprintf(c->name, sizeof c->name, "%s", name);
  snprintf(c->meaning, sizeof c->meaning, "%s", meaning);
  snprintf(c->param, sizeof c->param, "%s", param ? param : "");
  c->param_re = re;
  c->param_im = im;
}

void study_grid_columns(rmtmc_column *c, const char *name, const char *meaning, const char *param, int64_t g,
                        double x) {
  char n[48], m[160];
  snprintf(n, sizeof n, "%s_%s%lld", name, param, (long long)g);
  study_column(&c[0], n, meaning, param, x, 0.0);
  snprintf(n, sizeof n, "%s_theory_%s%lld", name, param, (long long)g);
  snprintf(m, sizeof m, "theory of: %s", meaning);
  study_column(&c[1], n, m, param, x, 0.0);
  snprintf(n, sizeof n, "%s_diff_%s%lld", name, param, (long long)g);
  snprintf(m, sizeof m, "empirical - theory of: %s", meaning);
  study_column(&c[2], n, m, param, x, 0.0);
}

rmtmc_status study_limit_spectrum(const rmtmc_model *m, double eta, rmtmc_limit_spectrum *ls, rmtmc_error *err) {
  rmtmc_pop pop = rmtmc_model_pop(m);
  unsigned char *spike = calloc((size_t)(pop.k > 0 ? pop.k : 1), 1);
  if (!spike) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  int any = 0;
  for (int64_t j = 0; j < pop.k; ++j)
    for (int64_t i = 0; i < m->nspikes; ++i)
      if (pop.t[j] == m->spikes[i] && pop.t[j] != 1.0) spike[j] = 1, any = 1;
  rmtmc_status st = rmtmc_limit_spectrum_init(ls, &pop, any ? spike : NULL, eta, m->d, err);
  free(spike);
  return st;
}

void rmtmc_zcurve_free(rmtmc_zcurve *c) {
  if (!c) return;
  free(c->x);
  memset(c, 0, sizeof *c);
}

int study_zgrid_lines(const rmtmc_limit_spectrum *ls, const double *re, const double *im, int64_t nz,
                      double *line_im, double *x0, double *x1) {
  int n = 0;
  double lo = INFINITY, hi = -INFINITY;
  for (int64_t j = 0; j < nz; ++j) {
    lo = fmin(lo, re[j]);
    hi = fmax(hi, re[j]);
    int seen = 0;
    for (int l = 0; l < n && l < RMTMC_ZCURVE_LINES; ++l) seen |= line_im[l] == im[j];
    if (!seen) {
      if (n < RMTMC_ZCURVE_LINES) line_im[n] = im[j];
      ++n;
    }
  }
  if (n > RMTMC_ZCURVE_LINES) n = 0;
  const rmtmc_support *S = &ls->support;
  if (!(hi > lo) && S->nint > 0) { /* one real part: show the support around it */
    lo = fmin(lo, S->lo[0]);
    hi = fmax(hi, S->hi[S->nint - 1]);
  }
  double pad = hi > lo ? 0.08 * (hi - lo) : fmax(1.0, fabs(lo)) * 0.5;
  *x0 = lo - pad;
  *x1 = hi + pad;
  return n;
}

static int dbl_less(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

rmtmc_status study_zcurve(rmtmc_zcurve *c, const rmtmc_limit_spectrum *ls, study_ztheory_fn fn, const double *line_im,
                          int nline, double x0, double x1, int64_t npts, rmtmc_error *err) {
  memset(c, 0, sizeof *c);
  if (nline < 1 || nline > RMTMC_ZCURVE_LINES || !(x1 > x0) || npts < 2) return RMTMC_OK;
  const rmtmc_support *S = &ls->support;
  int64_t cap = npts + 2 * S->nint;
  double *grid = malloc((size_t)cap * sizeof(double));
  double *buf = malloc(3 * (size_t)(cap * nline) * sizeof(double));
  if (!grid || !buf) {
    free(grid);
    free(buf);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for a theory curve");
  }
  int64_t n = 0;
  for (int64_t i = 0; i < npts; ++i) grid[n++] = x0 + (x1 - x0) * (double)i / (double)(npts - 1);
  double eps = 1e-6 * (x1 - x0);
  for (int64_t i = 0; i < S->nint; ++i) { /* the curve reaches each edge (just off it) */
    if (S->lo[i] - eps > x0) grid[n++] = S->lo[i] - eps;
    if (S->hi[i] + eps < x1) grid[n++] = S->hi[i] + eps;
  }
  qsort(grid, (size_t)n, sizeof(double), dbl_less);
  c->nline = nline;
  c->npts = n;
  c->x = buf;
  c->re = buf + n * nline;
  c->im = buf + 2 * n * nline;
  for (int l = 0; l < nline; ++l) {
    c->line_im[l] = line_im[l];
    for (int64_t i = 0; i < n; ++i) {
      double x = grid[i];
      double complex v = NAN;
      int on = 0;
      if (line_im[l] == 0.0)
        for (int64_t q = 0; q < S->nint; ++q) on |= x >= S->lo[q] && x <= S->hi[q];
      if (!on && fn(ls, x + I * line_im[l], &v, NULL) != RMTMC_OK) v = NAN;
      if (!isfinite(creal(v)) || !isfinite(cimag(v))) v = CMPLX(NAN, NAN);
      c->x[l * n + i] = x;
      c->re[l * n + i] = creal(v);
      c->im[l * n + i] = line_im[l] == 0.0 && isfinite(creal(v)) ? 0.0 : cimag(v);
    }
  }
  free(grid);
  return RMTMC_OK;
}

void rmtmc_curve_free(rmtmc_curve *c) {
  if (!c) return;
  free(c->x);
  memset(c, 0, sizeof *c);
}

rmtmc_status study_curve_alloc(rmtmc_curve *c, int nq, const double *g, int64_t ng, double extra, rmtmc_error *err) {
  memset(c, 0, sizeof *c);
  double lo = INFINITY, hi = -INFINITY;
  for (int64_t i = 0; i < ng; ++i)
    if (g[i] > 0 && isfinite(g[i])) lo = fmin(lo, g[i]), hi = fmax(hi, g[i]);
  if (extra > 0 && isfinite(extra)) lo = fmin(lo, extra), hi = fmax(hi, extra);
  if (!(hi >= lo) || nq < 1 || nq > RMTMC_CURVE_MAX) return RMTMC_OK;
  int64_t n = RMTMC_CURVE_POINTS;
  double *buf = malloc((size_t)(n * (nq + 1)) * sizeof(double));
  if (!buf) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for a theory curve");
  c->n = n;
  c->nq = nq;
  c->x = buf;
  double a = log(lo / 1.25), b = log(hi * 1.25);
  for (int64_t i = 0; i < n; ++i) c->x[i] = exp(a + (b - a) * (double)i / (double)(n - 1));
  for (int q = 0; q < nq; ++q) {
    c->y[q] = buf + (q + 1) * n;
    for (int64_t i = 0; i < n; ++i) c->y[q][i] = NAN;
  }
  return RMTMC_OK;
}
