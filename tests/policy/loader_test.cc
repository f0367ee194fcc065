#include <catch2/catch.hpp>

#include "policy/compiled.h"
#include "policy/policy_set.h"
#include "policy/source.h"

using namespace billet::policy;

namespace {

std::vector<std::string> errorsOf(const std::string& text) {
  LoadResult r = loadPoliciesFromText("policies/gpu.yaml", text);
  std::vector<std::string> out;
  for (const LoadError& e : r.errors) out.push_back(e.format());
  CHECK(r.set == nullptr);
  return out;
}

}  // namespace

TEST_CASE("the error of SPEC §3 names file, line, column and field path") {
  // Line 14, column 9 is where the effect's value starts.
  std::string text =
      "apiVersion: billet.dev/v1alpha1\n"  // 1
      "kind: Policy\n"                     // 2
      "metadata:\n"                        // 3
      "  name: gpu-workloads\n"            // 4
      "spec:\n"                            // 5
      "  match:\n"                         // 6
      "    kinds: [Workloads]\n"           // 7
      "  rules:\n"                         // 8
      "    - name: gpu-placement\n"        // 9
      "      mutate:\n"                    // 10
      "        tolerations:\n"             // 11
      "          - key: nvidia.com/gpu\n"  // 12
      "            operator: Exists\n"     // 13
      "            effect:\n"              // 14 (value on the next line would move it; keep inline)
      ;
  text.resize(text.size() - std::string("            effect:\n").size());
  text += "            effect: NoSchedul\n";
  auto errors = errorsOf(text);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] ==
        "policies/gpu.yaml:14:21: spec.rules[0].mutate.tolerations[0].effect: unknown value "
        "\"NoSchedul\" (expected NoSchedule, PreferNoSchedule, NoExecute)");
}

TEST_CASE("a severity the PolicyReport CRD does not take is a load error") {
  auto errors = errorsOf(
      "apiVersion: billet.dev/v1alpha1\nkind: Policy\n"
      "metadata: {name: p, annotations: {billet.dev/severity: warning}}\n"
      "spec: {rules: [{name: r, validate: {forbidLatestTag: true}}]}\n");
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::Contains("3:56: metadata.annotations[\"billet.dev/severity\"]: "
                                        "unknown value \"warning\" (expected critical, high, "
                                        "medium, low, info)"));
  CHECK(loadPoliciesFromText("p.yaml",
                             "apiVersion: billet.dev/v1alpha1\nkind: Policy\n"
                             "metadata: {name: p, annotations: {billet.dev/severity: critical}}\n"
                             "spec: {rules: [{name: r, validate: {forbidLatestTag: true}}]}\n")
            .ok());
}

TEST_CASE("an unknown label selector operator is one error, not two") {
  auto errors = errorsOf(
      "apiVersion: billet.dev/v1alpha1\nkind: Policy\nmetadata: {name: p}\nspec:\n"
      "  match: {labels: {matchExpressions: [{key: tier, operator: Gt, values: ['1']}]}}\n"
      "  rules: [{name: r, validate: {forbidLatestTag: true}}]\n");
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::Contains("matchExpressions[0].operator: unknown value \"Gt\""));
}

TEST_CASE("a duplicate name is reported in the same load as the other errors of its rule") {
  auto errors = errorsOf(
      "apiVersion: billet.dev/v1alpha1\nkind: Policy\nmetadata: {name: p}\nspec:\n"
      "  rules:\n"
      "    - {name: r1, mutate: {labels: {a: b}}}\n"
      "    - {name: r1, mutate: {labels: {c: d}, patch: [{op: add, path: x, value: 1}]}}\n"
      "---\n"
      "apiVersion: billet.dev/v1alpha1\nkind: Policy\nmetadata: {name: q}\nspec: {mode: Never, "
      "rules: [{name: r, validate: {forbidLatestTag: true}}]}\n"
      "---\n"
      "apiVersion: billet.dev/v1alpha1\nkind: Policy\nmetadata: {name: q}\nspec:\n"
      "  rules: [{name: r, validate: {forbidLatestTag: true}}]\n");
  REQUIRE(errors.size() == 4);
  CHECK_THAT(errors[0], Catch::Contains("duplicate rule name \"r1\""));
  CHECK_THAT(errors[1], Catch::Contains("invalid JSON pointer"));
  CHECK_THAT(errors[2], Catch::Contains("spec.mode: unknown value"));
  CHECK_THAT(errors[3], Catch::Contains("duplicate Policy name \"q\""));
}

