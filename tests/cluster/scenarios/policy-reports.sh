# 6. PolicyReports: with the shipped wgpolicyk8s.io/v1alpha2 CRDs installed, billet's reports are
# stored as billet serves them (the schema accepted and pruned nothing), one per namespace,
# bounded in size however many objects break the same rule.

# Admission results only: the background audit (its own scenario) would add its results to the
# written reports but not to what /reports serves.
BILLET_EXTRA_ARGS=(--report-interval 1s --audit-interval 0)

prepare() {
  k apply -f "$ROOT/manifests/crds/" > /dev/null
  k wait --for condition=Established --timeout 30s \
    crd/policyreports.wgpolicyk8s.io crd/clusterpolicyreports.wgpolicyk8s.io > /dev/null
}

scenario() {
  local ns
  example debug-shell > "$T/pod.json"
  for ns in team-a team-b; do
    ns_create "$ns"
    # 40 pods with a :latest image and no requests: Warn-mode findings of the baseline pack.
    for i in $(seq 1 40); do
      jq --arg ns "$ns" --arg n "shell-$i" \
        '.metadata.namespace = $ns | .metadata.name = $n' "$T/pod.json"
    done | k create -f - > /dev/null 2>&1
    log "$ns: 40 pods created"
  done
  written() { [ "$(k get policyreports -A -o json | jq '.items | length')" -ge 2 ]; }
  check "reports written for both namespaces" wait_for reports 30 written
  log "reports written"
  sleep 2  # one more writer pass: the last pods' findings
  k get policyreports -A -o json > "$T/stored.json"
  curl -fsS --cacert "$WORK/billet-certs/ca.crt" \
    "https://127.0.0.1:$BILLET_PORT/reports?format=policyreport" > "$T/served.yaml"
  k create --dry-run=client -o json -f "$T/served.yaml" > "$T/served.json"
  for ns in team-a team-b; do
    check "$ns: one report, billet-$ns" same "billet-$ns" \
      "$(jq -r --arg ns "$ns" '[.items[] | select(.metadata.namespace == $ns) | .metadata.name] | join(",")' "$T/stored.json")"
    local stored served
    stored=$(jq -S --arg ns "$ns" '.items[] | select(.metadata.namespace == $ns)
                                   | {summary, results}' "$T/stored.json")
    served=$(jq -S --arg ns "$ns" '(if .kind == "List" then .items[] else . end)
                                   | select(.metadata.namespace == $ns) | {summary, results}' "$T/served.json")
    check "$ns: stored exactly as billet serves it (nothing pruned by the schema)" same "$served" "$stored"
    check "$ns: the summary counts all 40 pods" at_least 40 \
      "$(jq '.summary.warn' <<< "$stored")"
    check "$ns: results are bounded (examples, not one per pod)" at_most 39 \
      "$(jq '.results | length' <<< "$stored")"
  done
  local bytes
  bytes=$(jq -c '.items[0]' "$T/stored.json" | wc -c)
  check "a report stays small ($bytes bytes)" at_most 65536 "$bytes"
  check "billet's writes were all accepted" not grep -qE 'cannot write PolicyReport|PolicyReports not written' "$WORK/billet.log"
}
