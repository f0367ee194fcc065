// --cluster-nodes N --cluster-workloads W: the cluster's size offline (SPEC §5.1), standing in
// for what `billet serve --kube-api` counts with Settings `cluster: auto`; given, they override
// Settings.cluster for ServiceGroup tiers and the `cluster` path root. Either flag alone leaves
// the other number at Settings.cluster's (0 with `cluster: auto`).
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "cli/args.h"
#include "policy/policy_set.h"

namespace billet::cli {

inline std::vector<FlagSpec> clusterSizeFlags() {
  return {{"cluster-nodes", 0, true, false,
           "the cluster's size for tiers and `cluster.nodes` (overrides Settings.cluster)", "N"},
          {"cluster-workloads", 0, true, false,
           "the cluster's workloads for tiers and `cluster.workloads`", "W"}};
}

// The LoadOptions the flags ask for; false (and `error`) when a value is not a count.
inline bool applyClusterSizeFlags(const ParsedArgs& args, policy::LoadOptions& options,
                                  std::string& error) {
  auto count = [&](const char* flag, std::int64_t& into) {
    const auto v = args.get(flag);
    if (!v) return true;
    std::int64_t n = -1;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || p != v->data() + v->size() || n < 0) {
      error = std::string("--") + flag + ": expected a count, got \"" + *v + "\"";
      return false;
    }
    into = n;
    return true;
  };
  if (!args.has("cluster-nodes") && !args.has("cluster-workloads")) return true;
  policy::ClusterSize size;
  if (!count("cluster-nodes", size.nodes) || !count("cluster-workloads", size.workloads))
    return false;
  options.clusterSize = size;
  return true;
}

}  // namespace billet::cli
