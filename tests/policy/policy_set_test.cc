// PolicySet (policy/policy_set.h): immutable by construction, its kind index built when it is
// loaded, and usable through policy_set.h and engine.h alone, without RE2 or yaml-cpp headers.
#include "policy/policy_set.h"

#include "policy/engine.h"

// Users of the engine compile neither RE2 nor yaml-cpp: the compiled internals that need them
// (conditions' regexes, the loader's YAML nodes) stay behind policy/compiled.h.
#ifdef RE2_RE2_H_
#error "policy/engine.h or policy/policy_set.h includes re2/re2.h"
#endif
#ifdef RE2_STRINGPIECE_H_
#error "policy/engine.h or policy/policy_set.h includes an RE2 header"
#endif
#ifdef YAML_H_62B23520_7C8E_11DE_8A39_0800200C9A66
#error "policy/engine.h or policy/policy_set.h includes yaml-cpp/yaml.h"
#endif
#ifdef YAML_CPP_API
#error "policy/engine.h or policy/policy_set.h includes a yaml-cpp header (yaml-cpp/dll.h)"
#endif

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "json/parse.h"

using namespace billet;
using namespace billet::policy;

// Only the loader builds a set, and nothing changes one once built.
static_assert(!std::is_default_constructible_v<PolicySet>);
static_assert(!std::is_copy_constructible_v<PolicySet>);
static_assert(!std::is_copy_assignable_v<PolicySet>);
static_assert(!std::is_move_constructible_v<PolicySet>);
static_assert(!std::is_move_assignable_v<PolicySet>);
static_assert(std::is_const_v<decltype(PolicySet::settings)>);
static_assert(std::is_const_v<decltype(PolicySet::policies)>);
static_assert(std::is_const_v<decltype(PolicySet::exceptions)>);
static_assert(std::is_const_v<decltype(PolicySet::counts)>);
static_assert(std::is_same_v<decltype(LoadResult::set), std::shared_ptr<const PolicySet>>);

namespace {

// Listed out of evaluation order: `order` and then the name decide it (SPEC §4.1).
const char* kPolicies = R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: workloads}
spec:
  order: 3
  match: {kinds: [Workloads]}
  rules:
    - name: mark
      mutate: {annotations: {workloads: "yes"}}
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: any-kind}
spec:
  order: 2
  match: {namespaces: ["*"]}
  rules:
    - name: mark
      mutate: {annotations: {any-kind: "yes"}}
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: pods}
spec:
  order: 1
  match: {kinds: [Pod]}
  rules:
    - name: mark
      mutate: {annotations: {pods: "yes"}}
)";

std::shared_ptr<const PolicySet> load(const LoadOptions& options = {}) {
  LoadResult r = loadPoliciesFromText("p.yaml", kPolicies, options);
  for (const LoadError& e : r.errors) UNSCOPED_INFO(e.format());
  REQUIRE(r.ok());
  REQUIRE(r.set != nullptr);
  return r.set;
}

std::vector<std::string> policiesThatRan(const PolicySet& set, const std::string& kind,
                                         const std::string& namespace_) {
  auto object = json::parse(R"({"metadata": {"name": "x"}, "spec": {}})");
  REQUIRE(object.ok());
  AdmissionRequest req;
  req.kind = kind;
  req.version = "v1";
  req.namespace_ = namespace_;
  req.name = "x";
  req.object = &object.value;
  std::vector<std::string> ran;
  for (const RuleResult& r : mutate(set, req, {}).results)
    if (r.outcome == Outcome::Pass) ran.emplace_back(r.policy.view());
  return ran;
}

}  // namespace

TEST_CASE("the kind index is built with the set: each kind sees its policies and no others") {
  auto set = load();
  CHECK(set->forKind("Pod").size() == 3);         // pods, any-kind, workloads
  CHECK(set->forKind("RayCluster").size() == 2);  // a podTemplates kind: any-kind, workloads
  CHECK(set->forKind("ConfigMap").size() == 1);   // no policy names it: any-kind only
  CHECK(policiesThatRan(*set, "Pod", "team") ==
        std::vector<std::string>{"pods", "any-kind", "workloads"});
  CHECK(policiesThatRan(*set, "ConfigMap", "team") == std::vector<std::string>{"any-kind"});
}

TEST_CASE("a loaded set carries its settings and counts, read-only") {
  LoadOptions options;
  options.selfNamespace = "billet-system";
  auto set = load(options);
  const std::vector<std::string>& excluded = set->settings.excludeNamespaces;
  CHECK(std::find(excluded.begin(), excluded.end(), "billet-system") != excluded.end());
  CHECK(excludedNamespace(*set, "billet-system"));
  CHECK(policiesThatRan(*set, "Pod", "billet-system").empty());
  CHECK(countByKind(*set) == std::vector<std::pair<std::string, int>>{{"Policy", 3},
                                                                      {"ServiceGroup", 0},
                                                                      {"NodePool", 0},
                                                                      {"PolicyException", 0},
                                                                      {"Settings", 0}});
}
