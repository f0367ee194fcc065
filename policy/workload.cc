#include "policy/workload.h"

#include <charconv>
#include <optional>
#include <vector>

#include "policy/pod_templates.h"

namespace billet::policy {

bool isWorkloadKind(std::string_view kind) {
  for (std::string_view k : kWorkloadKinds)
    if (k == kind) return true;
  return false;
}

bool isPodController(std::string_view kind) {
  return kind != "Pod" && isWorkloadKind(kind);
}

namespace {

// The one pod template of a built-in workload kind, or nullopt.
std::optional<PodTemplates> builtin(std::string_view kind) {
  if (!isWorkloadKind(kind)) return std::nullopt;
  static const std::vector<PodTemplateKind> kNone;
  return PodTemplates(kNone, "", kind, nullptr);
}

}  // namespace

const json::Value* findPodSpec(const json::Value& object, std::string_view kind) {
  auto t = builtin(kind);
  return t ? podSpecOf(object, &(*t)[0]) : nullptr;
}

const json::Value* findPodMetadata(const json::Value& object, std::string_view kind) {
  auto t = builtin(kind);
  return t ? podMetadataOf(object, &(*t)[0]) : nullptr;
}

json::Value* ensurePodSpec(json::Value& object, std::string_view kind) {
  auto t = builtin(kind);
  return t ? ensurePodSpec(object, &(*t)[0]) : nullptr;
}

json::Value* ensurePodMetadata(json::Value& object, std::string_view kind) {
  auto t = builtin(kind);
  return t ? ensurePodMetadata(object, &(*t)[0]) : nullptr;
}

std::int64_t replicasOf(const json::Value& object) {
  const json::Value* r = dig(object, {"spec", "replicas"});
  const json::Text* text = r ? r->ifNumberText() : nullptr;
  if (!text) return 1;
  const std::string_view t = *text;
  std::int64_t n = 1;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec != std::errc() || p != t.data() + t.size()) return 1;
  return n;
}

std::int64_t effectiveReplicas(const json::Value& object, const AdmissionRequest& req,
                               const ClusterFacts* facts) {
  const std::int64_t replicas = replicasOf(object);
  if (!facts) return replicas;
  const json::Value* name = dig(object, {"metadata", "name"});
  const std::string_view n =
      name && name->isString() ? std::string_view(name->asString()) : std::string_view(req.name);
  const auto min = facts->autoscaledMinReplicas(req.namespace_, req.kind, n);
  return min && *min > replicas ? *min : replicas;
}

}  // namespace billet::policy
