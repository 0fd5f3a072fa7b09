#!/usr/bin/env bash
# `npm run mutants [guard|engine] [cargo-mutants options]`: mutation testing with cargo-mutants (installed when missing).
# It changes the code one small way at a time (a condition negated, a value replaced, a body
# emptied) and runs the tests against each change; a change no test notices is a "missed"
# mutant, a place the tests do not hold.
#   guard:  the server's guard code, origins.rs (cross-origin and rebinding), outbound.rs
#           (the SSRF guard of URL inputs and webhooks) and secrets.rs (masked passwords),
#           against the server's unit tests and the integration tests that exercise them;
#   engine: extract, split and classify, against the server's unit and integration tests.
# Both run by default. bench/mutants.md is written from the latest results of each group, with
# the explanation of each missed guard mutant from bench/mutants-explained.json; one without an explanation is
# marked so (and the command fails).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1mmutants:\033[0m %s\n' "$*"; }
# Words are groups; anything from the first option on goes to cargo mutants (e.g. --shard 0/8).
groups=()
while [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; do groups+=("$1"); shift; done
[ ${#groups[@]} -gt 0 ] || groups=(guard engine)
extra=("$@")

if ! cargo mutants --version >/dev/null 2>&1; then
  say "installing cargo-mutants from crates.io"
  cargo install cargo-mutants --locked
fi

out=target/mutants
mkdir -p "$out"
# run_group NAME "TEST FILTERS" FILES...: the lib's unit tests and the integration tests whose
# names hold one of the filters, against each mutant of FILES.
run_group() {
  local group="$1" filters="$2"
  shift 2
  local files=()
  for file in "$@"; do files+=(--file "$file"); done
  say "$group: $* (tests: $filters)"
  # Exit code 2 means some mutants were missed, 3 that some timed out: what the report is for.
  local status=0
  mkdir -p "$out/$group"
  echo "$group ${extra[*]}" > "$out/$group/command"
  cargo mutants --package reducto-local --no-shuffle --timeout-multiplier 3 --output "$out/$group" \
    "${files[@]}" "${extra[@]}" -- --lib --test it -- $filters || status=$?
  [ "$status" -eq 0 ] || [ "$status" -eq 2 ] || [ "$status" -eq 3 ]
}

for group in "${groups[@]}"; do
  case "$group" in
    guard) run_group guard "origins fetch secrets hostile urls api:: webhook" \
      server/src/origins.rs server/src/outbound.rs server/src/secrets.rs ;;
    engine) run_group engine "extract split classify engine:: documents schemas resources" \
      server/src/engine/extract/mod.rs server/src/engine/split.rs server/src/engine/classify.rs ;;
    *) echo "unknown group $group (guard or engine)" >&2; exit 64 ;;
  esac
done

node scripts/mutants-report.mjs "$out"
