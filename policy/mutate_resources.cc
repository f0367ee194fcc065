// Container requests and limits: the `resources` action, shared with ServiceGroups.
#include "policy/actions.h"
#include "policy/glob.h"
#include "policy/quantity.h"
#include "policy/workload.h"

namespace billet::policy {
namespace {

bool sameQuantity(const json::Value& cur, const std::string& want) {
  if (!cur.isScalar()) return false;
  std::string t = cur.scalarText();
  if (t == want) return true;
  auto a = Quantity::parse(t);
  auto b = Quantity::parse(want);
  return a && b && compare(*a, *b) == 0;
}

std::string containerName(const json::Value& c) {
  const json::Value* n = c.find("name");
  return n && n->isString() ? std::string(n->asString()) : "";
}

// Sets list[key] = value when missing, or when different and overwriting.
bool ensureQuantity(json::Value& list, const std::string& key, const std::string& value,
                    bool overwrite) {
  // A null quantity (what a Helm template renders for an empty value) is one nobody set.
  json::Value* cur = list.find(key);
  if (cur && !cur->isNull() && (!overwrite || sameQuantity(*cur, value))) return false;
  list.set(key, json::Value::string(value));
  return true;
}

class ResourcesAction final : public MutateAction {
 public:
  explicit ResourcesAction(ResourcesSpec s) : spec_(std::move(s)) {}
  void apply(MutateContext& ctx) const override {
    json::Value* pod = ctx.ensurePodSpec();
    if (!pod) return;
    bool overwrite = spec_.overwrite.value_or(ctx.overwrite);
    forEachContainer(pod, ctx.podLayout(), spec_.initContainers, false, [&](json::Value& c) {
      if (!globAny(spec_.containers, containerName(c))) return;
      if (ensureContainerResources(c, spec_.requests, spec_.limits, spec_.limitsFromRequests,
                                   overwrite, ctx.notes))
        ctx.changed = true;
    });
  }

 private:
  ResourcesSpec spec_;
};

}  // namespace

bool ensureContainerResources(json::Value& container, const StringPairs& requests,
                              const StringPairs& limits, bool limitsFromRequests, bool overwrite,
                              std::vector<std::string>& notes) {
  // Work on a copy of `resources` and write it back only when something changed, so a no-op
  // leaves no trace (not even an empty `resources: {}`).
  const json::Value* existing = container.find("resources");
  json::Value res = existing && existing->isObject() ? *existing : json::Value::object();
  bool changed = false;
  auto list = [&](const char* name) -> json::Value& {
    json::Value* l = res.find(name);
    if (!l || !l->isObject()) l = &res.set(name, json::Value::object());
    return *l;
  };
  for (const auto& [k, v] : requests) changed |= ensureQuantity(list("requests"), k, v, overwrite);
  for (const auto& [k, v] : limits) changed |= ensureQuantity(list("limits"), k, v, overwrite);
  if (limitsFromRequests) {
    if (const json::Value* req = res.find("requests"); req && req->isObject()) {
      json::Value reqCopy = *req;
      for (const json::Member& m : reqCopy.asObject()) {
        // Only a request that is a quantity is copied (a null one is not set, and its text
        // would be a limit the API server refuses); a null limit is one still to fill.
        if (!(m.value.isString() || m.value.isNumber()) || !Quantity::parse(m.value.scalarText()))
          continue;
        json::Value& l = list("limits");
        const json::Value* have = l.find(m.key);
        if (!have || have->isNull()) {
          l.set(m.key, json::Value::string(m.value.scalarText()));
          changed = true;
        }
      }
    }
  }
  if (!changed) return false;
  // Kubernetes rejects a request above its limit: raise such limits to the request.
  json::Value* lim = res.find("limits");
  const json::Value* req = res.find("requests");
  if (req && lim && req->isObject() && lim->isObject()) {
    for (const json::Member& m : req->asObject()) {
      json::Value* l = lim->find(m.key);
      if (!l || !l->isScalar() || !m.value.isScalar()) continue;
      auto rq = Quantity::parse(m.value.scalarText());
      auto lq = Quantity::parse(l->scalarText());
      if (rq && lq && compare(*lq, *rq) < 0) {
        notes.push_back("container \"" + containerName(container) + "\": limits." + m.key.str() +
                        " " + l->scalarText() + " raised to its request " + m.value.scalarText());
        *l = json::Value::string(m.value.scalarText());
      }
    }
  }
  container.set("resources", std::move(res));
  return true;
}

std::unique_ptr<const MutateAction> makeResources(ResourcesSpec s) {
  return std::make_unique<ResourcesAction>(std::move(s));
}

}  // namespace billet::policy
