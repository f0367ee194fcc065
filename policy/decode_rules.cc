// Decoding the rules of a Policy: mutate actions, validate checks, generate rules.
#include "json/pointer.h"
#include "policy/actions.h"
#include "policy/checks.h"
#include "policy/generate.h"
#include "policy/loader_internal.h"
#include "policy/service_group.h"
#include "policy/source.h"

namespace billet::policy {
namespace {

// Called once the rule's match and exclude are decoded: they decide which rules can conflict.
void record(DecodeState& s, const CompiledPolicy& policy, const Rule& rule, std::string field,
            std::string value) {
  if (!s.assignments) return;
  Assignment a{std::move(field), std::move(value), policy.name, rule.name, {policy.match}, {}};
  if (rule.match) a.matches.push_back(*rule.match);
  if (policy.exclude) a.excludes.push_back(*policy.exclude);
  if (rule.exclude) a.excludes.push_back(*rule.exclude);
  s.assignments->push_back(std::move(a));
}

// The field a `set` item assigns, named as the typed actions name theirs when it is one of
// them (`pod.nodeSelector.pool` is the nodeSelector action's `nodeSelector["pool"]`), so that
// the two are compared for conflicts; any other path with its keys bracketed, however written.
std::string assignedField(const Path& path) {
  const std::vector<Segment>& g = path.segments;
  auto field = [&](std::size_t i, std::string_view key) {
    return i < g.size() && g[i].kind == Segment::Kind::Field && (key.empty() || g[i].key == key);
  };
  auto quoted = [](const std::string& key) { return "[\"" + key + "\"]"; };
  if (path.root == Root::Pod && g.size() == 2 && field(0, "nodeSelector") && field(1, ""))
    return "nodeSelector" + quoted(g[1].key);
  for (const char* map : {"labels", "annotations"}) {
    if (path.root == Root::PodMetadata && g.size() == 2 && field(0, map) && field(1, ""))
      return std::string("pod.") + map + quoted(g[1].key);
    if (path.root == Root::Object && g.size() == 3 && field(0, "metadata") && field(1, map) &&
        field(2, ""))
      return std::string("object.") + map + quoted(g[2].key);
  }
  std::string out = path.text.substr(0, path.text.find_first_of(".["));  // the root
  for (const Segment& s : g) {
    switch (s.kind) {
      case Segment::Kind::Field:
        out += quoted(s.key);
        break;
      case Segment::Kind::Index:
        out += "[" + std::to_string(s.index) + "]";
        break;
      case Segment::Kind::Select:
        out += "[" + s.key + "=" + s.value + "]";
        break;
      case Segment::Kind::Wildcard:
      case Segment::Kind::AllContainers:
        return path.text;  // not recorded: set paths with wildcards are not compared
    }
  }
  return out;
}

std::optional<TolerationSpec> decodeToleration(Decoder& d, const YAML::Node& n,
                                               const std::string& p) {
  if (!d.map(n, p, {"key", "operator", "value", "effect", "tolerationSeconds"}))
    return std::nullopt;
  TolerationSpec t;
  t.key = d.str(n["key"], childPath(p, "key")).value_or("");
  if (n["operator"]) {
    auto op = d.oneOf(n["operator"], childPath(p, "operator"), {"Equal", "Exists"});
    if (op) t.op = *op == 0 ? "Equal" : "Exists";
  }
  t.value = d.str(n["value"], childPath(p, "value")).value_or("");
  if (n["effect"]) {
    auto e = d.oneOf(n["effect"], childPath(p, "effect"),
                     {"NoSchedule", "PreferNoSchedule", "NoExecute"});
    if (e) t.effect = n["effect"].Scalar();
  }
  t.tolerationSeconds = d.integer(n["tolerationSeconds"], childPath(p, "tolerationSeconds"));
  if (t.op == "Exists" && !t.value.empty())
    d.fail(n["value"], childPath(p, "value"), "an Exists toleration takes no value");
  if (t.key.empty() && t.op != "Exists")
    d.fail(n, childPath(p, "key"), "a toleration without a key must use operator Exists");
  return t;
}

std::optional<NodeSelectorRequirement> decodeNodeRequirement(Decoder& d, const YAML::Node& n,
                                                             const std::string& p) {
  if (!d.map(n, p, {"key", "operator", "values"})) return std::nullopt;
  NodeSelectorRequirement r;
  if (d.required(n, n["key"], childPath(p, "key")))
    r.key = d.str(n["key"], childPath(p, "key")).value_or("");
  if (d.required(n, n["operator"], childPath(p, "operator"))) {
    if (d.oneOf(n["operator"], childPath(p, "operator"),
                {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"}))
      r.op = n["operator"].Scalar();
  }
  r.values = d.strList(n["values"], childPath(p, "values"));
  return r;
}

std::optional<SpreadSpec> decodeSpread(Decoder& d, const YAML::Node& n, const std::string& p,
                                       bool antiAffinity) {
  bool ok = antiAffinity
                ? d.map(n, p, {"mode", "topologyKey", "weight", "labelKeys"})
                : d.map(n, p, {"maxSkew", "topologyKey", "whenUnsatisfiable", "labelKeys"});
  if (!ok) return std::nullopt;
  SpreadSpec s;
  if (antiAffinity && n["mode"]) {
    auto m = d.oneOf(n["mode"], childPath(p, "mode"), {"preferred", "required"});
    s.required = m && *m == 1;
  }
  if (auto tk = d.str(n["topologyKey"], childPath(p, "topologyKey"))) s.topologyKey = *tk;
  if (auto w = d.integer(n["weight"], childPath(p, "weight"), 1, 100)) s.weight = *w;
  if (auto m = d.integer(n["maxSkew"], childPath(p, "maxSkew"), 1)) s.maxSkew = *m;
  if (n["whenUnsatisfiable"]) {
    if (d.oneOf(n["whenUnsatisfiable"], childPath(p, "whenUnsatisfiable"),
                {"DoNotSchedule", "ScheduleAnyway"}))
      s.whenUnsatisfiable = n["whenUnsatisfiable"].Scalar();
  }
  s.labelKeys = d.strList(n["labelKeys"], childPath(p, "labelKeys"));
  return s;
}

bool decodeMutate(DecodeState& s, const YAML::Node& n, const std::string& p, Rule& rule,
                  const CompiledPolicy& policy) {
  Decoder& d = s.d;
  if (!d.map(n, p,
             {"overwrite", "tolerations", "nodeSelector", "nodeAffinity", "antiAffinity",
              "topologySpread", "annotations", "labels", "target", "resources", "serviceGroup",
              "set", "patch"}))
    return false;
  rule.overwrite = d.boolean(n["overwrite"], childPath(p, "overwrite")).value_or(false);
  if (const YAML::Node t = n["tolerations"]; t && d.seq(t, childPath(p, "tolerations"))) {
    std::vector<TolerationSpec> list;
    std::size_t i = 0;
    for (const YAML::Node& item : t)
      if (auto tol = decodeToleration(d, item, indexPath(childPath(p, "tolerations"), i++)))
        list.push_back(std::move(*tol));
    rule.actions.push_back(makeTolerations(std::move(list)));
  }
  if (n["nodeSelector"]) {
    auto sel = d.strMap(n["nodeSelector"], childPath(p, "nodeSelector"));
    for (const auto& [k, v] : sel) record(s, policy, rule, "nodeSelector[\"" + k + "\"]", v);
    rule.actions.push_back(makeNodeSelector(std::move(sel)));
  }
  if (const YAML::Node na = n["nodeAffinity"]) {
    std::string np = childPath(p, "nodeAffinity");
    if (d.map(na, np, {"required", "preferred"})) {
      NodeAffinitySpec spec;
      if (const YAML::Node req = na["required"]; req && d.seq(req, childPath(np, "required"))) {
        std::size_t i = 0;
        for (const YAML::Node& e : req)
          if (auto r = decodeNodeRequirement(d, e, indexPath(childPath(np, "required"), i++)))
            spec.required.push_back(std::move(*r));
      }
      if (const YAML::Node pref = na["preferred"];
          pref && d.seq(pref, childPath(np, "preferred"))) {
        std::size_t i = 0;
        for (const YAML::Node& e : pref) {
          std::string ep = indexPath(childPath(np, "preferred"), i++);
          if (!d.map(e, ep, {"weight", "expr"})) continue;
          auto w = d.integer(e["weight"], childPath(ep, "weight"), 1, 100);
          if (!d.required(e, e["weight"], childPath(ep, "weight")) ||
              !d.required(e, e["expr"], childPath(ep, "expr")))
            continue;
          if (auto r = decodeNodeRequirement(d, e["expr"], childPath(ep, "expr")); r && w)
            spec.preferred.emplace_back(*w, std::move(*r));
        }
      }
      rule.actions.push_back(makeNodeAffinity(std::move(spec)));
    }
  }
  if (n["antiAffinity"])
    if (auto sp = decodeSpread(d, n["antiAffinity"], childPath(p, "antiAffinity"), true))
      rule.actions.push_back(makeAntiAffinity(std::move(*sp)));
  if (n["topologySpread"])
    if (auto sp = decodeSpread(d, n["topologySpread"], childPath(p, "topologySpread"), false))
      rule.actions.push_back(makeTopologySpread(std::move(*sp)));
  bool targetObject = false;
  if (n["target"])
    targetObject = d.oneOf(n["target"], childPath(p, "target"), {"pod", "object"}) == 1;
  for (const char* field : {"annotations", "labels"}) {
    if (!n[field]) continue;
    MetadataSpec m;
    m.labels = std::string_view(field) == "labels";
    m.targetObject = targetObject;
    m.values = d.strMap(n[field], childPath(p, field));
    for (const auto& [k, v] : m.values)
      record(s, policy, rule,
             std::string(targetObject ? "object." : "pod.") + field + "[\"" + k + "\"]", v);
    rule.actions.push_back(makeMetadata(std::move(m)));
  }
  if (const YAML::Node r = n["resources"]) {
    std::string rp = childPath(p, "resources");
    if (d.map(r, rp,
              {"containers", "initContainers", "requests", "limits", "limitsFromRequests",
               "overwrite"})) {
      ResourcesSpec spec;
      if (r["containers"])
        spec.containers = d.strList(r["containers"], childPath(rp, "containers"));
      spec.initContainers =
          d.boolean(r["initContainers"], childPath(rp, "initContainers")).value_or(false);
      spec.requests = decodeResourceList(d, r["requests"], childPath(rp, "requests"));
      spec.limits = decodeResourceList(d, r["limits"], childPath(rp, "limits"));
      spec.limitsFromRequests =
          d.boolean(r["limitsFromRequests"], childPath(rp, "limitsFromRequests")).value_or(false);
      spec.overwrite = d.boolean(r["overwrite"], childPath(rp, "overwrite"));
      rule.actions.push_back(makeResources(std::move(spec)));
    }
  }
  bool unknownGroup = false;
  if (const YAML::Node g = n["serviceGroup"]) {
    std::string gp = childPath(p, "serviceGroup");
    if (auto name = d.str(g, gp)) {
      const CompiledPolicy* group = nullptr;
      std::string known;
      for (const CompiledPolicy& sg : *s.serviceGroups) {
        if (sg.name == *name) group = &sg;
        known += (known.empty() ? "" : ", ") + sg.name;
      }
      if (group)
        rule.actions.push_back(makeServiceGroupReference(group->serviceGroup));
      else {
        unknownGroup = true;
        d.fail(g, gp,
               "unknown ServiceGroup \"" + *name + "\"" +
                   (known.empty() ? " (no ServiceGroup is loaded)" : " (known: " + known + ")"));
      }
    }
  }
  if (const YAML::Node set = n["set"]; set && d.seq(set, childPath(p, "set"))) {
    std::vector<SetItem> items;
    std::size_t i = 0;
    for (const YAML::Node& item : set) {
      std::string ip = indexPath(childPath(p, "set"), i++);
      if (!d.map(item, ip, {"path", "value", "overwrite"})) continue;
      if (!d.required(item, item["path"], childPath(ip, "path")) ||
          !d.required(item, item["value"], childPath(ip, "value")))
        continue;
      SetItem si;
      auto text = d.str(item["path"], childPath(ip, "path"));
      std::string error;
      if (!text) continue;
      if (!parsePath(*text, si.path, error)) {
        d.fail(item["path"], childPath(ip, "path"), error);
        continue;
      }
      if (si.path.root != Root::Object && si.path.root != Root::Pod &&
          si.path.root != Root::PodMetadata) {
        d.fail(item["path"], childPath(ip, "path"),
               "set paths start at object, pod or podMetadata");
        continue;
      }
      if (si.path.segments.empty()) {
        d.fail(item["path"], childPath(ip, "path"), "set needs a field below the root");
        continue;
      }
      si.value = toValue(item["value"]);
      si.overwrite = d.boolean(item["overwrite"], childPath(ip, "overwrite"));
      if (!si.path.hasWildcard() && si.value.isScalar())
        record(s, policy, rule, assignedField(si.path), si.value.scalarText());
      items.push_back(std::move(si));
    }
    rule.actions.push_back(makeSet(std::move(items)));
  }
  if (const YAML::Node patch = n["patch"]; patch && d.seq(patch, childPath(p, "patch"))) {
    std::size_t i = 0;
    for (const YAML::Node& op : patch) {
      std::string op_path = indexPath(childPath(p, "patch"), i++);
      if (!d.map(op, op_path, {"op", "path", "value", "from"})) continue;
      auto kind = d.oneOf(op["op"], childPath(op_path, "op"),
                          {"add", "remove", "replace", "move", "copy", "test"});
      if (!d.required(op, op["op"], childPath(op_path, "op"))) continue;
      std::vector<std::string> tokens;
      for (const char* f : {"path", "from"}) {
        if (!op[f]) continue;
        auto ptr = d.str(op[f], childPath(op_path, f));
        if (ptr && !json::splitPointer(*ptr, tokens))
          d.fail(op[f], childPath(op_path, f), "invalid JSON pointer \"" + *ptr + "\"");
      }
      d.required(op, op["path"], childPath(op_path, "path"));
      bool needsValue = kind && (*kind == 0 || *kind == 2 || *kind == 5);
      bool needsFrom = kind && (*kind == 3 || *kind == 4);
      if (needsValue) d.required(op, op["value"], childPath(op_path, "value"));
      if (needsFrom) d.required(op, op["from"], childPath(op_path, "from"));
    }
    rule.actions.push_back(makePatch(toValue(patch)));
  }
  // A rule whose only action names an unknown group has its error already.
  if (rule.actions.empty() && !unknownGroup)
    d.fail(n, p, "a mutate rule needs at least one action");
  return true;
}

bool decodeValidate(DecodeState& s, const YAML::Node& n, const std::string& p, Rule& rule) {
  Decoder& d = s.d;
  if (!d.map(n, p,
             {"message", "require", "deny", "forEach", "requireResources", "guaranteedQoS",
              "maxResources", "allowedRegistries", "forbidLatestTag", "minReplicas",
              "minStartupSeconds", "allowExistingViolations"}))
    return false;
  rule.message = d.str(n["message"], childPath(p, "message")).value_or("");
  rule.allowExistingViolations =
      d.boolean(n["allowExistingViolations"], childPath(p, "allowExistingViolations"))
          .value_or(true);
  if (n["require"])
    rule.checks.push_back(makeRequire(decodeConditions(d, n["require"], childPath(p, "require"))));
  if (n["deny"])
    rule.checks.push_back(makeDeny(decodeConditions(d, n["deny"], childPath(p, "deny"))));
  if (const YAML::Node fe = n["forEach"]; fe && d.seq(fe, childPath(p, "forEach"))) {
    std::vector<ForEachSpec> entries;
    std::size_t i = 0;
    for (const YAML::Node& e : fe) {
      std::string ep = indexPath(childPath(p, "forEach"), i++);
      if (!d.map(e, ep, {"path", "message", "require", "deny"})) continue;
      ForEachSpec spec;
      spec.message = d.str(e["message"], childPath(ep, "message")).value_or("");
      if (d.required(e, e["path"], childPath(ep, "path"))) {
        if (auto text = d.str(e["path"], childPath(ep, "path"))) {
          std::string error;
          if (!parsePath(*text, spec.path, error))
            d.fail(e["path"], childPath(ep, "path"), error);
          else if (spec.path.root == Root::Element || spec.path.root == Root::ElementKey)
            d.fail(e["path"], childPath(ep, "path"), "a forEach path cannot start at element");
        }
      }
      spec.require = decodeConditions(d, e["require"], childPath(ep, "require"), true);
      spec.deny = decodeConditions(d, e["deny"], childPath(ep, "deny"), true);
      if (!e["require"] && !e["deny"]) d.fail(e, ep, "a forEach entry needs require or deny");
      entries.push_back(std::move(spec));
    }
    rule.checks.push_back(makeForEach(std::move(entries)));
  }
  if (const YAML::Node rr = n["requireResources"]) {
    std::string rp = childPath(p, "requireResources");
    if (d.map(rr, rp, {"requests", "limits"}))
      rule.checks.push_back(
          makeRequireResources(d.strList(rr["requests"], childPath(rp, "requests")),
                               d.strList(rr["limits"], childPath(rp, "limits"))));
  }
  if (d.boolean(n["guaranteedQoS"], childPath(p, "guaranteedQoS")).value_or(false))
    rule.checks.push_back(makeGuaranteedQoS());
  if (n["maxResources"]) {
    auto max = decodeResourceList(d, n["maxResources"], childPath(p, "maxResources"));
    rule.checks.push_back(makeMaxResources(std::move(max)));
  }
  if (n["allowedRegistries"])
    rule.checks.push_back(makeAllowedRegistries(
        d.strList(n["allowedRegistries"], childPath(p, "allowedRegistries"))));
  if (d.boolean(n["forbidLatestTag"], childPath(p, "forbidLatestTag")).value_or(false))
    rule.checks.push_back(makeForbidLatestTag());
  if (auto m = d.integer(n["minReplicas"], childPath(p, "minReplicas"), 0))
    rule.checks.push_back(makeMinReplicas(*m));
  if (auto m = d.integer(n["minStartupSeconds"], childPath(p, "minStartupSeconds"), 1))
    rule.checks.push_back(makeMinStartupSeconds(*m));
  if (rule.checks.empty()) d.fail(n, p, "a validate rule needs require, deny or a built-in check");
  return true;
}

json::Value decodeIntOrPercent(Decoder& d, const YAML::Node& n, const std::string& p) {
  if (!n) return {};
  auto text = d.str(n, p);
  if (!text) return {};
  if (!text->empty() && text->back() == '%') return json::Value::string(*text);
  if (auto i = d.integer(n, p, 0)) return json::Value::number(*i);
  return {};
}

bool decodeGenerate(DecodeState& s, const YAML::Node& n, const std::string& p, Rule& rule,
                    const CompiledPolicy& policy) {
  Decoder& d = s.d;
  if (!d.map(n, p, {"podDisruptionBudget"})) return false;
  const YAML::Node pdb = n["podDisruptionBudget"];
  std::string pp = childPath(p, "podDisruptionBudget");
  if (!d.required(n, pdb, pp) ||
      !d.map(pdb, pp, {"minAvailable", "maxUnavailable", "minReplicas", "name"}))
    return false;
  PodDisruptionBudgetSpec spec;
  spec.policy = policy.name;
  spec.minAvailable = decodeIntOrPercent(d, pdb["minAvailable"], childPath(pp, "minAvailable"));
  spec.maxUnavailable =
      decodeIntOrPercent(d, pdb["maxUnavailable"], childPath(pp, "maxUnavailable"));
  if (pdb["minAvailable"] && pdb["maxUnavailable"])
    d.fail(pdb, pp, "set minAvailable or maxUnavailable, not both");
  if (!pdb["minAvailable"] && !pdb["maxUnavailable"])
    d.fail(pdb, pp, "set minAvailable or maxUnavailable");
  if (auto m = d.integer(pdb["minReplicas"], childPath(pp, "minReplicas"), 0))
    spec.minReplicas = *m;
  if (auto name = d.str(pdb["name"], childPath(pp, "name"))) spec.nameTemplate = *name;
  rule.generator =
      makePodDisruptionBudget(std::move(spec), s.settings ? s.settings->facts : nullptr);
  return true;
}

}  // namespace

std::optional<Rule> decodeRule(DecodeState& s, const YAML::Node& n, const std::string& p,
                               const CompiledPolicy& policy) {
  Decoder& d = s.d;
  std::size_t before = d.errorCount();
  if (!d.map(n, p, {"name", "mode", "match", "exclude", "mutate", "validate", "generate"}))
    return std::nullopt;
  Rule rule;
  if (d.required(n, n["name"], childPath(p, "name")))
    rule.name = d.str(n["name"], childPath(p, "name")).value_or("");
  if (n["mode"]) rule.mode = decodeMode(d, n["mode"], childPath(p, "mode"));
  if (n["match"]) rule.match = decodeMatch(d, n["match"], childPath(p, "match"), false);
  if (n["exclude"]) rule.exclude = decodeMatch(d, n["exclude"], childPath(p, "exclude"), false);
  int kinds = (n["mutate"] ? 1 : 0) + (n["validate"] ? 1 : 0) + (n["generate"] ? 1 : 0);
  if (kinds != 1) {
    d.fail(n, p, "a rule has exactly one of mutate, validate, generate");
    return std::nullopt;
  }
  if (n["mutate"]) {
    rule.stage = Stage::Mutate;
    decodeMutate(s, n["mutate"], childPath(p, "mutate"), rule, policy);
  } else if (n["validate"]) {
    rule.stage = Stage::Validate;
    decodeValidate(s, n["validate"], childPath(p, "validate"), rule);
  } else {
    rule.stage = Stage::Generate;
    decodeGenerate(s, n["generate"], childPath(p, "generate"), rule, policy);
  }
  if (d.errorCount() != before) return std::nullopt;
  return rule;
}

}  // namespace billet::policy
