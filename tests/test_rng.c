/* test_rng.c: Philox4x32-10 known-answer vectors (Random123), the stream
 * layout, and the moments of each entry law (z-tests, fixed seed). */
#include <stdlib.h>

#include "check.h"
#include "rmtmc.h"
#include "rmtmc_accum.h"
#include "rmtmc_rng.h"

static void kat(check_ctx *c, rmtmc_u32x4 ctr, uint32_t k0, uint32_t k1, rmtmc_u32x4 want,
                const char *what) {
  rmtmc_u32x4 g = rmtmc_philox4x32_10(ctr, k0, k1);
  check_true(c, g.x == want.x && g.y == want.y && g.z == want.z && g.w == want.w, what);
}

int main(void) {
  check_ctx c = {0, 0};
  /* Known-answer tests of Random123's kat_vectors for philox4x32_10. */
  kat(&c, (rmtmc_u32x4){0, 0, 0, 0}, 0, 0,
      (rmtmc_u32x4){0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}, "philox KAT zero");
  kat(&c, (rmtmc_u32x4){0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, 0xffffffffu,
      0xffffffffu, (rmtmc_u32x4){0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu},
      "philox KAT ones");
  kat(&c, (rmtmc_u32x4){0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, 0xa4093822u,
      0x299f31d0u, (rmtmc_u32x4){0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u},
      "philox KAT pi");

  /* Layout: block p of trial t is counter {p, t} under key seed. */
  uint64_t seed = 0x123456789abcdefULL, t = 0x100000002ULL, p = 0x300000004ULL;
  rmtmc_u32x4 b = rmtmc_stream_block(seed, t, p);
  rmtmc_u32x4 w = rmtmc_philox4x32_10((rmtmc_u32x4){4u, 3u, 2u, 1u}, 0x89abcdefu, 0x01234567u);
  check_true(&c, b.x == w.x && b.y == w.y && b.z == w.z && b.w == w.w,
             "stream block = Philox(counter {p_lo,p_hi,t_lo,t_hi}, key {s_lo,s_hi})");

  /* A whole matrix draw equals the element-wise reference draws. */
  rmtmc_model m;
  rmtmc_error err;
  int64_t d = 7, n = 5; /* odd d*n: the last Box-Muller pair is split */
  const char *laws[3] = {"gaussian", "rademacher", "student:6"};
  for (int l = 0; l < 3; ++l) {
    rmtmc_entries e;
    double nu;
    rmtmc_entries_parse(laws[l], &e, &nu, &err);
    rmtmc_model_init(&m, d, n, "identity", e, nu, RMTMC_PRECISION_DOUBLE, &err);
    double g[35];
    rmtmc_sample_entries(&m, 42, 9, g);
    int same = 1;
    for (int64_t i = 0; i < d * n; ++i) {
      double r = e == RMTMC_ENTRIES_GAUSSIAN ? rmtmc_draw_gaussian(42, 9, (uint64_t)i)
                 : e == RMTMC_ENTRIES_RADEMACHER ? rmtmc_draw_rademacher(42, 9, (uint64_t)i)
                                                 : rmtmc_draw_student(42, 9, (uint64_t)i, nu);
      same &= g[i] == r;
    }
    char what[96];
    snprintf(what, sizeof what, "%s: matrix draw = element-wise draws", laws[l]);
    check_true(&c, same, what);
    rmtmc_model_free(&m);
  }

  /* Moments over N draws (fixed seed): mean 0, variance 1, z-tests at 4.5. */
  const int64_t N = 400000;
  const double nu = 8.0, mu4[3] = {3.0, 1.0, 3.0 + 6.0 / (nu - 4.0)};
  for (int l = 0; l < 3; ++l) {
    rmtmc_welford acc = {0, 0, 0};
    for (int64_t i = 0; i < N; ++i) {
      double x = l == 0 ? rmtmc_draw_gaussian(7, 3, (uint64_t)i)
                 : l == 1 ? rmtmc_draw_rademacher(7, 3, (uint64_t)i)
                          : rmtmc_draw_student(7, 3, (uint64_t)i, nu);
      rmtmc_welford_add(&acc, x);
    }
    const char *names[3] = {"gaussian", "rademacher", "student:8"};
    char what[96];
    snprintf(what, sizeof what, "%s mean = 0", names[l]);
    check_z(&c, acc.mean / sqrt(1.0 / (double)N), 4.5, what);
    snprintf(what, sizeof what, "%s variance = 1", names[l]);
    double var = rmtmc_welford_var(&acc);
    if (l == 1) check_true(&c, fabs(var - 1.0) < 1e-5, "rademacher variance = 1 (exactly, up to the mean)");
    else check_z(&c, (var - 1.0) / sqrt((mu4[l] - 1.0) / (double)N), 4.5, what);
  }
  /* Different trials and seeds give different streams. */
  check_true(&c, rmtmc_draw_gaussian(1, 0, 0) != rmtmc_draw_gaussian(1, 1, 0) &&
                     rmtmc_draw_gaussian(1, 0, 0) != rmtmc_draw_gaussian(2, 0, 0),
             "streams differ across trials and seeds");
  return check_finish(&c);
}
