# Background audit: pods created before billet's webhooks are registered (so admission never saw
# them: 500 pods across 10 namespaces, Pending since no node runs them) appear in the
# PolicyReports billet writes, with the counts `billet audit` gives for a dump of the same
# objects (kubectl get -o yaml), and the pass is logged with its size, time and memory. A
# RayCluster made then too is audited as well (its CRD found by discovery, listed with the
# shipped RBAC). A namespace emptied of its objects loses its report at the next pass. Once
# billet may list nothing, its passes fail and the reports keep the findings.

NAMESPACES=10
PODS_PER_NAMESPACE=50
BILLET_EXTRA_ARGS=(--report-interval 1s --audit-interval 3s)

prepare() {
  k apply -f "$ROOT/manifests/crds/" > /dev/null
  k wait --for condition=Established --timeout 30s \
    crd/policyreports.wgpolicyk8s.io crd/clusterpolicyreports.wgpolicyk8s.io > /dev/null
  local i n
  for i in $(seq 1 "$NAMESPACES"); do echo "audit-$i"; done > "$T/namespaces"
  ns_create $(cat "$T/namespaces")
  example debug-shell > "$T/shell.json"
  # Half the pods break Warn-mode rules (:latest, no requests), half are GPU pods that billet
  # would have placed (would set tolerations and a node selector). One kubectl per namespace, in
  # parallel: created one by one they take a minute here.
  gpu_pod gpu audit > "$T/gpu.json"
  for i in $(seq 1 "$NAMESPACES"); do
    jq -n --arg ns "audit-$i" --argjson n "$PODS_PER_NAMESPACE" --slurpfile shell "$T/shell.json" \
          --slurpfile gpu "$T/gpu.json" '
      {apiVersion: "v1", kind: "List", items: [range($n) as $j
        | if $j % 2 == 0 then $shell[0] | .metadata += {name: "shell-\($j)", namespace: $ns}
          else $gpu[0] | .metadata += {name: "gpu-\($j)", namespace: $ns} end]}' > "$T/pods-$i.json"
  done
  local pids=()
  for i in $(seq 1 "$NAMESPACES"); do
    k create -f "$T/pods-$i.json" > /dev/null &
    pids+=("$!")
  done
  for p in "${pids[@]}"; do wait "$p" || die "pods not created"; done
  log "$(cat "$T"/pods-*.json | jq -s 'map(.items | length) | add') pods created before the webhooks"
  ns_create ml-prod
  k apply -f "$ROOT/manifests/examples/ml-operators/ray-cluster.yaml" > /dev/null
}

# counts NS FILE: pass/fail/warn/error of a PolicyReport list (stored) in namespace NS.
stored_counts() {
  jq -c --arg ns "$1" '.items[] | select(.metadata.namespace == $ns) | .summary
                       | {pass, fail, warn, error}' "$2"
}

scenario() {
  k get pods -A -o yaml > "$T/dump.yaml"
  "$BILLET" audit -p "$ROOT/manifests/policies" -f "$T/dump.yaml" --output json > "$T/want.json"
  # What the dump's audit counts per namespace (skips are not reported by the server).
  jq -c '[.resources[] | .namespace as $ns | .results[] | {ns: $ns, result}]
         | group_by(.ns) | map({key: .[0].ns, value: (group_by(.result)
           | map({key: .[0].result, value: length}) | from_entries
           | {pass: (.pass // 0), fail: (.fail // 0), warn: (.warn // 0), error: (.error // 0)})})
         | from_entries' "$T/want.json" > "$T/want-counts.json"

  all_written() {
    k get policyreports -A -o json > "$T/stored.json"
    local ns
    while read -r ns; do
      [ "$(stored_counts "$ns" "$T/stored.json")" = "$(jq -c --arg ns "$ns" '.[$ns]' "$T/want-counts.json")" ] \
        || return 1
    done < "$T/namespaces"
  }
  check "every namespace's report counts what the dump's audit counts" wait_for reports 90 all_written
  local ns
  while read -r ns; do
    check "$ns: $(stored_counts "$ns" "$T/stored.json")" same \
      "$(jq -c --arg ns "$ns" '.[$ns]' "$T/want-counts.json")" "$(stored_counts "$ns" "$T/stored.json")"
  done < "$T/namespaces"
  check "the pods' findings are listed (a :latest image, would set a GPU toleration)" \
    holds '[.items[].results[]? | .message] | (any(test("latest")) and any(test("would add")))' "$T/stored.json"
  check "bounded: examples, not one result per pod" \
    holds '[.items[] | select(.metadata.namespace == "audit-1") | .results | length] | .[0] < 50' "$T/stored.json"
  grep '"msg":"background audit pass"' "$WORK/billet.log" | tail -n1 > "$T/pass.json"
  check "the pass is logged with its size" holds '.objects >= 500' "$T/pass.json"
  log "last pass: $(jq -c '{objects, kinds, ms, maxRssKiB}' "$T/pass.json")"
  check "no kind failed to list" not grep -q 'some kinds could not be listed' "$WORK/billet.log"
  ray_reported() {
    k -n ml-prod get policyreports -o json > "$T/ml-prod.json"
    jq -e '[.items[].results[]?.resources[]? | select(.kind == "RayCluster")
            | select(.apiVersion == "ray.io/v1" and .name == "llm-serving")] | length > 0' \
      "$T/ml-prod.json" > /dev/null
  }
  check "the RayCluster's findings are in its namespace's report" wait_for "RayCluster report" 30 ray_reported
  check "the RayCluster's finding is its GPU worker group's placement" holds \
    '[.items[].results[] | select(.resources[0].kind == "RayCluster") | .message]
     | any(test("workerGroupSpecs"))' "$T/ml-prod.json"
  # A namespace emptied of its objects: the next pass finds nothing there, and billet deletes the
  # report it wrote for it.
  k -n audit-10 delete pods --all --wait=false > /dev/null
  report_gone() { ! k -n audit-10 get policyreport billet-audit-10 > /dev/null 2>&1; }
  check "an emptied namespace's report is deleted after the next pass" \
    wait_for "stale report" 30 report_gone
  check "and the deletion is logged" grep -q '"msg":"stale PolicyReport deleted".*audit-10' "$WORK/billet.log"
  check "the other namespaces' reports stay" k -n audit-9 get policyreport billet-audit-9

  # Every list refused from now on (the role keeps its writes): each pass fails, and the reports
  # written after that still count what the last complete pass found.
  k get clusterrole billet -o json | jq '.rules |= map(.verbs -= ["list"] | select(.verbs != []))' \
    | k replace -f - > /dev/null
  failed_twice() { [ "$(grep -c '"msg":"background audit pass failed' "$WORK/billet.log")" -ge 2 ]; }
  check "with nothing listable, passes are logged as failed" wait_for "failed passes" 30 failed_twice
  # A pod admitted now makes billet write audit-1's report again: the pass's findings and its.
  jq '.metadata += {name: "late", namespace: "audit-1"}' "$T/shell.json" | k create -f - > /dev/null
  local want_warn
  want_warn=$(jq '.["audit-1"].warn' "$T/want-counts.json")
  rewritten() {
    k -n audit-1 get policyreports -o json > "$T/late.json"
    [ "$(jq '[.items[].summary.warn] | add' "$T/late.json")" -gt "$want_warn" ]
  }
  check "audit-1's report, written again, counts the last complete pass and the new pod" \
    wait_for "audit-1 rewritten" 30 rewritten

}
