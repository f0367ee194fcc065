#include "policy/cluster.h"

#include "policy/compiled.h"
#include "policy/glob.h"
#include "policy/node_pool.h"

namespace billet::policy {

json::Value clusterDocument(std::int64_t nodes, std::int64_t workloads) {
  json::Value doc = json::Value::object();
  doc.set("nodes", json::Value::number(nodes));
  doc.set("workloads", json::Value::number(workloads));
  return doc;
}

ClusterSettings clusterSettings(const PolicySet& set) {
  ClusterSettings c;
  c.autoSize = set.settings.clusterAuto;
  c.settleSeconds = set.settings.clusterSettleSeconds;
  c.size = {set.settings.clusterNodes, set.settings.clusterWorkloads};
  for (const CompiledPolicy& p : set.policies) {
    if (p.kind == "ServiceGroup") c.tiers.emplace_back(p.name, p.tier);
    if (p.kind == "NodePool" && !p.nodeLabels.empty()) c.poolNodeLabels.push_back(p.nodeLabels);
  }
  return c;
}

bool excludedNamespace(const PolicySet& set, std::string_view namespace_) {
  return globAny(set.settings.excludeNamespaces, namespace_);
}

}  // namespace billet::policy
