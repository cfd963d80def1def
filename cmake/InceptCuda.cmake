# Detects the CUDA toolkit and cuDNN. Sets INCEPT_HAVE_CUDA.
#
#   INCEPT_CUDA=AUTO  build the CUDA backend where nvcc is found (the default)
#   INCEPT_CUDA=ON    require it
#   INCEPT_CUDA=OFF   CPU-only build
#
# GPU architectures: CMAKE_CUDA_ARCHITECTURES, default "90;80" (Hopper, Ampere). CI builds
# may set a single one to compile faster.
set(INCEPT_HAVE_CUDA OFF)
if(INCEPT_CUDA STREQUAL "OFF")
  message(STATUS "incept: CUDA backend disabled (INCEPT_CUDA=OFF)")
  return()
endif()

if(NOT DEFINED CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX})
  find_program(INCEPT_NVCC nvcc HINTS /usr/local/cuda/bin ENV CUDA_PATH PATH_SUFFIXES bin)
  if(INCEPT_NVCC)
    set(CMAKE_CUDA_COMPILER ${INCEPT_NVCC})
  endif()
endif()
include(CheckLanguage)
check_language(CUDA)
if(NOT CMAKE_CUDA_COMPILER)
  if(INCEPT_CUDA STREQUAL "ON")
    message(FATAL_ERROR "incept: INCEPT_CUDA=ON but no nvcc was found; install the CUDA toolkit or set CMAKE_CUDA_COMPILER")
  endif()
  message(STATUS "incept: no nvcc found, CPU-only build")
  return()
endif()

if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
  set(CMAKE_CUDA_ARCHITECTURES "90;80" CACHE STRING "GPU architectures to compile for")
endif()
enable_language(CUDA)
set(CMAKE_CUDA_STANDARD 17)
set(CMAKE_CUDA_STANDARD_REQUIRED ON)
find_package(CUDAToolkit REQUIRED)
find_package(CUDNN)
if(NOT CUDNN_FOUND)
  if(INCEPT_CUDA STREQUAL "ON")
    message(FATAL_ERROR "incept: INCEPT_CUDA=ON but cuDNN was not found; set CUDNN_ROOT")
  endif()
  message(STATUS "incept: nvcc found but no cuDNN, CPU-only build")
  return()
endif()
set(INCEPT_HAVE_CUDA ON)
message(STATUS "incept: CUDA backend ON (nvcc ${CMAKE_CUDA_COMPILER_VERSION}, archs ${CMAKE_CUDA_ARCHITECTURES}, cuDNN ${CUDNN_VERSION})")
