// What billet keeps of the cluster it guards (SPEC §5.1), from three watches (kube/watch.h):
//   Nodes                    name -> Ready and schedulable?, the labels NodePools select on
//   Pods                     namespace -> names of the pods Pending or Running
//   HorizontalPodAutoscalers namespace/name -> (target kind, target name, minReplicas)
// Never whole objects: a few bytes per object, so 50,000 pods cost a few MiB.
//
//   kube::ClusterWatch cluster(config, log);
//   cluster.start();                   // nodes and HPAs
//   cluster.watchPods();               // with Settings.cluster: auto
//   cluster.readyNodes(); cluster.workloads(isExcluded); cluster.facts();
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "base/logging.h"
#include "base/result.h"
#include "kube/client.h"
#include "kube/watch.h"
#include "policy/cluster.h"

namespace billet::kube {

using Labels = std::vector<std::pair<std::string, std::string>>;

// The facts billet evaluates with, copied out of the watches' state.
struct ClusterFactsData {
  // "namespace/Kind/name" of an HPA's scaleTargetRef -> its minReplicas (the largest, if several).
  std::unordered_map<std::string, std::int64_t> minReplicas;
  // node name -> its labels whose keys some NodePool selects on
  std::unordered_map<std::string, Labels> nodeLabels;

  // The lookups of policy::ClusterFacts, on this data.
  std::optional<std::int64_t> autoscaledMinReplicas(std::string_view namespace_,
                                                    std::string_view kind,
                                                    std::string_view name) const;
  std::optional<bool> nodeHasLabels(std::string_view node, const Labels& labels) const;
};

// Facts that do not change: one snapshot of the cluster (`billet audit --kubeconfig`).
class FixedClusterFacts final : public policy::ClusterFacts {
 public:
  explicit FixedClusterFacts(ClusterFactsData data) : data_(std::move(data)) {}
  std::optional<std::int64_t> autoscaledMinReplicas(std::string_view namespace_,
                                                    std::string_view kind,
                                                    std::string_view name) const override {
    return data_.autoscaledMinReplicas(namespace_, kind, name);
  }
  std::optional<bool> nodeHasLabels(std::string_view node, const Labels& labels) const override {
    return data_.nodeHasLabels(node, labels);
  }

 private:
  const ClusterFactsData data_;
};

class ClusterWatch {
 public:
  struct Options {
    std::chrono::seconds watchTimeout{300};
    std::chrono::milliseconds backoffMin{500}, backoffMax{30000};
  };
  ClusterWatch(KubeConfig config, base::Logger& log, Options options);
  ~ClusterWatch();

  void start();      // the node and HPA watches
  void watchPods();  // the pod watch, once (only `cluster: auto` needs it); thread-safe
  void stop();
  // Instead of watching: lists the Nodes, the HPAs and (with `pods`) the Pods once through
  // `client`, read as the watches' lists are; then readyNodes(), workloads() and facts() describe
  // that moment. A collection that cannot be listed is an error naming it, with its HTTP status
  // in `status`. For `billet audit --kubeconfig`, which evaluates one snapshot.
  base::Result<bool> snapshot(KubeClient& client, bool pods, int& status);

  // The label keys NodePools select on: only these are kept. A change lists the nodes again.
  void setNodeLabelKeys(std::set<std::string, std::less<>> keys);

  bool nodesSynced() const;
  bool podsSynced() const;  // false until watchPods() has listed
  std::int64_t readyNodes() const;
  std::int64_t workloads(const std::function<bool(std::string_view)>& excludedNamespace) const;
  // Bumped whenever the facts change (HPAs, node labels); facts() copies them.
  std::uint64_t factsVersion() const { return factsVersion_.load(); }
  ClusterFactsData facts() const;

  // For the watch-resume test and logs: lists and watches done so far.
  std::uint64_t lists() const;

 private:
  struct Node {
    bool ready = false;
    Labels labels;
  };
  struct Hpa {
    std::string target;  // namespace/Kind/name
    std::int64_t minReplicas = 1;
  };
  void onNode(const json::Value& node, bool deleted, bool listing);
  void onPod(const json::Value& pod, bool deleted, bool listing);
  void onHpa(const json::Value& hpa, bool deleted, bool listing);
  WatchOptions options(std::string path) const;

  KubeConfig config_;
  base::Logger& log_;
  Options options_;
  mutable std::mutex mu_;
  std::set<std::string, std::less<>> labelKeys_;  // looked up by a node label's name in place
  std::unordered_map<std::string, Node> nodes_, freshNodes_;
  std::unordered_map<std::string, std::unordered_set<std::string>> pods_, freshPods_;
  std::unordered_map<std::string, Hpa> hpas_, freshHpas_;
  std::atomic<std::uint64_t> factsVersion_{1};
  std::unique_ptr<Watcher> nodeWatch_, podWatch_, hpaWatch_;
  std::mutex podStartMu_;
};

}  // namespace billet::kube
