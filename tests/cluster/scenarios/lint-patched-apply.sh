# `lint --patched` writes what `kubectl apply -f -` accepts: the bundled pack's output for every
# example (the mutated objects and the generated PodDisruptionBudgets, one YAML stream on stdout,
# results on stderr) is applied with --dry-run=server, before billet's webhooks are registered,
# so the API server judges exactly what lint printed.

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
}

scenario() { :; }
