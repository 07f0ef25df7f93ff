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
