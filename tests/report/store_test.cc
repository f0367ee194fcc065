#include "report/store.h"

#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <deque>
#include <map>

using namespace billet;
using namespace billet::report;
using billet::admission::AdmissionReply;

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

// A result names strings its policy set keeps (policy::SetName); here, the test's own, kept for
// the process (a deque's elements never move).
policy::SetName kept(std::string name) {
  static std::deque<std::string> names;
  return names.emplace_back(std::move(name));
}

policy::RuleResult result(std::string pol, std::string rule, policy::Mode mode,
                          policy::Outcome outcome, std::string msg = "m",
                          std::string severity = "medium", std::string category = "") {
  return {kept(std::move(pol)), kept(std::move(rule)),     policy::Stage::Validate,  mode, outcome,
          std::move(msg),       kept(std::move(severity)), kept(std::move(category))};
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
  AdmissionReply update =
      reply("ml-prod", "a", {result("p", "r", policy::Mode::Audit, policy::Outcome::Fail)});
  update.apiVersion = "apps/v1";
  update.objectUid = "obj-uid-a";
  store.record(update);
  store.record(
      reply("ml-prod", "b", {result("p", "r", policy::Mode::Audit, policy::Outcome::Pass)}));
  AdmissionReply node =
      reply("", "node-1", {result("pool", "taint", policy::Mode::Warn, policy::Outcome::Warn)});
  node.apiVersion = "v1";
  node.kind = "Node";
  store.record(node);

  const std::vector<YAML::Node> docs = YAML::LoadAll(store.policyReportYaml());
  REQUIRE(docs.size() == 2);
  const YAML::Node& cluster = docs[0];  // "" sorts first
  CHECK(cluster["apiVersion"].as<std::string>() == "wgpolicyk8s.io/v1alpha2");
  CHECK(cluster["kind"].as<std::string>() == "ClusterPolicyReport");
  CHECK(cluster["metadata"]["name"].as<std::string>() == "billet-cluster");
  CHECK_FALSE(cluster["metadata"]["namespace"]);
  CHECK(cluster["summary"]["warn"].as<int>() == 1);
  CHECK(cluster["results"][0]["result"].as<std::string>() == "warn");
  CHECK(cluster["results"][0]["resources"][0]["kind"].as<std::string>() == "Node");
  CHECK_FALSE(cluster["results"][0]["resources"][0]["namespace"]);

  const YAML::Node& ns = docs[1];
  CHECK(ns["kind"].as<std::string>() == "PolicyReport");
  CHECK(ns["metadata"]["name"].as<std::string>() == "billet-ml-prod");
  CHECK(ns["metadata"]["namespace"].as<std::string>() == "ml-prod");
  CHECK(ns["metadata"]["labels"]["app.kubernetes.io/managed-by"].as<std::string>() == "billet");
  CHECK(ns["summary"]["pass"].as<int>() == 1);  // counted, not listed
  CHECK(ns["summary"]["fail"].as<int>() == 1);
  REQUIRE(ns["results"].size() == 1);
  const YAML::Node& finding = ns["results"][0];
  CHECK(finding["source"].as<std::string>() == "billet");
  CHECK(finding["policy"].as<std::string>() == "p");
  CHECK(finding["result"].as<std::string>() == "fail");
  CHECK(finding["properties"]["mode"].as<std::string>() == "Audit");
  CHECK(finding["properties"]["requestUid"].as<std::string>() == "uid-a");
  const YAML::Node& res = finding["resources"][0];
  CHECK(res["apiVersion"].as<std::string>() == "apps/v1");
  CHECK(res["kind"].as<std::string>() == "Deployment");
  CHECK(res["name"].as<std::string>() == "a");
  CHECK(res["namespace"].as<std::string>() == "ml-prod");
  CHECK(res["uid"].as<std::string>() == "obj-uid-a");
  CHECK(finding["timestamp"]["seconds"].as<std::int64_t>() > 1'700'000'000);
}

TEST_CASE("PolicyReports carry each policy's severity and category") {
  ReportStore store;
  store.record(
      reply("ml", "pod-a",
            {result("gpu-workloads", "placement", policy::Mode::Audit, policy::Outcome::Fail,
                    "would add", "high", "GPU"),
             result("baseline", "tags", policy::Mode::Warn, policy::Outcome::Warn, "latest", "")}));
  const std::vector<YAML::Node> docs = YAML::LoadAll(store.policyReportYaml());
  REQUIRE(docs.size() == 1);
  std::map<std::string, YAML::Node> byPolicy;
  for (const YAML::Node& r : docs[0]["results"]) byPolicy[r["policy"].as<std::string>()] = r;
  REQUIRE(byPolicy.size() == 2);
  CHECK(byPolicy["gpu-workloads"]["severity"].as<std::string>() == "high");
  CHECK(byPolicy["gpu-workloads"]["category"].as<std::string>() == "GPU");
  CHECK(byPolicy["gpu-workloads"]["message"].as<std::string>() == "would add");
  CHECK(byPolicy["baseline"]["severity"].as<std::string>() == "medium");  // the default
  CHECK_FALSE(byPolicy["baseline"]["category"]);
}

TEST_CASE("reports: a repeated review of one object counts once", "[webhook][reports]") {
  ReportStore store(10, 5, 2);
  auto audit = [](policy::Outcome o, std::string msg = "m") {
    return result("base", "req", policy::Mode::Audit, o, std::move(msg));
  };
  // The same request reviewed twice (an API server retry): one result.
  store.record(reply("ml", "a", {audit(policy::Outcome::Fail, "first")}));
  store.record(reply("ml", "a", {audit(policy::Outcome::Fail, "again")}));
  std::string json = store.json();
  CHECK(json.find("\"summary\":{\"pass\":0,\"fail\":1,") != std::string::npos);
  CHECK(count(json, "\"uid\":") == 1);  // its example replaced, not doubled
  CHECK(json.find("again") != std::string::npos);
  // UPDATEs of one object (its metadata.uid, a new request uid each): the latest result counts.
  AdmissionReply update = reply("ml", "b", {audit(policy::Outcome::Fail)});
  update.objectUid = "obj-b";
  store.record(update);
  update.uid = "uid-b-2";
  update.results = {audit(policy::Outcome::Pass)};
  store.record(update);
  json = store.json();
  CHECK(json.find("\"summary\":{\"pass\":1,\"fail\":1,") != std::string::npos);
  // Different objects count apart; past `objectsPerKey` remembered objects, the oldest counts
  // again (memory stays bounded).
  store.record(reply("ml", "c", {audit(policy::Outcome::Fail)}));
  store.record(reply("ml", "a", {audit(policy::Outcome::Fail)}));
  CHECK(store.json().find("\"summary\":{\"pass\":1,\"fail\":3,") != std::string::npos);
}

TEST_CASE("reports: strings a client sends are truncated, the store and its output bounded",
          "[webhook][reports]") {
  // Before: 40 requests with a 4 MB name in distinct namespaces held 395 MB and the
  // PolicyReports came to 344 MB.
  ReportStore store;
  const std::string huge(4 << 20, 'x');
  const std::string hugeMessage(4 << 20, 'm');
  for (int i = 0; i < 40; ++i) {
    const std::string distinct = std::to_string(i) + huge;  // distinct even when cut
    AdmissionReply r =
        reply(distinct, huge,
              {result("p", "r", policy::Mode::Audit, policy::Outcome::Fail, hugeMessage)});
    r.uid = distinct;
    r.kind = huge;
    r.apiVersion = huge;
    r.objectUid = distinct;
    store.record(r);
  }
  CHECK(store.keys() == 40);
  CHECK(store.bytes() < 40 * 8 * 1024);
  const std::string json = store.json();
  CHECK(json.size() < 40 * 8 * 1024);
  CHECK(json.find(std::string(ReportStore::kMaxName + 1, 'x')) == std::string::npos);
  CHECK(json.find(std::string(ReportStore::kMaxMessage + 1, 'm')) == std::string::npos);
  CHECK(json.find("xxx\xe2\x80\xa6\"") != std::string::npos);  // cut, and says so
  const std::string yaml = store.policyReportYaml();
  CHECK(yaml.size() < 40 * 8 * 1024);
  CHECK(YAML::LoadAll(yaml).size() == 40);
}

TEST_CASE("reports: a multi-byte character is never split", "[webhook][reports]") {
  ReportStore store;
  std::string msg;
  for (int i = 0; i < 2000; ++i) msg += "\xc3\xa9";  // é
  store.record(
      reply("ml", "a", {result("p", "r", policy::Mode::Audit, policy::Outcome::Fail, msg)}));
  const std::string json = store.json();
  const std::size_t at = json.find("\"message\":\"") + 11;
  const std::size_t end = json.find('"', at);
  const std::string kept = json.substr(at, end - at);
  CHECK(kept.size() <= ReportStore::kMaxMessage);
  CHECK(kept.substr(kept.size() - 5) == "\xc3\xa9\xe2\x80\xa6");
}

TEST_CASE(
    "reports: past maxBytes new keys are dropped, past maxOutputBytes examples are not listed",
    "[webhook][reports]") {
  ReportStore store(10'000, 5, 128, 64 * 1024, 8 * 1024);
  const std::string msg(ReportStore::kMaxMessage, 'm');
  for (int i = 0; i < 1000; ++i)
    store.record(reply("ns" + std::to_string(i), "obj" + std::to_string(i),
                       {result("p", "r", policy::Mode::Audit, policy::Outcome::Fail, msg)}));
  CHECK(store.bytes() <= 64 * 1024);
  CHECK(store.keys() < 1000);
  const std::string json = store.json();
  CHECK(json.find("\"dropped\":" + std::to_string(1000 - store.keys())) != std::string::npos);
  CHECK(json.find("\"truncated\":true") != std::string::npos);
  CHECK(json.size() < 8 * 1024 + 200 * store.keys() + 4 * 1024);  // counts stay listed
  const std::vector<YAML::Node> docs = YAML::LoadAll(store.policyReportYaml());
  CHECK(docs.size() == store.keys());
  CHECK(docs.back()["metadata"]["labels"]["billet.dev/truncated"].as<std::string>() == "true");
}

TEST_CASE("reports: set aside and put back, as around a background audit pass that fails",
          "[webhook][reports]") {
  ReportStore store(10, 2, 8);
  auto audit = [](policy::Outcome o, std::string msg) {
    return result("base", "req", policy::Mode::Audit, o, std::move(msg));
  };
  auto objectReply = [&](std::string name, policy::Outcome o, std::string msg) {
    AdmissionReply r = reply("ml", name, {audit(o, std::move(msg))});
    r.objectUid = "obj-" + r.name;
    return r;
  };
  store.record(objectReply("a", policy::Outcome::Fail, "a before"));
  store.record(objectReply("b", policy::Outcome::Fail, "b before"));
  store.record(reply("other", "x", {audit(policy::Outcome::Warn, "x before")}));
  const std::string before = store.json();

  std::unique_ptr<ReportStore> setAside = store.takeAll();
  CHECK(store.keys() == 0);
  CHECK(setAside->json().substr(setAside->json().find(",\"dropped\"")) ==
        before.substr(before.find(",\"dropped\"")));

  // During the pass: a's newer result, and a new object c.
  store.record(objectReply("a", policy::Outcome::Pass, "a during"));
  store.record(objectReply("c", policy::Outcome::Fail, "c during"));
  store.restoreOlder(*setAside);
  CHECK(setAside->keys() == 0);
  CHECK(store.keys() == 2);
  const std::string json = store.json();
  // a counts once, with its newer result; b and c fail: 1 pass, 2 fail in ml.
  CHECK(json.find("\"summary\":{\"pass\":1,\"fail\":2,") != std::string::npos);
  CHECK(json.find("a before") == std::string::npos);
  // Two examples a key: the newest, c's; then b's (a passes now, so it has none).
  CHECK(json.find("c during") != std::string::npos);
  CHECK(json.find("b before") != std::string::npos);
  // The namespace only the older store had is back.
  CHECK(json.find("x before") != std::string::npos);
  // Put back, then b reviewed again: still one result for b.
  store.record(objectReply("b", policy::Outcome::Pass, "b again"));
  CHECK(store.json().find("\"summary\":{\"pass\":2,\"fail\":1,") != std::string::npos);
}

TEST_CASE("reports: what is put back stays within the byte bound", "[webhook][reports]") {
  ReportStore store(100, 5, 8, 6000);
  for (int i = 0; i < 5; ++i)
    store.record(reply("ml", "old-" + std::to_string(i),
                       {result("base", "req", policy::Mode::Audit, policy::Outcome::Fail,
                               std::string(500, 'o'))}));
  std::unique_ptr<ReportStore> setAside = store.takeAll();
  for (int i = 0; i < 5; ++i)
    store.record(reply("ml", "new-" + std::to_string(i),
                       {result("base", "other", policy::Mode::Audit, policy::Outcome::Fail,
                               std::string(500, 'n'))}));
  const std::size_t eachAlone = store.bytes();
  CHECK(eachAlone > 3000);
  store.restoreOlder(*setAside);
  CHECK(store.bytes() <= 6000);
  // Counts are never dropped, only examples.
  CHECK(count(store.json(), "\"fail\":5") == 2);
}
