/* test_verdict.c: the verdict rules (include/rmtmc_verdict.h,
 * docs/verdict.md) and the consistency of `rmtmc theory` with the spectrum
 * study, through the opaque study API (rmtmc_study.h):
 *   - each rule on hand-made rows: a row that cannot be judged (infinite,
 *     NaN or zero standard error, a non-finite estimate, one trial, a bias
 *     that is not finite) is INCONCLUSIVE, never AGREES; corrected and exact
 *     rows beyond 4 DISAGREE; uncorrected rows beyond 4 are INCONCLUSIVE;
 *     kept-out rows do not count; no row judged is INCONCLUSIVE;
 *   - false agreement: `ridge --sigma points:1e300:1` and
 *     `spectrum --sigma points:0:0.5,1:0.5 --z=1e-300` are INCONCLUSIVE;
 *   - false disagreement: ar1:0.5 with Rademacher entries (dense Sigma,
 *     non-Gaussian), raw |z| far above 4, AGREES with the general-Sigma
 *     fourth-cumulant bias; student:6 rows are kept out with a warning;
 *   - half-known bias: a row with the bias in one part only is
 *     INCONCLUSIVE; an unknown bias (m'(z) at z = 0) is NaN in both parts;
 *   - edge rounding: z one ulp outside the support edge has its bias
 *     correction dropped (rule uncorrected, note), never DISAGREES;
 *   - theory and spectrum agree: the same m(-1) = 0.5608638510705185 for
 *     spike:3 at d = 400, eta = 1/2 (60-digit mpmath); 26 support intervals
 *     for ar1:0.9 at d = 200, eta = 0.1 in both; theory --z=0 works. */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "rmtmc.h"
#include "rmtmc_spectrum.h"
#include "rmtmc_studies.h"
#include "rmtmc_study.h"
#include "rmtmc_theory_study.h"
#include "rmtmc_verdict.h"

/* One row into a fresh verdict; returns the row's verdict. */
static rmtmc_row_verdict one(rmtmc_rule rule, double est, double th, double se, double off, int64_t trials,
                             rmtmc_outcome *outcome, char *reason, size_t len) {
  rmtmc_verdict v;
  rmtmc_verdict_init(&v, trials);
  rmtmc_judge j = {.what = "x", .at = "here", .rule = rule, .estimate = est, .theory = th, .diff = est - th,
                   .stderr_ = se, .offset = off};
  rmtmc_verdict_add(&v, &j);
  rmtmc_verdict_finish(&v);
  rmtmc_row_verdict r = v.rows[0].verdict;
  if (outcome) *outcome = v.outcome;
  if (reason) snprintf(reason, len, "%s", v.rows[0].reason);
  rmtmc_verdict_free(&v);
  return r;
}

