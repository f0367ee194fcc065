// The settling rule of `cluster: auto` (server/cluster_tracker.h): a size moves only once the
// live size has stayed beyond it for the whole window, in either direction; no flapping. And the
// tier gauge as policy sets come and go.
#include "server/cluster_tracker.h"

#include <prometheus/registry.h>

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>

#include "base/logging.h"
#include "policy/policy_set.h"

using billet::policy::ClusterSize;
using billet::server::SizeSettler;
using namespace std::chrono_literals;

TEST_CASE("SizeSettler: the first count at once, then changes only after they held") {
  SizeSettler s;
  const auto t0 = std::chrono::steady_clock::time_point{} + 1000s;
  const auto settle = 10s;
  CHECK(s.sample(t0, {2, 100}, settle) == ClusterSize{2, 100});
  // Grows to 5 nodes at t0+1: not before t0+11.
  for (int i = 1; i <= 10; ++i)
    CHECK(s.sample(t0 + std::chrono::seconds(i), {5, 100}, settle) == ClusterSize{2, 100});
  CHECK(s.sample(t0 + 11s, {5, 100}, settle) == ClusterSize{5, 100});
  // A dip to 1 for 3 s, then back: nothing changes.
  for (int i = 12; i <= 14; ++i)
    CHECK(s.sample(t0 + std::chrono::seconds(i), {1, 100}, settle) == ClusterSize{5, 100});
  for (int i = 15; i <= 40; ++i)
    CHECK(s.sample(t0 + std::chrono::seconds(i), {5, 100}, settle) == ClusterSize{5, 100});
  // Shrinks to 3 nodes while workloads grow to 120: each dimension settles on its own.
  for (int i = 41; i <= 50; ++i)
    CHECK(s.sample(t0 + std::chrono::seconds(i), {3, 120}, settle) == ClusterSize{5, 100});
  CHECK(s.sample(t0 + 51s, {3, 120}, settle) == ClusterSize{3, 120});
}

TEST_CASE("SizeSettler: steady growth is followed at the size held for the whole window") {
  SizeSettler s;
  const auto t0 = std::chrono::steady_clock::time_point{} + 1000s;
  s.sample(t0, {0, 0}, 5s);
  ClusterSize last{};
  for (int i = 1; i <= 20; ++i) last = s.sample(t0 + std::chrono::seconds(i), {i, 0}, 5s);
  CHECK(last.nodes == 15);  // the least size of the last 5 s
}

TEST_CASE("SizeSettler: settle 0 follows the live size at once") {
  SizeSettler s;
  const auto t0 = std::chrono::steady_clock::time_point{} + 1000s;
  s.sample(t0, {1, 1}, 0s);
  CHECK(s.sample(t0 + 1s, {7, 9}, 0s) == ClusterSize{7, 9});
}

namespace {

std::shared_ptr<const billet::policy::PolicySet> withGroups(const std::string& groups) {
  std::string text =
      "apiVersion: billet.dev/v1alpha1\nkind: Settings\nmetadata: {name: s}\n"
      "spec: {cluster: {nodes: 50, workloads: 10}}\n---\n";
  for (const std::string name : {"a", "b"}) {
    if (groups.find(name) == std::string::npos) continue;
    text += "apiVersion: billet.dev/v1alpha1\nkind: ServiceGroup\nmetadata: {name: " + name +
            "}\nspec:\n  members: {namespaces: [x]}\n  tiers:\n"
            "    - {name: small, maxNodes: 30, requests: {cpu: 100m}}\n"
            "    - {name: medium, maxNodes: 100, requests: {cpu: 200m}}\n---\n";
  }
  billet::policy::LoadResult r = billet::policy::loadPoliciesFromText("groups.yaml", text);
  REQUIRE(r.ok());
  return r.set;
}

// The gauge's value for (group, tier), or -1 when the series does not exist.
double tierGauge(prometheus::Registry& registry, const std::string& group,
                 const std::string& tier) {
  for (const auto& family : registry.Collect()) {
    if (family.name != "billet_servicegroup_tier") continue;
    for (const auto& m : family.metric) {
      std::map<std::string, std::string> labels;
      for (const auto& l : m.label) labels[l.name] = l.value;
      if (labels["group"] == group && labels["tier"] == tier) return m.gauge.value;
    }
  }
  return -1;
}

}  // namespace

TEST_CASE("ClusterTracker: the tier gauge follows the loaded groups, a removed one drops to 0") {
  billet::base::Logger log(billet::base::LogLevel::kError);
  prometheus::Registry registry;
  billet::server::ClusterTracker tracker(
      billet::kube::KubeConfig{}, log, registry, [] { return nullptr; }, [] { return nullptr; });
  tracker.loaded(*withGroups("a b"));
  CHECK(tierGauge(registry, "a", "medium") == 1);
  CHECK(tierGauge(registry, "b", "medium") == 1);
  tracker.loaded(*withGroups("a"));  // b was deleted from the policy files
  CHECK(tierGauge(registry, "a", "medium") == 1);
  CHECK(tierGauge(registry, "b", "medium") == 0);
  tracker.loaded(*withGroups("a b"));  // and comes back
  CHECK(tierGauge(registry, "b", "medium") == 1);
}
