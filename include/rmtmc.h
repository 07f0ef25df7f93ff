/* rmtmc.h: the engine's umbrella header.  One header per concern:
 *   rmtmc_status.h   status codes and error messages
 *   rmtmc_rng.h      counter-based Philox streams (cuRAND layout)
 *   rmtmc_model.h    sizes, entry laws, population covariance
 *   rmtmc_layout.h   the per-trial observables of the spectrum methods
 *   rmtmc_backend.h  the backend interface (cpu, cuda): opaque handles
 *   rmtmc_fit.h      the per-trial linear-model fits a backend runs
 *   rmtmc_run.h      run options, where trials ran, per-trial tables
 *   rmtmc_accum.h    mergeable accumulators
 *   rmtmc_theory.h   closed forms (Marchenko-Pastur, Silverstein, BBP)
 *   rmtmc_theory_deriv.h  m'(z) and its O(1/d) bias
 *   rmtmc_spectrum.h the spectrum study
 *   rmtmc_studies.h  the generative and ridge studies
 *   rmtmc_sweep.h    the scaling sweep
 *   rmtmc_theory_study.h  `rmtmc theory`: the closed forms alone
 *   rmtmc_study.h    every study behind one opaque API
 *   rmtmc_report.h   JSON / CSV / NumPy output and summaries
 *   rmtmc_plot.h     gnuplot scripts and the HTML report
 *   rmtmc_output.h   a run's outputs as one all-or-nothing transaction */
#ifndef RMTMC_H
#define RMTMC_H

#include "rmtmc_accum.h"
#include "rmtmc_backend.h"
#include "rmtmc_layout.h"
#include "rmtmc_model.h"
#include "rmtmc_output.h"
#include "rmtmc_report.h"
#include "rmtmc_run.h"
#include "rmtmc_spectrum.h"
#include "rmtmc_status.h"
#include "rmtmc_theory.h"
#include "rmtmc_theory_deriv.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "0.1.0" */
const char *rmtmc_version(void);

#ifdef __cplusplus
}
#endif
#endif
