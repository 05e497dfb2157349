#!/usr/bin/env bash
# Checks that our C++ (engine/, load/, tools/, benchmarks/) is formatted by clang-format with the
# repository's .clang-format; fails naming every file that is not. 77 when clang-format is not
# installed (scripts/setup installs Debian's).
#   format_test.sh        check; fix what it names with `clang-format -i FILE...`
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
case ${1:-} in
  -h | --help) neuro_help; exit 0 ;;
  "") ;;
  *) die 2 "unknown argument '$1' (try --help)" ;;
esac
command -v clang-format >/dev/null ||
  { echo "format_test: clang-format not installed (scripts/setup installs it): skipped" >&2; exit 77; }
cd "$NEURO_ROOT"
# The check must be able to fail: a badly spaced line is reported with this configuration.
if printf 'int  f( int x ){return x;}\n' |
  clang-format --dry-run -Werror --assume-filename=x.cpp >/dev/null 2>&1; then
  echo "format_test: clang-format accepted a misformatted line: the check cannot fail" >&2
  exit 1
fi
files=()
while IFS= read -r -d '' file; do files+=("$file"); done < <(
  find engine load tools benchmarks -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \
    -o -name '*.cc' \) -print0 | sort -z)
[[ ${#files[@]} -ge 100 ]] || { echo "format_test: found only ${#files[@]} C++ files" >&2; exit 1; }
# One clang-format for all the files: it names each offending file:line on stderr.
report=$(clang-format --dry-run -Werror "${files[@]}" 2>&1 >/dev/null) || true
mapfile -t bad < <(sed -n 's/^\([^: ]*\):[0-9]*:[0-9]*: error: .*/\1/p' <<<"$report" | sort -u)
if [[ ${#bad[@]} -eq 0 && -n $report ]]; then
  printf 'format_test: clang-format failed:\n%s\n' "$report" >&2
  exit 1
fi
if [[ ${#bad[@]} -gt 0 ]]; then
  printf 'format_test: not formatted (%s): %s\n' "$(clang-format --version)" "${bad[*]}" >&2
  printf 'format_test: fix with: clang-format -i %s\n' "${bad[*]}" >&2
  exit 1
fi
echo "format_test: ${#files[@]} C++ files formatted ($(clang-format --version))"
