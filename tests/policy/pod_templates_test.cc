// Pod templates (policy/pod_templates.h): where each kind keeps its pods, Settings.podTemplates,
// and the engine evaluating every template of an object.
#include <catch2/catch.hpp>

#include "json/patch.h"
#include "json/write.h"
#include "policy/engine.h"
#include "policy/policy_set.h"
#include "policy/source.h"

using namespace billet::policy;
using billet::json::Value;

namespace {

Value yaml(const std::string& text) {
  return toValue(YAML::Load(text));
}

std::vector<std::string> names(const Settings& s, const std::string& group, const std::string& kind,
                               const Value& object) {
  PodTemplates pods(s.podTemplates, group, kind, &object);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < pods.size(); ++i) out.push_back(pods[i].name);
  return out;
}

const char* kRay = R"(
apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: llm, namespace: ml}
spec:
  headGroupSpec:
    template:
      metadata: {labels: {app: llm}}
      spec:
        containers: [{name: head, image: "rayproject/ray:2.40.0", resources: {requests: {cpu: "2", memory: 8Gi}, limits: {cpu: "2", memory: 8Gi}}}]
  workerGroupSpecs:
    - groupName: cpu
      template:
        spec:
          containers: [{name: worker, image: "rayproject/ray:2.40.0", resources: {requests: {cpu: "4", memory: 8Gi}, limits: {cpu: "4", memory: 8Gi}}}]
    - groupName: gpu
      template:
        spec:
          containers:
            - {name: worker, image: "rayproject/ray:2.40.0-gpu", resources: {requests: {cpu: "8", memory: 32Gi}, limits: {cpu: "8", memory: 32Gi, nvidia.com/gpu: "1"}}}
            - {name: log-shipper, image: "fluent/fluent-bit:3.1"}
)";

const char* kGpuPolicy = R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: gpu}
spec:
  match: {kinds: [Workloads], gpu: true}
  rules:
    - name: placement
      mutate:
        tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
        labels: {billet.dev/gpu: "true"}
    - name: limits
      validate:
        message: 'container "{container}" needs a cpu limit'
        require: [{path: 'pod.containers[*].resources.limits.cpu', op: Exists}]
)";

struct Run {
  MutateOutcome m;
  ValidateOutcome v;
  Value patch;
};

Run run(const PolicySet& set, const Value& object, const std::string& group,
        const std::string& kind) {
  AdmissionRequest req;
  req.group = group;
  req.kind = kind;
  req.namespace_ = "ml";
  req.object = &object;
  Run r;
  r.m = mutate(set, req, {});
  r.patch = billet::json::diff(object, r.m.object);
  req.object = &r.m.object;
  r.v = validate(set, req, {});
  // Converged: the policies applied to their own output change nothing.
  AdmissionRequest again = req;
  MutateOutcome second = mutate(set, again, {});
  CHECK(billet::json::diff(r.m.object, second.object).size() == 0);
  return r;
}

std::shared_ptr<const PolicySet> load(const std::string& text) {
  LoadResult r = loadPoliciesFromText("p.yaml", text);
  for (const LoadError& e : r.errors) UNSCOPED_INFO(e.format());
  REQUIRE(r.ok());
  return r.set;
}

}  // namespace

