#include "policy/alias_guard.h"

#include <catch2/catch.hpp>

using namespace billet::policy;

namespace {

// A `kind: List` as `kubectl get -o yaml` prints it: many nodes, no alias.
std::string aliasFreeList(int items) {
  std::string text = "apiVersion: v1\nkind: List\nitems:\n";
  for (int i = 0; i < items; ++i) {
    std::string n = std::to_string(i);
    text += "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p" + n +
            "\n    namespace: team\n    labels: {app: a" + n +
            ", tier: web}\n  spec:\n    containers:\n    - name: app\n      image: app:1\n"
            "      resources: {limits: {cpu: 500m, memory: 1Gi}, requests: {cpu: 250m}}\n"
            "  status:\n    phase: Running\n    conditions:\n"
            "    - {type: Ready, status: 'True', lastProbeTime: null}\n";
  }
  return text;
}

// Billion laughs: ten of the level below at each of `levels` levels.
std::string laughs(int levels) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (int i = 0; i < levels; ++i) {
    std::string name = "l" + std::to_string(i);
    text += name + ": &" + name + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", *" : "*") + prev;
    text += "]\n";
    prev = name;
  }
  return text;
}

}  // namespace

TEST_CASE("alias guard: a document of any size without aliases passes") {
  // Past a million nodes (the bound on what aliases add), as a cluster dump is.
  std::string text = aliasFreeList(30'000);
  billet::base::Status r = checkAliasExpansion(text);
  CHECK(r.ok());
  CHECK(r.error.empty());
  // Whatever the bound: nodes written out are not expansion.
  CHECK(checkAliasExpansion(aliasFreeList(100), {1, 1}).ok());
}

TEST_CASE("alias guard: a nested alias bomb fails at the alias that crosses the bound") {
  billet::base::Status r = checkAliasExpansion(laughs(9));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error == "invalid YAML: aliases expand to more than 1000000 nodes in one document");
  // `a` is 11 nodes, l0 111, l1 1,111, ...; l0..l3 add 110 + 1,110 + 11,110 + 111,110 = 123,440
  // and the 8th alias of l4 crosses the bound: 123,440 + 8 x 111,111 = 1,012,328.
  CHECK(r.line == 6);
  CHECK(r.column == 45);
}

TEST_CASE("alias guard: nested aliases count what they expand to") {
  // *a is 3 nodes (the sequence and its two scalars); *b is [*a, *a] expanded: 1 + 3 + 3.
  std::string text = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n";
  CHECK(checkAliasExpansion(text, {20, 20}).ok());  // adds 3 + 3 + 7 + 7
  billet::base::Status r = checkAliasExpansion(text, {19, 100});
  REQUIRE_FALSE(r.ok());
  CHECK(r.line == 3);
  CHECK(r.column == 9);  // the second *b
  CHECK(r.error == "invalid YAML: aliases expand to more than 19 nodes in one document");
}

TEST_CASE("alias guard: a few legitimate aliases pass") {
  std::string text = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: &labels {app: web, team: ml}}
spec:
  selector: {matchLabels: *labels}
  template:
    metadata: {labels: *labels}
    spec:
      containers:
        - name: a
          env: &env [{name: MODE, value: prod}, {name: LOG, value: json}]
        - name: b
          env: *env
)";
  CHECK(checkAliasExpansion(text).ok());
  CHECK(checkAliasExpansion(text + "---\n" + aliasFreeList(10) + "---\n" + text).ok());
}

TEST_CASE("alias guard: the bound is per document, and a file's documents add up") {
  std::string doc = "a: &a [x, x]\nb: [*a, *a, *a, *a, *a]\n";  // adds 15
  std::string two = doc + "---\n" + doc;
  CHECK(checkAliasExpansion(two, {15, 30}).ok());
  billet::base::Status r = checkAliasExpansion(two, {15, 29});
  REQUIRE_FALSE(r.ok());
  CHECK(r.line == 5);
  CHECK(r.column == 21);  // the last alias of the second document
  CHECK(r.error == "invalid YAML: aliases expand to more than 29 nodes in one file");
}

TEST_CASE("alias guard: syntax errors are left to the parse that follows") {
  CHECK(checkAliasExpansion("a: [x, *missing\n").ok());
}

TEST_CASE("alias guard: a token the parser cannot read past fails instead of looping") {
  const billet::base::Status r = checkAliasExpansion("a: 1\n---\n&a ,\n");
  REQUIRE_FALSE(r.ok());
  CHECK(r.line == 3);
  CHECK(r.column == 4);
  CHECK(r.error == "invalid YAML: unexpected token");
}

// Found by fuzz/path_condition_fuzz: yaml-cpp makes `&a [*a]` a node that contains itself, and
// converting it to a document recursed until the stack ran out.
TEST_CASE("alias guard: an alias inside the node it refers to is a cycle") {
  const billet::base::Status r = checkAliasExpansion("ok: &o [1, 2]\nx: *o\na: &b {c: [1, *b]}\n");
  REQUIRE_FALSE(r.ok());
  CHECK(r.line == 3);
  CHECK(r.column == 15);
  CHECK(r.error == "invalid YAML: an alias inside the node it refers to (a cycle)");
  CHECK(checkAliasExpansion("a: &b {c: 1}\nd: [*b, *b]\ne: &b [*b]\n").ok() == false);
  CHECK(checkAliasExpansion("a: &b {c: 1}\nd: [*b, *b]\n").ok());
}
