# 18. Autoscaled replicas: a Deployment targeted by a HorizontalPodAutoscaler (autoscaling/v2)
# counts as max(spec.replicas, minReplicas) — the API server defaults an omitted spec.replicas to
# 1 before admission — so the shipped high-availability policy's anti-affinity and PDB reach it.
# A Deployment without an HPA stays at 1 replica and gets neither. `billet audit --kubeconfig`
# reads the HPAs too, and finds what the webhook would do to a stored Deployment an HPA now
# scales.

deployment() {  # deployment NAME: a Deployment without spec.replicas
  cat <<DEP
{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "$1", "namespace": "web"},
 "spec": {"selector": {"matchLabels": {"app": "$1"}},
  "template": {"metadata": {"labels": {"app": "$1"}},
   "spec": {"containers": [{"name": "app", "image": "registry.k8s.io/pause:3.9",
     "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"memory": "16Mi"}}}]}}}}
DEP
}

hpa() {  # hpa NAME TARGET MIN
  k -n web create -f - > /dev/null <<HPA
{"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "$1"},
 "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "$2"},
  "minReplicas": $3, "maxReplicas": 10,
  "metrics": [{"type": "Resource", "resource": {"name": "cpu",
    "target": {"type": "Utilization", "averageUtilization": 80}}}]}}
HPA
}

spread() { jq -e '.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution | length > 0'; }

scenario() {
  ns_create web
  hpa api-hpa api 3
  dry() { deployment api | k create --dry-run=server -o json -f - | spread; }
  check "billet learns of the HPA" wait_for hpa 20 dry
  deployment api | k create -f - > /dev/null
  deployment solo | k create -f - > /dev/null
  check "the autoscaled Deployment is spread (minReplicas 3)" spread < <(k -n web get deployment api -o json)
  check "... and gets its PodDisruptionBudget" wait_for pdb 30 k -n web get pdb api-pdb
  check "a Deployment without an HPA is not spread" not spread < <(k -n web get deployment solo -o json)
  check "... and gets no PodDisruptionBudget" not k -n web get pdb solo-pdb
  # An HPA created later reaches the workload's next update.
  hpa solo-hpa solo 2
  relabel() {
    k -n web patch deployment solo --dry-run=server -o json --type=merge \
      -p '{"metadata":{"labels":{"touched":"yes"}}}' | spread
  }
  check "an update after the HPA appears is spread" wait_for later 20 relabel
  k -n web delete hpa solo-hpa > /dev/null
  gone() { ! relabel; }
  check "the HPA deleted, the update is no longer spread" wait_for deleted 20 gone

  # The audit from a laptop: solo is stored without the spread; with an HPA of min 2 again, the
  # audit says high-availability would spread it, as the webhook would on its next update.
  hpa solo-hpa solo 2
  result_of() {  # result_of NAME RULE: the audit's result for Deployment web/NAME
    "$BILLET" audit -p "$ROOT/manifests/policies" --kubeconfig "$WORK/admin.kubeconfig" --output json \
      2>/dev/null | jq -r --arg n "$1" --arg r "$2" '.resources[]
        | select(.kind == "Deployment" and .namespace == "web" and .name == $n)
        | .results[] | select(.policy == "high-availability" and .rule == $r) | .result'
  }
  check "audit --kubeconfig: the autoscaled, unspread Deployment would be spread" \
    same warn "$(result_of solo spread-replicas)"
  check "audit --kubeconfig: ... and given its PodDisruptionBudget (not skipped as 1 replica)" \
    same pass "$(result_of solo pod-disruption-budget)"
  check "audit --kubeconfig: the other autoscaled Deployment's budget too" \
    same pass "$(result_of api pod-disruption-budget)"
}
