// `require` and `deny`: conditions over paths.
#include "policy/checks.h"

namespace billet::policy {
namespace {

std::string containerOf(const Slot& s, const PathRoots& roots) {
  return s.container ? containerName(*s.container, roots) : "";
}

std::string valueOf(const Slot& s) {
  return s.value && s.value->isScalar() ? s.value->scalarText() : "";
}

class RequireCheck final : public Check {
 public:
  explicit RequireCheck(std::vector<Condition> c) : conditions_(std::move(c)) {}
  void check(ValidateContext& ctx, std::vector<Violation>& out) const override {
    Slots slots;
    for (const Condition& c : conditions_) {
      if (ctx.shouldStop()) return;
      slots.clear();
      readPath(c.path, ctx.roots, slots);
      ConditionOutcome r = evaluate(c, slots, Quantifier::Every);
      if (!r.error.empty()) {
        ctx.error = r.error;
        return;
      }
      if (!r.holds)
        out.push_back({"required: " + c.text, containerOf(r.witness, ctx.roots), valueOf(r.witness),
                       c.path.text});
    }
  }

 private:
  std::vector<Condition> conditions_;
};

class DenyCheck final : public Check {
 public:
  explicit DenyCheck(std::vector<Condition> c) : conditions_(std::move(c)) {}
  void check(ValidateContext& ctx, std::vector<Violation>& out) const override {
    Slots slots;
    Violation v;
    for (std::size_t i = 0; i < conditions_.size(); ++i) {
      if (ctx.shouldStop()) return;
      const Condition& c = conditions_[i];
      slots.clear();
      readPath(c.path, ctx.roots, slots);
      ConditionOutcome r = evaluate(c, slots, Quantifier::Any);
      if (!r.error.empty()) {
        ctx.error = r.error;
        return;
      }
      if (!r.holds) return;
      if (i == 0)
        v = {"denied: " + c.text, containerOf(r.witness, ctx.roots), valueOf(r.witness),
             c.path.text};
    }
    if (!conditions_.empty()) out.push_back(std::move(v));
  }

 private:
  std::vector<Condition> conditions_;
};

}  // namespace

std::unique_ptr<const Check> makeRequire(std::vector<Condition> c) {
  return std::make_unique<RequireCheck>(std::move(c));
}
std::unique_ptr<const Check> makeDeny(std::vector<Condition> c) {
  return std::make_unique<DenyCheck>(std::move(c));
}

std::string expandMessage(const std::string& tmpl, const Violation& v, const AdmissionRequest& req,
                          const json::Value* object) {
  // Copied a run of text at a time: a failing rule's message is expanded on every review.
  std::string out;
  out.reserve(tmpl.size() + 32);
  std::size_t i = 0;
  while (i < tmpl.size()) {
    const std::size_t open = tmpl.find('{', i);
    const std::size_t close = open == std::string::npos ? open : tmpl.find('}', open);
    if (close == std::string::npos) break;
    out.append(tmpl, i, open - i);
    const std::string_view key(tmpl.data() + open + 1, close - open - 1);
    if (key == "container")
      out += v.container;
    else if (key == "value")
      out += v.value;
    else if (key == "path")
      out += v.path;
    else if (key == "name")
      out += objectName(req, object);
    else if (key == "namespace")
      out += req.namespace_;
    else if (key == "kind")
      out += req.kind;
    else {
      out += '{';  // not a placeholder: kept as written, and read on after the brace
      i = open + 1;
      continue;
    }
    i = close + 1;
  }
  out.append(tmpl, i);
  return out;
}

}  // namespace billet::policy
