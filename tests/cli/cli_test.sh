#!/usr/bin/env bash
# End-to-end tests of the billet command line: exit codes, error lines, outputs, and parity
# between `lint` and `review` (one evaluation path). Usage: cli_test.sh BILLET SOURCE_DIR
set -uo pipefail
BILLET=$1
SRC=$(cd "$2" && pwd)  # absolute: Test files name paths relative to themselves
SAMPLE="$SRC/../shared/samples/review-deployment-gpu.json"
# A clone without the shared samples beside it: the same review, kept as a fuzz seed.
[ -f "$SAMPLE" ] || SAMPLE="$SRC/fuzz/corpus/admission_review/sample-deployment-gpu.json"
source "$(dirname "$0")/testlib.sh"

run() {  # run ARGS... -> $out, $err, $rc
  out=$("$BILLET" "$@" 2>"$T/err")
  rc=$?
  err=$(cat "$T/err")
}

cat > "$T/gpu.yaml" <<'YAML'
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: gpu-workloads}
spec:
  match: {kinds: [Workloads], gpu: true}
  rules:
    - name: gpu-placement
      mutate:
        tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
        nodeSelector: {nvidia.com/gpu.present: "true"}
    - name: require-gpu-limits
      validate:
        message: 'GPU containers must set limits (container "{container}")'
        require:
          - {path: 'pod.allContainers[*].resources.limits["nvidia.com/gpu"]', op: Exists}
YAML
cat > "$T/bad.yaml" <<'YAML'
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: bad}
spec:
  mode: Sometimes
  rules:
    - name: r
      mutate:
        tolerations: [{key: a, effect: NoSchedul}]
YAML
jq -c '.request.object' "$SAMPLE" > "$T/deploy.json"

run version
check "version exits 0" [ $rc -eq 0 ]
check "version prints the version" grep -q '^billet [0-9]' <<<"$out"
check "version names the commit and the build date" grep -Eq '^billet [0-9.]+ \(commit ([0-9a-f]{12}(-dirty)?|unknown), built [0-9]{4}-[0-9]{2}-[0-9]{2}, ' <<<"$out"
# The commit is taken at build time, not when CMake configured the build tree (which may be older).
if head=$(git -C "$SRC" rev-parse --short=12 HEAD 2>/dev/null) &&
  [ "$(cd "$(git -C "$SRC" rev-parse --show-toplevel)" && pwd -P)" = "$(cd "$SRC" && pwd -P)" ]; then
  check "version names the commit checked out" grep -Eq "^billet [0-9.]+ \(commit $head(-dirty)?," <<<"$out"
fi
run version --help
check "version --help is help" [ $rc -eq 0 ]
check "version --help says what it prints" grep -q 'git commit' <<<"$out"
run version extra
check "version with an argument is a usage error" [ $rc -eq 2 ]
check "with the usage" grep -q '^usage: billet version' <<<"$err"

run lint -p "$T/gpu.yaml"
check "lint of good policies exits 0" [ $rc -eq 0 ]
check "lint counts the documents" grep -q 'policies ok: 1 document' <<<"$out"

run lint -p "$T/bad.yaml"
check "lint of bad policies exits 2" [ $rc -eq 2 ]
check "every error is listed with file:line:col" [ "$(grep -c "^$T/bad.yaml:[0-9]*:[0-9]*: " <<<"$err")" -eq 2 ]
check "the effect error names its field path" grep -q "bad.yaml:9:40: spec.rules\[0\].mutate.tolerations\[0\].effect: unknown value \"NoSchedul\" (expected NoSchedule, PreferNoSchedule, NoExecute)" <<<"$err"
check "the mode error names its field path" grep -q 'bad.yaml:5:9: spec.mode: unknown value "Sometimes"' <<<"$err"

run lint -p "$T/gpu.yaml" -f "$T/deploy.json"
check "an Enforce failure exits 1" [ $rc -eq 1 ]
check "text ends with the summary line" [ "$(tail -n1 <<<"$out")" = "pass: 1, fail: 1, warn: 0, error: 0, skip: 0" ]
check "the failure names policy, rule and container" grep -q 'fail  gpu-workloads/require-gpu-limits: GPU containers must set limits (container "log-shipper")' <<<"$out"

run lint -p "$T/gpu.yaml" -f "$T/deploy.json" --output json --explain
check "json output exits 1 too" [ $rc -eq 1 ]
check "json output is JSON with the summary" [ "$(jq -c .summary <<<"$out")" = '{"pass":1,"fail":1,"warn":0,"error":0,"skip":0}' ]
check "json output carries the patch" [ "$(jq -r '.resources[0].patch[1].path' <<<"$out")" = "/spec/template/spec/nodeSelector" ]
check "explain names the rule of each change" [ "$(jq -r '.resources[0].changes[0].rule' <<<"$out")" = "gpu-placement" ]
# --patched with --output json: stdout is one JSON List for kubectl, the results JSON on stderr.
run lint -p "$T/gpu.yaml" -f "$T/deploy.json" --output json --patched
check "--patched -o json exits as lint" [ $rc -eq 1 ]
check "--patched -o json writes a List of the objects to stdout" [ "$(jq -r '.kind' <<<"$out")" = List ]
check "holding the mutated object" [ "$(jq -r '.items[0].spec.template.spec.nodeSelector["nvidia.com/gpu.present"]' <<<"$out")" = "true" ]
check "and the results as JSON on stderr" [ "$(jq -c .summary <<<"$err")" = '{"pass":1,"fail":1,"warn":0,"error":0,"skip":0}' ]
check "which does not repeat the objects" [ "$(jq '.resources[0] | has("patched")' <<<"$err")" = false ]
run lint -p "$SRC/manifests/policies" -f "$SRC/manifests/examples/gpu-job.yaml" --explain -o json
check "explain gives each change's field with its container named" \
  [ "$(jq -r '.resources[0].changes[0] | "\(.path) \(.field)"' <<<"$out")" = \
    "/spec/template/spec/containers/0/resources/limits/cpu /spec/template/spec/containers[name=trainer]/resources/limits/cpu" ]

# One evaluation path: the patch `lint` reports is the patch `review` returns.
run lint -p "$T/gpu.yaml" -f "$T/deploy.json" --output json
lint_patch=$(jq -c '.resources[0].patch' <<<"$out")
run review -p "$T/gpu.yaml" "$SAMPLE"
check "review exits 0" [ $rc -eq 0 ]
review_patch=$(jq -r '.response.patch' <<<"$out" | base64 -d | jq -c .)
check "review and lint return the same patch" [ "$lint_patch" = "$review_patch" ]
check "review echoes the uid" [ "$(jq -r .response.uid <<<"$out")" = "705ab4f5-6393-11e8-b7cc-42010a800002" ]
"$BILLET" review -p "$T/gpu.yaml" "$SAMPLE" >"$T/review.out"
check "review prints the body alone, no trailing newline, to a pipe" [ "$(tail -c1 "$T/review.out")" = "}" ]
run review -p "$T/gpu.yaml" --endpoint validate - <"$SAMPLE"
check "validate through stdin denies" [ "$(jq -r .response.allowed <<<"$out")" = "false" ]
check "the deny is 403 Forbidden" [ "$(jq -r '.response.status | "\(.code) \(.reason)"' <<<"$out")" = "403 Forbidden" ]

