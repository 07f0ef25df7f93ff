/* test_resolvent_stat.c: the resolvent study against its theory by
 * simulation, on one backend (argv[1] = cpu | cuda; 77 without the device).
 * Fixed seeds; every tolerance comes from the standard errors:
 *   - d/n = 0.5 and 1.6 (both sides of 1), Gaussian and Rademacher entries,
 *     diagonal (identity, points:) and dense (ar1, a matrix file) Sigma, real
 *     z (Cholesky) and complex z (eigendecomposition), every functional: the
 *     judged rows have |z| <= 4 (bias-corrected where the O(1/d) bias is
 *     known), no run is called a disagreement (rmtmc_resolvent_verdict),
 *     Gaussian runs and the diagonal Rademacher run judge every row against
 *     a known bias (rule corrected), the dense Rademacher run judges some
 *     against the limit (uncorrected: inconclusive beyond |z| 4);
 *   - the predicted spread (Gaussian, Sigma = I, real z) against the measured
 *     sd, within 4 standard errors of an sd (sd / sqrt(2 (T - 1)));
 *   - a small sweep over d = 40, 80, 160 (n = 2d, the library's sweep with
 *     study resolvent): the sd slope of quad_e1 against the slope of the
 *     predicted sd (near -1/2) and of the trace (near -1), within 4 standard
 *     errors of a slope fitted to three log sds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "rmtmc.h"
#include "rmtmc_resolvent.h"
#include "rmtmc_rng.h"
#include "rmtmc_sweep.h"
#include "rmtmc_theory_resolvent.h"
#include "support/backend_arg.h"

static rmtmc_backend_kind kind;

static void set_z(rmtmc_resolvent_config *c, const double *re, const double *im, int nz) {
  c->nz = nz;
  for (int j = 0; j < nz; ++j) {
    c->z_re[j] = re[j];
    c->z_im[j] = im[j];
  }
}

typedef struct scase {
  const char *sigma, *entries;
  int64_t d, n, trials;
  uint64_t seed;
  int all_judged; /* the bias of every functional is known here */
} scase;

