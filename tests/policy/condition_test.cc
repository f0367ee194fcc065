#include <catch2/catch.hpp>

#include "policy/loader_internal.h"
#include "policy/source.h"

using namespace billet::policy;
using billet::json::Value;

namespace {

Condition compile(const std::string& yamlText) {
  std::vector<LoadError> errors;
  Decoder d("test.yaml", errors);
  auto c = decodeCondition(d, YAML::Load(yamlText), "c");
  for (const auto& e : errors) UNSCOPED_INFO(e.format());
  REQUIRE(c);
  return *c;
}

ConditionOutcome eval(const std::string& cond, const std::string& podYaml, Quantifier q) {
  // Kept alive after the call: the witness slot points into it.
  static Condition c;
  static Value pod;
  c = compile(cond);
  pod = toValue(YAML::Load(podYaml));
  PathRoots roots;
  roots.pod = &pod;
  Slots slots;
  readPath(c.path, roots, slots);
  return evaluate(c, slots, q);
}

bool any(const std::string& c, const std::string& pod) {
  return eval(c, pod, Quantifier::Any).holds;
}
bool every(const std::string& c, const std::string& pod) {
  return eval(c, pod, Quantifier::Every).holds;
}

const char* kTwo =
    "containers: [{name: a, image: 'r/a:1', resources: {requests: {memory: 33G}}}, {name: b, "
    "image: 'q/b:latest', resources: {requests: {memory: 35G}}}]";

}  // namespace

TEST_CASE("quantifiers: any for when/deny, every for require") {
  const char* c =
      "{path: 'pod.containers[*].resources.requests.memory', op: LessOrEqual, value: 32Gi}";
  CHECK(any(c, kTwo));          // 33G <= 32Gi
  CHECK_FALSE(every(c, kTwo));  // 35G > 32Gi
  CHECK(eval(c, kTwo, Quantifier::Every).witness.container->find("name")->asString() == "b");
  CHECK(every(c, "containers: []"));  // vacuously true
  CHECK_FALSE(any(c, "containers: []"));
}

TEST_CASE("NotExists under any means none is reached") {
  const char* c = "{path: 'pod.containers[*].securityContext', op: NotExists}";
  CHECK(any(c, "containers: [{name: a}, {name: b}]"));
  CHECK_FALSE(any(c, "containers: [{name: a}, {name: b, securityContext: {}}]"));
  CHECK_FALSE(every(c, "containers: [{name: a}, {name: b, securityContext: {}}]"));
}

TEST_CASE("every operator") {
  CHECK(any("{path: pod.hostNetwork, op: Exists}", "hostNetwork: false"));
  CHECK_FALSE(any("{path: pod.hostNetwork, op: Exists}", "hostNetwork: null"));
  CHECK(any("{path: pod.hostNetwork, op: Equals, value: true}", "hostNetwork: true"));
  CHECK(any("{path: pod.hostNetwork, op: Equals, value: 'true'}", "hostNetwork: true"));
  CHECK(any("{path: pod.x, op: NotEquals, value: a}", "y: 1"));
  CHECK(any("{path: pod.x, op: In, value: [a, b]}", "x: b"));
  CHECK_FALSE(any("{path: pod.x, op: In, value: [a, b]}", "x: c"));
  CHECK(any("{path: pod.x, op: NotIn, value: [a, b]}", "x: c"));
  CHECK(any("{path: 'pod.containers[*].image', op: Matches, value: ':latest$'}", kTwo));
  CHECK_FALSE(every("{path: 'pod.containers[*].image', op: NotMatches, value: ':latest$'}", kTwo));
  CHECK(any("{path: pod.x, op: GreaterThan, value: 500m}", "x: 1"));
  CHECK_FALSE(any("{path: pod.x, op: GreaterThan, value: 1}", "x: 1000m"));
  CHECK(any("{path: pod.x, op: GreaterOrEqual, value: 1k}", "x: 1e3"));
  CHECK(any("{path: pod.x, op: LessThan, value: 1G}", "x: 1Gi") == false);
  CHECK(any("{path: pod.x, op: GreaterThan, value: 1G}", "x: 1Gi"));
}

