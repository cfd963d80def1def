# FindCUDNN: locates cuDNN (CMake 3.25 ships no module for it).
#
# Hints: CUDNN_ROOT (cache or environment), the CUDA toolkit's directories.
# Defines: CUDNN_FOUND, CUDNN_VERSION, CUDNN_INCLUDE_DIR, CUDNN_LIBRARY and the imported
# target CUDNN::cudnn.
set(_cudnn_hints ${CUDNN_ROOT} $ENV{CUDNN_ROOT} ${CUDAToolkit_LIBRARY_ROOT} /usr/local/cuda /usr)
find_path(CUDNN_INCLUDE_DIR cudnn.h HINTS ${_cudnn_hints} ${CUDAToolkit_INCLUDE_DIRS}
  PATH_SUFFIXES include)
find_library(CUDNN_LIBRARY cudnn HINTS ${_cudnn_hints} ${CUDAToolkit_LIBRARY_DIR}
  PATH_SUFFIXES lib lib64 lib/x86_64-linux-gnu)

if(CUDNN_INCLUDE_DIR)
  foreach(_header cudnn_version.h cudnn.h)
    if(EXISTS "${CUDNN_INCLUDE_DIR}/${_header}")
      file(READ "${CUDNN_INCLUDE_DIR}/${_header}" _cudnn_text)
      string(REGEX MATCH "define CUDNN_MAJOR ([0-9]+)" _m "${_cudnn_text}")
      if(_m)
        set(_major ${CMAKE_MATCH_1})
        string(REGEX MATCH "define CUDNN_MINOR ([0-9]+)" _m "${_cudnn_text}")
        set(_minor ${CMAKE_MATCH_1})
        string(REGEX MATCH "define CUDNN_PATCHLEVEL ([0-9]+)" _m "${_cudnn_text}")
        set(CUDNN_VERSION "${_major}.${_minor}.${CMAKE_MATCH_1}")
        break()
      endif()
    endif()
  endforeach()
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CUDNN REQUIRED_VARS CUDNN_LIBRARY CUDNN_INCLUDE_DIR
  VERSION_VAR CUDNN_VERSION)
if(CUDNN_FOUND AND NOT TARGET CUDNN::cudnn)
  add_library(CUDNN::cudnn UNKNOWN IMPORTED)
  set_target_properties(CUDNN::cudnn PROPERTIES IMPORTED_LOCATION "${CUDNN_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${CUDNN_INCLUDE_DIR}")
endif()
mark_as_advanced(CUDNN_INCLUDE_DIR CUDNN_LIBRARY)
