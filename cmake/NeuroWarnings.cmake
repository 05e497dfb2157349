# Warnings are errors in our code only; system headers (Eigen, libtorch) come in as SYSTEM.
function(neuro_target_options target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -fno-omit-frame-pointer)
  if(NEURO_ARCH)
    target_compile_options(${target} PRIVATE -march=${NEURO_ARCH})
  endif()
  target_include_directories(${target} PUBLIC "${PROJECT_SOURCE_DIR}")
endfunction()
