// The validate checks of SPEC §3.3: `require`, `deny`, and the built-ins. Each reports one
// Violation per offending container (or one for the object), with what a message needs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "policy/compiled.h"
#include "policy/condition.h"

namespace billet::policy {

std::unique_ptr<const Check> makeRequire(std::vector<Condition> conditions);
std::unique_ptr<const Check> makeDeny(std::vector<Condition> conditions);

// forEach: the `require`/`deny` conditions are checked once per value the path reaches (missing
// and null values are skipped), with `element` (and `elementKey`, for a map member) bound to it.
// Conditions on one element hold together: "a seccompProfile whose type is Unconfined", not "a
// seccompProfile somewhere, and an Unconfined type somewhere else". One Violation per element.
// {value} in its message is the element when it is a scalar, else the value that decided (a
// sysctl's name), else the element's `name` (a volume's).
struct ForEachSpec {
  Path path;
  std::string message;  // overrides the rule's message for this entry's violations
  std::vector<Condition> require;
  std::vector<Condition> deny;
};
std::unique_ptr<const Check> makeForEach(std::vector<ForEachSpec> entries);
std::unique_ptr<const Check> makeRequireResources(std::vector<std::string> requests,
                                                  std::vector<std::string> limits);
std::unique_ptr<const Check> makeGuaranteedQoS();
// name -> maximum quantity text (validated at load)
std::unique_ptr<const Check> makeMaxResources(std::vector<std::pair<std::string, std::string>> max);
std::unique_ptr<const Check> makeAllowedRegistries(std::vector<std::string> globs);
std::unique_ptr<const Check> makeForbidLatestTag();
std::unique_ptr<const Check> makeMinReplicas(std::int64_t min);
// Containers with a liveness probe need a startup probe allowing at least `seconds` to start.
std::unique_ptr<const Check> makeMinStartupSeconds(std::int64_t seconds);

// Expands {container} {value} {path} {name} {namespace} {kind} in a rule message.
std::string expandMessage(const std::string& tmpl, const Violation& v, const AdmissionRequest& req,
                          const json::Value* object);

}  // namespace billet::policy
