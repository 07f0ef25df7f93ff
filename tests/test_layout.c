/* test_layout.c: the observable layout (rmtmc_layout_build) has the offsets
 * it documents, and the shared per-eigenvalue rules (reduce_common.h)
 * reproduce the CPU's former plain-C arithmetic bit for bit: the resolvent
 * term 1 / (lambda - z) equals C99 complex division as GCC evaluates it
 * (including zeros of either sign, huge, tiny and subnormal values). */
#include <complex.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "backend/reduce_common.h"
#include "check.h"
#include "rmtmc_layout.h"

static void offsets(check_ctx *c) {
  double zr[3] = {-1, 2, 0.5}, zi[3] = {0, 0.1, 0.2};
  rmtmc_layout L;
  rmtmc_layout_request q = {.nz = 3, .z_re = zr, .z_im = zi, .zobs = RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES),
                            .kmax = 4, .nbins = 10, .hist_lo = 0, .hist_hi = 1};
  rmtmc_status st = rmtmc_layout_build(&L, &q, NULL);
  check_true(c, st == RMTMC_OK && L.zobs_off[RMTMC_ZOBS_STIELTJES] == 0 && L.zobs_off[RMTMC_ZOBS_STIELTJES_DERIV] == -1 &&
                    L.lam_min == 6 && L.lam_max == 7 && L.moment == 8 && L.nobs == 12 && L.nhist == 13,
             "m only: [Re m, Im m] x 3, lam_min 6, lam_max 7, moments 8..11, 13 histogram slots");
  q.zobs |= RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES_DERIV);
  q.nbins = 0;
  st = rmtmc_layout_build(&L, &q, NULL);
  check_true(c, st == RMTMC_OK && L.zobs_off[0] == 0 && L.zobs_off[1] == 6 && L.lam_min == 12 && L.moment == 14 &&
                    L.nobs == 18 && L.nhist == 0,
             "m and m': m at 0, m' at 6, lam_min 12, moments 14..17, no histogram");
  rmtmc_error err;
  q.kmax = 9;
  check_true(c, rmtmc_layout_build(&L, &q, &err) == RMTMC_ERR_INVALID, "kmax 9 refused");
  q.kmax = 2;
  q.nbins = 5;
  q.hist_lo = q.hist_hi = 1.0;
  check_true(c, rmtmc_layout_build(&L, &q, &err) == RMTMC_ERR_INVALID, "an empty histogram range refused");
}

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

static double rnd(uint64_t *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*s >> 11) / 9007199254740992.0;
}

static void resolvent(check_ctx *c) {
  const double special[] = {0.0, -0.0, 5e-324, -5e-324, 1e-310, 2.2250738585072014e-308, 1e-300, 1e-20, 1e-8,
                            0.5, 1.0, -1.0, 2.5, 1e20, 1e300, -1e300, 1.7e308};
  const int ns = (int)(sizeof special / sizeof special[0]);
  long n = 0, bad = 0;
  for (int i = 0; i < ns; ++i)
    for (int j = 0; j < ns; ++j)
      for (int k = 0; k < ns; ++k) {
        double lam = special[i], zr = special[j], zi = special[k];
        if (lam == 0.0 && zr == 0.0 && zi == 0.0) continue; /* 1/0 with signed zeros: not a z the studies take */
        double complex z = zr + I * zi, r = 1.0 / (lam - z);
        double re, im;
        rmtmc_obs_resolvent(lam, zr, zi, &re, &im);
        ++n;
        bad += !(same_bits(re, creal(r)) && same_bits(im, cimag(r)));
      }
  uint64_t s = 7;
  for (long it = 0; it < 1000000; ++it) {
    double lam = 10.0 * rnd(&s) * pow(10.0, (int)(rnd(&s) * 20) - 10);
    double zr = (rnd(&s) - 0.5) * 10 * pow(10.0, (int)(rnd(&s) * 6) - 3);
    double zi = rnd(&s) < 0.3 ? 0.0 : (rnd(&s) - 0.5) * pow(10.0, (int)(rnd(&s) * 12) - 8);
    if (rnd(&s) < 0.05) zr = lam;
    double complex z = zr + I * zi, r = 1.0 / (lam - z);
    double re, im;
    rmtmc_obs_resolvent(lam, zr, zi, &re, &im);
    ++n;
    bad += !(same_bits(re, creal(r)) && same_bits(im, cimag(r)));
  }
  char what[160];
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
  snprintf(what, sizeof what, "1/(lambda - z) bit for bit as C complex division: %ld of %ld differ", bad, n);
  check_true(c, bad == 0, what);
#else
  snprintf(what, sizeof what, "1/(lambda - z) against this compiler's complex division: %ld of %ld differ (not GCC >= 12: informational)", bad, n);
  check_true(c, 1, what);
#endif
  /* the derivative term is r^2 */
  double re, im, t_re, t_im;
  rmtmc_obs_resolvent(2.0, 0.5, 0.25, &re, &im);
  rmtmc_obs_zterm(RMTMC_ZOBS_STIELTJES_DERIV, re, im, &t_re, &t_im);
  double complex r2 = 1.0 / ((2.0 - (0.5 + 0.25 * I)) * (2.0 - (0.5 + 0.25 * I)));
  check_close(c, t_re, creal(r2), 1e-15, "m' term: Re 1/(lambda - z)^2");
  check_close(c, t_im, cimag(r2), 1e-15, "m' term: Im 1/(lambda - z)^2");
}

int main(void) {
  check_ctx c = {0, 0};
  offsets(&c);
  resolvent(&c);
  return check_finish(&c);
}
