// ServiceGroup and NodePool documents (SPEC §3.4, §3.5).
#include "policy/loader_internal.h"

namespace billet::policy {

std::optional<CompiledPolicy> decodeServiceGroup(DecodeState& s, const YAML::Node& doc) {
  s.d.fail(doc["kind"], "kind", "ServiceGroup is not supported yet");
  return std::nullopt;
}

std::optional<CompiledPolicy> decodeNodePool(DecodeState& s, const YAML::Node& doc) {
  s.d.fail(doc["kind"], "kind", "NodePool is not supported yet");
  return std::nullopt;
}

}  // namespace billet::policy
