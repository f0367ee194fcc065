#include "policy/pod_templates.h"

#include <array>
#include <cctype>
#include <charconv>

#include "policy/workload.h"

namespace billet::policy {
namespace {

using Keys = std::span<const std::string_view>;

constexpr ContainerSlot kStandardSlots[] = {
    {"containers", "", true, ContainerGroup::Main, ""},
    {"initContainers", "", true, ContainerGroup::Init, ""},
    {"ephemeralContainers", "", true, ContainerGroup::Ephemeral, ""}};

// An Argo template runs one pod when it has a `container`, a `script` or a `containerSet`; its
// `sidecars` run beside the main container. (steps, dag, resource, suspend, http and plugin
// templates run no pod of the user's.)
constexpr ContainerSlot kArgoSlots[] = {
    {"container", "", false, ContainerGroup::Main, "main"},
    {"script", "", false, ContainerGroup::Main, "main"},
    {"containerSet", "containers", true, ContainerGroup::Main, ""},
    {"sidecars", "", true, ContainerGroup::Main, ""},
    {"initContainers", "", true, ContainerGroup::Init, ""}};

// A KServe component (predictor, transformer, explainer) is a pod spec with its labels and
// annotations beside it; a predictor's model server is described by `model` (or, in older
// manifests, by a framework field), a container in all but name.
constexpr ContainerSlot kKServeSlots[] = {
    {"containers", "", true, ContainerGroup::Main, ""},
    {"model", "", false, ContainerGroup::Main, "kserve-container"},
    {"sklearn", "", false, ContainerGroup::Main, "kserve-container"},
    {"xgboost", "", false, ContainerGroup::Main, "kserve-container"},
    {"tensorflow", "", false, ContainerGroup::Main, "kserve-container"},
    {"pytorch", "", false, ContainerGroup::Main, "kserve-container"},
    {"triton", "", false, ContainerGroup::Main, "kserve-container"},
    {"onnx", "", false, ContainerGroup::Main, "kserve-container"},
    {"huggingface", "", false, ContainerGroup::Main, "kserve-container"},
    {"pmml", "", false, ContainerGroup::Main, "kserve-container"},
    {"lightgbm", "", false, ContainerGroup::Main, "kserve-container"},
    {"paddle", "", false, ContainerGroup::Main, "kserve-container"},
    {"initContainers", "", true, ContainerGroup::Init, ""},
    {"ephemeralContainers", "", true, ContainerGroup::Ephemeral, ""}};

constexpr PodLayout kStandard{"PodTemplateSpec", false, PodLayout::Meta::Member, kStandardSlots,
                              false};
constexpr PodLayout kArgo{"ArgoTemplate", true, PodLayout::Meta::Member, kArgoSlots, true};
constexpr PodLayout kKServe{"KServeComponent", true, PodLayout::Meta::Anchor, kKServeSlots, false};
// A bare pod spec with no metadata of its own (a KServe predictor's workerSpec).
constexpr PodLayout kPodSpec{"PodSpec", true, PodLayout::Meta::None, kStandardSlots, false};

constexpr std::string_view kCronJobPrefix[] = {"spec", "jobTemplate", "spec", "template"};
constexpr std::string_view kControllerPrefix[] = {"spec", "template"};

Keys builtinPrefix(std::string_view kind) {
  if (kind == "Pod") return {};
  if (kind == "CronJob") return kCronJobPrefix;
  return kControllerPrefix;
}

bool isIdent(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '$')
      return false;
  return true;
}

void appendKey(std::string& name, std::string_view key) {
  if (isIdent(key)) {
    if (!name.empty()) name += '.';
    name += key;
    return;
  }
  name += "[\"";
  for (char c : key) {
    if (c == '"' || c == '\\') name += '\\';
    name += c;
  }
  name += "\"]";
}

// [name=x] (or [groupName=x], KubeRay's) for a list element that has one, else [i].
void appendElement(std::string& name, const json::Value& e, std::size_t i) {
  for (const char* field : {"name", "groupName"}) {
    const json::Value* n = e.isObject() ? e.find(field) : nullptr;
    if (n && n->isString() && !n->asString().empty() &&
        n->asString().find(']') == std::string::npos) {
      name += std::string("[") + field + "=" + std::string(n->asString()) + "]";
      return;
    }
  }
  name += "[" + std::to_string(i) + "]";
}

bool hasMainContainer(const json::Value& v, const PodLayout& layout) {
  bool found = false;
  forEachContainerOf(&v, &layout, ContainerGroup::Main, [&](const json::Value&) { found = true; });
  return found;
}

struct Collector {
  const TemplatePath& path;
  bool named;
  std::vector<PodTemplateRef::Step> steps;
  std::string name;
  std::vector<PodTemplateRef>& out;

