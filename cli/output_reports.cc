// Report formats for offline results: PolicyReport (wgpolicyk8s.io/v1alpha2), SARIF 2.1.0 and
// JUnit XML (SPEC §6.1, §6.2).
#include <map>
#include <set>

#include "base/text.h"
#include "cli/output.h"
#include "cli/report_sink.h"
#include "cli/spool.h"
#include "cli/version_info.h"
#include "json/write.h"
#include "json/yaml.h"
#include "report/policy_report.h"

namespace billet::cli {
namespace {

using json::Value;

Value str(const std::string& s) {
  return Value::string(s);
}

// A file as SARIF names it: a URI reference (RFC 3986), so every byte a path segment may not
// hold as it is (a space, '#', '%', '?', '<', non-ASCII...) is percent-encoded; a relative path
// stays relative (code-scanning tools resolve it against the checkout), an absolute one is a
// file: URI. ':' is encoded too, so that "c:x.yaml" is not read as a scheme.
std::string sarifUri(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = !path.empty() && path.front() == '/' ? "file://" : "";
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      std::string_view("-._~/!$&'()*+,;=@").find(ch) != std::string_view::npos;
    if (keep) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

report::ResourceRef resourceRef(const Resource& r) {
  report::ResourceRef ref{r.apiVersion, r.kind, r.name, r.namespace_, ""};
  const Value* uid = json::dig(r.object, {"metadata", "uid"});
  if (uid && uid->isString()) ref.uid = uid->asString();
  return ref;
}

// One PolicyReport per namespace, in namespace order, after the last resource: each namespace
// keeps its counts and where its results' text lies in the spool.
class PolicyReportSink final : public ReportSink {
 public:
  explicit PolicyReportSink(std::ostream& out) : out_(out), now_(report::Timestamp::now()) {}

  void add(const ResourceReport& rep) override {
    Namespace& ns = byNamespace_[rep.resource->namespace_];
    std::string text;
    for (const policy::RuleResult& res : rep.results) {
      ns.summary.add(res.outcome);
      if (res.outcome == policy::Outcome::Skip) continue;  // counted, never listed
      json::Array one;
      one.push_back(report::policyReportResult({std::string(res.policy.view()),
                                                std::string(res.rule.view()),
                                                res.message,
                                                std::string(res.severity.view()),
                                                std::string(res.category.view()),
                                                res.outcome,
                                                resourceRef(*rep.resource),
                                                now_,
                                                {}}));
      text += json::writeYaml(Value::array(std::move(one)));
    }
    if (!text.empty()) ns.results.push_back(spool_.append(text));
  }

  void finish() override {
    for (const auto& [ns, kept] : byNamespace_) {
      // The document without results ends with its last member, "results: []".
      std::string head = json::writeYaml(report::policyReport(ns, kept.summary, {}));
      if (!kept.results.empty()) head.replace(head.size() - 4, 4, "\n");
      out_ << "---\n" << head;
      for (const Spool::Extent& e : kept.results) spool_.copyTo(out_, e);
    }
  }

 private:
  struct Namespace {
    report::Counts summary;
    std::vector<Spool::Extent> results;
  };
  std::ostream& out_;
  report::Timestamp now_;
  std::map<std::string, Namespace> byNamespace_;  // "" holds the cluster-scoped objects
  Spool spool_;
};

// SARIF lists every rule met before the results: the results are spooled, the rules kept.
class SarifSink final : public ReportSink {
 public:
  explicit SarifSink(std::ostream& out) : out_(out) {}

  void add(const ResourceReport& rep) override {
    std::string text;
    for (const policy::RuleResult& res : rep.results) {
      std::string id = res.policy + "/" + res.rule;
      if (seen_.insert(id).second) {
        Value rule = Value::object();
        rule.set("id", str(id));
        rule["shortDescription"].set("text",
                                     str(id + " (" + std::string(policy::name(res.stage)) + ")"));
        rules_.push_back(std::move(rule));
      }
      const char* level = res.outcome == policy::Outcome::Fail    ? "error"
                          : res.outcome == policy::Outcome::Warn  ? "warning"
                          : res.outcome == policy::Outcome::Error ? "error"
                                                                  : nullptr;
      if (!level) continue;
      Value r = Value::object();
      r.set("ruleId", str(id));
      r.set("level", str(level));
      r["message"].set("text", str(rep.resource->id() + ": " + res.message));
      Value loc = Value::object();
      Value& phys = loc["physicalLocation"];
      phys["artifactLocation"].set("uri", str(sarifUri(rep.resource->file)));
      phys["region"].set("startLine",
                         Value::number(rep.resource->line > 0 ? rep.resource->line : 1));
      r.set("locations", Value::array({std::move(loc)}));
      // An element of runs[0].results, at depth 4 of the document.
      text += (spool_.size() + text.size() ? ",\n        " : "\n        ") +
              base::indentTail(json::writePretty(r), 8);
    }
    if (!text.empty()) spool_.append(text);
  }

  void finish() override {
    Value driver = Value::object();
    driver.set("name", str("billet"));
    driver.set("version", str(kVersion));
    driver.set("informationUri", str("https://billet.dev"));
    driver.set("rules", Value::array(std::move(rules_)));
    Value run = Value::object();
    run["tool"].set("driver", std::move(driver));
    run.set("results", Value::array({}));
    Value root = Value::object();
    root.set("version", str("2.1.0"));
    root.set("$schema", str("https://json.schemastore.org/sarif-2.1.0.json"));
    root.set("runs", Value::array({std::move(run)}));
    std::string text = json::writePretty(root);
    if (spool_.size() == 0) {
      out_ << text << "\n";
      return;
    }
    // results is the last member of the last run: the document ends `"results": []` and the
    // closing of the run, of runs and of the root.
    const std::size_t empty = text.rfind("[]");
    out_ << text.substr(0, empty) << "[";
    spool_.copyTo(out_);
    out_ << "\n      ]" << text.substr(empty + 2) << "\n";
  }

 private:
  std::ostream& out_;
  json::Array rules_;
  std::set<std::string> seen_;
  Spool spool_;
};

// JUnit opens with the totals: the test suites are spooled until they are known.
class JunitSink final : public ReportSink {
 public:
  explicit JunitSink(std::ostream& out) : out_(out) {}

  void add(const ResourceReport& rep) override {
    summary_.add(rep.results);
    int failures = 0, errors = 0, skipped = 0;
    for (const policy::RuleResult& r : rep.results) {
      failures += r.outcome == policy::Outcome::Fail;
      errors += r.outcome == policy::Outcome::Error;
      skipped += r.outcome == policy::Outcome::Skip;
    }
    const std::string suite = escapeMarkup(rep.resource->id());
    std::string out = "  <testsuite name=\"" + suite + "\" tests=\"" +
                      std::to_string(rep.results.size()) + "\" failures=\"" +
                      std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
                      "\" skipped=\"" + std::to_string(skipped) + "\">\n";
    for (const policy::RuleResult& r : rep.results) {
      out += "    <testcase classname=\"" + suite + "\" name=\"" +
             escapeMarkup(r.policy + "/" + r.rule) + "\"";
      std::string msg = escapeMarkup(r.message);
      switch (r.outcome) {
        case policy::Outcome::Fail:
          out +=
              ">\n      <failure message=\"" + msg + "\">" + msg + "</failure>\n    </testcase>\n";
          break;
        case policy::Outcome::Error:
          out += ">\n      <error message=\"" + msg + "\">" + msg + "</error>\n    </testcase>\n";
          break;
        case policy::Outcome::Skip:
          out += ">\n      <skipped message=\"" + msg + "\"/>\n    </testcase>\n";
          break;
        case policy::Outcome::Warn:
          // A warning does not fail the build: reported as output of a passing case.
          out += ">\n      <system-out>warn: " + msg + "</system-out>\n    </testcase>\n";
          break;
        case policy::Outcome::Pass:
          out += "/>\n";
          break;
      }
    }
    out += "  </testsuite>\n";
    spool_.append(out);
  }

  void finish() override {
    const policy::Summary& s = summary_;
    int tests = s.pass + s.fail + s.warn + s.error + s.skip;
    out_ << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         << "<testsuites name=\"billet\" tests=\"" << tests << "\" failures=\"" << s.fail
         << "\" errors=\"" << s.error << "\">\n";
    spool_.copyTo(out_);
    out_ << "</testsuites>\n";
  }

 private:
  std::ostream& out_;
  policy::Summary summary_;
  Spool spool_;
};

}  // namespace

std::unique_ptr<ReportSink> policyReportSink(std::ostream& out) {
  return std::make_unique<PolicyReportSink>(out);
}
std::unique_ptr<ReportSink> sarifSink(std::ostream& out) {
  return std::make_unique<SarifSink>(out);
}
std::unique_ptr<ReportSink> junitSink(std::ostream& out) {
  return std::make_unique<JunitSink>(out);
}

std::string renderPolicyReports(const std::vector<ResourceReport>& reports) {
  return render("policyreport", reports, {});
}
std::string renderSarif(const std::vector<ResourceReport>& reports) {
  return render("sarif", reports, {});
}
std::string renderJunit(const std::vector<ResourceReport>& reports) {
  return render("junit", reports, {});
}

}  // namespace billet::cli
