// Rendering offline results: text (for people), JSON and YAML, the report formats and the HTML
// page.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cli/offline.h"
#include "policy/result.h"

namespace billet::cli {

struct OutputOptions {
  bool patched = false;  // print each mutated resource
  bool patches = false;  // print each JSON Patch
  bool explain = false;  // print which rule changed which field
  bool showSkips = false;
  bool verbose = false;  // every passing rule on its own line (else a count per resource)
  bool color = false;    // ANSI colours on result labels (a terminal, and no NO_COLOR)
};

// The whole of --output FORMAT for reports held in memory (`billet test`, tests); `lint` and
// `audit` stream theirs through outputSink (report_sink.h), which writes the same bytes.
std::string render(const std::string& format, const std::vector<ResourceReport>& reports,
                   const OutputOptions& o);
policy::Summary summarize(const std::vector<ResourceReport>& reports);
std::string renderText(const std::vector<ResourceReport>& reports, const OutputOptions& o);
std::string renderJson(const std::vector<ResourceReport>& reports, const OutputOptions& o);
std::string renderYaml(const std::vector<ResourceReport>& reports, const OutputOptions& o);
// The mutated resources and the objects generated for them, as one multi-document YAML stream
// that `kubectl apply -f -` reads (--patched without --output).
std::string renderPatchedYaml(const std::vector<ResourceReport>& reports);

json::Value resultToJson(const policy::RuleResult& r);

// A JSON Pointer with container indexes replaced by their names, as people know them:
// /spec/containers/1/resources -> /spec/containers[name=web]/resources (looked up in `object`).
std::string namedPointer(const json::Value& object, const std::string& pointer);

// Report formats (output_reports.cc).
std::string renderPolicyReports(const std::vector<ResourceReport>& reports);  // one per namespace
std::string renderSarif(const std::vector<ResourceReport>& reports);          // SARIF 2.1.0
std::string renderJunit(
    const std::vector<ResourceReport>& reports);  // one case per resource x rule

// Text made safe inside HTML or XML elements and quoted attributes: & < > " ' escaped, and
// control characters other than newline and tab (which XML 1.0 forbids even escaped) replaced
// by spaces.
std::string escapeMarkup(std::string_view s);

// A resource's (or a namespace's) score, as Polaris shows one per workload: the share of its
// evaluated rules that passed, in percent rounded half up. Skipped rules do not count; without an
// evaluated rule there is no score.
std::optional<int> passScore(const policy::Summary& s);

// `audit --html FILE` (output_html.cc): one self-contained page with totals, charts, a namespace
// view, a score per resource and a table of findings that can be filtered and sorted. `ranAt` is
// the run's time, printed in UTC with billet's version.
std::string renderHtml(const std::vector<ResourceReport>& reports,
                       std::chrono::system_clock::time_point ranAt);

}  // namespace billet::cli
