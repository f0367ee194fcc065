// The server's Prometheus metrics (SPEC §5), kept in a prometheus-cpp Registry and rendered in the
// text exposition format by our own /metrics route.
//
// Label values are bounded: webhook, operation, kind, allowed, policy/rule/mode/result, never
// namespaces or object names. Counters that are hit per request are looked up through a cache
// so the hot path does not rebuild label maps, and what a request counts and observes goes to
// its thread's shard (server/metric_shards.h), folded into the registry when it is read.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "admission/review.h"
#include "server/metric_shards.h"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace billet::server {

class Metrics {
 public:
  explicit Metrics(std::string_view version);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One answered AdmissionReview (any status), with its evaluation time.
  void observeAdmission(admission::Endpoint endpoint, const admission::AdmissionReply& reply,
                        double seconds);
  void setPoliciesLoaded(const std::vector<std::pair<std::string, int>>& byKind);
  void policyReload(bool success);
  void setCertificateExpiry(std::int64_t unixSeconds);
  void generated(std::string_view kind, std::string_view result);
  // A connection closed at once because --max-connections were open.
  void connectionRefused();

  // For gauges kept by other parts of the server (server/cluster_tracker.cc).
  prometheus::Registry& registry() { return *registry_; }

  // The text exposition format (version 0.0.4), after the shards are folded in.
  std::string serialize();

  static const std::vector<double>& durationBuckets();  // 50 µs … 1 s
  static constexpr std::size_t kindLabelLimit() { return kKindLabelLimit; }
  static constexpr std::size_t kindLabelLength() { return kKindLabelLength; }

 private:
  // This thread's count of the counter of `family` with these labels, found by `key` (a string
  // naming family and labels): first in this thread's own table (no lock, no allocation), then
  // in the shared one.
  MetricShards::Count& counter(
      prometheus::Family<prometheus::Counter>& family, std::string_view key,
      std::initializer_list<std::pair<const char*, std::string_view>> labels);

  // One rule result: billet_policy_results_total, and billet_policy_errors_total for an error.
  void countResult(const policy::RuleResult& r);
  MetricShards::Count& resultCounter(const policy::RuleResult& r);
  MetricShards::Count& errorCounter(const policy::RuleResult& r);

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Family<prometheus::Counter>& results_;
  prometheus::Family<prometheus::Counter>& errors_;
  prometheus::Family<prometheus::Gauge>& loaded_;
  prometheus::Family<prometheus::Counter>& reloads_;
  prometheus::Family<prometheus::Gauge>& certExpiry_;
  prometheus::Family<prometheus::Counter>& generate_;
  prometheus::Family<prometheus::Gauge>& buildInfo_;
  prometheus::Histogram* durationMutate_;
  prometheus::Histogram* durationValidate_;
  prometheus::Gauge* certExpiryGauge_;
  prometheus::Counter* refused_;

  // The `kind` label's values: the first kKindLabelLimit kinds seen, then "other", so a client
  // sending made-up kinds cannot grow the exposition without bound; a kind longer than
  // kKindLabelLength (Kubernetes kinds are short CamelCase words) is "other" too.
  std::string_view boundedKind(std::string_view kind);
  static constexpr std::size_t kKindLabelLimit = 64;
  static constexpr std::size_t kKindLabelLength = 63;
  std::shared_mutex kindsMu_;
  std::set<std::string, std::less<>> kinds_;

  const std::uint64_t id_;  // tells this instance's entries in the per-thread tables apart
  std::shared_mutex cacheMu_;
  std::unordered_map<std::string, prometheus::Counter*> cache_;
  std::mutex loadedMu_;
  std::vector<std::string> loadedKinds_;
  MetricShards shards_;
};

}  // namespace billet::server
