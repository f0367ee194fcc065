#!/usr/bin/env bash
# Instructions per review, counted by callgrind: a noise-free figure for the in-process path
# (parse → evaluate → serialize), unlike wall-clock time on a shared machine.
#
#   bash bench/callgrind.sh [BUILD_DIR]        # default build/
#
# For each case, runs build/bench/review_loop twice under callgrind, collecting only inside
# admission::handleReview, with 0 and N reviews after one warm-up; (Ir(N) - Ir(0)) / N is the cost
# of one review, warm-up and policy loading excluded. CASES may name a subset
# ("mutate validate mutate:1000:0 …" as endpoint:other-kind:matching). Needs valgrind.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
loop="$build/bench/review_loop"
[[ -x "$loop" ]] || { echo "callgrind: no $loop (build first)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "callgrind: valgrind is not installed" >&2; exit 1; }
n="${N:-200}"
cases="${CASES:-mutate validate mutate:10000:0 validate:10000:0}"
tmp="$(mktemp -d /tmp/billet-callgrind.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT

count() {  # endpoint iterations other matching -> instructions collected
  valgrind --tool=callgrind --callgrind-out-file="$tmp/out" \
    --toggle-collect='billet::admission::handleReview*' "$loop" "$1" "$2" "$3" "$4" \
    >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
  awk '/^summary:/{print $2}' "$tmp/out"
}

printf '%-34s %14s\n' "case (endpoint:other-kind:matching)" "Ir per review"
for c in $cases; do
  IFS=: read -r endpoint other matching _ <<<"$c:0:0"
  other="${other:-0}" matching="${matching:-0}"
  base="$(count "$endpoint" 0 "$other" "$matching")"
  total="$(count "$endpoint" "$n" "$other" "$matching")"
  printf '%-34s %14s\n' "$endpoint:$other:$matching" "$(( (total - base) / n ))"
done
