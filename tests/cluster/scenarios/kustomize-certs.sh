# The certificates overlay, as docs/install.md installs it: `billet certs generate` into
# overlays/certs/ (of a copy of the tree) and `kubectl apply -k overlays/certs/` into a real API
# server. The stored webhook configurations' caBundle is the generated CA and verifies the
# stored Secret's certificate for the Service's name; generating and applying again renews the
# serving certificate in the Secret and keeps the CA the webhooks trust.

CLUSTER_ONLY=1

quietly() { "$@" > /dev/null; }

scenario() {
  mkdir -p "$T/tree"
  cp -r "$ROOT/manifests" "$ROOT/overlays" "$T/tree/"
  local dir="$T/tree/overlays/certs"
  rm -f "$dir"/*.crt "$dir"/*.key
  generate() {
    "$BILLET" certs generate --service billet --namespace billet-system --out "$dir" > /dev/null 2>&1
  }
  apply() { k apply -k "$dir" > /dev/null; }
  check "billet certs generate writes into the overlay" generate
  check "kubectl apply -k overlays/certs/ succeeds" apply

  stored_secret() {  # stored_secret KEY: the stored Secret's KEY, decoded
    k -n billet-system get secret billet-tls -o json | jq -r --arg key "$1" '.data[$key]' | base64 -d
  }
  check "the Secret is a kubernetes.io/tls Secret" same kubernetes.io/tls \
    "$(k -n billet-system get secret billet-tls -o jsonpath='{.type}')"
  stored_secret tls.crt > "$T/tls.crt"
  check "it holds the generated serving certificate" cmp -s "$T/tls.crt" "$dir/tls.crt"
  check "and not the CA's key" same null \
    "$(k -n billet-system get secret billet-tls -o json | jq -c '.data["ca.key"]')"
  local kind
  for kind in mutatingwebhookconfiguration validatingwebhookconfiguration; do
    k get "$kind" billet -o jsonpath='{.webhooks[0].clientConfig.caBundle}' | base64 -d > "$T/$kind.ca"
    check "$kind: the stored caBundle is the generated CA" cmp -s "$T/$kind.ca" "$dir/ca.crt"
    check "$kind: it verifies the stored certificate for billet.billet-system.svc" \
      quietly openssl verify -CAfile "$T/$kind.ca" -verify_hostname billet.billet-system.svc "$T/tls.crt"
  done

  # Renewal: generate again (the CA is kept) and apply again.
  cp "$dir/ca.crt" "$T/ca.before"
  sleep 1  # a new certificate's notBefore differs
  check "generating again succeeds" generate
  check "applying again succeeds" apply
  stored_secret tls.crt > "$T/tls.renewed"
  check "the Secret holds the renewed certificate" cmp -s "$T/tls.renewed" "$dir/tls.crt"
  check "which is a new one" not cmp -s "$T/tls.renewed" "$T/tls.crt"
  k get validatingwebhookconfiguration billet -o jsonpath='{.webhooks[0].clientConfig.caBundle}' \
    | base64 -d > "$T/ca.after"
  check "the webhooks trust the same CA" cmp -s "$T/ca.after" "$T/ca.before"
  check "which verifies the renewed certificate" \
    quietly openssl verify -CAfile "$T/ca.after" -verify_hostname billet.billet-system.svc "$T/tls.renewed"
}
