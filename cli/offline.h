// Offline evaluation (lint, audit, test): resources from files, evaluated as CREATE requests
// through the same engine functions the webhook uses.
#pragma once

#include <functional>
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
  std::string apiVersion, kind, namespace_;
  std::string name;           // metadata.name, or metadata.generateName followed by "*"
  bool generateName = false;  // the API server names it: the request carries no name
  // The object had no namespace: `object` has the one it is evaluated in, as the API server
  // writes the request's into it before admission; what is printed for kubectl leaves it out.
  bool namespacePlaced = false;
  std::string id() const;  // Kind/namespace/name, or Kind/name when cluster-scoped
};

struct LoadedResources {
  std::vector<Resource> resources;
  std::vector<policy::LoadError> errors;  // broken files, named files holding no object
  std::vector<std::string> notes;         // "file:line: skipped: why", one per skipped document
};

// Where streamResources hands what it reads, as it reads it.
struct ResourceCallbacks {
  std::function<void(Resource&)> resource;       // may be moved from
  std::function<void(const std::string&)> note;  // "file:line: skipped: why"
  std::function<void(const policy::LoadError&)> error;
};

// Reads resources from files, directories or stdin ("-", read here) one at a time: each YAML
// document or List item is handed over as soon as it is read (yaml_stream.h), so memory holds one
// document, not the input. A file's notes come at its end (a named file without an object is
// one error instead). JSON files are parsed whole; each item of a JSON List is dropped once
// handed over.
void streamResources(const std::vector<std::string>& paths, const Identity& identity,
                     const ResourceCallbacks& callbacks);

// Reads resources from files, directories or stdin (resources.cc). Errors name file:line:col;
// what is not a Kubernetes object is skipped with a note, or is an error in a named file.
LoadedResources readResources(const std::vector<std::string>& paths, const Identity& identity);
// The same, for callers that treat every problem alike (tests, `billet test`): notes dropped.
std::vector<Resource> loadResources(const std::vector<std::string>& paths, const Identity& identity,
                                    std::vector<policy::LoadError>& errors);

struct ResourceReport {
  const Resource* resource = nullptr;
  std::vector<policy::RuleResult> results;  // mutate, then validate, then generate
  json::Value patch;                        // RFC 6902 operations (an array)
  json::Value patched;                      // the object after mutation
  std::vector<policy::Generated> generated;
  std::vector<policy::Change> changes;
  std::vector<std::string> notes;  // conflicts, raised limits, a refusal of /mutate
  std::string idle;  // why nothing was evaluated: an excluded namespace, no policy for the kind
  bool enforceFailure = false;  // /validate would reject the mutated object
  bool refused = false;  // /mutate would refuse the request (Settings evaluationErrors.mutate)
  // What fails `lint` (exit 1): an Enforce failure, an `error` result, a refused request.
  bool failsLint() const;
};

// CREATE exactly as the webhook answers it: mutate, validate the mutated object, generate; then
// check convergence and conflicts. lint, audit and test all evaluate through this function.
ResourceReport evaluate(const policy::PolicySet& set, const Resource& r, const Identity& identity);

// The audit view of a report: what the webhook would reject stays `fail`; what it would change
// (an applied mutation, "would add ...") and what it only annotates (Audit mode) become `warn`.
void asAudit(ResourceReport& rep);

// The AdmissionReview the API server would send for the CREATE of `r` with `object` in it: the
// request `evaluate` evaluates (the parity test sends it to /mutate and /validate).
json::Value admissionReview(const Resource& r, const Identity& identity, const json::Value& object);

}  // namespace billet::cli
