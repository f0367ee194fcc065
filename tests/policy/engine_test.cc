// The engine called directly (policy/engine.h) on small policy sets: modes, skip reasons,
// exceptions, excluded namespaces, existing violations on UPDATE, and dry runs. Evaluation
// errors and the deadline are tested in engine_errors_test.cc; whole AdmissionReviews in
// tests/golden/.
#include "policy/engine.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "json/parse.h"
#include "json/write.h"
#include "policy/policy_set.h"

using namespace billet::policy;
using billet::json::Value;

namespace {

std::shared_ptr<const PolicySet> load(const std::string& yaml, const LoadOptions& options = {}) {
  LoadResult loaded = loadPoliciesFromText("engine_test.yaml", yaml, options);
  for (const LoadError& e : loaded.errors) UNSCOPED_INFO(e.format());
  REQUIRE(loaded.ok());
  return loaded.set;
}

// A Policy named `name` matching Pods, with `rules` (the YAML list under spec.rules).
std::shared_ptr<const PolicySet> loadPodPolicy(const std::string& name, const std::string& rules) {
  return load("apiVersion: billet.dev/v1alpha1\nkind: Policy\nmetadata: {name: " + name +
              "}\nspec:\n  match: {kinds: [Pod]}\n  rules:\n" + rules);
}

Value json(const std::string& text) {
  auto parsed = billet::json::parse(text);
  INFO(parsed.error);
  REQUIRE(parsed.ok());
  return parsed.value;
}

// A request for `object` (and `old` on UPDATE); it owns what AdmissionRequest borrows.
struct Request {
  Value object, old;
  AdmissionRequest req;

  Request(const std::string& kind, const std::string& ns, const std::string& objectJson,
          Operation op = Operation::Create, const std::string& oldJson = "")
      : object(json(objectJson)), old(oldJson.empty() ? Value() : json(oldJson)) {
    req.uid = "u";
    req.group = kind == "Pod" ? "" : "apps";
    req.version = "v1";
    req.kind = kind;
    req.namespace_ = ns;
    const Value* name = billet::json::dig(object, {"metadata", "name"});
    req.name = name ? std::string(name->asString()) : "";
    req.operation = op;
    req.username = "alice";
    req.object = &object;
    req.oldObject = oldJson.empty() ? nullptr : &old;
  }
  Request(const Request&) = delete;
  Request& operator=(const Request&) = delete;
  const AdmissionRequest& get() const { return req; }
};

// "policy/rule: outcome (message)" per result, in order: what a failure shows whole.
std::vector<std::string> describe(const std::vector<RuleResult>& results) {
  std::vector<std::string> out;
  for (const RuleResult& r : results) {
    std::string line = r.policy + "/" + r.rule + ": " + std::string(name(r.outcome));
    if (!r.message.empty()) line += " (" + r.message + ")";
    out.push_back(std::move(line));
  }
  return out;
}

const char* kPodLatest = R"({"apiVersion": "v1", "kind": "Pod",
  "metadata": {"name": "p", "namespace": "web"},
  "spec": {"containers": [{"name": "web", "image": "nginx"}]}})";

const char* kModes = R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: baseline}
spec:
  mode: Warn
  match: {kinds: [Pod]}
  rules:
    - name: no-latest
      validate: {forbidLatestTag: true}
    - name: requests
      mode: Audit
      validate:
        requireResources: {requests: [cpu, memory], limits: [memory]}
    - name: registries
      mode: Enforce
      validate:
        allowedRegistries: ["docker.io/*"]
    - name: registries-strict
      mode: Enforce
      validate:
        allowedRegistries: ["registry.example.com/*"]
)";

std::string deployment(const std::string& image, int replicas = 3) {
  return R"({"apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "api", "namespace": "apps"},
    "spec": {"replicas": )" +
         std::to_string(replicas) + R"(, "selector": {"matchLabels": {"app": "api"}},
      "template": {"metadata": {"labels": {"app": "api"}},
        "spec": {"containers": [{"name": "api", "image": ")" +
         image + R"("}]}}}})";
}

}  // namespace

