// Following the cluster's size and facts in `billet serve --kube-api` (SPEC §5.1).
//
// A thread ticks once a second: it publishes the watches' facts (HPAs, pool nodes) as an
// immutable snapshot that evaluation reads without locks, sets the gauges billet_cluster_nodes
// and billet_cluster_workloads (the live counts), and, with Settings `cluster: auto`, settles
// the size: the size the policies see moves to a new value only once the live size has stayed
// beyond it for all of clusterSettleSeconds (growing: the least size seen over that window;
// shrinking: the largest). A size crossing a tier boundary and back within the window changes
// nothing, so tiers never flap. A settled change calls `onSettled`, which loads the PolicySet
// again with the new size (policy/cluster.h); reloads are at most one per
// min(clusterSettleSeconds, 10 s).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/worker.h"
#include "kube/cluster_watch.h"
#include "policy/cluster.h"
#include "policy/policy_set.h"
#include "server/shared_slot.h"

namespace prometheus {
class Gauge;
template <typename T>
class Family;
class Registry;
}  // namespace prometheus

namespace billet::server {

// The settling rule alone (no threads, no clock of its own), for tests.
class SizeSettler {
 public:
  // Returns the settled size after this sample (live size at `now`).
  policy::ClusterSize sample(std::chrono::steady_clock::time_point now, policy::ClusterSize live,
                             std::chrono::seconds settle);
  std::optional<policy::ClusterSize> settled() const { return settled_; }

 private:
  struct Sample {
    std::chrono::steady_clock::time_point at;
    policy::ClusterSize size;
  };
  std::deque<Sample> window_;
  std::optional<policy::ClusterSize> settled_;
};

class FactsSlot;  // the policy::ClusterFacts evaluation reads (cluster_tracker.cc)

class ClusterTracker {
 public:
  // Reloads the policies with the settled size; returns the set now serving.
  using Reload = std::function<std::shared_ptr<const policy::PolicySet>()>;
  using Current = std::function<std::shared_ptr<const policy::PolicySet>()>;
  ClusterTracker(kube::KubeConfig config, base::Logger& log, prometheus::Registry& registry,
                 Current current, Reload reload);
  ~ClusterTracker();

  // Starts the watches; with `cluster: auto` in the serving set, waits (at most `wait`) for the
  // first counts so that the first set already has the cluster's size.
  void start(std::chrono::milliseconds wait);
  void stop();

  // What loads pass in LoadOptions: the settled size (nullopt before any) and the facts.
  std::optional<policy::ClusterSize> settledSize() const;
  std::shared_ptr<const policy::ClusterFacts> facts() const;

  // After every load: follow what the new set asks for (pods watched, pool label keys), log
  // tier changes, set billet_servicegroup_tier.
  void loaded(const policy::PolicySet& set);

 private:
  void tick();

  base::Logger& log_;
  Current current_;
  Reload reload_;
  kube::ClusterWatch watch_;
  std::shared_ptr<FactsSlot> facts_;
  std::uint64_t factsVersion_ = 0;
  SizeSettler settler_;
  mutable std::mutex mu_;
  std::optional<policy::ClusterSize> settled_;
  std::chrono::steady_clock::time_point lastReload_{};
  std::map<std::string, std::string> tiers_;  // group -> tier serving
  prometheus::Family<prometheus::Gauge>& tierFamily_;
  prometheus::Gauge& nodesGauge_;
  prometheus::Gauge& workloadsGauge_;
  base::Worker worker_;
};

}  // namespace billet::server
