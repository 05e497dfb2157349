# neuroperf load / merge / report end to end: runs against the test server through
# load_cli_server, which replaces {URL} and {PID}. Run by CTest with -DNEUROPERF -DSERVER
# -DWORK -DSCENARIOS.
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

function(expect code pattern)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
  if(NOT rc EQUAL code)
    message(FATAL_ERROR "${ARGN}: exit ${rc}, expected ${code} (${err}${out})")
  endif()
  if(NOT "${err}${out}" MATCHES "${pattern}")
    message(FATAL_ERROR "${ARGN}: output '${err}${out}' lacks '${pattern}'")
  endif()
endfunction()

# A passing run writes the result document (and the report files when load/report is built).
expect(0 "160 requests, 0 errors.*-> PASS"
       "${SERVER}" "${NEUROPERF}" load "${SCENARIOS}/smoke.yaml" --target {URL} --quiet
       --target-pid {PID} --out "${WORK}/pass")
file(READ "${WORK}/pass/result.json" result)
string(JSON schema GET "${result}" schema)
string(JSON target_samples LENGTH "${result}" resources target)
if(NOT schema STREQUAL "neuroperf-load/1")
  message(FATAL_ERROR "result.json: schema '${schema}'")
endif()

# https:// runs on the libcurl engine; --insecure accepts the server's self-signed
# certificate, and without it every request is a counted TLS error (the run itself goes on;
# a failed first step ends its iteration, so 80 of the 160 requests are sent).
expect(0 "160 requests, 0 errors.*-> PASS"
       "${SERVER}" --tls "${NEUROPERF}" load "${SCENARIOS}/smoke.yaml" --target {URL} --quiet
       --insecure --out "${WORK}/tls")
file(READ "${WORK}/tls/result.json" result)
string(JSON engine GET "${result}" engine name)
string(JSON http1 GET "${result}" engine responses_by_http_version 1.1)
if(NOT engine STREQUAL "libcurl" OR NOT http1 EQUAL 160)
  message(FATAL_ERROR "tls/result.json: engine '${engine}', HTTP/1.1 answers '${http1}'")
endif()
expect(1 "80 requests, 80 errors.*-> FAIL"
       "${SERVER}" --tls "${NEUROPERF}" load "${SCENARIOS}/smoke.yaml" --target {URL} --quiet
       --out "${WORK}/tls-verify")
# A run without thresholds is not judged: it says so instead of PASS, and warns when requests
# failed (every one does here: the self-signed certificate is refused).
file(READ "${SCENARIOS}/smoke.yaml" smoke)
string(REGEX REPLACE "thresholds:.*" "" unjudged "${smoke}")
file(WRITE "${WORK}/unjudged.yaml" "${unjudged}")
expect(0 "80 of 80 requests failed, and no threshold judges them.*-> not judged \\(no thresholds\\)"
       "${SERVER}" --tls "${NEUROPERF}" load "${WORK}/unjudged.yaml" --target {URL} --quiet
       --out "${WORK}/unjudged")
file(READ "${WORK}/unjudged/summary.md" unjudged_md)
if(NOT unjudged_md MATCHES "not judged")
  message(FATAL_ERROR "unjudged/summary.md does not say 'not judged'")
endif()
# --http2 negotiates h2 through ALPN (skipped when the test server has no HTTP/2).
execute_process(COMMAND "${SERVER}" --tls --http2 "${NEUROPERF}" load "${SCENARIOS}/smoke.yaml"
                        --target {URL} --quiet --insecure --http2 --out "${WORK}/h2"
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0)
  file(READ "${WORK}/h2/result.json" result)
  string(JSON h2 GET "${result}" engine responses_by_http_version 2)
  if(NOT h2 EQUAL 160)
    message(FATAL_ERROR "h2/result.json: HTTP/2 answers '${h2}', expected 160")
  endif()
elseif(NOT rc EQUAL 77)
  message(FATAL_ERROR "--http2 run: exit ${rc} (${err})")
endif()
expect(2 "unknown option '--http3'"
       "${NEUROPERF}" load --http3 1 "${SCENARIOS}/smoke.yaml")

