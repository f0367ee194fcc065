#include "policy/condition.h"

#include "base/text.h"
#include "policy/quantity.h"

namespace billet::policy {
namespace {

constexpr std::string_view kOpNames[] = {
    "Exists",  "NotExists",  "Equals",      "NotEquals",      "In",       "NotIn",
    "Matches", "NotMatches", "GreaterThan", "GreaterOrEqual", "LessThan", "LessOrEqual"};

// Scalars compare by their text, so `2` equals "2" and `true` equals "true": label and
// annotation values are strings in Kubernetes, and users write them both ways in policies.
bool scalarEquals(const json::Value& a, const json::Value& b) {
  if (a.isScalar() && b.isScalar()) return a.scalarText() == b.scalarText();
  return a == b;
}

// One slot against the operator. Returns nullopt (with error) for an ordering on a non-quantity.
std::optional<bool> test(const Condition& c, const Slot& s, std::string& error) {
  const json::Value* v = s.value;
  switch (c.op) {
    case Op::Exists:
      return v != nullptr && !v->isNull();
    case Op::NotExists:
      return v == nullptr || v->isNull();
    case Op::Equals:
      return v != nullptr && scalarEquals(*v, c.value);
    case Op::NotEquals:
      return v == nullptr || !scalarEquals(*v, c.value);
    case Op::In:
    case Op::NotIn: {
      bool in = false;
      if (v && v->isScalar()) {
        std::string t = v->scalarText();
        for (const std::string& x : c.set) in = in || x == t;
      }
      return c.op == Op::In ? in : !in;
    }
    case Op::Matches:
    case Op::NotMatches: {
      bool m = v && v->isScalar() && !v->isNull() && RE2::PartialMatch(v->scalarText(), *c.regex);
      return c.op == Op::Matches ? m : !m;
    }
    default:
      break;
  }
  // Ordering: both sides must be numbers or quantities.
  if (!v || v->isNull()) return false;
  auto lhs = v->isScalar() ? Quantity::parse(v->scalarText()) : std::nullopt;
  auto rhs = Quantity::parse(c.value.scalarText());
  if (!lhs || !rhs) {
    error = base::oneLine(c.path.text + ": " + (lhs ? c.value.scalarText() : v->scalarText()) +
                          " is not a number or quantity");
    return std::nullopt;
  }
  int cmp = compare(*lhs, *rhs);
  switch (c.op) {
    case Op::GreaterThan:
      return cmp > 0;
    case Op::GreaterOrEqual:
      return cmp >= 0;
    case Op::LessThan:
      return cmp < 0;
    case Op::LessOrEqual:
      return cmp <= 0;
    default:
      return false;
  }
}

}  // namespace

ConditionOutcome evaluate(const Condition& c, const Slots& slots, Quantifier q) {
  ConditionOutcome out;
  // NotExists under Any means "none is reached": it is a statement about all slots.
  if (q == Quantifier::Any && c.op == Op::NotExists) {
    out.holds = true;
    for (const Slot& s : slots)
      if (s.value && !s.value->isNull()) {
        out.holds = false;
        out.witness = s;
        break;
      }
    return out;
  }
  // A value that cannot be compared (a non-quantity under an ordering operator) decides nothing
  // by itself: under Any one value that holds makes the condition hold, under Every one that
  // does not makes it fail, wherever they are in the list. Only when no value decides is the
  // first error the outcome, so the answer does not depend on the order of the elements.
  out.holds = q == Quantifier::Every;
  const Slot* errorWitness = nullptr;  // the first value that could not be compared
  for (const Slot& s : slots) {
    std::string error;
    std::optional<bool> r = test(c, s, error);
    if (!r) {
      if (!errorWitness) {
        errorWitness = &s;
        out.error = std::move(error);
      }
      continue;
    }
    if (q == Quantifier::Any && *r) {
      out.holds = true;
      out.error.clear();
      out.witness = s;
      return out;
    }
    if (q == Quantifier::Every && !*r) {
      out.holds = false;
      out.error.clear();
      out.witness = s;
      return out;
    }
  }
  // One object returned on every path (returned in place, never copied: conditions are
  // evaluated dozens of times a review).
  if (errorWitness) {
    out.holds = false;
    out.witness = *errorWitness;
  }
  return out;
}

std::optional<Op> parseOp(std::string_view n) {
  for (std::size_t i = 0; i < std::size(kOpNames); ++i)
    if (kOpNames[i] == n) return static_cast<Op>(i);
  return std::nullopt;
}

std::string_view name(Op op) {
  return kOpNames[static_cast<std::size_t>(op)];
}
bool opNeedsList(Op op) {
  return op == Op::In || op == Op::NotIn;
}
bool opNeedsValue(Op op) {
  return op != Op::Exists && op != Op::NotExists;
}
bool opIsOrdering(Op op) {
  return op >= Op::GreaterThan;
}

}  // namespace billet::policy
