// Labels and annotations, on the pod (template) or on the object itself.
#include "policy/actions.h"
#include "policy/workload.h"

namespace billet::policy {
namespace {

class MetadataAction final : public MutateAction {
 public:
  explicit MetadataAction(MetadataSpec s) : spec_(std::move(s)) {}
  void apply(MutateContext& ctx) const override {
    // Kinds without a pod (Node, ...) carry them on their own metadata.
    json::Value* meta = nullptr;
    if (!spec_.targetObject && ctx.kindHasPods)
      meta = ctx.ensurePodMetadata();
    else
      meta = &ctx.object["metadata"];
    if (!meta) return;
    const char* field = spec_.labels ? "labels" : "annotations";
    for (const auto& [k, v] : spec_.values) {
      json::Value* map = meta->find(field);
      if (!map || !map->isObject()) map = &meta->set(field, json::Value::object());
      // A null value is one nobody set (the API server would store it as "").
      json::Value* cur = map->find(k);
      if (cur && !cur->isNull() && (!ctx.overwrite || (cur->isString() && cur->asString() == v)))
        continue;
      if (cur)
        *cur = json::Value::string(v);
      else
        map->set(k, json::Value::string(v));
      ctx.changed = true;
    }
  }

 private:
  MetadataSpec spec_;
};

}  // namespace

std::unique_ptr<const MutateAction> makeMetadata(MetadataSpec s) {
  return std::make_unique<MetadataAction>(std::move(s));
}

}  // namespace billet::policy
