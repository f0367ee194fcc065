# 3. What kubectl shows: the GPU executor is rejected with billet's message exactly as billet
# review words it; Warn-mode results come back as kubectl warnings; Audit-mode results become
# audit annotations on the API server's audit events.

prepare() {
  # An Audit-mode policy beside the pack, loaded the way a ConfigMap update would bring it.
  cat > "$T/audit-probe.yaml" <<'POLICY'
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: team-label}
spec:
  mode: Audit
  match: {kinds: [Deployment]}
  rules:
    - name: require-team
      validate:
        message: 'Deployments should name their team (label "team")'
        require: [{path: 'object.metadata.labels.team', op: Exists}]
POLICY
  local reloads
  reloads=$(metric billet_policy_reloads_total 'result="success"')
  volume_install "$WORK/policies" "$ROOT"/manifests/policies/*.yaml "$T/audit-probe.yaml"
  reloaded() { [ "$(metric billet_policy_reloads_total 'result="success"')" -gt "$reloads" ]; }
  wait_for "policy reload" 20 reloaded || die "billet did not reload the policies"
  mkdir -p "$T/pack" && cp "$ROOT"/manifests/policies/*.yaml "$T/audit-probe.yaml" "$T/pack/"
}

scenario() {
  ns_create ml-prod
  # Denial: kubectl's line is the API server's wording around billet's message.
  example gpu-executor > "$T/executor.json"
  "$BILLET" lint -p "$T/pack" -f "$T/executor.json" --patched --output json \
    | jq '.items[0]' > "$T/executor.patched.json" || true
  review_of "$T/executor.patched.json" > "$T/executor.review.json"
  local message
  message=$("$BILLET" review -p "$T/pack" --endpoint validate "$T/executor.review.json" \
    | jq -r .response.status.message)
  check "billet review denies the executor" [ -n "$message" ]
  if k create -f "$T/executor.json" > /dev/null 2> "$T/deny.err"; then
    check "the API server rejects the executor" false
  else
    check "kubectl prints billet's denial" same \
      "Error from server (Forbidden): error when creating \"$T/executor.json\": admission webhook \"validate.billet.dev\" denied the request: $message" \
      "$(grep -v '^Warning: ' "$T/deny.err")"
  fi

  # Warnings: a pod with a :latest image and no requests (the baseline pack is in Warn mode).
  example debug-shell > "$T/pod.json"
  "$BILLET" lint -p "$T/pack" -f "$T/pod.json" --patched --output json \
    | jq '.items[0]' > "$T/pod.patched.json" || true
  review_of "$T/pod.json" > "$T/pod.mutate-review.json"
  review_of "$T/pod.patched.json" > "$T/pod.review.json"
  { "$BILLET" review -p "$T/pack" --endpoint mutate "$T/pod.mutate-review.json"
    "$BILLET" review -p "$T/pack" --endpoint validate "$T/pod.review.json"; } \
    | jq -r '.response.warnings // [] | .[] | "Warning: " + .' | sort > "$T/warnings.want"
  k create -f "$T/pod.json" 2>&1 >/dev/null | grep '^Warning: ' | sort > "$T/warnings.got" || true
  check "billet warns about the pod" [ -s "$T/warnings.want" ]
  check "kubectl prints billet's warnings" same "$(cat "$T/warnings.want")" "$(cat "$T/warnings.got")"

  # kubectl debug adds an ephemeral container through pods/ephemeralcontainers, which the
  # shipped validating webhook receives: its :latest image gets billet's warning.
  jq -n '{apiVersion: "v1", kind: "Pod", metadata: {name: "app", namespace: "ml-prod"},
          spec: {containers: [{name: "app", image: "registry.example/app:1.0",
            resources: {requests: {cpu: "100m", memory: "64Mi"}, limits: {memory: "64Mi"}}}]}}' \
    | k create -f - > /dev/null
  k -n ml-prod debug pod/app --image=registry.example/tools:latest --container=dbg \
    > /dev/null 2> "$T/debug.err" || true
  check "kubectl debug added the container" same dbg \
    "$(k -n ml-prod get pod app -o jsonpath='{.spec.ephemeralContainers[0].name}')"
  check "kubectl debug prints billet's warning about its image" grep -q \
    '^Warning: baseline/forbid-latest-tag: container "dbg" must pin its image' "$T/debug.err"

  # Audit: the API server records the annotation of the Audit-mode rule on the create event.
  example gpu-inference | jq 'del(.metadata.labels.team)' > "$T/inference.json"
  k create -f "$T/inference.json" > /dev/null
  audited() {
    jq -e -s 'map(select(.verb == "create" and .objectRef.resource == "deployments"
                         and .objectRef.name == "gpu-inference" and .stage == "ResponseComplete"))
              | .[0].annotations["validate.billet.dev/team-label.require-team"]' \
      "$WORK/audit.log"
  }
  check "the audit event carries billet's audit annotation" wait_for audit 10 audited
  check "the annotation is the rule's message" same \
    'Deployments should name their team (label "team")' \
    "$(audited | jq -r . 2>/dev/null)"
}
