# Warnings are errors in our code only; system headers (Eigen, libtorch) come in as SYSTEM.
function(neuro_target_options target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -fno-omit-frame-pointer)
  # ASan's instrumentation makes GCC 12 report maybe-uninitialized inside libstdc++ (std::regex,
  # std::function) where nothing is uninitialized; the release build keeps the warning.
  if(NEURO_SANITIZE)
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
  if(NEURO_ARCH)
    target_compile_options(${target} PRIVATE -march=${NEURO_ARCH})
  endif()
  target_include_directories(${target} PUBLIC "${PROJECT_SOURCE_DIR}")
endfunction()
