// NodePools: the node taint, member placement and the outsider check.
#include "policy/node_pool.h"

#include <algorithm>
#include <optional>

#include "policy/workload.h"

namespace billet::policy {
namespace {

std::string text(const json::Value* v) {
  return v && v->isScalar() ? v->scalarText() : "";
}

std::string taintText(const std::string& key, const std::string& value, const std::string& effect) {
  return key + (value.empty() ? "" : "=" + value) + ":" + effect;
}

// A toleration as the pod wrote it, e.g. `{key: billet.dev/pool, operator: Exists}`.
std::string tolerationText(const json::Value& t) {
  std::string out;
  for (const char* field : {"key", "operator", "value", "effect"}) {
    const json::Value* v = t.find(field);
    if (!v || !v->isScalar()) continue;
    out += (out.empty() ? "" : ", ") + std::string(field) + ": " + v->scalarText();
  }
  return "{" + out + "}";
}

// Adds context to --explain and to the pass message of a rule.
class DetailAction final : public MutateAction {
 public:
  explicit DetailAction(std::string d) : detail_(std::move(d)) {}
  void apply(MutateContext& ctx) const override { ctx.detail.push_back(detail_); }

 private:
  std::string detail_;
};

class TaintAction final : public MutateAction {
 public:
  TaintAction(std::string pool, std::string key, std::string value, std::string effect)
      : pool_(std::move(pool)),
        key_(std::move(key)),
        value_(std::move(value)),
        effect_(std::move(effect)) {}

  void apply(MutateContext& ctx) const override {
    if (!ctx.object.isObject()) return;
    json::Value* spec = ctx.object.find("spec");
    if (spec && !spec->isObject() && !spec->isNull()) {
      ctx.skipReason = "the node's spec is not a mapping";
      return;
    }
    json::Value* taints = spec ? spec->find("taints") : nullptr;
    if (taints && !taints->isArray() && !taints->isNull()) {
      ctx.skipReason = "the node's spec.taints is not a list";
      return;
    }
    std::string want = taintText(key_, value_, effect_);
    if (taints && taints->isArray()) {
      for (json::Value& t : taints->asArray()) {
        if (!t.isObject() || text(t.find("key")) != key_ || text(t.find("effect")) != effect_)
          continue;
        std::string have = text(t.find("value"));
        if (have == value_) {
          ctx.skipReason = "the node already has the taint " + want;
          return;
        }
        // Kubernetes allows one taint per key and effect: another value is the same slot.
        std::string existing = taintText(key_, have, effect_);
        if (!ctx.overwrite) {
          ctx.skipReason = "the node has taint " + existing + " (another value): left alone";
          ctx.notes.push_back("node has taint " + existing + ", not " + want + " of node pool \"" +
                              pool_ +
                              "\": left alone (overwrite: true on the NodePool replaces it)");
          return;
        }
        if (value_.empty())
          t.erase("value");
        else
          t.set("value", json::Value::string(value_));
        ctx.changed = true;
        ctx.detail.push_back("node pool \"" + pool_ + "\": taint " + existing + " replaced by " +
                             want);
        return;
      }
    }
    if (!spec || !spec->isObject()) spec = &ctx.object.set("spec", json::Value::object());
    if (!taints || !taints->isArray()) taints = &spec->set("taints", json::Value::array());
    json::Value t = json::Value::object();
    t.set("key", json::Value::string(key_));
    if (!value_.empty()) t.set("value", json::Value::string(value_));
    t.set("effect", json::Value::string(effect_));
    taints->push(std::move(t));
    ctx.changed = true;
    ctx.detail.push_back("node in pool \"" + pool_ + "\": taint " + want);
  }

 private:
  std::string pool_, key_, value_, effect_;
};

class OutsiderCheck final : public Check {
 public:
  explicit OutsiderCheck(const NodePoolDef& def)
      : pool_(def.name),
        labels_(def.nodeLabels),
        key_(def.taintKey),
        value_(def.taintValue),
        effect_(def.taintEffect),
        members_(def.members) {
    members_.operations.clear();  // membership is the workload's, whatever the operation
  }