TEST_CASE("every error of a load is reported, across documents") {
  auto errors = errorsOf(R"(apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: Bad_Name}
spec:
  mode: Enforced
  colour: blue
  rules:
    - name: r
      validate: {require: [{path: pod.x, op: Exists}]}
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: two}
spec:
  rules:
    - name: a
      mutate: {}
      validate: {forbidLatestTag: true}
    - name: b
      validate:
        require: [{path: 'pod.x', op: Matches, value: '[z-a]'}]
---
apiVersion: billet.dev/v1beta9
kind: Policy
---
apiVersion: billet.dev/v1alpha1
kind: Polcy
metadata: {name: x}
)");
  for (const auto& e : errors) UNSCOPED_INFO(e);
  REQUIRE(errors.size() == 7);
  CHECK_THAT(errors[0],
             Catch::StartsWith(
                 "policies/gpu.yaml:3:18: metadata.name: \"Bad_Name\" is not a DNS-1123 name"));
  CHECK_THAT(errors[1],
             Catch::StartsWith("policies/gpu.yaml:5:9: spec.mode: unknown value \"Enforced\""));
  CHECK_THAT(errors[2],
             Catch::StartsWith("policies/gpu.yaml:6:3: spec.colour: unknown field \"colour\""));
  CHECK_THAT(errors[3], Catch::StartsWith("policies/gpu.yaml:16:7: spec.rules[0]: a rule has "
                                          "exactly one of mutate, validate, generate"));
  CHECK_THAT(errors[4], Catch::Contains(
                            "spec.rules[1].validate.require[0].value: invalid regular expression"));
  CHECK_THAT(errors[5],
             Catch::StartsWith(
                 "policies/gpu.yaml:23:13: apiVersion: unknown apiVersion \"billet.dev/v1beta9\""));
  CHECK_THAT(errors[6], Catch::StartsWith("policies/gpu.yaml:27:7: kind: unknown kind \"Polcy\""));
}

TEST_CASE("YAML syntax errors carry their position") {
  auto errors = errorsOf("apiVersion: billet.dev/v1alpha1\nkind: Policy\nmetadata: {name: x\n");
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::StartsWith("policies/gpu.yaml:"));
  CHECK_THAT(errors[0], Catch::Contains("invalid YAML"));
}

TEST_CASE("names are unique per kind, a second Settings is an error") {
  auto errors = errorsOf(R"(apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: same}
spec: {rules: [{name: r, validate: {forbidLatestTag: true}}]}
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: same}
spec: {rules: [{name: r, validate: {forbidLatestTag: true}}]}
---
apiVersion: billet.dev/v1alpha1
kind: Settings
metadata: {name: a}
---
apiVersion: billet.dev/v1alpha1
kind: Settings
metadata: {name: b}
)");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0] ==
        "policies/gpu.yaml:8:18: metadata.name: duplicate Policy name \"same\" (also at "
        "policies/gpu.yaml:1)");
  CHECK(errors[1] ==
        "policies/gpu.yaml:16:7: kind: a second Settings document (the first is at "
        "policies/gpu.yaml:11)");
}

