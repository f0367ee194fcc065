// The built-in workload kinds, where each keeps its one pod (SPEC §3.2 `pod` and `podMetadata`
// roots), and the replica count rules see:
//
//   Pod                                      spec, metadata
//   Deployment, ReplicaSet, StatefulSet,
//   DaemonSet, Job, ReplicationController    spec.template.spec, spec.template.metadata
//   CronJob                                  spec.jobTemplate.spec.template.spec, .metadata
//
// Other kinds (Node, ...) have no pod here (pod_templates.h adds Settings.podTemplates' kinds).
#pragma once

#include <array>
#include <string_view>

#include "json/value.h"
#include "policy/cluster.h"
#include "policy/request.h"

namespace billet::policy {

inline constexpr std::array<std::string_view, 8> kWorkloadKinds = {
    "Pod",       "Deployment", "ReplicaSet", "StatefulSet",
    "DaemonSet", "Job",        "CronJob",    "ReplicationController"};

bool isWorkloadKind(std::string_view kind);
bool isPodController(std::string_view kind);  // a workload kind other than Pod

// The built-in kinds' one pod, by kind name (the engine uses pod_templates.h, which also knows
// the kinds of Settings.podTemplates). Read-only lookups; nullptr when absent or the kind has
// no pod.
const json::Value* findPodSpec(const json::Value& object, std::string_view kind);
const json::Value* findPodMetadata(const json::Value& object, std::string_view kind);
// Mutable lookups that create the missing parents (as objects); nullptr when the kind has no pod.
json::Value* ensurePodSpec(json::Value& object, std::string_view kind);
json::Value* ensurePodMetadata(json::Value& object, std::string_view kind);

// spec.replicas of a controller; absent counts as 1 (the Kubernetes default).
std::int64_t replicasOf(const json::Value& object);

// The replica count rules see (SPEC §5.1): replicasOf, raised to the minReplicas of the
// HorizontalPodAutoscaler that targets the workload when the live facts know one. (The API
// server defaults spec.replicas to 1 before admission, so an autoscaled Deployment written
// without replicas arrives with 1; its real count is never below the HPA's minimum.)
std::int64_t effectiveReplicas(const json::Value& object, const AdmissionRequest& req,
                               const ClusterFacts* facts);

}  // namespace billet::policy