printf '{"kind": "AdmissionReview", ' > "$T/broken.json"
run review -p "$T/gpu.yaml" "$T/broken.json"
check "a malformed review exits 2" [ $rc -eq 2 ]
check "and says it is a 400, once" grep -q ': HTTP 400: invalid JSON: unexpected end of input at byte [0-9]*$' <<<"$err"

# Standard input is read once: policies from it leave nothing for the review (which answered as
# an empty policy set does, allowed, before it was refused).
out=$("$BILLET" review -p - - < "$SAMPLE" 2>"$T/err"); rc=$?; err=$(cat "$T/err")
check "review -p - with the review on stdin too is a usage error" [ $rc -eq 2 ]
check "that says stdin can be read once" grep -q 'can be read once' <<<"$err"
check "and answers nothing" [ -z "$out" ]
mkdir -p "$T/no-policies"
run review -p "$T/no-policies" "$SAMPLE"
check "review with no policy document exits 2, as lint does" [ $rc -eq 2 ]
check "naming where it looked" grep -q "no policy document in $T/no-policies" <<<"$err"
check "and answers nothing" [ -z "$out" ]
run review -p "$T/gpu.yaml" "$T/absent.json"
check "review of a missing file says why" grep -q "absent.json: cannot read file: No such file or directory" <<<"$err"

# Objects one after another in a .json file or on stdin (jq -c output) are documents one after
# another, as kubectl reads them; an error in the second is placed in the file.
{ cat "$T/deploy.json"; jq -c '.metadata.name = "second"' "$T/deploy.json"; } > "$T/sequence.json"
run lint -p "$T/gpu.yaml" -f "$T/sequence.json"
check "lint reads both objects of a JSON sequence" [ "$(grep -c '^Deployment/' <<<"$out")" -eq 2 ]
check "the second at its line" grep -q "^Deployment/ml-prod/second  ($T/sequence.json:2)" <<<"$out"
out=$("$BILLET" lint -p "$T/gpu.yaml" -f - < "$T/sequence.json" 2>"$T/err")
check "and on stdin" [ "$(grep -c '^Deployment/' <<<"$out")" -eq 2 ]
{ cat "$T/deploy.json"; echo '{"kind": "Pod",, }'; } > "$T/sequence-bad.json"
run lint -p "$T/gpu.yaml" -f "$T/sequence-bad.json"
check "a second object that is neither JSON nor YAML is the JSON error, at its line and column" \
  grep -q "sequence-bad.json:2:16: invalid JSON" <<<"$err"
check "after the first was evaluated" grep -q '^Deployment/ml-prod/gpu-executor' <<<"$out"

# kubectl decides between JSON and YAML by what a file holds, not by its name
# (cli/kubectl_json_or_yaml.h), and turns to YAML when JSON fails before a third value.
cp "$T/sequence.json" "$T/sequence.yaml"
run lint -p "$T/gpu.yaml" -f "$T/sequence.yaml"
check "JSON objects one after another in a .yaml file are two documents" \
  [ "$(grep -c '^Deployment/' <<<"$out")" -eq 2 ]
check "and nothing is skipped" [ -z "$err" ]
{ cat "$T/deploy.json"; jq -c '.metadata.annotations.note = "TAB"' "$T/deploy.json" | sed "s/TAB/a$(printf '\t')b/"; } > "$T/tab-second.json"
check "the second object holds a raw tab" grep -qP '"a\tb"' "$T/tab-second.json"
run lint -p "$T/gpu.yaml" -f "$T/tab-second.json" --patched -o json
check "a second object that is not JSON but is YAML is read as YAML, as kubectl reads it" \
  [ "$(jq -r '[.items[].metadata.annotations.note // empty] | join(",")' <<<"$out")" = "$(printf 'a\tb')" ]
{ cat "$T/deploy.json"; jq -c '.metadata.name = "second"' "$T/deploy.json";
  jq -c '.metadata.annotations.note = "TAB"' "$T/deploy.json" | sed "s/TAB/a$(printf '\t')b/"; } > "$T/tab-third.json"
run lint -p "$T/gpu.yaml" -f "$T/tab-third.json"
check "after two JSON objects, a third that is not JSON is an error" grep -q "tab-third.json:3:[0-9]*: invalid JSON: control character in string" <<<"$err"
check "and the two before it are evaluated" [ "$(grep -c '^Deployment/' <<<"$out")" -eq 2 ]
{ cat "$T/deploy.json"; printf -- '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: after-json}\n'; } > "$T/json-then-yaml.yaml"
run lint -p "$T/gpu.yaml" -f "$T/json-then-yaml.yaml"
check "YAML documents after a JSON object are read" grep -q '^ConfigMap/default/after-json  (.*json-then-yaml.yaml:3)' <<<"$out"
# A pipe (`-f <(kubectl get …)`) is read once, whatever it holds.
out=$("$BILLET" lint -p "$T/gpu.yaml" -f <(cat "$T/json-then-yaml.yaml") 2>"$T/err")
check "a pipe of JSON then YAML is read whole" \
  [ "$(grep -c '^Deployment/\|^ConfigMap/default/after-json' <<<"$out")" -eq 2 ]
out=$("$BILLET" lint -p "$T/gpu.yaml" -f <(cat "$T/tab-second.json") 2>"$T/err")
check "a pipe of two JSON objects, the second read as YAML" [ "$(grep -c '^Deployment/' <<<"$out")" -eq 2 ]
out=$("$BILLET" lint -p "$T/gpu.yaml" -f <(printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: piped}\n') 2>"$T/err")
check "a pipe of YAML is read" grep -q '^ConfigMap/default/piped' <<<"$out"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: yaml-in-json}\n' > "$T/yaml-named.json"
run lint -p "$T/gpu.yaml" -f "$T/yaml-named.json"
check "a .json file that holds YAML is read as YAML" grep -q '^ConfigMap/default/yaml-in-json' <<<"$out"

# A .json manifest's numbers are judged as kubectl sends them: `replicas: 1.0` arrives as 1, so a
# condition `Equals 1` holds, and --patched prints 1; a number past a float64's range, which
# kubectl refuses, is an error at its field path, and the other objects are evaluated.
cat > "$T/one-replica.yaml" <<'YAML'
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: one-replica}
spec:
  match: {kinds: [Deployment]}
  rules:
    - name: exactly-one
      validate:
        message: 'one replica, not {value}'
        require:
          - {path: 'object.spec.replicas', op: Equals, value: 1}
YAML
jq -c '.spec.replicas = 1 | .spec.template.metadata.annotations.x = "1e3"' "$T/deploy.json" |
  sed 's/"replicas":1,/"replicas":1.0,/' > "$T/replicas.json"
check "the file says 1.0" grep -q '"replicas":1.0' "$T/replicas.json"
run lint -p "$T/one-replica.yaml" -f "$T/replicas.json" --patched -o json
check "replicas 1.0 equals 1, as the cluster judges it" [ $rc -eq 0 ]
check "--patched prints the number kubectl sends" grep -q '"replicas":1,' <<<"$out"
check "and leaves strings alone" grep -q '"x":"1e3"' <<<"$out"
printf '{"kind": "List", "items": [%s, %s]}\n' \
  "$(jq -c '.metadata.name = "huge" | .spec.template.spec.containers[0].args = ["a", 77077]' "$T/deploy.json" | sed 's/77077/1e400/')" \
  "$(jq -c '.metadata.name = "fine" | .spec.replicas = 1' "$T/deploy.json")" > "$T/huge.json"
