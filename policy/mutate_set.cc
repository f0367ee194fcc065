// `set` (a value at a path, parents created) and `patch` (raw RFC 6902, the escape hatch).
#include <optional>

#include "json/patch.h"
#include "policy/actions.h"
#include "policy/workload.h"

namespace billet::policy {
namespace {

void ensureEach(const std::vector<json::Value*>& elems, const SetItem& item, std::size_t k,
                bool overwrite, MutateContext& ctx);

// Walks `path` from segment k, creating missing object parents, and ensures the value at the end.
void ensureAt(json::Value& cur, const SetItem& item, std::size_t k, bool overwrite,
              MutateContext& ctx) {
  // pod.containers[...] of a pod spec that keeps its containers elsewhere (pod_layout.h).
  const PodLayout* layout = ctx.podLayout();
  if (k == 0 && item.path.root == Root::Pod && layout && !layout->standard() &&
      item.path.segments.size() > 1 && item.path.segments[0].kind == Segment::Kind::Field &&
      item.path.segments[1].kind != Segment::Kind::Field) {
    const std::string& key = item.path.segments[0].key;
    std::optional<ContainerGroup> group;
    if (key == "containers") group = ContainerGroup::Main;
    if (key == "initContainers") group = ContainerGroup::Init;
    if (key == "ephemeralContainers") group = ContainerGroup::Ephemeral;
    if (group) {
      std::vector<json::Value*> elems;
      forEachContainerOf(&cur, layout, *group, [&](json::Value& c) { elems.push_back(&c); });
      ensureEach(elems, item, 1, overwrite, ctx);
      return;
    }
  }
  const auto& segs = item.path.segments;
  if (k == segs.size()) {
    if (!cur.isNull() && (!overwrite || cur == item.value)) return;
    cur = item.value;
    ctx.changed = true;
    return;
  }
  const Segment& seg = segs[k];
  switch (seg.kind) {
    case Segment::Kind::Field: {
      if (!cur.isObject()) {
        if (!cur.isNull()) return;  // a scalar or list in the way: not ours to replace
        cur = json::Value::object();
      }
      json::Value* next = cur.find(seg.key);
      if (!next) {
        // Build the new branch aside and attach it only if something ends up set.
        json::Value fresh;
        MutateContext probe = ctx;
        probe.changed = false;
        ensureAt(fresh, item, k + 1, overwrite, probe);
        if (probe.changed) {
          cur.set(seg.key, std::move(fresh));
          ctx.changed = true;
        }
        return;
      }
      ensureAt(*next, item, k + 1, overwrite, ctx);
      return;
    }
    case Segment::Kind::AllContainers: {
      std::vector<json::Value*> elems;
      forEachContainer(&cur, ctx.podLayout(), true, true,
                       [&](json::Value& c) { elems.push_back(&c); });
      ensureEach(elems, item, k + 1, overwrite, ctx);
      return;
    }
    default:
      break;
  }
  if (!cur.isArray()) return;
  std::vector<json::Value*> elems;
  for (json::Value& e : cur.asArray()) elems.push_back(&e);
  ensureEach(elems, item, k, overwrite, ctx);
}

// Applies the element selector at segment k ([*], [N], [key=value]) to `elems`.
void ensureEach(const std::vector<json::Value*>& elems, const SetItem& item, std::size_t k,
                bool overwrite, MutateContext& ctx) {
  const Segment& seg = item.path.segments[k];
  for (std::size_t i = 0; i < elems.size(); ++i) {
    const json::Value* key = seg.kind == Segment::Kind::Select ? elems[i]->find(seg.key) : nullptr;
    bool take = seg.kind == Segment::Kind::Wildcard ||
                (seg.kind == Segment::Kind::Index && seg.index == i) ||
                (key && key->isScalar() && key->scalarText() == seg.value);
    if (take) ensureAt(*elems[i], item, k + 1, overwrite, ctx);
  }
}

class SetAction final : public MutateAction {
 public:
  explicit SetAction(std::vector<SetItem> items) : items_(std::move(items)) {}
  void apply(MutateContext& ctx) const override {
    for (const SetItem& item : items_) {
      json::Value* root = nullptr;
      switch (item.path.root) {
        case Root::Object:
          root = &ctx.object;
          break;
        case Root::Pod:
          root = ctx.ensurePodSpec();
          break;
        case Root::PodMetadata:
          root = ctx.ensurePodMetadata();
          break;
        default:
          break;  // rejected at load
      }
      if (!root) continue;
      ensureAt(*root, item, 0, item.overwrite.value_or(ctx.overwrite), ctx);
    }
  }

 private:
  std::vector<SetItem> items_;
};

class PatchAction final : public MutateAction {
 public:
  explicit PatchAction(json::Value ops) : ops_(std::move(ops)) {}
  // The operations apply to a copy, swapped in only when all of them applied: a patch that
  // fails half-way leaves nothing of itself.
  void apply(MutateContext& ctx) const override {
    json::Value copy = json::Value::copySharingOriginals(ctx.object);
    if (std::string error = json::apply(copy, ops_); !error.empty()) {
      ctx.error = "patch: " + error;
      return;
    }
    if (copy != ctx.object) {
      ctx.object = std::move(copy);
      ctx.changed = true;
    }
  }
  bool canFail() const override { return true; }

 private:
  json::Value ops_;
};

}  // namespace

std::unique_ptr<const MutateAction> makeSet(std::vector<SetItem> items) {
  return std::make_unique<SetAction>(std::move(items));
}
std::unique_ptr<const MutateAction> makePatch(json::Value ops) {
  return std::make_unique<PatchAction>(std::move(ops));
}

}  // namespace billet::policy
