# 7. NodePool: a Node created with the pool's label gets the taint; a member workload gets the
# toleration and the placement; an outsider pod that tolerates the taint is denied.

scenario() {
  ns_create hetida
  ns_create analytics
  example runtime-node-1 > "$T/node.json"
  k create -f "$T/node.json" > /dev/null
  tainted() {
    k get node runtime-node-1 -o json | jq -e '.spec.taints | any(.key == "billet.dev/pool"
      and .value == "runtime" and .effect == "NoSchedule")'
  }
  check "the pool node carries the taint" tainted
  example worker-7 > "$T/worker.json"
  k create -f "$T/worker.json" > /dev/null
  check "a node outside the pool gets no taint" same 0 \
    "$(k get node worker-7 -o json | jq '[.spec.taints // [] | .[] | select(.key == "billet.dev/pool")] | length')"

  example hetida-runtime > "$T/member.json"
  k create -f "$T/member.json" > /dev/null
  k -n hetida get deployment hetida-runtime -o json | jq .spec.template.spec > "$T/member.spec"
  check "the member tolerates the pool's taint" holds '.tolerations | any(.key == "billet.dev/pool"
    and .value == "runtime" and .effect == "NoSchedule")' "$T/member.spec"
  check "the member is placed on the pool" holds '.nodeSelector["billet.dev/pool"] == "runtime"' "$T/member.spec"

  for name in sneaky-batch tolerate-all; do
    example "$name" > "$T/$name.json"
    if k create -f "$T/$name.json" > /dev/null 2> "$T/$name.err"; then
      check "outsider $name is denied" false
    else
      check "outsider $name is denied by the runtime pool" grep -q \
        'denied the request: .*runtime' "$T/$name.err"
    fi
  done
}
