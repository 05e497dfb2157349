#!/usr/bin/env bash
# Runs shellcheck over every shell script below scripts/ (by shebang or `# shellcheck shell=`
# directive); any finding fails. 77 when shellcheck is not installed (scripts/setup installs it).
set -euo pipefail
scripts="$(cd "$(dirname "$0")/.." && pwd)"
command -v shellcheck >/dev/null ||
  { echo "shellcheck_test: shellcheck not installed (scripts/setup installs it): skipped" >&2; exit 77; }
files=()
while IFS= read -r -d '' file; do
  first=$(sed -n '1p' "$file")
  if [[ $first == '#!'*sh || $first == '#!'*bash ]] || grep -q '^# shellcheck shell=' "$file"; then
    files+=("$file")
  fi
done < <(find "$scripts" -type f ! -name '*.py' ! -name '*.txt' ! -name '*.md' -print0 | sort -z)
[[ ${#files[@]} -ge 10 ]] || { echo "shellcheck_test: found only ${#files[@]} scripts below $scripts" >&2; exit 1; }
# From inside scripts/ so that .shellcheckrc there applies whatever the caller's directory.
cd "$scripts"
shellcheck "${files[@]}"
echo "shellcheck_test: ${#files[@]} scripts clean"
