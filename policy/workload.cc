#include "policy/workload.h"

#include <charconv>
#include <span>

namespace billet::policy {
namespace {

using Keys = std::span<const std::string_view>;

constexpr std::string_view kCronJobPrefix[] = {"spec", "jobTemplate", "spec", "template"};
constexpr std::string_view kControllerPrefix[] = {"spec", "template"};
constexpr std::string_view kSpec[] = {"spec"};
constexpr std::string_view kMetadata[] = {"metadata"};

Keys podPrefix(std::string_view kind) {
  if (kind == "Pod") return {};
  if (kind == "CronJob") return kCronJobPrefix;
  return kControllerPrefix;
}

const json::Value* follow(const json::Value& v, Keys keys) {
  const json::Value* cur = &v;
  for (std::string_view k : keys) {
    cur = cur->find(k);
    if (!cur) return nullptr;
  }
  return cur;
}

json::Value* create(json::Value& v, Keys keys) {
  json::Value* cur = &v;
  for (std::string_view k : keys) {
    json::Value* next = cur->find(k);
    if (!next || !next->isObject()) {
      if (next && !next->isNull()) return nullptr;  // a scalar in the way: leave it alone
      next = &cur->set(k, json::Value::object());
    }
    cur = next;
  }
  return cur;
}

}  // namespace

bool isWorkloadKind(std::string_view kind) {
  for (std::string_view k : kWorkloadKinds)
    if (k == kind) return true;
  return false;
}

bool isPodController(std::string_view kind) {
  return kind != "Pod" && isWorkloadKind(kind);
}

const json::Value* findPodSpec(const json::Value& object, std::string_view kind) {
  if (!isWorkloadKind(kind)) return nullptr;
  const json::Value* base = follow(object, podPrefix(kind));
  return base ? base->find("spec") : nullptr;
}

const json::Value* findPodMetadata(const json::Value& object, std::string_view kind) {
  if (!isWorkloadKind(kind)) return nullptr;
  const json::Value* base = follow(object, podPrefix(kind));
  return base ? base->find("metadata") : nullptr;
}

json::Value* ensurePodSpec(json::Value& object, std::string_view kind) {
  if (!isWorkloadKind(kind)) return nullptr;
  json::Value* base = create(object, podPrefix(kind));
  return base ? create(*base, kSpec) : nullptr;
}

json::Value* ensurePodMetadata(json::Value& object, std::string_view kind) {
  if (!isWorkloadKind(kind)) return nullptr;
  json::Value* base = create(object, podPrefix(kind));
  return base ? create(*base, kMetadata) : nullptr;
}

std::int64_t replicasOf(const json::Value& object) {
  const json::Value* r = dig(object, {"spec", "replicas"});
  if (!r || !r->isNumber()) return 1;
  const std::string& t = r->asNumberText();
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
