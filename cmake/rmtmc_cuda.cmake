# rmtmc_cuda.cmake: all CUDA set-up.  Included by the top-level CMakeLists.txt
# after the rmtmc_obj target (the library's objects) exists.  With
# RMTMC_ENABLE_CUDA=ON and nvcc found (check_language; nvcc in
# /usr/local/cuda/bin is found without PATH), the CUDA backend
# (kernels/*.cu, src/backend/cuda/*.c) is compiled into rmtmc_obj, the CUDA
# libraries are appended to RMTMC_LINK_DEPS and RMTMC_HAVE_CUDA is set (and
# defined for the library's users in the build tree); otherwise the build is
# CPU only.  Sets RMTMC_CUDA_SUMMARY (",cuda (archs ...)" or "") for the
# summary line and RMTMC_CUDA_LIBDIR (the toolkit's libraries, for rpaths).
set(RMTMC_CUDA_SUMMARY "")
set(RMTMC_HAVE_CUDA OFF)
set(RMTMC_CUDA_LIBDIR "")

if(NOT RMTMC_ENABLE_CUDA)
  message(STATUS "rmtmc: CUDA backend disabled (RMTMC_ENABLE_CUDA=OFF)")
  return()
endif()

include(CheckLanguage)
# nvcc on PATH, else the toolkit's own (CUDA_HOME, /usr/local/cuda), so that
# `pip install .` finds it without PATH set up.
if(NOT DEFINED CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX})
  find_program(RMTMC_NVCC nvcc NO_CMAKE_PATH NO_CMAKE_ENVIRONMENT_PATH NO_CMAKE_SYSTEM_PATH NO_PACKAGE_ROOT_PATH)
  if(NOT RMTMC_NVCC)
    find_program(RMTMC_NVCC nvcc PATHS "$ENV{CUDA_HOME}/bin" /usr/local/cuda/bin NO_DEFAULT_PATH)
  endif()
  if(RMTMC_NVCC)
    set(CMAKE_CUDA_COMPILER "${RMTMC_NVCC}" CACHE FILEPATH "CUDA compiler")
  endif()
endif()
check_language(CUDA)
if(NOT CMAKE_CUDA_COMPILER)
  message(STATUS "rmtmc: CUDA backend disabled (no CUDA compiler found: put nvcc on PATH or set CMAKE_CUDA_COMPILER)")
  return()
endif()

# Architectures: Ampere (A100) and Hopper (H100/H200) unless the user chose.
if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES OR CMAKE_CUDA_ARCHITECTURES STREQUAL "")
  set(CMAKE_CUDA_ARCHITECTURES "80;90" CACHE STRING "CUDA architectures to build for" FORCE)
endif()
enable_language(CUDA)
find_package(CUDAToolkit REQUIRED)

# cusolverDnXsyevBatched (batched eigensolver) appeared in recent toolkits:
# look for it in the header rather than guessing from version numbers.
set(RMTMC_CUSOLVER_HAS_SYEVBATCHED 0)
set(RMTMC_CUSOLVER_HAS_SYEVBATCHED_ALG 0)
foreach(dir IN LISTS CUDAToolkit_INCLUDE_DIRS)
  if(EXISTS "${dir}/cusolverDn.h")
    file(STRINGS "${dir}/cusolverDn.h" _rmtmc_syevb REGEX "cusolverDnXsyevBatched_bufferSize")
    if(_rmtmc_syevb)
      set(RMTMC_CUSOLVER_HAS_SYEVBATCHED 1)
    endif()
    file(STRINGS "${dir}/cusolverDn.h" _rmtmc_syevb_alg REGEX "CUSOLVERDN_SYEVBATCHED")
    if(_rmtmc_syevb_alg)
      set(RMTMC_CUSOLVER_HAS_SYEVBATCHED_ALG 1)
    endif()
    break()
  endif()
endforeach()

