/* sample.cu: drawing the entries of a batch of trials with cuRAND's device
 * API, laid out as rmtmc_rng.h says, so trial t of seed s is the same matrix
 * on every backend and at every batch size:
 *   gaussian    one thread per pair of entries (2p, 2p + 1): curand_init(s, t,
 *               4p) then curand_normal2_double (block p, double Box-Muller);
 *   rademacher  one thread per four entries (4q .. 4q + 3): curand_init(s, t,
 *               4q) then curand4 (block q, word e % 4 -> entry e), which are
 *               the words curand() returns after curand_init(s, t, e);
 *   student     one thread per entry e: curand_init(s, t, 64e) then up to 16
 *               blocks from curand4, each one try of Bailey's polar method
 *               (rmtmc_student_try, shared with the host);
 *   complex     one thread per complex entry e: curand_init(s, t, 4e) then
 *               curand_normal2_double (block e), (re, im) = (x, y) / sqrt(2)
 *               at doubles 2e, 2e + 1 of the trial's 2 d n.
 * The diagonal Sigma^(1/2) is applied on the fly (row i times sqrt_diag[i],
 * in double, then rounded to the buffer type); a full Sigma^(1/2) is a cuBLAS
 * gemm afterwards (cuda_backend.c).
 *
 * Built with --fmad=false (cmake/rmtmc_cuda.cmake): the host reference does
 * not contract a*b+c into fma, and the Student-t acceptance test u^2 + v^2 <= 1
 * must come out the same on both sides. */
#include <curand_kernel.h>

#include "rmtmc_kernels.h"
#include "rmtmc_launch.cuh"
#include "rmtmc_rng.h"

using rmtmc_launch::blocks_for;
using rmtmc_launch::kThreads;

