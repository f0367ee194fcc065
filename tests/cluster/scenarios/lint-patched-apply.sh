# `lint --patched` writes what `kubectl apply -f -` accepts: the bundled pack's output for every
# example (the mutated objects and the generated PodDisruptionBudgets, one YAML stream on stdout,
# results on stderr) is applied with --dry-run=server, before billet's webhooks are registered,
# so the API server judges exactly what lint printed. The spreading golden cases too: the API
# server refuses two topologySpreadConstraints of one topologyKey and whenUnsatisfiable, and
# accepts what lint makes of a workload that has one already.

prepare() {
  "$BILLET" lint -p "$ROOT/manifests/policies" -f "$ROOT/manifests/examples" --output json \
    > "$T/lint.json" || true
  ns_create $(jq -r '.resources[].namespace // empty' "$T/lint.json" | sort -u)
  local rc=0
  "$BILLET" lint -p "$ROOT/manifests/policies" -f "$ROOT/manifests/examples" --patched \
    > "$T/patched.yaml" 2> "$T/results.txt" || rc=$?
  check "lint --patched exits 1 on the examples (they hold Enforce failures)" same 1 "$rc"
  check "the results went to stderr" grep -q '^pass: ' "$T/results.txt"
  check "stdout is only objects" not grep -q '^pass: ' "$T/patched.yaml"
  rc=0
  k apply --dry-run=server -f - < "$T/patched.yaml" > "$T/apply.out" 2>&1 || rc=$?
  check "kubectl apply --dry-run=server accepts the whole stream" same 0 "$rc"
  [ "$rc" = 0 ] || head -n 20 "$T/apply.out" >&2
  local objects
  objects=$(grep -c '^---$' "$T/patched.yaml")
  check "every object was accepted ($objects)" same "$objects" "$(grep -c '(server dry run)$' "$T/apply.out")"
  check "the generated PodDisruptionBudgets too" grep -q \
    '^poddisruptionbudget.policy/gpu-inference-pdb created (server dry run)$' "$T/apply.out"
  spreading_cases_accepted
}

spreading_cases_accepted() {
  local dir name cases=("$ROOT"/tests/golden/anti-affinity* "$ROOT"/tests/golden/topology-spread-*)
  ns_create $(for dir in "${cases[@]}"; do
    k create --dry-run=client -o jsonpath='{.metadata.namespace}{"\n"}' -f "$dir/input.yaml"
  done | sort -u)
  jq '.spec.template.spec.topologySpreadConstraints += [.spec.template.spec.topologySpreadConstraints[0]
        | .labelSelector = {matchLabels: {app: "api"}}]' \
    < <(k create --dry-run=client -o json -f "$ROOT/tests/golden/topology-spread-pair-taken/input.yaml") \
    > "$T/two-per-pair.json"
  check "the API server refuses two constraints of one topologyKey and whenUnsatisfiable" \
    refused_as_duplicate "$T/two-per-pair.json"
  for dir in "${cases[@]}"; do
    name=$(basename "$dir")
    "$BILLET" lint -p "$dir/policy.yaml" -f "$dir/input.yaml" --patched > "$T/$name.yaml" 2> /dev/null
    check "$name: the API server accepts what lint makes of it" \
      k apply --dry-run=server -f "$T/$name.yaml"
  done
}

refused_as_duplicate() {
  ! k apply --dry-run=server -f "$1" > /dev/null 2> "$1.err" && grep -q "Duplicate value" "$1.err"
}

scenario() { :; }
