/* spectrum_obs.c: the spectrum study's per-z observables, one row each.
 * Adding one: a value in rmtmc_zobs (include/rmtmc_layout.h), its term in
 * rmtmc_obs_zterm (src/backend/reduce_common.h), a row here (docs/extending.md). */
#include "study/spectrum_obs.h"

#include <stdio.h>
#include <string.h>

#include "rmtmc_theory_deriv.h"

static rmtmc_status m_theory(const rmtmc_limit_spectrum *ls, double complex w, double complex *v, rmtmc_error *err) {
  return rmtmc_limit_spectrum_stieltjes(ls, w, v, NULL, err);
}

static rmtmc_status m_bias(const rmtmc_limit_spectrum *ls, double complex w, double kx, const rmtmc_entry_mixing *mx,
                           double complex *offset, rmtmc_error *err) {
  return rmtmc_limit_spectrum_bias(ls, w, kx, mx, offset, NULL, err);
}

static rmtmc_status dm_theory(const rmtmc_limit_spectrum *ls, double complex w, double complex *v, rmtmc_error *err) {
  return rmtmc_theory_stieltjes_deriv(&ls->pop, ls->eta, w, NULL, v, err);
}

static rmtmc_status dm_bias(const rmtmc_limit_spectrum *ls, double complex w, double kx, const rmtmc_entry_mixing *mx,
                            double complex *offset, rmtmc_error *err) {
  return rmtmc_limit_spectrum_deriv_bias(ls, w, kx, mx, offset, NULL, err);
}

static const spectrum_zobs_def defs[RMTMC_ZOBS_COUNT] = {
    [RMTMC_ZOBS_STIELTJES] = {.info = {.key = "stieltjes",
                                       .title = "Stieltjes transform",
                                       .option = "m",
                                       .symbol = "m(z)",
                                       .meaning = "(1/d) tr (S - zI)^-1"},
                              .theory = m_theory,
                              .bias = m_bias},
    [RMTMC_ZOBS_STIELTJES_DERIV] = {.info = {.key = "stieltjes_derivative",
                                             .title = "derivative of the Stieltjes transform",
                                             .option = "dm",
                                             .symbol = "m'(z)",
                                             .meaning = "(1/d) tr (S - zI)^-2"},
                                    .theory = dm_theory,
                                    .bias = dm_bias},
};

const spectrum_zobs_def *spectrum_zobs(int k) {
  return k >= 0 && k < RMTMC_ZOBS_COUNT ? &defs[k] : NULL;
}

const rmtmc_zobs_info *rmtmc_zobs_describe(int k) {
  const spectrum_zobs_def *d = spectrum_zobs(k);
  return d ? &d->info : NULL;
}

rmtmc_status rmtmc_zobs_parse(const char *list, unsigned *mask, rmtmc_error *err) {
  unsigned m = 0;
  const char *p = list;
  while (*p) {
    size_t len = strcspn(p, ",");
    int found = -1;
    for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k)
      if (strlen(defs[k].info.option) == len && strncmp(p, defs[k].info.option, len) == 0) found = k;
    if (found < 0) {
      char names[128] = "";
      for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s (%s = %s)", k ? ", " : "",
                 defs[k].info.option, defs[k].info.symbol, defs[k].info.meaning);
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--observables '%s': '%.*s' is not one of %s", list, (int)len,
                             p, names);
    }
    m |= RMTMC_ZOBS_BIT(found);
    p += len;
    if (*p == ',') ++p;
  }
  if (!m) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--observables needs at least one name (e.g. m,dm)");
  *mask = m;
  return RMTMC_OK;
}
