/* cuda_probe.cu: does this binary hold code the device can run?  The runtime
 * answers for one kernel: cudaFuncGetAttributes fails with
 * cudaErrorNoKernelImageForDevice (or cudaErrorInvalidDeviceFunction) when
 * the fat binary has neither SASS for the device's architecture nor PTX the
 * driver can JIT-compile for it.  The probe kernel is built with the same
 * CMAKE_CUDA_ARCHITECTURES as the kernels in kernels/ (cmake/rmtmc_cuda.cmake),
 * so its answer holds for them.  cuda_open asks before it creates any handle:
 * a GPU this build cannot drive is refused with a clear message instead of
 * failing at the first launch.  CUDA only: the prototype is in
 * cuda_internal.h, whose backend headers are C. */
#include <cuda_runtime.h>

namespace {
__global__ void rmtmc_probe_kernel(int *x) {
  if (x) *x = 1;
}
} // namespace

extern "C" cudaError_t cuda_probe_image(int device, int *binary_version, int *ptx_version) {
  *binary_version = 0;
  *ptx_version = 0;
  cudaError_t e = cudaSetDevice(device);
  if (e != cudaSuccess) return e;
  cudaFuncAttributes a;
  e = cudaFuncGetAttributes(&a, rmtmc_probe_kernel);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    return e;
  }
  *binary_version = a.binaryVersion;
  *ptx_version = a.ptxVersion;
  return cudaSuccess;
}
