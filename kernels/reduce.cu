/* reduce.cu: per-trial observables from the ascending eigenvalues of a batch,
 * written at the offsets of the layout (include/rmtmc_layout.h) with the
 * per-eigenvalue rules of src/backend/reduce_common.h (shared with the CPU):
 *   per-z observables     one warp per (trial, z_j), every observable of the
 *                         layout at once: lanes stride over the
 *                         eigenvalues, then a fixed-order shuffle reduction
 *                         (deterministic: same sums every run);
 *   extremes, moments     one warp per trial, the same scheme for the kmax
 *                         power sums;
 *   histogram             counts in shared memory per block, flushed with
 *                         64-bit atomics into the device array (integer
 *                         counts, so the order of the additions is moot);
 *                         global atomics directly when the bins do not fit;
 *   structural zeros      the first max(0, d - n) eigenvalues set to 0;
 *   edge rows             one thread per (trial, number of the row): the
 *                         extreme eigenvalues and their vectors' squared
 *                         coordinates (rmtmc_edge_layout). */
#include "backend/reduce_common.h"
#include "rmtmc_kernels.h"
#include "rmtmc_launch.cuh"

using rmtmc_launch::blocks_for;
using rmtmc_launch::kThreads;

namespace {

constexpr int kWarps = kThreads / 32;
constexpr int kMaxMoments = RMTMC_LAYOUT_MAX_MOMENTS;
/* Shared histogram: (nbins + 2) 64-bit counters, at most 48 KiB. */
constexpr int64_t kSharedSlots = 6144;

__device__ inline double warp_sum(double v) {
  for (int off = 16; off > 0; off >>= 1)
    v += __shfl_down_sync(0xffffffffu, v, off);
  return v; /* complete in lane 0 */
}

__global__ void zero_structural(double *ev, int64_t d, int64_t z0,
                                int64_t count) {
  const int64_t total = z0 * count;
  for (int64_t idx = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
       idx < total; idx += (int64_t)gridDim.x * blockDim.x) {
    const int64_t b = idx / z0, i = idx - b * z0;
    ev[b * d + i] = 0.0;
  }
}

/* The per-z observables of the layout, passed by value. */
struct zobs_args {
  int64_t off[RMTMC_ZOBS_COUNT]; /* -1: absent */
  int64_t nobs, nz;
  const double *z_re, *z_im;     /* device */
};

__global__ void zobs(double *obs, zobs_args a, const double *ev, int64_t d,
                     int64_t count) {
  const int lane = threadIdx.x & 31;
  const int64_t tasks = count * a.nz;
  for (int64_t task = (int64_t)blockIdx.x * kWarps + (threadIdx.x >> 5);
       task < tasks; task += (int64_t)gridDim.x * kWarps) {
    const int64_t b = task / a.nz, j = task - b * a.nz;
    const double zr = a.z_re[j], zi = a.z_im[j];
    const double *e = ev + b * d;
    double re[RMTMC_ZOBS_COUNT], im[RMTMC_ZOBS_COUNT];
#pragma unroll
    for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k) re[k] = im[k] = 0.0;
    for (int64_t i = lane; i < d; i += 32) {
      double r_re, r_im;
      rmtmc_obs_resolvent(e[i], zr, zi, &r_re, &r_im);
#pragma unroll
      for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k) {
        if (a.off[k] < 0) continue;
        double t_re, t_im;
        rmtmc_obs_zterm(k, r_re, r_im, &t_re, &t_im);
        re[k] += t_re;
        im[k] += t_im;
      }
    }
#pragma unroll
    for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k) {
      re[k] = warp_sum(re[k]);
      im[k] = warp_sum(im[k]);
    }
    if (lane == 0) {
#pragma unroll
      for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k) {
        if (a.off[k] < 0) continue;
        obs[b * a.nobs + a.off[k] + 2 * j] = re[k] / (double)d;
        obs[b * a.nobs + a.off[k] + 2 * j + 1] = im[k] / (double)d;
      }
    }
  }
}

