#include "policy/template_roots.h"

namespace billet::policy {

PathRoots rootsFor(const Settings& settings, const AdmissionRequest& req, const json::Value* object,
                   const PodTemplates& pods, std::size_t i) {
  PathRoots r;
  r.cluster = &settings.cluster;
  r.object = object;
  r.oldObject = req.oldObject;
  r.request = req.request;
  if (pods.kindHasPods()) {
    const PodTemplateRef* ref = i < pods.size() ? &pods[i] : nullptr;
    r.podLayout = ref ? ref->layout : &standardPodLayout();
    if (object) {
      const PodViews found = podViewsOf(*object, ref);
      r.pod = found.spec;
      r.podMetadata = found.metadata;
    }
  }
  return r;
}

void TemplateRoots::find() {
  // A built-in workload's template is where its kind says, whatever the object: only the roots
  // are followed again.
  if (!pods_ || pods_->readTheObject())
    pods_.emplace(settings_.podTemplates, req_.group, req_.kind, object_);
  const std::size_t n = viewCount(*pods_);
  roots_.clear();
  roots_.reserve(n);
  // Every list forgotten: the object may have changed since they were found. The roots point
  // into containers_, which is not resized while they live.
  if (containers_.size() != n) containers_.resize(n);
  for (ContainerList& list : containers_) list.found = false;
  for (std::size_t i = 0; i < n; ++i) {
    roots_.push_back(rootsFor(settings_, req_, object_, *pods_, i));
    roots_.back().allContainers = &containers_[i];
  }
  fresh_ = true;
}

}  // namespace billet::policy
