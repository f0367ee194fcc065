// Where offline results go, one resource at a time (`lint`, `audit`). Each output format writes
// what it can at once (a text block, a JSON array element) and keeps only what it prints later:
// counts, the rules SARIF lists first, the rows of the HTML page, each namespace's PolicyReport
// results. `skip` results are kept only by the formats that print them (JSON, YAML, JUnit, HTML).
#pragma once

#include <chrono>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "cli/offline.h"

namespace billet::cli {

struct OutputOptions;

class ReportSink {
 public:
  virtual ~ReportSink() = default;
  // `report.resource` is read during the call only: the resource may be gone after it.
  virtual void add(const ResourceReport& report) = 0;
  // Writes what was kept; once, after the last add.
  virtual void finish() = 0;
};

// --output text, json, yaml, policyreport, sarif or junit, written to `out`.
std::unique_ptr<ReportSink> outputSink(const std::string& format, const OutputOptions& o,
                                       std::ostream& out);
// The report formats one by one (output_reports.cc).
std::unique_ptr<ReportSink> policyReportSink(std::ostream& out);  // one per namespace
std::unique_ptr<ReportSink> sarifSink(std::ostream& out);         // SARIF 2.1.0
std::unique_ptr<ReportSink> junitSink(std::ostream& out);         // one case per resource x rule
// The mutated resources and their generated objects (--patched), for `kubectl apply -f -`: one
// YAML stream, or with `json` one JSON List.
std::unique_ptr<ReportSink> patchedObjectsSink(std::ostream& out, bool json);
// The HTML page (`audit --html`), written to `out` by finish().
std::unique_ptr<ReportSink> htmlSink(std::ostream& out,
                                     std::chrono::system_clock::time_point ranAt);

// Several sinks fed the same reports (stdout and the --html page).
class SinkList final : public ReportSink {
 public:
  void push(std::unique_ptr<ReportSink> sink) { sinks_.push_back(std::move(sink)); }
  void add(const ResourceReport& report) override {
    for (auto& s : sinks_) s->add(report);
  }
  void finish() override {
    for (auto& s : sinks_) s->finish();
  }

 private:
  std::vector<std::unique_ptr<ReportSink>> sinks_;
};

}  // namespace billet::cli
