// Placement actions: tolerations, nodeSelector and node affinity.
#include <algorithm>
#include <string>
#include <vector>

#include "policy/actions.h"
#include "policy/workload.h"

namespace billet::policy {
namespace {

std::string text(const json::Value* v) {
  return v && v->isScalar() ? v->scalarText() : "";
}

class TolerationsAction final : public MutateAction {
 public:
  explicit TolerationsAction(std::vector<TolerationSpec> t) : tolerations_(std::move(t)) {
    for (const TolerationSpec& s : tolerations_) json_.push_back(s.toJson());
  }
  void apply(MutateContext& ctx) const override {
    json::Value* spec = ctx.ensurePodSpec();
    if (!spec) return;
    for (std::size_t i = 0; i < tolerations_.size(); ++i) {
      json::Value* list = spec->find("tolerations");
      bool present = false;
      if (list && list->isArray())
        for (const json::Value& e : list->asArray()) present = present || tolerations_[i].sameAs(e);
      if (present) continue;
      if (!list || !list->isArray()) list = &spec->set("tolerations", json::Value::array());
      list->push(json_[i]);
      ctx.changed = true;
    }
  }

 private:
  std::vector<TolerationSpec> tolerations_;
  std::vector<json::Value> json_;  // each toleration as it is added, made once at load
};

class NodeSelectorAction final : public MutateAction {
 public:
  explicit NodeSelectorAction(StringPairs s) : selector_(std::move(s)) {}
  void apply(MutateContext& ctx) const override {
    json::Value* spec = ctx.ensurePodSpec();
    if (!spec) return;
    for (const auto& [k, v] : selector_) {
      json::Value* sel = spec->find("nodeSelector");
      if (!sel || !sel->isObject()) sel = &spec->set("nodeSelector", json::Value::object());
      // A null value is one nobody set (the API server would store it as "").
      json::Value* cur = sel->find(k);
      if (cur && !cur->isNull() && (!ctx.overwrite || (cur->isString() && cur->asString() == v))) {
        // Another value kept: the pod is not placed where the rule says; say so.
        if (!(cur->isString() && cur->asString() == v))
          ctx.notes.push_back("nodeSelector " + k + " is " + cur->scalarText() + ", not " + v +
                              ": left alone (overwrite: true replaces it)");
        continue;
      }
      sel->set(k, json::Value::string(v));
      ctx.changed = true;
    }
  }

