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
          "  --n N              samples per trial (default %lld); eta = d/n\n",
          (long long)c.d, (long long)c.n);
  study_usage_sigma(f);
  fprintf(f,
          "  --entries LAW      gaussian | rademacher | student:NU (NU > 4) | complex-gaussian (complex\n"
          "                     Hermitian data, beta = 2: S = X X^H / n); unit variance (default gaussian)\n"
          "  --z LIST           points for m(z), e.g. -1,4.5,1+0.2i (default: -1, 1.5 lam_max + 0.5\n"
          "                     and three points in the bulk with imaginary part 0.1 x support width)\n"
          "  --observables LIST per-z observables, comma-separated (default m):\n");
  for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k) {
    const rmtmc_zobs_info *o = rmtmc_zobs_describe(k);
    fprintf(f, "                       %-4s %s = %s\n", o->option, o->symbol, o->meaning);
  }
  fprintf(f,
          "  --bins K           pooled-histogram bins (default %lld)\n"
          "  --precision P      double | single (default double)\n"
          "  --method M         how each trial's spectrum is drawn, all exact in distribution\n"
          "                     (docs/fast_methods.md; methods draw differently from the same seed):\n"
          "                       dense        X (d x n), S = X X^T / n, its eigenvalues: any model\n"
          "                       bartlett     Bartlett's triangular factor instead of X: Gaussian entries\n"
          "                       tridiagonal  the O(d) Dumitriu-Edelman band, S never formed: Gaussian\n"
          "                                    entries and Sigma = s2 I, m(z) only (d = 10^6 in seconds)\n"
          "                       auto         (default) tridiagonal where valid, else bartlett when\n"
          "                                    n > d with Gaussian entries, else dense\n",
          (long long)c.bins);
  study_usage_run(f, trials);
  fprintf(f, "  --save-eigenvalues with --save-trials: also DIR/eigenvalues.npy (trials x d, ascending)\n");
  study_usage_outputs(f, "rmtmc.spectrum/1",
                      "write result.json and CSV tables into DIR, gnuplot scripts and\n"
                      "                     pictures (density, stieltjes .png/.svg) and report.html");
}

static int option(void *cfg, const char *name, const char *val, rmtmc_status *st, rmtmc_error *err) {
  return study_opt_spectrum(cfg, RMTMC_MAX_Z, 1, name, val, st, err);
}

static int files(const void *res, rmtmc_out_file *f, int cap) { return rmtmc_spectrum_files(res, f, cap); }

STUDY_TYPED_FNS(spectrum, rmtmc_spectrum_config, rmtmc_spectrum_result)

const rmtmc_study_def study_def_spectrum = {
    .name = "spectrum",
    .about = "Monte Carlo study of S = X X^T / n against the theory",
    .traits = {.monte_carlo = 1, .eigenvalues = 1},
    .flags = " save-trials save-eigenvalues ",
    .usage = usage,
    .option = option,
    STUDY_TYPED_ROW(spectrum, rmtmc_spectrum_config, rmtmc_spectrum_result),
    .files = files,
};
