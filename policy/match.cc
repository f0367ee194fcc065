#include "policy/match.h"

#include <algorithm>

#include "policy/compiled.h"
#include "policy/glob.h"
#include "policy/image_ref.h"
#include "policy/workload.h"

namespace billet::policy {
namespace {

const json::Value* labelValue(const json::Value* labels, const std::string& key) {
  return labels ? labels->find(key) : nullptr;
}

// Images are compared as references (the registry host as a unit), names as plain globs.
bool containsAny(const std::vector<std::string>& globs, const json::Value* podSpec,
                 const PodLayout* layout, const char* field) {
  bool images = std::string_view(field) == "image";
  bool found = false;
  forEachContainer(podSpec, layout, true, true, [&](const json::Value& c) {
    const json::Value* v = c.find(field);
    if (found || !v || !v->isString()) return;
    found = images ? imageMatchAny(globs, v->asString()) : globAny(globs, v->asString());
  });
  return found;
}

bool resourceListHasAny(const json::Value* list, const std::vector<std::string>& names) {
  if (!list || !list->isObject()) return false;
  for (const json::Member& m : list->asObject())
    if (std::find(names.begin(), names.end(), m.key) != names.end()) return true;
  return false;
}

}  // namespace

bool LabelSelector::matches(const json::Value* labels) const {
  for (const auto& [k, v] : matchLabels) {
    const json::Value* got = labelValue(labels, k);
    if (!got || !got->isScalar() || got->scalarText() != v) return false;
  }
  for (const Requirement& r : matchExpressions) {
    const json::Value* got = labelValue(labels, r.key);
    bool has = got != nullptr;
    std::string text = has && got->isScalar() ? got->scalarText() : std::string();
    bool in = has && std::find(r.values.begin(), r.values.end(), text) != r.values.end();
    switch (r.op) {
      case Requirement::Op::In:
        if (!in) return false;
        break;
      case Requirement::Op::NotIn:
        if (in) return false;
        break;  // absent key satisfies NotIn
      case Requirement::Op::Exists:
        if (!has) return false;
        break;
      case Requirement::Op::DoesNotExist:
        if (has) return false;
        break;
    }
  }
  return true;
}

bool Match::empty() const {
  return kinds.empty() && operations.empty() && namespaces.empty() && names.empty() &&
         images.empty() && containerNames.empty() && users.empty() && groups.empty() && !labels &&
         annotations.empty() && !gpu && !localStorage && !replicasMin && !replicasMax &&
         when.empty();
}

bool Match::matchesKind(std::string_view kind) const {
  if (kinds.empty()) return true;
  for (const std::string& k : kinds)
    if (k == kind || k == "*") return true;
  return false;
}

bool podUsesGpu(const PathRoots& roots, const std::vector<std::string>& gpuResources) {
  ContainerPointers scratch;
  for (const json::Value* c : allContainersOf(roots, scratch)) {
    const json::Value* res = c->find("resources");
    if (res && (resourceListHasAny(res->find("limits"), gpuResources) ||
                resourceListHasAny(res->find("requests"), gpuResources)))
      return true;
  }
  return false;
}

bool podHasLocalStorage(const json::Value* podSpec) {
  const json::Value* volumes = podSpec ? podSpec->find("volumes") : nullptr;
  if (!volumes || !volumes->isArray()) return false;
  for (const json::Value& v : volumes->asArray()) {
    if (v.find("hostPath")) return true;
    if (const json::Value* e = v.find("emptyDir")) {
      const json::Value* medium = e->find("medium");
      if (!medium || !medium->isString() || medium->asString() != "Memory") return true;
    }
  }
  return false;
}

bool matches(const Match& m, const MatchInput& in) {
  const AdmissionRequest& req = in.request;
  if (!m.matchesKind(req.kind) &&
      !(m.workloads && findPodTemplateKind(in.settings.podTemplates, req.group, req.kind)))
    return false;
  if (!m.operations.empty() &&
      std::find(m.operations.begin(), m.operations.end(), req.operation) == m.operations.end())
    return false;
  if (!m.namespaces.empty() && (req.namespace_.empty() || !globAny(m.namespaces, req.namespace_)))
    return false;
  if (!m.names.empty() && !globAny(m.names, objectName(req, in.object))) return false;
  if (!m.users.empty() && !globAny(m.users, req.username)) return false;
  if (!m.groups.empty()) {
    bool any = false;
    for (const std::string& g : req.groups) any = any || globAny(m.groups, g);
    if (!any) return false;
  }
  const json::Value* podSpec = in.roots.pod;
  const json::Value* podMeta = in.roots.podMetadata;
  // Looked up only by the criteria that read it: most matches have neither.
  auto objectMeta = [&in] { return in.object ? in.object->find("metadata") : nullptr; };
  if (m.labels) {
    // A kind that keeps pods has its roots' layout set, even when this object has none.
    const json::Value* meta =
        isWorkloadKind(req.kind) || in.roots.podLayout ? podMeta : objectMeta();
    if (!m.labels->matches(meta ? meta->find("labels") : nullptr)) return false;
  }
  const json::Value* objMeta = m.annotations.empty() ? nullptr : objectMeta();
  for (const auto& [key, glob] : m.annotations) {
    // The object's own annotations or, for workloads, its pod template's.
    bool found = false;
    for (const json::Value* meta : {objMeta, podMeta}) {
      const json::Value* a = meta ? dig(*meta, {"annotations", key}) : nullptr;
      found = found || (a && a->isScalar() && globMatch(glob, a->scalarText()));
    }
    if (!found) return false;
  }
  const PodLayout* layout = in.roots.podLayout;
  if (!m.images.empty() && !containsAny(m.images, podSpec, layout, "image")) return false;
  if (!m.containerNames.empty() && !containsAny(m.containerNames, podSpec, layout, "name"))
    return false;
  if (m.gpu && podUsesGpu(in.roots, in.settings.gpuResources) != *m.gpu) return false;
  if (m.localStorage && podHasLocalStorage(podSpec) != *m.localStorage) return false;
  if (m.replicasMin || m.replicasMax) {
    if (!in.object || !isPodController(req.kind) || req.kind == "Job" || req.kind == "CronJob" ||
        req.kind == "DaemonSet")
      return false;
    std::int64_t r = effectiveReplicas(*in.object, req, in.settings.facts.get());
    if (m.replicasMin && r < *m.replicasMin) return false;
    if (m.replicasMax && r > *m.replicasMax) return false;
  }
  Slots slots;
  for (const Condition& c : m.when) {
    slots.clear();
    readPath(c.path, in.roots, slots);
    ConditionOutcome o = evaluate(c, slots, Quantifier::Any);
    if (!o.error.empty() && in.whenError && in.whenError->empty())
      *in.whenError = "when: " + o.error;
    if (!o.holds) return false;
  }
  return true;
}

}  // namespace billet::policy
