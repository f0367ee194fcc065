#include "policy/cluster.h"

namespace billet::policy {

json::Value clusterDocument(std::int64_t nodes, std::int64_t workloads) {
  json::Value doc = json::Value::object();
  doc.set("nodes", json::Value::number(nodes));
  doc.set("workloads", json::Value::number(workloads));
  return doc;
}

}  // namespace billet::policy