  void check(ValidateContext& ctx, std::vector<Violation>& out) const override {
    const json::Value* pod = ctx.roots.pod;
    if (!pod || !pod->isObject()) return;
    MatchInput in{ctx.request, ctx.settings, &ctx.object, ctx.roots};
    if (matches(members_, in)) return;
    // Short enough that "pool/keep-outsiders-out: " + message fits a 120-character warning.
    std::string head = "not in node pool \"" + pool_ + "\" but ";
    if (const json::Value* list = pod->find("tolerations"); list && list->isArray()) {
      std::size_t i = 0;
      for (const json::Value& t : list->asArray()) {
        if (ctx.shouldStop()) return;
        std::size_t index = i++;
        if (!tolerates(t, key_, value_, effect_)) continue;
        Violation v;
        v.value = tolerationText(t);
        v.path = "pod.tolerations[" + std::to_string(index) + "]";
        v.message = head + "tolerates its taint (toleration " + v.value + ")";
        out.push_back(std::move(v));
      }
    }
    // Placed on a pool node by name, past the scheduler (and so past the taint): an outsider
    // too, when the live facts know the node (serve --kube-api).
    const json::Value* nodeName = pod->find("nodeName");
    if (ctx.settings.facts && nodeName && nodeName->isString() && !nodeName->asString().empty()) {
      const auto inPool = ctx.settings.facts->nodeHasLabels(nodeName->asString(), labels_);
      if (inPool && *inPool) {
        Violation v;
        v.value = nodeName->asString();
        v.path = "pod.nodeName";
        v.message = head + "sets nodeName to its node " + v.value;
        out.push_back(std::move(v));
      }
    }
    if (auto evidence = selection(*pod)) {
      Violation v;
      v.value = *evidence;
      v.message = head + "selects its nodes (" + *evidence + ")";
      out.push_back(std::move(v));
    }
  }

 private:
  // What makes the pod select every label of the pool: its nodeSelector, together with the `In`
  // expressions of one required node affinity term. nullopt when it does not.
  std::optional<std::string> selection(const json::Value& pod) const {
    const json::Value* selector = pod.find("nodeSelector");
    const json::Value* terms =
        dig(pod, {"affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
                  "nodeSelectorTerms"});
    auto covered = [&](const json::Value* term) -> std::optional<std::string> {
      std::string evidence;
      for (const auto& [k, v] : labels_) {
        std::string piece;
        const json::Value* selected =
            selector && selector->isObject() ? selector->find(k) : nullptr;
        if (selected && selected->isString() && selected->asString() == v) {
          piece = "nodeSelector " + k + ": " + v;
        } else if (const json::Value* exprs = term ? term->find("matchExpressions") : nullptr;
                   exprs && exprs->isArray()) {
          for (const json::Value& e : exprs->asArray()) {
            const json::Value* values = e.find("values");
            if (text(e.find("key")) != k || text(e.find("operator")) != "In" || !values ||
                !values->isArray())
              continue;
            std::string list;
            bool has = false;
            for (const json::Value& x : values->asArray()) {
              list += (list.empty() ? "" : ", ") + text(&x);
              has = has || (x.isString() && x.asString() == v);
            }
            if (has) {
              piece = "required node affinity " + k + " In [" + list + "]";
              break;
            }
          }
        }
        if (piece.empty()) return std::nullopt;
        evidence += (evidence.empty() ? "" : ", ") + piece;
      }
      return evidence;
    };
    if (terms && terms->isArray() && !terms->asArray().empty()) {
      for (const json::Value& term : terms->asArray())
        if (auto e = covered(term.isObject() ? &term : nullptr)) return e;
      return std::nullopt;
    }
    return covered(nullptr);
  }

