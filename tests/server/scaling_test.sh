#!/usr/bin/env bash
# Per-request work is linear in the size of the object: `billet review` with the bundled pack on a
# Pod of 10,000 and of 40,000 containers (distinct names, each breaking several rules), and
# `billet lint` on a YAML Pod with 10,000 and 40,000 labels. Not a
# timed unit test: the larger review must cost less than 6x the smaller (4x is linear; quadratic
# work makes it 16x), whatever the machine. Also checks that the deny message stays bounded.
#   scaling_test.sh BILLET ROOT
set -euo pipefail
billet=$1
root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

review() {  # review N FILE: an AdmissionReview CREATE of a Pod with N containers
  python3 - "$1" > "$2" <<'PY'
import json, sys
n = int(sys.argv[1])
pod = {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"name": "wide", "namespace": "apps", "labels": {"app": "wide"}},
       "spec": {"containers": [{"name": f"c{i}", "image": f"evil.io/app{i}:latest"}
                               for i in range(n)]}}
print(json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                  "request": {"uid": "scale", "operation": "CREATE",
                              "kind": {"group": "", "version": "v1", "kind": "Pod"},
                              "resource": {"group": "", "version": "v1", "resource": "pods"},
                              "namespace": "apps", "name": "wide",
                              "userInfo": {"username": "alice"},
                              "object": pod}}))
PY
}

labels() {  # labels N FILE: a YAML Pod with N labels (a mapping with N keys)
  python3 - "$1" > "$2" <<'PY'
import sys
print("apiVersion: v1\nkind: Pod\nmetadata:\n  name: labelled\n  namespace: apps\n  labels:")
for i in range(int(sys.argv[1])):
    print(f"    k{i}: v")
print("spec:\n  containers:\n    - {name: a, image: registry.corp.example/a:1}")
PY
}

seconds() {  # seconds ENDPOINT FILE: wall time of one review (or lint), output kept in $work/out
  local start end
  start=$(date +%s.%N)
  if [ "$1" = lint ]; then
    "$billet" lint -p "$root/manifests/policies" -f "$2" > "$work/out" || true
  else
    "$billet" review -p "$root/manifests/policies" -p "$work/strict.yaml" --endpoint "$1" "$2" \
      > "$work/out"
  fi
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.3f}')"
}

# The bundled pack warns in most namespaces; this policy denies, so that the deny message of
# every container is built too, and mutates every container (a patch of one operation each).
cat > "$work/strict.yaml" <<'YAML'
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: strict}
spec:
  match: {kinds: [Pod]}
  rules:
    - name: registries
      validate: {allowedRegistries: ["*.corp.example/*"]}
    - name: resources
      validate: {requireResources: {requests: [cpu], limits: [memory]}}
    - name: no-latest
      validate: {forbidLatestTag: true}
    - name: defaults
      mutate:
        resources: {requests: {cpu: 50m}, limits: {memory: 128Mi}}
        labels: {billet.dev/checked: "true"}
YAML

fastest() {  # fastest ENDPOINT FILE: the best of three runs, so that a busy machine adds no noise
  local a b c
  a=$(seconds "$1" "$2")
  b=$(seconds "$1" "$2")
  c=$(seconds "$1" "$2")
  python3 -c "print(min($a, $b, $c))"
}

review 10000 "$work/small.json"
review 40000 "$work/large.json"
labels 10000 "$work/small.yaml"
labels 40000 "$work/large.yaml"
status=0
for endpoint in validate mutate lint; do
  small_file=$work/small.json large_file=$work/large.json
  [ "$endpoint" = lint ] && small_file=$work/small.yaml large_file=$work/large.yaml
  small=$(fastest "$endpoint" "$small_file")
  large=$(fastest "$endpoint" "$large_file")
  bytes=$(wc -c < "$work/out")
  ratio=$(python3 -c "print(f'{$large / max($small, 0.001):.2f}')")
  what=containers
  [ "$endpoint" = lint ] && what="labels (YAML)"
  echo "$endpoint: 10k $what ${small}s, 40k $what ${large}s, ratio ${ratio} (limit 6)," \
    "40k answer ${bytes} bytes"
  if python3 -c "import sys; sys.exit(0 if $large < 6 * max($small, 0.05) else 1)"; then :; else
    echo "FAIL: $endpoint does not scale linearly"
    status=1
  fi
  if [ "$endpoint" = validate ]; then
    message=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['response']['status']['message']))" "$work/out")
    echo "validate: deny message of the 40k review is ${message} bytes"
    if [ "$message" -gt 65536 ]; then
      echo "FAIL: the deny message is not bounded"
      status=1
    fi
  fi
done
exit $status
