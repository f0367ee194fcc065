#include "report/policy_report.h"

#include <catch2/catch.hpp>

#include "json/write.h"

using namespace billet;
using json::Value;

namespace {

std::string at(const Value& v, std::initializer_list<std::string_view> keys) {
  const Value* found = json::dig(v, keys);
  return found ? json::write(*found) : "<absent>";
}

report::Finding finding(policy::Outcome outcome) {
  report::Finding f;
  f.policy = "gpu-workloads";
  f.rule = "require-gpu-limits";
  f.message = "GPU containers must set limits";
  f.outcome = outcome;
  f.resource = {"apps/v1", "Deployment", "gpu-executor", "ml-prod", ""};
  f.time = {1700000000, 42};
  return f;
}

}  // namespace

TEST_CASE("policy report: a namespaced PolicyReport with every field of SPEC 6.1") {
  report::Counts counts;
  counts.add(policy::Outcome::Fail);
  counts.add(policy::Outcome::Pass, 3);
  counts.add(policy::Outcome::Skip, 2);
  report::Finding f = finding(policy::Outcome::Fail);
  f.severity = "high";
  f.category = "GPU";
  f.resource.uid = "0b9f";
  f.properties = {{"mode", "Audit"}};
  const Value doc = report::policyReport("ml-prod", counts, {f});

  CHECK(at(doc, {"apiVersion"}) == R"("wgpolicyk8s.io/v1alpha2")");
  CHECK(at(doc, {"kind"}) == R"("PolicyReport")");
  CHECK(at(doc, {"metadata", "name"}) == R"("billet-ml-prod")");
  CHECK(at(doc, {"metadata", "namespace"}) == R"("ml-prod")");
  CHECK(at(doc, {"summary"}) == R"({"pass":3,"fail":1,"warn":0,"error":0,"skip":2})");
  const Value& results = *json::dig(doc, {"results"});
  REQUIRE(results.size() == 1);
  CHECK(json::write(results.asArray().at(0)) ==
        R"({"source":"billet","policy":"gpu-workloads","rule":"require-gpu-limits",)"
        R"("resources":[{"apiVersion":"apps/v1","kind":"Deployment","name":"gpu-executor",)"
        R"("namespace":"ml-prod","uid":"0b9f"}],"message":"GPU containers must set limits",)"
        R"("result":"fail","severity":"high","category":"GPU","properties":{"mode":"Audit"},)"
        R"("timestamp":{"seconds":1700000000,"nanos":42}})");
}

TEST_CASE("policy report: cluster-scoped objects go to the ClusterPolicyReport") {
  report::Finding f = finding(policy::Outcome::Warn);
  f.resource = {"v1", "Node", "gpu-node-1", "", ""};
  f.message.clear();
  const Value doc = report::policyReport("", report::Counts{}, {f});
  CHECK(at(doc, {"kind"}) == R"("ClusterPolicyReport")");
  CHECK(at(doc, {"metadata", "name"}) == R"("billet-cluster")");
  CHECK(at(doc, {"metadata", "namespace"}) == "<absent>");
  const Value& result = json::dig(doc, {"results"})->asArray().at(0);
  CHECK(at(result, {"resources"}) == R"([{"apiVersion":"v1","kind":"Node","name":"gpu-node-1"}])");
  CHECK(at(result, {"message"}) == "<absent>");      // no empty message
  CHECK(at(result, {"severity"}) == R"("medium")");  // the default
  CHECK(at(result, {"category"}) == "<absent>");
  CHECK(at(result, {"properties"}) == "<absent>");
}

TEST_CASE("policy report: no findings is an empty list, not a missing one") {
  report::Counts counts;
  counts.add(policy::Outcome::Pass, 5);
  const Value doc = report::policyReport("team-a", counts, {});
  CHECK(at(doc, {"results"}) == "[]");
  CHECK(at(doc, {"summary", "pass"}) == "5");
}
