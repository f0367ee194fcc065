#!/usr/bin/env bash
# The Helm chart (charts/billet/): `helm lint` is clean; with default values it renders the same
# webhook configurations, RBAC, ServiceAccount, Deployment, Service, PodDisruptionBudget and policy
# ConfigMap as `kubectl kustomize manifests/` (compared as parsed objects, after dropping the labels
# Helm adds and the caBundle); each certificate mode, the policy sources and the other values
# render what they say; bad values fail with a message naming the value.
# To render by hand (the first build takes minutes; then they answer at once):
#   HBIN=$(bash tests/packaging/helm/build.sh); KBIN=$(bash tests/cluster/build.sh)
#   $HBIN/helm template billet charts/billet --namespace billet-system
#   $KBIN/kubectl kustomize manifests/
# To install into a cluster: $HBIN/helm install billet charts/billet -n billet-system --create-namespace
# Usage: chart_test.sh BILLET SOURCE_DIR  (HBIN, KBIN: directories with helm/yaml2json and kubectl
# to use instead of building them)
set -uo pipefail
BILLET=$1
SRC=$2
source "$SRC/tests/cli/testlib.sh"
export LC_ALL=C  # ls sorts as jq does
HBIN=${HBIN:-$(bash "$SRC/tests/packaging/helm/build.sh")} || { echo "FAILED: building helm"; exit 1; }
KBIN=${KBIN:-$(bash "$SRC/tests/cluster/build.sh")} || { echo "FAILED: building kubectl"; exit 1; }
HELM=$HBIN/helm
Y2J=$HBIN/yaml2json
KUBECTL=$KBIN/kubectl
CHART=$SRC/charts/billet
export HELM_CACHE_HOME=$T/helm-cache HELM_CONFIG_HOME=$T/helm-config HELM_DATA_HOME=$T/helm-data

render() {  # render OUT [helm template args...]: the objects as a JSON array; helm's status
  local out=$1
  shift
  "$HELM" template billet "$CHART" --namespace billet-system "$@" >"$T/render.yaml" 2>"$T/helm.err" ||
    return 1
  "$Y2J" <"$T/render.yaml" >"$out"
}
fails_with() {  # fails_with MESSAGE [helm template args...]: helm refuses, saying MESSAGE
  local msg=$1
  shift
  ! "$HELM" template billet "$CHART" --namespace billet-system "$@" >/dev/null 2>"$T/fail.err" &&
    grep -qF -- "$msg" "$T/fail.err"
}
obj() { jq -c --arg k "$2" --arg n "$3" '.[] | select(.kind == $k and .metadata.name == $n)' "$1"; }
count() { jq --arg k "$2" '[.[] | select(.kind == $k)] | length' "$1"; }
ca_pem() { base64 -d <<<"$1" >"$T/$2.pem" && openssl x509 -in "$T/$2.pem" -noout 2>/dev/null; }

# --- helm lint ---
"$HELM" lint --strict "$CHART" >"$T/lint.out" 2>&1
check "helm lint --strict is clean" [ $? -eq 0 ]
check "and reports no warning" bash -c "! grep -Eq '^\[(WARNING|ERROR)\]' '$T/lint.out'"
"$HELM" lint --strict "$CHART" --set certificates.mode=certManager >>"$T/lint.out" 2>&1
check "helm lint --strict with certManager is clean" [ $? -eq 0 ]

# --- defaults = kustomize ---
"$KUBECTL" kustomize "$SRC/manifests" | "$Y2J" >"$T/kustomize.json"
check "kubectl kustomize manifests/ renders" [ "$(jq length "$T/kustomize.json")" -gt 5 ]
render "$T/default.json"
check "helm template with defaults renders" [ $? -eq 0 ]
# What may differ: the labels Helm adds (on every object, and the release's instance label in the
# selectors), the caBundle, the Namespace (helm installs into --namespace) and, in the default
# certificate mode, the Secret the chart generates (kustomize users create it).
cat >"$T/norm.jq" <<'JQ'
def helmkeys: ["helm.sh/chart", "app.kubernetes.io/managed-by", "app.kubernetes.io/instance",
               "app.kubernetes.io/version"];
def strip: reduce helmkeys[] as $k (.; del(.[$k]));
def nolabels: walk(if type == "object" then
    (if (.labels | type) == "object" then .labels |= strip else . end)
    | (if (.matchLabels | type) == "object" then .matchLabels |= strip else . end)
  else . end);
