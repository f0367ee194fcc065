// `forEach`: require/deny conditions checked per element, with `element` bound to it.
#include "policy/checks.h"

namespace billet::policy {
namespace {

std::string nameOf(const json::Value* v) {
  const json::Value* n = v ? v->find("name") : nullptr;
  const json::Text* s = n ? n->ifString() : nullptr;
  return s ? s->str() : "";
}

std::string scalar(const json::Value* v) {
  return v && v->isScalar() && !v->isNull() ? v->scalarText() : "";
}

class ForEachCheck final : public Check {
 public:
  explicit ForEachCheck(std::vector<ForEachSpec> entries) : entries_(std::move(entries)) {}

  void check(ValidateContext& ctx, std::vector<Violation>& out) const override {
    Slots elements, slots;
    for (const ForEachSpec& e : entries_) {
      elements.clear();
      readPath(e.path, ctx.roots, elements);
      for (const Slot& el : elements) {
        if (ctx.shouldStop()) return;
        // Only values that are there: an absent seccompProfile is not an Unconfined one.
        if (!el.value || el.value->isNull()) continue;
        json::Value key = el.key ? json::Value::string(el.key->str()) : json::Value();
        PathRoots roots = ctx.roots;
        roots.element = el.value;
        roots.elementKey = el.key ? &key : nullptr;
        std::string failed;
        Slot witness;
        if (holds(e, roots, slots, failed, witness, ctx.error)) continue;
        if (!ctx.error.empty()) return;
        std::string value = el.value->isScalar() ? scalar(el.value) : scalar(witness.value);
        if (value.empty()) value = nameOf(el.value);
        out.push_back({failed + " for " + e.path.text + (value.empty() ? "" : " (" + value + ")"),
                       el.container ? containerName(*el.container, ctx.roots) : "", value,
                       e.path.text, e.message});
      }
    }
  }

 private:
  // False when a require condition fails or every deny condition holds; `failed` says which
  // and `witness` holds the value that decided.
  static bool holds(const ForEachSpec& e, const PathRoots& roots, Slots& slots, std::string& failed,
                    Slot& witness, std::string& error) {
    for (const Condition& c : e.require) {
      slots.clear();
      readPath(c.path, roots, slots);
      ConditionOutcome r = evaluate(c, slots, Quantifier::Every);
      if (!r.error.empty()) error = r.error;
      if (!r.holds) {
        failed = "required: " + c.text;
        witness = r.witness;
        return false;
      }
    }
    if (e.deny.empty()) return true;
    for (std::size_t i = 0; i < e.deny.size(); ++i) {
      const Condition& c = e.deny[i];
      slots.clear();
      readPath(c.path, roots, slots);
      ConditionOutcome r = evaluate(c, slots, Quantifier::Any);
      if (!r.error.empty()) {
        error = r.error;
        return false;
      }
      if (!r.holds) return true;
      if (i == 0) witness = r.witness;
    }
    failed = "denied: " + e.deny.front().text;
    return false;
  }

  std::vector<ForEachSpec> entries_;
};

}  // namespace

std::unique_ptr<const Check> makeForEach(std::vector<ForEachSpec> entries) {
  return std::make_unique<ForEachCheck>(std::move(entries));
}

}  // namespace billet::policy
