/* theory_internal.h: private helpers of the spectral theory module
 * (mp.c, silverstein.c, support.c, finite_size.c, limit_spectrum.c): the
 * normalised population, the map x(u), its solvers and the support.
 * Nothing here is part of the public API.
 *
 * Notation (docs/theory.md section 2).  The Silverstein equation
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

/* Support of the absolutely continuous part of the limit law (theory.md 2.4,
 * Silverstein-Choi): n intervals [lo[i], hi[i]], with the real critical
 * points ulo[i], uhi[i] of x(u) (x(ulo[i]) = lo[i], x(uhi[i]) = hi[i]). */
typedef struct theory_support {
  int64_t n;
  double *lo, *hi, *ulo, *uhi; /* one allocation, owned by lo */
} theory_support;

/* ---- silverstein.c: the population and the map x(u) ---- */

/* Checks H and eta (messages in the user's terms) and builds the
 * normalised population; release with theory_pop_free. */
rmtmc_status theory_pop_init(theory_pop *P, const rmtmc_pop *H, double eta,
                             rmtmc_error *err);
void theory_pop_free(theory_pop *P);
/* Complex u: B(u), psi(u) and the rounding scale sum_j w_j t_j/|u - t_j|. */
void theory_pop_eval_c(const theory_pop *P, double complex u, double complex *B,
                       double complex *psi, double *babs);
/* A(u) = sum_j w_j/(u - t_j), the atom at 0 included (h0/u). */
double complex theory_pop_a(const theory_pop *P, double complex u);
/* Real u: x(u), psi(u), psi'(u). */
double theory_pop_x(const theory_pop *P, double eta, double u);
double theory_pop_psi(const theory_pop *P, double u);
double theory_pop_dpsi(const theory_pop *P, double u);
/* Safeguarded Newton on x(u) = w from *u (Im u kept > 0); *resid = |F|. */
rmtmc_status theory_pop_newton(const theory_pop *P, double eta,
                               double complex w, double complex *u, double tol,
                               int max_iter, double *resid);
/* Continuation solver: the root u(w) with Im u > 0 for Im w >= 0 (boundary
 * value on the support); *on_target = 0 when a real target in a gap was
 * left at Im w = 1e-15 scale (on_target may be NULL). */
rmtmc_status theory_pop_solve(const theory_pop *P, double eta, double complex w,
                              const rmtmc_theory_opts *opts, double complex *u,
                              int *on_target, rmtmc_error *err);
/* u(w) for w with Im w >= +0: complex w by continuation, real w off the
 * support by bracketing on its gap; real w on the support or at an atom of
 * the limit law at 0 is RMTMC_ERR_INVALID (message names the support). */
rmtmc_status theory_pop_u_at(const theory_pop *P, double eta, double complex w,
                             const rmtmc_theory_opts *opts, double complex *u,
                             rmtmc_error *err);
/* Reflect Im w < 0 to the upper half plane (*conj_back = 1), -0.0 -> +0. */
double complex theory_w_upper(double complex w, int *conj_back);
/* Theta(u) - pi: an antiderivative of Im mc along the real axis (see
 * silverstein.c); nu_ac((a, b]) = [Theta(u(b)) - Theta(u(a))]/(pi eta). */
double theory_pop_theta(const theory_pop *P, double eta, double complex u);
/* Context of the Brent callbacks on real u: the population, eta and the
 * level (z or 1/eta) the function is compared with. */
typedef struct theory_pop_ctx {
  const theory_pop *P;
  double eta, level;
} theory_pop_ctx;
/* lim (1/d) tr S^k, k = 1..4 (theory.md 2.7); NaN for invalid input. */
void theory_moments4(const rmtmc_pop *H, double eta, double out[4]);
/* Masses of the atom at 0 of the limit law (d x d side) and of its
 * companion (n x n side): max(h0, 1 - 1/eta) and max(0, 1 - eta (1 - h0)). */
double theory_atom_d(const theory_pop *P, double eta);
double theory_atom_c(const theory_pop *P, double eta);

/* ---- support.c ---- */

rmtmc_status theory_support_compute(const theory_pop *P, double eta,
                                    theory_support *S, rmtmc_error *err);
void theory_support_free(theory_support *S);
/* Index of the interval holding x (lo <= x <= hi), or -1. */
int64_t theory_support_find(const theory_support *S, double x);
/* Absolute rounding uncertainty of the edge x(u) at a critical point u. */
double theory_edge_uncertainty(const theory_pop *P, double eta, double u);

#endif
