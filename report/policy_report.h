// wgpolicyk8s.io/v1alpha2 PolicyReport documents (SPEC §6.1): one per namespace, a
// ClusterPolicyReport for cluster-scoped objects.
//
// The one builder of that document: `lint`/`audit --output policyreport` print it for offline
// results, and the server serves it at GET /reports?format=policyreport for its aggregated
// Audit/Warn results and writes it in cluster with --kube-api (kube/report_writer.cc).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "json/value.h"
#include "policy/result.h"

namespace billet::report {

struct ResourceRef {
  std::string apiVersion, kind, name, namespace_, uid;  // empty fields are left out
};

struct Timestamp {
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;
  static Timestamp now();
};

// One entry of results[].
struct Finding {
  std::string policy, rule, message;
  std::string severity;  // the policy's billet.dev/severity; empty means medium
  std::string category;  // the policy's billet.dev/category; empty is left out
  policy::Outcome outcome = policy::Outcome::Fail;
  ResourceRef resource;
  Timestamp time;
  std::vector<std::pair<std::string, std::string>> properties;  // free-form strings
};

struct Counts {
  std::uint64_t pass = 0, fail = 0, warn = 0, error = 0, skip = 0;
  void add(policy::Outcome outcome, std::uint64_t n = 1);
};

// Namespace "" makes the ClusterPolicyReport "billet-cluster"; otherwise the PolicyReport
// "billet-<namespace>" in that namespace. `summary` is given rather than counted from `results`
// because a report may count more results than it lists (passes, or examples kept bounded).
json::Value policyReport(const std::string& namespace_, const Counts& summary,
                         const std::vector<Finding>& results);

// One entry of a report's results[], as policyReport writes it (for a writer that streams them).
json::Value policyReportResult(const Finding& finding);

// Two sets of report documents as one: the reports of the same namespace have their summaries
// added and their results listed one after the other (`first`'s, then `second`'s). For the
// server, which writes admission's results and the last background audit pass's together.
std::vector<json::Value> mergePolicyReports(std::vector<json::Value> first,
                                            std::vector<json::Value> second);

}  // namespace billet::report
