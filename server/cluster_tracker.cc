#include "server/cluster_tracker.h"

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <algorithm>

namespace billet::server {

// The facts evaluation reads: the latest snapshot, swapped whole, read without locks.
class FactsSlot final : public policy::ClusterFacts {
 public:
  void publish(kube::ClusterFactsData data) {
    slot_.store(std::make_shared<const kube::ClusterFactsData>(std::move(data)));
  }
  std::optional<std::int64_t> autoscaledMinReplicas(std::string_view ns, std::string_view kind,
                                                    std::string_view name) const override {
    const auto data = slot_.load();
    return data ? data->autoscaledMinReplicas(ns, kind, name) : std::nullopt;
  }
  std::optional<bool> nodeHasLabels(
      std::string_view node,
      const std::vector<std::pair<std::string, std::string>>& labels) const override {
    const auto data = slot_.load();
    return data ? data->nodeHasLabels(node, labels) : std::nullopt;
  }

 private:
  SharedSlot<const kube::ClusterFactsData> slot_;
};

namespace {

prometheus::Gauge& gauge(prometheus::Registry& r, const char* name, const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(r).Add({});
}

}  // namespace

policy::ClusterSize SizeSettler::sample(std::chrono::steady_clock::time_point now,
                                        policy::ClusterSize live, std::chrono::seconds settle) {
  window_.push_back({now, live});
  if (!settled_) {  // the first count: nothing to flap from
    settled_ = live;
    return *settled_;
  }
  // Keep the samples of the last `settle`, plus the one just before (the size then held until
  // the next sample).
  while (window_.size() > 1 && window_[1].at <= now - settle) window_.pop_front();
  if (window_.front().at > now - settle) return *settled_;  // not watched for long enough yet
  auto settle1 = [&](std::int64_t policy::ClusterSize::*field) {
    std::int64_t lo = live.*field, hi = live.*field;
    for (const Sample& s : window_) {
      lo = std::min(lo, s.size.*field);
      hi = std::max(hi, s.size.*field);
    }
    std::int64_t& current = (*settled_).*field;
    if (lo > current) current = lo;  // at least `lo` all along: grown
    if (hi < current) current = hi;  // at most `hi` all along: shrunk
  };
  settle1(&policy::ClusterSize::nodes);
  settle1(&policy::ClusterSize::workloads);
  return *settled_;
}

ClusterTracker::ClusterTracker(kube::KubeConfig config, base::Logger& log,
                               prometheus::Registry& registry, Current current, Reload reload)
    : log_(log),
      current_(std::move(current)),
      reload_(std::move(reload)),
      watch_(std::move(config), log, kube::ClusterWatch::Options{}),
      facts_(std::make_shared<FactsSlot>()),
      tierFamily_(prometheus::BuildGauge()
                      .Name("billet_servicegroup_tier")
                      .Help("1 for the tier each ServiceGroup applies, 0 for tiers it left.")
                      .Register(registry)),
      nodesGauge_(gauge(registry, "billet_cluster_nodes",
                        "Ready, schedulable Nodes, as billet counts them live.")),
      workloadsGauge_(gauge(registry, "billet_cluster_workloads",
                            "Pods Pending or Running outside excludeNamespaces, counted live.")) {}

ClusterTracker::~ClusterTracker() {
  stop();
}

void ClusterTracker::start(std::chrono::milliseconds wait) {
  watch_.start();
  if (auto set = current_()) loaded(*set);
  const auto deadline = std::chrono::steady_clock::now() + wait;
  const auto set = current_();
  const bool autoSize = set && policy::clusterSettings(*set).autoSize;
  while (std::chrono::steady_clock::now() < deadline &&
         !(watch_.nodesSynced() && (!autoSize || watch_.podsSynced())))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  tick();
  worker_.start("cluster-tracker", [this](base::Worker& w) {
    while (w.waitFor(std::chrono::seconds(1))) tick();
  });
}

void ClusterTracker::stop() {
  worker_.stop();
  watch_.stop();
}

std::shared_ptr<const policy::ClusterFacts> ClusterTracker::facts() const {
  return facts_;
}

std::optional<policy::ClusterSize> ClusterTracker::settledSize() const {
  std::lock_guard<std::mutex> lock(mu_);
  return settled_;
}

void ClusterTracker::tick() {
  if (const std::uint64_t v = watch_.factsVersion(); v != factsVersion_) {
    factsVersion_ = v;
    facts_->publish(watch_.facts());
  }
  const auto set = current_();
  if (!set) return;
  const policy::ClusterSettings cs = policy::clusterSettings(*set);
  const policy::ClusterSize live{watch_.readyNodes(), watch_.workloads([&](std::string_view ns) {
                                   return policy::excludedNamespace(*set, ns);
                                 })};
  nodesGauge_.Set(static_cast<double>(live.nodes));
  if (watch_.podsSynced()) workloadsGauge_.Set(static_cast<double>(live.workloads));
  if (!cs.autoSize || !watch_.nodesSynced() || !watch_.podsSynced()) return;
  const auto now = std::chrono::steady_clock::now();
  const auto settle = std::chrono::seconds(std::max<std::int64_t>(0, cs.settleSeconds));
  const policy::ClusterSize settled = settler_.sample(now, live, settle);
  if (settled == cs.size) return;
  const auto minGap =
      std::min<std::chrono::steady_clock::duration>(settle, std::chrono::seconds(10));
  if (lastReload_ != std::chrono::steady_clock::time_point{} && now - lastReload_ < minGap) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    settled_ = settled;
  }
  lastReload_ = now;
  log_.info("cluster size settled",
            {{"nodes", static_cast<long long>(settled.nodes)},
             {"workloads", static_cast<long long>(settled.workloads)},
             {"previousNodes", static_cast<long long>(cs.size.nodes)},
             {"previousWorkloads", static_cast<long long>(cs.size.workloads)},
             {"settleSeconds", static_cast<long long>(cs.settleSeconds)}});
  reload_();
}

void ClusterTracker::loaded(const policy::PolicySet& set) {
  const policy::ClusterSettings cs = policy::clusterSettings(set);
  if (cs.autoSize) watch_.watchPods();
  std::set<std::string, std::less<>> keys;
  for (const auto& labels : cs.poolNodeLabels)
    for (const auto& kv : labels) keys.insert(kv.first);
  watch_.setNodeLabelKeys(std::move(keys));
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [group, tier] : cs.tiers) {
    if (tier.empty()) continue;
    auto it = tiers_.find(group);
    if (it != tiers_.end() && it->second == tier) continue;
    if (it != tiers_.end()) {
      tierFamily_.Add({{"group", group}, {"tier", it->second}}).Set(0);
      log_.info("service group tier changed",
                {{"group", group},
                 {"from", it->second},
                 {"to", tier},
                 {"nodes", static_cast<long long>(cs.size.nodes)},
                 {"workloads", static_cast<long long>(cs.size.workloads)}});
    }
    tierFamily_.Add({{"group", group}, {"tier", tier}}).Set(1);
    tiers_[group] = tier;
  }
  // A group that is gone (or no longer has tiers) applies no tier any more.
  for (auto it = tiers_.begin(); it != tiers_.end();) {
    const bool kept = std::any_of(cs.tiers.begin(), cs.tiers.end(), [&](const auto& gt) {
      return gt.first == it->first && !gt.second.empty();
    });
    if (kept) {
      ++it;
      continue;
    }
    tierFamily_.Add({{"group", it->first}, {"tier", it->second}}).Set(0);
    it = tiers_.erase(it);
  }
}

}  // namespace billet::server