TEST_CASE("policies are ordered by order then name, and indexed by kind") {
  LoadResult r = loadPoliciesFromText("p.yaml", R"(apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: b-late}
spec: {order: 200, match: {kinds: [Pod]}, rules: [{name: r, validate: {forbidLatestTag: true}}]}
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: z-early}
spec: {order: 1, rules: [{name: r, validate: {forbidLatestTag: true}}]}
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: a-late}
spec: {order: 200, match: {kinds: [Node]}, rules: [{name: r, validate: {forbidLatestTag: true}}]}
)");
  REQUIRE(r.ok());
  std::vector<std::string> pod, node, other;
  for (auto* p : r.set->forKind("Pod")) pod.push_back(p->name);
  for (auto* p : r.set->forKind("Node")) node.push_back(p->name);
  for (auto* p : r.set->forKind("Secret")) other.push_back(p->name);
  CHECK(pod == std::vector<std::string>{"z-early", "b-late"});
  CHECK(node == std::vector<std::string>{"z-early", "a-late"});
  CHECK(other == std::vector<std::string>{"z-early"});
}

// A `set` and a typed action that write one field conflict like two typed actions; two sets
// of one field written two ways too.
TEST_CASE("conflicting assignments: set against the typed actions, however the path is written") {
  LoadResult r = loadPoliciesFromText("p.yaml", R"(apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: a}
spec:
  match: {kinds: [Deployment]}
  rules:
    - {name: an, mutate: {annotations: {x: "1"}}}
    - {name: ns, mutate: {nodeSelector: {pool: a}}}
    - {name: lb, mutate: {labels: {team: a}, target: object}}
    - {name: s, mutate: {set: [{path: 'object.spec.paused', value: false}]}}
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: b}
spec:
  match: {kinds: [Deployment]}
  rules:
    - {name: an, mutate: {set: [{path: podMetadata.annotations.x, value: "2"}]}}
    - {name: ns, mutate: {set: [{path: 'pod.nodeSelector["pool"]', value: b}]}}
    - {name: lb, mutate: {set: [{path: object.metadata.labels.team, value: b}]}}
    - {name: s, mutate: {set: [{path: 'object["spec"].paused', value: true}]}}
)");
  REQUIRE(r.ok());
  CHECK(r.warnings ==
        std::vector<std::string>{
            "conflict: a/an and b/an both set pod.annotations[\"x\"] (\"1\" vs \"2\")",
            "conflict: a/ns and b/ns both set nodeSelector[\"pool\"] (\"a\" vs \"b\")",
            "conflict: a/lb and b/lb both set object.labels[\"team\"] (\"a\" vs \"b\")",
            "conflict: a/s and b/s both set object[\"spec\"][\"paused\"] (\"false\" vs "
            "\"true\")"});
}

TEST_CASE("conflicting assignments are load warnings") {
  LoadResult r = loadPoliciesFromText("p.yaml", R"(apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: one}
spec: {match: {kinds: [Pod]}, rules: [{name: a, mutate: {nodeSelector: {pool: gpu}}}]}
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: two}
spec: {match: {kinds: [Workloads]}, rules: [{name: b, mutate: {nodeSelector: {pool: cpu}}}]}
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: three}
spec: {match: {kinds: [Node]}, rules: [{name: c, mutate: {nodeSelector: {pool: x}}}]}
)");
  REQUIRE(r.ok());
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0] ==
        "conflict: one/a and two/b both set nodeSelector[\"pool\"] (\"gpu\" vs \"cpu\")");
}

TEST_CASE("kind: List documents are expanded") {
  LoadResult r = loadPoliciesFromText("p.yaml", R"(apiVersion: v1
kind: List
items:
  - apiVersion: billet.dev/v1alpha1
    kind: Policy
    metadata: {name: in-a-list}
    spec: {rules: [{name: r, validate: {forbidLatestTag: true}}]}
)");
  REQUIRE(r.ok());
  REQUIRE(r.set->policies.size() == 1);
  CHECK(r.set->policies[0].name == "in-a-list");
}

TEST_CASE("YAML nested too deep is an error, not a crash") {
  std::string text = "a: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  auto errors = errorsOf(text);
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::StartsWith("policies/gpu.yaml:1:"));
  CHECK_THAT(errors[0], Catch::Contains("invalid YAML: nested deeper than"));
}

