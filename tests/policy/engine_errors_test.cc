// The engine's errors as values (SPEC §4.8) and the per-request deadline (EvalOptions::deadline):
// a rule that cannot apply reports error and leaves nothing of itself while the other rules go
// on; request fields of any type yield results, never an exception; past the deadline the rules
// left report "deadline exceeded" and evaluationErrors decide the answer.
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "admission/evaluation.h"
#include "base/files.h"
#include "json/parse.h"
#include "json/patch.h"
#include "json/write.h"
#include "policy/checks.h"
#include "policy/compiled.h"
#include "policy/engine.h"
#include "policy/policy_set.h"

using namespace billet::policy;
using billet::json::Value;
using Clock = std::chrono::steady_clock;
namespace admission = billet::admission;

namespace {

const std::string kRoot = BILLET_SOURCE_DIR;

Value parse(const std::string& text) {
  auto r = billet::json::parse(text);
  INFO(r.error);
  REQUIRE(r.ok());
  return std::move(r.value);
}

std::shared_ptr<const PolicySet> load(const std::string& text) {
  LoadResult r = loadPoliciesFromText("p.yaml", text);
  for (const LoadError& e : r.errors) UNSCOPED_INFO(e.format());
  REQUIRE(r.ok());
  return r.set;
}

AdmissionRequest request(const std::string& group, const std::string& kind, const Value& object) {
  AdmissionRequest req;
  req.uid = "u";
  req.group = group;
  req.version = "v1";
  req.kind = kind;
  req.namespace_ = "ml";
  req.name = "x";
  req.object = &object;
  return req;
}

// "policy/rule: outcome message" per result, in order: what a failure prints.
std::string describe(const std::vector<RuleResult>& results) {
  std::string out;
  for (const RuleResult& r : results)
    out += r.policy + "/" + r.rule + ": " + std::string(name(r.outcome)) + " " + r.message + "\n";
  return out;
}

const RuleResult& resultOf(const std::vector<RuleResult>& results, const std::string& id) {
  for (const RuleResult& r : results)
    if (r.policy + "/" + r.rule == id) return r;
  FAIL("no result for " << id << " in\n" << describe(results));
  static const RuleResult kNone;
  return kNone;
}

const char* kBrokenPatch = R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: a-first}
spec:
  match: {kinds: [Pod]}
  rules:
    - name: append-toleration
      mutate:
        patch: [{op: add, path: /spec/tolerations/-, value: {key: a, operator: Exists}}]
    - name: label
      mutate: {labels: {team: ml}}
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: b-broken}
spec:
  match: {kinds: [Pod]}
  rules:
    - name: half
      mutate:
        labels: {half: applied}
        patch: [{op: replace, path: /spec/doesNotExist, value: 1}]
    - name: after
      mutate: {annotations: {after: "yes"}}
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: c-last}
spec:
  match: {kinds: [Pod]}
  rules:
    - name: selector
      mutate: {nodeSelector: {pool: gpu}}
)";

const char* kPod = R"({"apiVersion": "v1", "kind": "Pod",
  "metadata": {"name": "x", "namespace": "ml"},
  "spec": {"tolerations": [], "containers": [{"name": "c", "image": "registry.example/c:1"}]}})";

}  // namespace

