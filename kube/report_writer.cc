#include "kube/report_writer.h"

#include "json/write.h"
#include "kube/list.h"

namespace billet::kube {

namespace {

std::string stringAt(const json::Value& v, std::initializer_list<std::string_view> keys) {
  const json::Value* found = json::dig(v, keys);
  return found && found->isString() ? std::string(found->asString()) : "";
}

// The report without the time of each finding: what decides whether it changed.
std::string withoutTimes(json::Value doc) {
  if (json::Value* results = doc.find("results"); results && results->isArray())
    for (json::Value& r : results->asArray()) r.erase("timestamp");
  return json::write(doc);
}

}  // namespace

ReportWriter::ReportWriter(KubeClient client, const report::ReportStore& store,
                           base::Logger& logger, Options options)
    : client_(std::move(client)), store_(store), logger_(logger), options_(options) {
  worker_.start("report-writer", [this](base::Worker& w) { run(w); });
}

ReportWriter::~ReportWriter() {
  stop();
}

void ReportWriter::stop() {
  worker_.stop();
}

void ReportWriter::run(base::Worker& worker) {
  for (;;) {
    const bool last = !worker.sleepFor(options_.interval);
    pass();
    if (last) return;
  }
}

void ReportWriter::pass() {
  if (options_.isWriter && !options_.isWriter()) {
    wasWriter_ = false;
    return;
  }
  if (!wasWriter_) {  // (again) the writer: what is stored may be another replica's
    written_.clear();
    writtenVersion_ = ~std::uint64_t{0};
    wasWriter_ = true;
  }
  const std::uint64_t version = options_.version ? options_.version() : store_.version();
  if (version == writtenVersion_) return;
  bool allWritten = true;
  std::set<std::string> current;
  for (const json::Value& doc :
       options_.documents ? options_.documents() : store_.policyReports()) {
    const std::string path =
        resourcePath(stringAt(doc, {"apiVersion"}), stringAt(doc, {"kind"}),
                     stringAt(doc, {"metadata", "namespace"}), stringAt(doc, {"metadata", "name"}));
    if (path.empty()) continue;  // not a valid name: nothing the API server would take
    current.insert(path);
    std::string fingerprint = withoutTimes(doc);
    auto known = written_.find(path);
    if (known != written_.end() && known->second == fingerprint) continue;
    const KubeResponse r =
        client_.apply(path + "?fieldManager=billet&force=true", json::write(doc));
    if (r.status == 200 || r.status == 201) {
      written_[path] = std::move(fingerprint);
      continue;
    }
    allWritten = false;
    if (r.status == 404) {
      if (!warnedNoCrd_)
        logger_.warn("PolicyReports not written: the wgpolicyk8s.io CRDs are not installed",
                     {{"path", path}});
      warnedNoCrd_ = true;
      break;  // the same for every report
    }
    std::string error = r.body.substr(0, r.body.find('\n'));
    if (error.size() > 200) error.resize(200);
    logger_.error("cannot write PolicyReport",
                  {{"path", path}, {"status", r.status}, {"error", error}});
    // Unreachable: the other reports wait for the next pass rather than each for its own
    // deadline (at shutdown that could outlast the pod's grace period).
    if (r.status == 0) break;
  }
  if (!allWritten) return;
  // Once per complete pass, whether it works or not: a listing refused (an older role without
  // list) is logged once a pass, not at every write, and the next pass tries again.
  const std::uint64_t passes = options_.completePasses ? options_.completePasses() : 0;
  if (passes > prunedAfter_) {
    prunedAfter_ = passes;
    prune(current);
  }
  writtenVersion_ = version;
}

void ReportWriter::prune(const std::set<std::string>& current) {
  ListOptions mine;
  mine.labelSelector = "app.kubernetes.io/managed-by=billet";
  std::vector<std::string> stale;
  for (const char* kind : {"PolicyReport", "ClusterPolicyReport"}) {
    const bool cluster = std::string_view(kind) == "ClusterPolicyReport";
    const std::string collection = std::string("/apis/wgpolicyk8s.io/v1alpha2/") +
                                   (cluster ? "clusterpolicyreports" : "policyreports");
    const ListResult listed = listAll(client_, collection, mine, [&](const json::Value& item) {
      const std::string path = resourcePath(
          "wgpolicyk8s.io/v1alpha2", kind, cluster ? "" : stringAt(item, {"metadata", "namespace"}),
          stringAt(item, {"metadata", "name"}));
      if (!path.empty() && !current.count(path)) stale.push_back(path);
    });
    if (!listed.ok()) {
      logger_.error("cannot list PolicyReports to delete stale ones",
                    {{"path", collection}, {"error", listed.error}});
      return;
    }
  }
  for (const std::string& path : stale) {
    const KubeResponse r = client_.send("DELETE", path);
    if (r.status == 200 || r.status == 202 || r.status == 404) {
      written_.erase(path);
      logger_.info("stale PolicyReport deleted", {{"path", path}});
      continue;
    }
    logger_.error("cannot delete stale PolicyReport",
                  {{"path", path}, {"status", r.status}, {"error", describeFailure(r)}});
  }
}

}  // namespace billet::kube
