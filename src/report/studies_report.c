/* studies_report.c: JSON (schemas rmtmc.generative/1 and rmtmc.ridge/1) and
 * text summaries of the generative and ridge studies.  Field meanings:
 * docs/schema_studies.md. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rmtmc.h"
#include "rmtmc_report.h"
#include "rmtmc_studies.h"
#include "report/report_common.h"

static void stat_obj(rmtmc_json *j, const char *key, const rmtmc_stat *s) {
  rmtmc_json_object(j, key);
  report_json_stat_fields(j, s);
  rmtmc_json_object_end(j);
}


static void one_row(rmtmc_json *j, const char *key, const char *xname, const rmtmc_grid_row *r,
                    const rmtmc_verdict *v) {
  rmtmc_json_object(j, key);
  rmtmc_json_num(j, xname, r->x);
  stat_obj(j, "empirical", &r->emp);
  rmtmc_json_num(j, "theory", r->theory);
  stat_obj(j, "difference", &r->diff);
  rmtmc_json_num(j, "zscore", r->zscore);
  rmtmc_json_num(j, "bias", r->bias);
  rmtmc_json_num(j, "zscore_corrected", r->zscore_corrected);
  rmtmc_verdict_row_json(j, v ? rmtmc_verdict_find(v, r, 0) : NULL);
  rmtmc_json_object_end(j);
}

static void rows(rmtmc_json *j, const char *key, const char *xname, const rmtmc_grid_row *r, int64_t nr,
                 const rmtmc_verdict *v) {
  rmtmc_json_array(j, key);
  for (int64_t i = 0; i < nr; ++i) one_row(j, NULL, xname, &r[i], v);
  rmtmc_json_array_end(j);
}

static void vec(rmtmc_json *j, const char *key, const double *v, int64_t n) {
  rmtmc_json_array(j, key);
  for (int64_t i = 0; i < n; ++i) rmtmc_json_num(j, NULL, v[i]);
  rmtmc_json_array_end(j);
}

/* Column-major rows x cols as an array of columns. */
static void mat(rmtmc_json *j, const char *key, const double *m, int64_t rows_, int64_t cols) {
  rmtmc_json_array(j, key);
  for (int64_t c = 0; c < cols; ++c) vec(j, NULL, m + c * rows_, rows_);
  rmtmc_json_array_end(j);
}

/* "timing" (kept flat for readers of rmtmc.*\/1) and "backend". */
static void timing(rmtmc_json *j, double sec, double tps, const rmtmc_run_info *run) {
  rmtmc_json_object(j, "timing");
  rmtmc_json_num(j, "seconds", sec);
  rmtmc_json_num(j, "trials_per_second", tps);
  rmtmc_json_int(j, "threads", run->backend.threads);
  rmtmc_json_str(j, "backend", run->backend.name);
  rmtmc_json_num(j, "setup_seconds", run->setup_seconds);
  rmtmc_json_object_end(j);
  report_json_backend(j, &run->backend, run->backend_note, run->batch);
  report_json_ranks(j, run, NULL);
}

/* Closes the top object; a write error on f is reported. */
static rmtmc_status json_finish(rmtmc_json *j, FILE *f, rmtmc_error *err) {
  rmtmc_json_end(j);
  if (ferror(f)) return rmtmc_error_set(err, RMTMC_ERR_WRITE, "write error: %s", strerror(errno ? errno : EIO));
  return RMTMC_OK;
}

static void add_set(report_rows *s, const char *label, const rmtmc_grid_row *rows, int64_t n, rmtmc_rule rule,
                    rmtmc_rule biased_rule, const char *note) {
  if (s->nsets < REPORT_MAX_SETS)
    s->set[s->nsets++] = (report_rowset){
        .label = label, .rows = rows, .n = n, .rule = rule, .biased_rule = biased_rule, .note = note};
}

/* The deterministic equivalents of the generative model are limits: their
 * finite-size correction has no formula here (docs/generative.md), so a gap
 * beyond 4 standard errors is inconclusive, not a disagreement. */
