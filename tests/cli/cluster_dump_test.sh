#!/usr/bin/env bash
# `audit` of a cluster dump: a generated 50,000-object `kind: List` shaped like
# `kubectl get deploy,pods -A -o yaml` (managedFields, status, no alias) is read item by item and
# reported, not mistaken for an alias bomb. Prints the time and peak memory it took.
#
#   cluster_dump_test.sh BILLET REPO_ROOT [COUNT]
set -uo pipefail
billet=$1
root=$2
count=${3:-50000}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/testlib.sh"

dump=$T/dump.yaml
bash "$here/gen_cluster_dump.sh" "$count" > "$dump"
echo "generated $count objects, $(($(stat -c %s "$dump") / 1048576)) MiB"

timed=()
[ -x /usr/bin/time ] && timed=(/usr/bin/time -v -o "$T/time")
start=$(date +%s.%N)
"${timed[@]}" "$billet" audit -p "$root/manifests/policies" -f "$dump" --output policyreport \
  > "$T/reports.yaml" 2> "$T/stderr"
rc=$?
end=$(date +%s.%N)
echo "audit: exit $rc in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
if [ -f "$T/time" ]; then
  awk -F': ' '/Maximum resident set size/ { printf "peak RSS: %d MiB\n", $2 / 1024 }' "$T/time"
fi

check "audit of the dump exits 0" test "$rc" -eq 0
check "no alias-bomb error" bash -c "! grep -q 'aliases expand' '$T/stderr'"
head -c 2000 "$T/stderr"
# One PolicyReport per namespace (the generator spreads workloads over up to 400).
workloads=$(((count + 1) / 2))
namespaces=$((workloads < 400 ? workloads : 400))
reports=$(grep -c '^kind: PolicyReport$' "$T/reports.yaml")
echo "reports: $reports"
check "one report per namespace" test "$reports" -eq "$namespaces"
check "the last object is reported" grep -q "name: app-$(((count - 1) / 2))\$" "$T/reports.yaml"
check "GPU workloads get the placement" grep -q 'would add /spec/template/spec/tolerations' \
  "$T/reports.yaml"
finish
