// Paths into an admission request (SPEC §3.2), compiled once at load.
//
//   object.metadata.labels["app.kubernetes.io/name"]
//   pod.allContainers[*].resources.limits["nvidia.com/gpu"]
//   pod.containers[name=marie].image
//
//   cluster.nodes                                  (the cluster's size, SPEC §3.6)
//   element.type, elementKey                       (inside a validate forEach only)
//
// Reading a path yields one Slot per combination of wildcard choices: the value reached (or
// nullptr when a field is missing) and the container it passed through, for `{container}`.
// `[*]` reaches every element of a list and every member value of a map (annotations, labels,
// resources), so that a rule can look at keys it cannot name in advance.
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "json/value.h"
#include "policy/pod_layout.h"

namespace billet::policy {

enum class Root { Object, OldObject, Request, Pod, PodMetadata, Cluster, Element, ElementKey };

struct Segment {
  enum class Kind { Field, Index, Wildcard, Select, AllContainers };
  Kind kind = Kind::Field;
  std::string key;    // Field: the member; Select: the member compared
  std::string value;  // Select: the value it must equal
  std::size_t index = 0;
};

struct Path {
  Root root = Root::Object;
  std::vector<Segment> segments;
  std::string text;  // as written, for messages
  // Two shapes most paths have, set by parsePath and read by a loop of lookups instead of the
  // general walk (the bundled pack reads about 40 such paths a review):
  //   Fields           fields only: pod.hostNetwork, object.metadata.labels["app"]
  //   ContainerFields  pod.allContainers[*] and then fields only:
  //                    pod.allContainers[*].securityContext.privileged
  enum class Shape : unsigned char { General, Fields, ContainerFields };
  Shape shape = Shape::General;
  bool hasWildcard() const;
};

// Parses `text`; on error returns false and sets `error` (e.g. `unknown root "spec"`).
bool parsePath(const std::string& text, Path& out, std::string& error);

// The containers of a pod spec (pod.allContainers), found once for all the paths that read them:
// the bundled pod-security pack reads about 25 such paths per review, and finding the three
// lists in the pod spec again for each cost as much as the rest of the walk.
using ContainerPointers = boost::container::small_vector<const json::Value*, 16>;
struct ContainerList {
  bool found = false;
  ContainerPointers containers;
};

// The documents paths are read from.
struct PathRoots {
  const json::Value* object = nullptr;
  const json::Value* oldObject = nullptr;
  const json::Value* request = nullptr;
  const json::Value* pod = nullptr;          // the pod spec, wherever it lives
  const json::Value* podMetadata = nullptr;  // the pod's metadata
  const PodLayout* podLayout = nullptr;     // where that spec keeps its containers (null: standard)
  const json::Value* cluster = nullptr;     // {nodes, workloads} (policy/cluster.h)
  const json::Value* element = nullptr;     // forEach: the element being checked
  const json::Value* elementKey = nullptr;  // forEach: its map key (a string), when it has one
  // Where pod.allContainers of `pod` is kept once found (TemplateRoots owns it, and forgets it
  // when the object may have changed); null: found again on every read.
  ContainerList* allContainers = nullptr;
};

struct Slot {
  const json::Value* value = nullptr;      // nullptr: not present
  const json::Value* container = nullptr;  // the container element passed through, if any
  const json::Key* key = nullptr;          // the map key the last `[*]` passed through, if any
};

// What reading a path yields. On the stack up to 8 slots (a path reaches one value, or one per
// container of a pod): conditions are read for every rule on every review, and a heap
// allocation per read (more as the list grew) cost as much as the reading.
using Slots = boost::container::small_vector<Slot, 8>;

// Appends to `out` the slots `path` reaches.
void readPath(const Path& path, const PathRoots& roots, Slots& out);

// The containers of roots.pod (pod.allContainers: main, init, then ephemeral ones), kept in
// roots.allContainers when it is set, else found into `scratch`.
const ContainerPointers& allContainersOf(const PathRoots& roots, ContainerPointers& scratch);

// A container's `name`; for one that has none and sits in a field of its own (an Argo template's
// `container` or `script`, a KServe predictor's `model`), the name its operator gives it ("main",
// "kserve-container"); else "".
std::string containerName(const json::Value& container, const PathRoots& roots);

// The containers, initContainers and ephemeralContainers of a pod spec in the standard layout, in
// that order (pod_layout.h has the form for other layouts).
template <typename V, typename F>
void forEachContainer(V* podSpec, bool includeInit, bool includeEphemeral, F&& f) {
  forEachContainer(podSpec, nullptr, includeInit, includeEphemeral, std::forward<F>(f));
}

}  // namespace billet::policy