void report_rows_contexts(report_rows *s, const rmtmc_contexts_result *r) {
  int64_t ng = r->config.ngamma;
  s->xname = "gamma";
  s->nsets = 0;
  add_set(s, "E_train = (1/c)||P - Phat||_F^2", r->etrain, ng, RMTMC_RULE_UNCORRECTED, RMTMC_RULE_CORRECTED, NULL);
  add_set(s, "shrinkage (1/c) sum_a <phat_a,p_a>/||p_a||^2 vs mean D_a", r->shrink, ng, RMTMC_RULE_UNCORRECTED,
          RMTMC_RULE_CORRECTED, NULL);
  add_set(s, "spread (1/c) sum_a ||phat_a - m_a||^2 vs (1/c) sum_a tr(C_a - m_a m_a^T)", r->spread, ng,
          RMTMC_RULE_UNCORRECTED, RMTMC_RULE_CORRECTED, NULL);
}

void report_rows_mixture(report_rows *s, const rmtmc_mixture_result *r) {
  s->xname = "gamma";
  s->nsets = 0;
  add_set(s, "E_test (expectation over the test noise)", r->etest, r->config.ngamma, RMTMC_RULE_UNCORRECTED,
          RMTMC_RULE_CORRECTED, NULL);
}

/* The training error carries an O(1/n) bias with no formula here: shown,
 * not in the verdict; the ridgeless risk is judged against its exact
 * finite-n expectation where that is known (a bias is set), else shown. */
void report_rows_ridge(report_rows *s, const rmtmc_ridge_result *r) {
  int64_t nl = r->config.nlam;
  s->xname = "lambda";
  s->nsets = 0;
  add_set(s, "excess risk (bhat-beta)^T Sigma (bhat-beta)", r->risk, nl, RMTMC_RULE_UNCORRECTED,
          RMTMC_RULE_CORRECTED, NULL);
  add_set(s, "training error (1/n)||y - X bhat||^2", r->train, nl, RMTMC_RULE_OUT, RMTMC_RULE_OUT,
          "informational: the training error carries an O(1/n) bias with no formula here");
  add_set(s, "GCV vs R + sigma2", r->gcv, nl, RMTMC_RULE_UNCORRECTED, RMTMC_RULE_CORRECTED, NULL);
  add_set(s, "1 - tr H/n vs lambda/kappa", r->dof, nl, RMTMC_RULE_UNCORRECTED, RMTMC_RULE_CORRECTED, NULL);
  if (isfinite(r->lam_opt))
    add_set(s, "excess risk at the theory's optimal lambda", &r->risk_opt, 1, RMTMC_RULE_UNCORRECTED,
            RMTMC_RULE_CORRECTED, NULL);
  if (r->has_ridgeless)
    add_set(s, "ridgeless (min-norm) excess risk", &r->ridgeless, 1, RMTMC_RULE_OUT, RMTMC_RULE_EXACT,
            "informational: no exact finite-n expectation of the ridgeless risk is known here, or its variance is "
            "infinite (|d - n| < 4)");
}

void report_rows_verdict(const report_rows *s, int64_t trials, rmtmc_verdict *v) {
  rmtmc_verdict_init(v, trials);
  for (int i = 0; i < s->nsets; ++i) {
    const report_rowset *set = &s->set[i];
    for (int64_t k = 0; k < set->n; ++k) {
      const rmtmc_grid_row *w = &set->rows[k];
      char at[64];
      snprintf(at, sizeof at, "%s = %.4g", s->xname, w->x);
      int biased = isfinite(w->bias);
      rmtmc_judge j = {.what = set->label, .at = at, .rule = biased ? set->biased_rule : set->rule,
                       .estimate = w->emp.mean, .theory = w->theory, .diff = w->diff.mean,
                       .stderr_ = w->diff.stderr_, .offset = w->bias, .note = biased ? NULL : set->note,
                       .src = w};
      rmtmc_verdict_add(v, &j);
    }
  }
  rmtmc_verdict_finish(v);
}

