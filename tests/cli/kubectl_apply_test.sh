#!/usr/bin/env bash
# `lint --patched` writes what `kubectl apply -f -` accepts: the bundled pack's output for the
# examples (mutated objects and generated PodDisruptionBudgets) is applied with
# --dry-run=server to a real kube-apiserver (and etcd) started here on free loopback ports, from
# the control plane tests/cluster/build.sh builds (cached). Usage: kubectl_apply_test.sh BILLET SRC
set -uo pipefail
BILLET=$1
SRC=$(cd "$2" && pwd)
source "$(dirname "$0")/testlib.sh"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"' EXIT

bin=$("$SRC/tests/cluster/build.sh") || { echo "FAILED: cannot build the test control plane"; exit 1; }

free_port() {  # a loopback port nothing listens on
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 30000))
    (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  return 1
}
etcd_port=$(free_port) peer_port=$(free_port) api_port=$(free_port)
"$bin/etcd" --data-dir "$T/etcd" --listen-client-urls "http://127.0.0.1:$etcd_port" \
  --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "default=http://127.0.0.1:$peer_port" >"$T/etcd.log" 2>&1 &
pids+=($!)
openssl genrsa -out "$T/sa.key" 2048 2>/dev/null
echo "test-token,admin,admin,system:masters" >"$T/tokens.csv"
"$bin/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" --bind-address 127.0.0.1 \
  --secure-port "$api_port" --advertise-address 127.0.0.1 --endpoint-reconciler-type none \
  --cert-dir "$T/certs" --token-auth-file "$T/tokens.csv" --authorization-mode RBAC \
  --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$T/sa.key" \
  --service-account-signing-key-file "$T/sa.key" --service-cluster-ip-range 10.0.0.0/24 \
  >"$T/apiserver.log" 2>&1 &
pids+=($!)
kubectl() { "$bin/kubectl" --server "https://127.0.0.1:$api_port" --token test-token \
  --insecure-skip-tls-verify "$@"; }
ready=false
for _ in $(seq 90); do
  if [ "$(kubectl get --raw /readyz 2>/dev/null)" = ok ]; then ready=true; break; fi
  sleep 1
done
check "the API server is ready" $ready
$ready || { tail -n 20 "$T/apiserver.log"; finish; exit; }

# The examples' namespaces, each with the default ServiceAccount Pods need (no controller
# manager runs here to create it).
"$BILLET" lint -p "$SRC/manifests/policies" -f "$SRC/manifests/examples" --output json >"$T/lint.json"
for ns in $(jq -r '.resources[].namespace // empty' "$T/lint.json" | sort -u); do
  kubectl create namespace "$ns" >/dev/null 2>&1
  kubectl -n "$ns" create serviceaccount default >/dev/null 2>&1
done

"$BILLET" lint -p "$SRC/manifests/policies" -f "$SRC/manifests/examples" --patched \
  >"$T/patched.yaml" 2>"$T/results.txt"
check "lint --patched exits 1 on the examples (an Enforce failure)" [ $? -eq 1 ]
check "the results went to stderr" grep -q '^pass: ' "$T/results.txt"
kubectl apply --dry-run=server -f - <"$T/patched.yaml" >"$T/apply.out" 2>&1
rc=$?
check "kubectl apply --dry-run=server accepts the whole stream" [ $rc -eq 0 ]
[ $rc -eq 0 ] || cat "$T/apply.out"
objects=$(grep -c '^---$' "$T/patched.yaml")
check "every object was accepted ($objects)" [ "$(grep -c '(server dry run)$' "$T/apply.out")" -eq "$objects" ]
check "the generated PodDisruptionBudgets too" grep -q '^poddisruptionbudget.policy/gpu-inference-pdb created (server dry run)$' "$T/apply.out"
finish