// Found by fuzz/path_condition_fuzz: yaml-cpp 0.7 reads a stray token as an empty document
// without consuming it, forever (and LoadAll collects the documents until memory runs out).
TEST_CASE("a stray token YAML cannot read past is an error, not a hang") {
  for (const char* text : {",", "&a ,", "kind: Policy\n---\n,\n"}) {
    INFO(text);
    auto errors = errorsOf(text);
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0], Catch::StartsWith("policies/gpu.yaml:"));
    CHECK_THAT(errors[0], Catch::Contains("invalid YAML: unexpected token"));
  }
}

// yaml_stream_fuzz found yaml-cpp quoting the character it could not read, a line break, in
// the reader of lint inputs. In a policy file the character is refused before yaml-cpp reads it.
TEST_CASE("a control character in a policy file is an error naming it, on one line") {
  auto errors = errorsOf(std::string("kind: Policy\0\nmetadata: {}\n", 27));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] ==
        "policies/gpu.yaml:1:13: invalid YAML: control character U+0000 is not "
        "allowed in YAML");
}

// kubectl refuses a YAML key it cannot make a JSON member name of; such a key inside a patch's
// value was read as the member "" before.
TEST_CASE("a null or a collection as a mapping key in a policy file is an error at the key") {
  const std::string head =
      "apiVersion: billet.dev/v1alpha1\nkind: Policy\nmetadata: {name: x}\nspec:\n"
      "  match: {kinds: [Pod]}\n  rules:\n  - name: r\n    mutate:\n      patch:\n"
      "      - {op: add, path: /metadata/labels, value: {a: 1, ";
  struct Case {
    std::string key;
    const char* message;
  };
  for (const Case& c : {Case{"~", "a null mapping key"}, Case{"null", "a null mapping key"},
                        Case{"? [k]", "a sequence or mapping as a mapping key"},
                        Case{"? {k: v}", "a sequence or mapping as a mapping key"}}) {
    INFO(c.key);
    auto errors = errorsOf(head + c.key + ": 2}}\n");
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0], Catch::StartsWith("policies/gpu.yaml:10:"));
    CHECK_THAT(errors[0], Catch::Contains(std::string("invalid YAML: ") + c.message +
                                          " (kubectl accepts strings, numbers and booleans"));
  }
  // At the key's own line and column, in a block mapping; quoted keys are names like any other.
  auto errors = errorsOf("kind: Policy\nmetadata:\n  name: x\n  ~: y\n");
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0],
             Catch::StartsWith("policies/gpu.yaml:4:3: invalid YAML: a null mapping key"));
  LoadResult quoted = loadPoliciesFromText("policies/gpu.yaml", head + "\"null\": 2, '': 3}}\n");
  CHECK(quoted.ok());
}

// kubectl cannot send go-yaml's infinities and NaN as JSON; in a policy's value they were the
// text ".inf" before.
TEST_CASE("an infinity or NaN in a policy file is an error where it is, as a key, a name") {
  const std::string head =
      "apiVersion: billet.dev/v1alpha1\nkind: Policy\nmetadata: {name: x}\nspec:\n"
      "  match: {kinds: [Pod]}\n  rules:\n  - name: r\n    mutate:\n      patch:\n"
      "      - {op: add, path: /metadata/labels, value: {a: ";
  auto errors = errorsOf(head + "-.Inf}}\n");
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::StartsWith("policies/gpu.yaml:10:"));
  CHECK_THAT(errors[0], Catch::Contains("invalid YAML: `-.Inf` is a float JSON cannot hold "
                                        "(kubectl: json: unsupported value: -Inf)"));
  LoadResult named = loadPoliciesFromText("policies/gpu.yaml", head + "'.nan', .nan: 1}}\n");
  CHECK(named.ok());
}