rmtmc_status rmtmc_contexts_write_json(FILE *f, const void *result, rmtmc_error *err) {
  const rmtmc_contexts_result *r = result;
  const rmtmc_contexts_config *c = &r->config;
  rmtmc_json j;
  report_json_begin(&j, f, "rmtmc.generative/1");
  rmtmc_json_str(&j, "model", "contexts");
  rmtmc_json_object(&j, "config");
  rmtmc_json_int(&j, "k", c->k);
  rmtmc_json_int(&j, "context_len", c->contexts > 0 ? 0 : c->context_len);
  rmtmc_json_int(&j, "contexts", r->c);
  report_json_run_size(&j, c->d, c->n, r->eta, c->run.trials, c->run.seed);
  rmtmc_json_num(&j, "rho", c->rho);
  rmtmc_json_str(&j, "alpha", c->alpha);
  rmtmc_json_str(&j, "counts", c->counts == RMTMC_COUNTS_FIXED ? "fixed" : "multinomial");
  vec(&j, "gamma", c->gamma, c->ngamma);
  rmtmc_json_object_end(&j);
  rmtmc_json_object(&j, "parameters");
  mat(&j, "P", r->P, c->k, r->c);
  vec(&j, "alpha", r->alpha, r->c);
  if (r->alpha_fixed) vec(&j, "alpha_realised", r->alpha_fixed, r->c);
  else {
    rmtmc_json_num(&j, "alpha_realised_sd_mean", r->alpha_mean_sd);
    rmtmc_json_num(&j, "empty_context_fraction", r->empty_fraction);
  }
  rmtmc_json_object_end(&j);
  report_rows rs;
  rmtmc_verdict v;
  report_rows_contexts(&rs, r);
  report_rows_verdict(&rs, c->run.trials, &v);
  rows(&j, "etrain", "gamma", r->etrain, c->ngamma, &v);
  rows(&j, "shrinkage", "gamma", r->shrink, c->ngamma, &v);
  rows(&j, "phat_spread", "gamma", r->spread, c->ngamma, &v);
  vec(&j, "phat_deviation", r->phat_dev, c->ngamma);
  vec(&j, "phat_noise_floor", r->phat_noise, c->ngamma);
  rmtmc_json_num(&j, "max_abs_z", v.max_abs_z);
  rmtmc_verdict_write_json(&j, "verdict", &v);
  rmtmc_verdict_free(&v);
  timing(&j, r->seconds, r->trials_per_second, &r->run);
  return json_finish(&j, f, err);
}

rmtmc_status rmtmc_mixture_write_json(FILE *f, const void *result, rmtmc_error *err) {
  const rmtmc_mixture_result *r = result;
  const rmtmc_mixture_config *c = &r->config;
  rmtmc_json j;
  report_json_begin(&j, f, "rmtmc.generative/1");
  rmtmc_json_str(&j, "model", "mixture");
  rmtmc_json_object(&j, "config");
  rmtmc_json_int(&j, "classes", r->c);
  rmtmc_json_int(&j, "k", c->k);
  report_json_run_size(&j, c->d, c->n, r->eta, c->run.trials, c->run.seed);
  rmtmc_json_num(&j, "rho", c->rho);
  rmtmc_json_num(&j, "mean_norm", c->means[0] ? NAN : c->mean_norm);
  rmtmc_json_str(&j, "means", c->means[0] ? c->means : "random");
  vec(&j, "gamma", c->gamma, c->ngamma);
  rmtmc_json_object_end(&j);
  rmtmc_json_object(&j, "parameters");
  mat(&j, "P", r->P, c->k, r->c);
  mat(&j, "G", r->G, r->c, r->c);
  rmtmc_json_object_end(&j);
  report_rows rs;
  rmtmc_verdict v;
  report_rows_mixture(&rs, r);
  report_rows_verdict(&rs, c->run.trials, &v);
  rows(&j, "etest", "gamma", r->etest, c->ngamma, &v);
  vec(&j, "theory_first_term", r->theory_first, c->ngamma);
  vec(&j, "theory_mean_trC", r->theory_trC, c->ngamma);
  rmtmc_json_num(&j, "max_abs_z", v.max_abs_z);
  rmtmc_verdict_write_json(&j, "verdict", &v);
  rmtmc_verdict_free(&v);
  timing(&j, r->seconds, r->trials_per_second, &r->run);
  return json_finish(&j, f, err);
}

