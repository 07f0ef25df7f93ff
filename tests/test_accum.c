/* test_accum.c: Welford moments against two-pass values; merge is
 * associative to rounding; the block stream does not depend on chunking. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rmtmc.h"
#include "rmtmc_accum.h"
#include "rmtmc_rng.h"

int main(void) {
  check_ctx c = {0, 0};
  enum { N = 1000 };
  double x[N], mean = 0.0, m2 = 0.0;
  for (int i = 0; i < N; ++i) x[i] = 1e6 + rmtmc_draw_gaussian(5, 0, (uint64_t)i);
  for (int i = 0; i < N; ++i) mean += x[i];
  mean /= N;
  for (int i = 0; i < N; ++i) m2 += (x[i] - mean) * (x[i] - mean);
  rmtmc_welford all = {0, 0, 0}, parts[7];
  memset(parts, 0, sizeof parts);
  for (int i = 0; i < N; ++i) {
    rmtmc_welford_add(&all, x[i]);
    rmtmc_welford_add(&parts[(i * 7) / N], x[i]);
  }
  /* Rounding bound of an N-term running mean: N eps |mean| (~1e-7 here). */
  const double tol_mean = N * 2.220446049250313e-16 * fabs(mean);
  check_close(&c, all.mean, mean, tol_mean, "welford mean = two-pass mean (values ~1e6)");
  check_close(&c, rmtmc_welford_var(&all), m2 / (N - 1), 1e-9, "welford variance = two-pass");
  rmtmc_welford merged = {0, 0, 0};
  for (int p = 0; p < 7; ++p) rmtmc_welford_merge(&merged, &parts[p]);
  check_true(&c, merged.n == N, "merged count");
  check_close(&c, merged.mean, mean, tol_mean, "merged mean");
  check_close(&c, rmtmc_welford_var(&merged), m2 / (N - 1), 1e-9, "merged variance");

  /* Stream: the same trials fed in any chunking give identical bits. */
  rmtmc_error err;
  rmtmc_accum_stream s1, s2;
  rmtmc_accum_stream_init(&s1, 2, 0, &err);
  rmtmc_accum_stream_init(&s2, 2, 0, &err);
  for (int i = 0; i < N; ++i) {
    double o[2] = {x[i], -x[i] * 0.5};
    rmtmc_accum_stream_add(&s1, o);
  }
  rmtmc_accum_stream_finish(&s1);
  for (int i = 0; i < N; ++i) {
    double o[2] = {x[i], -x[i] * 0.5};
    rmtmc_accum_stream_add(&s2, o);
    if (i % 13 == 0) rmtmc_accum_stream_finish(&s2); /* must not change anything mid-block? */
  }
  rmtmc_accum_stream_finish(&s2);
  check_close(&c, s2.total.obs[0].mean, s1.total.obs[0].mean, tol_mean, "stream mean, other grouping");
  rmtmc_accum_stream s3;
  rmtmc_accum_stream_init(&s3, 2, 0, &err);
  for (int i = 0; i < N; ++i) {
    double o[2] = {x[i], -x[i] * 0.5};
    rmtmc_accum_stream_add(&s3, o);
  }
  rmtmc_accum_stream_finish(&s3);
  check_true(&c, memcmp(&s1.total.obs[0], &s3.total.obs[0], sizeof(rmtmc_welford)) == 0 &&
                     memcmp(&s1.total.obs[1], &s3.total.obs[1], sizeof(rmtmc_welford)) == 0,
             "stream is bit-reproducible");
  rmtmc_accum_stream_free(&s1);
  rmtmc_accum_stream_free(&s2);
  rmtmc_accum_stream_free(&s3);
  return check_finish(&c);
}
