/* theory_internal.h: private helpers of the spectral theory module
 * (mp.c, silverstein.c): a bracketing root finder, the normalised
 * population and its support.  Nothing here is part of the public API.
 *
 * Notation (THEORY.md section 2).  The Silverstein equation
 *   w = -1/mc + eta sum_j w_j t_j / (1 + t_j mc)
 * is solved in the variable u = -1/mc (a Moebius change of variable, so
 * Im mc > 0 <=> Im u > 0):
 *   w = x(u) = u (1 + eta B(u)),  B(u) = sum_j w_j t_j / (u - t_j),
 *   x'(u) = 1 - eta psi(u),       psi(u) = sum_j w_j t_j^2 / (u - t_j)^2,
 *   mc = -1/u,   m = -A(u) / (1 + eta B(u)),  A(u) = sum_j w_j / (u - t_j).
 * x(u) has simple poles at the atoms t_j > 0 only (u = 0 is m = infinity, a
 * regular point), which keeps w near 0 free of cancellation. */
#ifndef RMTMC_THEORY_INTERNAL_H
#define RMTMC_THEORY_INTERNAL_H

#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdint.h>

#include "rmtmc_status.h"
#include "rmtmc_theory.h"
#include "core/cmplx_compat.h"
#include "theory/brent.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif


/* Normalised population: the distinct positive atoms sorted increasingly
 * with merged weights (renormalised to sum 1 together with h0), and the
 * weight h0 of the atom at t = 0. */
typedef struct theory_pop {
  int64_t k;       /* number of distinct positive atoms (may be 0) */
  double *t;       /* [k], increasing, owned */
  double *w;       /* [k], owned */
  double h0;       /* H({0}) */
  double tmax;     /* largest atom (0 when k == 0) */
  int one_atom;    /* the caller gave exactly one atom t > 0 (k == 1) */
  double t_single; /* that atom */
} theory_pop;

/* Support of the absolutely continuous part of the limit law (THEORY 2.2,
 * Silverstein-Choi): n intervals [lo[i], hi[i]], with the real critical
 * points ulo[i], uhi[i] of x(u) (x(ulo[i]) = lo[i], x(uhi[i]) = hi[i]). */
typedef struct theory_support {
  int64_t n;
  double *lo, *hi, *ulo, *uhi; /* one allocation, owned by lo */
} theory_support;

#endif
