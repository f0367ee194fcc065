# `billet audit --kubeconfig`: the objects of a live cluster, read with each kind of credential a
# kubeconfig holds (a bearer token, a client certificate, an exec plugin printing a token or a
# certificate), audited exactly as `billet audit -f` audits a `kubectl get -o yaml` dump of the
# same objects, the ML operators' kinds included (found by discovery); bad credentials, missing permissions, an unreachable server and a kubeconfig
# billet refuses each end with one line on stderr and exit 2.

CLUSTER_ONLY=1  # no billet server: the objects are created as they are, without its webhooks

# The kinds the bundled pack has policies for, as `kubectl get` names them: the built-in ones, and
# those of Settings.podTemplates whose CRDs the test cluster has (lib.sh install_operator_crds).
KINDS=nodes,pods,deployments,replicasets,statefulsets,daemonsets,jobs,cronjobs,replicationcontrollers,prometheuses,prometheusagents
OPERATOR_KINDS=rayclusters.ray.io,rayjobs.ray.io,rayservices.ray.io,pytorchjobs.kubeflow.org,workflows.argoproj.io,inferenceservices.serving.kserve.io,leaderworkersets.leaderworkerset.x-k8s.io,jobsets.jobset.x-k8s.io

# audit_json ARGS...: `billet audit -o json` with what depends on where objects came from left
# out (file, line), resources in one order.
audit_json() {
  if ! "$BILLET" audit -p "$ROOT/manifests/policies" --output json "$@" > "$T/audit.out" 2> "$T/audit.err"; then
    echo "billet audit $* failed:" >&2
    cat "$T/audit.err" >&2
  fi
  jq -S '.resources |= (map(del(.file, .line)) | sort_by(.kind, .namespace // "", .name))' "$T/audit.out"
}

# kubeconfig_with FILE USER_YAML: a kubeconfig for the test API server with the given user.
kubeconfig_with() {
  cat > "$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: test
  cluster: {server: "$APISERVER", certificate-authority: "$WORK/pki/ca.crt"}
users:
- name: auditor
  user:
$2
contexts:
- name: audit
  context: {cluster: test, user: auditor}
- name: elsewhere
  context: {cluster: test, user: nobody}
current-context: audit
EOF
}