__global__ void extremes_moments(double *obs, int64_t nobs, int64_t lam_min,
                                 int64_t lam_max, int64_t moment,
                                 const double *ev, int64_t d, int64_t z0,
                                 int kmax, int64_t count) {
  const int lane = threadIdx.x & 31;
  for (int64_t b = (int64_t)blockIdx.x * kWarps + (threadIdx.x >> 5);
       b < count; b += (int64_t)gridDim.x * kWarps) {
    const double *e = ev + b * d;
    double acc[kMaxMoments];
#pragma unroll
    for (int k = 0; k < kMaxMoments; ++k) acc[k] = 0.0;
    for (int64_t i = lane; i < d; i += 32) rmtmc_obs_powers(e[i], kmax, acc);
#pragma unroll
    for (int k = 0; k < kMaxMoments; ++k) acc[k] = warp_sum(acc[k]);
    if (lane == 0) {
      double *o = obs + b * nobs;
      o[lam_min] = e[rmtmc_obs_lam_min_index(d, z0)];
      o[lam_max] = e[d - 1];
#pragma unroll
      for (int k = 0; k < kMaxMoments; ++k)
        if (k < kmax) o[moment + k] = acc[k] / (double)d;
    }
  }
}

__global__ void histogram_shared(unsigned long long *hist, const double *ev,
                                 int64_t d, int64_t z0, int64_t count,
                                 int64_t nbins, double lo, double hi) {
  extern __shared__ unsigned long long h[];
  const int64_t slots = nbins + 2;
  for (int64_t s = threadIdx.x; s < slots; s += blockDim.x) h[s] = 0ull;
  __syncthreads();
  const int64_t per = d - z0, total = per * count;
  for (int64_t idx = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
       idx < total; idx += (int64_t)gridDim.x * blockDim.x) {
    const int64_t b = idx / per, i = z0 + (idx - b * per);
    atomicAdd(&h[rmtmc_hist_slot(ev[b * d + i], nbins, lo, hi)], 1ull);
  }
  __syncthreads();
  for (int64_t s = threadIdx.x; s < slots; s += blockDim.x)
    if (h[s]) atomicAdd(&hist[s], h[s]);
}

__global__ void histogram_global(unsigned long long *hist, const double *ev,
                                 int64_t d, int64_t z0, int64_t count,
                                 int64_t nbins, double lo, double hi) {
  const int64_t per = d - z0, total = per * count;
  for (int64_t idx = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
       idx < total; idx += (int64_t)gridDim.x * blockDim.x) {
    const int64_t b = idx / per, i = z0 + (idx - b * per);
    atomicAdd(&hist[rmtmc_hist_slot(ev[b * d + i], nbins, lo, hi)], 1ull);
  }
}

/* Row number k of trial b of the edge layout (passed by value). */
__global__ void edge_rows(double *obs, rmtmc_edge_layout E, const double *ev,
                          const double *vecs, int cplx, int64_t d, int64_t z0,
                          int64_t count) {
  const int64_t total = E.nobs * count, dd = d * d * (cplx ? 2 : 1);
  for (int64_t idx = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
       idx < total; idx += (int64_t)gridDim.x * blockDim.x) {
    const int64_t b = idx / E.nobs, k = idx - b * E.nobs;
    double v;
    if (k < E.bot) {
      v = ev[b * d + d - 1 - (k - E.top)];
    } else if (k < E.bot + E.kbot) {
      v = ev[b * d + z0 + (k - E.bot)];
    } else {
      /* overlaps: eigenvector column c, coordinate i */
      const int top = k < E.bot_ovl;
      const int64_t q = k - (top ? E.top_ovl : E.bot_ovl);
      const int64_t j = q / E.ndir, i = q - j * E.ndir;
      const int64_t c = top ? d - 1 - j : z0 + j;
      const double *u = vecs + b * dd;
      if (cplx) {
        const double re = u[2 * (i + c * d)], im = u[2 * (i + c * d) + 1];
        v = re * re + im * im;
      } else {
        const double x = u[i + c * d];
        v = x * x;
      }
    }
    obs[idx] = v;
  }
}

} // namespace

