// ServiceGroup and NodePool documents (SPEC §3.4, §3.5): strict decoding into their
// definitions, then compiled by service_group.cc and node_pool.cc.
#include <algorithm>
#include <cctype>

#include "policy/loader_internal.h"
#include "policy/node_pool.h"
#include "policy/service_group.h"
#include "policy/workload.h"

namespace billet::policy {
namespace {

void policyAnnotations(const std::vector<std::pair<std::string, std::string>>& annotations,
                       std::string& severity, std::string& category) {
  for (const auto& [k, v] : annotations) {
    if (k == "billet.dev/severity") severity = v;
    if (k == "billet.dev/category") category = v;
  }
}

// `spec.members`: a match block whose kinds default to Workloads. An empty block would select
// every workload, which is never what a group or a pool means.
std::optional<Match> decodeMembers(Decoder& d, const YAML::Node& spec) {
  const YAML::Node m = spec["members"];
  if (!d.required(spec, m, "spec.members")) return std::nullopt;
  auto match = decodeMatch(d, m, "spec.members", true);
  if (!match) return std::nullopt;
  if (!m["kinds"]) {
    match->kinds.assign(kWorkloadKinds.begin(), kWorkloadKinds.end());
    match->workloads = true;
  }
  Match criteria = *match;
  criteria.kinds.clear();
  criteria.operations.clear();
  if (criteria.empty())
    d.fail(m, "spec.members",
           "members needs a criterion besides kinds and operations (namespaces, labels, "
           "containerNames, ...): without one every workload is a member");
  return match;
}

bool isAlnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// A Kubernetes label value: at most 63 characters, alphanumerics, '-', '_' and '.', beginning
// and ending with an alphanumeric; may be empty.
bool isLabelValue(const std::string& v) {
  if (v.empty()) return true;
  if (v.size() > 63 || !isAlnum(v.front()) || !isAlnum(v.back())) return false;
  for (char c : v)
    if (!isAlnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

// A Kubernetes label (or taint) key: an optional DNS subdomain prefix and '/', then a name
// that is a non-empty label value.
bool isLabelKey(const std::string& k) {
  std::string name = k;
  if (auto slash = k.find('/'); slash != std::string::npos) {
    std::string prefix = k.substr(0, slash);
    name = k.substr(slash + 1);
    if (prefix.empty() || prefix.size() > 253) return false;
    for (char c : prefix)
      if (!(std::islower(static_cast<unsigned char>(c)) ||
            std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.'))
        return false;
  }
  return !name.empty() && isLabelValue(name);
}

std::optional<ServiceGroupTier> decodeTier(Decoder& d, const YAML::Node& n, const std::string& p) {
  if (!d.map(n, p, {"name", "maxNodes", "maxWorkloads", "requests", "limits"})) return std::nullopt;
  ServiceGroupTier t;
  if (d.required(n, n["name"], childPath(p, "name"))) {
    t.name = d.str(n["name"], childPath(p, "name")).value_or("");
    if (n["name"].IsScalar() && t.name.empty())
      d.fail(n["name"], childPath(p, "name"), "a tier needs a name");
  }
  t.maxNodes = d.integer(n["maxNodes"], childPath(p, "maxNodes"), 0);
  t.maxWorkloads = d.integer(n["maxWorkloads"], childPath(p, "maxWorkloads"), 0);
  t.requests = decodeResourceList(d, n["requests"], childPath(p, "requests"));
  t.limits = decodeResourceList(d, n["limits"], childPath(p, "limits"));
  return t;
}

// Tiers are tried in order, so a bound below an earlier tier's bound is a mistake: the
// earlier tier would take every cluster the later one is meant for.
void checkTierOrder(Decoder& d, const YAML::Node& tiers, const std::vector<ServiceGroupTier>& list,
                    const std::vector<std::size_t>& indexes) {
  for (std::size_t i = 1; i < list.size(); ++i) {
    for (const char* field : {"maxNodes", "maxWorkloads"}) {
      bool nodes = std::string_view(field) == "maxNodes";
      const auto& mine = nodes ? list[i].maxNodes : list[i].maxWorkloads;
      if (!mine) continue;
      for (std::size_t j = 0; j < i; ++j) {
        const auto& earlier = nodes ? list[j].maxNodes : list[j].maxWorkloads;
        if (!earlier || *earlier <= *mine) continue;
        std::string p = childPath(indexPath("spec.tiers", indexes[i]), field);
        d.fail(tiers[indexes[i]][field], p,
               std::to_string(*mine) + " is below " + field + " " + std::to_string(*earlier) +
                   " of the earlier tier \"" + list[j].name +
                   "\" (tiers are tried in order: list them from small to large)");
        break;
      }
    }
  }
}

}  // namespace

std::optional<CompiledPolicy> decodeServiceGroup(DecodeState& s, const YAML::Node& doc) {
  Decoder& d = s.d;
  std::size_t before = d.errorCount();
  ServiceGroupDef def;
  std::vector<std::pair<std::string, std::string>> annotations;
  def.name = decodeMetadata(d, doc, &annotations).value_or("");
  policyAnnotations(annotations, def.severity, def.category);
  const YAML::Node spec = doc["spec"];
  if (!d.required(doc, spec, "spec") ||
      !d.map(spec, "spec", {"members", "resources", "tiers", "overwrite", "mode"}))
    return std::nullopt;
  if (auto m = decodeMembers(d, spec)) def.members = std::move(*m);
  if (const YAML::Node r = spec["resources"];
      r && d.map(r, "spec.resources", {"requests", "limits"})) {
    def.requests = decodeResourceList(d, r["requests"], "spec.resources.requests");
    def.limits = decodeResourceList(d, r["limits"], "spec.resources.limits");
  }
  if (const YAML::Node tiers = spec["tiers"]; tiers && d.seq(tiers, "spec.tiers")) {
    std::vector<std::size_t> indexes;
    std::size_t i = 0;
    for (const YAML::Node& t : tiers) {
      std::string tp = indexPath("spec.tiers", i);
      if (auto tier = decodeTier(d, t, tp)) {
        for (const ServiceGroupTier& other : def.tiers)
          if (!tier->name.empty() && other.name == tier->name)
            d.fail(t["name"], childPath(tp, "name"), "duplicate tier name \"" + tier->name + "\"");
        def.tiers.push_back(std::move(*tier));
        indexes.push_back(i);
      }
      ++i;
    }
    checkTierOrder(d, tiers, def.tiers, indexes);
  }
  if (!spec["resources"] && !spec["tiers"])
    d.fail(spec, "spec.resources", "a ServiceGroup needs resources, tiers or both");
  def.overwrite = d.boolean(spec["overwrite"], "spec.overwrite").value_or(false);
  if (spec["mode"]) def.mode = decodeMode(d, spec["mode"], "spec.mode").value_or(Mode::Enforce);
  if (d.errorCount() != before) return std::nullopt;
  static const Settings kDefaults;
  std::vector<std::string> ignored;
  return compileServiceGroup(std::move(def), s.settings ? *s.settings : kDefaults,
                             s.warnings ? *s.warnings : ignored);
}

namespace {

// The outsider check asks `members` again of every object that tolerates the taint, the
// ReplicaSets and Pods that controllers make from a member workload included: a criterion those
// cannot meet (their names are generated, a controller creates them, a Pod has no replicas, a
// kind not listed) makes them outsiders, denied under `outsiders: Deny`, and the member
// workload never runs. Namespaces, pod labels and annotations, images, container names and
// conditions on the pod carry over; names, users and groups, replicas, and kinds that leave
// out what a listed controller makes are warned about.
void warnUnheritedMembership(Decoder& d, const YAML::Node& members, const NodePoolDef& def,
                             std::vector<std::string>& warnings) {
  const Match& m = def.members;
  std::vector<std::string> unheld;
  if (!m.names.empty()) unheld.push_back("names");
  if (!m.users.empty() || !m.groups.empty()) unheld.push_back("users/groups");
  if (m.replicasMin || m.replicasMax) unheld.push_back("replicas");
  if (!m.workloads) {
    // What each controller kind makes: the kinds the chain down to its Pods passes through.
    static const std::pair<std::string_view, std::vector<std::string_view>> kMakes[] = {
        {"Deployment", {"ReplicaSet", "Pod"}},
        {"CronJob", {"Job", "Pod"}},
        {"StatefulSet", {"Pod"}},
        {"DaemonSet", {"Pod"}},
        {"Job", {"Pod"}},
        {"ReplicaSet", {"Pod"}},
        {"ReplicationController", {"Pod"}}};
    std::vector<std::string_view> missing;
    for (const auto& [kind, made] : kMakes)
      if (m.matchesKind(kind))
        for (std::string_view k : made)
          if (!m.matchesKind(k) && std::find(missing.begin(), missing.end(), k) == missing.end())
            missing.push_back(k);
    if (!missing.empty()) {
      std::string kinds = "kinds without ";
      for (std::size_t i = 0; i < missing.size(); ++i)
        kinds += std::string(i ? ", " : "") + std::string(missing[i]);
      unheld.push_back(kinds);
    }
  }
  if (unheld.empty()) return;
  std::string list;
  for (const std::string& u : unheld) list += (list.empty() ? "" : ", ") + u;
  warnings.push_back(d.file() + ":" + std::to_string(members.Mark().line + 1) + ": NodePool " +
                     def.name + ": spec.members uses " + list +
                     ", which the ReplicaSets, Jobs and Pods a member workload's controllers "
                     "create do not meet: they will be outsiders (match members by namespace and "
                     "pod labels)");
}

}  // namespace

std::optional<CompiledPolicy> decodeNodePool(DecodeState& s, const YAML::Node& doc) {
  Decoder& d = s.d;
  std::size_t before = d.errorCount();
  NodePoolDef def;
  std::vector<std::pair<std::string, std::string>> annotations;
  def.name = decodeMetadata(d, doc, &annotations).value_or("");
  policyAnnotations(annotations, def.severity, def.category);
  const YAML::Node spec = doc["spec"];
  if (!d.required(doc, spec, "spec") ||
      !d.map(spec, "spec",
             {"nodeLabels", "taint", "members", "placement", "outsiders", "overwrite"}))
    return std::nullopt;

  const YAML::Node labels = spec["nodeLabels"];
  if (d.required(spec, labels, "spec.nodeLabels")) {
    def.nodeLabels = d.strMap(labels, "spec.nodeLabels");
    if (labels.IsMap() && labels.size() == 0)
      d.fail(labels, "spec.nodeLabels", "a node pool needs at least one node label");
    // Only a mapping has members to check (strMap reported anything else); iterating another
    // node as one throws.
    for (const auto& kv : labels.IsMap() ? labels : YAML::Node()) {
      if (!kv.first.IsScalar() || !kv.second.IsScalar()) continue;
      std::string lp = childPath("spec.nodeLabels", kv.first.Scalar());
      if (!isLabelKey(kv.first.Scalar()))
        d.fail(kv.first, lp, "\"" + kv.first.Scalar() + "\" is not a valid label key");
      else if (!isLabelValue(kv.second.Scalar()))
        d.fail(kv.second, lp, "\"" + kv.second.Scalar() + "\" is not a valid label value");
    }
  }

  const YAML::Node taint = spec["taint"];
  if (d.required(spec, taint, "spec.taint") &&
      d.map(taint, "spec.taint", {"key", "value", "effect"})) {
    if (d.required(taint, taint["key"], "spec.taint.key")) {
      def.taintKey = d.str(taint["key"], "spec.taint.key").value_or("");
      if (taint["key"].IsScalar() && !isLabelKey(def.taintKey))
        d.fail(taint["key"], "spec.taint.key", "\"" + def.taintKey + "\" is not a valid taint key");
    }
    def.taintValue = d.str(taint["value"], "spec.taint.value").value_or("");
    if (taint["value"] && taint["value"].IsScalar() && !isLabelValue(def.taintValue))
      d.fail(taint["value"], "spec.taint.value",
             "\"" + def.taintValue + "\" is not a valid taint value");
    if (d.required(taint, taint["effect"], "spec.taint.effect")) {
      if (d.oneOf(taint["effect"], "spec.taint.effect",
                  {"NoSchedule", "PreferNoSchedule", "NoExecute"}))
        def.taintEffect = taint["effect"].Scalar();
    }
  }

  if (auto m = decodeMembers(d, spec)) def.members = std::move(*m);
  if (spec["placement"])
    def.preferred = d.oneOf(spec["placement"], "spec.placement", {"required", "preferred"}) == 1;
  if (spec["outsiders"]) {
    if (auto o = d.oneOf(spec["outsiders"], "spec.outsiders", {"Deny", "Warn", "Audit", "Ignore"}))
      def.outsiders = static_cast<Outsiders>(*o);
  }
  def.overwrite = d.boolean(spec["overwrite"], "spec.overwrite").value_or(false);
  if (d.errorCount() != before) return std::nullopt;
  if (s.warnings && def.outsiders != Outsiders::Ignore)
    warnUnheritedMembership(d, spec["members"], def, *s.warnings);

  if (s.assignments && !def.preferred) {
    for (const auto& [k, v] : def.nodeLabels)
      s.assignments->push_back(
          {"nodeSelector[\"" + k + "\"]", v, def.name, "place-members", {def.members}, {}});
  }
  return compileNodePool(std::move(def));
}

}  // namespace billet::policy
