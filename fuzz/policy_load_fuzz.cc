// Fuzz target for the policy loader: any text as a policy file.
//
// Loading must succeed or fail with errors that are each one line naming the file; it never
// crashes or hangs. A set that loads is then evaluated against a GPU Deployment, so compiled
// paths, conditions and actions run too; diff(object, mutated) must reproduce the mutation, and
// evaluating with --explain (which follows the object rule by rule) must give the same answer.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "admission/evaluation.h"
#include "json/patch.h"
#include "json/write.h"
#include "policy/engine.h"
#include "policy/policy_set.h"
#include "policy/source.h"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "policy_load_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

const char* kDeployment = R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: gpu-executor, namespace: ml-prod, labels: {app: gpu-executor}}
spec:
  replicas: 4
  selector: {matchLabels: {app: gpu-executor}}
  template:
    metadata: {labels: {app: gpu-executor}}
    spec:
      containers:
        - {name: marie, image: "marieai/marie:3.0-cuda", resources: {limits: {nvidia.com/gpu: "1"}}}
        - {name: log-shipper, image: "fluent/fluent-bit:2.2"}
      volumes: [{name: scratch, emptyDir: {}}]
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace billet;
  std::string text(reinterpret_cast<const char*>(data), size);
  policy::LoadResult loaded = policy::loadPoliciesFromText("fuzz.yaml", text);
  for (const policy::LoadError& e : loaded.errors) {
    std::string line = e.format();
    if (line.rfind("fuzz.yaml", 0) != 0 || line.find('\n') != std::string::npos)
      fail("an error must be one line starting with the file name", line);
  }
  if (!loaded.ok()) return 0;
  static const json::Value object = policy::toValue(YAML::Load(kDeployment));
  policy::AdmissionRequest req;
  req.uid = "fuzz";
  req.group = "apps";
  req.version = "v1";
  req.kind = "Deployment";
  req.namespace_ = "ml-prod";
  req.name = "gpu-executor";
  req.object = &object;
  admission::Evaluation e = admission::evaluate(*loaded.set, req, admission::Stages::kAll);
  // The patch /mutate sends is the writing of diffFromCopy (it may not parse back: a policy's
  // YAML can carry bytes that are not UTF-8), which applied to the object gives the mutated one.
  const json::Value operations = json::diffFromCopy(object, e.object);
  if (json::write(operations) != e.mutate.patch ||
      (operations.size() > 0) != (e.mutate.patchOperations > 0))
    fail("the patch text is not the writing of its operations", e.mutate.patch);
  json::Value patched = object;
  if (!json::apply(patched, operations).empty() || patched != e.object)
    fail("the patch does not reproduce the mutated object", "");
  policy::EvalOptions explain;
  explain.explain = true;
  const admission::Evaluation x =
      admission::evaluate(*loaded.set, req, admission::Stages::kAll, explain);
  if (x.object != e.object || x.mutate.patch != e.mutate.patch ||
      x.mutate.allowed != e.mutate.allowed || x.validate.allowed != e.validate.allowed ||
      x.validate.message != e.validate.message || x.results.size() != e.results.size())
    fail("--explain changed the answer", e.validate.message + "\n" + x.validate.message);
  for (std::size_t i = 0; i < e.results.size(); ++i) {
    const policy::RuleResult &a = e.results[i], &b = x.results[i];
    if (a.policy != b.policy || a.rule != b.rule || a.outcome != b.outcome ||
        a.message != b.message)
      fail("--explain changed a rule's result", a.policy + "/" + a.rule + ": " + a.message);
  }
  for (const policy::Change& c : x.changes)
    if (c.op != "add" && c.op != "replace" && c.op != "remove")
      fail("--explain recorded an operation that is not a change", c.op + " " + c.pointer);
  return 0;
}