// yaml-cpp reads bytes that are not UTF-8 into scalars as they are: they reached patches and
// responses. kubectl would read each as U+FFFD (as `lint` reads resources); a policy's text is
// its author's, and billet names the mistake rather than replace it.
TEST_CASE("bytes that are not UTF-8 in a policy file are an error with their line and column") {
  const std::string policy =
      "apiVersion: billet.dev/v1alpha1\nkind: Policy\nmetadata: {name: x}\nspec:\n"
      "  match: {kinds: [Pod]}\n  rules:\n  - name: r\n    mutate:\n      annotations:\n"
      "        billet.dev/sev\x94\xa0ity: low\n";
  auto errors = errorsOf(policy);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "policies/gpu.yaml:10:23: invalid YAML: byte 0x94 is not UTF-8");
  // In a comment too: the file as a whole is not text kubectl would read.
  errors = errorsOf("# caf\xe9\nkind: Policy\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "policies/gpu.yaml:1:6: invalid YAML: byte 0xe9 is not UTF-8");
  // UTF-8 itself, NEL and a byte order mark are text.
  errors = errorsOf("\xef\xbb\xbf# caf\xc3\xa9 \xc2\x85# \xe2\x80\xa6\nkind: Policy\n");
  for (const std::string& e : errors) CHECK(e.find("invalid YAML") == std::string::npos);
}

// yaml-cpp reads `\N` and `\_` as the lone bytes 0x85 and 0xA0, which are not UTF-8: they reached
// messages and patches so. They are U+0085 and U+00A0, as kubectl reads them.
TEST_CASE(
    "the escapes N and _ after a backslash in a policy file are the characters NEL and no-break "
    "space") {
  const std::string text =
      "a: \"x\\Ny \xc3\xa0\\_\"\n\"k\\_\": [\"\\_\"]\nb: &m \"\\N\"\nc: *m\nd: 'x\\_'\ne: !!str "
      "\"\\_\"\n";
  std::vector<YAML::Node> nodes;
  std::vector<LoadError> errors;
  REQUIRE(loadYaml({"p.yaml", text, true, ""}, nodes, errors));
  REQUIRE(nodes.size() == 1);
  CHECK(nodes[0]["a"].Scalar() == "x\xc2\x85y \xc3\xa0\xc2\xa0");
  CHECK(nodes[0]["k\xc2\xa0"][0].Scalar() == "\xc2\xa0");
  CHECK(nodes[0]["b"].Scalar() == "\xc2\x85");
  CHECK(nodes[0]["c"].Scalar() == "\xc2\x85");
  CHECK(nodes[0]["d"].Scalar() == "x\\_");                // single quotes: no escapes
  CHECK(nodes[0]["e"].Tag() == "tag:yaml.org,2002:str");  // the tag stays
  CHECK(nodes[0]["e"].Scalar() == "\xc2\xa0");
  CHECK(nodes[0]["a"].Tag() == "!");  // still a quoted scalar: never resolved as a plain one
  // A raw NEL is the line break it is to kubectl's YAML 1.1 reader: folded into a space here.
  nodes.clear();
  REQUIRE(loadYaml({"p.yaml", "a: \"x\xc2\x85y\"\n", true, ""}, nodes, errors));
  CHECK(nodes[0]["a"].Scalar() == "x y");
  // Many of them, one after another and between other text: each a line break, none lost.
  std::string many = "a: \"";
  for (int i = 0; i < 200'000; ++i) many += "\xc2\x85x";
  many += "\"\n";
  nodes.clear();
  REQUIRE(loadYaml({"p.yaml", many, true, ""}, nodes, errors));
  const std::string folded = nodes[0]["a"].Scalar();
  CHECK(folded.size() == 2 * 200'000);
  CHECK(folded.substr(0, 6) == " x x x");
  // In a policy, where they reach answers: a deny message.
  LoadResult r = loadPoliciesFromText(
      "p.yaml",
      "apiVersion: billet.dev/v1alpha1\nkind: Policy\nmetadata: {name: x}\nspec:\n"
      "  match: {kinds: [Pod]}\n  rules:\n  - name: r\n    validate:\n"
      "      message: \"no\\_way\"\n      deny:\n      - {path: object.kind, op: Equals, value: "
      "Pod}\n");
  REQUIRE(r.ok());
  CHECK(r.set->policies[0].rules[0].message == "no\xc2\xa0way");
}

// yaml-cpp reads a key with no `:` after it, last in its mapping, as a key with a null value;
// kubectl's reader refuses the file, and so does billet's, at the key.
TEST_CASE("a mapping key without a colon in a policy file is an error at the key") {
  auto errors = errorsOf(
      "apiVersion: billet.dev/v1alpha1\nkind: Policy\nmetadata: {name: x}\nspec:\n"
      "  match: {kinds: [Pod]}\n  rules:\n  - name: r\n    mutate:\n      labels: {a: b}\n"
      "      overwrite\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] ==
        "policies/gpu.yaml:10:7: invalid YAML: a mapping key without `:` after it "
        "(kubectl: could not find expected ':')");
  std::vector<YAML::Node> nodes;
  std::vector<LoadError> none;
  CHECK(loadYaml({"p.yaml", "a:\nb: \n? c\nd: {e, f: 1}\n", true, ""}, nodes, none));
  CHECK(none.empty());
}

// Found by fuzz/path_condition_fuzz: the condition's value was converted forever (a crash).
TEST_CASE("a YAML alias inside the node it refers to is an error, not a crash") {
  auto errors = errorsOf(
      "apiVersion: billet.dev/v1alpha1\nkind: Policy\nmetadata: {name: x}\nspec:\n"
      "  match: {kinds: [Pod]}\n  rules:\n  - name: r\n    validate:\n      deny:\n"
      "      - {path: object.spec, op: Equals, value: &v {a: *v}}\n");
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::StartsWith("policies/gpu.yaml:10:"));
  CHECK_THAT(errors[0], Catch::Contains("invalid YAML: an alias inside the node it refers to"));
}

TEST_CASE("YAML alias bombs are rejected before they expand") {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (int i = 0; i < 9; ++i) {
    std::string name = "l" + std::to_string(i);
    text += name + ": &" + name + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", *" : "*") + prev;
    text += "]\n";
    prev = name;
  }
  auto errors = errorsOf(text);
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::StartsWith("policies/gpu.yaml:"));
  CHECK_THAT(errors[0], Catch::Contains("aliases expand to more than 1000000 nodes"));
}

