# 2. Deployment → ReplicaSet → Pods, made by kube-controller-manager: the Pods go through billet
# at Pod level, carry the GPU placement, and have converged (an UPDATE of a stored Pod gets no
# further change, and lint finds nothing left to patch on it).

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
}
