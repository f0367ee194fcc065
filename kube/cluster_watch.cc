#include "kube/cluster_watch.h"

#include <algorithm>

#include "kube/list.h"

namespace billet::kube {

namespace {

std::string text(const json::Value& v, std::initializer_list<std::string_view> keys) {
  const json::Value* found = json::dig(v, keys);
  return found && found->isString() ? std::string(found->asString()) : "";
}

std::string key(const json::Value& object) {
  return text(object, {"metadata", "namespace"}) + "/" + text(object, {"metadata", "name"});
}

// Ready (condition Ready=True) and schedulable (not spec.unschedulable).
bool readyAndSchedulable(const json::Value& node) {
  const json::Value* unschedulable = json::dig(node, {"spec", "unschedulable"});
  if (unschedulable && unschedulable->isBool() && unschedulable->asBool()) return false;
  const json::Value* conditions = json::dig(node, {"status", "conditions"});
  if (!conditions || !conditions->isArray()) return false;
  for (const json::Value& c : conditions->asArray()) {
    if (text(c, {"type"}) == "Ready") return text(c, {"status"}) == "True";
  }
  return false;
}

}  // namespace

std::optional<std::int64_t> ClusterFactsData::autoscaledMinReplicas(std::string_view namespace_,
                                                                    std::string_view kind,
                                                                    std::string_view name) const {
  std::string k;
  k.append(namespace_).append("/").append(kind).append("/").append(name);
  const auto it = minReplicas.find(k);
  if (it == minReplicas.end()) return std::nullopt;
  return it->second;
}

std::optional<bool> ClusterFactsData::nodeHasLabels(std::string_view node,
                                                    const Labels& labels) const {
  const auto it = nodeLabels.find(std::string(node));
  if (it == nodeLabels.end()) return std::nullopt;
  for (const auto& want : labels)
    if (std::find(it->second.begin(), it->second.end(), want) == it->second.end()) return false;
  return true;
}

ClusterWatch::ClusterWatch(KubeConfig config, base::Logger& log, Options options)
    : config_(std::move(config)), log_(log), options_(options) {}

ClusterWatch::~ClusterWatch() {
  stop();
}

WatchOptions ClusterWatch::options(std::string path) const {
  WatchOptions o;
  o.path = std::move(path);
  o.watchTimeout = options_.watchTimeout;
  o.backoffMin = options_.backoffMin;
  o.backoffMax = options_.backoffMax;
  return o;
}

void ClusterWatch::start() {
  auto callbacks = [this](auto on, auto fresh) {
    WatchCallbacks cb;
    cb.onListStart = [this, fresh] {
      std::lock_guard<std::mutex> lock(mu_);
      (this->*fresh).clear();
    };
    cb.onListItem = [this, on](const json::Value& o) { (this->*on)(o, false, true); };
    cb.onEvent = [this, on](EventType t, const json::Value& o) {
      (this->*on)(o, t == EventType::kDeleted, false);
    };
    return cb;
  };
  WatchCallbacks nodes = callbacks(&ClusterWatch::onNode, &ClusterWatch::freshNodes_);
  nodes.onListEnd = [this] {
    std::lock_guard<std::mutex> lock(mu_);
    nodes_.swap(freshNodes_);
    freshNodes_.clear();
    factsVersion_.fetch_add(1);
  };
  WatchCallbacks hpas = callbacks(&ClusterWatch::onHpa, &ClusterWatch::freshHpas_);
  hpas.onListEnd = [this] {
    std::lock_guard<std::mutex> lock(mu_);
    hpas_.swap(freshHpas_);
    freshHpas_.clear();
    factsVersion_.fetch_add(1);
  };
  nodeWatch_ = std::make_unique<Watcher>(config_, options("/api/v1/nodes"), nodes, &log_);
  hpaWatch_ = std::make_unique<Watcher>(
      config_, options("/apis/autoscaling/v2/horizontalpodautoscalers"), hpas, &log_);
  nodeWatch_->start();
  hpaWatch_->start();
}

void ClusterWatch::watchPods() {
  std::lock_guard<std::mutex> start(podStartMu_);
  if (podWatch_) return;
  WatchCallbacks cb;
  cb.onListStart = [this] {
    std::lock_guard<std::mutex> lock(mu_);
    freshPods_.clear();
  };
  cb.onListItem = [this](const json::Value& o) { onPod(o, false, true); };
  cb.onListEnd = [this] {
    std::lock_guard<std::mutex> lock(mu_);
    pods_.swap(freshPods_);
    freshPods_.clear();
  };
  cb.onEvent = [this](EventType t, const json::Value& o) {
    onPod(o, t == EventType::kDeleted, false);
  };
  WatchOptions o = options("/api/v1/pods");
  // Finished pods never count: the API server leaves them out (and reports a pod that finishes
  // as DELETED from this watch).
  o.list.fieldSelector = "status.phase!=Succeeded,status.phase!=Failed";
  podWatch_ = std::make_unique<Watcher>(config_, o, cb, &log_);
  podWatch_->start();
}

void ClusterWatch::stop() {
  for (auto* w : {&nodeWatch_, &hpaWatch_}) {
    if (*w) (*w)->stop();
  }
  std::lock_guard<std::mutex> start(podStartMu_);
  if (podWatch_) podWatch_->stop();
}

void ClusterWatch::setNodeLabelKeys(std::set<std::string, std::less<>> keys) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (keys == labelKeys_) return;
    labelKeys_ = std::move(keys);
  }
  if (nodeWatch_) nodeWatch_->relist();
}

