// Golden cases: tests/golden/<case>/ holds the policies, the input and what billet must answer.
//
//   policy.yaml     the policies (a file; `policies:` in case.yaml may name others)
//   input.yaml      the object under admission (or body.txt: a raw request body; its
//                   expectations: status and reason, or allowed and warnings at /validate)
//   case.yaml       the request and the expectations:
//     operation: CREATE            # default CREATE; UPDATE reads old.yaml as oldObject
//     namespace: ml-prod           # default: the object's, else "default"
//     dryRun: false
//     apiVersion: admission.k8s.io/v1
//     expect:
//       status: 400                # HTTP status of the handler (default 200)
//       reason: "..."              # for 400: a substring of the reason
//       mutated: true|false        # whether /mutate returns a patch
//       mutateAllowed: false       # /mutate refused (evaluation errors with Settings Deny)
//       mutateMessage: "..."       # and its status.message
//       patched: expected.yaml     # the object after APPLYING the returned patch to the input
//       patch: [...]               # optional: the exact operations
//       allowed: true|false        # /validate answer
//       message: "..."             # /validate status.message, exactly
//       warnings: [...]            # /validate warnings, exactly
//       auditAnnotations: {...}
//       results: {policy/rule: pass|fail|warn|skip|error}   # each must be reported so
//       generated: [...]           # objects produced by generate rules
//
// Every case is also checked for idempotence: /mutate on the patched object returns no patch.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "admission/evaluation.h"
#include "admission/review.h"
#include "json/base64.h"
#include "json/parse.h"
#include "json/patch.h"
#include "json/write.h"
#include "json/yaml.h"
#include "policy/policy_set.h"
#include "policy/source.h"

namespace fs = std::filesystem;
using billet::json::Value;
namespace policy = billet::policy;
namespace admission = billet::admission;

