# 1. CLI ≡ cluster: `kubectl apply` of every example manifest stores exactly what
# `billet lint --patched` says billet makes of it, plus the API server's own defaults; and what
# lint rejects (an Enforce failure) the API server rejects with billet's message.
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
      > "$d/lint.json" 2> "$d/lint.err"
    echo $? > "$d/lint.rc"
    set -e
    jq '.resources[0].patched' "$d/lint.json" > "$d/patched.json"
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
}
