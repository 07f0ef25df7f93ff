/* tridiag.cu: the exact fast samplers on the device (THEORY 10), with the
 * rules of src/backend/tridiag_common.h and src/backend/bartlett_common.h
 * (shared with the CPU driver, so each trial draws what the CPU draws):
 *   de_sample        one thread per row i of T (grid-stride over count x m):
 *                    the row's Gamma variates p_i, q_{i-1}, q_i (each
 *                    neighbour row draws q_{i-1} again: redundant draws
 *                    instead of a second pass) and rmtmc_de_form;
 *   bartlett_sample  one thread per pair of entries of L (d x m per trial):
 *                    a Box-Muller block for the normals below the diagonal,
 *                    the Gamma variate on the diagonal, zeros above;
 *   tridiag_reduce   the layout's offsets (include/rmtmc_layout.h: m(z),
 *                    lambda_min, lambda_max, moments), as kernels/reduce.cu;
 *                    ONE THREAD BLOCK PER TRIAL (kRThreads threads, grid-
 *                    stride over trials): (1) the Gershgorin bracket, the
 *                    pivot safeguard and the moments (1/d) tr T^k, rows
 *                    strided over the threads, reduced in shared memory in
 *                    a fixed order (the same sums every run); (2) one sweep
 *                    over the band for the nbins + 1 Sturm counts at the
 *                    histogram edges and the nz Stieltjes recurrences, one
 *                    recurrence per thread (the Stieltjes ones from the next
 *                    warp boundary, so no warp mixes the two), the band
 *                    staged through shared memory kChunk rows at a time and
 *                    read by every thread from there (broadcast), the
 *                    recurrences' state in registers; (3) lambda_min and
 *                    lambda_max by multisection, kRThreads/2 Sturm counts per
 *                    extreme per sweep (~6 bits a sweep, ~10 sweeps), until
 *                    rmtmc_bisect_done.
 * The histogram counts (differences of the edge counts) go to the device
 * array with 64-bit atomics (modular: a count is added as +c to one bin and
 * -c to the next, exact in unsigned arithmetic).
 *
 * Built with --fmad=false (cmake/rmtmc_cuda.cmake): the host reference does
 * not contract a*b+c, so the band (and the accept tests of the Gamma
 * sampler) round as on the host; the Sturm counts are then the host's
 * exactly for the same band, the Stieltjes recurrence (rmtmc_cplx, the same
 * expressions) too, the moments to rounding (another summation order) and
 * the extremes to rounding (other multisection points).  The Gamma variates
 * agree with the host's to rounding (the device's log, sin, cos). */
#include "backend/bartlett_common.h"
#include "backend/tridiag_common.h"
#include "rmtmc_kernels.h"
#include "rmtmc_launch.cuh"

using rmtmc_launch::blocks_for;
using rmtmc_launch::kThreads;