  void walk(const json::Value& v, std::size_t k) {
    if (k == path.segments.size()) {
      if (!v.isObject()) return;
      if (path.layout->needsContainer && !hasMainContainer(v, *path.layout)) return;
      PodTemplateRef ref;
      ref.layout = path.layout;
      ref.steps = steps;
      if (named) ref.name = name;
      out.push_back(std::move(ref));
      return;
    }
    const Segment& seg = path.segments[k];
    std::size_t mark = name.size();
    auto step = [&](std::string key, std::size_t index, const json::Value& next) {
      steps.push_back({std::move(key), index});
      walk(next, k + 1);
      steps.pop_back();
      name.resize(mark);
    };
    switch (seg.kind) {
      case Segment::Kind::Field:
        if (const json::Value* next = v.isObject() ? v.find(seg.key) : nullptr) {
          appendKey(name, seg.key);
          step(seg.key, 0, *next);
        }
        return;
      case Segment::Kind::Index:
        if (v.isArray() && seg.index < v.asArray().size()) {
          name += "[" + std::to_string(seg.index) + "]";
          step({}, seg.index, v.asArray()[seg.index]);
        }
        return;
      case Segment::Kind::Select:
        if (!v.isArray()) return;
        for (std::size_t i = 0; i < v.asArray().size(); ++i) {
          const json::Value& e = v.asArray()[i];
          const json::Value* got = e.isObject() ? e.find(seg.key) : nullptr;
          if (!got || !got->isScalar() || got->scalarText() != seg.value) continue;
          name += "[" + seg.key + "=" + seg.value + "]";
          step({}, i, e);
          return;
        }
        return;
      case Segment::Kind::Wildcard:
        if (v.isArray()) {
          for (std::size_t i = 0; i < v.asArray().size(); ++i) {
            appendElement(name, v.asArray()[i], i);
            step({}, i, v.asArray()[i]);
          }
        } else if (v.isObject()) {
          for (const json::Member& m : v.asObject()) {
            appendKey(name, m.key);
            step(m.key.str(), 0, m.value);
          }
        }
        return;
      case Segment::Kind::AllContainers:
        return;  // refused at load
    }
  }
};

// The template's anchor in `object`. On a non-const object the lookups are the non-const ones,
// which mark the values on the way as touched (json::Value::touched()): the caller may change
// what it finds.
template <typename V>  // json::Value or const json::Value
V* follow(V& object, const PodTemplateRef& ref) {
  V* cur = &object;
  for (std::string_view k : ref.fixed) {
    cur = cur->find(k);
    if (!cur) return nullptr;
  }
  for (const PodTemplateRef::Step& s : ref.steps) {
    if (!s.key.empty()) {
      cur = cur->isObject() ? cur->find(s.key) : nullptr;
    } else {
      cur = cur->isArray() && s.index < cur->asArray().size() ? &cur->asArray()[s.index] : nullptr;
    }
    if (!cur) return nullptr;
  }
  return cur;
}

json::Value* createChild(json::Value& v, std::string_view k) {
  if (!v.isObject()) return nullptr;
  json::Value* next = v.find(k);
  if (!next || !next->isObject()) {
    if (next && !next->isNull()) return nullptr;  // a scalar in the way: leave it alone
    next = &v.set(k, json::Value::object());
  }
  return next;
}

json::Value* anchor(json::Value& object, const PodTemplateRef& ref) {
  if (ref.create) {
    json::Value* cur = &object;
    for (std::string_view k : ref.fixed)
      if (!(cur = createChild(*cur, k))) return nullptr;
    return cur->isObject() ? cur : nullptr;
  }
  return follow(object, ref);
}

struct BuiltinEntry {
  const char* group;
  const char* kind;
  const PodLayout* layout;
  std::initializer_list<const char*> paths;
};

}  // namespace

bool PodLayout::standard() const {
  return this == &kStandard;
}

const PodLayout& standardPodLayout() {
  return kStandard;
}

