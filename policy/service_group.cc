// ServiceGroups: tier choice at load, and the action that applies a group to its containers.
#include "policy/service_group.h"

#include <algorithm>
#include <stdexcept>

#include "policy/glob.h"
#include "policy/quantity.h"
#include "policy/workload.h"

namespace billet::policy {
namespace {

std::string boundText(const char* what, std::int64_t have, const std::optional<std::int64_t>& max) {
  if (!max) return {};
  return std::string(what) + " " + std::to_string(have) + (have <= *max ? " <= " : " > ") +
         std::to_string(*max);
}

std::string boundsText(const ServiceGroupTier& t, std::int64_t nodes, std::int64_t workloads) {
  std::string out = boundText("nodes", nodes, t.maxNodes);
  std::string w = boundText("workloads", workloads, t.maxWorkloads);
  if (!w.empty()) out += (out.empty() ? "" : ", ") + w;
  return out.empty() ? "no bounds" : out;
}

const GroupValue* findValue(const std::vector<GroupValue>& list, const std::string& resource) {
  for (const GroupValue& v : list)
    if (v.resource == resource) return &v;
  return nullptr;
}

const std::string* findPair(const StringPairs& list, const std::string& key) {
  for (const auto& [k, v] : list)
    if (k == key) return &v;
  return nullptr;
}

// `resources` overlaid with the tier's values, resource name by resource name.
std::vector<GroupValue> merge(const StringPairs& base, const StringPairs* tier) {
  std::vector<GroupValue> out;
  for (const auto& [k, v] : base) {
    const std::string* t = tier ? findPair(*tier, k) : nullptr;
    out.push_back({k, t ? *t : v, t != nullptr, {}});
  }
  if (tier)
    for (const auto& [k, v] : *tier)
      if (!findPair(base, k)) out.push_back({k, v, true, {}});
  return out;
}

bool below(const std::string& a, const std::string& b) {
  auto qa = Quantity::parse(a);
  auto qb = Quantity::parse(b);
  return qa && qb && compare(*qa, *qb) < 0;
}

std::string text(const json::Value* v) {
  return v && v->isScalar() ? v->scalarText() : "";
}

class ServiceGroupAction final : public MutateAction {
 public:
  // The group's own rule, or (`reference`) a Policy rule's `serviceGroup: NAME`, which applies
  // only to the group's members.
  ServiceGroupAction(std::shared_ptr<const ServiceGroupSpec> spec, bool reference)
      : spec_(std::move(spec)), reference_(reference) {}

  void apply(MutateContext& ctx) const override {
    const ServiceGroupSpec* g = spec_.get();
    if (reference_) {
      PathRoots roots;
      roots.object = &ctx.object;
      roots.cluster = &ctx.settings.cluster;
      roots.oldObject = ctx.request.oldObject;
      roots.request = ctx.request.request;
      roots.pod = ctx.podSpec();
      roots.podMetadata = ctx.podMetadata();
      roots.podLayout = ctx.podLayout();
      MatchInput in{ctx.request, ctx.settings, &ctx.object, roots};
      if (!matches(g->members, in)) {
        ctx.skipReason = "not a member of ServiceGroup \"" + g->name + "\"";
        return;
      }
    }
    // Only an existing pod spec: a group never creates an empty one.
    json::Value* pod = ctx.existingPodSpec();
    bool overwrite = g->overwrite || ctx.overwrite;
    int members = 0;
    bool changed = false;
    forEachContainer(pod, ctx.podLayout(), false, false, [&](json::Value& c) {
      std::string name = text(c.find("name"));
      if (!g->containerNames.empty() && !globAny(g->containerNames, name)) return;
      ++members;
      if (applyTo(*g, c, name, overwrite, ctx.notes)) changed = true;
    });
    if (changed) {
      ctx.changed = true;
      ctx.detail.push_back(reference_ ? "ServiceGroup \"" + g->name + "\": " + g->detail
                                      : g->detail);
    } else if (members == 0) {
      ctx.skipReason = "no member container";
    } else {
      ctx.skipReason = "member containers already have these resources";
    }
  }

 private:
  struct Binding {
    std::shared_ptr<const ServiceGroupSpec> spec;
  };

  // One container. A limit below the request the container ends up with is set to that
  // request instead (computed here, so that the result converges even when overwriting).
  static bool applyTo(const ServiceGroupSpec& g, json::Value& c, const std::string& name,
                      bool overwrite, std::vector<std::string>& notes) {
    StringPairs requests, limits;
    for (const GroupValue& v : g.requests) requests.emplace_back(v.resource, v.value);
    struct Raise {
      std::string resource, from, to, before;
    };
    std::vector<Raise> raises;
    for (const GroupValue& v : g.limits) {
      const json::Value* have = dig(c, {"resources", "requests", v.resource});
      const GroupValue* ours = findValue(g.requests, v.resource);
      std::string request = ours && (overwrite || !have) ? ours->value : text(have);
      std::string value = v.value;
      if (!request.empty() && below(value, request)) {
        std::string before = text(dig(c, {"resources", "limits", v.resource}));
        // A container's own limit (kept) below its request is raised by
        // ensureContainerResources, with its own note.
        if (overwrite || before.empty()) raises.push_back({v.resource, value, request, before});
        value = request;
      }
      limits.emplace_back(v.resource, value);
    }
    if (!ensureContainerResources(c, requests, limits, false, overwrite, notes)) return false;
    for (const Raise& r : raises) {
      std::string after = text(dig(c, {"resources", "limits", r.resource}));
      if (after != r.before && after == r.to)
        notes.push_back("container \"" + name + "\": limits." + r.resource + " " + r.from +
                        " raised to its request " + r.to);
    }
    return true;
  }

