/* rmtmc_rng.h: counter-based random streams, laid out as cuRAND's device API
 * lays out Philox4x32-10, so every backend draws the same numbers.
 *
 * Stream layout.  Trial t of seed s is cuRAND's subsequence t:
 *   curand_init(s, t, offset) on the device;  block p of the stream is
 *   Philox4x32-10(counter = {p_lo, p_hi, t_lo, t_hi}, key = {s_lo, s_hi})
 * (four 32-bit words), i.e. the words curand4() returns after
 * curand_init(s, t, 4p).  Word q of the stream is word q%4 of block q/4
 * (what curand() returns after curand_init(s, t, q)).
 *
 * Entry e (column-major index i + j d of the d x n matrix G) of trial t:
 *   gaussian    block e/2 through cuRAND's double Box-Muller
 *               (curand_normal2_double): x = sin(pi v) r for even e,
 *               y = cos(pi v) r for odd e.  The device uses sincospi, so
 *               normals agree across backends to rounding, uniforms exactly.
 *   rademacher  word e: +1 if its top bit is set, else -1.
 *   student:NU  blocks [16 e, 16 e + 16): Bailey's polar method, one try per
 *               block (two 53-bit uniforms from its four words), scaled to
 *               unit variance by sqrt((NU-2)/NU).  All 16 tries rejected
 *               (probability 0.215^16 < 1e-10) gives 0.
 *   complex-gaussian  block e through the same double Box-Muller:
 *               g_e = (x + i y) / sqrt(2) (x = sin(pi v) r, y = cos(pi v) r),
 *               stored as (re, im) at doubles 2e, 2e + 1 (rmtmc_model.h).
 *
 * This header is plain C99 and also compiles as CUDA (RMTMC_HD marks the
 * functions __host__ __device__), so the transforms are one piece of code. */
#ifndef RMTMC_RNG_H
#define RMTMC_RNG_H

#include <math.h>
#include <stdint.h>

#if defined(__CUDACC__)
#define RMTMC_HD __host__ __device__ static inline
#else
#define RMTMC_HD static inline
#endif

typedef struct rmtmc_u32x4 {
  uint32_t x, y, z, w;
} rmtmc_u32x4;

#define RMTMC_PHILOX_W0 0x9E3779B9u
#define RMTMC_PHILOX_W1 0xBB67AE85u
#define RMTMC_PHILOX_M0 0xD2511F53u
#define RMTMC_PHILOX_M1 0xCD9E8D57u
#define RMTMC_2POW53_INV (1.0 / 9007199254740992.0)
#define RMTMC_PI 3.1415926535897932384626433832795
/* 1/sqrt(2): the scale of a complex Gaussian entry's parts */
#define RMTMC_SQRT1_2 0.70710678118654752440084436210485
/* Blocks reserved per Student-t entry (tries of Bailey's method). */
#define RMTMC_STUDENT_BLOCKS 16

RMTMC_HD rmtmc_u32x4 rmtmc_philox_round(rmtmc_u32x4 c, uint32_t k0,
                                        uint32_t k1) {
  uint64_t p0 = (uint64_t)RMTMC_PHILOX_M0 * c.x;
  uint64_t p1 = (uint64_t)RMTMC_PHILOX_M1 * c.z;
  rmtmc_u32x4 r;
  r.x = (uint32_t)(p1 >> 32) ^ c.y ^ k0;
  r.y = (uint32_t)p1;
  r.z = (uint32_t)(p0 >> 32) ^ c.w ^ k1;
  r.w = (uint32_t)p0;
  return r;
}

/* Philox4x32-10 of one 128-bit counter under a 64-bit key. */
RMTMC_HD rmtmc_u32x4 rmtmc_philox4x32_10(rmtmc_u32x4 c, uint32_t k0,
                                         uint32_t k1) {
  for (int i = 0; i < 9; ++i) {
    c = rmtmc_philox_round(c, k0, k1);
    k0 += RMTMC_PHILOX_W0;
    k1 += RMTMC_PHILOX_W1;
  }
  return rmtmc_philox_round(c, k0, k1);
}

