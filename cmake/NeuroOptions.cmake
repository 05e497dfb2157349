# Build options shared by every target: native SIMD, frame pointers for perf, sanitizers.
set(NEURO_ARCH "native" CACHE STRING
    "-march for our code: native (this machine's SIMD), x86-64-v3 (AVX2, what valgrind decodes), or empty")
option(NEURO_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()
# -O3 for the kernels we measure; CMake's default Release is -O3 already, said here on purpose.
set(CMAKE_CXX_FLAGS_RELEASE "-O3 -DNDEBUG")

if(NEURO_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -O1 -g)
  add_link_options(-fsanitize=address,undefined)
endif()