/* The limits of rmtmc_ridge_theory at one lambda. */
static void limits(rmtmc_json *j, const rmtmc_ridge_limits *l) {
  rmtmc_json_object(j, "theory");
  rmtmc_json_num(j, "kappa", l->kappa);
  rmtmc_json_num(j, "risk", l->risk);
  rmtmc_json_num(j, "bias", l->bias);
  rmtmc_json_num(j, "variance", l->variance);
  rmtmc_json_num(j, "train", l->train);
  rmtmc_json_object_end(j);
}

rmtmc_status rmtmc_ridge_write_json(FILE *f, const void *result, rmtmc_error *err) {
  const rmtmc_ridge_result *r = result;
  const rmtmc_ridge_config *c = &r->config;
  rmtmc_json j;
  report_json_begin(&j, f, "rmtmc.ridge/1");
  rmtmc_json_object(&j, "config");
  report_json_run_size(&j, c->d, c->n, r->eta, c->run.trials, c->run.seed);
  rmtmc_json_str(&j, "sigma", c->sigma);
  rmtmc_json_num(&j, "signal", c->signal);
  rmtmc_json_num(&j, "noise", c->noise);
  vec(&j, "lambda", c->lam, c->nlam);
  rmtmc_json_object_end(&j);
  rmtmc_json_object(&j, "parameters");
  rmtmc_json_num(&j, "beta_norm2", c->signal);
  rmtmc_json_num(&j, "beta_sigma_beta", r->signal_var);
  double mn = INFINITY, mx = 0.0;
  for (int64_t i = 0; i < c->d; ++i) { mn = fmin(mn, r->b2[i]); mx = fmax(mx, r->b2[i]); }
  rmtmc_json_num(&j, "beta_coord2_min", mn);
  rmtmc_json_num(&j, "beta_coord2_max", mx);
  if (c->d <= 10000) {
    vec(&j, "sigma_eigenvalues", r->s, c->d);
    vec(&j, "beta_coord2", r->b2, c->d);
  }
  rmtmc_json_object_end(&j);
  report_rows rs;
  rmtmc_verdict v;
  report_rows_ridge(&rs, r);
  report_rows_verdict(&rs, c->run.trials, &v);
  rows(&j, "risk", "lambda", r->risk, c->nlam, &v);
  rows(&j, "train", "lambda", r->train, c->nlam, &v);
  rows(&j, "gcv", "lambda", r->gcv, c->nlam, &v);
  rows(&j, "gcv_minus_risk_plus_noise", "lambda", r->gcv_gap, c->nlam, &v);
  rows(&j, "one_minus_trH_over_n", "lambda", r->dof, c->nlam, &v);
  rmtmc_json_object(&j, "theory");
  vec(&j, "kappa", r->kappa, c->nlam);
  vec(&j, "bias", r->bias, c->nlam);
  vec(&j, "variance", r->variance, c->nlam);
  rmtmc_json_object_end(&j);
  rmtmc_json_object(&j, "optimum");
  rmtmc_json_num(&j, "lambda", r->lam_opt);
  if (isfinite(r->lam_opt)) {
    rmtmc_json_bool(&j, "interior", r->lam_opt_interior);
    limits(&j, &r->opt);
    one_row(&j, "risk", "lambda", &r->risk_opt, &v);
  }
  rmtmc_json_object_end(&j);
  rmtmc_json_object(&j, "ridgeless");
  rmtmc_json_bool(&j, "run", r->has_ridgeless);
  if (r->has_ridgeless) {
    limits(&j, &r->ridgeless_theory);
    one_row(&j, "risk", "lambda", &r->ridgeless, &v);
  }
  rmtmc_json_object_end(&j);
  rmtmc_json_num(&j, "max_abs_z", v.max_abs_z);
  rmtmc_verdict_write_json(&j, "verdict", &v);
  rmtmc_verdict_free(&v);
  timing(&j, r->seconds, r->trials_per_second, &r->run);
  return json_finish(&j, f, err);
}