[.[] | select(.kind != "Namespace")
     | select(.kind != "Secret" or .metadata.name != $tls)
     | del(.metadata.labels) | del(.webhooks[]?.clientConfig.caBundle) | nolabels
     | if .kind == "Service" then .spec.selector |= strip else . end]
| sort_by(.kind, .metadata.name)
JQ
jq -S --arg tls billet-tls -f "$T/norm.jq" "$T/kustomize.json" >"$T/k.norm"
jq -S --arg tls billet-tls -f "$T/norm.jq" "$T/default.json" >"$T/h.norm"
check "the same kinds and names" diff <(jq -r '.[] | .kind + "/" + .metadata.name' "$T/k.norm") \
  <(jq -r '.[] | .kind + "/" + .metadata.name' "$T/h.norm")
for kind in MutatingWebhookConfiguration ValidatingWebhookConfiguration ClusterRole ClusterRoleBinding Role RoleBinding \
            ServiceAccount Deployment Service PodDisruptionBudget ConfigMap; do
  check "$kind: helm template = kubectl kustomize" \
    diff <(jq -S --arg k "$kind" '.[] | select(.kind == $k)' "$T/k.norm") \
         <(jq -S --arg k "$kind" '.[] | select(.kind == $k)' "$T/h.norm")
  check "$kind: kustomize renders it" [ "$(count "$T/k.norm" "$kind")" -ge 1 ]
done
if [ "$failed" -ne 0 ]; then diff "$T/k.norm" "$T/h.norm" | head -40; fi
check "the chart does not create the namespace" [ "$(count "$T/default.json" Namespace)" -eq 0 ]

# --- certificates.mode=generate (the default): a CA and a serving certificate for the Service ---
secret=$(obj "$T/default.json" Secret billet-tls)
check "a kubernetes.io/tls Secret billet-tls" [ "$(jq -r .type <<<"$secret")" = kubernetes.io/tls ]
ca_pem "$(jq -r '.data["ca.crt"]' <<<"$secret")" ca
check "it holds a CA certificate" openssl x509 -in "$T/ca.pem" -noout
base64 -d <<<"$(jq -r '.data["tls.crt"]' <<<"$secret")" >"$T/tls.pem"
base64 -d <<<"$(jq -r '.data["tls.key"]' <<<"$secret")" >"$T/tls.key"
check "the serving certificate verifies against that CA" openssl verify -CAfile "$T/ca.pem" "$T/tls.pem"
check "the key is the certificate's" [ "$(openssl x509 -in "$T/tls.pem" -noout -pubkey)" = \
  "$(openssl pkey -in "$T/tls.key" -pubout)" ]
sans=$(openssl x509 -in "$T/tls.pem" -noout -ext subjectAltName | tail -n +2 | tr -d ' ')
check "it names the Service (billet.billet-system.svc and the rest): $sans" \
  [ "$sans" = "DNS:billet,DNS:billet.billet-system,DNS:billet.billet-system.svc,DNS:billet.billet-system.svc.cluster.local" ]
for kind in MutatingWebhookConfiguration ValidatingWebhookConfiguration; do
  check "$kind trusts that CA" [ "$(obj "$T/default.json" $kind billet | jq -r '.webhooks[0].clientConfig.caBundle')" = \
    "$(jq -r '.data["ca.crt"]' <<<"$secret")" ]
done
check "the Deployment mounts that Secret" [ "$(obj "$T/default.json" Deployment billet |
  jq -r '.spec.template.spec.volumes[] | select(.name == "tls") | .secret.secretName')" = billet-tls ]
render "$T/again.json"
check "each render without a cluster generates a new CA (an install keeps its Secret)" \
  [ "$(obj "$T/again.json" Secret billet-tls | jq -r '.data["ca.crt"]')" != "$(jq -r '.data["ca.crt"]' <<<"$secret")" ]
# Why the CA is not regenerated on upgrade: the template looks the Secret up first.
check "the template reuses an existing Secret (lookup)" grep -q 'lookup "v1" "Secret"' "$CHART/templates/webhooks.yaml"

render "$T/one.json" --set replicas=1
check "one replica renders no PodDisruptionBudget (it would block every drain of its node)" \
  [ "$(count "$T/one.json" PodDisruptionBudget)" -eq 0 ]
check "two (the default) render one" [ "$(count "$T/default.json" PodDisruptionBudget)" -eq 1 ]