static void rules(check_ctx *c) {
  rmtmc_outcome o;
  char why[400];
  check_true(c, one(RMTMC_RULE_CORRECTED, 1.0, 1.0, 0.1, 0.05, 100, &o, NULL, 0) == RMTMC_ROW_AGREES &&
                    o == RMTMC_OUTCOME_AGREES,
             "rule: corrected row within 4 s.e. agrees");
  check_true(c, one(RMTMC_RULE_CORRECTED, 1.5, 1.0, 0.1, 0.0, 100, &o, NULL, 0) == RMTMC_ROW_DISAGREES &&
                    o == RMTMC_OUTCOME_DISAGREES,
             "rule: corrected row 5 s.e. off disagrees");
  check_true(c, one(RMTMC_RULE_EXACT, 1.5, 1.0, 0.1, 0.0, 100, &o, NULL, 0) == RMTMC_ROW_DISAGREES,
             "rule: exact row 5 s.e. off disagrees");
  check_true(c, one(RMTMC_RULE_UNCORRECTED, 1.5, 1.0, 0.1, NAN, 100, &o, why, sizeof why) == RMTMC_ROW_INCONCLUSIVE &&
                    o == RMTMC_OUTCOME_INCONCLUSIVE && strstr(why, "bias") != NULL,
             "rule: uncorrected row 5 s.e. off is inconclusive (the gap may be the bias), not a disagreement");
  check_true(c, one(RMTMC_RULE_UNCORRECTED, 1.01, 1.0, 0.1, NAN, 100, &o, NULL, 0) == RMTMC_ROW_AGREES,
             "rule: uncorrected row within 4 s.e. agrees");
  {
    rmtmc_verdict v;
    rmtmc_verdict_init(&v, 100);
    rmtmc_judge j = {.what = "slope", .at = "z = -1", .rule = RMTMC_RULE_UNCORRECTED, .estimate = -1.0, .theory = -1.0,
                     .stderr_ = 0.1, .offset = NAN, .cannot_judge = "too few points"};
    rmtmc_verdict_add(&v, &j);
    rmtmc_verdict_finish(&v);
    check_true(c, v.outcome == RMTMC_OUTCOME_INCONCLUSIVE && v.rows[0].verdict == RMTMC_ROW_INCONCLUSIVE &&
                      strcmp(v.rows[0].reason, "too few points") == 0 && isnan(v.rows[0].z),
               "rule: a row the study cannot judge (cannot_judge) is inconclusive with that reason alone");
    rmtmc_verdict_free(&v);
  }
  /* false agreement: rows that cannot be judged */
  struct {
    const char *what;
    double est, se, off;
    int64_t trials;
    const char *reason;
  } bad[] = {{"infinite standard error", 1.0, INFINITY, 0.0, 100, "infinite"},
             {"NaN standard error", 1.0, NAN, 0.0, 100, "not a number"},
             {"zero standard error", 1.0 + 1e-16, 0.0, 0.0, 100, "is 0"},
             {"NaN estimate", NAN, 0.1, 0.0, 100, "estimate"},
             {"infinite estimate", INFINITY, 0.1, 0.0, 100, "estimate"},
             {"one trial", 1.0, NAN, 0.0, 1, "2"},
             {"bias not finite", 1.0, 0.1, NAN, 100, "bias"}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    char what[160];
    rmtmc_row_verdict rv = one(RMTMC_RULE_CORRECTED, bad[i].est, 1.0, bad[i].se, bad[i].off, bad[i].trials, &o, why,
                               sizeof why);
    snprintf(what, sizeof what, "false agreement: %s -> INCONCLUSIVE with the reason (\"%.60s\")", bad[i].what, why);
    check_true(c, rv == RMTMC_ROW_INCONCLUSIVE && o == RMTMC_OUTCOME_INCONCLUSIVE && strstr(why, bad[i].reason),
               what);
  }
  /* kept-out rows do not count; nothing judged is inconclusive */
  rmtmc_verdict v;
  rmtmc_verdict_init(&v, 100);
  rmtmc_judge out = {.what = "y", .rule = RMTMC_RULE_OUT, .estimate = 9, .theory = 0, .diff = 9, .stderr_ = 0.1,
                     .note = "informational"};
  rmtmc_verdict_add(&v, &out);
  rmtmc_verdict_finish(&v);
  check_true(c, v.outcome == RMTMC_OUTCOME_INCONCLUSIVE && v.kept_out == 1 && v.judged == 0,
             "only kept-out rows: INCONCLUSIVE (no row judged), the 90-s.e. row does not disagree");
  rmtmc_judge good = {.what = "x", .rule = RMTMC_RULE_EXACT, .estimate = 1, .theory = 1, .diff = 0.01, .stderr_ = 0.1};
  rmtmc_verdict_add(&v, &good);
  rmtmc_verdict_finish(&v);
  check_true(c, v.outcome == RMTMC_OUTCOME_AGREES, "one judged row agreeing plus a kept-out row: AGREES");
  rmtmc_judge nan_row = {.what = "z", .rule = RMTMC_RULE_CORRECTED, .estimate = 1, .theory = 1, .diff = 0,
                         .stderr_ = NAN, .offset = 0};
  rmtmc_verdict_add(&v, &nan_row);
  rmtmc_verdict_finish(&v);
  char line[768];
  rmtmc_verdict_line(&v, line, sizeof line);
  check_true(c, v.outcome == RMTMC_OUTCOME_INCONCLUSIVE && v.nrows == 3 && strstr(line, "INCONCLUSIVE"),
             "a NaN z-score is never dropped: the verdict turns INCONCLUSIVE");
  rmtmc_verdict_free(&v);
  check_close(c, rmtmc_verdict_t_threshold(1), 2.0 / (3.14159265358979323846 * erfc(4.0 / sqrt(2.0))), 3.0,
              "Student-t threshold at 1 dof = 2/(pi p) (Cauchy)");
  check_close(c, rmtmc_verdict_t_threshold(100000), 4.0, 1e-12, "Student-t threshold -> 4");
}

