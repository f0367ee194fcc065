// Settings: the set-wide options of a Settings document (SPEC §3.6) as loaded, with what the
// loader adds (the cluster's size and live facts). Every rule of a PolicySet sees the same ones.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "json/value.h"
#include "policy/cluster.h"
#include "policy/pod_templates.h"

namespace billet::policy {

struct Settings {
  std::int64_t clusterNodes = 0;
  std::int64_t clusterWorkloads = 0;
  json::Value cluster;  // what the `cluster` root reads: clusterDocument(clusterNodes, ...) (load)
  bool clusterAuto = false;  // `cluster: auto`: the size comes from LoadOptions
  std::int64_t clusterSettleSeconds = 300;
  std::shared_ptr<const ClusterFacts> facts;  // live facts in `serve --kube-api`; null offline
  std::vector<std::string> gpuResources = {"nvidia.com/gpu", "amd.com/gpu", "gpu.intel.com/i915"};
  std::vector<std::string> excludeNamespaces = {"kube-system", "kube-node-lease"};
  bool mutateErrorsDeny = false;   // evaluationErrors.mutate: Allow (default) | Deny
  bool validateErrorsDeny = true;  // evaluationErrors.validate: Deny (default) | Allow
  // Kinds whose pod templates are evaluated like a Deployment's: the built-in entries, with the
  // user's added or replacing them (pod_templates.h).
  std::vector<PodTemplateKind> podTemplates = builtinPodTemplates();
};

}  // namespace billet::policy
