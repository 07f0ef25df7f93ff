/* resolvent_def.c: the resolvent study's row of the table of studies. */
#include <stdio.h>
#include <string.h>

#include "rmtmc_plot.h"
#include "rmtmc_resolvent.h"
#include "study/options.h"
#include "study/study_def.h"

static void usage(FILE *f) {
  rmtmc_resolvent_config c;
  rmtmc_resolvent_config_default(&c);
  fprintf(f,
          "usage: rmtmc resolvent [options]\n"
          "\n"
          "Monte Carlo of the resolvent Q(z) = (S + zI)^-1, S = X X^T / n, X = Sigma^(1/2) G (d x n),\n"
          "beside its deterministic equivalent Qbar(z) = (Sigma/(1 + delta(z)) + zI)^-1,\n"
          "delta(z) = (1/n) tr Sigma Qbar(z) (docs/theory.md 10): linear functionals of Q per trial\n"
          "and z, their mean, standard error and sd against the theory, with the O(1/d) bias where\n"
          "it is known.  Real z use a Cholesky factorisation of S + zI, complex z one\n"
          "eigendecomposition of S per trial.\n"
          "\n"
          "  --d D              dimension (default %lld)\n"
          "  --n N              samples per trial (default %lld); eta = d/n\n",
          (long long)c.d, (long long)c.n);
  study_usage_sigma(f);
  fprintf(f,
          "  --entries LAW      gaussian | rademacher | student:NU (NU > 4); unit variance (default gaussian)\n"
          "  --z LIST           real z > 0 and complex z, e.g. 0.1,1,0.5+0.5i (default 0.1,1,0.5+0.5i)\n"
          "  --functionals LIST comma-separated, or all (default: all but diag_dev):\n");
  for (int k = 0; k < RMTMC_RSV_FUN_VECTOR; ++k) {
    const rmtmc_rsv_fun_info *fi = rmtmc_rsv_fun_describe(k);
    fprintf(f, "                       %-16s %s\n", fi->name, fi->symbol);
  }
  fprintf(f,
          "  --vector PATH      (repeatable) also w^T Q w for the vector in PATH (d numbers, text or .npy),\n"
          "                     normalised to unit length: quad_vector1, quad_vector2, ...\n"
          "  --path P           auto (real z: Cholesky, complex z: eigendecomposition) | eigen (every z\n"
          "                     from the eigendecomposition) (default auto)\n");
  char trials[32];
  snprintf(trials, sizeof trials, "%lld", (long long)c.run.trials);
  study_usage_run(f, trials);
  study_usage_outputs(f, "rmtmc.resolvent/1",
                      "write DIR/result.json, functionals.csv, resolvent_curve.csv, gnuplot scripts,\n"
                      "                     the pictures resolvent*.png/.svg and report.html");
}

static int option(void *cfg, const char *name, const char *val, rmtmc_status *st, rmtmc_error *err) {
  rmtmc_resolvent_config *c = cfg;
  if (study_opt_run(&c->run, name, val, st, err)) return 1;
  if (strcmp(name, "d") == 0) *st = study_opt_int64(name, val, 1, &c->d, err);
  else if (strcmp(name, "n") == 0) *st = study_opt_int64(name, val, 1, &c->n, err);
  else if (strcmp(name, "sigma") == 0) *st = study_opt_spec(c->sigma, sizeof c->sigma, name, val, err);
  else if (strcmp(name, "entries") == 0) *st = study_opt_spec(c->entries, sizeof c->entries, name, val, err);
  else if (strcmp(name, "z") == 0) *st = study_opt_zlist(val, RMTMC_RSV_MAX_Z, c->z_re, c->z_im, &c->nz, err);
  else if (strcmp(name, "functionals") == 0) *st = rmtmc_rsv_fun_parse(val, &c->functionals, err);
  else if (strcmp(name, "vector") == 0) {
    if (c->nvectors >= RMTMC_RSV_MAX_VECTORS)
      *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--vector: at most %d vectors", RMTMC_RSV_MAX_VECTORS);
    else if ((*st = study_opt_spec(c->vectors[c->nvectors], sizeof c->vectors[0], name, val, err)) == RMTMC_OK)
      ++c->nvectors;
  } else if (strcmp(name, "path") == 0) {
    if (strcmp(val, "auto") == 0) c->path = RMTMC_RSV_PATH_AUTO;
    else if (strcmp(val, "eigen") == 0) c->path = RMTMC_RSV_PATH_EIGEN;
    else *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--path '%s': use auto or eigen", val);
  } else return 0;
  return 1;
}

static int files(const void *res, rmtmc_out_file *f, int cap) {
  if (cap >= 3) {
    study_file(&f[0], "result.json", rmtmc_resolvent_write_json, res);
    study_file(&f[1], "functionals.csv", rmtmc_resolvent_write_csv, res);
    study_file(&f[2], "resolvent_curve.csv", rmtmc_resolvent_write_curve_csv, res);
  }
  return 3;
}

STUDY_TYPED_FNS(resolvent, rmtmc_resolvent_config, rmtmc_resolvent_result)
STUDY_VERDICT_FNS(resolvent)

const rmtmc_study_def study_def_resolvent = {
    .name = "resolvent",
    .about = "Monte Carlo of resolvent functionals (traces, quadratic forms) against Qbar(z)",
    .traits = {.monte_carlo = 1, .verdict = 1},
    .flags = " save-trials ",
    .usage = usage,
    .option = option,
    STUDY_TYPED_ROW(resolvent, rmtmc_resolvent_config, rmtmc_resolvent_result),
    STUDY_VERDICT_ROW(resolvent),
    .files = files,
};
