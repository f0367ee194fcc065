# 16. Settings `cluster: auto`: billet counts Ready, schedulable Nodes and Pending/Running pods
# outside excludeNamespaces through its watches; a ServiceGroup's tier (and the `cluster` root)
# follows the cluster across a boundary only once the new size has held for clusterSettleSeconds
# (6 s here), growing and shrinking, and a dip across the boundary shorter than that changes
# nothing.
SETTLE=6

scenario() {
  ns_create runai work
  install_auto_policies
  check "the tier starts small (no nodes)" same 1 "$(sched_cpu)"
  check "billet_servicegroup_tier: small" same 1 "$(metric billet_servicegroup_tier 'group="sched"' 'tier="small"')"

  for i in 1 2 3 4; do work_pod "w$i" work; done
  work_pod excluded kube-system
  check "billet_cluster_workloads counts the 4 pods outside excluded namespaces" \
    wait_for workloads 15 gauge_is billet_cluster_workloads 4

  # Grow past the boundary: 3 Ready nodes, a fifth pod.
  for n in n1 n2 n3; do node_up "$n"; done
  work_pod w5 work
  local t0 t1
  t0=$(date +%s)
  check "billet_cluster_nodes counts the 3 Ready nodes at once" wait_for nodes 10 gauge_is billet_cluster_nodes 3
  check "a new pod still gets the small tier before the size settles" same 1 "$(sched_cpu)"
  check "... and no busy annotation yet" same null "$(sched_pod | jq -r '.metadata.annotations["billet.dev/busy"]')"
  check "after the settle time the tier is medium" wait_for medium $((SETTLE + 25)) sched_cpu_is 2
  t1=$(date +%s)
  check "not before clusterSettleSeconds ($((t1 - t0)) s)" at_least $((SETTLE - 1)) $((t1 - t0))
  busy() { sched_pod | jq -e '.metadata.annotations["billet.dev/busy"] == "true"'; }
  check "the cluster root sees the settled size (cluster.workloads >= 5)" wait_for busy 10 busy
  check "billet_servicegroup_tier: medium 1, small 0" same 10 \
    "$(metric billet_servicegroup_tier 'group="sched"' 'tier="medium"')$(metric billet_servicegroup_tier 'group="sched"' 'tier="small"')"
  check "the change is logged" grep -q '"msg":"service group tier changed".*"group":"sched","from":"small","to":"medium"' "$WORK/billet.log"

  # A dip to 2 Ready nodes shorter than the settle time: no change.
  node_ready n3 False
  check "billet sees the dip" wait_for dip 10 gauge_is billet_cluster_nodes 2
  sleep 2
  node_ready n3 True
  check "billet sees the node back" wait_for back 10 gauge_is billet_cluster_nodes 3
  sleep $((SETTLE + 3))
  check "no flapping: still medium" same 2 "$(sched_cpu)"
  check "one tier change logged so far" same 1 "$(grep -c '"msg":"service group tier changed"' "$WORK/billet.log")"

  # An unschedulable node does not count either.
  k patch node n1 --type=merge -p '{"spec":{"unschedulable":true}}' > /dev/null
  check "a cordoned node is not counted" wait_for cordon 10 gauge_is billet_cluster_nodes 2
  # Shrink: two nodes gone, one cordoned: 1 node.
  k delete node n2 n3 > /dev/null
  t0=$(date +%s)
  check "billet_cluster_nodes drops to 0" wait_for shrink 10 gauge_is billet_cluster_nodes 0
  check "the tier stays medium until the smaller size settles" same 2 "$(sched_cpu)"
  check "after the settle time the tier is small again" wait_for small $((SETTLE + 25)) sched_cpu_is 1
  t1=$(date +%s)
  check "not before clusterSettleSeconds ($((t1 - t0)) s)" at_least $((SETTLE - 1)) $((t1 - t0))
  check "two tier changes logged" same 2 "$(grep -c '"msg":"service group tier changed"' "$WORK/billet.log")"
}