# Shards merge into the whole run's counts.
expect(0 "PASS" "${SERVER}" "${NEUROPERF}" load "${SCENARIOS}/smoke.yaml" --target {URL}
       --quiet --shard 0/2 --out "${WORK}/s0")
expect(0 "PASS" "${SERVER}" "${NEUROPERF}" load "${SCENARIOS}/smoke.yaml" --target {URL}
       --quiet --shard 1/2 --out "${WORK}/s1")
expect(0 "2 shards: 160 requests, 0 errors"
       "${NEUROPERF}" merge "${WORK}/s0/result.json" "${WORK}/s1/result.json"
       --out "${WORK}/merged.json")
expect(2 "appears twice"
       "${NEUROPERF}" merge "${WORK}/s0/result.json" "${WORK}/s0/result.json"
       --out "${WORK}/bad.json")

# A failing threshold is exit 1 and names the threshold.
file(WRITE "${WORK}/slow.yaml" "steps: [{path: /delay/5}]\n"
     "executor: {type: constant-users, users: 1, iterations: 3}\n"
     "thresholds: ['p99 < 1ms']\n")
expect(1 "threshold 'p99 < 1ms' failed: observed"
       "${SERVER}" "${NEUROPERF}" load "${WORK}/slow.yaml" --target {URL} --quiet
       --out "${WORK}/slow")

# The server's stall (the coordinated-omission anchor's scenario): 300 ms in every second at a
# fixed rate shows in p99, measured from the intended send time (about 300 ms: 200-399 allows
# for the scheduling of a loaded machine; a runner with coordinated omission would show a few
# ms); a bad --stall is exit 2.
file(WRITE "${WORK}/stall.yaml" "steps: [{path: /ok}]\n"
     "executor: {type: constant-rate, rate: 100, duration: 2s}\n"
     "thresholds: ['p99 < 100ms']\n")
expect(1 "threshold 'p99 < 100ms' failed: observed [23][0-9][0-9]\\.[0-9]+ ms"
       "${SERVER}" --stall 1000:300 "${NEUROPERF}" load "${WORK}/stall.yaml" --target {URL}
       --quiet --out "${WORK}/stall")
expect(2 "--stall: expected PERIOD_MS:STALL_MS, got '5:9'" "${SERVER}" --stall 5:9 "${NEUROPERF}")
expect(2 "--stall: expected PERIOD_MS:STALL_MS, got '1000:3x'" "${SERVER}" --stall 1000:3x
       "${NEUROPERF}")

# Bad input is exit 2 with file:line: field; an unreachable target is exit 3.
file(WRITE "${WORK}/bad.yaml" "target: http://127.0.0.1:1\nsteps: [{path: nope}]\n"
     "executor: {type: constant-users}\n")
expect(2 "bad.yaml:2: steps\\[0\\].path: expected a path starting with '/'.*bad.yaml:3: executor.users: missing"
       "${NEUROPERF}" load "${WORK}/bad.yaml" --out "${WORK}/bad")
expect(3 "http://127.0.0.1:1: cannot connect"
       "${NEUROPERF}" load "${SCENARIOS}/smoke.yaml" --target http://127.0.0.1:1 --quiet
       --out "${WORK}/down")
expect(2 "--shard: expected i/N" "${NEUROPERF}" load "${SCENARIOS}/smoke.yaml" --shard 2/2)
expect(2 "not valid JSON" "${NEUROPERF}" merge "${WORK}/bad.yaml" --out "${WORK}/x.json")
file(WRITE "${WORK}/other.json" "{\"schema\": \"other\"}")
expect(2 "other.json: \\$\\.schema: expected" "${NEUROPERF}" report "${WORK}/other.json")
if(EXISTS "${WORK}/pass/report.html")
  expect(0 "" "${NEUROPERF}" report "${WORK}/merged.json" --html "${WORK}/merged.html"
         --markdown "${WORK}/merged.md")
  if(NOT EXISTS "${WORK}/merged.html" OR NOT EXISTS "${WORK}/merged.md")
    message(FATAL_ERROR "neuroperf report did not write merged.html and merged.md")
  endif()
endif()