TEST_CASE("engine: each mode answers in its own way, the rule's mode overrides the policy's") {
  auto set = load(kModes);
  Request r("Pod", "web", kPodLatest);
  const ValidateOutcome v = validate(*set, r.get(), {});
  CHECK(
      describe(v.results) ==
      std::vector<std::string>{
          R"(baseline/no-latest: warn (container "web" image "nginx" has no tag (latest)))",
          R"(baseline/requests: fail (container "web" must set requests.cpu, requests.memory, limits.memory))",
          "baseline/registries: pass",
          R"(baseline/registries-strict: fail (container "web" image "nginx" is not from an allowed registry))"});
  REQUIRE(v.results.size() == 4);
  CHECK(v.results[0].mode == Mode::Warn);
  CHECK(v.results[1].mode == Mode::Audit);
  CHECK(v.results[2].mode == Mode::Enforce);
  // Enforce denies, Warn warns, Audit annotates; only Enforce blocks.
  CHECK_FALSE(v.allowed());
  CHECK(
      v.denials ==
      std::vector<std::string>{
          R"(baseline/registries-strict: container "web" image "nginx" is not from an allowed registry)"});
  CHECK(v.warnings ==
        std::vector<std::string>{
            R"(baseline/no-latest: container "web" image "nginx" has no tag (latest))"});
  REQUIRE(v.auditAnnotations.size() == 1);
  CHECK(v.auditAnnotations[0].first == "baseline.requests");
  CHECK(v.auditAnnotations[0].second ==
        R"(container "web" must set requests.cpu, requests.memory, limits.memory)");
}

TEST_CASE("engine: validate of an object in place of the request's own reads that object") {
  // admission::evaluate hands validate the object mutate returned this way.
  auto set = load(kModes);
  Request r("Pod", "web", kPodLatest);
  const Value pinned = json(R"({"apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "p", "namespace": "web"},
    "spec": {"containers": [{"name": "web", "image": "docker.io/library/nginx:1.25"}]}})");
  const ValidateOutcome v = validate(*set, r.get(), pinned, {});
  CHECK(
      describe(v.results) ==
      std::vector<std::string>{
          "baseline/no-latest: pass",
          R"(baseline/requests: fail (container "web" must set requests.cpu, requests.memory, limits.memory))",
          "baseline/registries: pass",
          R"(baseline/registries-strict: fail (container "web" image "docker.io/library/nginx:1.25" is not from an allowed registry))"});
  CHECK(v.warnings.empty());
  // The request still says whether there is an object: one without evaluates nothing.
  Request gone("Pod", "web", kPodLatest, Operation::Create);
  gone.req.object = nullptr;
  CHECK(validate(*set, gone.get(), pinned, {}).results.empty());
}

namespace {

// The validate outcome of a Warn rule `long/words` with `message` on a Pod with a :latest image.
ValidateOutcome warnWith(const std::string& message) {
  auto set = load(R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: long}
spec:
  mode: Warn
  match: {kinds: [Pod]}
  rules:
    - name: words
      validate:
        forbidLatestTag: true
        message: ')" +
                  message + R"('
)");
  Request r("Pod", "web", kPodLatest);
  return validate(*set, r.get(), {});
}

}  // namespace

TEST_CASE("engine: a Warn message is cut to 120 characters for the warning, whole in the result") {
  const ValidateOutcome v =
      warnWith("container {container} in {namespace}: " + std::string(150, 'x'));
  REQUIRE(v.warnings.size() == 1);
  CHECK(v.warnings[0].size() == 120);
  const std::string prefix = "long/words: container web in web: ";
  CHECK(v.warnings[0] == prefix + std::string(117 - prefix.size(), 'x') + "...");
  REQUIRE(v.results.size() == 1);
  CHECK(v.results[0].message == "container web in web: " + std::string(150, 'x'));
  CHECK(v.allowed());
}