namespace {

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Value readYaml(const fs::path& p) {
  std::vector<policy::Document> docs;
  std::vector<policy::LoadError> errors;
  policy::parseDocuments({p.string(), readFile(p), true, {}}, docs, errors);
  REQUIRE(errors.empty());
  REQUIRE(docs.size() == 1);
  return policy::toValue(docs[0].node);
}

std::string review(const Value& object, const Value* oldObject, const Value& c) {
  auto field = [&](const char* k, const char* fallback) {
    const Value* v = c.find(k);
    return v && v->isScalar() ? v->scalarText() : std::string(fallback);
  };
  const Value* meta = object.find("metadata");
  std::string ns = field("namespace", "");
  if (ns.empty() && meta && meta->find("namespace")) ns = meta->find("namespace")->asString();
  std::string kind = object.find("kind") ? std::string(object.find("kind")->asString()) : "";
  if (ns.empty() && kind != "Node") ns = "default";
  std::string apiVersion =
      object.find("apiVersion") ? std::string(object.find("apiVersion")->asString()) : "v1";
  std::string group, version = apiVersion;
  if (auto s = apiVersion.find('/'); s != std::string::npos) {
    group = apiVersion.substr(0, s);
    version = apiVersion.substr(s + 1);
  }
  Value req = Value::object();
  req.set("uid", Value::string("golden-uid"));
  Value& k = req["kind"];
  k.set("group", Value::string(group));
  k.set("version", Value::string(version));
  k.set("kind", Value::string(kind));
  if (meta && meta->find("name")) req.set("name", *meta->find("name"));
  if (!ns.empty()) req.set("namespace", Value::string(ns));
  req.set("operation", Value::string(field("operation", "CREATE")));
  Value& user = req["userInfo"];
  user.set("username", Value::string(field("username", "admin")));
  user.set("groups", Value::array({Value::string("system:authenticated")}));
  req.set("object", object);
  req.set("oldObject", oldObject ? *oldObject : Value());
  req.set("dryRun", Value::boolean(field("dryRun", "false") == "true"));
  Value doc = Value::object();
  doc.set("apiVersion", Value::string(field("apiVersion", "admission.k8s.io/v1")));
  doc.set("kind", Value::string("AdmissionReview"));
  doc.set("request", std::move(req));
  return billet::json::write(doc);
}

Value parseBody(const std::string& body) {
  auto r = billet::json::parse(body);
  REQUIRE(r.ok());
  return r.value;
}

// The patch a /mutate answer carries, as operations (an empty array when there is none).
Value patchOf(const Value& response) {
  const Value* p = billet::json::dig(response, {"response", "patch"});
  if (!p) return Value::array();
  CHECK(billet::json::dig(response, {"response", "patchType"})->asString() == "JSONPatch");
  auto raw = billet::json::base64Decode(p->asString());
  REQUIRE(raw);
  return parseBody(*raw);
}

// `ops` applied to `input` by nlohmann/json's patch(), not billet's json::apply.
nlohmann::json applyIndependently(const Value& input, const Value& ops) {
  nlohmann::json doc = nlohmann::json::parse(billet::json::write(input));
  nlohmann::json patch = nlohmann::json::parse(billet::json::write(ops));
  try {
    return doc.patch(patch);
  } catch (const nlohmann::json::exception& e) {
    FAIL("nlohmann/json cannot apply the patch: " << e.what() << "\npatch: " << patch.dump());
  }
  return {};
}

void checkResults(const Value* expected, const std::vector<policy::RuleResult>& results) {
  if (!expected) return;
  for (const billet::json::Member& m : expected->asObject()) {
    bool found = false;
    for (const policy::RuleResult& r : results) {
      if (r.policy + "/" + r.rule != m.key) continue;
      found = true;
      INFO(m.key.str() << " message: " << r.message);
      CHECK(std::string(policy::name(r.outcome)) == m.value.asString());
    }
    INFO("no result for " << m.key.str());
    CHECK(found);
  }
}

void runCase(const fs::path& dir) {
  Value c = fs::exists(dir / "case.yaml") ? readYaml(dir / "case.yaml") : Value::object();
  const Value empty = Value::object();
  const Value& expect = c.find("expect") ? *c.find("expect") : empty;
  std::vector<std::string> policyFiles;
  if (const Value* ps = c.find("policies"))
    for (const Value& p : ps->asArray()) policyFiles.push_back((dir / p.asString()).string());
  else
    policyFiles.push_back((dir / "policy.yaml").string());
  policy::LoadResult loaded = policy::loadPolicies(billet::base::readTextFiles(policyFiles));
  for (const auto& e : loaded.errors) UNSCOPED_INFO(e.format());
  REQUIRE(loaded.ok());
  const policy::PolicySet& set = *loaded.set;

  int status = expect.find("status") ? std::stoi(expect.find("status")->scalarText()) : 200;
  if (fs::exists(dir / "body.txt")) {
    std::string body = readFile(dir / "body.txt");
    for (auto endpoint : {admission::Endpoint::Mutate, admission::Endpoint::Validate}) {
      admission::AdmissionReply reply = admission::handleReview(set, endpoint, body);
      CHECK(reply.status == status);
      if (const Value* reason = expect.find("reason"))
        CHECK_THAT(reply.body, Catch::Contains(std::string(reason->asString())));
      // A request the input.yaml form cannot carry (a subresource): /mutate never patches it,
      // /validate answers `allowed` and `warnings` as expected.
      if (status != 200) continue;
      Value response = *parseBody(reply.body).find("response");
      CHECK(response.find("uid")->asString() == "golden-uid");
      if (endpoint == admission::Endpoint::Mutate) {
        CHECK_FALSE(response.find("patch"));
        continue;
      }
      if (const Value* allowed = expect.find("allowed"))
        CHECK(response.find("allowed")->asBool() == allowed->asBool());
      if (const Value* warnings = expect.find("warnings")) {
        const Value* got = response.find("warnings");
        INFO("warnings: " << billet::json::write(got ? *got : Value::array()));
        CHECK((got ? *got : Value::array()) == *warnings);
      }
    }
    return;
  }

  Value input = readYaml(dir / "input.yaml");
  std::optional<Value> old;
  if (fs::exists(dir / "old.yaml")) old = readYaml(dir / "old.yaml");
  std::string body = review(input, old ? &*old : nullptr, c);

  // /mutate: apply the returned patch and compare the result.
  admission::AdmissionReply m = admission::handleReview(set, admission::Endpoint::Mutate, body);
  REQUIRE(m.status == status);
  Value mresp = parseBody(m.body);
  CHECK(billet::json::dig(mresp, {"response", "uid"})->asString() == "golden-uid");
  // Answered in the version received.
  const Value* askedVersion = c.find("apiVersion");
  CHECK(mresp.find("apiVersion")->asString() ==
        (askedVersion ? askedVersion->asString() : std::string("admission.k8s.io/v1")));
  CHECK(mresp.find("kind")->asString() == "AdmissionReview");
  if (const Value* ma = expect.find("mutateAllowed"))
    CHECK(billet::json::dig(mresp, {"response", "allowed"})->asBool() == ma->asBool());
  if (const Value* mm = expect.find("mutateMessage")) {
    const Value* got = billet::json::dig(mresp, {"response", "status", "message"});
    REQUIRE(got);
    CHECK(got->asString() == mm->asString());
  }
  Value ops = patchOf(mresp);
  Value patched = input;
  REQUIRE(billet::json::apply(patched, ops) == "");
  if (const Value* mutated = expect.find("mutated")) CHECK((ops.size() > 0) == mutated->asBool());
  // The same patch applied by an independent RFC 6902 implementation gives the same object.
  nlohmann::json independent = applyIndependently(input, ops);
  CHECK(independent == nlohmann::json::parse(billet::json::write(patched)));
  if (const Value* file = expect.find("patched")) {
    Value want = readYaml(dir / file->asString());
    INFO("patch: " << billet::json::write(ops));
    INFO("got:\n" << billet::json::writeYaml(patched));
    CHECK(patched == want);
    CHECK(independent == nlohmann::json::parse(billet::json::write(want)));
  }
  if (const Value* exact = expect.find("patch"))
    CHECK(billet::json::write(ops) == billet::json::write(*exact));
  if (const Value* gen = expect.find("generated")) {
    REQUIRE(m.generated.size() == gen->size());
    for (std::size_t i = 0; i < m.generated.size(); ++i)
      CHECK(m.generated[i].object == gen->asArray()[i]);
  }

  // Idempotence: the policy set applied to its own output changes nothing.
  if (ops.size() > 0) {
    admission::AdmissionReply again = admission::handleReview(
        set, admission::Endpoint::Mutate, review(patched, old ? &*old : nullptr, c));
    Value second = patchOf(parseBody(again.body));
    INFO("second patch: " << billet::json::write(second));
    CHECK(second.size() == 0);
  }

  // /validate sees the final (patched) object, as the API server sends it.
  admission::AdmissionReply v = admission::handleReview(set, admission::Endpoint::Validate,
                                                        review(patched, old ? &*old : nullptr, c));
  REQUIRE(v.status == 200);
  Value vresp = parseBody(v.body);
  if (const Value* allowed = expect.find("allowed"))
    CHECK(billet::json::dig(vresp, {"response", "allowed"})->asBool() == allowed->asBool());
  if (const Value* message = expect.find("message")) {
    const Value* got = billet::json::dig(vresp, {"response", "status", "message"});
    REQUIRE(got);
    CHECK(got->asString() == message->asString());
    CHECK(billet::json::dig(vresp, {"response", "status", "code"})->scalarText() == "403");
  }
  if (const Value* warnings = expect.find("warnings")) {
    const Value* got = billet::json::dig(vresp, {"response", "warnings"});
    INFO("warnings: " << billet::json::write(got ? *got : Value::array()));
    CHECK((got ? *got : Value::array()) == *warnings);
  }
  if (const Value* audit = expect.find("auditAnnotations")) {
    const Value* got = billet::json::dig(vresp, {"response", "auditAnnotations"});
    INFO("auditAnnotations: " << billet::json::write(got ? *got : Value::object()));
    CHECK((got ? *got : Value::object()) == *audit);
  }
  std::vector<policy::RuleResult> all = m.results;
  all.insert(all.end(), v.results.begin(), v.results.end());
  checkResults(expect.find("results"), all);

  // One evaluation path: the whole evaluation that lint, audit and test run (Stages::kAll)
  // answers what /mutate, then /validate of the patched object, answer.
  admission::Review parsed;
  REQUIRE(admission::readReview(body, parsed) == "");
  admission::Evaluation whole = admission::evaluate(set, parsed.request, admission::Stages::kAll);
  CHECK(whole.mutate.allowed == billet::json::dig(mresp, {"response", "allowed"})->asBool());
  CHECK(billet::json::parse(whole.mutate.patch).value == ops);
  CHECK(whole.object == patched);
  CHECK(whole.validate.allowed == billet::json::dig(vresp, {"response", "allowed"})->asBool());
  const Value* vmessage = billet::json::dig(vresp, {"response", "status", "message"});
  CHECK(whole.validate.message == (vmessage ? std::string(vmessage->asString()) : std::string()));
  const Value* vwarnings = billet::json::dig(vresp, {"response", "warnings"});
  CHECK(whole.validate.warnings.size() == (vwarnings ? vwarnings->size() : 0));
  CHECK(whole.validate.auditAnnotations.size() ==
        (billet::json::dig(vresp, {"response", "auditAnnotations"})
             ? billet::json::dig(vresp, {"response", "auditAnnotations"})->size()
             : 0));
  // Results in stage order: mutate and generate from /mutate, validate from /validate.
  std::vector<std::string> endpoints, evaluated;
  auto line = [](const policy::RuleResult& r) {
    return std::string(policy::name(r.stage)) + " " + r.policy + "/" + r.rule + " " +
           std::string(policy::name(r.outcome)) + " " + r.message;
  };
  for (auto stage : {policy::Stage::Mutate, policy::Stage::Validate, policy::Stage::Generate})
    for (const policy::RuleResult& r : stage == policy::Stage::Validate ? v.results : m.results)
      if (r.stage == stage) endpoints.push_back(line(r));
  for (const policy::RuleResult& r : whole.results) evaluated.push_back(line(r));
  CHECK(evaluated == endpoints);
  REQUIRE(whole.generated.size() == m.generated.size());
  for (std::size_t i = 0; i < m.generated.size(); ++i)
    CHECK(whole.generated[i].object == m.generated[i].object);
}

}  // namespace

// ctest runs one case per entry (`-c <case>`, see CMakeLists.txt); without -c, all of them.
TEST_CASE("golden admission cases") {
  fs::path root = fs::path(BILLET_SOURCE_DIR) / "tests" / "golden";
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(root))
    if (e.is_directory()) cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() >= 10);
  for (const fs::path& dir : cases) {
    DYNAMIC_SECTION(dir.filename().string()) {
      runCase(dir);
    }
  }
}
