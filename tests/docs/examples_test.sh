#!/usr/bin/env bash
# Every ```yaml block of the docs that holds a billet document (apiVersion: billet.dev/v1alpha1)
# must load with `billet lint -p`: the reference shows only what billet accepts.
# Usage: examples_test.sh BILLET REPO_ROOT
set -uo pipefail
billet=$1
root=$2
source "$(dirname "$0")/../cli/testlib.sh"

# extract FILE: writes each billet ```yaml block of FILE to $T/<name>-<line>.yaml, one per block.
extract() {
  # A block indented under a list item loses the indentation of its opening fence.
  awk -v out="$T/$(basename "$1" .md)" '
    !inside && /^ *```yaml[[:space:]]*$/ {
      inside = 1; start = NR; text = ""; indent = index($0, "`") - 1; next
    }
    inside && /^ *```[[:space:]]*$/ {
      inside = 0
      if (text ~ /apiVersion: billet\.dev\/v1alpha1/) printf "%s", text > (out "-" start ".yaml")
      next
    }
    inside { text = text substr($0, indent + 1) "\n" }
  ' "$1"
}

for doc in "$root"/README.md "$root"/docs/*.md; do extract "$doc"; done
blocks=$(find "$T" -name '*.yaml' | sort)
check "the docs hold billet examples" test -n "$blocks"
check "docs/reference.md holds at least 15 of them" \
  test "$(find "$T" -name 'reference-*.yaml' | wc -l)" -ge 15

for f in $blocks; do
  name=$(basename "$f" .yaml)   # <doc>-<line of the opening fence>
  # A block of Test documents only: the policy loader skips Tests, and `lint -p` on no policy
  # document is an error (exit 2) by design; `billet test` reads these.
  if ! grep '^kind: ' "$f" | grep -qv '^kind: Test$'; then continue; fi
  out=$("$billet" lint -p "$f" 2>&1)
  rc=$?
  [ $rc -eq 0 ] || echo "$out" | sed "s|$T/||"
  check "example $name loads" test $rc -eq 0
done
finish
