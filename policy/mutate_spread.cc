// Spreading a workload's own pods: pod anti-affinity and topology spread constraints.
#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <string_view>
#include <utility>

#include "policy/actions.h"
#include "policy/workload.h"

namespace billet::policy {
namespace {

// A Deployment, Job, ... (not a Pod, not a kind of Settings.podTemplates, whose pods have no
// selector of the object's to go by).
bool builtinController(const MutateContext& ctx) {
  return ctx.pod && ctx.pod->create && isPodController(ctx.request.kind);
}

using KeyViews = boost::container::small_vector<std::string_view, 4>;

// The keys that identify the workload's own pods: given, else the controller's selector keys,
// else (bare Pod) app.kubernetes.io/name or app.
void selectorKeys(const SpreadSpec& spec, const MutateContext& ctx, KeyViews& keys) {
  for (const std::string& k : spec.labelKeys) keys.push_back(k);
  if (!keys.empty()) return;
  if (builtinController(ctx)) {
    const json::Value* ml = dig(ctx.object, {"spec", "selector", "matchLabels"});
    if (ctx.request.kind == "CronJob")
      ml = dig(ctx.object, {"spec", "jobTemplate", "spec", "selector", "matchLabels"});
    if (ml && ml->isObject())
      for (const json::Member& m : ml->asObject()) keys.push_back(m.key.view());
    if (!keys.empty()) return;
  }
  keys.push_back("app.kubernetes.io/name");
  keys.push_back("app");
}

// {matchLabels: {...}} from the pod's labels for those keys; nullopt when the pod has none.
// (The keys are views into the object or the policy: nothing changes while they are read.)
std::optional<json::Value> ownSelector(const SpreadSpec& spec, const MutateContext& ctx) {
  KeyViews keys;
  selectorKeys(spec, ctx, keys);
  const json::Value* meta = ctx.podMetadata();
  const json::Value* labels = meta ? meta->find("labels") : nullptr;
  json::Object ml;
  ml.reserve(keys.size());
  bool defaultAppKeys = spec.labelKeys.empty() && !builtinController(ctx);
  for (std::string_view k : keys) {
    const json::Value* v = labels ? labels->find(k) : nullptr;
    if (!v || !v->isString()) continue;
    // A key listed twice in labelKeys is taken once.
    if (std::any_of(ml.begin(), ml.end(), [&](const json::Member& m) { return m.key == k; }))
      continue;
    ml.push_back({k, *v});
    if (defaultAppKeys) break;  // the first of app.kubernetes.io/name, app
  }
  if (ml.empty()) return std::nullopt;
  return json::objectOf(json::Member{"matchLabels", json::Value::object(std::move(ml))});
}

bool termMatches(const json::Value* term, const std::string& topologyKey, const json::Value& sel) {
  if (!term) return false;
  const json::Value* tk = term->find("topologyKey");
  const json::Value* ls = term->find("labelSelector");
  return tk && tk->isString() && tk->asString() == topologyKey && ls && *ls == sel;
}

// Both actions select the workload's own pods the same way, then ensure one term in the pod spec.
class SpreadAction : public MutateAction {
 public:
  explicit SpreadAction(SpreadSpec s) : spec_(std::move(s)) {}
  void apply(MutateContext& ctx) const final {
    if (!ctx.pod) return;
    std::optional<json::Value> sel = ownSelector(spec_, ctx);
    if (!sel) {
      ctx.skipReason = "the pod has none of the selector labels";
      return;
    }
    json::Value* pod = ctx.ensurePodSpec();
    if (pod && ensure(*pod, std::move(*sel), ctx)) ctx.changed = true;
  }

 protected:
  // Adds the term selecting `sel` unless an equal one is there; true when it changed the pod.
  virtual bool ensure(json::Value& pod, json::Value sel, MutateContext& ctx) const = 0;
  SpreadSpec spec_;
};

class AntiAffinityAction final : public SpreadAction {
 public:
  using SpreadAction::SpreadAction;

 private:
  bool ensure(json::Value& pod, json::Value sel, MutateContext&) const override {
    const char* field = spec_.required ? "requiredDuringSchedulingIgnoredDuringExecution"
                                       : "preferredDuringSchedulingIgnoredDuringExecution";
    json::Value& anti = pod["affinity"]["podAntiAffinity"];
    json::Value* list = anti.find(field);
    if (list && list->isArray()) {
      for (const json::Value& e : list->asArray()) {
        const json::Value* term = spec_.required ? &e : e.find("podAffinityTerm");
        if (termMatches(term, spec_.topologyKey, sel)) return false;
      }
    } else {
      list = &anti.set(field, json::Value::array());
    }
    json::Value term =
        json::objectOf(json::Member{"labelSelector", std::move(sel)},
                       json::Member{"topologyKey", json::Value::string(spec_.topologyKey)});
    if (spec_.required) {
      list->push(std::move(term));
    } else {
      list->push(json::objectOf(json::Member{"weight", json::Value::number(spec_.weight)},
                                json::Member{"podAffinityTerm", std::move(term)}));
    }
    return true;
  }
};

class TopologySpreadAction final : public SpreadAction {
 public:
  using SpreadAction::SpreadAction;

 private:
  bool ensure(json::Value& pod, json::Value sel, MutateContext& ctx) const override {
    json::Value* list = pod.find("topologySpreadConstraints");
    if (list && list->isArray()) {
      const json::Array& constraints = std::as_const(*list).asArray();
      for (std::size_t i = 0; i < constraints.size(); ++i) {
        if (termMatches(&constraints[i], spec_.topologyKey, sel)) return false;
        // The API server refuses a pod with two constraints of one topologyKey and
        // whenUnsatisfiable: another selector there is replaced when overwriting, else kept.
        if (!samePair(constraints[i])) continue;
        if (!ctx.overwrite) {
          ctx.skipReason = "a topologySpreadConstraint for " + spec_.topologyKey + " and " +
                           spec_.whenUnsatisfiable +
                           " selects other pods (the API server takes one per pair)";
          return false;
        }
        list->asArray()[i] = constraint(std::move(sel));
        return true;
      }
    } else {
      list = &pod.set("topologySpreadConstraints", json::Value::array());
    }
    list->push(constraint(std::move(sel)));
    return true;
  }

  bool samePair(const json::Value& c) const {
    const json::Value* key = c.find("topologyKey");
    const json::Value* when = c.find("whenUnsatisfiable");
    return key && key->isString() && key->asString() == spec_.topologyKey && when &&
           when->isString() && when->asString() == spec_.whenUnsatisfiable;
  }

  json::Value constraint(json::Value sel) const {
    return json::objectOf(
        json::Member{"maxSkew", json::Value::number(spec_.maxSkew)},
        json::Member{"topologyKey", json::Value::string(spec_.topologyKey)},
        json::Member{"whenUnsatisfiable", json::Value::string(spec_.whenUnsatisfiable)},
        json::Member{"labelSelector", std::move(sel)});
  }
};

}  // namespace

std::unique_ptr<const MutateAction> makeAntiAffinity(SpreadSpec s) {
  return std::make_unique<AntiAffinityAction>(std::move(s));
}
std::unique_ptr<const MutateAction> makeTopologySpread(SpreadSpec s) {
  return std::make_unique<TopologySpreadAction>(std::move(s));
}

}  // namespace billet::policy
