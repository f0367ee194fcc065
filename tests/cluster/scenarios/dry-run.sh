# 4. `kubectl apply --dry-run=server`: the same answer as a real apply, no PodDisruptionBudget and
# nothing recorded for reports.

pdb_exists() { k -n "$1" get pdb "$2" > /dev/null 2>&1; }

scenario() {
  ns_create ml-prod
  ns_create runai
  example gpu-inference > "$T/inference.json"   # 2 replicas: billet generates a PDB for it
  example debug-shell > "$T/pod.json"           # Warn-mode findings: recorded for reports
  local generated
  generated=$(metric billet_generate_total)
  k apply --dry-run=server -o json -f "$T/inference.json" > "$T/dry.json"
  k create --dry-run=server -o json -f "$T/pod.json" > "$T/pod.dry.json" 2>/dev/null
  check "the dry run got billet's mutation" has_gpu_placement "$(jq -c .spec.template.spec "$T/dry.json")"

  # A real apply of another replicated Deployment after the dry run: once its PDB exists, the
  # applier's queue has passed the point where a PDB for the dry run would have been written.
  example cluster-sync > "$T/sync.json"
  k apply -f "$T/sync.json" > /dev/null
  check "a real apply generates its PDB" wait_for pdb 30 pdb_exists runai cluster-sync-pdb
  check "the dry run generated no PDB" not pdb_exists ml-prod gpu-inference-pdb
  check "billet applied one object, not two" same 1 "$(( $(metric billet_generate_total 'result="applied"') - generated ))"
  local reports
  reports=$(curl -fsS --cacert "$WORK/billet-certs/ca.crt" "https://127.0.0.1:$BILLET_PORT/reports")
  check "the dry run left nothing in the reports" not grep -q debug-shell <<< "$reports"

  # The same answer for real: the stored object is what the dry run returned.
  k apply -f "$T/inference.json" > /dev/null
  k get -o json -f "$T/inference.json" > "$T/stored.json"
  check "stored = dry-run answer" same_objects "$T/dry.json" "$T/stored.json"
  k create -f "$T/pod.json" > /dev/null 2>&1
  reports=$(curl -fsS --cacert "$WORK/billet-certs/ca.crt" "https://127.0.0.1:$BILLET_PORT/reports")
  check "the real create is in the reports" grep -q debug-shell <<< "$reports"
}
