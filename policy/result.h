// What evaluation produces: plain result types shared by the CLI, the server and reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "json/value.h"

namespace billet::policy {

enum class Mode { Enforce, Warn, Audit };
enum class Outcome { Pass, Fail, Warn, Skip, Error };
enum class Stage { Mutate, Validate, Generate };

std::string_view name(Mode m);     // "Enforce", "Warn", "Audit"
std::string_view name(Outcome o);  // "pass", "fail", "warn", "skip", "error"
std::string_view name(Stage s);    // "mutate", "validate", "generate"

// A name a result reads where it is kept, not a copy: in the compiled PolicySet that made the
// result (its policies', rules' and annotations' strings, immutable while the set lives), or in a
// string literal. A review's 40-odd results copied four names apiece, 2 % of its instructions.
// Made from a temporary string it would dangle: that does not compile.
//   Lifetime: a RuleResult is valid while the PolicySet that made it lives. What keeps results
//   longer (the report store, the metrics' labels, the logs) copies the names it keeps.
class SetName {
 public:
  constexpr SetName() = default;
  template <std::size_t N>
  // NOLINTNEXTLINE(google-explicit-constructor)
  constexpr SetName(const char (&literal)[N]) : text_(literal, N - 1) {}
  // NOLINTNEXTLINE(google-explicit-constructor)
  SetName(const std::string& kept) : text_(kept) {}
  SetName(std::string&&) = delete;
  // NOLINTNEXTLINE(google-explicit-constructor)
  constexpr operator std::string_view() const { return text_; }
  constexpr std::string_view view() const { return text_; }
  constexpr bool empty() const { return text_.empty(); }
  friend constexpr bool operator==(SetName a, std::string_view b) { return a.text_ == b; }
  friend std::string operator+(SetName a, std::string_view b) {
    return std::string(a.text_).append(b);
  }
  friend std::string operator+(std::string a, SetName b) { return std::move(a.append(b.text_)); }
  friend std::ostream& operator<<(std::ostream& out, SetName n) { return out << n.text_; }

 private:
  std::string_view text_;
};

struct RuleResult {
  SetName policy;  // Policy, ServiceGroup or NodePool name
  SetName rule;
  Stage stage = Stage::Validate;
  Mode mode = Mode::Enforce;
  Outcome outcome = Outcome::Skip;
  std::string message;
  // From the policy's billet.dev/severity and billet.dev/category annotations (PolicyReports).
  SetName severity = "medium";
  SetName category;
  // The Rule::serial of the compiled rule that produced this result, an identity for per-rule
  // caches (the server's metrics) that no other rule of the process shares; 0 for results made
  // outside the engine.
  std::uint64_t ruleId = 0;
};

// One changed field, for `lint --explain`: which policy/rule set which JSON Pointer.
struct Change {
  std::string pointer;
  std::string op;  // the JSON Patch operation: add, replace or remove
  std::string policy;
  std::string rule;
  std::string detail;  // e.g. `tier "medium"` for ServiceGroups
};

// An object a generate rule produced (e.g. a PodDisruptionBudget).
struct Generated {
  std::string policy;
  std::string rule;
  json::Value object;
};

struct Summary {
  int pass = 0, fail = 0, warn = 0, error = 0, skip = 0;
  void add(Outcome o);
  void add(const std::vector<RuleResult>& results);
  std::string line() const;  // "pass: N, fail: N, warn: N, error: N, skip: N"
};

}  // namespace billet::policy