TEST_CASE("engine errors: a patch that cannot apply is an error, the other rules apply once") {
  auto set = load(kBrokenPatch);
  Value pod = parse(kPod);
  AdmissionRequest req = request("", "Pod", pod);
  MutateOutcome m = mutate(*set, req, {});
  INFO(describe(m.results));
  REQUIRE(m.results.size() == 5);
  CHECK(resultOf(m.results, "a-first/append-toleration").outcome == Outcome::Pass);
  CHECK(resultOf(m.results, "a-first/label").outcome == Outcome::Pass);
  const RuleResult& half = resultOf(m.results, "b-broken/half");
  CHECK(half.outcome == Outcome::Error);
  CHECK(half.message == "patch: op 0 (replace /spec/doesNotExist): path not found");
  CHECK(resultOf(m.results, "b-broken/after").outcome == Outcome::Pass);
  CHECK(resultOf(m.results, "c-last/selector").outcome == Outcome::Pass);
  CHECK_FALSE(m.denied);  // evaluationErrors.mutate: Allow by default

  // The object: each working rule's change once (the appending patch is not idempotent, so a
  // rule run twice would show), and nothing of `half`: neither its label nor its patch.
  Value want = parse(R"({"apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "x", "namespace": "ml", "labels": {"team": "ml"},
                 "annotations": {"after": "yes"}},
    "spec": {"tolerations": [{"key": "a", "operator": "Exists"}],
             "containers": [{"name": "c", "image": "registry.example/c:1"}],
             "nodeSelector": {"pool": "gpu"}}})");
  INFO(billet::json::write(m.object));
  CHECK(m.object == want);

  // Through the one evaluation path: the same patch, allowed.
  admission::Evaluation e = admission::evaluate(*set, req, admission::Stages::kMutate);
  CHECK(e.mutate.allowed);
  CHECK(e.object == want);
  CHECK(e.mutate.patch == billet::json::write(billet::json::diff(pod, want)));
}

TEST_CASE("engine errors: with evaluationErrors.mutate Deny a failing patch refuses the request") {
  auto set = load(std::string(kBrokenPatch) + R"(
---
apiVersion: billet.dev/v1alpha1
kind: Settings
metadata: {name: billet}
spec:
  evaluationErrors: {mutate: Deny}
)");
  Value pod = parse(kPod);
  MutateOutcome m = mutate(*set, request("", "Pod", pod), {});
  CHECK(m.denied);
  CHECK(
      m.denyMessage ==
      "b-broken/half: evaluation error: patch: op 0 (replace /spec/doesNotExist): path not found");
}

TEST_CASE("engine errors: a rule failing on a later pod template leaves no template changed") {
  // The move succeeds on the first worker group (x exists) and fails on the second (x was
  // moved): the labels the rule set on the first group, and the move, are undone.
  auto set = load(R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: groups}
spec:
  match: {kinds: [RayCluster]}
  rules:
    - name: label-and-move
      mutate:
        labels: {tier: gpu}
        patch: [{op: move, from: /metadata/annotations/x, path: /metadata/annotations/y}]
    - name: after
      mutate: {nodeSelector: {pool: gpu}}
)");
  Value ray = parse(R"({"apiVersion": "ray.io/v1", "kind": "RayCluster",
    "metadata": {"name": "x", "namespace": "ml", "annotations": {"x": "1"}},
    "spec": {"workerGroupSpecs": [
      {"groupName": "a", "template": {"spec": {"containers": [{"name": "w", "image": "r:1"}]}}},
      {"groupName": "b", "template": {"spec": {"containers": [{"name": "w", "image": "r:1"}]}}}]}})");
  MutateOutcome m = mutate(*set, request("ray.io", "RayCluster", ray), {});
  INFO(describe(m.results));
  const RuleResult& failed = resultOf(m.results, "groups/label-and-move");
  CHECK(failed.outcome == Outcome::Error);
  CHECK(failed.message.rfind("spec.workerGroupSpecs[groupName=b].template: patch: op 0", 0) == 0);
  CHECK(resultOf(m.results, "groups/after").outcome == Outcome::Pass);
  // Only `after`'s node selectors, on both groups.
  Value want = ray;
  for (Value& g : want["spec"]["workerGroupSpecs"].asArray())
    g["template"]["spec"]["nodeSelector"].set("pool", Value::string("gpu"));
  INFO(billet::json::write(m.object));
  CHECK(m.object == want);
}