check "the file says 1e400" grep -q '"a",1e400' "$T/huge.json"
run lint -p "$T/one-replica.yaml" -f "$T/huge.json"
check "a number past a float64's range is an error (exit 2)" [ $rc -eq 2 ]
check "named at its field path" grep -q "huge.json:1:1: spec.template.spec.containers\[0\].args\[1\]: invalid JSON: number 1e400 is past a float64's range" <<<"$err"
check "the List's other item is evaluated" grep -q '^Deployment/ml-prod/fine' <<<"$out"

# --patched is what kubectl should apply: the generated PodDisruptionBudget of a Deployment
# written without a namespace has none either; a refused Deployment's is left out.
cat > "$T/pdb.yaml" <<'YAML'
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: ha}
spec:
  match: {kinds: [Deployment]}
  rules:
    - name: pdb
      generate: {podDisruptionBudget: {minAvailable: 1, minReplicas: 2}}
    - name: no-latest
      validate: {forbidLatestTag: true}
YAML
printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: "web:%s"}]}\n' 1 > "$T/web.yaml"
run lint -p "$T/pdb.yaml" -f "$T/web.yaml" --namespace prod --patched
check "--patched prints the Deployment and its PodDisruptionBudget" [ "$(grep -c '^kind: ' <<<"$out")" -eq 2 ]
check "the PodDisruptionBudget without a namespace, as its Deployment" [ "$(grep -c 'namespace: ' <<<"$out")" -eq 0 ]
# The API server writes the request's namespace into an object sent without one before
# admission: a rule reading it finds it offline too, while --patched leaves it to kubectl.
cat > "$T/ns.yaml" <<'YAML'
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: ns}
spec:
  match: {kinds: [Deployment]}
  rules:
    - name: in-prod
      validate:
        require: [{path: object.metadata.namespace, op: Equals, value: prod}]
YAML
run lint -p "$T/ns.yaml" -f "$T/web.yaml" --namespace prod
check "a rule reads the namespace the object is evaluated in" [ $rc -eq 0 ]
run lint -p "$T/ns.yaml" -f "$T/web.yaml" --namespace prod --patched
check "--patched leaves it out, as written" [ "$(grep -c 'namespace: ' <<<"$out")" -eq 0 ]
run lint -p "$T/ns.yaml" -f "$T/web.yaml" --namespace prod --output json --patched
check "and so does the JSON List" [ "$(jq -r '.items[0].metadata | has("namespace")' <<<"$out")" = false ]
sed -i 's/web:1/web:latest/' "$T/web.yaml"
run lint -p "$T/pdb.yaml" -f "$T/web.yaml" --patched
check "a refused Deployment: lint exits 1" [ $rc -eq 1 ]
check "and --patched prints it alone" [ "$(grep '^kind: ' <<<"$out")" = "kind: Deployment" ]

# A manifest's control bytes reach the text output as escapes, never as themselves: a container
# named with a terminal escape does not clear the screen of whoever reads the CI log.
jq -c '.spec.template.spec.containers[1].name = "log\u001b[2Jshipper"' "$T/deploy.json" > "$T/escape.json"
run lint -p "$T/gpu.yaml" -f "$T/escape.json" --explain
check "lint's text output holds no escape byte" [ "$(tr -cd '\033' <<<"$out" | wc -c)" -eq 0 ]
check "it shows the name's control byte as \\x1b" grep -qF 'container "log\x1b[2Jshipper"' <<<"$out"

printf 'apiVersion: v1\nkind: List\nitems: []\n' > "$T/empty-list.yaml"
run lint -p "$T/gpu.yaml" -f "$T/empty-list.yaml"
check "a named file with an empty List is an error" [ $rc -eq 2 ]
check "that says what it held" grep -q "empty-list.yaml: holds no Kubernetes object: a List without items$" <<<"$err"

run lint -p "$T/gpu.yaml" -f "$T/deploy.json" --patched -o sarif
check "--patched with a report format is a usage error" [ $rc -eq 2 ]
check "that says which formats hold it" grep -q -- '--patched needs --output text, json or yaml (not sarif)' <<<"$err"

# A namespace that is no namespace name (a template's placeholder) is not an object the API
# server stores: skipped with a note in a directory, an error in a file named alone.
mkdir -p "$T/templated"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: "${NAMESPACE}"}\n' > "$T/templated/cm.yaml"
cp "$T/deploy.json" "$T/templated/"
run lint -p "$T/gpu.yaml" -f "$T/templated"
check "in a directory, an object with a placeholder namespace is skipped with a note" \
  grep -q 'cm.yaml:1: skipped: metadata.namespace "${NAMESPACE}" is not a namespace name' <<<"$err"
check "and the other objects evaluated" grep -q '^Deployment/ml-prod/gpu-executor' <<<"$out"
run lint -p "$T/gpu.yaml" -f "$T/templated/cm.yaml"
check "named alone, it is an error" [ $rc -eq 2 ]
check "that says why" grep -q 'cm.yaml: holds no Kubernetes object: metadata.namespace "${NAMESPACE}"' <<<"$err"

run lint -p "$T/gpu.yaml" -f "$T/deploy.json" --namespace Bad_NS
check "lint --namespace that is no namespace name is a usage error" [ $rc -eq 2 ]
check "that names the flag" grep -q -- '--namespace: not a namespace name' <<<"$err"

# The `request` root offline is the AdmissionRequest the API server would send for a CREATE:
# a rule on its fields decides in lint as at the webhook.
cat > "$T/request-fields.yaml" <<'YAML'
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: request-fields}
spec:
  mode: Warn
  match: {kinds: [Deployment, Job]}
  rules:
    - name: resource
      validate: {message: '{value}', deny: [{path: request.resource.resource, op: Exists}]}
    - name: request-kind
      validate: {message: '{value}', deny: [{path: request.requestKind.kind, op: Exists}]}
    - name: object-name
      validate: {message: '{value}', deny: [{path: request.object.metadata.name, op: Exists}]}
    - name: options
      validate: {message: '{value}', deny: [{path: request.options.kind, op: Exists}]}
    - name: named
      validate: {message: 'has a name', deny: [{path: request.name, op: Exists}]}
YAML
cat > "$T/generated.yaml" <<'YAML'
apiVersion: batch/v1
kind: Job
metadata: {generateName: train-, namespace: ml}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: t, image: busybox:1.36}]
YAML
run lint -p "$T/request-fields.yaml" -f "$T/deploy.json" -f "$T/generated.yaml" --output json
message() { jq -r --arg k "$1" --arg r "$2" \
  '.resources[] | select(.kind == $k) | .results[] | select(.rule == $r) | "\(.result) \(.message // "")"' <<<"$out"; }
