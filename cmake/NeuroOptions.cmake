# Build options shared by every target: native SIMD, frame pointers for perf, sanitizers.
set(NEURO_ARCH "native" CACHE STRING
    "-march for our code: native (this machine's SIMD), x86-64-v3 (AVX2, what valgrind decodes), or empty")
option(NEURO_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(NEURO_FUZZ "Build the fuzz harnesses with libFuzzer (clang only; the fuzz preset)" OFF)
option(NEURO_TSAN "Build with ThreadSanitizer (the tsan preset: the server's and the load runner's tests)" OFF)

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()
# -O3 for the kernels we measure; CMake's default Release is -O3 already, said here on purpose.
set(CMAKE_CXX_FLAGS_RELEASE "-O3 -DNDEBUG")

if(NEURO_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -O1 -g)
  add_link_options(-fsanitize=address,undefined)
endif()

# The tsan preset: ThreadSanitizer on our code. libtorch and libgomp are not instrumented, so the
# server under it links no model (as under the fuzz preset) and scripts/tsan.supp names the
# OpenMP runtime's internals; scripts/test --preset tsan runs the server's and the load runner's
# tests only.
if(NEURO_TSAN)
  add_compile_options(-fsanitize=thread -O1 -g)
  add_link_options(-fsanitize=thread)
endif()

# The fuzz preset: every object gets libFuzzer's coverage instrumentation and ASan + UBSan (with
# LeakSanitizer, on by default with ASan on Linux); only the harnesses link libFuzzer's main.
if(NEURO_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "NEURO_FUZZ needs clang (the fuzz preset uses clang++-14); "
                        "this compiler is ${CMAKE_CXX_COMPILER_ID}")
  endif()
  # -Wno-pass-failed: at -O1 under the sanitizers clang cannot vectorize the DSP's `omp simd`
  # loops and says so as a warning; speed does not matter here, coverage does.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                      -O1 -g -Wno-pass-failed)
  add_link_options(-fsanitize=address,undefined)
endif()
