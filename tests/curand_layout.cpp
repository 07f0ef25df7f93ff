// curand_layout.cpp: the toolkit's cuRAND device API, compiled for the HOST
// (its headers have host branches), against include/rmtmc_rng.h, the layout
// every rmtmc backend draws with.  Over a grid of (seed, subsequence,
// offset), seeds and subsequences up to 2^64 - 1 and offsets across 2^32
// words and 2^32 blocks:
//   curand()               12 successive words from curand_init(s, t, off)
//                          = word (off + i) % 4 of block (off + i) / 4;
//   curand4()              3 successive blocks from curand_init(s, t, 4p)
//                          = rmtmc_stream_block(s, t, p + i);
//   curand_normal2_double  2 successive pairs from curand_init(s, t, 4p)
//                          = rmtmc_box_muller(block p + i), bit for bit (the
//                          host branch uses sin/cos of v pi, as rmtmc does).
// Prints the number of checks and mismatches; exit 1 on any mismatch.
// Driven by tests/curand_layout.sh (skips when nvcc or the headers are absent).
#include <curand_kernel.h>
#include <curand_normal.h>
#include <curand_philox4x32_x.h>

#include <cstdint>
#include <cstdio>
#include <cstring>

#include "rmtmc_rng.h"

namespace {

long long checks = 0, mismatches = 0;

void report(bool ok, const char *what, uint64_t s, uint64_t t, uint64_t off, int i) {
  ++checks;
  if (ok) return;
  if (++mismatches <= 12)
    std::printf("MISMATCH %s: seed %llu, subsequence %llu, offset %llu, step %d\n", what,
                (unsigned long long)s, (unsigned long long)t, (unsigned long long)off, i);
}

uint32_t word_of(rmtmc_u32x4 b, uint64_t q) {
  switch (q & 3) {
    case 0: return b.x;
    case 1: return b.y;
    case 2: return b.z;
    default: return b.w;
  }
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void one(uint64_t s, uint64_t t, uint64_t off) {
  curandStatePhilox4_32_10_t st;
  // words
  if (off <= UINT64_MAX - 16) {
    curand_init(s, t, off, &st);
    for (int i = 0; i < 12; ++i) {
      uint64_t q = off + (uint64_t)i;
      uint32_t want = word_of(rmtmc_stream_block(s, t, q >> 2), q);
      report(curand(&st) == want, "curand() word", s, t, off, i);
    }
  }
  // blocks and Box-Muller pairs at the aligned offset 4p
  uint64_t p = off >> 2;
  if (p > (UINT64_MAX >> 2) - 4) return;
  curand_init(s, t, 4 * p, &st);
  for (int i = 0; i < 3; ++i) {
    uint4 g = curand4(&st);
    rmtmc_u32x4 w = rmtmc_stream_block(s, t, p + (uint64_t)i);
    report(g.x == w.x && g.y == w.y && g.z == w.z && g.w == w.w, "curand4() block", s, t, off, i);
  }
  curand_init(s, t, 4 * p, &st);
  for (int i = 0; i < 2; ++i) {
    double2 g = curand_normal2_double(&st);
    double x, y;
    rmtmc_box_muller(rmtmc_stream_block(s, t, p + (uint64_t)i), &x, &y);
    report(same_bits(g.x, x), "curand_normal2_double x", s, t, off, i);
    report(same_bits(g.y, y), "curand_normal2_double y", s, t, off, i);
  }
}

} // namespace

int main() {
  const uint64_t M = UINT64_MAX, W = 1ull << 32;
  const uint64_t seeds[] = {0, 1, 0xFFFFFFFFull, W, 0x123456789abcdef0ull, 1ull << 63, M};
  const uint64_t subs[] = {0, 1, 2, 0xFFFFFFFFull, W, W + 1, 0x7FFFFFFFFFFFFFFFull, 1ull << 63, M - 1, M};
  const uint64_t offs[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 1000003,
                           W - 5, W - 4, W - 1, W, W + 1, W + 4,       // words across 2^32
                           4 * (W - 1), 4 * (W - 1) + 3, 4 * W, 4 * W + 1, 4 * W + 6, // blocks across 2^32
                           (1ull << 62) + 3, M - 13, M};
  size_t ns = sizeof seeds / sizeof seeds[0], nt = sizeof subs / sizeof subs[0], no = sizeof offs / sizeof offs[0];
  for (size_t a = 0; a < ns; ++a)
    for (size_t b = 0; b < nt; ++b)
      for (size_t c = 0; c < no; ++c) one(seeds[a], subs[b], offs[c]);
  std::printf("cuRAND %d device API (host build) vs include/rmtmc_rng.h: %lld checks over %zu seeds x %zu "
              "subsequences x %zu offsets (Philox4x32-10 words and blocks, double Box-Muller), %lld mismatches\n",
              (int)CURAND_VERSION, checks, ns, nt, no, mismatches);
  return mismatches == 0 && checks > 0 ? 0 : 1;
}
