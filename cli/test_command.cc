// `billet test PATH...`: policy test files (SPEC §6.3).
//
//   apiVersion: billet.dev/v1alpha1
//   kind: Test
//   metadata: {name: gpu-workloads}
//   policies: [../policies/gpu.yaml]      # relative to the test file
//   resources: [resources.yaml]
//   cases:
//     - {resource: Deployment/ml-prod/gpu-executor, policy: gpu-workloads, rule: gpu-placement,
//        result: pass, patched: expected/gpu-executor.yaml}
//
// Each case looks up the resource by Kind/namespace/name (Kind/name when cluster-scoped), the
// result of policy/rule for it, and, with `patched`, compares the mutated object with the file
// (with `generated`, the objects its generate rules produce). A mismatch prints a unified diff
// of the YAML. A case naming a resource, policy or rule that does not exist is an invalid test
// (exit 2): it could never pass, and a typo must not read as a policy regression.
#include <filesystem>
#include <iostream>

#include "cli/args.h"
#include "cli/cluster_flags.h"
#include "cli/commands.h"
#include "cli/inputs.h"
#include "cli/line_diff.h"
#include "cli/offline.h"
#include "json/yaml.h"
#include "policy/compiled.h"
#include "policy/decode.h"
#include "policy/source.h"

namespace billet::cli {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string resource, policy, rule, result, patched, generated;
  int line = 0;
};

struct TestFile {
  std::string file, name;
  std::vector<std::string> policies, resources;
  std::vector<Case> cases;
};

std::string relativeTo(const std::string& file, const std::string& path) {
  if (path == "-" || fs::path(path).is_absolute()) return path;
  return (fs::path(file).parent_path() / path).lexically_normal().string();
}

std::optional<TestFile> decodeTest(const policy::Document& doc,
                                   std::vector<policy::LoadError>& errors) {
  policy::Decoder d(doc.file, errors);
  std::size_t before = errors.size();
  const YAML::Node& n = doc.node;
  d.map(n, "", {"apiVersion", "kind", "metadata", "policies", "resources", "cases"});
  TestFile t;
  t.file = doc.file;
  // The same header as every billet document (docs/reference.md).
  if (d.required(n, n["apiVersion"], "apiVersion"))
    if (auto v = d.str(n["apiVersion"], "apiVersion"); v && *v != "billet.dev/v1alpha1")
      d.fail(n["apiVersion"], "apiVersion",
             "unknown apiVersion \"" + *v + "\" (expected billet.dev/v1alpha1)");
  const YAML::Node meta = n["metadata"];
  if (d.required(n, meta, "metadata") &&
      d.map(meta, "metadata", {"name", "labels", "annotations"}) &&
      d.required(meta, meta["name"], "metadata.name")) {
    t.name = d.str(meta["name"], "metadata.name").value_or("");
    d.strMap(meta["labels"], "metadata.labels");
    d.strMap(meta["annotations"], "metadata.annotations");
  }
  for (const std::string& p : d.strList(n["policies"], "policies"))
    t.policies.push_back(relativeTo(doc.file, p));
  for (const std::string& r : d.strList(n["resources"], "resources"))
    t.resources.push_back(relativeTo(doc.file, r));
  // (A value that is not a list was reported as such already.)
  if (t.policies.empty() && (!n["policies"] || n["policies"].IsSequence()))
    d.fail(n, "policies", "a Test needs at least one policy file");
  if (t.resources.empty() && (!n["resources"] || n["resources"].IsSequence()))
    d.fail(n, "resources", "a Test needs at least one resource file");
  const YAML::Node cases = n["cases"];
  if (d.required(n, cases, "cases") && d.seq(cases, "cases")) {
    std::size_t i = 0;
    for (const YAML::Node& c : cases) {
      std::string p = policy::indexPath("cases", i++);
      if (!d.map(c, p, {"resource", "policy", "rule", "result", "patched", "generated"})) continue;
      Case k;
      k.line = c.Mark().line + 1;
      for (auto [field, slot] :
           {std::pair{"resource", &k.resource}, {"policy", &k.policy}, {"rule", &k.rule}})
        if (d.required(c, c[field], policy::childPath(p, field)))
          *slot = d.str(c[field], policy::childPath(p, field)).value_or("");
      if (d.required(c, c["result"], policy::childPath(p, "result")) &&
          d.oneOf(c["result"], policy::childPath(p, "result"),
                  {"pass", "fail", "warn", "skip", "error"}))
        k.result = c["result"].Scalar();
      if (auto patched = d.str(c["patched"], policy::childPath(p, "patched")))
        k.patched = relativeTo(doc.file, *patched);
      if (auto generated = d.str(c["generated"], policy::childPath(p, "generated")))
        k.generated = relativeTo(doc.file, *generated);
      t.cases.push_back(std::move(k));
    }
    if (cases.size() == 0) d.fail(cases, "cases", "a Test needs at least one case");
  }
  if (errors.size() != before) return std::nullopt;
  return t;
}