/* Block p of the stream of trial t under seed s (see the layout above). */
RMTMC_HD rmtmc_u32x4 rmtmc_stream_block(uint64_t seed, uint64_t trial,
                                        uint64_t p) {
  rmtmc_u32x4 c;
  c.x = (uint32_t)p;
  c.y = (uint32_t)(p >> 32);
  c.z = (uint32_t)trial;
  c.w = (uint32_t)(trial >> 32);
  return rmtmc_philox4x32_10(c, (uint32_t)seed, (uint32_t)(seed >> 32));
}

/* cuRAND's 53-bit uniforms from two words (_curand_box_muller_double). */
RMTMC_HD double rmtmc_u53_open0(uint32_t a, uint32_t b) { /* in (0, 1] */
  uint64_t z = (uint64_t)a ^ ((uint64_t)b << (53 - 32));
  return (double)z * RMTMC_2POW53_INV + RMTMC_2POW53_INV / 2.0;
}
RMTMC_HD double rmtmc_u53_sym(uint32_t a, uint32_t b) { /* in (0, 2], times pi */
  uint64_t z = (uint64_t)a ^ ((uint64_t)b << (53 - 32));
  return (double)z * (RMTMC_2POW53_INV * 2.0) + RMTMC_2POW53_INV;
}

/* Box-Muller of one block exactly as curand_normal2_double does it (host
 * branch: sin/cos of v pi). */
RMTMC_HD void rmtmc_box_muller(rmtmc_u32x4 b, double *x, double *y) {
  double u = rmtmc_u53_open0(b.x, b.y);
  double v = rmtmc_u53_sym(b.z, b.w);
  double s = sqrt(-2.0 * log(u));
  *x = sin(v * RMTMC_PI) * s;
  *y = cos(v * RMTMC_PI) * s;
}

RMTMC_HD double rmtmc_rademacher_from_word(uint32_t w) {
  return (w & 0x80000000u) ? 1.0 : -1.0;
}

/* One try of Bailey's polar method from one block; returns 1 and sets *t
 * (unit-variance Student-t, nu > 4) when accepted. */
RMTMC_HD int rmtmc_student_try(rmtmc_u32x4 b, double nu, double *t) {
  double u = 2.0 * rmtmc_u53_open0(b.x, b.y) - 1.0; /* (-1, 1] */
  double v = 2.0 * rmtmc_u53_open0(b.z, b.w) - 1.0;
  double w2 = u * u + v * v;
  if (w2 > 1.0 || w2 <= 0.0) return 0;
  double r2 = nu * (pow(w2, -2.0 / nu) - 1.0);
  *t = u * sqrt(r2 / w2) * sqrt((nu - 2.0) / nu);
  return 1;
}

/* ---- study streams and categorical draws (every backend) ---- */

/* Derived seed of random quantity q of a study seed (splitmix64 of
 * seed ^ q * 2^64/phi); quantity q of trial t reads subsequence t of it. */
