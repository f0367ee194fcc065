#include "policy/checks.h"
#include "policy/generate.h"
#include "policy/workload.h"

namespace billet::policy {
namespace {

class PodDisruptionBudgetGenerator final : public Generator {
 public:
  PodDisruptionBudgetGenerator(PodDisruptionBudgetSpec s, std::shared_ptr<const ClusterFacts> f)
      : spec_(std::move(s)), facts_(std::move(f)) {}

  GeneratorResult generate(const AdmissionRequest& req, const json::Value& object) const override {
    GeneratorResult out;
    if (req.kind != "Deployment" && req.kind != "StatefulSet") {
      out.skipReason = "only Deployments and StatefulSets get a PodDisruptionBudget";
      return out;
    }
    std::int64_t replicas = effectiveReplicas(object, req, facts_.get());
    if (replicas < spec_.minReplicas) {
      out.skipReason =
          "replicas " + std::to_string(replicas) + " < " + std::to_string(spec_.minReplicas);
      return out;
    }
    const json::Value* selector = dig(object, {"spec", "selector"});
    if (!selector || !selector->isObject() || selector->size() == 0) {
      out.skipReason = "the controller has no spec.selector";
      return out;
    }
    std::string name = expandMessage(spec_.nameTemplate, Violation{}, req, &object);
    // Built in storage of its final size: no lookups, no regrowth.
    using json::Member, json::Value;
    json::Object spec;
    spec.reserve(3);
    if (!spec_.minAvailable.isNull()) spec.push_back({"minAvailable", spec_.minAvailable});
    if (!spec_.maxUnavailable.isNull()) spec.push_back({"maxUnavailable", spec_.maxUnavailable});
    spec.push_back({"selector", *selector});
    Value labels = json::objectOf(Member{"app.kubernetes.io/managed-by", Value::string("billet")},
                                  Member{"billet.dev/policy", Value::string(spec_.policy)});
    Value meta = json::objectOf(Member{"name", Value::string(std::move(name))},
                                Member{"namespace", Value::string(req.namespace_)},
                                Member{"labels", std::move(labels)});
    Value pdb = json::objectOf(Member{"apiVersion", Value::string("policy/v1")},
                               Member{"kind", Value::string("PodDisruptionBudget")},
                               Member{"metadata", std::move(meta)},
                               Member{"spec", Value::object(std::move(spec))});
    out.object = std::move(pdb);
    return out;
  }

 private:
  PodDisruptionBudgetSpec spec_;
  std::shared_ptr<const ClusterFacts> facts_;
};

}  // namespace

std::unique_ptr<const Generator> makePodDisruptionBudget(
    PodDisruptionBudgetSpec spec, std::shared_ptr<const ClusterFacts> facts) {
  return std::make_unique<PodDisruptionBudgetGenerator>(std::move(spec), std::move(facts));
}

}  // namespace billet::policy
