// What evaluation produces: plain result types shared by the CLI, the server and reports.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "json/value.h"

namespace billet::policy {

enum class Mode { Enforce, Warn, Audit };
enum class Outcome { Pass, Fail, Warn, Skip, Error };
enum class Stage { Mutate, Validate, Generate };

std::string_view name(Mode m);     // "Enforce", "Warn", "Audit"
std::string_view name(Outcome o);  // "pass", "fail", "warn", "skip", "error"
std::string_view name(Stage s);    // "mutate", "validate", "generate"

struct RuleResult {
  std::string policy;  // Policy, ServiceGroup or NodePool name
  std::string rule;
  Stage stage = Stage::Validate;
  Mode mode = Mode::Enforce;
  Outcome outcome = Outcome::Skip;
  std::string message;
  // From the policy's billet.dev/severity and billet.dev/category annotations (PolicyReports).
  std::string severity = "medium";
  std::string category;
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
