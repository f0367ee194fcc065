// ServiceGroups (SPEC §3.4): resource profiles for a named group of containers, sized by the
// cluster scale in Settings.cluster.
//
//   ServiceGroupDef def = ...;                       // decoded (decode_pools.cc)
//   CompiledPolicy p = compileServiceGroup(std::move(def), settings, warnings);
//
// The tier is chosen once, at load: the first tier whose bounds both hold for Settings.cluster
// (a missing bound holds); past the last tier, the last; without tiers, `resources`. A tier's
// missing requests and limits fall back to `resources`, resource name by resource name.
//
// A ServiceGroup compiles into a CompiledPolicy of kind "ServiceGroup" with one mutate rule,
// `resources`, that applies the chosen values to every member container: the containers whose
// names match `members.containerNames` when given, else every container (never init or
// ephemeral containers). A Policy rule may apply a group too (`mutate: {serviceGroup: NAME}`):
// the loader decodes a reference and binds it to the group once every document is decoded.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policy/actions.h"
#include "policy/compiled.h"
#include "policy/policy_set.h"

namespace billet::policy {

struct ServiceGroupTier {
  std::string name;
  std::optional<std::int64_t> maxNodes, maxWorkloads;  // absent: the bound holds
  StringPairs requests, limits;
};

// A ServiceGroup document as decoded.
struct ServiceGroupDef {
  std::string name;
  Match members;                 // kinds default to Workloads
  StringPairs requests, limits;  // spec.resources
  std::vector<ServiceGroupTier> tiers;
  bool overwrite = false;
  Mode mode = Mode::Enforce;
  std::string severity = "medium", category;
};

// Which tier applies to a cluster of `nodes` nodes and `workloads` workloads: its index (-1
// when there are no tiers), whether the cluster is past the last tier, and the reason as text,
// e.g. `nodes 80 <= 100, workloads 1200 <= 1600`.
struct TierChoice {
  int index = -1;
  bool pastLast = false;
  std::string reason;
};
TierChoice chooseTier(const std::vector<ServiceGroupTier>& tiers, std::int64_t nodes,
                      std::int64_t workloads);

// One resource value the group sets, and where it comes from.
struct GroupValue {
  std::string resource, value;
  bool fromTier = false;
  std::string belowRequest;  // limits only: the request it is below (raised to it), if any
};

// The values a group applies, chosen at load.
struct ServiceGroupSpec {
  std::string name;
  Match members;
  std::vector<std::string> containerNames;  // globs; empty: every container
  std::vector<GroupValue> requests, limits;
  bool overwrite = false;
  std::string detail;  // `tier "large" (...): cpu request 2 from tier, ...`
};

// Chooses the tier, merges it with `resources` and builds the policy. Load-time notices (a
// limit below its request, no cluster size in Settings) are appended to `warnings`.
CompiledPolicy compileServiceGroup(ServiceGroupDef def, const Settings& settings,
                                   std::vector<std::string>& warnings);

// `mutate: {serviceGroup: NAME}` in a Policy rule: applies the group's values to the group's
// member containers of workloads that are members of the group. ServiceGroups are decoded before
// the policies that name them, so the group is known here.
std::unique_ptr<const MutateAction> makeServiceGroupReference(
    std::shared_ptr<const ServiceGroupSpec> group);

}  // namespace billet::policy