TEST_CASE("ordinary anchors and aliases still load") {
  LoadResult r = loadPoliciesFromText("p.yaml", R"(apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: anchors}
spec:
  match: &m {kinds: [Pod]}
  rules:
    - {name: a, match: *m, validate: {forbidLatestTag: true}}
)");
  for (const auto& e : r.errors) UNSCOPED_INFO(e.format());
  REQUIRE(r.ok());
}

TEST_CASE("forEach: element only inside it, every entry decoded strictly") {
  auto errors = errorsOf(
      "apiVersion: billet.dev/v1alpha1\n"                                     // 1
      "kind: Policy\n"                                                        // 2
      "metadata: {name: p}\n"                                                 // 3
      "spec:\n"                                                               // 4
      "  rules:\n"                                                            // 5
      "    - name: r\n"                                                       // 6
      "      validate:\n"                                                     // 7
      "        deny: [{path: element.type, op: Exists}]\n"                    // 8
      "        forEach:\n"                                                    // 9
      "          - path: element.x\n"                                         // 10
      "            deny: [{path: element, op: Exists}]\n"                     // 11
      "          - path: 'pod.volumes[*]'\n"                                  // 12
      "          - path: 'pod.volumes[*]'\n"                                  // 13
      "            require: [{path: elementKey, op: Matches, value: '('}]\n"  // 14
      "            when: []\n"                                                // 15
      "        minStartupSeconds: 0\n");                                      // 16
  CHECK(errors ==
        std::vector<std::string>{
            "policies/gpu.yaml:8:23: spec.rules[0].validate.deny[0].path: element and "
            "elementKey are only defined inside a validate forEach",
            "policies/gpu.yaml:10:19: spec.rules[0].validate.forEach[0].path: a forEach "
            "path cannot start at element",
            "policies/gpu.yaml:12:13: spec.rules[0].validate.forEach[1]: a forEach entry "
            "needs require or deny",
            "policies/gpu.yaml:14:62: spec.rules[0].validate.forEach[2].require[0].value: "
            "invalid regular expression: missing ): (",
            "policies/gpu.yaml:15:13: spec.rules[0].validate.forEach[2].when: unknown field "
            "\"when\" (expected one of path, message, require, deny)",
            "policies/gpu.yaml:16:28: spec.rules[0].validate.minStartupSeconds: value 0 out of "
            "range [1, 9223372036854775807]"});
}

