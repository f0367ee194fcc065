# 2. Deployment → ReplicaSet → Pods, made by kube-controller-manager: the Pods go through billet
# at Pod level, carry the GPU placement, and have converged (an UPDATE of a stored Pod gets no
# further change, lint finds nothing left to patch on it, and when the API server reinvokes
# billet after another webhook's change, billet changes nothing).

scenario() {
  ns_create ml-prod
  example gpu-inference > "$T/deploy.json"
  local selector replicas before after pods
  selector=$(jq -r '.spec.selector.matchLabels | to_entries | map("\(.key)=\(.value)") | join(",")' "$T/deploy.json")
  replicas=$(jq -r .spec.replicas "$T/deploy.json")
  before=$(metric billet_admission_requests_total 'webhook="mutate"' 'kind="Pod"' 'operation="CREATE"')
  k apply -f "$T/deploy.json" > /dev/null
  pod_count() { [ "$(k -n ml-prod get pods -l "$selector" -o json | jq '.items | length')" = "$replicas" ]; }
  check "the controllers made $replicas pods" wait_for pods 60 pod_count
  k -n ml-prod get pods -l "$selector" -o json > "$T/pods.json"
  after=$(metric billet_admission_requests_total 'webhook="mutate"' 'kind="Pod"' 'operation="CREATE"')
  check "billet reviewed each pod at Pod level" at_least "$replicas" "$((after - before))"
  for i in $(seq 0 $((replicas - 1))); do
    local pod name
    pod=$(jq -c ".items[$i]" "$T/pods.json")
    name=$(jq -r .metadata.name <<< "$pod")
    check "$name: owned by a ReplicaSet" \
      jq -e '.metadata.ownerReferences[0].kind == "ReplicaSet"' <<< "$pod"
    check "$name: GPU toleration and node selector" has_gpu_placement "$(jq -c .spec <<< "$pod")"
    # Converged: lint of the stored pod has nothing to patch.
    jq . <<< "$pod" > "$T/pod.json"
    "$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/pod.json" --output json > "$T/lint.json" || true
    check "$name: lint finds nothing left to patch" same 0 "$(jq '.resources[0].patch | length' "$T/lint.json")"
  done
  # An UPDATE of a stored pod (a label) passes both webhooks and changes nothing else: a patch
  # on an immutable pod field would be refused by the API server.
  local first
  first=$(jq -r '.items[0].metadata.name' "$T/pods.json")
  k -n ml-prod get pod "$first" -o json | jq -S .spec > "$T/spec.before"
  check "a label UPDATE of a stored pod is admitted" k -n ml-prod label pod "$first" billet.dev/touched=yes
  k -n ml-prod get pod "$first" -o json | jq -S .spec > "$T/spec.after"
  check "the UPDATE changed nothing in the pod spec" same "$(cat "$T/spec.before")" "$(cat "$T/spec.after")"
  reinvocation
}

# Reinvocation: a second mutating webhook, called after billet (configurations run in name
# order), labels every pod in ml-prod. The shipped configuration asks for reinvocationPolicy
# IfNeeded, so the API server calls billet again on the labelled pod: billet must answer with no
# change, which the API server records in its audit log (mutated: false on round 1).
reinvocation() {
  mkdir -p "$T/second"
  cat > "$T/second/label.yaml" <<'POLICY'
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: second-webhook}
spec:
  match: {kinds: [Pod]}
  rules:
    - name: label
      mutate: {labels: {billet.test/second: "true"}, target: object}
POLICY
  local port metrics
  port=$(free_port)
  metrics=$(free_port)
  start billet-second "$BILLET" serve --policies "$T/second" --tls-cert "$WORK/tls/tls.crt" \
    --tls-key "$WORK/tls/tls.key" --listen "127.0.0.1:$port" --metrics-listen "127.0.0.1:$metrics"
  jq -n --arg url "https://127.0.0.1:$port/mutate" --arg ca "$(cat "$WORK/cabundle")" '
    {apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration",
     metadata: {name: "billet-second"},
     webhooks: [{name: "second.billet.test", admissionReviewVersions: ["v1"],
                 clientConfig: {url: $url, caBundle: $ca},
                 rules: [{apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"],
                          resources: ["pods"], scope: "Namespaced"}],
                 namespaceSelector: {matchLabels: {"kubernetes.io/metadata.name": "ml-prod"}},
                 sideEffects: "None", failurePolicy: "Fail", timeoutSeconds: 5,
                 reinvocationPolicy: "Never"}]}' | k apply -f - > /dev/null
  labelled() {
    gpu_pod probe | k create --dry-run=server -o json -f - \
      | jq -e '.metadata.labels["billet.test/second"] == "true"' > /dev/null
  }
  check "the second webhook is in effect" wait_for second 30 labelled
  gpu_pod reinvoked | k create -f - > /dev/null
  check "both webhooks' changes are stored" holds '.metadata.labels["billet.test/second"] == "true"
    and (.spec.tolerations | any(.key == "nvidia.com/gpu"))' <<< "$(k -n ml-prod get pod reinvoked -o json)"
  rounds() {
    jq -s -c 'map(select(.verb == "create" and .objectRef.resource == "pods"
                         and .objectRef.name == "reinvoked" and .stage == "ResponseComplete"))
              | .[0].annotations // {} | to_entries
              | map(select(.key | startswith("mutation.webhook.admission.k8s.io/")))
              | map({round: (.key | capture("round_(?<r>[0-9]+)").r), hook: (.value | fromjson)})
              | map({round, webhook: .hook.webhook, mutated: .hook.mutated})' "$WORK/audit.log"
  }
  has_rounds() { [ "$(rounds | jq 'length')" -ge 3 ]; }
  wait_for audit 10 has_rounds || true
  rounds > "$T/rounds.json"
  check "round 0: billet mutated the pod" holds 'any(.round == "0" and .webhook == "mutate.billet.dev"
    and .mutated == true)' "$T/rounds.json"
  check "round 1: billet was called again and changed nothing" holds 'any(.round == "1"
    and .webhook == "mutate.billet.dev" and .mutated == false)' "$T/rounds.json"
  holds 'any(.round == "1" and .webhook == "mutate.billet.dev")' "$T/rounds.json" \
    || echo "  the API server recorded: $(cat "$T/rounds.json")" >&2
}
