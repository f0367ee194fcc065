// Loading policy documents into a PolicySet, in named stages:
//   1. read      files, directories and stdin                    (files.cc)
//   2. parse     YAML documents, `kind: List` expanded            (documents.cc)
//   3. decode    strict schema per kind, paths/regexes/quantities compiled  (decode_*.cc)
//   4. assemble  Settings applied, names checked, evaluation order, index by kind
//   5. check     conflicting assignments between rules (warnings)  (conflicts.cc)
// Every stage reports all of its errors; a set with any error is rejected whole.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "policy/cluster.h"
#include "policy/loader_internal.h"
#include "policy/service_group.h"
#include "policy/source.h"

namespace billet::policy {
namespace {

constexpr const char* kApiVersion = "billet.dev/v1alpha1";

struct Decoded {
  std::vector<CompiledPolicy> serviceGroups, nodePools, policies;
  std::vector<PolicyExceptionSpec> exceptions;
  std::optional<Settings> settings;
};

}  // namespace

LoadResult loadPolicies(const std::vector<base::TextFile>& files, const LoadOptions& options) {
  LoadResult result;
  std::vector<LoadError> errors;
  std::vector<Document> docs;
  for (const base::TextFile& file : files) {
    if (!file.error.empty())
      errors.push_back({file.name, 0, 0, "", file.error});
    else
      parseDocuments(file, docs, errors);
  }

  // Settings first: other kinds depend on them (ServiceGroup tiers, excluded namespaces).
  Decoded out;
  const Document* settingsDoc = nullptr;
  for (const Document& doc : docs) {
    const YAML::Node kind = doc.node["kind"];
    if (!kind || !kind.IsScalar() || kind.Scalar() != "Settings") continue;
    Decoder d(doc.file, errors);
    if (settingsDoc) {
      d.fail(kind, "kind",
             "a second Settings document (the first is at " + settingsDoc->file + ":" +
                 std::to_string(settingsDoc->line) + ")");
      continue;
    }
    settingsDoc = &doc;
    if (!d.map(doc.node, "", {"apiVersion", "kind", "metadata", "spec"})) continue;
    out.settings = decodeSettings(d, doc.node);
  }
  Settings settings = out.settings.value_or(Settings{});
  if (options.clusterSize) {
    settings.clusterNodes = options.clusterSize->nodes;
    settings.clusterWorkloads = options.clusterSize->workloads;
  }
  settings.facts = options.facts;
  settings.cluster = clusterDocument(settings.clusterNodes, settings.clusterWorkloads);
  if (!options.selfNamespace.empty()) settings.excludeNamespaces.push_back(options.selfNamespace);

  std::vector<Assignment> assignments;
  std::map<std::pair<std::string, std::string>, std::string> names;  // (kind, name) -> where
  // ServiceGroups before the other kinds: a Policy rule's `serviceGroup: NAME` names one.
  auto isServiceGroup = [](const Document& doc) {
    const YAML::Node kind = doc.node["kind"];
    return kind && kind.IsScalar() && kind.Scalar() == "ServiceGroup";
  };
  std::vector<const Document*> ordered;
  ordered.reserve(docs.size());
  for (const Document& doc : docs)
    if (isServiceGroup(doc)) ordered.push_back(&doc);
  for (const Document& doc : docs)
    if (!isServiceGroup(doc)) ordered.push_back(&doc);
  for (const Document* docp : ordered) {
    const Document& doc = *docp;
    Decoder d(doc.file, errors);
    const YAML::Node& node = doc.node;
    auto apiVersion = d.str(node["apiVersion"], "apiVersion");
    auto kind = d.str(node["kind"], "kind");
    if (!node["apiVersion"] || !node["kind"]) {
      d.fail(node, node["kind"] ? "apiVersion" : "kind", "missing required field");
      continue;
    }
    if (!apiVersion || !kind) continue;
    if (*apiVersion != kApiVersion) {
      d.fail(node["apiVersion"], "apiVersion",
             "unknown apiVersion \"" + *apiVersion + "\" (expected " + kApiVersion + ")");
      continue;
    }
    if (*kind == "Settings" || *kind == "Test")
      continue;  // Settings above; Tests are run by `billet test`
    static constexpr std::string_view kKinds[] = {"Policy", "ServiceGroup", "NodePool",
                                                  "PolicyException"};
    if (std::find(std::begin(kKinds), std::end(kKinds), *kind) == std::end(kKinds)) {
      d.fail(node["kind"], "kind",
             "unknown kind \"" + *kind +
                 "\" (expected Policy, ServiceGroup, NodePool, Settings, PolicyException, Test)");
      continue;
    }
    if (!d.map(node, "", {"apiVersion", "kind", "metadata", "spec"})) continue;
    DecodeState state{d, &settings, &assignments, &result.warnings, &out.serviceGroups};
    std::string name;
    auto keep = [&](std::optional<CompiledPolicy> p, std::vector<CompiledPolicy>& into) {
      if (!p) return;
      name = p->name;
      p->file = doc.file;
      p->line = doc.line;
      into.push_back(std::move(*p));
    };
    if (*kind == "Policy") {
      keep(decodePolicy(state, node), out.policies);
    } else if (*kind == "ServiceGroup") {
      keep(decodeServiceGroup(state, node), out.serviceGroups);
    } else if (*kind == "NodePool") {
      keep(decodeNodePool(state, node), out.nodePools);
    } else {
      if (auto e = decodeException(d, node)) {
        name = e->name;
        out.exceptions.push_back(std::move(*e));
      }
    }
    // A document with errors of its own still claims its name: a duplicate is reported in the
    // same load, not only once the other errors are fixed.
    if (name.empty()) {
      const YAML::Node meta = node["metadata"];
      const YAML::Node written = meta && meta.IsMap() ? meta["name"] : YAML::Node();
      if (written && written.IsScalar()) name = written.Scalar();
    }
    if (name.empty()) continue;
    std::string where = doc.file + ":" + std::to_string(doc.line);
    auto [it, inserted] = names.emplace(std::make_pair(*kind, name), where);
    if (!inserted)
      d.fail(node["metadata"]["name"], "metadata.name",
             "duplicate " + *kind + " name \"" + name + "\" (also at " + it->second + ")");
  }

  // Exceptions that cannot do what they say, or do more than one would think.
  std::map<std::string, const CompiledPolicy*> policiesByName;
  for (const auto& group : {&out.serviceGroups, &out.nodePools, &out.policies})
    for (const CompiledPolicy& p : *group) policiesByName.emplace(p.name, &p);
  for (const PolicyExceptionSpec& e : out.exceptions) {
    const std::string who = e.where + ": PolicyException " + e.name;
    if (e.exceptions.empty())
      result.warnings.push_back(who + " excepts nothing (spec.exceptions is empty)");
    for (const auto& entry : e.exceptions) {
      const auto found = policiesByName.find(entry.policy);
      if (found == policiesByName.end()) {
        result.warnings.push_back(who + " names unknown policy \"" + entry.policy + "\"");
        continue;
      }
      for (const std::string& rule : entry.rules) {
        const auto& rules = found->second->rules;
        if (std::none_of(rules.begin(), rules.end(), [&](const Rule& r) { return r.name == rule; }))
          result.warnings.push_back(who + " names unknown rule \"" + rule + "\" of policy \"" +
                                    entry.policy + "\"");
      }
    }
    if (!e.exceptions.empty() && e.match.empty() && !e.exclude)
      result.warnings.push_back(who +
                                " has no spec.match: it applies to every request in every "
                                "namespace");
  }

  checkConflicts(assignments, result.warnings);
  // Report in reading order: by file, then position (documents are decoded settings-first).
  std::stable_sort(errors.begin(), errors.end(), [](const LoadError& a, const LoadError& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
  result.errors = std::move(errors);
  if (!result.errors.empty()) return result;

  auto byName = [](const CompiledPolicy& a, const CompiledPolicy& b) { return a.name < b.name; };
  std::sort(out.serviceGroups.begin(), out.serviceGroups.end(), byName);
  std::sort(out.nodePools.begin(), out.nodePools.end(), byName);
  std::sort(out.policies.begin(), out.policies.end(),
            [](const CompiledPolicy& a, const CompiledPolicy& b) {
              return a.order != b.order ? a.order < b.order : a.name < b.name;
            });
  std::vector<std::pair<std::string, int>> counts = {
      {"Policy", static_cast<int>(out.policies.size())},
      {"ServiceGroup", static_cast<int>(out.serviceGroups.size())},
      {"NodePool", static_cast<int>(out.nodePools.size())},
      {"PolicyException", static_cast<int>(out.exceptions.size())},
      {"Settings", out.settings ? 1 : 0}};
  std::vector<CompiledPolicy> evaluationOrder;
  evaluationOrder.reserve(out.serviceGroups.size() + out.nodePools.size() + out.policies.size());
  for (auto* group : {&out.serviceGroups, &out.nodePools, &out.policies})
    for (CompiledPolicy& p : *group) evaluationOrder.push_back(std::move(p));
  // The only place a PolicySet is constructed (its constructor is private to loadPolicies).
  result.set = std::shared_ptr<const PolicySet>(
      new PolicySet(std::move(settings), std::move(evaluationOrder), std::move(out.exceptions),
                    std::move(counts)));
  return result;
}

LoadResult loadPoliciesFromText(const std::string& name, const std::string& text,
                                const LoadOptions& options) {
  return loadPolicies({{name, text, true, {}}}, options);
}

}  // namespace billet::policy
