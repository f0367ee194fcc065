# One PolicyReport writer among replicas: two billet replicas share the Lease
# billet-system/billet. Exactly one holds it and writes reports (what only the other one saw is
# not written); killed without a word (SIGKILL, no release), its Lease is taken over by the other
# within the lease duration (15 s, plus a retry period of 2 s), which then writes; on SIGTERM the
# holder releases the Lease (holderIdentity cleared) instead of making the others wait.

export POD_NAME=replica-a  # the first replica, started by billet_up
BILLET_EXTRA_ARGS=(--report-interval 1s --audit-interval 0)

prepare() {
  k apply -f "$ROOT/manifests/crds/" > /dev/null
  k wait --for condition=Established --timeout 30s \
    crd/policyreports.wgpolicyk8s.io crd/clusterpolicyreports.wgpolicyk8s.io > /dev/null
}

holder() { k -n billet-system get lease billet -o jsonpath='{.spec.holderIdentity}' 2>/dev/null; }
holder_is() { [ "$(holder)" = "$1" ]; }
report_exists() { k -n "$1" get policyreport "billet-$1" > /dev/null 2>&1; }

# review_to PORT NAMESPACE: a Warn-mode finding (a :latest pod without requests) reviewed by the
# replica on PORT, as the API server would send it.
review_to() {
  example debug-shell | jq --arg ns "$2" '.metadata.namespace = $ns | .metadata.name = "shell"' \
    > "$T/pod-$2.json"
  review_of "$T/pod-$2.json" > "$T/review-$2.json"
  for endpoint in mutate validate; do
    curl -fsS --cacert "$WORK/billet-certs/ca.crt" -H 'Content-Type: application/json' \
      --data-binary @"$T/review-$2.json" "https://127.0.0.1:$1/$endpoint" > /dev/null
  done
}

scenario() {
  ns_create team-a team-b
  check "replica-a holds the Lease" wait_for lease 20 holder_is replica-a

  # A second replica: the same arguments, its own ports and name.
  local port_b metrics_b args
  port_b=$(free_port)
  metrics_b=$(free_port)
  mapfile -t args < <(sed -e "s|^--listen=.*|--listen=127.0.0.1:$port_b|" \
                          -e "s|^--metrics-listen=.*|--metrics-listen=127.0.0.1:$metrics_b|" "$WORK/billet.args")
  start billet-b env POD_NAME=replica-b POD_NAMESPACE=billet-system \
    BILLET_KUBE_TOKEN_FILE="$WORK/billet.token" BILLET_KUBE_CA_FILE="$WORK/pki/ca.crt" \
    "$BILLET" "${args[@]}" --reload-interval 1s "${BILLET_EXTRA_ARGS[@]}"
  wait_for "replica-b ready" 20 curl -fsS "http://127.0.0.1:$metrics_b/readyz" || die "replica-b not ready"

  # Each replica sees one namespace's finding; only the holder's is written.
  review_to "$BILLET_PORT" team-a
  review_to "$port_b" team-b
  check "the holder (replica-a) writes its report" wait_for report 20 report_exists team-a
  sleep 4  # several of replica-b's report intervals
  check "replica-b, not holding the Lease, writes nothing" not report_exists team-b
  check "replica-a still holds the Lease" holder_is replica-a

  # replica-a stops renewing (killed); replica-b takes over and writes what it saw.
  local killed took
  kill -9 "$(cat "$WORK/billet.pid")"
  killed=$(date +%s)
  check "replica-b takes the Lease over" wait_for takeover 30 holder_is replica-b
  took=$(( $(date +%s) - killed ))
  log "Lease taken over ${took}s after the holder was killed"
  # Expiry is judged from when replica-b last saw the Lease renewed (a retry period, 2 s, at most
  # before the kill), and it looks again every retry period: 15 s + 2 s + 2 s.
  check "within the lease duration and the retry periods (${took}s)" at_most 20 "$took"
  check "the new holder writes its report" wait_for report 20 report_exists team-b
  check "replica-b logged that it leads" grep -q '"msg":"leading: this replica writes PolicyReports"' "$WORK/billet-b.log"

  # SIGTERM: the Lease is released, not left to expire.
  stop billet-b
  check "SIGTERM releases the Lease (holderIdentity cleared)" holder_is ""
  check "replica-b logged the release" grep -q '"msg":"Lease released"' "$WORK/billet-b.log"
}
