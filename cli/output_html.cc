// `billet audit --html FILE`: one self-contained HTML page. No external assets: the CSS, the SVG
// charts and the script are inline, and a Content-Security-Policy forbids loading anything else.
// Every string from policies or manifests is HTML-escaped; the script reads data from the DOM
// only, so no untrusted text is ever placed inside <script>.
//
// The page, top to bottom: totals, failures by policy and by namespace, the filters, the
// namespace view, the resources with their scores, then every finding.
#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "cli/html_report_assets.h"
#include "cli/output.h"
#include "cli/report_sink.h"
#include "cli/spool.h"
#include "cli/version_info.h"

namespace billet::cli {
namespace {

using policy::Outcome;

std::string namespaceOf(const Resource& r) {
  return r.namespace_.empty() ? "(cluster)" : r.namespace_;
}

// file:line, escaped, with a line-break opportunity after each "/" so that long paths wrap
// between directories rather than inside a name. An object read from a cluster has its API
// path and no line.
std::string location(const Resource& r) {
  std::string escaped = escapeMarkup(r.line > 0 ? r.file + ":" + std::to_string(r.line) : r.file),
              out;
  for (char c : escaped) {
    out += c;
    if (c == '/') out += "<wbr>";
  }
  return out;
}

std::string lower(std::string_view view) {
  std::string s(view);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Sort keys for the columns whose order is not alphabetical; the script sorts them most severe
// (most urgent) first. 0 is a severity billet does not know, which still prints as written.
int severityRank(std::string_view severity) {
  const std::string s = lower(severity);
  const char* order[] = {"info", "low", "medium", "high", "critical"};
  for (int i = 0; i < 5; ++i)
    if (s == order[i]) return i + 1;
  return 0;
}

int outcomeRank(Outcome o) {
  switch (o) {
    case Outcome::Error:
      return 5;
    case Outcome::Fail:
      return 4;
    case Outcome::Warn:
      return 3;
    case Outcome::Pass:
      return 2;
    case Outcome::Skip:
      return 1;
  }
  return 0;
}

std::string utc(std::chrono::system_clock::time_point t, const char* format) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  return std::string(buf, std::strftime(buf, sizeof buf, format, &tm));
}

// Horizontal bars, largest first, as an inline SVG.
std::string barChart(const std::string& title, const std::map<std::string, int>& counts) {
  std::vector<std::pair<std::string, int>> items;
  for (const auto& [k, v] : counts)
    if (v > 0) items.emplace_back(k, v);
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out = "<div class=\"chart\"><h2>" + escapeMarkup(title) + "</h2>";
  if (items.empty()) return out + "<p class=\"empty\">No failures.</p></div>";
  int max = items.front().second;
  const int rowH = 24, labelW = 200, barW = 320, width = labelW + barW + 60;
  int height = static_cast<int>(items.size()) * rowH + 4;
  out += "<svg role=\"img\" aria-label=\"" + escapeMarkup(title) + "\" viewBox=\"0 0 " +
         std::to_string(width) + " " + std::to_string(height) + "\" width=\"" +
         std::to_string(width) + "\" height=\"" + std::to_string(height) +
         "\" xmlns=\"http://www.w3.org/2000/svg\">";
  int y = 2;
  for (const auto& [label, n] : items) {
    int w = std::max(2, n * barW / max);
    std::string shortLabel = label;
    if (shortLabel.size() > 30) {  // cut on a UTF-8 character boundary
      size_t cut = 29;
      while (cut > 0 && (static_cast<unsigned char>(shortLabel[cut]) & 0xC0) == 0x80) --cut;
      shortLabel = shortLabel.substr(0, cut) + "...";
    }
    out += "<g class=\"row\"><title>" + escapeMarkup(label) + ": " + std::to_string(n) + "</title>";
    out += "<text x=\"" + std::to_string(labelW - 6) + "\" y=\"" + std::to_string(y + 16) +
           "\" text-anchor=\"end\">" + escapeMarkup(shortLabel) + "</text>";
    out += "<rect class=\"bar\" x=\"" + std::to_string(labelW) + "\" y=\"" + std::to_string(y + 3) +
           "\" width=\"" + std::to_string(w) + "\" height=\"" + std::to_string(rowH - 6) +
           "\" rx=\"3\"/>";
    out += "<text x=\"" + std::to_string(labelW + w + 6) + "\" y=\"" + std::to_string(y + 16) +
           "\">" + std::to_string(n) + "</text></g>";
    y += rowH;
  }
  return out + "</svg></div>";
}

std::string options(const std::string& allLabel, const std::set<std::string>& values) {
  std::string out = "<option value=\"\">" + escapeMarkup(allLabel) + "</option>";
  for (const std::string& v : values)
    out += "<option value=\"" + escapeMarkup(v) + "\">" + escapeMarkup(v) + "</option>";
  return out;
}

// A header the script sorts by: `num` columns compare numbers (a cell's data-v, else its text);
// `firstDesc` puts the largest first on the first click (most failures, most severe).
std::string sortHeader(const std::string& label, bool num = false, bool firstDesc = false,
                       bool alignRight = true) {
  return std::string("<th scope=\"col\" tabindex=\"0\"") +
         (num && alignRight ? " class=\"n\"" : "") + " data-sort=\"" + (num ? "num" : "text") +
         "\"" + (firstDesc ? " data-first=\"desc\"" : "") + ">" + label + "</th>";
}

std::string countHeaders() {
  std::string out;
  for (const char* label : {"Pass", "Fail", "Warn", "Error", "Skip"})
    out += sortHeader(label, true, true);
  return out;
}

// One cell per outcome, named by its class (c-pass, c-fail, ...); zeros are muted so that what
// needs attention stands out.
std::string countCells(const policy::Summary& s) {
  const std::pair<const char*, int> counts[] = {
      {"pass", s.pass}, {"fail", s.fail}, {"warn", s.warn}, {"error", s.error}, {"skip", s.skip}};
  std::string out;
  for (const auto& [label, n] : counts)
    out += std::string("<td class=\"n c-") + label + (n ? "" : " zero") + "\">" +
           std::to_string(n) + "</td>";
  return out;
}

std::string scoreCell(const policy::Summary& s) {
  std::optional<int> score = passScore(s);
  if (!score) return "<td class=\"score\" data-v=\"\" title=\"no rule was evaluated\">n/a</td>";
  std::string v = std::to_string(*score);
  const char* band = *score < 50 ? " low" : *score < 80 ? " mid" : "";
  return std::string("<td class=\"score") + band + "\" data-v=\"" + v + "\" title=\"" +
         std::to_string(s.pass) + " of " + std::to_string(s.pass + s.fail + s.warn + s.error) +
         " evaluated rules passed\"><span class=\"meter\"><i style=\"width:" + v +
         "%\"></i></span>" + v + "%</td>";
}

std::string header(size_t resources, int findings, std::chrono::system_clock::time_point ranAt) {
  return "<header><h1>billet audit report</h1><p><span id=\"version\">billet " +
         escapeMarkup(kVersion) + " (commit " + escapeMarkup(kCommit) +
         ")</span> &middot; run <time id=\"ran-at\" datetime=\"" +
         utc(ranAt, "%Y-%m-%dT%H:%M:%SZ") + "\">" + utc(ranAt, "%Y-%m-%d %H:%M:%S UTC") +
         "</time> &middot; " + std::to_string(resources) + " resource(s), " +
         std::to_string(findings) + " result(s)</p></header>\n";
}

std::string totalsSection(const policy::Summary& s) {
  std::string out = "<section><h2>Totals</h2><div class=\"totals\" id=\"totals\">";
  const std::pair<const char*, int> totals[] = {
      {"pass", s.pass}, {"fail", s.fail}, {"warn", s.warn}, {"error", s.error}, {"skip", s.skip}};
  for (const auto& [label, n] : totals)
    out += std::string("<div class=\"total ") + label + "\" data-total=\"" + label + "\"><b>" +
           std::to_string(n) + "</b>" + label + "</div>";
  return out + "</div></section>\n";
}

std::string filtersSection(const std::set<std::string>& policies,
                           const std::set<std::string>& namespaces, int skips) {
  return "<section><div class=\"filters\">"
         "<input id=\"q\" type=\"search\" placeholder=\"Filter by text\" aria-label=\"Filter by "
         "text\">"
         "<select id=\"f-result\" aria-label=\"Result\">" +
         options("all results", {"pass", "fail", "warn", "error", "skip"}) +
         "</select><select id=\"f-policy\" aria-label=\"Policy\">" +
         options("all policies", policies) +
         "</select><select id=\"f-ns\" aria-label=\"Namespace\">" +
         options("all namespaces", namespaces) +
         "</select><label><input id=\"show-skips\" type=\"checkbox\"> show skipped rules (" +
         std::to_string(skips) + ")</label><span id=\"shown\"></span></div></section>\n";
}

struct NamespaceTally {
  int resources = 0;
  policy::Summary results;
};

std::string namespacesSection(const std::map<std::string, NamespaceTally>& byNamespace,
                              const policy::Summary& all, size_t resources) {
  std::string out =
      "<section><h2>Namespaces<small>pick one to filter</small></h2><div class=\"scroll\">"
      "<table id=\"namespaces\" class=\"narrow\">\n<thead><tr>" +
      sortHeader("Namespace") + sortHeader("Resources", true, true) +
      sortHeader("Score", true, false, false) + countHeaders() + "</tr></thead>\n<tbody>\n";
  for (const auto& [ns, t] : byNamespace)
    out += "<tr class=\"ns-row\" data-ns=\"" + escapeMarkup(ns) +
           "\"><td><button type=\"button\" class=\"ns-pick\">" + escapeMarkup(ns) +
           "</button></td><td class=\"n c-resources\">" + std::to_string(t.resources) + "</td>" +
           scoreCell(t.results) + countCells(t.results) + "</tr>\n";
  return out + "</tbody>\n<tfoot><tr class=\"ns-all\"><th scope=\"row\">all</th><td class=\"n\">" +
         std::to_string(resources) + "</td>" + scoreCell(all) + countCells(all) +
         "</tr></tfoot>\n</table></div></section>\n";
}

std::string resourcesSectionHead(std::size_t resources) {
  return "<section><h2>Resources<small>score: share of evaluated rules passed</small></h2>"
         "<div class=\"scroll\"><table id=\"resources\" data-total=\"" +
         std::to_string(resources) + "\" data-visible=\"" + std::to_string(resources) +
         "\">\n<thead><tr>" + sortHeader("Score", true, false, false) + sortHeader("Kind") +
         sortHeader("Namespace") + sortHeader("Name") + sortHeader("Location") + countHeaders() +
         "</tr></thead>\n<tbody>\n";
}

std::string resourceRow(const ResourceReport& rep) {
  const Resource& res = *rep.resource;
  policy::Summary s;
  s.add(rep.results);
  return "<tr class=\"resource\" data-id=\"" + escapeMarkup(res.id()) + "\" data-ns=\"" +
         escapeMarkup(namespaceOf(res)) + "\">" + scoreCell(s) + "<td>" + escapeMarkup(res.kind) +
         "</td><td>" + escapeMarkup(namespaceOf(res)) + "</td><td>" + escapeMarkup(res.name) +
         "</td><td class=\"loc\">" + location(res) + "</td>" + countCells(s) + "</tr>\n";
}

std::string findingRow(const Resource& res, const policy::RuleResult& r) {
  std::string result(policy::name(r.outcome));
  int severity = severityRank(r.severity);
  std::string ns = namespaceOf(res);
  return "<tr class=\"finding\" data-result=\"" + result + "\" data-policy=\"" +
         escapeMarkup(r.policy) + "\" data-ns=\"" + escapeMarkup(ns) + "\"><td>" +
         escapeMarkup(res.kind) + "</td><td>" + escapeMarkup(ns) + "</td><td>" +
         escapeMarkup(res.name) + "</td><td class=\"loc\">" + location(res) + "</td><td>" +
         escapeMarkup(r.policy) + "/" + escapeMarkup(r.rule) + "</td><td class=\"cat\">" +
         escapeMarkup(r.category) + "</td><td class=\"sev\" data-v=\"" + std::to_string(severity) +
         "\"><span" + (severity ? " class=\"" + lower(r.severity) + "\"" : std::string()) + ">" +
         escapeMarkup(r.severity) + "</span></td><td class=\"res\" data-v=\"" +
         std::to_string(outcomeRank(r.outcome)) + "\"><span class=\"" + result + "\">" + result +
         "</span></td><td class=\"msg\">" + escapeMarkup(r.message) + "</td></tr>\n";
}

std::string findingsSectionHead(int findings) {
  return "<section><h2>Findings</h2><div class=\"wide\"><table id=\"findings\" data-total=\"" +
         std::to_string(findings) + "\" data-visible=\"" + std::to_string(findings) +
         "\">\n<thead><tr>" + sortHeader("Kind") + sortHeader("Namespace") + sortHeader("Name") +
         sortHeader("Location") + sortHeader("Policy/rule") + sortHeader("Category") +
         sortHeader("Severity", true, true) + sortHeader("Result", true, true) +
         sortHeader("Message") + "</tr></thead>\n<tbody>\n";
}

constexpr const char* kSectionEnd = "</tbody>\n</table></div></section>\n";

// The page's totals, charts and namespace view are counted as resources come; their rows (one
// per resource, one per result) are spooled, since the page prints them after the totals.
class HtmlSink final : public ReportSink {
 public:
  HtmlSink(std::ostream& out, std::chrono::system_clock::time_point ranAt)
      : out_(out), ranAt_(ranAt) {}

