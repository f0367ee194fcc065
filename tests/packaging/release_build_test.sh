#!/usr/bin/env bash
# The release build (scripts/build-release.sh: profile-guided and link-time optimized, what the
# image ships) behaves as the test suite's build: for every sample review on both endpoints,
# `billet review` prints the same bytes and exits alike (malformed reviews included), and
# `lint`, `audit` and `test` on the bundled pack and examples print the same and exit alike.
# The optimizations change how the code runs, never what it answers; a difference here is a bug
# (undefined behaviour that one build exposes) to be fixed, not a figure to accept.
# Usage: release_build_test.sh BILLET RELEASE_BILLET SOURCE_DIR   (scripts/test.sh runs it)
set -uo pipefail
BILLET=$1
RELEASE=$2
SRC=$3
source "$SRC/tests/cli/testlib.sh"
cd "$SRC"

same() {  # same NAME ARGS...: both binaries print the same stdout and stderr and exit alike
  local name=$1
  shift
  "$BILLET" "$@" >"$T/a.out" 2>"$T/a.err"
  local a=$?
  "$RELEASE" "$@" >"$T/b.out" 2>"$T/b.err"
  local b=$?
  check "$name: exit $a = $b" [ "$a" = "$b" ]
  check "$name: same stdout" cmp -s "$T/a.out" "$T/b.out"
  check "$name: same stderr" cmp -s "$T/a.err" "$T/b.err"
}

reviews=(fuzz/corpus/admission_review/*.json manifests/reviews/*.json)
check "there are sample reviews (${#reviews[@]})" [ "${#reviews[@]}" -ge 10 ]
for review in "${reviews[@]}"; do
  for endpoint in mutate validate; do
    same "review $endpoint $review" review -p manifests/policies --endpoint "$endpoint" "$review"
  done
done
same "lint --output json --patched" lint -p manifests/policies -f manifests/examples --output json --patched
same "lint --explain" lint -p manifests/policies -f manifests/examples --explain
# (not policyreport: its reports carry the time they were made)
same "audit --output json" audit -p manifests/policies -f manifests/examples --output json
same "audit --output sarif" audit -p manifests/policies -f manifests/examples --output sarif
same "test" test manifests/tests
"$RELEASE" version | grep -q .
check "the release billet prints its version" [ $? -eq 0 ]
finish
