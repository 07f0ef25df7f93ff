# rmtmc_install.cmake: what `cmake --install build --prefix P` installs
# (docs/api.md).  Included by the top-level CMakeLists.txt after the
# libraries exist.
#
#   default           P/lib/librmtmc.so (rmtmc::rmtmc), P/include/rmtmc/*.h,
#                     P/lib/cmake/rmtmc/ (find_package(rmtmc)),
#                     P/lib/pkgconfig/rmtmc.pc, P/bin/rmtmc
#   --component static  P/lib/librmtmc.a (rmtmc::rmtmc_static, found with
#                     find_package(rmtmc COMPONENTS static); its BLAS, LAPACK,
#                     OpenMP and CUDA dependencies are carried by the target),
#                     P/lib/pkgconfig/rmtmc-static.pc
#
# Public headers: every include/*.h except the internal ones listed here, plus
# the generated rmtmc_version.h.  tests/install_test.sh compiles each
# installed header on its own, so a public header that includes an internal
# one fails the tests.
include(CMakePackageConfigHelpers)

set(RMTMC_INTERNAL_HEADERS rmtmc_accum.h rmtmc_rng.h)
file(GLOB _rmtmc_headers RELATIVE ${PROJECT_SOURCE_DIR}/include CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/include/*.h)
set(RMTMC_PUBLIC_HEADERS "")
foreach(h IN LISTS _rmtmc_headers)
  if(NOT h IN_LIST RMTMC_INTERNAL_HEADERS)
    list(APPEND RMTMC_PUBLIC_HEADERS ${PROJECT_SOURCE_DIR}/include/${h})
  endif()
endforeach()
list(APPEND RMTMC_PUBLIC_HEADERS ${PROJECT_BINARY_DIR}/include/rmtmc_version.h)

set(RMTMC_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/rmtmc)
set(RMTMC_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The shared library finds the CUDA toolkit's libraries where they were at
# build time; BLAS, LAPACKE and libgomp are system libraries.
if(RMTMC_CUDA_LIBDIR)
  set_target_properties(rmtmc_shared PROPERTIES INSTALL_RPATH "${RMTMC_CUDA_LIBDIR}")
endif()

install(TARGETS rmtmc_shared EXPORT rmtmcTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
)
install(FILES ${RMTMC_PUBLIC_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/rmtmc)
install(TARGETS rmtmc RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT rmtmcTargets NAMESPACE rmtmc:: DESTINATION ${RMTMC_CMAKE_DIR} FILE rmtmc-targets.cmake)

install(TARGETS rmtmc_lib EXPORT rmtmcStaticTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT static EXCLUDE_FROM_ALL
)
install(EXPORT rmtmcStaticTargets NAMESPACE rmtmc:: DESTINATION ${RMTMC_CMAKE_DIR}
  FILE rmtmc-static-targets.cmake COMPONENT static EXCLUDE_FROM_ALL)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/rmtmcConfig.cmake.in
  ${PROJECT_BINARY_DIR}/rmtmcConfig.cmake INSTALL_DESTINATION ${RMTMC_CMAKE_DIR})
# 0.x: a minor version may change the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/rmtmcConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/rmtmcConfig.cmake ${PROJECT_BINARY_DIR}/rmtmcConfigVersion.cmake
  DESTINATION ${RMTMC_CMAKE_DIR})

# ---- pkg-config: prefix relative to the .pc file, so --prefix P works ----
file(RELATIVE_PATH RMTMC_PC_TO_PREFIX /x/${RMTMC_PC_DIR} /x)
string(REGEX REPLACE "/$" "" RMTMC_PC_TO_PREFIX "${RMTMC_PC_TO_PREFIX}")
# The static archive's dependencies as linker arguments.
set(RMTMC_PC_PRIVATE_LIBS "${LAPACKE_LIBRARY}")
foreach(lib IN LISTS LAPACK_LIBRARIES BLAS_LIBRARIES)
  if(NOT lib IN_LIST RMTMC_PC_PRIVATE_LIBS)
    list(APPEND RMTMC_PC_PRIVATE_LIBS ${lib})
  endif()
endforeach()
list(APPEND RMTMC_PC_PRIVATE_LIBS ${OpenMP_C_FLAGS} -lm)
if(RMTMC_HAVE_CUDA)
  list(APPEND RMTMC_PC_PRIVATE_LIBS -L${RMTMC_CUDA_LIBDIR} -Wl,-rpath,${RMTMC_CUDA_LIBDIR}
    -lcudart_static -lcublas -lcusolver -lcurand -lstdc++ -lrt -lpthread -ldl)
endif()
if(RMTMC_HAVE_MPI)
  list(APPEND RMTMC_PC_PRIVATE_LIBS ${MPI_C_LIBRARIES})
endif()
list(JOIN RMTMC_PC_PRIVATE_LIBS " " RMTMC_PC_PRIVATE_LIBS)
configure_file(${PROJECT_SOURCE_DIR}/cmake/rmtmc.pc.in ${PROJECT_BINARY_DIR}/rmtmc.pc @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/cmake/rmtmc-static.pc.in ${PROJECT_BINARY_DIR}/rmtmc-static.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/rmtmc.pc DESTINATION ${RMTMC_PC_DIR})
install(FILES ${PROJECT_BINARY_DIR}/rmtmc-static.pc DESTINATION ${RMTMC_PC_DIR} COMPONENT static EXCLUDE_FROM_ALL)