# --- certificates.mode=secret: the user's Secret and CA ---
bundle=$(base64 -w0 "$T/ca.pem")
render "$T/secret.json" --set certificates.mode=secret --set certificates.secret.name=my-tls \
  --set certificates.secret.caBundle="$bundle"
check "secret mode renders" [ $? -eq 0 ]
check "secret mode creates no Secret" [ "$(count "$T/secret.json" Secret)" -eq 0 ]
check "secret mode mounts the named Secret" [ "$(obj "$T/secret.json" Deployment billet |
  jq -r '.spec.template.spec.volumes[] | select(.name == "tls") | .secret.secretName')" = my-tls ]
for kind in MutatingWebhookConfiguration ValidatingWebhookConfiguration; do
  check "secret mode: $kind trusts the given caBundle" \
    [ "$(obj "$T/secret.json" $kind billet | jq -r '.webhooks[0].clientConfig.caBundle')" = "$bundle" ]
done
check "secret mode without a name fails, naming certificates.secret.name" \
  fails_with "certificates.secret.name is required" --set certificates.mode=secret --set certificates.secret.caBundle=x
check "secret mode without a caBundle fails, naming certificates.secret.caBundle" \
  fails_with "certificates.secret.caBundle" --set certificates.mode=secret --set certificates.secret.name=my-tls
check "an unknown mode fails, naming it" \
  fails_with "at '/certificates/mode': value must be one of" --set certificates.mode=vault
check "and so does the template when the schema is skipped" fails_with 'certificates.mode: unknown value "vault"' \
  --skip-schema-validation --set certificates.mode=vault

# --- certificates.mode=certManager: the same objects as the kustomize overlay ---
render "$T/cm.json" --set certificates.mode=certManager
check "certManager mode renders" [ $? -eq 0 ]
check "certManager mode creates no Secret" [ "$(count "$T/cm.json" Secret)" -eq 0 ]
serving=$(obj "$T/cm.json" Certificate billet-serving)
check "a serving Certificate into the mounted Secret" [ "$(jq -r .spec.secretName <<<"$serving")" = \
  "$(obj "$T/cm.json" Deployment billet | jq -r '.spec.template.spec.volumes[] | select(.name == "tls") | .secret.secretName')" ]
for kind in MutatingWebhookConfiguration ValidatingWebhookConfiguration; do
  hook=$(obj "$T/cm.json" $kind billet)
  check "certManager: $kind asks cainjector for the serving Certificate's CA" \
    [ "$(jq -r '.metadata.annotations["cert-manager.io/inject-ca-from"]' <<<"$hook")" = billet-system/billet-serving ]
  check "certManager: $kind has no caBundle of its own" [ "$(jq -r '.webhooks[0].clientConfig.caBundle' <<<"$hook")" = null ]
done
"$KUBECTL" kustomize "$SRC/overlays/cert-manager" | "$Y2J" >"$T/overlay.json"
cmobjects='[.[] | select(.apiVersion | startswith("cert-manager.io/")) | {kind, metadata: {name: .metadata.name, namespace: .metadata.namespace}, spec}] | sort_by(.kind, .metadata.name)'
check "certManager mode renders the overlay's Issuers and Certificates" \
  diff <(jq -S "$cmobjects" "$T/overlay.json") <(jq -S "$cmobjects" "$T/cm.json")
check "and there are four of them" [ "$(jq "$cmobjects | length" "$T/cm.json")" -eq 4 ]
render "$T/cm-issuer.json" --set certificates.mode=certManager --set certificates.certManager.issuerRef.kind=ClusterIssuer \
  --set certificates.certManager.issuerRef.name=corp-ca
check "with an issuerRef, only the serving Certificate, from that issuer" \
  [ "$(jq -c "$cmobjects | map(.kind + \"/\" + .metadata.name + \"/\" + (.spec.issuerRef.kind // \"\") + \"/\" + (.spec.issuerRef.name // \"\"))" "$T/cm-issuer.json")" = \
    '["Certificate/billet-serving/ClusterIssuer/corp-ca"]' ]

# --- policies ---
policies_of() { obj "$1" ConfigMap billet-policies | jq -r '.data | keys | join(" ")'; }
check "by default the ConfigMap holds the bundled pack" \
  [ "$(policies_of "$T/default.json")" = "$(ls "$SRC/manifests/policies" | tr '\n' ' ' | sed 's/ $//')" ]
cat >"$T/settings.yaml" <<'YAML'
apiVersion: billet.dev/v1alpha1
kind: Settings
metadata: {name: billet}
spec:
  cluster: {nodes: 12, workloads: 300}
YAML
cat >"$T/team.yaml" <<'YAML'
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: team-labels}
spec:
  match: {kinds: [Workloads]}
  rules:
    - name: team
      mutate: {labels: {team: ml}}