namespace {

__device__ inline double scaled(double g, const double *sqrt_diag, int64_t e,
                                int64_t d) {
  return sqrt_diag ? g * sqrt_diag[e % d] : g;
}

/* Block p through the double Box-Muller: real data, entries 2p, 2p + 1
 * (dn numbers a trial); complex data (CPLX), complex entry p = i + j d as
 * (re, im) = (x, y) / sqrt(2) at x[2p], x[2p + 1] (2 dn numbers a trial, dn
 * = npairs complex entries), both parts scaled by row i. */
template <typename T, bool CPLX>
__global__ void sample_gaussian(T *x, int64_t d, int64_t dn, int64_t npairs,
                                const double *sqrt_diag, uint64_t seed,
                                uint64_t trial0, int64_t count) {
  const int64_t total = npairs * count;
  for (int64_t idx = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
       idx < total; idx += (int64_t)gridDim.x * blockDim.x) {
    const int64_t b = idx / npairs, p = idx - b * npairs;
    curandStatePhilox4_32_10_t st;
    curand_init(seed, trial0 + (uint64_t)b, 4ull * (uint64_t)p, &st);
    const double2 r = curand_normal2_double(&st);
    T *xb = x + b * (CPLX ? 2 * dn : dn);
    const int64_t e = 2 * p;
    if (CPLX) {
      xb[e] = (T)scaled(r.x * RMTMC_SQRT1_2, sqrt_diag, p, d);
      xb[e + 1] = (T)scaled(r.y * RMTMC_SQRT1_2, sqrt_diag, p, d);
    } else {
      xb[e] = (T)scaled(r.x, sqrt_diag, e, d);
      if (e + 1 < dn) xb[e + 1] = (T)scaled(r.y, sqrt_diag, e + 1, d);
    }
  }
}

template <typename T>
__global__ void sample_rademacher(T *x, int64_t d, int64_t dn, int64_t nquads,
                                  const double *sqrt_diag, uint64_t seed,
                                  uint64_t trial0, int64_t count) {
  const int64_t total = nquads * count;
  for (int64_t idx = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
       idx < total; idx += (int64_t)gridDim.x * blockDim.x) {
    const int64_t b = idx / nquads, q = idx - b * nquads;
    curandStatePhilox4_32_10_t st;
    curand_init(seed, trial0 + (uint64_t)b, 4ull * (uint64_t)q, &st);
    const uint4 w = curand4(&st);
    const uint32_t words[4] = {w.x, w.y, w.z, w.w};
    T *xb = x + b * dn;
    for (int k = 0; k < 4; ++k) {
      const int64_t e = 4 * q + k;
      if (e < dn)
        xb[e] = (T)scaled(rmtmc_rademacher_from_word(words[k]), sqrt_diag, e, d);
    }
  }
}

template <typename T>
__global__ void sample_student(T *x, int64_t d, int64_t dn, double nu,
                               const double *sqrt_diag, uint64_t seed,
                               uint64_t trial0, int64_t count) {
  const int64_t total = dn * count;
  for (int64_t idx = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
       idx < total; idx += (int64_t)gridDim.x * blockDim.x) {
    const int64_t b = idx / dn, e = idx - b * dn;
    curandStatePhilox4_32_10_t st;
    curand_init(seed, trial0 + (uint64_t)b,
                4ull * RMTMC_STUDENT_BLOCKS * (uint64_t)e, &st);
    double t = 0.0;
    for (int k = 0; k < RMTMC_STUDENT_BLOCKS; ++k) {
      const uint4 w = curand4(&st);
      rmtmc_u32x4 blk;
      blk.x = w.x;
      blk.y = w.y;
      blk.z = w.z;
      blk.w = w.w;
      if (rmtmc_student_try(blk, nu, &t)) break;
      t = 0.0; /* all tries rejected gives 0, as on the host */
    }
    x[b * dn + e] = (T)scaled(t, sqrt_diag, e, d);
  }
}

template <typename T>
cudaError_t launch_sample(T *x, int64_t d, int64_t n, int entries, double nu,
                          const double *sqrt_diag, uint64_t seed,
                          uint64_t trial0, int64_t count, cudaStream_t stream) {
  const int64_t dn = d * n;
  switch (entries) {
    case RMTMC_KERNEL_GAUSSIAN: {
      const int64_t npairs = (dn + 1) / 2;
      sample_gaussian<T, false><<<(unsigned)blocks_for(npairs * count), kThreads,
                                  0, stream>>>(x, d, dn, npairs, sqrt_diag,
                                               seed, trial0, count);
      break;
    }
    case RMTMC_KERNEL_RADEMACHER: {
      const int64_t nquads = (dn + 3) / 4;
      sample_rademacher<T><<<(unsigned)blocks_for(nquads * count), kThreads, 0,
                             stream>>>(x, d, dn, nquads, sqrt_diag, seed,
                                       trial0, count);
      break;
    }
    case RMTMC_KERNEL_STUDENT:
      sample_student<T><<<(unsigned)blocks_for(dn * count), kThreads, 0,
                          stream>>>(x, d, dn, nu, sqrt_diag, seed, trial0,
                                    count);
      break;
    case RMTMC_KERNEL_COMPLEX_GAUSSIAN:
      sample_gaussian<T, true><<<(unsigned)blocks_for(dn * count), kThreads, 0,
                                 stream>>>(x, d, dn, dn, sqrt_diag, seed, trial0,
                                           count);
      break;
    default:
      return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

__global__ void convert_f2d(double *dst, const float *src, int64_t len) {
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < len;
       i += (int64_t)gridDim.x * blockDim.x)
    dst[i] = (double)src[i];
}

__global__ void convert_d2f(float *dst, const double *src, int64_t len) {
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < len;
       i += (int64_t)gridDim.x * blockDim.x)
    dst[i] = (float)src[i];
}

} // namespace

extern "C" cudaError_t rmtmc_cuda_sample(void *x, int single, int64_t d,
                                         int64_t n, int entries, double nu,
                                         const double *sqrt_diag, uint64_t seed,
                                         uint64_t trial0, int64_t count,
                                         cudaStream_t stream) {
  if (count <= 0 || d <= 0 || n <= 0) return cudaSuccess;
  if (single)
    return launch_sample<float>(static_cast<float *>(x), d, n, entries, nu,
                                sqrt_diag, seed, trial0, count, stream);
  return launch_sample<double>(static_cast<double *>(x), d, n, entries, nu,
                               sqrt_diag, seed, trial0, count, stream);
}

extern "C" cudaError_t rmtmc_cuda_float_to_double(double *dst, const float *src,
                                                  int64_t len,
                                                  cudaStream_t stream) {
  if (len <= 0) return cudaSuccess;
  convert_f2d<<<(unsigned)blocks_for(len), kThreads, 0, stream>>>(dst, src, len);
  return cudaGetLastError();
}

extern "C" cudaError_t rmtmc_cuda_double_to_float(float *dst, const double *src,
                                                  int64_t len,
                                                  cudaStream_t stream) {
  if (len <= 0) return cudaSuccess;
  convert_d2f<<<(unsigned)blocks_for(len), kThreads, 0, stream>>>(dst, src, len);
  return cudaGetLastError();
}
