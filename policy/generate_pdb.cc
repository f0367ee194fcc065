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
    json::Value pdb = json::Value::object();
    pdb.set("apiVersion", json::Value::string("policy/v1"));
    pdb.set("kind", json::Value::string("PodDisruptionBudget"));
    json::Value& meta = pdb["metadata"];
    meta.set("name", json::Value::string(name));
    meta.set("namespace", json::Value::string(req.namespace_));
    json::Value& labels = meta["labels"];
    labels.set("app.kubernetes.io/managed-by", json::Value::string("billet"));
    labels.set("billet.dev/policy", json::Value::string(spec_.policy));
    json::Value& spec = pdb["spec"];
    if (!spec_.minAvailable.isNull()) spec.set("minAvailable", spec_.minAvailable);
    if (!spec_.maxUnavailable.isNull()) spec.set("maxUnavailable", spec_.maxUnavailable);
    spec.set("selector", *selector);
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
