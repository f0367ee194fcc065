#!/usr/bin/env bash
# The certificates overlay (overlays/certs/), with a certificate `billet certs generate` wrote into
# it (in a copy of the tree), renders: the Secret the Deployment mounts holds the pair and the
# CA, both webhooks' caBundle is that CA, and it verifies the serving certificate for the
# Service's name; the rest is the base.
# The cert-manager overlay (overlays/cert-manager/) renders with kubectl's kustomize, leaves the base
# (manifests/) as it is apart from the webhooks' CA, and chains cert-manager's objects as it says:
# self-signed Issuer → CA Certificate → CA Issuer → serving Certificate for the Service's DNS names,
# into the Secret the Deployment mounts; both webhooks ask cainjector for that Certificate's CA.
# To render by hand:
#   KBIN=$(bash tests/cluster/build.sh); $KBIN/kubectl kustomize overlays/cert-manager
# To apply (cert-manager's CRDs installed): $KBIN/kubectl apply -k overlays/cert-manager
# Usage: kustomize_test.sh BILLET SOURCE_DIR  (HBIN, KBIN: directories with yaml2json and kubectl to use
# instead of building them)
set -uo pipefail
BILLET=$1
SRC=$2
source "$SRC/tests/cli/testlib.sh"
HBIN=${HBIN:-$(bash "$SRC/tests/packaging/helm/build.sh")} || { echo "FAILED: building yaml2json"; exit 1; }
KBIN=${KBIN:-$(bash "$SRC/tests/cluster/build.sh")} || { echo "FAILED: building kubectl"; exit 1; }
Y2J=$HBIN/yaml2json
KUBECTL=$KBIN/kubectl

"$KUBECTL" kustomize "$SRC/overlays/cert-manager" >"$T/overlay.yaml" 2>"$T/err"
check "kubectl kustomize overlays/cert-manager renders" [ $? -eq 0 ]
"$Y2J" <"$T/overlay.yaml" >"$T/overlay.json"
"$KUBECTL" kustomize "$SRC/manifests" | "$Y2J" >"$T/base.json"

one() {  # one JQ-FILTER: the single object of the overlay it selects (empty unless exactly one)
  jq -c "[.[] | select($1)] | if length == 1 then .[0] else empty end" "$T/overlay.json"
}
field() { jq -r "$2" <<<"$1"; }
quietly() { "$@" >/dev/null; }

# The base, untouched but for the webhooks' CA.
rest='[.[] | select(.apiVersion | startswith("cert-manager.io/") | not)
       | del(.webhooks[]?.clientConfig.caBundle) | del(.metadata.annotations["cert-manager.io/inject-ca-from"])
       | if .metadata.annotations == {} then del(.metadata.annotations) else . end] | sort_by(.kind, .metadata.name)'
check "the base's objects are unchanged apart from the webhooks' CA" \
  diff <(jq -S "$rest" "$T/base.json") <(jq -S "$rest" "$T/overlay.json")

service=$(one '.kind == "Service"')
svc=$(field "$service" .metadata.name)
ns=$(field "$service" .metadata.namespace)
check "one Service ($svc in $ns)" [ -n "$svc" -a -n "$ns" ]
mounted=$(one '.kind == "Deployment"' | jq -r '.spec.template.spec.volumes[] | select(.name == "tls") | .secret.secretName')
check "the Deployment mounts a TLS Secret ($mounted)" [ -n "$mounted" ]

serving=$(one ".kind == \"Certificate\" and .spec.secretName == \"$mounted\"")
check "a Certificate issues into that Secret" [ -n "$serving" ]
check "in the Service's namespace" [ "$(field "$serving" .metadata.namespace)" = "$ns" ]
check "for every name the Service is called by" [ "$(field "$serving" '.spec.dnsNames | join(",")')" = \
  "$svc,$svc.$ns,$svc.$ns.svc,$svc.$ns.svc.cluster.local" ]
