// Generate rules (SPEC §3.3): objects that billet creates beside the admitted one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "json/value.h"
#include "policy/compiled.h"

namespace billet::policy {

struct PodDisruptionBudgetSpec {
  json::Value minAvailable;    // null, an integer or a percentage string
  json::Value maxUnavailable;  // null, an integer or a percentage string
  std::int64_t minReplicas = 2;
  std::string nameTemplate = "{name}-pdb";
  std::string policy;  // the owning policy, recorded in a label
};

// A policy/v1 PodDisruptionBudget for Deployments and StatefulSets with enough replicas,
// selecting the controller's pods with its own spec.selector.
// `facts`: the live facts the set is loaded with (autoscaled replicas), or null.
std::unique_ptr<const Generator> makePodDisruptionBudget(
    PodDisruptionBudgetSpec spec, std::shared_ptr<const ClusterFacts> facts = nullptr);

}  // namespace billet::policy
