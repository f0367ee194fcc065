# 9a. billet down: with the shipped failurePolicy Ignore, requests are admitted (unmutated) within
# the webhook timeout and nothing hangs; billet back up: mutations resume.

pod_spec() { k -n ml-prod get pod "$1" -o json | jq -c .spec; }

scenario() {
  ns_create ml-prod
  gpu_pod before | k create -f - > /dev/null
  check "billet up: mutated" has_gpu_placement "$(pod_spec before)"

  stop billet
  local timeout start elapsed
  timeout=$(jq '[.items[].webhooks[].timeoutSeconds] | max' "$WORK/webhooks.json")
  start=$(date +%s%N)
  check "billet down: the create is admitted" k create -f <(gpu_pod during) > /dev/null
  elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
  log "create with billet down took $elapsed ms (webhook timeout ${timeout} s)"
  check "billet down: answered within the webhook timeout" at_most $(( timeout * 1000 )) "$elapsed"
  check "billet down: stored unmutated" not has_gpu_placement "$(pod_spec during)"

  billet_start
  # The API server's connections to billet were refused; new ones succeed at once.
  mutated_again() { gpu_pod "after-$RANDOM" | k create --dry-run=server -o json -f - | jq -ce .spec \
                    | { read -r s; has_gpu_placement "$s"; }; }
  check "billet back: mutations resume" wait_for resume 20 mutated_again
  gpu_pod after | k create -f - > /dev/null
  check "billet back: a new pod is mutated" has_gpu_placement "$(pod_spec after)"

  # The pod admitted while billet was down can still be updated: billet adds the toleration (new
  # tolerations are a change the API server accepts on a pod) and leaves the node selector, which
  # it may no longer set, to be reported.
  check "billet back: the unmutated pod can still be labelled" \
    k -n ml-prod label pod during billet.dev/touched=yes
  check "  ... and got the toleration, not the node selector" holds '
    (.tolerations | any(.key == "nvidia.com/gpu")) and (.nodeSelector["nvidia.com/gpu.present"] == null)' \
    <<< "$(pod_spec during)"
}