// Characters, not bytes: 100 "é" (200 bytes) fit whole; 150 are cut after 117 characters.
TEST_CASE("engine: a warning is cut by characters, never inside one") {
  for (int n : {100, 150}) {
    std::string accents;
    for (int i = 0; i < n; ++i) accents += "\xc3\xa9";  // é
    const ValidateOutcome v = warnWith(accents);
    REQUIRE(v.warnings.size() == 1);
    const std::string prefix = "long/words: ";  // 12 characters
    if (n == 100) {
      CHECK(v.warnings[0] == prefix + accents);  // 112 characters
    } else {
      CHECK(v.warnings[0] == prefix + accents.substr(0, 2 * (117 - 12)) + "...");
    }
  }
}

TEST_CASE("engine: message placeholders, other braces are kept as written") {
  auto set = load(R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: words}
spec:
  match: {kinds: [Pod]}
  rules:
    - name: all
      validate:
        forbidLatestTag: true
        message: '{kind} {namespace}/{name}: {container} {value} at {path}; {x} {{container}} {} {kind'
    - name: open
      validate:
        forbidLatestTag: true
        message: '{container} {'
)");
  Request r("Pod", "web", kPodLatest);
  const ValidateOutcome v = validate(*set, r.get(), {});
  REQUIRE(v.results.size() == 2);
  const std::string& all = v.results[0].message;
  INFO(all);
  CHECK(all.rfind("Pod web/", 0) == 0);
  CHECK(all.find(": web ") != std::string::npos);
  CHECK(all.find("; {x} {web} {} {kind") != std::string::npos);
  CHECK(all.find("{container}") == std::string::npos);
  CHECK(v.results[1].message == "web {");
}

TEST_CASE("engine: a rule's message names each violation once, in the order found") {
  // The message has no {container}: containers with the same image read as one violation. A
  // few are compared one by one, many are hashed; both keep the first of each, in order.
  auto set = loadPodPolicy("words", R"(
    - name: latest
      validate:
        forbidLatestTag: true
        message: 'image {value} has no tag'
)");
  const auto pod = [](const std::vector<std::string>& images) {
    std::string containers;
    for (std::size_t i = 0; i < images.size(); ++i)
      containers += std::string(i ? "," : "") + R"({"name":"c)" + std::to_string(i) +
                    R"(","image":")" + images[i] + R"("})";
    return R"({"metadata":{"name":"p"},"spec":{"containers":[)" + containers + "]}}";
  };
  for (std::size_t n : {3u, 12u}) {
    std::vector<std::string> images;
    for (std::size_t i = 0; i < n; ++i) images.push_back(i % 3 == 1 ? "b" : "a");
    images.push_back("c");
    Request r("Pod", "web", pod(images));
    const ValidateOutcome v = validate(*set, r.get(), {});
    INFO(n);
    REQUIRE(v.results.size() == 1);
    CHECK(v.results[0].message == "image a has no tag; image b has no tag; image c has no tag");
  }
}

TEST_CASE("engine: a resource that is not a quantity makes maxResources an evaluation error") {
  auto set = loadPodPolicy("sizes", R"(
    - name: max
      validate: {maxResources: {cpu: "8"}}
)");
  Request r("Pod", "web",
            R"({"metadata":{"name":"p"},"spec":{"containers":[)"
            R"({"name":"ok","resources":{"limits":{"cpu":"2"}}},)"
            R"({"name":"big","resources":{"requests":{"cpu":"huge"}}}]}})");
  const ValidateOutcome v = validate(*set, r.get(), {});
  REQUIRE(v.results.size() == 1);
  CHECK(v.results[0].outcome == Outcome::Error);
  CHECK(v.results[0].message == R"(container "big": requests.cpu huge is not a quantity)");
}

