#include "kube/report_writer.h"

#include "json/write.h"

namespace billet::kube {

namespace {

std::string stringAt(const json::Value& v, std::initializer_list<std::string_view> keys) {
  const json::Value* found = json::dig(v, keys);
  return found && found->isString() ? found->asString() : "";
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
  for (const json::Value& doc :
       options_.documents ? options_.documents() : store_.policyReports()) {
    const std::string path =
        resourcePath(stringAt(doc, {"apiVersion"}), stringAt(doc, {"kind"}),
                     stringAt(doc, {"metadata", "namespace"}), stringAt(doc, {"metadata", "name"}));
    if (path.empty()) continue;  // not a valid name: nothing the API server would take
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
  if (allWritten) writtenVersion_ = version;
}

}  // namespace billet::kube
