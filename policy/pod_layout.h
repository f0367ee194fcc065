// How a pod spec is laid out where it lives. A Pod, and every PodTemplateSpec, has the standard
// layout: `containers`, `initContainers`, `ephemeralContainers`. Some operators embed a pod spec
// in a shape of their own (an Argo Workflow template's `container`, `script`, `sidecars`; a
// KServe predictor's `model`): a layout lists where such a spec keeps its containers, so that
// `pod.containers[*]`, `gpu: true` and the container checks see them all.
#pragma once

#include <span>
#include <string_view>

namespace billet::policy {

enum class ContainerGroup : unsigned char { Main, Init, Ephemeral };

struct ContainerSlot {
  std::string_view key;  // a member of the pod spec
  std::string_view sub;  // a member below it (Argo's containerSet.containers), or ""
  bool list = true;      // a list of containers, else one container
  ContainerGroup group = ContainerGroup::Main;
  // One container without a `name` of its own: the name its operator gives it, for messages.
  std::string_view defaultName;
};

struct PodLayout {
  std::string_view name;
  bool specIsAnchor = false;  // the pod spec is the template element itself, else its `spec`
  enum class Meta : unsigned char { Member, Anchor, None };
  // The pod's metadata: the element's `metadata` member; the element itself (labels and
  // annotations beside the spec, as a KServe component has them); or none.
  Meta metadata = Meta::Member;
  std::span<const ContainerSlot> slots;  // main containers first, then init, then ephemeral
  bool needsContainer = false;           // an element without a main container holds no pod
  bool standard() const;
};

// A Pod, a PodTemplateSpec: {metadata, spec: {containers, initContainers, ephemeralContainers}}.
const PodLayout& standardPodLayout();

namespace detail {
// The one walk over a pod's container slots: f(container) for each container of the slots whose
// group `wanted(group)` accepts, in layout order.
template <typename V, typename Wanted, typename F>
void walkContainers(V* podSpec, const PodLayout* layout, const Wanted& wanted, F&& f) {
  if (!podSpec) return;
  const PodLayout& l = layout ? *layout : standardPodLayout();
  for (const ContainerSlot& s : l.slots) {
    if (!wanted(s.group)) continue;
    auto* v = podSpec->find(s.key);
    if (v && !s.sub.empty()) v = v->isObject() ? v->find(s.sub) : nullptr;
    if (!v) continue;
    if (!s.list) {
      if (v->isObject()) f(*v);
      continue;
    }
    if (!v->isArray()) continue;
    for (auto& c : v->asArray())
      if (c.isObject()) f(c);
  }
}
}  // namespace detail

// Calls f(container) for each container of `podSpec` laid out as `layout` (nullptr: standard),
// main containers first, then init containers, then ephemeral containers.
template <typename V, typename F>
void forEachContainer(V* podSpec, const PodLayout* layout, bool includeInit, bool includeEphemeral,
                      F&& f) {
  detail::walkContainers(
      podSpec, layout,
      [=](ContainerGroup g) {
        return !((g == ContainerGroup::Init && !includeInit) ||
                 (g == ContainerGroup::Ephemeral && !includeEphemeral));
      },
      f);
}

// The containers of one group (pod.containers, pod.initContainers, pod.ephemeralContainers).
template <typename V, typename F>
void forEachContainerOf(V* podSpec, const PodLayout* layout, ContainerGroup group, F&& f) {
  detail::walkContainers(
      podSpec, layout, [=](ContainerGroup g) { return g == group; }, f);
}

}  // namespace billet::policy
