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
  pods_.emplace(settings_.podTemplates, req_.group, req_.kind, object_);
  const std::size_t n = viewCount(*pods_);
  roots_.clear();
  roots_.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    roots_.push_back(rootsFor(settings_, req_, object_, *pods_, i));
  fresh_ = true;
}

}  // namespace billet::policy
