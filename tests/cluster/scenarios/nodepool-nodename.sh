# 19. NodePool and spec.nodeName: a pod that names a pool node in spec.nodeName (past the
# scheduler, and so past the taint) without being a member of the pool is an outsider, denied by
# the shipped runtime pool; a member may, and any pod may name a node outside the pool.

pinned() {  # pinned NAME NAMESPACE NODE: a pod bound to NODE by name
  cat <<POD
{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "$1", "namespace": "$2",
  "labels": {"app.kubernetes.io/component": "runtime"}},
 "spec": {"nodeName": "$3", "containers": [{"name": "c", "image": "registry.k8s.io/pause:3.9",
   "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"memory": "16Mi"}}}]}}
POD
}

scenario() {
  ns_create hetida analytics
  example runtime-node-1 | k create -f - > /dev/null
  example worker-7 | k create -f - > /dev/null
  denied() { ! pinned probe analytics runtime-node-1 | k create --dry-run=server -f - > /dev/null 2>&1; }
  check "billet learns the pool's node" wait_for pool 20 denied
  if pinned sneaky analytics runtime-node-1 | k create -f - > /dev/null 2> "$T/sneaky.err"; then
    check "an outsider naming a pool node is denied" false
  else
    check "an outsider naming a pool node is denied" grep -q 'denied the request: .*runtime.*sets nodeName to its node runtime-node-1' "$T/sneaky.err"
  fi
  check "an outsider may name a node outside the pool" \
    k create -f <(pinned fine analytics worker-7)
  check "a member may name a pool node" k create -f <(pinned member hetida runtime-node-1)
  # The node leaves the pool (label removed): naming it is no longer an outsider's act.
  k label node runtime-node-1 billet.dev/pool- > /dev/null
  allowed() { pinned probe analytics runtime-node-1 | k create --dry-run=server -f - > /dev/null 2>&1; }
  check "a node taken out of the pool is no longer guarded" wait_for left 20 allowed
}
