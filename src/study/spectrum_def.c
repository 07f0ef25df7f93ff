/* spectrum_def.c: the spectrum study's row of the table of studies
 * (study_def.h): options, usage and outputs. */
#include <stdio.h>
#include <string.h>

#include "rmtmc_plot.h"
#include "rmtmc_report.h"
#include "rmtmc_spectrum.h"
#include "study/options.h"
#include "study/study_def.h"

static void usage(FILE *f) {
  rmtmc_spectrum_config c;
  rmtmc_spectrum_config_default(&c);
  char trials[32];
  snprintf(trials, sizeof trials, "%lld", (long long)c.run.trials);
  fprintf(f,
          "usage: rmtmc spectrum [options]\n"
          "\n"
          "Monte Carlo of the spectrum of S = X X^T / n, X = Sigma^(1/2) G (d x n), beside\n"
          "its deterministic equivalent: Stieltjes transform m(z) = (1/d) tr (S - zI)^-1,\n"
          "extreme eigenvalues, moments and the pooled eigenvalue density.\n"
          "\n"
          "  --d D              dimension (default %lld)\n"
          "  --n N              samples per trial (default %lld); eta = d/n\n"
          "  --sigma SPEC       population covariance (default identity):\n"
          "                       identity | points:L1:W1,L2:W2,... | ar1:RHO | spike:T1[,T2...]\n"
          "                       | file:PATH (one eigenvalue per line, d lines)\n"
          "  --entries LAW      gaussian | rademacher | student:NU (NU > 4); unit variance (default gaussian)\n"
          "  --z LIST           points for m(z), e.g. -1,4.5,1+0.2i (default: -1, 1.5 lam_max + 0.5\n"
          "                     and three points in the bulk with imaginary part 0.1 x support width)\n"
          "  --observables LIST per-z observables: m (m(z) = (1/d) tr (S - zI)^-1), dm (its derivative\n"
          "                     m'(z) = (1/d) tr (S - zI)^-2) (default m)\n"
          "  --bins K           pooled-histogram bins (default %lld)\n"
          "  --precision P      double | single (default double)\n",
          (long long)c.d, (long long)c.n, (long long)c.bins);
  study_usage_run(f, trials);
  fprintf(f,
          "  --save-eigenvalues with --save-trials: also DIR/eigenvalues.npy (trials x d, ascending)\n"
          "  --json PATH        write the full result (schema rmtmc.spectrum/1)\n"
          "  --out DIR          write result.json and CSV tables into DIR, gnuplot scripts and\n"
          "                     pictures (density, stieltjes .png/.svg) and report.html\n"
          "  --no-plots         with --out: no gnuplot scripts or pictures (report.html still written)\n"
          "  --quiet            no summary on stdout, no progress on stderr\n"
          "  --help             this text\n"
          "\n"
          "Exit codes: 0 done, 1 runtime failure, 2 bad input (no output written).\n");
}

static void defaults(void *cfg) { rmtmc_spectrum_config_default(cfg); }

static int option(void *cfg, const char *name, const char *val, rmtmc_status *st, rmtmc_error *err) {
  return study_opt_spectrum(cfg, RMTMC_MAX_Z, 1, name, val, st, err);
}

static rmtmc_status check(void *cfg, rmtmc_error *err) { return rmtmc_spectrum_validate(cfg, err); }

static rmtmc_run_opts *run_opts(void *cfg) { return &((rmtmc_spectrum_config *)cfg)->run; }

static rmtmc_status run(const void *cfg, const char *dir, const study_hooks *h, void *res, rmtmc_error *err) {
  return rmtmc_spectrum_run(cfg, res, err);
}

static void result_free(void *res) { rmtmc_spectrum_result_free(res); }

static const rmtmc_run_info *run_info(const void *res) { return &((const rmtmc_spectrum_result *)res)->run; }

static const rmtmc_trials *trials(const void *res) { return &((const rmtmc_spectrum_result *)res)->trials; }

static int files(const void *res, rmtmc_out_file *f, int cap) { return rmtmc_spectrum_files(res, f, cap); }

static rmtmc_status plots(const char *dir, const void *res, rmtmc_plot_scripts *s, rmtmc_error *err) {
  return rmtmc_plot_spectrum(dir, res, s, err);
}

static rmtmc_status html(const char *dir, const void *res, rmtmc_error *err) {
  return rmtmc_html_spectrum(dir, res, err);
}

static void summary(FILE *f, const void *res) { rmtmc_spectrum_summary(f, res); }

const rmtmc_study_def study_def_spectrum = {
    .name = "spectrum",
    .about = "Monte Carlo study of S = X X^T / n against the theory",
    .traits = {.monte_carlo = 1, .eigenvalues = 1},
    .flags = " save-trials save-eigenvalues ",
    .config_size = sizeof(rmtmc_spectrum_config),
    .result_size = sizeof(rmtmc_spectrum_result),
    .usage = usage,
    .defaults = defaults,
    .option = option,
    .check = check,
    .run_opts = run_opts,
    .run = run,
    .result_free = result_free,
    .run_info = run_info,
    .trials = trials,
    .json = rmtmc_spectrum_write_json,
    .files = files,
    .plots = plots,
    .html = html,
    .summary = summary,
};
