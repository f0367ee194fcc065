// CLI ≡ cluster: for every object we have — the example manifests under the bundled pack, every
// golden case's input under its own policies (Enforce/Warn/Audit, exceptions, evaluationErrors
// both ways) and the objects of the AdmissionReview fuzz corpus — `lint`'s evaluation equals
// what /mutate answers for its CREATE and /validate for the object /mutate's patch produces.
// The patch is applied by nlohmann/json, an RFC 6902 implementation independent of billet's.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "admission/review.h"
#include "cli/offline.h"
#include "json/base64.h"
#include "json/parse.h"
#include "json/write.h"
#include "kube/kinds.h"
#include "policy/policy_set.h"

namespace fs = std::filesystem;
using billet::json::Value;
namespace admission = billet::admission;
namespace cli = billet::cli;
namespace json = billet::json;
namespace policy = billet::policy;

namespace {

const fs::path kRoot = BILLET_SOURCE_DIR;

std::shared_ptr<const policy::PolicySet> load(const std::vector<std::string>& files) {
  policy::LoadResult loaded = policy::loadPolicies(billet::base::readTextFiles(files));
  for (const auto& e : loaded.errors) UNSCOPED_INFO(e.format());
  REQUIRE(loaded.ok());
  return loaded.set;
}

Value parse(const std::string& text) {
  auto r = json::parse(text);
  REQUIRE(r.ok());
  return r.value;
}

Value patchOf(const Value& response) {
  const Value* p = json::dig(response, {"response", "patch"});
  if (!p) return Value::array();
  auto raw = json::base64Decode(p->asString());
  REQUIRE(raw);
  return parse(*raw);
}

std::string line(const policy::RuleResult& r) {
  return std::string(policy::name(r.stage)) + " " + r.policy + "/" + r.rule + " " +
         std::string(policy::name(r.mode)) + " " + std::string(policy::name(r.outcome)) + " " +
         r.message;
}

// Returns the number of objects compared.
int checkParity(const policy::PolicySet& set, const std::vector<cli::Resource>& resources) {
  const cli::Identity identity;
  int compared = 0;
  for (const cli::Resource& r : resources) {
    INFO(r.file << ":" << r.line << " " << r.id());
    cli::ResourceReport lint = cli::evaluate(set, r, identity);

    std::string body = json::write(cli::admissionReview(r, identity, r.object));
    admission::AdmissionReply m = admission::handleReview(set, admission::Endpoint::Mutate, body);
    REQUIRE(m.status == 200);
    Value mresp = parse(m.body);
    CHECK(m.allowed == !lint.refused);
    Value ops = patchOf(mresp);
    CHECK(ops == lint.patch);
    nlohmann::json patched =
        nlohmann::json::parse(json::write(r.object)).patch(nlohmann::json::parse(json::write(ops)));
    CHECK(patched == nlohmann::json::parse(json::write(lint.patched)));

    std::string again = json::write(cli::admissionReview(r, identity, lint.patched));
    admission::AdmissionReply v =
        admission::handleReview(set, admission::Endpoint::Validate, again);
    REQUIRE(v.status == 200);
    CHECK(v.allowed == !lint.enforceFailure);

    // lint's results, in stage order, are /mutate's mutate results, /validate's, then /mutate's
    // generate results. lint's convergence check may turn a mutate pass into an error: such a
    // rule must be one that /mutate reports as applied.
    std::vector<std::string> endpoints, offline;
    for (auto stage : {policy::Stage::Mutate, policy::Stage::Validate, policy::Stage::Generate})
      for (const policy::RuleResult& x : stage == policy::Stage::Validate ? v.results : m.results)
        if (x.stage == stage) endpoints.push_back(line(x));
    for (const policy::RuleResult& x : lint.results) offline.push_back(line(x));
    REQUIRE(offline.size() == endpoints.size());
    for (std::size_t i = 0; i < offline.size(); ++i) {
      if (lint.results[i].message.rfind("does not converge", 0) == 0) {
        CHECK(endpoints[i].find(" pass ") != std::string::npos);
        continue;
      }
      CHECK(offline[i] == endpoints[i]);
    }
    REQUIRE(lint.generated.size() == m.generated.size());
    for (std::size_t i = 0; i < m.generated.size(); ++i)
      CHECK(lint.generated[i].object == m.generated[i].object);
    ++compared;
  }
  return compared;
}

std::vector<cli::Resource> read(const std::vector<std::string>& paths) {
  cli::LoadedResources in = cli::readResources(paths, cli::Identity{});
  for (const auto& e : in.errors) UNSCOPED_INFO(e.format());
  REQUIRE(in.errors.empty());
  return std::move(in.resources);
}

}  // namespace

TEST_CASE("parity: the example manifests under the bundled pack") {
  auto set = load({(kRoot / "manifests/policies").string()});
  int n = checkParity(*set, read({(kRoot / "manifests/examples").string()}));
  CHECK(n >= 10);
}

TEST_CASE("parity: every golden case's input under its own policies") {
  int n = 0;
  for (const auto& e : fs::directory_iterator(kRoot / "tests/golden")) {
    fs::path input = e.path() / "input.yaml", policies = e.path() / "policy.yaml";
    if (!fs::exists(input) || !fs::exists(policies)) continue;
    DYNAMIC_SECTION(e.path().filename().string()) {
      auto set = load({policies.string()});
      n += checkParity(*set, read({input.string()}));
    }
  }
  CHECK(n > 0);
}

TEST_CASE("parity: the objects of the AdmissionReview fuzz corpus under the bundled pack") {
  auto set = load({(kRoot / "manifests/policies").string()});
  std::vector<cli::Resource> resources;
  for (const auto& e : fs::directory_iterator(kRoot / "fuzz/corpus/admission_review")) {
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    auto doc = json::parse(ss.str());
    if (!doc.ok()) continue;  // the corpus holds broken bodies on purpose
    const Value* object = json::dig(doc.value, {"request", "object"});
    if (!object || !object->isObject()) continue;
    const Value* kind = object->find("kind");
    const Value* apiVersion = object->find("apiVersion");
    const Value* name = json::dig(*object, {"metadata", "name"});
    if (!kind || !kind->isString() || !apiVersion || !apiVersion->isString() || !name ||
        !name->isString())
      continue;
    cli::Resource r;
    r.file = e.path().string();
    r.object = *object;
    r.kind = kind->asString();
    r.apiVersion = apiVersion->asString();
    r.name = name->asString();
    const Value* ns = json::dig(*object, {"metadata", "namespace"});
    r.namespace_ = ns && ns->isString()
                       ? ns->asString()
                       : (billet::kube::isClusterScopedKind(r.kind) ? "" : "default");
    resources.push_back(std::move(r));
  }
  CHECK(checkParity(*set, resources) >= 3);
}