static void one(check_ctx *c, const scase *k) {
  rmtmc_resolvent_config cfg;
  rmtmc_resolvent_config_default(&cfg);
  cfg.d = k->d;
  cfg.n = k->n;
  cfg.run.trials = k->trials;
  cfg.run.seed = k->seed;
  cfg.run.backend = kind;
  cfg.functionals = RMTMC_RSV_FUN_BIT(RMTMC_RSV_FUN_VECTOR) - 1u; /* all, diag_dev too */
  snprintf(cfg.sigma, sizeof cfg.sigma, "%s", k->sigma);
  snprintf(cfg.entries, sizeof cfg.entries, "%s", k->entries);
  const double re[4] = {0.2, 1.0, 0.5, -0.3}, im[4] = {0.0, 0.0, 0.5, 0.4};
  set_z(&cfg, re, im, 4);
  rmtmc_resolvent_result r;
  rmtmc_error err;
  char tag[300], line[700];
  snprintf(tag, sizeof tag, "%s %s d %lld n %lld (eta %.2g), %lld trials, seed %llu", k->sigma[0] == 'm' ? "matrix file" : k->sigma,
           k->entries, (long long)k->d, (long long)k->n, (double)k->d / (double)k->n, (long long)k->trials,
           (unsigned long long)k->seed);
  if (rmtmc_resolvent_run(&cfg, &r, &err) != RMTMC_OK) {
    snprintf(line, sizeof line, "%s: %s", tag, err.msg);
    check_true(c, 0, line);
    return;
  }
  rmtmc_verdict v;
  rmtmc_resolvent_verdict(&r, &v);
  int64_t judged = v.judged, corrected = v.by_rule[RMTMC_RULE_CORRECTED], unjudged = v.inconclusive, worst = -1;
  double mz = 0.0; /* over the rows judged against a known bias: each one can disagree */
  for (int64_t q = 0; q < v.nrows; ++q)
    if (v.rows[q].rule == RMTMC_RULE_CORRECTED && fabs(v.rows[q].z) > mz) {
      mz = fabs(v.rows[q].z);
      worst = q;
    }
  const rmtmc_verdict_row *ww = worst >= 0 ? &v.rows[worst] : NULL;
  snprintf(line, sizeof line, "%s: max |z| %.2f over %lld bias-corrected rows of %lld judged (worst %s at %s), %lld inconclusive",
           tag, mz, (long long)corrected, (long long)judged, ww ? ww->what : "-", ww ? ww->at : "-", (long long)unjudged);
  check_z(c, mz, 4.0, line);
  snprintf(line, sizeof line, "%s: verdict %s", tag, rmtmc_outcome_name(v.outcome));
  if (k->all_judged)
    check_true(c, v.outcome == RMTMC_OUTCOME_AGREES && unjudged == 0 && corrected == judged,
               line); /* every bias known, every row judged */
  else
    check_true(c, v.outcome != RMTMC_OUTCOME_DISAGREES && judged > 0, line);
  rmtmc_verdict_free(&v);
  /* the spread where it is predicted */
  for (int64_t q = 0; q < r.nrows; ++q) {
    const rmtmc_resolvent_row *w = &r.rows[q];
    if (!isfinite(w->sd_theory)) continue;
    double se = w->sd_theory / sqrt(2.0 * (double)(k->trials - 1));
    snprintf(line, sizeof line, "%s: sd of %s at z = %g: measured %.5g, predicted %.5g", tag, w->name, w->z_re,
             w->emp.sd, w->sd_theory);
    check_z(c, (w->emp.sd - w->sd_theory) / se, 4.0, line);
  }
  rmtmc_resolvent_result_free(&r);
}

/* A dense random covariance B B^T / d + 0.1 I written to a text file. */
static int write_matrix(const char *path, int64_t d) {
  FILE *f = fopen(path, "w");
  if (!f) return 0;
  double *B = malloc((size_t)(d * d) * sizeof(double));
  rmtmc_fill_gaussian(99, 0, B, (uint64_t)(d * d));
  for (int64_t i = 0; i < d; ++i) {
    for (int64_t j = 0; j < d; ++j) {
      double s = 0.0;
      for (int64_t k = 0; k < d; ++k) s += B[i + k * d] * B[j + k * d];
      fprintf(f, "%s%.17g", j ? " " : "", s / (double)d + (i == j ? 0.1 : 0.0));
    }
    fprintf(f, "\n");
  }
  free(B);
  return fclose(f) == 0;
}