namespace {

std::string nodePool(const std::string& name, const std::string& members) {
  return "apiVersion: billet.dev/v1alpha1\nkind: NodePool\nmetadata: {name: " + name +
         "}\nspec:\n  nodeLabels: {billet.dev/pool: " + name + ", billet.dev/tier: " + name +
         "}\n  taint: {key: billet.dev/pool, value: " + name +
         ", effect: NoSchedule}\n  members: " + members + "\n---\n";
}

std::string policy(const std::string& name, const std::string& spec) {
  return "apiVersion: billet.dev/v1alpha1\nkind: Policy\nmetadata: {name: " + name +
         "}\nspec: " + spec + "\n---\n";
}

}  // namespace

TEST_CASE("node pools: members the Pods of a member workload cannot match are warned about") {
  // Pods that tolerate the taint are asked `members` again: a Deployment matched by name places
  // Pods named runtime-7c9f-x2x, which would be denied as outsiders.
  LoadResult r = loadPoliciesFromText(
      "pools.yaml",
      nodePool("by-name", "{namespaces: [hetida], names: [runtime]}") +
          nodePool("by-user", "{users: [ci-bot]}") +
          nodePool("by-kind", "{kinds: [Deployment, Pod], namespaces: [hetida]}") +
          nodePool("ignored", "{names: [runtime]}\n  outsiders: Ignore") +
          nodePool("fine", "{namespaces: [hetida], labels: {matchLabels: {app: runtime}}}") +
          nodePool("fine-kinds", "{kinds: [CronJob, Job, Pod], namespaces: [batch]}"));
  REQUIRE(r.ok());
  const std::string tail =
      ", which the ReplicaSets, Jobs and Pods a member workload's controllers create do not "
      "meet: they will be outsiders (match members by namespace and pod labels)";
  std::vector<std::string> members;  // the pools overlap too: their conflicts are not this test's
  for (const std::string& w : r.warnings)
    if (w.rfind("pools.yaml:", 0) == 0) members.push_back(w);
  CHECK(members == std::vector<std::string>{
                       "pools.yaml:7: NodePool by-name: spec.members uses names" + tail,
                       "pools.yaml:15: NodePool by-user: spec.members uses users/groups" + tail,
                       "pools.yaml:23: NodePool by-kind: spec.members uses kinds without "
                       "ReplicaSet" +
                           tail});
}

TEST_CASE("conflicts: 125 node pools for distinct namespaces warn of nothing") {
  std::string text;
  for (int i = 0; i < 125; ++i)
    text += nodePool("pool-" + std::to_string(i), "{namespaces: [team-" + std::to_string(i) + "]}");
  LoadResult r = loadPoliciesFromText("pools.yaml", text);
  REQUIRE(r.ok());
  CHECK(r.warnings.empty());
}

TEST_CASE("conflicts: pools whose members overlap warn once, naming every field") {
  LoadResult r = loadPoliciesFromText(
      "pools.yaml", nodePool("train", "{namespaces: [ml-*]}") +
                        nodePool("serve", "{namespaces: [ml-serving, web]}") +
                        nodePool("web", "{namespaces: [web-*], labels: {matchLabels: {a: b}}}"));
  REQUIRE(r.ok());
  CHECK(r.warnings ==
        std::vector<std::string>{"conflict: train/place-members and serve/place-members both set "
                                 "nodeSelector[\"billet.dev/pool\"] (\"train\" vs \"serve\"), "
                                 "nodeSelector[\"billet.dev/tier\"] (\"train\" vs \"serve\")"});
}

