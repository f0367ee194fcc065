// `billet lint` and `billet audit`: offline evaluation of resources against policies.
#include <fstream>
#include <iostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/offline.h"
#include "cli/output.h"
#include "policy/compiled.h"

namespace billet::cli {
namespace {

std::vector<FlagSpec> flags(bool audit) {
  std::vector<FlagSpec> f = {
      {"policies", 'p', true, true, "policy files or directories ('-' for stdin)", "PATH"},
      {"file", 'f', true, true, "resource files or directories ('-' for stdin)", "PATH"},
      {"output", 'o', true, false,
       audit ? "text (default), json, yaml, policyreport"
             : "text (default), json, yaml, policyreport, sarif, junit",
       "FORMAT"},
      {"namespace", 0, true, false, "namespace for resources without one (default: default)", "NS"},
      {"user", 0, true, false, "request user (default: system:anonymous)", "NAME"},
      {"group", 0, true, true, "request group (default: system:unauthenticated)", "NAME"},
      {"show-skips", 0, false, false, "list skipped rules in text output", ""},
  };
  if (audit) {
    f.push_back(
        {"html", 0, true, false, "also write a self-contained HTML report to FILE", "FILE"});
  } else {
    f.push_back({"patched", 0, false, false, "print each mutated resource", ""});
    f.push_back({"patches", 0, false, false, "print the JSON Patch of each resource", ""});
    f.push_back({"explain", 0, false, false, "print which policy/rule changed each field", ""});
  }
  return f;
}

int run(const Args& args, bool audit) {
  const char* usage =
      audit ? "billet audit -p POLICIES... -f RESOURCES... [--output FORMAT] [--html FILE]"
            : "billet lint -p POLICIES... [-f RESOURCES...] [--output FORMAT] "
              "[--patched] [--patches] [--explain]";
  ArgParser parser(usage, flags(audit));
  std::string error;
  bool help = false;
  auto parsed = parser.parse(args, error, help);
  if (help) {
    std::cout << parser.help();
    return 0;
  }
  if (!parsed) {
    std::cerr << "billet " << (audit ? "audit" : "lint") << ": " << error << "\n";
    return 2;
  }
  const std::vector<std::string>& policyPaths = parsed->all("policies");
  if (policyPaths.empty() || !parsed->positionals().empty()) {
    std::cerr << "billet " << (audit ? "audit" : "lint") << ": "
              << (policyPaths.empty() ? "-p/--policies is required"
                                      : "unexpected argument " + parsed->positionals()[0])
              << "\n"
              << parser.help();
    return 2;
  }
  std::string format = parsed->get("output", "text");
  bool known = format == "text" || format == "json" || format == "yaml" ||
               format == "policyreport" || (!audit && (format == "sarif" || format == "junit"));
  if (!known) {
    std::cerr << "billet " << (audit ? "audit" : "lint") << ": unknown --output " << format << "\n";
    return 2;
  }
  if (audit && parsed->all("file").empty()) {
    std::cerr << "billet audit: -f/--file is required\n";
    return 2;
  }

  policy::LoadResult loaded = policy::loadPolicies(policyPaths);
  for (const std::string& w : loaded.warnings) std::cerr << "warning: " << w << "\n";
  if (!loaded.ok()) {
    for (const policy::LoadError& e : loaded.errors) std::cerr << e.format() << "\n";
    std::cerr << loaded.errors.size() << " error(s) in policies\n";
    return 2;
  }

  Identity identity;
  if (auto ns = parsed->get("namespace")) identity.defaultNamespace = *ns;
  if (auto u = parsed->get("user")) identity.username = *u;
  if (parsed->has("group")) identity.groups = parsed->all("group");

  if (parsed->all("file").empty()) {
    int n = 0;
    for (const auto& [kind, count] : loaded.set->counts) n += count;
    std::cout << "policies ok: " << n << " document(s)";
    for (const auto& [kind, count] : loaded.set->counts)
      if (count) std::cout << ", " << kind << " " << count;
    std::cout << "\n";
    return 0;
  }

  std::vector<policy::LoadError> errors;
  std::vector<Resource> resources = loadResources(parsed->all("file"), identity, errors);
  if (!errors.empty()) {
    for (const policy::LoadError& e : errors) std::cerr << e.format() << "\n";
    std::cerr << errors.size() << " error(s) in resources\n";
    return 2;
  }
  std::vector<ResourceReport> reports;
  reports.reserve(resources.size());
  bool enforceFailure = false;
  for (const Resource& r : resources) {
    reports.push_back(evaluate(*loaded.set, r, identity, audit));
    enforceFailure = enforceFailure || reports.back().enforceFailure;
  }
  OutputOptions o;
  o.patched = parsed->has("patched");
  o.patches = parsed->has("patches");
  o.explain = parsed->has("explain");
  o.showSkips = parsed->has("show-skips");
  if (format == "json")
    std::cout << renderJson(reports, o);
  else if (format == "yaml")
    std::cout << renderYaml(reports, o);
  else if (format == "policyreport")
    std::cout << renderPolicyReports(reports);
  else if (format == "sarif")
    std::cout << renderSarif(reports);
  else if (format == "junit")
    std::cout << renderJunit(reports);
  else
    std::cout << renderText(reports, o);
  if (audit) {
    if (auto htmlPath = parsed->get("html")) {
      std::ofstream file(*htmlPath, std::ios::binary | std::ios::trunc);
      if (file) file << renderHtml(reports);
      if (file) file.close();
      if (!file) {
        std::cerr << "billet audit: cannot write --html " << *htmlPath << "\n";
        return 2;
      }
    }
  }
  return audit ? 0 : (enforceFailure ? 1 : 0);
}

}  // namespace

int lint(const Args& args) {
  return run(args, false);
}
int audit(const Args& args) {
  return run(args, true);
}

}  // namespace billet::cli
