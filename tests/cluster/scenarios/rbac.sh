# 10. The shipped RBAC is sufficient and minimal: every call billet makes with the shipped
# ServiceAccount's token succeeds (PDBs and PolicyReports written, the watches of Nodes, Pods and
# HPAs listed, a scaled Deployment read, no error logged), and calls
# outside the role are refused with 403.

BILLET_EXTRA_ARGS=(--report-interval 1s)

prepare() {
  k apply -f "$ROOT/manifests/crds/" > /dev/null
  k wait --for condition=Established --timeout 30s crd/policyreports.wgpolicyk8s.io > /dev/null
}

as_billet() {  # as_billet METHOD PATH: the HTTP status the API server answers billet's token with
  curl -s -o /dev/null -w '%{http_code}' -X "$1" --cacert "$WORK/pki/ca.crt" \
    -H "Authorization: Bearer $(cat "$WORK/billet.token")" "$APISERVER$2"
}

scenario() {
  ns_create ml-prod
  example gpu-inference | k create -f - > /dev/null
  example debug-shell | jq '.metadata.namespace = "ml-prod"' | k create -f - > /dev/null 2>&1
  pdb() { k -n ml-prod get pdb gpu-inference-pdb; }
  report() { k -n ml-prod get policyreport billet-ml-prod; }
  check "billet's token wrote the PDB" wait_for pdb 30 pdb
  check "billet's token wrote the PolicyReport" wait_for report 30 report
  check "billet logged no failed call" not grep -qE 'cannot apply generated object|cannot write PolicyReport|PolicyReports not written' "$WORK/billet.log"
  local who
  who=$(curl -fsS --cacert "$WORK/pki/ca.crt" -H "Authorization: Bearer $(cat "$WORK/billet.token")" \
    -H 'Content-Type: application/json' -d '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}' \
    "$APISERVER/apis/authentication.k8s.io/v1/selfsubjectreviews" | jq -r .status.userInfo.username)
  check "billet calls as its ServiceAccount" same "system:serviceaccount:billet-system:billet" "$who"
  check "billet may not list Secrets (403)" same 403 "$(as_billet GET /api/v1/secrets)"
  check "billet may list Pods, Nodes and HPAs (its watches)" same 200200200 \
    "$(as_billet GET '/api/v1/pods?limit=1')$(as_billet GET '/api/v1/nodes?limit=1')$(as_billet GET '/apis/autoscaling/v2/horizontalpodautoscalers?limit=1')"
  check "billet's watches were not refused" not grep -q '"msg":"cannot list"' "$WORK/billet.log"
  # kubectl scale: billet reads the Deployment (by name) before it answers.
  check "kubectl scale succeeds" k -n ml-prod scale deployment gpu-inference --replicas=3
  check "billet's token read the scaled Deployment" not grep -q '"msg":"scale not evaluated' "$WORK/billet.log"
  check "billet may read a Deployment" same 200 \
    "$(as_billet GET /apis/apps/v1/namespaces/ml-prod/deployments/gpu-inference)"
  check "billet may not read a Pod (403)" same 403 "$(as_billet GET /api/v1/namespaces/ml-prod/pods/debug-shell)"
  check "billet may not read a Pod's logs (403)" same 403 "$(as_billet GET /api/v1/namespaces/ml-prod/pods/debug-shell/log)"
  check "billet may read its Lease" same 200 \
    "$(as_billet GET /apis/coordination.k8s.io/v1/namespaces/billet-system/leases/billet)"
  check "billet may not read Leases elsewhere (403)" same 403 \
    "$(as_billet GET /apis/coordination.k8s.io/v1/namespaces/kube-system/leases)"
  check "billet may not delete its PDBs (403)" same 403 \
    "$(as_billet DELETE /apis/policy/v1/namespaces/ml-prod/poddisruptionbudgets/gpu-inference-pdb)"
  check "billet may not change webhook configurations (403)" same 403 \
    "$(as_billet DELETE /apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/billet)"
}
