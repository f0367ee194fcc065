// Audit and Warn results aggregated in memory since start, served at GET /reports.
//
// Bounded: one entry per namespace × policy × rule (at most maxKeys entries; results for new keys
// past the cap are counted in `dropped`), each with counts per result and the last few failing
// examples. Only rules in Audit or Warn mode are recorded; dry-run requests are not (SPEC §4.7).
//
// A review repeated for the same object counts once: an object is known by its metadata.uid, or
// by the request uid when it has none yet (a CREATE), so an API server retry, a reinvoked mutate
// and the UPDATEs of one object replace the result they recorded before instead of adding one.
// Each entry remembers its last `objectsPerKey` objects; an older one counts again.
//
// Bounded in bytes too, since a client chooses the strings: every stored string is truncated
// (messages to kMaxMessage, names, namespaces and kinds to kMaxName, uids to kMaxUid), the
// strings kept in all entries stay under `maxBytes` (past it, new keys are dropped and new
// examples and objects are not kept; counts go on), and json() and policyReports() stop listing
// examples past `maxOutputBytes` (and say so: "truncated": true, a `billet.dev/truncated` label).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "admission/review.h"
#include "json/value.h"

namespace billet::report {

class ReportStore {
 public:
  static constexpr std::size_t kMaxMessage = 1024;
  static constexpr std::size_t kMaxName = 253;  // a DNS subdomain, Kubernetes' longest name
  static constexpr std::size_t kMaxUid = 128;

  explicit ReportStore(std::size_t maxKeys = 10'000, std::size_t examplesPerKey = 5,
                       std::size_t objectsPerKey = 128, std::size_t maxBytes = 32u << 20,
                       std::size_t maxOutputBytes = 16u << 20);

  void record(const admission::AdmissionReply& reply);
  // Also record Enforce-mode results (a background audit's store: an existing object that breaks
  // an Enforce rule is a finding). Set before the first record().
  void setRecordEnforce(bool on) { recordEnforce_ = on; }
  // Forgets every entry.
  void clear();
  // Moves every entry into a new store with the same bounds and leaves this one empty: a
  // background audit pass sets aside what admission saw before it began, which the pass
  // supersedes when it completes.
  std::unique_ptr<ReportStore> takeAll();
  // Puts back what takeAll() set aside, as if it had been recorded before what this store holds
  // now (a pass that failed supersedes nothing): counts add up, an object recorded in both
  // counts once with its newer result, each entry keeps its newest examples and objects, and
  // the byte bound holds (examples, then remembered objects, are dropped until it does).
  void restoreOlder(ReportStore& older);

  // {"since": ..., "dropped": N, "namespaces": [{"namespace", "summary", "results": [...]}]}
  std::string json() const;
  // One wgpolicyk8s.io/v1alpha2 PolicyReport per namespace (ClusterPolicyReport for
  // cluster-scoped objects): as documents, and as a YAML stream.
  std::vector<json::Value> policyReports() const;
  std::string policyReportYaml() const;
  // Grows whenever a result is recorded: writers compare it to skip unchanged state.
  std::uint64_t version() const;

  std::size_t keys() const;
  // The bytes of strings held (an estimate including per-item overhead), for tests.
  std::size_t bytes() const;

 private:
  struct Example {
    std::string uid, apiVersion, kind, name, objectUid, message;
    policy::Outcome outcome = policy::Outcome::Fail;
    std::int64_t seconds = 0;
    std::int32_t nanos = 0;
  };
  struct Entry {
    policy::Mode mode = policy::Mode::Audit;
    std::string severity, category;
    std::uint64_t counts[5] = {0, 0, 0, 0, 0};  // pass, fail, warn, error, skip
    std::deque<Example> examples;
    std::map<std::string, std::size_t> outcomeOf;  // object -> index of the outcome it counts in
    std::deque<std::string> objects;               // outcomeOf's keys, oldest first
  };
  using Key = std::tuple<std::string, std::string, std::string>;  // namespace, policy, rule

  static std::size_t cost(const Example& ex);
  static std::size_t cost(const Key& key);
  static std::size_t objectCost(const std::string& object);
  static std::size_t entryCost(const Key& key, const Entry& e);
  // Drops the oldest examples, then the oldest remembered objects, until bytes_ is in bounds.
  void shrinkToBound();

  const std::size_t maxKeys_;
  const std::size_t examplesPerKey_;
  const std::size_t objectsPerKey_;
  const std::size_t maxBytes_;
  const std::size_t maxOutputBytes_;
  const std::int64_t since_;
  bool recordEnforce_ = false;
  mutable std::mutex mu_;
  std::map<Key, Entry> entries_;
  std::uint64_t dropped_ = 0;
  std::uint64_t version_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace billet::report
