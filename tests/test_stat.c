/* test_stat.c: statistical agreement with the theory, fixed seeds, one test
 * body for every backend (argv[1] = cpu | cuda; 77 = skipped when the
 * backend has no device).  Tolerance: |z| <= 4 where z = (empirical mean -
 * theory - predicted 1/d bias) / standard error, for m(z) and, in three of
 * the studies, m'(z) = (1/d) tr (S - zI)^-2 with the derivative of the bias;
 * moments against their exact finite-n expectations; the spike's top
 * eigenvalue against the BBP limit. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "support/backend_arg.h"
#include "rmtmc.h"

#define ZMAX 4.0

static rmtmc_backend_kind kind;

static void study(check_ctx *c, const char *label, const char *sigma, const char *entries,
                  int64_t d, int64_t n, int64_t trials, uint64_t seed, unsigned zobs) {
  rmtmc_spectrum_config cfg;
  rmtmc_spectrum_config_default(&cfg);
  cfg.method = RMTMC_METHOD_DENSE; /* this test's method; the fast ones: test_methods.c */
  cfg.d = d;
  cfg.n = n;
  cfg.run.trials = trials;
  cfg.run.seed = seed;
  cfg.run.backend = kind;
  cfg.zobs = zobs;
  strcpy(cfg.sigma, sigma);
  strcpy(cfg.entries, entries);
  rmtmc_spectrum_result r;
  rmtmc_error err;
  char what[768];
  if (rmtmc_spectrum_run(&cfg, &r, &err) != RMTMC_OK) {
    snprintf(what, sizeof what, "%s: study runs (%s)", label, err.msg);
    check_true(c, 0, what);
    return;
  }
  for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k) {
    const char *sym = rmtmc_zobs_describe(k)->option;
    for (int64_t j = 0; r.zobs[k].rows && j < r.nz; ++j) {
      const rmtmc_stieltjes_row *w = &r.zobs[k].rows[j];
      int corr = isfinite(w->zscore_corr_re);
      snprintf(what, sizeof what, "%s: Re %s(%.3g%+.3gi)%s", label, sym, w->z_re, w->z_im, corr ? " - bias/d" : "");
      check_z(c, corr ? w->zscore_corr_re : w->zscore_re, ZMAX, what);
      if (w->z_im != 0.0) {
        snprintf(what, sizeof what, "%s: Im %s(%.3g%+.3gi)%s", label, sym, w->z_re, w->z_im, corr ? " - bias/d" : "");
        check_z(c, corr ? w->zscore_corr_im : w->zscore_im, ZMAX, what);
      }
    }
  }
  for (int k = 0; k < 2; ++k)
    if (isfinite(r.moments_exact[k])) {
      snprintf(what, sizeof what, "%s: moment k=%d vs exact E (1/d) tr S^k", label, k + 1);
      check_z(c, (r.moments[k].mean - r.moments_exact[k]) / r.moments[k].stderr_, ZMAX, what);
    }
  if (strncmp(sigma, "spike:", 6) == 0) {
    snprintf(what, sizeof what, "%s: top eigenvalue at the BBP location %.4f", label, r.lam_max_theory);
    check_z(c, (r.lam_max.mean - r.lam_max_theory) / r.lam_max.stderr_, ZMAX, what);
  }
  printf("      (%s: %.2f s, %.1f trials/s, L1 %.4f, KS %.4f)\n", label, r.seconds,
         r.trials_per_second, r.l1, r.ks);
  rmtmc_spectrum_result_free(&r);
}

int main(int argc, char **argv) {
  check_ctx c = {0, 0};
  int rc = test_backend_arg(argc, argv, "test_stat", &kind);
  if (rc != 0) return rc;
  const unsigned m = RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES);
  const unsigned mdm = m | RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES_DERIV);
  /* m'(z) rows (the worked example of docs/extending.md) beside m(z) in
   * three of them: MP on both sides of eta = 1 and a two-point Sigma. */
  study(&c, "MP eta=0.5", "identity", "gaussian", 200, 400, 400, 11, mdm);
  study(&c, "MP eta=2", "identity", "gaussian", 240, 120, 400, 12, mdm);
  study(&c, "two-point Sigma", "points:1:0.5,4:0.5", "gaussian", 200, 400, 400, 13, mdm);
  study(&c, "rademacher", "identity", "rademacher", 200, 400, 400, 14, m);
  study(&c, "student:8", "identity", "student:8", 200, 400, 400, 15, m);
  study(&c, "spike ell=4", "spike:3", "gaussian", 200, 400, 300, 16, m);
  return check_finish(&c);
}
