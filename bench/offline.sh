#!/usr/bin/env bash
# `lint --output json` and `audit --output policyreport` on generated cluster dumps
# (tests/cli/gen_cluster_dump.sh: one `kind: List` as `kubectl get -A -o yaml` prints it), over
# a grid of objects x policies; prints the wall time, the CPU time (user + system) and the peak
# RSS (/usr/bin/time) of each cell, as a Markdown table. Generated policies are those of
# bench/bench_pack.h with `matching` set: two rules each (a label mutation and a name check) on
# Deployments, so that every one of them runs on half of the objects.
#
#   bench/offline.sh                          # the grid below (about 15 minutes on 2 cores)
#   CELLS="10000:0 50000:0" bench/offline.sh  # objects:generated-policies
#   FORMAT=json bench/offline.sh              # the dumps as JSON (`kubectl get -o json`)
#   WRAPPED=1 bench/offline.sh                # each Deployment's Available message long enough
#                                             # for kubectl to wrap it over two lines
#
# BILLET=path overrides build/billet.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BILLET=$(realpath "${BILLET:-$ROOT/build/billet}")
CELLS=${CELLS:-"1000:0 10000:0 50000:0 10000:100 10000:1000"}
FORMAT=${FORMAT:-yaml}
[ -x /usr/bin/time ] || { echo "bench/offline.sh needs /usr/bin/time (GNU time)" >&2; exit 2; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# bench_pack.h's generatedPolicies(n, /*matching=*/true), as a file.
generated_policies() {
  local n=$1 i
  for ((i = 0; i < n; i++)); do
    printf -- '---\napiVersion: billet.dev/v1alpha1\nkind: Policy\nmetadata: {name: matching-%d}\n' "$i"
    printf 'spec:\n  match: {kinds: [Deployment]}\n  rules:\n'
    printf '    - name: label\n      mutate: {labels: {team-%d: t%d}}\n' "$i" "$i"
    printf "    - name: check\n      validate: {require: [{path: object.metadata.name, op: Matches, value: '^[a-z]'}]}\n"
  done
}

dump() {
  local count=$1 file="$T/dump-$1.$FORMAT"
  if [ ! -f "$file" ]; then
    bash "$ROOT/tests/cli/gen_cluster_dump.sh" "$count" > "$T/dump-$count.yaml"
    if [ "${WRAPPED:-0}" = 1 ]; then
      sed -i "s/^      message: Deployment has minimum availability\.\$/      message: 'Deployment does not have minimum availability: 1 of 3 replicas are\n        ready, the others wait for a GPU node to become available'/" "$T/dump-$count.yaml"
    fi
    if [ "$FORMAT" = json ]; then
      python3 -c 'import json, sys, yaml; json.dump(yaml.load(sys.stdin, Loader=yaml.CSafeLoader), sys.stdout, indent=4)' \
        < "$T/dump-$count.yaml" > "$file"
      rm "$T/dump-$count.yaml"
    fi
  fi
  echo "$file"
}

# One run: "wall s | cpu s | peak MiB" (GNU time writes a line before its figures when the exit
# status is not 0)
measure() {
  /usr/bin/time -f '%e %U %S %M' -o "$T/time" "$BILLET" "$@" > /dev/null 2> "$T/stderr" || {
    rc=$?
    # lint exits 1 when a rule fails; only 2 (bad input) means the cell did not run.
    [ "$rc" -eq 1 ] || { echo "billet $* exited $rc:" >&2; tail -n 3 "$T/stderr" >&2; exit 2; }
  }
  tail -n 1 "$T/time" | awk '{ printf "%.1f s | %.1f s | %.0f MiB", $1, $2 + $3, $4 / 1024 }'
}

echo "billet offline at scale, $(date -u +%Y-%m-%d), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), dumps as $FORMAT$([ "${WRAPPED:-0}" = 1 ] && echo ', wrapped messages')"
echo
echo "| objects | policies | lint --output json: wall / CPU / peak RSS | audit --output policyreport: wall / CPU / peak RSS |"
echo "|---|---|---|---|"
for cell in $CELLS; do
  objects=${cell%%:*}
  extra=${cell##*:}
  policies=(-p "$ROOT/manifests/policies")
  label="bundled pack"
  if [ "$extra" -gt 0 ]; then
    generated_policies "$extra" > "$T/generated-$extra.yaml"
    policies+=(-p "$T/generated-$extra.yaml")
    label="bundled pack + $extra"
  fi
  file=$(dump "$objects")
  lint=$(measure lint "${policies[@]}" -f "$file" --output json)
  audit=$(measure audit "${policies[@]}" -f "$file" --output policyreport)
  printf '| %s | %s | %s | %s |\n' "$objects" "$label" "${lint// | / \/ }" "${audit// | / \/ }"
done
