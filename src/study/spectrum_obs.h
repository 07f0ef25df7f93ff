/* spectrum_obs.h: the spectrum study's per-z observables, declared once
 * (spectrum_obs.c): name and meaning (rmtmc_zobs_info), theory and O(1/d)
 * bias.  Private to src/study. */
#ifndef RMTMC_SPECTRUM_OBS_H
#define RMTMC_SPECTRUM_OBS_H

#include <complex.h>

#include "rmtmc_spectrum.h"
#include "rmtmc_theory.h"
#include "rmtmc_theory_limit.h"

typedef struct spectrum_zobs_def {
  rmtmc_zobs_info info;
  /* the limit at w = z, at the finite-d population of ls (rmtmc_theory
   * conventions: a real z on the support is refused, a pole is +INFINITY) */
  rmtmc_status (*theory)(const rmtmc_limit_spectrum *ls, double complex w, double complex *v, rmtmc_error *err);
  /* the predicted O(1/d) offset E value_d - limit for entries of excess
   * kurtosis kurt_excess; mx: the entry mixing of a dense Sigma (NULL:
   * diagonal); an error leaves the bias unknown */
  rmtmc_status (*bias)(const rmtmc_limit_spectrum *ls, double complex w, double kurt_excess,
                       const rmtmc_entry_mixing *mx, double complex *offset, rmtmc_error *err);
} spectrum_zobs_def;

/* Observable k of rmtmc_zobs (NULL when unknown). */
const spectrum_zobs_def *spectrum_zobs(int k);

#endif
