#!/usr/bin/env bash
# shellcheck disable=SC2016  # backticks in quotes are the README's markdown code spans
# Every command the README's tables document, run in its documented form with the smallest
# arguments that exercise it (the cases live in docs_cases.sh, one function each).
#   docs_test.sh --build DIR CASE   run one case: exit 0 passed, 1 failed, 77 skipped (says why)
#   docs_test.sh --build DIR readme every command of the README's tables has a case, and every
#                                   option its README line lists appears in its --help; for
#                                   neuroperf, also every option of `neuroperf CMD --help` is on
#                                   CMD's README line and every command of `neuroperf --help` has one
#   docs_test.sh --list             the case names (scripts/CMakeLists.txt registers docs.<case>)
# DIR is the CMake build tree whose binaries the cases run (build/release for the README's forms).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/docs_cases.sh"

readme="$NEURO_ROOT/README.md"
cases_file="$NEURO_ROOT/scripts/tests/docs_cases.sh"

fail() { printf 'docs %s: %s\n' "${case_name:-}" "$*" >&2; exit 1; }
skip() { printf 'docs %s: skipped: %s\n' "${case_name:-}" "$*" >&2; exit 77; }

# expect CODE COMMAND...: runs the command with its stdout in $work/stdout and its stderr in
# $work/stderr; fails unless it exits CODE.
expect() {
  local want=$1 code=0
  shift
  "$@" >"$work/stdout" 2>"$work/stderr" || code=$?
  [[ $code -eq $want ]] || {
    tail -20 "$work/stderr" >&2
    fail "'$*' exited $code, expected $want"
  }
}
# contains FILE REGEX [WHAT]: FILE has a line matching the extended regex.
contains() {
  grep -qE -- "$2" "$1" || { tail -20 "$1" >&2; fail "${3:-$1} lacks /$2/"; }
}
# json FILE PYTHON_EXPRESSION: FILE is valid JSON and the expression (over `d`) is true.
json() {
  /usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$1" "$2" 2>"$work/json.err" ||
    { cat "$work/json.err" >&2; fail "$1: not valid JSON or not ($2)"; }
}
# The README's forms build and use build/release; another build tree (asan, debug) skips them.
release_only() {
  [[ $build -ef $NEURO_ROOT/build/release ]] ||
    skip "the documented form uses build/release; this run tests $build"
}

