// Match and exclude blocks (SPEC §3.1), and the label selectors inside them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "json/value.h"
#include "policy/condition.h"
#include "policy/path.h"
#include "policy/request.h"

namespace billet::policy {

struct Settings;

// A Kubernetes label selector: matchLabels AND every matchExpressions requirement.
struct LabelSelector {
  struct Requirement {
    enum class Op { In, NotIn, Exists, DoesNotExist };
    std::string key;
    Op op = Op::Exists;
    std::vector<std::string> values;
  };
  std::vector<std::pair<std::string, std::string>> matchLabels;
  std::vector<Requirement> matchExpressions;
  bool matches(const json::Value* labels) const;  // labels: an object of strings, or null
};

struct Match {
  std::vector<std::string> kinds;  // expanded (`Workloads` -> its eight kinds); empty: any
  // `Workloads` was among them: the kinds of Settings.podTemplates match too.
  bool workloads = false;
  std::vector<Operation> operations;  // empty: any
  std::vector<std::string> namespaces, names, images, containerNames, users, groups;
  std::optional<LabelSelector> labels;
  std::vector<std::pair<std::string, std::string>> annotations;  // key -> value glob
  std::optional<bool> gpu, localStorage;
  std::optional<std::int64_t> replicasMin, replicasMax;
  std::vector<Condition> when;

  bool empty() const;
  bool matchesKind(std::string_view kind) const;
};

// What a match block is evaluated against: the request and the object as it is now (mutations
// of earlier rules included). For an object with several pod templates, `roots` holds one of
// them: the pod criteria are evaluated on that template.
struct MatchInput {
  const AdmissionRequest& request;
  const Settings& settings;
  const json::Value* object;  // may be null (DELETE)
  PathRoots roots;
  // Where matches() records the first `when` condition it could not evaluate (an ordering
  // operand that is not a quantity): such a condition is false, and the rule reports `error`.
  // Null: not recorded.
  std::string* whenError = nullptr;
};

bool matches(const Match& m, const MatchInput& in);

// Pod-level facts used by match criteria and built-in rules.
// Whether a container of roots.pod (any kind) asks for one of `gpuResources`.
bool podUsesGpu(const PathRoots& roots, const std::vector<std::string>& gpuResources);
bool podHasLocalStorage(const json::Value* podSpec);

}  // namespace billet::policy