extern "C" cudaError_t rmtmc_cuda_edge_reduce(double *obs,
                                              const rmtmc_edge_layout *E,
                                              const double *ev,
                                              const void *vecs, int cplx,
                                              int64_t d, int64_t z0,
                                              int64_t count,
                                              cudaStream_t stream) {
  if (count <= 0) return cudaSuccess;
  if (E->ndir > 0 && !vecs) return cudaErrorInvalidValue;
  edge_rows<<<(unsigned)blocks_for(E->nobs * count, kThreads), kThreads, 0,
              stream>>>(obs, *E, ev, static_cast<const double *>(vecs), cplx,
                        d, z0, count);
  return cudaGetLastError();
}

extern "C" cudaError_t rmtmc_cuda_zero_structural(double *ev, int64_t d,
                                                  int64_t z0, int64_t count,
                                                  cudaStream_t stream) {
  if (z0 <= 0 || count <= 0) return cudaSuccess;
  zero_structural<<<(unsigned)blocks_for(z0 * count, kThreads), kThreads, 0,
                    stream>>>(ev, d, z0, count);
  return cudaGetLastError();
}

extern "C" cudaError_t rmtmc_cuda_zobs(double *obs, const rmtmc_layout *L,
                                       const double *ev, int64_t d,
                                       int64_t count, cudaStream_t stream) {
  if (L->nz <= 0 || L->zobs == 0u || count <= 0) return cudaSuccess;
  zobs_args a;
  for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k) a.off[k] = L->zobs_off[k];
  a.nobs = L->nobs;
  a.nz = L->nz;
  a.z_re = L->z_re;
  a.z_im = L->z_im;
  zobs<<<(unsigned)blocks_for(count * L->nz, kWarps), kThreads, 0, stream>>>(
      obs, a, ev, d, count);
  return cudaGetLastError();
}

extern "C" cudaError_t rmtmc_cuda_extremes_moments(double *obs,
                                                   const rmtmc_layout *L,
                                                   const double *ev, int64_t d,
                                                   int64_t z0, int64_t count,
                                                   cudaStream_t stream) {
  if (count <= 0) return cudaSuccess;
  if (L->kmax < 0 || L->kmax > kMaxMoments) return cudaErrorInvalidValue;
  extremes_moments<<<(unsigned)blocks_for(count, kWarps), kThreads, 0,
                     stream>>>(obs, L->nobs, L->lam_min, L->lam_max, L->moment,
                               ev, d, z0, L->kmax, count);
  return cudaGetLastError();
}

extern "C" cudaError_t rmtmc_cuda_histogram(unsigned long long *hist,
                                            const double *ev, int64_t d,
                                            int64_t z0, int64_t count,
                                            int64_t nbins, double lo,
                                            double hi, cudaStream_t stream) {
  if (nbins <= 0 || count <= 0 || d - z0 <= 0) return cudaSuccess;
  const int64_t total = (d - z0) * count;
  const int64_t slots = nbins + 2;
  if (slots <= kSharedSlots) {
    /* enough elements per block that the shared flush is amortised */
    int64_t blocks = blocks_for(total, (int64_t)kThreads * 16);
    if (blocks > 4096) blocks = 4096;
    histogram_shared<<<(unsigned)blocks, kThreads,
                       (size_t)slots * sizeof(unsigned long long), stream>>>(
        hist, ev, d, z0, count, nbins, lo, hi);
  } else {
    histogram_global<<<(unsigned)blocks_for(total, kThreads), kThreads, 0,
                       stream>>>(hist, ev, d, z0, count, nbins, lo, hi);
  }
  return cudaGetLastError();
}