static void table(FILE *f, const report_rowset *set, const char *xname, const rmtmc_verdict *v) {
  fprintf(f, "%s\n  %-10s %-14s %-12s %-14s %-8s %-12s %s\n", set->label, xname, "empirical", "stderr", "theory",
          "z", "rule", "verdict");
  for (int64_t i = 0; i < set->n; ++i) {
    const rmtmc_grid_row *w = &set->rows[i];
    const rmtmc_verdict_row *vr = rmtmc_verdict_find(v, w, 0);
    char a[32], b[32], c[32], z[32];
    fprintf(f, "  %-10.4g %-14s %-12s %-14s %-8s %-12s %s", w->x, report_num(a, sizeof a, "%.8g", w->emp.mean),
            report_num(b, sizeof b, "%.3g", w->emp.stderr_), report_num(c, sizeof c, "%.8g", w->theory),
            report_num(z, sizeof z, "%+.2f", vr ? vr->z : w->zscore), vr ? rmtmc_rule_name(vr->rule) : "",
            vr ? rmtmc_row_verdict_name(vr->verdict) : "");
    if (isfinite(w->bias))
      fprintf(f, "   (raw z %s; predicted finite-size %s %.3g)", report_num(z, sizeof z, "%+.2f", w->zscore),
              vr && vr->rule == RMTMC_RULE_EXACT ? "offset of the exact expectation" : "bias", w->bias);
    fputc('\n', f);
  }
}

void report_backend_line(FILE *f, const rmtmc_run_info *run) {
  if (run->backend.threads > 0)
    fprintf(f, "  backend %s (%s, %d threads), batch %lld\n", run->backend.name, run->backend.device,
            run->backend.threads, (long long)run->batch);
  else
    fprintf(f, "  backend %s (%s), batch %lld\n", run->backend.name, run->backend.device, (long long)run->batch);
  if (run->backend_note[0]) fprintf(f, "  note: %s\n", run->backend_note);
  char solver[128];
  if (run->backend.solver[0])
    fprintf(f, "  eigensolver %s\n", report_solver_text(&run->backend, solver, sizeof solver));
  if (run->backend.solver_note[0]) fprintf(f, "  note: %s\n", run->backend.solver_note);
  if (run->ranks > 1) /* MPI: rank 0's backend above; every rank's place here */
    for (int k = 0; k < run->nplaces; ++k)
      fprintf(f, "  %s %s: %s on %s (%s)\n", run->places[k].ranks > 1 ? "ranks" : "rank", run->places[k].rank_list,
              run->places[k].backend, run->places[k].host, run->places[k].device);
}

/* The tables of sets [from, to) of a study's rows. */
static void tables(FILE *f, const report_rows *s, const rmtmc_verdict *v, int from, int to) {
  for (int i = from; i < to && i < s->nsets; ++i) table(f, &s->set[i], s->xname, v);
}

static void verdict(FILE *f, const rmtmc_verdict *v, double sec, double tps) {
  fprintf(f, "time: %.2f s (%.1f trials/s)\n", sec, tps);
  rmtmc_verdict_print(f, v, "");
}

void rmtmc_contexts_describe(const rmtmc_contexts_config *c, char *buf, size_t len) {
  int64_t contexts = c->contexts;
  if (contexts <= 0) { /* K^L */
    contexts = 1;
    for (int64_t i = 0; i < c->context_len && contexts <= INT64_MAX / (c->k > 1 ? c->k : 1); ++i) contexts *= c->k;
  }
  snprintf(buf, len, "c = %lld, k = %lld, d = %lld, n = %lld, eta = d/c = %.4g, %s counts, %lld trials, seed %llu",
           (long long)contexts, (long long)c->k, (long long)c->d, (long long)c->n,
           (double)c->d / (double)contexts, c->counts == RMTMC_COUNTS_FIXED ? "fixed" : "multinomial",
           (long long)c->run.trials, (unsigned long long)c->run.seed);
}

void rmtmc_mixture_describe(const rmtmc_mixture_config *c, char *buf, size_t len) {
  snprintf(buf, len, "k = %lld, d = %lld, n = %lld, eta = d/n = %.4g, %lld trials, seed %llu", (long long)c->k,
           (long long)c->d, (long long)c->n, (double)c->d / (double)c->n, (long long)c->run.trials,
           (unsigned long long)c->run.seed);
}