  std::shared_ptr<const ServiceGroupSpec> spec_;
  bool reference_ = false;
};

}  // namespace

TierChoice chooseTier(const std::vector<ServiceGroupTier>& tiers, std::int64_t nodes,
                      std::int64_t workloads) {
  TierChoice c;
  if (tiers.empty()) return c;
  for (std::size_t i = 0; i < tiers.size(); ++i) {
    const ServiceGroupTier& t = tiers[i];
    if ((!t.maxNodes || nodes <= *t.maxNodes) &&
        (!t.maxWorkloads || workloads <= *t.maxWorkloads)) {
      c.index = static_cast<int>(i);
      c.reason = boundsText(t, nodes, workloads);
      return c;
    }
  }
  c.index = static_cast<int>(tiers.size()) - 1;
  c.pastLast = true;
  c.reason = "past the last tier: " + boundsText(tiers.back(), nodes, workloads);
  return c;
}

CompiledPolicy compileServiceGroup(ServiceGroupDef def, const Settings& settings,
                                   std::vector<std::string>& warnings) {
  TierChoice choice = chooseTier(def.tiers, settings.clusterNodes, settings.clusterWorkloads);
  const ServiceGroupTier* tier = choice.index >= 0 ? &def.tiers[choice.index] : nullptr;
  std::string who = "ServiceGroup \"" + def.name + "\"";
  if (tier && settings.clusterNodes == 0 && settings.clusterWorkloads == 0) {
    if (!settings.clusterAuto)
      warnings.push_back(who + ": Settings.cluster gives no size (0 nodes, 0 workloads); tier \"" +
                         tier->name + "\" is used");
    else if (!settings.facts)  // offline: serve --kube-api counts the cluster instead
      warnings.push_back(who + ": Settings.cluster is auto and no size is given " +
                         "(--cluster-nodes, --cluster-workloads); tier \"" + tier->name +
                         "\" is used");
  }

  auto spec = std::make_shared<ServiceGroupSpec>();
  spec->name = def.name;
  spec->members = def.members;
  spec->members.operations.clear();  // references: membership, whatever the operation
  spec->containerNames = def.members.containerNames;
  spec->overwrite = def.overwrite;
  spec->requests = merge(def.requests, tier ? &tier->requests : nullptr);
  spec->limits = merge(def.limits, tier ? &tier->limits : nullptr);
  for (GroupValue& l : spec->limits) {
    const GroupValue* r = findValue(spec->requests, l.resource);
    if (!r || !below(l.value, r->value)) continue;
    l.belowRequest = r->value;
    warnings.push_back(who + (tier ? " tier \"" + tier->name + "\"" : std::string()) + ": limits." +
                       l.resource + " " + l.value + " is below requests." + l.resource + " " +
                       r->value + "; containers get the request as their limit");
  }

  std::string values;
  auto describe = [&](const std::vector<GroupValue>& list, const char* what) {
    for (const GroupValue& v : list) {
      values += (values.empty() ? "" : ", ") + v.resource + " " + what + " " + v.value + " from " +
                (v.fromTier ? "tier" : "resources");
      if (!v.belowRequest.empty())
        values += " (below the request: raised to " + v.belowRequest + ")";
    }
  };
  describe(spec->requests, "request");
  describe(spec->limits, "limit");
  spec->detail = tier ? "tier \"" + tier->name + "\" (" + choice.reason + ")" : "no tiers";
  spec->detail += ": " + (values.empty() ? std::string("no values") : values);

  CompiledPolicy p;
  p.kind = "ServiceGroup";
  p.tier = tier ? tier->name : "";
  p.name = def.name;
  p.mode = def.mode;
  p.severity = def.severity;
  p.category = def.category;
  p.match = std::move(def.members);
  Rule rule;
  rule.name = "resources";
  rule.stage = Stage::Mutate;
  rule.overwrite = def.overwrite;
  p.serviceGroup = spec;
  rule.actions.push_back(std::make_unique<ServiceGroupAction>(std::move(spec), false));
  p.rules.push_back(std::move(rule));
  return p;
}

std::unique_ptr<const MutateAction> makeServiceGroupReference(
    std::shared_ptr<const ServiceGroupSpec> group) {
  return std::make_unique<ServiceGroupAction>(std::move(group), true);
}

}  // namespace billet::policy
