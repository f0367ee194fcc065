# 17. Watch resume: the API server restarts under billet's watches; billet reconnects, resumes
# (or lists again) and its counts are right afterwards, including changes made right after the
# API server came back; admission keeps working.

scenario() {
  ns_create runai work
  install_auto_policies
  for n in r1 r2 r3; do node_up "$n"; done
  for i in 1 2 3; do work_pod "p$i" work; done
  check "counted before the restart: 3 nodes" wait_for nodes 15 gauge_is billet_cluster_nodes 3
  check "counted before the restart: 3 workloads" wait_for pods 15 gauge_is billet_cluster_workloads 3

  apiserver_restart 2
  # Changes billet must learn through its resumed watches (or a new list).
  node_up r4
  node_up r5
  k -n work delete pod p1 --wait=false > /dev/null
  work_pod p4 work
  work_pod p5 work
  check "billet logged the interrupted watches" wait_for interrupted 15 grep -q '"msg":"watch interrupted"' "$WORK/billet.log"
  check "nodes right after the restart: 5" wait_for nodes 30 gauge_is billet_cluster_nodes 5
  check "workloads right after the restart: 4" wait_for pods 30 gauge_is billet_cluster_workloads 4

  # A second restart with a longer outage, then changes in every watched collection.
  apiserver_restart 5
  k delete node r1 > /dev/null
  node_ready r2 False
  k -n work delete pod p2 --wait=false > /dev/null
  check "nodes after the second restart: 3" wait_for nodes 30 gauge_is billet_cluster_nodes 3
  check "workloads after the second restart: 3" wait_for pods 30 gauge_is billet_cluster_workloads 3
  check "billet is still ready" billet_ready
  check "admission still works (3 nodes settled: medium tier)" wait_for probe 20 sched_cpu_is 2
}