/* The sd slopes in a small sweep. */
static void slopes(check_ctx *c) {
  char dir[] = "/tmp/rmtmc_rsv_sweepXXXXXX";
  if (!mkdtemp(dir)) {
    check_true(c, 0, "mkdtemp");
    return;
  }
  rmtmc_sweep_config sw;
  rmtmc_sweep_config_default(&sw);
  sw.study = RMTMC_SWEEP_RESOLVENT;
  sw.param = RMTMC_SWEEP_D;
  sw.ratio = 2.0;
  sw.npoints = 3;
  sw.values[0] = 40;
  sw.values[1] = 80;
  sw.values[2] = 160;
  sw.base.run.trials = 500;
  sw.base.run.seed = 31;
  sw.base.run.backend = kind;
  sw.base.nz = 1;
  sw.base.z_re[0] = 1.0;
  sw.rbase.functionals = RMTMC_RSV_FUN_BIT(RMTMC_RSV_FUN_TRACE) | RMTMC_RSV_FUN_BIT(RMTMC_RSV_FUN_QUAD_E1);
  rmtmc_sweep_result r;
  rmtmc_error err;
  if (rmtmc_sweep_run(&sw, dir, &r, &err) != RMTMC_OK || !r.complete) {
    check_true(c, 0, err.msg);
    return;
  }
  /* the predicted sd at each d, its log-log slope */
  double lx[3], sxx = 0.0, mx = 0.0;
  for (int i = 0; i < 3; ++i) mx += (lx[i] = log((double)sw.values[i])) / 3.0;
  for (int i = 0; i < 3; ++i) sxx += (lx[i] - mx) * (lx[i] - mx);
  for (int64_t row = 0; row < r.nz; ++row) {
    double ly[3], my = 0.0;
    for (int i = 0; i < 3; ++i) {
      int64_t d = sw.values[i];
      double *s = malloc((size_t)d * sizeof(double)), *e1 = calloc((size_t)d, sizeof(double));
      for (int64_t q = 0; q < d; ++q) s[q] = 1.0;
      e1[0] = 1.0;
      rmtmc_resolvent_sigma sg = {.d = d, .n = 2 * d, .s = s, .U = NULL, .gaussian = 1};
      rmtmc_resolvent_equiv e;
      rmtmc_resolvent_finite fs;
      rmtmc_resolvent_equiv_init(&e, &sg, 1.0, NULL, &err);
      int trace = strcmp(r.label[row], "trace") == 0;
      rmtmc_resolvent_finite_size(&sg, &e, trace ? RMTMC_RFUN_TRACE : RMTMC_RFUN_FORM, e1, e1, e1, e1, &fs, &err);
      my += (ly[i] = log(fs.sd_re)) / 3.0;
      rmtmc_resolvent_equiv_free(&e);
      free(s);
      free(e1);
    }
    double sxy = 0.0;
    for (int i = 0; i < 3; ++i) sxy += (lx[i] - mx) * (ly[i] - my);
    double pred = sxy / sxx;
    /* a log sd from T trials has the standard error 1/sqrt(2 (T - 1)) */
    double se_slope = 1.0 / sqrt(2.0 * (double)(sw.base.run.trials - 1)) / sqrt(sxx);
    char line[300];
    snprintf(line, sizeof line, "sweep d = 40, 80, 160: sd slope of %s %.3f against the predicted %.3f (se %.3f)",
             r.label[row], r.sd_fit[row].slope, pred, se_slope);
    check_z(c, (r.sd_fit[row].slope - pred) / se_slope, 4.0, line);
    double nominal = strcmp(r.label[row], "trace") == 0 ? -1.0 : -0.5;
    snprintf(line, sizeof line, "the predicted sd slope of %s (%.3f) is near %g", r.label[row], pred, nominal);
    check_true(c, fabs(pred - nominal) < 0.05, line);
  }
  rmtmc_sweep_result_free(&r);
  char path[300];
  snprintf(path, sizeof path, "%s/points.jsonl", dir);
  unlink(path);
  rmdir(dir);
}

int main(int argc, char **argv) {
  check_ctx c = {0, 0};
  int rc = test_backend_arg(argc, argv, "test_resolvent_stat", &kind);
  if (rc != 0) return rc;
  char mpath[] = "/tmp/rmtmc_rsv_matrixXXXXXX";
  int fd = mkstemp(mpath);
  if (fd < 0) return 1;
  close(fd);
  if (!write_matrix(mpath, 60)) return 1;
  char mspec[300];
  snprintf(mspec, sizeof mspec, "matrix:%s", mpath);
  const scase cases[] = {
      {"identity", "gaussian", 80, 160, 400, 11, 1},
      {"ar1:0.6", "gaussian", 80, 50, 400, 12, 1},
      {mspec, "gaussian", 60, 120, 300, 13, 1},
      {"points:1:0.5,3:0.5", "rademacher", 80, 160, 400, 14, 1},
      {"ar1:0.5", "rademacher", 60, 40, 300, 15, 0},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; ++k) one(&c, &cases[k]);
  unlink(mpath);
  slopes(&c);
  return check_finish(&c);
}
