// The pod templates of the object a stage evaluates, and the roots (PathRoots: `object`, `pod`,
// `podMetadata`, `cluster`, …) that paths and match blocks read for each of them (SPEC §3.2).
//
// An object is evaluated once per pod template (a RayCluster's head and each worker group), and
// once without a pod when it has none: views() is never 0. Found on first use and kept until
// invalidate(): the mutate stage's object changes as its rules run, so the engine invalidates
// them after every rule that ran on it; most rules do not match, and a review of the sample
// with the bundled pack found them anew for every policy and rule (about 13,000 of its 170,000
// instructions). The containers of each view's pod (pod.allContainers) are kept the same way,
// found on the first path that reads them.
//
//   TemplateRoots templates(set.settings, req, &object);
//   for (std::size_t i = 0; i < templates.views(); ++i)
//     MatchInput in{req, set.settings, &object, templates.roots(i)};
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstddef>
#include <optional>
#include <vector>

#include "json/value.h"
#include "policy/path.h"
#include "policy/pod_templates.h"
#include "policy/request.h"
#include "policy/settings.h"

namespace billet::policy {

// The roots of view `i` of `object` (with `pods` found on it): with a pod template when the
// kind keeps pods and `i` names one. Each call follows the template's path again.
PathRoots rootsFor(const Settings& settings, const AdmissionRequest& req, const json::Value* object,
                   const PodTemplates& pods, std::size_t i);

// How many times an object with `pods` is evaluated: once per pod template, once when it has none.
inline std::size_t viewCount(const PodTemplates& pods) {
  return pods.size() > 1 ? pods.size() : 1;
}

class TemplateRoots {
 public:
  // `object` may be null (a DELETE): one view, with no pod.
  TemplateRoots(const Settings& settings, const AdmissionRequest& req, const json::Value* object)
      : settings_(settings), req_(req), object_(object) {}
  TemplateRoots(const TemplateRoots&) = delete;
  TemplateRoots& operator=(const TemplateRoots&) = delete;

  // The object's pod templates. The reference stays valid until the next call after
  // invalidate().
  const PodTemplates& pods() {
    refresh();
    return *pods_;
  }
  std::size_t views() {
    refresh();
    return roots_.size();
  }
  const PathRoots& roots(std::size_t i) {
    refresh();
    return roots_[i];
  }
  // The object may have changed: what was found on it is found again on next use.
  void invalidate() { fresh_ = false; }

 private:
  void refresh() {
    if (!fresh_) find();
  }
  void find();

  const Settings& settings_;
  const AdmissionRequest& req_;
  const json::Value* object_;
  bool fresh_ = false;
  std::optional<PodTemplates> pods_;
  std::vector<PathRoots> roots_;
  // Each view's pod.allContainers, once read; most objects have one view.
  boost::container::small_vector<ContainerList, 1> containers_;
};

}  // namespace billet::policy
