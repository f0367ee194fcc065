// Writes the aggregated Audit/Warn results to the cluster as PolicyReports (SPEC §5): one
// `billet-<namespace>` PolicyReport per namespace and `billet-cluster` ClusterPolicyReport, the
// documents GET /reports?format=policyreport serves, by server-side apply (field manager
// "billet").
//
// A thread of its own wakes every `interval`; when results were recorded since its last
// successful pass it applies each report whose content changed. A failed write is tried again on
// the next pass. 404 means the PolicyReport CRD (wgpolicyk8s.io) is not installed: logged once.
// stop() makes one last pass, so what was seen before a drain is not lost.
//
// Among replicas one writes (kube/lease.h): with `isWriter` set, a pass writes only while it
// answers true, and a replica that becomes the writer writes every report once (the previous
// writer's may differ). A report whose only change is the time of its findings is not rewritten.
//
// Reports of billet's (label app.kubernetes.io/managed-by=billet) that the documents no longer
// hold are deleted, once the documents describe the whole cluster: after each complete
// background audit pass (`completePasses` grew), when a namespace's objects are gone, or it is
// excluded now. Never before the first pass: admission alone has seen only what changed since
// the process started, and deleting the rest would empty the reports at every restart.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "base/logging.h"
#include "base/worker.h"
#include "kube/client.h"
#include "report/store.h"

namespace billet::kube {

class ReportWriter {
 public:
  struct Options {
    Options() = default;
    Options(std::chrono::milliseconds every) : interval(every) {}  // NOLINT: {20ms} reads well
    std::chrono::milliseconds interval{30'000};
    std::function<bool()> isWriter;  // unset: always
    // Where the documents come from; unset: the store's policyReports() and version().
    std::function<std::vector<json::Value>()> documents;
    std::function<std::uint64_t()> version;
    // Complete background audit passes so far; unset or 0: stale reports are never deleted.
    std::function<std::uint64_t()> completePasses;
  };

  ReportWriter(KubeClient client, const report::ReportStore& store, base::Logger& logger,
               Options options);
  ~ReportWriter();  // stop()
  ReportWriter(const ReportWriter&) = delete;
  ReportWriter& operator=(const ReportWriter&) = delete;

  void stop();  // one last pass, then the thread ends; idempotent

 private:
  void run(base::Worker& worker);
  void pass();
  // Deletes billet's reports whose API path is not in `current`; failures are logged.
  void prune(const std::set<std::string>& current);

  KubeClient client_;
  const report::ReportStore& store_;
  base::Logger& logger_;
  const Options options_;
  // Writer thread only.
  std::uint64_t writtenVersion_ = 0;
  std::map<std::string, std::string> written_;  // API path -> body last applied, without times
  std::uint64_t prunedAfter_ = 0;               // the complete passes counted at the last prune
  bool wasWriter_ = false;
  bool warnedNoCrd_ = false;
  base::Worker worker_;  // last: joined before what its thread uses is destroyed
};

}  // namespace billet::kube