scenario() {
  # The example workloads, in their namespaces; Deployments, Jobs and the rest get their
  # ReplicaSets and Pods from the controller manager (Pending: no node runs them).
  for f in "$ROOT"/manifests/examples/*.yaml "$ROOT"/manifests/examples/ml-operators/*.yaml; do
    k create --dry-run=client -o json -f "$f" | jq -c 'if .kind == "List" then .items[] else . end'
  done > "$T/objects.jsonl"
  ns_create $(jq -r '.metadata.namespace // "default"' "$T/objects.jsonl" | sort -u)
  jq -s '{apiVersion: "v1", kind: "List", items: .}' "$T/objects.jsonl" \
    | k create -f - > /dev/null 2> "$T/create.err" || true
  # No new Jobs mid-test: what is listed must equal what is dumped.
  k get cronjobs -A -o json | jq -r '.items[] | "\(.metadata.namespace) \(.metadata.name)"' \
    | while read -r ns name; do
        k -n "$ns" patch cronjob "$name" --type merge -p '{"spec":{"suspend":true}}' > /dev/null
      done
  count_pods() { k get pods -A --no-headers 2>/dev/null | wc -l; }
  local before=-1 now
  for _ in $(seq 1 30); do  # until the controllers are done
    now=$(count_pods)
    [ "$now" = "$before" ] && [ "$now" -gt 0 ] && break
    before=$now
    sleep 2
  done
  log "$(count_pods) pods, $(wc -l < "$T/objects.jsonl") example objects"

  # Who audits: a ServiceAccount (token), a user with a client certificate, and whoever the exec
  # plugin says, all bound to a role that may list these kinds and nothing else.
  k create clusterrole billet-auditor --verb=list \
    --resource=nodes,pods,replicationcontrollers,deployments.apps,replicasets.apps,statefulsets.apps,daemonsets.apps,jobs.batch,cronjobs.batch,horizontalpodautoscalers.autoscaling,prometheuses.monitoring.coreos.com,prometheusagents.monitoring.coreos.com,$OPERATOR_KINDS \
    > /dev/null
  k create serviceaccount auditor -n default > /dev/null
  k create clusterrolebinding billet-auditor --clusterrole billet-auditor \
    --serviceaccount default:auditor --user auditor-cert > /dev/null
  k create token auditor -n default --duration 1h > "$T/token"
  openssl_cert auditor-cert "/CN=auditor-cert"
  openssl_cert nobody "/CN=nobody"  # authenticated, allowed nothing

  k get "$KINDS,$OPERATOR_KINDS" -A -o yaml > "$T/dump.yaml"
  audit_json -f "$T/dump.yaml" > "$T/want.json"
  check "the dump audits to results" at_least 10 "$(jq '.resources | length' "$T/want.json")"
  check "the dump holds the ML operators' objects, with findings" holds \
    '[.resources[] | select(.kind == "RayCluster" or .kind == "Workflow" or .kind == "PyTorchJob"
      or .kind == "LeaderWorkerSet" or .kind == "InferenceService" or .kind == "JobSet")
      | select(.results | length > 0)] | length == 6' "$T/want.json"

  # 1. A bearer token (tokenFile) and a CA file.
  kubeconfig_with "$T/token.kubeconfig" "    tokenFile: $T/token"
  audit_json --kubeconfig "$T/token.kubeconfig" > "$T/token.json"
  check "token: the same results as the dump" same_json "$T/want.json" "$T/token.json"
  # Discovery found each CRD's version and resource; the built-in podTemplates kinds this cluster
  # has no CRD for (MPIJob, TrainJob, Volcano's Job, ...) are passed over without a note.
  check "no note on stderr" not grep -q . "$T/audit.err"
  check "a RayCluster is named by the path its CRD serves it at" holds \
    '.resources[] | select(.kind == "RayCluster") | .apiVersion == "ray.io/v1"' "$T/token.json"
  "$BILLET" audit -p "$ROOT/manifests/policies" --kubeconfig "$T/token.kubeconfig" --output text \
    > "$T/paths.txt" 2>/dev/null || true
  check "a Workflow's path is the one the API server serves it at" \
    grep -qF '(/apis/argoproj.io/v1alpha1/namespaces/ml-research/workflows/eval-nightly' "$T/paths.txt"

  # 2. A client certificate and key, inline (-data), for mutual TLS.
  kubeconfig_with "$T/cert.kubeconfig" "    client-certificate-data: $(base64 -w0 < "$WORK/pki/auditor-cert.crt")
    client-key-data: $(base64 -w0 < "$WORK/pki/auditor-cert.key")"
  audit_json --kubeconfig "$T/cert.kubeconfig" > "$T/cert.json"
  check "client certificate: the same results as the dump" same_json "$T/want.json" "$T/cert.json"

  # 3. An exec plugin, run as kubectl runs it: a token, then a client certificate.
  cat > "$T/plugin.sh" <<'PLUGIN'
#!/bin/sh
# Answers with the apiVersion KUBERNETES_EXEC_INFO asks for; logs its runs.
echo "run $*" >> "$PLUGIN_LOG"
case $(printf %s "$KUBERNETES_EXEC_INFO" | jq -r '.apiVersion + " " + (.spec.interactive | tostring)') in
  "client.authentication.k8s.io/v1 false") ;;
  *) echo "unexpected KUBERNETES_EXEC_INFO: $KUBERNETES_EXEC_INFO" >&2; exit 1 ;;
esac
if [ "$1" = token ]; then
  jq -n --arg t "$(cat "$TOKEN_FILE")" '{apiVersion: "client.authentication.k8s.io/v1",
    kind: "ExecCredential", status: {token: $t, expirationTimestamp: "2100-01-01T00:00:00Z"}}'
else
  jq -n --rawfile c "$CERT" --rawfile k "$KEY" '{apiVersion: "client.authentication.k8s.io/v1",
    kind: "ExecCredential", status: {clientCertificateData: $c, clientKeyData: $k}}'
fi
PLUGIN
  chmod +x "$T/plugin.sh"
  local env_common="        - {name: PLUGIN_LOG, value: \"$T/plugin.log\"}"
  kubeconfig_with "$T/exec-token.kubeconfig" "    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./plugin.sh
      args: [token]
      interactiveMode: Never
      env:
$env_common
        - {name: TOKEN_FILE, value: \"$T/token\"}"
  audit_json --kubeconfig "$T/exec-token.kubeconfig" > "$T/exec-token.json"
  check "exec plugin (token): the same results as the dump" same_json "$T/want.json" "$T/exec-token.json"
  check "exec plugin: run once for the whole audit (its token is kept until it expires)" \
    same "run token" "$(cat "$T/plugin.log")"
  kubeconfig_with "$T/exec-cert.kubeconfig" "    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $T/plugin.sh
      args: [cert]
      env:
$env_common
        - {name: CERT, value: \"$WORK/pki/auditor-cert.crt\"}
        - {name: KEY, value: \"$WORK/pki/auditor-cert.key\"}"
  audit_json --kubeconfig "$T/exec-cert.kubeconfig" > "$T/exec-cert.json"
  check "exec plugin (client certificate): the same results as the dump" same_json "$T/want.json" "$T/exec-cert.json"

  # The other outputs come from the same reports.
  "$BILLET" audit -p "$ROOT/manifests/policies" --kubeconfig "$T/token.kubeconfig" \
    --output text --html "$T/audit.html" > "$T/audit.txt" 2>/dev/null
  "$BILLET" audit -p "$ROOT/manifests/policies" -f "$T/dump.yaml" --output text > "$T/dump.txt" 2>/dev/null
  check "text: the same summary line as the dump" same "$(tail -n1 "$T/dump.txt")" "$(tail -n1 "$T/audit.txt")"
  check "text: objects named by their API path" grep -q '(/api/v1/namespaces/.*/pods/' "$T/audit.txt"
  check "html written" grep -q '<html' "$T/audit.html"
  for fmt in policyreport sarif junit; do
    "$BILLET" audit -p "$ROOT/manifests/policies" --kubeconfig "$T/token.kubeconfig" --output "$fmt" \
      > "$T/out.$fmt" 2>/dev/null
    check "--output $fmt" test -s "$T/out.$fmt"
  done

  # Errors: one line, exit 2.
  fails_with() {  # fails_with PATTERN ARGS...: exit 2 and one stderr line matching PATTERN
    local pattern=$1 rc=0
    shift
    "$BILLET" audit -p "$ROOT/manifests/policies" "$@" > /dev/null 2> "$T/err" || rc=$?
    [ "$rc" = 2 ] && [ "$(wc -l < "$T/err")" = 1 ] && grep -q -- "$pattern" "$T/err" && return 0
    echo "  exit $rc, stderr:" >&2
    cat "$T/err" >&2
    return 1
  }
  kubeconfig_with "$T/bad-token.kubeconfig" "    token: not-a-token"
  check "a refused token: 401, one line" fails_with '401 Unauthorized' --kubeconfig "$T/bad-token.kubeconfig"
  kubeconfig_with "$T/nobody.kubeconfig" "    client-certificate: $WORK/pki/nobody.crt
    client-key: $WORK/pki/nobody.key"
  check "a user without RBAC: 403, one line" fails_with '403 Forbidden' --kubeconfig "$T/nobody.kubeconfig"
  check "a context whose user is missing" fails_with 'no user "nobody"' \
    --kubeconfig "$T/token.kubeconfig" --context elsewhere
  sed "s|$APISERVER|https://127.0.0.1:1|" "$T/token.kubeconfig" > "$T/down.kubeconfig"
  check "an unreachable server" fails_with 'cannot connect' --kubeconfig "$T/down.kubeconfig"
  sed 's|certificate-authority: .*}|insecure-skip-tls-verify: true}|' "$T/token.kubeconfig" > "$T/insecure.kubeconfig"
  check "insecure-skip-tls-verify is refused" fails_with 'insecure-skip-tls-verify is refused' \
    --kubeconfig "$T/insecure.kubeconfig"
  sed 's|pki/ca.crt|pki/sa.pub|' "$T/token.kubeconfig" > "$T/wrong-ca.kubeconfig"
  check "a CA that did not sign the server" fails_with 'TLS handshake\|the API server' \
    --kubeconfig "$T/wrong-ca.kubeconfig"
  check "-f and --kubeconfig together is a usage error" \
    not "$BILLET" audit -p "$ROOT/manifests/policies" -f "$T/dump.yaml" --kubeconfig "$T/token.kubeconfig"
}

# same_json A B: equal JSON files; the difference shows otherwise.
same_json() {
  cmp -s "$1" "$2" && return 0
  diff "$1" "$2" | head -n 40 >&2
  return 1
}