TEST_CASE("an ordering on a value that is not a quantity is an error, not a match") {
  auto r = eval("{path: pod.x, op: GreaterThan, value: '1'}", "x: lots", Quantifier::Every);
  CHECK_FALSE(r.holds);
  CHECK_THAT(r.error, Catch::Contains("lots is not a number or quantity"));
}

// A value that cannot be compared decides nothing when another one does: the outcome is the same
// whichever comes first in the list.
TEST_CASE("a non-quantity among the values: the values that decide, in any order") {
  const std::string gt = "{path: 'pod.c[*].cpu', op: GreaterThan, value: '1'}";
  for (const char* pod : {"c: [{cpu: lots}, {cpu: '2'}]", "c: [{cpu: '2'}, {cpu: lots}]"}) {
    INFO(pod);
    auto any = eval(gt, pod, Quantifier::Any);  // 2 > 1 holds: the condition holds
    CHECK(any.holds);
    CHECK(any.error.empty());
    CHECK(any.witness.value->asString() == "2");
  }
  for (const char* pod : {"c: [{cpu: lots}, {cpu: '1'}]", "c: [{cpu: '1'}, {cpu: lots}]"}) {
    INFO(pod);
    auto every = eval(gt, pod, Quantifier::Every);  // 1 > 1 fails: the condition fails
    CHECK_FALSE(every.holds);
    CHECK(every.error.empty());
    CHECK(every.witness.value->asString() == "1");
    auto any = eval(gt, pod, Quantifier::Any);  // nothing holds, one cannot be told: an error
    CHECK_FALSE(any.holds);
    CHECK_THAT(any.error, Catch::Contains("lots is not a number or quantity"));
  }
  auto every = eval(gt, "c: [{cpu: '2'}, {cpu: lots}]", Quantifier::Every);  // 2 holds, lots?
  CHECK_FALSE(every.holds);
  CHECK_THAT(every.error, Catch::Contains("lots is not a number or quantity"));
}

// Found by fuzz/path_condition_fuzz (corpus: regression-newline-in-ordered-value.txt).
TEST_CASE("an evaluation error is one line whatever the value holds") {
  auto r = eval("{path: pod.x, op: LessThan, value: '2'}", "x: \"many\\nlines\\r\\x01\"",
                Quantifier::Any);
  CHECK_FALSE(r.holds);
  CHECK(r.error == "pod.x: many\\nlines\\r\\x01 is not a number or quantity");
}

TEST_CASE("condition errors name the field") {
  std::vector<LoadError> errors;
  Decoder d("p.yaml", errors);
  CHECK_FALSE(decodeCondition(d, YAML::Load("{path: pod.x, op: Bigger, value: 1}"), "rules[0].c"));
  CHECK_FALSE(
      decodeCondition(d, YAML::Load("{path: pod.x, op: Matches, value: '(unclosed'}"), "c2"));
  CHECK_FALSE(decodeCondition(d, YAML::Load("{path: pod.x, op: LessThan, value: 12XB}"), "c3"));
  CHECK_FALSE(decodeCondition(d, YAML::Load("{path: pod.x, op: In, value: a}"), "c4"));
  CHECK_FALSE(decodeCondition(d, YAML::Load("{path: pod.x, op: Exists, value: a}"), "c5"));
  CHECK_FALSE(decodeCondition(d, YAML::Load("{path: pod.x, op: Exists, extra: 1}"), "c6"));
  REQUIRE(errors.size() == 6);
  CHECK_THAT(errors[0].format(),
             Catch::Contains("rules[0].c.op: unknown condition operator \"Bigger\""));
  CHECK_THAT(errors[1].message, Catch::Contains("invalid regular expression"));
  CHECK_THAT(errors[2].message, Catch::Contains("unparseable quantity \"12XB\""));
  CHECK_THAT(errors[3].message, Catch::Contains("expected a sequence"));
  CHECK_THAT(errors[4].message, Catch::Contains("takes no value"));
  CHECK_THAT(errors[5].format(), Catch::Contains("c6.extra: unknown field \"extra\""));
}
