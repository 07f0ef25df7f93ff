/* blas.c: one BLAS thread for the library's host-side calls (blas.h). */
#include "core/blas.h"

#include <cblas.h>

void rmtmc_blas_serial(void) {
#if defined(OPENBLAS_VERSION)
  openblas_set_num_threads(1);
#endif
}