namespace {

// Every mutate action, check and generator of the engine, each over request fields.
const char* kEverything = R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: all}
spec:
  match: {kinds: [Pod, Deployment], labels: {matchExpressions: [{key: app, operator: NotIn, values: [none]}]}}
  rules:
    - name: placement
      mutate:
        tolerations: [{key: gpu, operator: Exists, effect: NoSchedule}]
        nodeSelector: {pool: gpu}
        nodeAffinity:
          required: [{key: zone, operator: In, values: [a]}]
          preferred: [{weight: 5, expr: {key: disk, operator: In, values: [ssd]}}]
    - name: spread
      mutate: {antiAffinity: {mode: preferred}, topologySpread: {}}
    - name: metadata
      mutate: {labels: {team: ml}, annotations: {note: "yes"}}
    - name: resources
      mutate:
        resources: {requests: {cpu: 100m, memory: 1Gi}, limitsFromRequests: true}
    - name: set
      mutate:
        set:
          - {path: 'pod.containers[*].securityContext.runAsNonRoot', value: true}
          - {path: 'object.metadata.annotations.seen', value: "1"}
    - name: require
      validate:
        message: 'container "{container}" in {name}: {value}'
        require:
          - {path: 'pod.containers[*].resources.limits.cpu', op: LessOrEqual, value: "4"}
          - {path: 'podMetadata.labels.app', op: Exists}
    - name: deny
      validate:
        deny: [{path: 'pod.containers[*].image', op: Matches, value: ':latest$'}]
    - name: foreach
      validate:
        forEach:
          - path: 'pod.allContainers[*].env[*]'
            deny: [{path: element.name, op: Equals, value: SECRET}]
    - name: builtins
      validate:
        requireResources: {requests: [cpu], limits: [memory]}
        maxResources: {cpu: "8"}
        allowedRegistries: [registry.example/*]
        forbidLatestTag: true
        minReplicas: 2
        minStartupSeconds: 60
    - name: guaranteed
      validate: {guaranteedQoS: true}
    - name: pdb
      generate: {podDisruptionBudget: {minAvailable: 1}}
)";

// A Deployment that every rule above reads, as JSON.
const char* kDeployment = R"({"apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "web", "namespace": "ml", "labels": {"app": "web"}},
  "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
    "template": {"metadata": {"labels": {"app": "web"}},
      "spec": {"nodeSelector": {"a": "b"}, "tolerations": [{"key": "k"}],
        "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
          {"nodeSelectorTerms": [{"matchExpressions": [{"key": "z", "operator": "In"}]}]}}},
        "volumes": [{"name": "v", "emptyDir": {}}],
        "containers": [{"name": "c", "image": "registry.example/c:1",
          "env": [{"name": "A", "value": "1"}],
          "livenessProbe": {"periodSeconds": 10},
          "resources": {"requests": {"cpu": "1"}, "limits": {"cpu": "2", "memory": "1Gi"}}}]}}}})";

// Each member path of `v` (objects and arrays, as JSON Pointers), with `v` itself as "".
void collectPointers(const Value& v, const std::string& at, std::vector<std::string>& out) {
  out.push_back(at);
  if (const billet::json::Object* o = v.ifObject())
    for (const billet::json::Member& m : *o) collectPointers(m.value, at + "/" + m.key.str(), out);
  if (const billet::json::Array* a = v.ifArray())
    for (std::size_t i = 0; i < a->size(); ++i)
      collectPointers((*a)[i], at + "/" + std::to_string(i), out);
}

// The whole path: mutate, validate of the mutated object, generate; directly and through
// admission::evaluate. Returns the number of results.
std::size_t evaluateAll(const PolicySet& set, const AdmissionRequest& req) {
  MutateOutcome m = mutate(set, req, {});
  AdmissionRequest next = req;
  next.object = &m.object;
  ValidateOutcome v = validate(set, next, {});
  GenerateOutcome g = generate(set, next, {});
  admission::Evaluation e = admission::evaluate(set, req, admission::Stages::kAll);
  CHECK(e.results.size() == m.results.size() + v.results.size() + g.results.size());
  return e.results.size();
}

}  // namespace

TEST_CASE("engine errors: a match or exclude `when` that cannot be evaluated is an error") {
  // SPEC §3.2: an ordering operand that is not a number or quantity makes the condition false
  // and is reported as an error result, in match and exclude blocks as anywhere else.
  auto set = load(R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: by-policy}
spec:
  match:
    kinds: [Pod]
    when: [{path: 'object.metadata.annotations["gpu-count"]', op: GreaterThan, value: 1}]
  rules:
    - name: label
      mutate: {labels: {many: gpus}}
    - name: check
      validate: {forbidLatestTag: true}
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: by-rule}
spec:
  match: {kinds: [Pod]}
  rules:
    - name: excluded
      exclude:
        when: [{path: 'object.metadata.annotations["gpu-count"]', op: LessThan, value: 1}]
      mutate: {annotations: {checked: "yes"}}
    - name: other
      mutate: {nodeSelector: {pool: gpu}}
)");
  auto podWith = [](const std::string& count) {
    return parse(R"({"apiVersion": "v1", "kind": "Pod",
      "metadata": {"name": "x", "namespace": "ml", "annotations": {"gpu-count": ")" +
                 count + R"("}},
      "spec": {"containers": [{"name": "c", "image": "registry.example/c:1"}]}})");
  };
  const std::string why =
      "when: object.metadata.annotations[\"gpu-count\"]: many is not a "
      "number or quantity";

  Value pod = podWith("many");
  AdmissionRequest req = request("", "Pod", pod);
  MutateOutcome m = mutate(*set, req, {});
  INFO(describe(m.results));
  CHECK(resultOf(m.results, "by-policy/label").outcome == Outcome::Error);
  CHECK(resultOf(m.results, "by-policy/label").message == why);
  CHECK(resultOf(m.results, "by-rule/excluded").outcome == Outcome::Error);
  CHECK(resultOf(m.results, "by-rule/excluded").message == why);
  CHECK(resultOf(m.results, "by-rule/other").outcome == Outcome::Pass);
  CHECK_FALSE(m.denied);  // evaluationErrors.mutate: Allow by default
  // Nothing of the rules in error: only `other`'s node selector.
  Value want = pod;
  want["spec"]["nodeSelector"].set("pool", Value::string("gpu"));
  CHECK(m.object == want);

  // Validate: the error denies (evaluationErrors.validate: Deny by default, the rule Enforce).
  ValidateOutcome v = validate(*set, req, {});
  INFO(describe(v.results));
  CHECK(resultOf(v.results, "by-policy/check").outcome == Outcome::Error);
  CHECK_FALSE(v.allowed());
  CHECK(v.denials == std::vector<std::string>{"by-policy/check: evaluation error: " + why});

  // A number: the conditions decide as usual.
  Value three = podWith("3");
  MutateOutcome ok = mutate(*set, request("", "Pod", three), {});
  INFO(describe(ok.results));
  CHECK(resultOf(ok.results, "by-policy/label").outcome == Outcome::Pass);
  CHECK(resultOf(ok.results, "by-rule/excluded").outcome == Outcome::Pass);
  Value one = podWith("0");
  MutateOutcome skipped = mutate(*set, request("", "Pod", one), {});
  CHECK(resultOf(skipped.results, "by-policy/label").outcome == Outcome::Skip);
  CHECK(resultOf(skipped.results, "by-rule/excluded").outcome == Outcome::Skip);
}

TEST_CASE("engine errors: a `when` error on a later pod template undoes the rule on the first") {
  // The rule's match reads each worker group's own annotation: a number on the first group (the
  // rule runs there), not one on the second (an error). Nothing of the rule stays.
  auto set = load(R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: groups}
spec:
  match: {kinds: [RayCluster]}
  rules:
    - name: big
      match:
        when: [{path: 'podMetadata.annotations["gpus"]', op: GreaterThan, value: 1}]
      mutate: {nodeSelector: {pool: big}}
    - name: after
      mutate: {labels: {seen: "yes"}}
)");
  Value ray = parse(R"({"apiVersion": "ray.io/v1", "kind": "RayCluster",
    "metadata": {"name": "x", "namespace": "ml"},
    "spec": {"workerGroupSpecs": [
      {"groupName": "a", "template": {"metadata": {"annotations": {"gpus": "4"}},
                                      "spec": {"containers": [{"name": "w", "image": "r:1"}]}}},
      {"groupName": "b", "template": {"metadata": {"annotations": {"gpus": "many"}},
                                      "spec": {"containers": [{"name": "w", "image": "r:1"}]}}}]}})");
  MutateOutcome m = mutate(*set, request("ray.io", "RayCluster", ray), {});
  INFO(describe(m.results));
  const RuleResult& big = resultOf(m.results, "groups/big");
  CHECK(big.outcome == Outcome::Error);
  CHECK(big.message.find("gpus") != std::string::npos);
  CHECK(big.message.find("many is not a number or quantity") != std::string::npos);
  CHECK(resultOf(m.results, "groups/after").outcome == Outcome::Pass);
  Value want = ray;
  for (Value& g : want["spec"]["workerGroupSpecs"].asArray())
    g["template"]["metadata"]["labels"].set("seen", Value::string("yes"));
  INFO(billet::json::write(m.object));
  CHECK(m.object == want);  // no nodeSelector on group a
}

namespace {

// Parts that throw, as a bug would (billet's own report errors as values): SPEC §4.8 says the
// exception never escapes, the rule reports error.
class ThrowingAction final : public MutateAction {
 public:
  void apply(MutateContext& ctx) const override {
    ctx.object["metadata"]["labels"].set("half", Value::string("done"));  // a change, then
    throw std::runtime_error("action broke");
  }
};
class ThrowingCheck final : public Check {
 public:
  void check(ValidateContext&, std::vector<Violation>&) const override {
    throw std::length_error("check broke");
  }
};
class ThrowingGenerator final : public Generator {
 public:
  GeneratorResult generate(const AdmissionRequest&, const Value&) const override {
    throw std::bad_alloc();
  }
};

// The loaded set's rule `policy/rule`, to give it a part that throws (the set is built mutable
// and shared as const: changing it before any evaluation is safe).
Rule& ruleOf(const PolicySet& set, const std::string& policy, const std::string& rule) {
  for (const CompiledPolicy& p : set.policies)
    for (const Rule& r : p.rules)
      if (p.name == policy && r.name == rule) return const_cast<Rule&>(r);
  FAIL("no rule " << policy << "/" << rule);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("engine errors: an exception inside a rule is the rule's error (SPEC §4.8)") {
  auto set = load(R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: a}
spec:
  match: {kinds: [Pod]}
  rules:
    - name: before
      mutate: {annotations: {before: "yes"}}
    - name: throws
      mutate: {labels: {first: action}}
    - name: after
      mutate: {nodeSelector: {pool: gpu}}
    - name: checks
      validate: {forbidLatestTag: true}
    - name: checks-after
      validate: {forbidLatestTag: true}
    - name: pdb
      generate: {podDisruptionBudget: {minAvailable: 1}}
)");
  ruleOf(*set, "a", "throws").actions.push_back(std::make_unique<ThrowingAction>());
  ruleOf(*set, "a", "checks").checks.push_back(std::make_unique<ThrowingCheck>());
  Value pod = parse(kPod);
  AdmissionRequest req = request("", "Pod", pod);

  MutateOutcome m = mutate(*set, req, {});
  INFO(describe(m.results));
  REQUIRE(m.results.size() == 3);
  CHECK(resultOf(m.results, "a/before").outcome == Outcome::Pass);
  CHECK(resultOf(m.results, "a/throws").outcome == Outcome::Error);
  CHECK(resultOf(m.results, "a/throws").message == "internal error: action broke");
  CHECK(resultOf(m.results, "a/after").outcome == Outcome::Pass);
  CHECK_FALSE(m.denied);
  // Nothing of the rule that threw (neither its label nor the one its first action set), the
  // others' changes once.
  Value want = pod;
  want["metadata"]["annotations"].set("before", Value::string("yes"));
  want["spec"]["nodeSelector"].set("pool", Value::string("gpu"));
  INFO(billet::json::write(m.object));
  CHECK(m.object == want);

  ValidateOutcome v = validate(*set, req, {});
  INFO(describe(v.results));
  CHECK(resultOf(v.results, "a/checks").outcome == Outcome::Error);
  CHECK(resultOf(v.results, "a/checks").message == "internal error: check broke");
  CHECK(resultOf(v.results, "a/checks-after").outcome == Outcome::Pass);
  CHECK(v.denials ==
        std::vector<std::string>{"a/checks: evaluation error: internal error: check broke"});

  // A generator that throws: its rule's error, nothing generated.
  ruleOf(*set, "a", "pdb").generator = std::make_unique<ThrowingGenerator>();
  GenerateOutcome g = generate(*set, req, {});
  INFO(describe(g.results));
  CHECK(resultOf(g.results, "a/pdb").outcome == Outcome::Error);
  CHECK(resultOf(g.results, "a/pdb").message == "internal error: out of memory");
  CHECK(g.generated.empty());

  // Through the one evaluation path: the patch without the rule, the request denied by the
  // validate error (evaluationErrors.validate: Deny).
  admission::Evaluation e = admission::evaluate(*set, req, admission::Stages::kAll);
  CHECK(e.mutate.patch == billet::json::write(billet::json::diff(pod, want)));
  CHECK_FALSE(e.validate.allowed);
}

TEST_CASE("engine errors: request fields of a wrong type yield results, never an exception") {
  auto set = load(kEverything);
  const Value deployment = parse(kDeployment);
  {
    AdmissionRequest req = request("apps", "Deployment", deployment);
    admission::Evaluation e = admission::evaluate(*set, req, admission::Stages::kAll);
    INFO(describe(e.results));
    CHECK(resultOf(e.results, "all/placement").outcome == Outcome::Pass);
    CHECK(resultOf(e.results, "all/pdb").outcome == Outcome::Pass);
  }

  // Every field of the Deployment, in turn, replaced by a value of each type.
  std::vector<std::string> pointers;
  collectPointers(deployment, "", pointers);
  const std::vector<Value> replacements = {Value::string("text"),
                                           Value::number(7),
                                           Value::boolean(true),
                                           Value::null(),
                                           Value::array({Value::string("a")}),
                                           Value::object()};
  std::size_t runs = 0;
  for (const std::string& pointer : pointers) {
    if (pointer.empty()) continue;
    for (const Value& replacement : replacements) {
      Value object = deployment;
      Value patch = Value::array();
      Value op = Value::object();
      op.set("op", Value::string("replace"));
      op.set("path", Value::string(pointer));
      op.set("value", replacement);
      patch.push(std::move(op));
      REQUIRE(billet::json::apply(object, patch).empty());
      AdmissionRequest req = request("apps", "Deployment", object);
      INFO(pointer << " = " << billet::json::write(replacement));
      std::size_t results = 0;
      CHECK_NOTHROW(results = evaluateAll(*set, req));
      CHECK(results > 0);
      ++runs;
    }
  }
  CHECK(runs > 200);

  // The cases of the issue, as a Pod: spec.containers a string, metadata.labels a list, an image
  // a number. Each rule reports an outcome; none of these is an evaluation error.
  for (const char* text : {
           R"({"kind": "Pod", "metadata": {"name": "p", "labels": {"app": "x"}},
               "spec": {"containers": "nginx"}})",
           R"({"kind": "Pod", "metadata": {"name": "p", "labels": ["app", "x"]},
               "spec": {"containers": [{"name": "c", "image": "registry.example/c:1"}]}})",
           R"({"kind": "Pod", "metadata": {"name": "p", "labels": {"app": "x"}},
               "spec": {"containers": [{"name": "c", "image": 5}]}})",
       }) {
    Value pod = parse(text);
    AdmissionRequest req = request("", "Pod", pod);
    admission::Evaluation e;
    CHECK_NOTHROW(e = admission::evaluate(*set, req, admission::Stages::kAll));
    INFO(text << "\n" << describe(e.results));
    CHECK_FALSE(e.results.empty());
    for (const RuleResult& r : e.results) CHECK(r.outcome != Outcome::Error);
  }
  // An image that is a number is no image: not from an allowed registry.
  Value numbered = parse(R"({"kind": "Pod", "metadata": {"name": "p", "labels": {"app": "x"}},
      "spec": {"containers": [{"name": "c", "image": 5}]}})");
  ValidateOutcome v = validate(*set, request("", "Pod", numbered), {});
  INFO(describe(v.results));
  CHECK(resultOf(v.results, "all/builtins")
            .message.find("container \"c\" image \"\" is not from an allowed registry") !=
        std::string::npos);
}

TEST_CASE("engine errors: the bundled pack on wrong-typed fields yields results") {
  LoadResult loaded = loadPolicies(billet::base::readTextFiles({kRoot + "/manifests/policies"}));
  REQUIRE(loaded.ok());
  const Value deployment = parse(kDeployment);
  std::vector<std::string> pointers;
  collectPointers(deployment, "", pointers);
  for (const std::string& pointer : pointers) {
    if (pointer.empty()) continue;
    for (const Value& replacement : {Value::string("text"), Value::number(7), Value::object(),
                                     Value::array({Value::number(1)})}) {
      Value object = deployment;
      Value patch = Value::array();
      Value op = Value::object();
      op.set("op", Value::string("replace"));
      op.set("path", Value::string(pointer));
      op.set("value", replacement);
      patch.push(std::move(op));
      REQUIRE(billet::json::apply(object, patch).empty());
      INFO(pointer << " = " << billet::json::write(replacement));
      std::size_t results = 0;
      CHECK_NOTHROW(results = evaluateAll(*loaded.set, request("apps", "Deployment", object)));
      CHECK(results > 0);
    }
  }
}

TEST_CASE("engine errors: past the deadline every rule left reports deadline exceeded") {
  auto set = load(kEverything);
  const Value deployment = parse(kDeployment);
  AdmissionRequest req = request("apps", "Deployment", deployment);
  EvalOptions late;
  late.deadline = Clock::now() - std::chrono::seconds(1);

  MutateOutcome m = mutate(*set, req, late);
  INFO(describe(m.results));
  REQUIRE(m.results.size() == 5);
  for (const RuleResult& r : m.results) {
    CHECK(r.outcome == Outcome::Error);
    CHECK(r.message == "deadline exceeded");
  }
  CHECK(m.object == deployment);  // no rule ran
  CHECK_FALSE(m.denied);          // evaluationErrors.mutate: Allow

  ValidateOutcome v = validate(*set, req, late);
  INFO(describe(v.results));
  REQUIRE(v.results.size() == 5);
  for (const RuleResult& r : v.results) CHECK(r.message == "deadline exceeded");
  // evaluationErrors.validate: Deny (the default): every Enforce rule denies.
  CHECK_FALSE(v.allowed());
  REQUIRE(v.denials.size() == 5);
  CHECK(v.denials[0] == "all/require: evaluation error: deadline exceeded");

  GenerateOutcome g = generate(*set, req, late);
  REQUIRE(g.results.size() == 1);
  CHECK(g.results[0].outcome == Outcome::Error);
  CHECK(g.generated.empty());

  // The server's path: /mutate allows without a patch, /validate denies.
  admission::Evaluation e = admission::evaluate(*set, req, admission::Stages::kAll, late);
  CHECK(e.mutate.allowed);
  CHECK(e.mutate.patchOperations == 0);
  CHECK(e.mutate.patch == "[]");
  CHECK_FALSE(e.validate.allowed);
  CHECK(e.validate.message.rfind("all/require: evaluation error: deadline exceeded; ", 0) == 0);
  CHECK(e.generated.empty());
}

TEST_CASE("engine errors: past the deadline evaluationErrors decide the answer") {
  auto set = load(std::string(kEverything) + R"(
---
apiVersion: billet.dev/v1alpha1
kind: Settings
metadata: {name: billet}
spec:
  evaluationErrors: {mutate: Deny, validate: Allow}
)");
  const Value deployment = parse(kDeployment);
  AdmissionRequest req = request("apps", "Deployment", deployment);
  EvalOptions late;
  late.deadline = Clock::now() - std::chrono::seconds(1);
  admission::Evaluation e = admission::evaluate(*set, req, admission::Stages::kAll, late);
  CHECK_FALSE(e.mutate.allowed);
  CHECK(e.mutate.message.rfind("all/placement: evaluation error: deadline exceeded; ", 0) == 0);
  CHECK(e.validate.allowed);
  for (const RuleResult& r : e.results) CHECK(r.outcome == Outcome::Error);
}

TEST_CASE("engine errors: a deadline not yet reached changes nothing") {
  auto set = load(kEverything);
  const Value deployment = parse(kDeployment);
  AdmissionRequest req = request("apps", "Deployment", deployment);
  EvalOptions later;
  later.deadline = Clock::now() + std::chrono::hours(1);
  admission::Evaluation with = admission::evaluate(*set, req, admission::Stages::kAll, later);
  admission::Evaluation without = admission::evaluate(*set, req, admission::Stages::kAll);
  CHECK(describe(with.results) == describe(without.results));
  CHECK(with.mutate.patch == without.mutate.patch);
  CHECK(with.validate.message == without.validate.message);
  CHECK(with.validate.warnings == without.validate.warnings);
}

TEST_CASE("engine errors: checks stop between containers once the deadline has passed") {
  Value pod = parse(R"({"spec": {"containers": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}})");
  const Value& spec = *pod.find("spec");
  AdmissionRequest req = request("", "Pod", pod);
  Settings settings;
  PathRoots roots;
  roots.object = &pod;
  roots.pod = &spec;
  roots.podLayout = &standardPodLayout();
  auto check = makeRequireResources({"cpu"}, {});

  Deadline none(std::nullopt);
  ValidateContext open{req, settings, pod, roots, {}, &none};
  std::vector<Violation> all;
  check->check(open, all);
  CHECK(open.error.empty());
  CHECK(all.size() == 3);

  Deadline passed(Clock::now() - std::chrono::milliseconds(1));
  ValidateContext late{req, settings, pod, roots, {}, &passed};
  std::vector<Violation> some;
  check->check(late, some);
  CHECK(late.error == "deadline exceeded");
  CHECK(some.empty());
}

TEST_CASE("the deadline's clock: every sixteenth question, every one once the budget is spent") {
  // A deadline 100 ms away. Given an unknown budget, the clock is read at the first question
  // and then at every sixteenth: past the deadline, the next fifteen still answer no.
  const auto soon = Clock::now() + std::chrono::milliseconds(100);
  Deadline strided(soon);
  CHECK_FALSE(strided.passed());
  // The same deadline for a request given 10 s: more than a sixteenth of it is spent, so every
  // question reads the clock (a large request, the work between two questions long).
  Deadline spent(soon, std::chrono::seconds(10));
  CHECK_FALSE(spent.passed());
  std::this_thread::sleep_until(soon + std::chrono::milliseconds(5));
  CHECK(spent.passed());
  for (int i = 2; i <= 16; ++i) CHECK_FALSE(strided.passed());
  CHECK(strided.passed());
  CHECK(strided.passed());  // it stays passed
}