/* A study run through the opaque API; options as (name, value) pairs. */
static rmtmc_result *run(const char *study, const char *const *opts, rmtmc_study **s, check_ctx *c) {
  rmtmc_error err;
  rmtmc_result *r = NULL;
  int ok = rmtmc_study_new(study, s, &err) == RMTMC_OK;
  for (int i = 0; ok && opts[i]; i += 2) ok = rmtmc_study_set(*s, opts[i], opts[i + 1], &err) == RMTMC_OK;
  if (ok) ok = rmtmc_study_check(*s, &err) == RMTMC_OK;
  if (ok) ok = rmtmc_study_run(*s, NULL, &r, &err) == RMTMC_OK;
  if (!ok) {
    char what[700];
    snprintf(what, sizeof what, "%s runs (%s)", study, err.msg);
    check_true(c, 0, what);
  }
  return r;
}

static rmtmc_outcome outcome_of(const rmtmc_result *r, rmtmc_verdict *v) {
  rmtmc_error err;
  if (rmtmc_result_verdict(r, v, &err) != RMTMC_OK) return RMTMC_OUTCOME_DISAGREES;
  return v->outcome;
}

static void false_agreement(check_ctx *c) {
  rmtmc_study *s = NULL;
  rmtmc_verdict v;
  /* ridge --sigma points:1e300:1 (the case: every standard error
   * infinite) is now refused before it runs (issue 10: Sigma eigenvalues
   * above 1e60 overflow the moments; tests/limits_cli.sh and
   * tests/verdict_cli.sh check the refusal); the rule it exposed is
   * checked here on the spectrum's non-finite z-score and, row by row, in
   * rules() above. */
  rmtmc_result *r;
  const char *spec[] = {"d", "40", "n", "80", "trials", "20", "sigma", "points:0:0.5,1:0.5", "z", "1e-300",
                        "backend", "cpu", NULL};
  r = run("spectrum", spec, &s, c);
  if (r) {
    rmtmc_outcome o = outcome_of(r, &v);
    const rmtmc_spectrum_result *sr = rmtmc_result_data(r);
    const rmtmc_verdict_row *vr = rmtmc_verdict_find(&v, &sr->zobs[RMTMC_ZOBS_STIELTJES].rows[0], 0);
    check_true(c, o == RMTMC_OUTCOME_INCONCLUSIVE && vr && vr->verdict == RMTMC_ROW_INCONCLUSIVE,
               "false agreement: spectrum --sigma points:0:0.5,1:0.5 --z=1e-300 (z-score not finite) is "
               "INCONCLUSIVE, the row listed");
    rmtmc_verdict_free(&v);
  }
  rmtmc_result_free(r);
  rmtmc_study_free(s);
}

