# The cert-manager overlay applies cleanly to a real API server that has cert-manager's CRDs (read
# from cert-manager's Go module, release pinned below): the issuer chain and the serving
# Certificate are accepted by cert-manager's schemas, and both webhook configurations carry the
# inject-ca-from annotation that names that Certificate. cert-manager's controller and cainjector
# are not run here: their commands are separate Go modules that the module proxy does not serve
# at release versions, so issuance itself is not proven (see the README).

CLUSTER_ONLY=1
CERT_MANAGER=github.com/cert-manager/cert-manager@v1.21.2

scenario() {
  local dir
  dir=$(cd "$ROOT" && go mod download -json "$CERT_MANAGER" | jq -r .Dir)
  check "cert-manager's module is available" [ -d "$dir/deploy/crds" ]
  k apply -f "$dir/deploy/crds/" > /dev/null
  k wait --for condition=Established --timeout 30s \
    crd/certificates.cert-manager.io crd/issuers.cert-manager.io > /dev/null
  k kustomize "$ROOT/overlays/cert-manager" > "$T/overlay.yaml"
  check "the overlay applies cleanly" k apply -f "$T/overlay.yaml"
  check "the serving Certificate is stored" k -n billet-system get certificates.cert-manager.io -o name
  local cert annotation
  cert=$(k -n billet-system get certificates.cert-manager.io -o json \
    | jq -r '.items[] | select(.spec.secretName == "billet-tls") | .metadata.name')
  check "a Certificate issues the Secret the Deployment mounts" [ -n "$cert" ]
  check "it names the Service's DNS names" same "billet.billet-system.svc" \
    "$(k -n billet-system get certificates.cert-manager.io "$cert" -o json | jq -r '.spec.dnsNames[] | select(. == "billet.billet-system.svc")')"
  for kind in mutatingwebhookconfiguration validatingwebhookconfiguration; do
    annotation=$(k get "$kind" billet -o json | jq -r '.metadata.annotations["cert-manager.io/inject-ca-from"]')
    check "$kind: inject-ca-from names the serving Certificate" same "billet-system/$cert" "$annotation"
  done
  check "the Deployment mounts that Secret" same billet-tls \
    "$(k -n billet-system get deployment billet -o json | jq -r '.spec.template.spec.volumes[] | select(.name == "tls") | .secret.secretName')"
}
