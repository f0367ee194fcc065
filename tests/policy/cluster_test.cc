// The cluster as policies see it (policy/cluster.h): Settings `cluster: auto` and
// clusterSettleSeconds, a size given at load overriding Settings.cluster, and the live facts
// (autoscaled replicas, pool nodes) evaluation reads.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "json/parse.h"
#include "policy/engine.h"
#include "policy/policy_set.h"

using namespace billet;
using namespace billet::policy;

namespace {

const char* kPolicies = R"(
apiVersion: billet.dev/v1alpha1
kind: Settings
metadata: {name: s}
spec: {cluster: auto, clusterSettleSeconds: 42}
---
apiVersion: billet.dev/v1alpha1
kind: ServiceGroup
metadata: {name: sched}
spec:
  members: {namespaces: [runai]}
  resources: {requests: {cpu: 100m}}
  tiers:
    - {name: small, maxNodes: 2, requests: {cpu: "1"}}
    - {name: medium, maxNodes: 100, requests: {cpu: "2"}}
---
apiVersion: billet.dev/v1alpha1
kind: NodePool
metadata: {name: runtime}
spec:
  nodeLabels: {billet.dev/pool: runtime}
  taint: {key: billet.dev/pool, value: runtime, effect: NoSchedule}
  members: {namespaces: [hetida]}
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: ha}
spec:
  match: {kinds: [Deployment], replicas: {min: 2}}
  rules:
    - name: mark
      mutate: {annotations: {spread: "yes"}}
)";

struct Facts final : ClusterFacts {
  std::map<std::string, std::int64_t> hpa;  // ns/Kind/name
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> nodes;
  std::optional<std::int64_t> autoscaledMinReplicas(std::string_view ns, std::string_view kind,
                                                    std::string_view name) const override {
    auto it = hpa.find(std::string(ns) + "/" + std::string(kind) + "/" + std::string(name));
    if (it == hpa.end()) return std::nullopt;
    return it->second;
  }
  std::optional<bool> nodeHasLabels(
      std::string_view node,
      const std::vector<std::pair<std::string, std::string>>& labels) const override {
    auto it = nodes.find(std::string(node));
    if (it == nodes.end()) return std::nullopt;
    for (const auto& l : labels)
      if (std::find(it->second.begin(), it->second.end(), l) == it->second.end()) return false;
    return true;
  }
};

std::shared_ptr<const PolicySet> load(LoadOptions o = {}) {
  auto r = loadPoliciesFromText("p.yaml", kPolicies, o);
  for (const auto& e : r.errors) UNSCOPED_INFO(e.format());
  REQUIRE(r.ok());
  return r.set;
}

json::Value parse(const std::string& text) {
  auto v = json::parse(text);
  REQUIRE(v.ok());
  return v.value;
}

}  // namespace

TEST_CASE("Settings cluster: auto, clusterSettleSeconds, and a size given at load") {
  auto set = load();
  ClusterSettings c = clusterSettings(*set);
  CHECK(c.autoSize);
  CHECK(c.settleSeconds == 42);
  CHECK(c.size == ClusterSize{0, 0});
  CHECK(c.tiers == std::vector<std::pair<std::string, std::string>>{{"sched", "small"}});
  REQUIRE(c.poolNodeLabels.size() == 1);
  CHECK(c.poolNodeLabels[0][0].first == "billet.dev/pool");

  LoadOptions o;
  o.clusterSize = ClusterSize{3, 10};
  auto bigger = load(o);
  CHECK(clusterSettings(*bigger).tiers ==
        std::vector<std::pair<std::string, std::string>>{{"sched", "medium"}});
  CHECK(clusterSettings(*bigger).size == ClusterSize{3, 10});

  auto bad =
      loadPoliciesFromText("p.yaml",
                           "apiVersion: billet.dev/v1alpha1\nkind: Settings\nmetadata: {name: s}\n"
                           "spec: {cluster: big}\n");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.errors[0].format(), Catch::Contains("expected auto, or {nodes, workloads}"));
}

TEST_CASE("An HPA's minReplicas raises the replicas rules see") {
  auto facts = std::make_shared<Facts>();
  LoadOptions o;
  o.facts = facts;
  auto set = load(o);
  json::Value dep = parse(R"({"apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "api", "namespace": "web"},
    "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "api"}},
      "template": {"metadata": {"labels": {"app": "api"}},
        "spec": {"containers": [{"name": "c", "image": "x"}]}}}})");
  AdmissionRequest req;
  req.kind = "Deployment";
  req.group = "apps";
  req.version = "v1";
  req.namespace_ = "web";
  req.name = "api";
  req.object = &dep;
  auto spread = [&] {
    MutateOutcome m = mutate(*set, req, {});
    const json::Value* a = json::dig(m.object, {"spec", "template", "metadata", "annotations"});
    return a && a->find("spread") != nullptr;
  };
  CHECK_FALSE(spread());
  facts->hpa["web/Deployment/api"] = 3;
  CHECK(spread());
  facts->hpa["web/Deployment/api"] = 1;
  CHECK_FALSE(spread());
}

TEST_CASE("A non-member naming a pool node in spec.nodeName is an outsider") {
  auto facts = std::make_shared<Facts>();
  facts->nodes["pool-1"] = {{"billet.dev/pool", "runtime"}};
  facts->nodes["other"] = {};
  LoadOptions o;
  o.facts = facts;
  auto set = load(o);
  auto denied = [&](const std::string& ns, const std::string& node) {
    json::Value pod = parse(R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p",
      "namespace": ")" + ns +
                            R"("}, "spec": {"nodeName": ")" + node +
                            R"(", "containers": [{"name": "c", "image": "x"}]}})");
    AdmissionRequest req;
    req.kind = "Pod";
    req.version = "v1";
    req.namespace_ = ns;
    req.name = "p";
    req.object = &pod;
    ValidateOutcome v = validate(*set, req, {});
    for (const auto& d : v.denials) UNSCOPED_INFO(d);
    return !v.allowed();
  };
  CHECK(denied("analytics", "pool-1"));
  CHECK_FALSE(denied("analytics", "other"));
  CHECK_FALSE(denied("analytics", "unknown-node"));
  CHECK_FALSE(denied("hetida", "pool-1"));  // a member
}
