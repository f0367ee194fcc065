#include "server/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <mutex>

namespace billet::server {

namespace {

std::string_view orUnknown(std::string_view s) {
  return s.empty() ? "unknown" : s;
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
                    .Add({})) {
  buildInfo_.Add({{"version", std::string(version)}}).Set(1);
  for (const char* result : {"success", "failure"}) reloads_.Add({{"result", result}});
  setPoliciesLoaded({});
}

Metrics::~Metrics() = default;

prometheus::Counter& Metrics::counter(
    prometheus::Family<prometheus::Counter>& family, std::string key,
    std::initializer_list<std::pair<const char*, std::string_view>> labels) {
  {
    std::shared_lock<std::shared_mutex> lock(cacheMu_);
    if (auto it = cache_.find(key); it != cache_.end()) return *it->second;
  }
  prometheus::Labels map;
  for (const auto& [k, v] : labels) map.emplace(k, std::string(v));
  prometheus::Counter& c = family.Add(map);
  std::unique_lock<std::shared_mutex> lock(cacheMu_);
  cache_.emplace(std::move(key), &c);
  return c;
}

std::string_view Metrics::boundedKind(std::string_view kind) {
  if (kind.size() > kKindLabelLength) return "other";
  {
    std::shared_lock<std::shared_mutex> lock(kindsMu_);
    if (auto it = kinds_.find(kind); it != kinds_.end()) return *it;
  }
  std::unique_lock<std::shared_mutex> lock(kindsMu_);
  if (kinds_.size() >= kKindLabelLimit) return "other";
  return *kinds_.emplace(kind).first;
}

void Metrics::observeAdmission(admission::Endpoint endpoint, const admission::AdmissionReply& reply, double seconds) {
  const std::string_view webhook = endpoint == admission::Endpoint::Mutate ? "mutate" : "validate";
  (endpoint == admission::Endpoint::Mutate ? durationMutate_ : durationValidate_)->Observe(seconds);
  const std::string_view op = orUnknown(reply.operation);
  const std::string_view kind = boundedKind(orUnknown(reply.kind));
  const bool allowed = reply.status == 200 && reply.allowed;
  std::string key;
  key.reserve(64);
  key.append("r\x1f").append(webhook).append("\x1f").append(op).append("\x1f").append(kind);
  key.append(allowed ? "\x1f"
                       "1"
                     : "\x1f"
                       "0");
  counter(requests_, std::move(key),
          {{"webhook", webhook},
           {"operation", op},
           {"kind", kind},
           {"allowed", allowed ? "true" : "false"}})
      .Increment();
  for (const policy::RuleResult& r : reply.results) {
    const std::string_view mode = policy::name(r.mode);
    const std::string_view result = policy::name(r.outcome);
    std::string k;
    k.reserve(r.policy.size() + r.rule.size() + 24);
    k.append("p\x1f").append(r.policy).append("\x1f").append(r.rule).append("\x1f");
    k.append(mode).append("\x1f").append(result);
    counter(results_, std::move(k),
            {{"policy", r.policy}, {"rule", r.rule}, {"mode", mode}, {"result", result}})
        .Increment();
    if (r.outcome == policy::Outcome::Error) {
      std::string e;
      e.append("e\x1f").append(r.policy).append("\x1f").append(r.rule);
      counter(errors_, std::move(e), {{"policy", r.policy}, {"rule", r.rule}}).Increment();
    }
  }
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
  std::string key;
  key.append("g\x1f").append(kind).append("\x1f").append(result);
  counter(generate_, std::move(key), {{"kind", orUnknown(kind)}, {"result", result}}).Increment();
}

void Metrics::connectionRefused() {
  refused_->Increment();
}

std::string Metrics::serialize() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace billet::server
