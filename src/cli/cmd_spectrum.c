/* cmd_spectrum.c: `rmtmc spectrum`. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *f) {
  rmtmc_spectrum_config c;
  rmtmc_spectrum_config_default(&c);
  fprintf(f,
          "usage: rmtmc spectrum [options]\n"
          "\n"
          "Monte Carlo of the spectrum of S = X X^T / n, X = Sigma^(1/2) G (d x n), beside\n"
          "its deterministic equivalent: Stieltjes transform m(z) = (1/d) tr (S - zI)^-1,\n"
          "extreme eigenvalues, moments and the pooled eigenvalue density.\n"
          "\n"
          "  --d D              dimension (default %lld)\n"
          "  --n N              samples per trial (default %lld); eta = d/n\n"
          "  --trials T         independent trials (default %lld)\n"
          "  --seed S           seed; trial t of seed S is the same on every backend (default %llu)\n"
          "  --sigma SPEC       population covariance (default identity):\n"
          "                       identity | points:L1:W1,L2:W2,... | ar1:RHO | spike:T1[,T2...]\n"
          "                       | file:PATH (one eigenvalue per line, d lines)\n"
          "  --entries LAW      gaussian | rademacher | student:NU (NU > 4); unit variance (default gaussian)\n"
          "  --z LIST           points for m(z), e.g. -1,4.5,1+0.2i (default: -1, 1.5 lam_max + 0.5\n"
          "                     and three points in the bulk with imaginary part 0.1 x support width)\n"
          "  --bins K           pooled-histogram bins (default %lld)\n"
          "  --backend B        auto | cpu | cuda (default auto: the GPU when present)\n"
          "  --device N         CUDA device ordinal for the cuda backend (default 0)\n"
          "  --threads K        CPU worker threads (default: all cores)\n"
          "  --batch B          trials per batch (default: planned from memory)\n"
          "  --precision P      double | single (default double)\n"
          "  --json PATH        write the full result (schema rmtmc.spectrum/1)\n"
          "  --out DIR          write result.json and CSV tables into DIR, gnuplot scripts and\n"
          "                     pictures (density, stieltjes .png/.svg) and report.html\n"
          "  --no-plots         with --out: no gnuplot scripts or pictures (report.html still written)\n"
          "  --quiet            no summary on stdout, no progress on stderr\n"
          "  --help             this text\n"
          "\n"
          "Exit codes: 0 done, 1 runtime failure, 2 bad input (no output written).\n",
          (long long)c.d, (long long)c.n, (long long)c.trials, (unsigned long long)c.seed,
          (long long)c.bins);
}

int cmd_spectrum(int argc, char **argv) {
  rmtmc_spectrum_config c;
  rmtmc_spectrum_config_default(&c);
  rmtmc_error err;
  rmtmc_error_clear(&err);
  cli_run run = {NULL, NULL, 0, 0};
  cli_args a = {argc, argv, 0, {0}};
  const char *name, *val;
  int r;
  rmtmc_status st = RMTMC_OK;
  while (st == RMTMC_OK && (r = cli_next(&a, CLI_RUN_FLAGS, &name, &val, &err)) != 0) {
    if (r < 0) return cli_fail("spectrum", &err);
    if (strcmp(name, "help") == 0) {
      usage(stdout);
      return 0;
    }
    if (!cli_run_option(&run, name, val, &st, &err) &&
        !cli_spectrum_option(&c, RMTMC_MAX_Z, name, val, &st, &err))
      st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "unknown option --%s (see rmtmc spectrum --help)", name);
  }
  if (st != RMTMC_OK) return cli_fail("spectrum", &err);

  cli_progress prog;
  cli_progress_init(&prog, run.quiet);
  c.progress = cli_progress_update;
  c.progress_ctx = &prog;
  rmtmc_spectrum_result res;
  st = rmtmc_spectrum_run(&c, &res, &err);
  cli_progress_done(&prog);
  if (st != RMTMC_OK) return cli_fail("spectrum", &err);
  if (res.backend_note[0] && run.quiet) fprintf(stderr, "rmtmc spectrum: %s\n", res.backend_note);
  if (run.json) st = rmtmc_write_atomic(run.json, rmtmc_spectrum_write_json, &res, &err);
  if (st == RMTMC_OK && run.out) st = rmtmc_spectrum_write_dir(run.out, &res, &err);
  if (st == RMTMC_OK && run.out && !run.no_plots) {
    rmtmc_plot_scripts scripts;
    st = rmtmc_plot_spectrum(run.out, &res, &scripts, &err);
    if (st == RMTMC_OK) cli_run_plots("spectrum", run.out, &scripts);
  }
  if (st == RMTMC_OK && run.out) st = rmtmc_html_spectrum(run.out, &res, &err);
  if (st == RMTMC_OK && !run.quiet) rmtmc_spectrum_summary(stdout, &res);
  rmtmc_spectrum_result_free(&res);
  return st == RMTMC_OK ? 0 : cli_fail("spectrum", &err);
}
