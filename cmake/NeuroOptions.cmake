# Build options shared by every target: native SIMD, frame pointers for perf, sanitizers.
option(NEURO_NATIVE_ARCH "Compile our code for this machine's SIMD (-march=native)" ON)
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
