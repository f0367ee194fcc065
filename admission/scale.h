// Scaling a Deployment or StatefulSet through its `scale` subresource (`kubectl scale`, an
// autoscaler): what /validate answers (docs/decisions.md, "Subresources").
//
// The request's object is an autoscaling/v1 Scale, not the workload: billet evaluates the
// workload itself, read from the cluster, with its spec.replicas set to the Scale's, through the
// one evaluation path (admission::evaluate) as an UPDATE of the workload:
//   - validate rules answer as for that update (a replicas range, minReplicas);
//   - mutate rules that the new replica count makes change the template become warnings (a
//     subresource cannot patch the workload; they apply on its next update);
//   - generate rules produce what an update would (a PodDisruptionBudget at 2+ replicas).
// Without the workload (no --kube-api, or the read failed) the scale is allowed with a warning:
// billet never denies because of its own read failure. No I/O here: the server reads.
//
//   if (auto target = admission::scaleTarget(review))
//     reply = admission::answerScale(set, review, *target, &workload, "");
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "admission/review.h"
#include "json/value.h"

namespace billet::admission {

// The workload a scale request scales.
struct ScaleTarget {
  std::string apiVersion;  // "apps/v1"
  std::string kind;        // "Deployment" or "StatefulSet"
  std::string namespace_, name;
  json::Value replicas;     // the Scale's spec.replicas (0 when absent, as the API server reads it)
  json::Value oldReplicas;  // the old Scale's spec.replicas; null when there is no old Scale
};

// The workload scaled, when the review is an UPDATE of deployments/scale or statefulsets/scale
// (group apps); nullopt for any other request.
std::optional<ScaleTarget> scaleTarget(const Review& review);

// True when no policy evaluates the workload (Settings.excludeNamespaces): the scale is allowed
// as it is, without reading the workload.
bool scaleIgnored(const policy::PolicySet& set, const ScaleTarget& target);

// What /validate answers for the scale. `workload` is the workload as read from the cluster,
// or null, with `unread` saying why (e.g. "billet reads workloads only with --kube-api").
// `options.deadline` bounds its evaluations (the server starts it once the workload is read).
AdmissionReply answerScale(const policy::PolicySet& set, const Review& review,
                           const ScaleTarget& target, const json::Value* workload,
                           std::string_view unread, const policy::EvalOptions& options = {});

}  // namespace billet::admission
