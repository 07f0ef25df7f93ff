/* edge_def.c: the edge study's row of the table of studies (study_def.h):
 * options, usage and outputs. */
#include <stdio.h>
#include <string.h>

#include "rmtmc_edge_study.h"
#include "rmtmc_plot.h"
#include "study/options.h"
#include "study/study_def.h"

static void usage(FILE *f) {
  rmtmc_edge_config c;
  rmtmc_edge_config_default(&c);
  char trials[32];
  snprintf(trials, sizeof trials, "%lld", (long long)c.run.trials);
  fprintf(f,
          "usage: rmtmc edge [options]\n"
          "\n"
          "Monte Carlo of the extreme eigenvalues of S = X X^T / n (X X^H / n for complex\n"
          "data) against the edge theory (docs/theory.md 5.1): lambda_max and, for d < n,\n"
          "lambda_min standardised by the Tracy-Widom centring and scaling (Ma 2012 for\n"
          "white real data, El Karoui 2006 complex, El Karoui 2007 for a general Sigma);\n"
          "mean, sd and skewness against TW_beta, the Kolmogorov-Smirnov distance and its\n"
          "p-value, a quantile table; with --sigma spike:T1,... every spike's outlier\n"
          "location and sd against BBP and the eigenvector overlaps |<v_hat, v>|^2\n"
          "against their limits, from the extreme eigenvectors only.\n"
          "\n"
          "  --d D              dimension (default %lld)\n"
          "  --n N              samples per trial (default %lld); eta = d/n\n"
          "  --sigma SPEC       population covariance (default identity):\n"
          "                       identity | points:L1:W1,... | ar1:RHO | spike:T1[,T2...] (ell = 1 + T,\n"
          "                       direction e_i for spike i) | file:PATH | matrix:PATH (a full symmetric\n"
          "                       PSD Sigma, as for rmtmc spectrum)\n"
          "  --entries LAW      gaussian (real, TW1) | complex-gaussian (TW2) (default gaussian)\n"
          "  --correction C     second-order (default: Ma / El Karoui 2006 for white data) |\n"
          "                     first-order (El Karoui 2007 at eta = d/n) | johnstone (n - 1, d)\n"
          "  --scale S          auto (linear at the top, log at the bottom edge) | linear | log\n"
          "  --bins K           histogram bins of the picture (default %lld)\n",
          (long long)c.d, (long long)c.n, (long long)c.bins);
  study_usage_run(f, trials);
  study_usage_outputs(f, "rmtmc.edge/1",
                      "write result.json and CSV tables into DIR, gnuplot scripts and\n"
                      "                     pictures (edge_hist, edge_qq .png/.svg) and report.html");
}

static int option(void *cfg, const char *name, const char *val, rmtmc_status *st, rmtmc_error *err) {
  rmtmc_edge_config *c = cfg;
  if (study_opt_run(&c->run, name, val, st, err)) return 1;
  if (strcmp(name, "d") == 0) *st = study_opt_int64(name, val, 1, &c->d, err);
  else if (strcmp(name, "n") == 0) *st = study_opt_int64(name, val, 1, &c->n, err);
  else if (strcmp(name, "sigma") == 0) *st = study_opt_spec(c->sigma, sizeof c->sigma, name, val, err);
  else if (strcmp(name, "entries") == 0) *st = study_opt_spec(c->entries, sizeof c->entries, name, val, err);
  else if (strcmp(name, "bins") == 0) *st = study_opt_int64(name, val, 1, &c->bins, err);
  else if (strcmp(name, "correction") == 0) {
    if (strcmp(val, "second-order") == 0) c->correction = RMTMC_EDGE_SECOND_ORDER;
    else if (strcmp(val, "first-order") == 0) c->correction = RMTMC_EDGE_FIRST_ORDER;
    else if (strcmp(val, "johnstone") == 0) c->correction = RMTMC_EDGE_JOHNSTONE;
    else *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--correction '%s': use second-order, first-order or johnstone", val);
  } else if (strcmp(name, "scale") == 0) {
    if (strcmp(val, "auto") == 0) c->scale = -1;
    else if (strcmp(val, "linear") == 0) c->scale = 0;
    else if (strcmp(val, "log") == 0) c->scale = 1;
    else *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--scale '%s': use auto, linear or log", val);
  } else return 0;
  return 1;
}

static int files(const void *res, rmtmc_out_file *f, int cap) { return rmtmc_edge_files(res, f, cap); }

STUDY_TYPED_FNS(edge, rmtmc_edge_config, rmtmc_edge_result)
STUDY_VERDICT_FNS(edge)

const rmtmc_study_def study_def_edge = {
    .name = "edge",
    .about = "extreme eigenvalues: Tracy-Widom laws, spikes (BBP), eigenvector overlaps",
    .traits = {.monte_carlo = 1, .verdict = 1},
    .flags = " save-trials ",
    .usage = usage,
    .option = option,
    STUDY_TYPED_ROW(edge, rmtmc_edge_config, rmtmc_edge_result),
    STUDY_VERDICT_ROW(edge),
    .files = files,
};
