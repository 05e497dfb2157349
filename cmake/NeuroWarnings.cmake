# Warnings are errors in our code only; system headers (Eigen, libtorch) come in as SYSTEM.
function(neuro_target_options target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -fno-omit-frame-pointer)
  # The DSP lanes are 8-double vectors (engine/dsp/sos_filter.hpp). On a CPU without AVX-512,
  # GCC notes that passing them by value has a different ABI than under AVX-512 (-Wpsabi); that
  # only matters across objects built with different -march, and every object here shares one.
  target_compile_options(${target} PRIVATE -Wno-psabi)
  # ASan's instrumentation makes GCC 12 report maybe-uninitialized inside libstdc++ (std::regex,
  # std::function) where nothing is uninitialized; the release build keeps the warning.
  if(NEURO_SANITIZE OR NEURO_TSAN)
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
  if(NEURO_TSAN)
    # GCC warns that TSan cannot see std::atomic_thread_fence (Asio uses it).
    target_compile_options(${target} PRIVATE -Wno-tsan)
  endif()
  if(NEURO_ARCH)
    target_compile_options(${target} PRIVATE -march=${NEURO_ARCH})
  endif()
  target_include_directories(${target} PUBLIC "${PROJECT_SOURCE_DIR}")
endfunction()
