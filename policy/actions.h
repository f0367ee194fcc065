// The mutate actions of SPEC §3.3: per kind of change, the typed spec the loader decodes and the
// function that builds its action (one class each, in mutate_*.cc); built once, then only read.
// Every action ensures a state: it changes what is missing (or different, when overwriting) and
// nothing else, so it converges.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "json/value.h"
#include "policy/compiled.h"
#include "policy/path.h"

namespace billet::policy {

using StringPairs = std::vector<std::pair<std::string, std::string>>;

struct TolerationSpec {
  std::string key, op = "Equal", value, effect;
  std::optional<std::int64_t> tolerationSeconds;
  json::Value toJson() const;
  bool sameAs(const json::Value& existing) const;  // key, operator, value, effect
};

struct NodeSelectorRequirement {
  std::string key, op;  // In, NotIn, Exists, DoesNotExist, Gt, Lt
  std::vector<std::string> values;
  json::Value toJson() const;
};

struct NodeAffinitySpec {
  std::vector<NodeSelectorRequirement> required;
  std::vector<std::pair<std::int64_t, NodeSelectorRequirement>> preferred;  // weight, expression
};

// antiAffinity and topologySpread share how they select the workload's own pods.
struct SpreadSpec {
  bool required = false;  // antiAffinity mode: required | preferred
  std::string topologyKey = "kubernetes.io/hostname";
  std::int64_t weight = 100;
  std::vector<std::string> labelKeys;  // empty: the controller's selector keys (or app labels)
  std::int64_t maxSkew = 1;
  std::string whenUnsatisfiable = "DoNotSchedule";
};

struct MetadataSpec {
  bool labels = false;        // labels, else annotations
  bool targetObject = false;  // the object's own metadata, else the pod's
  StringPairs values;
};

struct ResourcesSpec {
  std::vector<std::string> containers = {"*"};  // container name globs
  bool initContainers = false;
  StringPairs requests, limits;
  bool limitsFromRequests = false;
  std::optional<bool> overwrite;  // overrides the rule's
};

struct SetItem {
  Path path;
  json::Value value;
  std::optional<bool> overwrite;
};

std::unique_ptr<const MutateAction> makeTolerations(std::vector<TolerationSpec> tolerations);
std::unique_ptr<const MutateAction> makeNodeSelector(StringPairs selector);
std::unique_ptr<const MutateAction> makeNodeAffinity(NodeAffinitySpec spec);
std::unique_ptr<const MutateAction> makeAntiAffinity(SpreadSpec spec);
std::unique_ptr<const MutateAction> makeTopologySpread(SpreadSpec spec);
std::unique_ptr<const MutateAction> makeMetadata(MetadataSpec spec);
std::unique_ptr<const MutateAction> makeResources(ResourcesSpec spec);
std::unique_ptr<const MutateAction> makeSet(std::vector<SetItem> items);
std::unique_ptr<const MutateAction> makePatch(json::Value operations);

// Ensures requests and limits on one container (shared by `resources` and ServiceGroups).
// Values equal as quantities are left alone ("1000m" and "1" are the same CPU). A limit that
// would end below its request is raised to the request, with a note.
bool ensureContainerResources(json::Value& container, const StringPairs& requests,
                              const StringPairs& limits, bool limitsFromRequests, bool overwrite,
                              std::vector<std::string>& notes);

}  // namespace billet::policy