TEST_CASE("pod templates: each template a kind's paths reach, named where it is") {
  Settings s;
  Value ray = yaml(kRay);
  CHECK(names(s, "ray.io", "RayCluster", ray) ==
        std::vector<std::string>{"spec.headGroupSpec.template",
                                 "spec.workerGroupSpecs[groupName=cpu].template",
                                 "spec.workerGroupSpecs[groupName=gpu].template"});
  // Another group's RayCluster is not KubeRay's: no pods.
  PodTemplates other(s.podTemplates, "example.com", "RayCluster", &ray);
  CHECK_FALSE(other.kindHasPods());
  CHECK(other.size() == 0);

  Value pytorch = yaml(R"(
spec:
  pytorchReplicaSpecs:
    Master: {replicas: 1, template: {spec: {containers: [{name: pytorch, image: x}]}}}
    Worker: {replicas: 3, template: {spec: {containers: [{name: pytorch, image: x}]}}}
)");
  CHECK(names(s, "kubeflow.org", "PyTorchJob", pytorch) ==
        std::vector<std::string>{"spec.pytorchReplicaSpecs.Master.template",
                                 "spec.pytorchReplicaSpecs.Worker.template"});

  // Volcano's Job has tasks; batch/v1's has one template and no name in messages.
  Value volcano = yaml(R"(
spec:
  tasks:
    - {name: ps, replicas: 1, template: {spec: {containers: [{name: ps, image: x}]}}}
    - {replicas: 2, template: {spec: {containers: [{name: worker, image: x}]}}}
)");
  CHECK(names(s, "batch.volcano.sh", "Job", volcano) ==
        std::vector<std::string>{"spec.tasks[name=ps].template", "spec.tasks[1].template"});
  PodTemplates batch(s.podTemplates, "batch", "Job", &volcano);
  REQUIRE(batch.size() == 1);
  CHECK(batch[0].name.empty());
  CHECK(podSpecOf(volcano, &batch[0]) == nullptr);  // spec.template.spec: not there

  // Argo: only templates that run a pod; steps and dag templates do not.
  Value wf = yaml(R"(
spec:
  templates:
    - {name: main, steps: [[{name: a, template: a}]]}
    - {name: a, container: {image: x}}
    - {name: b, script: {image: x, source: "true"}}
    - {name: c, containerSet: {containers: [{name: one, image: x}]}}
    - {name: d, resource: {action: create, manifest: "{}"}}
)");
  CHECK(names(s, "argoproj.io", "Workflow", wf) ==
        std::vector<std::string>{"spec.templates[name=a]", "spec.templates[name=b]",
                                 "spec.templates[name=c]"});

  // LeaderWorkerSet's leader template is optional.
  Value lws = yaml(R"(
spec: {leaderWorkerTemplate: {size: 4, workerTemplate: {spec: {containers: [{name: w, image: x}]}}}}
)");
  CHECK(names(s, "leaderworkerset.x-k8s.io", "LeaderWorkerSet", lws) ==
        std::vector<std::string>{"spec.leaderWorkerTemplate.workerTemplate"});

  // A Deployment: one template, found or created where it belongs.
  Value deploy = yaml("{spec: {replicas: 2}}");
  PodTemplates d(s.podTemplates, "apps", "Deployment", &deploy);
  REQUIRE(d.size() == 1);
  REQUIRE(ensurePodSpec(deploy, &d[0]));
  CHECK(billet::json::write(deploy) == R"({"spec":{"replicas":2,"template":{"spec":{}}}})");
}

TEST_CASE("pod templates: each is matched, mutated and checked on its own") {
  auto set = load(kGpuPolicy);
  Value ray = yaml(kRay);
  Run r = run(*set, ray, "ray.io", "RayCluster");
  // Only the GPU worker group is a GPU pod.
  CHECK(
      billet::json::write(r.patch) ==
      R"([{"op":"add","path":"/spec/workerGroupSpecs/1/template/spec/tolerations","value":[{"key":"nvidia.com/gpu","operator":"Exists","effect":"NoSchedule"}]},)"
      R"({"op":"add","path":"/spec/workerGroupSpecs/1/template/metadata","value":{"labels":{"billet.dev/gpu":"true"}}}])");
  REQUIRE(r.v.denials.size() == 1);
  CHECK(r.v.denials[0] ==
        "gpu/limits: spec.workerGroupSpecs[groupName=gpu].template: container \"log-shipper\" "
        "needs a cpu limit");

  // The same pod as a Deployment: messages as they always were.
  Value deploy = yaml(R"(
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - {name: worker, image: x, resources: {limits: {cpu: "8", nvidia.com/gpu: "1"}}}
        - {name: log-shipper, image: y}
)");
  Run d = run(*set, deploy, "apps", "Deployment");
  REQUIRE(d.v.denials.size() == 1);
  CHECK(d.v.denials[0] == "gpu/limits: container \"log-shipper\" needs a cpu limit");
}

