# The real control plane for billet's cluster tests, as shell functions (sourced by run.sh).
#
# cluster_up starts etcd, kube-apiserver and kube-controller-manager (binaries from build.sh) on
# loopback, on free ports, with certificates made here, and waits for /readyz. billet_up starts
# the real billet binary on the host with a certificate from `billet certs generate` and the
# shipped ServiceAccount's token; webhooks_up registers the shipped webhook configurations with
# only clientConfig changed to billet's loopback URL. cluster_down (an EXIT trap) stops every
# process it started and removes the work directory, whatever happened.
#
# Everything lives in $WORK: certificates, kubeconfigs, logs, etcd's data. KEEP_WORK=1 keeps it.

CLUSTER_DEADLINE=${CLUSTER_DEADLINE:-90}   # seconds for the control plane to become ready
PIDS=()
BILLET_EXTRA_ARGS=()   # a scenario's additions to the shipped Deployment's arguments

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() {
  log "FAIL: $*"
  exit 1
}

# A TCP port on 127.0.0.1 that nothing listens on, below the kernel's ephemeral range so that an
# outgoing connection cannot take it before the process that is given it binds it.
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 12000 ))
    grep -qx "$p" "$WORK/ports" 2>/dev/null && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p" >> "$WORK/ports"
      echo "$p"
      return 0
    fi
  done
  die "no free port"
}

# start NAME CMD...: runs CMD in the background with its output in $WORK/NAME.log, in a session
# of its own: a server that signals its process group on shutdown must not end the test with it.
start() {
  local name=$1
  shift
  setsid "$@" > "$WORK/$name.log" 2>&1 &
  PIDS+=("$!")
  echo "$!" > "$WORK/$name.pid"
}

