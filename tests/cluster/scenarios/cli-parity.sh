# 1. CLI ≡ cluster: `kubectl apply` of every example manifest stores exactly what
# `billet lint --patched` says billet makes of it, plus the API server's own defaults; and what
# lint rejects (an Enforce failure) the API server rejects with billet's message. 2. The request
# lint makes for an object is the one the API server would send: for every kind it serves, the
# resource name (`request.resource.resource`) is the one discovery gives, and the object has a
# namespace (`default` when the file gives none) exactly when its kind is namespaced.
#
# prepare() runs before the webhooks are registered: lint's patched objects go through a
# server-side dry run there, which adds the API server's defaults and nothing of billet's.

prepare() {
  mkdir -p "$WORK/parity"
  local n=0
  for f in "$ROOT"/manifests/examples/*.yaml; do
    k create --dry-run=client -o json -f "$f" | jq -c 'if .kind == "List" then .items[] else . end'
  done > "$WORK/parity/objects.jsonl"
  jq -r '.metadata.namespace // empty' "$WORK/parity/objects.jsonl" | sort -u | grep -vx default \
    > "$WORK/parity/namespaces"
  ns_create default $(cat "$WORK/parity/namespaces")
  while IFS= read -r obj; do
    n=$((n + 1))
    local d="$WORK/parity/$n"
    mkdir -p "$d"
    echo "$obj" > "$d/in.json"
    set +e
    "$BILLET" lint -p "$ROOT/manifests/policies" -f "$d/in.json" --patched --output json \
      > "$d/lint.objects.json" 2> "$d/lint.err"
    echo $? > "$d/lint.rc"
    set -e
    # stdout: the objects for kubectl; stderr: the results (after any load warning).
    jq '.items[0]' "$d/lint.objects.json" > "$d/patched.json"
    grep -v '^warning: ' "$d/lint.err" > "$d/lint.json"
    if [ "$(cat "$d/lint.rc")" = 0 ]; then
      k create --dry-run=server -o json -f "$d/patched.json" > "$d/expected.json"
    fi
  done < "$WORK/parity/objects.jsonl"
  echo "$n" > "$WORK/parity/count"
}

scenario() {
  local n compared=0 denied=0
  n=$(cat "$WORK/parity/count")
  for i in $(seq 1 "$n"); do
    local d="$WORK/parity/$i" id
    id=$(jq -r '"\(.kind)/\(.metadata.namespace // "-")/\(.metadata.name)"' "$d/in.json")
    case "$(cat "$d/lint.rc")" in
      0)
        k apply -f "$d/in.json" > /dev/null 2> "$d/apply.err" || {
          check "$id: admitted as lint admits it" false
          cat "$d/apply.err" >&2
          continue
        }
        k get -o json -f "$d/in.json" > "$d/stored.json"
        check "$id: stored = lint --patched + API server defaults" \
          same_objects "$d/expected.json" "$d/stored.json"
        compared=$((compared + 1))
        ;;
      1)
        # lint's Enforce failures, as the webhook words them: "policy/rule: message" joined by "; ".
        local want got
        want=$(jq -r '[.resources[0].results[] | select(.stage == "validate" and .mode == "Enforce"
                        and (.result == "fail" or .result == "error"))
                       | "\(.policy)/\(.rule): \(.message)"] | join("; ")' "$d/lint.json")
        if k apply -f "$d/in.json" > /dev/null 2> "$d/apply.err"; then
          check "$id: denied as lint denies it" false
        else
          got=$(sed -n 's/.*admission webhook "validate.billet.dev" denied the request: //p' "$d/apply.err")
          check "$id: denied with lint's message" same "$want" "$got"
          denied=$((denied + 1))
        fi
        ;;
      *)
        check "$id: lint evaluates it ($(head -n1 "$d/lint.err"))" false
        ;;
    esac
  done
  log "$compared objects compared, $denied denials compared"
  check "examples admitted and compared" at_least 10 "$compared"
  check "examples denied and compared" at_least 2 "$denied"
  served_kinds_as_lint_sees_them
}

# Every kind the API server serves (discovery, subresources left out), one object of each with
# no namespace, through lint with a policy that reports each request's resource.
served_kinds_as_lint_sees_them() {
  local gv d="$WORK/parity/kinds"
  mkdir -p "$d"
  { k get --raw /api/v1 | jq -c '. as $l | .resources[] | {gv: $l.groupVersion, kind, name, namespaced}'
    for gv in $(k get --raw /apis | jq -r '.groups[].preferredVersion.groupVersion'); do
      k get --raw "/apis/$gv" | jq -c '. as $l | .resources[] | {gv: $l.groupVersion, kind, name, namespaced}'
    done
  } | jq -c 'select(.name | contains("/") | not)' > "$d/served.jsonl"
  jq -r '"---\napiVersion: \(.gv)\nkind: \(.kind)\nmetadata: {name: probe}"' "$d/served.jsonl" > "$d/objects.yaml"
  cat > "$d/policy.yaml" <<'YAML'
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: request}
spec:
  mode: Warn
  match: {kinds: ["*"]}
  rules:
    - name: resource
      validate: {message: '{value}', deny: [{path: request.resource.resource, op: Exists}]}
YAML
  "$BILLET" lint -p "$d/policy.yaml" -f "$d/objects.yaml" --output json > "$d/lint.json" 2> "$d/lint.err"
  jq -c '.resources[] | {gv: .apiVersion, kind, name: .results[0].message,
                         namespaced: (.namespace != null)}' "$d/lint.json" > "$d/lint.jsonl"
  check "lint read one object of each served kind" same \
    "$(jq -s 'length' "$d/served.jsonl")" "$(jq -s 'length' "$d/lint.jsonl")"
  local served kind
  while IFS= read -r served; do
    kind=$(jq -r '"\(.gv) \(.kind)"' <<<"$served")
    check "$kind: lint's request names the resource and scope discovery gives" same \
      "$served" "$(jq -c --argjson s "$served" 'select(.gv == $s.gv and .kind == $s.kind)' "$d/lint.jsonl")"
  done < "$d/served.jsonl"
}
