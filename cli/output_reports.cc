// Report formats for offline results: PolicyReport (wgpolicyk8s.io/v1alpha2), SARIF 2.1.0 and
// JUnit XML (SPEC §6.1, §6.2).
#include <map>

#include "cli/output.h"
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

report::ResourceRef resourceRef(const Resource& r) {
  report::ResourceRef ref{r.apiVersion, r.kind, r.name, r.namespace_, ""};
  const Value* uid = json::dig(r.object, {"metadata", "uid"});
  if (uid && uid->isString()) ref.uid = uid->asString();
  return ref;
}

}  // namespace

std::string renderPolicyReports(const std::vector<ResourceReport>& reports) {
  const report::Timestamp now = report::Timestamp::now();
  // One report per namespace; "" holds the cluster-scoped objects.
  std::map<std::string, std::vector<const ResourceReport*>> byNamespace;
  for (const ResourceReport& r : reports) byNamespace[r.resource->namespace_].push_back(&r);
  std::string out;
  for (const auto& [ns, list] : byNamespace) {
    report::Counts summary;
    std::vector<report::Finding> findings;
    for (const ResourceReport* rep : list) {
      for (const policy::RuleResult& res : rep->results) {
        summary.add(res.outcome);
        if (res.outcome == policy::Outcome::Skip) continue;
        findings.push_back({res.policy,
                            res.rule,
                            res.message,
                            res.severity,
                            res.category,
                            res.outcome,
                            resourceRef(*rep->resource),
                            now,
                            {}});
      }
    }
    out += "---\n" + json::writeYaml(report::policyReport(ns, summary, findings));
  }
  return out;
}

std::string renderSarif(const std::vector<ResourceReport>& reports) {
  json::Array rules, results;
  std::map<std::string, bool> seen;
  for (const ResourceReport& rep : reports) {
    for (const policy::RuleResult& res : rep.results) {
      std::string id = res.policy + "/" + res.rule;
      if (!seen[id]) {
        seen[id] = true;
        Value rule = Value::object();
        rule.set("id", str(id));
        rule["shortDescription"].set("text",
                                     str(id + " (" + std::string(policy::name(res.stage)) + ")"));
        rules.push_back(std::move(rule));
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
      phys["artifactLocation"].set("uri", str(rep.resource->file));
      phys["region"].set("startLine",
                         Value::number(rep.resource->line > 0 ? rep.resource->line : 1));
      r.set("locations", Value::array({std::move(loc)}));
      results.push_back(std::move(r));
    }
  }
  Value driver = Value::object();
  driver.set("name", str("billet"));
  driver.set("version", str(kVersion));
  driver.set("informationUri", str("https://billet.dev"));
  driver.set("rules", Value::array(std::move(rules)));
  Value run = Value::object();
  run["tool"].set("driver", std::move(driver));
  run.set("results", Value::array(std::move(results)));
  Value root = Value::object();
  root.set("version", str("2.1.0"));
  root.set("$schema", str("https://json.schemastore.org/sarif-2.1.0.json"));
  root.set("runs", Value::array({std::move(run)}));
  return json::writePretty(root) + "\n";
}

std::string renderJunit(const std::vector<ResourceReport>& reports) {
  policy::Summary s = summarize(reports);
  int tests = s.pass + s.fail + s.warn + s.error + s.skip;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"billet\" tests=\"" + std::to_string(tests) + "\" failures=\"" +
         std::to_string(s.fail) + "\" errors=\"" + std::to_string(s.error) + "\">\n";
  for (const ResourceReport& rep : reports) {
    int failures = 0, errors = 0, skipped = 0;
    for (const policy::RuleResult& r : rep.results) {
      failures += r.outcome == policy::Outcome::Fail;
      errors += r.outcome == policy::Outcome::Error;
      skipped += r.outcome == policy::Outcome::Skip;
    }
    out += "  <testsuite name=\"" + escapeMarkup(rep.resource->id()) + "\" tests=\"" +
           std::to_string(rep.results.size()) + "\" failures=\"" + std::to_string(failures) +
           "\" errors=\"" + std::to_string(errors) + "\" skipped=\"" + std::to_string(skipped) +
           "\">\n";
    for (const policy::RuleResult& r : rep.results) {
      out += "    <testcase classname=\"" + escapeMarkup(rep.resource->id()) + "\" name=\"" +
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
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace billet::cli
