// Scaling a Deployment or StatefulSet through its scale subresource (admission/scale.h): the
// request recognised, the workload evaluated at the Scale's replica count as an UPDATE, and the
// answer without the workload.
#include "admission/scale.h"

#include <catch2/catch.hpp>
#include <string>

#include "json/parse.h"
#include "json/write.h"
#include "policy/policy_set.h"

using namespace billet;
using json::Value;

namespace {

const char* kPolicies = R"(
apiVersion: billet.dev/v1alpha1
kind: Settings
metadata: {name: billet}
spec: {excludeNamespaces: [kube-system, quiet]}
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: ha}
spec:
  match: {kinds: [Deployment, StatefulSet]}
  rules:
    - name: spread
      match: {kinds: [Deployment], replicas: {min: 2}}
      mutate:
        antiAffinity: {mode: preferred, topologyKey: kubernetes.io/hostname, weight: 100}
    - name: pdb
      generate:
        podDisruptionBudget: {minAvailable: 1, minReplicas: 2}
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: limits}
spec:
  match: {kinds: [Deployment, StatefulSet]}
  rules:
    - name: at-most-five
      validate:
        message: "replicas {value} is over 5"
        deny: [{path: object.spec.replicas, op: GreaterThan, value: 5}]
)";

const char* kDeployment = R"({
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "web", "namespace": "shop", "uid": "d-uid"},
  "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
           "template": {"metadata": {"labels": {"app": "web"}},
                        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}})";

std::shared_ptr<const policy::PolicySet> policies() {
  static const auto set = [] {
    policy::LoadResult r = policy::loadPoliciesFromText("p.yaml", kPolicies);
    REQUIRE(r.ok());
    return r.set;
  }();
  return set;
}

Value parse(const std::string& text) {
  auto r = json::parse(text);
  REQUIRE(r.ok());
  return r.value;
}

// The AdmissionReview the API server sends for `kubectl scale`.
std::string scaleReview(const std::string& resource, const std::string& name, const std::string& ns,
                        int from, int to, bool dryRun = false,
                        const std::string& subResource = "scale",
                        const std::string& operation = "UPDATE") {
  auto scale = [&](int n) {
    return R"({"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":")" + name +
           R"(","namespace":")" + ns + R"("},"spec":{"replicas":)" + std::to_string(n) +
           R"(},"status":{"replicas":)" + std::to_string(from) + R"(,"selector":"app=web"}})";
  };
  return R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{)"
         R"("uid":"u-1","kind":{"group":"autoscaling","version":"v1","kind":"Scale"},)"
         R"("resource":{"group":"apps","version":"v1","resource":")" +
         resource + R"("},"subResource":")" + subResource + R"(","name":")" + name +
         R"(","namespace":")" + ns + R"(","operation":")" + operation +
         R"(","userInfo":{"username":"alice"},"object":)" + scale(to) + R"(,"oldObject":)" +
         scale(from) + R"(,"dryRun":)" + (dryRun ? "true" : "false") + "}}";
}

struct Answer {
  admission::AdmissionReply reply;
  Value response;
};

// answerScale with the workload read from the cluster (nullptr: not read).
Answer scaled(const std::string& body, const Value* workload, std::string_view unread = "") {
  admission::Review review;
  REQUIRE(admission::readReview(body, review).empty());
  std::optional<admission::ScaleTarget> target = admission::scaleTarget(review);
  REQUIRE(target);
  Answer a{admission::answerScale(*policies(), review, *target, workload, unread), {}};
  REQUIRE(a.reply.status == 200);
  a.response = *parse(a.reply.body).find("response");
  return a;
}

std::vector<std::string> warningsOf(const Value& response) {
  std::vector<std::string> out;
  if (const Value* w = response.find("warnings"))
    for (const Value& s : w->asArray()) out.emplace_back(s.asString());
  return out;
}

}  // namespace

TEST_CASE("a scale of a Deployment or StatefulSet names its workload") {
  admission::Review review;
  REQUIRE(admission::readReview(scaleReview("statefulsets", "db", "shop", 1, 3), review).empty());
  std::optional<admission::ScaleTarget> t = admission::scaleTarget(review);
  REQUIRE(t);
  CHECK(t->apiVersion == "apps/v1");
  CHECK(t->kind == "StatefulSet");
  CHECK(t->namespace_ == "shop");
  CHECK(t->name == "db");
  CHECK(t->replicas.scalarText() == "3");
  CHECK(t->oldReplicas.scalarText() == "1");
}

TEST_CASE("other subresources and resources are not scales of a workload") {
  for (const std::string& body : {scaleReview("deployments", "web", "shop", 1, 3, false, "status"),
                                  scaleReview("replicasets", "web", "shop", 1, 3),
                                  scaleReview("deployments", "web", "shop", 1, 3, false, "")}) {
    admission::Review review;
    REQUIRE(admission::readReview(body, review).empty());
    CHECK_FALSE(admission::scaleTarget(review));
  }
}

