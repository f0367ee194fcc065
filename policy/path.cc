#include "policy/path.h"

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <cctype>
#include <charconv>

namespace billet::policy {

bool Path::hasWildcard() const {
  for (const Segment& s : segments)
    if (s.kind == Segment::Kind::Wildcard) return true;
  return false;
}

namespace {

bool isIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '$';
}

}  // namespace

bool parsePath(const std::string& text, Path& out, std::string& error) {
  out = Path{};
  out.text = text;
  std::size_t i = 0;
  auto ident = [&]() {
    std::size_t start = i;
    while (i < text.size() && isIdentChar(text[i])) ++i;
    return text.substr(start, i - start);
  };
  std::string root = ident();
  if (root == "object")
    out.root = Root::Object;
  else if (root == "oldObject")
    out.root = Root::OldObject;
  else if (root == "request")
    out.root = Root::Request;
  else if (root == "pod")
    out.root = Root::Pod;
  else if (root == "podMetadata")
    out.root = Root::PodMetadata;
  else if (root == "cluster")
    out.root = Root::Cluster;
  else if (root == "element")
    out.root = Root::Element;
  else if (root == "elementKey")
    out.root = Root::ElementKey;
  else {
    error =
        "unknown root \"" + root +
        "\" (expected object, oldObject, request, pod, podMetadata, cluster, element, elementKey)";
    return false;
  }
  while (i < text.size()) {
    Segment seg;
    if (text[i] == '.') {
      ++i;
      seg.key = ident();
      if (seg.key.empty()) {
        error = "empty field name at offset " + std::to_string(i);
        return false;
      }
      if (seg.key == "allContainers" && out.root == Root::Pod && out.segments.empty())
        seg.kind = Segment::Kind::AllContainers;
    } else if (text[i] == '[') {
      std::size_t close = std::string::npos;
      if (i + 1 < text.size() && text[i + 1] == '"') {
        // ["key.with/dots"]: a quoted key, backslash escapes " and \.
        std::string key;
        std::size_t j = i + 2;
        bool closed = false;
        for (; j < text.size(); ++j) {
          if (text[j] == '\\' && j + 1 < text.size()) {
            key += text[++j];
          } else if (text[j] == '"') {
            closed = true;
            break;
          } else {
            key += text[j];
          }
        }
        if (!closed || j + 1 >= text.size() || text[j + 1] != ']') {
          error = "unterminated [\"...\"] at offset " + std::to_string(i);
          return false;
        }
        seg.key = std::move(key);
        i = j + 2;
        out.segments.push_back(std::move(seg));
        continue;
      }
      close = text.find(']', i);
      if (close == std::string::npos) {
        error = "unterminated [ at offset " + std::to_string(i);
        return false;
      }
      std::string inner = text.substr(i + 1, close - i - 1);
      i = close + 1;
      if (inner == "*") {
        seg.kind = Segment::Kind::Wildcard;
      } else if (auto eq = inner.find('='); eq != std::string::npos) {
        seg.kind = Segment::Kind::Select;
        seg.key = inner.substr(0, eq);
        seg.value = inner.substr(eq + 1);
        if (seg.key.empty()) {
          error = "empty key in [" + inner + "]";
          return false;
        }
      } else {
        seg.kind = Segment::Kind::Index;
        auto [p, ec] = std::from_chars(inner.data(), inner.data() + inner.size(), seg.index);
        if (inner.empty() || ec != std::errc() || p != inner.data() + inner.size()) {
          error = "bad index [" + inner + "] (expected a number, *, name=value or \"key\")";
          return false;
        }
      }
    } else {
      error = "unexpected \"" + std::string(1, text[i]) + "\" at offset " + std::to_string(i);
      return false;
    }
    out.segments.push_back(std::move(seg));
  }
  for (std::size_t k = 0; k < out.segments.size(); ++k) {
    if (out.segments[k].kind == Segment::Kind::AllContainers) {
      bool ok = k + 1 < out.segments.size() && out.segments[k + 1].kind != Segment::Kind::Field &&
                out.segments[k + 1].kind != Segment::Kind::AllContainers;
      if (!ok) {
        error = "pod.allContainers must be followed by [*], [N] or [name=...]";
        return false;
      }
    }
  }
  auto fieldsFrom = [&](std::size_t k) {
    return std::all_of(out.segments.begin() + static_cast<std::ptrdiff_t>(k), out.segments.end(),
                       [](const Segment& s) { return s.kind == Segment::Kind::Field; });
  };
  if (fieldsFrom(0))
    out.shape = Path::Shape::Fields;
  else if (out.root == Root::Pod && out.segments.size() >= 2 &&
           out.segments[0].kind == Segment::Kind::AllContainers &&
           out.segments[1].kind == Segment::Kind::Wildcard && fieldsFrom(2))
    out.shape = Path::Shape::ContainerFields;
  return true;
}

