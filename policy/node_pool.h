// NodePools (SPEC §3.5): a dedicated pool of nodes reserved for some workloads, protected by
// a taint. A NodePool compiles into a CompiledPolicy of kind "NodePool" with up to three rules:
//
//   taint-nodes         mutate   Node CREATE/UPDATE carrying every nodeLabels entry: the taint in
//                                spec.taints (once). A taint with the same key and effect but
//                                another value is left alone (with a note), unless `overwrite`.
//   place-members       mutate   member workloads: a toleration for the taint (operator Equal)
//                                and the placement: `required` sets nodeSelector to nodeLabels,
//                                `preferred` adds preferred node affinity (weight 100, one `In`
//                                expression per label).
//   keep-outsiders-out  validate workloads that are not members but tolerate the taint or
//                                select all of the pool's labels; mode from `outsiders`
//                                (Deny: Enforce, Warn, Audit; Ignore: no rule).
#pragma once

#include <string>
#include <vector>

#include "policy/actions.h"
#include "policy/compiled.h"

namespace billet::policy {

enum class Outsiders { Deny, Warn, Audit, Ignore };

struct NodePoolDef {
  std::string name;
  StringPairs nodeLabels;
  std::string taintKey, taintValue, taintEffect;
  Match members;           // kinds default to Workloads
  bool preferred = false;  // placement: required (default) | preferred
  Outsiders outsiders = Outsiders::Deny;
  bool overwrite = false;  // replace a different taint value / nodeSelector value
  std::string severity = "medium", category;
};

CompiledPolicy compileNodePool(NodePoolDef def);

// Whether a toleration (a pod spec's tolerations[] element) tolerates the taint, as the
// scheduler decides it: an empty effect tolerates every effect; operator Exists with no key
// tolerates every taint, with a key every taint of that key; Equal (the default) needs the key
// and the value.
bool tolerates(const json::Value& toleration, const std::string& key, const std::string& value,
               const std::string& effect);

}  // namespace billet::policy
