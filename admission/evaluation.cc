#include "admission/evaluation.h"

#include "json/patch.h"
#include "policy/policy_set.h"

namespace billet::admission {
namespace {

std::string joinDenials(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += "; ";
    out += p;
  }
  return out;
}

void appendResults(std::vector<policy::RuleResult>& to, std::vector<policy::RuleResult>&& from) {
  // The first stage's results are taken whole (a /validate review's): moving each of its 40-odd
  // results, five strings apiece, cost 4,000 instructions a review.
  if (to.empty()) {
    to = std::move(from);
    return;
  }
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

}  // namespace

Evaluation evaluate(const policy::PolicySet& set, const policy::AdmissionRequest& request,
                    Stages stages, const policy::EvalOptions& options) {
  Evaluation e;
  // What the stages after mutate see: the request's object, or the one mutate returned.
  const json::Value* next = request.object;
  if (stages != Stages::kValidate) {
    policy::MutateOutcome m = policy::mutate(set, request, options);
    e.results = std::move(m.results);
    e.changes = std::move(m.changes);
    e.notes = std::move(m.notes);
    if (m.denied) {
      // The API server rejects the request: nothing is patched or generated.
      e.mutate.allowed = false;
      e.mutate.message = std::move(m.denyMessage);
      if (request.object) e.object = json::Value::lazyCopyOf(*request.object);
    } else {
      if (request.object) {
        e.mutate.patch.clear();
        e.mutate.patchOperations =
            json::writeDiffFromCopy(*request.object, m.object, e.mutate.patch);
      }
      e.object = std::move(m.object);
    }
    if (request.object) next = &e.object;
  }

  if (stages != Stages::kMutate) {
    policy::ValidateOutcome v =
        next ? policy::validate(set, request, *next, options) : policy::ValidateOutcome{};
    e.validate.allowed = v.allowed();
    e.validate.message = joinDenials(v.denials);
    e.validate.warnings = std::move(v.warnings);
    e.validate.auditAnnotations = std::move(v.auditAnnotations);
    appendResults(e.results, std::move(v.results));
  }
  if (stages != Stages::kValidate && e.mutate.allowed && request.object) {
    policy::GenerateOutcome g = policy::generate(set, request, *next, options);
    appendResults(e.results, std::move(g.results));
    e.generated = std::move(g.generated);
  }
  return e;
}

}  // namespace billet::admission