void ClusterWatch::onNode(const json::Value& node, bool deleted, bool listing) {
  const std::string name = text(node, {"metadata", "name"});
  std::lock_guard<std::mutex> lock(mu_);
  auto& into = listing ? freshNodes_ : nodes_;
  if (deleted) {
    if (into.erase(name) && !listing) factsVersion_.fetch_add(1);
    return;
  }
  Node n;
  n.ready = readyAndSchedulable(node);
  if (const json::Value* labels = json::dig(node, {"metadata", "labels"});
      labels && labels->isObject()) {
    for (const json::Member& m : labels->asObject())
      if (labelKeys_.count(m.key.view()) && m.value.isString())
        n.labels.emplace_back(m.key.str(), m.value.asString());
  }
  auto [it, inserted] = into.try_emplace(name);
  const bool labelsChanged = inserted || it->second.labels != n.labels;
  it->second = std::move(n);
  if (labelsChanged && !listing) factsVersion_.fetch_add(1);
}

void ClusterWatch::onPod(const json::Value& pod, bool deleted, bool listing) {
  const std::string ns = text(pod, {"metadata", "namespace"});
  const std::string name = text(pod, {"metadata", "name"});
  const std::string phase = text(pod, {"status", "phase"});
  const bool counts = !deleted && (phase == "Pending" || phase == "Running");
  std::lock_guard<std::mutex> lock(mu_);
  auto& into = listing ? freshPods_ : pods_;
  if (counts) {
    into[ns].insert(name);
  } else if (auto it = into.find(ns); it != into.end()) {
    it->second.erase(name);
    if (it->second.empty()) into.erase(it);
  }
}

void ClusterWatch::onHpa(const json::Value& hpa, bool deleted, bool listing) {
  const std::string k = key(hpa);
  std::lock_guard<std::mutex> lock(mu_);
  auto& into = listing ? freshHpas_ : hpas_;
  if (deleted) {
    into.erase(k);
  } else {
    Hpa h;
    h.target = text(hpa, {"metadata", "namespace"}) + "/" +
               text(hpa, {"spec", "scaleTargetRef", "kind"}) + "/" +
               text(hpa, {"spec", "scaleTargetRef", "name"});
    if (const json::Value* m = json::dig(hpa, {"spec", "minReplicas"}); m && m->isNumber())
      h.minReplicas = std::max<std::int64_t>(1, std::atoll(std::string(m->asNumberText()).c_str()));
    into[k] = std::move(h);
  }
  if (!listing) factsVersion_.fetch_add(1);
}

base::Result<bool> ClusterWatch::snapshot(KubeClient& client, bool pods, int& status) {
  struct Collection {
    const char* path;
    void (ClusterWatch::*on)(const json::Value&, bool, bool);
    std::string fieldSelector;
  };
  std::vector<Collection> collections = {
      {"/api/v1/nodes", &ClusterWatch::onNode, ""},
      {"/apis/autoscaling/v2/horizontalpodautoscalers", &ClusterWatch::onHpa, ""}};
  // The pods the watch would count: finished ones are left out by the API server.
  if (pods)
    collections.push_back(
        {"/api/v1/pods", &ClusterWatch::onPod, "status.phase!=Succeeded,status.phase!=Failed"});
  {
    std::lock_guard<std::mutex> lock(mu_);
    freshNodes_.clear();
    freshHpas_.clear();
    freshPods_.clear();
  }
  for (const Collection& c : collections) {
    ListOptions o;
    o.fieldSelector = c.fieldSelector;
    // Restarted after an expired continue token: the items come again, into emptied maps.
    const ListResult listed = listAll(
        client, c.path, o, [&](const json::Value& item) { (this->*c.on)(item, false, true); },
        [&] {
          std::lock_guard<std::mutex> lock(mu_);
          if (c.on == &ClusterWatch::onNode)
            freshNodes_.clear();
          else if (c.on == &ClusterWatch::onHpa)
            freshHpas_.clear();
          else
            freshPods_.clear();
        });
    if (!listed.ok()) {
      status = listed.status;
      return base::Result<bool>::failure("listing " + std::string(c.path) + ": " + listed.error);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  nodes_.swap(freshNodes_);
  hpas_.swap(freshHpas_);
  if (pods) pods_.swap(freshPods_);
  freshNodes_.clear();
  freshHpas_.clear();
  freshPods_.clear();
  factsVersion_.fetch_add(1);
  return {true, ""};
}

bool ClusterWatch::nodesSynced() const {
  return nodeWatch_ && nodeWatch_->synced();
}

bool ClusterWatch::podsSynced() const {
  return podWatch_ && podWatch_->synced();
}

std::int64_t ClusterWatch::readyNodes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::count_if(nodes_.begin(), nodes_.end(), [](const auto& n) { return n.second.ready; });
}

std::int64_t ClusterWatch::workloads(
    const std::function<bool(std::string_view)>& excludedNamespace) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::int64_t total = 0;
  for (const auto& [ns, names] : pods_)
    if (!excludedNamespace(ns)) total += static_cast<std::int64_t>(names.size());
  return total;
}

ClusterFactsData ClusterWatch::facts() const {
  ClusterFactsData out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, hpa] : hpas_) {
    std::int64_t& m = out.minReplicas[hpa.target];
    m = std::max(m, hpa.minReplicas);
  }
  for (const auto& [name, node] : nodes_)
    if (!node.labels.empty()) out.nodeLabels.emplace(name, node.labels);
  return out;
}

std::uint64_t ClusterWatch::lists() const {
  std::uint64_t n = 0;
  for (const auto* w : {&nodeWatch_, &hpaWatch_})
    if (*w) n += (*w)->lists();
  return n;
}

}  // namespace billet::kube
