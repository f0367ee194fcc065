#!/usr/bin/env bash
# bench/targets.sh still works with the benchmarks under it (admission_benchmark,
# bench/server/run.sh, bench/server/memory.sh, bench/offline.sh): with QUICK=1 every target of
# issue 12 gets its row, with a measured figure and a verdict, and the count it closes with is
# the count of rows that say yes. The figures themselves are not checked: a test times nothing.
#   targets_test.sh ROOT BUILD_DIR
set -euo pipefail
root=$1
build=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; cat "$work/out" >&2 2>/dev/null || true; exit 1; }

# Without the binaries it refuses, naming what is missing.
if bash "$root/bench/targets.sh" "$work" > "$work/out" 2> "$work/err"; then
  fail "targets.sh ran without a build"
fi
grep -q "no $work/billet (build first)" "$work/err" || fail "unexpected error: $(cat "$work/err")"

QUICK=1 bash "$root/bench/targets.sh" "$build" > "$work/out" 2> "$work/err" ||
  { cat "$work/err" >&2; fail "targets.sh exited non-zero"; }
grep -q '^| target (issue 12) | measured | met? |$' "$work/out" || fail "no table header"
awk -F' [|] ' '/^\| / && !/^\| target \(issue 12\)/ { print }' "$work/out" > "$work/rows"
[[ $(wc -l < "$work/rows") -eq 8 ]] || fail "expected 8 target rows"
yes=0
while IFS= read -r row; do
  IFS='|' read -r _ target measured verdict _ <<< "$row"
  [[ "$measured" =~ [0-9] ]] || fail "no figure for$target"
  verdict="${verdict# }" verdict="${verdict% }"
  case "$verdict" in
    yes) yes=$((yes + 1)) ;;
    no | "no ("*) ;;
    *) fail "verdict '$verdict' for$target" ;;
  esac
done < "$work/rows"
for target in "over TLS, 32 connections" "p99 at 8 connections" "in process, \`/mutate\`" \
  "flat cost" "RSS with the bundled pack" "RSS with 10,000 policies" \
  "offline: 200 objects" "offline: under 200 MiB"; do
  grep -qF "| $target" "$work/rows" || fail "no row for '$target'"
done
grep -qx "$yes of 8 targets met" "$work/out" || fail "the closing count is not the rows' ($yes)"
grep -q 'QUICK=1: the figures mean nothing' "$work/out" || fail "a quick run does not say so"
grep -Eq "^Before any policy is read, a review parses the sample .*: [0-9.]+ µs; simdjson's validating parse of it on the same core: [0-9.]+ µs\.$" \
  "$work/out" || fail "no line for the parse alone"
echo "ok: 8 rows, $yes met"
