# 5. Generated PodDisruptionBudget: server-side applied with field manager billet, owned by its
# Deployment (an ownerReference the API server accepts), garbage-collected with it, and a second
# apply of the same PDB changes nothing.

scenario() {
  ns_create ml-prod
  example gpu-inference > "$T/deploy.json"
  k apply -f "$T/deploy.json" > /dev/null
  pdb() { k -n ml-prod get pdb gpu-inference-pdb -o json --show-managed-fields; }
  check "billet applied the PDB" wait_for pdb 30 pdb
  pdb > "$T/pdb.json"
  local uid
  uid=$(k -n ml-prod get deployment gpu-inference -o jsonpath='{.metadata.uid}')
  check "owned by the Deployment as its controller" holds --arg uid "$uid" '
    .metadata.ownerReferences == [{apiVersion: "apps/v1", kind: "Deployment", name: "gpu-inference",
                                   uid: $uid, controller: true, blockOwnerDeletion: true}]
    or (.metadata.ownerReferences | length == 1 and .[0].uid == $uid and .[0].controller == true
        and .[0].kind == "Deployment")' "$T/pdb.json"
  check "written by server-side apply, field manager billet" holds '
    .metadata.managedFields | any(.manager == "billet" and .operation == "Apply")' "$T/pdb.json"
  check "selects the Deployment's pods" same \
    "$(jq -cS .spec.selector "$T/deploy.json")" "$(jq -cS .spec.selector "$T/pdb.json")"
  check "minAvailable 1" same 1 "$(jq -r .spec.minAvailable "$T/pdb.json")"

  # An UPDATE of the Deployment generates the same PDB again: applied, and nothing changes.
  local applied rv
  applied=$(metric billet_generate_total 'result="applied"')
  rv=$(jq -r .metadata.resourceVersion "$T/pdb.json")
  k -n ml-prod annotate deployment gpu-inference billet.dev/touched=yes > /dev/null
  reapplied() { [ "$(metric billet_generate_total 'result="applied"')" -gt "$applied" ]; }
  check "the UPDATE applied the PDB again" wait_for apply 30 reapplied
  check "the second apply changed nothing" same "$rv" "$(pdb | jq -r .metadata.resourceVersion)"

  # Deleting the Deployment garbage-collects its PDB.
  k -n ml-prod delete deployment gpu-inference --wait=false > /dev/null
  gone() { ! k -n ml-prod get pdb gpu-inference-pdb > /dev/null 2>&1; }
  check "the garbage collector deleted the PDB with its owner" wait_for gc 60 gone
}