check "request.resource.resource is the kind's plural" [ "$(message Deployment resource)" = "warn deployments" ]
check "request.requestKind is the kind" [ "$(message Deployment request-kind)" = "warn Deployment" ]
check "request.object is the object" [ "$(message Deployment object-name)" = "warn gpu-executor" ]
check "request.options are the CREATE's" [ "$(message Deployment options)" = "warn CreateOptions" ]
check "a named object's request has its name" [ "$(message Deployment named)" = "warn has a name" ]
check "a generateName object's request has no name, as the API server omits it" \
  [ "$(message Job named)" = "pass " ]
check "and its resource is jobs" [ "$(message Job resource)" = "warn jobs" ]

printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: x\n' > "$T/broken.yaml"
run lint -p "$T/gpu.yaml" -f "$T/broken.yaml"
check "a malformed resource exits 2" [ $rc -eq 2 ]
check "with its position" grep -q "^$T/broken.yaml:[0-9]*:[0-9]*: invalid YAML" <<<"$err"

run lint -p "$T/gpu.yaml" --frobnicate
check "an unknown flag exits 2" [ $rc -eq 2 ]
check "and is named" grep -q 'unknown flag --frobnicate' <<<"$err"
check "a usage error prints the command's usage" grep -q '^usage: billet lint -p POLICIES' <<<"$err"
run review --endpoint sideways -p "$T/gpu.yaml"
check "review usage errors print its usage" grep -q '^usage: billet review' <<<"$err"
run lint -p "$T/missing-dir"
check "a missing policy path exits 2" [ $rc -eq 2 ]
run lint --help
check "--help exits 0" [ $rc -eq 0 ]
run audit -p "$T/gpu.yaml" -f "$T/deploy.json"
check "audit never fails" [ $rc -eq 0 ]
# audit evaluates as lint and the webhook do: the mutation is applied and reported as what the
# webhook would change (warn), the Enforce failure on the mutated object stays a failure.
check "audit reports an applied mutation as warn, would ..." grep -q 'warn  gpu-workloads/gpu-placement: would add /spec/template/spec/tolerations, add /spec/template/spec/nodeSelector' <<<"$out"
check "audit reports what the webhook rejects as fail" grep -q 'fail  gpu-workloads/require-gpu-limits: GPU containers must set limits (container "log-shipper")' <<<"$out"
check "audit counts as the webhook does" [ "$(tail -n1 <<<"$out")" = "pass: 0, fail: 1, warn: 1, error: 0, skip: 0" ]

# Convergence (§4.2) and conflicts (§4.3).
cat > "$T/fight.yaml" <<'YAML'
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: fight}
spec:
  match: {kinds: [Pod]}
  rules:
    - {name: to-a, mutate: {overwrite: true, nodeSelector: {pool: a}}}
    - {name: to-b, mutate: {overwrite: true, nodeSelector: {pool: b}}}
    - {name: append, mutate: {patch: [{op: add, path: /spec/tolerations/-, value: {key: x, operator: Exists}}]}}
YAML
printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {tolerations: [], containers: [{name: c, image: "x:1"}]}\n' > "$T/pod.yaml"
run lint -p "$T/fight.yaml"
check "policy load warns about the conflict" grep -q 'warning: conflict: fight/to-a and fight/to-b both set nodeSelector\["pool"\] ("a" vs "b")' <<<"$err"
run lint -p "$T/fight.yaml" -f "$T/pod.yaml"
check "lint reports the conflicting changes" grep -q 'note  conflict: fight/to-a and fight/to-b both change /spec/nodeSelector/pool' <<<"$out"
check "lint reports a rule that does not converge" grep -q 'error fight/append: does not converge: changes /spec/tolerations/- again' <<<"$out"
check "lint reports the fighting pair" grep -q 'error fight/to-a: does not converge' <<<"$out"
check "an error result fails lint" [ $rc -eq 1 ]
run lint -p "$T/fight.yaml" -f "$T/pod.yaml" --output json
check "a rule is never both pass and error for one resource" [ "$(jq '[.resources[0].results[] | select(.rule == "append")] | length' <<<"$out")" -eq 1 ]
check "the non-converging rule is an error" [ "$(jq -r '.resources[0].results[] | select(.rule == "append") | .result' <<<"$out")" = error ]

# Report formats (SPEC §6).
run lint -p "$T/gpu.yaml" -f "$T/deploy.json" --output policyreport
check "policyreport exits like lint" [ $rc -eq 1 ]
check "one PolicyReport for the namespace" [ "$(grep -c '^kind: PolicyReport$' <<<"$out")" -eq 1 ]
check "in ml-prod" grep -q '^  namespace: ml-prod$' <<<"$out"
check "with the summary" grep -q -A2 '^summary:$' <<<"$out"
block=$(awk '/rule: require-gpu-limits/{on=1} on&&/^- source/{exit} on' <<<"$out")
check "the failing result names its resource and result" [ "$(grep -c -e '    kind: Deployment' -e '    name: gpu-executor' -e '  result: fail' <<<"$block")" -eq 3 ]
check "results name source, policy, rule and result" [ "$(grep -c -e '^- source: billet$' <<<"$out")" -eq 2 ]
run lint -p "$T/gpu.yaml" -f "$T/deploy.json" --output sarif
check "SARIF is 2.1.0" [ "$(jq -r .version <<<"$out")" = "2.1.0" ]
check "SARIF has the failing result as an error" [ "$(jq -r '.runs[0].results[0] | "\(.ruleId) \(.level)"' <<<"$out")" = "gpu-workloads/require-gpu-limits error" ]
check "SARIF points at the file (a file: URI for an absolute path) and line" [ "$(jq -r '.runs[0].results[0].locations[0].physicalLocation | "\(.artifactLocation.uri):\(.region.startLine)"' <<<"$out")" = "file://$T/deploy.json:1" ]
mkdir -p "$T/my dir"
cp "$T/deploy.json" "$T/my dir/a#b%.json"
out=$(cd "$T" && "$BILLET" lint -p gpu.yaml -f "my dir" --output sarif 2>/dev/null)
check "SARIF percent-encodes a relative path as a URI reference" \
  [ "$(jq -r '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri' <<<"$out")" = "my%20dir/a%23b%25.json" ]
run lint -p "$T/gpu.yaml" -f "$T/deploy.json" --output junit
check "JUnit: one test case per resource x rule" [ "$(grep -c '<testcase ' <<<"$out")" -eq 2 ]
check "JUnit: the failure is a <failure>" grep -q '<failure message="GPU containers must set limits (container &quot;log-shipper&quot;)"' <<<"$out"
run audit -p "$T/gpu.yaml" -f "$T/deploy.json" --output policyreport
check "audit writes PolicyReports" [ $rc -eq 0 ] 
check "audit reports the would-be change" grep -q 'message: would add /spec/template/spec/tolerations' <<<"$out"
check "as a warning" grep -B1 -A3 'message: would add /spec/template/spec/tolerations' <<<"$out" | grep -q 'result: warn'
for format in sarif junit json yaml; do
  run audit -p "$T/gpu.yaml" -f "$T/deploy.json" --output $format
  check "audit takes --output $format" [ $rc -eq 0 ] 
done
check "audit SARIF names the failure" grep -q 'gpu-workloads/require-gpu-limits' <<<"$(run audit -p "$T/gpu.yaml" -f "$T/deploy.json" --output sarif; echo "$out")"

