# neuro_add_library / neuro_add_test / neuro_add_benchmark: every target gets the same warnings,
# include root, labels and (for benchmarks) a smoke test proving it still runs and emits counters.
include(GoogleTest)

# neuro_add_library(<module> SOURCES ... [DEPS ...]) -> static library neuro_<module>, alias
# neuro::<module>.
function(neuro_add_library module)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(neuro_${module} STATIC ${ARG_SOURCES})
  add_library(neuro::${module} ALIAS neuro_${module})
  neuro_target_options(neuro_${module})
  target_link_libraries(neuro_${module} PUBLIC ${ARG_DEPS})
endfunction()

# neuro_skip_tidy(<target>...): the `tidy` preset leaves these targets out. clang-tidy 14 cannot
# compile libtorch's headers as C++20 (ATen/core/ivalue_inl.h: "incomplete type c10::IValue"), so
# the few targets whose sources include them are checked by GCC's warnings only.
function(neuro_skip_tidy)
  set_target_properties(${ARGN} PROPERTIES CXX_CLANG_TIDY "")
endfunction()

# neuro_add_test(<name> SOURCES ... [DEPS ...] [LABELS ...]) -> one GoogleTest binary; each test
# case becomes a CTest test carrying the labels (default: unit).
function(neuro_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  neuro_target_options(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    NEURO_FIXTURES_DIR="${PROJECT_SOURCE_DIR}/fixtures")
  # NO_PRETTY_VALUES: a parameterised case is named by its index or its name generator, not by
  # its printed parameter (bytes or addresses that make 300-column lines and change per build).
  # CTest names are <binary without _test>.<Suite>.<Test>: short enough that `ctest` lines fit
  # 100 columns (scripts/tests/test_names_test.sh keeps them so).
  string(REGEX REPLACE "_test$" "" prefix "${name}")
  gtest_discover_tests(${name}
    TEST_PREFIX "${prefix}."
    NO_PRETTY_VALUES
    PROPERTIES LABELS "${ARG_LABELS}"
    DISCOVERY_MODE PRE_TEST)
endfunction()

# neuro_add_benchmark(<name> SOURCES ... [DEPS ...] [COUNTERS ...]) -> a Google Benchmark
# executable plus the CTest `smoke` test: one short run must write JSON with the counters.
# Every executable also carries calibration/machine_speed (benchmarks/common/calibration.cpp),
# compiled into it rather than linked from a library: nothing references its registration, so
# a static library's copy would be dropped by the linker.
function(neuro_add_benchmark name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;COUNTERS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES} ${PROJECT_SOURCE_DIR}/benchmarks/common/calibration.cpp)
  neuro_target_options(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark)
  # The run's context names the Google Benchmark library it was linked with, so the compare
  # gate can tell Debian's package (which calls itself a debug build) from a real debug build.
  get_target_property(benchmark_library benchmark::benchmark LOCATION)
  target_compile_definitions(${name} PRIVATE NEURO_BENCHMARK_LIBRARY="${benchmark_library}")
  # Every benchmark executable lands in <build>/benchmarks/, wherever its CMakeLists.txt is, so
  # scripts and users find them all in one place (subfolders use <name>.dir as binary dir).
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/benchmarks)
  set_property(GLOBAL APPEND PROPERTY NEURO_BENCHMARKS ${name})
  string(REPLACE ";" "," counters "${ARG_COUNTERS}")
  add_test(NAME smoke.${name}
    COMMAND ${CMAKE_COMMAND}
      -DBENCH=$<TARGET_FILE:${name}>
      -DOUT=${CMAKE_CURRENT_BINARY_DIR}/smoke_${name}.json
      -DCOUNTERS=${counters}
      -P ${PROJECT_SOURCE_DIR}/cmake/smoke_check.cmake)
  # NEUROPERF_BENCH_SMOKE asks benchmarks with large fixtures (10 M rows) for small ones.
  set_tests_properties(smoke.${name} PROPERTIES LABELS smoke TIMEOUT 600
    ENVIRONMENT NEUROPERF_BENCH_SMOKE=1 SKIP_REGULAR_EXPRESSION "smoke: skipped")
  # `ctest -L bench`: repetitions compared with this machine's baseline (baselines/<machine-key>/,
  # else a local one; scripts/baselines.sh); 77 (skip) when there is none yet (the run is then
  # recorded as the local baseline).
  add_test(NAME bench.${name}
    COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/bench-check $<TARGET_FILE:${name}>)
  set_tests_properties(bench.${name} PROPERTIES LABELS bench SKIP_RETURN_CODE 77 TIMEOUT 1800
                                                RUN_SERIAL TRUE)
endfunction()
