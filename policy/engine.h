// The engine: one evaluation path for the webhook, `review`, `lint` and `audit` (SPEC §4).
//
//   MutateOutcome m = policy::mutate(set, request, {});
//   json::Value patch = json::diffFromCopy(*request.object, m.object);
//   ValidateOutcome v = policy::validate(set, request, m.object, {});  // the mutated object
//
// Nothing here does I/O or keeps state between calls; a PolicySet is only read.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "json/value.h"
#include "policy/policy_set.h"
#include "policy/request.h"
#include "policy/result.h"

namespace billet::policy {

struct EvalOptions {
  // Record which rule changed which field (lint --explain, audit's "would add ..."). Nothing
  // here changes how a rule is evaluated: lint, audit, review and the server share one path.
  bool explain = false;
  // When evaluation must stop (the server's --eval-timeout after the request arrived); none
  // offline. Past it, the rules not yet evaluated report error "deadline exceeded", and
  // Settings.evaluationErrors decide the answer as for any evaluation error (SPEC §4.8).
  std::optional<std::chrono::steady_clock::time_point> deadline;
  // The time the request was given in all (the deadline minus its arrival), so that the engine
  // can tell a request that has used much of it (policy/deadline.h); zero when not known.
  std::chrono::steady_clock::duration budget{};
};

struct MutateOutcome {
  // The final object (equal to the input when nothing changed): a lazy copy of the request's
  // object (json::Value::lazyCopyOf) on which only what the rules reached for change is
  // touched(), for json::diffFromCopy. It reads from the request's object where nothing changed,
  // so it must not outlive it.
  json::Value object;
  std::vector<RuleResult> results;
  std::vector<Change> changes;     // with EvalOptions::explain
  std::vector<std::string> notes;  // notices for lint, "policy/rule: ..."
  bool denied = false;             // a rule errored and Settings.evaluationErrors.mutate is Deny
  std::string denyMessage;
};

struct ValidateOutcome {
  std::vector<RuleResult> results;
  std::vector<std::string>
      denials;  // "policy/rule: message": Enforce failures, and errors when denying
  std::vector<std::string> warnings;  // Warn failures, each at most 120 characters
  std::vector<std::pair<std::string, std::string>> auditAnnotations;  // Audit failures
  bool allowed() const { return denials.empty(); }
};

struct GenerateOutcome {
  std::vector<RuleResult> results;
  std::vector<Generated> generated;
};

MutateOutcome mutate(const PolicySet& set, const AdmissionRequest& request,
                     const EvalOptions& options);
ValidateOutcome validate(const PolicySet& set, const AdmissionRequest& request,
                         const EvalOptions& options);
GenerateOutcome generate(const PolicySet& set, const AdmissionRequest& request,
                         const EvalOptions& options);

// The same on `object` in place of the request's own: the object mutate returned, which the API
// server's /validate call sees (admission::evaluate). The request still says whether there is an
// object (a request without one evaluates nothing), and everything else the rules read. One
// copy of the request less a review: its strings cost about 700 instructions to copy and free.
ValidateOutcome validate(const PolicySet& set, const AdmissionRequest& request,
                         const json::Value& object, const EvalOptions& options);
GenerateOutcome generate(const PolicySet& set, const AdmissionRequest& request,
                         const json::Value& object, const EvalOptions& options);

// True when `stage` does not evaluate this request: DELETE, CONNECT, excluded namespaces, and
// subresources (all of them but ephemeralcontainers, which validate sees).
bool ignored(const PolicySet& set, const AdmissionRequest& request, Stage stage);

}  // namespace billet::policy
