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
    // Built member by member into storage of its final size: no lookups, no regrowth.
    json::Object labels;
    labels.reserve(2);
    labels.push_back({"app.kubernetes.io/managed-by", json::Value::string("billet")});
    labels.push_back({"billet.dev/policy", json::Value::string(spec_.policy)});
    json::Object meta;
    meta.reserve(3);
    meta.push_back({"name", json::Value::string(std::move(name))});
    meta.push_back({"namespace", json::Value::string(req.namespace_)});
    meta.push_back({"labels", json::Value::object(std::move(labels))});
    json::Object spec;
    spec.reserve(3);
    if (!spec_.minAvailable.isNull()) spec.push_back({"minAvailable", spec_.minAvailable});
    if (!spec_.maxUnavailable.isNull()) spec.push_back({"maxUnavailable", spec_.maxUnavailable});
    spec.push_back({"selector", *selector});
    json::Object members;
    members.reserve(4);
    members.push_back({"apiVersion", json::Value::string("policy/v1")});
    members.push_back({"kind", json::Value::string("PodDisruptionBudget")});
    members.push_back({"metadata", json::Value::object(std::move(meta))});
    members.push_back({"spec", json::Value::object(std::move(spec))});
    json::Value pdb = json::Value::object(std::move(members));
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