  std::string pool_;
  StringPairs labels_;
  std::string key_, value_, effect_;
  Match members_;
};

std::vector<std::string> workloadKinds() {
  return {kWorkloadKinds.begin(), kWorkloadKinds.end()};
}

}  // namespace

bool tolerates(const json::Value& t, const std::string& key, const std::string& value,
               const std::string& effect) {
  if (!t.isObject()) return false;
  std::string e = text(t.find("effect"));
  if (!e.empty() && e != effect) return false;
  std::string k = text(t.find("key"));
  if (!k.empty() && k != key) return false;
  std::string op = text(t.find("operator"));
  if (op == "Exists") return true;
  if (!op.empty() && op != "Equal") return false;
  return text(t.find("value")) == value;
}

CompiledPolicy compileNodePool(NodePoolDef def) {
  CompiledPolicy p;
  p.kind = "NodePool";
  p.nodeLabels = def.nodeLabels;
  p.name = def.name;
  p.mode = Mode::Enforce;
  p.severity = def.severity;
  p.category = def.category;
  p.match.operations = {Operation::Create, Operation::Update};
  if (!def.members.kinds.empty()) {
    p.match.kinds = workloadKinds();
    p.match.workloads = true;
    p.match.kinds.push_back("Node");
    for (const std::string& k : def.members.kinds)
      if (std::find(p.match.kinds.begin(), p.match.kinds.end(), k) == p.match.kinds.end())
        p.match.kinds.push_back(k);
  }
  std::string taint = taintText(def.taintKey, def.taintValue, def.taintEffect);

  Rule nodes;
  nodes.name = "taint-nodes";
  nodes.stage = Stage::Mutate;
  nodes.overwrite = def.overwrite;
  nodes.match = Match{};
  nodes.match->kinds = {"Node"};
  nodes.match->labels = LabelSelector{def.nodeLabels, {}};
  nodes.actions.push_back(
      std::make_unique<TaintAction>(def.name, def.taintKey, def.taintValue, def.taintEffect));
  p.rules.push_back(std::move(nodes));

  Rule place;
  place.name = "place-members";
  place.stage = Stage::Mutate;
  place.overwrite = def.overwrite;
  place.match = def.members;
  std::string placement;
  for (const auto& [k, v] : def.nodeLabels)
    placement += (placement.empty() ? "" : ", ") + k + ": " + v;
  place.actions.push_back(std::make_unique<DetailAction>(
      "member of node pool \"" + def.name + "\": toleration " + taint + ", " +
      (def.preferred ? "preferred node affinity " : "nodeSelector ") + placement));
  TolerationSpec toleration;
  toleration.key = def.taintKey;
  toleration.op = "Equal";
  toleration.value = def.taintValue;
  toleration.effect = def.taintEffect;
  place.actions.push_back(makeTolerations({toleration}));
  if (def.preferred) {
    NodeAffinitySpec affinity;
    for (const auto& [k, v] : def.nodeLabels)
      affinity.preferred.emplace_back(100, NodeSelectorRequirement{k, "In", {v}});
    place.actions.push_back(makeNodeAffinity(std::move(affinity)));
  } else {
    place.actions.push_back(makeNodeSelector(def.nodeLabels));
  }
  p.rules.push_back(std::move(place));

  if (def.outsiders != Outsiders::Ignore) {
    Rule keep;
    keep.name = "keep-outsiders-out";
    keep.stage = Stage::Validate;
    keep.mode = def.outsiders == Outsiders::Deny   ? Mode::Enforce
                : def.outsiders == Outsiders::Warn ? Mode::Warn
                                                   : Mode::Audit;
    keep.match = Match{};
    keep.match->kinds = workloadKinds();
    keep.match->workloads = true;  // and the pod templates of Settings.podTemplates' kinds
    keep.checks.push_back(std::make_unique<OutsiderCheck>(def));
    p.rules.push_back(std::move(keep));
  }
  return p;
}

}  // namespace billet::policy