# audit --html: one self-contained page with totals, a row per finding, and untrusted text escaped.
cat > "$T/hostile.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: "<script>alert(1)</script>", namespace: ml-prod}
spec:
  containers: [{name: "<img src=x onerror=alert(1)>", image: "busybox:latest", resources: {limits: {nvidia.com/gpu: 1}}}]
YAML
run audit -p "$T/gpu.yaml" -f "$T/deploy.json" -f "$T/hostile.yaml" --html "$T/report.html"
check "audit --html exits 0" [ $rc -eq 0 ]
check "audit --html still prints the text output" grep -q 'warn  gpu-workloads/gpu-placement' <<<"$out"
check "audit --html writes the file" [ -s "$T/report.html" ]
check "the report is an HTML page" grep -q '^<!DOCTYPE html>' "$T/report.html"
check "no external scripts or images" bash -c "! grep -qi 'src=\"http' '$T/report.html'"
check "no external stylesheets or links" bash -c "! grep -qi 'href=\"http' '$T/report.html'"
check "no @import" bash -c "! grep -qi '@import' '$T/report.html'"
check "no <link> elements" bash -c "! grep -qi '<link' '$T/report.html'"
check "the styles and script are inline" [ "$(grep -c -e '^<style>' -e '^<script>' "$T/report.html")" -eq 2 ]
check "the totals: fail (what the webhook rejects)" grep -q '<div class="total fail" data-total="fail"><b>1</b>fail</div>' "$T/report.html"
check "the totals: pass" grep -q '<div class="total pass" data-total="pass"><b>1</b>pass</div>' "$T/report.html"
check "a row per finding (2 resources x 2 rules)" [ "$(grep -c '<tr class="finding"' "$T/report.html")" -eq 4 ]
check "a finding row names resource, file:line, policy/rule, category, severity, result and message" grep -q '<tr class="finding" data-result="fail" data-policy="gpu-workloads" data-ns="ml-prod"><td>Deployment</td><td>ml-prod</td><td>gpu-executor</td><td class="loc">[^<]*\(<wbr>[^<]*\)*deploy.json:1</td><td>gpu-workloads/require-gpu-limits</td><td class="cat"></td><td class="sev" data-v="3"><span class="medium">medium</span></td><td class="res" data-v="4"><span class="fail">fail</span></td><td class="msg">GPU containers must set limits (container &quot;log-shipper&quot;)</td></tr>' "$T/report.html"
check "the chart of failures by policy" grep -q 'aria-label="Failures by policy"' "$T/report.html"
check "the chart of failures by namespace" grep -q 'aria-label="Failures by namespace"' "$T/report.html"
check "a hostile resource name is escaped" grep -q '<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>' "$T/report.html"
check "no raw hostile markup anywhere" bash -c "! grep -q -e '<script>alert' -e '<img src=x' '$T/report.html'"
run audit -p "$T/gpu.yaml" -f "$T/deploy.json" --html "$T/no-such-dir/report.html"
check "an unwritable --html exits 2" [ $rc -eq 2 ]
check "and says why" grep -q "cannot write --html $T/no-such-dir/report.html" <<<"$err"
run lint -p "$T/gpu.yaml" -f "$T/deploy.json" --html "$T/lint.html"
check "--html is for audit only" [ $rc -eq 2 ]
run lint -p "$T/gpu.yaml" -f "$T/deploy.json" --output html
check "an unknown output format exits 2" [ $rc -eq 2 ]
check "and lists the valid formats" grep -q 'unknown --output html (valid: text, json, yaml, policyreport, sarif, junit)' <<<"$err"

# billet test: the pack's own tests pass; a wrong expectation fails; a bad test file is invalid.
run test "$SRC/manifests/tests"
check "the pack's tests pass" [ $rc -eq 0 ]
check "billet test closes with its count" grep -q '^49 passed, 0 failed$' <<<"$out"
cat > "$T/wrong-test.yaml" <<YAML
apiVersion: billet.dev/v1alpha1
kind: Test
metadata: {name: wrong}
policies: [gpu.yaml]
resources: [deploy.json]
cases:
  - {resource: Deployment/ml-prod/gpu-executor, policy: gpu-workloads, rule: require-gpu-limits, result: pass}
  - {resource: Deployment/ml-prod/gpu-executor, policy: gpu-workloads, rule: gpu-placement, result: pass}
YAML
run test "$T/wrong-test.yaml"
check "a failing case exits 1" [ $rc -eq 1 ]
check "and says what it got, with the failure message" grep -q 'FAIL  wrong  Deployment/ml-prod/gpu-executor  gpu-workloads/require-gpu-limits  pass  (got fail: GPU containers must set limits (container "log-shipper"))' <<<"$out"
printf 'apiVersion: billet.dev/v1alpha1\nkind: Test\nmetadata: {name: x}\ncases: [{resource: a, result: maybe}]\n' > "$T/bad-test.yaml"
run test "$T/bad-test.yaml"
check "an invalid test file exits 2" [ $rc -eq 2 ]
check "naming the bad result" grep -q 'bad-test.yaml:4:[0-9]*: cases\[0\].result: unknown value "maybe"' <<<"$err"
printf 'apiVersion: wrong/v9\nkind: Test\nmetadata: {name: x, labels: {team: ml}}\npolicies: [gpu.yaml]\nresources: [nowhere.yaml]\ncases: []\n' > "$T/odd-test.yaml"
run test "$T/odd-test.yaml"
check "a Test's apiVersion is checked" grep -q 'odd-test.yaml:1:[0-9]*: apiVersion: unknown apiVersion "wrong/v9"' <<<"$err"
check "a Test without a case is invalid" grep -q 'odd-test.yaml:6:[0-9]*: cases: a Test needs at least one case' <<<"$err"
check "labels in a Test's metadata are fine" bash -c "! grep -q 'metadata' <<<\"\$1\"" _ "$err"
sed -i 's|wrong/v9|billet.dev/v1alpha1|; s|cases: \[\]|cases: [{resource: Deployment/ml-prod/gpu-executor, policy: gpu-workloads, rule: gpu-placement, result: pass}]|' "$T/odd-test.yaml"
run test "$T/odd-test.yaml"
check "a missing resource file names the Test that names it" \
  grep -q '^.*odd-test.yaml: resources: .*nowhere.yaml: no such file or directory$' <<<"$err"

# The AdmissionReviews shipped for trying the webhook answer as the README says, and the patch
# /mutate returns is the one lint reports for the same manifest.
R="$SRC/manifests/reviews"
run review -p "$SRC/manifests/policies" --endpoint validate "$R/gpu-executor.json"
check "gpu-executor is denied at /validate" [ "$(jq -r .response.allowed <<<"$out")" = false ]
check "the denial names marie and log-shipper" [ "$(jq -r .response.status.message <<<"$out")" = \
  'gpu-workloads/require-gpu-limits: GPU containers must set limits: non-zero cpu and memory, equal to requests (container "marie"); GPU containers must set limits: non-zero cpu and memory, equal to requests (container "log-shipper")' ]
