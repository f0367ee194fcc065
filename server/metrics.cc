#include "server/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <unordered_set>

namespace billet::server {

namespace {

std::string_view orUnknown(std::string_view s) {
  return s.empty() ? "unknown" : s;
}

std::uint64_t nextMetricsId() {
  static std::atomic<std::uint64_t> id{0};
  return id.fetch_add(1, std::memory_order_relaxed) + 1;
}

struct KeyHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Each thread's table of the counters it has used, so that a request's lookups (one per rule
// result) take no lock: a shared_mutex's reader count is a cache line that every I/O thread
// writes. Entries point into this thread's shard of the Metrics `owner`, which lives as long as
// it does.
struct LocalCounters {
  std::uint64_t owner = 0;
  MetricShards::Shard* shard = nullptr;  // the owner's shard for this thread
  std::unordered_map<std::string, MetricShards::Count*, KeyHash, std::equal_to<>> byKey;
  MetricShards::Observations* durationMutate = nullptr;
  MetricShards::Observations* durationValidate = nullptr;
  // The `kind` label values this thread has used, views into Metrics::kinds_ (whose entries
  // stay put): a request finds its kind here without the shared lock.
  std::unordered_set<std::string_view> kinds;
};

// The same, for rule results, found by the compiled rule's serial (policy::Rule::serial, never
// reused) with the mode and outcome: no key is built, no name hashed or compared per result.
// Rules of replaced policy sets leave entries behind; the table is emptied when it grows past
// kMaxRuleEntries.
struct RuleKey {
  std::uint64_t rule;
  policy::Mode mode;
  policy::Outcome outcome;
  friend bool operator==(const RuleKey& a, const RuleKey& b) {
    return a.rule == b.rule && a.mode == b.mode && a.outcome == b.outcome;
  }
};
struct RuleKeyHash {
  std::size_t operator()(const RuleKey& k) const {
    const std::uint64_t bits = (k.rule << 6) ^ (static_cast<std::uint64_t>(k.mode) << 3) ^
                               static_cast<std::uint64_t>(k.outcome);
    return static_cast<std::size_t>((bits * 0x9E3779B97F4A7C15ULL) >> 32);
  }
};
struct RuleCounters {
  MetricShards::Count* result = nullptr;
  MetricShards::Count* error = nullptr;  // for Outcome::Error only
};
// Open addressing over a power-of-two table: std::unordered_map's lookup divides by a prime
// bucket count, and a review looks up one entry per rule result (about 40 with the bundled pack).
class RuleTable {
 public:
  std::size_t size() const { return used_; }
  void clear() {
    slots_.clear();
    used_ = 0;
  }
  // The entry for `key`, made empty when absent.
  RuleCounters& operator[](const RuleKey& key) {
    if (2 * (used_ + 1) > slots_.size()) grow();
    for (std::size_t i = RuleKeyHash{}(key) & (slots_.size() - 1);;
         i = (i + 1) & (slots_.size() - 1)) {
      Slot& s = slots_[i];
      if (!s.full) {
        s.full = true;
        s.key = key;
        ++used_;
        return s.counters;
      }
      if (s.key == key) return s.counters;
    }
  }

 private:
  struct Slot {
    bool full = false;
    RuleKey key{};
    RuleCounters counters;
  };
  void grow() {
    std::vector<Slot> old(slots_.empty() ? 64 : slots_.size() * 2);
    old.swap(slots_);
    used_ = 0;
    for (Slot& s : old)
      if (s.full) (*this)[s.key] = std::move(s.counters);
  }
  std::vector<Slot> slots_;
  std::size_t used_ = 0;
};
struct LocalRuleCounters {
  std::uint64_t owner = 0;
  RuleTable byRule;
};
constexpr std::size_t kMaxRuleEntries = 1 << 16;

// This thread's table of counts for the Metrics `id`, emptied when the thread moves to another
// instance (tests make several).
LocalCounters& localCounters(std::uint64_t id, MetricShards& shards) {
  thread_local LocalCounters local;
  if (local.owner != id) {
    local.byKey.clear();
    local.shard = &shards.local();
    local.durationMutate = nullptr;
    local.durationValidate = nullptr;
    local.kinds.clear();
    local.owner = id;
  }
  return local;
}

// A reused buffer for building keys on the request path.
std::string& keyBuffer() {
  thread_local std::string key;
  key.clear();
  return key;
}

}  // namespace

const std::vector<double>& Metrics::durationBuckets() {
  static const std::vector<double> kBuckets = {0.00005, 0.0001, 0.00025, 0.0005, 0.001,
                                               0.0025,  0.005,  0.01,    0.025,  0.05,
                                               0.1,     0.25,   0.5,     1.0};
  return kBuckets;
}

Metrics::Metrics(std::string_view version)
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("billet_admission_requests_total")
                    .Help("AdmissionReviews answered, by webhook, operation, kind and decision.")
                    .Register(*registry_)),
      duration_(prometheus::BuildHistogram()
                    .Name("billet_admission_duration_seconds")
                    .Help("Time to evaluate one AdmissionReview, request body to response body.")
                    .Register(*registry_)),
      results_(prometheus::BuildCounter()
                   .Name("billet_policy_results_total")
                   .Help("Rule results, by policy, rule, mode and result.")
                   .Register(*registry_)),
      errors_(prometheus::BuildCounter()
                  .Name("billet_policy_errors_total")
                  .Help("Rules that could not be evaluated.")
                  .Register(*registry_)),
      loaded_(prometheus::BuildGauge()
                  .Name("billet_policies_loaded")
                  .Help("Policy documents in the serving set, by kind.")
                  .Register(*registry_)),
      reloads_(prometheus::BuildCounter()
                   .Name("billet_policy_reloads_total")
                   .Help("Policy reloads from disk, by result.")
                   .Register(*registry_)),
      certExpiry_(prometheus::BuildGauge()
                      .Name("billet_tls_certificate_expiry_timestamp_seconds")
                      .Help("notAfter of the serving certificate, in seconds since the epoch.")
                      .Register(*registry_)),
      generate_(prometheus::BuildCounter()
                    .Name("billet_generate_total")
                    .Help("Objects produced by generate rules, by kind and result.")
                    .Register(*registry_)),
      buildInfo_(prometheus::BuildGauge()
                     .Name("billet_build_info")
                     .Help("Always 1; the version label names the running build.")
                     .Register(*registry_)),
      durationMutate_(&duration_.Add({{"webhook", "mutate"}}, durationBuckets())),
      durationValidate_(&duration_.Add({{"webhook", "validate"}}, durationBuckets())),
      certExpiryGauge_(&certExpiry_.Add({})),
      refused_(&prometheus::BuildCounter()
                    .Name("billet_connections_refused_total")
                    .Help("Connections closed at once because --max-connections were open.")
                    .Register(*registry_)
                    .Add({})),
      id_(nextMetricsId()) {
  buildInfo_.Add({{"version", std::string(version)}}).Set(1);
  for (const char* result : {"success", "failure"}) reloads_.Add({{"result", result}});
  setPoliciesLoaded({});
}

Metrics::~Metrics() = default;

MetricShards::Count& Metrics::counter(
    prometheus::Family<prometheus::Counter>& family, std::string_view key,
    std::initializer_list<std::pair<const char*, std::string_view>> labels) {
  LocalCounters& local = localCounters(id_, shards_);
  if (auto it = local.byKey.find(key); it != local.byKey.end()) return *it->second;
  prometheus::Counter* c = nullptr;
  {
    std::shared_lock<std::shared_mutex> lock(cacheMu_);
    if (auto it = cache_.find(std::string(key)); it != cache_.end()) c = it->second;
  }
  if (!c) {
    prometheus::Labels map;
    for (const auto& [k, v] : labels) map.emplace(k, std::string(v));
    c = &family.Add(map);
    std::unique_lock<std::shared_mutex> lock(cacheMu_);
    cache_.emplace(std::string(key), c);
  }
  MetricShards::Count& count = local.shard->count(*c);
  local.byKey.emplace(std::string(key), &count);
  return count;
}

std::string_view Metrics::boundedKind(std::string_view kind) {
  if (kind.size() > kKindLabelLength) return "other";
  LocalCounters& local = localCounters(id_, shards_);
  if (auto it = local.kinds.find(kind); it != local.kinds.end()) return *it;
  std::string_view known;
  {
    std::shared_lock<std::shared_mutex> lock(kindsMu_);
    if (auto it = kinds_.find(kind); it != kinds_.end()) known = *it;
  }
  if (known.empty()) {
    std::unique_lock<std::shared_mutex> lock(kindsMu_);
    if (auto it = kinds_.find(kind); it != kinds_.end()) {
      known = *it;  // another thread added it since
    } else {
      // Past the limit a kind is "other", and is not kept here either: made-up kinds cannot
      // grow this thread's table.
      if (kinds_.size() >= kKindLabelLimit) return "other";
      known = *kinds_.emplace(kind).first;
    }
  }
  local.kinds.insert(known);
  return known;
}

void Metrics::observeAdmission(admission::Endpoint endpoint, const admission::AdmissionReply& reply,
                               double seconds) {
  const std::string_view webhook = endpoint == admission::Endpoint::Mutate ? "mutate" : "validate";
  LocalCounters& local = localCounters(id_, shards_);
  const bool mutate = endpoint == admission::Endpoint::Mutate;
  MetricShards::Observations*& duration = mutate ? local.durationMutate : local.durationValidate;
  if (!duration)
    duration = &local.shard->observations(mutate ? *durationMutate_ : *durationValidate_,
                                          durationBuckets());
  duration->observe(seconds);
  const std::string_view op = orUnknown(reply.operation);
  const std::string_view kind = boundedKind(orUnknown(reply.kind));
  const bool allowed = reply.status == 200 && reply.allowed;
  std::string& key = keyBuffer();
  key.append("r\x1f").append(webhook).append("\x1f").append(op).append("\x1f").append(kind);
  key.append(allowed ? "\x1f"
                       "1"
                     : "\x1f"
                       "0");
  counter(requests_, key,
          {{"webhook", webhook},
           {"operation", op},
           {"kind", kind},
           {"allowed", allowed ? "true" : "false"}})
      .add();
  for (const policy::RuleResult& r : reply.results) countResult(r);
}

void Metrics::countResult(const policy::RuleResult& r) {
  if (r.ruleId) {
    thread_local LocalRuleCounters local;
    if (local.owner != id_ || local.byRule.size() >= kMaxRuleEntries) {
      local.byRule.clear();
      local.owner = id_;
    }
    RuleCounters& c = local.byRule[RuleKey{r.ruleId, r.mode, r.outcome}];
    if (!c.result) {
      c.result = &resultCounter(r);
      if (r.outcome == policy::Outcome::Error) c.error = &errorCounter(r);
    }
    c.result->add();
    if (c.error) c.error->add();
    return;
  }
  resultCounter(r).add();
  if (r.outcome == policy::Outcome::Error) errorCounter(r).add();
}

MetricShards::Count& Metrics::resultCounter(const policy::RuleResult& r) {
  const std::string_view mode = policy::name(r.mode);
  const std::string_view result = policy::name(r.outcome);
  std::string& k = keyBuffer();
  k.append("p\x1f").append(r.policy).append("\x1f").append(r.rule).append("\x1f");
  k.append(mode).append("\x1f").append(result);
  return counter(results_, k,
                 {{"policy", r.policy}, {"rule", r.rule}, {"mode", mode}, {"result", result}});
}

MetricShards::Count& Metrics::errorCounter(const policy::RuleResult& r) {
  std::string& e = keyBuffer();
  e.append("e\x1f").append(r.policy).append("\x1f").append(r.rule);
  return counter(errors_, e, {{"policy", r.policy}, {"rule", r.rule}});
}

void Metrics::setPoliciesLoaded(const std::vector<std::pair<std::string, int>>& byKind) {
  std::lock_guard<std::mutex> lock(loadedMu_);
  for (const char* k : {"Policy", "ServiceGroup", "NodePool", "Settings", "PolicyException"}) {
    if (std::find(loadedKinds_.begin(), loadedKinds_.end(), k) == loadedKinds_.end())
      loadedKinds_.emplace_back(k);
  }
  for (const auto& [kind, n] : byKind) {
    if (std::find(loadedKinds_.begin(), loadedKinds_.end(), kind) == loadedKinds_.end())
      loadedKinds_.push_back(kind);
  }
  for (const std::string& kind : loadedKinds_) {
    double value = 0;
    for (const auto& [k, n] : byKind)
      if (k == kind) value = n;
    loaded_.Add({{"kind", kind}}).Set(value);
  }
}

void Metrics::policyReload(bool success) {
  reloads_.Add({{"result", success ? "success" : "failure"}}).Increment();
}

void Metrics::setCertificateExpiry(std::int64_t unixSeconds) {
  certExpiryGauge_->Set(static_cast<double>(unixSeconds));
}

void Metrics::generated(std::string_view kind, std::string_view result) {
  std::string& key = keyBuffer();
  key.append("g\x1f").append(kind).append("\x1f").append(result);
  counter(generate_, key, {{"kind", orUnknown(kind)}, {"result", result}}).add();
}

void Metrics::connectionRefused() {
  refused_->Increment();
}

std::string Metrics::serialize() {
  shards_.fold();
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace billet::server
