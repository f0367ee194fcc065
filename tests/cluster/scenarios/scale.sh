# 20. `kubectl scale` (the deployments/scale and statefulsets/scale subresources): the shipped
# validating webhook sends them, and billet evaluates the workload it reads at the new replica
# count as an update. Scaled to 3, a Deployment gets its PodDisruptionBudget (owned by it) and a
# warning naming the anti-affinity it will get on its next update; past a replicas bound the
# scale is denied with billet's message; a dry run applies nothing; a StatefulSet scaled to 2
# gets its budget too.

prepare() {
  # A replicas bound beside the pack, loaded the way a ConfigMap update would bring it.
  cat > "$T/bound.yaml" <<'POLICY'
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: replicas-bound}
spec:
  match: {kinds: [Deployment, StatefulSet], namespaces: [web]}
  rules:
    - name: at-most-five
      validate:
        message: 'at most 5 replicas in this namespace (asked for {value})'
        deny: [{path: object.spec.replicas, op: GreaterThan, value: 5}]
POLICY
  local reloads
  reloads=$(metric billet_policy_reloads_total 'result="success"')
  volume_install "$WORK/policies" "$ROOT"/manifests/policies/*.yaml "$T/bound.yaml"
  reloaded() { [ "$(metric billet_policy_reloads_total 'result="success"')" -gt "$reloads" ]; }
  wait_for "policy reload" 20 reloaded || die "billet did not reload the policies"
}

workload() {  # workload KIND NAME: one replica, compliant with the shipped pack
  cat <<OBJ
{"apiVersion": "apps/v1", "kind": "$1", "metadata": {"name": "$2", "namespace": "web"},
 "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "$2"}},
  $( [ "$1" = StatefulSet ] && printf '"serviceName": "%s",' "$2" )
  "template": {"metadata": {"labels": {"app": "$2"}},
   "spec": {"containers": [{"name": "app", "image": "registry.k8s.io/pause:3.9",
     "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"memory": "16Mi"}}}]}}}}
OBJ
}

spread() { jq -e '.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution | length > 0' > /dev/null; }
replicas() { k -n web get "$1" "$2" -o jsonpath='{.spec.replicas}'; }

scenario() {
  ns_create web
  workload Deployment api | k create -f - > /dev/null
  workload StatefulSet db | k create -f - > /dev/null
  check "one replica: no PodDisruptionBudget" not k -n web get pdb api-pdb

  # Scaled to 3: the warning, then the budget.
  k -n web scale deployment api --replicas=3 > /dev/null 2> "$T/scale.err" || true
  check "the scale went through" same 3 "$(replicas deployment api)"
  check "kubectl prints billet's warning about the template" same \
    "Warning: scaled to 3 replicas; on its next update, high-availability/spread-replicas would add /spec/template/spec/affinity" \
    "$(grep '^Warning: ' "$T/scale.err")"
  check "billet applied the PodDisruptionBudget" wait_for pdb 30 k -n web get pdb api-pdb
  k -n web get pdb api-pdb -o json > "$T/pdb.json"
  check "owned by the Deployment" holds --arg uid "$(k -n web get deployment api -o jsonpath='{.metadata.uid}')" \
    '.metadata.ownerReferences | length == 1 and .[0].uid == $uid and .[0].kind == "Deployment"' "$T/pdb.json"
  check "minAvailable 1, the Deployment's selector" holds \
    '.spec.minAvailable == 1 and .spec.selector == {matchLabels: {app: "api"}}' "$T/pdb.json"
  check "the template is not changed by the scale" not spread < <(k -n web get deployment api -o json)

  # Past the bound: denied with billet's message, as an update of the Deployment would be.
  if k -n web scale deployment api --replicas=9 > /dev/null 2> "$T/deny.err"; then
    check "the scale past the bound is denied" false
  else
    check "kubectl prints billet's denial" grep -q \
      'admission webhook "validate.billet.dev" denied the request: replicas-bound/at-most-five: at most 5 replicas in this namespace (asked for 9)' \
      "$T/deny.err"
  fi
  check "the Deployment keeps 3 replicas" same 3 "$(replicas deployment api)"

  # The next update of the Deployment gets the anti-affinity the warning named.
  k -n web annotate deployment api billet.dev/touched=yes > /dev/null
  check "the next update is spread" spread < <(k -n web get deployment api -o json)

  # A dry run of a StatefulSet's scale is answered by billet and applies nothing: once the real
  # scale's budget exists, the applier's queue has passed where a dry run's would have been.
  local answered applied
  answered=$(metric billet_admission_requests_total 'kind="StatefulSet"' 'operation="UPDATE"' 'webhook="validate"')
  applied=$(metric billet_generate_total 'result="applied"')
  check "kubectl scale --dry-run=server succeeds" k -n web scale statefulset db --replicas=2 --dry-run=server
  check "billet answered the dry run" same $(( answered + 1 )) \
    "$(metric billet_admission_requests_total 'kind="StatefulSet"' 'operation="UPDATE"' 'webhook="validate"')"
  check "the StatefulSet keeps 1 replica" same 1 "$(replicas statefulset db)"
  k -n web scale statefulset db --replicas=2 > /dev/null
  check "the StatefulSet scaled to 2 gets its budget" wait_for sts-pdb 30 k -n web get pdb db-pdb
  check "billet applied one budget, not two" same 1 \
    "$(( $(metric billet_generate_total 'result="applied"') - applied ))"
}
