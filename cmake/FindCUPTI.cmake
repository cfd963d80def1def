# FindCUPTI: locates CUPTI's headers (the CUDA toolkit's include/ or extras/CUPTI/include, or
# PyTorch's nvidia-cuda-cupti wheel via CUPTI_ROOT) and, for information, its library.
# incept loads libcupti at run time (dlopen), so only the headers are needed to build.
#
# Hints: CUPTI_ROOT (cache or environment), the CUDA toolkit's directories.
# Defines: CUPTI_FOUND, CUPTI_INCLUDE_DIR, CUPTI_LIBRARY (may be empty).
set(_cupti_hints ${CUPTI_ROOT} $ENV{CUPTI_ROOT} ${CUDAToolkit_LIBRARY_ROOT}
  ${CUDAToolkit_LIBRARY_ROOT}/extras/CUPTI /usr/local/cuda /usr/local/cuda/extras/CUPTI)
find_path(CUPTI_INCLUDE_DIR cupti.h HINTS ${_cupti_hints} ${CUDAToolkit_INCLUDE_DIRS}
  PATH_SUFFIXES include)
find_library(CUPTI_LIBRARY cupti HINTS ${_cupti_hints} ${CUDAToolkit_LIBRARY_DIR}
  PATH_SUFFIXES lib64 lib lib/x86_64-linux-gnu)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CUPTI REQUIRED_VARS CUPTI_INCLUDE_DIR)
mark_as_advanced(CUPTI_INCLUDE_DIR CUPTI_LIBRARY)