YAML
render "$T/files.json" --set-file policies.files.settings\\.yaml="$T/settings.yaml" \
  --set-file policies.files.team\\.yaml="$T/team.yaml"
check "user files render" [ $? -eq 0 ]
cm=$(obj "$T/files.json" ConfigMap billet-policies)
check "user files join the pack" [ "$(jq -r '.data | keys | length' <<<"$cm")" -eq $(( $(ls "$SRC/manifests/policies" | wc -l) + 1 )) ]
check "a user file replaces the pack's file of the same name" \
  [ "$(jq -r '.data["settings.yaml"]' <<<"$cm")" = "$(cat "$T/settings.yaml")" ]
mkdir -p "$T/cm"
for k in $(jq -r '.data | keys[]' <<<"$cm"); do jq -r --arg k "$k" '.data[$k]' <<<"$cm" >"$T/cm/$k"; done
check "the rendered policies load in billet" "$BILLET" lint -p "$T/cm"
render "$T/only.json" --set policies.bundled=false --set-file policies.files.team\\.yaml="$T/team.yaml"
check "bundled=false leaves the user's files only" [ "$(policies_of "$T/only.json")" = team.yaml ]
render "$T/existing.json" --set policies.existingConfigMap=my-policies
check "existingConfigMap: no ConfigMap rendered" [ "$(count "$T/existing.json" ConfigMap)" -eq 0 ]
check "existingConfigMap: the Deployment mounts it" [ "$(obj "$T/existing.json" Deployment billet |
  jq -r '.spec.template.spec.volumes[] | select(.name == "policies") | .configMap.name')" = my-policies ]
check "no policy at all fails, saying so" fails_with "no policy at all" --set policies.bundled=false
check "a policy file name that is no file name fails" \
  fails_with 'policies.files: "a/b.yaml"' --set-file 'policies.files.a/b\.yaml'="$T/team.yaml"

# --- webhooks, namespaces, kubeApi, image, replicas, metrics ---
render "$T/hooks.json" --namespace gpu-admission --set webhooks.validate.failurePolicy=Fail \
  --set webhooks.mutate.timeoutSeconds=3 --set 'webhooks.excludeNamespaces={kube-system,monitoring}'
hook() { obj "$T/hooks.json" "$1" billet | jq -r ".webhooks[0].$2"; }
check "failurePolicy per webhook (validate Fail)" [ "$(hook ValidatingWebhookConfiguration failurePolicy)" = Fail ]
check "failurePolicy per webhook (mutate stays Ignore)" [ "$(hook MutatingWebhookConfiguration failurePolicy)" = Ignore ]
check "timeoutSeconds per webhook (mutate 3)" [ "$(hook MutatingWebhookConfiguration timeoutSeconds)" = 3 ]
check "timeoutSeconds per webhook (validate stays 5)" [ "$(hook ValidatingWebhookConfiguration timeoutSeconds)" = 5 ]
for kind in MutatingWebhookConfiguration ValidatingWebhookConfiguration; do
  check "$kind excludes the release namespace, then the configured ones" \
    [ "$(hook $kind 'namespaceSelector.matchExpressions[0].values | join(",")')" = gpu-admission,kube-system,monitoring ]
  check "$kind calls the Service in the release namespace" [ "$(hook $kind clientConfig.service.namespace)" = gpu-admission ]
done
base64 -d <<<"$(obj "$T/hooks.json" Secret billet-tls | jq -r '.data["tls.crt"]')" >"$T/ns.pem"
check "the generated certificate names billet.gpu-admission.svc" \
  bash -c "openssl x509 -in '$T/ns.pem' -noout -ext subjectAltName | grep -q 'DNS:billet.gpu-admission.svc,'"
render "$T/rules.json" --set 'webhooks.extraRules[0].apiGroups={ray.io}' --set 'webhooks.extraRules[0].apiVersions={v1}' \
  --set 'webhooks.extraRules[0].operations={CREATE,UPDATE}' --set 'webhooks.extraRules[0].resources={rayclusters}'
