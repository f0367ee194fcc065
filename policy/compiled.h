// The compiled policies a PolicySet holds: rules, the mutate actions, validate checks and
// generators they run, and the contexts these are evaluated in. Built once by the loader, then
// only read. Conditions hold compiled RE2 regexes: code that only loads and evaluates sets needs
// policy_set.h and engine.h, not this header.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "json/value.h"
#include "policy/cluster.h"
#include "policy/condition.h"
#include "policy/deadline.h"
#include "policy/match.h"
#include "policy/pod_templates.h"
#include "policy/policy_set.h"
#include "policy/request.h"
#include "policy/result.h"
#include "policy/settings.h"

namespace billet::policy {

// ---- mutate -------------------------------------------------------------------------------

struct MutateContext {
  json::Value& object;
  const AdmissionRequest& request;
  const Settings& settings;
  bool overwrite = false;  // the rule's mutate.overwrite
  bool changed = false;    // set by actions that modified the object
  std::string skipReason;  // why an action had nothing it could do (e.g. no selector labels)
  std::vector<std::string> notes;   // notices for lint (e.g. a limit raised to its request)
  std::vector<std::string> detail;  // explanations for --explain (e.g. the tier chosen)
  // Set by an action that could not apply (e.g. a patch whose path is missing): the rule reports
  // it as its error, and the engine leaves the object as it was before the rule (SPEC §4.8).
  std::string error;
  // The pod template the rule acts on now (the engine applies a rule to each in turn); nullptr
  // when the object has none. `kindHasPods`: the kind keeps pods, even if this object has none
  // (then pod actions do nothing, rather than acting on the object's own metadata).
  const PodTemplateRef* pod = nullptr;
  bool kindHasPods = false;

  json::Value* ensurePodSpec() { return policy::ensurePodSpec(object, pod); }
  json::Value* ensurePodMetadata() { return policy::ensurePodMetadata(object, pod); }
  json::Value* existingPodSpec() { return podSpecOf(object, pod); }  // to change; nothing created
  const json::Value* podSpec() const { return podSpecOf(object, pod); }
  const json::Value* podMetadata() const { return podMetadataOf(object, pod); }
  const PodLayout* podLayout() const { return pod ? pod->layout : nullptr; }
};

// One kind of mutation. Actions ensure a state: applied to their own output they change nothing.
// An action that cannot apply sets ctx.error and changes nothing itself.
class MutateAction {
 public:
  virtual ~MutateAction() = default;
  virtual void apply(MutateContext& ctx) const = 0;
  // Whether apply() can set ctx.error. The engine then keeps the object as it was before the
  // rule when the rule's other actions, or its other pod templates, have already changed it.
  virtual bool canFail() const { return false; }
};

// ---- validate -----------------------------------------------------------------------------

struct Violation {
  std::string message;  // default message, used when the rule has none
  std::string container;
  std::string value;
  std::string path;
  std::string tmpl;  // a message template of its own (a forEach entry's), else the rule's
};

struct ValidateContext {
  const AdmissionRequest& request;
  const Settings& settings;
  const json::Value& object;
  PathRoots roots;
  std::string error;             // set when a check could not be evaluated
  Deadline* deadline = nullptr;  // the request's; null: none

  // True when the check should stop: an error is set, or the deadline has passed (then `error`
  // says so). Checks ask before each container or element, whose number the request decides.
  bool shouldStop() {
    if (error.empty() && deadline && deadline->passed()) error = kDeadlineExceeded;
    return !error.empty();
  }
};

class Check {
 public:
  virtual ~Check() = default;
  virtual void check(ValidateContext& ctx, std::vector<Violation>& out) const = 0;
};

// ---- generate -----------------------------------------------------------------------------

// What a generator makes of one request: an object to create, or why none applies (the rule
// reports skip), or why the request could not be judged (the rule reports error).
struct GeneratorResult {
  std::optional<json::Value> object;
  std::string skipReason;  // when there is no object
  std::string error;       // set when the request could not be judged
};

class Generator {
 public:
  virtual ~Generator() = default;
  virtual GeneratorResult generate(const AdmissionRequest& request,
                                   const json::Value& object) const = 0;
};

// ---- rules and policies -------------------------------------------------------------------

// A number no other compiled rule of this process has had or will have (Rule::serial).
inline std::uint64_t nextRuleSerial() {
  static std::atomic<std::uint64_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

struct Rule {
  // The rule's identity for per-rule caches (the server's metrics, by policy and rule name):
  // unlike its address, never reused by a later policy set. Moves keep it.
  std::uint64_t serial = nextRuleSerial();
  std::string name;
  std::optional<Mode> mode;  // overrides the policy's
  std::optional<Match> match;
  std::optional<Match> exclude;
  Stage stage = Stage::Mutate;
  // Mutate
  bool overwrite = false;
  std::vector<std::unique_ptr<const MutateAction>> actions;
  // Validate
  std::string message;
  bool allowExistingViolations = true;
  std::vector<std::unique_ptr<const Check>> checks;
  // Generate
  std::unique_ptr<const Generator> generator;
};

struct ServiceGroupSpec;  // service_group.h

struct CompiledPolicy {
  std::string kind;  // "Policy", "ServiceGroup", "NodePool"
  std::string name;
  Mode mode = Mode::Enforce;
  std::int64_t order = 0;
  std::string severity = "medium";
  std::string category;
  Match match;
  std::optional<Match> exclude;
  std::vector<Rule> rules;
  // How many of `rules` each Stage has (indexed by Stage), counted by the PolicySet that holds
  // the policy: an evaluation sizes its results and skips a policy without reading every rule.
  std::array<std::uint32_t, 3> rulesPerStage{};
  std::string file;
  int line = 0;
  // Kind ServiceGroup: the values it applies, for the Policy rules that name it.
  std::shared_ptr<const ServiceGroupSpec> serviceGroup;
  std::string tier;  // ServiceGroup: the tier chosen at load; "" without tiers
  std::vector<std::pair<std::string, std::string>> nodeLabels;  // NodePool: the pool's labels
};

struct PolicyExceptionSpec {
  std::string name;
  struct Entry {
    std::string policy;
    std::vector<std::string> rules;  // empty: every rule of the policy
  };
  std::vector<Entry> exceptions;
  Match match;
  std::optional<Match> exclude;
  std::string where;  // "file:line" of the document, for load warnings
};

}  // namespace billet::policy