RMTMC_HD uint64_t rmtmc_stream_seed(uint64_t seed, uint64_t q) {
  uint64_t z = seed ^ (q * 0x9E3779B97F4A7C15ull);
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Uniform entry e in (0, 1] from its block e/2: words (x, y) for even e,
 * (z, w) for odd e, through rmtmc_u53_open0. */
RMTMC_HD double rmtmc_uniform_from_block(rmtmc_u32x4 b, uint64_t e) {
  return (e & 1) ? rmtmc_u53_open0(b.z, b.w) : rmtmc_u53_open0(b.x, b.y);
}

/* First j in [0, k) with cum[j] >= u (cum ascending, cum[k-1] = 1): the
 * inverse CDF of a categorical law, by bisection. */
RMTMC_HD int64_t rmtmc_categorical(const double *cum, int64_t k, double u) {
  int64_t lo = 0, hi = k - 1;
  while (lo < hi) {
    int64_t mid = (lo + hi) / 2;
    if (cum[mid] >= u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/* ---- host reference draws (the CPU backend and tests use these) ---- */

/* Gaussian entries [0, total) of trial t: g[2p], g[2p + 1] from block p. */
static inline void rmtmc_fill_gaussian(uint64_t seed, uint64_t trial, double *g,
                                       uint64_t total) {
  for (uint64_t p = 0; 2 * p < total; ++p) {
    double x, y;
    rmtmc_box_muller(rmtmc_stream_block(seed, trial, p), &x, &y);
    g[2 * p] = x;
    if (2 * p + 1 < total) g[2 * p + 1] = y;
  }
}

/* Entry e of trial t: uniform in (0, 1]. */
RMTMC_HD double rmtmc_draw_uniform(uint64_t seed, uint64_t trial, uint64_t e) {
  return rmtmc_uniform_from_block(rmtmc_stream_block(seed, trial, e >> 1), e);
}

/* Entry e of trial t: standard normal. */
RMTMC_HD double rmtmc_draw_gaussian(uint64_t seed, uint64_t trial,
                                    uint64_t e) {
  double x, y;
  rmtmc_box_muller(rmtmc_stream_block(seed, trial, e >> 1), &x, &y);
  return (e & 1) ? y : x;
}

RMTMC_HD double rmtmc_draw_rademacher(uint64_t seed, uint64_t trial,
                                      uint64_t e) {
  rmtmc_u32x4 b = rmtmc_stream_block(seed, trial, e >> 2);
  uint32_t w = (e & 3) == 0 ? b.x : (e & 3) == 1 ? b.y : (e & 3) == 2 ? b.z : b.w;
  return rmtmc_rademacher_from_word(w);
}

RMTMC_HD double rmtmc_draw_student(uint64_t seed, uint64_t trial, uint64_t e,
                                   double nu) {
  double t;
  for (uint64_t k = 0; k < RMTMC_STUDENT_BLOCKS; ++k)
    if (rmtmc_student_try(
            rmtmc_stream_block(seed, trial, e * RMTMC_STUDENT_BLOCKS + k), nu,
            &t))
      return t;
  return 0.0;
}

/* ---- gamma and chi variates (the exact fast samplers, THEORY 10) ----
 *
 * Gamma(a, 1), a > 0, by Marsaglia and Tsang (ACM TOMS 26, 2000).  With
 * a' = a (a >= 1) or a' = a + 1 (a < 1), dd = a' - 1/3, c = 1/sqrt(9 dd), a
 * try takes a normal x and a uniform u in (0, 1], sets t = c x, v = (1+t)^3
 * and accepts dd v when t > -1 and
 *     u < 1 - 0.0331 x^4              (squeeze: accepts ~92% without a log)
 *  or ln u < x^2/2 + dd (1 - v + ln v) = 3 dd r(t),
 *     r(t) = ln(1 + t) - t + t^2/2 - t^3/3,
 * r evaluated without cancellation (its Taylor series from t^4 for
 * |t| < 1/16, where dd (1 - v + ln v) and x^2/2 nearly cancel; for
 * dd ~ 2e6, i.e. 4e6 degrees of freedom, the textbook form loses ~1e-10).
 * For a < 1 the accepted Gamma(a + 1) is multiplied by U^(1/a), U uniform
 * in (0, 1] (Marsaglia and Tsang's boost), computed as exp(ln U / a).
 * No approximation anywhere: exact for every a > 0 (the tests use 1/2 to
 * 2e6, i.e. chi with 1 to 4e6 degrees of freedom).
 *
 * A try is accepted with probability Gamma(a') e^dd / (sqrt(2 pi)
 * dd^(a' - 1/2)): 0.9517 at a' = 1 (the worst case, increasing to 1 as a'
 * grows; 0.9731 at a' = 3/2, the boosted chi_1).
 *
 * Layout: a variate owns RMTMC_GAMMA_BLOCKS = 16 consecutive blocks of the
 * trial's stream, [p0, p0 + 16):
 *   block p0 + 2j (j = 0..7)      Box-Muller pair (x, y) (rmtmc_box_muller):
 *                                 the normals of tries 2j and 2j + 1;
 *   block p0 + 2j + 1             the uniforms of tries 2j (words x, y) and
 *                                 2j + 1 (words z, w), rmtmc_u53_open0;
 *   tries 0..14 are taken in order (RMTMC_GAMMA_TRIES); the uniform slot of
 *   try 15 (block p0 + 15, words z, w) is the boost's U when a < 1.
 * So variate e of trial t is a pure function of (seed, t, e) on every
 * backend (to rounding: the device's log/sin/cos differ from the host's by
 * an ulp, which can flip an accept decision only when u lies within ~1e-16
 * of its threshold).  All 15 tries rejected (probability < 0.0484^15 < 2e-20
 * per variate: less than one in 10^7 runs of 10^12 variates) returns the
 * mean a.
 * rmtmc_draw_gamma(seed, t, e, a) places variate e at p0 = 16 e. */
#define RMTMC_GAMMA_BLOCKS 16
#define RMTMC_GAMMA_TRIES 15

/* r(t) = ln(1 + t) - t + t^2/2 - t^3/3 for t > -1, without cancellation. */
RMTMC_HD double rmtmc_mt_r(double t) {
  if (fabs(t) < 0.0625) { /* -t^4/4 + t^5/5 - ..., to t^18: error < 1e-17 rel */
    double s = 0.0;
    for (int k = 18; k >= 5; --k) s = t * (((k & 1) ? 1.0 : -1.0) / (double)k + s);
    return t * t * t * t * (-0.25 + s);
  }
  return log1p(t) - t * (1.0 - t * (0.5 - t / 3.0));
}

/* One Marsaglia-Tsang try (dd = a' - 1/3, c = 1/sqrt(9 dd)) from the normal
 * x and the uniform u in (0, 1]; returns 1 and sets *g when accepted. */
RMTMC_HD int rmtmc_gamma_try(double dd, double c, double x, double u,
                             double *g) {
  double t = c * x;
  if (!(t > -1.0)) return 0;
  double v = (1.0 + t) * (1.0 + t) * (1.0 + t);
  double x2 = x * x;
  if (u < 1.0 - 0.0331 * (x2 * x2) || log(u) < 3.0 * dd * rmtmc_mt_r(t)) {
    *g = dd * v;
    return 1;
  }
  return 0;
}

/* Gamma(a, 1), a > 0, from the 16 blocks [p0, p0 + 16) of the stream of
 * trial t (layout above). */
RMTMC_HD double rmtmc_gamma_at(uint64_t seed, uint64_t trial, uint64_t p0,
                               double a) {
  const int boost = a < 1.0;
  const double dd = (boost ? a + 1.0 : a) - 1.0 / 3.0;
  const double c = 1.0 / sqrt(9.0 * dd);
  for (int j = 0; 2 * j < RMTMC_GAMMA_TRIES; ++j) {
    double x[2], g;
    rmtmc_box_muller(rmtmc_stream_block(seed, trial, p0 + 2 * (uint64_t)j),
                     &x[0], &x[1]);
    rmtmc_u32x4 ub = rmtmc_stream_block(seed, trial, p0 + 2 * (uint64_t)j + 1);
    double u[2] = {rmtmc_u53_open0(ub.x, ub.y), rmtmc_u53_open0(ub.z, ub.w)};
    for (int h = 0; h < 2 && 2 * j + h < RMTMC_GAMMA_TRIES; ++h)
      if (rmtmc_gamma_try(dd, c, x[h], u[h], &g)) {
        if (boost) {
          rmtmc_u32x4 bb = rmtmc_stream_block(seed, trial, p0 + 15);
          g *= exp(log(rmtmc_u53_open0(bb.z, bb.w)) / a);
        }
        return g;
      }
  }
  return a;
}

/* Variate e of trial t: Gamma(a, 1) from blocks [16 e, 16 e + 16). */
RMTMC_HD double rmtmc_draw_gamma(uint64_t seed, uint64_t trial, uint64_t e,
                                 double a) {
  return rmtmc_gamma_at(seed, trial, RMTMC_GAMMA_BLOCKS * e, a);
}

/* chi^2 with k > 0 degrees of freedom (2 Gamma(k/2)) and chi = its root,
 * as variate e of trial t. */
RMTMC_HD double rmtmc_draw_chi2(uint64_t seed, uint64_t trial, uint64_t e,
                                double k) {
  return 2.0 * rmtmc_draw_gamma(seed, trial, e, 0.5 * k);
}
RMTMC_HD double rmtmc_draw_chi(uint64_t seed, uint64_t trial, uint64_t e,
                               double k) {
  return sqrt(rmtmc_draw_chi2(seed, trial, e, k));
}

#endif
