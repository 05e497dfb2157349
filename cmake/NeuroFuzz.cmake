# neuro_add_fuzz_harness(<name> SOURCES ... [DEPS ...]) -> executable fuzz_<name>.
# Under the fuzz preset (NEURO_FUZZ, clang) it links libFuzzer and `scripts/fuzz <name>` runs it.
# In every other build it links fuzz/replay_main.cpp instead, and the CTest `fuzz.<name>`
# (label fuzz) replays fixtures/fuzz/<name>/: the seed corpus and every crash found so far.
function(neuro_add_fuzz_harness name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  set(corpus ${PROJECT_SOURCE_DIR}/fixtures/fuzz/${name})
  if(NOT IS_DIRECTORY ${corpus})
    message(FATAL_ERROR "fuzz harness ${name}: no seed corpus at ${corpus}")
  endif()
  if(NEURO_FUZZ)
    add_executable(fuzz_${name} ${ARG_SOURCES})
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
  else()
    add_executable(fuzz_${name} ${ARG_SOURCES} ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cpp)
  endif()
  neuro_target_options(fuzz_${name})
  target_link_libraries(fuzz_${name} PRIVATE ${ARG_DEPS})
  set_target_properties(fuzz_${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/fuzz)
  if(NOT NEURO_FUZZ)
    add_test(NAME fuzz.${name} COMMAND fuzz_${name} ${corpus})
    set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz TIMEOUT 300)
  endif()
endfunction()