bool PodTemplateKind::named() const {
  if (paths.size() > 1) return true;
  for (const TemplatePath& p : paths)
    for (const Segment& s : p.segments)
      if (s.kind == Segment::Kind::Wildcard || s.kind == Segment::Kind::Select) return true;
  return false;
}

bool compileTemplatePath(const std::string& text, TemplatePath& out, std::string& error) {
  out = TemplatePath{};
  out.text = text;
  out.layout = &kStandard;
  if (text.empty() || text[0] == '.' || text[0] == '[') {
    error = "a path from the object, e.g. spec.template (got \"" + text + "\")";
    return false;
  }
  Path p;
  static constexpr std::string_view kRoot = "object.";
  if (!parsePath(std::string(kRoot) + text, p, error)) {
    // Offsets in the error count from the text as written. "offset " may also come from the
    // text itself (a bad index "[offset x]"): only one followed by the number is rewritten.
    static constexpr std::string_view kAt = "offset ";
    if (auto at = error.rfind(kAt); at != std::string::npos) {
      const char* digits = error.data() + at + kAt.size();
      const char* end = error.data() + error.size();
      std::size_t n = 0;
      auto [past, ec] = std::from_chars(digits, end, n);
      if (ec == std::errc() && past == end && n >= kRoot.size())
        error = error.substr(0, at + kAt.size()) + std::to_string(n - kRoot.size());
    }
    return false;
  }
  out.segments = std::move(p.segments);
  return true;
}

std::vector<PodTemplateKind> builtinPodTemplates() {
  static const std::vector<PodTemplateKind> table = [] {
    // Each operator's documented CRD: where its pod templates are (docs/reference.md#settings).
    const BuiltinEntry entries[] = {
        {"argoproj.io", "Workflow", &kArgo, {"spec.templates[*]"}},
        {"argoproj.io", "WorkflowTemplate", &kArgo, {"spec.templates[*]"}},
        {"argoproj.io", "ClusterWorkflowTemplate", &kArgo, {"spec.templates[*]"}},
        {"argoproj.io", "CronWorkflow", &kArgo, {"spec.workflowSpec.templates[*]"}},
        {"ray.io",
         "RayCluster",
         &kStandard,
         {"spec.headGroupSpec.template", "spec.workerGroupSpecs[*].template"}},
        {"ray.io",
         "RayJob",
         &kStandard,
         {"spec.rayClusterSpec.headGroupSpec.template",
          "spec.rayClusterSpec.workerGroupSpecs[*].template", "spec.submitterPodTemplate"}},
        {"ray.io",
         "RayService",
         &kStandard,
         {"spec.rayClusterConfig.headGroupSpec.template",
          "spec.rayClusterConfig.workerGroupSpecs[*].template"}},
        {"jobset.x-k8s.io",
         "JobSet",
         &kStandard,
         {"spec.replicatedJobs[*].template.spec.template"}},
        {"leaderworkerset.x-k8s.io",
         "LeaderWorkerSet",
         &kStandard,
         {"spec.leaderWorkerTemplate.leaderTemplate", "spec.leaderWorkerTemplate.workerTemplate"}},
        {"kubeflow.org", "PyTorchJob", &kStandard, {"spec.pytorchReplicaSpecs[*].template"}},
        {"kubeflow.org", "MPIJob", &kStandard, {"spec.mpiReplicaSpecs[*].template"}},
        {"trainer.kubeflow.org", "TrainJob", &kStandard, {"spec.podTemplateOverrides[*]"}},
        {"trainer.kubeflow.org",
         "TrainingRuntime",
         &kStandard,
         {"spec.template.spec.replicatedJobs[*].template.spec.template"}},
        {"trainer.kubeflow.org",
         "ClusterTrainingRuntime",
         &kStandard,
         {"spec.template.spec.replicatedJobs[*].template.spec.template"}},
        {"serving.kserve.io",
         "InferenceService",
         &kKServe,
         {"spec.predictor", "spec.transformer", "spec.explainer"}},
        {"batch.volcano.sh", "Job", &kStandard, {"spec.tasks[*].template"}},
    };
    std::vector<PodTemplateKind> out;
    for (const BuiltinEntry& e : entries) {
      PodTemplateKind k;
      k.group = e.group;
      k.kind = e.kind;
      for (const char* text : e.paths) {
        TemplatePath p;
        std::string error;
        compileTemplatePath(text, p, error);
        p.layout = e.layout;
        k.paths.push_back(std::move(p));
      }
      if (k.kind == "InferenceService") {
        // Multi-node serving: the predictor's worker pods, a bare pod spec.
        TemplatePath p;
        std::string error;
        compileTemplatePath("spec.predictor.workerSpec", p, error);
        p.layout = &kPodSpec;
        k.paths.push_back(std::move(p));
      }
      out.push_back(std::move(k));
    }
    return out;
  }();
  return table;
}

