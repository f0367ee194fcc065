# 9b. Under a steady stream of creates: the serving certificate is rotated (new key, same CA, as
# `billet certs generate` renews it into the Secret volume) and the policy directory is swapped
# (a ConfigMap update). No create fails, and every one was answered by billet (failurePolicy
# Ignore would hide a failed call, so each pod must carry billet's changes).


serving_serial() {
  openssl s_client -connect "127.0.0.1:$BILLET_PORT" -CAfile "$WORK/billet-certs/ca.crt" \
    < /dev/null 2>/dev/null | openssl x509 -noout -serial
}

scenario() {
  ns_create ml-prod
  # The swapped-in pack: the same policies plus one that labels GPU pods, so that pods created
  # after the swap show which policy set answered them.
  mkdir -p "$T/pack2"
  cp "$ROOT"/manifests/policies/*.yaml "$T/pack2/"
  cat > "$T/pack2/generation.yaml" <<'POLICY'
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: policy-generation}
spec:
  match: {kinds: [Pod], gpu: true}
  rules:
    - name: label
      mutate: {labels: {billet.dev/generation: "2"}}
POLICY
  local serial1 serial2 failed=0 i n=40
  serial1=$(serving_serial)
  for i in $(seq 1 $n); do
    if ! gpu_pod "p$i" | k create -f - > /dev/null 2>> "$T/create.err"; then failed=$((failed + 1)); fi
    case $i in
      10) issue_serving_cert ;;
      25) volume_install "$WORK/policies" "$T"/pack2/*.yaml ;;
    esac
    sleep 0.1
  done
  serial2=$(serving_serial)
  check "no create failed" same 0 "$failed"
  [ "$failed" = 0 ] || head -n 5 "$T/create.err" >&2
  k -n ml-prod get pods -o json > "$T/pods.json"
  check "every pod was answered by billet" same "$n" \
    "$(jq '[.items[] | select(.spec.tolerations // [] | any(.key == "nvidia.com/gpu"))] | length' "$T/pods.json")"
  check "the certificate was rotated" differ "$serial1" "$serial2"
  check "the rotated certificate comes from the same CA" \
    openssl verify -CAfile "$WORK/billet-certs/ca.crt" "$WORK/tls/tls.crt"
  check "the swapped policies took effect" holds '.items | any(.metadata.labels["billet.dev/generation"] == "2")' "$T/pods.json"
  check "the last pods were answered by the new policies" same 2 \
    "$(jq -r '.items[] | select(.metadata.name == "p'$n'") | .metadata.labels["billet.dev/generation"]' "$T/pods.json")"
  check "one policy reload, no failure" same 0 "$(metric billet_policy_reloads_total 'result="failure"')"
  check "the certificate reload was logged" grep -q '"msg":"certificate reloaded"' "$WORK/billet.log"
}
