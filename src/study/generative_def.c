/* generative_def.c: the rows of `generative contexts` and `generative
 * mixture` in the table of studies: options, usage and outputs. */
#include <stdio.h>
#include <string.h>

#include "rmtmc_plot.h"
#include "rmtmc_studies.h"
#include "study/options.h"
#include "study/study_def.h"

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
          "",
          (long long)a.k, (long long)a.context_len, (long long)a.d, (long long)a.n, (long long)b.classes,
          (long long)b.k, (long long)b.d, (long long)b.n, b.mean_norm);
  char trials[32];
  snprintf(trials, sizeof trials, "%lld", (long long)a.run.trials);
  study_usage_run(f, trials);
  study_usage_outputs(f, "rmtmc.generative/1", STUDY_USAGE_CURVES);
}

/* The options the two models share; 1 when name is one of them. */
static int common_option(int64_t *d, int64_t *n, int64_t *k, double *rho, double *gamma, int64_t *ngamma,
                         rmtmc_run_opts *run, const char *name, const char *val, rmtmc_status *st,
                         rmtmc_error *err) {
  if (study_opt_run(run, name, val, st, err)) return 1;
  if (study_opt_no_entries("generative", name, st, err)) return 1;
  if (strcmp(name, "d") == 0) *st = study_opt_int64(name, val, 1, d, err);
  else if (strcmp(name, "n") == 0) *st = study_opt_int64(name, val, 1, n, err);
  else if (strcmp(name, "k") == 0) *st = study_opt_int64(name, val, 1, k, err);
  else if (strcmp(name, "rho") == 0) {
    *st = study_opt_double(name, val, rho, err);
    if (*st == RMTMC_OK && !(*rho > 0)) *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--rho must be > 0 (got %g)", *rho);
  } else if (strcmp(name, "gamma") == 0) *st = study_opt_grid(name, val, gamma, RMTMC_STUDY_MAX_GRID, ngamma, err);
  else return 0;
  return 1;
}

static int is_one_of(const char *name, const char *const *names) {
  for (; *names; ++names)
    if (strcmp(name, *names) == 0) return 1;
  return 0;
}

static const char *const contexts_only[] = {"context-len", "contexts", "alpha", "counts", NULL};
static const char *const mixture_only[] = {"classes", "mean-norm", "means", NULL};

static int contexts_option(void *cfg, const char *name, const char *val, rmtmc_status *st, rmtmc_error *err) {
  rmtmc_contexts_config *a = cfg;
  if (common_option(&a->d, &a->n, &a->k, &a->rho, a->gamma, &a->ngamma, &a->run, name, val, st, err)) return 1;
  if (strcmp(name, "context-len") == 0) *st = study_opt_int64(name, val, 1, &a->context_len, err);
  else if (strcmp(name, "contexts") == 0) *st = study_opt_int64(name, val, 1, &a->contexts, err);
  else if (strcmp(name, "alpha") == 0) *st = study_opt_spec(a->alpha, sizeof a->alpha, name, val, err);
  else if (strcmp(name, "counts") == 0) {
    if (strcmp(val, "fixed") == 0) a->counts = RMTMC_COUNTS_FIXED;
    else if (strcmp(val, "multinomial") == 0) a->counts = RMTMC_COUNTS_MULTINOMIAL;
    else *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--counts '%s' not understood: use fixed or multinomial", val);
  } else if (is_one_of(name, mixture_only))
    *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s applies to `generative mixture` only", name);
  else return 0;
  return 1;
}

static int mixture_option(void *cfg, const char *name, const char *val, rmtmc_status *st, rmtmc_error *err) {
  rmtmc_mixture_config *b = cfg;
  if (common_option(&b->d, &b->n, &b->k, &b->rho, b->gamma, &b->ngamma, &b->run, name, val, st, err)) return 1;
  if (strcmp(name, "classes") == 0) *st = study_opt_int64(name, val, 1, &b->classes, err);
  else if (strcmp(name, "mean-norm") == 0) {
    *st = study_opt_double(name, val, &b->mean_norm, err);
    if (*st == RMTMC_OK && !(b->mean_norm >= 0))
      *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--mean-norm must be >= 0 (got %g)", b->mean_norm);
  } else if (strcmp(name, "means") == 0) *st = study_opt_spec(b->means, sizeof b->means, name, val, err);
  else if (is_one_of(name, contexts_only))
    *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s applies to `generative contexts` only", name);
  else return 0;
  return 1;
}

STUDY_TYPED_FNS(contexts, rmtmc_contexts_config, rmtmc_contexts_result)
STUDY_TYPED_FNS(mixture, rmtmc_mixture_config, rmtmc_mixture_result)

const rmtmc_study_def study_def_contexts =
    STUDY_MC_ROW(contexts, rmtmc_contexts_config, rmtmc_contexts_result, "generative contexts",
                 "ridge linear generative model, discrete contexts (Prop A)", usage, contexts_option);

const rmtmc_study_def study_def_mixture =
    STUDY_MC_ROW(mixture, rmtmc_mixture_config, rmtmc_mixture_result, "generative mixture",
                 "ridge linear generative model, Gaussian mixture (Prop B)", usage, mixture_option);