TEST_CASE("pod templates: Argo templates and KServe components keep containers of their own") {
  auto set = load(kGpuPolicy);
  Value wf = yaml(R"(
apiVersion: argoproj.io/v1alpha1
kind: Workflow
spec:
  templates:
    - {name: main, steps: [[{name: train, template: train}]]}
    - name: train
      container: {image: x, resources: {limits: {cpu: "4", nvidia.com/gpu: "1"}}}
      sidecars: [{name: exporter, image: y}]
)");
  Run r = run(*set, wf, "argoproj.io", "Workflow");
  CHECK(
      billet::json::write(r.patch) ==
      R"([{"op":"add","path":"/spec/templates/1/tolerations","value":[{"key":"nvidia.com/gpu","operator":"Exists","effect":"NoSchedule"}]},)"
      R"({"op":"add","path":"/spec/templates/1/metadata","value":{"labels":{"billet.dev/gpu":"true"}}}])");
  REQUIRE(r.v.denials.size() == 1);
  CHECK(r.v.denials[0] ==
        "gpu/limits: spec.templates[name=train]: container \"exporter\" needs a cpu limit");

  // An unnamed main container is called by the name Argo gives it.
  Value script = yaml(R"(
spec:
  templates:
    - {name: infer, script: {image: x, source: "true", resources: {limits: {nvidia.com/gpu: "1"}}}}
)");
  Run s = run(*set, script, "argoproj.io", "Workflow");
  REQUIRE(s.v.denials.size() == 1);
  CHECK(s.v.denials[0] ==
        "gpu/limits: spec.templates[name=infer]: container \"main\" needs a cpu limit");

  Value isvc = yaml(R"(
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
spec:
  predictor:
    model: {modelFormat: {name: huggingface}, resources: {limits: {cpu: "6", nvidia.com/gpu: "1"}}}
  transformer:
    containers: [{name: kserve-container, image: z, resources: {limits: {cpu: "1"}}}]
)");
  Run k = run(*set, isvc, "serving.kserve.io", "InferenceService");
  // The predictor's labels sit beside its pod spec.
  CHECK(
      billet::json::write(k.patch) ==
      R"([{"op":"add","path":"/spec/predictor/tolerations","value":[{"key":"nvidia.com/gpu","operator":"Exists","effect":"NoSchedule"}]},)"
      R"({"op":"add","path":"/spec/predictor/labels","value":{"billet.dev/gpu":"true"}}])");
  CHECK(k.v.denials.empty());
}

TEST_CASE("pod templates: set reaches pod.containers of any layout") {
  auto set = load(R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: pull}
spec:
  match: {kinds: [Workloads]}
  rules:
    - name: always
      mutate:
        set: [{path: 'pod.containers[*].imagePullPolicy', value: Always}]
)");
  Value wf = yaml(R"(
spec:
  templates:
    - {name: a, script: {image: x, source: "true"}, sidecars: [{name: s, image: y}]}
)");
  Run r = run(*set, wf, "argoproj.io", "Workflow");
  CHECK(billet::json::write(r.patch) ==
        R"([{"op":"add","path":"/spec/templates/0/script/imagePullPolicy","value":"Always"},)"
        R"({"op":"add","path":"/spec/templates/0/sidecars/0/imagePullPolicy","value":"Always"}])");
}

