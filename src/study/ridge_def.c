/* ridge_def.c: the ridge study's row of the table of studies. */
#include <stdio.h>
#include <string.h>

#include "rmtmc_plot.h"
#include "rmtmc_studies.h"
#include "study/options.h"
#include "study/study_def.h"

static void usage(FILE *f) {
  rmtmc_ridge_config c;
  rmtmc_ridge_config_default(&c);
  fprintf(f,
          "usage: rmtmc ridge [options]\n"
          "\n"
          "Monte Carlo of ridge regression y = X beta + eps, X (n x d) with rows ~ N(0, Sigma),\n"
          "bhat = (X^T X/n + lambda I)^-1 X^T y/n, beside the deterministic equivalents:\n"
          "excess risk (bhat-beta)^T Sigma (bhat-beta), training error, GCV (-> risk + sigma2).\n"
          "beta is uniform on the sphere ||beta||^2 = R2, drawn once per study from the seed.\n"
          "\n"
          "  --d D              dimension (default %lld)\n"
          "  --n N              samples per trial (default %lld)\n",
          (long long)c.d, (long long)c.n);
  study_usage_sigma(f);
  fprintf(f,
          "  --signal R2        ||beta||^2 >= 0 (default %g)\n"
          "  --noise SIGMA2     noise variance >= 0 (default %g)\n"
          "  --lambda LIST      ridge values > 0 (default 0.01,0.1,0.5,1); the theory's optimal lambda\n"
          "                     and the ridgeless (min-norm) estimator (when |d - n| >= 2) are run too\n",
          c.signal, c.noise);
  char trials[32];
  snprintf(trials, sizeof trials, "%lld", (long long)c.run.trials);
  study_usage_run(f, trials);
  study_usage_outputs(f, "rmtmc.ridge/1", STUDY_USAGE_CURVES);
}


static int option(void *cfg, const char *name, const char *val, rmtmc_status *st, rmtmc_error *err) {
  rmtmc_ridge_config *c = cfg;
  if (study_opt_run(&c->run, name, val, st, err)) return 1;
  if (study_opt_no_entries("ridge", name, st, err)) return 1;
  if (strcmp(name, "d") == 0) *st = study_opt_int64(name, val, 1, &c->d, err);
  else if (strcmp(name, "n") == 0) *st = study_opt_int64(name, val, 1, &c->n, err);
  else if (strcmp(name, "sigma") == 0) {
    if (strlen(val) >= sizeof c->sigma) *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--sigma is too long");
    else strcpy(c->sigma, val);
  } else if (strcmp(name, "signal") == 0) {
    *st = study_opt_double(name, val, &c->signal, err);
    if (*st == RMTMC_OK && !(c->signal >= 0))
      *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--signal must be >= 0 (got %g)", c->signal);
  } else if (strcmp(name, "noise") == 0) {
    *st = study_opt_double(name, val, &c->noise, err);
    if (*st == RMTMC_OK && !(c->noise >= 0))
      *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--noise must be >= 0 (got %g)", c->noise);
  } else if (strcmp(name, "lambda") == 0) *st = study_opt_grid(name, val, c->lam, RMTMC_STUDY_MAX_GRID, &c->nlam, err);
  else return 0;
  return 1;
}

STUDY_TYPED_FNS(ridge, rmtmc_ridge_config, rmtmc_ridge_result)

const rmtmc_study_def study_def_ridge =
    STUDY_MC_ROW(ridge, rmtmc_ridge_config, rmtmc_ridge_result, "ridge",
                 "Monte Carlo of ridge regression risk, training error and GCV", usage, option);
