/* theory_def.c: `rmtmc theory`'s row of the table of studies. */
#include <stdio.h>
#include <string.h>

#include "rmtmc_plot.h"
#include "core/sysinfo.h"
#include "rmtmc_theory_study.h"
#include "study/options.h"
#include "study/study_def.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: rmtmc theory [options]\n"
          "\n"
          "Evaluate the limiting spectrum of S = X X^T / n for a population covariance\n"
          "and ratio eta = d/n: support (any number of intervals), atom at 0, the spikes'\n"
          "outliers (BBP), four moments, m(z) and the density.  The theory is evaluated at\n"
          "the finite-d population of SPEC, by the same code as `rmtmc spectrum` at d and\n"
          "n = round(d / eta).\n"
          "\n"
          "  --sigma SPEC   population covariance (as in rmtmc spectrum; default identity)\n"
          "  --d D          dimension used to realise SPEC (default 1000)\n"
          "  --eta ETA      ratio d/n (default 0.5)\n"
          "  --z LIST       points for m(z) = integral dnu(x)/(x - z), e.g. -1,1+0.1i\n"
          "                 (default -1)\n"
          "  --grid K       density curve on about K points, refined near every edge (K >= 16,\n"
          "                 default 400)\n"
          "  --tracy-widom BETA  instead: the Tracy-Widom law TW_BETA (BETA = 1 real, 2 complex,\n"
          "                 4 quaternion data; TW4 in the Tracy-Widom 1996 convention) at --s:\n"
          "                 CDF, survival function 1 - F (no cancellation), log F and the\n"
          "                 density, and its moments (schema rmtmc.tracy_widom/1; --out DIR:\n"
          "                 result.json and tracy_widom.csv)\n"
          "  --s LIST       points for --tracy-widom, comma-separated (default -8,-7.5,...,6)\n"
          "  --json PATH    write the result (schema rmtmc.theory/1); default: stdout\n"
          "  --out DIR      write result.json, density.csv and stieltjes.csv into DIR, gnuplot\n"
          "                 scripts and pictures (density, stieltjes .png/.svg) and report.html\n"
          "  --no-plots     with --out: no gnuplot scripts or pictures (report.html still written)\n"
          "  --quiet        nothing but the outputs\n"
          "  --help         this text\n"
          "\n"
          "Exit codes: 0 done, 1 runtime failure (the OS reason: a full disk, a closed pipe),\n"
          "2 bad input (nothing written).\n");
}

static void defaults(void *cfg) { rmtmc_theory_study_config_default(cfg); }

static int option(void *cfg, const char *name, const char *val, rmtmc_status *st, rmtmc_error *err) {
  rmtmc_theory_study_config *c = cfg;
  if (strcmp(name, "sigma") == 0) {
    if (strlen(val) >= sizeof c->sigma) *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--sigma is too long");
    else strcpy(c->sigma, val);
  } else if (strcmp(name, "d") == 0) *st = study_opt_int64(name, val, 1, &c->d, err);
  else if (strcmp(name, "eta") == 0) {
    *st = study_opt_double(name, val, &c->eta, err);
    if (*st == RMTMC_OK && !(c->eta > 0.0))
      *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--eta must be > 0 (got %g)", c->eta);
  } else if (strcmp(name, "z") == 0) *st = study_opt_zlist(val, RMTMC_MAX_Z, c->z_re, c->z_im, &c->nz, err);
  else if (strcmp(name, "grid") == 0) *st = study_opt_int64(name, val, 1, &c->grid, err);
  else if (strcmp(name, "tracy-widom") == 0) {
    int64_t b = 0;
    *st = study_opt_int64(name, val, 1, &b, err);
    if (*st == RMTMC_OK && b != 1 && b != 2 && b != 4)
      *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--tracy-widom %s: BETA must be 1, 2 or 4", val);
    c->tw_beta = (int)b;
  } else if (strcmp(name, "s") == 0) *st = study_opt_list(name, val, c->s, RMTMC_TW_MAX_S, &c->ns, err);
  else return 0;
  return 1;
}

static rmtmc_status check(void *cfg, rmtmc_error *err) {
  const rmtmc_theory_study_config *c = cfg;
  if (c->ns > 0 && !c->tw_beta) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--s goes with --tracy-widom BETA");
  if (c->grid < 16 || c->grid > 10000000)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--grid takes 16 to 10000000 points (got %lld)",
                           (long long)c->grid);
  /* The population is realised with n = d / eta samples. */
  double n = (double)c->d / c->eta;
  if (!(n <= 9007199254740992.0))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "--eta %g with --d %lld means n = d/eta = %.3g samples, more than 2^53; give --eta >= %.3g",
                           c->eta, (long long)c->d, n, (double)c->d / 9007199254740992.0);
  /* The density grid and the z list, beside the population (the model
   * checks its own memory). */
  return rmtmc_mem_check("the density grid of --grid", 16.0 * (double)c->grid + 32.0 * (double)c->nz, "--grid", err);
}

static rmtmc_status run(const void *cfg, const char *dir, const study_hooks *h, void *res, rmtmc_error *err) {
  return rmtmc_theory_study_run(cfg, res, err);
}

static void result_free(void *res) { rmtmc_theory_study_result_free(res); }

static rmtmc_status plots(const char *dir, const void *res, rmtmc_plot_scripts *s, rmtmc_error *err) {
  const rmtmc_theory_study_result *t = res;
  if (t->config.tw_beta) { /* --tracy-widom: tracy_widom.csv only, no picture */
    if (s) s->count = 0;
    return RMTMC_OK;
  }
  return rmtmc_plot_theory(dir, res, s, err);
}

static rmtmc_status html(const char *dir, const void *res, rmtmc_error *err) {
  const rmtmc_theory_study_result *t = res;
  return t->config.tw_beta ? RMTMC_OK : rmtmc_html_theory(dir, res, err);
}

static rmtmc_status write_json(FILE *f, const void *res, rmtmc_error *err) {
  const rmtmc_theory_study_result *t = res;
  return t->config.tw_beta ? rmtmc_theory_study_write_tw_json(f, res, err) : rmtmc_theory_study_write_json(f, res, err);
}

static int files(const void *res, rmtmc_out_file *f, int cap) {
  const rmtmc_theory_study_result *t = res;
  if (t->config.tw_beta) {
    if (cap >= 2) {
      study_file(&f[0], "result.json", rmtmc_theory_study_write_tw_json, res);
      study_file(&f[1], "tracy_widom.csv", rmtmc_theory_study_write_tw_csv, res);
    }
    return 2;
  }
  if (cap >= 3) {
    study_file(&f[0], "result.json", rmtmc_theory_study_write_json, res);
    study_file(&f[1], "density.csv", rmtmc_theory_study_write_density, res);
    study_file(&f[2], "stieltjes.csv", rmtmc_theory_study_write_stieltjes, res);
  }
  return 3;
}

const rmtmc_study_def study_def_theory = {
    .name = "theory",
    .about = "evaluate the closed forms alone (no simulation)",
    .traits = {.json_to_stdout = 1},
    .flags = " ",
    .config_size = sizeof(rmtmc_theory_study_config),
    .result_size = sizeof(rmtmc_theory_study_result),
    .run_opts_at = -1,
    .run_info_at = -1,
    .trials_at = -1,
    .usage = usage,
    .defaults = defaults,
    .option = option,
    .check = check,
    .run = run,
    .result_free = result_free,
    .json = write_json,
    .files = files,
    .plots = plots,
    .html = html,
};