TEST_CASE("without the workload, a scale is allowed with a warning saying so") {
  const std::string body = scaleReview("deployments", "web", "shop", 1, 3);
  admission::AdmissionReply v =
      admission::handleReview(*policies(), admission::Endpoint::Validate, body);
  REQUIRE(v.status == 200);
  Value response = *parse(v.body).find("response");
  CHECK(response.find("uid")->asString() == "u-1");
  CHECK(response.find("allowed")->asBool());
  CHECK(warningsOf(response) ==
        std::vector<std::string>{"billet could not evaluate Deployment web at 3 replicas: billet "
                                 "reads workloads only with --kube-api"});
  // Never a deny, even past the replicas max: billet does not know the workload.
  Answer over = scaled(scaleReview("deployments", "web", "shop", 1, 9), nullptr,
                       "GET apps/v1 deployments shop/web: 403 forbidden");
  CHECK(over.response.find("allowed")->asBool());
  CHECK(warningsOf(over.response) ==
        std::vector<std::string>{"billet could not evaluate Deployment web at 9 replicas: GET "
                                 "apps/v1 deployments shop/web: 403 forbidden"});
  // /mutate never changes a subresource.
  admission::AdmissionReply m =
      admission::handleReview(*policies(), admission::Endpoint::Mutate, body);
  CHECK(parse(m.body).find("response")->find("allowed")->asBool());
  CHECK_FALSE(parse(m.body).find("response")->find("patch"));
}

TEST_CASE("a scale in an excluded namespace is allowed without a warning") {
  Answer a = scaled(scaleReview("deployments", "web", "quiet", 1, 9), nullptr, "not read");
  CHECK(a.response.find("allowed")->asBool());
  CHECK_FALSE(a.response.find("warnings"));
  admission::Review review;
  REQUIRE(admission::readReview(scaleReview("deployments", "web", "quiet", 1, 9), review).empty());
  CHECK(admission::scaleIgnored(*policies(), *admission::scaleTarget(review)));
  admission::Review guarded;
  REQUIRE(admission::readReview(scaleReview("deployments", "web", "shop", 1, 9), guarded).empty());
  CHECK_FALSE(admission::scaleIgnored(*policies(), *admission::scaleTarget(guarded)));
}

TEST_CASE("a scale past a validate rule's bound is denied as an update of the workload") {
  const Value deployment = parse(kDeployment);
  Answer a = scaled(scaleReview("deployments", "web", "shop", 1, 6), &deployment);
  CHECK_FALSE(a.response.find("allowed")->asBool());
  CHECK(json::dig(a.response, {"status", "message"})->asString() ==
        "limits/at-most-five: replicas 6 is over 5");
  CHECK_FALSE(a.reply.allowed);
  CHECK(a.reply.generated.empty());  // the scale does not happen: no budget for it
  CHECK(a.reply.kind == "Deployment");
  CHECK(a.reply.name == "web");
  CHECK(a.reply.operation == "UPDATE");

  Answer ok = scaled(scaleReview("deployments", "web", "shop", 1, 5), &deployment);
  CHECK(ok.response.find("allowed")->asBool());
}

TEST_CASE("a scale to 2+ replicas warns of the template change and generates the PDB") {
  const Value deployment = parse(kDeployment);
  Answer a = scaled(scaleReview("deployments", "web", "shop", 1, 3), &deployment);
  CHECK(a.response.find("allowed")->asBool());
  CHECK(warningsOf(a.response) ==
        std::vector<std::string>{"scaled to 3 replicas; on its next update, ha/spread would add "
                                 "/spec/template/spec/affinity"});
  REQUIRE(a.reply.generated.size() == 1);
  const Value& pdb = a.reply.generated[0].object;
  CHECK(pdb.find("kind")->asString() == "PodDisruptionBudget");
  CHECK(json::dig(pdb, {"metadata", "name"})->asString() == "web-pdb");
  CHECK(json::write(*json::dig(pdb, {"spec", "selector"})) == R"({"matchLabels":{"app":"web"}})");
  // The owner of what is generated: the Deployment, by its uid.
  CHECK(a.reply.objectUid == "d-uid");
  CHECK(a.reply.apiVersion == "apps/v1");
  CHECK_FALSE(a.reply.dryRun);

  // A dry run answers the same; the server applies nothing for it.
  Answer dry = scaled(scaleReview("deployments", "web", "shop", 1, 3, true), &deployment);
  CHECK(dry.reply.dryRun);
  CHECK(warningsOf(dry.response) == warningsOf(a.response));
}

TEST_CASE("a change the workload needed before the scale is not the scale's warning") {
  Value deployment = parse(kDeployment);
  deployment["spec"]["replicas"] = Value::number(std::int64_t{3});
  Answer a = scaled(scaleReview("deployments", "web", "shop", 3, 4), &deployment);
  CHECK(a.response.find("allowed")->asBool());
  CHECK_FALSE(a.response.find("warnings"));
  CHECK(a.reply.generated.size() == 1);  // applied again, as on any update

  // Scaling down to one: nothing to add, no budget.
  Answer down = scaled(scaleReview("deployments", "web", "shop", 3, 1), &deployment);
  CHECK_FALSE(down.response.find("warnings"));
  CHECK(down.reply.generated.empty());
}

TEST_CASE("a scale's warning is at most 120 characters") {
  const std::string longName(100, 'w');
  Answer a = scaled(scaleReview("deployments", longName, "shop", 1, 3), nullptr, "not read");
  for (const std::string& w : warningsOf(a.response)) {
    CHECK(w.size() <= 120);
    CHECK(w.substr(w.size() - 3) == "...");
  }
}
