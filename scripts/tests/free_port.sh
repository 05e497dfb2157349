# shellcheck shell=bash
# Sourced by the tests that start services of their own. free_port LOW prints a port in
# [LOW, LOW+1000) that no socket uses. Each test takes its own LOW below 32768: Linux hands out
# client ports from 32768-60999, so a port there can be taken by any concurrent test's connection
# (scripts.services once lost its PostgreSQL port that way under ctest -j2).
free_port() {
  local low=$1 port _
  for _ in {1..50}; do
    port=$((low + RANDOM % 1000))
    if [[ -z $(ss -Htan "( sport = :$port )") ]]; then
      echo "$port"
      return 0
    fi
  done
  echo "free_port: no free port in [$low, $((low + 1000)))" >&2
  return 1
}