TEST_CASE("engine: skip reasons: policy not matched, rule match and exclude, nothing to do") {
  auto set = load(R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: ml}
spec:
  match: {kinds: [Pod], namespaces: ["ml-*"]}
  rules:
    - name: only-gpu-names
      match: {names: ["gpu-*"]}
      validate: {forbidLatestTag: true}
    - name: not-web
      exclude: {containerNames: [web]}
      validate: {forbidLatestTag: true}
    - name: tag
      validate: {forbidLatestTag: true}
    - name: selector
      mutate: {nodeSelector: {pool: ml}}
)");
  SECTION("outside the policy's namespaces: every rule, not matched") {
    Request r("Pod", "web", kPodLatest);
    CHECK(describe(validate(*set, r.get(), {}).results) ==
          std::vector<std::string>{"ml/only-gpu-names: skip (not matched)",
                                   "ml/not-web: skip (not matched)", "ml/tag: skip (not matched)"});
    const MutateOutcome m = mutate(*set, r.get(), {});
    CHECK(describe(m.results) == std::vector<std::string>{"ml/selector: skip (not matched)"});
    CHECK(billet::json::write(m.object) == billet::json::write(r.object));
  }
  SECTION("inside: the rules' own match and exclude decide") {
    Request r("Pod", "ml-prod", kPodLatest);
    const ValidateOutcome v = validate(*set, r.get(), {});
    CHECK(describe(v.results) ==
          std::vector<std::string>{
              "ml/only-gpu-names: skip (not matched)", "ml/not-web: skip (excluded)",
              R"(ml/tag: fail (container "web" image "nginx" has no tag (latest)))"});
    const MutateOutcome m = mutate(*set, r.get(), {});
    CHECK(describe(m.results) == std::vector<std::string>{"ml/selector: pass"});
    CHECK(billet::json::write(*billet::json::dig(m.object, {"spec", "nodeSelector"})) ==
          R"({"pool":"ml"})");
    // The rule ensures a state: on its own output it has nothing to do.
    Request again("Pod", "ml-prod", billet::json::write(m.object));
    CHECK(describe(mutate(*set, again.get(), {}).results) ==
          std::vector<std::string>{"ml/selector: skip (nothing to do)"});
  }
  SECTION("a kind the policy does not name: no result at all") {
    Request r("Deployment", "ml-prod", deployment("nginx"));
    CHECK(validate(*set, r.get(), {}).results.empty());
    CHECK(mutate(*set, r.get(), {}).results.empty());
  }
}

TEST_CASE("engine: a mutate rule in Audit mode reports the change it would make, and makes none") {
  auto set = load(R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: gpu}
spec:
  mode: Audit
  match: {kinds: [Pod]}
  rules:
    - name: placement
      mutate: {nodeSelector: {nvidia.com/gpu.present: "true"}}
)");
  Request r("Pod", "ml", kPodLatest);
  const MutateOutcome m = mutate(*set, r.get(), {});
  CHECK(describe(m.results) ==
        std::vector<std::string>{"gpu/placement: fail (would add /spec/nodeSelector)"});
  CHECK(billet::json::write(m.object) == billet::json::write(r.object));
  CHECK_FALSE(m.denied);
}