  void add(const ResourceReport& rep) override {
    ++resources_;
    all_.add(rep.results);
    std::string ns = namespaceOf(*rep.resource);
    namespaces_.insert(ns);
    NamespaceTally& tally = byNamespace_[ns];
    ++tally.resources;
    tally.results.add(rep.results);
    for (const policy::RuleResult& r : rep.results) {
      ++findings_;
      policies_.insert(std::string(r.policy.view()));
      if (r.outcome == Outcome::Fail) {
        ++failsByPolicy_[std::string(r.policy.view())];
        ++failsByNamespace_[ns];
      }
    }
    resourceRows_.append(resourceRow(rep));
    // Per resource, what needs attention first, as the text output lists it.
    std::string rows;
    for (Outcome o : {Outcome::Fail, Outcome::Error, Outcome::Warn, Outcome::Pass, Outcome::Skip})
      for (const policy::RuleResult& r : rep.results)
        if (r.outcome == o) rows += findingRow(*rep.resource, r);
    findingRows_.append(rows);
  }

  void finish() override {
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
        "'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>billet audit report</title>\n<style>";
    out += htmlReportStyle();
    out += "</style>\n</head>\n<body>\n" + header(resources_, findings_, ranAt_) + "<main>\n";
    out += totalsSection(all_);
    out += "<section class=\"charts\">" + barChart("Failures by policy", failsByPolicy_) +
           barChart("Failures by namespace", failsByNamespace_) + "</section>\n";
    out += filtersSection(policies_, namespaces_, all_.skip);
    out += namespacesSection(byNamespace_, all_, resources_);
    out += resourcesSectionHead(resources_);
    out_ << out;
    resourceRows_.copyTo(out_);
    out_ << kSectionEnd << findingsSectionHead(findings_);
    findingRows_.copyTo(out_);
    out_ << kSectionEnd << "</main>\n<script>" << htmlReportScript()
         << "</script>\n</body>\n</html>\n";
  }

 private:
  std::ostream& out_;
  std::chrono::system_clock::time_point ranAt_;
  std::size_t resources_ = 0;
  int findings_ = 0;
  policy::Summary all_;
  std::map<std::string, int> failsByPolicy_, failsByNamespace_;
  std::map<std::string, NamespaceTally> byNamespace_;
  std::set<std::string> policies_, namespaces_;
  Spool resourceRows_, findingRows_;
};

}  // namespace

std::optional<int> passScore(const policy::Summary& s) {
  int evaluated = s.pass + s.fail + s.warn + s.error;
  if (evaluated == 0) return std::nullopt;
  return (200 * s.pass + evaluated) / (2 * evaluated);
}

std::unique_ptr<ReportSink> htmlSink(std::ostream& out,
                                     std::chrono::system_clock::time_point ranAt) {
  return std::make_unique<HtmlSink>(out, ranAt);
}

std::string renderHtml(const std::vector<ResourceReport>& reports,
                       std::chrono::system_clock::time_point ranAt) {
  std::ostringstream out;
  HtmlSink sink(out, ranAt);
  for (const ResourceReport& rep : reports) sink.add(rep);
  sink.finish();
  return out.str();
}

}  // namespace billet::cli
