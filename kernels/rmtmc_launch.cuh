/* rmtmc_launch.cuh: launch geometry shared by the kernels of kernels/ (CUDA
 * only): 256 threads a block, at most 2^20 blocks, grid-stride loops
 * over int64 work so any batch size fits. */
#ifndef RMTMC_LAUNCH_CUH
#define RMTMC_LAUNCH_CUH

#include <stdint.h>

namespace rmtmc_launch {

constexpr int kThreads = 256;
constexpr int64_t kMaxBlocks = 1 << 20;

/* Blocks for `work` items at `per_block` items a block (>= 1, capped). */
inline unsigned blocks_for(int64_t work, int64_t per_block = kThreads) {
  int64_t b = (work + per_block - 1) / per_block;
  if (b < 1) b = 1;
  return (unsigned)(b > kMaxBlocks ? kMaxBlocks : b);
}

} // namespace rmtmc_launch

/* for (idx over [0, total)) in a grid-stride loop */
#define RMTMC_GRID_STRIDE(idx, total)                                         \
  for (int64_t idx = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;          \
       idx < (total); idx += (int64_t)gridDim.x * blockDim.x)

#endif
