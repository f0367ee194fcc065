// Offline evaluation (lint, audit, test): resources from files, evaluated as CREATE requests
// through the same engine functions the webhook uses.
#pragma once

#include <string>
#include <vector>

#include "json/value.h"
#include "policy/engine.h"
#include "policy/policy_set.h"

namespace billet::cli {

struct Identity {
  std::string username = "system:anonymous";
  std::vector<std::string> groups = {"system:unauthenticated"};
  std::string defaultNamespace = "default";
};

struct Resource {
  std::string file;
  int line = 0;
  json::Value object;
  std::string apiVersion, kind, namespace_, name;
  std::string id() const;  // Kind/namespace/name, or Kind/name when cluster-scoped
};

// Reads resources from files, directories or stdin. Errors name file:line:col.
std::vector<Resource> loadResources(const std::vector<std::string>& paths, const Identity& identity,
                                    std::vector<policy::LoadError>& errors);

struct ResourceReport {
  const Resource* resource = nullptr;
  std::vector<policy::RuleResult> results;  // mutate, then validate, then generate
  json::Value patch;                        // RFC 6902 operations (an array)
  json::Value patched;                      // the object after mutation
  std::vector<policy::Generated> generated;
  std::vector<policy::Change> changes;
  std::vector<std::string> notes;  // conflicts, raised limits, non-convergence
  bool enforceFailure = false;
};

// CREATE: mutate, validate the mutated object, generate; then check convergence and conflicts.
ResourceReport evaluate(const policy::PolicySet& set, const Resource& r, const Identity& identity,
                        bool forceAudit);

bool isClusterScoped(const std::string& kind);

}  // namespace billet::cli
