/* rmtmc.h: the engine's umbrella header.  One header per concern:
 *   rmtmc_status.h   status codes and error messages
 *   rmtmc_rng.h      counter-based Philox streams (cuRAND layout)
 *   rmtmc_model.h    sizes, entry laws, population covariance
 *   rmtmc_backend.h  the backend interface (cpu, cuda)
 *   rmtmc_fit.h      the per-trial linear-model fits a backend runs
 *   rmtmc_accum.h    mergeable accumulators
 *   rmtmc_theory.h   closed forms (Marchenko-Pastur, Silverstein, BBP)
 *   rmtmc_spectrum.h the spectrum study
 *   rmtmc_report.h   JSON / CSV output and summaries */
#ifndef RMTMC_H
#define RMTMC_H

#include "rmtmc_accum.h"
#include "rmtmc_backend.h"
#include "rmtmc_model.h"
#include "rmtmc_report.h"
#include "rmtmc_spectrum.h"
#include "rmtmc_status.h"
#include "rmtmc_theory.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "0.1.0" */
const char *rmtmc_version(void);

#ifdef __cplusplus
}
#endif
#endif
