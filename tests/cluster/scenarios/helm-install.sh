# The Helm chart installs into a real API server: `helm install` with the default values (the
# bundled pack, certificates generated at install) succeeds, and every object is there and
# consistent: the webhook configurations trust the CA that signed the serving Secret, for the
# Service's names; the PolicyReport CRDs billet writes to are installed with it (and left to the
# cluster after an uninstall, as Helm leaves CRDs). No kubelet runs here, so billet's pods stay
# Pending; the objects are what is checked.

CLUSTER_ONLY=1

scenario() {
  local helm
  helm=$(bash "$ROOT/tests/packaging/helm/build.sh")/helm
  check "helm install succeeds" "$helm" install billet "$ROOT/charts/billet" \
    --namespace billet-system --create-namespace --kubeconfig "$KUBECONFIG" --timeout 60s
  check "helm lists the release as deployed" same deployed \
    "$("$helm" status billet -n billet-system --kubeconfig "$KUBECONFIG" -o json | jq -r .info.status)"
  local kind
  for kind in deployment/billet service/billet serviceaccount/billet configmap/billet-policies \
              secret/billet-tls poddisruptionbudget/billet; do
    check "$kind is there" k -n billet-system get "$kind"
  done
  for kind in clusterrole/billet clusterrolebinding/billet mutatingwebhookconfiguration/billet \
              validatingwebhookconfiguration/billet crd/policyreports.wgpolicyk8s.io \
              crd/clusterpolicyreports.wgpolicyk8s.io; do
    check "$kind is there" k get "$kind"
  done
  served() { k get policyreports -A > /dev/null 2>&1; }
  check "PolicyReports are served" wait_for policyreports 30 served
  # The caBundle the webhooks hold verifies the serving certificate in the Secret, which names
  # the Service the webhooks call.
  k get mutatingwebhookconfiguration billet -o jsonpath='{.webhooks[0].clientConfig.caBundle}' \
    | base64 -d > "$T/ca.crt"
  k -n billet-system get secret billet-tls -o jsonpath='{.data.tls\.crt}' | base64 -d > "$T/tls.crt"
  check "the webhooks' caBundle verifies the serving certificate" \
    openssl verify -CAfile "$T/ca.crt" "$T/tls.crt"
  check "the certificate names the Service" grep -q 'DNS:billet.billet-system.svc' \
    <(openssl x509 -in "$T/tls.crt" -noout -ext subjectAltName)
  check "the policies ConfigMap holds the bundled pack" same \
    "$(cd "$ROOT/manifests/policies" && ls *.yaml | sort | tr '\n' ' ')" \
    "$(k -n billet-system get configmap billet-policies -o json | jq -r '.data | keys[]' | sort | tr '\n' ' ')"
  # Controllers ran on what Helm made: the Deployment has its ReplicaSet and (Pending) pods.
  replicas() { [ "$(k -n billet-system get pods -l app.kubernetes.io/name=billet -o json | jq '.items | length')" -ge 2 ]; }
  check "the Deployment's pods were created" wait_for pods 60 replicas
  check "helm uninstall removes the release" "$helm" uninstall billet -n billet-system \
    --kubeconfig "$KUBECONFIG" --timeout 60s
  gone() { ! k get validatingwebhookconfiguration billet > /dev/null 2>&1; }
  check "no webhook configuration is left behind" wait_for gone 30 gone
}
