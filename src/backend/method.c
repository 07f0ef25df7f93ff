/* method.c: which spectrum method may run for a model (rmtmc_backend.h):
 * the validity rules of the exact fast samplers (THEORY 10.2-10.3,
 * docs/fast_methods.md) and the choice of --method auto.  One place, used
 * by the studies (before anything runs: a clear message, exit 2) and by
 * rmtmc_work_check (so a backend may assume a valid fast work item). */
#include <stdio.h>
#include <string.h>

#include "rmtmc_backend.h"

int rmtmc_method_is_spectral(rmtmc_method m) {
  return m == RMTMC_METHOD_DENSE || m == RMTMC_METHOD_TRIDIAGONAL || m == RMTMC_METHOD_BARTLETT;
}

rmtmc_status rmtmc_method_parse(const char *s, rmtmc_method *m, rmtmc_error *err) {
  static const rmtmc_method names[] = {RMTMC_METHOD_DENSE, RMTMC_METHOD_BARTLETT, RMTMC_METHOD_TRIDIAGONAL,
                                       RMTMC_METHOD_AUTO};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i)
    if (strcmp(s, rmtmc_method_name(names[i])) == 0) {
      *m = names[i];
      return RMTMC_OK;
    }
  return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                         "--method '%.64s' not understood: use dense, bartlett, tridiagonal or auto", s);
}

int rmtmc_model_isotropic(const rmtmc_model *m, double *s2) {
  if (!m || m->pop_k != 1 || !m->pop_t || !(m->pop_t[0] > 0.0)) return 0;
  if (s2) *s2 = m->pop_t[0];
  return 1;
}

/* The reason a fast method does not fit, or NULL. */
static const char *misfit(rmtmc_method meth, const rmtmc_model *m, unsigned zobs) {
  if (meth == RMTMC_METHOD_DENSE) return NULL;
  if (m->entries == RMTMC_ENTRIES_COMPLEX_GAUSSIAN)
    return "runs on real data only (the complex, beta = 2 form is not implemented); use --method dense for "
           "complex entries";
  if (m->entries != RMTMC_ENTRIES_GAUSSIAN)
    return meth == RMTMC_METHOD_TRIDIAGONAL
               ? "needs Gaussian entries (the Dumitriu-Edelman band has the law of the eigenvalues of Gaussian data only); "
                 "use --method dense for these entries"
               : "needs Gaussian entries (Bartlett's decomposition is an identity for Gaussian data only); "
                 "use --method dense for these entries";
  if (m->precision != RMTMC_PRECISION_DOUBLE)
    return "computes in double precision only; drop --precision single or use --method dense";
  if (meth == RMTMC_METHOD_TRIDIAGONAL) {
    if (!rmtmc_model_isotropic(m, NULL))
      return "needs Sigma = s2 I (one population eigenvalue); use --method bartlett (Gaussian entries, any Sigma) "
             "or dense";
    if (zobs & ~RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES))
      return "computes the per-z observable m(z) only; for the others in --observables use --method bartlett or "
             "dense";
  }
  return NULL;
}

rmtmc_status rmtmc_method_check(rmtmc_method meth, const rmtmc_model *m, unsigned zobs, rmtmc_error *err) {
  if (!rmtmc_method_is_spectral(meth))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--method %s is not a spectrum method: use dense, bartlett, "
                           "tridiagonal or auto", rmtmc_method_name(meth));
  const char *why = misfit(meth, m, zobs);
  if (!why) return RMTMC_OK;
  return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--method %s %s (the model: --sigma %.200s, --entries %s)",
                         rmtmc_method_name(meth), why, m->sigma_spec, rmtmc_entries_name(m->entries));
}

rmtmc_status rmtmc_method_resolve(rmtmc_method want, const rmtmc_model *m, unsigned zobs, const char *tridiag_veto,
                                  rmtmc_method *got, char *why, size_t len, rmtmc_error *err) {
  char buf[384];
  const char *tri_misfit = misfit(RMTMC_METHOD_TRIDIAGONAL, m, zobs);
  if (want != RMTMC_METHOD_AUTO) {
    rmtmc_status st = rmtmc_method_check(want, m, zobs, err);
    if (st != RMTMC_OK) return st;
    if (want == RMTMC_METHOD_TRIDIAGONAL && tridiag_veto)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--method tridiagonal: %.400s", tridiag_veto);
    *got = want;
    snprintf(buf, sizeof buf, "asked for with --method %s", rmtmc_method_name(want));
  } else if (!tri_misfit && !tridiag_veto) {
    double s2 = 0.0;
    rmtmc_model_isotropic(m, &s2);
    *got = RMTMC_METHOD_TRIDIAGONAL;
    snprintf(buf, sizeof buf, "auto: Gaussian entries and Sigma = s2 I (s2 = %.6g), so the O(d) tridiagonal model is exact",
             s2);
  } else {
    /* not tridiagonal: say so when only the study's condition ruled it out */
    const char *pre = !tri_misfit ? "not tridiagonal (a real z is too close to the support edge for it); " : "";
    if (!misfit(RMTMC_METHOD_BARTLETT, m, zobs) && m->n > m->d) {
      *got = RMTMC_METHOD_BARTLETT;
      snprintf(buf, sizeof buf, "auto: %sGaussian entries and n > d, so Bartlett's triangular factor is exact and "
               "cheaper than X", pre);
    } else {
      *got = RMTMC_METHOD_DENSE;
      snprintf(buf, sizeof buf, "auto: %s%s", pre,
               m->entries == RMTMC_ENTRIES_COMPLEX_GAUSSIAN ? "complex entries run on the dense method only"
               : m->entries != RMTMC_ENTRIES_GAUSSIAN ? "non-Gaussian entries need the real X"
               : m->precision != RMTMC_PRECISION_DOUBLE ? "single precision runs on the dense method only"
               : !tri_misfit || !rmtmc_model_isotropic(m, NULL) ? "n <= d: no exact fast method is cheaper"
               : "n <= d and the observables asked for need the eigenvalues of S (the tridiagonal method gives m(z) "
                 "only)");
    }
  }
  if (why && len) snprintf(why, len, "%s", buf);
  return RMTMC_OK;
}