TEST_CASE("engine: --explain names each rule's own changes, rules after rules on one object") {
  // Each rule's changes are the difference from the object as the rule found it: a later rule
  // changing the same labels names only its own label, and one elsewhere only its own field.
  auto set = load(R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: p1}
spec:
  match: {kinds: [Pod]}
  rules:
    - name: team
      mutate: {labels: {team: ml}}
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: p2}
spec:
  match: {kinds: [Pod]}
  rules:
    - name: tier
      mutate: {labels: {tier: gold, team: ml}}
    - name: placement
      mutate: {nodeSelector: {nvidia.com/gpu.present: "true"}}
    - name: again
      mutate: {labels: {tier: gold}}
    - name: retier
      mutate: {overwrite: true, labels: {tier: silver}}
    - name: after
      mutate: {labels: {zone: a}, nodeSelector: {pool: gpu}}
)");
  Request r("Pod", "ml", kPodLatest);
  EvalOptions options;
  options.explain = true;
  const MutateOutcome m = mutate(*set, r.get(), options);
  std::vector<std::string> changes;
  for (const Change& c : m.changes)
    changes.push_back(c.policy + "/" + c.rule + " " + c.op + " " + c.pointer);
  // A replacement, then more additions to the same maps: each still its own.
  CHECK(changes ==
        std::vector<std::string>{
            "p1/team add /metadata/labels", "p2/tier add /metadata/labels/tier",
            "p2/placement add /spec/nodeSelector", "p2/retier replace /metadata/labels/tier",
            "p2/after add /metadata/labels/zone", "p2/after add /spec/nodeSelector/pool"});
}

TEST_CASE("engine: match blocks see the changes of the rules before them, not an audit's") {
  // The engine keeps the object's pod templates and roots from one rule to the next until a rule
  // acts on the object (policy/template_roots.h): a match after a change must read the change,
  // in the next policy and in the next rule of the same policy, and one after an Audit rule
  // (which acts on a copy) must not.
  auto set = load(R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: p1}
spec:
  match: {kinds: [Pod]}
  rules:
    - name: label
      mutate: {labels: {tier: gold}}
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: p2}
spec:
  match: {kinds: [Pod], labels: {matchLabels: {tier: gold}}}
  rules:
    - name: gold-pool
      mutate: {nodeSelector: {pool: gold}}
    - name: stage
      mutate: {labels: {stage: two}}
    - name: after-stage
      match: {labels: {matchLabels: {stage: two}}}
      mutate: {nodeSelector: {stage: two}}
    - name: audited
      mode: Audit
      mutate: {labels: {zone: a}}
    - name: after-audit
      match: {labels: {matchLabels: {zone: a}}}
      mutate: {nodeSelector: {zone: a}}
)");
  Request r("Pod", "ml", kPodLatest);
  const MutateOutcome m = mutate(*set, r.get(), {});
  CHECK(describe(m.results) ==
        std::vector<std::string>{"p1/label: pass", "p2/gold-pool: pass", "p2/stage: pass",
                                 "p2/after-stage: pass",
                                 "p2/audited: fail (would add /metadata/labels/zone)",
                                 "p2/after-audit: skip (not matched)"});
  CHECK(billet::json::write(*billet::json::dig(m.object, {"spec", "nodeSelector"})) ==
        R"({"pool":"gold","stage":"two"})");
}

