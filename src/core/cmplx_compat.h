/* cmplx_compat.h: private portability shim (not part of the public API),
 * shared by the theory module and the theory tests. */
#ifndef RMTMC_CMPLX_COMPAT_H
#define RMTMC_CMPLX_COMPAT_H

#include <complex.h>

/* C11 CMPLX (exact real and imaginary parts, signed zeros kept); some C
 * libraries define it only for GCC.  double complex has the layout of
 * double[2] (C11 6.2.5p13). */
#ifndef CMPLX
static inline double complex rmtmc_cmplx_compat(double re, double im) {
  union {
    double complex z;
    double a[2];
  } v;
  v.a[0] = re;
  v.a[1] = im;
  return v.z;
}
#define CMPLX(re, im) rmtmc_cmplx_compat((re), (im))
#endif

#endif
