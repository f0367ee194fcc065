// `billet lint` and `billet audit`: offline evaluation of resources against policies.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "base/names.h"
#include "cli/args.h"
#include "cli/cluster_audit.h"
#include "cli/cluster_flags.h"
#include "cli/commands.h"
#include "cli/inputs.h"
#include "cli/offline.h"
#include "cli/output.h"
#include "cli/report_sink.h"
#include "kube/kubeconfig.h"
#include "policy/policy_set.h"

namespace billet::cli {
namespace {

// Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org).
bool useColor(int fd) {
  const char* noColor = std::getenv("NO_COLOR");
  return isatty(fd) && !(noColor && *noColor);
}

std::vector<FlagSpec> flags(bool audit) {
  std::vector<FlagSpec> f = {
      {"policies", 'p', true, true, "policy files or directories ('-' for stdin)", "PATH"},
      {"file", 'f', true, true, "resource files or directories ('-' for stdin)", "PATH"},
      {"output", 'o', true, false, "text (default), json, yaml, policyreport, sarif, junit",
       "FORMAT"},
      {"namespace", 0, true, false, "namespace for resources without one (default: default)", "NS"},
      {"user", 0, true, false, "request user (default: system:anonymous)", "NAME"},
      {"group", 0, true, true, "request group (default: system:unauthenticated)", "NAME"},
      {"show-skips", 0, false, false, "list skipped rules in text output", ""},
      {"verbose", 'v', false, false, "list every passing rule in text output", ""},
  };
  for (FlagSpec& c : clusterSizeFlags()) f.push_back(std::move(c));
  if (audit) {
    f.push_back(
        {"html", 0, true, false, "also write a self-contained HTML report to FILE", "FILE"});
    f.push_back({"kubeconfig", 0, true, false,
                 "audit the objects of a live cluster instead of files", "FILE"});
    f.push_back(
        {"context", 0, true, false, "with --kubeconfig: the context (default: current)", "NAME"});
  } else {
    f.push_back({"patched", 0, false, false,
                 "print the mutated and generated objects for kubectl apply (YAML, or a JSON "
                 "List with -o json); results to stderr",
                 ""});
    f.push_back({"patches", 0, false, false, "print the JSON Patch of each resource", ""});
    f.push_back({"explain", 0, false, false, "print which policy/rule changed each field", ""});
  }
  return f;
}

constexpr const char* kFormats = "text, json, yaml, policyreport, sarif, junit";

bool knownFormat(const std::string& f) {
  return f == "text" || f == "json" || f == "yaml" || f == "policyreport" || f == "sarif" ||
         f == "junit";
}

int run(const Args& args, bool audit) {
  const std::string command = audit ? "billet audit" : "billet lint";
  const char* usage =
      audit ? "billet audit -p POLICIES... (-f RESOURCES... | --kubeconfig FILE [--context NAME]) "
              "[--output FORMAT] [--html FILE]"
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
  // A usage error: the reason on one line, then the usage to correct it with.
  auto usageError = [&](const std::string& why) {
    std::cerr << command << ": " << why << "\n" << parser.help();
    return 2;
  };
  if (!parsed) return usageError(error);
  const std::vector<std::string>& policyPaths = parsed->all("policies");
  const std::vector<std::string>& filePaths = parsed->all("file");
  if (policyPaths.empty()) return usageError("-p/--policies is required");
  if (!parsed->positionals().empty())
    return usageError("unexpected argument " + parsed->positionals()[0]);
  std::string format = parsed->get("output", "text");
  if (!knownFormat(format))
    return usageError("unknown --output " + format + " (valid: " + kFormats + ")");
  // The reports' formats have no place for objects or changes: asked for there, they would be
  // dropped without a word.
  for (const char* flag : {"patched", "patches", "explain"})
    if (parsed->has(flag) && format != "text" && format != "json" && format != "yaml")
      return usageError(std::string("--") + flag + " needs --output text, json or yaml (not " +
                        format + ")");
  const std::optional<std::string> kubeconfig = audit ? parsed->get("kubeconfig") : std::nullopt;
  if (audit && filePaths.empty() && !kubeconfig)
    return usageError("-f/--file or --kubeconfig is required");
  if (kubeconfig && !filePaths.empty())
    return usageError("-f/--file and --kubeconfig exclude each other");
  if (parsed->get("context") && !kubeconfig) return usageError("--context needs --kubeconfig");
  if (auto ns = parsed->get("namespace"); ns && !base::isDns1123Label(*ns))
    return usageError("--namespace: not a namespace name (a DNS-1123 label): \"" + *ns + "\"");
  // Standard input can be read once: a second "-" would silently read nothing.
  int stdinCount = 0;
  for (const auto* list : {&policyPaths, &filePaths})
    for (const std::string& p : *list) stdinCount += p == "-" ? 1 : 0;
  if (stdinCount > 1)
    return usageError("standard input (-) is named " + std::to_string(stdinCount) +
                      " times; it can be read once");

  policy::LoadOptions loadOptions;
  if (std::string err; !applyClusterSizeFlags(*parsed, loadOptions, err)) return usageError(err);
  // Read once: a second load (with a live cluster's facts) cannot read standard input again.
  const std::vector<base::TextFile> policyFiles = readInputs(policyPaths);
  policy::LoadResult loaded = policy::loadPolicies(policyFiles, loadOptions);
  for (const std::string& w : loaded.warnings) std::cerr << "warning: " << w << "\n";
  if (!loaded.ok()) {
    for (const policy::LoadError& e : loaded.errors) std::cerr << e.format() << "\n";
    std::cerr << loaded.errors.size() << " error(s) in policies\n";
    return 2;
  }
  const int documents = policyDocuments(*loaded.set);
  if (documents == 0) {
    // A gate that loads no policy would pass everything.
    std::cerr << command << ": no policy document in " << joinPaths(policyPaths) << "\n";
    return 2;
  }

  Identity identity;
  if (auto ns = parsed->get("namespace")) identity.defaultNamespace = *ns;
  if (auto u = parsed->get("user")) identity.username = *u;
  if (parsed->has("group")) identity.groups = parsed->all("group");

  if (filePaths.empty() && !kubeconfig) {
    std::cout << "policies ok: " << documents << " document(s)";
    for (const auto& [kind, count] : loaded.set->counts)
      if (count) std::cout << ", " << kind << " " << count;
    std::cout << "\n";
    return 0;
  }

  OutputOptions o;
  o.patched = parsed->has("patched");
  o.patches = parsed->has("patches");
  o.explain = parsed->has("explain");
  o.showSkips = parsed->has("show-skips");
  o.verbose = parsed->has("verbose");
  // Each resource is evaluated as it is read and handed to the outputs; none is kept.
  SinkList sinks;
  if (o.patched) {
    // stdout is what `kubectl apply -f -` reads: the objects alone (a JSON List with --output
    // json); the results go to stderr, in the chosen format.
    o.patched = false;
    o.color = format == "text" && useColor(STDERR_FILENO);
    sinks.push(patchedObjectsSink(std::cout, format == "json"));
    sinks.push(outputSink(format, o, std::cerr));
  } else {
    o.color = format == "text" && useColor(STDOUT_FILENO);
    sinks.push(outputSink(format, o, std::cout));
  }
  // The page is written at the end, into a file opened then: a run that fails before leaves no
  // file behind.
  const std::optional<std::string> htmlPath = audit ? parsed->get("html") : std::nullopt;
  std::ofstream html;
  std::unique_ptr<ReportSink> htmlPage;
  if (htmlPath) htmlPage = htmlSink(html, std::chrono::system_clock::now());
  auto toOutputs = [&](const ResourceReport& rep) {
    sinks.add(rep);
    if (htmlPage) htmlPage->add(rep);
  };
  bool fails = false;
  std::size_t evaluated = 0;
  auto report = [&](ResourceReport& rep) {
    fails = fails || rep.failsLint();
    if (audit) asAudit(rep);
    toOutputs(rep);
    ++evaluated;
  };

  std::size_t errors = 0;
  if (kubeconfig) {
    // The objects of a live cluster, listed in pages and evaluated one by one.
    if (kindsToAudit(*loaded.set).empty() && templateKindsToAudit(*loaded.set).empty()) {
      std::cerr << command << ": no policy matches a kind billet lists from a cluster\n";
      return 2;
    }
    auto config = kube::loadKubeConfig(*kubeconfig, parsed->get("context", ""));
    if (!config.ok()) {
      std::cerr << command << ": " << config.error << "\n";
      return 2;
    }
    kube::KubeClient client(config.value.config);
    auto refused = [&](int status, const std::string& failure) {
      std::string why = failure;
      if (status == 401) why = "the API server refused the credentials (401 Unauthorized): " + why;
      if (status == 403) why = "not allowed (403 Forbidden): " + why;
      std::cerr << command << ": " << config.value.server << " (context " << config.value.context
                << "): " << why << "\n";
      return 2;
    };
    // What the server would know from its watches (the size for `cluster: auto`, autoscaled
    // replicas, NodePool nodes): the policies are loaded again with it, as the server does.
    int status = 0;
    const base::Result<LiveCluster> live = readLiveCluster(client, *loaded.set, status);
    if (!live.ok()) return refused(status, live.error);
    policy::LoadOptions withLive = loadOptions;
    if (live.value.size && !withLive.clusterSize) withLive.clusterSize = live.value.size;
    withLive.facts = live.value.facts;
    loaded = policy::loadPolicies(policyFiles, withLive);
    if (!loaded.ok()) {
      for (const policy::LoadError& e : loaded.errors) std::cerr << e.format() << "\n";
      return 2;
    }
    ClusterAuditResult result = auditCluster(
        client, *loaded.set, identity,
        [&](Resource&, ResourceReport& rep) {
          // auditCluster has applied asAudit already.
          toOutputs(rep);
          ++evaluated;
        },
        /*failFast=*/true);
    if (!result.failures.empty())
      return refused(result.failures.front().status, result.failures.front().error);
    for (const std::string& kind : result.absent)
      std::cerr << "note: " << kind
                << " is not served by this cluster (its CRD is not installed)\n";
  } else {
    ResourceCallbacks callbacks;
    callbacks.resource = [&](Resource& r) {
      ResourceReport rep = evaluate(*loaded.set, r, identity);
      report(rep);
    };
    callbacks.note = [&](const std::string& n) { std::cerr << "note: " << n << "\n"; };
    callbacks.error = [&](const policy::LoadError& e) {
      ++errors;
      std::cerr << e.format() << "\n";
    };
    streamResources(filePaths, identity, callbacks);
    if (evaluated == 0) {
      // A gate that evaluates nothing would pass; say why there was nothing.
      if (errors == 0)
        std::cerr << command << ": no Kubernetes object in " << joinPaths(filePaths) << "\n";
      else
        std::cerr << errors << " error(s) in resources, no object to evaluate\n";
      return 2;
    }
  }
  sinks.finish();
  if (htmlPage) {
    html.open(*htmlPath, std::ios::binary | std::ios::trunc);
    if (html) htmlPage->finish();
    if (html) html.close();
    if (!html) {
      std::cerr << "billet audit: cannot write --html " << *htmlPath << "\n";
      return 2;
    }
  }
  if (errors) {
    std::cerr << errors << " error(s) in resources\n";
    return 2;
  }
  return audit ? 0 : (fails ? 1 : 0);
}

}  // namespace

int lint(const Args& args) {
  return run(args, false);
}
int audit(const Args& args) {
  return run(args, true);
}

}  // namespace billet::cli