TEST_CASE("engine: a PolicyException skips the rules it names, where it matches") {
  auto set = load(R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: gpu-workloads}
spec:
  match: {kinds: [Pod]}
  rules:
    - name: limits
      validate:
        require: [{path: 'pod.allContainers[*].resources.limits["nvidia.com/gpu"]', op: Exists}]
        message: 'container "{container}" has no GPU limit'
    - name: no-latest
      validate: {forbidLatestTag: true}
---
apiVersion: billet.dev/v1alpha1
kind: PolicyException
metadata: {name: legacy-limits}
spec:
  exceptions: [{policy: gpu-workloads, rules: [limits]}]
  match: {namespaces: [legacy]}
---
apiVersion: billet.dev/v1alpha1
kind: PolicyException
metadata: {name: sandbox-all}
spec:
  exceptions: [{policy: gpu-workloads}]
  match: {namespaces: ["sandbox-*"]}
  exclude: {names: [audited]}
)");
  const std::string latestTag = R"(container "web" image "nginx" has no tag (latest))";
  SECTION("the named rule is skipped, the other still applies") {
    Request r("Pod", "legacy", kPodLatest);
    const ValidateOutcome v = validate(*set, r.get(), {});
    CHECK(describe(v.results) ==
          std::vector<std::string>{"gpu-workloads/limits: skip (excepted by legacy-limits)",
                                   "gpu-workloads/no-latest: fail (" + latestTag + ")"});
    CHECK(v.denials == std::vector<std::string>{"gpu-workloads/no-latest: " + latestTag});
  }
  SECTION("no rules listed: every rule of the policy") {
    Request r("Pod", "sandbox-1", kPodLatest);
    const ValidateOutcome v = validate(*set, r.get(), {});
    CHECK(describe(v.results) ==
          std::vector<std::string>{"gpu-workloads/limits: skip (excepted by sandbox-all)",
                                   "gpu-workloads/no-latest: skip (excepted by sandbox-all)"});
    CHECK(v.allowed());
  }
  SECTION("the exception's exclude wins over its match") {
    Request r("Pod", "sandbox-1", R"({"metadata": {"name": "audited"},
      "spec": {"containers": [{"name": "web", "image": "nginx"}]}})");
    CHECK(
        describe(validate(*set, r.get(), {}).results) ==
        std::vector<std::string>{R"(gpu-workloads/limits: fail (container "web" has no GPU limit))",
                                 "gpu-workloads/no-latest: fail (" + latestTag + ")"});
  }
  SECTION("elsewhere, and whatever the object's annotations say, nothing is excepted") {
    Request r("Pod", "web", R"({"metadata": {"name": "p",
        "annotations": {"billet.dev/exempt": "true"}},
      "spec": {"containers": [{"name": "web", "image": "nginx"}]}})");
    CHECK(
        describe(validate(*set, r.get(), {}).results) ==
        std::vector<std::string>{R"(gpu-workloads/limits: fail (container "web" has no GPU limit))",
                                 "gpu-workloads/no-latest: fail (" + latestTag + ")"});
  }
}

TEST_CASE("engine: excluded namespaces, DELETE and subresources are not evaluated") {
  const std::string policy = R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: all}
spec:
  match: {kinds: [Pod], operations: [CREATE, UPDATE, DELETE]}
  rules:
    - name: tag
      validate: {forbidLatestTag: true}
    - name: selector
      mutate: {nodeSelector: {pool: any}}
)";
  SECTION("the defaults: kube-system, kube-node-lease, and billet's own namespace") {
    LoadOptions options;
    options.selfNamespace = "billet-system";
    auto set = load(policy, options);
    for (const char* ns : {"kube-system", "kube-node-lease", "billet-system"}) {
      INFO(ns);
      Request r("Pod", ns, kPodLatest);
      CHECK(ignored(*set, r.get(), Stage::Validate));
      CHECK(ignored(*set, r.get(), Stage::Mutate));
      CHECK(validate(*set, r.get(), {}).results.empty());
      const MutateOutcome m = mutate(*set, r.get(), {});
      CHECK(m.results.empty());
      CHECK(billet::json::write(m.object) == billet::json::write(r.object));
    }
    Request web("Pod", "web", kPodLatest);
    CHECK_FALSE(ignored(*set, web.get(), Stage::Validate));
    CHECK(validate(*set, web.get(), {}).results.size() == 1);
  }
  SECTION("Settings.excludeNamespaces replaces the defaults, with globs") {
    auto set = load(policy + R"(---
apiVersion: billet.dev/v1alpha1
kind: Settings
metadata: {name: billet}
spec:
  excludeNamespaces: ["sandbox-*"]
)");
    Request sandbox("Pod", "sandbox-a", kPodLatest);
    CHECK(validate(*set, sandbox.get(), {}).results.empty());
    Request system("Pod", "kube-system", kPodLatest);
    CHECK(validate(*set, system.get(), {}).results.size() == 1);
    CHECK(excludedNamespace(*set, "sandbox-b"));
    CHECK_FALSE(excludedNamespace(*set, "kube-system"));
  }
  SECTION("DELETE and CONNECT, even when a policy names them; subresources but one") {
    auto set = load(policy);
    Request del("Pod", "web", kPodLatest, Operation::Delete);
    CHECK(validate(*set, del.get(), {}).results.empty());
    CHECK(mutate(*set, del.get(), {}).results.empty());
    Request status("Pod", "web", kPodLatest);
    status.req.subResource = "status";
    CHECK(validate(*set, status.get(), {}).results.empty());
    Request debug("Pod", "web", kPodLatest);
    debug.req.subResource = "ephemeralcontainers";
    CHECK(validate(*set, debug.get(), {}).results.size() == 1);  // the images kubectl debug adds
    CHECK(mutate(*set, debug.get(), {}).results.empty());        // never mutated
  }
}