check "extraRules are added to both webhooks" [ "$(jq '[.[] | select(.webhooks) | .webhooks[0].rules[-1].resources[0]] | join(",")' -r "$T/rules.json")" = rayclusters,rayclusters ]

render "$T/off.json" --set kubeApi=off
args() { obj "$1" Deployment billet | jq -r '.spec.template.spec.containers[0].args | join(" ")'; }
check "kubeApi=off passes --kube-api=off" bash -c "grep -q -- '--kube-api=off' <<<'$(args "$T/off.json")'"
check "kubeApi=off creates no RBAC" [ "$(count "$T/off.json" ClusterRole)$(count "$T/off.json" ClusterRoleBinding)" = 00 ]
render "$T/url.json" --set kubeApi=https://10.0.0.1:6443 --set logLevel=debug --set 'extraArgs={--threads=4}'
check "kubeApi URL, logLevel and extraArgs reach the args" \
  bash -c "grep -q -- '--kube-api=https://10.0.0.1:6443 --log-level=debug --threads=4\$' <<<'$(args "$T/url.json")'"
check "an unknown kubeApi fails, naming it" fails_with "at '/kubeApi': 'on' does not match" --set kubeApi=on
check "and so does the template when the schema is skipped" fails_with 'kubeApi: unknown value "on"' \
  --skip-schema-validation --set kubeApi=on

render "$T/image.json" --set image.repository=registry.example/billet --set image.tag=0.1.1 \
  --set image.pullPolicy=Always --set replicas=3
container() { obj "$T/image.json" Deployment billet | jq -r ".spec.template.spec.containers[0].$1"; }
check "image repository and tag" [ "$(container image)" = registry.example/billet:0.1.1 ]
check "image pullPolicy" [ "$(container imagePullPolicy)" = Always ]
check "replicas" [ "$(obj "$T/image.json" Deployment billet | jq .spec.replicas)" = 3 ]
check "the default image is the chart's appVersion, as the kustomize Deployment names it" \
  [ "$(obj "$T/default.json" Deployment billet | jq -r '.spec.template.spec.containers[0].image')" = \
    "billet:$(sed -n 's/^appVersion: "\(.*\)"$/\1/p' "$CHART/Chart.yaml")" ]

render "$T/nometrics.json" --set metrics.service.enabled=false
check "metrics.service.enabled=false drops the metrics port" \
  [ "$(obj "$T/nometrics.json" Service billet | jq -r '[.spec.ports[].name] | join(",")')" = webhook ]
render "$T/sm.json" --set metrics.serviceMonitor.enabled=true --set metrics.serviceMonitor.labels.release=prom
sm=$(obj "$T/sm.json" ServiceMonitor billet)
svc=$(obj "$T/sm.json" Service billet)
check "a ServiceMonitor when asked" [ -n "$sm" ]
check "it selects the Service (its matchLabels are among the Service's labels)" \
  [ "$(jq -n --argjson sm "$sm" --argjson svc "$svc" '$sm.spec.selector.matchLabels | to_entries | all(. as $e | $svc.metadata.labels[$e.key] == $e.value)')" = true ]
check "it scrapes a port the Service has" \
  [ "$(jq -n --argjson sm "$sm" --argjson svc "$svc" '[$svc.spec.ports[].name] | index($sm.spec.endpoints[0].port) != null')" = true ]
check "it carries the extra labels" [ "$(jq -r .metadata.labels.release <<<"$sm")" = prom ]
check "no ServiceMonitor by default" [ "$(count "$T/default.json" ServiceMonitor)" -eq 0 ]
check "a ServiceMonitor without the metrics port fails, saying why" \
  fails_with "metrics.serviceMonitor.enabled needs metrics.service.enabled" \
  --set metrics.serviceMonitor.enabled=true --set metrics.service.enabled=false

# --- the values schema: typos and bad values are refused, naming the value ---
check "a misspelt value is refused" fails_with "additional properties 'replica' not allowed" --set replica=3
check "a failurePolicy that is no failurePolicy is refused" \
  fails_with "at '/webhooks/validate/failurePolicy': value must be one of 'Ignore', 'Fail'" \
  --set webhooks.validate.failurePolicy=fail
check "a timeout past the API server's 30 s is refused" \
  fails_with "at '/webhooks/mutate/timeoutSeconds'" --set webhooks.mutate.timeoutSeconds=60
check "replicas must be a number" fails_with "at '/replicas': got string, want integer" --set replicas=two

finish