namespace {

constexpr int kRThreads = RMTMC_KERNEL_TRIDIAG_THREADS;
constexpr int kChunk = 1024; /* rows staged in shared memory: 16 KiB */
constexpr int kPoints = kRThreads / 2; /* multisection points per extreme */

__global__ void de_sample(double *a, double *b2, int64_t ld, int64_t d,
                          int64_t n, int beta, double scale, uint64_t seed,
                          uint64_t trial0, int64_t count) {
  const int64_t m = rmtmc_de_size(d, n), total = m * count;
  RMTMC_GRID_STRIDE(idx, total) {
    const int64_t b = idx / m, i = idx - b * m;
    const uint64_t t = trial0 + (uint64_t)b;
    const double p = rmtmc_de_p(seed, t, i, d, n, beta);
    const double qprev = i > 0 ? rmtmc_de_q(seed, t, i - 1, d, n, beta) : 0.0;
    const double q = i + 1 < m ? rmtmc_de_q(seed, t, i, d, n, beta) : 0.0;
    double ai, bi;
    rmtmc_de_form(p, qprev, q, scale, &ai, &bi);
    a[b * ld + i] = ai;
    if (i + 1 < m) b2[b * ld + i] = bi;
  }
}

__global__ void bartlett_sample(double *L, int64_t d, int64_t n,
                                const double *sqrt_diag, uint64_t seed,
                                uint64_t trial0, int64_t count) {
  const int64_t m = d < n ? d : n, dm = d * m, npairs = (dm + 1) / 2;
  const int64_t total = npairs * count;
  RMTMC_GRID_STRIDE(idx, total) {
    const int64_t b = idx / npairs, pr = idx - b * npairs;
    const uint64_t t = trial0 + (uint64_t)b;
    double g[2];
    rmtmc_box_muller(rmtmc_stream_block(seed, t, (uint64_t)pr), &g[0], &g[1]);
    for (int h = 0; h < 2; ++h) {
      const int64_t e = 2 * pr + h;
      if (e >= dm) break;
      const int64_t j = e / d, i = e - j * d;
      double v = i < j ? 0.0 : i == j ? rmtmc_bartlett_diag(seed, t, j, d, n) : g[h];
      if (sqrt_diag) v *= sqrt_diag[i];
      L[b * dm + e] = v;
    }
  }
}

/* Block-wide reductions in a fixed order (deterministic). */
__device__ double block_sum(double v, double *sh) {
  sh[threadIdx.x] = v;
  __syncthreads();
  for (int s = kRThreads / 2; s > 0; s >>= 1) {
    if ((int)threadIdx.x < s) sh[threadIdx.x] += sh[threadIdx.x + s];
    __syncthreads();
  }
  double r = sh[0];
  __syncthreads();
  return r;
}

__device__ void block_bounds(rmtmc_tridiag_bounds *g, rmtmc_tridiag_bounds *sh) {
  sh[threadIdx.x] = *g;
  __syncthreads();
  for (int s = kRThreads / 2; s > 0; s >>= 1) {
    if ((int)threadIdx.x < s) rmtmc_bounds_merge(&sh[threadIdx.x], &sh[threadIdx.x + s]);
    __syncthreads();
  }
  *g = sh[0];
  __syncthreads();
}

/* One recurrence of a sweep: a Sturm count at x or a Stieltjes sum at z. */
struct chain {
  int kind; /* 0 idle, 1 Sturm, 2 Stieltjes */
  double x, zim, q;
  int64_t count;
  rmtmc_stieltjes_state st;
};

__device__ void chain_first(chain *c, double a0, double pivmin) {
  if (c->kind == 1) {
    c->q = rmtmc_sturm_first(a0, c->x, pivmin);
    c->count = c->q < 0.0;
  } else if (c->kind == 2) {
    c->st = rmtmc_stieltjes_first(a0, c->x, c->zim);
  }
}

/* Rows [1, m) of the trial's band through shared memory for every thread's
 * chain (all threads of the block call it). */
__device__ void sweep(chain *c, const double *a, const double *b2, int64_t m,
                      double pivmin, double *sa, double *sb) {
  for (int64_t c0 = 1; c0 < m; c0 += kChunk) {
    const int len = (int)(m - c0 < kChunk ? m - c0 : kChunk);
    for (int k = threadIdx.x; k < len; k += kRThreads) {
      sa[k] = a[c0 + k];
      sb[k] = b2[c0 + k - 1];
    }
    __syncthreads();
    if (c->kind == 1) {
      double q = c->q;
      int64_t cnt = c->count;
      for (int k = 0; k < len; ++k) {
        q = rmtmc_sturm_pivot(q, sa[k], sb[k], c->x, pivmin);
        cnt += q < 0.0;
      }
      c->q = q;
      c->count = cnt;
    } else if (c->kind == 2) {
      for (int k = 0; k < len; ++k) rmtmc_stieltjes_step(&c->st, sa[k], sb[k], c->x, c->zim);
    }
    __syncthreads();
  }
}

/* Where a trial's numbers go (the offsets of rmtmc_layout), by value. */
struct tri_args {
  int64_t nobs, m_off, lam_min, lam_max, moment; /* m_off -1: no m(z) */
  int64_t nz;                                    /* z points (0 without m) */
  const double *z_re, *z_im;                     /* device */
  int kmax;
  int64_t nbins;
  double hlo, hhi;
};

__global__ void __launch_bounds__(kRThreads)
    tridiag_reduce(double *obs, tri_args A, unsigned long long *hist,
                   const double *a_all, const double *b2_all, int64_t ld,
                   int64_t d, int64_t n, int64_t count) {
  const int64_t nobs = A.nobs, nz = A.nz, nbins = A.nbins;
  const int kmax = A.kmax;
  const double *z_re = A.z_re, *z_im = A.z_im, hlo = A.hlo, hhi = A.hhi;
  __shared__ double sa[kChunk], sb[kChunk], sred[kRThreads];
  __shared__ rmtmc_tridiag_bounds sbound[kRThreads];
  __shared__ int64_t scount[kRThreads];
  __shared__ double sx[kRThreads], sbr[4];
  __shared__ int sdone[2];
  const int tid = threadIdx.x;
  const int64_t m = rmtmc_de_size(d, n);
  for (int64_t b = blockIdx.x; b < count; b += gridDim.x) {
    const double *a = a_all + b * ld, *b2 = b2_all + b * ld;
    double *o = obs + b * nobs;
    /* (1) bounds, pivot safeguard, moments */
    rmtmc_tridiag_bounds g;
    rmtmc_bounds_init(&g);
    double mom[RMTMC_TRIDIAG_KMAX], pw[RMTMC_TRIDIAG_KMAX];
#pragma unroll
    for (int k = 0; k < RMTMC_TRIDIAG_KMAX; ++k) mom[k] = 0.0;
    for (int64_t i = tid; i < m; i += kRThreads) {
      rmtmc_bounds_row(&g, a[i], i > 0 ? b2[i - 1] : 0.0, i + 1 < m ? b2[i] : 0.0);
      if (kmax > 0) {
        rmtmc_tridiag_diag_powers(a, b2, m, i, kmax, pw);
        for (int k = 0; k < kmax; ++k) mom[k] += pw[k];
      }
    }
    block_bounds(&g, sbound);
    for (int k = 0; k < kmax; ++k) {
      double s = block_sum(mom[k], sred);
      if (tid == 0) o[A.moment + k] = s / (double)d;
    }
    const double pivmin = rmtmc_tridiag_pivmin(g.b2max);
    rmtmc_bounds_finish(&g, m, pivmin);
    /* (2) histogram edges and Stieltjes points: tasks [0, ne) Sturm,
     * [ne_pad, ne_pad + nz) Stieltjes */
    const int64_t ne = nbins > 0 ? nbins + 1 : 0;
    const int64_t ne_pad = (ne + 31) / 32 * 32, ntask = ne_pad + nz;
    for (int64_t base = 0; base < ntask; base += kRThreads) {
      const int64_t task = base + tid;
      chain c;
      c.kind = 0;
      c.x = c.zim = c.q = 0.0;
      c.count = 0;
      if (task < ne) {
        c.kind = 1;
        c.x = task == nbins ? hhi : hlo + (hhi - hlo) * ((double)task / (double)nbins);
      } else if (task >= ne_pad && task < ntask) {
        c.kind = 2;
        c.x = z_re[task - ne_pad];
        c.zim = z_im[task - ne_pad];
      }
      chain_first(&c, a[0], pivmin);
      sweep(&c, a, b2, m, pivmin, sa, sb);
      if (c.kind == 1) {
        const int64_t k = task;
        const unsigned long long cnt = (unsigned long long)c.count;
        if (k == 0) atomicAdd(&hist[nbins], cnt); /* below */
        else atomicAdd(&hist[k - 1], cnt);
        if (k == nbins) atomicAdd(&hist[nbins + 1], (unsigned long long)m - cnt); /* above */
        else atomicAdd(&hist[k], 0ull - cnt);
      } else if (c.kind == 2) {
        const int64_t j = task - ne_pad;
        rmtmc_cplx r = rmtmc_stieltjes_finish(c.st.acc, d, m, c.x, c.zim);
        o[A.m_off + 2 * j] = r.re;
        o[A.m_off + 2 * j + 1] = r.im;
      }
    }
    /* (3) extremes: threads [0, kPoints) search eigenvalue 0, the others
     * eigenvalue m - 1 */
    if (tid == 0) {
      sbr[0] = sbr[2] = g.lo;
      sbr[1] = sbr[3] = g.hi;
      sdone[0] = sdone[1] = 0;
    }
    __syncthreads();
    const int side = tid < kPoints ? 0 : 1, r = tid - side * kPoints;
    for (int pass = 0; pass < RMTMC_BISECT_MAX_PASSES; ++pass) {
      if (tid < 2 && !sdone[tid] && rmtmc_bisect_done(sbr[2 * tid], sbr[2 * tid + 1]))
        sdone[tid] = 1;
      __syncthreads();
      if (sdone[0] && sdone[1]) break;
      chain c;
      c.kind = sdone[side] ? 0 : 1;
      c.x = rmtmc_bisect_point(sbr[2 * side], sbr[2 * side + 1], r, kPoints);
      c.zim = c.q = 0.0;
      c.count = 0;
      chain_first(&c, a[0], pivmin);
      sweep(&c, a, b2, m, pivmin, sa, sb);
      sx[tid] = c.x;
      scount[tid] = c.count;
      __syncthreads();
      if (tid < 2 && !sdone[tid]) {
        double lo = sbr[2 * tid], hi = sbr[2 * tid + 1], nlo = lo, nhi = hi;
        const int64_t want = tid == 0 ? 0 : m - 1;
        for (int q = tid * kPoints; q < (tid + 1) * kPoints; ++q) {
          if (scount[q] <= want) {
            if (sx[q] > nlo) nlo = sx[q];
          } else if (sx[q] < nhi) {
            nhi = sx[q];
          }
        }
        if (nlo == lo && nhi == hi) sdone[tid] = 1;
        sbr[2 * tid] = nlo;
        sbr[2 * tid + 1] = nhi;
      }
      __syncthreads();
    }
    if (tid == 0) {
      o[A.lam_min] = sbr[0] + 0.5 * (sbr[1] - sbr[0]);
      o[A.lam_max] = sbr[2] + 0.5 * (sbr[3] - sbr[2]);
    }
    __syncthreads();
  }
}

} // namespace

