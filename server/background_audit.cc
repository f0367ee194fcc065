#include "server/background_audit.h"

#include <sys/resource.h>

#include "report/policy_report.h"

namespace billet::server {

BackgroundAudit::BackgroundAudit(kube::KubeClient client, AuditPass pass,
                                 std::function<std::shared_ptr<const policy::PolicySet>()> policies,
                                 std::function<bool()> leading, report::ReportStore& admission,
                                 base::Logger& logger, Options options)
    : client_(std::move(client)),
      pass_(std::move(pass)),
      policies_(std::move(policies)),
      leading_(std::move(leading)),
      admission_(admission),
      logger_(logger),
      options_(options) {
  worker_.start("background-audit", [this](base::Worker& w) { run(w); });
}

BackgroundAudit::~BackgroundAudit() {
  stop();
}

void BackgroundAudit::stop() {
  worker_.stop();
}

std::vector<json::Value> BackgroundAudit::policyReports() const {
  // Under mu_ throughout: a pass moves results between admission's store and setAside_ under
  // it, and a report read between the two would miss them or count them twice.
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<json::Value> docs = admission_.policyReports();
  // During a pass, what admission saw before it began is still reported.
  if (setAside_) docs = report::mergePolicyReports(setAside_->policyReports(), std::move(docs));
  if (!last_) return docs;
  // The pass's findings first: they describe every object; admission's follow.
  return report::mergePolicyReports(last_->policyReports(), std::move(docs));
}

std::uint64_t BackgroundAudit::version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return admission_.version() + (passes_ << 40);
}

std::uint64_t BackgroundAudit::completePasses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return passes_;
}

void BackgroundAudit::run(base::Worker& worker) {
  // Not leading: look again every few seconds.
  constexpr std::chrono::seconds kIdleCheck{5};
  auto due = std::chrono::steady_clock::now();  // the first pass as soon as this replica leads
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    const auto wait = leading_() ? std::max(due - now, std::chrono::steady_clock::duration{0})
                                 : std::chrono::steady_clock::duration(kIdleCheck);
    if (!worker.sleepFor(wait)) return;
    if (!leading_()) {
      due = std::chrono::steady_clock::now();  // leading again later: a pass at once
      continue;
    }
    if (std::chrono::steady_clock::now() < due) continue;
    runPass(worker.stopToken());
    due = std::chrono::steady_clock::now() + options_.interval;
  }
}

void BackgroundAudit::runPass(const std::atomic<bool>& stop) {
  const std::shared_ptr<const policy::PolicySet> set = policies_();
  if (!set) return;
  const auto started = std::chrono::steady_clock::now();
  // Bounded like admission's store; no per-object memory (a pass sees each object once).
  auto store = std::make_shared<report::ReportStore>(10'000, 5, 0);
  store->setRecordEnforce(true);
  // What admission saw before the pass is superseded by it once it completes: set aside (and
  // still reported) until then, and put back if the pass does not complete.
  {
    std::lock_guard<std::mutex> lock(mu_);
    setAside_ = admission_.takeAll();
  }
  const AuditPassResult result = pass_(client_, *set, *store, stop);
  // Failed: not one kind could be listed (the API server unreachable, every list refused).
  const bool failed = result.kinds == 0 && !result.error.empty();
  if (result.stopped || failed) {
    std::lock_guard<std::mutex> lock(mu_);
    admission_.restoreOlder(*setAside_);
    setAside_.reset();
  }
  if (result.stopped) return;
  if (failed) {
    logger_.warn("background audit pass failed; the previous pass's findings are kept",
                 {{"error", result.error}});
    return;
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_ = std::move(store);
    setAside_.reset();
    ++passes_;
  }
  logger_.info("background audit pass", {{"objects", static_cast<unsigned long>(result.objects)},
                                         {"kinds", static_cast<unsigned long>(result.kinds)},
                                         {"ms", static_cast<long long>(ms)},
                                         {"maxRssKiB", static_cast<long long>(usage.ru_maxrss)}});
  if (!result.error.empty())
    logger_.warn("background audit: some kinds could not be listed", {{"error", result.error}});
}

}  // namespace billet::server