TEST_CASE("Settings.podTemplates adds kinds, replaces built-in entries, and is checked") {
  std::string policy = R"(
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: label}
spec:
  match: {kinds: [Workloads]}
  rules:
    - name: team
      mutate: {labels: {team: ml}}
)";
  auto set = load(R"(
apiVersion: billet.dev/v1alpha1
kind: Settings
metadata: {name: billet}
spec:
  podTemplates:
    - {group: example.com, kind: Trainer, paths: ['spec.launcher.template', 'spec.workers[*].template']}
    - {group: ray.io, kind: RayCluster, paths: ['spec.headGroupSpec.template']}
    - {group: kubeflow.org, kind: PyTorchJob, paths: []}
)" + policy);
  Value trainer = yaml(R"(
spec:
  launcher: {template: {spec: {containers: [{name: l, image: x}]}}}
  workers: [{template: {spec: {containers: [{name: w, image: x}]}}}]
)");
  Run t = run(*set, trainer, "example.com", "Trainer");
  CHECK(t.patch.size() == 2);
  // RayCluster: only the head now.
  Run r = run(*set, yaml(kRay), "ray.io", "RayCluster");
  REQUIRE(r.patch.size() == 1);
  CHECK(r.patch.asArray()[0].find("path")->asString() ==
        "/spec/headGroupSpec/template/metadata/labels/team");
  // PyTorchJob: turned off; its own labels are not a pod's.
  Value job = yaml(
      "{metadata: {name: j}, spec: {pytorchReplicaSpecs: {Worker: {template: {spec: {containers: "
      "[{name: p, image: x}]}}}}}}");
  Run p = run(*set, job, "kubeflow.org", "PyTorchJob");
  CHECK(p.patch.size() == 0);

  LoadResult bad = loadPoliciesFromText("s.yaml", R"(
apiVersion: billet.dev/v1alpha1
kind: Settings
metadata: {name: billet}
spec:
  podTemplates:
    - {group: apps, kind: Deployment, paths: [spec.template]}
    - {group: example.com, kind: Trainer, paths: ['spec.workers[*'], extra: 1}
    - {group: example.com, kind: Other, paths: ['spec.a[']}
    - {group: example.com, kind: Third, paths: ['.spec']}
    - {group: example.com, kind: Other, paths: []}
)");
  std::vector<std::string> errors;
  for (const LoadError& e : bad.errors) errors.push_back(e.format());
  CHECK(errors ==
        std::vector<std::string>{
            "s.yaml:7:27: spec.podTemplates[0].kind: billet finds the pods of Deployment by "
            "itself; podTemplates is for other kinds",
            "s.yaml:8:51: spec.podTemplates[1].paths[0]: unterminated [ at offset 12",
            "s.yaml:8:70: spec.podTemplates[1].extra: unknown field \"extra\" (expected one of "
            "group, kind, paths)",
            "s.yaml:9:49: spec.podTemplates[2].paths[0]: unterminated [ at offset 6",
            "s.yaml:10:49: spec.podTemplates[3].paths[0]: a path from the object, e.g. "
            "spec.template (got \".spec\")",
            "s.yaml:11:34: spec.podTemplates[4].kind: a second entry for example.com/Other"});
}

TEST_CASE("pod templates: a path whose own text says \"offset \" is an error, not a crash") {
  // The error's offset is rewritten to count from the text as written; "offset " inside a bad
  // index is the user's text, left as it is (this used to throw from std::stoul).
  LoadResult bad = loadPoliciesFromText("s.yaml", R"(
apiVersion: billet.dev/v1alpha1
kind: Settings
metadata: {name: billet}
spec:
  podTemplates:
    - {group: example.com, kind: Thing, paths: ['spec.x[offset y]']}
    - {group: example.com, kind: Other, paths: ['spec.x[offset 3]']}
)");
  std::vector<std::string> errors;
  for (const LoadError& e : bad.errors) errors.push_back(e.format());
  CHECK(errors == std::vector<std::string>{
                      "s.yaml:7:49: spec.podTemplates[0].paths[0]: bad index [offset y] (expected "
                      "a number, *, name=value or \"key\")",
                      "s.yaml:8:49: spec.podTemplates[1].paths[0]: bad index [offset 3] (expected "
                      "a number, *, name=value or \"key\")"});
}
