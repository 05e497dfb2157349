# The CLI's error paths: each bad invocation exits with the documented code and one line that
# names what was wrong. Run by CTest (label unit) with -DNEUROPERF and -DWORK.
cmake_minimum_required(VERSION 3.25)

function(expect code pattern)
  execute_process(COMMAND "${NEUROPERF}" ${ARGN} RESULT_VARIABLE rc ERROR_VARIABLE err
                  OUTPUT_VARIABLE out)
  if(NOT rc EQUAL code)
    message(FATAL_ERROR "neuroperf ${ARGN}: exit ${rc}, expected ${code} (${err})")
  endif()
  if(NOT "${err}${out}" MATCHES "${pattern}")
    message(FATAL_ERROR "neuroperf ${ARGN}: output '${err}${out}' lacks '${pattern}'")
  endif()
endfunction()

expect(2 "usage: neuroperf")
expect(2 "unknown command 'frobnicate'" frobnicate)
expect(0 "commands:" --help)
expect(2 "/nonexistent: not a directory" summary /nonexistent)
file(MAKE_DIRECTORY "${WORK}/empty_run")
expect(2 "no bench_\\*.json files" summary "${WORK}/empty_run")
file(MAKE_DIRECTORY "${WORK}/bad_run")
file(WRITE "${WORK}/bad_run/bench_x.json" "{\"benchmarks\": [")
expect(2 "bench_x.json: not valid JSON" summary "${WORK}/bad_run")
expect(2 "--channels: expected a whole number from 1 to 4096, got 'many'" synth --channels many --out x)
expect(2 "--channels: expected a whole number from 1 to 4096, got '-1'" synth --channels -1 --out x)
expect(2 "--out FILE is required" synth --channels 2)
expect(2 "--channels: expected a whole number from 1 to 4096, got '0'" synth --channels 0 --out "${WORK}/x.f32")
expect(0 "2 x 500 float32" synth --channels 2 --samples 500 --rate 250 --out "${WORK}/x.f32")
file(SIZE "${WORK}/x.f32" size)
if(NOT size EQUAL 4000)
  message(FATAL_ERROR "synth wrote ${size} bytes, expected 2 x 500 x 4 = 4000")
endif()

# neuroperf compare (fixtures/compare, made by make_fixtures.py)
expect(0 "usage: neuroperf compare" compare --help)
expect(2 "expected BASELINE and CURRENT" compare "${FIXTURES}/identical_base.json")
expect(2 "unknown option '--frobnicate'" compare --frobnicate a b)
expect(2 "--format: expected text, markdown" compare a b --format yaml)
expect(2 "truncated.json: not valid JSON at \\$\\.benchmarks\\[1\\]"
       compare "${FIXTURES}/truncated.json" "${FIXTURES}/identical_cur.json")
expect(2 "wrong_type.json: \\$\\.benchmarks\\[2\\]\\.cpu_time: expected a number"
       compare "${FIXTURES}/identical_base.json" "${FIXTURES}/wrong_type.json")
expect(77 "another machine's baseline \\(cpu_model"
       compare "${FIXTURES}/foreign_base.json" "${FIXTURES}/identical_cur.json")
expect(0 "1 new, 1 ok -> PASS" compare "${FIXTURES}/foreign_base.json"
       "${FIXTURES}/identical_cur.json" --allow-foreign-baseline)
expect(1 "regressed +BM_Regressed"
       compare "${FIXTURES}/statuses_base.json" "${FIXTURES}/statuses_cur.json")
expect(0 "2 benchmarks: 2 ok -> PASS"
       compare "${FIXTURES}/identical_base.json" "${FIXTURES}/identical_cur.json")
expect(0 "1 suspect -> PASS"
       compare "${FIXTURES}/three_reps_base.json" "${FIXTURES}/three_reps_cur.json")
expect(1 "<failure" compare "${FIXTURES}/statuses_base.json" "${FIXTURES}/statuses_cur.json"
       --format junit)
expect(1 "-> FAIL" compare "${FIXTURES}/callgrind_base.json" "${FIXTURES}/callgrind_cur.json"
       --format json --out "${WORK}/compare.json")
file(READ "${WORK}/compare.json" compare_json)
if(NOT compare_json MATCHES "\"mode\": \"instructions\"")
  message(FATAL_ERROR "compare --format json --out did not write the instruction-mode report")
endif()
file(MAKE_DIRECTORY "${WORK}/new_baselines")
expect(0 "updated 1 baseline" compare "${WORK}/new_baselines/bench_y.json"
       "${FIXTURES}/identical_cur.json" --update-baseline)
expect(0 "2 ok" compare "${WORK}/new_baselines/bench_y.json" "${FIXTURES}/identical_cur.json")
expect(2 "not valid JSON" compare "${WORK}/new_baselines/bench_y.json"
       "${FIXTURES}/truncated.json" --update-baseline)

# The parser's own errors: one line naming the option or word, exit 2.
expect(2 "^neuroperf: unknown option '--frobnicate'" --frobnicate)
expect(2 "compare: --out: missing value" compare a b --out)
expect(2 "compare: unexpected argument 'c'" compare a b c)
expect(2 "merge: unknown option '--frobnicate'" merge a.json --frobnicate --out m.json)
expect(2 "--threads: expected an integer >= 1, got 'x'" load a.yaml --threads x)
expect(0 "2 ok" compare "${FIXTURES}/identical_base.json" "${FIXTURES}/identical_cur.json"
       --format=text)
expect(0 "commands:" help)
# A repeated option takes its last value.
expect(0 "-> PASS" compare "${FIXTURES}/identical_base.json" "${FIXTURES}/identical_cur.json"
       --format junit --format text)
# serve hands every word after it to the server binary unchanged, in order (echo stands in).
execute_process(COMMAND ${CMAKE_COMMAND} -E env NEUROPERF_SERVER_BIN=/bin/echo
                        "${NEUROPERF}" serve --listen 1:2 --help -x --a=b -- load "two words"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out STREQUAL "--listen 1:2 --help -x --a=b -- load two words\n")
  message(FATAL_ERROR "neuroperf serve passed '${out}' (exit ${rc}) to the server binary")
endif()
