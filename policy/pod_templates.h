// Where an object keeps its pods (SPEC §3.2 `pod` and `podMetadata` roots, §3.6 podTemplates).
//
//   Pod                                        itself: metadata, spec
//   Deployment, ReplicaSet, StatefulSet,
//   DaemonSet, Job, ReplicationController      spec.template
//   CronJob                                    spec.jobTemplate.spec.template
//   the kinds of Settings.podTemplates         each path of the kind's entry, e.g. RayCluster's
//                                              spec.headGroupSpec.template and every
//                                              spec.workerGroupSpecs[*].template
//
// An object of a built-in workload kind has exactly one pod template, created on demand by the
// mutations that need it; an object of a podTemplates kind has as many as its paths reach (none
// is ever created), and each is evaluated on its own. Templates are named by where they are
// (`spec.workerGroupSpecs[groupName=gpu].template`) so that messages can say which one broke a
// rule.
//
//   PodTemplates pods(settings.podTemplates, request.group, request.kind, &object);
//   for (std::size_t i = 0; i < pods.size(); ++i)
//     const json::Value* spec = podSpecOf(object, &pods[i]);
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "json/value.h"
#include "policy/path.h"
#include "policy/pod_layout.h"

namespace billet::policy {

// One path of a kind's entry, relative to the object (`spec.workerGroupSpecs[*].template`).
struct TemplatePath {
  std::string text;
  std::vector<Segment> segments;  // fields, indexes, [*] over lists and maps, [key=value]
  const PodLayout* layout = nullptr;
};

// An entry of Settings.podTemplates: the kind (by API group and kind) and where its pods are.
struct PodTemplateKind {
  std::string group, kind;
  std::vector<TemplatePath> paths;
  bool builtin = true;
  // Messages name the template when the kind can have more than one.
  bool named() const;
};

// The entries billet knows without being told (docs/reference.md lists them).
std::vector<PodTemplateKind> builtinPodTemplates();
// Compiles a Settings path (standard layout); false with `error` when it is not one.
bool compileTemplatePath(const std::string& text, TemplatePath& out, std::string& error);
// The kinds whose pods billet finds by itself; an entry for them is refused.
bool isCoreWorkload(std::string_view group, std::string_view kind);

// One pod template of one object: the way from the object to it.
struct PodTemplateRef {
  struct Step {
    std::string key;  // a member; empty for a list index
    std::size_t index = 0;
  };
  const PodLayout* layout = nullptr;
  std::span<const std::string_view> fixed;  // built-in kinds: members from the object
  std::vector<Step> steps;                  // podTemplates kinds
  bool create = false;                      // built-in kinds: missing parents are created
  std::string name;                         // for messages; empty when the kind has one pod
};

// The pod templates of an object of (group, kind), in document order.
class PodTemplates {
 public:
  PodTemplates(const std::vector<PodTemplateKind>& kinds, std::string_view group,
               std::string_view kind, const json::Value* object);
  // The kind keeps pods (a workload kind or a podTemplates kind), whether or not any is there.
  bool kindHasPods() const { return hasPods_; }
  std::size_t size() const { return single_ ? 1 : many_.size(); }
  const PodTemplateRef& operator[](std::size_t i) const { return single_ ? one_ : many_[i]; }
  // Whether the templates were found by reading the object (a kind of Settings.podTemplates),
  // and may differ once it changes; a built-in workload's one template is where its kind says.
  bool readTheObject() const { return hasPods_ && !single_; }

 private:
  bool hasPods_ = false, single_ = false;
  PodTemplateRef one_;
  std::vector<PodTemplateRef> many_;
};

// The entry for (group, kind), or nullptr.
const PodTemplateKind* findPodTemplateKind(const std::vector<PodTemplateKind>& kinds,
                                           std::string_view group, std::string_view kind);

// Read-only lookups; nullptr when absent (or `ref` is null).
const json::Value* podSpecOf(const json::Value& object, const PodTemplateRef* ref);
// The existing pod spec, to change (nothing is created).
json::Value* podSpecOf(json::Value& object, const PodTemplateRef* ref);
const json::Value* podMetadataOf(const json::Value& object, const PodTemplateRef* ref);
// Both, following the template's path once (the engine asks for both per policy).
struct PodViews {
  const json::Value* spec = nullptr;
  const json::Value* metadata = nullptr;
};
PodViews podViewsOf(const json::Value& object, const PodTemplateRef* ref);
// Mutable lookups; a built-in kind's missing parents are created (as objects). nullptr when
// there is no such template, or a scalar is in the way.
json::Value* ensurePodSpec(json::Value& object, const PodTemplateRef* ref);
json::Value* ensurePodMetadata(json::Value& object, const PodTemplateRef* ref);

}  // namespace billet::policy
