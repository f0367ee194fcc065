// The cluster as billet knows it, for evaluation (SPEC §3.2, §3.6, §5.1).
//
// Its size, as the `cluster` path root reads it (cluster.nodes, cluster.workloads) and as
// ServiceGroup tiers are chosen: Settings.cluster, or with `cluster: auto` the live size that
// `billet serve --kube-api` has seen hold for clusterSettleSeconds (offline: --cluster-nodes and
// --cluster-workloads). Either way the size is fixed when the PolicySet is loaded: a settled
// change of the live size loads the same PolicySet again with the new numbers, so that tiers
// and `cluster` conditions always see one and the same size.
//
// Beyond the size, facts that change with every object (which HorizontalPodAutoscaler targets a
// workload, which nodes carry a NodePool's labels) cannot be loaded into a set: they are read at
// evaluation through ClusterFacts, an immutable snapshot the watches replace as they learn.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "json/value.h"

namespace billet::policy {

// {"nodes": N, "workloads": W}
json::Value clusterDocument(std::int64_t nodes, std::int64_t workloads);

struct ClusterSize {
  std::int64_t nodes = 0;
  std::int64_t workloads = 0;
  friend bool operator==(const ClusterSize& a, const ClusterSize& b) {
    return a.nodes == b.nodes && a.workloads == b.workloads;
  }
};

// Live facts of the cluster; none offline. Implementations answer from a snapshot without
// blocking (they are read on the admission path).
class ClusterFacts {
 public:
  virtual ~ClusterFacts() = default;
  // minReplicas of the HorizontalPodAutoscaler whose scaleTargetRef names this workload; nullopt
  // when none does (or none is known).
  virtual std::optional<std::int64_t> autoscaledMinReplicas(std::string_view namespace_,
                                                            std::string_view kind,
                                                            std::string_view name) const = 0;
  // Whether node `node` carries every label of `labels`; nullopt when the node is not known.
  virtual std::optional<bool> nodeHasLabels(
      std::string_view node,
      const std::vector<std::pair<std::string, std::string>>& labels) const = 0;
};

}  // namespace billet::policy