namespace {

bool isContainerList(const Path& path, std::size_t segIndex) {
  // pod.containers / pod.initContainers / pod.ephemeralContainers / pod.allContainers
  if (path.root != Root::Pod || segIndex != 0) return false;
  const Segment& s = path.segments[0];
  return s.kind == Segment::Kind::AllContainers ||
         (s.kind == Segment::Kind::Field &&
          (s.key == "containers" || s.key == "initContainers" || s.key == "ephemeralContainers"));
}

bool selectMatches(const json::Value& element, const Segment& seg) {
  const json::Value* v = element.find(seg.key);
  return v && v->isScalar() && v->scalarText() == seg.value;
}

// What stays the same during one read: passed by one pointer, so that each step of the walk
// passes three arguments fewer.
struct Walk {
  const Path& path;
  const PathRoots& roots;
  const PodLayout* layout;  // roots.podLayout
  Slots& out;
};

void walk(const Walk& w, std::size_t k, const json::Value* cur, const json::Value* container,
          const json::Key* key);

// The elements a segment selects from, on the stack for the lists a pod has (readPath runs for
// every condition of every rule: a heap allocation each, and a few more as the list grew, cost
// more than the walk).
using Elements = ContainerPointers;

// Applies segment k (an element selector) to a list of candidate elements.
void walkElements(const Walk& w, std::size_t k, const Elements& elems, bool containers,
                  const json::Value* container, const json::Key* key) {
  const Segment& seg = w.path.segments[k];
  switch (seg.kind) {
    case Segment::Kind::Wildcard:
      for (const json::Value* e : elems) walk(w, k + 1, e, containers ? e : container, key);
      return;
    case Segment::Kind::Index:
      if (seg.index < elems.size()) {
        const json::Value* e = elems[seg.index];
        walk(w, k + 1, e, containers ? e : container, key);
      } else {
        w.out.push_back({nullptr, container, key});
      }
      return;
    case Segment::Kind::Select:
      for (const json::Value* e : elems)
        if (selectMatches(*e, seg)) {
          walk(w, k + 1, e, containers ? e : container, key);
          return;
        }
      w.out.push_back({nullptr, container, key});
      return;
    default:
      break;
  }
  w.out.push_back({nullptr, container, key});
}

// pod.containers, pod.initContainers, pod.ephemeralContainers of a pod spec whose layout keeps
// its containers elsewhere (an Argo template's `container`, `script`, `sidecars`, ...).
bool layoutContainerGroup(const Path& path, std::size_t k, const PodLayout* layout,
                          ContainerGroup& group) {
  if (path.root != Root::Pod || k != 0 || !layout || layout->standard()) return false;
  if (path.segments.size() < 2 || path.segments[1].kind == Segment::Kind::Field) return false;
  const std::string& key = path.segments[0].key;
  if (path.segments[0].kind != Segment::Kind::Field) return false;
  if (key == "containers")
    group = ContainerGroup::Main;
  else if (key == "initContainers")
    group = ContainerGroup::Init;
  else if (key == "ephemeralContainers")
    group = ContainerGroup::Ephemeral;
  else
    return false;
  return true;
}

void walk(const Walk& w, std::size_t k, const json::Value* cur, const json::Value* container,
          const json::Key* key) {
  const Path& path = w.path;
  const std::size_t n = path.segments.size();
  // Field after field in one loop (most segments are fields): a call per segment cost more than
  // the lookups of a path that finds nothing.
  for (;; ++k) {
    if (k == n) {
      w.out.push_back({cur, container, key});
      return;
    }
    const Segment& seg = path.segments[k];
    if (seg.kind == Segment::Kind::AllContainers) {
      // Only first, on the pod root (parsePath): `cur` is roots.pod.
      Elements scratch;
      walkElements(w, k + 1, allContainersOf(w.roots, scratch), true, container, key);
      return;
    }
    if (ContainerGroup group; k == 0 && cur && layoutContainerGroup(path, k, w.layout, group)) {
      Elements elems;
      forEachContainerOf(cur, w.layout, group, [&](const json::Value& c) { elems.push_back(&c); });
      walkElements(w, k + 1, elems, true, container, key);
      return;
    }
    if (!cur) {
      // Below a missing value a wildcard reaches nothing; anything else is one missing slot.
      for (std::size_t j = k; j < n; ++j)
        if (path.segments[j].kind == Segment::Kind::Wildcard) return;
      w.out.push_back({nullptr, container, key});
      return;
    }
    if (seg.kind == Segment::Kind::Field) {
      cur = cur->find(seg.key);
      continue;
    }
    if (seg.kind == Segment::Kind::Wildcard && cur->isObject()) {
      // A map wildcard: every member value, remembering its key (for forEach's elementKey).
      for (const json::Member& m : cur->asObject()) walk(w, k + 1, &m.value, container, &m.key);
      return;
    }
    if (!cur->isArray()) {
      cur = nullptr;
      continue;
    }
    Elements elems;
    elems.reserve(cur->asArray().size());
    for (const json::Value& e : cur->asArray()) elems.push_back(&e);
    walkElements(w, k, elems, isContainerList(path, k - 1), container, key);
    return;
  }
}

}  // namespace