check "not a CA" [ "$(field "$serving" '.spec.isCA // false')" = false ]
ca_issuer=$(one ".kind == \"$(field "$serving" .spec.issuerRef.kind)\" and .metadata.name == \"$(field "$serving" .spec.issuerRef.name)\"")
check "its issuer is in the overlay, a CA Issuer" [ -n "$(field "$ca_issuer" '.spec.ca.secretName // empty')" ]
check "in the same namespace" [ "$(field "$ca_issuer" .metadata.namespace)" = "$ns" ]
ca_cert=$(one ".kind == \"Certificate\" and .spec.secretName == \"$(field "$ca_issuer" .spec.ca.secretName)\"")
check "its CA comes from a CA Certificate" [ "$(field "$ca_cert" .spec.isCA)" = true ]
root=$(one ".kind == \"$(field "$ca_cert" .spec.issuerRef.kind)\" and .metadata.name == \"$(field "$ca_cert" .spec.issuerRef.name)\"")
check "issued by a self-signed Issuer" [ "$(field "$root" '.spec.selfSigned')" = '{}' ]
check "four cert-manager objects, no more" \
  [ "$(jq '[.[] | select(.apiVersion | startswith("cert-manager.io/"))] | length' "$T/overlay.json")" -eq 4 ]

for kind in MutatingWebhookConfiguration ValidatingWebhookConfiguration; do
  hook=$(one ".kind == \"$kind\"")
  check "$kind asks cainjector for the serving Certificate's CA" \
    [ "$(field "$hook" '.metadata.annotations["cert-manager.io/inject-ca-from"]')" = "$ns/$(field "$serving" .metadata.name)" ]
  check "$kind has no CA_BUNDLE placeholder left" [ "$(field "$hook" '.webhooks[0].clientConfig.caBundle')" = null ]
  check "$kind calls that Service" [ "$(field "$hook" '.webhooks[0].clientConfig.service | .namespace + "/" + .name')" = "$ns/$svc" ]
done
# --- overlays/certs: billet's own certificates ---
mkdir -p "$T/tree"
cp -r "$SRC/manifests" "$SRC/overlays" "$T/tree/"
rm -f "$T/tree/overlays/certs/"*.crt "$T/tree/overlays/certs/"*.key
"$KUBECTL" kustomize "$T/tree/overlays/certs" >/dev/null 2>"$T/missing.err"
check "without the generated files, kustomize says which one is missing" grep -q 'tls.crt' "$T/missing.err"
"$BILLET" certs generate --service billet --namespace billet-system --out "$T/tree/overlays/certs" \
  >/dev/null 2>&1
"$KUBECTL" kustomize "$T/tree/overlays/certs" 2>"$T/err" | "$Y2J" >"$T/certs.json"
check "kubectl kustomize overlays/certs renders" [ "$(jq length "$T/certs.json")" -gt 5 ]
certs_rest='[.[] | select(.kind != "Secret") | del(.webhooks[]?.clientConfig.caBundle)] | sort_by(.kind, .metadata.name)'
check "the base's objects are unchanged apart from the webhooks' CA" \
  diff <(jq -S "$certs_rest" "$T/base.json") <(jq -S "$certs_rest" "$T/certs.json")
secret=$(jq -c "[.[] | select(.kind == \"Secret\" and .metadata.name == \"$mounted\")] | .[0] // empty" "$T/certs.json")
check "the Secret the Deployment mounts ($mounted), in $ns" [ "$(field "$secret" .metadata.namespace)" = "$ns" ]
check "a kubernetes.io/tls Secret of tls.crt, tls.key, ca.crt (not ca.key)" \
  [ "$(field "$secret" '.type + " " + (.data | keys | join(","))')" = "kubernetes.io/tls ca.crt,tls.crt,tls.key" ]
field "$secret" '.data["tls.crt"]' | base64 -d >"$T/secret-tls.crt"
check "its tls.crt is the generated one" cmp -s "$T/secret-tls.crt" "$T/tree/overlays/certs/tls.crt"
for kind in MutatingWebhookConfiguration ValidatingWebhookConfiguration; do
  jq -r ".[] | select(.kind == \"$kind\") | .webhooks[0].clientConfig.caBundle" "$T/certs.json" \
    | base64 -d >"$T/$kind.ca" 2>/dev/null
  check "$kind: caBundle is the generated CA" cmp -s "$T/$kind.ca" "$T/tree/overlays/certs/ca.crt"
  check "$kind: it verifies the Secret's certificate for $svc.$ns.svc" \
    quietly openssl verify -CAfile "$T/$kind.ca" -verify_hostname "$svc.$ns.svc" "$T/secret-tls.crt"
done
finish