extern "C" cudaError_t rmtmc_cuda_de_sample(double *a, double *b2, int64_t ld,
                                            int64_t d, int64_t n, int beta,
                                            double s2, uint64_t seed,
                                            uint64_t trial0, int64_t count,
                                            cudaStream_t stream) {
  if (count <= 0 || d <= 0 || n <= 0) return cudaSuccess;
  if ((beta != 1 && beta != 2) || ld < rmtmc_de_size(d, n)) return cudaErrorInvalidValue;
  const int64_t total = rmtmc_de_size(d, n) * count;
  de_sample<<<blocks_for(total), kThreads, 0, stream>>>(
      a, b2, ld, d, n, beta, s2 / (double)n, seed, trial0, count);
  return cudaGetLastError();
}

extern "C" cudaError_t rmtmc_cuda_bartlett_sample(double *L, int64_t d,
                                                  int64_t n,
                                                  const double *sqrt_diag,
                                                  uint64_t seed, uint64_t trial0,
                                                  int64_t count,
                                                  cudaStream_t stream) {
  if (count <= 0 || d <= 0 || n <= 0) return cudaSuccess;
  const int64_t m = d < n ? d : n, npairs = (d * m + 1) / 2;
  bartlett_sample<<<blocks_for(npairs * count), kThreads, 0, stream>>>(
      L, d, n, sqrt_diag, seed, trial0, count);
  return cudaGetLastError();
}