stop() {  # stop NAME: SIGTERM, then SIGKILL after 10 s
  local pid
  pid=$(cat "$WORK/$1.pid" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

# wait_for DESCRIPTION SECONDS CMD...: polls CMD every 0.2 s until it succeeds or time runs out.
wait_for() {
  local what=$1 seconds=$2 deadline
  shift 2
  deadline=$(( $(date +%s) + seconds ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

cluster_down() {
  local rc=$?
  set +e  # teardown goes on whatever a step returns (a stopped server's status is 143)
  if [ "$rc" -ne 0 ] && [ -n "${WORK:-}" ] && [ -d "$WORK" ]; then
    for f in billet kube-apiserver kube-controller-manager etcd; do
      [ -f "$WORK/$f.log" ] || continue
      echo "---- last lines of $f's log ----" >&2
      tail -n "${LOG_TAIL:-25}" "$WORK/$f.log" >&2
    done
  fi
  # Whatever the scenario started (billet, a second webhook), then the control plane.
  local pidfile
  for pidfile in "$WORK"/*.pid; do
    case $(basename "$pidfile" .pid) in
      kube-controller-manager | kube-apiserver | etcd) ;;
      *) stop "$(basename "$pidfile" .pid)" ;;
    esac
  done
  for name in kube-controller-manager kube-apiserver etcd; do stop "$name"; done
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
  wait 2>/dev/null
  if [ -n "${WORK:-}" ] && [ "${KEEP_WORK:-0}" != 1 ]; then rm -rf "$WORK"; fi
  [ -n "${T:-}" ] && rm -rf "$T"
  [ "${KEEP_WORK:-0}" = 1 ] && log "work directory kept: $WORK"
  exit "$rc"
}

# openssl_cert NAME SUBJECT [SAN]: a key and a certificate signed by the cluster CA.
openssl_cert() {
  local name=$1 subj=$2 san=${3:-}
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "$subj" \
    -keyout "$WORK/pki/$name.key" -out "$WORK/pki/$name.csr" 2>/dev/null
  local ext="$WORK/pki/$name.ext"
  echo "basicConstraints=critical,CA:FALSE" > "$ext"
  echo "keyUsage=critical,digitalSignature" >> "$ext"
  if [ -n "$san" ]; then
    echo "extendedKeyUsage=serverAuth" >> "$ext"
    echo "subjectAltName=$san" >> "$ext"
  else
    echo "extendedKeyUsage=clientAuth" >> "$ext"
  fi
  openssl x509 -req -in "$WORK/pki/$name.csr" -CA "$WORK/pki/ca.crt" -CAkey "$WORK/pki/ca.key" \
    -CAcreateserial -days 2 -extfile "$ext" -out "$WORK/pki/$name.crt" 2>/dev/null
}

# kubeconfig FILE USER: a kubeconfig for the test API server with USER's client certificate.
kubeconfig() {
  cat > "$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: test
  cluster: {server: "$APISERVER", certificate-authority: "$WORK/pki/ca.crt"}
users:
- name: $2
  user: {client-certificate: "$WORK/pki/$2.crt", client-key: "$WORK/pki/$2.key"}
contexts:
- name: test
  context: {cluster: test, user: $2}
current-context: test
EOF
}

alive() { kill -0 "$(cat "$WORK/$1.pid")" 2>/dev/null; }

# ready_or_gone NAME CHECK...: CHECK passes, or NAME's process has exited (no point waiting).
ready_or_gone() {
  local name=$1
  shift
  "$@" || ! alive "$name"
}

readyz() {
  curl -fsS --cacert "$WORK/pki/ca.crt" --cert "$WORK/pki/admin.crt" --key "$WORK/pki/admin.key" \
    "$APISERVER/readyz"
}

# cluster_up: etcd, kube-apiserver (RBAC, service-account token signing, the default admission
# plugins, which include MutatingAdmissionWebhook and ValidatingAdmissionWebhook) and
# kube-controller-manager. Sets WORK, APISERVER, KUBECONFIG.
cluster_up() {
  : "${CLUSTER_BIN:?CLUSTER_BIN (the directory build.sh prints) is not set}"
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/billet-cluster.XXXXXX")
  trap cluster_down EXIT
  trap 'exit 130' INT TERM
  mkdir -p "$WORK/pki"

  # The cluster's CA, the API server's serving certificate, client certificates for an admin
  # (system:masters) and for the controller manager, and the service-account signing key.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=billet-test-cluster-ca" -keyout "$WORK/pki/ca.key" -out "$WORK/pki/ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
  openssl_cert apiserver "/CN=kube-apiserver" "IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc"
  openssl_cert admin "/O=system:masters/CN=admin"
  openssl_cert controller-manager "/CN=system:kube-controller-manager"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/pki/sa.key" 2>/dev/null
  openssl pkey -in "$WORK/pki/sa.key" -pubout -out "$WORK/pki/sa.pub" 2>/dev/null

  # Audit events for writes to workloads, nodes and reports: where the annotations billet's
  # validating webhook returns (auditAnnotations) end up.
  cat > "$WORK/audit-policy.yaml" <<'POLICY'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    verbs: [create, update, patch]
    resources: [{group: ""}, {group: apps}, {group: batch}, {group: policy}, {group: wgpolicyk8s.io}]
  - level: None
POLICY

  local etcd_port etcd_peer api_port
  etcd_port=$(free_port)
  etcd_peer=$(free_port)
  api_port=$(free_port)
  APISERVER=https://127.0.0.1:$api_port
  ETCD_URL=http://127.0.0.1:$etcd_port  # etcd's JSON gateway, for scenarios that compact it
  export APISERVER ETCD_URL

  start etcd "$CLUSTER_BIN/etcd" --name test --data-dir "$WORK/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" \
    --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "test=http://127.0.0.1:$etcd_peer" \
    --unsafe-no-fsync --log-level warn

  APISERVER_ARGS=(
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
    --endpoint-reconciler-type none \
    --tls-cert-file "$WORK/pki/apiserver.crt" --tls-private-key-file "$WORK/pki/apiserver.key" \
    --client-ca-file "$WORK/pki/ca.crt" \
    --authorization-mode Node,RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$WORK/pki/sa.pub" \
    --service-account-signing-key-file "$WORK/pki/sa.key" \
    --service-cluster-ip-range 10.0.0.0/24 \
    --audit-policy-file "$WORK/audit-policy.yaml" --audit-log-path "$WORK/audit.log" \
    --allow-privileged=true --profiling=false --v=1)
  start kube-apiserver "$CLUSTER_BIN/kube-apiserver" "${APISERVER_ARGS[@]}"

  if ! wait_for "kube-apiserver /readyz" "$CLUSTER_DEADLINE" ready_or_gone kube-apiserver readyz \
     || ! alive kube-apiserver; then
    die "kube-apiserver did not become ready within ${CLUSTER_DEADLINE} s"
  fi

  kubeconfig "$WORK/admin.kubeconfig" admin
  kubeconfig "$WORK/controller-manager.kubeconfig" controller-manager
  export KUBECONFIG=$WORK/admin.kubeconfig

  # Deployments become ReplicaSets and Pods; Jobs and CronJobs run; owners' deletions cascade;
  # every namespace gets its default ServiceAccount (the ServiceAccount admission plugin needs it).
  start kube-controller-manager "$CLUSTER_BIN/kube-controller-manager" \
    --kubeconfig "$WORK/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$WORK/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$WORK/controller-manager.kubeconfig" \
    --controllers deployment,replicaset,job,cronjob,garbagecollector,serviceaccount,namespace \
    --service-account-private-key-file "$WORK/pki/sa.key" \
    --root-ca-file "$WORK/pki/ca.crt" \
    --use-service-account-credentials=true --leader-elect=false \
    --bind-address 127.0.0.1 --secure-port "$(free_port)" --v=1
  install_operator_crds
  log "control plane ready at $APISERVER ($(k version -o json | jq -r .serverVersion.gitVersion))"
}

# apiserver_restart [PAUSE [FLAG...]]: stops kube-apiserver (SIGTERM), waits PAUSE seconds
# (default 1), and starts it again with the same flags on the same port, and the FLAGs added for
# this and later starts; returns once it is ready. Clients see their connections and watches
# drop, then the same API server (same etcd) come back.
apiserver_restart() {
  stop kube-apiserver
  sleep "${1:-1}"
  APISERVER_ARGS+=("${@:2}")
  start kube-apiserver "$CLUSTER_BIN/kube-apiserver" "${APISERVER_ARGS[@]}"
  wait_for "kube-apiserver /readyz" "$CLUSTER_DEADLINE" ready_or_gone kube-apiserver readyz \
    && alive kube-apiserver || die "kube-apiserver did not come back"
}

# The Prometheus Operator's CRDs for the kinds the bundled pack handles (Prometheus,
# PrometheusAgent), from the operator's Go module, as a cluster running kube-prometheus has them:
# the examples include such objects; and stand-ins for the ML operators' CRDs.
PROMETHEUS_OPERATOR=github.com/prometheus-operator/prometheus-operator@v0.85.0
install_operator_crds() {
  local dir
  dir=$(cd "$WORK" && go mod download -json "$PROMETHEUS_OPERATOR" | jq -r .Dir)
  [ -d "$dir/example/prometheus-operator-crd" ] || die "no CRDs in $PROMETHEUS_OPERATOR"
  k apply --server-side -f "$dir/example/prometheus-operator-crd/monitoring.coreos.com_prometheuses.yaml" \
    -f "$dir/example/prometheus-operator-crd/monitoring.coreos.com_prometheusagents.yaml" > /dev/null
  crds_established crd/prometheuses.monitoring.coreos.com crd/prometheusagents.monitoring.coreos.com
  # The ML operators' kinds of manifests/examples/ml-operators/ (stand-ins written here).
  k apply -f "$ROOT/tests/cluster/testdata/ml-operator-crds.yaml" > /dev/null
  crds_established --all crd
}

# kubectl wait fails at once (".status.conditions accessor error") on a CRD whose status the API
# server has not written yet, so it is asked again until 30 s have passed.
crds_established() {
  local i
  for i in $(seq 1 30); do
    k wait --for condition=Established --timeout 30s "$@" > /dev/null 2>&1 && return 0
    sleep 1
  done
  k wait --for condition=Established --timeout 1s "$@" > /dev/null || die "CRDs not established: $*"
}

k() { "$CLUSTER_BIN/kubectl" --request-timeout=30s "$@"; }

# The shipped deployment, rendered as users install it (kubectl kustomize manifests/), as a JSON
# List in $WORK/shipped.json.
render_shipped() {
  k kustomize "$ROOT/manifests" > "$WORK/shipped.yaml"
  k create --dry-run=client -o json -f "$WORK/shipped.yaml" \
    | jq -s '{apiVersion: "v1", kind: "List", items: [.[] | if .kind == "List" then .items[] else . end]}' \
    > "$WORK/shipped.json"
}

# volume_install DEST FILE...: FILEs laid out as a ConfigMap or Secret volume lays them out
# (visible names are links through ..data to a timestamped directory), replacing what DEST held
# with one atomic rename of ..data, as the kubelet does.
volume_install() {
  local dest=$1 gen f
  shift
  gen="..$(date +%Y_%m_%d_%H_%M_%S.%N)"
  mkdir -p "$dest/$gen"
  cp "$@" "$dest/$gen/"
  ln -sfn "$gen" "$dest/..data_tmp"
  mv -T "$dest/..data_tmp" "$dest/..data"
  for f in "$dest/..data"/*; do ln -sfn "..data/$(basename "$f")" "$dest/$(basename "$f")"; done
  find "$dest" -maxdepth 1 -name '..[0-9]*' ! -name "$gen" -exec rm -rf {} +
  find "$dest" -maxdepth 1 -type l ! -name '..data' ! -exec test -e {} \; -delete
}

# issue_serving_cert: `billet certs generate` into $WORK/billet-certs (a second call keeps the CA
# and renews the key and certificate), then the pair swapped into the Secret-style volume.
issue_serving_cert() {
  "$BILLET" certs generate --service billet --namespace billet-system --san 127.0.0.1 \
    --out "$WORK/billet-certs" > "$WORK/cabundle" 2> "$WORK/certs.log"
  volume_install "$WORK/tls" "$WORK/billet-certs/tls.crt" "$WORK/billet-certs/tls.key"
}

billet_ready() { curl -fsS "http://127.0.0.1:$METRICS_PORT/readyz"; }

# billet_up: the shipped namespace, ServiceAccount, RBAC and policy ConfigMap applied; billet
# started on the host with the shipped Deployment's arguments, except for paths and addresses,
# a serving certificate from `billet certs generate` and a token of the shipped ServiceAccount.
billet_up() {
  render_shipped
  jq '.items |= map(select(.kind | test("WebhookConfiguration$") | not))' "$WORK/shipped.json" \
    | k apply -f - > /dev/null
  k -n billet-system create token billet --duration 1h > "$WORK/billet.token"
  issue_serving_cert
  volume_install "$WORK/policies" "$ROOT"/manifests/policies/*.yaml
  BILLET_PORT=$(free_port)
  METRICS_PORT=$(free_port)
  jq -r --arg port "$BILLET_PORT" --arg metrics "$METRICS_PORT" --arg api "$APISERVER" \
      --arg work "$WORK" '
    .items[] | select(.kind == "Deployment" and .metadata.name == "billet")
    | .spec.template.spec.containers[0].args[]
    | if startswith("--policies=") then "--policies=\($work)/policies"
      elif startswith("--tls-cert=") then "--tls-cert=\($work)/tls/tls.crt"
      elif startswith("--tls-key=") then "--tls-key=\($work)/tls/tls.key"
      elif startswith("--listen=") then "--listen=127.0.0.1:\($port)"
      elif startswith("--metrics-listen=") then "--metrics-listen=127.0.0.1:\($metrics)"
      elif startswith("--kube-api=") then "--kube-api=\($api)"
      else . end' "$WORK/shipped.json" > "$WORK/billet.args"
  [ -s "$WORK/billet.args" ] || die "no billet Deployment in the shipped manifests"
  billet_start
}

billet_start() {
  local args
  mapfile -t args < "$WORK/billet.args"
  start billet env POD_NAMESPACE=billet-system BILLET_KUBE_TOKEN_FILE="$WORK/billet.token" \
    BILLET_KUBE_CA_FILE="$WORK/pki/ca.crt" "$BILLET" "${args[@]}" --reload-interval 1s \
    "${BILLET_EXTRA_ARGS[@]}"
  wait_for "billet /readyz" 20 ready_or_gone billet billet_ready && alive billet \
    || die "billet did not become ready"
}

# webhooks_up: the shipped webhook configurations with clientConfig pointed at billet's loopback
# port and the caBundle `billet certs generate` printed; returns once the API server calls billet.
webhooks_up() {
  jq --arg url "https://127.0.0.1:$BILLET_PORT" --arg ca "$(cat "$WORK/cabundle")" '
    {apiVersion: "v1", kind: "List",
     items: [.items[] | select(.kind | test("WebhookConfiguration$"))
             | .webhooks |= map(.clientConfig = {url: ($url + .clientConfig.service.path),
                                                 caBundle: $ca})]}' \
    "$WORK/shipped.json" > "$WORK/webhooks.json"
  k apply -f "$WORK/webhooks.json" > /dev/null
  ns_create billet-probe
  wait_for "webhooks in effect" 30 webhook_probe || die "the API server never called billet"
  k delete namespace billet-probe --wait=false > /dev/null
}

# A GPU pod created as a server-side dry run comes back with billet's toleration.
webhook_probe() {
  gpu_pod probe billet-probe | k create --dry-run=server -o json -f - | grep -q nvidia.com/gpu.present
}

# metric NAME [LABEL="VALUE"...]: the sum of NAME's samples on billet's /metrics that carry every
# label given (0 when there is none).
metric() {
  local name=$1
  shift
  curl -fsS "http://127.0.0.1:$METRICS_PORT/metrics" | awk -v name="$name" -v want="$*" '
    $1 == name || index($1, name "{") == 1 {
      n = split(want, w, " "); ok = 1
      for (i = 1; i <= n; i++) if (index($1, w[i]) == 0) ok = 0
      if (ok) sum += $2
    }
    END { print sum + 0 }'
}

# What the API server adds or keeps for itself, taken out before comparing objects: identity,
# timestamps, status, managedFields, kubectl's last-applied annotation, controller bookkeeping;
# the object's own uid wherever the API server copied it (a Job's selector); the random suffix
# of the service-account token volume.
NORMALIZE='
  def strip_annotation($k):
    if .metadata.annotations then .metadata.annotations |= del(.[$k])
      | if .metadata.annotations == {} then del(.metadata.annotations) else . end else . end;
  (.metadata.uid // "") as $uid
  | del(.metadata.uid, .metadata.resourceVersion, .metadata.creationTimestamp,
        .metadata.generation, .metadata.managedFields, .metadata.namespace, .status)
  | strip_annotation("kubectl.kubernetes.io/last-applied-configuration")
  | strip_annotation("deployment.kubernetes.io/revision")
  | walk(if $uid != "" and . == $uid then "UID"
         elif type == "string" and startswith("kube-api-access-") then "kube-api-access"
         else . end)'

normalize() { jq -S "$NORMALIZE" "$@"; }

# Conditions for check (tests/cli/testlib.sh) that print what they compared when they fail.
same() {  # same WANT GOT
  [ -n "$1" ] && [ "$1" = "$2" ] && return 0
  printf '  want: %s\n  got:  %s\n' "$1" "$2" >&2
  return 1
}
differ() {  # differ A B
  [ -n "$1" ] && [ -n "$2" ] && [ "$1" != "$2" ] && return 0
  printf '  both: %s\n' "$1" >&2
  return 1
}
at_least() { [ "$2" -ge "$1" ] || { echo "  want at least $1, got $2" >&2; return 1; }; }

# example NAME: the object called NAME in manifests/examples/, as JSON.
example() {
  local f
  for f in "$ROOT"/manifests/examples/*.yaml; do
    k create --dry-run=client -o json -f "$f"
  done | jq -c --arg n "$1" 'if .kind == "List" then .items[] else . end | select(.metadata.name == $n)'
}

# review_of OBJECT_FILE [OPERATION]: an admission.k8s.io/v1 AdmissionReview for OBJECT, as the API
# server would send it for a create by an administrator.
review_of() {
  jq --arg op "${2:-CREATE}" '
    (.apiVersion | if test("/") then split("/") else ["", .] end) as [$g, $v]
    | {apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview",
       request: {uid: "00000000-0000-0000-0000-000000000001",
                 kind: {group: $g, version: $v, kind: .kind},
                 resource: {group: $g, version: $v, resource: ((.kind | ascii_downcase) + "s")},
                 name: .metadata.name, namespace: .metadata.namespace, operation: $op,
                 userInfo: {username: "admin", groups: ["system:masters", "system:authenticated"]},
                 object: ., dryRun: false}}' "$1"
}

# gpu_pod NAME [NAMESPACE]: a Guaranteed GPU pod (admitted by the bundled pack), as JSON.
gpu_pod() {
  jq -n --arg n "$1" --arg ns "${2:-ml-prod}" '{apiVersion: "v1", kind: "Pod",
    metadata: {name: $n, namespace: $ns},
    spec: {containers: [{name: "c", image: "registry.example/c:1",
      resources: {limits: {"nvidia.com/gpu": "1", cpu: "1", memory: "1Gi"},
                  requests: {cpu: "1", memory: "1Gi"}}}]}}'
}

has_gpu_placement() {  # has_gpu_placement POD_SPEC_JSON
  jq -e '(.tolerations // []) | any(.key == "nvidia.com/gpu" and .operator == "Exists"
           and .effect == "NoSchedule")' <<< "$1" > /dev/null \
    && jq -e '.nodeSelector["nvidia.com/gpu.present"] == "true"' <<< "$1" > /dev/null
}
not() { ! "$@"; }
# same_objects A B: A and B are the same object once normalized; the difference shows otherwise.
same_objects() {
  [ "$(normalize "$1")" = "$(normalize "$2")" ] && return 0
  diff <(normalize "$1") <(normalize "$2") | head -n 40 >&2
  return 1
}
at_most() { [ "$2" -le "$1" ] || { echo "  want at most $1, got $2" >&2; return 1; }; }

# ns_create NAME...: namespaces, each ready for pods (the controller manager has made its default
# ServiceAccount, which the ServiceAccount admission plugin requires of every pod).
ns_create() {
  local ns
  for ns in "$@"; do
    k get namespace "$ns" > /dev/null 2>&1 || k create namespace "$ns" > /dev/null
  done
  for ns in "$@"; do
    wait_for "serviceaccount $ns/default" 30 k -n "$ns" get serviceaccount default \
      || die "namespace $ns never got its default ServiceAccount"
  done
}
holds() { jq -e "$@" > /dev/null; }  # holds FILTER [FILE]: a jq condition, quietly

# ---- the cluster's size (cluster-auto, watch-resume) ----------------------------------------

# install_auto_policies: the shipped GPU policy (the webhook probe needs it) and the `cluster:
# auto` policies of testdata/cluster-auto; returns once billet serves them.
install_auto_policies() {
  volume_install "$WORK/policies" "$ROOT/manifests/policies/gpu-workloads.yaml" \
    "$ROOT/tests/cluster/testdata/cluster-auto/policies.yaml"
  find "$WORK/policies" -maxdepth 1 -xtype l -delete  # the shipped pack's other files
  wait_for "cluster: auto served" 20 gauge_is billet_servicegroup_tier 1 'group="sched"' \
    || die "billet did not load the cluster: auto policies"
}

# node_up NAME [LABELS_JSON]: a Node object made Ready (its status set as a kubelet would).
node_up() {
  local labels=${2:-'{}'}
  k create -f - > /dev/null <<NODE
{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "$1", "labels": $labels}}
NODE
  node_ready "$1" True
}

node_ready() {  # node_ready NAME True|False
  local now
  now=$(date -u +%FT%TZ)
  k patch node "$1" --subresource=status --type=merge -p "{\"status\": {\"conditions\": [
    {\"type\": \"Ready\", \"status\": \"$2\", \"reason\": \"Test\", \"message\": \"set by the test\",
     \"lastHeartbeatTime\": \"$now\", \"lastTransitionTime\": \"$now\"}]}}" > /dev/null
}

work_pod() {  # work_pod NAME NAMESPACE: a pod that stays Pending (no scheduler runs here)
  k -n "$2" create -f - > /dev/null <<POD
{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "$1"},
 "spec": {"containers": [{"name": "c", "image": "registry.k8s.io/pause:3.9",
   "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"memory": "16Mi"}}}]}}
POD
}

# sched_pod: a scheduler pod of the `sched` ServiceGroup as the API server would store it now
# (server-side dry run: billet's webhooks ran on it).
sched_pod() {
  k create --dry-run=server -o json -f - <<POD
{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "scheduler-probe", "namespace": "runai"},
 "spec": {"containers": [{"name": "scheduler", "image": "registry.k8s.io/pause:3.9"}]}}
POD
}
sched_cpu() { sched_pod | jq -r '.spec.containers[0].resources.requests.cpu'; }
sched_cpu_is() { [ "$(sched_cpu)" = "$1" ]; }

gauge_is() {  # gauge_is NAME VALUE [LABEL...]: billet's metric NAME (summed over LABELs) is VALUE
  local name=$1 want=$2
  shift 2
  [ "$(metric "$name" "$@")" = "$want" ]
}
