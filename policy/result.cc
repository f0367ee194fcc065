#include "policy/result.h"

namespace billet::policy {

std::string_view name(Mode m) {
  switch (m) {
    case Mode::Enforce:
      return "Enforce";
    case Mode::Warn:
      return "Warn";
    case Mode::Audit:
      return "Audit";
  }
  return "?";
}

std::string_view name(Outcome o) {
  switch (o) {
    case Outcome::Pass:
      return "pass";
    case Outcome::Fail:
      return "fail";
    case Outcome::Warn:
      return "warn";
    case Outcome::Skip:
      return "skip";
    case Outcome::Error:
      return "error";
  }
  return "?";
}

std::string_view name(Stage s) {
  switch (s) {
    case Stage::Mutate:
      return "mutate";
    case Stage::Validate:
      return "validate";
    case Stage::Generate:
      return "generate";
  }
  return "?";
}

void Summary::add(Outcome o) {
  switch (o) {
    case Outcome::Pass:
      ++pass;
      break;
    case Outcome::Fail:
      ++fail;
      break;
    case Outcome::Warn:
      ++warn;
      break;
    case Outcome::Skip:
      ++skip;
      break;
    case Outcome::Error:
      ++error;
      break;
  }
}

void Summary::add(const std::vector<RuleResult>& results) {
  for (const RuleResult& r : results) add(r.outcome);
}

std::string Summary::line() const {
  return "pass: " + std::to_string(pass) + ", fail: " + std::to_string(fail) +
         ", warn: " + std::to_string(warn) + ", error: " + std::to_string(error) +
         ", skip: " + std::to_string(skip);
}

}  // namespace billet::policy