extern "C" cudaError_t rmtmc_cuda_tridiag_reduce(
    double *obs, const rmtmc_layout *L, unsigned long long *hist,
    const double *a, const double *b2, int64_t ld, int64_t d, int64_t n,
    int64_t count, cudaStream_t stream) {
  if (count <= 0) return cudaSuccess;
  tri_args A;
  A.nobs = L->nobs;
  A.m_off = L->zobs_off[RMTMC_ZOBS_STIELTJES];
  A.lam_min = L->lam_min;
  A.lam_max = L->lam_max;
  A.moment = L->moment;
  A.nz = A.m_off >= 0 ? L->nz : 0;
  A.z_re = L->z_re;
  A.z_im = L->z_im;
  A.kmax = L->kmax;
  A.nbins = L->nbins;
  A.hlo = L->hist_lo;
  A.hhi = L->hist_hi;
  bool other_zobs = false;
  for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k)
    other_zobs = other_zobs || (k != RMTMC_ZOBS_STIELTJES && L->zobs_off[k] >= 0);
  if (other_zobs || A.kmax < 0 || A.kmax > RMTMC_TRIDIAG_KMAX || A.nz < 0 ||
      A.nbins < 0 || ld < rmtmc_de_size(d, n) || (A.nbins > 0 && !hist) ||
      (A.nz > 0 && (!A.z_re || !A.z_im)))
    return cudaErrorInvalidValue;
  const int64_t blocks = count < rmtmc_launch::kMaxBlocks ? count : rmtmc_launch::kMaxBlocks;
  tridiag_reduce<<<(unsigned)blocks, kRThreads, 0, stream>>>(
      obs, A, hist, a, b2, ld, d, n, count);
  return cudaGetLastError();
}
