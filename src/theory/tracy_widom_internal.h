/* tracy_widom_internal.h: private pieces of the edge-statistics theory
 * (tracy_widom_airy.c, tracy_widom.c): the Airy-function anchor table used
 * in the Fredholm-determinant loops and Gauss-Legendre nodes.  Nothing here
 * is part of the public API (include/rmtmc_edge_theory.h is). */
#ifndef RMTMC_TRACY_WIDOM_INTERNAL_H
#define RMTMC_TRACY_WIDOM_INTERNAL_H

#include <stdint.h>

/* Anchor table for fast Ai, Ai' on [TW_AIRY_LO, TW_AIRY_HI]: at every
 * anchor x_j = TW_AIRY_LO + j / TW_AIRY_PER_UNIT the Taylor coefficients
 * a_0..a_{TW_AIRY_DEG} of Ai about x_j (a_0 = Ai(x_j), a_1 = Ai'(x_j),
 * a_{k+2} = (x_j a_k + a_{k-1}) / ((k+1)(k+2)), from Ai'' = x Ai).  A point
 * is evaluated from its nearest anchor (|x - x_j| <= 1/8); outside the
 * table rmtmc_airy is called.  Truncation error of the degree-20 Taylor
 * polynomial at |t| <= 1/8: below 1e-20 relative to the local scale of Ai. */
#define TW_AIRY_LO (-16)
#define TW_AIRY_HI 32
#define TW_AIRY_PER_UNIT 4
#define TW_AIRY_DEG 20
#define TW_AIRY_NANCHOR ((TW_AIRY_HI - TW_AIRY_LO) * TW_AIRY_PER_UNIT + 1)

typedef struct tw_airy_table {
  double coef[TW_AIRY_NANCHOR][TW_AIRY_DEG + 1];
} tw_airy_table;

/* Fill the table (each anchor from rmtmc_airy independently, so errors do
 * not accumulate from one anchor to the next). */
void tw_airy_table_init(tw_airy_table *t);

/* Ai(x) and Ai'(x) from the table (rmtmc_airy outside it). */
void tw_airy_fast(const tw_airy_table *t, double x, double *ai, double *aip);

/* n-point Gauss-Legendre nodes and weights on [a, b] (n <= 512; Newton on
 * the Legendre recurrence from Tricomi's initial guesses). */
void tw_gauss_legendre(int n, double a, double b, double *x, double *w);

#endif