static void false_disagreement(check_ctx *c) {
  rmtmc_study *s = NULL;
  rmtmc_verdict v;
  /* dense Sigma, non-Gaussian entries: the raw z grows like sqrt(trials) */
  const char *opts[] = {"d", "60", "n", "120", "trials", "2000", "seed", "67", "sigma", "ar1:0.5", "entries",
                        "rademacher", "backend", "cpu", NULL};
  rmtmc_result *r = run("spectrum", opts, &s, c);
  if (r) {
    const rmtmc_spectrum_result *sr = rmtmc_result_data(r);
    double raw = 0.0;
    int corrected = 1;
    for (int64_t k = 0; k < sr->nz; ++k) {
      const rmtmc_stieltjes_row *w = &sr->zobs[RMTMC_ZOBS_STIELTJES].rows[k];
      raw = fmax(raw, fabs(w->zscore_re));
      if (w->z_im != 0.0) raw = fmax(raw, fabs(w->zscore_im));
      corrected &= w->rule == RMTMC_RULE_CORRECTED && isfinite(w->bias_re) && isfinite(w->bias_im);
    }
    rmtmc_outcome o = outcome_of(r, &v);
    char what[200];
    snprintf(what, sizeof what, "false disagreement: ar1:0.5 rademacher, raw max |z| %.1f > 4", raw);
    check_true(c, raw > 4.0, what);
    check_true(c, sr->bias_kind == RMTMC_BIAS_GENERAL && corrected,
               "  every row is judged with the general-Sigma fourth-cumulant bias");
    snprintf(what, sizeof what, "  verdict AGREES with the bias (largest corrected |z| %.2f)", v.max_abs_z);
    check_true(c, o == RMTMC_OUTCOME_AGREES, what);
    rmtmc_verdict_free(&v);
  }
  rmtmc_result_free(r);
  rmtmc_study_free(s);
  /* heavy tails: the corrected rows are unreliable, kept out with a warning */
  const char *st[] = {"d", "30", "n", "60", "trials", "50", "entries", "student:6", "backend", "cpu", NULL};
  r = run("spectrum", st, &s, c);
  if (r) {
    const rmtmc_spectrum_result *sr = rmtmc_result_data(r);
    outcome_of(r, &v);
    int out = 1;
    for (int64_t k = 0; k < sr->nz; ++k) out &= sr->zobs[RMTMC_ZOBS_STIELTJES].rows[k].rule == RMTMC_RULE_OUT;
    const rmtmc_verdict_row *m2 = rmtmc_verdict_find(&v, &sr->moments[1], 0);
    check_true(c, out && v.nwarn == 1 && strstr(v.warnings[0], "student:6") && m2 &&
                      m2->verdict == RMTMC_ROW_KEPT_OUT && v.by_rule[RMTMC_RULE_EXACT] == 1,
               "student:6: the m(z) rows and the second moment are kept out with the reason and a warning; the "
               "first moment is judged");
    rmtmc_verdict_free(&v);
  }
  rmtmc_result_free(r);
  rmtmc_study_free(s);
}