TEST_CASE("engine: allowExistingViolations admits an UPDATE that adds no new violation") {
  auto set = load(R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: tags}
spec:
  match: {kinds: [Deployment]}
  rules:
    - name: no-latest
      validate: {forbidLatestTag: true}
    - name: strict
      validate: {forbidLatestTag: true, allowExistingViolations: false}
)");
  const std::string violation = R"(container "api" image "api:latest" uses the latest tag)";
  SECTION("scaling a Deployment that already broke the rule") {
    Request r("Deployment", "apps", deployment("api:latest", 5), Operation::Update,
              deployment("api:latest", 3));
    const ValidateOutcome v = validate(*set, r.get(), {});
    CHECK(describe(v.results) ==
          std::vector<std::string>{
              "tags/no-latest: pass (existing violation allowed: " + violation + ")",
              "tags/strict: fail (" + violation + ")"});
    CHECK(v.denials == std::vector<std::string>{"tags/strict: " + violation});
  }
  SECTION("introducing the violation on UPDATE") {
    Request r("Deployment", "apps", deployment("api:latest"), Operation::Update,
              deployment("api:2"));
    CHECK(describe(validate(*set, r.get(), {}).results) ==
          std::vector<std::string>{"tags/no-latest: fail (" + violation + ")",
                                   "tags/strict: fail (" + violation + ")"});
  }
  SECTION("a new container breaking the rule beside an old one that did") {
    const std::string two = R"({"metadata": {"name": "api"}, "spec": {"template": {"spec":
      {"containers": [{"name": "api", "image": "api:latest"},
                      {"name": "sidecar", "image": "proxy:latest"}]}}}})";
    Request r("Deployment", "apps", two, Operation::Update, deployment("api:latest"));
    const ValidateOutcome v = validate(*set, r.get(), {});
    REQUIRE(v.results.size() == 2);
    CHECK(v.results[0].outcome == Outcome::Fail);
    CHECK(v.results[0].message ==
          R"(container "sidecar" image "proxy:latest" uses the latest tag)");
  }
  SECTION("CREATE has no old object to compare with") {
    Request r("Deployment", "apps", deployment("api:latest"));
    CHECK(describe(validate(*set, r.get(), {}).results) ==
          std::vector<std::string>{"tags/no-latest: fail (" + violation + ")",
                                   "tags/strict: fail (" + violation + ")"});
  }
}

