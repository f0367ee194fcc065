# billet reads YAML as kubectl does: every plain scalar of testdata/scalars.yaml (octal modes,
# YAML 1.1 booleans, underscores, exponents, keys) gets the value kubectl sends to the API server.

prepare() {
  k apply -f "$(dirname "${BASH_SOURCE[0]}")/../testdata/scalars-crd.yaml" > /dev/null
  k wait --for condition=Established --timeout 30s crd/scalars.billet.test > /dev/null
}

scenario() {
  local data
  data="$(dirname "${BASH_SOURCE[0]}")/../testdata/scalars.yaml"
  wait_for "Scalars served" 30 k get scalars || true
  k create --dry-run=server -o json -f "$data" | jq -S .spec > "$T/kubectl.json"
  "$BILLET" lint -p "$ROOT/manifests/policies" -f "$data" --patched --output json \
    | jq -S '.resources[0].patched.spec' > "$T/billet.json"
  check "kubectl read the table" at_least 40 "$(jq 'length' "$T/kubectl.json")"
  local key
  for key in $(jq -r 'keys[]' "$T/kubectl.json"); do
    check "spec.$key: billet reads what kubectl sends" same \
      "$(jq -c --arg k "$key" '.[$k]' "$T/kubectl.json")" "$(jq -c --arg k "$key" '.[$k]' "$T/billet.json")"
  done
  check "billet reads no field kubectl does not send" same \
    "$(jq -c 'keys' "$T/kubectl.json")" "$(jq -c 'keys' "$T/billet.json")"
}
