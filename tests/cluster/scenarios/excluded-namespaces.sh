# 8. kube-system and billet's own namespace are never sent to billet (the shipped
# namespaceSelector): a GPU pod there is stored as written and billet never hears of it, while
# the same pod elsewhere is mutated.


scenario() {
  local ns before
  ns_create kube-system billet-system
  for ns in kube-system billet-system; do
    before=$(metric billet_admission_requests_total)
    gpu_pod gpu "$ns" | k create -f - > /dev/null
    check "$ns: the pod is stored without billet's changes" not has_gpu_placement \
      "$(k -n "$ns" get pod gpu -o json | jq -c .spec)"
    check "$ns: billet never received the request" same "$before" "$(metric billet_admission_requests_total)"
  done
  ns_create ml-prod
  gpu_pod gpu ml-prod | k create -f - > /dev/null
  check "ml-prod: the same pod is mutated" has_gpu_placement "$(k -n ml-prod get pod gpu -o json | jq -c .spec)"
}