static void half_known_and_edge(check_ctx *c) {
  /* a hand-made row whose bias is known in one part only */
  rmtmc_spectrum_result sr;
  memset(&sr, 0, sizeof sr);
  rmtmc_stieltjes_row row;
  memset(&row, 0, sizeof row);
  row.z_re = 1.0;
  row.z_im = 0.1;
  row.re = (rmtmc_stat){.mean = 1.0, .stderr_ = 0.01, .sd = 0.1};
  row.im = (rmtmc_stat){.mean = 1.0, .stderr_ = 0.01, .sd = 0.1};
  row.theory_re = row.theory_im = 1.0;
  row.bias_re = 0.001;
  row.bias_im = NAN;
  row.rule = RMTMC_RULE_CORRECTED;
  sr.nz = 1;
  sr.zobs[RMTMC_ZOBS_STIELTJES].rows = &row;
  sr.zobs[RMTMC_ZOBS_STIELTJES].nz = 1;
  sr.config.run.trials = 100;
  sr.p_max = INFINITY;
  for (int k = 0; k < RMTMC_SPECTRUM_KMAX; ++k) sr.moment_rule[k] = RMTMC_RULE_OUT;
  rmtmc_verdict v;
  rmtmc_spectrum_verdict(&sr, &v);
  const rmtmc_verdict_row *a = rmtmc_verdict_find(&v, &row, 0), *b = rmtmc_verdict_find(&v, &row, 1);
  check_true(c, v.outcome == RMTMC_OUTCOME_INCONCLUSIVE && a && b && a->verdict == RMTMC_ROW_INCONCLUSIVE &&
                    b->verdict == RMTMC_ROW_INCONCLUSIVE && strstr(a->reason, "one part"),
             "half-known bias: a bias known in one part only makes both parts INCONCLUSIVE");
  rmtmc_verdict_free(&v);

  rmtmc_study *s = NULL;
  /* an unknown bias (m'(z) at z = 0): null in both parts, judged against the limit */
  const char *dm[] = {"d", "30", "n", "60", "trials", "40", "observables", "m,dm", "z", "0,-1", "backend", "cpu", NULL};
  rmtmc_result *r = run("spectrum", dm, &s, c);
  if (r) {
    const rmtmc_spectrum_result *p = rmtmc_result_data(r);
    const rmtmc_stieltjes_row *w = &p->zobs[RMTMC_ZOBS_STIELTJES_DERIV].rows[0];
    check_true(c, isnan(w->bias_re) && isnan(w->bias_im) && isnan(w->zscore_corr_re) &&
                      w->rule == RMTMC_RULE_UNCORRECTED && w->note[0],
               "half-known bias: m'(0) has no known bias: NaN (JSON null) in both parts, rule uncorrected with a note");
  }
  rmtmc_result_free(r);
  rmtmc_study_free(s);

  /* edge rounding: z one ulp above the upper edge (2.9142135623730954) */
  double hi = pow(1.0 + sqrt(0.5), 2.0);
  char z[64];
  snprintf(z, sizeof z, "%.17g,-1", nextafter(hi, 10.0));
  const char *edge[] = {"d", "40", "n", "80", "trials", "60", "z", z, "backend", "cpu", NULL};
  r = run("spectrum", edge, &s, c);
  if (r) {
    const rmtmc_spectrum_result *p = rmtmc_result_data(r);
    const rmtmc_stieltjes_row *w = &p->zobs[RMTMC_ZOBS_STIELTJES].rows[0];
    outcome_of(r, &v);
    const rmtmc_verdict_row *vr = rmtmc_verdict_find(&v, w, 0);
    char what[300];
    snprintf(what, sizeof what, "edge rounding: z = %s: bias dropped (null), rule uncorrected, the row %s, the verdict "
                                "%s",
             z, vr ? rmtmc_row_verdict_name(vr->verdict) : "?", rmtmc_outcome_name(v.outcome));
    check_true(c, isnan(w->bias_re) && w->rule == RMTMC_RULE_UNCORRECTED && strstr(w->note, "dropped") &&
                      v.outcome != RMTMC_OUTCOME_DISAGREES && vr && vr->verdict != RMTMC_ROW_DISAGREES,
               what);
    check_true(c, p->zobs[RMTMC_ZOBS_STIELTJES].rows[1].rule == RMTMC_RULE_CORRECTED,
               "  z = -1 keeps its correction");
    rmtmc_verdict_free(&v);
  }
  rmtmc_result_free(r);
  rmtmc_study_free(s);
}

