/* cmd_ridge.c: `rmtmc ridge` (THEORY 4). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "rmtmc_studies.h"

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
          "  --n N              samples per trial (default %lld)\n"
          "  --sigma SPEC       population covariance (default identity):\n"
          "                       identity | points:L1:W1,L2:W2,... | ar1:RHO | spike:T1[,T2...]\n"
          "                       | file:PATH (one eigenvalue per line, d lines)\n"
          "  --signal R2        ||beta||^2 >= 0 (default %g)\n"
          "  --noise SIGMA2     noise variance >= 0 (default %g)\n"
          "  --lambda LIST      ridge values > 0 (default 0.01,0.1,0.5,1); the theory's optimal lambda\n"
          "                     and the ridgeless (min-norm) estimator (when |d - n| >= 2) are run too\n"
          "  --trials T         independent trials >= 2 (default %lld)\n"
          "  --seed S           seed; trial t of seed S can be replayed alone (default %llu)\n"
          "  --threads K        CPU worker threads (default: all cores)\n"
          "  --backend B        auto (CUDA when a device answers, else the CPU) | cpu | cuda (default auto)\n"
          "  --device N         CUDA device ordinal for the cuda backend (default 0)\n"
          "  --batch B          trials per backend call (default: max(64, 4 x threads) on the CPU,\n"
          "                     trials/16 within [64, 2048] on a GPU; always within what fits in\n"
          "                     memory and --trials)\n"
          "  --json PATH        write the result (schema rmtmc.ridge/1)\n"
          "  --out DIR          write DIR/result.json, curves.csv, plot_curves.gp, the pictures\n"
          "                     curves.png/.svg (gnuplot) and report.html\n"
          "  --no-plots         with --out: no gnuplot script or pictures (report.html still written)\n"
          "  --quiet            no summary on stdout, no progress on stderr\n"
          "  --help             this text\n"
          "\n"
          "Exit codes: 0 done, 1 runtime failure, 2 bad input (no output written).\n",
          (long long)c.d, (long long)c.n, c.signal, c.noise, (long long)c.trials, (unsigned long long)c.seed);
}

int cmd_ridge(int argc, char **argv) {
  rmtmc_ridge_config c;
  rmtmc_ridge_config_default(&c);
  rmtmc_error err;
  rmtmc_error_clear(&err);
  cli_run run = {NULL, NULL, 0, 0};
  cli_args a = {argc, argv, 0, {0}};
  const char *name, *val;
  int r;
  rmtmc_status st = RMTMC_OK;
  while (st == RMTMC_OK && (r = cli_next(&a, CLI_RUN_FLAGS, &name, &val, &err)) != 0) {
    if (r < 0) return cli_fail("ridge", &err);
    if (strcmp(name, "help") == 0) {
      usage(stdout);
      return 0;
    } else if (cli_run_option(&run, name, val, &st, &err) ||
               cli_trial_option(name, val, &c.trials, &c.seed, &c.threads, &st, &err) ||
               cli_backend_option(name, val, &c.backend, &c.batch, &c.device, &st, &err)) {
    } else if (strcmp(name, "d") == 0) st = cli_int64(name, val, 1, &c.d, &err);
    else if (strcmp(name, "n") == 0) st = cli_int64(name, val, 1, &c.n, &err);
    else if (strcmp(name, "sigma") == 0) {
      if (strlen(val) >= sizeof c.sigma) st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "--sigma is too long");
      else strcpy(c.sigma, val);
    } else if (strcmp(name, "signal") == 0) {
      st = cli_double(name, val, &c.signal, &err);
      if (st == RMTMC_OK && !(c.signal >= 0)) st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "--signal must be >= 0 (got %g)", c.signal);
    } else if (strcmp(name, "noise") == 0) {
      st = cli_double(name, val, &c.noise, &err);
      if (st == RMTMC_OK && !(c.noise >= 0)) st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "--noise must be >= 0 (got %g)", c.noise);
    } else if (strcmp(name, "lambda") == 0) st = rmtmc_parse_grid(name, val, c.lam, RMTMC_STUDY_MAX_GRID, &c.nlam, &err);
    else
      st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "unknown option --%s (see rmtmc ridge --help)", name);
  }
  if (st != RMTMC_OK) return cli_fail("ridge", &err);
  cli_progress prog;
  cli_progress_init(&prog, run.quiet);
  c.progress = cli_progress_update;
  c.progress_ctx = &prog;
  rmtmc_ridge_result res;
  st = rmtmc_ridge_run(&c, &res, &err);
  cli_progress_done(&prog);
  if (st != RMTMC_OK) return cli_fail("ridge", &err);
  if (run.json) st = rmtmc_write_atomic(run.json, rmtmc_ridge_write_json, &res, &err);
  if (st == RMTMC_OK && run.out) {
    st = cli_write_result(run.out, rmtmc_ridge_write_json, &res, &err);
    if (st == RMTMC_OK && !run.no_plots) {
      rmtmc_plot_scripts scripts;
      st = rmtmc_plot_ridge(run.out, &res, &scripts, &err);
      if (st == RMTMC_OK) cli_run_plots("ridge", run.out, &scripts);
    }
    if (st == RMTMC_OK) st = rmtmc_html_ridge(run.out, &res, &err);
  }
  if (st == RMTMC_OK && !run.quiet) rmtmc_ridge_summary(stdout, &res);
  rmtmc_ridge_result_free(&res);
  return st == RMTMC_OK ? 0 : cli_fail("ridge", &err);
}