TEST_CASE("conflicts: members apart by labels or kinds, policies apart by kinds or exclude") {
  std::string text =
      nodePool("a", "{labels: {matchLabels: {pool: a}}}") +
      nodePool("b", "{labels: {matchExpressions: [{key: pool, operator: In, values: [b, c]}]}}") +
      nodePool("c", "{labels: {matchExpressions: [{key: pool, operator: DoesNotExist}]}}") +
      nodePool("d", "{kinds: [Job, Pod], namespaces: [batch], labels: {matchLabels: {pool: d}}}") +
      policy("nodes",
             "{match: {kinds: [Node]}, rules: [{name: r, mutate: {nodeSelector: "
             "{billet.dev/pool: x}}}]}") +
      policy("deployments",
             "{match: {kinds: [Deployment]}, rules: [{name: r, mutate: "
             "{nodeSelector: {billet.dev/pool: y}}}]}") +
      policy("not-batch",
             "{match: {kinds: [Job], labels: {matchLabels: {pool: d}}}, exclude: {namespaces: "
             "[batch]}, rules: [{name: r, mutate: {nodeSelector: {billet.dev/pool: z}}}]}");
  LoadResult r = loadPoliciesFromText("p.yaml", text);
  REQUIRE(r.ok());
  // Only what can meet: the pools selected by labels alone and the policy for Deployments. Pool
  // d is the only pool for Jobs labelled pool=d, and not-batch excludes its namespace.
  CHECK(r.warnings ==
        std::vector<std::string>{"conflict: a/place-members and deployments/r both set "
                                 "nodeSelector[\"billet.dev/pool\"] (\"a\" vs \"y\")",
                                 "conflict: b/place-members and deployments/r both set "
                                 "nodeSelector[\"billet.dev/pool\"] (\"b\" vs \"y\")",
                                 "conflict: c/place-members and deployments/r both set "
                                 "nodeSelector[\"billet.dev/pool\"] (\"c\" vs \"y\")"});
}

TEST_CASE("exceptions: what cannot do what it says, or does more than it seems, is warned about") {
  const std::string pol = policy("gpu",
                                 "{rules: [{name: limits, validate: {message: m, deny: "
                                 "[{path: pod.hostNetwork, op: Equals, value: true}]}}]}");
  auto exception = [](const std::string& name, const std::string& spec) {
    return "apiVersion: billet.dev/v1alpha1\nkind: PolicyException\nmetadata: {name: " + name +
           "}\nspec: " + spec + "\n---\n";
  };
  LoadResult r = loadPoliciesFromText(
      "ex.yaml", pol +
                     exception("typo-policy",
                               "{exceptions: [{policy: gpo}], match: "
                               "{namespaces: [a]}}") +
                     exception("typo-rule",
                               "{exceptions: [{policy: gpu, rules: [limitz]}], "
                               "match: {namespaces: [a]}}") +
                     exception("everywhere", "{exceptions: [{policy: gpu}]}") +
                     exception("nothing", "{exceptions: [], match: {namespaces: [a]}}") +
                     exception("fine",
                               "{exceptions: [{policy: gpu, rules: [limits]}], match: "
                               "{namespaces: [a]}}"));
  REQUIRE(r.ok());
  CHECK(r.warnings ==
        std::vector<std::string>{
            "ex.yaml:6: PolicyException typo-policy names unknown policy \"gpo\"",
            "ex.yaml:11: PolicyException typo-rule names unknown rule \"limitz\" of policy \"gpu\"",
            "ex.yaml:16: PolicyException everywhere has no spec.match: it applies to every "
            "request in every namespace",
            "ex.yaml:21: PolicyException nothing excepts nothing (spec.exceptions is empty)"});
}
