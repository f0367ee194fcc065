// Background audit (SPEC §5.1): every `interval`, while this replica holds the Lease, the
// workloads that already exist go through the same evaluation as `billet audit` (the pass
// function, cli/cluster_audit.cc, given by `billet serve`), into a store of their own.
//
// What the PolicyReports show is that last complete pass plus what admission has recorded since
// the pass began: at the start of a pass the admission store is cleared (everything admission saw
// before exists in the cluster, so the pass sees it too, and what was deleted since drops out).
// A pass that fails keeps the previous one's results. The first pass runs as soon as this replica
// leads (it looks every few seconds); the interval counts from the end of a pass. Memory: the
// pass's store is bounded like the admission store (per namespace, policy and rule: counts and a
// few examples), and objects are listed in pages and dropped once evaluated.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/logging.h"
#include "base/worker.h"
#include "json/value.h"
#include "kube/client.h"
#include "policy/policy_set.h"
#include "report/store.h"

namespace billet::server {

struct AuditPassResult {
  std::size_t objects = 0;
  std::size_t kinds = 0;
  std::string error;  // kinds that could not be listed, joined; the pass still counts
  bool stopped = false;
};

// One pass: list and evaluate the cluster's objects through `client`, record each into `into`;
// return early when `stop` becomes true.
using AuditPass =
    std::function<AuditPassResult(kube::KubeClient& client, const policy::PolicySet& set,
                                  report::ReportStore& into, const std::atomic<bool>& stop)>;

class BackgroundAudit {
 public:
  struct Options {
    std::chrono::milliseconds interval{3'600'000};
  };

  BackgroundAudit(kube::KubeClient client, AuditPass pass,
                  std::function<std::shared_ptr<const policy::PolicySet>()> policies,
                  std::function<bool()> leading, report::ReportStore& admission,
                  base::Logger& logger, Options options);
  ~BackgroundAudit();  // stop()
  BackgroundAudit(const BackgroundAudit&) = delete;
  BackgroundAudit& operator=(const BackgroundAudit&) = delete;

  // Admission's reports merged with the last pass's, and a version that grows when either does:
  // what the report writer writes.
  std::vector<json::Value> policyReports() const;
  std::uint64_t version() const;
  // Passes that completed: from the first one on, the reports describe the whole cluster.
  std::uint64_t completePasses() const;

  void stop();  // ends a pass in progress early; idempotent

 private:
  void run(base::Worker& worker);
  void runPass(const std::atomic<bool>& stop);

  kube::KubeClient client_;
  const AuditPass pass_;
  const std::function<std::shared_ptr<const policy::PolicySet>()> policies_;
  const std::function<bool()> leading_;
  report::ReportStore& admission_;
  base::Logger& logger_;
  const Options options_;

  mutable std::mutex mu_;
  std::shared_ptr<const report::ReportStore> last_;  // the last complete pass (under mu_)
  // During a pass, what admission had seen before it began (under mu_, as are the moves of
  // results between it and admission's store).
  std::shared_ptr<report::ReportStore> setAside_;
  std::uint64_t passes_ = 0;  // complete passes (under mu_)
  base::Worker worker_;
};

}  // namespace billet::server
