/* spectrum_obs.h: the spectrum study's per-z observables, declared once
 * (spectrum_obs.c): name and meaning (rmtmc_zobs_info), theory and O(1/d)
 * bias.  Private to src/study. */
#ifndef RMTMC_SPECTRUM_OBS_H
#define RMTMC_SPECTRUM_OBS_H

#include <complex.h>

#include "rmtmc_spectrum.h"
#include "rmtmc_theory.h"

typedef struct spectrum_zobs_def {
  rmtmc_zobs_info info;
  /* the limit at w = z (rmtmc_theory conventions) */
  rmtmc_status (*theory)(const rmtmc_pop *H, double eta, double complex w, double complex *v, rmtmc_error *err);
  /* the O(1/d) bias coefficient mu (E value_d = limit + mu/d); kurt_excess
   * of the entries; an error leaves the bias unknown */
  rmtmc_status (*bias)(const rmtmc_pop *H, double eta, double complex w, double kurt_excess, double complex *mu,
                       rmtmc_error *err);
} spectrum_zobs_def;

/* Observable k of rmtmc_zobs (NULL when unknown). */
const spectrum_zobs_def *spectrum_zobs(int k);

#endif