static void theory_matches_spectrum(check_ctx *c) {
  rmtmc_study *s1 = NULL, *s2 = NULL;
  const char *th[] = {"sigma", "spike:3", "d", "400", "eta", "0.5", "z", "-1", NULL};
  const char *sp[] = {"sigma", "spike:3", "d", "400", "n", "800", "z", "-1", "trials", "2", "backend", "cpu", NULL};
  rmtmc_result *a = run("theory", th, &s1, c), *b = run("spectrum", sp, &s2, c);
  if (a && b) {
    const rmtmc_theory_study_result *t = rmtmc_result_data(a);
    const rmtmc_spectrum_result *p = rmtmc_result_data(b);
    check_close(c, t->m_re[0], 0.5608638510705185, 2e-15, "theory spike:3 d=400 eta=0.5: m(-1) (60-digit value)");
    check_true(c, t->m_re[0] == p->zobs[RMTMC_ZOBS_STIELTJES].rows[0].theory_re,
               "  spectrum at d = 400, n = 800 uses the same value, bit for bit");
    int same = t->limit.support.nint == p->limit.support.nint;
    for (int64_t i = 0; same && i < t->limit.support.nint; ++i)
      same = t->limit.support.lo[i] == p->limit.support.lo[i] && t->limit.support.hi[i] == p->limit.support.hi[i];
    check_true(c, same && t->limit.noutliers == 1 && t->limit.outliers[0].separated &&
                      fabs(t->limit.outliers[0].location - 14.0 / 3.0) < 1e-12,
               "  the same support (with the outlier's interval) and the BBP outlier 14/3 in both");
    for (int k = 0; k < 4; ++k) same &= t->moments[k] == p->moments_theory[k];
    check_true(c, same, "  the same four moments");
  }
  rmtmc_result_free(a);
  rmtmc_result_free(b);
  rmtmc_study_free(s1);
  rmtmc_study_free(s2);
  /* a support with 26 intervals, in both commands */
  const char *th2[] = {"sigma", "ar1:0.9", "d", "200", "eta", "0.1", NULL};
  const char *sp2[] = {"sigma", "ar1:0.9", "d", "200", "n", "2000", "z", "-1", "trials", "2", "backend", "cpu", NULL};
  a = run("theory", th2, &s1, c);
  b = run("spectrum", sp2, &s2, c);
  if (a && b) {
    const rmtmc_theory_study_result *t = rmtmc_result_data(a);
    const rmtmc_spectrum_result *p = rmtmc_result_data(b);
    char what[160];
    snprintf(what, sizeof what, "ar1:0.9 d=200 eta=0.1: %lld support intervals in theory, %lld in spectrum (26)",
             (long long)t->limit.support.nint, (long long)p->limit.support.nint);
    check_true(c, t->limit.support.nint == 26 && p->limit.support.nint == 26, what);
    check_true(c, t->m_re[0] == p->zobs[RMTMC_ZOBS_STIELTJES].rows[0].theory_re, "  the same m(-1) in both");
    int zero = t->curve.n > 26 * 2;
    for (int64_t i = 0; i < t->limit.support.nint && zero; ++i)
      for (int64_t j = 0; j < t->curve.n; ++j)
        if (t->curve.x[j] == t->limit.support.lo[i] || t->curve.x[j] == t->limit.support.hi[i])
          zero &= t->curve.f[j] == 0.0;
    check_true(c, zero, "  the density curve is exactly 0 at every one of the 52 edges");
  }
  rmtmc_result_free(a);
  rmtmc_result_free(b);
  rmtmc_study_free(s1);
  rmtmc_study_free(s2);
  /* z = 0 off the support */
  const char *th3[] = {"eta", "0.5", "z", "0", NULL};
  a = run("theory", th3, &s1, c);
  if (a) {
    const rmtmc_theory_study_result *t = rmtmc_result_data(a);
    check_true(c, t->m_re[0] == 2.0 && !t->m_pole[0] && t->mc_pole[0],
               "theory --eta 0.5 --z=0: m(0) = 1/(1 - eta) = 2, mc has its pole");
  }
  rmtmc_result_free(a);
  rmtmc_study_free(s1);
}

int main(void) {
  check_ctx c = {0, 0};
  rules(&c);
  false_agreement(&c);
  false_disagreement(&c);
  half_known_and_edge(&c);
  theory_matches_spectrum(&c);
  return check_finish(&c);
}
