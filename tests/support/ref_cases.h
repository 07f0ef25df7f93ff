/* ref_cases.h: shared helpers of the theory tests (header-only, so each
 * test still builds from tests/<name>.c + support/json_mini.c): PASS/FAIL
 * checks with a tally, the reference-file plumbing (case tolerance,
 * complex values, the run over the cases whose id has a given prefix) and
 * Gauss-Legendre quadrature for independent reference integrals.
 *
 * A test may define REF_NAME_WIDTH (the width of the check-name column,
 * default 58) before including this header. */
#ifndef RMTMC_TESTS_REF_CASES_H
#define RMTMC_TESTS_REF_CASES_H

#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/cmplx_compat.h" /* CMPLX where the C library lacks it */
#include "rmtmc_status.h"
#include "support/json_mini.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#ifndef REF_NAME_WIDTH
#define REF_NAME_WIDTH 58
#endif

/* ---------------- check helpers ---------------- */

typedef struct tally {
  int pass, fail;
} tally;

static inline void tally_add(tally *t, int ok) {
  if (ok)
    ++t->pass;
  else
    ++t->fail;
}

/* |got - expected| <= abs_tol + rel_tol |expected| (NaN fails; an infinite
 * expected value passes only when got is the same infinity). */
static inline int check_close(tally *t, const char *name, double got,
                              double expected, double abs_tol,
                              double rel_tol) {
  double tol = abs_tol + rel_tol * fabs(expected);
  double err = fabs(got - expected);
  int ok;
  if (isinf(expected) && got == expected) err = 0;
  ok = err <= tol;
  tally_add(t, ok);
  printf(
      "%s %-*s got % .17g  expected % .17g  err %.2e  tol %.1e  "
      "(%.3g of tol)\n",
      ok ? "PASS" : "FAIL", REF_NAME_WIDTH, name, got, expected, err, tol,
      tol > 0 ? err / tol : (err == 0 ? 0.0 : INFINITY));
  return ok;
}

static inline int check_true(tally *t, const char *name, int cond,
                             const char *detail) {
  tally_add(t, cond);
  printf("%s %-*s %s\n", cond ? "PASS" : "FAIL", REF_NAME_WIDTH, name,
         detail);
  return cond;
}

static inline int check_status(tally *t, const char *name, rmtmc_status got,
                               rmtmc_status want, const rmtmc_error *e) {
  int ok = got == want;
  tally_add(t, ok);
  printf("%s %-*s status %s (want %s)%s%s\n", ok ? "PASS" : "FAIL",
         REF_NAME_WIDTH, name, rmtmc_status_str(got), rmtmc_status_str(want),
         got != RMTMC_OK && e ? ": " : "", got != RMTMC_OK && e ? e->msg : "");
  return ok;
}

/* ---------------- reference-file plumbing ---------------- */

static inline int starts(const char *s, const char *p) {
  return strncmp(s, p, strlen(p)) == 0;
}

/* Tolerance object of a case: {"abs": a} and/or {"rel": r} (0 if absent). */
static inline void tol_of(const json_value *c, double *abs_tol,
                          double *rel_tol) {
  const json_value *tv = json_get(c, "tolerance");
  *abs_tol = json_num(json_get(tv, "abs"), 0.0);
  *rel_tol = json_num(json_get(tv, "rel"), 0.0);
}

/* A complex value: a number or [re, im]. */
static inline double complex cnum(const json_value *v) {
  if (v && v->type == JSON_NUMBER) return v->number;
  return CMPLX(json_num(json_at(v, 0), NAN), json_num(json_at(v, 1), NAN));
}

typedef void (*ref_case_fn)(tally *t, const json_value *c);

/* Reads the reference file argv[1] and runs `run` on every case whose id
 * starts with one of the NULL-terminated `prefixes`, then checks that at
 * least min_cases ran (check name `what`).  Returns the parsed file (for
 * json_free), or NULL after printing the usage or read error and counting
 * a failure. */
static inline json_value *ref_run_cases(tally *t, int argc, char **argv,
                                        const char *const *prefixes,
                                        ref_case_fn run, size_t min_cases,
                                        const char *what,
                                        const char *detail) {
  char err[256];
  json_value *root;
  const json_value *cases;
  size_t i, covered = 0;
  if (argc < 2) {
    fprintf(stderr, "usage: %s reference_values.json\n", argv[0]);
    ++t->fail;
    return NULL;
  }
  root = json_parse_file(argv[1], err, sizeof err);
  if (!root) {
    printf("FAIL cannot read %s: %s\n", argv[1], err);
    ++t->fail;
    return NULL;
  }
  cases = json_get(root, "cases");
  for (i = 0; i < json_len(cases); ++i) {
    const json_value *c = json_at(cases, i);
    const char *id = json_str(json_get(c, "id"));
    const char *const *p;
    for (p = prefixes; id && *p; ++p)
      if (starts(id, *p)) {
        ++covered;
        run(t, c);
        break;
      }
  }
  check_true(t, what, covered >= min_cases, detail);
  return root;
}

/* ---------------- independent references ---------------- */

/* n-point Gauss-Legendre nodes/weights on [0, 1] (Newton on P_n). */
static inline void gauss_legendre01(int n, double *x, double *w) {
  int i, j, it;
  for (i = 0; i < n; ++i) {
    double z = cos(M_PI * (i + 0.75) / (n + 0.5)), pp = 1;
    for (it = 0; it < 100; ++it) {
      double p1 = 1, p2 = 0, z1;
      for (j = 1; j <= n; ++j) {
        double p3 = p2;
        p2 = p1;
        p1 = ((2.0 * j - 1) * z * p2 - (j - 1.0) * p3) / j;
      }
      pp = n * (z * p1 - p2) / (z * z - 1);
      z1 = z;
      z = z1 - p1 / pp;
      if (fabs(z - z1) < 1e-16) break;
    }
    x[i] = 0.5 * (1 - z);
    w[i] = 1.0 / ((1 - z * z) * pp * pp);
  }
}

#endif