run review -p "$SRC/manifests/policies" "$R/gpu-inference.json"
check "gpu-inference is admitted at /mutate" [ "$(jq -r .response.allowed <<<"$out")" = true ]
shipped_patch=$(jq -r '.response.patch' <<<"$out" | base64 -d | jq -c .)
run lint -p "$SRC/manifests/policies" -f "$SRC/manifests/examples/gpu-deployment.yaml" --patches \
  --output json
lint_inference_patch=$(jq -c '.resources[] | select(.name == "gpu-inference") | .patch' <<<"$out")
check "the shipped review gets a patch" [ "$(jq length <<<"$shipped_patch")" -gt 0 ]
check "its patch is the one lint reports for the manifest" \
  [ "$shipped_patch" = "$lint_inference_patch" ]

# Gates that cannot pass on nothing: no policy, no object, stdin twice -> exit 2 with a reason.
mkdir -p "$T/empty" "$T/no-objects"
run lint -p "$T/empty"
check "lint -p DIR without a policy document exits 2" [ $rc -eq 2 ]
check "and says so on one line" [ "$err" = "billet lint: no policy document in $T/empty" ]
cp "$SRC/tests/cli/fixtures/repo/kustomization.yaml" "$SRC/tests/cli/fixtures/repo/notes.yaml" "$T/no-objects/"
run lint -p "$T/gpu.yaml" -f "$T/no-objects"
check "lint -f DIR without an object exits 2" [ $rc -eq 2 ]
check "and says so" grep -q "^billet lint: no Kubernetes object in $T/no-objects$" <<<"$err"
run lint -p "$T/gpu.yaml" -f "$T/no-objects/notes.yaml"
check "a named file without an object exits 2" [ $rc -eq 2 ]
check "and names it" grep -q "^$T/no-objects/notes.yaml: holds no Kubernetes object: empty or comments only$" <<<"$err"
run lint -p "$T/gpu.yaml" -f "$T/deploy.json" -f "$T/no-objects/kustomization.yaml"
check "a named file without an object fails the run even beside objects" [ $rc -eq 2 ]
check "naming the kustomization" grep -q "kustomization.yaml: holds no Kubernetes object: kustomize configuration (kind: Kustomization)" <<<"$err"
run lint -p - -f - <"$T/gpu.yaml"
check "stdin named twice exits 2" [ $rc -eq 2 ]
check "and says stdin is read once" grep -q 'standard input (-) is named 2 times; it can be read once' <<<"$err"
cat > "$T/deny-errors.yaml" <<'YAML'
apiVersion: billet.dev/v1alpha1
kind: Settings
metadata: {name: settings}
spec: {evaluationErrors: {mutate: Deny}}
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: broken}
spec:
  match: {kinds: [Pod]}
  rules:
    - {name: bad-patch, mutate: {patch: [{op: replace, path: /spec/nothing/here, value: 1}]}}
YAML
run lint -p "$T/deny-errors.yaml" -f "$T/pod.yaml"
check "a request /mutate would refuse fails lint" [ $rc -eq 1 ]
check "it is an error result" grep -q '^  error broken/bad-patch' <<<"$out"
check "and the refusal is noted" grep -q 'note  /mutate would refuse this request' <<<"$out"

# Real repositories: tool configuration and non-objects are skipped with one note each; the
# objects are evaluated, generateName included; JSON is read by billet's JSON parser.
REPO="$SRC/tests/cli/fixtures/repo"
run lint -p "$T/gpu.yaml" -f "$REPO"
check "a repository lints (exit 0: no Enforce failure)" [ $rc -eq 0 ]
check "three objects are evaluated" [ "$(grep -c '^[A-Za-z]*/.*  (' <<<"$out")" -eq 3 ]
check "a generateName object is shown as name*" grep -q "^Job/ml-research/train-\*  ($REPO/apps/train-job.yaml:2)" <<<"$out"
check "and evaluated" grep -A3 '^Job/ml-research/train-\*' <<<"$out" | grep -q 'pass  2 rules'
check "the surrogate pair JSON is read" grep -q '^ConfigMap/web/greeting' <<<"$out"
check "one note per skipped file (12)" [ "$(grep -c '^note: ' <<<"$err")" -eq 12 ]
for why in "kustomization.yaml:1: skipped: kustomize configuration (kind: Kustomization)" \
           "components/gpu/kustomization.yaml:1: skipped: kustomize configuration (kind: Component)" \
           "chart/Chart.yaml: skipped: Helm chart metadata" \
           "chart/values.yaml:1: skipped: Helm values" \
           "chart/templates: skipped: Helm chart templates" \
           "notes.yaml: skipped: empty or comments only" \
           "config/kubelet.yaml:1: skipped: tool configuration (kind: KubeletConfiguration)" \
           "config/katib.yaml:1: skipped: kind KatibConfig without metadata.name" \
           "config/numbers.json:1: skipped: a list at the top level" \
           "patches/replicas.yaml:2: skipped: a list at the top level" \
           "patches/tolerations.yaml:2: skipped: no apiVersion/kind" \
           "reviews/create-pod.json:1: skipped: an AdmissionReview"; do
  check "note: $why" grep -qF "note: $REPO/${why}" <<<"$err"
done
run lint -p "$T/gpu.yaml" -f "$REPO/apps/greeting.json" --output json --patched
check "a surrogate pair in JSON is one character" [ "$(jq -r '.items[0].data.hello' <<<"$out")" = "😀" ]
run lint -p "$T/gpu.yaml" -f - --output json --patched <"$REPO/apps/greeting.json"
check "JSON on stdin is read as JSON too" [ "$(jq -r '.items[0].data.hello' <<<"$out")" = "😀" ]
# kubectl decodes JSON as UTF-8 with replacement before its JSON decoder reads it, which reads
# a surrogate escape that pairs with nothing as U+FFFD: so does billet (`\/` keeps it JSON: YAML
# refuses it). From a file and from a pipe alike.
printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"odd"},"data":{"a":"p\xe2\x82q\xc0\xaf","b":"\\udc00\\ud800\\ud83d\\ude00\\u0041","c":"x\\/y"}}\n' >"$T/odd.json"
for from in file pipe; do
  if [ $from = file ]; then run lint -p "$T/gpu.yaml" -f "$T/odd.json" --output json --patched
  else run lint -p "$T/gpu.yaml" -f - --output json --patched <"$T/odd.json"; fi
  check "JSON ($from): bytes that are not UTF-8 are U+FFFD, one for each maximal subpart" \
    [ "$(jq -r '.items[0].data.a' <<<"$out")" = "p�q��" ]
  check "JSON ($from): surrogate escapes that pair with nothing are U+FFFD" \
    [ "$(jq -r '.items[0].data.b' <<<"$out")" = "��😀A" ]
  check "JSON ($from): and it is read as JSON" [ "$(jq -r '.items[0].data.c' <<<"$out")" = "x/y" ]
done
# UTF-16 is decoded first, as kubectl decodes it, from a pipe as from a file: then it is JSON.
{ printf '\377\376'
  printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"w"},"data":{"b":"\\udc00é","c":"x\\/y"}}' |
    iconv -f UTF-8 -t UTF-16LE; } >"$T/odd16.json"
run lint -p "$T/gpu.yaml" -f - --output json --patched <"$T/odd16.json"
check "UTF-16 on stdin is decoded, then read as JSON" \
  [ "$(jq -c '.items[0].data' <<<"$out")" = '{"b":"�é","c":"x/y"}' ]
