/* rmtmc.h: the engine's umbrella header (installed as <rmtmc/rmtmc.h>;
 * docs/api.md says what is public).  One header per concern:
 *   rmtmc_version.h  version macros and rmtmc_version() (generated)
 *   rmtmc_status.h   status codes and error messages
 *   rmtmc_study.h    every study behind one opaque API: the stable entry point
 *   rmtmc_run.h      run options, progress (with stop requests), per-trial tables
 *   rmtmc_model.h    sizes, entry laws, population covariance
 *   rmtmc_layout.h   the per-trial observables of the spectrum methods
 *   rmtmc_backend.h  the backend interface (cpu, cuda): opaque handles
 *   rmtmc_fit.h      the per-trial linear-model fits a backend runs
 *   rmtmc_theory.h   closed forms (Marchenko-Pastur, Silverstein, BBP)
 *   rmtmc_theory_deriv.h  m'(z) and its O(1/d) bias
 *   rmtmc_theory_limit.h  the limit spectrum at a finite-d population
 *   rmtmc_theory_models.h the generative model and ridge regression
 *   rmtmc_edge_theory.h   Tracy-Widom laws, edge scaling, spikes
 *   rmtmc_edge_study.h    the edge study's typed config and result
 *   rmtmc_stats.h    the Kolmogorov distribution, moments with standard errors
 *   rmtmc_spectrum.h the spectrum study's typed config and result
 *   rmtmc_studies.h  the generative and ridge studies' typed config and result
 *   rmtmc_sweep.h    the scaling sweep
 *   rmtmc_resolvent.h  the resolvent study (Q(z) = (S + zI)^-1 functionals)
 *   rmtmc_resolvent_method.h  the resolvent functionals a backend runs
 *   rmtmc_theory_resolvent.h  their deterministic equivalents and O(1/d) biases
 *   rmtmc_theory_study.h  `rmtmc theory`: the closed forms alone
 *   rmtmc_report.h   JSON / CSV / NumPy output and summaries
 *   rmtmc_plot.h     gnuplot scripts and the HTML report
 *   rmtmc_output.h   a run's outputs as one all-or-nothing transaction
 * Internal (not installed): rmtmc_accum.h (the driver's accumulators) and
 * rmtmc_rng.h (the Philox streams the backends draw from). */
#ifndef RMTMC_H
#define RMTMC_H

#include "rmtmc_backend.h"
#include "rmtmc_edge_study.h"
#include "rmtmc_edge_theory.h"
#include "rmtmc_layout.h"
#include "rmtmc_model.h"
#include "rmtmc_output.h"
#include "rmtmc_report.h"
#include "rmtmc_run.h"
#include "rmtmc_spectrum.h"
#include "rmtmc_stats.h"
#include "rmtmc_status.h"
#include "rmtmc_study.h"
#include "rmtmc_theory.h"
#include "rmtmc_theory_deriv.h"
#include "rmtmc_version.h"

#endif