void rmtmc_ridge_describe(const rmtmc_ridge_config *c, char *buf, size_t len) {
  snprintf(buf, len, "d = %lld, n = %lld, eta = %.4g, sigma %s, ||beta||^2 = %g, sigma2 = %g, %lld trials, seed %llu",
           (long long)c->d, (long long)c->n, (double)c->d / (double)c->n, c->sigma, c->signal, c->noise,
           (long long)c->run.trials, (unsigned long long)c->run.seed);
}

void rmtmc_contexts_verdict(const rmtmc_contexts_result *r, rmtmc_verdict *v) {
  report_rows s;
  report_rows_contexts(&s, r);
  report_rows_verdict(&s, r->config.run.trials, v);
}

void rmtmc_mixture_verdict(const rmtmc_mixture_result *r, rmtmc_verdict *v) {
  report_rows s;
  report_rows_mixture(&s, r);
  report_rows_verdict(&s, r->config.run.trials, v);
}

void rmtmc_ridge_verdict(const rmtmc_ridge_result *r, rmtmc_verdict *v) {
  report_rows s;
  report_rows_ridge(&s, r);
  report_rows_verdict(&s, r->config.run.trials, v);
}

void rmtmc_contexts_summary(FILE *f, const rmtmc_contexts_result *r) {
  const rmtmc_contexts_config *c = &r->config;
  report_rows s;
  rmtmc_verdict v;
  char line[1024];
  report_rows_contexts(&s, r);
  report_rows_verdict(&s, c->run.trials, &v);
  rmtmc_contexts_describe(c, line, sizeof line);
  fprintf(f, "generative contexts (Prop A): %s\n", line);
  report_backend_line(f, &r->run);
  tables(f, &s, &v, 0, s.nsets);
  for (int64_t g = 0; g < c->ngamma; ++g)
    fprintf(f, "  gamma %-8.4g rms ||mean phat_a - m_a|| = %.4g (noise floor %.4g)\n", c->gamma[g], r->phat_dev[g],
            r->phat_noise[g]);
  verdict(f, &v, r->seconds, r->trials_per_second);
  rmtmc_verdict_free(&v);
}

void rmtmc_mixture_summary(FILE *f, const rmtmc_mixture_result *r) {
  const rmtmc_mixture_config *c = &r->config;
  report_rows s;
  rmtmc_verdict v;
  char line[1024];
  report_rows_mixture(&s, r);
  report_rows_verdict(&s, c->run.trials, &v);
  rmtmc_mixture_describe(c, line, sizeof line);
  fprintf(f, "generative mixture (Prop B, corrected): c = %lld, %s\n", (long long)r->c, line);
  report_backend_line(f, &r->run);
  tables(f, &s, &v, 0, s.nsets);
  verdict(f, &v, r->seconds, r->trials_per_second);
  rmtmc_verdict_free(&v);
}

void rmtmc_ridge_summary(FILE *f, const rmtmc_ridge_result *r) {
  const rmtmc_ridge_config *c = &r->config;
  report_rows s;
  rmtmc_verdict v;
  char line[1600];
  report_rows_ridge(&s, r);
  report_rows_verdict(&s, c->run.trials, &v);
  rmtmc_ridge_describe(c, line, sizeof line);
  fprintf(f, "ridge: %s\n", line);
  report_backend_line(f, &r->run);
  tables(f, &s, &v, 0, 4); /* the lambda grid */
  if (isfinite(r->lam_opt))
    fprintf(f, "optimal lambda of the theory: %.6g%s, limiting risk %.8g\n", r->lam_opt,
            r->lam_opt_interior ? "" : " (at the edge of the search)", r->opt.risk);
  else
    fprintf(f, "optimal lambda of the theory: %s\n", c->signal > 0 ? "0 (no noise: ridgeless)" : "infinite (no signal)");
  tables(f, &s, &v, 4, s.nsets); /* the optimum, the ridgeless estimator */
  verdict(f, &v, r->seconds, r->trials_per_second);
  rmtmc_verdict_free(&v);
}