run lint -p "$T/gpu.yaml" -f "$T/odd16.json" --output json --patched
check "UTF-16 in a file too" [ "$(jq -r '.items[0].data.c' <<<"$out")" = "x/y" ]
run lint -p "$T/gpu.yaml" -f - <<<'{apiVersion: v1, kind: ConfigMap, metadata: {name: flow}}'
check "a YAML flow mapping on stdin is still YAML" grep -q '^ConfigMap/default/flow' <<<"$out"
printf '{"apiVersion": "v1",\n  "kind": "Pod", "metadata": {"name": "x"},, }\n' >"$T/bad.json"
run lint -p "$T/gpu.yaml" -f "$T/bad.json"
check "broken JSON is an error with line and column" grep -q "^$T/bad.json:2:44: invalid JSON" <<<"$err"
mkdir -p "$T/mixed"
cp "$T/deploy.json" "$T/mixed/a-deploy.json"
printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: x\n' >"$T/mixed/b-broken.yaml"
cp "$REPO/apps/web.yaml" "$T/mixed/c-web.yaml"
run lint -p "$T/gpu.yaml" -f "$T/mixed"
check "broken YAML in one file exits 2" [ $rc -eq 2 ]
check "with its position" grep -q "^$T/mixed/b-broken.yaml:[0-9]*:[0-9]*: invalid YAML" <<<"$err"
check "the files before it are still reported" grep -q '^Deployment/ml-prod/gpu-executor' <<<"$out"
check "the files after it are still reported" grep -q '^Deployment/web/web' <<<"$out"
check "the summary is printed" grep -q '^pass: ' <<<"$out"
run lint -p "$SRC/manifests/policies" -f "$SRC"
check "lint -f . on billet's own repository reports its objects" grep -q '^Deployment/billet-system/billet' <<<"$out"
check "and ends with the summary" grep -q '^pass: [0-9]*, fail: ' <<<"$(tail -n1 <<<"$out")"
check "only deliberately broken fuzz seeds and golden inputs are errors" \
  bash -c "! grep -v -e '^note: ' -e '/fuzz/corpus/' -e '/tests/golden/bad-' -e 'error(s) in resources' <<<\"\$1\" | grep -q ." _ "$err"

# lint --patched: stdout is a YAML stream of the mutated and generated objects, nothing else.
run lint -p "$SRC/manifests/policies" -f "$SRC/manifests/examples/gpu-deployment.yaml" --patched
check "--patched exits like lint" [ $rc -eq 1 ]
check "stdout is YAML documents only" [ "$(grep -c '^---$' <<<"$out")" -eq "$(grep -c '^apiVersion: ' <<<"$out")" ]
check "the results go to stderr" grep -q '^  fail  gpu-workloads/require-gpu-limits' <<<"$err"
check "the summary goes to stderr" grep -q '^pass: ' <<<"$err"
check "no result on stdout" bash -c "! grep -q -e '^pass: ' -e '^  fail' <<<\"\$1\"" _ "$out"
check "the generated PodDisruptionBudget is in the stream" grep -q '^kind: PodDisruptionBudget$' <<<"$out"
patched_docs=$(grep -c '^---$' <<<"$out")
"$BILLET" lint -p "$SRC/manifests/policies" -f - <<<"$out" >"$T/reread.out" 2>"$T/reread.err"
check "the stream reads back: no document skipped or broken" bash -c "! grep -qv '^warning: ' '$T/reread.err'"
check "the stream reads back: one object per document ($patched_docs)" [ "$(grep -c '^[A-Za-z]*/.*  (-:' "$T/reread.out")" -eq "$patched_docs" ]
run lint -p "$SRC/manifests/policies" -f "$SRC/manifests/examples/gpu-deployment.yaml" --patched --output json
check "--patched --output json is one JSON List on stdout" [ "$(jq -r '[.kind, .items[0].kind] | join(" ")' <<<"$out")" = "List Deployment" ]
check "with the generated PodDisruptionBudget" [ "$(jq '[.items[] | select(.kind == "PodDisruptionBudget")] | length' <<<"$out")" -eq 1 ]
json_items=$(jq '.items | length' <<<"$out")
check "the same objects as the YAML stream ($patched_docs)" [ "$json_items" -eq "$patched_docs" ]
"$BILLET" lint -p "$SRC/manifests/policies" -f - <<<"$out" >"$T/reread.out" 2>"$T/reread.err"
check "the List reads back: every object evaluated" [ "$(grep -c '^[A-Za-z]*/.*  (-:' "$T/reread.out")" -eq "$json_items" ]
run lint -p "$SRC/manifests/policies" -f "$SRC/manifests/examples/gpu-deployment.yaml" --patched --output yaml
check "--patched --output yaml: the YAML stream on stdout" [ "$(grep -c '^kind: ' <<<"$out")" -eq "$json_items" ]
check "the results as YAML on stderr" grep -q '^summary:' <<<"$err"

# audit agrees with lint and the webhook on the examples: its failures are lint's Enforce failures.
run lint -p "$SRC/manifests/policies" -f "$SRC/manifests/examples" --output json
lint_enforce_fails=$(jq '[.resources[].results[] | select(.result == "fail" and .mode == "Enforce")] | length' <<<"$out")
run audit -p "$SRC/manifests/policies" -f "$SRC/manifests/examples" --output json
check "audit on the examples exits 0" [ $rc -eq 0 ]
check "audit fails exactly what lint's Enforce rules fail ($lint_enforce_fails)" [ "$(jq .summary.fail <<<"$out")" -eq "$lint_enforce_fails" ]
check "audit reports each applied mutation as would ..." [ "$(jq '[.resources[].results[] | select(.stage == "mutate" and .result == "warn" and (.message | startswith("would ")))] | length' <<<"$out")" -gt 0 ]
check "and no mutation as a failure" [ "$(jq '[.resources[].results[] | select(.stage == "mutate" and .result == "fail")] | length' <<<"$out")" -eq 0 ]

