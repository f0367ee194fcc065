#!/usr/bin/env bash
# Resident memory of `billet serve`: idle after start, and at peak under load (wrk, 32 keep-alive
# TLS connections posting the sample review to /mutate), with the bundled pack alone and with
# 10,000 extra generated policies (the same generated policies as bench/bench_pack.h: two rules
# each, for kinds other than the sample's).
#
#   bash bench/server/memory.sh [BILLET_BINARY]      # DURATION (default 10s) per load run
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
billet="${1:-$root/build/billet}"
duration="${DURATION:-10s}"
review="$root/fuzz/corpus/admission_review/sample-deployment-gpu.json"
command -v wrk >/dev/null || { echo "memory: wrk is not installed" >&2; exit 1; }
tmp="$(mktemp -d /tmp/billet-memory.XXXXXX)"
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
"$billet" certs generate --service localhost --namespace bench --out "$tmp/certs" >/dev/null 2>&1

kinds=(ConfigMap Secret Service Ingress Node)
for ((i = 0; i < 10000; i++)); do
  printf -- '---\napiVersion: billet.dev/v1alpha1\nkind: Policy\nmetadata: {name: other-%d}\nspec:\n  match: {kinds: [%s]}\n  rules:\n    - name: label\n      mutate: {labels: {team-%d: t%d}}\n    - name: check\n      validate: {require: [{path: object.metadata.name, op: Matches, value: '"'"'^[a-z]'"'"'}]}\n' \
    "$i" "${kinds[i % 5]}" "$i" "$i"
done >"$tmp/generated.yaml"

kib() { awk -v k="$2" '$1==k":"{print $2}' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }

measure() {  # label, policy paths...
  local label="$1"; shift
  local args=()
  for p in "$@"; do args+=(-p "$p"); done
  "$billet" serve "${args[@]}" --tls-cert "$tmp/certs/tls.crt" --tls-key "$tmp/certs/tls.key" \
    --listen 127.0.0.1:0 >"$tmp/log" 2>&1 &
  pid=$!
  local port=""
  for _ in $(seq 1 600); do
    port="$(grep -o '"msg":"serving".*"port":[0-9]*' "$tmp/log" | grep -o '"port":[0-9]*' | cut -d: -f2 || true)"
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  [[ -n "$port" ]] || { cat "$tmp/log" >&2; exit 1; }
  sleep 1
  local idle; idle="$(kib "$pid" VmRSS)"
  BILLET_REVIEW="$review" wrk -t2 -c32 -d"$duration" -s "$root/bench/server/post.lua" \
    "https://127.0.0.1:$port/mutate" >"$tmp/wrk" 2>&1
  local peak after; peak="$(kib "$pid" VmHWM)"; after="$(kib "$pid" VmRSS)"
  printf '%-40s %10s %14s %14s %10s\n' "$label" "$(mib "$idle")" "$(mib "$peak")" "$(mib "$after")" \
    "$(grep -o 'Requests/sec: *[0-9.]*' "$tmp/wrk" | awk '{print $2}')"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

printf '%-40s %10s %14s %14s %10s\n' "policies" "idle MiB" "peak MiB" "after MiB" "req/s"
measure "bundled pack" "$root/manifests/policies"
measure "bundled pack + 10,000 other-kind" "$root/manifests/policies" "$tmp/generated.yaml"
