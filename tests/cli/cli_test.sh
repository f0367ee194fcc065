#!/usr/bin/env bash
# End-to-end tests of the billet command line: exit codes, error lines, outputs, and parity
# between `lint` and `review` (one evaluation path). Usage: cli_test.sh BILLET SOURCE_DIR
set -uo pipefail
BILLET=$1
SRC=$2
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

run lint -p "$T/gpu.yaml" -f "$T/deploy.json" --output json --patched --explain
check "json output exits 1 too" [ $rc -eq 1 ]
check "json output is JSON with the summary" [ "$(jq -c .summary <<<"$out")" = '{"pass":1,"fail":1,"warn":0,"error":0,"skip":0}' ]
check "json output carries the patch" [ "$(jq -r '.resources[0].patch[1].path' <<<"$out")" = "/spec/template/spec/nodeSelector" ]
check "json output carries the patched object" [ "$(jq -r '.resources[0].patched.spec.template.spec.nodeSelector["nvidia.com/gpu.present"]' <<<"$out")" = "true" ]
check "explain names the rule of each change" [ "$(jq -r '.resources[0].changes[0].rule' <<<"$out")" = "gpu-placement" ]

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
check "and says it is a 400" grep -q 'HTTP 400: malformed JSON' <<<"$err"

printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: x\n' > "$T/broken.yaml"
run lint -p "$T/gpu.yaml" -f "$T/broken.yaml"
check "a malformed resource exits 2" [ $rc -eq 2 ]
check "with its position" grep -q "^$T/broken.yaml:[0-9]*:[0-9]*: invalid YAML" <<<"$err"

run lint -p "$T/gpu.yaml" --frobnicate
check "an unknown flag exits 2" [ $rc -eq 2 ]
check "and is named" grep -q 'unknown flag --frobnicate' <<<"$err"
run lint -p "$T/missing-dir"
check "a missing policy path exits 2" [ $rc -eq 2 ]
run lint --help
check "--help exits 0" [ $rc -eq 0 ]
run audit -p "$T/gpu.yaml" -f "$T/deploy.json"
check "audit never fails" [ $rc -eq 0 ]
check "audit reports mutations as failures" grep -q 'fail  gpu-workloads/gpu-placement: would add /spec/template/spec/tolerations' <<<"$out"

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
check "SARIF points at the file and line" [ "$(jq -r '.runs[0].results[0].locations[0].physicalLocation | "\(.artifactLocation.uri):\(.region.startLine)"' <<<"$out")" = "$T/deploy.json:1" ]
run lint -p "$T/gpu.yaml" -f "$T/deploy.json" --output junit
check "JUnit: one test case per resource x rule" [ "$(grep -c '<testcase ' <<<"$out")" -eq 2 ]
check "JUnit: the failure is a <failure>" grep -q '<failure message="GPU containers must set limits (container &quot;log-shipper&quot;)"' <<<"$out"
run audit -p "$T/gpu.yaml" -f "$T/deploy.json" --output policyreport
check "audit writes PolicyReports" [ $rc -eq 0 ] 
check "audit reports the would-be mutation as a failure" grep -q 'message: would add /spec/template/spec/tolerations' <<<"$out"

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
check "audit --html still prints the text output" grep -q 'fail  gpu-workloads/gpu-placement' <<<"$out"
check "audit --html writes the file" [ -s "$T/report.html" ]
check "the report is an HTML page" grep -q '^<!DOCTYPE html>' "$T/report.html"
check "no external scripts or images" bash -c "! grep -qi 'src=\"http' '$T/report.html'"
check "no external stylesheets or links" bash -c "! grep -qi 'href=\"http' '$T/report.html'"
check "no @import" bash -c "! grep -qi '@import' '$T/report.html'"
check "no <link> elements" bash -c "! grep -qi '<link' '$T/report.html'"
check "the styles and script are inline" [ "$(grep -c -e '^<style>' -e '^<script>' "$T/report.html")" -eq 2 ]
check "the totals: fail" grep -q '<div class="total fail" data-total="fail"><b>3</b>fail</div>' "$T/report.html"
check "the totals: pass" grep -q '<div class="total pass" data-total="pass"><b>1</b>pass</div>' "$T/report.html"
check "a row per finding (2 resources x 2 rules)" [ "$(grep -c '<tr class="finding"' "$T/report.html")" -eq 4 ]
check "a finding row names resource, policy/rule, result and message" grep -q '<tr class="finding" data-result="fail" data-policy="gpu-workloads" data-ns="ml-prod"><td>Deployment</td><td>ml-prod</td><td>gpu-executor</td><td>gpu-workloads/require-gpu-limits</td><td class="res"><span class="fail">fail</span></td><td class="msg">GPU containers must set limits (container &quot;log-shipper&quot;)</td></tr>' "$T/report.html"
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

# billet test: the pack's own tests pass; a wrong expectation fails; a bad test file is invalid.
run test "$SRC/manifests/tests"
check "the pack's tests pass" [ $rc -eq 0 ]
check "billet test closes with its count" grep -q '^39 passed, 0 failed$' <<<"$out"
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
check "and says what it got" grep -q 'FAIL  wrong  Deployment/ml-prod/gpu-executor  gpu-workloads/require-gpu-limits  pass  (got fail)' <<<"$out"
printf 'apiVersion: billet.dev/v1alpha1\nkind: Test\nmetadata: {name: x}\ncases: [{resource: a, result: maybe}]\n' > "$T/bad-test.yaml"
run test "$T/bad-test.yaml"
check "an invalid test file exits 2" [ $rc -eq 2 ]
check "naming the bad result" grep -q 'bad-test.yaml:4:[0-9]*: cases\[0\].result: unknown value "maybe"' <<<"$err"

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

finish
