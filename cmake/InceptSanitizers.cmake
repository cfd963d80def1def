# INCEPT_SANITIZE (default OFF): AddressSanitizer and UndefinedBehaviorSanitizer on every
# C and C++ target of the build (compile and link; the C API's C test program too, whose
# runtime must come first), for the CPU test suite:
#   cmake -S . -B build-asan -DINCEPT_CUDA=OFF -DINCEPT_SANITIZE=ON \
#         -DCMAKE_BUILD_TYPE=RelWithDebInfo
#   ctest --test-dir build-asan -L "cpu|emu" -LE parity -j2
# Undefined behaviour is fatal (-fno-sanitize-recover), so a finding fails its test. The
# emulator's ucontext fibers tell ASan about each stack switch (cuda/emu/emu.cc).
# Works with gcc and clang. CUDA sources (.cu) are left alone.
option(INCEPT_SANITIZE "Build everything with -fsanitize=address,undefined" OFF)

if(INCEPT_SANITIZE)
  set(_incept_sanitize_flags -fsanitize=address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  add_compile_options("$<$<COMPILE_LANGUAGE:C,CXX>:${_incept_sanitize_flags}>")
  add_link_options("$<$<LINK_LANGUAGE:C,CXX>:${_incept_sanitize_flags}>")
  message(STATUS "incept: ASan+UBSan build (INCEPT_SANITIZE=ON)")
endif()

# INCEPT_TSAN (default OFF): ThreadSanitizer on every C and C++ target, for the concurrency tests
# (tests/host/engine_concurrency_test.cc). Not with INCEPT_SANITIZE (ASan and TSan exclude
# each other). OpenMP's runtime is not instrumented, so run with OMP_NUM_THREADS=1 (the
# kernels then stay on the calling thread and every race TSan sees is between callers):
#   cmake -S . -B build-tsan -DINCEPT_CUDA=OFF -DINCEPT_TSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
#   cmake --build build-tsan -j2 --target test_host_engine_concurrency_test
#   OMP_NUM_THREADS=1 TSAN_OPTIONS=halt_on_error=1 ctest --test-dir build-tsan -R EngineConcurrency
# Works with gcc (libtsan2) and clang.
option(INCEPT_TSAN "Build everything with -fsanitize=thread" OFF)

if(INCEPT_TSAN)
  if(INCEPT_SANITIZE)
    message(FATAL_ERROR "incept: INCEPT_TSAN and INCEPT_SANITIZE cannot be combined")
  endif()
  set(_incept_tsan_flags -fsanitize=thread -fno-omit-frame-pointer -g)
  add_compile_options("$<$<COMPILE_LANGUAGE:C,CXX>:${_incept_tsan_flags}>")
  add_link_options("$<$<LINK_LANGUAGE:C,CXX>:-fsanitize=thread>")
  message(STATUS "incept: ThreadSanitizer build (INCEPT_TSAN=ON)")
endif()

# INCEPT_FUZZ (default OFF): the libFuzzer targets in fuzz/ (needs clang; fuzz/README.md).
# INCEPT_FUZZ_WERROR (default ON): set OFF if a project warning that only clang raises
# stops the fuzz build.
option(INCEPT_FUZZ "Build the libFuzzer targets in fuzz/ (clang only)" OFF)
option(INCEPT_FUZZ_WERROR "Treat warnings as errors in the fuzz build" ON)

if(INCEPT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "incept: INCEPT_FUZZ needs clang (libFuzzer): -DCMAKE_CXX_COMPILER=clang++")
  endif()
  # Every library gets libFuzzer's coverage instrumentation and ASan+UBSan; the fuzz
  # targets themselves link libFuzzer's main (-fsanitize=fuzzer, fuzz/CMakeLists.txt).
  set(_incept_fuzz_flags -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined -g)
  add_compile_options("$<$<COMPILE_LANGUAGE:CXX>:${_incept_fuzz_flags}>")
  add_link_options("$<$<LINK_LANGUAGE:CXX>:-fsanitize=address,undefined>")
  if(NOT INCEPT_FUZZ_WERROR)
    # The project's warnings (InceptWarnings.cmake), reported but not fatal.
    function(incept_warnings target)
      target_compile_options(${target} PRIVATE
        $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wno-unused-parameter>)
    endfunction()
  endif()
  message(STATUS "incept: libFuzzer build (INCEPT_FUZZ=ON)")
endif()
