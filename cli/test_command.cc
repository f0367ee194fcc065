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
// result of policy/rule for it, and, with `patched`, compares the mutated object with the file.
#include <filesystem>
#include <iostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/offline.h"
#include "json/yaml.h"
#include "policy/compiled.h"
#include "policy/decode.h"
#include "policy/source.h"

namespace billet::cli {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string resource, policy, rule, result, patched;
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
  if (const YAML::Node meta = n["metadata"]; meta && d.map(meta, "metadata", {"name"}))
    t.name = d.str(meta["name"], "metadata.name").value_or("");
  for (const std::string& p : d.strList(n["policies"], "policies"))
    t.policies.push_back(relativeTo(doc.file, p));
  for (const std::string& r : d.strList(n["resources"], "resources"))
    t.resources.push_back(relativeTo(doc.file, r));
  if (t.policies.empty()) d.fail(n, "policies", "a Test needs at least one policy file");
  if (t.resources.empty()) d.fail(n, "resources", "a Test needs at least one resource file");
  const YAML::Node cases = n["cases"];
  if (d.required(n, cases, "cases") && d.seq(cases, "cases")) {
    std::size_t i = 0;
    for (const YAML::Node& c : cases) {
      std::string p = policy::indexPath("cases", i++);
      if (!d.map(c, p, {"resource", "policy", "rule", "result", "patched"})) continue;
      Case k;
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
      t.cases.push_back(std::move(k));
    }
  }
  if (errors.size() != before) return std::nullopt;
  return t;
}

// Runs one Test; prints a row per case. Returns false on invalid input (exit 2).
bool runTest(const TestFile& t, int& passed, int& failed) {
  policy::LoadResult loaded = policy::loadPolicies(t.policies);
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::cerr << e.format() << "\n";
    return false;
  }
  Identity identity;
  std::vector<policy::LoadError> errors;
  std::vector<Resource> resources = loadResources(t.resources, identity, errors);
  if (!errors.empty()) {
    for (const auto& e : errors) std::cerr << e.format() << "\n";
    return false;
  }
  std::vector<ResourceReport> reports;
  for (const Resource& r : resources) reports.push_back(evaluate(*loaded.set, r, identity, false));
  for (const Case& c : t.cases) {
    std::string got = "missing", why;
    const ResourceReport* rep = nullptr;
    for (const ResourceReport& r : reports)
      if (r.resource->id() == c.resource) rep = &r;
    if (!rep) {
      why = "no resource " + c.resource;
    } else {
      for (const policy::RuleResult& r : rep->results)
        if (r.policy == c.policy && r.rule == c.rule) got = std::string(policy::name(r.outcome));
      if (got != c.result) why = "got " + got;
      if (why.empty() && !c.patched.empty()) {
        std::vector<policy::LoadError> perrors;
        std::vector<Resource> expected = loadResources({c.patched}, identity, perrors);
        if (!perrors.empty() || expected.size() != 1) {
          for (const auto& e : perrors) std::cerr << e.format() << "\n";
          std::cerr << c.patched << ": expected exactly one resource\n";
          return false;
        }
        if (expected[0].object != rep->patched)
          why = "patched object differs from " + c.patched + "; got:\n" +
                json::writeYaml(rep->patched);
      }
    }
    bool ok = why.empty();
    (ok ? passed : failed)++;
    std::cout << (ok ? "PASS  " : "FAIL  ") << t.name << "  " << c.resource << "  " << c.policy
              << "/" << c.rule << "  " << c.result << (ok ? "" : "  (" + why + ")") << "\n";
  }
  return true;
}

}  // namespace

int test(const Args& args) {
  ArgParser parser("billet test PATH...", {});
  std::string error;
  bool help = false;
  auto parsed = parser.parse(args, error, help);
  if (help) {
    std::cout << parser.help()
              << "\nRuns every `kind: Test` document in the files or directories given.\n";
    return 0;
  }
  if (!parsed || parsed->positionals().empty()) {
    std::cerr << "billet test: " << (parsed ? "give at least one test file or directory" : error)
              << "\n";
    return 2;
  }
  std::vector<policy::LoadError> errors;
  std::vector<policy::Document> docs;
  for (const policy::TextSource& s : policy::readSources(parsed->positionals(), errors))
    policy::parseDocuments(s, docs, errors);
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
  int passed = 0, failed = 0;
  for (const TestFile& t : tests)
    if (!runTest(t, passed, failed)) return 2;
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed ? 1 : 0;
}

}  // namespace billet::cli
