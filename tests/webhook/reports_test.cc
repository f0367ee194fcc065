#include "webhook/reports.h"

#include <catch2/catch.hpp>

using namespace billet;
using namespace billet::webhook;

namespace {

AdmissionReply reply(std::string ns, std::string name, std::vector<policy::RuleResult> results) {
  AdmissionReply r;
  r.uid = "uid-" + name;
  r.kind = "Deployment";
  r.operation = "CREATE";
  r.namespace_ = std::move(ns);
  r.name = std::move(name);
  r.results = std::move(results);
  return r;
}

policy::RuleResult result(std::string pol, std::string rule, policy::Mode mode,
                          policy::Outcome outcome, std::string msg = "m",
                          std::string severity = "medium", std::string category = "") {
  return {std::move(pol), std::move(rule), policy::Stage::Validate, mode,
          outcome,        std::move(msg),  std::move(severity),     std::move(category)};
}

std::size_t count(const std::string& s, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("reports: only Audit and Warn results, never dry runs", "[webhook][reports]") {
  ReportStore store;
  store.record(
      reply("ml", "a",
            {result("gpu", "limits", policy::Mode::Enforce, policy::Outcome::Fail),
             result("base", "latest", policy::Mode::Warn, policy::Outcome::Warn),
             result("base", "req", policy::Mode::Audit, policy::Outcome::Fail, "no \"req\""),
             result("base", "skip", policy::Mode::Audit, policy::Outcome::Skip)}));
  AdmissionReply dry =
      reply("ml", "b", {result("base", "req", policy::Mode::Audit, policy::Outcome::Fail)});
  dry.dryRun = true;
  store.record(dry);
  CHECK(store.keys() == 2);
  const std::string json = store.json();
  CHECK(json.find("\"policy\":\"gpu\"") == std::string::npos);
  CHECK(json.find("no \\\"req\\\"") != std::string::npos);
  CHECK(json.find("\"summary\":{\"pass\":0,\"fail\":1,\"warn\":1,\"error\":0,\"skip\":0}") !=
        std::string::npos);
}

TEST_CASE("reports: bounded keys and examples", "[webhook][reports]") {
  ReportStore store(3, 1);
  for (int i = 0; i < 10; ++i)
    store.record(reply("ns" + std::to_string(i % 5), "obj" + std::to_string(i),
                       {result("p", "r", policy::Mode::Audit, policy::Outcome::Fail)}));
  CHECK(store.keys() == 3);
  const std::string json = store.json();
  CHECK(json.find("\"dropped\":4") != std::string::npos);
  CHECK(count(json, "\"uid\":") == 3);              // 3 keys × at most 1 example
  CHECK(json.find("obj0\"") == std::string::npos);  // the oldest example was evicted
}

TEST_CASE("reports: PolicyReport per namespace", "[webhook][reports]") {
  ReportStore store;
  store.record(
      reply("ml-prod", "a", {result("p", "r", policy::Mode::Audit, policy::Outcome::Fail)}));
  store.record(
      reply("", "node-1", {result("pool", "taint", policy::Mode::Warn, policy::Outcome::Warn)}));
  const std::string yaml = store.policyReportYaml();
  CHECK(count(yaml, "apiVersion: wgpolicyk8s.io/v1alpha2") == 2);
  CHECK(yaml.find("kind: ClusterPolicyReport") != std::string::npos);
  CHECK(
      yaml.find(
          "kind: PolicyReport\nmetadata:\n  name: \"billet-ml-prod\"\n  namespace: \"ml-prod\"") !=
      std::string::npos);
  CHECK(yaml.find("source: billet") != std::string::npos);
  CHECK(yaml.find("result: warn") != std::string::npos);
  CHECK(yaml.find("seconds: ") != std::string::npos);
}

TEST_CASE("PolicyReports carry each policy's severity and category") {
  ReportStore store;
  store.record(
      reply("ml", "pod-a",
            {result("gpu-workloads", "placement", policy::Mode::Audit, policy::Outcome::Fail,
                    "would add", "high", "GPU"),
             result("baseline", "tags", policy::Mode::Warn, policy::Outcome::Warn, "latest")}));
  std::string yaml = store.policyReportYaml();
  CHECK(yaml.find("policy: \"gpu-workloads\"\n  rule: \"placement\"\n  result: fail\n  severity: "
                  "\"high\"\n  category: \"GPU\"") != std::string::npos);
  CHECK(yaml.find("rule: \"tags\"\n  result: warn\n  severity: \"medium\"\n  message:") !=
        std::string::npos);
}
