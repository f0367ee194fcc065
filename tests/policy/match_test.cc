#include <catch2/catch.hpp>

#include "policy/compiled.h"
#include "policy/loader_internal.h"
#include "policy/source.h"
#include "policy/workload.h"

using namespace billet::policy;
using billet::json::Value;

namespace {

struct Fixture {
  Settings settings;
  Value object;
  AdmissionRequest req;
};

bool matchesYaml(const std::string& matchYaml, const std::string& objectYaml,
                 const std::string& kind = "Deployment", Operation op = Operation::Create,
                 const std::string& ns = "ml-prod", const std::string& user = "alice",
                 std::vector<std::string> groups = {"ml-admins"}) {
  std::vector<LoadError> errors;
  Decoder d("m.yaml", errors);
  auto m = decodeMatch(d, YAML::Load(matchYaml), "match", true);
  for (auto& e : errors) UNSCOPED_INFO(e.format());
  REQUIRE(m);
  Settings settings;
  Value object = toValue(YAML::Load(objectYaml));
  AdmissionRequest req;
  req.kind = kind;
  req.operation = op;
  req.namespace_ = ns;
  req.username = user;
  req.groups = std::move(groups);
  req.object = &object;
  PathRoots roots;
  roots.object = &object;
  roots.pod = findPodSpec(object, kind);
  roots.podMetadata = findPodMetadata(object, kind);
  return matches(*m, MatchInput{req, settings, &object, roots});
}

const char* kDeploy = R"(
metadata: {name: gpu-executor, annotations: {billet.dev/tier: gpu-large}}
spec:
  replicas: 4
  template:
    metadata: {labels: {app.kubernetes.io/part-of: marie, tier: gpu}}
    spec:
      containers: [{name: scheduler, image: "nvcr.io/nvidia/cuda:12", resources: {limits: {nvidia.com/gpu: 1}}}]
      volumes: [{name: scratch, emptyDir: {}}]
)";

const char* kCpu = R"(
metadata: {name: web}
spec:
  template:
    metadata: {labels: {tier: web}}
    spec:
      containers: [{name: web, image: "nginx:1"}]
      volumes: [{name: shm, emptyDir: {medium: Memory}}]
)";

}  // namespace

TEST_CASE("kinds: Workloads expands to every pod controller") {
  CHECK(matchesYaml("{kinds: [Workloads]}", kDeploy, "CronJob"));
  CHECK(matchesYaml("{kinds: [Workloads]}", kDeploy, "ReplicationController"));
  CHECK_FALSE(matchesYaml("{kinds: [Workloads]}", "{}", "Node"));
  CHECK(matchesYaml("{kinds: [Node]}", "{}", "Node"));
}

TEST_CASE("operations default to CREATE and UPDATE") {
  CHECK(matchesYaml("{}", kDeploy, "Deployment", Operation::Update));
  CHECK_FALSE(matchesYaml("{}", kDeploy, "Deployment", Operation::Delete));
  CHECK(matchesYaml("{operations: [DELETE]}", kDeploy, "Deployment", Operation::Delete));
}

TEST_CASE("globs on namespaces, names, images, containers, users and groups") {
  CHECK(matchesYaml("{namespaces: ['ml-*']}", kDeploy));
  CHECK_FALSE(matchesYaml("{namespaces: ['ml-?']}", kDeploy));
  CHECK(matchesYaml("{names: ['*-executor']}", kDeploy));
  CHECK(matchesYaml("{images: ['nvcr.io/*']}", kDeploy));
  CHECK_FALSE(matchesYaml("{images: ['docker.io/*']}", kDeploy));
  CHECK(matchesYaml("{containerNames: [binder, scheduler]}", kDeploy));
  CHECK(matchesYaml("{users: ['ali*']}", kDeploy));
  CHECK_FALSE(matchesYaml("{users: ['system:serviceaccount:ci:*']}", kDeploy));
  CHECK(matchesYaml("{groups: [ml-admins]}", kDeploy));
  CHECK_FALSE(matchesYaml("{groups: [ops]}", kDeploy));
}

TEST_CASE("label selectors on the pod's labels, every operator") {
  CHECK(matchesYaml("{labels: {matchLabels: {app.kubernetes.io/part-of: marie}}}", kDeploy));
  CHECK(matchesYaml("{labels: {matchExpressions: [{key: tier, operator: In, values: [gpu]}]}}",
                    kDeploy));
  CHECK_FALSE(matchesYaml(
      "{labels: {matchExpressions: [{key: tier, operator: NotIn, values: [gpu]}]}}", kDeploy));
  CHECK(matchesYaml("{labels: {matchExpressions: [{key: team, operator: NotIn, values: [a]}]}}",
                    kDeploy));
  CHECK(matchesYaml("{labels: {matchExpressions: [{key: tier, operator: Exists}]}}", kDeploy));
  CHECK(
      matchesYaml("{labels: {matchExpressions: [{key: team, operator: DoesNotExist}]}}", kDeploy));
  CHECK_FALSE(
      matchesYaml("{labels: {matchExpressions: [{key: tier, operator: DoesNotExist}]}}", kDeploy));
}

TEST_CASE("annotations, gpu, localStorage, replicas and when") {
  CHECK(matchesYaml("{annotations: {billet.dev/tier: 'gpu*'}}", kDeploy));
  CHECK_FALSE(matchesYaml("{annotations: {billet.dev/tier: 'cpu*'}}", kDeploy));
  CHECK(matchesYaml("{gpu: true}", kDeploy));
  CHECK(matchesYaml("{gpu: false}", kCpu));
  CHECK(matchesYaml("{localStorage: true}", kDeploy));
  CHECK(matchesYaml("{localStorage: false}",
                    kCpu));  // emptyDir with medium Memory is not local storage
  CHECK(matchesYaml("{replicas: {min: 2}}", kDeploy));
  CHECK_FALSE(matchesYaml("{replicas: {min: 2}}", kCpu));  // absent replicas count as 1
  CHECK_FALSE(matchesYaml("{replicas: {max: 3}}", kDeploy));
  CHECK_FALSE(matchesYaml("{replicas: {min: 1}}", kDeploy, "Pod"));
  CHECK(
      matchesYaml("{when: [{path: 'object.spec.replicas', op: GreaterThan, value: 3}]}", kDeploy));
  CHECK_FALSE(
      matchesYaml("{when: [{path: 'object.spec.replicas', op: GreaterThan, value: 4}]}", kDeploy));
}
