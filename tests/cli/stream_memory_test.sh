#!/usr/bin/env bash
# Offline memory is bounded by the largest document, not by the input (issue 12): `lint --output
# json` and `audit --output policyreport` of a generated COUNT-object cluster dump (one
# `kind: List`, tests/cli/gen_cluster_dump.sh) with the bundled pack each peak under LIMIT MiB
# (GNU time's maximum RSS), and print every object.
#
#   stream_memory_test.sh BILLET REPO_ROOT [COUNT] [LIMIT_MIB]
set -uo pipefail
billet=$1
root=$2
count=${3:-20000}
limit=${4:-200}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/testlib.sh"
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time)"; exit 1; }

dump=$T/dump.yaml
bash "$here/gen_cluster_dump.sh" "$count" > "$dump"
echo "generated $count objects, $(($(stat -c %s "$dump") / 1048576)) MiB"
last="app-$(((count - 1) / 2))"

peak() {  # the last line of GNU time's output holds the figures, whatever the exit status
  tail -n 1 "$T/time" | awk '{ printf "%d", $2 / 1024 }'
}

/usr/bin/time -f '%e %M' -o "$T/time" "$billet" lint -p "$root/manifests/policies" -f "$dump" \
  --output json > "$T/lint.json" 2> "$T/lint.err"
rc=$?
echo "lint --output json: exit $rc, $(tail -n 1 "$T/time" | cut -d' ' -f1) s, peak $(peak) MiB"
check "lint ran (exit 0 or 1)" test "$rc" -le 1
check "lint's JSON lists every object" test "$(jq '.resources | length' "$T/lint.json")" -eq "$count"
check "lint peaks under $limit MiB" test "$(peak)" -lt "$limit"

/usr/bin/time -f '%e %M' -o "$T/time" "$billet" audit -p "$root/manifests/policies" -f "$dump" \
  --output policyreport > "$T/reports.yaml" 2> "$T/audit.err"
rc=$?
echo "audit --output policyreport: exit $rc, $(tail -n 1 "$T/time" | cut -d' ' -f1) s, peak $(peak) MiB"
check "audit exits 0" test "$rc" -eq 0
check "audit reports the last object" grep -q "name: $last-7d4b9c-x" "$T/reports.yaml"
check "audit peaks under $limit MiB" test "$(peak)" -lt "$limit"
head -c 1000 "$T/audit.err"
finish