TEST_CASE("engine: generate: an object when the rule applies, nothing on a dry run") {
  auto set = load(R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: ha}
spec:
  match: {kinds: [Deployment]}
  rules:
    - name: pdb
      generate:
        podDisruptionBudget: {minAvailable: 1, minReplicas: 2}
---
apiVersion: billet.dev/v1alpha1
kind: PolicyException
metadata: {name: batch}
spec:
  exceptions: [{policy: ha}]
  match: {namespaces: [batch]}
)");
  SECTION("applied") {
    Request r("Deployment", "apps", deployment("api:2"));
    const GenerateOutcome g = generate(*set, r.get(), {});
    CHECK(describe(g.results) ==
          std::vector<std::string>{"ha/pdb: pass (generates PodDisruptionBudget/api-pdb)"});
    REQUIRE(g.generated.size() == 1);
    CHECK(g.generated[0].policy == "ha");
    CHECK(g.generated[0].rule == "pdb");
    CHECK(billet::json::write(g.generated[0].object) ==
          R"({"apiVersion":"policy/v1","kind":"PodDisruptionBudget",)"
          R"("metadata":{"name":"api-pdb","namespace":"apps","labels":)"
          R"({"app.kubernetes.io/managed-by":"billet","billet.dev/policy":"ha"}},)"
          R"("spec":{"minAvailable":1,"selector":{"matchLabels":{"app":"api"}}}})");
  }
  SECTION("a dry run generates nothing, and says why") {
    Request r("Deployment", "apps", deployment("api:2"));
    r.req.dryRun = true;
    const GenerateOutcome g = generate(*set, r.get(), {});
    CHECK(describe(g.results) ==
          std::vector<std::string>{"ha/pdb: skip (dry run: nothing is generated)"});
    CHECK(g.generated.empty());
  }
  SECTION("the generator's own reason: too few replicas") {
    Request r("Deployment", "apps", deployment("api:2", 1));
    const GenerateOutcome g = generate(*set, r.get(), {});
    CHECK(describe(g.results) == std::vector<std::string>{"ha/pdb: skip (replicas 1 < 2)"});
    CHECK(g.generated.empty());
  }
  SECTION("an exception is the reason given, dry run or not") {
    Request r("Deployment", "batch", deployment("api:2"));
    r.req.dryRun = true;
    CHECK(describe(generate(*set, r.get(), {}).results) ==
          std::vector<std::string>{"ha/pdb: skip (excepted by batch)"});
  }
  SECTION("an excluded namespace: not evaluated at all") {
    Request r("Deployment", "kube-system", deployment("api:2"));
    const GenerateOutcome g = generate(*set, r.get(), {});
    CHECK(g.results.empty());
    CHECK(g.generated.empty());
  }
}

TEST_CASE("engine: minStartupSeconds: a probe budget past 2^63 - 1 seconds is large, not wrapped") {
  auto set = load(R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: probes}
spec:
  mode: Enforce
  match: {kinds: [Pod]}
  rules:
    - name: startup
      validate: {minStartupSeconds: 60}
)");
  // 2^62 x 4 s is 2^64 s: in 64 bits it wraps to 0, and 2^62 x 2 s to -2^63.
  const auto pod = [](const std::string& probe) {
    return R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "web"},
      "spec": {"containers": [{"name": "web", "image": "nginx", "livenessProbe": {},
        "startupProbe": )" +
           probe + "}]}}";
  };
  for (const char* probe :
       {R"({"failureThreshold": 4611686018427387904, "periodSeconds": 4})",
        R"({"failureThreshold": 4611686018427387904, "periodSeconds": 2})",
        R"({"initialDelaySeconds": 9223372036854775807, "periodSeconds": 1})"}) {
    INFO(probe);
    Request r("Pod", "web", pod(probe));
    const ValidateOutcome v = validate(*set, r.get(), {});
    CHECK(describe(v.results) == std::vector<std::string>{"probes/startup: pass"});
  }
  // Without a startup probe, a huge liveness budget is reported as the largest number.
  Request r("Pod", "web", R"({"apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "p", "namespace": "web"},
    "spec": {"containers": [{"name": "web", "image": "nginx",
      "livenessProbe": {"failureThreshold": 4611686018427387904, "periodSeconds": 4}}]}})");
  const ValidateOutcome v = validate(*set, r.get(), {});
  REQUIRE(v.results.size() == 1);
  CHECK(v.results[0].outcome == Outcome::Fail);
  CHECK(v.results[0].message.find("after 9223372036854775807s") != std::string::npos);
}