 private:
  StringPairs selector_;
};

// The values of a requirement as a set: the scheduler reads `In [a, b]` as `In [b, a]`, and an
// absent or empty `values` alike (Exists, DoesNotExist).
std::vector<std::string> valueSet(const json::Value& requirement) {
  std::vector<std::string> out;
  if (const json::Value* values = requirement.find("values"); values && values->isArray())
    for (const json::Value& v : values->asArray())
      out.push_back(v.isScalar() ? v.scalarText() : "");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Whether `e` asks what `want` asks: the same key and operator and the same values, in any order.
bool sameRequirement(const json::Value& e, const json::Value& want) {
  return e.isObject() && text(e.find("key")) == text(want.find("key")) &&
         text(e.find("operator")) == text(want.find("operator")) && valueSet(e) == valueSet(want);
}

class NodeAffinityAction final : public MutateAction {
 public:
  explicit NodeAffinityAction(NodeAffinitySpec s) : spec_(std::move(s)) {}
  void apply(MutateContext& ctx) const override {
    json::Value* pod = ctx.ensurePodSpec();
    if (!pod) return;
    if (!spec_.required.empty()) ensureRequired(*pod, ctx);
    if (!spec_.preferred.empty()) ensurePreferred(*pod, ctx);
  }

 private:
  void ensureRequired(json::Value& pod, MutateContext& ctx) const {
    json::Value& na = pod["affinity"]["nodeAffinity"];
    json::Value* req = na.find("requiredDuringSchedulingIgnoredDuringExecution");
    json::Value* terms = req ? req->find("nodeSelectorTerms") : nullptr;
    if (!terms || !terms->isArray() || terms->asArray().empty()) {
      json::Value& t = na["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"];
      t = json::Value::array();
      t.push(json::Value::object());
      terms = &t;
      ctx.changed = true;
    }
    for (json::Value& term : terms->asArray()) {
      if (!term.isObject()) continue;
      for (const NodeSelectorRequirement& r : spec_.required) {
        json::Value want = r.toJson();
        json::Value* exprs = term.find("matchExpressions");
        if (!exprs || !exprs->isArray())
          exprs = &term.set("matchExpressions", json::Value::array());
        bool present = false;
        for (json::Value& e : exprs->asArray()) {
          if (sameRequirement(e, want)) present = true;
        }
        if (present) continue;
        if (ctx.overwrite) {
          // Replace a requirement on the same key instead of adding a contradicting one.
          bool replaced = false;
          for (json::Value& e : exprs->asArray())
            if (!replaced && text(e.find("key")) == r.key) {
              e = want;
              replaced = true;
            }
          if (replaced) {
            ctx.changed = true;
            continue;
          }
        }
        exprs->push(std::move(want));
        ctx.changed = true;
      }
    }
  }

  void ensurePreferred(json::Value& pod, MutateContext& ctx) const {
    json::Value& na = pod["affinity"]["nodeAffinity"];
    json::Value* list = na.find("preferredDuringSchedulingIgnoredDuringExecution");
    if (!list || !list->isArray())
      list = &na.set("preferredDuringSchedulingIgnoredDuringExecution", json::Value::array());
    for (const auto& [weight, r] : spec_.preferred) {
      json::Value want = r.toJson();
      bool present = false;
      for (const json::Value& e : list->asArray()) {
        const json::Value* exprs = dig(e, {"preference", "matchExpressions"});
        if (!exprs || !exprs->isArray()) continue;
        for (const json::Value& x : exprs->asArray()) present = present || sameRequirement(x, want);
      }
      if (present) continue;
      json::Value entry = json::Value::object();
      entry.set("weight", json::Value::number(weight));
      entry["preference"].set("matchExpressions", json::Value::array({std::move(want)}));
      list->push(std::move(entry));
      ctx.changed = true;
    }
  }

  NodeAffinitySpec spec_;
};

}  // namespace

json::Value TolerationSpec::toJson() const {
  json::Value t = json::Value::object();
  if (!key.empty()) t.set("key", json::Value::string(key));
  t.set("operator", json::Value::string(op));
  if (!value.empty()) t.set("value", json::Value::string(value));
  if (!effect.empty()) t.set("effect", json::Value::string(effect));
  if (tolerationSeconds) t.set("tolerationSeconds", json::Value::number(*tolerationSeconds));
  return t;
}

bool TolerationSpec::sameAs(const json::Value& e) const {
  if (!e.isObject()) return false;
  std::string eop = text(e.find("operator"));
  if (eop.empty()) eop = "Equal";
  return text(e.find("key")) == key && eop == op && text(e.find("value")) == value &&
         text(e.find("effect")) == effect;
}

json::Value NodeSelectorRequirement::toJson() const {
  json::Value r = json::Value::object();
  r.set("key", json::Value::string(key));
  r.set("operator", json::Value::string(op));
  if (!values.empty()) {
    json::Array a;
    for (const std::string& v : values) a.push_back(json::Value::string(v));
    r.set("values", json::Value::array(std::move(a)));
  }
  return r;
}

std::unique_ptr<const MutateAction> makeTolerations(std::vector<TolerationSpec> t) {
  return std::make_unique<TolerationsAction>(std::move(t));
}
std::unique_ptr<const MutateAction> makeNodeSelector(StringPairs s) {
  return std::make_unique<NodeSelectorAction>(std::move(s));
}
std::unique_ptr<const MutateAction> makeNodeAffinity(NodeAffinitySpec s) {
  return std::make_unique<NodeAffinityAction>(std::move(s));
}

}  // namespace billet::policy