const ContainerPointers& allContainersOf(const PathRoots& roots, ContainerPointers& scratch) {
  ContainerList* kept = roots.allContainers;
  ContainerPointers& list = kept ? kept->containers : scratch;
  if (kept && kept->found) return list;
  list.clear();
  forEachContainer(roots.pod, roots.podLayout, true, true,
                   [&](const json::Value& c) { list.push_back(&c); });
  if (kept) kept->found = true;
  return list;
}

std::string containerName(const json::Value& c, const PathRoots& roots) {
  if (const json::Value* n = c.find("name"); n && n->isString()) return std::string(n->asString());
  if (!roots.pod || !roots.podLayout) return {};
  for (const ContainerSlot& s : roots.podLayout->slots)
    if (!s.list && !s.defaultName.empty() && roots.pod->find(s.key) == &c)
      return std::string(s.defaultName);
  return {};
}

void readPath(const Path& path, const PathRoots& roots, Slots& out) {
  // The two common shapes, as walk() reads them: one slot, or one slot per container, holding
  // the value the fields lead to or nullptr from the first that is missing.
  const std::size_t n = path.segments.size();
  if (path.shape == Path::Shape::ContainerFields) {
    ContainerPointers scratch;
    for (const json::Value* c : allContainersOf(roots, scratch)) {
      const json::Value* v = c;
      for (std::size_t k = 2; v && k < n; ++k) v = v->find(path.segments[k].key);
      out.push_back({v, c, nullptr});
    }
    return;
  }
  const json::Value* start = nullptr;
  switch (path.root) {
    case Root::Object:
      start = roots.object;
      break;
    case Root::OldObject:
      start = roots.oldObject;
      break;
    case Root::Request:
      start = roots.request;
      break;
    case Root::Pod:
      start = roots.pod;
      break;
    case Root::PodMetadata:
      start = roots.podMetadata;
      break;
    case Root::Cluster:
      start = roots.cluster;
      break;
    case Root::Element:
      start = roots.element;
      break;
    case Root::ElementKey:
      start = roots.elementKey;
      break;
  }
  if (path.shape == Path::Shape::Fields) {
    for (std::size_t k = 0; start && k < n; ++k) start = start->find(path.segments[k].key);
    out.push_back({start, nullptr, nullptr});
    return;
  }
  const Walk w{path, roots, roots.podLayout, out};
  walk(w, 0, start, nullptr, nullptr);
}

}  // namespace billet::policy
