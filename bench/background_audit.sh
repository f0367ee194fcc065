#!/usr/bin/env bash
# Background audit and `audit --kubeconfig` at scale, against the real control plane of the
# cluster tests (tests/cluster/lib.sh): PODS pods (Pending: no node runs them) across NAMESPACES
# namespaces, created before billet starts; then one background audit pass of `billet serve`
# (its time and the server's peak RSS, from the "background audit pass" log line) and one
# `billet audit --kubeconfig` (wall time and peak RSS from /usr/bin/time).
#   bench/background_audit.sh [PODS] [NAMESPACES]      # default 5000 50
# BILLET=path overrides build/billet. Creating the pods takes most of the time (the API server
# and etcd share the machine).
set -euo pipefail
PODS=${1:-5000}
NAMESPACES=${2:-50}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BILLET=$(realpath "${BILLET:-$ROOT/build/billet}")
export BILLET ROOT
source "$ROOT/tests/cli/testlib.sh"
source "$ROOT/tests/cluster/lib.sh"
CLUSTER_BIN=$(bash "$ROOT/tests/cluster/build.sh")
CLUSTER_DEADLINE=180
cluster_up
k apply -f "$ROOT/manifests/crds/" > /dev/null

per_ns=$(( (PODS + NAMESPACES - 1) / NAMESPACES ))
ns_create $(seq -f 'bench-%g' 1 "$NAMESPACES")
example debug-shell > "$T/shell.json"
gpu_pod gpu bench > "$T/gpu.json"
started=$(date +%s)
pids=()
for i in $(seq 1 "$NAMESPACES"); do
  jq -n --arg ns "bench-$i" --argjson n "$per_ns" --slurpfile shell "$T/shell.json" \
        --slurpfile gpu "$T/gpu.json" '
    {apiVersion: "v1", kind: "List", items: [range($n) as $j
      | (if $j % 2 == 0 then $shell[0] else $gpu[0] end)
      | .metadata += {name: "pod-\($j)", namespace: $ns}]}' > "$T/pods-$i.json"
  # At most 8 kubectl at a time (a plain `wait` would also wait for the control plane).
  if [ "${#pids[@]}" -ge 8 ]; then
    wait "${pids[0]}" || die "pods not created"
    pids=("${pids[@]:1}")
  fi
  k create -f "$T/pods-$i.json" > /dev/null &
  pids+=("$!")
done
for p in "${pids[@]}"; do wait "$p" || die "pods not created"; done
log "$((per_ns * NAMESPACES)) pods created in $(( $(date +%s) - started )) s"

BILLET_EXTRA_ARGS=(--audit-interval 1h --report-interval 10s)
billet_up  # leads at once: the first pass starts
pass_logged() { grep -q '"msg":"background audit pass"' "$WORK/billet.log"; }
wait_for "the first pass" 600 pass_logged || die "no background audit pass logged"
pass=$(grep '"msg":"background audit pass"' "$WORK/billet.log" | head -n1)
log "serve, background audit pass: $(jq -c '{objects, kinds, ms, maxRssKiB}' <<< "$pass")"

/usr/bin/time -f '%e %M' -o "$T/time" "$BILLET" audit -p "$ROOT/manifests/policies" \
  --kubeconfig "$WORK/admin.kubeconfig" --output json > "$T/audit.json"
read -r seconds rss < "$T/time"
log "audit --kubeconfig: $(jq '.resources | length' "$T/audit.json") objects in ${seconds} s, peak RSS $((rss / 1024)) MiB"