# readme_commands: "LINE<TAB>KEY<TAB>SPAN" for every command of the README's command tables (the
# code spans of a `| command | what |` table's first column). KEY names the command: the program
# (python's script), plus the subcommand for neuroperf and the label for ctest; a bare name
# (`pg_write_anchor.sh`) takes the folder of the span before it.
readme_commands() {
  awk '
    /^\| *command *\|/ { in_table = 1; next }
    in_table && !/^\|/ { in_table = 0 }
    !in_table || /^\|[-: |]+\|$/ { next }
    {
      row = $0
      gsub(/\\\|/, "\001", row)          # escaped pipes stay in the cell
      split(row, cells, "|")
      cell = cells[2]
      dir = ""
      while (match(cell, /`[^`]+`/)) {
        span = substr(cell, RSTART + 1, RLENGTH - 2)
        cell = substr(cell, RSTART + RLENGTH)
        gsub(/\001/, "|", span)
        n = split(span, w, " ")
        i = 1
        if (w[1] ~ /python3$/) i = 2
        program = w[i]
        if (program !~ /\//) { if (dir != "") program = dir program }
        else { dir = program; sub(/[^\/]*$/, "", dir) }
        key = program
        if (program ~ /(^|\/)neuroperf$/) key = "neuroperf " w[i + 1]
        if (program == "ctest") for (j = i; j < n; j++) if (w[j] == "-L") key = "ctest -L " w[j + 1]
        printf "%d\t%s\t%s\n", NR, key, span
      }
    }' "$readme"
}

# help_text KEY: what the command prints for --help (exit 0 required).
help_text() {
  local key=$1 neuroperf="$build/tools/cli/neuroperf"
  case $key in
    "neuroperf "*) "$neuroperf" "${key#neuroperf }" --help ;;
    "ctest -L "*) ctest --help ;;
    build/release/*) "$build/${key#build/release/}" --help ;;
    *.py) /usr/bin/python3 "$NEURO_ROOT/$key" --help ;;
    *) "$NEURO_ROOT/$key" --help ;;
  esac
}

# help_options TEXT: the long options a --help text names (--help itself aside), one a line.
help_options() {
  grep -oE -- '--[A-Za-z0-9][A-Za-z0-9_-]*' <<<"$1" | grep -vx -- '--help' | sort -u || true
}

# neuroperf_commands: the commands `neuroperf --help` lists, one a line.
neuroperf_commands() {
  "$build/tools/cli/neuroperf" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }
    on && /^$/ { on = 0 }'
}

# check_neuroperf_options KEY LINE README_OPTIONS: the other direction for a neuroperf command:
# every option its --help lists is on its README line(s). Prints one line a problem; returns
# their count.
check_neuroperf_options() {
  local key=$1 line=$2 listed=$3 option count=0
  for option in $(help_options "$(help_text "$key" 2>&1)"); do
    grep -qxF -- "$option" <<<"$listed" || {
      printf 'README.md:%s: `%s --help` lists %s, the README does not\n' "$line" "$key" \
        "$option" >&2
      count=$((count + 1))
    }
  done
  return "$count"
}

check_readme() {
  local line key span name names missing problems=0 text option options count
  local -A neuroperf_line=() neuroperf_listed=()
  while IFS=$'\t' read -r line key span; do
    names=${docs_case_for[$key]:-}
    missing=$([[ -n $names ]] || echo none)
    for name in $names; do
      declare -F "case_$name" >/dev/null || missing+=" case_$name"
    done
    if [[ -n $missing ]]; then
      printf 'README.md:%s: `%s` has no docs case. Add one to %s: an entry\n' "$line" "$key" \
        "$cases_file" >&2
      printf '  [%q]=NAME in docs_case_for and a function case_NAME that runs `%s` in its\n' \
        "$key" "$span" >&2
      printf '  documented form with the smallest arguments and checks its exit code and files\n' >&2
      printf '  (fail/skip/expect helpers in docs_test.sh); CMake registers docs.NAME on the next\n' >&2
      printf '  configure.\n' >&2
      problems=$((problems + 1))
      continue
    fi
    text=$(help_text "$key" 2>&1) || {
      printf 'README.md:%s: `%s --help` exited non-zero:\n%s\n' "$line" "$key" "$text" >&2
      problems=$((problems + 1))
      continue
    }
    options=$(grep -oE -- '--[A-Za-z0-9][A-Za-z0-9_-]*' <<<"$span" || true)
    if [[ $key == "neuroperf "* ]]; then
      neuroperf_line[$key]=${neuroperf_line[$key]:-$line}
      neuroperf_listed[$key]+="$options"$'\n'
    fi
    for option in $options; do
      grep -qE -- "(^|[^A-Za-z0-9_-])$option([^A-Za-z0-9_-]|$)" <<<"$text" || {
        printf 'README.md:%s: `%s`: the README lists %s, its --help does not\n' "$line" "$key" \
          "$option" >&2
        problems=$((problems + 1))
      }
    done
  done < <(readme_commands)
  for key in "${!neuroperf_line[@]}"; do
    count=0
    check_neuroperf_options "$key" "${neuroperf_line[$key]}" "${neuroperf_listed[$key]}" ||
      count=$?
    problems=$((problems + count))
  done
  for name in $(neuroperf_commands); do
    [[ -n ${neuroperf_line["neuroperf $name"]:-} ]] || {
      printf 'README.md: `neuroperf %s` (in neuroperf --help) has no row in a command table\n' \
        "$name" >&2
      problems=$((problems + 1))
    }
  done
  [[ $(readme_commands | wc -l) -gt 0 ]] || fail "found no command table in $readme"
  [[ $problems -eq 0 ]] || fail "$problems problem(s) between README.md and the commands"
  echo "docs readme: $(readme_commands | wc -l) documented commands, each with a case and its options in --help (neuroperf's: exactly)"
}

build=
case_name=
while [[ $# -gt 0 ]]; do
  case $1 in
    --build) build=$(cd "${2:?--build needs a directory}" && pwd); shift 2 ;;
    --list) declare -F | sed -n 's/^declare -f case_//p'; exit 0 ;;
    -h | --help) neuro_help; exit 0 ;;
    -*) die 2 "unknown option '$1' (try --help)" ;;
    *) case_name=$1; shift ;;
  esac
done
[[ -n $build && -n $case_name ]] || die 2 "usage: docs_test.sh --build DIR CASE|readme (try --help)"
work=$(mktemp -d -t "neuroperf-docs-$case_name.XXXXXX")
neuro_on_exit rm -rf "$work"
if [[ $case_name == readme ]]; then
  check_readme
  exit 0
fi
declare -F "case_$case_name" >/dev/null || die 2 "no case '$case_name' (docs_test.sh --list)"
"case_$case_name"
echo "docs $case_name: ok"
