/* cmd_generative.c: `rmtmc generative contexts|mixture` (THEORY 3). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "rmtmc_studies.h"

static void usage(FILE *f) {
  rmtmc_contexts_config a;
  rmtmc_mixture_config b;
  rmtmc_contexts_config_default(&a);
  rmtmc_mixture_config_default(&b);
  fprintf(f,
          "usage: rmtmc generative contexts|mixture [options]\n"
          "\n"
          "Monte Carlo of the ridge linear generative model W = (1/n) Q(gamma) X Y^T,\n"
          "Q = (X X^T/n + gamma I)^-1, one-hot labels y ~ Cat(p_a), p_a = softmax(L_a/rho)\n"
          "with L (c x k) gaussian, drawn once per study from the seed.\n"
          "\n"
          "contexts (Proposition A): x takes one of c random contexts z_a ~ N(0, I_d),\n"
          "redrawn every trial; E_train = (1/c)||P - Phat||_F^2, Phat = W^T Z.\n"
          "  --k K              labels / vocabulary size (default %lld)\n"
          "  --context-len L    context length: c = K^L contexts (default %lld)\n"
          "  --contexts C       number of contexts c (overrides K^L)\n"
          "  --d D              dimension (default %lld)\n"
          "  --n N              samples per trial (default %lld)\n"
          "  --alpha A          uniform | file:PATH (c weights >= 0, rescaled to mean 1) (default uniform)\n"
          "  --counts C         fixed (n_a = alpha_a n/c, rounded to sum to n) | multinomial\n"
          "                     (contexts drawn with P(a) = alpha_a/c; theory with the realised\n"
          "                     alpha_a = c n_a/n) (default fixed)\n"
          "\n"
          "mixture (Proposition B, corrected): class a w.p. 1/c, x = mu_a + z, z ~ N(0, I_d);\n"
          "E_test = (1/c) sum_a (||p_a - W^T mu_a||^2 + ||W||_F^2).\n"
          "  --classes C        classes (default %lld)\n"
          "  --k K              labels (default %lld)\n"
          "  --d D              dimension (default %lld)\n"
          "  --n N              samples per trial (default %lld)\n"
          "  --mean-norm R      ||mu_a||; means drawn once per study, uniform directions (default %g)\n"
          "  --means file:PATH  the means instead: one mean per line, d numbers each\n"
          "                     (the number of lines sets the classes)\n"
          "\n"
          "common:\n"
          "  --rho RHO          softmax temperature > 0 (default 1)\n"
          "  --gamma LIST       ridge values > 0 (default contexts 1e-3,1e-2,0.1,1; mixture 0.01,0.1,0.5,1)\n"
          "  --trials T         independent trials >= 2 (default %lld)\n"
          "  --seed S           seed; trial t of seed S can be replayed alone (default 1)\n"
          "  --threads K        CPU worker threads (default: all cores)\n"
          "  --backend B        auto (CUDA when a device answers, else the CPU) | cpu | cuda\n"
          "                     (default auto; the same trial gives the same data on every backend)\n"
          "  --device N         CUDA device ordinal for the cuda backend (default 0)\n"
          "  --batch B          trials per backend call (default: max(64, 4 x threads) on the CPU,\n"
          "                     trials/16 within [64, 2048] on a GPU; always within what fits in\n"
          "                     memory and --trials)\n"
          "  --json PATH        write the result (schema rmtmc.generative/1)\n"
          "  --out DIR          write DIR/result.json, curves.csv, plot_curves.gp, the pictures\n"
          "                     curves.png/.svg (gnuplot) and report.html\n"
          "  --no-plots         with --out: no gnuplot script or pictures (report.html still written)\n"
          "  --quiet            no summary on stdout, no progress on stderr\n"
          "  --help             this text\n"
          "\n"
          "Exit codes: 0 done, 1 runtime failure, 2 bad input (no output written).\n",
          (long long)a.k, (long long)a.context_len, (long long)a.d, (long long)a.n, (long long)b.classes,
          (long long)b.k, (long long)b.d, (long long)b.n, b.mean_norm, (long long)a.trials);
}

static rmtmc_status spec_copy(char *dst, size_t cap, const char *opt, const char *val, rmtmc_error *err) {
  if (strlen(val) >= cap) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s is too long", opt);
  strcpy(dst, val);
  return RMTMC_OK;
}

int cmd_generative(int argc, char **argv) {
  rmtmc_error err;
  rmtmc_error_clear(&err);
  if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
    usage(argc < 1 ? stderr : stdout);
    return argc < 1 ? RMTMC_EXIT_USAGE : 0;
  }
  int ctx = strcmp(argv[0], "contexts") == 0, mix = strcmp(argv[0], "mixture") == 0;
  if (!ctx && !mix) {
    fprintf(stderr, "rmtmc generative: error: unknown model '%s': use contexts or mixture\n", argv[0]);
    return RMTMC_EXIT_USAGE;
  }
  rmtmc_contexts_config a;
  rmtmc_mixture_config b;
  rmtmc_contexts_config_default(&a);
  rmtmc_mixture_config_default(&b);
  cli_run run = {NULL, NULL, 0, 0};
  int threads = 0, device = 0;
  rmtmc_backend_kind backend = RMTMC_BACKEND_AUTO;
  int64_t trials = -1, d = -1, n = -1, k = -1, ng = 0, batch = 0;
  uint64_t seed = 1;
  double rho = 1.0, gam[RMTMC_STUDY_MAX_GRID];
  cli_args args = {argc - 1, argv + 1, 0, {0}};
  const char *name, *val;
  int r;
  rmtmc_status st = RMTMC_OK;
  while (st == RMTMC_OK && (r = cli_next(&args, CLI_RUN_FLAGS, &name, &val, &err)) != 0) {
    if (r < 0) return cli_fail("generative", &err);
    if (strcmp(name, "help") == 0) {
      usage(stdout);
      return 0;
    } else if (cli_run_option(&run, name, val, &st, &err) ||
               cli_trial_option(name, val, &trials, &seed, &threads, &st, &err) ||
               cli_backend_option(name, val, &backend, &batch, &device, &st, &err)) {
    } else if (strcmp(name, "d") == 0) st = cli_int64(name, val, 1, &d, &err);
    else if (strcmp(name, "n") == 0) st = cli_int64(name, val, 1, &n, &err);
    else if (strcmp(name, "k") == 0) st = cli_int64(name, val, 1, &k, &err);
    else if (strcmp(name, "rho") == 0) {
      st = cli_double(name, val, &rho, &err);
      if (st == RMTMC_OK && !(rho > 0)) st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "--rho must be > 0 (got %g)", rho);
    } else if (strcmp(name, "gamma") == 0) st = rmtmc_parse_grid(name, val, gam, RMTMC_STUDY_MAX_GRID, &ng, &err);
    else if (ctx && strcmp(name, "context-len") == 0) st = cli_int64(name, val, 1, &a.context_len, &err);
    else if (ctx && strcmp(name, "contexts") == 0) st = cli_int64(name, val, 1, &a.contexts, &err);
    else if (ctx && strcmp(name, "alpha") == 0) st = spec_copy(a.alpha, sizeof a.alpha, name, val, &err);
    else if (ctx && strcmp(name, "counts") == 0) {
      if (strcmp(val, "fixed") == 0) a.counts = RMTMC_COUNTS_FIXED;
      else if (strcmp(val, "multinomial") == 0) a.counts = RMTMC_COUNTS_MULTINOMIAL;
      else st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "--counts '%s' not understood: use fixed or multinomial", val);
    } else if (mix && strcmp(name, "classes") == 0) st = cli_int64(name, val, 1, &b.classes, &err);
    else if (mix && strcmp(name, "mean-norm") == 0) {
      st = cli_double(name, val, &b.mean_norm, &err);
      if (st == RMTMC_OK && !(b.mean_norm >= 0))
        st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "--mean-norm must be >= 0 (got %g)", b.mean_norm);
    } else if (mix && strcmp(name, "means") == 0) st = spec_copy(b.means, sizeof b.means, name, val, &err);
    else if (!ctx && (strcmp(name, "context-len") == 0 || strcmp(name, "contexts") == 0 ||
                      strcmp(name, "alpha") == 0 || strcmp(name, "counts") == 0))
      st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "--%s applies to `generative contexts` only", name);
    else if (!mix && (strcmp(name, "classes") == 0 || strcmp(name, "mean-norm") == 0 || strcmp(name, "means") == 0))
      st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "--%s applies to `generative mixture` only", name);
    else
      st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "unknown option --%s (see rmtmc generative --help)", name);
  }
  if (st != RMTMC_OK) return cli_fail("generative", &err);
  cli_progress prog;
  cli_progress_init(&prog, run.quiet);
  if (ctx) {
    if (d > 0) a.d = d;
    if (n > 0) a.n = n;
    if (k > 0) a.k = k;
    if (trials > 0) a.trials = trials;
    if (ng > 0) { a.ngamma = ng; memcpy(a.gamma, gam, sizeof gam); }
    a.seed = seed; a.rho = rho; a.threads = threads; a.device = device; a.backend = backend; a.batch = batch;
    a.progress = cli_progress_update; a.progress_ctx = &prog;
    rmtmc_contexts_result res;
    st = rmtmc_contexts_run(&a, &res, &err);
    cli_progress_done(&prog);
    if (st != RMTMC_OK) return cli_fail("generative", &err);
    if (run.json) st = rmtmc_write_atomic(run.json, rmtmc_contexts_write_json, &res, &err);
    if (st == RMTMC_OK && run.out) st = cli_write_result(run.out, rmtmc_contexts_write_json, &res, &err);
    if (st == RMTMC_OK && run.out && !run.no_plots) {
      rmtmc_plot_scripts scripts;
      st = rmtmc_plot_contexts(run.out, &res, &scripts, &err);
      if (st == RMTMC_OK) cli_run_plots("generative", run.out, &scripts);
    }
    if (st == RMTMC_OK && run.out) st = rmtmc_html_contexts(run.out, &res, &err);
    if (st == RMTMC_OK && !run.quiet) rmtmc_contexts_summary(stdout, &res);
    rmtmc_contexts_result_free(&res);
  } else {
    if (d > 0) b.d = d;
    if (n > 0) b.n = n;
    if (k > 0) b.k = k;
    if (trials > 0) b.trials = trials;
    if (ng > 0) { b.ngamma = ng; memcpy(b.gamma, gam, sizeof gam); }
    b.seed = seed; b.rho = rho; b.threads = threads; b.device = device; b.backend = backend; b.batch = batch;
    b.progress = cli_progress_update; b.progress_ctx = &prog;
    rmtmc_mixture_result res;
    st = rmtmc_mixture_run(&b, &res, &err);
    cli_progress_done(&prog);
    if (st != RMTMC_OK) return cli_fail("generative", &err);
    if (run.json) st = rmtmc_write_atomic(run.json, rmtmc_mixture_write_json, &res, &err);
    if (st == RMTMC_OK && run.out) st = cli_write_result(run.out, rmtmc_mixture_write_json, &res, &err);
    if (st == RMTMC_OK && run.out && !run.no_plots) {
      rmtmc_plot_scripts scripts;
      st = rmtmc_plot_mixture(run.out, &res, &scripts, &err);
      if (st == RMTMC_OK) cli_run_plots("generative", run.out, &scripts);
    }
    if (st == RMTMC_OK && run.out) st = rmtmc_html_mixture(run.out, &res, &err);
    if (st == RMTMC_OK && !run.quiet) rmtmc_mixture_summary(stdout, &res);
    rmtmc_mixture_result_free(&res);
  }
  return st == RMTMC_OK ? 0 : cli_fail("generative", &err);
}
