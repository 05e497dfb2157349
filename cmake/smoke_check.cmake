# Runs one benchmark executable briefly and checks its JSON: every benchmark ran without error
# and reports each named counter (throughput counters are not silently dropped; the
# calibration/ benchmark every executable carries is exempt). Invoked by the
# `smoke` CTest label with -DBENCH, -DOUT and -DCOUNTERS (comma list). A benchmark whose service
# is down reports an error starting "service unavailable"; then the test is skipped (the CTest
# property SKIP_REGULAR_EXPRESSION matches "smoke: skipped"), not failed.
cmake_minimum_required(VERSION 3.25)
execute_process(
  COMMAND "${BENCH}" --benchmark_min_time=0.001 --benchmark_repetitions=1
          "--benchmark_out=${OUT}" --benchmark_out_format=json
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "smoke: ${BENCH} exited ${rc}: ${err}")
endif()
file(READ "${OUT}" json)
string(JSON count ERROR_VARIABLE jerr LENGTH "${json}" benchmarks)
if(jerr OR count EQUAL 0)
  message(FATAL_ERROR "smoke: ${OUT}: no benchmarks array (${jerr})")
endif()
string(REPLACE "," ";" wanted "${COUNTERS}")
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  string(JSON name GET "${json}" benchmarks ${i} name)
  string(JSON errored ERROR_VARIABLE none GET "${json}" benchmarks ${i} error_occurred)
  if(errored STREQUAL "ON" OR errored STREQUAL "true")
    string(JSON why ERROR_VARIABLE none GET "${json}" benchmarks ${i} error_message)
    if(why MATCHES "^service unavailable")
      message(STATUS "smoke: skipped: ${name}: ${why}")
      return()
    endif()
    message(FATAL_ERROR "smoke: ${OUT}: benchmark ${name} errored: ${why}")
  endif()
  if(name MATCHES "^calibration/")
    continue()  # the machine-speed reference has no throughput counters of its own
  endif()
  foreach(counter IN LISTS wanted)
    string(JSON value ERROR_VARIABLE missing GET "${json}" benchmarks ${i} ${counter})
    if(missing)
      message(FATAL_ERROR "smoke: ${OUT}: benchmark ${name} has no counter '${counter}'")
    endif()
  endforeach()
endforeach()
message(STATUS "smoke: ${count} benchmarks ok in ${OUT}")