std::string yamlStream(const std::vector<const json::Value*>& objects) {
  std::string out;
  for (const json::Value* o : objects) out += "---\n" + json::writeYaml(*o);
  return out;
}

// Compares what billet produced (`what`: "patched", "generated") with an expected file; "" when
// equal, else why on the first line and the diff after it.
std::string compareWithFile(const std::string& what, const std::string& file,
                            const std::vector<const json::Value*>& got) {
  Identity identity;
  std::vector<policy::LoadError> errors;
  std::vector<Resource> expected = loadResources({file}, identity, errors);
  if (!errors.empty()) return "cannot read expected file: " + errors[0].format();
  std::vector<const json::Value*> want;
  for (const Resource& r : expected) want.push_back(&r.object);
  bool same = want.size() == got.size();
  for (std::size_t i = 0; same && i < want.size(); ++i) same = *want[i] == *got[i];
  if (same) return "";
  return what + " differs from " + file + "\n" +
         unifiedDiff(yamlStream(want), yamlStream(got), file, "got");
}

// Which case names something that does not exist: "" when the case is well-formed.
std::string unknownName(const Case& c, const policy::PolicySet& set,
                        const std::vector<ResourceReport>& reports) {
  bool resource = false;
  for (const ResourceReport& r : reports) resource = resource || r.resource->id() == c.resource;
  if (!resource) return "no resource " + c.resource + " in the Test's resources";
  for (const policy::CompiledPolicy& p : set.policies) {
    if (p.name != c.policy) continue;
    for (const policy::Rule& r : p.rules)
      if (r.name == c.rule) return "";
    return "policy " + c.policy + " has no rule " + c.rule;
  }
  return "no policy " + c.policy + " in the Test's policies";
}

// Why a case's expected files cannot be compared with anything: "" when they can. A file that
// is missing or does not parse is the Test's mistake (exit 2), not the policy's.
std::string unreadableExpectation(const Case& c) {
  for (const auto& [what, file] : {std::pair<const char*, const std::string&>{"patched", c.patched},
                                   {"generated", c.generated}}) {
    if (file.empty()) continue;
    Identity identity;
    std::vector<policy::LoadError> errors;
    std::vector<Resource> expected = loadResources({file}, identity, errors);
    if (!errors.empty()) return std::string(what) + ": " + errors[0].format();
    if (std::string(what) == "patched" && expected.size() != 1)
      return "patched: " + file + " holds " + std::to_string(expected.size()) +
             " objects; the mutated object is one";
  }
  return "";
}

