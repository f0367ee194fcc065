// Conditions `{path, op, value}` (SPEC §3.2), compiled once at load: the path parsed, the regex
// compiled, an ordering operator's value checked to be a quantity.
#pragma once

#include <re2/re2.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "json/value.h"
#include "policy/path.h"

namespace billet::policy {

enum class Op {
  Exists,
  NotExists,
  Equals,
  NotEquals,
  In,
  NotIn,
  Matches,
  NotMatches,
  GreaterThan,
  GreaterOrEqual,
  LessThan,
  LessOrEqual
};

// How wildcard slots combine: `when`/`deny` hold if any slot satisfies; `require` only if all do.
enum class Quantifier { Any, Every };

struct Condition {
  Path path;
  Op op = Op::Exists;
  json::Value value;                 // Equals/NotEquals/ordering
  std::vector<std::string> set;      // In/NotIn: the values' texts
  std::shared_ptr<const RE2> regex;  // Matches/NotMatches
  std::string text;                  // "path op value", for messages
};

struct ConditionOutcome {
  bool holds = false;
  std::string error;  // an ordering operand that is not a quantity, when no value decided
  Slot witness;  // the slot that decided: the failing one for Every, the satisfying one for Any
};

// Evaluates `c` against the slots read from its path.
ConditionOutcome evaluate(const Condition& c, const Slots& slots, Quantifier q);

// Operator names as written in policies.
std::optional<Op> parseOp(std::string_view name);
std::string_view name(Op op);
bool opNeedsValue(Op op);
bool opNeedsList(Op op);
bool opIsOrdering(Op op);

}  // namespace billet::policy
