// The one evaluation path (SPEC §4): every entry point — the server's /mutate and /validate,
// `billet review`, `lint`, `audit`, `test` — evaluates a request through evaluate() and only
// serializes what it returns. No I/O; a PolicySet is only read.
//
//   admission::Evaluation e = admission::evaluate(set, request, admission::Stages::kAll);
//   if (!e.mutate.allowed) ...        // what /mutate answers
//   e.mutate.patch                    // the JSON Patch /mutate returns, as JSON text
//   e.validate.warnings               // what /validate answers for the mutated object
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "json/value.h"
#include "policy/engine.h"
#include "policy/request.h"
#include "policy/result.h"

namespace billet::policy {
class PolicySet;
}

namespace billet::admission {

// Which webhook calls to evaluate. kAll is the API server's sequence for one request: /mutate,
// then /validate of the object /mutate returned (lint, audit, test and the parity test).
enum class Stages { kMutate, kValidate, kAll };

// What /mutate answers.
struct MutateDecision {
  bool allowed = true;
  std::string message;  // why it is refused (Settings evaluationErrors.mutate: Deny)
  // The RFC 6902 operations as JSON text ("[]" when there are none, and when refused), the
  // bytes /mutate returns in base64 (json::writeDiffFromCopy). A caller that needs them as a
  // value takes json::diffFromCopy(*request.object, object), whose writing is these bytes: the
  // text may not parse back, since a policy read from YAML can carry bytes that are not UTF-8.
  std::string patch = "[]";
  std::size_t patchOperations = 0;
};

// What /validate answers.
struct ValidateDecision {
  bool allowed = true;
  std::string message;                // the denials joined with "; "
  std::vector<std::string> warnings;  // Warn failures, each at most 120 characters
  std::vector<std::pair<std::string, std::string>> auditAnnotations;  // Audit failures
};

struct Evaluation {
  // Per rule, in stage order: mutate, validate, generate.
  std::vector<policy::RuleResult> results;
  // The object after mutation as the API server would store it: the request's object when
  // mutate changed nothing or was refused; null when mutate did not run (kValidate). Where no
  // rule changed it, it reads from the request's object (policy::MutateOutcome::object): it is
  // valid as long as that object is, and a copy of it owns everything.
  json::Value object;
  std::vector<policy::Change> changes;       // with EvalOptions::explain
  std::vector<std::string> notes;            // notices for lint, "policy/rule: ..."
  std::vector<policy::Generated> generated;  // applied in cluster after admission
  MutateDecision mutate;
  ValidateDecision validate;
};

Evaluation evaluate(const policy::PolicySet& set, const policy::AdmissionRequest& request,
                    Stages stages, const policy::EvalOptions& options = {});

}  // namespace billet::admission