file(GLOB RMTMC_CUDA_SOURCES CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/kernels/*.cu
  ${PROJECT_SOURCE_DIR}/src/backend/cuda/*.c
  ${PROJECT_SOURCE_DIR}/src/backend/cuda/*.cu)
target_sources(rmtmc_obj PRIVATE ${RMTMC_CUDA_SOURCES})
# The draws must round as the host's reference does (the CPU build does not
# contract a*b+c into fma): no contraction in the sampling kernels, nor in
# the fits' kernels (uniforms for the labels, the grid's expressions), nor in
# the fast samplers' (the Gamma accept tests, the band, the recurrences), nor
# in the resolvent's sums (the CPU's order and rounding, term by term).
set_source_files_properties(${PROJECT_SOURCE_DIR}/kernels/sample.cu
  ${PROJECT_SOURCE_DIR}/kernels/fit.cu
  ${PROJECT_SOURCE_DIR}/kernels/tridiag.cu
  ${PROJECT_SOURCE_DIR}/kernels/resolvent.cu
  PROPERTIES COMPILE_OPTIONS "--fmad=false")
target_include_directories(rmtmc_obj PRIVATE ${PROJECT_SOURCE_DIR}/kernels)
# rmtmc_obj existed before CUDA was enabled: its CUDA properties were not
# initialised from the CMAKE_CUDA_* variables, so set them here.
set_target_properties(rmtmc_obj PROPERTIES
  CUDA_ARCHITECTURES "${CMAKE_CUDA_ARCHITECTURES}"
  CUDA_STANDARD 17 CUDA_STANDARD_REQUIRED ON)

# The architectures as "80,90" (cuda_open names them when a GPU has none).
string(REPLACE ";" "," _rmtmc_archs "${CMAKE_CUDA_ARCHITECTURES}")
# nvcc's host pass gets the warnings (the C flags are C-only in CMakeLists.txt).
target_compile_options(rmtmc_obj PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall>)
target_compile_definitions(rmtmc_obj
  PRIVATE RMTMC_HAVE_CUDA RMTMC_CUSOLVER_HAS_SYEVBATCHED=${RMTMC_CUSOLVER_HAS_SYEVBATCHED}
          RMTMC_CUSOLVER_HAS_SYEVBATCHED_ALG=${RMTMC_CUSOLVER_HAS_SYEVBATCHED_ALG}
          "RMTMC_CUDA_ARCHS=\"${_rmtmc_archs}\"")
# The objects compile against the toolkit's headers; the libraries link its
# runtime (static), cuBLAS, cuSOLVER, cuRAND and, for the host code nvcc
# compiled, the C++ runtime (the C linker does not add it).
target_link_libraries(rmtmc_obj PUBLIC CUDA::cudart_static CUDA::cublas CUDA::cusolver CUDA::curand)
list(APPEND RMTMC_LINK_DEPS CUDA::cudart_static CUDA::cublas CUDA::cusolver CUDA::curand stdc++)
set(RMTMC_HAVE_CUDA ON)
set(RMTMC_CUDA_LIBDIR "${CUDAToolkit_LIBRARY_DIR}")

# The eigensolver benchmark (bench/eig_bench.c, not a test): built with the
# backend so that it always compiles; bench/device_check.sh runs it.
if(RMTMC_BUILD_TESTS)
  add_executable(rmtmc_eig_bench ${PROJECT_SOURCE_DIR}/bench/eig_bench.c)
  target_compile_definitions(rmtmc_eig_bench PRIVATE
    RMTMC_CUSOLVER_HAS_SYEVBATCHED=${RMTMC_CUSOLVER_HAS_SYEVBATCHED} _POSIX_C_SOURCE=200809L)
  target_link_libraries(rmtmc_eig_bench PRIVATE CUDA::cudart_static CUDA::cusolver CUDA::curand m)
endif()

set(RMTMC_CUDA_SUMMARY ",cuda (archs ${_rmtmc_archs})")
if(RMTMC_CUSOLVER_HAS_SYEVBATCHED)
  set(_rmtmc_solver "cusolverDnXsyevBatched")
else()
  set(_rmtmc_solver "syevjBatched (d <= 32) / Xsyevd")
endif()
message(STATUS "rmtmc: CUDA backend enabled: CUDA ${CUDAToolkit_VERSION}, nvcc ${CMAKE_CUDA_COMPILER}, archs ${_rmtmc_archs}, eigensolver ${_rmtmc_solver}")
