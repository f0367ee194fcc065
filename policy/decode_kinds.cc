// Decoding whole documents: Policy, Settings, PolicyException.
#include <algorithm>

#include "base/names.h"
#include "policy/loader_internal.h"

namespace billet::policy {
namespace {

// spec.podTemplates: entries added to the built-in ones, or replacing the built-in entry of the
// same group and kind (`paths: []` turns one off).
void decodePodTemplates(Decoder& d, const YAML::Node& list, std::vector<PodTemplateKind>& kinds) {
  const std::string path = "spec.podTemplates";
  if (!d.seq(list, path)) return;
  std::vector<std::pair<std::string, std::string>> seen;
  std::size_t i = 0;
  for (const YAML::Node& item : list) {
    std::string p = indexPath(path, i++);
    if (!d.map(item, p, {"group", "kind", "paths"})) continue;
    PodTemplateKind k;
    k.builtin = false;
    if (!d.required(item, item["group"], childPath(p, "group")) ||
        !d.required(item, item["kind"], childPath(p, "kind")) ||
        !d.required(item, item["paths"], childPath(p, "paths")))
      continue;
    k.group = d.str(item["group"], childPath(p, "group")).value_or("");
    k.kind = d.str(item["kind"], childPath(p, "kind")).value_or("");
    if (k.kind.empty()) {
      d.fail(item["kind"], childPath(p, "kind"), "a kind is needed (e.g. RayCluster)");
      continue;
    }
    if (isCoreWorkload(k.group, k.kind)) {
      d.fail(item["kind"], childPath(p, "kind"),
             "billet finds the pods of " + k.kind + " by itself; podTemplates is for other kinds");
      continue;
    }
    if (std::find(seen.begin(), seen.end(), std::make_pair(k.group, k.kind)) != seen.end()) {
      d.fail(item["kind"], childPath(p, "kind"),
             "a second entry for " + (k.group.empty() ? "" : k.group + "/") + k.kind);
      continue;
    }
    seen.emplace_back(k.group, k.kind);
    std::string pp = childPath(p, "paths");
    const YAML::Node paths = item["paths"];
    if (!d.seq(paths, pp)) continue;
    std::size_t j = 0;
    for (const YAML::Node& n : paths) {
      std::string at = indexPath(pp, j++);
      auto text = d.str(n, at);
      if (!text) continue;
      TemplatePath tp;
      std::string error;
      if (!compileTemplatePath(*text, tp, error)) {
        d.fail(n, at, error);
        continue;
      }
      k.paths.push_back(std::move(tp));
    }
    auto same = [&](const PodTemplateKind& b) { return b.group == k.group && b.kind == k.kind; };
    if (auto it = std::find_if(kinds.begin(), kinds.end(), same); it != kinds.end())
      *it = std::move(k);
    else
      kinds.push_back(std::move(k));
  }
}

}  // namespace

std::optional<std::string> decodeMetadata(
    Decoder& d, const YAML::Node& doc,
    std::vector<std::pair<std::string, std::string>>* annotations) {
  const YAML::Node meta = doc["metadata"];
  if (!d.required(doc, meta, "metadata")) return std::nullopt;
  if (!d.map(meta, "metadata", {"name", "annotations", "labels"})) return std::nullopt;
  if (!d.required(meta, meta["name"], "metadata.name")) return std::nullopt;
  auto name = d.str(meta["name"], "metadata.name");
  if (!name) return std::nullopt;
  if (!base::isDns1123Subdomain(*name)) {
    d.fail(meta["name"], "metadata.name",
           "\"" + *name + "\" is not a DNS-1123 name (lowercase letters, digits, '-' and '.')");
    return std::nullopt;
  }
  auto ann = d.strMap(meta["annotations"], "metadata.annotations");
  // The severity goes into PolicyReports as it is, where the CRD takes only these (the API
  // server would refuse a report holding another, and the namespace would have none).
  if (const YAML::Node severity = meta["annotations"] && meta["annotations"].IsMap()
                                      ? meta["annotations"]["billet.dev/severity"]
                                      : YAML::Node();
      severity && severity.IsScalar())
    d.oneOf(severity, "metadata.annotations[\"billet.dev/severity\"]",
            {"critical", "high", "medium", "low", "info"});
  d.strMap(meta["labels"], "metadata.labels");
  if (annotations) *annotations = std::move(ann);
  return name;
}

std::optional<CompiledPolicy> decodePolicy(DecodeState& s, const YAML::Node& doc) {
  Decoder& d = s.d;
  std::size_t before = d.errorCount();
  CompiledPolicy p;
  p.kind = "Policy";
  std::vector<std::pair<std::string, std::string>> annotations;
  p.name = decodeMetadata(d, doc, &annotations).value_or("");
  for (const auto& [k, v] : annotations) {
    if (k == "billet.dev/severity") p.severity = v;
    if (k == "billet.dev/category") p.category = v;
  }
  const YAML::Node spec = doc["spec"];
  if (!d.required(doc, spec, "spec") ||
      !d.map(spec, "spec", {"mode", "order", "match", "exclude", "rules"}))
    return std::nullopt;
  if (spec["mode"]) p.mode = decodeMode(d, spec["mode"], "spec.mode").value_or(Mode::Enforce);
  p.order = d.integer(spec["order"], "spec.order").value_or(0);
  if (auto m = decodeMatch(d, spec["match"], "spec.match", true)) p.match = std::move(*m);
  if (spec["exclude"]) p.exclude = decodeMatch(d, spec["exclude"], "spec.exclude", false);
  const YAML::Node rules = spec["rules"];
  if (d.required(spec, rules, "spec.rules") && d.seq(rules, "spec.rules")) {
    std::size_t i = 0;
    // Names as written, so that a rule with errors of its own still claims its name.
    std::vector<std::string> names;
    for (const YAML::Node& r : rules) {
      std::string rp = indexPath("spec.rules", i++);
      const YAML::Node name = r.IsMap() ? r["name"] : YAML::Node();
      if (name && name.IsScalar()) {
        if (std::find(names.begin(), names.end(), name.Scalar()) != names.end())
          d.fail(name, childPath(rp, "name"), "duplicate rule name \"" + name.Scalar() + "\"");
        names.push_back(name.Scalar());
      }
      auto rule = decodeRule(s, r, rp, p);
      if (rule) p.rules.push_back(std::move(*rule));
    }
    if (rules.size() == 0) d.fail(rules, "spec.rules", "a policy needs at least one rule");
  }
  if (d.errorCount() != before) return std::nullopt;
  return p;
}

std::optional<Settings> decodeSettings(Decoder& d, const YAML::Node& doc) {
  std::size_t before = d.errorCount();
  decodeMetadata(d, doc, nullptr);
  Settings st;
  const YAML::Node spec = doc["spec"];
  if (!spec) return st;
  if (!d.map(spec, "spec",
             {"cluster", "clusterSettleSeconds", "gpuResources", "excludeNamespaces",
              "evaluationErrors", "podTemplates"}))
    return std::nullopt;
  if (const YAML::Node c = spec["cluster"]; c && c.IsScalar()) {
    if (c.Scalar() == "auto")
      st.clusterAuto = true;
    else
      d.fail(c, "spec.cluster",
             "unknown value \"" + c.Scalar() + "\" (expected auto, or {nodes, workloads})");
  } else if (c && d.map(c, "spec.cluster", {"nodes", "workloads"})) {
    st.clusterNodes = d.integer(c["nodes"], "spec.cluster.nodes", 0).value_or(0);
    st.clusterWorkloads = d.integer(c["workloads"], "spec.cluster.workloads", 0).value_or(0);
  }
  if (spec["clusterSettleSeconds"])
    st.clusterSettleSeconds =
        d.integer(spec["clusterSettleSeconds"], "spec.clusterSettleSeconds", 0).value_or(300);
  if (spec["gpuResources"]) st.gpuResources = d.strList(spec["gpuResources"], "spec.gpuResources");
  if (spec["excludeNamespaces"])
    st.excludeNamespaces = d.strList(spec["excludeNamespaces"], "spec.excludeNamespaces");
  if (const YAML::Node e = spec["evaluationErrors"];
      e && d.map(e, "spec.evaluationErrors", {"mutate", "validate"})) {
    if (e["mutate"])
      st.mutateErrorsDeny =
          d.oneOf(e["mutate"], "spec.evaluationErrors.mutate", {"Allow", "Deny"}) == 1;
    if (e["validate"])
      st.validateErrorsDeny =
          d.oneOf(e["validate"], "spec.evaluationErrors.validate", {"Allow", "Deny"}) == 1;
  }
  if (const YAML::Node t = spec["podTemplates"]) decodePodTemplates(d, t, st.podTemplates);
  if (d.errorCount() != before) return std::nullopt;
  return st;
}

std::optional<PolicyExceptionSpec> decodeException(Decoder& d, const YAML::Node& doc) {
  std::size_t before = d.errorCount();
  PolicyExceptionSpec e;
  e.where = d.file() + ":" + std::to_string(doc.Mark().line + 1);
  e.name = decodeMetadata(d, doc, nullptr).value_or("");
  const YAML::Node spec = doc["spec"];
  if (!d.required(doc, spec, "spec") || !d.map(spec, "spec", {"exceptions", "match", "exclude"}))
    return std::nullopt;
  const YAML::Node list = spec["exceptions"];
  if (d.required(spec, list, "spec.exceptions") && d.seq(list, "spec.exceptions")) {
    std::size_t i = 0;
    for (const YAML::Node& item : list) {
      std::string p = indexPath("spec.exceptions", i++);
      if (!d.map(item, p, {"policy", "rules"})) continue;
      PolicyExceptionSpec::Entry entry;
      if (d.required(item, item["policy"], childPath(p, "policy")))
        entry.policy = d.str(item["policy"], childPath(p, "policy")).value_or("");
      entry.rules = d.strList(item["rules"], childPath(p, "rules"));
      e.exceptions.push_back(std::move(entry));
    }
  }
  if (auto m = decodeMatch(d, spec["match"], "spec.match", false)) e.match = std::move(*m);
  if (spec["exclude"]) e.exclude = decodeMatch(d, spec["exclude"], "spec.exclude", false);
  if (d.errorCount() != before) return std::nullopt;
  return e;
}

}  // namespace billet::policy