# Output people read: problems first, passes counted, why nothing was evaluated, no colour in a pipe.
run lint -p "$SRC/manifests/policies" -f "$SRC/manifests/examples/gpu-deployment.yaml"
block=$(awk '/^Deployment\/ml-prod\/gpu-executor/{on=1; next} /^[A-Z]/{on=0} on' <<<"$out")
check "failures come first" [ "$(head -n1 <<<"$block" | cut -c3-7)" = "fail " ]
check "passes are counted per resource" grep -q '^  pass  [0-9]* rules$' <<<"$block"
check "long per-container warnings get a line each" grep -q '^          container "log-shipper" must set' <<<"$block"
check "no colour when stdout is not a terminal" bash -c "! grep -q $'\e' <<<\"\$1\"" _ "$out"
run lint -p "$SRC/manifests/policies" -f "$SRC/manifests/examples/gpu-deployment.yaml" --verbose
check "--verbose lists every pass" grep -q '^  pass  gpu-workloads/gpu-placement$' <<<"$out"
check "script(1) is there for the terminal check" bash -c "command -v script >/dev/null"
TERM=xterm script -qec "$BILLET lint -p $SRC/manifests/policies -f $SRC/manifests/examples/gpu-deployment.yaml" /dev/null >"$T/tty.out" 2>&1
check "colour on a terminal" grep -q $'\e\\[31mfail' "$T/tty.out"
NO_COLOR=1 TERM=xterm script -qec "$BILLET lint -p $SRC/manifests/policies -f $SRC/manifests/examples/gpu-deployment.yaml" /dev/null >"$T/tty.out" 2>&1
check "no colour with NO_COLOR" bash -c "! grep -q $'\e\\[31m' '$T/tty.out'"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: web}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: kube-system}\nspec: {containers: [{name: c, image: "x:1"}]}\n' >"$T/idle.yaml"
run lint -p "$SRC/manifests/policies" -f "$T/idle.yaml"
check "says when no policy is for a kind" grep -q '^  nothing to evaluate: no policy applies to kind ConfigMap$' <<<"$out"
check "says when a namespace is excluded" grep -q '^  nothing to evaluate: namespace kube-system is excluded' <<<"$out"
cat > "$T/except-gpu.yaml" <<'YAML'
apiVersion: billet.dev/v1alpha1
kind: PolicyException
metadata: {name: legacy}
spec:
  exceptions: [{policy: gpu-workloads}]
  match: {namespaces: [ml-prod]}
YAML
run lint -p "$T/gpu.yaml" -p "$T/except-gpu.yaml" -f "$T/deploy.json"
check "says when what matched was excepted, and by what" \
  grep -q '^  nothing to evaluate: 2 rules excepted by legacy (--show-skips)$' <<<"$out"
run lint -p "$SRC/manifests/policies" -f "$SRC/manifests/examples/runai-scheduler.yaml" --explain
check "--explain names containers by name" grep -q '/spec/template/spec/containers\[name=[a-z-]*\]/resources' <<<"$out"
check "--explain gives the tier reason once" [ "$(grep -c 'tier "large"' <<<"$(grep -v '^  pass' <<<"$out")")" -eq 1 ]

# billet test: a diff on mismatch, invalid cases, a missing expected file is an invalid case.
mkdir -p "$T/t/expected"
run lint -p "$T/gpu.yaml" -f "$T/deploy.json" --patched --output json
jq '.items[0]' <<<"$out" | sed 's/"nvidia.com\/gpu.present": "true"/"nvidia.com\/gpu.present": "false"/' >"$T/t/expected/wrong.json"
cat > "$T/t/diff-test.yaml" <<YAML
apiVersion: billet.dev/v1alpha1
kind: Test
metadata: {name: diffs}
policies: [$T/gpu.yaml]
resources: [$T/deploy.json]
cases:
  - {resource: Deployment/ml-prod/gpu-executor, policy: gpu-workloads, rule: gpu-placement, result: pass, patched: expected/wrong.json}
  - {resource: Deployment/ml-prod/gpu-executor, policy: gpu-workloads, rule: gpu-placement, result: pass}
  - {resource: Deployment/ml-prod/gpu-executor, policy: gpu-workloads, rule: require-gpu-limits, result: fail}
YAML
cat > "$T/t/missing-test.yaml" <<YAML
apiVersion: billet.dev/v1alpha1
kind: Test
metadata: {name: missing}
policies: [$T/gpu.yaml]
resources: [$T/deploy.json]
cases:
  - {resource: Deployment/ml-prod/gpu-executor, policy: gpu-workloads, rule: gpu-placement, result: pass}
  - {resource: Deployment/ml-prod/gpu-executor, policy: gpu-workloads, rule: require-gpu-limits, result: fail, patched: expected/missing.yaml}
YAML
run test "$T/t/missing-test.yaml"
check "a missing expected file is an invalid test (exit 2)" [ $rc -eq 2 ]
check "naming the case's line and the file" \
  grep -q 'missing-test.yaml:8: invalid case .*require-gpu-limits: patched: .*missing.yaml: no such file' <<<"$err"
run test "$T/t/diff-test.yaml"
check "a patched mismatch fails (exit 1)" [ $rc -eq 1 ]
check "with a unified diff" grep -q '^      --- .*expected/wrong.json$' <<<"$out"
check "that shows the changed line" grep -q '^      -        nvidia.com/gpu.present: "false"$' <<<"$out"
check "and what billet produced" grep -q '^      +        nvidia.com/gpu.present: "true"$' <<<"$out"
check "and the run goes on to its summary" grep -q '^2 passed, 1 failed$' <<<"$out"
run lint -p "$SRC/manifests/policies" -f "$SRC/manifests/examples/gpu-deployment.yaml" --output json
jq '.resources[] | select(.name == "gpu-inference") | .generated[0]' <<<"$out" >"$T/t/expected/pdb.json"
sed 's/"minAvailable": 1/"minAvailable": 2/' "$T/t/expected/pdb.json" >"$T/t/expected/pdb-wrong.json"
cat > "$T/t/gen-test.yaml" <<YAML
apiVersion: billet.dev/v1alpha1
kind: Test
metadata: {name: gen}
policies: [$SRC/manifests/policies]
resources: [$SRC/manifests/examples/gpu-deployment.yaml]
cases:
  - {resource: Deployment/ml-prod/gpu-inference, policy: high-availability, rule: pod-disruption-budget, result: pass, generated: expected/pdb.json}
  - {resource: Deployment/ml-prod/gpu-inference, policy: high-availability, rule: pod-disruption-budget, result: pass, generated: expected/pdb-wrong.json}
YAML
run test "$T/t/gen-test.yaml"
check "a generated object equal to its file passes" grep -q '^PASS  gen  Deployment/ml-prod/gpu-inference  high-availability/pod-disruption-budget  pass$' <<<"$out"
check "a generated mismatch names the file" grep -q '(generated differs from .*expected/pdb-wrong.json)$' <<<"$out"
check "and shows the diff" grep -q '^      -  minAvailable: 2$' <<<"$out"
check "generated: 1 passed, 1 failed" grep -q '^1 passed, 1 failed$' <<<"$out"
for bad in "Deployment/ml-prod/nope gpu-workloads gpu-placement|no resource Deployment/ml-prod/nope" \
           "Deployment/ml-prod/gpu-executor gpu-workload gpu-placement|no policy gpu-workload" \
           "Deployment/ml-prod/gpu-executor gpu-workloads gpu-placment|policy gpu-workloads has no rule gpu-placment"; do
  read -r res pol rule <<<"${bad%%|*}"
  printf 'apiVersion: billet.dev/v1alpha1\nkind: Test\nmetadata: {name: typo}\npolicies: [%s]\nresources: [%s]\ncases:\n  - {resource: %s, policy: %s, rule: %s, result: skip}\n' \
    "$T/gpu.yaml" "$T/deploy.json" "$res" "$pol" "$rule" >"$T/typo-test.yaml"
  run test "$T/typo-test.yaml"
  check "a case naming what does not exist is invalid (${bad##*|})" [ $rc -eq 2 ]
  check "naming the case" grep -q "typo-test.yaml:7: invalid case .*: ${bad##*|}" <<<"$err"
done
run test --help
check "test --help shows the file format" grep -q 'kind: Test' <<<"$out"
run test
check "test without a path prints its usage" grep -q '^usage: billet test' <<<"$err"

finish