// Runs one Test; prints a row per case. Returns false on invalid input (exit 2).
bool runTest(const TestFile& t, const policy::LoadOptions& loadOptions, int& passed, int& failed) {
  // Errors in the files a Test names say which Test named them, and both sets are reported.
  auto report = [&](const char* what, const std::vector<policy::LoadError>& errors) {
    for (const auto& e : errors) std::cerr << t.file << ": " << what << ": " << e.format() << "\n";
  };
  policy::LoadResult loaded = policy::loadPolicies(readInputs(t.policies), loadOptions);
  if (!loaded.ok()) report("policies", loaded.errors);
  Identity identity;
  std::vector<policy::LoadError> errors;
  std::vector<Resource> resources = loadResources(t.resources, identity, errors);
  if (!errors.empty()) report("resources", errors);
  if (!loaded.ok() || !errors.empty()) return false;
  std::vector<ResourceReport> reports;
  for (const Resource& r : resources) reports.push_back(evaluate(*loaded.set, r, identity));
  bool valid = true;
  for (const Case& c : t.cases) {
    std::string why = unknownName(c, *loaded.set, reports);
    if (why.empty()) why = unreadableExpectation(c);
    if (!why.empty()) {
      std::cerr << t.file << ":" << c.line << ": invalid case " << c.resource << " " << c.policy
                << "/" << c.rule << ": " << why << "\n";
      valid = false;
    }
  }
  if (!valid) return false;
  for (const Case& c : t.cases) {
    const ResourceReport* rep = nullptr;
    for (const ResourceReport& r : reports)
      if (r.resource->id() == c.resource) rep = &r;
    // A rule of a policy for other kinds has no result at all: for this resource it is skipped.
    std::string got = "skip", message, why;
    for (const policy::RuleResult& r : rep->results)
      if (r.policy == c.policy && r.rule == c.rule) {
        got = std::string(policy::name(r.outcome));
        message = r.message;
      }
    if (got != c.result) why = "got " + got + (message.empty() ? "" : ": " + message);
    if (why.empty() && !c.patched.empty())
      why = compareWithFile("patched", c.patched, {&rep->patched});
    if (why.empty() && !c.generated.empty()) {
      std::vector<const json::Value*> generated;
      for (const policy::Generated& g : rep->generated)
        if (g.policy == c.policy && g.rule == c.rule) generated.push_back(&g.object);
      why = compareWithFile("generated", c.generated, generated);
    }
    bool ok = why.empty();
    (ok ? passed : failed)++;
    std::string head = why.substr(0, why.find('\n')), diff;
    if (head.size() < why.size()) diff = why.substr(head.size() + 1);
    std::cout << (ok ? "PASS  " : "FAIL  ") << t.name << "  " << c.resource << "  " << c.policy
              << "/" << c.rule << "  " << c.result << (ok ? "" : "  (" + head + ")") << "\n";
    // The diff under its row, indented so that the table still reads as a table.
    for (std::size_t at = 0; at < diff.size();) {
      std::size_t end = diff.find('\n', at);
      if (end == std::string::npos) end = diff.size();
      std::cout << "      " << diff.substr(at, end - at) << "\n";
      at = end + 1;
    }
  }
  return true;
}

constexpr const char* kTestHelp = R"(
Runs every `kind: Test` document in the files or directories given:

  apiVersion: billet.dev/v1alpha1
  kind: Test
  metadata: {name: gpu-workloads}
  policies: [../policies]         # files or directories, relative to the test file
  resources: [resources.yaml]
  cases:
    - resource: Deployment/ml-prod/gpu-executor   # Kind/namespace/name (Kind/name if cluster-scoped)
      policy: gpu-workloads
      rule: gpu-placement
      result: pass                 # pass, fail, warn, skip or error
      patched: expected/gpu-executor.yaml    # optional: the whole mutated object
      generated: expected/gpu-executor-pdb.yaml  # optional: what this rule generates

Prints one PASS/FAIL row per case (a unified diff under a patched or generated mismatch) and
"N passed, M failed". Exit codes: 0 every case passed, 1 a case failed, 2 invalid input (a Test,
policy or resource that does not load, a case naming a resource, policy or rule that does not
exist, or an expected file that cannot be read).
)";

}  // namespace

int test(const Args& args) {
  ArgParser parser("billet test [--cluster-nodes N] [--cluster-workloads W] PATH...",
                   clusterSizeFlags());
  std::string error;
  bool help = false;
  auto parsed = parser.parse(args, error, help);
  if (help) {
    std::cout << parser.help() << kTestHelp;
    return 0;
  }
  if (!parsed || parsed->positionals().empty()) {
    std::cerr << "billet test: " << (parsed ? "give at least one test file or directory" : error)
              << "\n"
              << parser.help();
    return 2;
  }
  std::vector<policy::LoadError> errors;
  std::vector<policy::Document> docs;
  for (const base::TextFile& s : readInputs(parsed->positionals())) {
    if (!s.error.empty())
      errors.push_back({s.name, 0, 0, "", s.error});
    else
      policy::parseDocuments(s, docs, errors);
  }
  std::vector<TestFile> tests;
  for (const policy::Document& d : docs) {
    const YAML::Node kind = d.node["kind"];
    if (!kind || !kind.IsScalar() || kind.Scalar() != "Test") continue;
    if (auto t = decodeTest(d, errors)) tests.push_back(std::move(*t));
  }
  if (!errors.empty()) {
    for (const auto& e : errors) std::cerr << e.format() << "\n";
    return 2;
  }
  if (tests.empty()) {
    std::cerr << "billet test: no `kind: Test` documents found\n";
    return 2;
  }
  policy::LoadOptions loadOptions;
  if (!applyClusterSizeFlags(*parsed, loadOptions, error)) {
    std::cerr << "billet test: " << error << "\n";
    return 2;
  }
  int passed = 0, failed = 0;
  for (const TestFile& t : tests)
    if (!runTest(t, loadOptions, passed, failed)) return 2;
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed ? 1 : 0;
}

}  // namespace billet::cli