bool isCoreWorkload(std::string_view group, std::string_view kind) {
  if (kind == "Pod" || kind == "ReplicationController") return group.empty();
  if (kind == "Job" || kind == "CronJob") return group == "batch";
  if (kind == "Deployment" || kind == "ReplicaSet" || kind == "StatefulSet" || kind == "DaemonSet")
    return group == "apps" || group == "extensions";
  return false;
}

const PodTemplateKind* findPodTemplateKind(const std::vector<PodTemplateKind>& kinds,
                                           std::string_view group, std::string_view kind) {
  for (const PodTemplateKind& k : kinds)
    if (k.kind == kind && k.group == group) return &k;
  return nullptr;
}

PodTemplates::PodTemplates(const std::vector<PodTemplateKind>& kinds, std::string_view group,
                           std::string_view kind, const json::Value* object) {
  // The built-in kinds first: the common case costs no lookup and no allocation. A kind of
  // another API group with a workload's name (Volcano's Job) is looked up in podTemplates.
  bool coreGroup = group.empty() || group == "apps" || group == "batch" || group == "extensions";
  const PodTemplateKind* entry = nullptr;
  if (!(coreGroup && isWorkloadKind(kind))) entry = findPodTemplateKind(kinds, group, kind);
  if (!entry) {
    if (!isWorkloadKind(kind)) return;
    hasPods_ = single_ = true;
    one_.layout = &kStandard;
    one_.fixed = builtinPrefix(kind);
    one_.create = true;
    return;
  }
  hasPods_ = true;
  if (!object) return;
  bool named = entry->named();
  for (const TemplatePath& p : entry->paths) {
    Collector c{p, named, {}, {}, many_};
    c.walk(*object, 0);
  }
}

namespace {

template <typename V>  // json::Value or const json::Value
V* specAt(V* anchor, const PodTemplateRef& ref) {
  if (!anchor || ref.layout->specIsAnchor) return anchor;
  return anchor->find("spec");
}

const json::Value* metadataAt(const json::Value* anchor, const PodTemplateRef& ref) {
  if (!anchor) return nullptr;
  switch (ref.layout->metadata) {
    case PodLayout::Meta::Member:
      return anchor->find("metadata");
    case PodLayout::Meta::Anchor:
      return anchor;
    case PodLayout::Meta::None:
      break;
  }
  return nullptr;
}

}  // namespace

const json::Value* podSpecOf(const json::Value& object, const PodTemplateRef* ref) {
  return ref ? specAt(follow(object, *ref), *ref) : nullptr;
}

json::Value* podSpecOf(json::Value& object, const PodTemplateRef* ref) {
  return ref ? specAt(follow(object, *ref), *ref) : nullptr;
}

const json::Value* podMetadataOf(const json::Value& object, const PodTemplateRef* ref) {
  return ref ? metadataAt(follow(object, *ref), *ref) : nullptr;
}

PodViews podViewsOf(const json::Value& object, const PodTemplateRef* ref) {
  if (!ref) return {};
  const json::Value* anchor = follow(object, *ref);
  return {specAt(anchor, *ref), metadataAt(anchor, *ref)};
}

json::Value* ensurePodSpec(json::Value& object, const PodTemplateRef* ref) {
  if (!ref) return nullptr;
  json::Value* a = anchor(object, *ref);
  if (!a || !a->isObject()) return nullptr;
  return ref->layout->specIsAnchor ? a : createChild(*a, "spec");
}

json::Value* ensurePodMetadata(json::Value& object, const PodTemplateRef* ref) {
  if (!ref) return nullptr;
  json::Value* a = anchor(object, *ref);
  if (!a || !a->isObject()) return nullptr;
  switch (ref->layout->metadata) {
    case PodLayout::Meta::Member:
      return createChild(*a, "metadata");
    case PodLayout::Meta::Anchor:
      return a;
    case PodLayout::Meta::None:
      break;
  }
  return nullptr;
}

}  // namespace billet::policy
