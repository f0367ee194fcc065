// The cluster's size as billet knows it, as the `cluster` path root reads it (SPEC §3.2, §3.6):
//   cluster.nodes, cluster.workloads
// Today the size is Settings.cluster, fixed at load. A live size (Settings `cluster: auto`)
// replaces it by loading the same PolicySet with new numbers: ServiceGroup tiers are chosen at
// load too, so tiers and `cluster` conditions always see one and the same size.
#pragma once

#include <cstdint>

#include "json/value.h"

namespace billet::policy {

// {"nodes": N, "workloads": W}
json::Value clusterDocument(std::int64_t nodes, std::int64_t workloads);

}  // namespace billet::policy
